# SPDX-License-Identifier: GPL-2.0
#
# daemon_lib.sh: what the agiswarmd tests (selftests/daemon_*.sh) share,
# on top of netns/lib.sh (source that first). Not a test itself
# (TEST_FILES in selftests/Makefile).
#
# The swarm is made by netns/swarm.sh through agictl, as in the swarm
# tests; the daemons then start on nodes that already run, so they adopt
# them (agiswarmd(8), "Restart") and add what the tests are about:
# commits, heartbeats, metrics.csv.

# daemon_prereqs: skip unless a swarm and agiswarmd can run here; sets
# AGISWARMD as well as what swarm_test_prereqs sets.
daemon_prereqs()
{
	swarm_test_prereqs
	AGISWARMD=${AGISWARMD:-$(command -v agiswarmd ||
		echo "$lib_top/build/agiswarmd")}
	[ -x "$AGISWARMD" ] || tap_skip_all "agiswarmd not built"
}

# agg_config FILE [YAML...]: aggregator 1 of the swarm, its files in $tmp
# (its node key $tmp/agg/node.key, made at first start); extra top-level
# YAML lines are appended (a section not used here). $STATIC_WORKERS are
# its aggregator.workers, $REKEY_S its security.rekey_after_s. The VM's CPU
# says nothing about a worker's health (the tests keep it busy: never
# degraded for it), and a slower kernel (AGISWARM_TIMEOUT_SCALE, the debug
# kernel's) stretches heartbeats and round trips.
agg_config()
{
	local file=$1 scale=${AGISWARM_TIMEOUT_SCALE:-1}
	shift
	cat > "$file" <<-EOF
	node:
	  id: 1
	  role: aggregator
	  key_file: $tmp/agg/node.key
	aggregator:
	  udp_port: $SWARM_PORT
	  workers: [${STATIC_WORKERS:-}]
	worker:
	  heartbeat_interval: 0.5
	  health:
	    unhealthy_after_missed: $((4 * scale))
	    degraded_latency_ms: $((100 * scale))
	    degraded_cpu_percent: 100
	matrix:
	  file: $lib_top/configs/swarm_matrix.json
	security:
	  authorized_keys: $tmp/authorized_keys
	  audit_log: $tmp/audit.log
	  rekey_after_s: ${REKEY_S:-120}
	metrics:
	  file: $tmp/metrics.csv
	  max_size: ${METRICS_MAX_SIZE:-10MB}
	  backup_count: 100
	EOF
	printf '%s\n' "$@" >> "$file"
}

# worker_config FILE ID: worker ID of the swarm, reporting to 192.0.2.1;
# its node key $tmp/wID/node.key, the aggregator's key $AGG_KEY ("": none).
worker_config()
{
	cat > "$1" <<-EOF
	node:
	  id: $2
	  role: worker
	  key_file: $tmp/w$2/node.key
	aggregator:
	  udp_port: $SWARM_PORT
	worker:
	  aggregator:
	    host: "$SWARM_AGG_ADDR"
	    port: $SWARM_PORT
	    key: "${AGG_KEY:-}"
	  heartbeat_interval: 0.5
	EOF
}

# members IDS: the module's workers are exactly IDS, each holding rows.
members()
{
	actl "$SWARM_AGG" -j workers list > "$tmp/workers.json" || return 1
	"$JQ" -e --arg ids "$1" '
		($ids | split(" ") | map(tonumber) | sort) as $want
		| (map(.id) | sort) == $want and all(.[]; .rows > 0)' \
		"$tmp/workers.json" > /dev/null
}

# daemon_verify MIN_OK: the monitored cycles ($tmp/monitor.json) are at
# least $CYCLES, MIN_OK percent of them ok, every ok output y = A x for
# $tmp/matrix.txt (verify_cycles); its report's start when not.
daemon_verify()
{
	"$VERIFY" --matrix "$tmp/matrix.txt" --min-cycles "$CYCLES" \
		--min-ok "$1" < "$tmp/monitor.json" > "$tmp/verify.out" 2>&1 || {
		tap_nest "$tmp/verify.out" | head -n 20; return 1; }
}

# write_datagram FILE HEX...: the bytes, for bash's /dev/udp.
write_datagram()
{
	local f=$1 b
	shift
	: > "$f"
	for b in "$@"; do
		printf "\\x$b" >> "$f"
	done
}

daemon_running() { grep -q "agiswarmd: running as" "$1"; }

# daemon_start NS NAME CONFIG: agiswarmd in NS, its log $tmp/NAME.log (appended),
# its pid in $tmp/NAME.pid; returns once it runs.
daemon_start()
{
	local ns=$1 name=$2 config=$3 pid
	: >> "$tmp/$name.log"
	# not through in_ns: $! must be agiswarmd itself (ip netns exec execs)
	"$IP" netns exec "$ns" "$AGISWARMD" --config "$config" \
		>> "$tmp/$name.log" 2>&1 &
	pid=$!
	echo "$pid" > "$tmp/$name.pid"
	mkdir -p "$SWARM_STATE"
	echo "$pid" >> "$SWARM_STATE/pids"
	wait_for 30 "agiswarmd $name to run" daemon_running "$tmp/$name.log"
}

# daemon_stop NAME: SIGTERM, and waits until agiswarmd has left (it writes
# what it still holds on the way out).
daemon_stop()
{
	local pid
	pid=$(cat "$tmp/$1.pid")
	kill "$pid" || return 1
	wait "$pid" 2>/dev/null || true	# when this shell started it
	wait_for 30 "agiswarmd $1 to leave" daemon_gone "$pid"
}

daemon_gone() { ! kill -0 "$1" 2>/dev/null; }

# daemon_kill9 NAME: SIGKILL, as a crash; the log keeps what it wrote.
daemon_kill9()
{
	local pid
	pid=$(cat "$tmp/$1.pid")
	kill -9 "$pid" || return 1
	wait "$pid" 2>/dev/null || true
	# the next start appends; the marker separates the runs
	sed -i 's/agiswarmd: running as/agiswarmd: (killed) ran as/' "$tmp/$1.log"
}

# daemons_crashed: each daemon started here that has died of a signal
# other than this script's SIGKILL or SIGTERM (a SIGSEGV, an ASan abort):
# its exit and the end of its log, as TAP comments, once. For
# tap_on_fail: bash only says "Segmentation fault" when it reaps it.
daemons_crashed()
{
	local f name pid st
	for f in "$tmp"/*.pid; do
		[ -f "$f" ] || continue
		name=$(basename "$f" .pid)
		pid=$(cat "$f")
		[ ! -e "$tmp/$name.reaped.$pid" ] && ! kill -0 "$pid" 2>/dev/null ||
			continue
		st=0
		wait "$pid" 2>/dev/null || st=$?
		: > "$tmp/$name.reaped.$pid"
		# 127: reaped already; 137, 143: this script's SIGKILL, SIGTERM
		[ "$st" -gt 128 ] && [ "$st" != 137 ] && [ "$st" != 143 ] || continue
		echo "# agiswarmd $name (pid $pid) died of signal $((st - 128)) ($(kill -l $((st - 128)) 2>/dev/null)); the end of its log:"
		tail -n 30 "$tmp/$name.log" | sed 's/^/#   /'
	done
	return 0
}

# operator DIR: a key pair in DIR (agictl keygen), authorized or not.
operator()
{
	"$AGICTL" keygen --output "$1" > "$1.keygen" 2>&1
}

authorize() { echo "$(cat "$1/operator.pub") ${2:-operator}" >> "$tmp/authorized_keys"; }

# signed_swarm_up: a swarm of three workers under the PID law with kp 1
# (u = y - setpoint), operator alice's key in $tmp/op and authorized, and
# STATIC_WORKERS naming the three workers for agg_config; sets $rows and a
# $setpoint of 0.25 per output.
signed_swarm_up()
{
	swarm_test_up --workers 3
	rows=$(matrix_rows)
	setpoint=$(yes 0.25 | head -n "$rows" | paste -sd, -)
	actl "$SWARM_AGG" law set pid kp 1 ki 0 kd 0
	operator "$tmp/op"
	authorize "$tmp/op" alice
	STATIC_WORKERS="{id: 1, address: \"192.0.2.11\"}, {id: 2, address: \"192.0.2.12\"}, {id: 3, address: \"192.0.2.13\"}"
}

# matrix_rows: rows of the swarm's state-feedback matrix.
matrix_rows()
{
	"$JQ" '.control_matrices.state_feedback.matrix | length' \
		"$lib_top/configs/swarm_matrix.json"
}

# monitor_start N OUT: `agictl -j monitor --count N` in the background
# (MONITOR_PID); returns once the first event is in.
monitor_start()
{
	timeout "${MONITOR_TIMEOUT:-90}" "$IP" netns exec "$SWARM_AGG" \
		"$AGICTL" -j monitor --count "$1" > "$2" &
	MONITOR_PID=$!
	wait_for 30 "the first cycle event" test -s "$2"
}

# cycles_consecutive FILE: the monitor's cycle ids are N, N+1, N+2, ...
cycles_consecutive()
{
	"$JQ" -e -s 'map(.cycle) as $c | ($c | length) > 1 and
		([range(1; $c | length)] | all(. as $i | $c[$i] == $c[$i - 1] + 1))' \
		"$1" > /dev/null
}
