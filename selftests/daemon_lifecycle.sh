#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# daemon_lifecycle.sh: agiswarmd never loses or misreports what the
# operator did (issue #10), on the swarm of netns/swarm.sh (3 workers):
#
#   - adopting a running aggregator whose file differs, each key is logged;
#   - a second agiswarmd for the same node is refused before it touches
#     the module, and the first one keeps answering commits;
#   - a commit with a matrix and a cycle the module refuses changes
#     nothing (the matrix is not swapped in) and is logged refused;
#   - SIGHUP with an invalid file changes nothing and logs the words of
#     --check-config; with a valid one the change is staged at an
#     announced cycle and takes effect there; the daemon lives on;
#   - after `node stop`, a restarted agiswarmd programs the file AND the
#     signed commits: the signed setpoint survives, logged by key;
#   - an audit log deleted behind the daemon's back is caught on start by
#     the module's watermark: commits are refused until it is restored.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
. "$top/selftests/daemon_lib.sh"
lib_trap

QUARTER=536870912	# 0.25 in Q1.31

commit_setpoint()
{
	n_plant "$AGICTL" commit --yes --key "$tmp/op/operator.key" \
		--to "$SWARM_AGG_ADDR:$SWARM_PORT" setpoint "$1" \
		> "$tmp/commit.out" 2>&1 || { tap_nest "$tmp/commit.out"; return 1; }
	tap_nest "$tmp/commit.out"
	apply_at=$(sed -n 's/.*applies at cycle \([0-9]*\).*/\1/p' "$tmp/commit.out")
	[ -n "$apply_at" ]
}

adopted_and_reported()
{
	daemon_start "$SWARM_AGG" agg "$tmp/agg.yaml" || return 1
	grep 'aggregator.control_law: the module runs with pid, the file says feedback' \
		"$tmp/agg.log"
}

second_refused()
{
	local rc=0
	timeout 30 "$IP" netns exec "$SWARM_AGG" "$AGISWARMD" \
		--config "$tmp/agg.yaml" > "$tmp/second.log" 2>&1 || rc=$?
	tap_nest "$tmp/second.log"
	[ "$rc" = 1 ] || return 1
	grep -q 'another agiswarmd already runs for this node' "$tmp/second.log" ||
		return 1
	# It never reached the module: no step, no registration.
	! grep -q 'agictl node set\|registered' "$tmp/second.log" || return 1
	[ "$(actl "$SWARM_AGG" -j status | "$JQ" -r .daemon)" = true ] || return 1
	kill -0 "$(cat "$tmp/agg.pid")"
}

first_keeps_working()
{
	commit_setpoint "$setpoint"
}

daemon_alive() { kill -0 "$(cat "$tmp/agg.pid")"; }

# daemon_again CMD...: stops agiswarmd, runs CMD, starts it again; the log
# keeps what each run wrote, the marker of the old run renamed so that the
# new one is waited for.
daemon_again()
{
	daemon_stop agg || return 1
	sed -i 's/agiswarmd: running as/agiswarmd: (stopped) ran as/' "$tmp/agg.log"
	"$@" || return 1
	daemon_start "$SWARM_AGG" agg "$tmp/agg.yaml"
}

# A matrix with a cycle the module refuses: nothing of it may apply, and
# the audit log says refused (it used to swap the matrix in anyway).
partial_commit_refused()
{
	local rc=0 gens
	# The generation of the rows the workers hold: a matrix swapped in
	# would send them the rows of a new one.
	gens=$(actl "$SWARM_AGG" -j workers list | "$JQ" -c '[.[].gen] | unique')
	n_plant "$AGICTL" commit --yes --key "$tmp/op/operator.key" \
		--to "$SWARM_AGG_ADDR:$SWARM_PORT" \
		matrix "$lib_top/configs/swarm_matrix.json" cycle 500us \
		> "$tmp/partial.out" 2>&1 || rc=$?
	tap_nest "$tmp/partial.out"
	[ "$rc" = 1 ] || return 1
	grep -q 'commit rejected: the module refused it' "$tmp/partial.out" ||
		return 1
	wait_cycles 15 || return 1
	echo "# the workers' row generations: $gens"
	[ "$(actl "$SWARM_AGG" -j workers list | "$JQ" -c '[.[].gen] | unique')" = "$gens" ] ||
		return 1
	[ "$(actl "$SWARM_AGG" -j status | "$JQ" -r '.staged_cycle')" = null ] ||
		return 1
	[ "$(actl "$SWARM_AGG" -j status | "$JQ" -r .cycle_us)" = 50000 ] ||
		return 1
	"$AGICTL" audit list --log "$tmp/audit.log" > "$tmp/list.out" || return 1
	cat "$tmp/list.out"
	[ "$(grep -c 'applied at cycle' "$tmp/list.out")" = 1 ] &&
		[ "$(grep -c 'REFUSED (the module refused it' "$tmp/list.out")" = 1 ]
}

hup_invalid()
{
	local want
	sed 's/^  udp_port: .*/&\n  cycle_time_ms: 0/' "$tmp/agg.yaml" > "$tmp/bad.yaml"
	"$AGISWARMD" --check-config --config "$tmp/bad.yaml" \
		> /dev/null 2> "$tmp/check.err" || true
	want=$(head -n 1 "$tmp/check.err")
	echo "# --check-config: $want"
	[ -n "$want" ] || return 1
	cp "$tmp/agg.yaml" "$tmp/good.yaml"
	# The same path the daemon was started with, now invalid.
	sed -i "s|$tmp/bad.yaml|$tmp/agg.yaml|g" "$tmp/check.err"
	want=$(head -n 1 "$tmp/check.err")
	cp "$tmp/bad.yaml" "$tmp/agg.yaml"
	kill -HUP "$(cat "$tmp/agg.pid")"
	wait_for 30 "the reload to be refused" \
		grep -qF "SIGHUP: reload refused, nothing changed: $want" \
		"$tmp/agg.log" || return 1
	cp "$tmp/good.yaml" "$tmp/agg.yaml"
	daemon_alive || return 1
	[ "$(actl "$SWARM_AGG" -j status | "$JQ" -r .cycle_us)" = 50000 ]
}

deadline_is() { [ "$(actl "$SWARM_AGG" -j status | "$JQ" -r .deadline_us)" = "$1" ]; }

hup_valid()
{
	local at
	sed -i 's/^  udp_port: .*/&\n  timeout_ms: 30/' "$tmp/agg.yaml"
	kill -HUP "$(cat "$tmp/agg.pid")"
	wait_for 30 "the reload" grep -q 'SIGHUP: .*reloaded' "$tmp/agg.log" ||
		return 1
	grep 'SIGHUP' "$tmp/agg.log" | tail -n 4
	grep -q 'SIGHUP: aggregator.timeout_ms: 40 -> 30' "$tmp/agg.log" ||
		return 1
	at=$(sed -n "s/.*SIGHUP: the law's changes apply at cycle \([0-9]*\).*/\1/p" \
		"$tmp/agg.log" | tail -n 1)
	[ -n "$at" ] || return 1
	# Staged: the old deadline until cycle $at, the new one from it.
	wait_for 60 "the new deadline" deadline_is 30000 || return 1
	[ "$(actl "$SWARM_AGG" -j status | "$JQ" -r .cycle_id)" -ge "$at" ] ||
		return 1
	daemon_alive
}

signed_setpoint_survives()
{
	daemon_again actl "$SWARM_AGG" node stop || return 1
	grep 'aggregator.pid.setpoint: the file says \[\] (zeros), signed commit seq [0-9]* says 0.25' \
		"$tmp/agg.log" || return 1
	actl "$SWARM_AGG" -j law show > "$tmp/law.json" || return 1
	cat "$tmp/law.json"
	"$JQ" -e --argjson n "$rows" '.setpoint | length == $n and all(. == 0.25)' \
		"$tmp/law.json" > /dev/null
}

deleted_log_caught()
{
	local rc=0
	daemon_again rm -f "$tmp/audit.log" "$tmp/audit.log.head" \
		"$tmp/audit.log.key" || return 1
	grep 'the log was truncated, rolled back or deleted; every commit is refused' \
		"$tmp/agg.log" || return 1
	n_plant "$AGICTL" commit --yes --key "$tmp/op/operator.key" \
		--to "$SWARM_AGG_ADDR:$SWARM_PORT" setpoint "$setpoint" \
		> "$tmp/refused.out" 2>&1 || rc=$?
	tap_nest "$tmp/refused.out"
	[ "$rc" = 1 ] && grep -q 'audit log is unavailable' "$tmp/refused.out"
}

daemon_prereqs
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
on_exit "$SWARM" down
tap_begin 9

signed_swarm_up
agg_config "$tmp/agg.yaml"
tap_check "agiswarmd adopts the running aggregator and logs where the file differs" \
	adopted_and_reported
tap_check "a second agiswarmd for the node is refused before it touches the module" \
	second_refused
tap_check "the first one keeps answering: a signed commit is accepted" \
	first_keeps_working
tap_check "a partially invalid commit changes nothing and is logged refused" \
	partial_commit_refused
tap_check "SIGHUP with an invalid file: nothing changes, --check-config's words" \
	hup_invalid
tap_check "SIGHUP with a valid file: staged at an announced cycle, applied" \
	hup_valid
tap_check "restart after node stop: the signed setpoint wins over the file" \
	signed_setpoint_survives
tap_check "a deleted audit log is caught by the module's watermark" \
	deleted_log_caught
tap_nest "$tmp/agg.log" | tail -n 40
tap_end
