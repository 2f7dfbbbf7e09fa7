#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# daemon_members.sh: worker membership from heartbeats.
#
#   agi-w1 agi-w2 agi-w3 (agiswarmd, HEARTBEAT every 0.5 s) --> agi-agg
#   agi-w4: a spare worker node, not a peer of the aggregator
#   agi-plant: the plant, closing the loop (netns/swarm.sh)
#
# The aggregator's daemon has no static workers: every worker is a member
# while it sends heartbeats. When w3's daemon is killed its heartbeats
# stop, it turns unhealthy (4 missed) and the daemon removes it from the
# module, which rebalances the rows over w1 and w2. The daemon's judgement
# of each member reaches the module: `agictl workers list` shows "healthy",
# and a health-only peer add leaves the row assignment as it was. When w4's daemon
# starts, its heartbeats make it a member and the rows are rebalanced over
# three workers again. The cycles computed then are exact (verify_cycles).
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
. "$top/selftests/daemon_lib.sh"
lib_trap

MATRIX=$top/configs/swarm_matrix.json
CYCLES=100

# health_is ID H: workers list shows worker ID with the daemon's health H.
health_is()
{
	actl "$SWARM_AGG" -j workers list > "$tmp/health.json" || return 1
	"$JQ" -e --argjson id "$1" --arg h "$2" \
		'any(.[]; .id == $id and .health == $h)' \
		"$tmp/health.json" > /dev/null
}

all_healthy() { health_is 1 healthy && health_is 2 healthy && health_is 3 healthy; }

matrix_gen() { actl "$SWARM_AGG" -j matrix show | "$JQ" -r .gen; }

# A peer add that changes only a worker's health keeps the assignment
# (every reassignment bumps the generation, so a retry cannot hide one).
health_keeps_rows()
{
	local gen
	gen=$(matrix_gen)
	actl "$SWARM_AGG" peer add worker 1 "$(worker_addr 1):6000" \
		health degraded || return 1
	health_is 1 degraded || return 1
	[ "$(matrix_gen)" = "$gen" ] || { echo "# gen $gen -> $(matrix_gen)"; return 1; }
	actl "$SWARM_AGG" peer add worker 1 "$(worker_addr 1):6000" \
		health healthy
}

# waits until the aggregator runs ok cycles again after a rebalance
ok_again() { wait_for 60 "ok cycles" lib_ok_grows; }
lib_ok_grows()
{
	local now
	now=$(counter "$SWARM_AGG" cycles_ok)
	[ "$now" -ge $((ok_before + 5)) ]
}

daemon_prereqs
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
on_exit "$SWARM" down
tap_begin 10

swarm_test_up --workers 4
actl "$SWARM_AGG" peer del worker 4
wait_for 60 "rows on workers 1-3" members "1 2 3" || true
matrix_text "$MATRIX" "$tmp/matrix.txt"
agg_config "$tmp/agg.yaml"
for i in 1 2 3 4; do
	worker_config "$tmp/w$i.yaml" "$i"
done
rc=0
daemon_start "$SWARM_AGG" agg "$tmp/agg.yaml" || rc=$?
for i in 1 2 3; do
	daemon_start "$(worker_ns "$i")" "w$i" "$tmp/w$i.yaml" || rc=$?
done
tap_result "agiswarmd runs on the aggregator and workers 1-3" $rc
sleep 3		# several heartbeat intervals: nothing may change
tap_check "heartbeating workers stay members" members "1 2 3"
tap_check "workers list shows the daemon's health: healthy" \
	wait_for 30 "health reported" all_healthy
# Retried: the daemon may report worker 1's own change in between.
tap_check "a health-only peer add keeps the row assignment" \
	wait_for 20 "health-only add" health_keeps_rows

daemon_kill9 w3
tap_check "a worker whose heartbeats stop is removed, rows rebalanced" \
	wait_for 60 "worker 3 removed" members "1 2"
tap_check "the aggregator's daemon said why" \
	grep -q "worker 3 at 192.0.2.13:6000 is unhealthy" "$tmp/agg.log"

ok_before=$(counter "$SWARM_AGG" cycles_ok)
daemon_start "$(worker_ns 4)" w4 "$tmp/w4.yaml"
tap_check "a new worker's heartbeats make it a member, rows rebalanced" \
	wait_for 60 "worker 4 added" members "1 2 4"
ok_again || true

plant_start "$tmp/plant.json" --steps 80 --period 100
monitor_cycles $CYCLES "$tmp/monitor.json" || true
wait "$PLANT_PID" || true	# its 80 steps end on their own
tap_check "$CYCLES cycles after the changes, every ok output exact" daemon_verify 50
tap_check "worker 4's daemon heard that it is a member" \
	grep -q "sees this worker as healthy" "$tmp/w4.log"
grep -E "worker|agictl peer" "$tmp/agg.log" | tap_nest /dev/stdin | head -n 20
tap_end
