#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swarm_xcheck.sh: a worker answers wrongly; the aggregator's cross-check
# catches it whenever a result beyond those needed arrives in time.
#
#   agi-agg --TASK--> agi-w1 agi-w2 agi-w3   [agi-w4]
#                     systematic rows        parity rows, redundancy 1;
#                                            agictl fault inject worker 4
#                                            corrupt (on agi-w4 itself)
#
# 1. The aggregator holds worker 4's TASKs back (delay fault), so workers
#    1-3 decode every cycle and worker 4's wrong RESULT comes after, before
#    the deadline: it is checked against the decoded y and counted against
#    worker 4 alone (its "inconsistent" in workers list, the node's
#    results_inconsistent); every ok cycle stays exact.
# 2. The case the check cannot see: worker 1 stalled, so worker 4's wrong
#    RESULT is needed to decode and no extra result is left to check it
#    against. The cycles come out ok with a wrong y (verify_cycles finds
#    mismatches) and results_inconsistent does not move: redundancy that
#    is used up detects nothing. This is asserted so that the README's claim stays true.
# 3. After fault clear the checks go on and nothing disagrees.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
lib_trap

CYCLES=100
BAD=4

# inconsistent FILE ID: worker ID's inconsistent RESULTs in a workers list.
inconsistent()
{
	"$JQ" -r ".[] | select(.id == $2) | .inconsistent" "$1"
}

workers_json() { actl "$SWARM_AGG" -j workers list > "$1"; }

parity_is_bad()
{
	workers_json "$tmp/w0.json" || return 1
	# 8 rows over K = 3: blocks of 3, 3, 2; worker 4 holds parity rows.
	"$JQ" -e '[.[] | .rows] == [3, 3, 2, 4]' "$tmp/w0.json" >/dev/null
}

inject()
{
	actl "$(worker_ns $BAD)" fault inject worker $BAD corrupt || return 1
	actl "$SWARM_AGG" fault inject worker $BAD delay 40
}

bad_counted()
{
	local id n before after
	# The cycle goes on: the node-wide count is read before and after.
	before=$(counter "$SWARM_AGG" results_inconsistent)
	workers_json "$tmp/w1.json" || return 1
	after=$(counter "$SWARM_AGG" results_inconsistent)
	for id in 1 2 3 4; do
		n=$(inconsistent "$tmp/w1.json" $id)
		echo "# worker $id: inconsistent $n"
		if [ $id = $BAD ]; then
			[ "$n" -gt 0 ] || return 1
		else
			[ "$n" = 0 ] || return 1
		fi
	done
	n=$(inconsistent "$tmp/w1.json" $BAD)
	echo "# results_inconsistent $before .. $after, results_checked $(counter "$SWARM_AGG" results_checked)"
	[ "$before" -gt 0 ] && [ "$before" -le "$n" ] && [ "$n" -le "$after" ] &&
		[ "$(counter "$SWARM_AGG" results_checked)" -gt 0 ]
}

text_shows_it()
{
	actl "$SWARM_AGG" workers list > "$tmp/w1.txt" || return 1
	sed 's/^/# /' "$tmp/w1.txt"
	grep -Eq "^worker $BAD .* inconsistent [1-9][0-9]* fault " "$tmp/w1.txt" &&
		grep -Eq "^worker 1 .* inconsistent 0 " "$tmp/w1.txt"
}

worker_applied()
{
	local n
	n=$(counter "$(worker_ns $BAD)" faults_applied)
	echo "# worker $BAD faults_applied $n"
	[ "$n" -gt 0 ]
}

# Phase 2: worker 1 silent, worker 4's wrong RESULT needed every cycle.
needed()
{
	actl "$SWARM_AGG" fault clear worker $BAD || return 1
	actl "$SWARM_AGG" fault inject worker 1 stall || return 1
	wait_cycles 3 || return 1
	counter "$SWARM_AGG" results_inconsistent > "$tmp/before2"
}

undetected()
{
	local mism
	matrix_text "$SWARM_MATRIX" "$tmp/matrix.txt" || return 1
	"$VERIFY" --matrix "$tmp/matrix.txt" --min-cycles 20 --min-ok 90 \
		< "$tmp/monitor2.json" > "$tmp/verify2.out" 2>&1 || true
	sed 's/^/# /' "$tmp/verify2.out" | head -n 8
	mism=$(sed -n 's/.* mismatches=\([0-9]*\).*/\1/p' "$tmp/verify2.out")
	echo "# ok cycles with a wrong y: $mism; results_inconsistent" \
		"$(cat "$tmp/before2") -> $(counter "$SWARM_AGG" results_inconsistent)"
	# (results_checked may move: block 0's last layer has one real row
	# and two parity rows, so an honest one is spare and checked.)
	[ "${mism:-0}" -gt 0 ] &&
		[ "$(cat "$tmp/before2")" = "$(counter "$SWARM_AGG" results_inconsistent)" ]
}

# Phase 3: no fault; checks go on, nothing disagrees.
cleared()
{
	local bad0 chk0
	actl "$(worker_ns $BAD)" fault clear || return 1
	actl "$SWARM_AGG" fault clear || return 1
	wait_cycles 3 || return 1
	bad0=$(counter "$SWARM_AGG" results_inconsistent)
	chk0=$(counter "$SWARM_AGG" results_checked)
	wait_cycles 20 || return 1
	echo "# results_inconsistent $bad0 -> $(counter "$SWARM_AGG" results_inconsistent)," \
		"results_checked $chk0 -> $(counter "$SWARM_AGG" results_checked)"
	[ "$(counter "$SWARM_AGG" results_inconsistent)" = "$bad0" ] &&
		[ "$(counter "$SWARM_AGG" results_checked)" -gt "$chk0" ]
}

swarm_test_prereqs
swarm_test_begin 10

swarm_test_up --workers 4 --redundancy 1 --cycle 100ms --deadline 80ms
tap_check "worker $BAD holds the parity rows" parity_is_bad
tap_check "fault inject worker $BAD corrupt (on it), delay 40 (aggregator)" inject
plant_start "$tmp/plant.json" --steps 200 --period 100
monitor_cycles $CYCLES "$tmp/monitor.json" || true
swarm_test_verify "$CYCLES cycles all ok and exact: worker $BAD's results not needed" 100
tap_check "only worker $BAD's RESULTs are inconsistent, counted per worker and node-wide" bad_counted
tap_check "workers list shows it" text_shows_it
tap_check "worker $BAD counted the answers it corrupted" worker_applied
tap_check "worker 1 stalled: worker $BAD's wrong RESULT is needed" needed
monitor_cycles 30 "$tmp/monitor2.json" || true
tap_check "then cycles are ok with a wrong y and nothing is detected (no extra result)" undetected
tap_check "after fault clear: checked, nothing inconsistent" cleared
kill "$PLANT_PID" 2>/dev/null || true
wait "$PLANT_PID" 2>/dev/null || true
tap_end
