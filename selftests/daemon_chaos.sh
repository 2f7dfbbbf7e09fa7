#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# daemon_chaos.sh: twenty failovers of a replicated aggregator group run by
# agiswarmd, at random points of the cycle, with signed commits racing
# them, under a plant that must not notice more than a few cycles each.
#
#   agi-agg, agi-agg2, agi-agg3 (agiswarmd members a, b, c) -- br0 --
#       agi-w1 .. agi-w8 (agiswarmd workers), agi-plant
#
# The group and its files are selftests/lib/group_daemons.sh's (from YAML
# alone). Then CHAOS_FAILOVERS (20) times, to whichever member is primary
# at that moment, after a random 0..49 ms (a random point of the 50 ms
# cycle), by turns:
#   kill   its agiswarmd killed (-9) and its module's cycle stopped (agictl
#          node stop): the node is dead; it comes back by starting its
#          daemon again, which programs the module from its file and its
#          signed commits, rejoins the raft log and catches up
#   cut    its link down: alive but unreachable; it comes back by the link
#          going up, sees the higher epoch and follows
# Every third failover a signed commit is sent to the primary just before
# the fault (it may or may not be acknowledged: both are correct); every
# fifth, once the group has settled again, one that must be.
#
# Checked, for each failover: another member takes over with its own higher
# epoch and drives 20 ok cycles; the old primary comes back as a backup
# following the new one's records. Over the run: the plant applied cycle ids
# strictly increasing with epochs never going down (no ACTUATE applied
# twice, none out of order), each change of epoch cost at most MAX_LOST
# cycles without an ACTUATE (mean and max printed); every ok output of
# every member equals y = A x recomputed from the x it used (verify_cycles);
# no member's own step of the law diverged from a record; every
# acknowledged commit is in every member's audit log, applied at the same
# cycle everywhere, the logs byte for byte the same and verifying; every
# member's module carries the same audit watermark. And a commit sent to
# a backup is refused, naming the primary and its address.
#
# make bench-vm-failover measures lost cycles without daemons; this test
# bounds them with the daemons' own faults and their raft log in the loop.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
. "$top/selftests/daemon_lib.sh"
. "$top/selftests/lib/takeover.sh"
. "$top/selftests/lib/group.sh"
. "$top/selftests/lib/group_daemons.sh"
lib_trap

WORKERS=8
FAILOVERS=${CHAOS_FAILOVERS:-20}

# fault KIND NS: the failover's fault, done to NS.
fault()
{
	case $1 in
	kill)	daemon_kill9 "$(name "$2")"
		actl "$2" node stop ;;
	cut)	"$IP" -n "$2" link set eth0 down ;;
	esac
}

# restore KIND NS: NS comes back.
restore()
{
	case $1 in
	kill)	gd_restart "$2" ;;
	cut)	"$IP" -n "$2" link set eth0 up ;;
	esac
}

# acked: the seq of the commit in $tmp/commit.out when accepted.
acked()
{
	"$JQ" -r 'select(.status == "accepted") | .seq' "$tmp/commit.out" 2>/dev/null ||
		true	# an error's text is no JSON
}

# commits_held: each acknowledged seq ($tmp/acked) is in every member's
# audit log, applied, at the same cycle in each.
commits_held()
{
	local ns seq cycles
	for ns in "$A1" "$A2" "$A3"; do
		"$AGICTL" -j audit list --log "$tmp/$(name "$ns")/audit.log" \
			> "$tmp/audit-$ns.json" || return 1
	done
	while read -r seq; do
		cycles=$(for ns in "$A1" "$A2" "$A3"; do
			"$JQ" -r --argjson s "$seq" \
				'map(select(.seq == $s))[0].apply_cycle // "missing"' \
				"$tmp/audit-$ns.json"
		done | sort -u)
		case $cycles in
		*missing*|*$'\n'*) echo "seq $seq: applied at: $cycles"; return 1 ;;
		esac
	done < "$tmp/acked"
}

# backup_refers: a commit signed for the current epoch and sent to a
# backup is refused, naming the primary (the raft leader) and its address.
backup_refers()
{
	local ns b=
	wait_for "$WAIT" "one primary" group_settled || return 1
	wait_for "$WAIT" "the raft leader on the primary" leader_is_primary || return 1
	for ns in "$A1" "$A2" "$A3"; do
		[ "$ns" != "$PRIMARY" ] && b=$ns
	done
	! n_plant "$AGICTL" commit --yes --key "$tmp/op/operator.key" \
		--to "$SWARM_NET.$(($(rank "$b") + 1)):$SWARM_PORT" \
		--peer-key "$tmp/$(name "$b")/node.pub" --epoch "$(epoch "$PRIMARY")" \
		--apply-at $(($(actl "$PRIMARY" -j status | "$JQ" .cycle_id) + 60)) \
		deadline 40ms > "$tmp/backup.out" 2>&1 || return 1
	cat "$tmp/backup.out"
	grep -q "the leader is $(member_name "$PRIMARY") at $SWARM_NET.$(($(rank "$PRIMARY") + 1)):$SWARM_PORT" \
		"$tmp/backup.out"
}

# leader_is_primary: the primary's daemon leads the raft log (it follows
# the module's primary within a few seconds of a change).
leader_is_primary()
{
	actl "$PRIMARY" -j group | "$JQ" -e '.daemon.raft.state == "leader"' > /dev/null
}

# lost_summary: the cycles without an ACTUATE at each change of epoch at
# the plant, their mean and max; at most MAX_LOST each.
lost_summary()
{
	epoch_changes "$tmp/act.json" | "$JQ" -e -r --argjson max "$MAX_LOST" \
		--argjson n "$FAILOVERS" '
		(map(.lost)) as $l |
		"\($n) failovers, \(length) changes of epoch at the plant, lost per change: mean \(($l | add) / ($l | length) * 100 | round / 100), max \($l | max); \($l)",
		(all(.[]; .lost <= $max) and length >= $n | if . then empty else error("over the bound") end)'
}

daemon_prereqs
swarm_test_begin 14
swarm_test_up --workers "$WORKERS" --no-start
matrix_text "$top/configs/swarm_matrix.json" "$tmp/matrix.txt"
agg_ns 2
agg_ns 3
on_exit stop_all
rc=0
gd_prepare || rc=$?
[ $rc = 0 ] && gd_start || rc=1
[ $rc = 0 ] || tail -n 20 "$tmp/agg.log" | tap_nest /dev/stdin
tap_result "three members and $WORKERS workers run agiswarmd from one aggregators: section" $rc
[ $rc = 0 ] || exit 1
tap_check "the group forms: one primary, two backups following its records" check_group
gd_watch
tap_check "the plant's ACTUATEs arrive from the primary" \
	wait_for "$WAIT" "20 ACTUATEs" eval '[ "$(wc -l < "$tmp/act.json")" -ge 20 ]'
tap_check "every member holds session keys with the others, the workers and the plant" \
	wait_for "$WAIT" "every member keyed" gd_keyed

: > "$tmp/acked"
bad=0 settled_commits=0 settled_acked=0
for i in $(seq 1 "$FAILOVERS"); do
	kind=kill
	[ $((i % 2)) = 0 ] && kind=cut
	if ! wait_for "$WAIT" "every member keyed" gd_keyed ||
	   ! wait_for "$WAIT" "one primary" group_settled; then
		echo "# failover $i: the group did not settle"
		group_diag | tap_nest /dev/stdin
		bad=$((bad + 1))
		break
	fi
	OLD=$PRIMARY
	OLD_EPOCH=$(epoch "$OLD")
	racing=
	if [ $((i % 3)) = 0 ]; then
		commit_to_primary 1 > /dev/null &
		racing=$!
		sleep 0.3
	fi
	sleep "$(printf '0.%03d' $((RANDOM % 50)))"
	fault "$kind" "$OLD"
	if ! took_over "$OLD" "$OLD_EPOCH" > "$tmp/took.out" 2>&1; then
		echo "# failover $i ($kind $OLD, epoch $OLD_EPOCH): no takeover"
		tap_nest "$tmp/took.out"
		group_diag | tap_nest /dev/stdin
		bad=$((bad + 1))
	fi
	restore "$kind" "$OLD" || true
	if [ -n "$racing" ]; then
		wait "$racing" || true
		seq=$(acked)
		[ -n "$seq" ] && echo "$seq" >> "$tmp/acked"
		if [ -n "$seq" ]; then
			racing="racing commit acknowledged (seq $seq); "
		else
			racing="racing commit not acknowledged; "
		fi
	fi
	if ! back_as_backup "$OLD" > "$tmp/back.out" 2>&1; then
		echo "# failover $i ($kind $OLD): it did not come back as a backup"
		tap_nest "$tmp/back.out"
		group_diag | tap_nest /dev/stdin
		bad=$((bad + 1))
	fi
	echo "# failover $i: $kind $OLD (epoch $OLD_EPOCH) -> $PRIMARY epoch ${EPOCH_NOW:-?}; $racing$(wc -l < "$tmp/act.json") ACTUATEs so far"
	if [ $((i % 5)) = 0 ]; then
		settled_commits=$((settled_commits + 1))
		if commit_to_primary > /dev/null; then
			settled_acked=$((settled_acked + 1))
			acked >> "$tmp/acked"
		else
			cat "$tmp/commit.out" "$tmp/commit.err" | tap_nest /dev/stdin
		fi
	fi
done
tap_result "$FAILOVERS failovers (kill -9 and node stop, link cut, by turns): each time another member took over and drove, the old primary came back as a backup" $bad
tap_result "the commits sent once the group settled were acknowledged ($settled_acked of $settled_commits)" \
	$((settled_acked != settled_commits))

tap_check "a commit sent to a backup is refused, naming the primary and its address" backup_refers

c0=$(wc -l < "$tmp/act.json")
wait_for "$WAIT" "more ACTUATEs" eval '[ "$(wc -l < "$tmp/act.json")" -ge $((c0 + 20)) ]' || true
kill "$PLANT_PID" $MONITORS 2>/dev/null || true
wait "$PLANT_PID" $MONITORS 2>/dev/null || true
tap_check "the plant applied strictly increasing cycle ids, epochs never going down: none twice, none out of order" \
	plant_ordered "$tmp/act.json" 200
tap_check "each change of epoch cost at most $MAX_LOST cycles without an ACTUATE" lost_summary
tap_check "every ok output of every member equals y = A x" members_exact "$tmp/matrix.txt"
tap_check "no member's own law step diverged from a record" no_divergence
tap_check "every acknowledged commit ($(wc -l < "$tmp/acked")) is applied at the same cycle on every member" \
	wait_for "$WAIT" "the commits on every member" commits_held
tap_check "the members' audit logs are the same, verify, and every module took the same watermark" \
	wait_for "$WAIT" "the audit logs alike" audits_agree
group_diag | tap_nest /dev/stdin
log_summary | tap_nest /dev/stdin
tap_end
