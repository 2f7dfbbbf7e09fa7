#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# repl_group.sh: the aggregator group's replicated log, natively: three
# members of the daemon's real replication code (repl_node: libraft over
# the authenticated transport, no module) on 127.0.0.1 with their own
# ports, and `agictl commit` as the operator.
#
#   a (17201/tcp 17301)    b (17202/tcp 17302)    c (17203/tcp 17303)
#         \___________ raft over TCP, sealed channel ___________/
#   agictl commit --to LEADER:PORT  -> COMMIT_ACK once a majority holds it
#
# What a user relies on: one leader; a commit is acknowledged only with a
# majority up; a commit sent to a follower is refused naming the leader; a
# killed leader is replaced and nothing acknowledged is lost; a restarted
# member catches up; every replica applies the same entries in the same
# order and writes byte-identical audit logs that verify; a process with a
# key that is not a member's never joins. The group's Prometheus metrics
# (each member's --metrics file, rendered by the daemon's own function)
# name the same leader and term everywhere, the right role on each, and
# indexes that cover what was committed; promtool accepts them.
#
#   AGICTL=build/agictl selftests/native/repl_group.sh
set -u

AGICTL=${AGICTL:-build/agictl}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
NODE=${REPL_NODE:-$(dirname "$AGICTL")/san/selftests/native/repl/repl_node}
PLAN=18
BASE=${REPL_BASE_PORT:-17200}
MEMBERS="a b c"
PROMTOOL=${PROMTOOL:-$(command -v promtool)}

[ -x "$AGICTL" ] || tap_skip_all "$AGICTL is not built"
[ -x "$NODE" ] || tap_skip_all "$NODE is not built"

tmp=$(mktemp -d) || exit 1
cleanup()
{
	local p
	for p in "$tmp"/*/pid; do
		[ -f "$p" ] && kill -9 "$(cat "$p")" 2>/dev/null
	done
	wait 2>/dev/null
	[ -n "${REPL_KEEP:-}" ] && echo "# kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT

index() { case $1 in a) echo 1 ;; b) echo 2 ;; c) echo 3 ;; x) echo 4 ;; esac; }
udp_port() { echo $((BASE + $(index "$1"))); }
raft_port() { echo $((BASE + 100 + $(index "$1"))); }

# config NAME [KEYS_OF]: NAME's configuration; the group's keys are the
# members' own, except that the intruder x calls itself c with its own key.
config()
{
	local m=$1 self=$1 n
	[ "$m" = x ] && self=c
	{
		cat <<-EOT
		node:
		  id: $(index "$m")
		  role: aggregator
		  key_file: "$tmp/$m/operator.key"
		aggregator:
		  cycle_time_ms: 10
		  timeout_ms: 8
		security:
		  authorized_keys: "$tmp/authorized_keys"
		  audit_log: "$tmp/$m/audit.log"
		replication:
		  member: $self
		  data_dir: "$tmp/$m/raft"
		  election_timeout_ms: 500
		aggregators:
		EOT
		for n in $MEMBERS; do
			local keyof=$n port_of=$n
			[ "$m" = x ] && [ "$n" = c ] && keyof=x port_of=x
			printf '  %s: {ip: "127.0.0.1", port: %s, priority: %s, raft_port: %s, key: "%s"}\n' \
				"$n" "$(udp_port $port_of)" "$(index "$n")" \
				"$(raft_port $port_of)" "$(cat "$tmp/$keyof/operator.pub")"
		done
	} > "$tmp/$m/config.yaml"
}

start()
{
	"$NODE" --verbose --config "$tmp/$1/config.yaml" \
		--entries "$tmp/$1/entries" --status "$tmp/$1/status" \
		--metrics "$tmp/$1/metrics.prom" >> "$tmp/$1/log" 2>&1 &
	echo $! > "$tmp/$1/pid"
}

stop9()
{
	kill -9 "$(cat "$tmp/$1/pid")" 2>/dev/null
	wait "$(cat "$tmp/$1/pid")" 2>/dev/null
	rm -f "$tmp/$1/pid" "$tmp/$1/status"
}

# field MEMBER N: field N of MEMBER's status line (state term commit
# applied leader).
field() { awk -v n="$2" '{ print $n }' "$tmp/$1/status" 2>/dev/null; }

# leader_among MEMBERS...: the name every one of them follows, once they
# agree and that member says it leads (10 s at most).
leader_among()
{
	local i m l first
	for i in $(seq 100); do
		first=
		for m in "$@"; do
			l=$(field "$m" 5)
			[ -n "$l" ] && [ "$l" != - ] || { first=; break; }
			[ -z "$first" ] && first=$l
			[ "$l" = "$first" ] || { first=; break; }
		done
		if [ -n "$first" ] && [ "$(field "$first" 1)" = leader ]; then
			echo "$first"
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# commit_to MEMBER SETPOINT: agictl commit; an acknowledged seq is
# appended to $tmp/acked.
commit_to()
{
	tap_run "$AGICTL" commit --yes --key "$tmp/op/operator.key" \
		--to "127.0.0.1:$(udp_port "$1")" setpoint "$2"
	printf '%s\n' "$out" | sed -n 's/^accepted: seq \([0-9]*\) .*/\1/p' >> "$tmp/acked"
}

# same_applied MEMBERS...: byte-identical audit logs on each, waiting
# until they have all applied what the leader has (10 s at most). (The
# entries files are each process's own record: a kill -9 between the
# audit record and its line there may cost the line, never the record.)
same_applied()
{
	local i m ok
	for i in $(seq 100); do
		ok=0
		for m in "$@"; do
			[ -s "$tmp/$m/audit.log" ] &&
				cmp -s "$tmp/$1/audit.log" "$tmp/$m/audit.log" || ok=1
		done
		[ $ok = 0 ] && return 0
		sleep 0.1
	done
	for m in "$@"; do
		echo "# $m's audit log:"; cut -c1-60 "$tmp/$m/audit.log" | sed 's/^/#   /'
	done
	return 1
}

# metric MEMBER SAMPLE: the value of SAMPLE in MEMBER's metrics text.
metric()
{
	awk -v s="$2" '$1 == s { print $2; found = 1 } END { exit !found }' \
		"$tmp/$1/metrics.prom" 2>/dev/null
}

# role_is MEMBER ROLE: 1 for ROLE, 0 for every other role.
role_is()
{
	local r want
	for r in leader follower candidate standalone; do
		want=0
		[ "$r" = "$2" ] && want=1
		[ "$(metric "$1" "agiswarm_group_role{role=\"$r\"}")" = "$want" ] || {
			echo "# $1: role $r is not $want"; return 1; }
	done
}

# group_metrics_ok LEADER FOLLOWERS...: one term and one leader id in all,
# the leader and followers with their roles, each member's applied index
# at least the index of the last entry the leader applied, the commit
# index at least that, the leader connected to every follower; the term
# is the one the member's status line says.
group_metrics_ok()
{
	local leader=$1 m term idx t c a
	term=$(metric "$leader" agiswarm_group_term) || return 1
	idx=$(tail -n 1 "$tmp/$leader/entries" | sed 's/.*(index \([0-9]*\))/\1/')
	echo "# leader $leader: term $term, last applied entry at index $idx"
	[ -n "$idx" ] && role_is "$leader" leader || return 1
	[ "$(metric "$leader" agiswarm_group_members_connected)" = $(($# - 1)) ] || {
		echo "# $leader: members_connected is not $(($# - 1))"; return 1; }
	shift
	for m in "$leader" "$@"; do
		[ "$m" = "$leader" ] || role_is "$m" follower || return 1
		t=$(metric "$m" agiswarm_group_term)
		c=$(metric "$m" agiswarm_group_commit_index)
		a=$(metric "$m" agiswarm_group_last_applied_index)
		echo "# $m: term $t commit $c applied $a leader_id $(metric "$m" agiswarm_group_leader_id) members $(metric "$m" agiswarm_group_members)"
		[ "$t" = "$term" ] && [ "$t" = "$(field "$m" 2)" ] &&
			[ "$a" -ge "$idx" ] && [ "$c" -ge "$a" ] &&
			[ "$(metric "$m" agiswarm_group_leader_id)" = "$(index "$leader")" ] &&
			[ "$(metric "$m" agiswarm_group_members)" = 3 ] || return 1
	done
}

promtool_ok()
{
	local m
	for m in "$@"; do
		# Lint findings are printed too: none allowed.
		"$PROMTOOL" check metrics < "$tmp/$m/metrics.prom" > "$tmp/promtool" 2>&1 &&
			[ ! -s "$tmp/promtool" ] || { sed "s/^/# $m: /" "$tmp/promtool"; return 1; }
	done
}

dump_logs()
{
	local m
	for m in $MEMBERS x; do
		[ -f "$tmp/$m/log" ] || continue
		echo "# --- $m (last 15 lines)"
		tail -15 "$tmp/$m/log" | sed 's/^/#   /'
	done
}
tap_on_fail=dump_logs

for m in $MEMBERS x op; do
	mkdir -p "$tmp/$m"
	"$AGICTL" keygen --output "$tmp/$m" > /dev/null || exit 1
done
awk '{ print $1 " operator" }' "$tmp/op/operator.pub" > "$tmp/authorized_keys"
chmod 600 "$tmp/authorized_keys"
for m in $MEMBERS x; do config "$m"; done

tap_begin "$PLAN"

# --- a group forms -----------------------------------------------------------
for m in $MEMBERS; do start "$m"; done
leader=$(leader_among a b c)
tap_result "three members agree on one leader" $?

commit_to "$leader" 0.125
[ "$rc" = 0 ] && tap_has "accepted: seq"
tap_report $? "a commit to the leader ($leader) is acknowledged"

follower=$(for m in $MEMBERS; do [ "$m" != "$leader" ] && echo "$m" && break; done)
commit_to "$follower" 0.25
[ "$rc" = 1 ] && printf '%s' "$err" |
	grep -qF "not the group's leader; the leader is $leader at 127.0.0.1:$(udp_port "$leader")"
tap_report $? "a commit to a follower is refused, naming the leader's address"

same_applied a b c
tap_result "every replica applied the acknowledged commit: identical audit logs" $?

# --- the group's metrics -----------------------------------------------------
sleep 0.2
followers=$(for m in $MEMBERS; do [ "$m" != "$leader" ] && echo "$m"; done)
tap_check "metrics: $leader leads, the others follow, one term, indexes cover the commit" \
	group_metrics_ok "$leader" $followers
if [ -x "$PROMTOOL" ]; then
	tap_check "metrics: promtool check metrics accepts every member's text" \
		promtool_ok $MEMBERS
else
	tap_skip "metrics: promtool check metrics accepts every member's text" "no promtool (Debian's prometheus package)"
fi
old_term=$(metric "$leader" agiswarm_group_term)

# --- a peer whose key is not a member's ------------------------------------------
start x
sleep 2
grep -q "refused: key [0-9a-f]\{16\} is not a member's" "$tmp/a/log" &&
	grep -q "refused: key [0-9a-f]\{16\} is not a member's" "$tmp/b/log" &&
	! grep -q "authenticated" "$tmp/x/log"
tap_result "a process with an unknown key is refused by every member and never joins" $?
[ "$(field x 5)" = - ] && [ "$(field x 3)" -lt 2 ]
tap_result "the intruder learns no leader and no entry" $?
stop9 x

# --- the leader dies -------------------------------------------------------------
old=$leader
stop9 "$old"
rest=$(for m in $MEMBERS; do [ "$m" != "$old" ] && echo "$m"; done)
leader=$(leader_among $rest)
[ -n "$leader" ] && [ "$leader" != "$old" ]
tap_result "kill -9 of the leader ($old): the survivors elect a new leader ($leader)" $?

commit_to "$leader" 0.375
[ "$rc" = 0 ] && tap_has "accepted: seq"
tap_report $? "a commit after the failover is acknowledged with 2 of 3 up"
sleep 0.2
tap_check "metrics after the failover: $leader leads in a later term than $old_term" \
	eval 'group_metrics_ok "$leader" $(for m in $rest; do [ "$m" != "$leader" ] && echo "$m"; done) &&
		[ "$(metric "$leader" agiswarm_group_term)" -gt "$old_term" ]'

# --- a majority lost -----------------------------------------------------------
other=$(for m in $rest; do [ "$m" != "$leader" ] && echo "$m"; done)
stop9 "$other"
sleep 0.2
commit_to "$leader" 0.5
[ "$rc" != 0 ] && ! tap_has "accepted"
tap_report $? "with 2 of 3 down ($old, $other) a commit is not acknowledged"
lone_applied=$(wc -l < "$tmp/$leader/audit.log")

start "$other"
leader=$(leader_among $rest)
tap_result "one member back ($other): a leader again ($leader)" $?
commit_to "$leader" 0.625
[ "$rc" = 0 ] && tap_has "accepted: seq"
tap_report $? "a commit with the majority back is acknowledged"

# --- the old leader rejoins ----------------------------------------------------
start "$old"
same_applied a b c
tap_result "the restarted old leader ($old) catches up: identical audit logs" $?

# Every acknowledged commit is in every replica's log, in the order it
# was acknowledged (a refused one may be there too: it was not promised).
rc=0
[ "$(wc -l < "$tmp/acked")" = 3 ] || rc=1
for m in $MEMBERS; do
	cut -d' ' -f1 "$tmp/$m/audit.log" |
		grep -Fx -f "$tmp/acked" | cmp -s - "$tmp/acked" || rc=1
done
tap_result "the 3 acknowledged commits are in every replica's log, in order ($lone_applied applied before the majority came back)" $rc

rc=0
for m in $MEMBERS; do
	"$AGICTL" audit verify --log "$tmp/$m/audit.log" \
		--keys "$tmp/authorized_keys" > "$tmp/verify.$m" 2>&1 || rc=1
done
tap_result "agictl audit verify passes on every replica" $rc

# Entry indexes strictly increase in every process's record of what it
# applied (a replay after a restart never applies an entry twice).
rc=0
for m in $MEMBERS; do
	sed 's/.*(index \([0-9]*\))/\1/' "$tmp/$m/entries" | sort -n -c -u 2>/dev/null || rc=1
done
tap_result "no entry is applied twice, even across restarts" $rc

tap_end
