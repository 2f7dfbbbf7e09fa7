#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fuzz_genl.sh: the "agiswarm" generic netlink family fuzzed, as root and
# as an unprivileged user.
#
#   agi-gfz: a node livefuzz sets up (aggregator, three workers, a sensor,
#            an actuator, a 3x2 matrix and an input), then
#   1. root fuzzes it: random commands, flags, header fields and attribute
#      trees, within and beyond the policies. Every refused request (and
#      every read) must leave GET_STATUS, GET_PEERS and GET_MATRIX as they
#      were; something of every command must get through.
#   2. nobody, in a user namespace of its own, fuzzes it: every request that
#      needs CAP_NET_ADMIN must fail with -EPERM, and nothing may change.
#   3. nobody, in a user namespace and a network namespace of its own (so
#      admin of a node of its own), fuzzes that node as in 1; the node of
#      agi-gfz must stay as it was.
#
# AGISWARM_FUZZ_GENL_SECONDS per identity (default 20; make check-debug:
# 60); AGISWARM_FUZZ_SEED replays a run. The VM runner fails the test on
# any kernel complaint (lockdep, KASAN, WARN, ...) it caused.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
lib_trap

SECONDS_EACH=${AGISWARM_FUZZ_GENL_SECONDS:-20}
SEED=${AGISWARM_FUZZ_SEED:-$(date +%s)}
NS=agi-gfz
export AGISWARM_UAPI_HEADER=$top/include/uapi/linux/agiswarm.h

# fuzz AS [OPTIONS...]: one identity's run in $NS, its report as comments.
fuzz()
{
	local as=$1 rc=0
	shift
	in_ns "$NS" "$LIVEFUZZ" genl --as "$as" --seconds "$SECONDS_EACH" \
		--seed "$SEED" "$@" > "$tmp/genl-$as.out" 2>&1 || rc=$?
	sed 's/^#* */# /' "$tmp/genl-$as.out"
	return $rc
}

[ "$(id -u)" = 0 ] || tap_skip_all "needs root"
missing=$(have_tools "$IP") || tap_skip_all "$missing not found"
"$IP" netns list >/dev/null 2>&1 ||
	tap_skip_all "$IP has no netns support (busybox ip?)"
LIVEFUZZ=$(find_helper livefuzz) || tap_skip_all "livefuzz not built (make vm-tests)"
[ -r "$AGISWARM_UAPI_HEADER" ] || tap_skip_all "no $AGISWARM_UAPI_HEADER"
[ -e /proc/self/ns/user ] || tap_skip_all "no user namespaces in this kernel"
if ! module_loaded; then
	[ -f "${AGISWARM_KO:-}" ] ||
		tap_skip_all "agiswarm not loaded and AGISWARM_KO is not a file"
	insmod "$AGISWARM_KO"
	on_exit wait_for 30 "rmmod agiswarm" rmmod agiswarm
fi
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
"$IP" netns add "$NS"
on_exit "$IP" netns del "$NS"
"$IP" -n "$NS" link set lo up

tap_begin 3
echo "# ${SECONDS_EACH}s per identity, seed $SEED (AGISWARM_FUZZ_SEED replays it)"
tap_check "root: refused requests and reads change nothing" fuzz root --setup
tap_check "nobody in a user namespace: admin requests -EPERM, nothing changes" \
	fuzz user
tap_check "nobody admin of its own netns: its node fuzzed, $NS's untouched" \
	fuzz userns-net
tap_end
