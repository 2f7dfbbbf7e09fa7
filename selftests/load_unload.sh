#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Loads and unloads agiswarm.ko ten times. Each cycle gives nodes to the
# initial namespace and to two extra ones, deletes one namespace while the
# module is loaded (a node dies with its namespace) and keeps the other
# across rmmod (the module tears the node down itself):
#
#   cycle i:  ip netns add dies, lives
#             insmod        -> a node in init, dies, lives
#             agictl node set ... in all three
#             ip netns del dies
#             rmmod         -> the family is gone, /sys/module/agiswarm too
#             ip netns del lives
#
# Then the kernel log since the start must hold no WARN, BUG or object
# leak, and one "loaded" and one "unloaded" line per cycle.
#
# Environment: AGISWARM_KO (path of agiswarm.ko), IP (iproute2's ip; busybox
# ip has no netns), agictl on PATH. Prints TAP; exits 4 (skip) when a tool
# is missing. Must not run while something else uses the module.

CYCLES=10
IP=${IP:-ip}
MODNAME=agiswarm
MARK="agiswarm-selftest: load_unload.sh $$ start"
ns_dies=agi-dies-$$
ns_lives=agi-lives-$$
modprobe_saved=
tmp=

del_namespaces()
{
	$IP netns del "$ns_dies" 2>/dev/null
	$IP netns del "$ns_lives" 2>/dev/null
	return 0
}

# Runs on every exit, so it must not stop at the first error (set -e).
cleanup()
{
	set +e
	[ -z "$tmp" ] || rm -f "$tmp"
	del_namespaces
	if [ -n "$modprobe_saved" ]; then
		echo "$modprobe_saved" > /proc/sys/kernel/modprobe
	fi
	return 0
}
trap cleanup EXIT
set -e
. "$(dirname "$0")/lib/tap.sh"


n_dies() { $IP netns exec "$ns_dies" "$@"; }
n_lives() { $IP netns exec "$ns_lives" "$@"; }

[ "$(id -u)" = 0 ] || tap_skip_all "needs root"
[ -n "$AGISWARM_KO" ] && [ -f "$AGISWARM_KO" ] || tap_skip_all "AGISWARM_KO is not a file"
for tool in insmod rmmod dmesg agictl; do
	command -v $tool >/dev/null || tap_skip_all "$tool not found"
done
$IP netns list >/dev/null 2>&1 || tap_skip_all "$IP has no netns support (busybox ip?)"

if [ -d /sys/module/$MODNAME ]; then
	rmmod $MODNAME || tap_skip_all "$MODNAME is loaded and in use"
fi

# Asking for a missing family makes the kernel run modprobe, which could load
# the module behind our back and hide that rmmod removed the family.
if [ -w /proc/sys/kernel/modprobe ]; then
	modprobe_saved=$(cat /proc/sys/kernel/modprobe)
	echo > /proc/sys/kernel/modprobe
fi

echo "$MARK" > /dev/kmsg

tmp=$(mktemp)

diag()
{
	echo "$*"
}

family_present()
{
	agictl status >/dev/null 2>&1
}

# One cycle; says what broke and returns 1 on the first failure.
cycle()
{
	$IP netns add "$ns_dies" || { diag "netns add failed"; return 1; }
	$IP netns add "$ns_lives" || { diag "netns add failed"; return 1; }
	insmod "$AGISWARM_KO" || { diag "insmod failed"; return 1; }
	[ -d /sys/module/$MODNAME ] || { diag "no /sys/module/$MODNAME"; return 1; }
	family_present || { diag "family missing after insmod"; return 1; }

	agictl node set role worker id "$1" >/dev/null ||
		{ diag "node set in init_net failed"; return 1; }
	n_dies agictl node set role worker id "$1" >/dev/null ||
		{ diag "node set in $ns_dies failed"; return 1; }
	n_lives agictl node set role aggregator id "$1" >/dev/null ||
		{ diag "node set in $ns_lives failed"; return 1; }
	$IP netns del "$ns_dies" || { diag "netns del failed"; return 1; }

	rmmod $MODNAME || { diag "rmmod failed"; return 1; }
	[ ! -d /sys/module/$MODNAME ] || { diag "/sys/module/$MODNAME remains"; return 1; }
	! family_present || { diag "family still answers after rmmod"; return 1; }
	$IP netns del "$ns_lives" || { diag "netns del failed"; return 1; }
}

tap_begin $((CYCLES + 2))
i=1
while [ $i -le $CYCLES ]; do
	rc=0
	cycle $i >"$tmp" 2>&1 || rc=$?
	tap_result "load/unload cycle $i" $rc
	if [ $rc != 0 ]; then
		tap_nest "$tmp"
		rmmod $MODNAME 2>/dev/null || true
		del_namespaces
	fi
	i=$((i + 1))
done

log=$(dmesg | sed -n "\\|$MARK|,\$p")
bad=$(echo "$log" | grep -E 'WARNING:|BUG:|Oops|Call Trace|object leak' || true)
[ -z "$bad" ] && rc=0 || rc=1
tap_result "kernel log has no WARN, BUG or object leak" $rc
[ -z "$bad" ] || echo "$bad" | sed 's/^/# /'

loads=$(echo "$log" | grep -c "$MODNAME: version .* loaded" || true)
unloads=$(echo "$log" | grep -c "$MODNAME: unloaded" || true)
[ "$loads" = $CYCLES ] && [ "$unloads" = $CYCLES ] && rc=0 || rc=1
tap_result "$CYCLES loads and $CYCLES unloads logged" $rc
[ $rc = 0 ] || echo "# logged $loads loads and $unloads unloads"

tap_end
