#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# daemon_group.sh: a replicated aggregator group set up by agiswarmd from
# YAML alone, and a takeover that the plant and the workers ride through.
#
#   agi-agg  (agiswarmd, member a, priority 1: rank 0) --+
#   agi-agg2 (agiswarmd, member b, priority 2: rank 1) --+-- br0 --+ agi-w1..3
#   agi-agg3 (agiswarmd, member c, priority 3: rank 2) --+         | (agiswarmd)
#                                                                  + agi-plant
#
# Issue #9. Every daemon's configuration holds the same aggregators:
# section (the group's file, $tmp/group.yaml, appended to each); the
# members name themselves in replication.member, the workers have no
# worker.aggregator at all. No agictl command sets a group, a rank, an
# epoch or a member peer: the swarm's namespaces and node keys come from
# netns/swarm.sh (--no-start: its aggregator is not running, so its
# daemon programs it from the file), the rest from the daemons.
#
# Checked: each member's daemon programs its rank by priority and the
# group's first epoch, 8, rank 0's (its log, the agictl commands); the
# group forms (agictl -j status: one primary, two backups adopting its
# records), Prometheus says what agictl says, every member keyed every
# other one, the workers and the plant by handshakes; agictl group status
# on each member and a worker tells the same group (names, ranks, roles,
# one raft leader, the primary, every link up, the followers connected to
# it). The plant (its own node key, a handshake with each member) runs;
# then the primary's daemon is killed (-9) and its link goes down:
# another member takes over with its own higher epoch and drives, with no
# change to any worker's configuration. The old primary, its link up and its daemon started
# again, follows as a backup. The plant applied strictly increasing cycle
# ids with epochs that never go down, the takeover's among them, losing
# no more cycles at a change of epoch than the new owner waited; every ok
# output of every member equals y = A x (verify_cycles over each
# member's monitor), no member diverged; and agictl group status agrees
# again after the takeover, the raft leadership having followed the new
# primary. Then agictl group transfer hands the primary role back to the
# old primary (planned maintenance): it drives, the one that drove
# follows, the raft leadership follows, and the plant's cycle ids run on
# across the change of epoch with no cycle lost. A commit signed after
# all this is acknowledged by the primary and held by every member alike
# (audit logs identical and verifying, the same watermark in each
# module). A commit made while a backup's daemon is down, its cycle passed
# before that daemon is back, is applied late by that member (its log
# says so; every module runs the new kp). Each member's monitor stream and
# metrics.csv name the producer of every cycle, and no daemon reports the
# cycles other members drove as missing from its metrics.csv.
#
# A loaded host can delay a primary's records past the failure threshold,
# and a backup then takes over on its own (the protocol working: the
# higher epoch wins, the old primary is deposed); so, like
# swarm_failover.sh, the test follows whoever is primary, and what the
# members, their links and the kernel said of the group goes to TAP
# comments.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
. "$top/selftests/daemon_lib.sh"
. "$top/selftests/lib/takeover.sh"
. "$top/selftests/lib/group.sh"	# A1..A3, rank, WAIT, took_over, ...
. "$top/selftests/lib/group_daemons.sh"	# member_config, gd_prepare, ...
lib_trap

WORKERS=3

# The peers the daemons added: each member has the two others as
# aggregators with their ranks, each worker the three members.
check_peers()
{
	local ns
	for ns in "$A1" "$A2" "$A3"; do
		actl "$ns" -j peer show | "$JQ" -e --argjson self "$(rank "$ns")" '
			[.[] | select(.kind == "aggregator") | .rank] | sort ==
			([0, 1, 2] - [$self])' > /dev/null || {
			echo "$ns: $(actl "$ns" -j peer show | "$JQ" -c '[.[] | select(.kind == "aggregator")]')"
			return 1; }
	done
	for ns in $(seq 1 "$WORKERS"); do
		actl "$(worker_ns "$ns")" -j peer show | "$JQ" -e '
			[.[] | select(.kind == "aggregator") | .id] | sort == [1, 2, 3]' \
			> /dev/null || return 1
	done
}

# prom NS METRIC: its value in the member's textfile.
prom()
{
	sed -n "s/^$2 //p" "$tmp/$(name "$1")/metrics.prom" 2>/dev/null
}

# prom_agrees: each member's textfile says what agictl says of its mode,
# its rank, the group's size and the failure threshold (the one in
# effect at least the one set).
prom_agrees()
{
	local ns
	for ns in "$A1" "$A2" "$A3"; do
		[ "$(prom "$ns" "agiswarm_group_mode{mode=\"$(mode "$ns")\"}")" = 1 ] &&
			[ "$(prom "$ns" agiswarm_group_rank)" = "$(rank "$ns")" ] &&
			[ "$(prom "$ns" agiswarm_group_size)" = 3 ] &&
			[ "$(prom "$ns" agiswarm_group_failure_threshold)" = \
				"$(actl "$ns" -j status | "$JQ" -r .group.failure_threshold)" ] &&
			[ "$(prom "$ns" agiswarm_group_failure_threshold_in_effect)" -ge \
				"$(prom "$ns" agiswarm_group_failure_threshold)" ] || return 1
	done
}

# every member keyed by handshakes: 2 with members, 3 workers, the plant
members_keyed()
{
	local ns n
	for ns in "$A1" "$A2" "$A3"; do
		n=$(grep -c "session keys of .* installed" "$tmp/$(name "$ns").log") || return 1
		[ "$n" -ge 5 ] || return 1
	done
}

# The plant applied strictly increasing cycle ids, epochs never going
# down, two epochs at least.
check_applied()
{
	plant_ordered "$tmp/act.json" 50 &&
		"$JQ" -s -e 'map(.epoch) | unique | length >= 2' "$tmp/act.json" > /dev/null
}

# Cycles without an ACTUATE at each change of epoch (cycle ids stay on
# the period's grid, so a gap in them is cycles without output): at most
# MAX_LOST (group.sh says why), the fault's epoch among them.
check_lost()
{
	local lost
	lost=$(epoch_changes "$tmp/act.json") || return 1
	echo "changes of epoch at the plant: $lost (the fault's: $EPOCH_NOW)"
	"$JQ" -e --argjson now "$EPOCH_NOW" --argjson max "$MAX_LOST" '
		any(.[]; .to == $now) and all(.[]; .lost <= $max)' \
		<<< "$lost" > /dev/null
}

# group_status_agrees: agictl group status on each member says the group
# of 3 with the member's own rank and name (from its daemon), a raft
# leader that all three name alike and that is the primary (the leader
# hands its role to the member that drives), every other member keyed,
# the leader raft-connected to every follower and each follower to it
# (raft keeps no follower-to-follower connection), one primary, the
# epoch's owner, as the module's status says; on
# a worker, the three members by name and no raft (a worker runs none).
group_status_agrees()
{
	local ns j leaders=
	for ns in "$A1" "$A2" "$A3"; do
		j=$(actl "$ns" -j group) || return 1
		"$JQ" -e --argjson rank "$(rank "$ns")" --arg me "$(member_name "$ns")" \
			--arg mode "$(mode "$ns")" \
			--argjson leader "$("$JQ" '.daemon.raft.state == "leader"' <<< "$j")" '
			.size == 3 and .rank == $rank and .mode == $mode and
			(.daemon.raft.state | IN("leader", "follower")) and
			.daemon.raft.leader != null and
			([.members[].name] | sort) == ["a", "b", "c"] and
			([.members[] | select(.self) | .name] == [$me]) and
			([.members[] | select(.role == "primary") | .rank] ==
			 [.epoch_owner]) and
			([.members[] | select(.raft_leader) | .role] ==
			 ["primary"]) and
			all(.members[] | select(.self | not); .link) and
			all(.members[] | select(.self | not) |
			    select(.raft_leader or $leader); .raft_connected)' \
			<<< "$j" > /dev/null || {
			echo "$ns: $("$JQ" -c . <<< "$j")"; return 1; }
		leaders="$leaders $("$JQ" -r .daemon.raft.leader <<< "$j")"
	done
	[ "$(tr ' ' '\n' <<< "$leaders" | sort -u | grep -c .)" = 1 ] || {
		echo "leaders:$leaders"; return 1; }
	actl "$(worker_ns 1)" -j group | "$JQ" -e '
		.role == "worker" and .size == 3 and .daemon.raft == null and
		([.members[].name] | sort) == ["a", "b", "c"]' > /dev/null
}

# producers_named: every cycle in each member's monitor stream and its
# metrics.csv names as its producer the member whose rank owns the
# cycle's epoch (a, b, c by rank); each member that drove (DROVE) has
# some (a backup's module records no cycle: one that never drove has
# none).
producers_named()
{
	local ns min
	for ns in "$A1" "$A2" "$A3"; do
		case " ${DROVE:-} " in *" $ns "*) min=1 ;; *) min=0 ;; esac
		"$JQ" -s -e --argjson min "$min" 'length >= $min and
			all(.[]; .producer == (["a", "b", "c"][.epoch % 8]))' \
			"$tmp/mon-$ns.json" > /dev/null || {
			echo "$ns: monitor: $("$JQ" -s -c 'map({epoch, producer}) | unique' "$tmp/mon-$ns.json")"
			return 1; }
		[ -f "$tmp/$(name "$ns")/metrics.csv" ] || { [ "$min" = 0 ] && continue; return 1; }
		awk -F, -v min="$min" '
			NR == 1 { ok = $8 == "epoch" && $9 == "producer"; next }
			{ n++; if ($9 != substr("abc", $8 % 8 + 1, 1)) ok = 0 }
			END { exit !(ok && n >= min) }' "$tmp/$(name "$ns")/metrics.csv" || {
			echo "$ns: metrics.csv: $(head -n 1 "$tmp/$(name "$ns")/metrics.csv"); $(tail -n 1 "$tmp/$(name "$ns")/metrics.csv")"
			return 1; }
		echo "$ns: $("$JQ" -s -c 'map(.producer) | unique' "$tmp/mon-$ns.json") in its monitor, $(($(wc -l < "$tmp/$(name "$ns")/metrics.csv") - 1)) rows in metrics.csv"
	done
}

# transfer_lost_none: at the plant, the change to the transfer's epoch
# EPOCH_T has no gap in cycle ids.
transfer_lost_none()
{
	epoch_changes "$tmp/act.json" |
		"$JQ" -e --argjson t "$EPOCH_T" 'any(.[]; .to == $t and .lost == 0)' > /dev/null
}

# Every ok output of each member equals y = A x (at least 20 cycles of
# the one that took over).
check_exact() { members_exact "$tmp/matrix.txt"; }

daemon_prereqs
swarm_test_begin 26
swarm_test_up --workers "$WORKERS" --no-start
matrix_text "$top/configs/swarm_matrix.json" "$tmp/matrix.txt"
agg_ns 2
agg_ns 3
on_exit stop_all
rc=0
gd_prepare || rc=$?
tap_result "three members and three workers share one aggregators: section; their files check" $rc
[ $rc = 0 ] || exit 1

rc=0
gd_start || rc=$?
[ $rc = 0 ] || tail -n 20 "$tmp/agg.log" | tap_nest /dev/stdin
tap_result "agiswarmd runs on the three members and the three workers" $rc
grep "agictl node set\|agictl peer add aggregator" "$tmp/agg2.log" | tap_nest /dev/stdin

tap_check "each member's daemon set its module's group from the file: ranks 0, 1, 2 of 3 by priority, epoch 8 (rank 0's)" \
	eval 'programmed "$A1" 0 && programmed "$A2" 1 && programmed "$A3" 2'
tap_check "the group forms: one primary, two backups following its records" check_group
tap_check "each member has the others as aggregator peers with their ranks, each worker all three" check_peers
tap_check "the members keyed each other, the workers and the plant by handshakes" \
	wait_for "$WAIT" "every member keyed" members_keyed
tap_check "Prometheus: agiswarm_group_mode, _rank, _size and _failure_threshold of each member as agictl says (_failure_threshold_in_effect at least as high)" \
	wait_for "$WAIT" "the group in the textfiles" prom_agrees
tap_check "agictl group status: names, ranks, roles, one raft leader all agree on and it is the primary, every link up and every follower raft-connected to it; a worker sees the three members" \
	wait_for "$WAIT" "agictl group status" group_status_agrees
actl "$A2" group | tap_nest /dev/stdin

gd_watch
tap_check "the plant's ACTUATEs arrive from the primary" \
	wait_for "$WAIT" "20 ACTUATEs" eval '[ "$(wc -l < "$tmp/act.json")" -ge 20 ]'
group_diag | tap_nest /dev/stdin

wait_for "$WAIT" "one primary" group_settled || true
OLD=${PRIMARY:-$A1}
OLD_EPOCH=$(epoch "$OLD")
echo "# the fault: $OLD (epoch $OLD_EPOCH)"
daemon_kill9 "$(name "$OLD")"
"$IP" -n "$OLD" link set eth0 down
tap_check "the primary's daemon killed and its link down ($OLD): another member takes over with its own higher epoch, and drives" \
	took_over "$OLD" "$OLD_EPOCH"
"$IP" -n "$OLD" link set eth0 up
gd_restart "$OLD" || true
tap_check "$OLD, its link up and its daemon started again, follows as a backup" \
	back_as_backup "$OLD"
tap_check "agictl group status after the takeover: the new primary is the raft leader, $OLD a backup, every link and the raft connections up again" \
	wait_for "$WAIT" "agictl group status" group_status_agrees
actl "$OLD" group | tap_nest /dev/stdin

# Planned maintenance: the primary's role handed back to $OLD by agictl
# group transfer on its node; the one that drove follows as a backup. (A
# loaded host may have made $OLD primary again on its own meanwhile: the
# transfer then goes to a backup, so that one is done all the same.)
wait_for "$WAIT" "one primary" group_settled || true
FROM=${PRIMARY:-} TO=$OLD
if [ "$FROM" = "$OLD" ]; then
	for ns in "$A1" "$A2" "$A3"; do
		[ "$ns" = "$FROM" ] || { TO=$ns; break; }
	done
	echo "# $OLD drives again already (a takeover of its own): the transfer goes to $TO"
fi
actl "$TO" group transfer "$(member_name "$TO")" 2>&1 | tap_nest /dev/stdin
EPOCH_T=$(epoch "$TO")
transferred()
{
	wait_for "$WAIT" "$TO to drive" is_mode "$TO" primary &&
		wait_for "$WAIT" "$FROM to follow" is_mode "$FROM" backup &&
		[ "$(epoch "$FROM")" = "$EPOCH_T" ]
}
tap_check "agictl group transfer $(member_name "$TO") on its node: $TO drives in epoch $EPOCH_T, $FROM follows it as a backup" \
	transferred
tap_check "after the transfer the raft leadership follows $TO; agictl group status agrees everywhere" \
	wait_for "$WAIT" "agictl group status" group_status_agrees
DROVE="${DROVE:-} $TO"
tap_check "a commit signed after the failover and the transfer, sent sealed to the primary, is acknowledged" \
	commit_to_primary
tap_check "every member (the rejoined one too) holds and applies it: identical audit logs that verify, the same audit watermark in every module" \
	wait_for "$WAIT" "the commit on every member" audits_agree

# A member whose daemon is down while a commit's cycle passes: its module
# follows the records meanwhile, past that cycle; started again, its
# daemon has the entry from the raft log only then, and applies it late,
# so that its module runs the group's settings again before it may drive.
wait_for "$WAIT" "one primary" group_settled || true
LATE=
for ns in "$A1" "$A2" "$A3"; do
	[ "$ns" != "$PRIMARY" ] && LATE=$ns
done
echo "# $LATE's daemon killed while a commit's cycle passes"
daemon_kill9 "$(name "$LATE")"
tap_check "a commit (kp 0.75) made while $LATE's daemon is down is acknowledged by the other two" \
	commit_to_primary 5 $((40 * ${AGISWARM_TIMEOUT_SCALE:-1})) "kp 0.75"
LATE_AT=$("$JQ" -r '.apply_at_cycle // 0' "$tmp/commit.out" 2>/dev/null || echo 0)
wait_for "$WAIT" "$LATE's module past cycle $LATE_AT" \
	eval '[ "$(actl "$LATE" -j status | "$JQ" .cycle_id)" -gt "$LATE_AT" ]' || true
gd_restart "$LATE" || true
# late_applied: the late member logged it, and every module runs kp 0.75.
late_applied()
{
	local ns kp
	grep -q "(commit seq [0-9]*) reached this replica at cycle [0-9]*, after the group's cycle $LATE_AT started: applied late" \
		"$tmp/$(name "$LATE").log" || return 1
	for ns in "$A1" "$A2" "$A3"; do
		kp=$(actl "$ns" -j law show | "$JQ" -r .kp)
		echo "$ns: kp $kp"
		[ "$kp" = 0.75 ] || return 1
	done
}
tap_check "$LATE, its daemon started again after cycle $LATE_AT, applies it late: every member's module runs kp 0.75, the audit logs identical" \
	eval 'wait_for "$WAIT" "kp 0.75 on $LATE" late_applied && audits_agree'

c0=$(wc -l < "$tmp/act.json")
wait_for "$WAIT" "more ACTUATEs" eval '[ "$(wc -l < "$tmp/act.json")" -ge $((c0 + 20)) ]' || true

kill "$PLANT_PID" $MONITORS 2>/dev/null || true
wait "$PLANT_PID" $MONITORS 2>/dev/null || true
tap_check "the plant applied strictly increasing cycle ids, epochs never going down, across the takeover" check_applied
tap_check "each change of epoch cost at most $MAX_LOST cycles without an ACTUATE" check_lost
tap_check "the planned transfer to epoch $EPOCH_T cost no cycle: the plant's cycle ids run on across it" \
	transfer_lost_none
tap_check "every ok output of every member equals y = A x" check_exact
tap_check "no member's own law step diverged from a record" no_divergence
tap_check "agictl monitor and metrics.csv name each cycle's producer, the owner of its epoch, on every member (each that drove has some)" \
	producers_named
# The cycles other members drove, and a takeover's missed ticks, were
# never in a member's ring: no daemon calls them lost from metrics.csv.
tap_check "no member's daemon reports cycles missing from its metrics.csv" \
	eval '! grep -h "no longer in the module.s ring" "$tmp"/agg*.log'

group_diag | tap_nest /dev/stdin
log_summary | tap_nest /dev/stdin
tap_end
