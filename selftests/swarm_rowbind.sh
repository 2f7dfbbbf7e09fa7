#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swarm_rowbind.sh: a new aggregator never gets an answer from old rows.
#
#   agi-agg  (id 1, epoch 1, matrix M1)  -- stopped --
#   agi-agg2 (id 2, epoch 2, matrix M2)  --TASK-->  agi-w1..agi-w4
#                                        <--NEED_ROWS / ROWS-->
#
# Issue #8: after an aggregator restart, or a second aggregator taking
# over with epoch 2 and another matrix, the workers answered from the rows
# of generation 1 the old aggregator had sent, and every cycle came out
# "ok" with y = M1 x instead of M2 x. Here the swarm comes up under agi-agg
# with M1; a second aggregator, agi-agg2 (its own key and node id), takes
# over with epoch 2, M2 and generation 1 again, while the workers cannot
# receive ROWS (nft drops type 0x09 at their input). The workers hold only
# M1's rows then: every TASK must be refused and counted
# (rows_binding_mismatch) and answered with a NEED_ROWS, so no cycle of
# agi-agg2 is ok. Once ROWS pass again the workers get M2's rows (resent
# on NEED_ROWS), cycles are ok again, and every ok output equals M2 x
# (verify_cycles), which M1 x does not.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
. "$top/selftests/lib/takeover.sh"
lib_trap

CYCLES=60
WORKERS=4
AGG2=agi-agg2
X=0.5,-0.25,0.125,0.75,-0.5,0.25,-0.125,0.375

# M2: another matrix of M1's shape (0.25 on the diagonal, -0.125 above).
make_m2()
{
	"$JQ" '.control_matrices.state_feedback.matrix |=
		(length as $n | [range(0; $n) as $i | [range(0; $n) as $j |
		 if $i == $j then 0.25 elif $j == $i + 1 then -0.125 else 0 end]])' \
		"$SWARM_MATRIX" > "$tmp/m2.json"
}

agg2_cycles() { actl "$AGG2" -j status | "$JQ" -r ".counters.${1} // 0"; }

lib_agg2_cycles_at_least() { [ "$(agg2_cycles cycles)" -ge "$1" ]; }

lib_mismatch_everywhere()
{
	local i
	for i in $(seq 1 "$WORKERS"); do
		[ "$(counter "$(worker_ns "$i")" rows_binding_mismatch)" -gt 0 ] ||
			return 1
	done
}

lib_agg2_ok() { [ "$(agg2_cycles cycles_ok)" -gt 0 ]; }

check_none_ok()
{
	local ok cycles
	ok=$(agg2_cycles cycles_ok)
	cycles=$(agg2_cycles cycles)
	echo "agi-agg2: $cycles cycles, $ok ok"
	[ "$cycles" -ge 20 ] && [ "$ok" = 0 ]
}

check_mismatch_counted()
{
	local i
	for i in $(seq 1 "$WORKERS"); do
		echo "agi-w$i: rows_binding_mismatch $(counter "$(worker_ns "$i")" rows_binding_mismatch), tx_packets $(counter "$(worker_ns "$i")" tx_packets)"
	done
	lib_mismatch_everywhere
}

check_need_rows()
{
	local need dropped i
	need=$(nft_packets "$AGG2")
	dropped=0
	for i in $(seq 1 "$WORKERS"); do
		dropped=$((dropped + $(nft_packets "$(worker_ns "$i")")))
	done
	echo "NEED_ROWS at agi-agg2: $need; ROWS dropped at the workers: $dropped (first sending: $1)"
	# Asked for, and sent again on asking: more than the first sending.
	[ "$need" -gt 0 ] && [ "$dropped" -gt "$1" ]
}

verify_m2()
{
	matrix_text "$tmp/m2.json" "$tmp/m2.txt" || return 1
	"$VERIFY" --matrix "$tmp/m2.txt" --min-cycles "$CYCLES" --min-ok 50 \
		< "$tmp/monitor.json" > "$tmp/verify.out" 2>&1
}

# The check above can fail: the same cycles are wrong against M1.
m1_refuted()
{
	matrix_text "$SWARM_MATRIX" "$tmp/m1.txt" || return 1
	! "$VERIFY" --matrix "$tmp/m1.txt" --min-cycles "$CYCLES" --min-ok 50 \
		< "$tmp/monitor.json" > "$tmp/verify-m1.out" 2>&1
}

swarm_test_prereqs
have_tools "$NFT" > /dev/null || tap_skip_all "$NFT not found"
swarm_test_begin 8

swarm_test_up --workers "$WORKERS"
make_m2
agg_up 2 epoch 2
rc=0
wait_cycles 5 || rc=$?
tap_result "the workers answer agi-agg (M1, epoch 1)" $rc

# agi-agg2 takes over while no ROWS can reach the workers.
block_rows on
actl "$SWARM_AGG" node stop
actl "$AGG2" matrix load "$tmp/m2.json"
actl "$AGG2" input set "$X"
sleep 1
first=0
for i in $(seq 1 "$WORKERS"); do
	first=$((first + $(nft_packets "$(worker_ns "$i")")))
done
actl "$AGG2" node start
wait_for 60 "agi-agg2's first cycles" lib_agg2_cycles_at_least 40 || true
wait_for 30 "a mismatch on every worker" lib_mismatch_everywhere || true
tap_check "holding only M1's rows, no worker answers agi-agg2: no cycle ok" \
	check_none_ok
tap_check "every worker refused and counted agi-agg2's TASKs (rows_binding_mismatch)" \
	check_mismatch_counted
tap_check "the workers asked for their rows (NEED_ROWS) and agi-agg2 sent them again" \
	check_need_rows "$first"

# ROWS pass again: the next resend (on NEED_ROWS) gives them M2's rows.
block_rows off
rc=0
wait_for 60 "an ok cycle of agi-agg2" lib_agg2_ok || rc=$?
tap_result "with ROWS passing, the workers get M2's rows and agi-agg2's cycles are ok" $rc
timeout "${MONITOR_TIMEOUT:-90}" "$IP" netns exec "$AGG2" \
	"$AGICTL" -j monitor --count "$CYCLES" > "$tmp/monitor.json" || true
tap_check "$CYCLES cycles of agi-agg2: every ok output equals M2 x" verify_m2
tap_nest "$tmp/verify.out" | head -n 20
tap_check "the same outputs are not M1 x (the check tells the matrices apart)" \
	m1_refuted
tap_end
