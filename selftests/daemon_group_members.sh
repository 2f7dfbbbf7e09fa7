#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# daemon_group_members.sh: the workers of a replicated aggregator group
# change through the group's log, alike on every member.
#
#   agi-agg  (agiswarmd, member a) --+
#   agi-agg2 (agiswarmd, member b) --+-- br0 --+ agi-w1..3 (agiswarmd)
#   agi-agg3 (agiswarmd, member c) --+         + agi-w4 (agiswarmd, late)
#
# The group of daemon_group.sh (selftests/lib/group_daemons.sh), without a
# plant: the members' files list workers 1..3; worker 4's daemon runs with
# the group's section, but no member knows its key, so none hears it (the
# swarm's agi-agg module has it from netns/swarm.sh: silent there, it is
# removed through the log at once).
#
# Adding a worker to a running group: worker 4 (with its key) goes into
# every member's aggregator.workers and their daemons restart one by one,
# the raft leader's last (the running modules are adopted as they are:
# nothing adds worker 4 from the file). The two followers, restarted
# first, add nothing on their own. Once the leader's daemon runs the new
# file too, the leader proposes the worker and every member adds it as
# the entry is applied: all three modules hold worker 4 with its key, each
# daemon's log names the entry, the leader hears the worker healthy, and
# all three plan the same rows over 4 workers. Every member, each follower
# too (they sent worker 4 their handshakes before their modules had it),
# has a working sealed session with it each way: each opens its
# heartbeats, it seals for each, and its module never lacks a key to send
# with (tx_no_key). Then the primary fails (its daemon killed, its link
# down): the member that takes over uses worker 4's answers (their count
# grows), and with the old primary back as a backup, every member again
# has a session with worker 4.
#
# Removing one: worker 4's daemon stops and it leaves the files; the
# followers, restarted first, keep it in their modules though they judge
# it unhealthy (before the group's log, each removed it on its own). The
# leader's daemon, restarted last, proposes its removal, and every member
# removes it as the entry is applied: no module holds worker 4, each log
# names a later entry, and the three plan the same rows over workers 1-3.
# A member restarted once more replays the log: the entries of one run
# change its module once per worker (no add of worker 4 on the way). Once
# every member runs the same file, none refused an entry (while the files
# differed, one without the key refuses an ADD: expected).
#
# A member's module that lost its keys (as after a reload on its host):
# the backup of highest rank has its daemon killed, its cycle stopped and
# the other members' links deleted from its module; its daemon, started
# again, programs the links without keys. The members of lower rank,
# which start the handshakes with it and still hold good keys of their
# own, key it anew at once (its daemon connects to theirs as it starts),
# well before security.rekey_after_s (170 s here), and it exchanges
# sealed records with the primary again (it adopts the primary's, or, had
# it taken over meanwhile, the others adopt its). Then an operator
# deletes its peer from the module of the member of rank 0 and adds it
# back (its keys go with its link), no daemon restarting: that member's
# daemon, which compares the module's links with the keys it made every
# 2 s, keys it again within seconds, and the group settles with it as
# above.
#
# A failure prints what each daemon said of worker 4, its sessions, the
# counters and the log's entries (diag).
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
. "$top/selftests/daemon_lib.sh"
. "$top/selftests/lib/takeover.sh"
# The members' failure threshold: 3 (times the timeout scale), not the
# default 1. At 1, on this emulated host, the load of a daemon restarting
# can make a backup take over from a primary that was only late, and the
# log's leadership follows the primary: the rolling restarts below must
# not meet a leader that moves (failovers at 1 are daemon_group.sh's and
# daemon_chaos.sh's).
THRESHOLD=${THRESHOLD:-$((3 * ${AGISWARM_TIMEOUT_SCALE:-1}))}
. "$top/selftests/lib/group.sh"	# A1..A3, rank, WAIT, group_formed, ...
. "$top/selftests/lib/group_daemons.sh"	# member_config, gd_prepare, ...
lib_trap

WORKERS=4	# keys and worker files for w1..w4
STATIC=3	# the workers the members' files list at first
SCALE=${AGISWARM_TIMEOUT_SCALE:-1}
# longer than a worker takes to turn unhealthy (8 heartbeats of 0.5 s)
QUIET=$((6 * SCALE))
# security.rekey_after_s of the members: the most there is, so that keys
# made again sooner were not a rekey (see "a member's module that lost
# its keys" below)
REKEY=170

# member_files N: every member's file lists workers 1..N. A worker is
# unhealthy after 8 missed heartbeats of 0.5 s here (member_config: 4), so
# that a member keying a worker that joined (its sessions are keyed again
# after that silence) has the time to hear it under emulation.
member_files()
{
	local ns
	for ns in "$A1" "$A2" "$A3"; do
		WORKERS=$1 member_config "$ns" "$(($(rank "$ns") + 1))" "$(member_name "$ns")"
		sed -i -e "s/unhealthy_after_missed: .*/unhealthy_after_missed: $((8 * SCALE))/" \
			-e "s/^security:\$/security:\\n  rekey_after_s: $REKEY/" \
			"$tmp/$(name "$ns").yaml"
	done
}

# raft_leader: the member whose daemon leads the group's log (LEADER).
raft_leader()
{
	local ns
	LEADER=
	for ns in "$A1" "$A2" "$A3"; do
		[ "$(actl "$ns" -j group | "$JQ" -r '.daemon.raft.state')" = leader ] &&
			LEADER=$ns
	done
	[ -n "$LEADER" ]
}

# member_restart NS: its daemon stopped (-9, as a crash) and started again
# with its file as it is now.
member_restart()
{
	daemon_kill9 "$(name "$1")"
	gd_restart "$1"
}

# has_worker NS ID: NS's module has worker ID as a peer.
has_worker()
{
	actl "$1" -j peer show | "$JQ" -e --argjson id "$2" \
		'any(.[]; .kind == "worker" and .id == $id)' > /dev/null
}

# in_all ID / in_none ID: every member's module has worker ID / none has.
in_all() { has_worker "$A1" "$1" && has_worker "$A2" "$1" && has_worker "$A3" "$1"; }
in_none() { ! has_worker "$A1" "$1" && ! has_worker "$A2" "$1" && ! has_worker "$A3" "$1"; }

# followers_kept NS... ID WANT: for QUIET seconds (longer than a worker
# takes to turn unhealthy) each NS's module keeps having worker ID
# (WANT 1) or not having it (WANT 0).
followers_kept()
{
	local want=${*: -1} id=${*: -2:1} ns i
	for i in $(seq 1 $((QUIET * 2))); do
		for ns in "${@:1:$#-2}"; do
			if has_worker "$ns" "$id"; then
				[ "$want" = 1 ] || { echo "$ns added worker $id on its own"; return 1; }
			else
				[ "$want" = 0 ] || { echo "$ns removed worker $id on its own"; return 1; }
			fi
		done
		sleep 0.5
	done
}

# applied_everywhere ID WHAT: each member's daemon logged an entry of the
# group's log that added or removed (WHAT) worker ID, after index AFTER
# (0 when unset); ENTRY is the highest such index. (Two leaders in a row
# may both propose it before the first entry reaches the second: the
# entries of one run change the module once, so a member names the one
# it applied.)
applied_everywhere()
{
	local ns idx all=
	ENTRY=0
	for ns in "$A1" "$A2" "$A3"; do
		idx=$(sed -n "s/.*raft: entry \([0-9]*\) applied: worker $1 $2 the module.*/\1/p" \
			"$tmp/$(name "$ns").log" | tail -n 1)
		[ -n "$idx" ] && [ "$idx" -gt "${AFTER:-0}" ] || {
			echo "$ns: no entry after ${AFTER:-0} applied ($2 worker $1)"; return 1; }
		all="$all $idx"
		[ "$idx" -gt "$ENTRY" ] && ENTRY=$idx
	done
	echo "entry applied on a, b, c:$all"
}

# same_plan IDS: every member's module has exactly workers IDS (sorted,
# space separated), each with rows, the same rows on all three.
same_plan()
{
	local ns plan first=
	for ns in "$A1" "$A2" "$A3"; do
		plan=$(actl "$ns" -j workers list | "$JQ" -c '[.[] | {id, rows}] | sort_by(.id)')
		echo "$ns: $plan"
		"$JQ" -e --arg ids "$1" '([.[].id | tostring] | join(" ")) == $ids and
			all(.[]; .rows > 0)' <<< "$plan" > /dev/null || return 1
		[ -z "$first" ] && first=$plan
		[ "$plan" = "$first" ] || return 1
	done
}

# keyed_everywhere ID: every member's module has worker ID with the key
# of its file (the worker's node.pub), and the leader's daemon hears it
# healthy at its address.
keyed_everywhere()
{
	local ns key
	key=$(tr -d "[:space:]" < "$tmp/w$1/node.pub")
	for ns in "$A1" "$A2" "$A3"; do
		actl "$ns" -j peer show | "$JQ" -e --argjson id "$1" --arg key "$key" '
			any(.[]; .kind == "worker" and .id == $id and .key == $key)' \
			> /dev/null || { echo "$ns: worker $1 without its key"; return 1; }
	done
	raft_leader || return 1
	actl "$LEADER" -j workers list | "$JQ" -e --argjson id "$1" \
		--arg ep "$(worker_addr "$1"):$SWARM_PORT" '
		any(.[]; .id == $id and .endpoint == $ep and .health == "healthy")' \
		> /dev/null
}

# link_of NS KEY: what NS's module shows of the link of KEY (a node.pub):
# "sealed_rx sealed_tx keyed" (keyed: true when it has a keypair), or
# "none" when no peer of NS has that key.
link_of()
{
	actl "$1" -j peer show | "$JQ" -r --arg key "$2" '
		[.[] | select(.key == $key)] | first //
		{sealed_rx: "none"} | "\(.sealed_rx) \(.sealed_tx) \(.key_age != null)"'
}

# sessions_with ID: every member has a working sealed session with worker
# ID, each way, over SPAN seconds: each member's module has a keypair for
# it and opens its datagrams (the link's sealed_rx grows by at least 3:
# heartbeats every 0.5 s); the worker's module has a keypair for each
# member and seals for each (sealed_tx grows); and the worker's module
# never lacks a key to send with (its tx_no_key stays as it was).
SPAN=$((3 * SCALE))
sessions_with()
{
	local ns wns wkey no_key0 no_key1 rx0=() tx0=() i=0 rx tx keyed
	wns=$(worker_ns "$1")
	wkey=$(pub "w$1")
	no_key0=$(counter "$wns" tx_no_key)
	for ns in "$A1" "$A2" "$A3"; do
		read -r rx _ _ <<< "$(link_of "$ns" "$wkey")"
		read -r _ tx _ <<< "$(link_of "$wns" "$(pub "$(name "$ns")")")"
		rx0+=("$rx")
		tx0+=("$tx")
	done
	sleep "$SPAN"
	no_key1=$(counter "$wns" tx_no_key)
	for ns in "$A1" "$A2" "$A3"; do
		read -r rx _ keyed <<< "$(link_of "$ns" "$wkey")"
		[ "$keyed" = true ] && [ "${rx0[$i]}" != none ] &&
			[ "$rx" -ge $((rx0[i] + 3)) ] || {
			echo "$ns: worker $1's link: sealed_rx ${rx0[$i]} -> $rx in $SPAN s, keypair ${keyed:-none}"; return 1; }
		read -r _ tx keyed <<< "$(link_of "$wns" "$(pub "$(name "$ns")")")"
		[ "$keyed" = true ] && [ "${tx0[$i]}" != none ] &&
			[ "$tx" -gt "${tx0[$i]}" ] || {
			echo "$wns: $ns's link: sealed_tx ${tx0[$i]} -> $tx in $SPAN s, keypair ${keyed:-none}"; return 1; }
		i=$((i + 1))
	done
	[ "$no_key1" = "$no_key0" ] || {
		echo "$wns: tx_no_key $no_key0 -> $no_key1 in $SPAN s"; return 1; }
	echo "worker $1: every member opens its datagrams and it seals for each; its tx_no_key stays at $no_key1"
}

# results_of NS ID: the RESULTs of worker ID that NS's module used.
results_of()
{
	actl "$1" -j workers list | "$JQ" -r --argjson id "$2" \
		'[.[] | select(.id == $id) | .results] | first // 0'
}

# drives_with NS ID: NS is the one primary and uses worker ID's answers:
# its count of the worker's RESULTs grows by 20 (a second of cycles).
drives_with()
{
	local ns=$1 id=$2 r0
	r0=$(results_of "$ns" "$id")
	wait_for "$WAIT" "RESULTs of worker $id at $ns" \
		eval '[ "$(results_of "$ns" "$id")" -ge $((r0 + 20)) ]' || {
		echo "$ns: worker $id's RESULTs $r0 -> $(results_of "$ns" "$id")"; return 1; }
	is_mode "$ns" primary || { echo "$ns is $(mode "$ns") now"; return 1; }
	echo "$ns (primary, epoch $(epoch "$ns")): worker $id's RESULTs used $r0 -> $(results_of "$ns" "$id")"
}

# log_led: one primary, whose daemon leads the group's log, every member
# naming it the leader in the same term, and each raft-connected to it;
# RAFT is "leader term".
log_led()
{
	local ns j leader
	RAFT=
	group_settled || return 1
	for ns in "$A1" "$A2" "$A3"; do
		j=$(actl "$ns" -j group) || return 1
		leader=$("$JQ" '.daemon.raft.state == "leader"' <<< "$j")
		"$JQ" -e --argjson leader "$leader" '
			([.members[] | select(.raft_leader) | .role] == ["primary"]) and
			all(.members[] | select(.self | not) |
			    select(.raft_leader or $leader); .raft_connected)' \
			<<< "$j" > /dev/null || return 1
		j=$("$JQ" -r '.daemon.raft | "\(.leader) \(.term)"' <<< "$j")
		[ -z "$RAFT" ] || [ "$RAFT" = "$j" ] || return 1
		RAFT=$j
	done
}

# log_settled: log_led, and still so with the same leader and term SPAN
# seconds later. A leadership still moving after a failover (the leader
# hands it to the primary; a member back from a fault may call an
# election) could go to a member restarted with a changed file, which
# the rolling restarts below must not meet.
log_settled()
{
	local was
	log_led || return 1
	was=$RAFT
	sleep "$SPAN"
	log_led && [ "$RAFT" = "$was" ] || return 1
	echo "the log's leader and term: $RAFT, the primary's"
}

# diag: what each member's daemon said of worker 4 and the log (TAP
# comments, for a failure).
diag()
{
	local ns
	for ns in "$A1" "$A2" "$A3"; do
		echo "$ns: raft $(actl "$ns" -j group | "$JQ" -c '.daemon.raft | {state, term, leader}')"
		grep -E "worker 4|raft: (entry|proposed)|adopting|running as|ran as|session keys|HANDSHAKE" \
			"$tmp/$(name "$ns").log" | grep -v "HEARTBEAT naming\|is degraded\|is healthy\|health degraded\|health healthy" |
			tail -n 25 | sed "s/^/$(name "$ns"): /"
		actl "$ns" -j workers list | "$JQ" -c '[.[] | {id, endpoint, health, rows}]'
	done
	for ns in "$A1" "$A2" "$A3"; do
		echo "$ns: worker 4's link (sealed rx, tx, keyed): $(link_of "$ns" "$(pub w4)")"
	done
	actl "$(worker_ns 4)" peer show
	for ns in "$(worker_ns 4)" "$A1" "$A2" "$A3"; do
		echo "$ns counters: $(actl "$ns" -j status | "$JQ" -c '.counters | with_entries(select((.key | test("drop|tx_no_key|plain|hs")) and .value != 0))')"
	done
	grep -E "aggregator|session|key|HANDSHAKE|STATUS|failed" "$tmp/w4.log" | sort | uniq -c | sort -rn | head -n 20
	grep -hE "sending sealed|STATUS|refused" "$tmp"/agg*.log | sed -E 's/[0-9]+ so far//' | sort | uniq -c | sort -rn | head -n 10
	for ns in "$A1" "$A2" "$A3"; do
		grep -E "raft: (proposed|entry [0-9]+ (applied|.*NOT applied|removes|.*followed by|.*not confirmed))|running as|ran as" \
			"$tmp/$(name "$ns").log" | cut -c1-160 | sed "s/^/$(name "$ns"): /"
	done
}
diag_tap() { diag | tap_nest /dev/stdin; }

# restart_followers: each of FOLLOWERS' daemons restarted (member_restart)
# in turn, the next one only once the log is led again by the same
# leader (LOG_LEADER), every member connected to it. With both followers
# down at once the leader would hear no majority and step down, as Raft
# has it, and the next leader may be a follower restarted with the
# changed file, which then rightly acts on it: not what is tested here.
restart_followers()
{
	local ns
	for ns in $FOLLOWERS; do
		member_restart "$ns" || { echo "$ns: its daemon did not start"; return 1; }
		wait_for "$WAIT" "the log led by $LEADER again" \
			eval 'log_led && [ "${RAFT%% *}" = "$LOG_LEADER" ]' || {
			echo "after $ns's restart the log is not led by $LEADER (raft id $LOG_LEADER) with every member connected: ${RAFT:-no leader}"
			return 1; }
		echo "$ns restarted; the log's leader and term: $RAFT"
	done
}

# The leader, and the two others in FOLLOWERS, once the log has settled
# (log_settled: the primary's daemon leads it; right after the group
# forms, the member first elected may still be handing it to the
# primary). LOG_LEADER is its raft id.
pick_leader()
{
	local ns
	wait_for "$WAIT" "the log settled" log_settled || return 1
	LOG_LEADER=${RAFT%% *}
	raft_leader || return 1
	FOLLOWERS=
	for ns in "$A1" "$A2" "$A3"; do
		[ "$ns" = "$LEADER" ] || FOLLOWERS="$FOLLOWERS $ns"
	done
	echo "raft leader $LEADER, followers$FOLLOWERS"
}

daemon_prereqs
swarm_test_begin 27
swarm_test_up --workers "$WORKERS" --no-start
agg_ns 2
agg_ns 3
on_exit stop_all
rc=0
gd_prepare || rc=$?
member_files "$STATIC"
gd_start || rc=$?
[ $rc = 0 ] || tail -n 20 "$tmp/agg.log" | tap_nest /dev/stdin
tap_result "three members (files listing workers 1-3) and four workers run agiswarmd" $rc
[ $rc = 0 ] || exit 1
tap_on_fail=diag_tap
tap_check "the group forms, its log has a leader; worker 4 is in no member's module" \
	eval 'group_formed && pick_leader && wait_for "$WAIT" "worker 4 nowhere" in_none 4'

# --- adding worker 4 ------------------------------------------------------
member_files "$WORKERS"
pick_leader > "$tmp/leader.txt" || true
tap_nest "$tmp/leader.txt"
restart_followers > "$tmp/restarts.txt" 2>&1 && RESTARTED=0 || RESTARTED=$?
tap_nest "$tmp/restarts.txt"
tap_check "worker 4 in every file, the followers' daemons restarted first, one by one, the log led by $LEADER throughout:$FOLLOWERS add it on their own nowhere" \
	eval '[ $RESTARTED = 0 ] && followers_kept $FOLLOWERS 4 0 && in_none 4 && ! grep -h "proposed to the group: add worker 4" $(for ns in $FOLLOWERS; do echo "$tmp/$(name "$ns").log"; done)'
member_restart "$LEADER" || true
tap_check "the leader's daemon restarted with worker 4 too: every member's module has worker 4" \
	wait_for "$WAIT" "worker 4 on every member" in_all 4
tap_check "each member's daemon applied an entry of the group's log that added worker 4" \
	applied_everywhere 4 "added to"
# shellcheck disable=SC2034 # read in an eval string below
ADDED=$ENTRY
grep -h "proposed to the group: add worker 4" "$tmp"/agg*.log | tap_nest /dev/stdin
tap_check "every member's module has worker 4 with its key, and the leader hears it healthy at $(worker_addr 4):$SWARM_PORT" \
	wait_for "$WAIT" "worker 4 keyed" keyed_everywhere 4
tap_check "the three members plan the same rows over workers 1-4" \
	wait_for "$WAIT" "the same plan" same_plan "1 2 3 4"
# The followers sent worker 4 their handshakes before their modules had
# it (while the leader's daemon still ran the old file): each must have a
# session with it all the same, or it plans rows for a worker it cannot
# reach. Waited for, then asked once more for the verdict and its words.
tap_check "every member, the raft leader and the followers, has a working sealed session with worker 4: each opens its datagrams, worker 4 seals for each and never lacks a key (tx_no_key)" \
	eval 'wait_for "$WAIT" "sessions with worker 4" sessions_with 4; sessions_with 4'

# --- a failover: a member that was a follower drives worker 4 ---------------
the_primary > "$tmp/primary.txt" || true
tap_nest "$tmp/primary.txt"
OLD=${PRIMARY:-$LEADER}
OLD_EPOCH=$(epoch "$OLD")
daemon_kill9 "$(name "$OLD")"
"$IP" -n "$OLD" link set eth0 down
tap_check "the primary's daemon killed and its link down ($OLD): another member takes over with its own higher epoch, and drives" \
	took_over "$OLD" "$OLD_EPOCH"
tap_check "the new primary $PRIMARY uses worker 4's answers (its RESULTs count grows)" \
	drives_with "$PRIMARY" 4
"$IP" -n "$OLD" link set eth0 up
gd_restart "$OLD" || true
tap_check "$OLD, its link up and its daemon started again, follows as a backup" \
	back_as_backup "$OLD"
tap_check "after the failover every member again has a working sealed session with worker 4" \
	eval 'wait_for "$WAIT" "sessions with worker 4" sessions_with 4; sessions_with 4'
tap_check "the group's log settles: the primary's daemon leads it, every member connected to it, the same term for $SPAN s" \
	eval 'wait_for "$WAIT" "the log settled" log_settled; log_settled'

# --- removing it ----------------------------------------------------------
daemon_stop w4
member_files "$STATIC"
pick_leader > "$tmp/leader.txt" || true
tap_nest "$tmp/leader.txt"
restart_followers > "$tmp/restarts.txt" 2>&1 && RESTARTED=0 || RESTARTED=$?
tap_nest "$tmp/restarts.txt"
tap_check "worker 4 stopped and out of every file, the followers' daemons restarted first, one by one, the log led by $LEADER throughout: they keep it in their modules ($QUIET s)" \
	eval '[ $RESTARTED = 0 ] && followers_kept $FOLLOWERS 4 1'
tap_check "the followers judge worker 4 unhealthy meanwhile (agictl workers list)" \
	eval 'for ns in $FOLLOWERS; do actl "$ns" -j workers list | "$JQ" -e "any(.[]; .id == 4 and .health == \"unhealthy\")" > /dev/null || exit 1; done'
member_restart "$LEADER" || true
tap_check "the leader's daemon restarted without worker 4: no member's module has it" \
	wait_for "$WAIT" "worker 4 gone everywhere" in_none 4
tap_check "each member's daemon applied a later entry that removed worker 4" \
	eval 'AFTER=$ADDED applied_everywhere 4 "removed from"'
tap_check "the three members plan the same rows over workers 1-3" \
	wait_for "$WAIT" "the same plan" same_plan "1 2 3"

# --- a replay ---------------------------------------------------------------
pick_leader > "$tmp/leader.txt" || true
tap_nest "$tmp/leader.txt"
# shellcheck disable=SC2086 # one member a word
set -- $FOLLOWERS
AGAIN=$1
member_restart "$AGAIN" || true
tap_check "$AGAIN's daemon restarted once more replays the log: its module keeps workers 1-3, the later entry only applied (no add of worker 4 on the way)" \
	eval 'wait_for "$WAIT" "the replay" grep -q "(add worker 4) is followed by entry [0-9]* (remove it)" "$tmp/$(name "$AGAIN").log" &&
		followers_kept "$AGAIN" 4 0 && same_plan "1 2 3"'
# Members whose files differ for a while (the rolling change above) may
# refuse an ADD (no key); once they all run the same file, none does.
tap_check "no member's daemon, each running the same file now, failed to apply an entry since it started" \
	eval '(for ns in "$A1" "$A2" "$A3"; do sed -n "/agiswarmd: running as/,\$p" "$tmp/$(name "$ns").log" | grep "NOT applied here" && exit 1; done; exit 0)'

# --- a member's module that lost its keys ----------------------------------
# As after a reload of the module on the member's host (here one module
# serves every netns): the daemon of the backup of highest rank killed,
# its cycle stopped and the other members' links deleted from its module,
# then the daemon started again: it programs the module from the file,
# the links without keys. Toward the members of lower rank it only
# answers handshakes; they still hold good keys with it, and a backup
# sends them nothing whose silence would tell: it is its daemon
# connecting to theirs again (the log's transport, authenticated) that
# tells them to key it now, not at security.rekey_after_s.
the_primary > "$tmp/primary.txt" || true
tap_nest "$tmp/primary.txt"
LOST=
for ns in "$A1" "$A2" "$A3"; do
	[ "$ns" = "$PRIMARY" ] || LOST=$ns
done
# lost_links: LOST has none of the other members' links.
lost_links()
{
	local ns
	for ns in "$A1" "$A2" "$A3"; do
		[ "$ns" = "$LOST" ] ||
			[ "$(link_of "$LOST" "$(pub "$(name "$ns")")" | cut -d" " -f1)" = none ] || {
			echo "$LOST still has a link to $ns"; return 1; }
	done
}
# rekeyed: LOST's module has a keypair with every other member again,
# and each member of lower rank logged that it keyed it anew.
rekeyed()
{
	local ns keyed
	for ns in "$A1" "$A2" "$A3"; do
		[ "$ns" = "$LOST" ] && continue
		read -r _ _ keyed <<< "$(link_of "$LOST" "$(pub "$(name "$ns")")")"
		[ "$keyed" = true ] || { echo "$LOST: no keys with $ns"; return 1; }
		[ "$(rank "$ns")" -gt "$(rank "$LOST")" ] ||
			grep -q "member $(pub "$(name "$LOST")" | cut -c1-16) connected again: new session keys" \
				"$tmp/$(name "$ns").log" || {
			echo "$ns: no new keys for $LOST logged"; return 1; }
	done
}
daemon_kill9 "$(name "$LOST")"
actl "$LOST" node stop
for ns in "$A1" "$A2" "$A3"; do
	[ "$ns" = "$LOST" ] || actl "$LOST" peer del aggregator $(($(rank "$ns") + 1))
done
tap_check "$LOST, a backup: its daemon killed, its cycle stopped, the other members' links deleted from its module (their keys with them)" \
	lost_links
T0=$(date +%s)
gd_restart "$LOST" || true
tap_check "its daemon started again: $LOST's module has keys with every member once more, the members of lower rank having keyed it anew at once (not after rekey_after_s, $REKEY s)" \
	eval 'wait_for "$WAIT" "$LOST keyed" rekeyed && echo "keyed again $(($(date +%s) - T0)) s after its daemon started"; rekeyed'
# member_links: on a failure, what every member's module has of the
# others (endpoint, keypair, sealed datagrams each way) and its counters.
member_links()
{
	local ns
	for ns in "$A1" "$A2" "$A3"; do
		echo "$ns ($(mode "$ns")):"
		actl "$ns" peer show | grep "^aggregator" || true
		actl "$ns" -j status | "$JQ" -c '.counters // {} |
			with_entries(select(.key | test("tx_no_key|drop|record")))' || true
	done
}
# with_lost: the group settles, one primary and two backups in one
# epoch, and LOST exchanges sealed records with the primary: as a backup
# it adopts the primary's; should it have taken over meanwhile (a member
# that missed the primary's records while its keys were made takes over
# by the group's rules: safe, one driver), the two others adopt its.
with_lost()
{
	local ns
	wait_for "$WAIT" "the group to settle" group_settled || return 1
	if [ "$PRIMARY" = "$LOST" ]; then
		echo "$LOST took over (epoch $(epoch "$LOST")): the others adopt its records"
		for ns in "$A1" "$A2" "$A3"; do
			[ "$ns" = "$LOST" ] || follows "$ns" || return 1
		done
	else
		echo "$PRIMARY primary (epoch $(epoch "$PRIMARY")): $LOST adopts its records"
		follows "$LOST" || return 1
	fi
	group_settled
}
tap_check "$LOST and the primary exchange sealed records again: one primary and two backups in one epoch" \
	eval 'with_lost || { member_links; false; }'

# An operator deletes LOST's peer from the module of the member of rank
# 0 (the primary, unless a takeover moved it) and adds it back as the
# daemon did (the link made anew, without keys), and no daemon restarts:
# nothing connects again, and a backup sends nothing whose silence would
# tell. That member's daemon, which starts the handshakes with LOST,
# sees in its module that keys it made are gone and keys LOST again
# within seconds (not at rekey_after_s); the group settles again with
# LOST in it.
X=$A1	# rank 0: it starts the handshakes with LOST, primary or not
ID=$(($(rank "$LOST") + 1))
ADD=$(grep -o "agictl peer add aggregator $ID [^ ]* key [0-9a-f]* rank [0-9]*" \
	"$tmp/$(name "$X").log" | tail -n 1)
HEAD=$(pub "$(name "$LOST")" | cut -c1-16)
lost_keys_seen()
{
	grep -q "the module has no session keys with $HEAD\.\.\. any more" \
		"$tmp/$(name "$X").log" &&
		[ "$(link_of "$X" "$(pub "$(name "$LOST")")" | cut -d" " -f3)" = true ]
}
rc=0
[ -n "$ADD" ] || { echo "# no 'agictl peer add aggregator $ID' in $(name "$X")'s log"; rc=1; }
actl "$X" peer del aggregator "$ID" || rc=$?
# shellcheck disable=SC2086 # the command's words
[ -z "$ADD" ] || actl "$X" ${ADD#agictl } || rc=$?
T0=$(date +%s)
tap_result "an operator deletes $LOST's peer from $X's module ($(mode "$X")) and adds it back: its link without keys" $rc
tap_check "$X's daemon sees the keys it made with $LOST gone from its module and keys it again, no daemon restarted" \
	eval 'wait_for "$WAIT" "$X to key $LOST again" lost_keys_seen && echo "keyed again $(($(date +%s) - T0)) s after the peer was added back"'
tap_check "$LOST and the primary exchange sealed records again: one primary and two backups in one epoch" \
	eval 'with_lost || { member_links; false; }'

log_summary | tap_nest /dev/stdin
tap_end
