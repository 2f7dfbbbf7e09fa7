#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm_jobs.sh: the jobs benchmark, in the VM (`make bench-vm-jobs`).
#
#   agi-agg --JOB_ROWS/JOB_TASK--> agi-w1 .. agi-w8, the cycle running
#
# A 256x256 times 256x256 matmul (Q16.16) as a job on 8 workers
# (redundancy 2), against the same product on one CPU with the portable
# core (matmul_native), both in this run on this VM; the swarm's result
# must equal the native one (checksum of the raw entries). And the
# cycle's latency (the module's latency_us, tick to output) over
# JOB_CYCLES cycles without a job, then over the cycles the job ran in.
# One line, stable for scripts:
#
#   bench vm job matmul=256x256x256 workers=8 swarm_ms=W job_ms=J
#     native_ms=N ratio=W/N exact=yes|no cycle_p50_idle=Nus
#     cycle_p99_idle=Nus cycle_p50_job=Nus cycle_p99_job=Nus missed_idle=N
#     missed_job=N cycles_job=N
#
# (one line in the output). swarm_ms is agictl's wall time from submitting
# to the result fetched (to 10 ms, from /proc/uptime), job_ms the module's from the job's start to its
# end. Timing in a TCG VM is emulated: nothing here asserts a time; the
# script fails when the swarm does not come up or the result is not exact.
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
[ -f "$top/netns/lib.sh" ] || top=$PWD
. "$top/selftests/lib/latency.sh"	# and netns/lib.sh, matrix.sh
lib_trap

SIZE=${JOB_SIZE:-256}
JOB_CYCLES=${JOB_CYCLES:-200}
WORKERS=8

bench_begin "$IP" "$AGICTL" "$JQ" timeout awk
NATIVE=$(bench_helper matmul_native)

bench_swarm_up --workers "$WORKERS"
# As matmul_native's matrices (see its header).
job_file "$tmp/a.json" "$SIZE" "$SIZE" '(($i * 7 + $j * 3) % 101 - 50) / 64'
job_file "$tmp/b.json" "$SIZE" "$SIZE" '(($i * 5 + $j * 17) % 89 - 44) / 64'

native=$("$NATIVE" "$SIZE" "$SIZE" "$SIZE")
echo "# $native"

# The cycle alone.
wait_cycles 5 120
start=$(cycle_id)
sleep $(((JOB_CYCLES * 50 + 999) / 1000))
wait_for 300 "$JOB_CYCLES cycles" records_after "$start" "$JOB_CYCLES"
collect "$start" "$JOB_CYCLES" "$tmp/idle.json"

# The cycle with the job.
# Seconds since boot, to 10 ms: busybox's date has no %N.
uptime_s() { awk '{ print $1 }' /proc/uptime; }
start=$(cycle_id)
t0=$(uptime_s)
actl "$SWARM_AGG" -j job run matmul --a "$tmp/a.json" --b "$tmp/b.json" \
	> "$tmp/job.json"
t1=$(uptime_s)
end=$(cycle_id)
n=$((end - start))
[ "$n" -le 1024 ] || n=1024
collect "$start" "$n" "$tmp/busy.json"

sum=$("$JQ" '[.result[][] * 65536 | round] | add' "$tmp/job.json")
exact=no
[ "checksum=$sum" = "${native#* }" ] && exact=yes
idle=($(stats "$tmp/idle.json"))
busy=($(stats "$tmp/busy.json"))
awk -v w="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", (b - a) * 1e6 }')" -v j="$("$JQ" .elapsed_ms "$tmp/job.json")" \
	-v nat="${native%% *}" -v s="$SIZE" -v wk="$WORKERS" -v ex="$exact" \
	-v i50="${idle[0]}" -v i99="${idle[1]}" -v b50="${busy[0]}" \
	-v b99="${busy[1]}" -v im="${idle[2]}" -v bm="${busy[2]}" -v n="$n" '
	BEGIN {
		sub(/native_ns=/, "", nat)
		printf "bench vm job matmul=%sx%sx%s workers=%s swarm_ms=%.3f job_ms=%s native_ms=%.3f ratio=%.1f exact=%s cycle_p50_idle=%sus cycle_p99_idle=%sus cycle_p50_job=%sus cycle_p99_job=%sus missed_idle=%s missed_job=%s cycles_job=%s\n",
			s, s, s, wk, w / 1000, j, nat / 1e6, nat ? w * 1000 / nat : 0,
			ex, i50, i99, b50, b99, im, bm, n
	}'
[ "$exact" = yes ]
