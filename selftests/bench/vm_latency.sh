#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm_latency.sh: the body of `make bench-vm`. Cycle latency (tick to
# output, the module's own latency_us) of a coded swarm against an
# uncoded one while one worker answers 10x slower than the others.
#
#   agi-agg --TASK--> agi-w1 (TASKs delayed: fault inject ... delay MS)
#           --TASK--> agi-w2 .. agi-w8 (healthy)
#           <--RESULT--
#
#   coded    redundancy 2: 8 workers hold k rows each of a code any 6 of
#            them decode, so a cycle completes without the straggler.
#   uncoded  redundancy 0: only the m rows of A, row j on worker j mod 8,
#            so a cycle completes when the last worker (the straggler) has
#            answered.
#
# Per matrix (the shipped 8x8 one, then a generated 64x64 one): the
# baseline of both modes without a fault; MS = 10x the uncoded baseline
# median (the time for every worker to answer), at least MIN_DELAY_MS; the
# cycle period and deadline widened so that the uncoded cycle still
# completes; then BENCH_CYCLES cycles of each mode with worker 1 delayed.
# One line per measurement, stable for scripts:
#
#   bench vm baseline coded p50=Nus p99=Nus uncoded p50=Nus p99=Nus matrix=MxN ...
#   bench vm straggler coded p50=Nus p99=Nus uncoded p50=Nus p99=Nus ratio_p99=R matrix=MxN ...
#
# ending with missed_coded/_uncoded (cycles past the deadline: their
# latency is the deadline's, late under emulation) and workers_coded/
# _uncoded=MIN..MAX, the workers that had answered when a cycle completed.
#
# Timing in a TCG VM is emulated: nothing here asserts a time. The script
# fails only when the swarm does not come up or stops producing cycles.
# Needs root, the module (loaded, or AGISWARM_KO), agictl, jq, ip, timeout.
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
[ -f "$top/netns/lib.sh" ] || top=$PWD
. "$top/selftests/lib/latency.sh"	# and netns/lib.sh, matrix.sh
lib_trap

BENCH_CYCLES=${BENCH_CYCLES:-500}
BASE_CYCLES=${BASE_CYCLES:-100}
MIN_DELAY_MS=5
STRAGGLER=1
WORKERS=8
MATRIX=$top/configs/swarm_matrix.json

# line KIND CODED_FILE UNCODED_FILE EXTRA: one result line.
line()
{
	local c u
	c=($(stats "$2"))
	u=($(stats "$3"))
	printf 'bench vm %s coded p50=%sus p99=%sus uncoded p50=%sus p99=%sus' \
		"$1" "${c[0]}" "${c[1]}" "${u[0]}" "${u[1]}"
	[ "$1" = straggler ] &&
		awk -v c="${c[1]}" -v u="${u[1]}" \
			'BEGIN { printf " ratio_p99=%.3f", u ? c / u : 0 }'
	printf ' %s missed_coded=%s missed_uncoded=%s' "$4" "${c[2]}" "${u[2]}"
	printf ' workers_coded=%s workers_uncoded=%s\n' "${c[3]}" "${u[3]}"
	UNCODED_P50=${u[0]}
}

# bench_matrix FILE: both measurements on the matrix in FILE.
bench_matrix()
{
	local dims ms extra
	actl "$SWARM_AGG" matrix load "$1" >/dev/null
	dims=$(actl "$SWARM_AGG" -j matrix show | "$JQ" -r '"\(.rows)x\(.cols)"')
	actl "$SWARM_AGG" input set "$(input_for "${dims#*x}")"
	set_timing 50

	measure coded "$BASE_CYCLES" "$tmp/base-coded.json"
	measure uncoded "$BASE_CYCLES" "$tmp/base-uncoded.json"
	extra="matrix=$dims workers=$WORKERS cycles=$BASE_CYCLES period_ms=$period_ms"
	line baseline "$tmp/base-coded.json" "$tmp/base-uncoded.json" "$extra"

	# 10x the time every worker needs to answer.
	ms=$(((UNCODED_P50 * 10 + 999) / 1000))
	[ "$ms" -ge "$MIN_DELAY_MS" ] || ms=$MIN_DELAY_MS
	# The uncoded cycle waits MS and more: keep it inside the deadline.
	set_timing $((ms * 4 > 50 ? ms * 4 : 50))
	actl "$SWARM_AGG" fault inject worker "$STRAGGLER" delay "$ms"
	measure coded "$BENCH_CYCLES" "$tmp/coded.json"
	measure uncoded "$BENCH_CYCLES" "$tmp/uncoded.json"
	actl "$SWARM_AGG" fault clear
	extra="matrix=$dims workers=$WORKERS cycles=$BENCH_CYCLES period_ms=$period_ms delay_ms=$ms straggler=$STRAGGLER"
	line straggler "$tmp/coded.json" "$tmp/uncoded.json" "$extra"
}

bench_begin "$IP" "$AGICTL" "$JQ" timeout awk

echo "# bench vm: $WORKERS workers, worker $STRAGGLER delayed 10x; latency_us is tick to output"
bench_swarm_up --workers "$WORKERS" --matrix "$MATRIX"
bench_matrix "$MATRIX"
if [ "${BENCH_LARGE:-1}" = 1 ]; then
	gen_matrix 64 64 "$tmp/matrix64.json"
	bench_matrix "$tmp/matrix64.json"
fi
