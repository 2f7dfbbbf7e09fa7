#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh: act 1 of `make demo` (netns/demo_acts.sh). A swarm in network
# namespaces keeps an unstable plant under control while workers stall and
# links lose packets, and every output is checked against an independent
# reference.
#
#   agi-plant --SENSOR--> agi-agg --TASK--> agi-w1 .. agi-w8
#       ^                   |     <--RESULT--
#       +-----ACTUATE-------+        (netns/swarm.sh has the full picture)
#
# Phases, 50 cycles each at 20 Hz, each opened by a kick to the plant (+0.3
# on every state) so that every phase shows the loop pulling it back: normal;
# workers 3 and 6 stalled; stall cleared, 10% loss on every worker link; loss
# cleared; then an operator: agiswarmd takes over the running aggregator,
# a commit signed by an authorized key moves the plant's setpoint, and one
# signed by an unknown key is refused. Then the metrics, the workers and a
# summary. Runs by itself
# in about a minute (longer under emulation) and cleans up after itself.
# Needs root, the module (loaded, or AGISWARM_KO), agictl, jq, ip, tc and
# the helpers plant and verify_cycles (make vm-tests).
#
# DEMO_PLANT (`make demo PLANT=...`) picks the plant, each the same
# dynamics under the same checks:
#   plant   selftests/plant, the built-in test plant (the default)
#   python  configs/plant_example.py over the Python module (no kicks: the
#           example takes no disturbance)
#   modbus  selftests/modbus_plant, a Modbus/TCP device, bridged by
#           agiswarm-modbus with configs/modbus_plant.yaml
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$top/netns/lib.sh" ] || top=$PWD
. "$top/netns/lib.sh"
. "$top/selftests/daemon_lib.sh"	# operator, authorize, agg_config, daemon_start
lib_trap

PHASE_CYCLES=50
MATRIX=$top/configs/swarm_matrix.json
STALLED="3 6"
LOSS=10

say() { printf '\n== %s\n' "$*"; }

DEMO_PLANT=${DEMO_PLANT:-plant}

# plant_text: the plant's lines so far as "step K max|s| DECIMAL ...",
# whichever plant it is.
plant_text()
{
	case $DEMO_PLANT in
	plant) cat "$tmp/plant.txt" ;;
	python) awk '{ printf "step %s max|s| %.10f cycle %s\n", $2, $6 / 2147483648, $4 }' \
		"$tmp/plant.txt" ;;
	modbus) "$JQ" -r '"step \(.step) max|s| \([.s[] | if . < 0 then -. else . end] | max / 2147483648 * 1e10 | round / 1e10)"' \
		"$tmp/plant.txt" 2>/dev/null ;;
	esac
}

# The plant's newest line, shortened for a person.
plant_now()
{
	plant_text 2>/dev/null | tail -n 1 | sed 's/  */ /g'
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
	first=$(plant_text | sed -n '1s/.*max|s| \([^ ]*\).*/\1/p')
	last=$(plant_text | tail -n 1 | sed -n 's/.*max|s| \([^ ]*\).*/\1/p')
	say "summary"
	echo "   cycles watched:   $total ($ok ok, $missed missed: deadline passed, output held)"
	echo "   plant max |s|:    $first at the start -> $last at the end (open loop it grows 10%/step;"
	echo "                     after alice's setpoint $SETPOINT the loop holds it at -2 x $SETPOINT = 0.2)"
	if [ "$vrc" = 0 ]; then
		echo "   exactness:        every ok output equals y = A x recomputed independently"
	else
		echo "   exactness:        verify_cycles FAILED (see above)"
	fi
	grep '^# verify_cycles' "$tmp/verify.out" | sed 's/^# /   /'
	grep '^# verify_cycles' "$tmp/verify2.out" | sed 's/^# /   /'
	if [ "$operator_ok" = 1 ]; then
		echo "   operator:         alice's commit applied at cycle $OPERATOR_CYCLE (u = y - sp exactly from then on); mallory's refused"
	else
		echo "   operator:         FAILED (commit not applied as announced, or the forged one not refused)"
	fi
}

# The PID law with kp = -1 and no I or D gives u = y - sp, so the plant
# s' = 1.1 s + 0.05 s(next) + u settles where s = -2 sp: at 0.2 for sp = -0.1.
SETPOINT=-0.1
SETPOINT_RAW=-214748365		# -0.1 in Q1.31, rounded half away from zero
WORKERS_YAML=$(for i in 1 2 3 4 5 6 7 8; do
	printf '{id: %d, address: "192.0.2.%d"}\n' "$i" $((10 + i))
done | paste -sd, -)

# commit_as NAME OUT: NAME signs the setpoint change and sends it from the
# plant's namespace to the aggregator; agictl's verdict goes to OUT.
commit_as()
{
	n_plant "$AGICTL" commit --yes --key "$tmp/$1/operator.key" \
		--to "$SWARM_AGG_ADDR:$SWARM_PORT" law pid kp -1 ki 0 kd 0 \
		setpoint "$(printf '%s,' $SETPOINT $SETPOINT $SETPOINT $SETPOINT \
			$SETPOINT $SETPOINT $SETPOINT $SETPOINT | sed 's/,$//')" \
		> "$2" 2>&1
}

# pid_exact FILE CYCLE: every ok cycle from CYCLE on has u = y - sp exactly.
pid_exact()
{
	"$JQ" -e -s --argjson n "$2" --argjson sp $SETPOINT_RAW '
		map(select(.status == "ok" and .cycle >= $n)) as $ok
		| ($ok | length > 0) and
		  ($ok | all(. as $c | [range(0; $c.u | length)]
			| all($c.u[.] == $c.y[.] - $sp)))' "$1" > /dev/null
}

operator_phase()
{
	local apply_at rc=0

	say "phase 5: an operator takes the helm (agiswarmd + signed commits)"
	operator "$tmp/alice"
	authorize "$tmp/alice" alice
	operator "$tmp/mallory"
	STATIC_WORKERS=$WORKERS_YAML
	agg_config "$tmp/agg.yaml"
	if ! daemon_start "$SWARM_AGG" agg "$tmp/agg.yaml"; then
		sed 's/^/   agiswarmd: /' "$tmp/agg.log"
		return 1
	fi
	grep 'adopt' "$tmp/agg.log" | sed 's/^/   /'
	echo "   alice's key is in authorized_keys; mallory's is not"
	timeout 900 "$IP" netns exec "$SWARM_AGG" "$AGICTL" -j monitor \
		> "$tmp/monitor2.json" &
	monitor2_pid=$!
	on_exit kill $monitor2_pid

	echo "   \$ agictl commit --key alice law pid kp -1 ki 0 kd 0 setpoint $SETPOINT,...  (from the plant's host)"
	commit_as alice "$tmp/alice.out" || true
	sed 's/^/   /' "$tmp/alice.out"
	apply_at=$(sed -n 's/.*applies at cycle \([0-9]*\).*/\1/p' "$tmp/alice.out")
	echo "   \$ agictl commit --key mallory (the same change, an unknown key)"
	commit_as mallory "$tmp/mallory.out" || rc=$?
	sed 's/^/   /' "$tmp/mallory.out"
	echo "   agictl exit status $rc"
	for i in 1 2 3 4 5; do
		wait_cycles $((PHASE_CYCLES / 5)) 120
		progress
	done
	kill -TERM "$monitor2_pid" 2>/dev/null || true
	wait "$monitor2_pid" || true

	say "the audit log (agictl audit verify)"
	"$AGICTL" audit --log "$tmp/audit.log" | sed 's/^/   /'
	"$AGICTL" audit verify --log "$tmp/audit.log" \
		--keys "$tmp/authorized_keys" 2>&1 | sed 's/^/   /'
	OPERATOR_CYCLE=${apply_at:-0}
}

missing=$(have_tools "$IP" "$TC" "$AGICTL" "$JQ" timeout) || {
	echo "demo: $missing not found" >&2
	exit "$KSFT_SKIP"
}
case ${DEMO_PLANT:-plant} in
plant)
	PLANT=$(find_helper plant) || { echo "demo: plant not built (make vm-tests)" >&2; exit 1; }
	KICK_COMM=plant ;;
python)
	have_tools python3 >/dev/null || { echo "demo: python3 not found" >&2; exit 1; }
	KICK_COMM=none ;;
modbus)
	MODBUS_PLANT=$(find_helper modbus_plant) || { echo "demo: modbus_plant not built (make vm-tests)" >&2; exit 1; }
	AGISWARM_MODBUS=$(command -v agiswarm-modbus || echo "$top/build/agiswarm-modbus")
	[ -x "$AGISWARM_MODBUS" ] || { echo "demo: agiswarm-modbus not built" >&2; exit 1; }
	KICK_COMM=modbus_plant ;;
*)
	echo "demo: DEMO_PLANT=$DEMO_PLANT: allowed plant, python or modbus" >&2
	exit 2 ;;
esac
VERIFY=$(find_helper verify_cycles) || { echo "demo: verify_cycles not built" >&2; exit 1; }
AGISWARMD=${AGISWARMD:-$(command -v agiswarmd || echo "$top/build/agiswarmd")}
[ -x "$AGISWARMD" ] || { echo "demo: agiswarmd not built" >&2; exit 1; }
SWARM=$top/netns/swarm.sh
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
on_exit "$SWARM" down

say "AGISWARM demo: 1 aggregator, 8 workers, 1 plant (s' = 1.1 s + u, 8 states; DEMO_PLANT=$DEMO_PLANT)"
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
case $DEMO_PLANT in
plant)
	n_plant "$PLANT" --aggregator "$SWARM_AGG_ADDR:$SWARM_PORT" \
		--listen "$SWARM_PLANT_ADDR:$SWARM_PORT" --steps 100000 --period 100 \
		--psk "$SWARM_KEYS/swarm.psk" --key "$SWARM_KEYS/plant/node.pub" \
		--peer-key "$SWARM_KEYS/agg/node.pub" \
		--kick-on-signal 0.3 > "$tmp/plant.txt" 2> "$tmp/plant.err" &
	;;
python)
	n_plant python3 -B "$top/configs/plant_example.py" \
		"$SWARM_PLANT_ADDR:$SWARM_PORT" "$SWARM_KEYS/swarm.psk" \
		"$SWARM_KEYS/plant/node.pub" 100000 \
		"$SWARM_AGG_ADDR:$SWARM_PORT" "$SWARM_KEYS/agg/node.pub" \
		> "$tmp/plant.txt" 2> "$tmp/plant.err" &
	;;
modbus)
	# The device (its own clock, 200 ms steps) and the bridge beside it,
	# reading at the cycle's rate: each step's u is written before the
	# next step (plant_modbus.sh).
	# (ip netns exec execs them: $! is the program, not a subshell.)
	"$IP" netns exec "$SWARM_PLANT" "$MODBUS_PLANT" \
		--map "$top/configs/modbus_plant.yaml" \
		--period 200 --kick-on-signal 0.3 \
		> "$tmp/plant.txt" 2> "$tmp/plant.err" &
	device_pid=$!
	on_exit kill $device_pid
	"$IP" netns exec "$SWARM_PLANT" "$AGISWARM_MODBUS" --map "$top/configs/modbus_plant.yaml" \
		--period 50 --aggregator "$SWARM_AGG_ADDR:$SWARM_PORT" \
		--peer-key "$SWARM_KEYS/agg/node.pub" \
		--psk "$SWARM_KEYS/swarm.psk" --key "$SWARM_KEYS/plant/node.pub" \
		--listen "$SWARM_PLANT_ADDR:$SWARM_PORT" 2> "$tmp/bridge.err" &
	;;
esac
plant_pid=$!
on_exit kill $plant_pid
# kick: disturb the plant now (shown as a jump of max|s|). $plant_pid is
# the subshell of n_plant, so the plant itself is signalled by name.
kick()
{
	local comm pid
	for comm in /proc/[0-9]*/comm; do
		[ "$(cat "$comm" 2>/dev/null)" = "$KICK_COMM" ] || continue
		pid=${comm#/proc/}
		kill -USR1 "${pid%/comm}"
	done
}

wait_cycles 20 120
kick
if [ "$KICK_COMM" = none ]; then
	run_phase "phase 1: all 8 workers healthy (this plant takes no kicks)"
else
	run_phase "phase 1: all 8 workers healthy (plant kicked by +0.3)"
fi
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

operator_phase
kill "$plant_pid" 2>/dev/null || true
# The device would go on stepping, uncontrolled, after its bridge: it
# stops once the bridge has (which then has written its last actuation).
if [ -n "${device_pid:-}" ]; then
	wait "$plant_pid" 2>/dev/null || true
	kill "$device_pid" 2>/dev/null || true
fi

say "the plant at the start and after each kick: the loop pulls max |s| back to 0"
# A line whose max|s| jumps is a kick: show it and the 7 steps after it.
awk '{ v = $4 + 0
       if (NR == 1 || (v > 0.1 && v > 2 * prev)) { left = 8; if (NR > 1) print "" }
       if (left > 0) { print; left-- }
       prev = v }' <(plant_text) | sed 's/^/   /'

if [ "$DEMO_PLANT" = modbus ]; then
	wait "$plant_pid" 2>/dev/null || true
	say "agiswarm-modbus (the bridge's log and counts)"
	sed 's/^/   /' "$tmp/bridge.err"
fi

say "agictl metrics last 10"
actl "$SWARM_AGG" metrics last 10 | sed 's/^/   /'
say "agictl workers list"
actl "$SWARM_AGG" workers list | sed 's/^/   /'

say "checking every cycle with verify_cycles (128-bit reference, not the core)"
vrc=0
"$VERIFY" --matrix "$tmp/matrix.txt" --min-cycles $((4 * PHASE_CYCLES)) \
	< "$tmp/monitor.json" > "$tmp/verify.out" 2>&1 || vrc=$?
grep -v '^# verify_cycles' "$tmp/verify.out" | head -n 20 | sed 's/^/   /'
# Phase 5: y = A x still exact; u = y - sp from the announced cycle on.
"$VERIFY" --matrix "$tmp/matrix.txt" --law pid --min-cycles 10 \
	< "$tmp/monitor2.json" > "$tmp/verify2.out" 2>&1 || vrc=$?
grep -v '^# verify_cycles' "$tmp/verify2.out" | head -n 20 | sed 's/^/   /'
if [ "$OPERATOR_CYCLE" -gt 0 ] && pid_exact "$tmp/monitor2.json" "$OPERATOR_CYCLE" &&
	grep -q 'commit rejected: unknown key' "$tmp/mallory.out"; then
	operator_ok=1
else
	operator_ok=0
	vrc=1
fi
# For make demo's pictures, drawn on the host by selftests/vm/demo_plots.sh
# from these lines of the log: the plant's state x and the outputs u of
# every watched cycle (as decimals; NaN where a missed cycle has none),
# and the aggregator's cycle records.
"$JQ" -r '"@demo-plant \(.cycle) \(.status) " + ([(range(8) as $i | .x[$i]),
	(range(8) as $i | .u[$i])] | map(if . == null then "NaN" else
	(. / 2147483648 * 10000 | round / 10000 | tostring) end) | join(" "))' \
	"$tmp/monitor.json" "$tmp/monitor2.json" 2>/dev/null || true
actl "$SWARM_AGG" -j metrics | "$JQ" -r \
	'.[] | "@demo-cycle \(.cycle) \(.status) \(.latency_us) \(.jitter_us)"' || true
summary $vrc
exit $vrc
