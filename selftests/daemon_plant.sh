#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# daemon_plant.sh: a libagiplant plant keyed by agiswarmd's handshake.
#
#   agi-agg (agiswarmd, key agg) --HANDSHAKE--> agi-w1..3 (agiswarmd, keys)
#       ^   sensors/actuators: the plant's key
#       +--HANDSHAKE-- agi-plant (plant --node-key: libagiplant)
#
# The aggregator's configuration lists the plant as sensor and actuator 100
# with its node.pub; the plant holds its node.key and no pre-shared key.
# The plant's INIT is answered by the aggregator's daemon, which installs
# the keys in the module as the responder; the loop then closes over them
# and stays exact (verify_cycles), and the plant converges.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
. "$top/selftests/daemon_lib.sh"
lib_trap

CYCLES=100

pub() { cat "$SWARM_KEYS/$1/node.pub"; }
# keyed LOG ROLE N: N session installs as ROLE in LOG.
keyed() { [ "$(grep -c "installed as $2" "$1")" -ge "$3" ]; }

converged()
{
	first=$(plant_max_abs "$tmp/plant.json" first)
	last=$(plant_max_abs "$tmp/plant.json" last)
	echo "# plant: $(wc -l < "$tmp/plant.json") steps, max |s| first $first, last $last (raw Q1.31)"
	sed 's/^/# /' "$tmp/plant.err"
	[ -n "$first" ] && [ -n "$last" ] && [ "$last" -lt "$first" ]
}

daemon_prereqs
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
on_exit "$SWARM" down
tap_begin 6

swarm_test_up --workers 3
matrix_text "$top/configs/swarm_matrix.json" "$tmp/matrix.txt"
rc=0
for n in agg w1 w2 w3 plant; do
	cp -r "$SWARM_KEYS/$n" "$tmp/$n" || rc=$?
done
tap_result "the daemons and the plant get the swarm's node keys" $rc

STATIC_WORKERS=
for i in 1 2 3; do
	STATIC_WORKERS="$STATIC_WORKERS${STATIC_WORKERS:+, }{id: $i, address: \"$(worker_addr "$i"):$SWARM_PORT\", key: \"$(pub "w$i")\"}"
done
agg_config "$tmp/agg.yaml" "logging:" "  level: debug"
# The plant, under aggregator: (agg_config writes its workers line).
plant="{id: 100, address: \"$SWARM_PLANT_ADDR:$SWARM_PORT\", key: \"$(pub plant)\"}"
sed -i "/^  workers: /a\\  sensors: [$plant]\\n  actuators: [$plant]" "$tmp/agg.yaml"
AGG_KEY=$(pub agg)
rc=0
for i in 1 2 3; do
	worker_config "$tmp/w$i.yaml" "$i"
	daemon_start "$(worker_ns "$i")" "w$i" "$tmp/w$i.yaml" || rc=$?
done
daemon_start "$SWARM_AGG" agg "$tmp/agg.yaml" || rc=$?
[ $rc = 0 ] || sed 's/^/# /' "$tmp/agg.log" | tail -n 20
tap_result "agiswarmd runs sealed, the plant among the aggregator's peers" $rc
wait_for 60 "three initiator installs" keyed "$tmp/agg.log" initiator 3 || true

n_plant "$PLANT" --aggregator "$SWARM_AGG_ADDR:$SWARM_PORT" \
	--listen "$SWARM_PLANT_ADDR:$SWARM_PORT" --node-key "$tmp/plant/node.key" \
	--peer-key "$tmp/agg/node.pub" --json --steps 120 --period 100 \
	> "$tmp/plant.json" 2> "$tmp/plant.err" &
PLANT_PID=$!
echo "$PLANT_PID" >> "$SWARM_STATE/pids"
tap_check "the aggregator's daemon answered the plant's handshake" \
	wait_for 60 "a responder install" keyed "$tmp/agg.log" responder 1
monitor_cycles $CYCLES "$tmp/monitor.json" || true
tap_check "$CYCLES cycles over the plant's handshake keys: ok and exact" \
	daemon_verify 90
wait "$PLANT_PID" || true
tap_check "the plant's state converges" converged
grep -E "session|installed|refused" "$tmp/agg.log" |
	sed -E 's/index [0-9]+/index N/; s/[0-9a-f]{16}\.\.\./KEY.../' |
	sort | uniq -c | tap_nest /dev/stdin | head -n 10
tap_end
