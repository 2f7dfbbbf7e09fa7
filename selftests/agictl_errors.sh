#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# What a user sees when the module refuses a request: agictl prints the
# kernel's extended ACK verbatim as "Error: ..." on stderr and exits 1, or,
# under -j, one JSON object {"error": ...} on stdout; without the module it
# says so. The module's checks are the ones under test here, so every
# request below is one that agictl itself lets through.
#
#   +--------------------+
#   | $ns                |   one namespace, one node; no links
#   | aggregator, id 1   |
#   +--------------------+
#
# Environment: AGISWARM_KO (loaded if the module is not), IP (iproute2's ip),
# agictl and jq on PATH. Prints TAP; exits 4 (skip) when a tool is missing.

IP=${IP:-ip}
MODNAME=agiswarm
ns=agi-err-$$
loaded_here=
modprobe_saved=
out=$(mktemp)
err=$(mktemp)

cleanup()
{
	set +e
	rm -f "$out" "$err"
	[ -z "$modprobe_saved" ] || echo "$modprobe_saved" > /proc/sys/kernel/modprobe
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
$IP netns list >/dev/null 2>&1 || tap_skip_all "$IP has no netns support (busybox ip?)"
if [ ! -d /sys/module/$MODNAME ]; then
	[ -n "$AGISWARM_KO" ] && [ -f "$AGISWARM_KO" ] ||
		tap_skip_all "$MODNAME not loaded and AGISWARM_KO is not a file"
	insmod "$AGISWARM_KO" || exit 1
	loaded_here=1
fi
$IP netns add "$ns" || exit 1

# What the failed command printed, under its failed point.
show_out_err()
{
	sed 's/^/# stdout: /' "$out"
	sed 's/^/# stderr: /' "$err"
}
tap_on_fail=show_out_err

# refused WANT_STDERR ARGS...: agictl exits 1, stderr is exactly WANT_STDERR,
# stdout is empty.
refused()
{
	want=$1
	shift
	n agictl "$@" >"$out" 2>"$err"
	rc=$?
	[ "$rc" = 1 ] && [ "$(cat "$err")" = "$want" ] && [ ! -s "$out" ]
}

# refused_json WANT_ERROR ARGS...: under -j, exit 1, nothing on stderr and
# exactly one JSON object whose "error" is WANT_ERROR.
refused_json()
{
	want=$1
	shift
	n agictl -j "$@" >"$out" 2>"$err"
	rc=$?
	[ "$rc" = 1 ] && [ ! -s "$err" ] &&
		[ "$(jq -r .error "$out")" = "$want" ] &&
		[ "$(jq -s length "$out")" = 1 ]
}

tap_begin 6

n agictl node set role aggregator id 1 >"$out" 2>"$err"
tap_result "the node becomes an aggregator" $?

refused "Error: agiswarm: the deadline would exceed the cycle period" \
	node set cycle 50ms deadline 60ms
tap_result "a deadline past the period: the kernel's extack, verbatim, exit 1" $?

refused_json "Error: agiswarm: the deadline would exceed the cycle period" \
	node set cycle 50ms deadline 60ms
tap_result "the same under -j: one JSON object with the extack" $?

refused "Error: no such peer" peer del worker 99
tap_result "deleting a worker that does not exist: extack, exit 1" $?

n agictl -j status >"$out" 2>"$err" &&
	[ "$(jq -r .deadline_us "$out")" = 40000 ] &&
	[ "$(jq -r .role "$out")" = aggregator ]
tap_result "a refused request changed nothing" $?

if [ -n "$loaded_here" ] && [ -w /proc/sys/kernel/modprobe ]; then
	# Asking for the missing family would make the kernel modprobe the
	# module back in; this test wants to see it missing.
	modprobe_saved=$(cat /proc/sys/kernel/modprobe)
	echo > /proc/sys/kernel/modprobe
	rmmod $MODNAME
	refused "Failed to reach the agiswarm module (not loaded?)" status
	tap_result "without the module: 'not loaded?' and exit 1" $?
else
	tap_skip "without the module" "the module was loaded before the test, or modprobe cannot be disabled"
fi

tap_end
