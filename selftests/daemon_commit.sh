#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# daemon_commit.sh: signed operator commits through agiswarmd.
#
#   agi-plant (operator)                 agi-agg (192.0.2.1)
#   agictl commit --to 192.0.2.1:6000 --COMMIT--> agiswarm.ko --UPCALL--> agiswarmd
#                 <--COMMIT_ACK (from port 6000)-- agiswarm.ko <--SEND---
#                                        agiswarmd: verify, audit, stage at cycle N
#   (3 workers agi-w1..3 and the bridge as in netns/swarm.sh)
#
# With law pid (kp 1, ki 0, kd 0) and x = 0, y = 0 and u = setpoint
# exactly. A commit of setpoint 0.25 from an authorized operator is
# accepted and announces a cycle N: every ok cycle before N outputs u = 0,
# every ok cycle from N on u = 0.25 (raw 536870912). A commit signed by a
# key that is not in authorized_keys is rejected, and agictl says why.
# The audit log then verifies and holds exactly the accepted commit.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
. "$top/selftests/daemon_lib.sh"
lib_trap

QUARTER=536870912	# 0.25 in Q1.31

accepted_with_cycle()
{
	n_plant "$AGICTL" commit --yes --key "$tmp/op/operator.key" \
		--to "$SWARM_AGG_ADDR:$SWARM_PORT" setpoint "$setpoint" \
		> "$tmp/commit.out" 2>&1 || { tap_nest "$tmp/commit.out"; return 1; }
	tap_nest "$tmp/commit.out"
	apply_at=$(sed -n 's/.*applies at cycle \([0-9]*\).*/\1/p' "$tmp/commit.out")
	[ -n "$apply_at" ]
}

# u is 0 before the announced cycle and the setpoint from it on.
u_changes_at_cycle()
{
	"$JQ" -e -s --argjson n "$apply_at" --argjson q $QUARTER '
		map(select(.status == "ok")) as $ok
		| ($ok | map(select(.cycle < $n)) | length > 0)
		and ($ok | map(select(.cycle >= $n)) | length > 0)
		and ($ok | all(if .cycle < $n then (.u | all(. == 0))
			       else (.u | all(. == $q)) end))' \
		"$tmp/monitor.json" > /dev/null
}

unauthorized_rejected()
{
	local rc=0
	n_plant "$AGICTL" commit --yes --key "$tmp/intruder/operator.key" \
		--to "$SWARM_AGG_ADDR:$SWARM_PORT" setpoint 0.5 \
		> "$tmp/reject.out" 2>&1 || rc=$?
	tap_nest "$tmp/reject.out"
	[ "$rc" = 1 ] && grep -q "commit rejected: unknown key [0-9a-f]\{16\}" "$tmp/reject.out"
}

audit_holds_one()
{
	"$AGICTL" audit verify --log "$tmp/audit.log" \
		--keys "$tmp/authorized_keys" > "$tmp/audit.out" 2>&1 || {
		tap_nest "$tmp/audit.out"; return 1; }
	[ "$(wc -l < "$tmp/audit.log")" = 1 ]
}

daemon_prereqs
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
on_exit "$SWARM" down
tap_begin 7

signed_swarm_up
operator "$tmp/intruder"
agg_config "$tmp/agg.yaml"
tap_check "agiswarmd adopts the running aggregator" daemon_start "$SWARM_AGG" agg "$tmp/agg.yaml"

monitor_start 200 "$tmp/monitor.json"
tap_check "an authorized commit is accepted and announces its cycle" accepted_with_cycle
wait "$MONITOR_PID" || true
echo "# applies at cycle $apply_at; monitor saw cycles $(head -c 200 "$tmp/monitor.json" | "$JQ" -r '.cycle' 2>/dev/null | head -n 1)..$(tail -n 1 "$tmp/monitor.json" | "$JQ" -r .cycle)"
tap_check "u = 0 before cycle $apply_at and u = the new setpoint from it on" u_changes_at_cycle
tap_check "a commit by a key not in authorized_keys is rejected with the reason" unauthorized_rejected
tap_check "the audit log verifies and holds the accepted commit only" audit_holds_one
tap_check "the daemon logged the verdicts" grep -q "rejected: unknown key" "$tmp/agg.log"
tap_nest "$tmp/agg.log" | head -n 30
tap_end
