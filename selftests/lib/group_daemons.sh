# SPDX-License-Identifier: GPL-2.0
#
# group_daemons.sh: a replicated aggregator group of three run by
# agiswarmd from YAML alone, on a swarm of netns/swarm.sh started with
# --no-start (netns/lib.sh, daemon_lib.sh, takeover.sh and group.sh
# sourced first; WORKERS set):
#
#   agi-agg  (member a, priority 1: rank 0) --+
#   agi-agg2 (member b, priority 2: rank 1) --+-- br0 --+ agi-w1..WORKERS
#   agi-agg3 (member c, priority 3: rank 2) --+         + agi-plant
#
# Every daemon's file holds the same aggregators: section ($tmp/group.yaml);
# the members name themselves in replication.member, the workers have no
# worker.aggregator. No agictl command sets a group, a rank, an epoch or a
# member peer.
#
#   gd_prepare              node keys ($tmp/agg, agg2, agg3, wN, plant), the
#                           group's file, operator alice ($tmp/op, authorized),
#                           every daemon's file checked by --check-config
#   gd_start                agiswarmd on every worker, then every member
#   gd_watch                agictl -j monitor of each member into
#                           $tmp/mon-NS.json (MONITORS), the plant sending to
#                           and taking ACTUATE from the three, its applied
#                           ACTUATEs in $tmp/act.json (PLANT_PID)
#   name NS / member_name NS  the member's files in $tmp / its NAME
#   commit_to_primary [N [AHEAD]]  alice's signed commit, sealed, to the
#                           primary; acknowledged ($tmp/commit.out, JSON)
#   audits_agree            every member's audit log the same and verifying
#   group_diag, log_summary TAP comments for a failure
#   gd_keyed                every member keyed with every peer it knows
#   stop_all                the daemons, the monitors and the plant

pub() { cat "$tmp/$1/node.pub"; }
# name NS: the member's name in the group and its files in $tmp.
name() { case $1 in "$A1") echo agg ;; "$A2") echo agg2 ;; "$A3") echo agg3 ;; esac; }
# member_name NS: its NAME in aggregators:.
member_name() { case $1 in "$A1") echo a ;; "$A2") echo b ;; "$A3") echo c ;; esac; }

# group_file: the section every node's configuration shares.
group_file()
{
	cat > "$tmp/group.yaml" <<-EOF
	aggregators:
	  c: {ip: "$SWARM_NET.3", port: $SWARM_PORT, priority: 3, raft_port: 6001, key: "$(pub agg3)"}
	  a: {ip: "$SWARM_NET.1", port: $SWARM_PORT, priority: 1, raft_port: 6001, key: "$(pub agg)"}
	  b: {ip: "$SWARM_NET.2", port: $SWARM_PORT, priority: 2, raft_port: 6001, key: "$(pub agg2)"}
	failover:
	  failure_threshold: $THRESHOLD
	EOF
}

# member_config NS ID MEMBER: the aggregator's file, the group's appended.
member_config()
{
	local n plant f=$tmp/$(name "$1").yaml
	local workers=
	for n in $(seq 1 "$WORKERS"); do
		workers="$workers${workers:+, }{id: $n, address: \"$(worker_addr "$n"):$SWARM_PORT\", key: \"$(pub "w$n")\"}"
	done
	plant="{id: 100, address: \"$SWARM_PLANT_ADDR:$SWARM_PORT\", key: \"$(pub plant)\"}"
	cat > "$f" <<-EOF
	node:
	  id: $2
	  role: aggregator
	  key_file: $tmp/$(name "$1")/node.key
	aggregator:
	  udp_port: $SWARM_PORT
	  cycle_time_ms: 50
	  timeout_ms: 40
	  workers: [$workers]
	  sensors: [$plant]
	  actuators: [$plant]
	worker:
	  heartbeat_interval: 0.5
	  health:
	    unhealthy_after_missed: $((4 * ${AGISWARM_TIMEOUT_SCALE:-1}))
	    degraded_latency_ms: $((100 * ${AGISWARM_TIMEOUT_SCALE:-1}))
	    degraded_cpu_percent: 100
	matrix:
	  file: $lib_top/configs/swarm_matrix.json
	security:
	  authorized_keys: $tmp/authorized_keys
	  audit_log: $tmp/$(name "$1")/audit.log
	metrics:
	  file: $tmp/$(name "$1")/metrics.csv
	  textfile: $tmp/$(name "$1")/metrics.prom
	logging:
	  level: debug
	replication:
	  member: $3
	  data_dir: $tmp/$(name "$1")/raft
	EOF
	cat "$tmp/group.yaml" >> "$f"
}

# group_worker_config ID: worker ID, the group's section and no
# worker.aggregator.
group_worker_config()
{
	cat > "$tmp/w$1.yaml" <<-EOF
	node:
	  id: $1
	  role: worker
	  key_file: $tmp/w$1/node.key
	aggregator:
	  udp_port: $SWARM_PORT
	worker:
	  heartbeat_interval: 0.5
	logging:
	  level: debug
	EOF
	cat "$tmp/group.yaml" >> "$tmp/w$1.yaml"
}


# programmed NS RANK: its daemon set the module's group from the file.
programmed()
{
	grep -q "agictl node set role aggregator .* epoch 8 .*group-size 3 group-rank $2 failure-threshold $THRESHOLD" \
		"$tmp/$(name "$1").log"
}

check_group()
{
	group_formed &&
		actl "$A3" -j status | "$JQ" -e '.group.rank == 2 and .group.size == 3' > /dev/null
}

# commit_to_primary: operator alice signs a change (the deadline the
# members run already, so that no output changes) for the current epoch,
# to apply 60 cycles ahead (3 s: the leader's default of 10 cycles can be
# too short for the log's round trips in an emulated VM under load), and
# sends it sealed to the primary, which leads the raft log; a commit
# that races a change of epoch is refused or not acknowledged (never
# applied at different cycles), and is then signed again for the new one,
# TRIES times in all (default 5); AHEAD cycles ahead when given; CHANGE
# instead of the deadline when given (one word a setting or value).
# agictl's JSON answer in $tmp/commit.out.
commit_to_primary()
{
	local i
	: > "$tmp/commit.out"
	: > "$tmp/commit.err"
	for i in $(seq 1 "${1:-5}"); do
		if group_settled; then
			n_plant "$AGICTL" -j commit --yes --key "$tmp/op/operator.key" \
				--to "$SWARM_NET.$(($(rank "$PRIMARY") + 1)):$SWARM_PORT" \
				--peer-key "$tmp/$(name "$PRIMARY")/node.pub" \
				--epoch "$(epoch "$PRIMARY")" \
				--apply-at $(($(actl "$PRIMARY" -j status | "$JQ" .cycle_id) + ${2:-$((60 * ${AGISWARM_TIMEOUT_SCALE:-1}))})) \
				${3:-deadline 40ms} \
				> "$tmp/commit.out" 2> "$tmp/commit.err" &&
				{ cat "$tmp/commit.out"; return 0; }
			cat "$tmp/commit.out" "$tmp/commit.err"
		fi
		sleep 1
	done
	return 1
}

# audits_agree: every member's audit log holds the commit, byte for byte
# the same, each verifying against the authorized keys, every member's
# module took the same audit watermark, and no member's daemon failed to
# apply an entry (a member that had it late applies it late: allowed).
audits_agree()
{
	local ns f seqs=
	for ns in "$A1" "$A2" "$A3"; do
		f=$tmp/$(name "$ns")/audit.log
		[ -s "$f" ] && cmp -s "$f" "$tmp/agg/audit.log" || return 1
		"$AGICTL" audit verify --log "$f" --keys "$tmp/authorized_keys" \
			> /dev/null 2>&1 || return 1
		seqs="$seqs $(actl "$ns" -j status | "$JQ" -r '.audit_seq // 0')"
	done
	echo "audit watermarks:$seqs; $(wc -l < "$tmp/agg/audit.log") record(s)"
	! grep -h "NOT applied\|and the module refused it\|but the module refused it" \
		"$tmp"/agg*.log || return 1
	# shellcheck disable=SC2086 # one seq a word
	set -- $seqs
	[ "$1" != 0 ] && [ "$1" = "$2" ] && [ "$2" = "$3" ]
}
# What each member's module says of the group and its member links, and
# what the kernel logged of takeovers (TAP comments, for a failure).
group_diag()
{
	local ns
	for ns in "$A1" "$A2" "$A3"; do
		echo "$ns: $(mode "$ns") epoch $(epoch "$ns") takeovers $(counter "$ns" takeovers) deposed $(counter "$ns" deposed) records rx $(counter "$ns" records_received) tx $(counter "$ns" records_sent) missed $(counter "$ns" records_missed) drop_auth $(counter "$ns" drop_auth) tx_no_key $(counter "$ns" tx_no_key) drop_stale $(counter "$ns" drop_stale)"
		actl "$ns" peer show | grep '^aggregator' || true
	done
	dmesg | grep -E "takes over|stops driving|agiswarm" | tail -n 10 || true
	grep -h "session keys of\|HANDSHAKE" "$tmp"/agg*.log 2>/dev/null | tail -n 12 || true
}

# What the daemons logged as warnings or errors, counted.
log_summary()
{
	grep -hE "warning|error|failed" "$tmp"/agg*.log "$tmp"/w*.log 2>/dev/null |
		sed -E 's/[0-9a-f]{16}\.\.\./KEY.../g; s/[0-9]+/N/g' | sort | uniq -c |
		sort -rn | head -n 15
}
# The processes this script started in the background, and the daemons.
stop_all()
{
	local f
	for f in "$tmp"/*.pid; do
		[ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	kill $MONITORS "${PLANT_PID:-}" 2>/dev/null
	wait 2>/dev/null
	return 0
}

# gd_prepare: keys, files and the operator; each file passes
# --check-config. Returns non-zero when any step failed.
gd_prepare()
{
	local n ns rc=0
	for n in agg plant $(for n in $(seq 1 "$WORKERS"); do echo "w$n"; done); do
		cp -r "$SWARM_KEYS/$n" "$tmp/$n" || rc=$?
	done
	for n in agg2 agg3; do
		"$AGICTL" keygen --node --output "$tmp/$n" > /dev/null || rc=$?
	done
	group_file
	operator "$tmp/op" || rc=$?
	authorize "$tmp/op" alice
	for ns in "$A1" "$A2" "$A3"; do
		member_config "$ns" "$(($(rank "$ns") + 1))" "$(member_name "$ns")"
		in_ns "$ns" "$AGISWARMD" --config "$tmp/$(name "$ns").yaml" \
			--check-config > /dev/null || rc=$?
	done
	for n in $(seq 1 "$WORKERS"); do
		group_worker_config "$n"
		in_ns "$(worker_ns "$n")" "$AGISWARMD" --config "$tmp/w$n.yaml" \
			--check-config > /dev/null || rc=$?
	done
	return $rc
}

# gd_start: the workers' daemons, then the members'.
gd_start()
{
	local n ns rc=0
	for n in $(seq 1 "$WORKERS"); do
		daemon_start "$(worker_ns "$n")" "w$n" "$tmp/w$n.yaml" || rc=$?
	done
	for ns in "$A1" "$A2" "$A3"; do
		daemon_start "$ns" "$(name "$ns")" "$tmp/$(name "$ns").yaml" || rc=$?
	done
	return $rc
}

# gd_restart NS: the member's daemon again (after daemon_kill9).
gd_restart() { daemon_start "$1" "$(name "$1")" "$tmp/$(name "$1").yaml"; }

# gd_watch [PLANT ARGS...]: the members' monitors and the plant.
gd_watch()
{
	local ns plant_args=()
	MONITORS=
	for ns in "$A1" "$A2" "$A3"; do
		timeout 3600 "$IP" netns exec "$ns" "$AGICTL" -j monitor \
			> "$tmp/mon-$ns.json" &
		MONITORS="$MONITORS $!"
		plant_args+=(--aggregator "$SWARM_NET.$(($(rank "$ns") + 1)):$SWARM_PORT"
			     --peer-key "$tmp/$(name "$ns")/node.pub")
	done
	"$IP" netns exec "$SWARM_PLANT" "$PLANT" \
		--listen "$SWARM_PLANT_ADDR:$SWARM_PORT" \
		--node-key "$tmp/plant/node.key" "${plant_args[@]}" --steps 1000000 \
		--period 100 --actuate-log "$tmp/act.json" "$@" \
		> /dev/null 2> "$tmp/plant.err" &
	PLANT_PID=$!
	echo "$PLANT_PID" >> "$SWARM_STATE/pids"
}

# gd_keyed: every member holds session keys with every peer it knows by
# key (the other members, the workers, the plant): a member that is not
# keyed with the workers could take over but not drive.
gd_keyed()
{
	local ns
	for ns in "$A1" "$A2" "$A3"; do
		actl "$ns" -j peer show | "$JQ" -e \
			'all(.[] | select(.key != null); .key_age != null)' \
			> /dev/null || return 1
	done
}

# A failed check says which member's daemon crashed, and what it logged last.
# shellcheck disable=SC2034 # tap_result (lib/tap.sh) calls it
tap_on_fail=daemons_crashed
