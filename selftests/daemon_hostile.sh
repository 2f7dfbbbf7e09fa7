#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# daemon_hostile.sh: datagrams that declare more than they hold cost
# agiswarmd nothing. Any host can send the aggregator a HEARTBEAT; the
# module passes every well-headed one up to the daemon, which parses it
# with the core's bounded CBOR code. Before, libcbor 0.8 allocated
# whatever array length a datagram declared: the first datagram below
# took agiswarmd to ~527 MB, the second got it OOM-killed.
#
#   agi-plant                                   agi-agg (192.0.2.1)
#   bash > /dev/udp/192.0.2.1/6000 --HEARTBEAT--> agiswarm.ko --UPCALL--> agiswarmd
#      01 03 00 05 9a 04 00 00 00                 (an array of 2^26 items)
#      01 03 00 0f a1 01 9b 00 00 00 01 00 00 00 00 00 00 00 00
#                                                 (a map holding an array
#                                                  of 2^32 items)
#   (1 worker agi-w1 and the bridge as in netns/swarm.sh)
#
# 50 of each arrive (the daemon logs each malformed one at logging.level
# debug); the daemon still runs, its resident size (VmRSS) stays within
# 1 MB of what it was before them, and a well-formed HEARTBEAT after them
# is still taken (a new worker is added to the module).
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
. "$top/selftests/daemon_lib.sh"
lib_trap

COUNT=50
RSS_SLACK_KB=1024

rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB$/\1/p' "/proc/$1/status"; }

# send_each N FILE...: N times every FILE as one datagram, from agi-plant.
send_each()
{
	local n=$1
	shift
	n_plant bash -c 'for i in $(seq '"$n"'); do
		for f in "$@"; do cat "$f" > /dev/udp/'"$SWARM_AGG_ADDR/$SWARM_PORT"'; done
	done' send "$@"
}

malformed_logged() { [ "$(grep -c "malformed HEARTBEAT" "$tmp/agg.log")" -ge "$1" ]; }

daemon_alive() { kill -0 "$(cat "$tmp/agg.pid")"; }

rss_within_slack()
{
	echo "# VmRSS $rss_before kB before, $rss_after kB after $((2 * COUNT)) hostile HEARTBEATs"
	[ -n "$rss_before" ] && [ -n "$rss_after" ] &&
		[ "$((rss_after - rss_before))" -le "$RSS_SLACK_KB" ]
}

daemon_prereqs
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
on_exit "$SWARM" down
tap_begin 6

swarm_test_up --workers 1
STATIC_WORKERS="{id: 1, address: \"192.0.2.11\"}"
agg_config "$tmp/agg.yaml" "logging:" "  level: debug"
tap_check "agiswarmd adopts the running aggregator" \
	daemon_start "$SWARM_AGG" agg "$tmp/agg.yaml"
pid=$(cat "$tmp/agg.pid")
# Settled: its pieces started and the first metrics drain is done.
wait_for 30 "the first metrics drain" test -s "$tmp/metrics.csv" || true

write_datagram "$tmp/array-2-26" 01 03 00 05 9a 04 00 00 00
write_datagram "$tmp/array-2-32" 01 03 00 0f a1 01 9b 00 00 00 01 00 00 00 00 00 00 00 00
write_datagram "$tmp/heartbeat" 01 03 00 18 a8 01 03 02 07 03 19 17 70 04 00 \
	05 18 7d 06 19 01 f4 07 19 05 dc 08 00
rss_before=$(rss_kb "$pid")
send_each "$COUNT" "$tmp/array-2-26" "$tmp/array-2-32"
tap_check "all $((2 * COUNT)) reached the daemon and were refused" \
	wait_for 60 "$((2 * COUNT)) malformed HEARTBEATs in the log" \
	malformed_logged $((2 * COUNT))
tap_check "the daemon still runs" daemon_alive
rss_after=$(rss_kb "$pid")
tap_check "its VmRSS grew by at most $RSS_SLACK_KB kB" rss_within_slack
send_each 1 "$tmp/heartbeat"
tap_check "a well-formed HEARTBEAT is still taken (worker 3 added)" \
	wait_for 30 "worker 3 to be added" \
	grep -q "agictl peer add worker 3 " "$tmp/agg.log"
grep -E "malformed|worker 3|error|warning" "$tmp/agg.log" |
	sed -E 's/(192\.0\.2\.[0-9]+):[0-9]+ was/\1 was/' | sort | uniq -c |
	sed 's/^/# /' | head -n 20
tap_end
