-- SPDX-License-Identifier: GPL-2.0
--
-- Wireshark / tshark dissector for AGISWARM datagrams (UDP, port 6000 by
-- default; any port by heuristics).
--
-- Use:
--   wireshark -X lua_script:configs/wireshark/agiswarm.lua capture.pcap
--   tshark -X lua_script:configs/wireshark/agiswarm.lua -r capture.pcap -V
-- or copy it to ~/.local/lib/wireshark/plugins/ (Wireshark 4.x) to load it
-- always. Filter with "agiswarm", "agiswarm.type == 0x02",
-- "agiswarm.cycle == 42", "agiswarm.sealed", ...
--
-- What it decodes (include/uapi/linux/agiswarm.h is the specification):
--   version 1   4-byte header (version, type, be16 length) and the CBOR map
--               of every type: TASK, RESULT, HEARTBEAT, STATUS, CONFIG,
--               COMMIT (with its signed body), SENSOR, ACTUATE, ROWS,
--               COMMIT_ACK, ERROR; each known key by name, vectors as their
--               fixed-point values, RESULT values as row and 128-bit sum;
--               keys it does not know as CBOR.
--   version 2   sealed: the header, the receiver index, the counter (the
--               nonce) and the ChaCha20-Poly1305 ciphertext and tag, which
--               cannot be read without the session key; the handshake types
--               HANDSHAKE_INIT (0x0b) and HANDSHAKE_RESP (0x0c) travel
--               unsealed and are decoded.
-- Anything malformed (truncated CBOR, a length that disagrees, nesting too
-- deep) is marked with an expert-info error, never read past its end.

local agiswarm = Proto("agiswarm", "AGISWARM control fabric")

local DEFAULT_PORT = 6000
local MAX_DEPTH = 16

local msg_types = {
	[0x01] = "TASK", [0x02] = "RESULT", [0x03] = "HEARTBEAT",
	[0x04] = "STATUS", [0x05] = "CONFIG", [0x06] = "COMMIT",
	[0x07] = "SENSOR", [0x08] = "ACTUATE", [0x09] = "ROWS",
	[0x0a] = "COMMIT_ACK", [0x0b] = "HANDSHAKE_INIT",
	[0x0c] = "HANDSHAKE_RESP", [0x0d] = "NEED_ROWS",
	[0x0e] = "CYCLE_RECORD", [0x0f] = "FENCED", [0xff] = "ERROR",
	[0x20] = "JOB_ROWS", [0x21] = "JOB_TASK", [0x22] = "JOB_RESULT",
	[0x23] = "JOB_CANCEL", [0xff] = "ERROR",
}
local qformats = { [1] = "Q1.31", [2] = "Q1.15", [3] = "Q8.24", [4] = "Q16.16" }
local qfrac = { [1] = 31, [2] = 15, [3] = 24 }
local actuate_status = { [0] = "ok", [1] = "hold", [2] = "zero" }
local health = { [0] = "healthy", [1] = "degraded", [2] = "unhealthy" }
local commit_status = { [0] = "accepted", [1] = "rejected" }
local miss_policy = { [0] = "hold", [1] = "zero" }
local control_law = { [0] = "passthrough", [1] = "pid" }

local f = {
	version = ProtoField.uint8("agiswarm.version", "Version", base.DEC),
	type = ProtoField.uint8("agiswarm.type", "Type", base.HEX, msg_types),
	length = ProtoField.uint16("agiswarm.length", "Payload length", base.DEC),
	sealed = ProtoField.bool("agiswarm.sealed", "Sealed"),
	receiver = ProtoField.uint32("agiswarm.receiver_index", "Receiver index", base.HEX),
	counter = ProtoField.uint64("agiswarm.counter", "Counter (nonce)", base.DEC),
	ciphertext = ProtoField.bytes("agiswarm.ciphertext", "Ciphertext"),
	tag = ProtoField.bytes("agiswarm.tag", "Poly1305 tag"),
	-- keys, by name; numbers are uint64 (CBOR uints are)
	epoch = ProtoField.uint64("agiswarm.epoch", "Epoch"),
	cycle = ProtoField.uint64("agiswarm.cycle", "Cycle"),
	gen = ProtoField.uint64("agiswarm.gen", "Generation"),
	fmt = ProtoField.uint64("agiswarm.fmt", "Format"),
	x = ProtoField.string("agiswarm.x", "x"),
	u = ProtoField.string("agiswarm.u", "u"),
	worker = ProtoField.uint64("agiswarm.worker", "Worker"),
	values = ProtoField.bytes("agiswarm.values", "Values"),
	value = ProtoField.string("agiswarm.value", "Value"),
	value_row = ProtoField.uint16("agiswarm.value.row", "Coded row"),
	value_sum = ProtoField.string("agiswarm.value.sum", "Sum (i128)"),
	seq = ProtoField.uint64("agiswarm.seq", "Sequence"),
	status = ProtoField.string("agiswarm.status", "Status"),
	row = ProtoField.uint64("agiswarm.row", "Coded row"),
	ncols = ProtoField.uint64("agiswarm.ncols", "Columns"),
	offset = ProtoField.uint64("agiswarm.offset", "Offset"),
	entries = ProtoField.string("agiswarm.entries", "Entries (s64)"),
	nrows = ProtoField.uint64("agiswarm.nrows", "Rows held"),
	port = ProtoField.uint64("agiswarm.port", "Port"),
	cpu = ProtoField.uint64("agiswarm.cpu", "CPU (permille)"),
	memory = ProtoField.uint64("agiswarm.memory", "Memory (permille)"),
	latency = ProtoField.uint64("agiswarm.latency", "Latency (us)"),
	queue = ProtoField.uint64("agiswarm.queue", "Receive queue (bytes)"),
	node = ProtoField.uint64("agiswarm.node", "Node"),
	member = ProtoField.uint64("agiswarm.member", "Member"),
	body = ProtoField.bytes("agiswarm.body", "Commit body"),
	signature = ProtoField.bytes("agiswarm.signature", "Signature (Ed25519)"),
	reason = ProtoField.string("agiswarm.reason", "Reason"),
	apply_at = ProtoField.uint64("agiswarm.apply_at_cycle", "Apply at cycle"),
	commit_version = ProtoField.uint64("agiswarm.commit.version", "Commit version"),
	key_id = ProtoField.bytes("agiswarm.commit.key_id", "Key id"),
	not_before = ProtoField.uint64("agiswarm.commit.not_before", "Not before (unix s)"),
	not_after = ProtoField.uint64("agiswarm.commit.not_after", "Not after (unix s)"),
	nonce = ProtoField.bytes("agiswarm.commit.nonce", "Nonce"),
	change = ProtoField.string("agiswarm.commit.change", "Change"),
	sender_index = ProtoField.uint64("agiswarm.hs.sender_index", "Sender index"),
	hs_receiver = ProtoField.uint64("agiswarm.hs.receiver_index", "Receiver index"),
	ephemeral = ProtoField.bytes("agiswarm.hs.ephemeral", "Ephemeral X25519 key"),
	timestamp = ProtoField.uint64("agiswarm.hs.timestamp", "Timestamp (ns)"),
	initiator = ProtoField.bytes("agiswarm.hs.initiator_key", "Initiator key"),
	responder = ProtoField.bytes("agiswarm.hs.responder_key", "Responder key"),
	init_hash = ProtoField.bytes("agiswarm.hs.init_hash", "INIT hash (BLAKE2b-256)"),
	hash = ProtoField.bytes("agiswarm.hash", "Row set hash"),
	group = ProtoField.uint64("agiswarm.group", "Group"),
	rows_epoch = ProtoField.uint64("agiswarm.rows_epoch", "Rows epoch"),
	job = ProtoField.uint32("agiswarm.job", "Job"),
	swarm = ProtoField.uint64("agiswarm.commit.swarm", "Swarm (security.swarm_id)"),
	target_node = ProtoField.uint64("agiswarm.commit.node", "Aggregator node (0: any)"),
	ufmt = ProtoField.uint64("agiswarm.record.ufmt", "Format of u"),
	nx = ProtoField.uint64("agiswarm.record.nx", "Inputs (x)"),
	nu = ProtoField.uint64("agiswarm.record.nu", "Outputs (y, u)"),
	flags = ProtoField.uint64("agiswarm.record.flags", "Flags (have_u 1, y 2, applied 4, estop 8)", base.HEX),
	period = ProtoField.uint64("agiswarm.record.period_us", "Period (us)"),
	deadline = ProtoField.uint64("agiswarm.record.deadline_us", "Deadline (us)"),
	rvalues = ProtoField.string("agiswarm.record.values", "x, y, u, I, e_prev (part)"),
	binding = ProtoField.bytes("agiswarm.record.binding", "Row assignment digest"),
	stale = ProtoField.uint64("agiswarm.fenced.stale", "Refused TASK's epoch"),
	unknown = ProtoField.string("agiswarm.unknown_key", "Unknown key"),
}
local fields = {}
for _, v in pairs(f) do table.insert(fields, v) end
agiswarm.fields = fields

local e_malformed = ProtoExpert.new("agiswarm.malformed", "Malformed AGISWARM datagram",
	expert.group.MALFORMED, expert.severity.ERROR)
local e_sealed = ProtoExpert.new("agiswarm.sealed_payload", "Sealed payload: needs the session key",
	expert.group.SECURITY, expert.severity.NOTE)
agiswarm.experts = { e_malformed, e_sealed }

agiswarm.prefs.port = Pref.uint("UDP port", DEFAULT_PORT, "The swarm's UDP port")

-- --- CBOR ---------------------------------------------------------------

-- The head at @off (< @limit): major, argument (a number, or a UInt64 when
-- it does not fit 2^53), the head's length, additional information; nil
-- and a reason when it is cut or reserved.
local function read_head(tvb, off, limit)
	if off >= limit then return nil, "truncated" end
	local b = tvb(off, 1):uint()
	local major, ai = bit.rshift(b, 5), bit.band(b, 0x1f)
	if ai < 24 then return major, ai, 1, ai end
	local n = ({ [24] = 1, [25] = 2, [26] = 4, [27] = 8 })[ai]
	if ai == 31 then return major, nil, 1, ai end
	if not n then return nil, "reserved additional information " .. ai end
	if off + 1 + n > limit then return nil, "truncated" end
	if n == 8 then
		local v = tvb(off + 1, 8):uint64()
		if v < UInt64(0, 0x200000) then v = v:tonumber() end
		return major, v, 9, ai
	end
	return major, tvb(off + 1, n):uint(), 1 + n, ai
end

local function num(v) return type(v) == "number" and v or v:tonumber() end

-- One item at @off: its end, and a short text of it; nil, reason on error.
local function skip_item(tvb, off, limit, depth)
	if depth > MAX_DEPTH then return nil, "nested too deep" end
	local major, arg, hl, ai = read_head(tvb, off, limit)
	if not major then return nil, arg end
	local p = off + hl
	if arg == nil then
		if major == 7 then return nil, "unexpected break" end
		return nil, "indefinite length (not deterministic)"
	end
	if major == 0 then return p, tostring(arg) end
	if major == 1 then
		if type(arg) == "number" then return p, tostring(-1 - arg) end
		return p, "-1-" .. tostring(arg)
	end
	if major == 2 or major == 3 then
		local n = num(arg)
		if p + n > limit then return nil, "truncated string" end
		if major == 3 then
			return p + n, '"' .. (n > 0 and tvb(p, n):string() or "") .. '"'
		end
		return p + n, "h'" .. (n > 0 and tostring(tvb(p, n):bytes()) or "") .. "'"
	end
	if major == 4 or major == 5 then
		local n = num(arg) * (major == 5 and 2 or 1)
		local parts = {}
		for i = 1, n do
			local text
			p, text = skip_item(tvb, p, limit, depth + 1)
			if not p then return nil, text end
			if #parts < 8 then table.insert(parts, text) end
		end
		local s = major == 4 and "[" or "{"
		for i, t in ipairs(parts) do
			if major == 5 then
				s = s .. (i % 2 == 0 and ": " or (i > 1 and ", " or "")) .. t
			else
				s = s .. (i > 1 and ", " or "") .. t
			end
		end
		if #parts < n then s = s .. ", ..." end
		return p, s .. (major == 4 and "]" or "}")
	end
	if major == 6 then
		local e, t = skip_item(tvb, p, limit, depth + 1)
		if not e then return nil, t end
		return e, tostring(arg) .. "(" .. t .. ")"
	end
	local simple = { [20] = "false", [21] = "true", [22] = "null", [23] = "undefined" }
	return p, simple[ai] or ("simple/float, ai " .. ai)
end

-- --- values ---------------------------------------------------------------

local function q_text(raw, fmt)
	local frac = qfrac[fmt]
	if not frac then return tostring(raw) end
	return string.format("%.10g", raw / 2 ^ frac)
end

-- A vector of s32 (4 bytes each) in format @fmt, as text.
local function qvec_text(tvb, p, n, fmt)
	if n % 4 ~= 0 then return nil end
	local parts = {}
	for i = 0, n / 4 - 1 do
		local raw = tvb(p + 4 * i, 4):int()
		if #parts < 16 then table.insert(parts, q_text(raw, fmt)) end
	end
	local s = table.concat(parts, ", ")
	if n / 4 > 16 then s = s .. ", ..." end
	return string.format("(%s) [%d, %s]", s, n / 4, qformats[fmt] or "raw")
end

local function s64vec_text(tvb, p, n)
	if n % 8 ~= 0 then return nil end
	local parts = {}
	for i = 0, n / 8 - 1 do
		if #parts < 16 then table.insert(parts, tostring(tvb(p + 8 * i, 8):int64())) end
	end
	local s = table.concat(parts, ", ")
	if n / 8 > 16 then s = s .. ", ..." end
	return "(" .. s .. ")"
end

-- An i128, two's complement, as hex and as a decimal when it fits 2^63.
local function i128_text(tvb, p)
	local hi, lo = tvb(p, 8):int64(), tvb(p + 8, 8):uint64()
	local hex = "0x" .. tostring(tvb(p, 16):bytes())
	if hi == Int64(0) and lo < UInt64(0, 0x80000000) then
		return tostring(lo) .. " (" .. hex .. ")"
	end
	if hi == Int64(-1) and lo >= UInt64(0, 0x80000000) then
		return "-" .. tostring((UInt64(0xffffffff, 0xffffffff) - lo) + 1) ..
			" (" .. hex .. ")"
	end
	return hex
end

-- --- keys of each type ----------------------------------------------------
--
-- kind: uint (f[name]), enum (names table, shown in agiswarm.status or a
-- uint field), qvec (s32 vector in the message's fmt), values, s64vec,
-- bytes, text, body (a commit body), changes (a commit's change map).

local K = {}
K[0x01] = { [1] = { "epoch" }, [2] = { "cycle" }, [3] = { "gen" },
	[4] = { "fmt", "fmt" }, [5] = { "x", "qvec" } }
K[0x02] = { [1] = { "epoch" }, [2] = { "cycle" }, [3] = { "gen" },
	[4] = { "worker" }, [5] = { "values", "values" } }
K[0x03] = { [1] = { "worker" }, [2] = { "seq" }, [3] = { "port" },
	[4] = { "status", "enum", health }, [5] = { "cpu" }, [6] = { "memory" },
	[7] = { "latency" }, [8] = { "queue" } }
K[0x04] = { [1] = { "node" }, [2] = { "seq" }, [3] = { "epoch" },
	[4] = { "cycle" }, [5] = { "status", "enum", health }, [6] = { "member" } }
K[0x06] = { [1] = { "body", "body" }, [2] = { "signature", "bytes" } }
K[0x07] = { [1] = { "seq" }, [2] = { "fmt", "fmt" }, [3] = { "x", "qvec" } }
K[0x08] = { [1] = { "epoch" }, [2] = { "cycle" }, [3] = { "fmt", "fmt" },
	[4] = { "u", "qvec" }, [5] = { "status", "enum", actuate_status } }
K[0x09] = { [1] = { "epoch" }, [2] = { "gen" }, [3] = { "row" },
	[4] = { "ncols" }, [5] = { "offset" }, [6] = { "entries", "s64vec" },
	[7] = { "nrows" }, [8] = { "group" }, [9] = { "hash", "bytes" } }
K[0x0a] = { [1] = { "seq" }, [2] = { "status", "enum", commit_status },
	[3] = { "reason", "text" }, [4] = { "apply_at" } }
K[0x0b] = { [1] = { "sender_index" }, [2] = { "ephemeral", "bytes" },
	[3] = { "timestamp" }, [4] = { "initiator", "bytes" },
	[5] = { "responder", "bytes" }, [6] = { "signature", "bytes" } }
K[0x0c] = { [1] = { "sender_index" }, [2] = { "hs_receiver" },
	[3] = { "ephemeral", "bytes" }, [4] = { "init_hash", "bytes" },
	[5] = { "signature", "bytes" } }
K[0x0d] = { [1] = { "epoch" }, [2] = { "gen" }, [3] = { "hash", "bytes" } }
K[0x0e] = { [1] = { "epoch" }, [2] = { "cycle" },
	[3] = { "status", "enum", actuate_status }, [4] = { "fmt", "fmt" },
	[5] = { "ufmt" }, [6] = { "nx" }, [7] = { "nu" }, [8] = { "flags" },
	[9] = { "period" }, [10] = { "deadline" }, [11] = { "gen" },
	[12] = { "rows_epoch" }, [13] = { "offset" }, [14] = { "rvalues", "qvec" },
	[15] = { "binding", "bytes" } }
K[0x0f] = { [1] = { "epoch" }, [2] = { "stale" }, [3] = { "worker" } }
-- TASK's row-set binding (keys 6..8) where it is sent
K[0x01][6] = { "group" }
K[0x01][7] = { "rows_epoch" }
K[0x01][8] = { "hash", "bytes" }
-- A job's messages: the cycle's keys and one more, the job id.
local function with_job(t, key)
	local c = {}
	for k, v in pairs(t) do c[k] = v end
	c[key] = { "job" }
	return c
end
K[0x20] = with_job(K[0x09], 10)
K[0x21] = with_job(K[0x01], 9)
K[0x22] = with_job(K[0x02], 6)
K[0x23] = { [1] = { "epoch" }, [2] = { "job" } }

local BODY = { [1] = { "commit_version" }, [2] = { "seq" }, [3] = { "epoch" },
	[4] = { "key_id", "bytes" }, [5] = { "not_before" }, [6] = { "not_after" },
	[7] = { "nonce", "bytes" }, [8] = { "changes", "changes" },
	[9] = { "apply_at" }, [10] = { "swarm" }, [11] = { "target_node" } }
local CHANGES = { [1] = "setpoint", [2] = "kp", [3] = "ki", [4] = "kd",
	[5] = "lo", [6] = "hi", [7] = "cycle_period_us", [8] = "deadline_us",
	[9] = "miss_policy", [10] = "control_law", [11] = "matrix",
	[12] = "resume" }
local CHANGE_Q = { kp = 3, ki = 3, kd = 3, lo = 1, hi = 1 }

local dissect_map

-- A commit's changes: each as "name: value".
local function dissect_changes(tvb, tree, p, limit, depth)
	local major, n, hl = read_head(tvb, p, limit)
	if major ~= 5 or n == nil then return nil, "changes is not a map" end
	p = p + hl
	for _ = 1, num(n) do
		local kmaj, key, khl = read_head(tvb, p, limit)
		if not kmaj then return nil, key end
		local vstart = p + khl
		local vend, text = skip_item(tvb, vstart, limit, depth + 1)
		if not vend then return nil, text end
		local name = CHANGES[num(key)] or ("key " .. tostring(key))
		local vmaj, varg = read_head(tvb, vstart, limit)
		if CHANGE_Q[name] and (vmaj == 0 or vmaj == 1) then
			local raw = vmaj == 0 and num(varg) or -1 - num(varg)
			text = q_text(raw, CHANGE_Q[name]) .. " (raw " .. raw .. ")"
		elseif name == "miss_policy" and vmaj == 0 then
			text = miss_policy[num(varg)] or text
		elseif name == "control_law" and vmaj == 0 then
			text = control_law[num(varg)] or text
		end
		tree:add(f.change, tvb(p, vend - p), name .. ": " .. text)
		p = vend
	end
	return p
end

-- One value of @spec at [vstart, vend).
local function add_value(tvb, tree, spec, key_range, vstart, vend, limit, depth, ctx)
	local name, kind, names = spec[1], spec[2] or "uint", spec[3]
	local range = tvb(key_range:offset(), vend - key_range:offset())
	local major, arg, hl = read_head(tvb, vstart, limit)
	local p = vstart + hl
	if kind == "uint" or kind == "fmt" or kind == "enum" then
		if major ~= 0 then return "key " .. name .. " is not a uint" end
		local v = type(arg) == "number" and UInt64(arg) or arg
		if kind == "enum" then
			local n = num(arg)
			tree:add(f[name], range, (names[n] or "unknown") .. " (" .. n .. ")")
			ctx[name] = names[n] or tostring(n)
		else
			local item = tree:add(f[name], range, v)
			ctx[name] = tostring(arg)
			if kind == "fmt" then
				item:append_text(" (" .. (qformats[num(arg)] or "unknown") .. ")")
				ctx.qfmt = num(arg)
			end
		end
		return nil
	end
	if kind == "text" then
		if major ~= 3 then return "key " .. name .. " is not text" end
		tree:add(f[name], range, num(arg) > 0 and tvb(p, num(arg)):string() or "")
		return nil
	end
	if kind == "changes" then
		local sub = tree:add(agiswarm, range, "Changes")
		local e, why = dissect_changes(tvb, sub, vstart, vend, depth)
		return e and nil or why
	end
	if major ~= 2 then return "key " .. name .. " is not a byte string" end
	local n = num(arg)
	if kind == "bytes" then
		if n > 0 then tree:add(f[name], tvb(p, n)) else tree:add(f[name], range) end
	elseif kind == "qvec" then
		local text = qvec_text(tvb, p, n, ctx.qfmt)
		if not text then return "key " .. name .. ": length not a multiple of 4" end
		tree:add(f[name], range, text)
	elseif kind == "s64vec" then
		local text = s64vec_text(tvb, p, n)
		if not text then return "key " .. name .. ": length not a multiple of 8" end
		tree:add(f[name], range, text)
	elseif kind == "values" then
		if n % 18 ~= 0 then return "values: length not a multiple of 18" end
		local sub = tree:add(f.values, n > 0 and tvb(p, n) or range)
		sub:append_text(" (" .. n / 18 .. " values)")
		for i = 0, n / 18 - 1 do
			local at = p + 18 * i
			local row, sum = tvb(at, 2):uint(), i128_text(tvb, at + 2)
			local v = sub:add(f.value, tvb(at, 18), "row " .. row .. " = " .. sum)
			v:add(f.value_row, tvb(at, 2))
			v:add(f.value_sum, tvb(at + 2, 16), sum)
		end
	elseif kind == "body" then
		local sub = tree:add(f.body, n > 0 and tvb(p, n) or range)
		local e, why = dissect_map(tvb, sub, p, p + n, BODY, depth + 1, {})
		if not e then return "commit body: " .. why end
		if e ~= p + n then return "commit body: trailing bytes" end
	end
	return nil
end

-- The map at @p, ending exactly at @limit when it is the payload; returns
-- its end, or nil and why.
dissect_map = function(tvb, tree, p, limit, keys, depth, ctx)
	local major, n, hl = read_head(tvb, p, limit)
	if not major then return nil, n end
	if major ~= 5 then return nil, "the payload is not a map" end
	if n == nil then return nil, "indefinite-length map (not deterministic)" end
	p = p + hl
	-- fmt comes before the vectors it describes in every type (keys sort)
	for _ = 1, num(n) do
		local kstart = p
		local kmaj, key, khl = read_head(tvb, p, limit)
		if not kmaj then return nil, key end
		local vstart = p + khl
		local vend, text = skip_item(tvb, vstart, limit, depth + 1)
		if not vend then return nil, text end
		local spec = kmaj == 0 and keys and keys[num(key)]
		if spec then
			local why = add_value(tvb, tree, spec, tvb(kstart, 1), vstart, vend, limit, depth, ctx)
			if why then return nil, why end
		else
			local ktext = select(2, skip_item(tvb, kstart, limit, depth + 1))
			tree:add(f.unknown, tvb(kstart, vend - kstart), ktext .. ": " .. text)
		end
		p = vend
	end
	return p
end

-- --- the datagram -----------------------------------------------------------

local function malformed(tree, pinfo, range, why)
	tree:add_proto_expert_info(e_malformed, why)
	pinfo.cols.info:append(" [malformed: " .. why .. "]")
end

local function dissect(tvb, pinfo, root)
	local len = tvb:len()
	if len < 4 then return 0 end
	pinfo.cols.protocol = "AGISWARM"
	local tree = root:add(agiswarm, tvb(), "AGISWARM")
	local version, mtype, plen = tvb(0, 1):uint(), tvb(1, 1):uint(), tvb(2, 2):uint()
	local name = msg_types[mtype] or string.format("type 0x%02x", mtype)
	tree:add(f.version, tvb(0, 1))
	tree:add(f.type, tvb(1, 1))
	tree:add(f.length, tvb(2, 2))
	tree:append_text(", " .. name)
	pinfo.cols.info = name
	if plen ~= len - 4 then
		malformed(tree, pinfo, tvb(2, 2), "length " .. plen .. " but " .. (len - 4) .. " bytes follow")
		return len
	end
	if version == 2 and mtype ~= 0x0b and mtype ~= 0x0c then
		tree:add(f.sealed, true):set_generated()
		pinfo.cols.info:append(" (sealed)")
		if len < 32 then
			malformed(tree, pinfo, tvb(), "a sealed datagram has at least 32 bytes")
			return len
		end
		tree:add(f.receiver, tvb(4, 4))
		tree:add(f.counter, tvb(8, 8))
		if len > 32 then tree:add(f.ciphertext, tvb(16, len - 32)) end
		tree:add(f.tag, tvb(len - 16, 16))
		tree:add_proto_expert_info(e_sealed)
		pinfo.cols.info:append(string.format(" idx 0x%08x ctr %s", tvb(4, 4):uint(),
			tostring(tvb(8, 8):uint64())))
		return len
	end
	if version ~= 1 and version ~= 2 then
		malformed(tree, pinfo, tvb(0, 1), "unknown version " .. version)
		return len
	end
	tree:add(f.sealed, false):set_generated()
	local ctx = {}
	local e, why = dissect_map(tvb, tree, 4, len, K[mtype], 0, ctx)
	if not e then
		malformed(tree, pinfo, tvb(4), why)
	elseif e ~= len then
		malformed(tree, pinfo, tvb(e), "trailing bytes after the map")
	end
	for _, k in ipairs({ "epoch", "cycle", "seq", "worker", "status" }) do
		if ctx[k] then pinfo.cols.info:append(" " .. k .. " " .. ctx[k]) end
	end
	return len
end

function agiswarm.dissector(tvb, pinfo, root)
	return dissect(tvb, pinfo, root)
end

-- Any UDP port: the header must be consistent before we claim it.
local function heuristic(tvb, pinfo, root)
	local len = tvb:len()
	if len < 5 then return false end
	local version, mtype = tvb(0, 1):uint(), tvb(1, 1):uint()
	if (version ~= 1 and version ~= 2) or not msg_types[mtype] then return false end
	if tvb(2, 2):uint() ~= len - 4 then return false end
	if version == 1 and bit.rshift(tvb(4, 1):uint(), 5) ~= 5 then return false end
	dissect(tvb, pinfo, root)
	return true
end

local udp_port = DissectorTable.get("udp.port")
local registered = DEFAULT_PORT
udp_port:add(registered, agiswarm)
agiswarm:register_heuristic("udp", heuristic)

function agiswarm.prefs_changed()
	if agiswarm.prefs.port ~= registered then
		udp_port:remove(registered, agiswarm)
		registered = agiswarm.prefs.port
		udp_port:add(registered, agiswarm)
	end
end
