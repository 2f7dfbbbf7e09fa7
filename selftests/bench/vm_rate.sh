#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm_rate.sh: the rate ladder of `make bench-vm` (after vm_latency.sh).
# One coded swarm (8 workers, redundancy 2, a generated 64x64 Q1.31
# matrix) run at periods of 20, 10, 5, 2, 1 and 0.5 ms, the deadline 0.8x
# the period. Per rung, RATE_CYCLES cycles (at least) are run, then the
# cycle is stopped; one line each, stable for scripts:
#
#   bench vm rate period_us=P deadline_us=D cycles=N ok=N ok_share=S p50=Nus p99=Nus decode_max_us=N
#
# ok_share is cycles_ok / cycles over the rung (the module's counters);
# p50/p99 are the latency (tick to output) of the rung's last cycles, at
# most 1000 (the metrics ring), the ok ones only, nearest rank;
# decode_max_us is the longest time one RESULT's decode held the cycle
# lock over the run so far (GET_STATUS). Then the time each row assignment
# took to build (the module's log), and the decode-time histogram of the
# whole ladder.
#
# Timing in a TCG VM is emulated: nothing here asserts a time. The script
# fails only when the swarm does not come up or stops producing cycles.
# Needs root, the module (loaded, or AGISWARM_KO), agictl, jq, ip, timeout.
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
[ -f "$top/netns/lib.sh" ] || top=$PWD
. "$top/selftests/lib/latency.sh"	# and netns/lib.sh, matrix.sh
lib_trap

RATE_CYCLES=${RATE_CYCLES:-1000}
RUNGS_US=${RUNGS_US:-"20000 10000 5000 2000 1000 500"}
WORKERS=8

# rung PERIOD_US: one line.
rung()
{
	local p=$1 d=$(($1 * 4 / 5)) c0 k0 c1 k1 n lat
	actl "$SWARM_AGG" node set cycle "${p}us" deadline "${d}us"
	actl "$SWARM_AGG" node start
	wait_cycles 20 120
	status_json "$SWARM_AGG" "$tmp/s0.json"
	c0=$("$JQ" -r .counters.cycles "$tmp/s0.json")
	k0=$("$JQ" -r .counters.cycles_ok "$tmp/s0.json")
	# Sleep through the rung rather than poll: agictl and jq would
	# compete with the swarm for the VM's two emulated CPUs.
	sleep $(((RATE_CYCLES * p + 999999) / 1000000))
	wait_cycles 1 120
	while [ $(($(counter "$SWARM_AGG" cycles) - c0)) -lt "$RATE_CYCLES" ]; do
		sleep 1
	done
	actl "$SWARM_AGG" node stop
	sleep 0.2
	status_json "$SWARM_AGG" "$tmp/s1.json"
	c1=$("$JQ" -r .counters.cycles "$tmp/s1.json")
	k1=$("$JQ" -r .counters.cycles_ok "$tmp/s1.json")
	n=$((c1 - c0))
	[ "$n" -gt 1000 ] && n=1000
	actl "$SWARM_AGG" -j metrics last "$n" > "$tmp/m.json"
	lat=$("$JQ" -r '
		def rank(p): (length * p + 99) / 100 | floor | . - 1;
		(map(select(.status == "ok") | .latency_us) | sort) as $l |
		if ($l | length) == 0 then "- -"
		else "\($l[$l | rank(50)]) \($l[$l | rank(99)])" end' "$tmp/m.json")
	set -- $lat
	awk -v p="$p" -v d="$d" -v n="$((c1 - c0))" -v k="$((k1 - k0))" \
	    -v p50="$1" -v p99="$2" \
	    -v dm="$(("$("$JQ" -r '.decode_max_ns // 0' "$tmp/s1.json")" / 1000))" \
	    'BEGIN { printf "bench vm rate period_us=%d deadline_us=%d cycles=%d ok=%d ok_share=%.4f p50=%sus p99=%sus decode_max_us=%d\n",
		p, d, n, k, n ? k / n : 0, p50, p99, dm }'
}

bench_begin "$IP" "$AGICTL" "$JQ" timeout awk

gen_matrix 64 64 "$tmp/matrix64.json"
echo "# bench vm rate: $WORKERS workers, redundancy 2, 64x64 Q1.31, deadline 0.8x period, $RATE_CYCLES cycles a rung; latency_us is tick to output"
bench_swarm_up --workers "$WORKERS" --matrix "$tmp/matrix64.json" --no-start
actl "$SWARM_AGG" input set "$(input_for 64)"
actl "$SWARM_AGG" node start
wait_for 120 "every worker to hold the current rows" rows_current
actl "$SWARM_AGG" node stop
for p in $RUNGS_US; do
	rung "$p"
done
# The time to build a row assignment, as the module logs it (ktime around
# agiswarm_plan_build()): the ladder's 64 rows, then 256 over the same 8.
gen_matrix 256 64 "$tmp/matrix256.json"
actl "$SWARM_AGG" matrix load "$tmp/matrix256.json" > /dev/null
actl "$SWARM_AGG" node set redundancy 4
dmesg | grep -o 'gen [0-9]*: [0-9]* coded rows of [0-9]* over [0-9]* workers, any [0-9]* may be lost, built in [0-9]* us' |
	sed 's/^/bench vm rate assignment /'
actl "$SWARM_AGG" -j status | "$JQ" -r '
	.decode_hist as $h |
	"bench vm rate decode_hist " +
	([range(0; $h | length)] | map(select($h[.] > 0) |
		(if . == 0 then "<1us" elif . == ($h | length) - 1
		 then ">=\(pow(2; . - 1))us"
		 else "\(pow(2; . - 1))-\(pow(2; .))us" end) + "=\($h[.])") |
	 join(" ")) + " max_us=\(.decode_max_ns / 1000 | floor)"'
