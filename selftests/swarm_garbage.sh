#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swarm_garbage.sh: hostile datagrams at the fast path while it cycles.
#
#   agi-plant (plant --send-raw) ==garbage==> agi-agg  192.0.2.1:6000
#                                ==garbage==> agi-w1   192.0.2.11:6000
#
# Short, oversized, wrong-version, truncated, unknown-type, malformed-CBOR
# and incomplete datagrams must each be dropped and counted under their
# own reason (agictl -j status), on the aggregator and on a worker, without
# a crash or a kernel warning (the VM runner checks the log), while the
# cycles go on and stay exact.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
lib_trap

CYCLES=100
REPEAT=3
TARGETS="$SWARM_AGG:$SWARM_AGG_ADDR $(worker_ns 1):$(worker_addr 1)"

# reason:hex (header: version, type, be16 payload length; then CBOR)
oversize_hex()
{
	printf '010105a6'
	printf '%02892d' 0		# 1446 payload bytes: 1450 in all
}
GARBAGE="drop_short:0101
drop_version:02010000
drop_length:01010010a1
drop_type:01770000
drop_malformed:01010001ff
drop_missing:01010001a0
drop_oversize:$(oversize_hex)"

send_all()
{
	local target addr line
	for target in $TARGETS; do
		addr=${target#*:}
		while IFS= read -r line; do
			n_plant "$PLANT" --send-raw "${line#*:}" \
				--to "$addr:$SWARM_PORT" --count $REPEAT || return 1
		done <<< "$GARBAGE"
	done
}

# counted NS BEFORE: every reason rose by exactly what was sent.
reason_counted()
{
	local ns=$1 before=$2 reason=$3 b a
	b=$("$JQ" -r ".counters.$reason // 0" "$before")
	a=$(counter "$ns" "$reason")
	[ "$a" = $((b + REPEAT)) ]
}

counted()
{
	local ns=$1 line reason rc=0
	while IFS= read -r line; do
		reason=${line%%:*}
		if ! wait_for 20 "$ns $reason" reason_counted "$ns" "$tmp/$ns.json" "$reason"; then
			echo "# $ns: $reason $("$JQ" -r ".counters.$reason // 0" "$tmp/$ns.json") -> $(counter "$ns" "$reason"), sent $REPEAT"
			rc=1
		fi
	done <<< "$GARBAGE"
	return $rc
}

swarm_test_prereqs
swarm_test_begin 6

swarm_test_up --workers 8
plant_start "$tmp/plant.json" --steps 80 --period 100
for t in $TARGETS; do
	status_json "${t%%:*}" "$tmp/${t%%:*}.json"
done
monitor_cycles $CYCLES "$tmp/monitor.json" &
monitor_pid=$!
on_exit kill $monitor_pid
tap_check "garbage sent to the aggregator and worker 1" send_all
tap_check "aggregator: each kind counted under its reason" counted "$SWARM_AGG"
tap_check "worker 1: each kind counted under its reason" counted "$(worker_ns 1)"
tap_check "the aggregator still completes cycles" still_cycling
wait $monitor_pid || true
swarm_test_verify "$CYCLES cycles around the garbage, every ok output exact" 50
tap_end
