#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# daemon_group.sh: a replicated aggregator group set up by agiswarmd from
# YAML alone, and a takeover that the plant and the workers ride through.
#
#   agi-agg  (agiswarmd, member a, priority 1: rank 0) --+
#   agi-agg2 (agiswarmd, member b, priority 2: rank 1) --+-- br0 --+ agi-w1..3
#   agi-agg3 (agiswarmd, member c, priority 3: rank 2) --+         | (agiswarmd)
#                                                                  + agi-plant
#
# Issue #9. Every daemon's configuration holds the same aggregators:
# section (the group's file, $tmp/group.yaml, appended to each); the
# members name themselves in replication.member, the workers have no
# worker.aggregator at all. No agictl command sets a group, a rank, an
# epoch or a member peer: the swarm's namespaces and node keys come from
# netns/swarm.sh (--no-start: its aggregator is not running, so its
# daemon programs it from the file), the rest from the daemons.
#
# Checked: the group forms (agictl -j status: agi-agg primary in epoch 8,
# the others backups adopting its records), Prometheus says the same,
# every member keyed every other one and every worker by handshakes. The
# plant (its own node key, a handshake with each member) runs; then the
# primary's daemon is killed (-9) and its link goes down: another member
# takes over with its own higher epoch and drives, with the workers' rows
# and no change to any worker's configuration. The old primary, its link
# up and its daemon started again, follows as a backup. The plant applied
# strictly increasing cycle ids with epochs that never go down, two
# epochs among them; every ok output of every member equals y = A x
# (verify_cycles over each member's monitor), no member diverged.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
. "$top/selftests/daemon_lib.sh"
lib_trap

WORKERS=3
MAX_LOST=4
A1=$SWARM_AGG A2=agi-agg2 A3=agi-agg3
# The waits scale with the kernel (a debug kernel is several times slower).
WAIT=$((60 * ${AGISWARM_TIMEOUT_SCALE:-1}))

pub() { cat "$tmp/$1/node.pub"; }
# name NS: the member's name in the group and its files in $tmp.
name() { case $1 in "$A1") echo agg ;; "$A2") echo agg2 ;; "$A3") echo agg3 ;; esac; }
rank() { case $1 in "$A1") echo 0 ;; "$A2") echo 1 ;; "$A3") echo 2 ;; esac; }

# member_ns N: namespace agi-aggN at $SWARM_NET.N on the swarm's bridge.
member_ns()
{
	local ns=agi-agg$1
	"$IP" netns add "$ns"
	on_exit "$IP" netns del "$ns"
	"$IP" -n "$ns" link set lo up
	"$IP" -n "$SWARM_HUB" link add "v-agg$1" type veth peer name eth0 netns "$ns"
	"$IP" -n "$SWARM_HUB" link set "v-agg$1" master br0 up
	"$IP" -n "$ns" addr add "$SWARM_NET.$1/24" dev eth0
	"$IP" -n "$ns" link set eth0 up
}

# group_file: the section every node's configuration shares.
group_file()
{
	cat > "$tmp/group.yaml" <<-EOF
	aggregators:
	  c: {ip: "$SWARM_NET.3", port: $SWARM_PORT, priority: 3, raft_port: 6001, key: "$(pub agg3)"}
	  a: {ip: "$SWARM_NET.1", port: $SWARM_PORT, priority: 1, raft_port: 6001, key: "$(pub agg)"}
	  b: {ip: "$SWARM_NET.2", port: $SWARM_PORT, priority: 2, raft_port: 6001, key: "$(pub agg2)"}
	failover:
	  failure_threshold: 3
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

mode() { actl "$1" -j status | "$JQ" -r '.group.mode // "solo"'; }
epoch() { actl "$1" -j status | "$JQ" -r .epoch; }
is_mode() { [ "$(mode "$1")" = "$2" ]; }
at_least() { [ "$(counter "$1" "$2")" -ge "$3" ]; }
# keyed LOG ROLE N: N session installs as ROLE in LOG.
keyed() { [ "$(grep -c "installed as $2" "$1")" -ge "$3" ]; }

# follows NS: a backup adopting records.
follows()
{
	local r0
	r0=$(counter "$1" records_received)
	wait_for "$WAIT" "records at $1" at_least "$1" records_received $((r0 + 5))
}

formed()
{
	is_mode "$A1" primary && is_mode "$A2" backup && is_mode "$A3" backup &&
		[ "$(epoch "$A1")" = 8 ]
}

check_group()
{
	wait_for "$WAIT" "the group to form" formed || true
	echo "modes: $(mode "$A1") $(mode "$A2") $(mode "$A3"), epoch $(epoch "$A1")"
	actl "$A2" status | grep '^group ' || true
	formed && follows "$A2" && follows "$A3" &&
		actl "$A3" -j status | "$JQ" -e '.group.rank == 2 and .group.size == 3' > /dev/null
}

# The peers the daemons added: each member has the two others as
# aggregators with their ranks, each worker the three members.
check_peers()
{
	local ns
	for ns in "$A1" "$A2" "$A3"; do
		actl "$ns" -j peer show | "$JQ" -e --argjson self "$(rank "$ns")" '
			[.[] | select(.kind == "aggregator") | .rank] | sort ==
			([0, 1, 2] - [$self])' > /dev/null || {
			echo "$ns: $(actl "$ns" -j peer show | "$JQ" -c '[.[] | select(.kind == "aggregator")]')"
			return 1; }
	done
	for ns in $(seq 1 "$WORKERS"); do
		actl "$(worker_ns "$ns")" -j peer show | "$JQ" -e '
			[.[] | select(.kind == "aggregator") | .id] | sort == [1, 2, 3]' \
			> /dev/null || return 1
	done
}

# prom NS METRIC: its value in the member's textfile.
prom()
{
	sed -n "s/^$2 //p" "$tmp/$(name "$1")/metrics.prom" 2>/dev/null
}

prom_modes()
{
	[ "$(prom "$A1" 'agiswarm_group_mode{mode="primary"}')" = 1 ] &&
		[ "$(prom "$A2" 'agiswarm_group_mode{mode="backup"}')" = 1 ] &&
		[ "$(prom "$A3" 'agiswarm_group_rank')" = 2 ] &&
		[ "$(prom "$A1" 'agiswarm_group_size')" = 3 ]
}

# every member keyed by handshakes: 2 with members, 3 workers, the plant
members_keyed()
{
	local ns n
	for ns in "$A1" "$A2" "$A3"; do
		n=$(grep -c "session keys of .* installed" "$tmp/$(name "$ns").log") || return 1
		[ "$n" -ge 5 ] || return 1
	done
}

# new_primary OLD EPOCH: one member other than OLD is primary, with an
# epoch above EPOCH whose low 3 bits are its rank; it is PRIMARY.
new_primary()
{
	local ns n=0 e
	PRIMARY=
	for ns in "$A1" "$A2" "$A3"; do
		[ "$ns" != "$1" ] && is_mode "$ns" primary || continue
		n=$((n + 1))
		PRIMARY=$ns
	done
	[ "$n" = 1 ] || return 1
	e=$(epoch "$PRIMARY")
	[ "$e" -gt "$2" ] && [ $((e & 7)) = "$(rank "$PRIMARY")" ]
}

took_over()
{
	local c0
	wait_for "$WAIT" "a takeover from $1" new_primary "$1" "$2" || return 1
	new_primary "$1" "$2" || return 1
	EPOCH_NOW=$(epoch "$PRIMARY")
	echo "$PRIMARY: $(mode "$PRIMARY"), epoch $EPOCH_NOW, takeovers $(counter "$PRIMARY" takeovers)"
	c0=$(counter "$PRIMARY" cycles_ok)
	wait_for "$WAIT" "20 ok cycles of $PRIMARY" at_least "$PRIMARY" cycles_ok $((c0 + 20))
}

back_as_backup()
{
	wait_for "$WAIT" "$1 to follow epoch $EPOCH_NOW" is_mode "$1" backup || return 1
	echo "$1: $(mode "$1"), epoch $(epoch "$1"), deposed $(counter "$1" deposed)"
	[ "$(epoch "$1")" -ge "$EPOCH_NOW" ] && follows "$1"
}

check_applied()
{
	"$JQ" -s -r '"\(length) ACTUATEs applied, cycles \(.[0].cycle)..\(.[-1].cycle), epochs \(map(.epoch) | unique)"' "$tmp/act.json"
	"$JQ" -s -e 'length > 50 and (map(.epoch) | unique | length) >= 2 and
		([range(1; length) as $i | .[$i].cycle > .[$i - 1].cycle and
		  .[$i].epoch >= .[$i - 1].epoch] | all)' \
		"$tmp/act.json" > /dev/null
}

# Cycles without an ACTUATE at the change of epoch (cycle ids stay on the
# period's grid, so a gap in them is cycles without output): at most the
# failure threshold (3) and the ordered succession's patience less one,
# plus one for the phase between the members' timers and one for a tick
# that emulation delayed, as swarm_failover.sh reasons.
check_lost()
{
	local lost
	lost=$("$JQ" -s -c '[range(1; length) as $i | select(.[$i].epoch != .[$i - 1].epoch) |
		{from: .[$i - 1].epoch, to: .[$i].epoch, lost: (.[$i].cycle - .[$i - 1].cycle - 1)}]' \
		"$tmp/act.json")
	echo "the takeover at the plant: $lost"
	"$JQ" -e --argjson max "$MAX_LOST" 'length >= 1 and all(.[]; .lost <= $max)' \
		<<< "$lost" > /dev/null
}

# What the daemons logged as warnings or errors, counted.
log_summary()
{
	grep -hE "warning|error|failed" "$tmp"/agg*.log "$tmp"/w*.log 2>/dev/null |
		sed -E 's/[0-9a-f]{16}\.\.\./KEY.../g; s/[0-9]+/N/g' | sort | uniq -c |
		sort -rn | head -n 15
}

# Every ok output of each member equals y = A x (verify_cycles over its
# own monitor: at least 20 cycles for the two that drove).
check_exact()
{
	local ns rc=0 min
	for ns in "$A1" "$A2" "$A3"; do
		case " $A1 $PRIMARY " in *" $ns "*) min=20 ;; *) min=0 ;; esac
		if ! "$VERIFY" --matrix "$tmp/matrix.txt" --min-cycles "$min" \
			< "$tmp/mon-$ns.json" > "$tmp/verify-$ns.out" 2>&1; then
			rc=1
		fi
		echo "$ns: $(grep -m1 'verify_cycles: cycles=' "$tmp/verify-$ns.out")"
		[ $rc = 0 ] || head -n 20 "$tmp/verify-$ns.out"
	done
	return $rc
}

no_divergence()
{
	local ns d total=0
	for ns in "$A1" "$A2" "$A3"; do
		d=$(counter "$ns" divergences)
		echo "$ns: divergences $d, records received $(counter "$ns" records_received), sent $(counter "$ns" records_sent)"
		total=$((total + d))
	done
	[ "$total" = 0 ]
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

daemon_prereqs
swarm_test_begin 14
swarm_test_up --workers "$WORKERS" --no-start
matrix_text "$top/configs/swarm_matrix.json" "$tmp/matrix.txt"
member_ns 2
member_ns 3
on_exit stop_all
rc=0
for n in agg w1 w2 w3 plant; do
	cp -r "$SWARM_KEYS/$n" "$tmp/$n" || rc=$?
done
for n in agg2 agg3; do
	"$AGICTL" keygen --node --output "$tmp/$n" > /dev/null || rc=$?
done
group_file
member_config "$A1" 1 a
member_config "$A2" 2 b
member_config "$A3" 3 c
for n in $(seq 1 "$WORKERS"); do
	group_worker_config "$n"
	in_ns "$(worker_ns "$n")" "$AGISWARMD" --config "$tmp/w$n.yaml" \
		--check-config > /dev/null || rc=$?
done
in_ns "$A1" "$AGISWARMD" --config "$tmp/agg.yaml" --check-config > /dev/null || rc=$?
tap_result "three members and three workers share one aggregators: section; their files check" $rc
[ $rc = 0 ] || exit 1

rc=0
for n in $(seq 1 "$WORKERS"); do
	daemon_start "$(worker_ns "$n")" "w$n" "$tmp/w$n.yaml" || rc=$?
done
for ns in "$A1" "$A2" "$A3"; do
	daemon_start "$ns" "$(name "$ns")" "$tmp/$(name "$ns").yaml" || rc=$?
done
[ $rc = 0 ] || tail -n 20 "$tmp/agg.log" | tap_nest /dev/stdin
tap_result "agiswarmd runs on the three members and the three workers" $rc
grep "agictl node set\|agictl peer add aggregator" "$tmp/agg2.log" | tap_nest /dev/stdin

tap_check "the group forms: agi-agg (rank 0) primary in epoch 8, rank 1 and 2 backups following its records" check_group
tap_check "each member has the others as aggregator peers with their ranks, each worker all three" check_peers
tap_check "the members keyed each other, the workers and the plant by handshakes" \
	wait_for "$WAIT" "every member keyed" members_keyed
tap_check "Prometheus: agiswarm_group_mode, _rank and _size of each member" \
	wait_for "$WAIT" "the group in the textfiles" prom_modes

MONITORS=
for ns in "$A1" "$A2" "$A3"; do
	timeout 600 "$IP" netns exec "$ns" "$AGICTL" -j monitor > "$tmp/mon-$ns.json" &
	MONITORS="$MONITORS $!"
done
plant_args=()
for ns in "$A1" "$A2" "$A3"; do
	plant_args+=(--aggregator "$SWARM_NET.$(($(rank "$ns") + 1)):$SWARM_PORT"
		     --peer-key "$tmp/$(name "$ns")/node.pub")
done
"$IP" netns exec "$SWARM_PLANT" "$PLANT" --listen "$SWARM_PLANT_ADDR:$SWARM_PORT" \
	--node-key "$tmp/plant/node.key" "${plant_args[@]}" --steps 100000 \
	--period 100 --actuate-log "$tmp/act.json" > /dev/null 2> "$tmp/plant.err" &
PLANT_PID=$!
echo "$PLANT_PID" >> "$SWARM_STATE/pids"
tap_check "the plant's ACTUATEs arrive from the primary" \
	wait_for "$WAIT" "20 ACTUATEs" eval '[ "$(wc -l < "$tmp/act.json")" -ge 20 ]'

PRIMARY=$A1
daemon_kill9 agg
"$IP" -n "$A1" link set eth0 down
tap_check "the primary's daemon killed and its link down: another member takes over with its own higher epoch, and drives" \
	took_over "$A1" 8
"$IP" -n "$A1" link set eth0 up
daemon_start "$A1" agg "$tmp/agg.yaml" || true
tap_check "agi-agg, its link up and its daemon started again, follows as a backup" \
	back_as_backup "$A1"
c0=$(wc -l < "$tmp/act.json")
wait_for "$WAIT" "more ACTUATEs" eval '[ "$(wc -l < "$tmp/act.json")" -ge $((c0 + 20)) ]' || true

kill "$PLANT_PID" $MONITORS 2>/dev/null || true
wait "$PLANT_PID" $MONITORS 2>/dev/null || true
tap_check "the plant applied strictly increasing cycle ids, epochs never going down, across the takeover" check_applied
tap_check "at most $MAX_LOST cycles without an ACTUATE at the takeover" check_lost
tap_check "every ok output of every member equals y = A x" check_exact
tap_check "no member's own law step diverged from a record" no_divergence
log_summary | tap_nest /dev/stdin
tap_end
