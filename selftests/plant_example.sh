#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# plant_example.sh: the README's libagiplant example (configs/
# plant_example.c) closes the loop with the real module, exactly.
#
#   agi-plant: plant_example --SENSOR s (sealed)--> agi-agg --TASK--> agi-w1..w8
#       ^                                             |  <--RESULT--
#       +------------ACTUATE u (sealed)---------------+
#
# The example is built against the installed header and libagiplant.a
# only, and keyed as the README says (the swarm's PSK, the plant's and the
# aggregator's node.pub). For 200 cycles every ok output must equal
# y = A x for the plant's own SENSOR x (verify_cycles, 128-bit integers),
# the plant must apply actuations and converge, and the cycle ids it
# applied must strictly increase.
#
# plant_example_py.sh runs the same checks on the Python example: it sets
# EXAMPLE_NAME (the prefix of its lines on stderr) and EXAMPLE (its
# command, an array) and sources this file.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
lib_trap

CYCLES=200

swarm_test_prereqs
EXAMPLE_NAME=${EXAMPLE_NAME:-plant_example}
if [ -z "${EXAMPLE+set}" ]; then
	EXAMPLE=$(command -v plant_example || find_helper plant_example) ||
		tap_skip_all "plant_example not built (make)"
fi
swarm_test_begin 5

example_start()
{
	n_plant "${EXAMPLE[@]}" "$SWARM_PLANT_ADDR:$SWARM_PORT" \
		"$SWARM_KEYS/swarm.psk" "$SWARM_KEYS/plant/node.pub" "$1" \
		"$SWARM_AGG_ADDR:$SWARM_PORT" "$SWARM_KEYS/agg/node.pub" \
		> "$tmp/example.out" 2> "$tmp/example.err" &
	EXAMPLE_PID=$!
	mkdir -p "$SWARM_STATE"
	echo "$EXAMPLE_PID" >> "$SWARM_STATE/pids"
}

used_sensor()
{
	"$JQ" -e -s 'map(.x | any(. != 0)) | any' "$tmp/monitor.json" >/dev/null
}

# "step K cycle C max|s| M": M of the first and the last step.
converged()
{
	local first last
	first=$(awk 'NR == 1 { print $6 }' "$tmp/example.out")
	last=$(awk 'END { print $6 }' "$tmp/example.out")
	echo "# $EXAMPLE_NAME: $(wc -l < "$tmp/example.out") steps, max |s| first $first, last $last (raw Q1.31)"
	sed 's/^/# /' "$tmp/example.err"
	[ -n "$first" ] && [ -n "$last" ] && [ "$last" -lt "$first" ]
}

# Applied cycles (the lines' C once nonzero) strictly increase per new one,
# and the library counted what it applied.
cycles_increase()
{
	awk '$4 != 0 && $4 != prev { if ($4 < prev) bad = 1; n++; prev = $4 }
	     END { print "# " n " distinct cycles applied"; exit (bad || n < 10) }' \
		"$tmp/example.out" &&
		grep -Eq "^$EXAMPLE_NAME: [1-9][0-9]* actuations applied" "$tmp/example.err"
}

swarm_test_up --workers 8
# 100 ms steps against 50 ms cycles: each step applies an output computed
# from its previous state (a one-step delay, stable).
example_start 130
monitor_cycles $CYCLES "$tmp/monitor.json" || true
wait "$EXAMPLE_PID" || true

swarm_test_verify "$CYCLES cycles, every ok output equals the reference" 50
tap_check "the aggregator used $EXAMPLE_NAME's SENSOR input" used_sensor
tap_check "$EXAMPLE_NAME's state converges under the swarm's control" converged
tap_check "$EXAMPLE_NAME applied strictly increasing cycles" cycles_increase
tap_end
