/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Documentation
 * =============
 *
 * agiswarm.ko is configured and queried over generic netlink, family
 * AGISWARM_GENL_NAME ("agiswarm"), version AGISWARM_GENL_VERSION. All state
 * is per network namespace: a request acts on the namespace of the netlink
 * socket it arrives on, and one namespace is one node of the swarm.
 *
 * Errors come back as a negative errno in the NLMSG_ERROR message, with an
 * extended-ACK text (NLMSGERR_ATTR_MSG) and, where one attribute is at fault,
 * its offset (NLMSGERR_ATTR_OFFS). Every command validates strictly: unknown
 * attributes and attributes of the wrong type or length are refused with
 * -EINVAL. Commands marked "admin" need CAP_NET_ADMIN in the user namespace
 * that owns the network namespace (GENL_UNS_ADMIN_PERM) and fail with -EPERM
 * otherwise. An unknown command fails with -EOPNOTSUPP.
 *
 * AGISWARM_CMD_GET_STATUS
 * -----------------------
 *
 * May be called by any user, NLM_F_REQUEST only (no dump). Takes no
 * attributes. Replies with one AGISWARM_CMD_GET_STATUS message:
 *
 *    AGISWARM_A_VERSION: NLA_NUL_STRING, the module's version, "0.1.0"
 *    AGISWARM_A_ROLE: NLA_U8, an enum agiswarm_role
 *    AGISWARM_A_NODE_ID: NLA_U32, this node's id (0 until set)
 *    AGISWARM_A_PORT: NLA_U16, the node's UDP port, 0 when closed
 *    AGISWARM_A_EPOCH: NLA_U64 (padded with AGISWARM_A_PAD)
 *    AGISWARM_A_GROUP_ID: NLA_U64, the aggregator group's id that row
 *                     sets are bound to: as set, or the node id while
 *                     none is set (see SET_NODE)
 *    AGISWARM_A_GROUP_RANK, AGISWARM_A_GROUP_SIZE,
 *    AGISWARM_A_FAILURE_THRESHOLD: NLA_U8 each, as SET_NODE sets them
 *    AGISWARM_A_THRESHOLD_NOW: NLA_U8, the failure threshold in effect:
 *                     FAILURE_THRESHOLD plus the backoff (see "The
 *                     backoff" below)
 *    AGISWARM_A_GROUP_MODE: NLA_U8, an enum agiswarm_group_mode
 *    AGISWARM_A_EPOCH_OWNER: NLA_U8, the rank that owns the epoch
 *                     (epoch % 8, see "Replicated aggregator group")
 *    AGISWARM_A_RECORD_CYCLE: NLA_U64, the cycle of the last complete
 *                     CYCLE record a backup adopted, 0 before any
 *    AGISWARM_A_PROBE_JOIN: NLA_U8, as SET_NODE sets it
 *    AGISWARM_A_CYCLE_PERIOD_US: NLA_U32
 *    AGISWARM_A_CYCLE_DEADLINE_US: NLA_U32
 *    AGISWARM_A_MISS_POLICY: NLA_U8, an enum agiswarm_miss_policy
 *    AGISWARM_A_CONTROL_LAW: NLA_U8, an enum agiswarm_control_law
 *    AGISWARM_A_RUNNING: NLA_U8, 1 while the cycle runs
 *    AGISWARM_A_CYCLE_ID: NLA_U64, the last cycle started (0 before any)
 *    AGISWARM_A_REDUNDANCY: NLA_U8
 *    AGISWARM_A_DAEMON_PORTID: NLA_U32, the netlink port id of the
 *                     registered daemon (REGISTER_DAEMON), 0 when none
 *    AGISWARM_A_STAGED_CYCLE: NLA_U64, the earliest cycle at which a
 *                     staged change (APPLY_AT_CYCLE) is still to take
 *                     effect, 0 when nothing is staged (a held change
 *                     does not count: it takes effect at no cycle)
 *    AGISWARM_A_HELD_CYCLE: NLA_U64, the cycle a held SET_NODE change
 *                     (HOLD) is for, 0 when none is held
 *    AGISWARM_A_PID: NLA_NESTED, the PID in use: KP, KI, KD, LO, HI and
 *                     SETPOINT (absent when no setpoint was set)
 *    AGISWARM_A_SENSOR_TIMEOUT_US, AGISWARM_A_SAFE_OUTPUT (absent when
 *                     none was set: all zeros), AGISWARM_A_SAFE_STATE,
 *                     AGISWARM_A_AUDIT_SEQ, AGISWARM_A_AUDIT_RECORDS: as
 *                     SET_NODE sets them
 *    AGISWARM_A_COUNTERS: NLA_NESTED
 *        0 or more of enum agiswarm_counter, each NLA_U64 (padded with
 *        AGISWARM_CNT_PAD): counters of this namespace since its node was
 *        created; a reader ignores counter types it does not know.
 *    AGISWARM_A_DECODE_HIST: NLA_BINARY, AGISWARM_DECODE_BUCKETS u64 in
 *                     host order: how long the aggregator held its cycle
 *                     lock in softirq to decode one RESULT (every value
 *                     of it fed to the decoder), measured with ktime,
 *                     since the node was created, in log2 buckets of
 *                     microseconds (see AGISWARM_DECODE_BUCKETS). The
 *                     work is bounded: a RESULT's values complete at most
 *                     the MDS layers they belong to, and solving a layer
 *                     touches that layer only. A reader takes the first
 *                     AGISWARM_DECODE_BUCKETS it knows; zeros on a node
 *                     that never decoded.
 *    AGISWARM_A_DECODE_MAX_NS: NLA_U64, the longest of those, in ns
 *
 * AGISWARM_CMD_SET_NODE (admin)
 * -----------------------------
 *
 * NLM_F_REQUEST, usually with NLM_F_ACK. Changes what this node is; each
 * attribute is optional, and one that is absent leaves its value as it was:
 *
 *    AGISWARM_A_ROLE: NLA_U8, an enum agiswarm_role; anything above
 *                     AGISWARM_ROLE_MAX is refused with -EINVAL. A role
 *                     other than aggregator stops a running cycle.
 *    AGISWARM_A_NODE_ID: NLA_U32
 *    AGISWARM_A_PORT: NLA_U16, opens the node's UDP socket (IPv4, any
 *                     address) on this port, closing any other; 0 closes
 *                     it. A port in use fails with -EADDRINUSE.
 *    AGISWARM_A_EPOCH: NLA_U64. An aggregator stamps TASK, ROWS and
 *                     ACTUATE with it and takes only RESULTs of it; a
 *                     worker refuses TASKs and ROWS below it and below the
 *                     highest epoch it has seen (counted DROP_STALE).
 *    AGISWARM_A_GROUP_ID: NLA_U64, the aggregator group's id: the group
 *                     of the row set binding (see "Bound row sets") of
 *                     every assignment this aggregator builds; 0 (the
 *                     default) means the node's own AGISWARM_A_NODE_ID.
 *                     The members of a replicated aggregator group set
 *                     the same one. A change reassigns the rows at once
 *                     (a new generation, bound to the new group). Not
 *                     stageable.
 *    AGISWARM_A_GROUP_RANK: NLA_U8, 0..AGISWARM_GROUP_MAX - 1 (-ERANGE):
 *                     this aggregator's rank in its replicated group
 *                     (default 0); below the group size (-EINVAL)
 *    AGISWARM_A_GROUP_SIZE: NLA_U8, 1..AGISWARM_GROUP_MAX (-ERANGE): the
 *                     members of the group (default 1: no group, the node
 *                     drives its cycle alone as before). See "Replicated
 *                     aggregator group" below. Not stageable.
 *    AGISWARM_A_FAILURE_THRESHOLD: NLA_U8, 0..100 (-ERANGE): the
 *                     consecutive cycles without a CYCLE record after
 *                     which a backup takes over (default
 *                     AGISWARM_FAILURE_THRESHOLD_DEFAULT), plus the
 *                     member's backoff after premature takeovers
 *                     (see "The backoff" below); 1 in effect also arms
 *                     the first backup's watch (see "The watch" below);
 *                     0: no backup takes over on its own (it counts
 *                     RECORDS_MISSED and logs the first; an operator
 *                     promotes one with SET_NODE EPOCH, as agictl group
 *                     transfer does)
 *    AGISWARM_A_PROBE_JOIN: NLA_U8, 0..1 (-ERANGE), default 0: with 1, a
 *                     worker that joins an aggregator (an ADD_PEER that
 *                     adds or replaces it; not one that changes only its
 *                     health or key in place) holds no rows until a
 *                     fixed-point probe of it passes: the module queues
 *                     that probe itself as a job (AGISWARM_JOB_OP_PROBE,
 *                     priority 255, timeout 10 s, listed with the jobs),
 *                     and such an ADD_PEER fails with -EBUSY, changing
 *                     nothing, when 16 jobs are kept and none has ended.
 *                     A probe that fails or times out leaves the worker
 *                     without rows (a kernel message names it) until it
 *                     is added again or a probe passes. Not stageable.
 *    AGISWARM_A_CYCLE_PERIOD_US: NLA_U32, AGISWARM_PERIOD_US_MIN..
 *                     AGISWARM_PERIOD_US_MAX (100..10000000; -ERANGE,
 *                     the extack pointing at the attribute and carrying
 *                     the range, NLMSGERR_ATTR_POLICY); default 50000.
 *                     Why 100 us is the floor: see AGISWARM_PERIOD_US_MIN
 *    AGISWARM_A_CYCLE_DEADLINE_US: NLA_U32, 100..10000000 (-ERANGE, as the
 *                     period),
 *                     and at most the period (-EINVAL, also when a new
 *                     period falls below the deadline); default 40000
 *    AGISWARM_A_MISS_POLICY: NLA_U8, enum agiswarm_miss_policy (-ERANGE)
 *    AGISWARM_A_CONTROL_LAW: NLA_U8, enum agiswarm_control_law (-ERANGE);
 *                     a change of law or PID resets the PID state
 *    AGISWARM_A_PID: NLA_NESTED, each optional (absent: unchanged):
 *        AGISWARM_PID_A_KP, _KI, _KD: NLA_U32, an s32 in Q8.24
 *        AGISWARM_PID_A_LO, _HI: NLA_U32, an s32 in Q1.31, lo <= hi
 *                     (-EINVAL); defaults S32_MIN and S32_MAX
 *        AGISWARM_PID_A_SETPOINT: NLA_BINARY, 1..256 s32 in host order,
 *                     Q1.31; output i uses setpoint i. While a matrix is
 *                     loaded there must be exactly one per output, its
 *                     rows (-EINVAL "setpoint has N values, the matrix
 *                     has M outputs"); to give every output the same
 *                     setpoint, send it M times (agictl law set ...
 *                     setpoint V --broadcast)
 *    AGISWARM_A_REDUNDANCY: NLA_U8, workers that may be lost (default 2,
 *                     clamped to workers - 1); reassigns the rows; 0 is
 *                     uncoded: only the m systematic rows, so a cycle
 *                     waits for every worker holding rows. Above what
 *                     the rows of the matrix in use (or staged) allow
 *                     over the workers there are: -E2BIG, with an extack
 *                     naming the largest that works ("... at most F
 *                     workers may be lost")
 *    AGISWARM_A_CODE_SEED: NLA_U64, kept and reported by GET_MATRIX for
 *                     older configurations; the MDS assignment uses no
 *                     seed (default 0)
 *    AGISWARM_A_RUNNING: NLA_U8, 0 or 1 (-ERANGE): stops or starts the
 *                     cycle; starting needs role aggregator (-EINVAL)
 *
 *    AGISWARM_A_SENSOR_TIMEOUT_US: NLA_U32, 0 (off, the default) ..
 *                     60000000 (-ERANGE): when no input arrives (SENSOR or
 *                     SET_INPUT) for this long, counted in whole cycles at
 *                     the current period (rounded up; the cycle the
 *                     running cycle started at counts as an input), the
 *                     outputs become the safe output, ACTUATE says
 *                     AGISWARM_ACTUATE_SAFE, AGISWARM_CNT_SENSOR_TIMEOUTS
 *                     counts it and the kernel log says so (rate-limited);
 *                     the next input ends it
 *    AGISWARM_A_SAFE_OUTPUT: NLA_BINARY, 1..256 s32 in host order, Q1.31:
 *                     output i is value i, 0 past the end (default: all 0)
 *    AGISWARM_A_ESTOP: NLA_U8, 0 or 1 (-ERANGE). 1 sends ACTUATE with the
 *                     safe output to every actuator at once and holds it
 *                     in every cycle until 0. The cycle keeps running: y
 *                     is still decoded and reported, but the PID is not
 *                     stepped while the outputs are safe, so resuming
 *                     continues from its state before the stop. 1 is
 *                     never refused for want of a signature and cannot be
 *                     staged (-EINVAL). 0 (resume) may be staged; while
 *                     the registered daemon asked for signed resumes
 *                     (REGISTER_DAEMON with SIGNED_RESUME 1), a 0 from
 *                     any other socket fails with -EPERM ("agiswarmd
 *                     requires signatures: resume with a signed commit
 *                     (agictl commit ... resume)"); with no daemon, or
 *                     one without it, anyone admin may resume.
 *    AGISWARM_A_AUDIT_SEQ, AGISWARM_A_AUDIT_RECORDS: NLA_U64, the daemon's
 *                     audit log watermark (the last seq decided and the
 *                     number of records); it never goes down (-EINVAL) for
 *                     as long as the module is loaded, so a daemon can
 *                     tell a truncated or deleted log from a fresh one
 *    AGISWARM_A_APPLY_AT_CYCLE: NLA_U64, optional: stage the change
 *                     instead of applying it now (see "Staged changes")
 *    AGISWARM_A_HOLD: NLA_FLAG, with APPLY_AT_CYCLE: hold the staged
 *                     change instead (see "Two-phase staging")
 *    AGISWARM_A_ARM: NLA_FLAG, alone: arm the held change
 *
 * A request with no attribute at all is refused with -EINVAL ("nothing to
 * set"), so that a typo never passes for a change. The values are checked
 * before anything changes; the port is applied first, so a port that
 * cannot be opened changes nothing.
 *
 * Staged changes. With AGISWARM_A_APPLY_AT_CYCLE N, SET_NODE, the chunk of
 * SET_MATRIX that completes a matrix, and SET_INPUT are checked at once
 * (errors as without it) but take effect at the start of cycle N, under
 * the cycle lock, before that cycle sends its TASKs: every aggregator given
 * the same change at the same N computes cycle N with it. A SET_NODE to be
 * staged may carry only CYCLE_PERIOD_US, CYCLE_DEADLINE_US, MISS_POLICY,
 * CONTROL_LAW and PID (-EINVAL naming the first other attribute). N at or
 * below the last cycle started fails with -EINVAL ("cycle N already
 * started"); a second change of the same kind (node, matrix, input) while
 * one is staged fails with -EBUSY. The staged change waits while the cycle
 * is stopped; the cycle record of cycle N carries AGISWARM_A_APPLIED. A
 * staged matrix is assigned to the workers at once (and again when they
 * change) but its rows are sent only at cycle N, so the first cycles after
 * it may miss, as after an immediate SET_MATRIX.
 *
 * Changes of several kinds at one cycle, all or nothing. A SET_MATRIX whose
 * completing chunk carries APPLY_AT_CYCLE AGISWARM_STAGE_HOLD is checked
 * and assigned like a staged one, but held: it takes effect at no cycle.
 * A staged SET_NODE with AGISWARM_A_HELD_MATRIX 1 (NLA_U8; it may be the
 * request's only change) then arms the held matrix for its own cycle N in
 * the same step that stages the node's change, after both were checked
 * (its setpoints against the held matrix's outputs); -ENOENT when no
 * matrix is held, and on any refusal nothing is armed. SET_NODE with
 * AGISWARM_A_HELD_MATRIX 0 and no APPLY_AT_CYCLE drops the held matrix
 * (nothing held is not an error). agiswarmd stages every signed commit
 * this way, held (below).
 *
 * Two-phase staging. A staged SET_NODE with AGISWARM_A_HOLD (with
 * APPLY_AT_CYCLE N, and HELD_MATRIX 1 to take the held matrix along) is
 * checked as above and held: it takes effect at no cycle. A SET_NODE with
 * AGISWARM_A_ARM and nothing else (-EINVAL naming the other attribute)
 * then arms it, and the held matrix with it, for cycle N, only while
 * cycle N has not started: otherwise the held change and matrix are
 * dropped and -ETIME says "cycle N already started (the last is M): the
 * held change is dropped"; -ENOENT when nothing is held. A held change
 * counts as the staged node change (-EBUSY for another) and is never
 * applied unarmed; HELD_MATRIX 0 drops it with the held matrix.
 * GET_STATUS reports it in AGISWARM_A_HELD_CYCLE. agiswarmd holds a
 * commit, writes its audit record, then arms it, so that a change its log
 * does not have never takes effect; a daemon that starts drops what a
 * previous one left held. APPLY_AT_CYCLE AGISWARM_STAGE_HOLD is for
 * SET_MATRIX only (-EINVAL on SET_NODE).
 *
 * AGISWARM_CMD_ADD_PEER (admin)
 * -----------------------------
 *
 *    AGISWARM_A_PEER: NLA_NESTED, required:
 *        AGISWARM_PEER_A_KIND: NLA_U8, enum agiswarm_peer_kind, required
 *        AGISWARM_PEER_A_ID: NLA_U32, required; unique per kind
 *        AGISWARM_PEER_A_ENDPOINT: NLA_BINARY, required, a struct
 *                     sockaddr_in with address and port (like WireGuard's
 *                     WGPEER_A_ENDPOINT); a struct sockaddr_in6 fails with
 *                     -EAFNOSUPPORT for now
 *        AGISWARM_PEER_A_HEALTH: NLA_U8, enum agiswarm_health, optional:
 *                     the daemon's judgement of a worker from its
 *                     HEARTBEATs (see the wire section); -EINVAL for
 *                     another kind
 *        AGISWARM_PEER_A_RANK: NLA_U8, 0..AGISWARM_GROUP_MAX - 1, optional,
 *                     only for an AGGREGATOR (-EINVAL for another kind):
 *                     the peer is a member of this node's replicated
 *                     group with that rank: the primary sends it a CYCLE
 *                     record after every cycle
 *        AGISWARM_PEER_A_PUBKEY: NLA_BINARY, exactly AGISWARM_PUBKEY_LEN
 *                     bytes, optional: the peer's identity (its node's
 *                     Ed25519 public key). Entries with the same key share
 *                     one link: one endpoint, one set of keypairs
 *                     (SET_KEY), whatever their kinds. A peer without a
 *                     key has no link: the node neither sends to it nor
 *                     takes anything from it. A replacement without a key
 *                     keeps the link of the entry it replaces.
 *
 * Adds the peer, or replaces the endpoint of the one of the same kind and
 * id (its statistics stay, and its health unless PEER_HEALTH is given).
 * Adding or replacing a worker reassigns the rows (see SET_MATRIX); -E2BIG
 * when the workers cannot hold the matrix. An ADD_PEER for a worker that
 * exists with the same endpoint only sets its health (and one that names
 * the key it has changes nothing): its rows stay. An
 * assignment deals the rows round by round to the healthy workers (and
 * those without a health) first, then the degraded, then the unhealthy,
 * so the systematic rows go to the healthy ones.
 * SENSOR datagrams are taken only from a sensor peer's exact address and
 * port; ACTUATE goes to every actuator peer. Any node may have peers: a
 * worker takes TASK and ROWS only from its AGGREGATOR peers.
 *
 * AGISWARM_CMD_DEL_PEER (admin)
 * -----------------------------
 *
 *    AGISWARM_A_PEER: NLA_NESTED with AGISWARM_PEER_A_KIND and _ID,
 *                     required. -ENOENT when there is no such peer.
 *
 * AGISWARM_CMD_SET_KEY (admin)
 * ----------------------------
 *
 * Installs a keypair on a link (pushed by agiswarmd after a handshake, or
 * by agictl in pre-shared-key mode):
 *
 *    AGISWARM_A_PEER: NLA_NESTED with AGISWARM_PEER_A_PUBKEY, required:
 *                     the link; -ENOENT when no peer has that key
 *    AGISWARM_A_KEY: NLA_NESTED, required, every attribute required but
 *                     TX_COUNTER:
 *        AGISWARM_KEY_A_LOCAL_INDEX: NLA_U32, nonzero; -EEXIST when a
 *                     keypair of the node has it (but for a STATIC one
 *                     replacing its own link's)
 *        AGISWARM_KEY_A_REMOTE_INDEX: NLA_U32
 *        AGISWARM_KEY_A_RX, _TX: NLA_BINARY, exactly AGISWARM_SEAL_KEY_LEN
 *        AGISWARM_KEY_A_TX_COUNTER: NLA_U64, the first transmit counter
 *                     (default 0)
 *        AGISWARM_KEY_A_MODE: NLA_U8, enum agiswarm_key_mode:
 *                     INITIATOR: current at once, the old current kept as
 *                     previous (still opens); RESPONDER: next, made current
 *                     by the first datagram that opens with it (a next
 *                     not confirmed yet becomes the previous: the
 *                     initiator may seal with it until the answer to
 *                     the later handshake reaches it); STATIC: current,
 *                     replacing every other, never expires
 *
 * A link keeps at most three keypairs (previous, current, next); the one
 * pushed out is wiped. Keys are never readable back. A keypair other than
 * STATIC is refused for sending and receiving AGISWARM_REJECT_AFTER_S
 * seconds after it was set (the daemons rekey well before). Deleting the
 * last entry of a link wipes its keypairs.
 *
 * AGISWARM_CMD_GET_PEERS (dump, admin)
 * ------------------------------------
 *
 * NLM_F_DUMP, no attributes. One message per peer, in the order
 * they were added, each with AGISWARM_A_PEER:
 *        AGISWARM_PEER_A_KIND, _ID, _ENDPOINT (struct sockaddr_in)
 *        for workers also:
 *        AGISWARM_PEER_A_ROWS: NLA_U32, coded rows it holds now
 *        AGISWARM_PEER_A_GEN: NLA_U32, the last generation in its RESULTs
 *        AGISWARM_PEER_A_RESULTS: NLA_U64, RESULTs of current cycles
 *        AGISWARM_PEER_A_MISSED: NLA_U64, cycles in which it was sent a
 *                     TASK and answered nothing before the deadline
 *        AGISWARM_PEER_A_LAST_CYCLE: NLA_U64, the last cycle it answered
 *        AGISWARM_PEER_A_FAULT_KIND: NLA_U8, _FAULT_VALUE: NLA_U32, only
 *                     when a fault is set for its id
 *        AGISWARM_PEER_A_HEALTH: NLA_U8, only once an ADD_PEER gave one
 *                     (absent = unknown: no daemon judged it)
 *        for a peer with a link also:
 *        AGISWARM_PEER_A_PUBKEY, and AGISWARM_PEER_A_ENDPOINT is the
 *                     link's, moved by every datagram opened from it
 *        AGISWARM_PEER_A_LINK_RX, _LINK_TX: NLA_U64, datagrams opened
 *                     from and sealed for the link
 *        AGISWARM_PEER_A_KEY_AGE: NLA_U32, seconds, and
 *        AGISWARM_PEER_A_KEY_MODE: NLA_U8, of the current keypair, only
 *                     when it has one
 *        for workers, last:
 *        AGISWARM_PEER_A_INCONSISTENT: NLA_U64, its RESULTs of which a
 *                     value, checked against the decoded y, disagreed
 *                     (AGISWARM_CNT_RESULTS_INCONSISTENT counts them all;
 *                     see "Cross-check" below)
 * The 64-bit values are padded with AGISWARM_PEER_A_PAD. A dump that does
 * not fit one buffer resumes at the next peer.
 *
 * AGISWARM_CMD_SET_MATRIX (admin)
 * -------------------------------
 *
 * Stages the matrix A in chunks of whole rows; all attributes required:
 *
 *    AGISWARM_A_MATRIX_FMT: NLA_U8, enum agiswarm_qformat, not UNSPEC
 *    AGISWARM_A_MATRIX_ROWS: NLA_U32, m, 1..256 (-ERANGE)
 *    AGISWARM_A_MATRIX_COLS: NLA_U32, n, 1..256 (-ERANGE)
 *    AGISWARM_A_MATRIX_FIRST_ROW: NLA_U32, the chunk's first row
 *    AGISWARM_A_MATRIX_DATA: NLA_BINARY, whole rows of n s32 in host
 *                     order, raw values of MATRIX_FMT
 *    AGISWARM_A_APPLY_AT_CYCLE: NLA_U64, optional, only on the chunk that
 *                     completes the matrix (-EINVAL on another): the
 *                     matrix is swapped in at that cycle (see SET_NODE,
 *                     "Staged changes")
 *
 * FIRST_ROW 0 starts a new staging (dropping any unfinished one); the
 * following chunks must continue where the last ended, with the same
 * format and dimensions (-EINVAL). An entry outside the format's range
 * fails with -ERANGE and an extack naming its row, column and value. When
 * the last row arrives the matrix replaces the one in use and the rows are
 * reassigned with the MDS assignment (include/core/code.h): with W
 * workers (at most 64) and redundancy f, the rows of any W - f workers
 * decode, by construction. f is the redundancy clamped to W - 1 and to
 * the largest the rows allow (at most 64 coded rows per worker, 1024 in
 * all; the module logs a lowered f); W - f workers hold ceil(m / (W - f))
 * source rows each (a worker left without rows is sent no TASK), the f
 * others as many parity rows or a few more. -E2BIG when the workers
 * cannot hold the rows even with f = 0, or there are more than 64. The
 * generation then increases and every worker is sent its
 * rows (ROWS datagrams); a worker whose RESULTs do not carry the current
 * generation is sent them again, at most every 20 cycles. Until an input
 * of n elements arrives, x is zeros.
 *
 * AGISWARM_CMD_GET_MATRIX (admin)
 * -------------------------------
 *
 * No attributes. -ENOENT when no matrix is loaded. Replies
 * with AGISWARM_A_MATRIX_FMT, _ROWS, _COLS, AGISWARM_A_CODE_SEED (NLA_U64,
 * the configured seed), AGISWARM_A_MATRIX_N_CODED (NLA_U32, 0 while no worker
 * holds rows) and AGISWARM_A_MATRIX_GEN (NLA_U32: the generation of the
 * cycle's row assignment, 0 while none; a job's assignment takes the next
 * generation of the same counter, which this does not show). No matrix
 * data.
 *
 * AGISWARM_CMD_SET_INPUT (admin)
 * ------------------------------
 *
 *    AGISWARM_A_INPUT_FMT: NLA_U8, enum agiswarm_qformat, required
 *    AGISWARM_A_INPUT_X: NLA_BINARY, 1..256 s32 in host order, required;
 *                     as many as the matrix has columns (-EINVAL), each
 *                     in the format's range (-ERANGE); a staged input
 *                     may instead have as many as a staged matrix has
 *    AGISWARM_A_APPLY_AT_CYCLE: NLA_U64, optional: x from that cycle on
 *                     (see SET_NODE, "Staged changes")
 *
 * x of the next cycles, until the next SET_INPUT or SENSOR datagram
 * (whichever arrives last wins).
 *
 * AGISWARM_CMD_SET_FAULT (admin)
 * ------------------------------
 *
 *    AGISWARM_A_FAULT_WORKER: NLA_U32, a worker id, required
 *    AGISWARM_A_FAULT_KIND: NLA_U8, enum agiswarm_fault_kind other than
 *                     NONE, required (-ERANGE)
 *    AGISWARM_A_FAULT_VALUE: NLA_U32, required for drop (percent,
 *                     0..100) and delay (ms, 1..10000), else -ERANGE;
 *                     ignored for stall and corrupt
 *
 * Replaces the worker's fault. On an aggregator it applies to the TASKs
 * sent to that worker, on a worker whose node id it is to the RESULTs it
 * sends. Each datagram taken counts in AGISWARM_CNT_FAULTS_APPLIED.
 * CORRUPT applies only on the worker: the first value of each RESULT it
 * sends is 2^64 more than the right one (one more in its high 64 bits: a
 * worker answering wrongly, for the aggregator's cross-check); on an
 * aggregator it changes nothing.
 *
 * AGISWARM_CMD_CLEAR_FAULT (admin)
 * --------------------------------
 *
 *    AGISWARM_A_FAULT_WORKER: NLA_U32, optional: that worker's fault
 *                     (-ENOENT when it has none); absent: every fault
 *
 * AGISWARM_CMD_GET_METRICS (dump, admin)
 * --------------------------------------
 *
 * NLM_F_DUMP. One message per cycle of the last 1024, oldest
 * first, with the attributes of a cycle record (below); a dump that does
 * not fit one buffer resumes after the last cycle id sent.
 *
 *    AGISWARM_A_CYCLE_ID: NLA_U64, optional: the first cycle wanted (a
 *                     daemon that wrote cycles up to c asks for c + 1, so
 *                     no record is lost or repeated while the ring holds
 *                     it); absent or 0: from the oldest record
 *
 * AGISWARM_CMD_CYCLE (event)
 * --------------------------
 *
 * Multicast to the group AGISWARM_MCGRP_CYCLES of the namespace (joining
 * it needs CAP_NET_ADMIN in the namespace's user namespace: x, y and u are
 * plant data), once per
 * cycle when it completes or misses its deadline (built only when someone
 * listens). A cycle record:
 *
 *    AGISWARM_A_CYCLE_ID: NLA_U64, strictly increasing
 *    AGISWARM_A_EPOCH: NLA_U64
 *    AGISWARM_A_STATUS: NLA_U8, enum agiswarm_cycle_status
 *    AGISWARM_A_TIMESTAMP_NS: NLA_U64, CLOCK_REALTIME at the tick
 *    AGISWARM_A_LATENCY_US: NLA_U32, tick to output
 *    AGISWARM_A_JITTER_US: NLA_U32, |tick spacing - period|
 *    AGISWARM_A_WORKER_COUNT: NLA_U32, workers that answered before the
 *                     cycle completed or missed
 *    AGISWARM_A_TASK_COUNT: NLA_U32, TASKs sent
 *    AGISWARM_A_ERROR_PPM: NLA_U32, TASKs unanswered per million sent: in
 *                     the event, at completion; in GET_METRICS, final
 *                     (unanswered before the deadline) once the next
 *                     cycle has started
 *    AGISWARM_A_RESULTS_USED: NLA_U32, results fed to the decoder
 *    AGISWARM_A_APPLIED: NLA_FLAG, present on the cycle at whose start a
 *                     staged change took effect
 * (64-bit values padded with AGISWARM_A_PAD), and in the event also:
 *    AGISWARM_A_FMT: NLA_U8, the format of X, Y and U
 *    AGISWARM_A_X: NLA_BINARY, the cycle's input, s32 host order
 *    AGISWARM_A_Y: NLA_BINARY, y = A x (absent when missed)
 *    AGISWARM_A_U: NLA_BINARY, the output sent in ACTUATE: u = y
 *                     (feedback), the PID outputs (pid; then FMT is that
 *                     of X and U is Q1.31), or on a miss the last u (hold)
 *                     or zeros (zero)
 *
 * AGISWARM_CMD_REGISTER_DAEMON (admin)
 * ------------------------------------
 *
 * NLM_F_REQUEST. The requesting socket's port id becomes the node's
 * daemon, replacing any previous one: from now on every valid
 * datagram at the node's port that the fast path does not handle (the
 * types agi_wire_parse() passes up: HEARTBEAT, STATUS, CONFIG, COMMIT,
 * COMMIT_ACK, ERROR) is sent to it as an AGISWARM_CMD_UPCALL. The module
 * forgets the daemon when that netlink socket is closed, or when an
 * upcall to it fails with -ECONNREFUSED. GET_STATUS shows it in
 * AGISWARM_A_DAEMON_PORTID.
 *
 *    AGISWARM_A_SIGNED_RESUME: NLA_U8, 0 or 1, optional (default 0): 1
 *                     while the daemon requires signed commits: the
 *                     module then takes a resume (SET_NODE ESTOP 0) from
 *                     this socket only, until the daemon is forgotten
 *                     (see AGISWARM_A_ESTOP)
 *
 * AGISWARM_CMD_UPCALL (module -> daemon)
 * --------------------------------------
 *
 * A unicast to the registered daemon's socket (sequence number 0), built
 * in softirq when the datagram arrives:
 *
 *    AGISWARM_A_PEER_ENDPOINT: NLA_BINARY, struct sockaddr_in of the
 *                     datagram's sender (address and port)
 *    AGISWARM_A_DATAGRAM: NLA_BINARY, the whole datagram, header included
 *
 * Each one sent counts in AGISWARM_CNT_UPCALLS. A datagram that cannot go
 * up (no daemon, no memory, the daemon's receive buffer full) is dropped
 * and counted in AGISWARM_CNT_UPCALL_DROPS; a daemon that wants them all
 * keeps its socket drained and its buffer large (SO_RCVBUF).
 *
 * AGISWARM_CMD_SEND (admin)
 * -------------------------
 *
 * The daemon's way out: sends a datagram from the node's socket, so that
 * its source port is the node's port.
 *
 *    AGISWARM_A_PEER_ENDPOINT: NLA_BINARY, required, a struct sockaddr_in
 *                     with address and port (sockaddr_in6: -EAFNOSUPPORT)
 *    AGISWARM_A_DATAGRAM: NLA_BINARY, required, 4..AGISWARM_WIRE_MAX
 *                     bytes: a wire header of version AGISWARM_WIRE_VERSION
 *                     whose length is the payload's (-EINVAL); the payload
 *                     is sent as it is
 *
 * -ENOTCONN when the node's port is closed, -EHOSTUNREACH (or the routing
 * error) when there is no route; it then counts in AGISWARM_CNT_TX_ERRORS.
 *
 * Jobs
 * ----
 *
 * An aggregator computes on-demand jobs beside its cycle: result = A B,
 * exact by the fixed-point specification (each entry the dot of a row of A
 * and a column of B, result in B's format), coded like the cycle. A job's
 * A gets its own row assignment over the workers (the MDS code, bound like
 * the cycle's rows), sent as JOB_ROWS into a second slot beside the
 * cycle's; each column of B is one JOB_TASK per worker, decoded from
 * whichever JOB_RESULTs arrive first, so that up to the redundancy's
 * workers may be stalled or dead. The cycle comes first: job work runs in
 * process context on aggregator and workers, job tasks are sent only while
 * no cycle waits for its results, and one job runs at a time (the highest
 * priority, then the oldest); a column unanswered for 500 ms is asked
 * again. At most 16 jobs are kept; the oldest ended one makes room.
 *
 * AGISWARM_CMD_JOB_SUBMIT (admin)
 *    AGISWARM_A_JOB_OP: NLA_U8, required, enum agiswarm_job_op (every op
 *                     is computed as the matmul; FIR and MLP label it)
 *    AGISWARM_A_MATRIX_FMT: NLA_U8, required: A's format
 *    AGISWARM_A_INPUT_FMT: NLA_U8, required: B's format, the result's
 *    AGISWARM_A_JOB_ROWS: NLA_U32, required, m, 1..256
 *    AGISWARM_A_JOB_COLS: NLA_U32, required, n, 1..AGISWARM_WIRE_VEC_MAX
 *    AGISWARM_A_JOB_BCOLS: NLA_U32, required, k, 1..AGISWARM_JOB_BCOLS_MAX
 *    AGISWARM_A_JOB_PRIORITY: NLA_U8, optional, default 0
 *    AGISWARM_A_JOB_TIMEOUT_MS: NLA_U32, optional, from the job's start,
 *                     0 (the default) for none
 *    AGISWARM_A_JOB_WORKER: NLA_U32, required with AGISWARM_JOB_OP_PROBE:
 *                     the worker's node id
 * Replies with AGISWARM_A_JOB_ID; the job is LOADING.
 *
 * A fixed-point probe (AGISWARM_JOB_OP_PROBE) puts all of A's rows, uncoded,
 * on the one worker AGISWARM_A_JOB_WORKER (refused or not) and compares
 * every exact sum it answers with the aggregator's own, bit for bit: the
 * worker's only arithmetic (the rounding is the aggregator's). A worker
 * that differs is refused: the job fails with EPROTO and the worker is
 * assigned no rows of the cycle or of jobs (the rows are reassigned at
 * once, a kernel warning names it) until a probe of it passes or it is
 * added again. -EOPNOTSUPP on a node
 * that is no aggregator, -EBUSY when 16 jobs are kept and none has ended.
 *
 * AGISWARM_CMD_JOB_DATA (admin): the next entries of A or B, in order.
 *    AGISWARM_A_JOB_ID: NLA_U32, required
 *    AGISWARM_A_JOB_PART: NLA_U8, required, enum agiswarm_job_part
 *    AGISWARM_A_JOB_OFFSET: NLA_U32, required: the entries of that part
 *                     received so far (row-major)
 *    AGISWARM_A_JOB_DATA: NLA_BINARY, required, 1..AGISWARM_JOB_DATA_MAX
 *                     s32 in host order, each inside its format
 * The job is QUEUED once A and B are complete. -ENOENT for no such job,
 * -EALREADY when it has all its data, -EINVAL otherwise (with the extack).
 *
 * AGISWARM_CMD_JOB_GET (admin): doit with AGISWARM_A_JOB_ID (required) and
 * AGISWARM_A_JOB_OFFSET (optional, default 0) replies with the job: JOB_ID,
 * JOB_OP, JOB_STATE, JOB_PRIORITY, JOB_TIMEOUT_MS, INPUT_FMT, JOB_ROWS,
 * JOB_COLS, JOB_BCOLS, JOB_DONE (columns decoded), JOB_ERROR (a positive
 * errno when FAILED: ETIMEDOUT, ENODEV without workers (or without the
 * probe's worker), E2BIG when the workers cannot hold the rows, EPROTO when
 * a probe's worker computed differently), JOB_WORKER (a probe's), JOB_WORKERS, JOB_ELAPSED_NS and, once
 * DONE, JOB_OFFSET and JOB_DATA: up to 1024 entries of the m x k result,
 * row-major, from that offset. As a dump: every job, without its result.
 *
 * AGISWARM_CMD_JOB_CANCEL (admin): AGISWARM_A_JOB_ID, required. The job
 * ends CANCELLED; the workers are sent JOB_CANCEL and drop its queued tasks
 * and rows. -ENOENT for no such job, -EALREADY when it has ended.
 */
#ifndef _UAPI_LINUX_AGISWARM_H
#define _UAPI_LINUX_AGISWARM_H

#define AGISWARM_GENL_NAME "agiswarm"
#define AGISWARM_GENL_VERSION 1

/* The default UDP port of a node. */
#define AGISWARM_DEFAULT_PORT 6000

/*
 * Cycle periods and deadlines, in microseconds (SET_NODE). The floor is
 * 100 us: below it, a cycle's own work in softirq (a TASK to every worker,
 * the decode, bounded by one MDS layer, and the output) plus the timer's
 * wake-up latency on a kernel without PREEMPT_RT take most of the period,
 * and a round trip to a worker over a LAN takes tens of microseconds.
 */
#define AGISWARM_PERIOD_US_MIN 100
#define AGISWARM_PERIOD_US_MAX 10000000

/*
 * Buckets of AGISWARM_A_DECODE_HIST: bucket 0 counts decodes under 1 us,
 * bucket k (1..14) those of 2^(k-1) to 2^k - 1 us (rounded down to whole
 * microseconds), bucket 15 those of 16384 us and more.
 */
#define AGISWARM_DECODE_BUCKETS 16

enum agiswarm_cmd {
	AGISWARM_CMD_UNSPEC,
	AGISWARM_CMD_GET_STATUS,
	AGISWARM_CMD_SET_NODE,
	AGISWARM_CMD_ADD_PEER,
	AGISWARM_CMD_DEL_PEER,
	AGISWARM_CMD_GET_PEERS,
	AGISWARM_CMD_SET_MATRIX,
	AGISWARM_CMD_GET_MATRIX,
	AGISWARM_CMD_SET_INPUT,
	AGISWARM_CMD_SET_FAULT,
	AGISWARM_CMD_CLEAR_FAULT,
	AGISWARM_CMD_GET_METRICS,
	AGISWARM_CMD_CYCLE,		/* event only, group "cycles" */
	AGISWARM_CMD_REGISTER_DAEMON,
	AGISWARM_CMD_UPCALL,		/* module -> daemon, unicast */
	AGISWARM_CMD_SEND,
	AGISWARM_CMD_SET_KEY,
	AGISWARM_CMD_JOB_SUBMIT,
	AGISWARM_CMD_JOB_DATA,
	AGISWARM_CMD_JOB_GET,		/* doit: one job; dumpit: every job */
	AGISWARM_CMD_JOB_CANCEL,
	__AGISWARM_CMD_MAX
};
#define AGISWARM_CMD_MAX (__AGISWARM_CMD_MAX - 1)

enum agiswarm_role {
	AGISWARM_ROLE_NONE,		/* created, not yet told what to be */
	AGISWARM_ROLE_WORKER,		/* computes coded rows for a task */
	AGISWARM_ROLE_AGGREGATOR,	/* drives the cycle and decodes */
	__AGISWARM_ROLE_MAX
};
#define AGISWARM_ROLE_MAX (__AGISWARM_ROLE_MAX - 1)

/* Fixed-point formats, specified in include/core/fixed.h. */
enum agiswarm_qformat {
	AGISWARM_Q_UNSPEC,
	AGISWARM_Q1_31,
	AGISWARM_Q1_15,
	AGISWARM_Q8_24,
	AGISWARM_Q16_16,	/* integers to 32767 (job results) */
	__AGISWARM_Q_MAX
};
#define AGISWARM_Q_MAX (__AGISWARM_Q_MAX - 1)

/* APPLY_AT_CYCLE of a SET_MATRIX held for a SET_NODE to arm (see above). */
#define AGISWARM_STAGE_HOLD ((__u64)-1)

enum agiswarm_attr {
	AGISWARM_A_UNSPEC,
	AGISWARM_A_VERSION,
	AGISWARM_A_ROLE,
	AGISWARM_A_NODE_ID,
	AGISWARM_A_COUNTERS,
	AGISWARM_A_PORT,		/* u16 */
	AGISWARM_A_EPOCH,		/* u64 */
	AGISWARM_A_CYCLE_PERIOD_US,	/* u32 */
	AGISWARM_A_CYCLE_DEADLINE_US,	/* u32 */
	AGISWARM_A_MISS_POLICY,		/* u8, enum agiswarm_miss_policy */
	AGISWARM_A_CONTROL_LAW,		/* u8, enum agiswarm_control_law */
	AGISWARM_A_PID,			/* nest, enum agiswarm_pid_attr */
	AGISWARM_A_REDUNDANCY,		/* u8 */
	AGISWARM_A_CODE_SEED,		/* u64 */
	AGISWARM_A_RUNNING,		/* u8, 0 or 1 */
	AGISWARM_A_CYCLE_ID,		/* u64 */
	AGISWARM_A_PEER,		/* nest, enum agiswarm_peer_attr */
	AGISWARM_A_MATRIX_FMT,		/* u8, enum agiswarm_qformat */
	AGISWARM_A_MATRIX_ROWS,		/* u32 */
	AGISWARM_A_MATRIX_COLS,		/* u32 */
	AGISWARM_A_MATRIX_FIRST_ROW,	/* u32 */
	AGISWARM_A_MATRIX_DATA,		/* binary, s32 host order */
	AGISWARM_A_MATRIX_N_CODED,	/* u32 */
	AGISWARM_A_MATRIX_GEN,		/* u32 */
	AGISWARM_A_INPUT_FMT,		/* u8, enum agiswarm_qformat */
	AGISWARM_A_INPUT_X,		/* binary, s32 host order */
	AGISWARM_A_FAULT_WORKER,	/* u32 */
	AGISWARM_A_FAULT_KIND,		/* u8, enum agiswarm_fault_kind */
	AGISWARM_A_FAULT_VALUE,		/* u32 */
	AGISWARM_A_STATUS,		/* u8, enum agiswarm_cycle_status */
	AGISWARM_A_TIMESTAMP_NS,	/* u64 */
	AGISWARM_A_LATENCY_US,		/* u32 */
	AGISWARM_A_JITTER_US,		/* u32 */
	AGISWARM_A_WORKER_COUNT,	/* u32 */
	AGISWARM_A_TASK_COUNT,		/* u32 */
	AGISWARM_A_ERROR_PPM,		/* u32 */
	AGISWARM_A_RESULTS_USED,	/* u32 */
	AGISWARM_A_FMT,			/* u8, enum agiswarm_qformat */
	AGISWARM_A_X,			/* binary, s32 host order */
	AGISWARM_A_Y,			/* binary, s32 host order */
	AGISWARM_A_U,			/* binary, s32 host order */
	AGISWARM_A_PAD,
	AGISWARM_A_DAEMON_PORTID,	/* u32 */
	AGISWARM_A_PEER_ENDPOINT,	/* struct sockaddr_in or _in6 */
	AGISWARM_A_DATAGRAM,		/* binary, a whole wire datagram */
	AGISWARM_A_APPLY_AT_CYCLE,	/* u64 */
	AGISWARM_A_STAGED_CYCLE,	/* u64 */
	AGISWARM_A_APPLIED,		/* flag */
	AGISWARM_A_DECODE_HIST,		/* binary, u64 host order */
	AGISWARM_A_DECODE_MAX_NS,	/* u64 */
	AGISWARM_A_KEY,			/* nest, enum agiswarm_key_attr */
	AGISWARM_A_SENSOR_TIMEOUT_US,	/* u32, 0 = off */
	AGISWARM_A_SAFE_OUTPUT,		/* binary, s32 host order, Q1.31 */
	AGISWARM_A_ESTOP,		/* u8, 1 stop, 0 resume */
	AGISWARM_A_SAFE_STATE,		/* u8, enum agiswarm_safe_state */
	AGISWARM_A_AUDIT_SEQ,		/* u64 */
	AGISWARM_A_AUDIT_RECORDS,	/* u64 */
	AGISWARM_A_HELD_MATRIX,		/* u8, 1 arm, 0 drop */
	AGISWARM_A_HOLD,		/* flag: stage held, for ARM */
	AGISWARM_A_ARM,			/* flag: arm the held change */
	AGISWARM_A_HELD_CYCLE,		/* u64 */
	AGISWARM_A_SIGNED_RESUME,	/* u8, REGISTER_DAEMON */
	AGISWARM_A_GROUP_ID,		/* u64, 0 = the node id */
	AGISWARM_A_GROUP_RANK,		/* u8 */
	AGISWARM_A_GROUP_SIZE,		/* u8, 1 = no group */
	AGISWARM_A_FAILURE_THRESHOLD,	/* u8, records missed to take over */
	AGISWARM_A_GROUP_MODE,		/* u8, enum agiswarm_group_mode */
	AGISWARM_A_EPOCH_OWNER,		/* u8, rank owning the epoch */
	AGISWARM_A_RECORD_CYCLE,	/* u64 */
	AGISWARM_A_JOB_ID,		/* u32, nonzero */
	AGISWARM_A_JOB_OP,		/* u8, enum agiswarm_job_op */
	AGISWARM_A_JOB_STATE,		/* u8, enum agiswarm_job_state */
	AGISWARM_A_JOB_PRIORITY,	/* u8, higher first */
	AGISWARM_A_JOB_TIMEOUT_MS,	/* u32, 0 = none */
	AGISWARM_A_JOB_ROWS,		/* u32: m, rows of A and of the result */
	AGISWARM_A_JOB_COLS,		/* u32: n, columns of A, rows of B */
	AGISWARM_A_JOB_BCOLS,		/* u32: k, columns of B and the result */
	AGISWARM_A_JOB_PART,		/* u8, enum agiswarm_job_part */
	AGISWARM_A_JOB_OFFSET,		/* u32, first entry, row-major */
	AGISWARM_A_JOB_DATA,		/* binary, s32 host order */
	AGISWARM_A_JOB_DONE,		/* u32, result columns decoded */
	AGISWARM_A_JOB_ERROR,		/* u32, errno of a failed job */
	AGISWARM_A_JOB_ELAPSED_NS,	/* u64, from start to end (or now) */
	AGISWARM_A_JOB_WORKERS,		/* u32, workers its plan spans */
	AGISWARM_A_JOB_WORKER,		/* u32, the worker a probe tests */
	AGISWARM_A_PROBE_JOIN,		/* u8, 1: probe workers that join */
	AGISWARM_A_THRESHOLD_NOW,	/* u8, failure threshold in effect */
	__AGISWARM_A_LAST
};
#define AGISWARM_A_MAX (__AGISWARM_A_LAST - 1)

/*
 * A replicated aggregator group (see "Replicated aggregator group" in the
 * wire section): at most 7 members, since an epoch's low 3 bits name its
 * owner's rank. The default failure threshold is 1 record, with the
 * first backup's watch: a failover costs no cycle. A lost or late record
 * (a datagram lost, a loaded host) can start a takeover; such a spurious
 * takeover is safe by fencing (the higher epoch wins everywhere), and
 * such takeovers of a primary that was alive raise the threshold in
 * effect to 3 for a while (the backoff, below), where one or two lost or
 * late records never start one and a failover costs about 2 cycles
 * without output. Failovers of primaries that failed, however many in a
 * row, keep the threshold as set.
 */
#define AGISWARM_GROUP_MAX 7
#define AGISWARM_FAILURE_THRESHOLD_DEFAULT 1
#define AGISWARM_FAILURE_THRESHOLD_MAX 100

enum agiswarm_group_mode {
	AGISWARM_GROUP_SOLO,		/* no group: drives its cycle alone */
	AGISWARM_GROUP_PRIMARY,		/* owns the epoch: drives the cycle */
	AGISWARM_GROUP_BACKUP,		/* follows the primary's records */
	__AGISWARM_GROUP_MODE_MAX
};
#define AGISWARM_GROUP_MODE_MAX (__AGISWARM_GROUP_MODE_MAX - 1)
/* A job's operation (AGISWARM_A_JOB_OP). */
enum agiswarm_job_op {
	AGISWARM_JOB_OP_UNSPEC,
	AGISWARM_JOB_OP_MATMUL,		/* result = A B */
	AGISWARM_JOB_OP_FIR,		/* a matmul: A the taps' Toeplitz matrix,
					 * B the signal (a label for listings) */
	AGISWARM_JOB_OP_MLP,		/* a matmul: A a layer's weights, B its
					 * input (a label for listings) */
	AGISWARM_JOB_OP_PROBE,		/* a matmul on one worker, every exact
					 * sum compared with the aggregator's */
	__AGISWARM_JOB_OP_MAX
};
#define AGISWARM_JOB_OP_MAX (__AGISWARM_JOB_OP_MAX - 1)

/* Where a job is (AGISWARM_A_JOB_STATE). */
enum agiswarm_job_state {
	AGISWARM_JOB_LOADING,		/* submitted, data still arriving */
	AGISWARM_JOB_QUEUED,		/* complete, waiting for its turn */
	AGISWARM_JOB_RUNNING,		/* its tasks are out */
	AGISWARM_JOB_DONE,		/* every result column decoded */
	AGISWARM_JOB_FAILED,		/* AGISWARM_A_JOB_ERROR says why */
	AGISWARM_JOB_CANCELLED,
	__AGISWARM_JOB_STATE_MAX
};
#define AGISWARM_JOB_STATE_MAX (__AGISWARM_JOB_STATE_MAX - 1)

/* Columns of a job's B; entries in one JOB_DATA. */
#define AGISWARM_JOB_BCOLS_MAX 256
#define AGISWARM_JOB_DATA_MAX 8192

/* Which matrix a JOB_DATA fills (AGISWARM_A_JOB_PART). */
enum agiswarm_job_part {
	AGISWARM_JOB_PART_A,		/* m x n, row-major */
	AGISWARM_JOB_PART_B,		/* n x k, row-major */
	__AGISWARM_JOB_PART_MAX
};
#define AGISWARM_JOB_PART_MAX (__AGISWARM_JOB_PART_MAX - 1)

/* The multicast group of AGISWARM_CMD_CYCLE events. */
#define AGISWARM_MCGRP_CYCLES "cycles"

/* Attributes inside AGISWARM_A_PEER. */
enum agiswarm_peer_attr {
	AGISWARM_PEER_A_UNSPEC,
	AGISWARM_PEER_A_KIND,		/* u8, enum agiswarm_peer_kind */
	AGISWARM_PEER_A_ID,		/* u32 */
	AGISWARM_PEER_A_ENDPOINT,	/* struct sockaddr_in or _in6 */
	AGISWARM_PEER_A_ROWS,		/* u32 */
	AGISWARM_PEER_A_GEN,		/* u32 */
	AGISWARM_PEER_A_RESULTS,	/* u64 */
	AGISWARM_PEER_A_MISSED,		/* u64 */
	AGISWARM_PEER_A_LAST_CYCLE,	/* u64 */
	AGISWARM_PEER_A_FAULT_KIND,	/* u8, enum agiswarm_fault_kind */
	AGISWARM_PEER_A_FAULT_VALUE,	/* u32 */
	AGISWARM_PEER_A_PAD,
	AGISWARM_PEER_A_HEALTH,		/* u8, enum agiswarm_health */
	AGISWARM_PEER_A_PUBKEY,		/* binary, 32 bytes: the identity */
	AGISWARM_PEER_A_KEY_AGE,	/* u32, seconds since the current
					 * keypair was installed */
	AGISWARM_PEER_A_KEY_MODE,	/* u8, enum agiswarm_key_mode of it */
	AGISWARM_PEER_A_LINK_RX,	/* u64, datagrams opened from it */
	AGISWARM_PEER_A_LINK_TX,	/* u64, datagrams sealed for it */
	AGISWARM_PEER_A_INCONSISTENT,	/* u64, RESULTs disagreeing with y */
	AGISWARM_PEER_A_RANK,		/* u8, a group member's rank */
	__AGISWARM_PEER_A_LAST
};
#define AGISWARM_PEER_A_MAX (__AGISWARM_PEER_A_LAST - 1)

enum agiswarm_peer_kind {
	AGISWARM_PEER_UNSPEC,
	AGISWARM_PEER_WORKER,		/* gets TASKs and ROWS, sends RESULTs */
	AGISWARM_PEER_ACTUATOR,		/* gets ACTUATE */
	AGISWARM_PEER_SENSOR,		/* sends SENSOR */
	AGISWARM_PEER_AGGREGATOR,	/* sends TASK, ROWS (and STATUS), and
					 * a job's JOB_ROWS, JOB_TASK, JOB_CANCEL */
	AGISWARM_PEER_OPERATOR,		/* sends COMMIT (a daemon's session) */
	__AGISWARM_PEER_MAX
};
#define AGISWARM_PEER_MAX (__AGISWARM_PEER_MAX - 1)

/* Attributes inside AGISWARM_A_KEY (AGISWARM_CMD_SET_KEY). */
enum agiswarm_key_attr {
	AGISWARM_KEY_A_UNSPEC,
	AGISWARM_KEY_A_LOCAL_INDEX,	/* u32, nonzero, unique on the node */
	AGISWARM_KEY_A_REMOTE_INDEX,	/* u32, the peer's local index */
	AGISWARM_KEY_A_RX,		/* binary, 32 bytes: opens from it */
	AGISWARM_KEY_A_TX,		/* binary, 32 bytes: seals for it */
	AGISWARM_KEY_A_TX_COUNTER,	/* u64, the first nonce (default 0) */
	AGISWARM_KEY_A_MODE,		/* u8, enum agiswarm_key_mode */
	AGISWARM_KEY_A_PAD,
	__AGISWARM_KEY_A_LAST
};
#define AGISWARM_KEY_A_MAX (__AGISWARM_KEY_A_LAST - 1)

enum agiswarm_key_mode {
	AGISWARM_KEY_INITIATOR,		/* current at once; old current kept
					 * as previous */
	AGISWARM_KEY_RESPONDER,		/* next; current once a datagram
					 * opens with it (key confirmation) */
	AGISWARM_KEY_STATIC,		/* pre-shared: current, never expires */
	__AGISWARM_KEY_MODE_MAX
};
#define AGISWARM_KEY_MODE_MAX (__AGISWARM_KEY_MODE_MAX - 1)

/* Attributes inside AGISWARM_A_PID. */
enum agiswarm_pid_attr {
	AGISWARM_PID_A_UNSPEC,
	AGISWARM_PID_A_KP,		/* s32 as u32, Q8.24 */
	AGISWARM_PID_A_KI,		/* s32 as u32, Q8.24 */
	AGISWARM_PID_A_KD,		/* s32 as u32, Q8.24 */
	AGISWARM_PID_A_LO,		/* s32 as u32, Q1.31 */
	AGISWARM_PID_A_HI,		/* s32 as u32, Q1.31 */
	AGISWARM_PID_A_SETPOINT,	/* binary, s32 host order, Q1.31 */
	__AGISWARM_PID_A_LAST
};
#define AGISWARM_PID_A_MAX (__AGISWARM_PID_A_LAST - 1)

enum agiswarm_fault_kind {
	AGISWARM_FAULT_NONE,
	AGISWARM_FAULT_DROP,		/* value: percent, 0..100 */
	AGISWARM_FAULT_DELAY,		/* value: milliseconds, 1..10000 */
	AGISWARM_FAULT_STALL,		/* value: ignored */
	AGISWARM_FAULT_CORRUPT,		/* value: ignored; on the worker */
	__AGISWARM_FAULT_MAX
};
#define AGISWARM_FAULT_MAX (__AGISWARM_FAULT_MAX - 1)

enum agiswarm_miss_policy {
	AGISWARM_MISS_HOLD,		/* a missed cycle repeats the last u */
	AGISWARM_MISS_ZERO,		/* a missed cycle outputs zeros */
	__AGISWARM_MISS_MAX
};
#define AGISWARM_MISS_MAX (__AGISWARM_MISS_MAX - 1)

enum agiswarm_control_law {
	AGISWARM_LAW_FEEDBACK,		/* u = y */
	AGISWARM_LAW_PID,		/* u_i = pid_i(setpoint_i, y_i) */
	__AGISWARM_LAW_MAX
};
#define AGISWARM_LAW_MAX (__AGISWARM_LAW_MAX - 1)

/*
 * Why an aggregator's outputs are the safe output (AGISWARM_A_SAFE_STATE):
 * the emergency stop wins over a silent sensor.
 */
enum agiswarm_safe_state {
	AGISWARM_SAFE_NONE,		/* the law's outputs */
	AGISWARM_SAFE_SENSOR_TIMEOUT,	/* no input for SENSOR_TIMEOUT_US */
	AGISWARM_SAFE_ESTOP,		/* emergency stop (AGISWARM_A_ESTOP) */
	__AGISWARM_SAFE_MAX
};
#define AGISWARM_SAFE_MAX (__AGISWARM_SAFE_MAX - 1)

enum agiswarm_cycle_status {
	AGISWARM_CYCLE_OK,
	AGISWARM_CYCLE_MISSED,
	__AGISWARM_CYCLE_STATUS_MAX
};
#define AGISWARM_CYCLE_STATUS_MAX (__AGISWARM_CYCLE_STATUS_MAX - 1)

/*
 * Counters of one node. The drop counters say why a datagram at the node's
 * port was refused; each datagram counts under exactly one reason. New
 * counters are only ever added at the end: a value keeps its meaning.
 */
enum agiswarm_counter {
	AGISWARM_CNT_UNSPEC,
	AGISWARM_CNT_PAD,
	AGISWARM_CNT_RX_PACKETS,	/* datagrams accepted on the fast path */
	AGISWARM_CNT_RX_BYTES,
	AGISWARM_CNT_TX_PACKETS,	/* datagrams sent by the module */
	AGISWARM_CNT_TX_BYTES,
	AGISWARM_CNT_TX_ERRORS,		/* sends that failed (no route, no memory) */
	AGISWARM_CNT_DROP_SHORT,	/* shorter than the 4-byte header */
	AGISWARM_CNT_DROP_VERSION,	/* header version is not 1 */
	AGISWARM_CNT_DROP_LENGTH,	/* header length disagrees with the datagram */
	AGISWARM_CNT_DROP_OVERSIZE,	/* larger than AGISWARM_WIRE_MAX */
	AGISWARM_CNT_DROP_MALFORMED,	/* payload is not well-formed CBOR */
	AGISWARM_CNT_DROP_NONCANONICAL,	/* well-formed, not deterministic CBOR */
	AGISWARM_CNT_DROP_MISSING,	/* a required key is absent */
	AGISWARM_CNT_DROP_BADVALUE,	/* a known key has a wrong type or range */
	AGISWARM_CNT_DROP_TYPE,		/* message type unknown or not for this role */
	AGISWARM_CNT_DROP_STALE,	/* epoch or generation not the current one */
	AGISWARM_CNT_CYCLES,		/* cycles started (aggregator) */
	AGISWARM_CNT_CYCLES_OK,		/* cycles decoded before the deadline */
	AGISWARM_CNT_CYCLES_MISSED,	/* cycles that reached the deadline */
	AGISWARM_CNT_TASKS_SENT,	/* TASKs handed to the network or a fault */
	AGISWARM_CNT_RESULTS_USED,	/* RESULT values fed to the decoder */
	AGISWARM_CNT_RESULTS_LATE,	/* RESULTs of a cycle already over */
	AGISWARM_CNT_FAULTS_APPLIED,	/* datagrams dropped/delayed/stalled */
	AGISWARM_CNT_DECODE_FAILED,	/* decoder refused a value */
	AGISWARM_CNT_UPCALLS,		/* datagrams passed up to the daemon */
	AGISWARM_CNT_UPCALL_DROPS,	/* no daemon, or the upcall failed */
	AGISWARM_CNT_DROP_NOMEM,	/* no memory to take it in (linearising
					 * it, storing a worker's rows) */
	AGISWARM_CNT_DROP_BACKLOG,	/* ROWS arriving faster than the worker
					 * stores them: its queue was full */
	AGISWARM_CNT_DROP_UNKNOWN_PEER,	/* not from a peer of this node: a
					 * SENSOR from no sensor's endpoint, a
					 * RESULT of a worker id outside the
					 * row assignment or from another
					 * endpoint than that worker's */
	AGISWARM_CNT_DROP_NO_ROWS,	/* a TASK of a row assignment (gen)
					 * whose rows this worker does not
					 * hold complete (yet) */
	AGISWARM_CNT_DROP_AUTH,		/* not sealed, or the tag of a sealed
					 * datagram did not verify */
	AGISWARM_CNT_DROP_REPLAY,	/* opened, but its counter was seen
					 * before or is behind the window */
	AGISWARM_CNT_DROP_RATELIMIT,	/* a handshake over the node's rate */
	AGISWARM_CNT_DROP_NOT_ALLOWED,	/* opened, but of a type its sender's
					 * entries may not send */
	AGISWARM_CNT_TX_NO_KEY,		/* not sent: no keypair for the
					 * destination */
	AGISWARM_CNT_SENSOR_TIMEOUTS,	/* times the input went silent for
					 * SENSOR_TIMEOUT_US: outputs safe
					 */
	AGISWARM_CNT_ESTOPS,		/* emergency stops (AGISWARM_A_ESTOP 1) */
	AGISWARM_CNT_SAFE_CYCLES,	/* cycles whose output was the safe one */
	AGISWARM_CNT_ROWS_BINDING_MISMATCH, /* TASKs refused: they name a row
					     * set binding other than the one
					     * the worker holds ("Bound row
					     * sets" below) */
	AGISWARM_CNT_RESULTS_CHECKED,	/* unneeded values checked against y */
	AGISWARM_CNT_RESULTS_INCONSISTENT, /* RESULTs that disagreed with y */
	AGISWARM_CNT_RECORDS_SENT,	/* CYCLE records sent (per member) */
	AGISWARM_CNT_RECORDS_RECEIVED,	/* complete CYCLE records adopted */
	AGISWARM_CNT_RECORDS_MISSED,	/* a backup's ticks without a record */
	AGISWARM_CNT_TAKEOVERS,		/* times this backup became primary */
	AGISWARM_CNT_DIVERGENCES,	/* records whose u or law state differs
					 * from the backup's own step */
	AGISWARM_CNT_DEPOSED,		/* times this primary saw a higher
					 * epoch and became a backup */
	AGISWARM_CNT_FENCED_SENT,	/* FENCED answers to stale TASKs */
	AGISWARM_CNT_SHADOW_OUTPUTS,	/* a backup's outputs of its own decode */
	__AGISWARM_CNT_MAX
};
#define AGISWARM_CNT_MAX (__AGISWARM_CNT_MAX - 1)

/*
 * Wire protocol
 * =============
 *
 * Nodes exchange UDP datagrams (port AGISWARM_DEFAULT_PORT by default):
 *
 *    offset 0  u8    version, AGISWARM_WIRE_VERSION
 *           1  u8    type, an enum agiswarm_msg_type
 *           2  be16  payload length, exactly the number of bytes after the
 *                    header
 *           4        payload: one CBOR map (RFC 8949)
 *
 * A datagram is at most AGISWARM_WIRE_MAX bytes, header included, to stay
 * under the path MTU; what does not fit is split (a worker sends several
 * RESULTs, a long coded row travels as several ROWS chunks).
 *
 * The map is in deterministic encoding (RFC 8949 section 4.2.1): every
 * integer, length and tag argument in its shortest form, every float in
 * the shortest of half, single and double precision that keeps its value,
 * no indefinite lengths, map keys ordered bytewise by their encodings and
 * never repeated; text strings are UTF-8. The keys of a message are small
 * unsigned integers, listed below for each type. A receiver ignores keys
 * it does not know: they may hold any item, nested at most
 * AGISWARM_WIRE_DEPTH_MAX arrays, maps and strings deep (the payload map
 * counts as one), but they must be as deterministic and as ordered as the
 * rest. So a sender that adds a key sorts it among the others, and old
 * receivers still read the message.
 *
 * The module parses TASK, RESULT, SENSOR, ACTUATE and ROWS itself (the fast
 * path) and hands every other type to the daemon after checking its header
 * only (AGISWARM_CMD_UPCALL); the daemon parses those payloads by the same
 * rules with the same code (include/core/cbor.c, wire.c). It drops a
 * datagram for exactly one reason, the first of these that applies, and
 * counts it:
 *
 *    AGISWARM_CNT_DROP_SHORT         fewer than AGISWARM_WIRE_HDR_LEN bytes
 *    AGISWARM_CNT_DROP_OVERSIZE      more than AGISWARM_WIRE_MAX bytes
 *    AGISWARM_CNT_DROP_VERSION       version is not AGISWARM_WIRE_VERSION
 *    AGISWARM_CNT_DROP_LENGTH        payload length != datagram length - 4
 *    AGISWARM_CNT_DROP_TYPE          type not in enum agiswarm_msg_type
 *    AGISWARM_CNT_DROP_MALFORMED     the payload is not one well-formed,
 *                                    valid CBOR map filling it exactly:
 *                                    truncated, trailing bytes, reserved
 *                                    or misplaced codes, text that is not
 *                                    UTF-8, nested too deep, not a map
 *    AGISWARM_CNT_DROP_NONCANONICAL  well-formed, but not deterministic
 *                                    anywhere in the payload
 *    AGISWARM_CNT_DROP_BADVALUE      a known key holds another major type
 *                                    than its own, or a value out of range
 *    AGISWARM_CNT_DROP_MISSING       a required key is absent
 *
 * A fast-path message that parses may still be refused by the node it
 * reaches, again for exactly one reason, counted:
 *
 *    AGISWARM_CNT_DROP_TYPE          not a type for this node's role:
 *                                    TASK and ROWS go to workers, RESULT,
 *                                    SENSOR, NEED_ROWS, CYCLE_RECORD and
 *                                    FENCED to aggregators, ACTUATE to
 *                                    plants, never to a node; a
 *                                    CYCLE_RECORD to an aggregator in no
 *                                    group
 *    AGISWARM_CNT_DROP_NOMEM         no memory to take it in
 *    AGISWARM_CNT_DROP_UNKNOWN_PEER  a SENSOR from no sensor peer's
 *                                    endpoint; a RESULT of a worker id
 *                                    outside the row assignment, or from
 *                                    another endpoint than that worker's;
 *                                    a NEED_ROWS from a worker outside it
 *    AGISWARM_CNT_DROP_STALE         an epoch other than the aggregator's
 *                                    (RESULT, NEED_ROWS) or below the
 *                                    highest a worker has seen (TASK,
 *                                    ROWS); a generation older than the
 *                                    one held; a CYCLE_RECORD below the
 *                                    highest epoch a member has seen, or
 *                                    to a primary of its own epoch; a
 *                                    FENCED that says nothing new
 *    AGISWARM_CNT_DROP_BADVALUE      (also) a CYCLE_RECORD part that does
 *                                    not continue the record under way
 *    AGISWARM_CNT_DROP_NO_ROWS       a TASK while the worker holds no
 *                                    complete row set
 *    AGISWARM_CNT_ROWS_BINDING_MISMATCH  a TASK naming another row set
 *                                    binding than the one held (see
 *                                    "Bound row sets")
 *    AGISWARM_CNT_DROP_BADVALUE      a value that contradicts the node's
 *                                    state: an x of another length than
 *                                    the rows or the matrix's columns, a
 *                                    RESULT of a future cycle or of rows
 *                                    that are not its worker's, ROWS whose
 *                                    shape differs from the earlier chunks
 *                                    of their generation
 *    AGISWARM_CNT_DROP_BACKLOG       ROWS while 1024 of them wait to be
 *                                    stored
 *
 * A RESULT of a cycle already decided (or over) is not used and counts in
 * AGISWARM_CNT_RESULTS_LATE.
 *
 * Cross-check
 * -----------
 *
 * The coding is exact, so a result the decoder did not need is checked
 * against the decoded y: coded row j must equal the sum, in the decoder's
 * 128-bit arithmetic, of the decoded z over its source rows. Checked are
 * the values of a RESULT of the current cycle that arrives after the cycle
 * decoded but before its deadline, the values after the one that completed
 * the decoding in the same RESULT, and values whose source rows were all
 * decoded already (AGISWARM_CNT_RESULTS_CHECKED counts the values; each
 * costs at most m additions, an MDS parity row only its layer's). A RESULT
 * with a value that disagrees counts once in
 * AGISWARM_CNT_RESULTS_INCONSISTENT and in its worker's
 * AGISWARM_PEER_A_INCONSISTENT; the cycle's output is not changed (it was
 * sent when the cycle decoded). What one disagreement says is that the
 * results of that cycle are not all right, not which one is wrong: when a
 * wrong result was among those decoded, y was wrong and the honest extra
 * results are the ones counted. A wrong result is not detected when no
 * result beyond those needed arrives before the deadline (redundancy 0,
 * or only W - f workers answered), and a value the decoder set aside
 * before it could decode (a parity row adding no rank) is not checked.
 *
 * Sealed datagrams
 * ----------------
 *
 * Between nodes every message except the plain ones travels sealed: the
 * message above (header and CBOR payload) is carried as
 *
 *    offset 0  u8    AGISWARM_SEAL_VERSION (2)
 *           1  u8    type, the message's type (in clear, authenticated)
 *           2  be16  length of everything after these 4 bytes
 *           4  be32  receiver index: the receiver's local index of the
 *                    keypair (AGISWARM_KEY_A_LOCAL_INDEX)
 *           8  be64  counter: the nonce, per keypair and direction, never
 *                    used twice
 *          16        the payload, encrypted, then the 16-byte tag
 *
 * The AEAD is RFC 8439 ChaCha20-Poly1305 with the 96-bit nonce 00 00 00 00
 * || le64(counter) (libsodium's crypto_aead_chacha20poly1305_ietf with that
 * npub) and the 16 header bytes as associated data. A sealed datagram is at
 * most AGISWARM_WIRE_MAX bytes, so a message inside one at most
 * AGISWARM_WIRE_PLAIN_MAX. The receiver finds the keypair by the index,
 * opens the datagram and only then reads anything of it: it checks the
 * counter against a window of the last 1984 counters (a counter is taken
 * once; reordering within the window is harmless), moves the sending
 * link's endpoint to the datagram's source, and checks that the type is
 * one the authenticated sender may send:
 *
 *    TASK, ROWS, STATUS     from an AGGREGATOR peer
 *    CYCLE_RECORD           from an AGGREGATOR peer (a backup then takes
 *                           it only from the member whose rank owns its
 *                           epoch, or counts DROP_NOT_ALLOWED)
 *    FENCED                 from a WORKER peer
 *    JOB_ROWS, JOB_TASK, JOB_CANCEL  from an AGGREGATOR peer
 *    RESULT, JOB_RESULT     from the WORKER peer whose id is the RESULT's
 *                           worker
 *    HEARTBEAT, NEED_ROWS   from a WORKER peer
 *    SENSOR                 from a SENSOR peer
 *    COMMIT                 from an OPERATOR peer
 *    ACTUATE                never to a node (plants take it)
 *
 * Refusals count, each under one reason, before those of the message:
 *
 *    AGISWARM_CNT_DROP_AUTH          a message of a sealed type in clear, or
 *                                    a tag that does not verify
 *    AGISWARM_CNT_DROP_UNKNOWN_PEER  no keypair with the receiver index, or
 *                                    one older than AGISWARM_REJECT_AFTER_S
 *    AGISWARM_CNT_DROP_REPLAY        a counter taken before, or behind the
 *                                    window
 *    AGISWARM_CNT_DROP_NOT_ALLOWED   a type its sender may not send
 *
 * Nothing else of a refused datagram is used, and no answer is sent to it.
 * Plain, in clear as the message itself (version 1): the handshake types,
 * which carry their own signatures, and for now the daemon's own types
 * (HEARTBEAT, STATUS, CONFIG, COMMIT, COMMIT_ACK, ERROR), which the module
 * never acts on: it passes them up to the daemon (handshakes at most 20 a
 * second, 40 at once; more count in AGISWARM_CNT_DROP_RATELIMIT). A daemon
 * type that arrives sealed is passed up opened, with its sender's public
 * key.
 *
 *    The RESULT example below, sealed for receiver index 42 with counter 7
 *    under the key 00 01 02 .. 1f:
 *        02 02 00 4d 00 00 00 2a 00 00 00 00 00 00 00 07
 *        54 0e 83 4a 3a c2 79 88 66 35 4b 6b d8 88 12 65
 *        cd 62 5d be 0e 12 f6 fa 55 65 cc 18 18 16 28 1c
 *        14 2d 96 19 ca e7 f3 19 b9 18 41 e8 54 a4 7a 1a
 *        d4 e6 c6 98 33 7e 9f 6e 86 1d 1e 4b f2 a5 80 d8
 *        04
 *
 * Fast-path messages. "uint" is CBOR major type 0 and "bytes" major type 2;
 * every key is required. Vectors are packed in one byte string, each
 * element big-endian two's complement: s32 takes 4 bytes, s64 8 and a sum
 * (i128) 16. A vector in Q1.15 keeps every element in [-2^15, 2^15 - 1].
 *
 * AGISWARM_MSG_TASK (0x01), aggregator -> worker: compute your rows.
 *    1 epoch   uint, u64: the aggregator group's term
 *    2 cycle   uint, u64
 *    3 gen     uint, u32: generation of the row assignment to use
 *    4 fmt     uint, an enum agiswarm_qformat other than UNSPEC: x's format
 *    5 x       bytes, n s32, 1 <= n <= AGISWARM_WIRE_VEC_MAX
 *    6 group   uint, u64: the aggregator group's id
 *    7 rows_epoch  uint, u64: the epoch the worker's rows were sent in
 *    8 hash    bytes, AGISWARM_WIRE_HASH_LEN: their content hash
 *              (6, 7, 3 and 8 name the row set the worker must hold to
 *              answer: "Bound row sets" below)
 *    Epoch 7, cycle 42, gen 1, Q1.31, x = (0.5, -0.5), rows of group 1
 *    sent in epoch 7 with hash 00 01 .. 0f:
 *        01 01 00 2a a8 01 07 02 18 2a 03 01 04 01 05 48
 *        40 00 00 00 c0 00 00 00 06 01 07 07 08 50 00 01
 *        02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f
 *
 * AGISWARM_MSG_RESULT (0x02), worker -> aggregator: some of its rows.
 *    1 epoch   uint, u64
 *    2 cycle   uint, u64
 *    3 gen     uint, u32
 *    4 worker  uint, u32: the worker's node id
 *    5 values  bytes, k * AGISWARM_WIRE_VALUE_LEN, 1 <= k <=
 *              AGISWARM_WIRE_VALUES_MAX; each value is a be16 coded-row
 *              index and that row's exact dot product with x, an i128
 *    Epoch 7, cycle 42, gen 1, worker 3, row 2 = -1, row 4 = 2^30:
 *        01 02 00 31 a5 01 07 02 18 2a 03 01 04 03 05 58
 *        24 00 02 ff ff ff ff ff ff ff ff ff ff ff ff ff
 *        ff ff ff 00 04 00 00 00 00 00 00 00 00 00 00 00
 *        00 40 00 00 00
 *
 * AGISWARM_MSG_SENSOR (0x07), plant -> aggregator: a new input.
 *    1 seq     uint, u64: increases with every reading
 *    2 fmt     uint, an enum agiswarm_qformat other than UNSPEC
 *    3 x       bytes, n s32, 1 <= n <= AGISWARM_WIRE_VEC_MAX
 *    Seq 1000, Q1.15, x = (0.5, -0.25):
 *        01 07 00 11 a3 01 19 03 e8 02 02 03 48 00 00 40
 *        00 ff ff e0 00
 *
 * AGISWARM_MSG_ACTUATE (0x08), aggregator -> actuator: a cycle's output.
 *    1 epoch   uint, u64
 *    2 cycle   uint, u64
 *    3 fmt     uint, an enum agiswarm_qformat other than UNSPEC
 *    4 u       bytes, p s32, 1 <= p <= AGISWARM_WIRE_VEC_MAX
 *    5 status  uint, an enum agiswarm_actuate_status
 *    Epoch 7, cycle 42, Q1.31, u = (0.25), status OK:
 *        01 08 00 10 a5 01 07 02 18 2a 03 01 04 44 20 00
 *        00 00 05 00
 *
 * AGISWARM_MSG_ROWS (0x09), aggregator -> worker: a chunk of a coded row.
 *    1 epoch   uint, u64
 *    2 gen     uint, u32: the row assignment's generation
 *    3 row     uint, u16: the coded row index
 *    4 ncols   uint, the row's length n, 1..AGISWARM_WIRE_VEC_MAX
 *    5 offset  uint, the column of the chunk's first entry
 *    6 entries bytes, k s64 (exact sums of entries of A), 1 <= k <=
 *              AGISWARM_WIRE_CHUNK_MAX, offset + k <= ncols
 *    7 nrows   uint, how many coded rows the worker holds in this
 *              generation, 1..AGISWARM_WIRE_ROWS_MAX
 *    8 group   uint, u64: the aggregator group's id
 *    9 hash    bytes, AGISWARM_WIRE_HASH_LEN: the content hash of the
 *              whole row set the worker is to hold (below)
 *    Epoch 7, gen 1, row 5 of 2 rows, 3 columns from 0, (1, -2, 2^31),
 *    group 1, hash 00 01 .. 0f:
 *        01 09 00 3c a9 01 07 02 01 03 05 04 03 05 00 06
 *        58 18 00 00 00 00 00 00 00 01 ff ff ff ff ff ff
 *        ff fe 00 00 00 00 80 00 00 00 07 02 08 01 09 50
 *        00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f
 *
 * AGISWARM_MSG_NEED_ROWS (0x0d), worker -> aggregator, always sealed: a
 * TASK named a row set the worker does not hold.
 *    1 epoch   uint, u64: the TASK's epoch
 *    2 gen     uint, u32: the generation of the row set held, 0 for none
 *    3 hash    bytes, AGISWARM_WIRE_HASH_LEN: its hash, zeros for none
 *    Epoch 7, holding gen 1 with hash 00 01 .. 0f:
 *        01 0d 00 17 a3 01 07 02 01 03 50 00 01 02 03 04
 *        05 06 07 08 09 0a 0b 0c 0d 0e 0f
 *
 * AGISWARM_MSG_CYCLE_RECORD (0x0e), primary -> every other member of a
 * replicated aggregator group, always sealed, after every cycle (ok or
 * missed): what a backup needs to go on from that cycle bit for bit.
 *    1 epoch     uint, u64: the primary's epoch
 *    2 cycle     uint, u64: the cycle
 *    3 status    uint, the enum agiswarm_actuate_status of its ACTUATE
 *    4 fmt       uint, an enum agiswarm_qformat: the format of x and y
 *    5 ufmt      uint, an enum agiswarm_qformat: the format of u
 *    6 nx        uint, 0..AGISWARM_WIRE_VEC_MAX: elements of x
 *    7 nu        uint, 0..AGISWARM_WIRE_VEC_MAX: elements of y and u
 *    8 flags     uint, AGISWARM_RECORD_F_*: have_u (u is a law output),
 *                y (the cycle decoded: y is its y), applied (a staged
 *                change took effect at its start), estop (the primary
 *                is emergency-stopped: a backup is too, until a record
 *                without it)
 *    9 period    uint, the period in force, us, 100..10000000
 *   10 deadline  uint, the deadline in force, us, 100..10000000
 *   11 gen       uint, u32: the generation of the row assignment in use
 *   12 rows_epoch uint, u64: the epoch all its workers' rows were sent
 *                in, 0 when they were not all sent in one
 *   13 offset    uint: the position of values[0] in the record's vector
 *   14 values    bytes, k s32, 1 <= k <= AGISWARM_RECORD_CHUNK_MAX,
 *                offset + k <= nx + 4 * nu: a part of the vector
 *                x[nx] || y[nu] || u[nu] || I[nu] || e_prev[nu] (the PID
 *                state after the cycle, Q1.31, 0 under feedback)
 *   15 binding   bytes, AGISWARM_WIRE_HASH_LEN: BLAKE2s-128 of the row
 *                assignment in use (below), zeros when none
 *  A record whose vector is longer than AGISWARM_RECORD_CHUNK_MAX travels
 *  as several parts in order, every key repeated, offsets 0, 300, ...; a
 *  backup takes a record only when all its parts arrived, in order. The
 *  binding is BLAKE2s-128 over "AGISWARM-PLAN-v1" || for each worker of
 *  the assignment in order: be32 id || be16 nrows || its row set hash.
 *    Epoch 8, cycle 42, OK, Q1.31, x = (0.5), y = u = (0.25), have_u and
 *    y, 50 ms / 40 ms, gen 1, rows epoch 8, offset 0, binding 00 .. 0f:
 *        01 0e 00 48 af 01 08 02 18 2a 03 00 04 01 05 01
 *        06 01 07 01 08 03 09 19 c3 50 0a 19 9c 40 0b 01
 *        0c 08 0d 00 0e 54 40 00 00 00 20 00 00 00 20 00
 *        00 00 00 00 00 00 00 00 00 00 0f 50 00 01 02 03
 *        04 05 06 07 08 09 0a 0b 0c 0d 0e 0f
 *
 * AGISWARM_MSG_FENCED (0x0f), worker -> aggregator, always sealed: the
 * worker refused a TASK of an epoch below the highest it has seen, and
 * says which (at most one every 100 ms).
 *    1 epoch     uint, u64: the highest epoch the worker has seen
 *    2 stale     uint, u64: the refused TASK's epoch
 *    3 worker    uint, u32: the worker's node id
 *    Epoch 9, stale 8, worker 3:
 *        01 0f 00 07 a3 01 09 02 08 03 03
 *
 * Replicated aggregator group. 2..AGISWARM_GROUP_MAX aggregators (GROUP_SIZE
 * on each, ranks 0..size - 1, the others added as AGGREGATOR peers with
 * their PEER_A_RANK) serve the same matrix, workers, law and plant. The
 * epoch says who drives: epoch = 8 * term + rank, owned by the member of
 * rank epoch % 8. The member that owns its epoch is the PRIMARY: it runs
 * the cycle and sends a CYCLE record to every member after every cycle.
 * The others are BACKUPs: their timer runs (the cycle must be started on
 * each) but they send nothing; each adopts every complete record (cycle
 * id, x, y, u, the law's state, period and deadline, the binding), and
 * before that steps its own law with the record's y from its own state
 * and compares: a different u or state counts in
 * AGISWARM_CNT_DIVERGENCES (and the kernel log says so, rate-limited);
 * the record wins. A backup that has adopted a record and then sees
 * FAILURE_THRESHOLD consecutive ticks without one (a tick that fires more
 * than half a period late, its own host stalled, counts neither way; each
 * other counts in
 * AGISWARM_CNT_RECORDS_MISSED), plus as many more for each member between the
 * epoch's owner and itself in rank order (ordered succession), takes over
 * at that tick: its epoch becomes the smallest above every epoch it has
 * seen whose low 3 bits are its rank, and its first cycle is the last
 * record's + the ticks it waited (cycle ids stay on the period's grid, so
 * a gap in them is the cycles that had no output, and a primary that went
 * on cut off from the backups does not hold ids ahead of the new one's),
 * computed from that record's law state. When its
 * assignment is the one the record names (same binding) and the record's
 * rows were sent in one epoch, its TASKs name the workers' rows as held
 * (no ROWS resend); otherwise the workers ask for its rows (NEED_ROWS).
 * Fencing: workers and actuators take only the highest epoch they have
 * seen from an authenticated member; a worker that refuses a TASK for its
 * epoch answers with FENCED. A primary that receives a record or a FENCED
 * of a higher epoch stops driving at once and becomes a backup
 * (AGISWARM_CNT_DEPOSED); it takes over again only after it has adopted
 * a record in its new term, so a member cut off from the others does not
 * take the epoch back and forth.
 * Shadow decoding: a worker that knows the group's members by rank sends
 * each RESULT of a cycle TASK to the TASK's sender and a copy to the first
 * backup, the member next after the epoch's owner in rank order. That
 * backup, when its assignment is the one the last record named, decodes
 * the cycle too and steps the law on a copy of its state; if no record of
 * that cycle has come midway between the deadline and the next tick (as
 * seen from the first copy), it sends that cycle's ACTUATE itself, in
 * the owner's epoch, and goes on from that output's law state
 * (AGISWARM_CNT_SHADOW_OUTPUTS): a primary that dies after sending its
 * TASKs loses no cycle. A record of a cycle the backup decoded must carry
 * the same output and law state, or AGISWARM_CNT_DIVERGENCES counts it.
 * The watch, with FAILURE_THRESHOLD 1 in effect only (no backoff): the
 * first backup expects the primary's next cycle a period after the first
 * copy of the last one;
 * when its patience after that (half a period, or twice how late the
 * primary's cycles came lately, up to a period) neither a copy nor a
 * record of it has come (the primary sent no TASK: it stopped between two
 * cycles), it takes over at once, without waiting for a tick (its ticks
 * leave that cycle to the watch), and runs that overdue cycle itself,
 * that late, its timer ticking a period from then on: the plant's cycle
 * ids go on without a gap (one more
 * AGISWARM_CNT_RECORDS_MISSED, AGISWARM_CNT_TAKEOVERS, and the kernel
 * log says "takes over now"). A watch that fires more than half a period
 * late (this host stalled) does nothing. A primary that was only slow is
 * deposed as above (that cycle's two outputs are the same): a host whose
 * cycles come late at random, past the watch's patience, sees more
 * takeovers, which the backoff below bounds. A takeover's first cycle id
 * is never one the primary was seen to run.
 * The backoff: a change of epoch (a takeover of the member's own, or a
 * record or FENCED of a higher epoch) is premature when the primary it
 * deposed was alive, and a member that sees the sign of it adds a tick to
 * its failure threshold: the deposed primary itself, when its cycle runs
 * and its own last ok output came less than 500 ms (or 4 periods, when
 * longer) before it learnt of the higher epoch; any member that gets a CYCLE record of a
 * lower epoch within as long after the change. Once a change, up to 2
 * ticks more than AGISWARM_A_FAILURE_THRESHOLD and never beyond 3 (a
 * threshold of 3 or more is left as set; the kernel log says so:
 * "replaced was alive"); a tick comes off again 30 s after the last
 * premature change, and another each 30 s after that. A primary that
 * failed (stopped, cut off, its host dead) leaves no such sign: failovers
 * are taken at the threshold as set, however many in a row; on a host
 * where the primary's cycles come late, takeovers that deposed a primary
 * that was only slow cannot follow each other at it: the watch
 * (threshold 1 in effect) is the first to go. A planned handover (a
 * member promoted with SET_NODE EPOCH while the primary runs) deposes a
 * live primary too and counts alike. Threshold 0 stays 0. Setting
 * AGISWARM_A_FAILURE_THRESHOLD clears the backoff.
 * In a group the epoch never goes down while the module is loaded:
 * SET_NODE EPOCH below the highest epoch the member has seen (its daemon
 * restarted with the group's first epoch) leaves it at that highest, and
 * the member follows its owner.
 * A job's messages ("Jobs" below) are the cycle's with one key more, the
 * job id (uint, 1..2^32 - 1), always sealed:
 *
 * AGISWARM_MSG_JOB_ROWS (0x20), aggregator -> worker: ROWS, and
 *   10 job     the job whose row set this is (a second slot beside the
 *              cycle's, bound the same way)
 *    The ROWS example of job 3:
 *        01 20 00 3e aa 01 07 02 01 03 05 04 03 05 00 06
 *        58 18 00 00 00 00 00 00 00 01 ff ff ff ff ff ff
 *        ff fe 00 00 00 00 80 00 00 00 07 02 08 01 09 50
 *        00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f
 *        0a 03
 *
 * AGISWARM_MSG_JOB_TASK (0x21), aggregator -> worker: TASK, where cycle is
 * the column of B and x that column, and
 *    9 job     the job; the worker answers from the job's row set only
 *    The TASK example of job 3:
 *        01 21 00 2c a9 01 07 02 18 2a 03 01 04 01 05 48
 *        40 00 00 00 c0 00 00 00 06 01 07 07 08 50 00 01
 *        02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 09 03
 *
 * AGISWARM_MSG_JOB_RESULT (0x22), worker -> aggregator: RESULT, and
 *    6 job     the job (cycle is the column)
 *    The RESULT example of job 3:
 *        01 22 00 33 a6 01 07 02 18 2a 03 01 04 03 05 58
 *        24 00 02 ff ff ff ff ff ff ff ff ff ff ff ff ff
 *        ff ff ff 00 04 00 00 00 00 00 00 00 00 00 00 00
 *        00 40 00 00 00 06 03
 *
 * AGISWARM_MSG_JOB_CANCEL (0x23), aggregator -> worker: the job is over
 * (done, failed or cancelled); drop its queued tasks and its rows.
 *    1 epoch   uint, u64
 *    2 job     uint, the job
 *    Epoch 7, job 3:
 *        01 23 00 05 a2 01 07 02 03
 *
 * Bound row sets. A worker's rows are bound to (group, epoch, gen, hash):
 * the id of the aggregator group that sent them (the sending aggregator's
 * AGISWARM_A_GROUP_ID when it assigned them, by default its node id), the
 * epoch the ROWS were sent in, the assignment's generation and the
 * BLAKE2s-128 (RFC 7693, unkeyed, 16-byte digest) of their content:
 *
 *    "AGISWARM-ROWS-v1" (16 ASCII bytes) || be16 nrows || be16 ncols ||
 *    for each of the worker's coded rows in ascending row index:
 *        be16 row index || its ncols entries, each be64
 *
 * The worker stages the chunks of one binding until all nrows rows are
 * complete, then checks the hash: a row set that does not hash to what its
 * ROWS declared is discarded (AGISWARM_CNT_DROP_BADVALUE). Chunks of a
 * binding other than the one being staged start a new staging (an older
 * generation of the same group and epoch is AGISWARM_CNT_DROP_STALE). A
 * TASK is answered only when its group, rows_epoch, gen and hash are those
 * of the complete row set held; otherwise it is refused and counted
 * (AGISWARM_CNT_DROP_NO_ROWS when none is held,
 * AGISWARM_CNT_ROWS_BINDING_MISMATCH when another is, DROP_STALE for an
 * older generation of the same group and epoch) and the worker sends the
 * TASK's sender a sealed NEED_ROWS, at most one every 100 ms. The
 * aggregator takes NEED_ROWS only opened from a WORKER peer's link and
 * re-sends that worker's rows at once, at most every 100 ms per worker. So
 * a restarted aggregator, or another one, never gets an answer computed
 * from rows it did not send.
 */
#define AGISWARM_WIRE_VERSION 1
#define AGISWARM_WIRE_HDR_LEN 4
#define AGISWARM_WIRE_MAX 1400		/* whole datagram, header included */
#define AGISWARM_WIRE_DEPTH_MAX 16	/* nesting of arrays, maps, strings */
#define AGISWARM_WIRE_VEC_MAX 256	/* elements of x and u; columns */
#define AGISWARM_WIRE_VALUES_MAX 64	/* values in one RESULT */
#define AGISWARM_WIRE_ROWS_MAX 64	/* coded rows of a worker */
#define AGISWARM_WIRE_CHUNK_MAX 160	/* entries in one ROWS message */
#define AGISWARM_WIRE_VALUE_LEN 18	/* be16 row + 16-byte sum */
#define AGISWARM_WIRE_HASH_LEN 16	/* BLAKE2s-128 of a row set */

/* The sealed envelope (see "Sealed datagrams" above). */
#define AGISWARM_SEAL_VERSION 2
#define AGISWARM_SEAL_HDR_LEN 16	/* version, type, be16 length, be32
					 * receiver index, be64 counter */
#define AGISWARM_SEAL_KEY_LEN 32	/* ChaCha20-Poly1305 key */
#define AGISWARM_SEAL_TAG_LEN 16	/* Poly1305 tag */
#define AGISWARM_PUBKEY_LEN 32		/* a node's Ed25519 public key */
/* What sealing adds to a message: a datagram of AGISWARM_WIRE_MAX bytes. */
#define AGISWARM_SEAL_OVERHEAD (AGISWARM_SEAL_HDR_LEN - AGISWARM_WIRE_HDR_LEN + \
				AGISWARM_SEAL_TAG_LEN)
#define AGISWARM_WIRE_PLAIN_MAX (AGISWARM_WIRE_MAX - AGISWARM_SEAL_OVERHEAD)
/* A keypair (other than STATIC) is refused this long after it was set. */
#define AGISWARM_REJECT_AFTER_S 200

enum agiswarm_msg_type {
	AGISWARM_MSG_TASK = 0x01,	/* fast path */
	AGISWARM_MSG_RESULT = 0x02,	/* fast path */
	AGISWARM_MSG_HEARTBEAT = 0x03,
	AGISWARM_MSG_STATUS = 0x04,
	AGISWARM_MSG_CONFIG = 0x05,
	AGISWARM_MSG_COMMIT = 0x06,
	AGISWARM_MSG_SENSOR = 0x07,	/* fast path */
	AGISWARM_MSG_ACTUATE = 0x08,	/* fast path */
	AGISWARM_MSG_ROWS = 0x09,	/* fast path */
	AGISWARM_MSG_COMMIT_ACK = 0x0a,	/* daemon -> operator */
	AGISWARM_MSG_HANDSHAKE_INIT = 0x0b, /* plain, signed: daemon -> daemon */
	AGISWARM_MSG_HANDSHAKE_RESP = 0x0c, /* plain, signed: daemon -> daemon */
	AGISWARM_MSG_NEED_ROWS = 0x0d,	/* worker -> aggregator */
	AGISWARM_MSG_CYCLE_RECORD = 0x0e, /* fast path: primary -> backups */
	AGISWARM_MSG_FENCED = 0x0f,	/* fast path: worker -> aggregator */
	AGISWARM_MSG_JOB_ROWS = 0x20,	/* fast path, aggregator -> worker */
	AGISWARM_MSG_JOB_TASK = 0x21,	/* fast path, aggregator -> worker */
	AGISWARM_MSG_JOB_RESULT = 0x22,	/* fast path, worker -> aggregator */
	AGISWARM_MSG_JOB_CANCEL = 0x23,	/* fast path, aggregator -> worker */
	AGISWARM_MSG_ERROR = 0xff,
};

enum agiswarm_task_key {
	AGISWARM_TASK_UNSPEC,
	AGISWARM_TASK_EPOCH,
	AGISWARM_TASK_CYCLE,
	AGISWARM_TASK_GEN,
	AGISWARM_TASK_FMT,
	AGISWARM_TASK_X,
	AGISWARM_TASK_GROUP,
	AGISWARM_TASK_ROWS_EPOCH,
	AGISWARM_TASK_HASH,
	__AGISWARM_TASK_MAX
};
#define AGISWARM_TASK_MAX (__AGISWARM_TASK_MAX - 1)

enum agiswarm_result_key {
	AGISWARM_RESULT_UNSPEC,
	AGISWARM_RESULT_EPOCH,
	AGISWARM_RESULT_CYCLE,
	AGISWARM_RESULT_GEN,
	AGISWARM_RESULT_WORKER,
	AGISWARM_RESULT_VALUES,
	__AGISWARM_RESULT_MAX
};
#define AGISWARM_RESULT_MAX (__AGISWARM_RESULT_MAX - 1)

enum agiswarm_sensor_key {
	AGISWARM_SENSOR_UNSPEC,
	AGISWARM_SENSOR_SEQ,
	AGISWARM_SENSOR_FMT,
	AGISWARM_SENSOR_X,
	__AGISWARM_SENSOR_MAX
};
#define AGISWARM_SENSOR_MAX (__AGISWARM_SENSOR_MAX - 1)

enum agiswarm_actuate_key {
	AGISWARM_ACTUATE_UNSPEC,
	AGISWARM_ACTUATE_EPOCH,
	AGISWARM_ACTUATE_CYCLE,
	AGISWARM_ACTUATE_FMT,
	AGISWARM_ACTUATE_U,
	AGISWARM_ACTUATE_STATUS,
	__AGISWARM_ACTUATE_MAX
};
#define AGISWARM_ACTUATE_MAX (__AGISWARM_ACTUATE_MAX - 1)

enum agiswarm_actuate_status {
	AGISWARM_ACTUATE_OK,		/* u is this cycle's output */
	AGISWARM_ACTUATE_HOLD,		/* deadline missed: u repeats the last */
	AGISWARM_ACTUATE_ZERO,		/* deadline missed: u is zero */
	AGISWARM_ACTUATE_SAFE,		/* u is the safe output (Q1.31): the
					 * sensor is silent or the loop is
					 * emergency-stopped
					 */
	__AGISWARM_ACTUATE_STATUS_MAX
};
#define AGISWARM_ACTUATE_STATUS_MAX (__AGISWARM_ACTUATE_STATUS_MAX - 1)

enum agiswarm_rows_key {
	AGISWARM_ROWS_UNSPEC,
	AGISWARM_ROWS_EPOCH,
	AGISWARM_ROWS_GEN,
	AGISWARM_ROWS_ROW,
	AGISWARM_ROWS_NCOLS,
	AGISWARM_ROWS_OFFSET,
	AGISWARM_ROWS_ENTRIES,
	AGISWARM_ROWS_NROWS,
	AGISWARM_ROWS_GROUP,
	AGISWARM_ROWS_HASH,
	__AGISWARM_ROWS_MAX
};
#define AGISWARM_ROWS_MAX (__AGISWARM_ROWS_MAX - 1)

/*
 * Operator commits (daemon-level types, parsed by agiswarmd with the
 * portable core's bounded CBOR code; the module passes AGISWARM_MSG_COMMIT
 * up untouched).
 *
 * AGISWARM_MSG_COMMIT (0x06), operator (agictl commit) -> aggregator:
 *    1 body       bytes, the commit body below, in deterministic encoding
 *    2 signature  bytes 64: Ed25519 over "AGISWARM-COMMIT-v1" || 0x00 ||
 *                 body, by the operator's key
 *  The body is a map with every key present, in this order:
 *    1 version         uint, 2 (version 1 named no target: refused)
 *    2 seq             uint, u64: above the last applied seq, and at most
 *                      86400000 (a day of milliseconds) past the larger of
 *                      that seq and the daemon's clock in milliseconds, so
 *                      that no commit can use up the space
 *    3 epoch           uint, u64: the epoch the operator saw
 *    4 key id          bytes 8: BLAKE2b-256 of the public key, first 8
 *    5 not_before      uint, unix seconds
 *    6 not_after       uint, unix seconds; the window is refused when
 *                      longer than security.commit_window_s
 *    7 nonce           bytes 16, random
 *    8 changes         map, at least one of:
 *        1 setpoint    array of 1..AGISWARM_WIRE_VEC_MAX int, raw Q1.31
 *        2 kp  3 ki  4 kd   int, raw Q8.24
 *        5 lo  6 hi    int, raw Q1.31, lo <= hi when both are given
 *        7 cycle_period_us  uint, 1..10000000
 *        8 deadline_us uint, >= 1 and <= cycle_period_us when both given
 *        9 miss_policy uint, enum agiswarm_miss_policy
 *       10 control_law uint, enum agiswarm_control_law
 *       11 matrix      map {1 fmt: enum agiswarm_qformat, 2 rows: uint,
 *                      3 cols: uint, 4 data: bytes, rows * cols s32
 *                      big-endian, row-major}
 *       12 resume      uint, exactly 1: end the emergency stop at the
 *                      commit's cycle (AGISWARM_A_ESTOP 0, staged). The
 *                      signed way to resume while the daemon requires
 *                      signatures; the emergency stop itself is never
 *                      signed: it must act at once
 *    9 apply_at_cycle  uint, u64: the cycle it takes effect at, 0 = the
 *                      daemon chooses; signed, so honoured or refused
 *                      ("cycle N already started", "cycle N is too far
 *                      ahead": more than 1000000 cycles), never moved
 *   10 swarm           uint, u64 >= 1: the swarm it is for (the daemon's
 *                      security.swarm_id)
 *   11 node            uint, u32: the aggregator's node id, 0 = any
 *                      aggregator of the swarm
 *  Unlike the fast path, the body admits no unknown key and must re-encode
 *  byte for byte: one commit has exactly one signed form. The daemon checks,
 *  in this order, and answers with the first failure's reason: "malformed
 *  commit", "unknown key <keyid>", "bad signature", "stale: window
 *  <nb>..<na> does not contain now <t>", "window too long: ...", "epoch <e>
 *  is not the current epoch <c>", "commit for swarm <s> node <n>, this is
 *  swarm <S> node <N>", "replayed: seq <s> is not above the last applied
 *  <l>", "seq <s> is more than 86400000 past <base> ..."; then the module
 *  checks the changes at their cycle ("the module refused it: ..."). The
 *  daemon records the outcome in its audit log before it arms the change
 *  (two-phase staging); when arming fails, a not-applied record follows
 *  and the answer says "not applied: the module refused arming it: ...".
 *  Seq 1, epoch 1, key id 01..08, nonce 16 x aa, window 1700000000 ..
 *  1700000060, kp = 1.5 (raw 0x01800000), apply_at_cycle 0, swarm 1, any
 *  node (61 bytes):
 *        ab 01 02 02 01 03 01 04 48 01 02 03 04 05 06 07
 *        08 05 1a 65 53 f1 00 06 1a 65 53 f1 3c 07 50 aa
 *        aa aa aa aa aa aa aa aa aa aa aa aa aa aa aa 08
 *        a1 02 1a 01 80 00 00 09 00 0a 01 0b 00
 *    and its datagram:
 *        01 06 00 84 a2 01 58 3d <the 61 body bytes> 02 58 40
 *        <the 64 signature bytes>
 *
 * AGISWARM_MSG_COMMIT_ACK (0x0a), aggregator -> operator, to the address
 * the COMMIT came from (usually an operator's socket; one that reaches a
 * node is passed up to its daemon like any non-fast-path type):
 *    1 seq             uint, the commit's seq (0 when it was malformed)
 *    2 status          uint, enum agiswarm_commit_status
 *    3 reason          text, "" when accepted
 *    4 apply_at_cycle  uint, u64: the cycle it takes effect at (accepted)
 *    Seq 5, rejected, "bad signature", no cycle:
 *        01 0a 00 16 a4 01 05 02 01 03 6d 62 61 64 20 73
 *        69 67 6e 61 74 75 72 65 04 00
 */
enum agiswarm_commit_key {
	AGISWARM_COMMIT_UNSPEC,
	AGISWARM_COMMIT_BODY,
	AGISWARM_COMMIT_SIGNATURE,
	__AGISWARM_COMMIT_MAX
};
#define AGISWARM_COMMIT_MAX (__AGISWARM_COMMIT_MAX - 1)

enum agiswarm_commit_ack_key {
	AGISWARM_COMMIT_ACK_UNSPEC,
	AGISWARM_COMMIT_ACK_SEQ,
	AGISWARM_COMMIT_ACK_STATUS,
	AGISWARM_COMMIT_ACK_REASON,
	AGISWARM_COMMIT_ACK_APPLY_AT,
	__AGISWARM_COMMIT_ACK_MAX
};
#define AGISWARM_COMMIT_ACK_MAX (__AGISWARM_COMMIT_ACK_MAX - 1)

enum agiswarm_commit_status {
	AGISWARM_COMMIT_ACCEPTED,
	AGISWARM_COMMIT_REJECTED,
};

/*
 * Membership (daemon-level types, parsed by agiswarmd with the portable
 * core's bounded CBOR code; the module passes them up untouched). Every
 * value is a uint; a receiver ignores keys it does not know and drops a
 * message missing one of these, or one that is not deterministic CBOR.
 *
 * AGISWARM_MSG_HEARTBEAT (0x03), worker daemon -> aggregator, every
 * worker.heartbeat_interval, sent from the worker node's port:
 *    1 worker   uint, u32: the worker's node id
 *    2 seq      uint, u64: increases with every heartbeat
 *    3 port     uint, u16: the worker's UDP port; its endpoint is the
 *               datagram's source address with this port
 *    4 status   uint, enum agiswarm_health: the worker's own view
 *    5 cpu      uint, 0..1000: the host's CPU use since the last one, permille
 *    6 memory   uint, 0..1000: (MemTotal - MemAvailable) / MemTotal, permille
 *    7 latency  uint, u32: the round trip of the last heartbeat the
 *               aggregator answered, microseconds; 0 before any
 *    8 queue    uint, u32: bytes waiting in the node's UDP receive queue
 *    Worker 3, seq 7, port 6000, healthy, cpu 12.5%, memory 50%, 1.5 ms,
 *    queue 0:
 *        01 03 00 18 a8 01 03 02 07 03 19 17 70 04 00 05
 *        18 7d 06 19 01 f4 07 19 05 dc 08 00
 *
 * The aggregator's daemon judges each worker: unhealthy after
 * worker.health.unhealthy_after_missed intervals without a heartbeat,
 * degraded when its latency is above worker.health.degraded_latency_ms or
 * its cpu above 900, healthy otherwise; it adds a healthy worker to its
 * module (ADD_PEER) and removes an unhealthy one (DEL_PEER) unless it is
 * configured statically.
 *
 * AGISWARM_MSG_STATUS (0x04), aggregator daemon -> worker, the answer to
 * each HEARTBEAT, sent from the aggregator node's port to its source:
 *    1 node     uint, u32: the aggregator's node id
 *    2 seq      uint, u64: the heartbeat's seq
 *    3 epoch    uint, u64: the aggregator's epoch
 *    4 cycle    uint, u64: its last cycle started
 *    5 health   uint, enum agiswarm_health: how it judges the worker
 *    6 member   uint, 0 or 1: whether the worker is a peer of its module
 *    Aggregator 1, seq 7, epoch 1, cycle 1000, healthy, member:
 *        01 04 00 0f a6 01 01 02 07 03 01 04 19 03 e8 05
 *        00 06 01
 */
/*
 * Handshake (plain, version 1: they carry their own signatures; the module
 * passes them up to the daemon unopened, rate-limited, and never answers
 * one). The daemons agree a link's session keys with them and install
 * them with SET_KEY. Every key is required; byte strings have exactly the
 * length given.
 *
 * AGISWARM_MSG_HANDSHAKE_INIT (0x0b), initiator -> responder:
 *    1 sender     uint, u32: the initiator's local index for the session
 *    2 ephemeral  bytes 32: its ephemeral X25519 public key
 *    3 timestamp  uint, u64: nanoseconds, strictly increasing per initiator
 *    4 initiator  bytes 32: the initiator's Ed25519 public key
 *    5 responder  bytes 32: the responder's Ed25519 public key
 *    6 signature  bytes 64: Ed25519 by the initiator over
 *                 "AGISWARM-HS-INIT-v1" || 0x00 || keys 1..5 encoded
 *
 * AGISWARM_MSG_HANDSHAKE_RESP (0x0c), responder -> initiator:
 *    1 sender     uint, u32: the responder's local index
 *    2 receiver   uint, u32: the initiator's (key 1 of the INIT)
 *    3 ephemeral  bytes 32: the responder's ephemeral X25519 public key
 *    4 init_hash  bytes 32: BLAKE2b-256 of the INIT datagram
 *    5 signature  bytes 64: Ed25519 by the responder over
 *                 "AGISWARM-HS-RESP-v1" || 0x00 || keys 1..4 encoded

 */
enum agiswarm_handshake_init_key {
	AGISWARM_HS_INIT_UNSPEC,
	AGISWARM_HS_INIT_SENDER,
	AGISWARM_HS_INIT_EPHEMERAL,
	AGISWARM_HS_INIT_TIMESTAMP,
	AGISWARM_HS_INIT_INITIATOR,
	AGISWARM_HS_INIT_RESPONDER,
	AGISWARM_HS_INIT_SIGNATURE,
	__AGISWARM_HS_INIT_MAX
};
#define AGISWARM_HS_INIT_MAX (__AGISWARM_HS_INIT_MAX - 1)

enum agiswarm_handshake_resp_key {
	AGISWARM_HS_RESP_UNSPEC,
	AGISWARM_HS_RESP_SENDER,
	AGISWARM_HS_RESP_RECEIVER,
	AGISWARM_HS_RESP_EPHEMERAL,
	AGISWARM_HS_RESP_INIT_HASH,
	AGISWARM_HS_RESP_SIGNATURE,
	__AGISWARM_HS_RESP_MAX
};
#define AGISWARM_HS_RESP_MAX (__AGISWARM_HS_RESP_MAX - 1)

enum agiswarm_need_rows_key {
	AGISWARM_NEED_ROWS_UNSPEC,
	AGISWARM_NEED_ROWS_EPOCH,
	AGISWARM_NEED_ROWS_GEN,
	AGISWARM_NEED_ROWS_HASH,
	__AGISWARM_NEED_ROWS_MAX
};
#define AGISWARM_NEED_ROWS_MAX (__AGISWARM_NEED_ROWS_MAX - 1)

enum agiswarm_record_key {
	AGISWARM_RECORD_UNSPEC,
	AGISWARM_RECORD_EPOCH,
	AGISWARM_RECORD_CYCLE,
	AGISWARM_RECORD_STATUS,
	AGISWARM_RECORD_FMT,
	AGISWARM_RECORD_UFMT,
	AGISWARM_RECORD_NX,
	AGISWARM_RECORD_NU,
	AGISWARM_RECORD_FLAGS,
	AGISWARM_RECORD_PERIOD,
	AGISWARM_RECORD_DEADLINE,
	AGISWARM_RECORD_GEN,
	AGISWARM_RECORD_ROWS_EPOCH,
	AGISWARM_RECORD_OFFSET,
	AGISWARM_RECORD_VALUES,
	AGISWARM_RECORD_BINDING,
	__AGISWARM_RECORD_MAX
};
#define AGISWARM_RECORD_MAX (__AGISWARM_RECORD_MAX - 1)

/* AGISWARM_RECORD_FLAGS */
#define AGISWARM_RECORD_F_HAVE_U	0x1
#define AGISWARM_RECORD_F_Y		0x2
#define AGISWARM_RECORD_F_APPLIED	0x4
#define AGISWARM_RECORD_F_ESTOP		0x8
#define AGISWARM_RECORD_F_ALL		0xf
/* s32 values in one CYCLE_RECORD part; a record has nx + 4 nu of them. */
#define AGISWARM_RECORD_CHUNK_MAX 300
#define AGISWARM_RECORD_VALUES_MAX (5 * AGISWARM_WIRE_VEC_MAX)

enum agiswarm_fenced_key {
	AGISWARM_FENCED_UNSPEC,
	AGISWARM_FENCED_EPOCH,
	AGISWARM_FENCED_STALE,
	AGISWARM_FENCED_WORKER,
	__AGISWARM_FENCED_MAX
};
#define AGISWARM_FENCED_MAX (__AGISWARM_FENCED_MAX - 1)

enum agiswarm_health {
	AGISWARM_HEALTH_HEALTHY,
	AGISWARM_HEALTH_DEGRADED,
	AGISWARM_HEALTH_UNHEALTHY,
	__AGISWARM_HEALTH_MAX
};
#define AGISWARM_HEALTH_MAX (__AGISWARM_HEALTH_MAX - 1)

enum agiswarm_heartbeat_key {
	AGISWARM_HEARTBEAT_UNSPEC,
	AGISWARM_HEARTBEAT_WORKER,
	AGISWARM_HEARTBEAT_SEQ,
	AGISWARM_HEARTBEAT_PORT,
	AGISWARM_HEARTBEAT_STATUS,
	AGISWARM_HEARTBEAT_CPU,
	AGISWARM_HEARTBEAT_MEMORY,
	AGISWARM_HEARTBEAT_LATENCY,
	AGISWARM_HEARTBEAT_QUEUE,
	__AGISWARM_HEARTBEAT_MAX
};
#define AGISWARM_HEARTBEAT_MAX (__AGISWARM_HEARTBEAT_MAX - 1)

enum agiswarm_status_key {
	AGISWARM_STATUS_UNSPEC,
	AGISWARM_STATUS_NODE,
	AGISWARM_STATUS_SEQ,
	AGISWARM_STATUS_EPOCH,
	AGISWARM_STATUS_CYCLE,
	AGISWARM_STATUS_HEALTH,
	AGISWARM_STATUS_MEMBER,
	__AGISWARM_STATUS_MAX
};
#define AGISWARM_STATUS_MAX (__AGISWARM_STATUS_MAX - 1)

#endif /* _UAPI_LINUX_AGISWARM_H */
