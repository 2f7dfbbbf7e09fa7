#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# plant_modbus.sh: a Modbus/TCP device as the plant, through agiswarm-modbus
# and the mapping configs/modbus_plant.yaml as shipped.
#
#   agi-plant: modbus_plant (libmodbus server, 192.0.2.100:1502)
#                 ^ read input/holding registers | write holding registers
#              agiswarm-modbus --SENSOR x (sealed)--> agi-agg --> workers
#                 ^------------ACTUATE u (sealed)----------+
#
# The loop closes and converges; every ok output equals y = A x for the
# x the aggregator used (verify_cycles); and, by modbus_check.py's own
# arithmetic: every x sent is its registers by the documented rule, every
# x the aggregator used was sent, every u written is the aggregator's
# output of its cycle converted back by the rule, and the device only ever
# held such registers. Then the device goes silent (SIGSTOP): the bridge
# says so and sends nothing, the aggregator's sensor timeout gives its
# safe output, counted; when the device answers again the bridge writes
# the mapping's safe_output before anything else and the law's outputs
# come back. A device silent past --give-up ends the bridge with status 3.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
lib_trap

CYCLES=150
MAP=$top/configs/modbus_plant.yaml
DEVICE_PORT=1502
PYTHON=${PYTHON:-python3}

swarm_test_prereqs
BRIDGE=$(command -v agiswarm-modbus || find_helper agiswarm-modbus) ||
	tap_skip_all "agiswarm-modbus not built (make)"
DEVICE=$(find_helper modbus_plant) || tap_skip_all "modbus_plant not built (make vm-tests)"
CHECK=$top/selftests/modbus_check.py
missing=$(have_tools "$PYTHON") && [ -f "$CHECK" ] ||
	tap_skip_all "${missing:-$CHECK} not found"
swarm_test_begin 8

# device_start: the simulated device in the plant's namespace. Not through
# n_plant: a function in the background is a subshell, and DEVICE_PID must
# be the device itself (ip netns exec execs it) for SIGSTOP to silence it.
device_start()
{
	"$IP" netns exec "$SWARM_PLANT" "$DEVICE" --map "$MAP" \
		--period $((200 * SCALE)) > "$tmp/device.json" \
		2> "$tmp/device.err" &
	DEVICE_PID=$!
	echo "$DEVICE_PID" >> "$SWARM_STATE/pids"
}

# bridge_start OUT ERR [OPTIONS...]: agiswarm-modbus in the plant's
# namespace; BRIDGE_PID is the bridge itself (SIGTERM ends it cleanly).
bridge_start()
{
	local out=$1 err=$2
	shift 2
	"$IP" netns exec "$SWARM_PLANT" "$BRIDGE" --map "$MAP" \
		--aggregator "$SWARM_AGG_ADDR:$SWARM_PORT" \
		--peer-key "$SWARM_KEYS/agg/node.pub" \
		--psk "$SWARM_KEYS/swarm.psk" --key "$SWARM_KEYS/plant/node.pub" \
		--listen "$SWARM_PLANT_ADDR:$SWARM_PORT" --json "$@" \
		> "$out" 2> "$err" &
	BRIDGE_PID=$!
	echo "$BRIDGE_PID" >> "$SWARM_STATE/pids"
}

device_stepping() { grep -q '"step":1,' "$tmp/device.json"; }

converged()
{
	local first last
	first=$(plant_max_abs "$tmp/device.json" first)
	last=$(plant_max_abs "$tmp/device.json" last)
	echo "# device: $(wc -l < "$tmp/device.json") steps, max |s| first $first, last $last (raw Q1.31)"
	sed 's/^/# /' "$tmp/bridge.err"
	[ -n "$first" ] && [ -n "$last" ] && [ "$last" -lt "$first" ]
}

check() { "$PYTHON" -B "$CHECK" "$@"; }

safe_state_is() { [ "$(actl "$SWARM_AGG" -j status | "$JQ" -r .safe)" = "$1" ]; }
bridge_said() { grep -q "$1" "$tmp/bridge2.err"; }

# silence_failed WHAT: what the bridge and the aggregator said, then false.
silence_failed()
{
	kill -CONT "$DEVICE_PID" 2>/dev/null || true
	echo "# $1"
	sed 's/^/# /' "$tmp/bridge2.err"
	actl "$SWARM_AGG" -j status | "$JQ" -c '{safe, sensor_timeouts: .counters.sensor_timeouts, safe_cycles: .counters.safe_cycles}' | sed 's/^/# /'
	return 1
}

# The device stops answering, then answers again.
silence_is_safe()
{
	actl "$SWARM_AGG" node set sensor-timeout 1s \
		safe-output 0.25,0.25,0.25,0.25,0.25,0.25,0.25,0.25 ||
		silence_failed "node set sensor-timeout refused" || return 1
	wait_for 60 "the law's outputs" safe_state_is no ||
		silence_failed "no law's outputs with the device answering" || return 1
	kill -STOP "$DEVICE_PID"
	wait_for 60 "the bridge to notice" bridge_said ' silent (' ||
		silence_failed "the bridge did not report the silence" || return 1
	wait_for 60 "the safe output" safe_state_is sensor-timeout ||
		silence_failed "no safe output while the device was silent" || return 1
	status_json "$SWARM_AGG" "$tmp/st.json"
	kill -CONT "$DEVICE_PID"
	wait_for 60 "the device's answer" bridge_said 'answers again' ||
		silence_failed "the bridge did not report the device's return" || return 1
	wait_for 60 "the law's outputs again" safe_state_is no ||
		silence_failed "no law's outputs after the device's return" || return 1
	kill "$BRIDGE_PID"
	wait "$BRIDGE_PID" || silence_failed "the bridge did not exit 0 on SIGTERM" || return 1
	sed 's/^/# /' "$tmp/bridge2.err"
	"$JQ" -c '{safe, sensor_timeouts: .counters.sensor_timeouts, safe_cycles: .counters.safe_cycles}' \
		"$tmp/st.json" | sed 's/^/# while silent: /'
	"$JQ" -e '.counters.sensor_timeouts >= 1 and .counters.safe_cycles > 0' \
		"$tmp/st.json" >/dev/null &&
		grep -q '"silent":true' "$tmp/bridge2.json" &&
		grep -Eq 'in [1-9][0-9]* silences, safe_output written [1-9]' "$tmp/bridge2.err"
}

# No SENSOR while silent: the x the bridge sent before and after only.
nothing_sent_while_silent()
{
	"$JQ" -se '[.[] | select(.silent) | has("x")] | any | not' \
		"$tmp/bridge2.json" >/dev/null
}

gives_up()
{
	local rc=0
	kill -STOP "$DEVICE_PID"
	bridge_start "$tmp/bridge3.json" "$tmp/bridge3.err" --give-up 1000 --steps 600
	wait "$BRIDGE_PID" || rc=$?
	kill -CONT "$DEVICE_PID"
	sed 's/^/# /' "$tmp/bridge3.err"
	echo "# exit status $rc"
	[ "$rc" = 3 ] && grep -q 'giving up' "$tmp/bridge3.err"
}

# A slower kernel (AGISWARM_TIMEOUT_SCALE, the debug kernel's) slows the
# loop, not the device's clock: its steps are made as much longer, so that
# a step's u still reaches it before the next one.
SCALE=${AGISWARM_TIMEOUT_SCALE:-1}
swarm_test_up --workers 8
mkdir -p "$SWARM_STATE"
n_plant "$BRIDGE" --map "$MAP" --check > "$tmp/map.json"
device_start
wait_for 60 "the device" device_stepping || true
# The device steps every 200 ms by its own clock; the bridge reads it at
# the 50 ms cycle's rate, so each step's state is read, controlled and its
# u written before the next step (at worst the one after: one step of
# delay, still stable; two would not be: seen on the debug kernel under
# TCG with other VMs on the host before the steps were scaled).
bridge_start "$tmp/bridge.json" "$tmp/bridge.err" --period 50 \
	--steps $((220 * SCALE))
monitor_cycles $CYCLES "$tmp/monitor.json" || true
wait "$BRIDGE_PID" || true

swarm_test_verify "$CYCLES cycles, every ok output equals the reference" 50
tap_check "every x sent is its registers by the rule, and the aggregator used them" \
	check sensors "$tmp/map.json" "$tmp/bridge.json" "$tmp/monitor.json"
tap_check "every u written is the aggregator's output by the rule, and the device held it" \
	check actuators "$tmp/map.json" "$tmp/bridge.json" "$tmp/monitor.json" \
	"$tmp/device.json"
tap_check "the device's state converges under the swarm's control" converged

bridge_start "$tmp/bridge2.json" "$tmp/bridge2.err" --period 50
tap_check "a silent device: reported, safe output, safe_output written on its return" \
	silence_is_safe
tap_check "no SENSOR while the device is silent" nothing_sent_while_silent
tap_check "silent past --give-up: exit status 3" gives_up
tap_end
