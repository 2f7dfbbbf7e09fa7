#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swarm_groupid.sh: the aggregator group's id that row sets are bound to.
#
#   agi-agg  (id 1, group 77, epoch 1)  -- stopped --
#   agi-agg2 (id 2, group 77, epoch 2)  -- stopped --
#   agi-agg3 (id 3, group 77, epoch 2)  -- stopped --
#   agi-agg4 (id 4, group 99, epoch 2)  --TASK-->  agi-w1..agi-w3
#
# Issue #8: a worker's rows are bound to (group, epoch they were sent in,
# generation, hash), and the group was the aggregator's node id, so every
# member of a replicated group was a stranger to the rows another member
# had sent. The group id is now a node setting (`agictl node set group-id`,
# shown by `agictl status`). Every aggregator here serves the same matrix
# to the same three workers, one after the other, each but the first while
# the workers cannot receive ROWS (nft drops type 0x09 at their input), so
# whether a cycle is ok shows whether the workers answered from the rows
# they held:
#
#   agi-agg2, same group, next epoch: the binding names the epoch the rows
#     were sent in, so the workers refuse its TASKs (rows_binding_mismatch)
#     and ask for its rows (NEED_ROWS); no cycle is ok until ROWS pass.
#   agi-agg3, same group, same epoch, the same generation 1 of the same
#     matrix over the same workers (the same hash): its TASKs name exactly
#     the row sets the workers hold, and they answer from them without a
#     resend: cycles are ok with ROWS still blocked, nothing refused.
#   agi-agg4, another group, all else as agi-agg3: refused and counted
#     again, asked for its rows, ok once they pass.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
. "$top/selftests/lib/matrix.sh"
. "$top/selftests/lib/takeover.sh"
lib_trap

WORKERS=3
X=0.5,-0.25,0.125,0.75,-0.5,0.25,-0.125,0.375

# agg_with G N: aggregator agi-aggN (takeover.sh) in epoch 2 and group G,
# with the swarm's matrix and input.
agg_with()
{
	agg_up "$2" epoch 2 group-id "$1"
	actl "agi-agg$2" matrix load "$SWARM_MATRIX" > /dev/null
	actl "agi-agg$2" input set "$X"
}

# mismatches: each worker's rows_binding_mismatch, in worker order (one
# agictl a worker: under emulation each call takes a while).
mismatches()
{
	local i
	for i in $(seq 1 "$WORKERS"); do
		counter "$(worker_ns "$i")" rows_binding_mismatch
	done | tr '\n' ' '
}

# agg_counts NS: "cycles cycles_ok" of aggregator NS.
agg_counts()
{
	actl "$1" -j status |
		"$JQ" -r '"\(.counters.cycles // 0) \(.counters.cycles_ok // 0)"'
}

lib_cycles_at_least() { [ "$(counter "$1" cycles)" -ge "$2" ]; }
lib_some_ok() { [ "$(counter "$1" cycles_ok)" -gt 0 ]; }

# take_over FROM TO: stop FROM, start TO, let it run 20 cycles; $before
# holds the workers' mismatches at the start.
take_over()
{
	actl "$1" node stop
	before=($(mismatches))
	actl "$2" node start --force
	sleep 1
	wait_for 60 "20 cycles of $2" lib_cycles_at_least "$2" 20 || true
}

# observe NS: $cycles, $ok, $need (the NEED_ROWS that reached NS), $now
# (the workers' mismatches) and $grew (how many workers' grew), printed.
observe()
{
	local i
	read -r cycles ok <<< "$(agg_counts "$1")"
	need=$(nft_packets "$1")
	now=($(mismatches))
	grew=0
	for i in "${!now[@]}"; do
		[ "${now[i]}" -gt "${before[i]}" ] && grew=$((grew + 1))
	done
	echo "$1: $cycles cycles, $ok ok; rows_binding_mismatch ${before[*]} -> ${now[*]}; NEED_ROWS $need (at ${SECONDS}s)"
}

check_refused()
{
	observe "$1"
	[ "$cycles" -ge 15 ] && [ "$ok" = 0 ] && [ "$need" -gt 0 ] &&
		[ "$grew" = "$WORKERS" ]
}

check_reused()
{
	observe "$1"
	# Ok cycles with ROWS blocked: answered from the rows held (some may
	# still miss their deadline under emulation).
	[ "$cycles" -ge 15 ] && [ $((ok * 2)) -ge "$cycles" ] &&
		[ "$grew" = 0 ] && [ "$need" = 0 ]
}

# ROWS pass again: the resend on the next NEED_ROWS gets through.
check_ok_after_unblock()
{
	block_rows off
	wait_for 60 "an ok cycle of $1" lib_some_ok "$1"
	local rc=$?
	block_rows on
	return $rc
}

check_status()
{
	local text json
	text=$(actl "$1" status)
	json=$(actl "$1" -j status | "$JQ" -r .group_id)
	echo "$1: $(grep -m1 '^port ' <<< "$text"); JSON group_id $json"
	grep -q "^port $SWARM_PORT epoch [0-9]* group $2 redundancy " <<< "$text" &&
		[ "$json" = "$2" ]
}

swarm_test_prereqs
have_tools "$NFT" > /dev/null || tap_skip_all "$NFT not found"
swarm_test_begin 10

swarm_test_up --workers "$WORKERS"
tap_check "agi-agg's group is its node id, 1, until set" check_status "$SWARM_AGG" 1
actl "$SWARM_AGG" node set group-id 77
tap_check "agictl status shows the group set, 77" check_status "$SWARM_AGG" 77
actl "$SWARM_AGG" input set "$X"
rc=0
wait_for 60 "the workers to hold group 77's rows" rows_current || rc=$?
[ $rc = 0 ] && { wait_cycles 5 || rc=$?; }
tap_result "the workers answer agi-agg (group 77, epoch 1)" $rc

# Blocked first: an aggregator sends its rows as soon as it has a matrix.
block_rows on
agg_with 77 2
agg_with 77 3
agg_with 99 4
take_over "$SWARM_AGG" agi-agg2
tap_check "same group, next epoch: TASKs refused and counted, rows asked for, no cycle ok" \
	check_refused agi-agg2
tap_check "agi-agg2's rows, once they pass, make its cycles ok" \
	check_ok_after_unblock agi-agg2
take_over agi-agg2 agi-agg3
tap_check "same group, epoch, generation and hash: the rows held are answered from, none resent" \
	check_reused agi-agg3
take_over agi-agg3 agi-agg4
tap_check "group 99: TASKs refused and counted, rows asked for, no cycle ok" \
	check_refused agi-agg4
tap_check "agi-agg4's rows, once they pass, make its cycles ok" \
	check_ok_after_unblock agi-agg4
tap_check "agi-agg4 shows group 99" check_status agi-agg4 99
tap_end
