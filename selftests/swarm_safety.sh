#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swarm_safety.sh: the loop's safe behaviour when its input fails, and the
# operator's emergency stop, on the real module (issue #10).
#
#   - a silent input (no SENSOR, no input set) for sensor-timeout drives
#     every output to the safe output: exactly timeout/period cycles after
#     the last input, counted by the module in cycles (never wall time);
#     counted (sensor_timeouts, safe_cycles) and shown by status; the next
#     input ends it;
#   - node estop holds the safe output every cycle until node resume;
#   - a PID setpoint that does not give one value per output is refused
#     naming both counts (it used to set the missing outputs to 0), and
#     --broadcast gives every output the same one; law show reads it back;
#   - node start refuses an aggregator with no matrix unless --force.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
lib_trap

# 5 s at the swarm's 50 ms period: 100 cycles, far more than a few agictl
# runs take under TCG. The cycle read before and after setting it brackets
# the cycle the module counts from, whatever the delay.
TIMEOUT=5s
TIMEOUT_US=5000000
TIMEOUT_CYCLES=100
SAFE=0.25,0.25,0.25,0.25,0.25,0.25,0.25,0.25
SAFE_RAW=536870912	# 0.25 in Q1.31
X=0.5,-0.25,0.125,0,0,0,0,-1
NS_BARE=agi-safety-bare

cycle_id() { actl "$SWARM_AGG" -j status | "$JQ" -r '.cycle_id'; }

# is_safe: the jq test of one cycle event whose every output is the safe one.
IS_SAFE="(.u | length == 8 and all(. == $SAFE_RAW))"

monitor_started() { [ -s "$tmp/mon.json" ]; }

silent_input_goes_safe()
{
	local before after first
	actl "$SWARM_AGG" input set "$X" || return 1
	"$IP" netns exec "$SWARM_AGG" "$AGICTL" -j monitor > "$tmp/mon.json" &
	local mon=$!
	wait_for 60 "the monitor" monitor_started || return 1
	before=$(cycle_id)
	actl "$SWARM_AGG" node set sensor-timeout "$TIMEOUT" \
		safe-output "$SAFE" || return 1
	after=$(cycle_id)
	wait_for 120 "the safe output" safe_state_is sensor-timeout || true
	wait_cycles 3 || true
	kill "$mon"
	wait "$mon" || return 1
	# The first safe cycle after the timeout was set.
	first=$("$JQ" -s "[.[] | select(.cycle > $before and $IS_SAFE) | .cycle] | min" \
		"$tmp/mon.json")
	echo "# timeout set between cycles $before and $after; first safe cycle $first"
	[ "$first" != null ] || return 1
	[ "$first" -ge $((before + TIMEOUT_CYCLES)) ] || return 1
	[ "$first" -le $((after + TIMEOUT_CYCLES)) ] || return 1
	# Before it the law's outputs, from it on the safe ones.
	"$JQ" -se "[.[] | select(.cycle > $after and .cycle < $first) | $IS_SAFE] | all(. == false)" \
		"$tmp/mon.json" >/dev/null || return 1
	"$JQ" -se "[.[] | select(.cycle >= $first) | $IS_SAFE] | all" \
		"$tmp/mon.json" >/dev/null
}

safe_shown_and_counted()
{
	status_json "$SWARM_AGG" "$tmp/st1.json" || return 1
	"$JQ" -c '{safe, sensor_timeout_us, sensor_timeouts: .counters.sensor_timeouts, safe_cycles: .counters.safe_cycles}' \
		"$tmp/st1.json"
	"$JQ" -e ".safe == \"sensor-timeout\" and .sensor_timeout_us == $TIMEOUT_US and"'
		  .counters.sensor_timeouts == 1 and .counters.safe_cycles > 0' \
		"$tmp/st1.json" >/dev/null
}

safe_state_is() { [ "$(actl "$SWARM_AGG" -j status | "$JQ" -r .safe)" = "$1" ]; }

input_ends_it()
{
	actl "$SWARM_AGG" input set "$X" || return 1
	wait_for 30 "the law's outputs again" safe_state_is no || return 1
	# Input again: on a slow kernel the waiting above can take the
	# timeout's 100 cycles, after which silence is safe again, rightly.
	actl "$SWARM_AGG" input set "$X" || return 1
	actl "$SWARM_AGG" -j monitor --count 3 > "$tmp/mon2.json" || return 1
	"$JQ" -se "[.[] | $IS_SAFE] | all(. == false)" "$tmp/mon2.json" >/dev/null
}

estop_holds_safe()
{
	actl "$SWARM_AGG" node set sensor-timeout 0 || return 1
	actl "$SWARM_AGG" node estop || return 1
	safe_state_is estop || return 1
	actl "$SWARM_AGG" -j monitor --count 5 > "$tmp/mon3.json" || return 1
	cat "$tmp/mon3.json" | head -n 2 | cut -c 1-200
	"$JQ" -se "length == 5 and ([.[] | $IS_SAFE] | all)" "$tmp/mon3.json" \
		>/dev/null || return 1
	[ "$(counter "$SWARM_AGG" estops)" = 1 ]
}

resume_follows_law()
{
	actl "$SWARM_AGG" node resume || return 1
	safe_state_is no || return 1
	actl "$SWARM_AGG" -j monitor --count 3 > "$tmp/mon4.json" || return 1
	"$JQ" -se "length == 3 and ([.[] | $IS_SAFE] | all(. == false))" \
		"$tmp/mon4.json" >/dev/null
}

short_setpoint_refused()
{
	local rc=0
	actl "$SWARM_AGG" law set pid kp 1 ki 0 kd 0 setpoint 0.1 \
		2> "$tmp/sp.err" || rc=$?
	cat "$tmp/sp.err"
	[ "$rc" = 1 ] || return 1
	grep -q 'setpoint has 1 values, the matrix has 8 outputs: give one per output' \
		"$tmp/sp.err" || return 1
	# Nothing changed: still u = y.
	[ "$(actl "$SWARM_AGG" -j law show | "$JQ" -r .law)" = feedback ]
}

broadcast_read_back()
{
	actl "$SWARM_AGG" law set pid kp 1 ki 0 kd 0 setpoint 0.1 --broadcast ||
		return 1
	actl "$SWARM_AGG" law show
	actl "$SWARM_AGG" -j law show > "$tmp/law.json" || return 1
	"$JQ" -e '.law == "pid" and .kp == 1 and .ki == 0 and
		  (.setpoint | length == 8 and all(. == 0.1000000000931322574615478515625))' "$tmp/law.json" \
		>/dev/null
}

bare_start_refused()
{
	local rc=0
	"$IP" netns add "$NS_BARE" || return 1
	on_exit "$IP" netns del "$NS_BARE"
	actl "$NS_BARE" node set role aggregator id 9 || return 1
	actl "$NS_BARE" node start 2> "$tmp/start.err" || rc=$?
	cat "$tmp/start.err"
	[ "$rc" = 1 ] || return 1
	grep -q 'node start failed: no matrix is loaded' "$tmp/start.err" ||
		return 1
	[ "$(actl "$NS_BARE" -j status | "$JQ" -r .running)" = false ] ||
		return 1
	actl "$NS_BARE" node start --force 2> "$tmp/force.err" || return 1
	cat "$tmp/force.err"
	grep -q 'warning: node start --force: no matrix is loaded' \
		"$tmp/force.err" || return 1
	[ "$(actl "$NS_BARE" -j status | "$JQ" -r .running)" = true ] ||
		return 1
	actl "$NS_BARE" node stop
}

status_complete()
{
	status_json "$SWARM_AGG" "$tmp/st2.json" || return 1
	"$JQ" -e '.daemon == false and .staged_cycle == null and
		  (.counters | has("upcalls") and has("upcall_drops") and
		   has("estops"))' "$tmp/st2.json" >/dev/null
}

swarm_test_prereqs
swarm_test_begin 10
swarm_test_up --workers 4
tap_check "a silent input gives the safe output exactly $TIMEOUT_CYCLES cycles later" \
	silent_input_goes_safe
tap_check "status shows sensor-timeout and counts it" safe_shown_and_counted
tap_check "the next input ends it: the law's outputs again" input_ends_it
tap_check "node estop holds the safe output every cycle" estop_holds_safe
tap_check "node resume: the law's outputs again" resume_follows_law
tap_check "a setpoint without one value per output is refused, nothing changes" \
	short_setpoint_refused
tap_check "setpoint --broadcast reaches every output; law show reads it back" \
	broadcast_read_back
tap_check "node start without a matrix refuses, --force warns and starts" \
	bare_start_refused
tap_check "status: daemon, staged change, every counter" status_complete
tap_end
