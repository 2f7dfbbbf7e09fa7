#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swarm_rmmod.sh: unloading the module under a running swarm is clean.
#
#   agi-plant <--> agi-agg (cycling, timers armed) <--> agi-w1..agi-w8
#                  agictl monitor subscribed          rows held
#                          ^
#                        rmmod agiswarm
#
# While the aggregator cycles, the plant streams SENSOR datagrams and a
# monitor listens, rmmod must succeed (timers, work items, sockets and
# row sets all released; the VM runner fails the test on any kernel
# warning or leak), `swarm.sh down` must cope with the module gone, and
# the module must load and serve again afterwards.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
lib_trap

running_with_traffic()
{
	wait_cycles 20 || return 1
	[ "$(counter "$SWARM_AGG" cycles_ok)" -gt 0 ]
}

unload()
{
	wait_for 30 "rmmod agiswarm" rmmod agiswarm && ! module_loaded
}

down_tolerates()
{
	"$SWARM" down && ! "$IP" netns list | grep -q '^agi-'
}

reload()
{
	insmod "$AGISWARM_KO" && "$AGICTL" -j status | "$JQ" -e '.role' >/dev/null
}

swarm_test_prereqs
[ -f "${AGISWARM_KO:-}" ] || tap_skip_all "AGISWARM_KO is not a file (needed to reload)"
swarm_test_begin 6

swarm_test_up --workers 8
plant_start "$tmp/plant.json" --steps 300 --period 50
"$IP" netns exec "$SWARM_AGG" "$AGICTL" -j monitor > "$tmp/monitor.json" 2>&1 &
monitor_pid=$!
on_exit kill $monitor_pid
tap_check "cycling with the plant and a monitor attached" running_with_traffic
tap_check "rmmod agiswarm while cycling" unload
tap_check "swarm.sh down after rmmod removes every namespace" down_tolerates
tap_check "the module loads and answers again" reload
tap_check "and unloads again" unload
tap_end
