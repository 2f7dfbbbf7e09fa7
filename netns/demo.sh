#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh: the body of `make demo`. A swarm in network namespaces keeps an
# unstable plant under control while workers stall and links lose
# packets, and every output is checked against an independent reference.
#
#   agi-plant --SENSOR--> agi-agg --TASK--> agi-w1 .. agi-w8
#       ^                   |     <--RESULT--
#       +-----ACTUATE-------+        (netns/swarm.sh has the full picture)
#
# Phases, 50 cycles each at 20 Hz, each opened by a kick to the plant (+0.3
# on every state) so that every phase shows the loop pulling it back: normal;
# workers 3 and 6 stalled; stall cleared, 10% loss on every worker link; loss
# cleared. Then the metrics, the workers and a summary. Runs by itself
# in about a minute (longer under emulation) and cleans up after itself.
# Needs root, the module (loaded, or AGISWARM_KO), agictl, jq, ip, tc and
# the helpers plant and verify_cycles (make vm-tests).
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$top/netns/lib.sh" ] || top=$PWD
. "$top/netns/lib.sh"
lib_trap

PHASE_CYCLES=50
MATRIX=$top/configs/swarm_matrix.json
STALLED="3 6"
LOSS=10

say() { printf '\n== %s\n' "$*"; }

# The plant's newest line, shortened for a person.
plant_now()
{
	tail -n 1 "$tmp/plant.txt" 2>/dev/null | sed 's/  */ /g'
}

progress()
{
	local st
	st=$(actl "$SWARM_AGG" -j status)
	printf '   cycle %s: %s ok, %s missed | plant: %s\n' \
		"$("$JQ" -r '.cycle_id // "?"' <<< "$st")" \
		"$("$JQ" -r '.counters.cycles_ok // 0' <<< "$st")" \
		"$("$JQ" -r '.counters.cycles_missed // 0' <<< "$st")" \
		"$(plant_now)"
}

# run_phase TEXT: let PHASE_CYCLES cycles pass, showing progress.
run_phase()
{
	local i
	say "$1"
	for i in 1 2 3 4 5; do
		wait_cycles $((PHASE_CYCLES / 5)) 120
		progress
	done
}

set_loss()
{
	local i
	for i in $(seq 1 8); do
		if [ "$1" = 0 ]; then
			n_w "$i" "$TC" qdisc del dev eth0 root 2>/dev/null || true
		else
			n_w "$i" "$TC" qdisc replace dev eth0 root netem loss "$1%"
		fi
	done
}

summary()
{
	local first last total ok missed vrc=$1
	total=$(wc -l < "$tmp/monitor.json")
	ok=$("$JQ" -s '[.[] | select(.status == "ok")] | length' "$tmp/monitor.json")
	missed=$((total - ok))
	first=$(sed -n '1s/.*max|s| \([^ ]*\).*/\1/p' "$tmp/plant.txt")
	last=$(tail -n 1 "$tmp/plant.txt" | sed -n 's/.*max|s| \([^ ]*\).*/\1/p')
	say "summary"
	echo "   cycles watched:   $total ($ok ok, $missed missed: deadline passed, output held)"
	echo "   plant max |s|:    $first at the start -> $last at the end (open loop it grows 10%/step)"
	if [ "$vrc" = 0 ]; then
		echo "   exactness:        every ok output equals y = A x recomputed independently"
	else
		echo "   exactness:        verify_cycles FAILED (see above)"
	fi
	grep '^# verify_cycles' "$tmp/verify.out" | sed 's/^# /   /'
}

missing=$(have_tools "$IP" "$TC" "$AGICTL" "$JQ" timeout) || {
	echo "demo: $missing not found" >&2
	exit "$KSFT_SKIP"
}
PLANT=$(find_helper plant) || { echo "demo: plant not built (make vm-tests)" >&2; exit 1; }
VERIFY=$(find_helper verify_cycles) || { echo "demo: verify_cycles not built" >&2; exit 1; }
SWARM=$top/netns/swarm.sh
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
on_exit "$SWARM" down

say "AGISWARM demo: 1 aggregator, 8 workers, 1 plant (s' = 1.1 s + u, 8 states)"
if ! "$SWARM" up --workers 8 > "$tmp/up.log" 2>&1; then
	sed 's/^/   /' "$tmp/up.log"
	echo "demo: the swarm did not come up" >&2
	exit 1
fi
sed 's/^/   /' "$tmp/up.log"
actl "$SWARM_AGG" matrix show | sed 's/^/   /'
matrix_text "$MATRIX" "$tmp/matrix.txt"

# Every cycle from here to the end is recorded and checked afterwards.
timeout 1800 "$IP" netns exec "$SWARM_AGG" "$AGICTL" -j monitor \
	> "$tmp/monitor.json" &
monitor_pid=$!
on_exit kill $monitor_pid
# 100 ms steps against 50 ms cycles: every step sees a fresh output. Each
# SIGUSR1 kicks every state by +0.3 at the plant's next step.
n_plant "$PLANT" --aggregator "$SWARM_AGG_ADDR:$SWARM_PORT" \
	--listen "$SWARM_PLANT_ADDR:$SWARM_PORT" --steps 100000 --period 100 \
	--kick-on-signal 0.3 > "$tmp/plant.txt" 2> "$tmp/plant.err" &
plant_pid=$!
on_exit kill $plant_pid
# kick: disturb the plant now (shown as a jump of max|s|). $plant_pid is
# the subshell of n_plant, so the plant itself is signalled by name.
kick()
{
	local comm pid
	for comm in /proc/[0-9]*/comm; do
		[ "$(cat "$comm" 2>/dev/null)" = plant ] || continue
		pid=${comm#/proc/}
		kill -USR1 "${pid%/comm}"
	done
}

wait_cycles 20 120
kick
run_phase "phase 1: all 8 workers healthy (plant kicked by +0.3)"
for id in $STALLED; do
	actl "$SWARM_AGG" fault inject worker "$id" stall
done
kick
run_phase "phase 2: workers ${STALLED// / and } stalled (agictl fault inject worker ID stall)"
actl "$SWARM_AGG" fault clear
set_loss $LOSS
kick
run_phase "phase 3: stall cleared; $LOSS% packet loss on every worker link (netem)"
set_loss 0
kick
run_phase "phase 4: loss cleared"
# monitor ends cleanly on SIGTERM, after its last whole line.
kill -TERM "$monitor_pid" 2>/dev/null || true
wait "$monitor_pid" || true
kill "$plant_pid" 2>/dev/null || true

say "the plant at the start and after each kick: the loop pulls max |s| back to 0"
# A line whose max|s| jumps is a kick: show it and the 7 steps after it.
awk '{ v = $4 + 0
       if (NR == 1 || (v > 0.1 && v > 2 * prev)) { left = 8; if (NR > 1) print "" }
       if (left > 0) { print; left-- }
       prev = v }' "$tmp/plant.txt" | sed 's/^/   /'

say "agictl metrics last 10"
actl "$SWARM_AGG" metrics last 10 | sed 's/^/   /'
say "agictl workers list"
actl "$SWARM_AGG" workers list | sed 's/^/   /'

say "checking every cycle with verify_cycles (128-bit reference, not the core)"
vrc=0
"$VERIFY" --matrix "$tmp/matrix.txt" --min-cycles $((4 * PHASE_CYCLES)) \
	< "$tmp/monitor.json" > "$tmp/verify.out" 2>&1 || vrc=$?
grep -v '^# verify_cycles' "$tmp/verify.out" | head -n 20 | sed 's/^/   /'
summary $vrc
exit $vrc
