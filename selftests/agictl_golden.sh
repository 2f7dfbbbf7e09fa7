#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# agictl prints exactly what it printed before, over a running swarm: every
# read verb (status, node, workers, peer, matrix, config, metrics,
# monitor) in text, -j and -p, in three nodes, and the module's refusals.
# The transcript (stdout, stderr and exit status of each command) must
# equal selftests/golden/agictl_swarm.golden byte for byte, block by
# block; it was recorded from the code before the userspace library was
# split out of cli/ and daemon/ (commit 5ba4b03). When agictl's output
# changes on purpose, record it again (see selftests/lib/golden.sh) and let
# the golden file's diff show the change. agictl_golden_usage.sh does the
# same for what needs no module.
#
#       agi-hub: bridge br0
#      +-----------+-----------+-----------+-----------+
#      |           |           |           |           |
#  agi-agg     agi-w1      agi-w2      agi-w3      agi-plant
#  192.0.2.1   .11         .12         .13         .100 (no process)
#  aggregator  worker 1    worker 2    worker 3    sensor/actuator 100
#
#  plus agi-golden-new: a namespace whose node was never set.
#
# Phase A, nothing cycles: netns/swarm.sh up --workers 3 --no-start, then
# a PID law, a fault, a worker's health and an input are set with agictl.
# Every number agictl prints is then determined by these steps, so nothing
# is masked but a commit's clock and key (not_before/not_after, key id).
# Phase B, the cycle ran: `node start`, 20 cycles, `node stop`. Masked
# there, because how fast the emulated machine answers decides them:
#   status     the traffic and cycle counters (rx_*, tx_*, cycles*,
#              tasks_sent, results_*, faults_applied, decode_failed,
#              drop_stale) and the last cycle id
#   workers    health (ok/late), results, missed, last cycle
#   metrics    cycle id, status, latency, jitter, workers answered,
#              error rate, results used (text: column by column, keeping
#              each column's width; CSV: digits, keeping the decimals)
#   monitor    cycle id, status, latency, workers, y and u (a missed
#              cycle has no y)
#
# Environment: AGISWARM_KO, IP, AGICTL, JQ (netns/lib.sh). Prints TAP;
# exits 4 (skip) when a tool is missing.
set -u
. "$(dirname "$0")/../netns/lib.sh"
. "$lib_top/selftests/lib/golden.sh"

GOLDEN=${GOLDEN:-$lib_top/selftests/golden/agictl_swarm.golden}
WORKERS=3
CYCLES=20

# Phase A: everything set, nothing cycling.
read_verbs()
{
	local ns
	for ns in agg w1 new; do
		run "$ns" ''
		run "$ns" '' status
		run "$ns" '' -j status
		run "$ns" '' -p status show
		run "$ns" '' node
		run "$ns" '' -j node show
		run "$ns" '' workers
		run "$ns" '' -j workers list
		run "$ns" "$MASK_PEER" peer
		run "$ns" "$MASK_PEER" -j peer list
		run "$ns" "$MASK_PEER" -p peer show
		run "$ns" '' matrix
		run "$ns" '' -j matrix show
		run "$ns" '' config
		run "$ns" '' -j config show
		run "$ns" '' -p config show
		run "$ns" '' metrics
		run "$ns" '' metrics last 5
		run "$ns" '' metrics --csv
		run "$ns" '' -j metrics
	done
	run agg '' -p workers list
	flush
}

refusals()
{
	run agg '' node set cycle 50ms deadline 60ms
	run agg '' -j node set cycle 50ms deadline 60ms
	run agg '' peer del worker 99
	run agg '' -j peer del worker 99
	run agg '' input set 0.5
	run agg '' peer add worker 9 '[2001:db8::1]:6000'
	run agg '' fault clear worker 42
	run agg '' node set cycle 100s
	run w1 '' node start
	run w1 '' matrix load configs/swarm_matrix.json
	flush
}

# A commit to an aggregator without a daemon: summary, then no answer.
unanswered_commit()
{
	"$AGICTL" keygen --output "$KEYS" > /dev/null
	run agg "$MASK_COMMIT" commit --yes --key "$KEYS/operator.key" \
		--seq 45 --to 192.0.2.1 kp 1
	flush
}

# The swarm of phase A: a law, a fault, a health, an input.
setup_a()
{
	actl "$SWARM_AGG" law set pid kp 1.5 ki 0.25 kd -0.125 lo -0.75 \
		hi 0.75 setpoint 0.5,-0.5,0.25,0,0,0,0,0.125 &&
	actl "$SWARM_AGG" fault inject worker 2 delay 5 &&
	actl "$SWARM_AGG" fault inject worker 1 drop 10 &&
	actl "$SWARM_AGG" peer add worker 3 "$(worker_addr 3):$SWARM_PORT" \
		health degraded &&
	actl "$SWARM_AGG" input set 0.5,-0.25,0.125,0,0,0,0,-1 &&
	"$IP" netns add "$NS_NEW"
}

phase_b()
{
	run agg '' fault clear worker 1
	run agg '' fault clear
	run agg '' node start
	run agg "$MASK_MONITOR" monitor --count 2
	run agg "$MASK_MONITOR" -j monitor --count 2
	flush
	wait_cycles "$CYCLES" 90 || return 1
	run agg '' node stop
	flush
	# a RESULT still on its way must not change the counters read below
	sleep 0.5
	run agg "$MASK_STATUS" status
	run agg "$MASK_STATUS" -j status
	run agg "$MASK_WORKERS" workers list
	run agg "$MASK_WORKERS" -j workers list
	run agg @mask_metrics_text metrics last 3
	run agg "$MASK_METRICS_JSON" -j metrics last 3
	run agg @mask_metrics_csv metrics last 3 --csv
	flush
}

lib_trap
[ "$(id -u)" = 0 ] || tap_skip_all "needs root"
missing=$(have_tools "$IP" "$AGICTL" "$JQ" timeout awk base64) &&
	: || tap_skip_all "$missing not found"
"$IP" netns list >/dev/null 2>&1 ||
	tap_skip_all "$IP has no netns support (busybox ip?)"
module_loaded || [ -f "${AGISWARM_KO:-}" ] ||
	tap_skip_all "agiswarm not loaded and AGISWARM_KO is not a file"
[ -e "/run/netns/$SWARM_HUB" ] &&
	tap_skip_all "a swarm is already up (netns/swarm.sh down)"
# The recorded paths are relative to the repository's top.
cd "$lib_top" || exit 1
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
on_exit "$lib_top/netns/swarm.sh" down
on_exit "$IP" netns del "$NS_NEW"
on_exit rm -rf "$KEYS" "$KEYS.bin"
: > "$tmp/transcript"

rc=0
"$lib_top/netns/swarm.sh" up --workers "$WORKERS" --no-start \
	> "$tmp/up.log" 2>&1 && setup_a >> "$tmp/up.log" 2>&1 || rc=$?
if [ "$rc" != 0 ]; then
	tap_begin 1
	tap_nest "$tmp/up.log"
	tap_result "swarm up and phase A set" "$rc"
	exit 1
fi
echo "# swarm up in $SECONDS s"
for step in read_verbs refusals unanswered_commit; do
	"$step"
	echo "# $step done at $SECONDS s"
done
if ! phase_b; then
	tap_begin 1
	tap_result "phase B: $CYCLES cycles" 1
	exit 1
fi
echo "# $(grep -c '^==== ' "$tmp/transcript") commands in $SECONDS s"
golden_finish
