#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# daemon_intent.sh: operator intent is never lost or misreported.
#
# Two-phase staging. agiswarmd holds a commit in the module (checked, for
# no cycle), writes its audit record, then arms it. The daemon is started
# with AGISWARMD_TEST_PAUSE_BEFORE_ARM (a pause between record and arm,
# for tests only) and killed with SIGKILL in that pause: the commit
# (setpoint 0.25 under law pid kp 1, x = 0, so u would become 0.25) is
# in the log as "applied at cycle N" but never armed. Every ok cycle up
# to and well past N still outputs u = 0. The restarted daemon finds the
# held change, appends a not-applied record of that commit and drops it:
# the log verifies and says so.
#
# Signed resume. With security.require_signatures (the default), the
# daemon registers with the module so that a resume is a signed commit:
# "agictl node estop" acts at once, a plain "agictl node resume" is
# refused naming the signed way, and "agictl commit resume" resumes at
# the cycle it announces and is in the audit log.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
. "$top/selftests/daemon_lib.sh"
lib_trap

commit_to_agg()
{
	n_plant "$AGICTL" commit --yes --key "$tmp/op/operator.key" \
		--to "$SWARM_AGG_ADDR:$SWARM_PORT" "$@"
}

paused_before_arm() { grep -q "pausing [0-9]* s before arming" "$tmp/agg.log"; }
last_record() { "$AGICTL" -j audit list --log "$tmp/audit.log" | "$JQ" -c '.[-1]'; }
cycle_id() { actl "$SWARM_AGG" -j status | "$JQ" -r .cycle_id; }
past_cycle() { [ "$(cycle_id)" -gt "$1" ]; }

killed_between_record_and_arm()
{
	local pid
	commit_to_agg setpoint "$setpoint" > "$tmp/held.out" 2>&1 &
	wait_for 30 "the daemon to pause before arming" paused_before_arm ||
		return 1
	pid=$(cat "$tmp/agg.pid")
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null || true
	wait_for 30 "agiswarmd to be gone" daemon_gone "$pid" || return 1
	last_record > "$tmp/held.json"
	cat "$tmp/held.json" | cut -c 1-300
	held_at=$("$JQ" -r .apply_cycle "$tmp/held.json")
	[ "$held_at" -gt 0 ] 2>/dev/null
}

# u = 0 in every ok cycle the monitor saw, some of them past the cycle.
never_took_effect()
{
	wait_for 60 "cycle $((held_at + 20))" past_cycle $((held_at + 20)) ||
		return 1
	wait "$MONITOR_PID" || true
	"$JQ" -e -s --argjson n "$held_at" '
		map(select(.status == "ok")) as $ok
		| ($ok | map(select(.cycle >= $n)) | length > 0)
		and ($ok | all(.u | all(. == 0)))' \
		"$tmp/monitor.json" > /dev/null || return 1
	[ "$(actl "$SWARM_AGG" -j status | "$JQ" -r .staged_cycle)" = null ]
}

log_tells_the_truth()
{
	"$AGICTL" audit list --log "$tmp/audit.log" > "$tmp/list.out" 2>&1
	tap_nest "$tmp/list.out"
	last_record > "$tmp/last.json"
	"$JQ" -e --argjson n "$held_at" --argjson seq \
		"$("$JQ" .seq "$tmp/held.json")" '
		.seq == $seq and .apply_cycle == null
		and (.not_applied | test("never armed for cycle \($n)"))' \
		"$tmp/last.json" > /dev/null || return 1
	grep -q "NOT APPLIED after all (never armed for cycle $held_at" \
		"$tmp/list.out" || return 1
	grep -q "recorded as not applied" "$tmp/agg.log" || return 1
	"$AGICTL" audit verify --log "$tmp/audit.log" \
		--keys "$tmp/authorized_keys" > "$tmp/verify.out" 2>&1 || {
		tap_nest "$tmp/verify.out"; return 1; }
}

safe_state_is() { [ "$(actl "$SWARM_AGG" -j status | "$JQ" -r .safe)" = "$1" ]; }

plain_resume_refused()
{
	local rc=0
	actl "$SWARM_AGG" node estop || return 1
	safe_state_is estop || return 1
	actl "$SWARM_AGG" node resume 2> "$tmp/resume.err" || rc=$?
	tap_nest "$tmp/resume.err"
	[ "$rc" = 1 ] || return 1
	grep -q "resume with a signed commit (agictl commit ... resume)" \
		"$tmp/resume.err" || return 1
	safe_state_is estop
}

signed_resume()
{
	commit_to_agg resume > "$tmp/resume.out" 2>&1 || {
		tap_nest "$tmp/resume.out"; return 1; }
	tap_nest "$tmp/resume.out"
	resume_at=$(sed -n 's/.*applies at cycle \([0-9]*\).*/\1/p' "$tmp/resume.out")
	[ -n "$resume_at" ] || return 1
	wait_for 30 "the law's outputs again" safe_state_is no || return 1
	last_record > "$tmp/resume.json"
	"$JQ" -e --argjson n "$resume_at" \
		'.apply_cycle == $n and .changes.resume == true' \
		"$tmp/resume.json" > /dev/null
}

daemon_prereqs
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
on_exit "$SWARM" down
tap_begin 8

signed_swarm_up
agg_config "$tmp/agg.yaml"
export AGISWARMD_TEST_PAUSE_BEFORE_ARM=60
tap_check "agiswarmd starts (pausing before every arm)" daemon_start "$SWARM_AGG" agg "$tmp/agg.yaml"
unset AGISWARMD_TEST_PAUSE_BEFORE_ARM

monitor_start 400 "$tmp/monitor.json"
held_at=0
tap_check "SIGKILL between the audit record and the arm" killed_between_record_and_arm
tap_check "the held change never takes effect (u = 0 past cycle $held_at)" never_took_effect
# daemon_start waits for "running as" in agg.log: a fresh one.
mv "$tmp/agg.log" "$tmp/agg-killed.log"
tap_check "agiswarmd starts again" daemon_start "$SWARM_AGG" agg "$tmp/agg.yaml"
tap_check "the log says the commit was not applied, and verifies" log_tells_the_truth
tap_check "estop at once; a plain resume is refused naming the signed way" plain_resume_refused
tap_check "a signed resume commit resumes at its cycle and is in the log" signed_resume
tap_nest "$tmp/agg-killed.log" | tail -n 5
tap_nest "$tmp/agg.log" | tail -n 20
tap_end
