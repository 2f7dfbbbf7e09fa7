#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swarm_rate.sh: sub-millisecond cycles, the MDS row assignment and the
# decode-time histogram, on a real swarm.
#
#   agi-agg --TASK--> agi-w1..agi-w8   (bridge in agi-hub, netns/swarm.sh)
#           <--RESULT--
#
#  1. A 500 us period with a 400 us deadline is taken; 50 us is refused
#     with an error naming the attribute, the value and the range.
#  2. Cycles run at that rate and every ok output equals the independent
#     reference (verify_cycles). How many are ok is the emulator's
#     business (make bench prints it): only that some are.
#  3. GET_STATUS carries the decode-time histogram: one entry per RESULT
#     decoded, at most one per value used, and agictl status shows it.
#  4. A 256-row matrix over 8 workers allows at most 4 lost workers: a
#     redundancy of 5 is refused naming 4, 4 is taken and assigns
#     256 + 4 * 64 coded rows.
#  5. A 4-row matrix over 8 workers with redundancy 2: 6 workers would
#     hold the systematic rows but only 4 have one, so 2 workers hold
#     nothing and get no TASK: exactly 6 TASKs a cycle.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
. "$top/selftests/lib/matrix.sh"
lib_trap

CYCLES=100

# stopped_counters OUT: the aggregator's status with its cycle stopped.
stopped_counters()
{
	actl "$SWARM_AGG" node stop
	sleep 0.3
	status_json "$SWARM_AGG" "$1"
}

swarm_test_prereqs
swarm_test_begin 9

swarm_test_up --workers 8 --cycle 500us --deadline 400us

tap_run actl "$SWARM_AGG" node set cycle 50us
tap_text_fails "cycle_period_us is 50, allowed 100..10000000"
tap_report $? "a 50 us period is refused, naming the attribute and its range"

tap_run actl "$SWARM_AGG" node set deadline 99us
tap_text_fails "cycle_deadline_us is 99, allowed 100..10000000"
tap_report $? "a 99 us deadline is refused, naming the attribute and its range"

# A 500 us cycle under TCG misses most deadlines; the outputs of those it
# makes must be exact, and it must make some.
monitor_cycles $CYCLES "$tmp/monitor.json" || true
swarm_test_verify "$CYCLES cycles at 500 us: every ok output equals the reference" 1

histogram()
{
	stopped_counters "$tmp/st.json" || return 1
	"$JQ" -e '(.decode_hist | length) == 16 and
		(.decode_hist | add) > 0 and
		(.decode_hist | add) <= .counters.results_used and
		.decode_max_ns > 0' "$tmp/st.json" &&
		actl "$SWARM_AGG" status | grep -E '^decode per result: max [0-9]+us, '
}
tap_check "status shows how long decoding one RESULT held the cycle lock" histogram

gen_matrix 256 8 "$tmp/m256.json"
actl "$SWARM_AGG" matrix load "$tmp/m256.json" > /dev/null
tap_run actl "$SWARM_AGG" node set redundancy 5
tap_text_fails "redundancy above what the rows allow: at most 4 workers may be lost"
tap_report $? "256 rows over 8 workers: redundancy 5 is refused, naming 4"

tap_run actl "$SWARM_AGG" node set redundancy 4
[ "$rc" = 0 ] && [ "$(actl "$SWARM_AGG" -j matrix show | "$JQ" -r .n_coded)" = 512 ]
tap_report $? "redundancy 4 is taken: 256 + 4 x 64 coded rows"

gen_matrix 4 8 "$tmp/m4.json"
actl "$SWARM_AGG" node set redundancy 2
actl "$SWARM_AGG" matrix load "$tmp/m4.json" > /dev/null
actl "$SWARM_AGG" input set "$(input_for 8)"
empty_workers()
{
	actl "$SWARM_AGG" -j workers list > "$tmp/w.json" &&
		"$JQ" -e '(map(select(.rows == 0)) | length) == 2 and
			(map(select(.rows == 1)) | length) == 4 and
			(map(select(.rows > 1)) | length) == 2' "$tmp/w.json"
}
tap_check "4 rows over 8 workers, redundancy 2: two workers hold no row" empty_workers

six_tasks()
{
	local c0 t0 c1 t1
	stopped_counters "$tmp/a.json" || return 1
	actl "$SWARM_AGG" node start && wait_cycles 20 60 || return 1
	stopped_counters "$tmp/b.json" || return 1
	c0=$("$JQ" .counters.cycles "$tmp/a.json")
	t0=$("$JQ" .counters.tasks_sent "$tmp/a.json")
	c1=$("$JQ" .counters.cycles "$tmp/b.json")
	t1=$("$JQ" .counters.tasks_sent "$tmp/b.json")
	echo "# $((c1 - c0)) cycles, $((t1 - t0)) TASKs"
	[ $((c1 - c0)) -gt 0 ] && [ $((t1 - t0)) = $((6 * (c1 - c0))) ]
}
tap_check "workers without rows are sent no TASK: 6 a cycle" six_tasks

tap_end
