#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swarm_stall.sh: two of eight workers stop answering; the code absorbs it.
#
#   agi-agg --TASK--> agi-w1 agi-w2 [agi-w3] agi-w4 agi-w5 [agi-w6] agi-w7 agi-w8
#                               stalled: the aggregator never sends
#                               them a TASK (agictl fault inject ... stall)
#
# With redundancy 2 the rows are assigned so that any two workers may be
# lost: every cycle must still complete (status ok) with an output equal
# to the independent reference, and the stalled workers must really have
# been silent. After `fault clear` they answer again.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
lib_trap

CYCLES=200
STALLED="3 6"

# worker_results FILE ID: results counted for worker ID in a workers list.
worker_results()
{
	"$JQ" -r ".[] | select(.id == $2) | .results" "$1"
}

inject()
{
	local id
	for id in $STALLED; do
		actl "$SWARM_AGG" fault inject worker "$id" stall || return 1
	done
}

faults_listed()
{
	# Results already in flight when the fault was set land first.
	wait_cycles 3 || return 1
	actl "$SWARM_AGG" -j workers list > "$tmp/workers0.json" || return 1
	"$JQ" -e "[.[] | select(.fault != null and .fault != \"\" and .fault != \"none\") | .id] == [${STALLED// /,}]" \
		"$tmp/workers0.json" >/dev/null
}

stalled_silent()
{
	local id before after
	actl "$SWARM_AGG" -j workers list > "$tmp/workers1.json" || return 1
	for id in $(seq 1 8); do
		before=$(worker_results "$tmp/workers0.json" "$id")
		after=$(worker_results "$tmp/workers1.json" "$id")
		echo "# worker $id: results $before -> $after"
		case " $STALLED " in
		*" $id "*) [ "$after" = "$before" ] || return 1 ;;
		*) [ "$after" -gt "$before" ] || return 1 ;;
		esac
	done
}

faults_counted()
{
	local n
	n=$(counter "$SWARM_AGG" faults_applied)
	echo "# faults_applied $n"
	[ "$n" -gt 0 ]
}

stalled_answer()
{
	actl "$SWARM_AGG" -j workers list > "$tmp/workers2.json"
	local id
	for id in $STALLED; do
		[ "$(worker_results "$tmp/workers2.json" "$id")" -gt \
		  "$(worker_results "$tmp/workers1.json" "$id")" ] || return 1
	done
}

recovered()
{
	actl "$SWARM_AGG" fault clear || return 1
	wait_for 60 "stalled workers to answer again" stalled_answer
}

swarm_test_prereqs
swarm_test_begin 7

swarm_test_up --workers 8
tap_check "fault inject worker {${STALLED// /,}} stall" inject
tap_check "workers list shows the two faults" faults_listed
plant_start "$tmp/plant.json" --steps 130 --period 100
monitor_cycles $CYCLES "$tmp/monitor.json" || true
# Every ok: a missed cycle would be a failure of the code here.
swarm_test_verify "$CYCLES cycles all ok and exact with 2 of 8 workers stalled" 100
tap_check "stalled workers sent nothing, the others answered" stalled_silent
tap_check "the aggregator counted the faults it applied" faults_counted
tap_check "after fault clear the stalled workers answer again" recovered
wait "$PLANT_PID" || true
tap_end
