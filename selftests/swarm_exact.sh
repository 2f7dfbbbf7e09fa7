#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swarm_exact.sh: a closed loop through the whole data path, checked
# against an independent reference.
#
#   agi-plant --SENSOR s--> agi-agg --TASK--> agi-w1..agi-w8
#       ^                     |  <--RESULT--
#       +------ACTUATE u------+   (bridge in agi-hub, see netns/swarm.sh)
#
# 1 aggregator, 8 workers, the plant (s[k+1] = 1.1 s[k] + u, unstable
# alone) and K from configs/swarm_matrix.json (Ad + K = 0.5 I). For 200
# cycles every ok output must equal y = A x computed by verify_cycles with
# 128-bit integers, u must equal y (feedback law), cycle ids must strictly
# increase, and the plant's state must converge.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
lib_trap

CYCLES=200

used_sensor()
{
	"$JQ" -e -s 'map(.x | any(. != 0)) | any' "$tmp/monitor.json" >/dev/null
}

converged()
{
	first=$(plant_max_abs "$tmp/plant.json" first)
	last=$(plant_max_abs "$tmp/plant.json" last)
	echo "# plant: $(wc -l < "$tmp/plant.json") steps, max |s| first $first, last $last (raw Q1.31)"
	[ -n "$first" ] && [ -n "$last" ] && [ "$last" -lt "$first" ]
}

applied_outputs()
{
	"$JQ" -e -s 'map(select(.u | any(. != 0))) | length > 0' "$tmp/plant.json" \
		>/dev/null
}

swarm_test_prereqs
swarm_test_begin 5

swarm_test_up --workers 8
# The plant steps every 100 ms, the cycle is 50 ms: each step sees an
# output computed from its previous state (a one-step delay, stable).
plant_start "$tmp/plant.json" --steps 130 --period 100
monitor_cycles $CYCLES "$tmp/monitor.json" || true
wait "$PLANT_PID" || true

swarm_test_verify "$CYCLES cycles, every ok output equals the reference" 50
tap_check "the aggregator used the plant's SENSOR input" used_sensor
tap_check "the plant's state converges under the swarm's control" converged
tap_check "the plant applied ACTUATE outputs" applied_outputs
tap_end
