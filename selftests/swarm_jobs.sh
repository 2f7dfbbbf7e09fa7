#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swarm_jobs.sh: on-demand coded jobs beside the cycle (agictl job).
#
#   agi-agg --JOB_ROWS/JOB_TASK--> agi-w1 .. agi-w8 --JOB_RESULT--> agi-agg
#
# The seeds' example, [[1,2,3],[4,5,6],[7,8,9]] x [[9,8,7],[6,5,4],[3,2,1]],
# must print exactly [[30,24,18],[84,69,54],[138,114,90]]. A 64x64 times
# 64x64 product with 2 of 8 workers stalled must equal the reference that
# verify_cycles computes without the portable core (each column of B is a
# "cycle" x, each column of the result its y). While a large job runs the
# cycle must miss no more cycles than in as many cycles without it, in
# the same run with the same faults. A cancelled job stops: its column
# count freezes and the workers refuse its tasks still on their way.
# (swarm_probe.sh tests the fixed-point probe.)
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
. "$top/selftests/lib/matrix.sh"	# job_file
lib_trap

STALLED="3 6"
JOBS=$top/configs/jobs

seeds_example()
{
	actl "$SWARM_AGG" -j job run matmul --a "$JOBS/seeds_a.json" \
		--b "$JOBS/seeds_b.json" --timeout 60s > "$tmp/seeds.json" ||
		return 1
	cat "$tmp/seeds.json"
	"$JQ" -e '.state == "done" and .format == "Q16.16" and
		  .result == [[30,24,18],[84,69,54],[138,114,90]]' \
		"$tmp/seeds.json" > /dev/null
}

seeds_text()
{
	actl "$SWARM_AGG" job run matmul --a "$JOBS/seeds_a.json" \
		--b "$JOBS/seeds_b.json" > "$tmp/seeds.txt" || return 1
	cat "$tmp/seeds.txt"
	printf '30 24 18\n84 69 54\n138 114 90\n' > "$tmp/seeds.want"
	tail -n 3 "$tmp/seeds.txt" | cmp - "$tmp/seeds.want"
}

# configs/jobs' FIR: taps (0.25, 0.5, 0.25) over (0.5, -0.5, 0.25, 0, 0.75)
# from rest: y0 = 0.125, y1 = -0.125 + 0.25, y2 = 0.0625 - 0.25 + 0.125,
# y3 = 0.125 - 0.125, y4 = 0.1875 + 0.0625 (worked out by hand).
fir_example()
{
	actl "$SWARM_AGG" -j job run fir --taps "$JOBS/fir_taps.json" \
		--signal "$JOBS/fir_signal.json" > "$tmp/fir.json" || return 1
	cat "$tmp/fir.json"
	"$JQ" -e '.op == "fir" and .format == "Q1.31" and
		  .result == [[0.125, 0.125, -0.0625, 0, 0.25]]' "$tmp/fir.json" \
		> /dev/null
}

# configs/jobs' MLP on x = (0.5, -0.25), by hand: layer 1 W x = (0, 0.5,
# -0.625), + b = (0.5, -0.5, -0.625), ReLU (0.5, 0, 0); layer 2:
# 0.5 - 0 + 0 + 0.125 = 0.625, no ReLU after the last layer.
mlp_example()
{
	actl "$SWARM_AGG" -j job run mlp --model "$JOBS/mlp_model.json" \
		--input "$JOBS/mlp_input.json" > "$tmp/mlp.json" || return 1
	cat "$tmp/mlp.json"
	"$JQ" -e '.op == "mlp" and .format == "Q16.16" and
		  .result == [[0.625]]' "$tmp/mlp.json" > /dev/null
}

# The swarm's law set to pid kp 1.5 ki 0.5 kd 0.25 (no limits), by hand:
# e = 0.5 - 0.25 = 0.25, P = 0.375, I = 0.125 + 0.5 * 0.25 = 0.25,
# D = 0.25 * (0.25 - 0.0625) = 0.046875, u = 0.671875.
control_update()
{
	actl "$SWARM_AGG" law set pid kp 1.5 ki 0.5 kd 0.25 || return 1
	actl "$SWARM_AGG" -j job run control-update --setpoint 0.5 \
		--feedback 0.25 --integral 0.125 --prev-error 0.0625 \
		> "$tmp/cu.json" || return 1
	cat "$tmp/cu.json"
	"$JQ" -e '.u == 0.671875 and .error == 0.25 and .integral == 0.25' \
		"$tmp/cu.json" > /dev/null
}

inject()
{
	local id
	for id in $STALLED; do
		actl "$SWARM_AGG" fault inject worker "$id" stall || return 1
	done
}

# A: thousandths (rounded into Q16.16 by each side's own converter), B:
# multiples of 1/256 (exact), both signed, so sums round and cancel.
big_exact()
{
	job_file "$tmp/a64.json" 64 64 '((($i * 37 + $j * 11) % 201) - 100) / 1000'
	job_file "$tmp/b64.json" 64 64 '((($i * 13 + $j * 29) % 255) - 127) / 256'
	actl "$SWARM_AGG" -j job run matmul --a "$tmp/a64.json" \
		--b "$tmp/b64.json" --timeout 300s > "$tmp/r64.json" || return 1
	"$JQ" -c 'del(.result)' "$tmp/r64.json"
	"$JQ" -e '.state == "done" and .workers == 8' "$tmp/r64.json" \
		> /dev/null || return 1
	# The reference: A's decimals, then each column as a cycle.
	{
		echo Q16.16
		"$JQ" -c '.matrix[]' "$tmp/a64.json"
	} > "$tmp/a64.txt"
	"$JQ" -c -n --slurpfile b "$tmp/b64.json" --slurpfile r "$tmp/r64.json" '
		($b[0].matrix | transpose) as $bt |
		($r[0].result | transpose) as $rt |
		range(64) as $c |
		{cycle: ($c + 1), status: "ok",
		 x: [$bt[$c][] * 65536 | round],
		 y: [$rt[$c][] * 65536 | round],
		 u: [$rt[$c][] * 65536 | round]}' > "$tmp/cols.json"
	"$VERIFY" --matrix "$tmp/a64.txt" --x-format Q16.16 --min-cycles 64 \
		--min-ok 100 < "$tmp/cols.json"
}

missed() { counter "$SWARM_AGG" cycles_missed; }

# The cycle's misses while a large job (128x256 times 256x64) runs, from
# its submission to its end, then in as many cycles without a job, with
# the two workers still stalled: no more with the job than without. (Not
# "equal": under TCG on a loaded host a window without a job may miss a
# cycle for the emulation's own reasons; a miss the job caused would show
# as more misses in its window.)
cycle_first()
{
	local c0 c1 m0 m1 m2 id
	job_file "$tmp/abig.json" 128 256 '((($i * 7 + $j * 3) % 101) - 50) / 100'
	job_file "$tmp/bbig.json" 256 64 '((($i * 5 + $j * 17) % 89) - 44) / 64'
	c0=$(counter "$SWARM_AGG" cycles)
	m0=$(missed)
	id=$(actl "$SWARM_AGG" -j job run matmul --a "$tmp/abig.json" \
		--b "$tmp/bbig.json" --detach | "$JQ" -r .id) || return 1
	wait_for 900 "job $id to end" job_ended "$id" || return 1
	c1=$(counter "$SWARM_AGG" cycles)
	m1=$(missed)
	actl "$SWARM_AGG" -j job status "$id" | "$JQ" -c 'del(.result)'
	[ "$(job_state "$id")" = done ] || return 1
	wait_cycles $((c1 - c0)) 900 || return 1
	m2=$(missed)
	echo "# cycles missed during job $id: $((m1 - m0)) of $((c1 - c0)); without a job: $((m2 - m1)) of as many"
	[ $((m1 - m0)) -le $((m2 - m1)) ]
}

job_state() { actl "$SWARM_AGG" -j job status "$1" | "$JQ" -r .state; }
job_state_is() { [ "$(job_state "$1")" = "$2" ]; }
job_ended()
{
	case $(job_state "$1") in
	done|failed|cancelled) return 0 ;;
	esac
	return 1
}
job_done() { actl "$SWARM_AGG" -j job status "$1" | "$JQ" -r .done; }

stale_sum()
{
	local i n=0
	for i in $(seq 1 8); do
		n=$((n + $(counter "agi-w$i" drop_stale)))
	done
	echo "$n"
}

# With every worker's tasks delayed 1 s, a cancelled job's JOB_TASKs reach
# the workers after its JOB_CANCEL: they are refused (drop_stale), and the
# job's decoded columns stay where they were. The delay and the wait scale
# with the kernel: on a debug kernel agictl alone can take longer than 1 s
# between the job's start and its cancel, and no task was in flight then.
cancel_stops()
{
	local id i s0 s1 d0 d1 scale=${AGISWARM_TIMEOUT_SCALE:-1}
	for i in $(seq 1 8); do
		actl "$SWARM_AGG" fault inject worker "$i" delay $((1000 * scale)) ||
			return 1
	done
	s0=$(stale_sum)
	id=$(actl "$SWARM_AGG" -j job run matmul --a "$tmp/abig.json" \
		--b "$tmp/bbig.json" --detach | "$JQ" -r .id) || return 1
	wait_for 60 "job $id to run" job_state_is "$id" running || return 1
	sleep 0.3
	actl "$SWARM_AGG" job cancel "$id" || return 1
	d0=$(job_done "$id")
	sleep $((3 * scale))
	d1=$(job_done "$id")
	s1=$(stale_sum)
	echo "# job $id: $(job_state "$id"), columns $d0 -> $d1, workers' drop_stale $s0 -> $s1"
	[ "$(job_state "$id")" = cancelled ] && [ "$d1" = "$d0" ] &&
		[ "$s1" -gt "$s0" ]
}

swarm_test_prereqs
swarm_test_begin 10

swarm_test_up --workers 8
tap_check "agictl -j job run matmul: the seeds' example, exact" seeds_example
tap_check "agictl job run matmul prints the seeds' product as text" seeds_text
tap_check "agictl job run fir: a 3-tap filter over 5 samples, exact" fir_example
tap_check "agictl job run mlp: a 2-layer model, bit for bit" mlp_example
tap_check "fault inject worker {${STALLED// /,}} stall" inject
tap_check "64x64 x 64x64 with 2 of 8 workers stalled equals the reference" big_exact
tap_check "the cycle misses no more during a large job than without" cycle_first
tap_check "job cancel stops the job, on the workers too" cancel_stops
tap_check "agictl job run control-update: one PID step of the swarm's law" control_update
actl "$SWARM_AGG" fault clear || true
tap_end
