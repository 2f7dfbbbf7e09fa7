#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swarm_garbage.sh: hostile datagrams at the fast path while it cycles.
#
#   agi-plant (plant --send-raw) ==garbage==> agi-agg  192.0.2.1:6000
#                                ==garbage==> agi-w1   192.0.2.11:6000
#
# Short, oversized, wrong-version, truncated and unknown-type datagrams
# must each be dropped and counted under their own reason (agictl -j
# status), on the aggregator and on a worker, without a crash or a kernel
# warning (the VM runner checks the log), while the cycles go on and stay
# exact. So must messages that are not sealed (malformed, incomplete or
# well-formed: a RESULT of a worker outside the row assignment, a SENSOR,
# a TASK of a generation the worker holds no rows of), which count as
# drop_auth before anything of them is read, and a sealed datagram for a
# keypair the node does not have (drop_unknown_peer).
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
drop_short:02010000
drop_version:03010000
drop_length:01010010a1
drop_type:01770000
drop_auth:01010001ff
drop_auth:01010001a0
drop_oversize:$(oversize_hex)
drop_unknown_peer:0202004d0000002a0000000000000007540e834a3ac2798866354b6bd8881265cd625dbe0e12f6fa5565cc181816281c142d9619cae7f319b91841e854a47a1ad4e6c698337e9f6e861d1e4bf2a580d804"

# reason:hex, well-formed (the core's encoding) but in clear, each for one
# node. The swarm runs in epoch 1. Worker 999 is in no row assignment;
# send-raw's source port is the kernel's choice, no sensor peer's; no
# generation reaches 0xffffffff.
AGG_REFUSED="drop_auth:0102001fa5010102010301041903e70552000000000000000000000000000000000000
drop_auth:0107000ba301010201034400000000"
W1_REFUSED="drop_auth:01010013a501010201031affffffff0401054400000000"

# send NS-ADDR LIST: every datagram of LIST, REPEAT times.
send()
{
	local addr=$1 line
	while IFS= read -r line; do
		n_plant "$PLANT" --send-raw "${line#*:}" \
			--to "$addr:$SWARM_PORT" --count $REPEAT || return 1
	done <<< "$2"
}

send_all()
{
	local target
	for target in $TARGETS; do
		send "${target#*:}" "$GARBAGE" || return 1
	done
	send "$SWARM_AGG_ADDR" "$AGG_REFUSED" &&
		send "$(worker_addr 1)" "$W1_REFUSED"
}

# reason_counted NS BEFORE REASON N: REASON rose by exactly N since BEFORE.
reason_counted()
{
	local ns=$1 before=$2 reason=$3 n=$4 b a
	b=$("$JQ" -r ".counters.$reason // 0" "$before")
	a=$(counter "$ns" "$reason")
	[ "$a" = $((b + n)) ]
}

# counted NS LIST: every reason of LIST rose by what was sent for it.
counted()
{
	local ns=$1 reason n rc=0
	for reason in $(cut -d: -f1 <<< "$2" | sort -u); do
		n=$((REPEAT * $(grep -c "^$reason:" <<< "$2")))
		if ! wait_for 20 "$ns $reason" reason_counted "$ns" "$tmp/$ns.json" "$reason" $n; then
			echo "# $ns: $reason $("$JQ" -r ".counters.$reason // 0" "$tmp/$ns.json") -> $(counter "$ns" "$reason"), sent $n"
			rc=1
		fi
	done
	return $rc
}

still_cycling()
{
	local ok0
	ok0=$(counter "$SWARM_AGG" cycles_ok)
	wait_for 60 "more ok cycles" lib_ok_above "$ok0"
}

lib_ok_above() { [ "$(counter "$SWARM_AGG" cycles_ok)" -gt "$1" ]; }

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
tap_check "aggregator: each kind counted under its reason" \
	counted "$SWARM_AGG" "$GARBAGE
$AGG_REFUSED"
tap_check "worker 1: each kind counted under its reason" \
	counted "$(worker_ns 1)" "$GARBAGE
$W1_REFUSED"
tap_check "the aggregator still completes cycles" still_cycling
wait $monitor_pid || true
swarm_test_verify "$CYCLES cycles around the garbage, every ok output exact" 50
tap_end
