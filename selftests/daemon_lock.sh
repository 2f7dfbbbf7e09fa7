#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# daemon_lock.sh: one agiswarmd per node, and the reason when it cannot be.
#
#   agi-agg: agiswarmd A runs (it holds the node's instance socket and
#            audit.log's lock)
#            agiswarmd B, same configuration: refused, "another agiswarmd
#            already runs for this node", and A is still the module's
#            daemon: the control datagrams of agi-plant still go up to it
#            (before, B registered itself, then left the node with no
#            daemon)
#   A stopped; agiswarmd C on a kernel without file locking (flock fails
#            with ENOSYS, selftests/enosys): refused, "locking ... failed:
#            Function not implemented", never "another agiswarmd runs"
#            (what it said before, on a debug kernel without
#            CONFIG_FILE_LOCKING).
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
. "$top/selftests/daemon_lib.sh"
lib_trap

# refused NAME WANT [NOT]: agiswarmd NAME exited non-zero, its log has WANT
# and not NOT.
refused()
{
	local log=$tmp/$1.log
	sed 's/^/# /' "$log"
	[ "$(cat "$tmp/$1.rc")" != 0 ] || { echo "# it exited 0"; return 1; }
	grep -q "$2" "$log" || { echo "# no \"$2\""; return 1; }
	[ -z "${3:-}" ] || ! grep -q "$3" "$log" || { echo "# \"$3\""; return 1; }
}

# run_once NAME [WRAPPER...]: agiswarmd in agi-agg until it exits.
run_once()
{
	local name=$1 rc=0
	shift
	timeout 60 "$IP" netns exec "$SWARM_AGG" "$@" "$AGISWARMD" \
		--config "$tmp/agg.yaml" > "$tmp/$name.log" 2>&1 || rc=$?
	echo "$rc" > "$tmp/$name.rc"
}

# A STATUS datagram (the UAPI header's example): a type the module passes
# up to its daemon, which an aggregator's daemon ignores.
STATUS_HEX=0104000fa6010102070301041903e805000601

upcalls_are() { [ "$(counter "$SWARM_AGG" upcalls)" = "$1" ] &&
		[ "$(counter "$SWARM_AGG" upcall_drops)" = "$2" ]; }

# Three STATUS datagrams from agi-plant: all three go up, none is dropped.
a_still_gets_upcalls()
{
	local up drops
	up=$(counter "$SWARM_AGG" upcalls)
	drops=$(counter "$SWARM_AGG" upcall_drops)
	n_plant "$PLANT" --send-raw "$STATUS_HEX" \
		--to "$SWARM_AGG_ADDR:$SWARM_PORT" --count 3 || return 1
	wait_for 20 "3 more upcalls" upcalls_are $((up + 3)) "$drops" || {
		echo "# upcalls $up -> $(counter "$SWARM_AGG" upcalls), upcall_drops $drops -> $(counter "$SWARM_AGG" upcall_drops)"
		return 1
	}
}

daemon_prereqs
ENOSYS=$(find_helper enosys) || tap_skip_all "enosys not built (make vm-tests)"
swarm_test_begin 5
swarm_test_up --workers 2
touch "$tmp/authorized_keys"
agg_config "$tmp/agg.yaml"

tap_check "agiswarmd A runs" daemon_start "$SWARM_AGG" a "$tmp/agg.yaml"
run_once b
tap_check "a second agiswarmd is refused: another one runs" \
	refused b "another agiswarmd already runs for this node"
tap_check "agiswarmd A is still the module's daemon" a_still_gets_upcalls
kill "$(cat "$tmp/a.pid")"
wait_for 30 "agiswarmd A to end" sh -c "! kill -0 $(cat "$tmp/a.pid")"
rc=0
"$ENOSYS" flock true || rc=$?
if [ "$rc" = "$KSFT_SKIP" ]; then
	tap_skip "without file locking: the reason, not \"another agiswarmd\"" \
		"no seccomp filters in this kernel"
else
	run_once c "$ENOSYS" flock
	tap_check "without file locking: the reason, not \"another agiswarmd\"" \
		refused c "locking $tmp/audit.log failed: Function not implemented" \
		"another agiswarmd"
fi
tap_end
