# SPDX-License-Identifier: GPL-2.0
#
# latency.sh: the benchmarks' measurement of cycle latency on a swarm
# built by netns/swarm.sh; sources netns/lib.sh and selftests/lib/matrix.sh
# from $top, the tree. Nothing here asserts a time.
#
#   measure MODE N OUT   N cycles with redundancy MODE (coded: 2, uncoded:
#                        0) once the swarm holds the current rows; their
#                        metrics records, one JSON object a line, into OUT
#   stats FILE           "p50 p99 missed workers" of those records
#   set_timing MS        the cycle period (period_ms) and a 4/5 deadline
#   bench_swarm_up ARGS...  netns/swarm.sh up ARGS, its log in $tmp; when
#                        it fails, the log as comments and exit 1
#   bench_begin TOOL...  exit KSFT_SKIP naming the first TOOL missing;
#                        then $tmp, removed on exit, and the swarm taken
#                        down on exit
#   bench_helper NAME    the path of a compiled helper (plant, ...); exit
#                        KSFT_SKIP when it is not built

. "$top/netns/lib.sh"
. "$top/selftests/lib/matrix.sh"

# --- reading the aggregator -------------------------------------------------

cycle_id() { actl "$SWARM_AGG" -j status | "$JQ" -r '.cycle_id // 0'; }

# records_after START N: at least N metrics records after cycle START.
records_after()
{
	actl "$SWARM_AGG" -j metrics last 1024 |
		"$JQ" -e "[.[] | select(.cycle > $1)] | length >= $2"
}

# collect START N OUT: the first N records after cycle START, one JSON
# object a line, into OUT.
collect()
{
	actl "$SWARM_AGG" -j metrics last 1024 |
		"$JQ" -c "[.[] | select(.cycle > $1)] | .[:$2][]" > "$3"
}

# stats FILE: "p50 p99 missed workers" over FILE's cycles: latency_us
# percentiles (nearest rank), cycles not ok, and the range of how many
# workers had answered when a cycle ended (the timing-free evidence: 8
# means the cycle waited for the straggler).
stats()
{
	"$JQ" -s -r '
		def rank(p): (length * p + 99) / 100 | floor | . - 1;
		(map(.latency_us) | sort) as $l |
		(map(.worker_count) | sort) as $w |
		[$l[$l | rank(50)], $l[$l | rank(99)],
		 (map(select(.status != "ok")) | length),
		 "\($w[0])..\($w[-1])"] | @tsv' "$1"
}

# --- one measurement --------------------------------------------------------

# Waits until the settings just made are in force, then a few cycles more
# so that nothing queued before them is counted.
settle()
{
	wait_for 120 "every worker to hold the current rows" rows_current
	wait_cycles 5 120
}

# measure MODE N OUT: N cycles with redundancy MODE's code (coded|uncoded)
# into OUT.
measure()
{
	local mode=$1 n=$2 out=$3 f=2 start secs
	[ "$mode" = uncoded ] && f=0
	actl "$SWARM_AGG" node set redundancy $f
	settle
	start=$(cycle_id)
	# Sleep through the run rather than poll: agictl and jq every 0.1 s
	# would compete with the swarm for the VM's two emulated CPUs and
	# show up in the tail being measured.
	sleep $(((n * period_ms + 999) / 1000))
	secs=$((n * period_ms / 1000 * 2 + 120))
	wait_for "$secs" "$n cycles ($mode)" records_after "$start" "$n"
	collect "$start" "$n" "$out"
}

# set_timing PERIOD_MS: the period, and a deadline of 4/5 of it.
set_timing()
{
	period_ms=$1
	actl "$SWARM_AGG" node set cycle "${period_ms}ms" \
		deadline "$((period_ms * 4 / 5))ms"
}

bench_swarm_up()
{
	if ! "$top/netns/swarm.sh" up "$@" > "$tmp/up.log" 2>&1; then
		sed 's/^/# /' "$tmp/up.log"
		echo "bench: the swarm did not come up (swarm.sh up $*)" >&2
		exit 1
	fi
}

bench_begin()
{
	local missing
	missing=$(have_tools "$@") || {
		echo "bench: $missing not found" >&2
		exit "$KSFT_SKIP"
	}
	tmp=$(mktemp -d)
	on_exit rm -rf "$tmp"
	on_exit "$top/netns/swarm.sh" down
}

bench_helper()
{
	find_helper "$1" || {
		echo "bench: $1 not built (make vm-tests)" >&2
		exit "$KSFT_SKIP"
	}
}
