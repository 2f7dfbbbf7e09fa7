#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swarm_airgap.sh: netns/airgap.sh lets only the AGISWARM port through,
# and its down leaves the namespace exactly as up found it.
#
#   agi-gaptest-PID (plays the host)          agi-control
#   agi-gap-host 192.0.2.253 <== veth ==> agi-gap-ns 192.0.2.254
#   plant --send-raw ----- udp 6000: passes ----->
#                   ----- udp 6001: dropped ----->
#
# Runs itself again inside a scratch namespace (one `ip netns exec`, so the
# namespaces airgap.sh adds stay visible to every step) and the machine's
# own network and firewall are never touched. Needs no module.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
lib_trap

scratch=agi-gaptest-$$
GAP=$top/netns/airgap.sh

h() { "$@"; }
c() { in_ns agi-control "$@"; }

snapshot()
{
	{
		h "$IP" -o link | awk '{ print $2 }'
		h "$IP" -o addr | awk '{ print $2, $4 }'
		h "$NFT" list ruleset
		"$IP" netns list | grep -v "^agi-gaptest-" || true
	} > "$1" 2>&1
}

# nft_count NS-WRAPPER CHAIN PATTERN: packets of the first rule matching.
nft_count()
{
	"$1" "$NFT" list chain inet agiswarm_airgap "$2" |
		grep -- "$3" | sed -n 's/.*counter packets \([0-9]*\).*/\1/p' | head -n 1
}

port_passes()
{
	h "$PLANT" --send-raw 0101 --to 192.0.2.254:6000 --count 3 &&
	wait_for 10 "3 accepted" test "$(nft_count c input 'dport 6000')" = 3
}

other_port_dropped()
{
	h "$PLANT" --send-raw 0101 --to 192.0.2.254:6001 --count 3 || return 1
	wait_for 10 "3 dropped" lib_count_is c input dropped 3
}

# From the control side only source port 6000 may leave, and the host
# side still drops what is not for port 6000.
host_drops()
{
	! c "$PLANT" --send-raw 0101 --to 192.0.2.253:6001 2>/dev/null || return 1
	c "$PLANT" --send-raw 0101 --from 192.0.2.254:6000 --to 192.0.2.253:6001 || return 1
	wait_for 10 "host drop" lib_count_is h input '"agi-gap-host" counter' 1
}

lib_count_is() { [ "$(nft_count "$1" "$2" "$3")" = "$4" ]; }

restored()
{
	snapshot "$tmp/after"
	diff "$tmp/before" "$tmp/after" | sed 's/^/# /'
	cmp -s "$tmp/before" "$tmp/after"
}

[ "$(id -u)" = 0 ] || tap_skip_all "needs root"
missing=$(have_tools "$IP" "$NFT") || tap_skip_all "$missing not found"
"$IP" netns list >/dev/null 2>&1 || tap_skip_all "$IP has no netns support"
PLANT=$(find_helper plant) || tap_skip_all "plant not built (make vm-tests)"
[ -e /run/netns/agi-control ] && tap_skip_all "agi-control exists already"
if [ -z "$AIRGAP_SCRATCH" ]; then
	"$IP" netns add "$scratch"
	on_exit "$IP" netns del "$scratch"
	rc=0
	AIRGAP_SCRATCH=$scratch PLANT=$PLANT "$IP" netns exec "$scratch" "$0" || rc=$?
	exit $rc
fi
tmp=$(mktemp -d)
export AIRGAP_STATE=$tmp/state
on_exit rm -rf "$tmp"
on_exit "$GAP" down
"$IP" link set lo up
tap_begin 6

snapshot "$tmp/before"
tap_check "airgap.sh up" "$GAP" up
tap_check "udp 6000 reaches the control namespace" port_passes
tap_check "udp 6001 is dropped at the control namespace" other_port_dropped
tap_check "only port 6000 leaves it; the host side drops the rest" host_drops
tap_check "airgap.sh down" "$GAP" down
tap_check "down restored links, addresses, rules and namespaces" restored
tap_end
