#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# agictl config show: a node set up by hand with agictl is read back as
# agiswarmd's YAML, which agiswarmd must accept as it is and understand
# with the same values; a deadline that is not whole ms is said so in a
# comment; -j gives the same as one JSON object.
#
#   +--------------------------------------+
#   | $ns                                  |   one namespace, one node;
#   | aggregator 7, port 6100, 2 workers   |   the workers are only
#   | matrix swarm_matrix.json (8x8)       |   addresses, never reached
#   +--------------------------------------+
#
# Environment: AGISWARM_KO (loaded if the module is not), IP (iproute2's
# ip), AGISWARMD (default: agiswarmd on PATH, else build/agiswarmd), agictl
# and jq on PATH. Prints TAP; exits 4 (skip) when a tool is missing.

IP=${IP:-ip}
MODNAME=agiswarm
top=$(cd "$(dirname "$0")/.." && pwd)
MATRIX=$top/configs/swarm_matrix.json
ns=agi-cfg-$$
loaded_here=
tmp=$(mktemp -d)
out=$tmp/out
err=$tmp/err

cleanup()
{
	set +e
	rm -rf "$tmp"
	$IP netns del "$ns" 2>/dev/null
	[ -z "$loaded_here" ] || [ ! -d /sys/module/$MODNAME ] || rmmod $MODNAME
	return 0
}
trap cleanup EXIT
. "$(dirname "$0")/lib/tap.sh"

n() { $IP netns exec "$ns" "$@"; }

[ "$(id -u)" = 0 ] || tap_skip_all "needs root"
for tool in agictl jq; do
	command -v $tool >/dev/null || tap_skip_all "$tool not found"
done
AGISWARMD=${AGISWARMD:-$(command -v agiswarmd || echo "$top/build/agiswarmd")}
[ -x "$AGISWARMD" ] || tap_skip_all "agiswarmd not built"
[ -r "$MATRIX" ] || tap_skip_all "$MATRIX not found"
$IP netns list >/dev/null 2>&1 || tap_skip_all "$IP has no netns support (busybox ip?)"
if [ ! -d /sys/module/$MODNAME ]; then
	[ -n "$AGISWARM_KO" ] && [ -f "$AGISWARM_KO" ] ||
		tap_skip_all "$MODNAME not loaded and AGISWARM_KO is not a file"
	insmod "$AGISWARM_KO" || exit 1
	loaded_here=1
fi
$IP netns add "$ns" || exit 1

# What the failed step printed, under its failed point.
show_out_err()
{
	for f in "$out" "$err"; do
		[ -s "$f" ] && sed "s|^|# ${f##*/}: |" "$f"
	done
	return 0
}
tap_on_fail=show_out_err

# key FILE PATH.TO.KEY: the value of one scalar key of agiswarmd's
# effective configuration (two-space indents, one key a line).
key()
{
	awk -v want="$2" '
		/^ *#/ || !/:/ { next }
		{
			match($0, /^ */)
			d = RLENGTH / 2
			k = $1
			sub(/:$/, "", k)
			path[d] = k
			p = path[0]
			for (i = 1; i <= d; i++)
				p = p "." path[i]
			if (p == want) {
				sub(/^[^:]*: */, "")
				print
				exit
			}
		}' "$1"
}

tap_begin 7

SP=0.5,-0.5,0.25,0,0,0,0,0.125
n agictl node set role aggregator id 7 port 6100 epoch 3 cycle 20ms \
	deadline 15500us miss zero redundancy 1 seed 42 >"$out" 2>"$err" &&
	n agictl peer add worker 11 192.0.2.11 >>"$out" 2>>"$err" &&
	n agictl peer add worker 12 192.0.2.12:6001 >>"$out" 2>>"$err" &&
	n agictl peer add actuator 21 192.0.2.21:7000 >>"$out" 2>>"$err" &&
	n agictl matrix load "$MATRIX" >>"$out" 2>>"$err" &&
	n agictl law set pid kp 1.5 ki 0.25 kd -0.125 lo -0.75 hi 0.75 \
		setpoint "$SP" >>"$out" 2>>"$err" &&
	n agictl node set sensor-timeout 200ms safe-output 0.5,-0.25 \
		>>"$out" 2>>"$err"
tap_result "the node is set up by hand: aggregator, two workers, a matrix, a PID, a safe output" $?

n agictl config show >"$tmp/f.yaml" 2>"$err"
rc=$?
cp "$tmp/f.yaml" "$out"
tap_result "agictl config show prints the running configuration" $rc

"$AGISWARMD" --check-config --config "$tmp/f.yaml" --matrix "$MATRIX" \
	>"$tmp/eff.yaml" 2>"$err"
rc=$?
cp "$tmp/eff.yaml" "$out"
tap_result "agiswarmd --check-config accepts it as it is" $rc

e=$tmp/eff.yaml
[ "$(key "$e" node.id)" = 7 ] &&
	[ "$(key "$e" node.role)" = aggregator ] &&
	[ "$(key "$e" aggregator.udp_port)" = 6100 ] &&
	[ "$(key "$e" aggregator.cycle_time_ms)" = 20 ] &&
	[ "$(key "$e" aggregator.timeout_ms)" = 15.5 ] &&
	[ "$(key "$e" aggregator.fault_tolerance)" = 1 ] &&
	[ "$(key "$e" aggregator.miss_policy)" = zero ] &&
	[ "$(key "$e" aggregator.control_law)" = pid ] &&
	[ "$(key "$e" aggregator.epoch)" = 3 ] &&
	[ "$(key "$e" aggregator.code_seed)" = 42 ] &&
	grep -q '^    - {id: 11, address: "192.0.2.11:6000"}$' "$e" &&
	grep -q '^    - {id: 12, address: "192.0.2.12:6001"}$' "$e" &&
	grep -q '^    - {id: 21, address: "192.0.2.21:7000"}$' "$e"
tap_result "agiswarmd's effective configuration carries the module's values" $?

# The law's and the safety's values come back as agiswarmd reads them.
e=$tmp/eff.yaml
[ "$(key "$e" aggregator.control_law)" = pid ] &&
	[ "$(key "$e" aggregator.pid.kp)" = 1.5 ] &&
	[ "$(key "$e" aggregator.pid.kd)" = -0.125 ] &&
	[ "$(key "$e" aggregator.pid.lo)" = -0.75 ] &&
	[ "$(key "$e" aggregator.pid.setpoint)" = "[0.5, -0.5, 0.25, 0, 0, 0, 0, 0.125]" ] &&
	[ "$(key "$e" aggregator.sensor_timeout_ms)" = 200 ] &&
	[ "$(key "$e" aggregator.safe_output)" = "[0.5, -0.25, 0, 0, 0, 0, 0, 0]" ]
tap_result "the PID's gains, limits, setpoints and the safety round-trip" $?

grep -q '^  timeout_ms: 15.5$' "$tmp/f.yaml" &&
	grep -q '^# matrix: 8x8 Q1.31' "$tmp/f.yaml"
tap_result "the deadline is exact in decimal ms, the matrix shape in a comment" $?

n agictl -j config show >"$out" 2>"$err" &&
	[ ! -s "$err" ] &&
	[ "$(jq -s length "$out")" = 1 ] &&
	[ "$(jq -r .node.id "$out")" = 7 ] &&
	[ "$(jq -r .aggregator.timeout_us "$out")" = 15500 ] &&
	[ "$(jq -r .aggregator.code_seed "$out")" = 42 ] &&
	[ "$(jq -c '[.aggregator.workers[].id] | sort' "$out")" = '[11,12]' ] &&
	[ "$(jq -r '.aggregator.actuators[0].address' "$out")" = \
		192.0.2.21:7000 ] &&
	[ "$(jq -r .matrix.rows "$out")" = 8 ]
tap_result "agictl -j config show is one JSON object with the same values" $?

tap_end
