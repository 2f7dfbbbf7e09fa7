#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swarm_sealed.sh: the attacks of issue #8 against a sealed swarm.
#
#   agi-evil 192.0.2.200 (on the swarm's bridge, no key of the swarm)
#      ==forged, spoofed, replayed, tampered==>  agi-agg, agi-w1, agi-plant
#
# Every datagram between nodes is sealed (netns/swarm.sh keys every link
# with a pre-shared key). From a namespace that is not a node, with its own
# address and with the source address of a node (nft snat), the issue's
# forgeries are sent while the swarm cycles: a RESULT, a SENSOR, ROWS of
# generation 0xffffffff and a TASK of epoch 2^64 - 1 in clear, an ACTUATE
# of a far cycle to the plant, a HEARTBEAT; a sealed datagram under a key
# nobody has; the plant's own sealed SENSORs replayed, and with one bit
# flipped. Each is refused and counted under its reason (drop_auth,
# drop_unknown_peer, drop_replay), nothing comes back to the forger, the
# plant never takes a forged ACTUATE, the workers and their rows stay as
# they were, and every ok output is exact (verify_cycles).
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
lib_trap

CYCLES=100
EVIL=agi-evil
EVIL_ADDR=$SWARM_NET.200
W1_ADDR=$(worker_addr 1)

# In clear: the issue's forgeries (header, then CBOR).
RESULT_W1=0102001da5010102010301040105520001000000000000000000000000000000ff
SENSOR=0107000ba301010201034400000000
ROWS_MAXGEN=0109001ba70101021affffffff030004010500064800000000000000010701
TASK_MAXEPOCH=01010017a5011bffffffffffffffff020103010401054400000000
ACTUATE_FAR=01080017a50101021b400000000000000003010444200000000500
HEARTBEAT=01030018a80103020703191770040005187d061901f4071905dc0800
# Sealed under the UAPI header's example key, index 42: no such keypair.
SEALED_NOKEY=0202004d0000002a0000000000000007540e834a3ac2798866354b6bd8881265cd625dbe0e12f6fa5565cc181816281c142d9619cae7f319b91841e854a47a1ad4e6c698337e9f6e861d1e4bf2a580d804

evil_up()
{
	"$IP" netns add "$EVIL"
	on_exit "$IP" netns del "$EVIL"
	"$IP" -n "$EVIL" link set lo up
	"$IP" -n "$SWARM_HUB" link add v-evil type veth peer name eth0 netns "$EVIL"
	"$IP" -n "$SWARM_HUB" link set v-evil master br0 up
	"$IP" -n "$EVIL" addr add "$EVIL_ADDR/24" dev eth0
	# Its ARP asks in its own name: the spoofing is of datagrams, not of
	# the nodes' MAC addresses (that would cut a worker off, not forge).
	in_ns "$EVIL" sh -c 'echo 2 > /proc/sys/net/ipv4/conf/all/arp_announce;
		echo 2 > /proc/sys/net/ipv4/conf/eth0/arp_announce'
	"$IP" -n "$EVIL" link set eth0 up
	# Counts every UDP datagram that reaches the forger.
	in_ns "$EVIL" "$NFT" -f - <<-NFT
	table ip evil {
		chain in { type filter hook input priority 0; udp dport 1-65535 counter; }
		chain post { type nat hook postrouting priority 100; }
	}
	NFT
}

# spoof ADDR:PORT | none: the source address the forger's datagrams carry
# (their port stays the forger's: flows that share one would clash in NAT).
spoof()
{
	in_ns "$EVIL" "$NFT" flush chain ip evil post
	[ "$1" = none ] && return 0
	in_ns "$EVIL" "$NFT" add rule ip evil post udp dport 6000 snat to "${1%:*}"
}

evil_received()
{
	in_ns "$EVIL" "$NFT" list chain ip evil in |
		sed -n 's/.*counter packets \([0-9]*\).*/\1/p'
}

# forge HEX ADDR [COUNT]: to ADDR:6000, each call from another port of
# the forger: NAT is decided at a flow's first datagram (conntrack), so a
# new spoof needs a new flow.
evil_port=20000
forge()
{
	evil_port=$((evil_port + 1))
	in_ns "$EVIL" "$PLANT" --send-raw "$1" --from "$EVIL_ADDR:$evil_port" \
		--to "$2:$SWARM_PORT" --count "${3:-1}"
}

# rose NS JSON REASON N: counter REASON of NS rose by at least N since JSON.
rose()
{
	local b a
	b=$("$JQ" -r ".counters.$3 // 0" "$2")
	a=$(counter "$1" "$3")
	[ "$a" -ge $(($b + $4)) ]
}

# counted NS REASON N: wait until REASON rose by N in NS (since $tmp/NS.json).
counted()
{
	wait_for 20 "$1 $2 +$3" rose "$1" "$tmp/$1.json" "$2" "$3" || {
		echo "# $1 $2: $("$JQ" -r ".counters.$2 // 0" "$tmp/$1.json") -> $(counter "$1" "$2")"
		return 1
	}
}

snapshot() { status_json "$SWARM_AGG" "$tmp/$SWARM_AGG.json"; status_json "$(worker_ns 1)" "$tmp/$(worker_ns 1).json"; }

in_clear_refused()
{
	local src
	snapshot
	for src in none "$W1_ADDR:6000" "$SWARM_PLANT_ADDR:6000"; do
		spoof "$src"
		forge "$RESULT_W1" "$SWARM_AGG_ADDR" 5 &&
		forge "$SENSOR" "$SWARM_AGG_ADDR" 5 || return 1
	done
	spoof "$SWARM_AGG_ADDR:6000"
	forge "$ROWS_MAXGEN" "$W1_ADDR" 5 && forge "$TASK_MAXEPOCH" "$W1_ADDR" 5 ||
		return 1
	spoof none
	forge "$TASK_MAXEPOCH" "$W1_ADDR" 5 || return 1
	counted "$SWARM_AGG" drop_auth 30 && counted "$(worker_ns 1)" drop_auth 15
}

unknown_key_refused()
{
	snapshot
	spoof "$W1_ADDR:6000"
	forge "$SEALED_NOKEY" "$SWARM_AGG_ADDR" 5 || return 1
	spoof none
	counted "$SWARM_AGG" drop_unknown_peer 5
}

# The plant's own sealed SENSORs, again: refused as replays; with one bit
# flipped (in the counter, the ciphertext, the tag): refused as forgeries.
replays_refused()
{
	local line n=0 flipped
	snapshot
	spoof "$SWARM_PLANT_ADDR:6000"
	while IFS= read -r line; do
		forge "$line" "$SWARM_AGG_ADDR" || return 1
		n=$((n + 1))
		[ $n -ge 10 ] && break
	done < "$tmp/sent.hex"
	line=$(head -n 1 "$tmp/sent.hex")
	for pos in 30 40 $((${#line} - 2)); do
		flipped=${line:0:pos}$(printf '%x' $((0x${line:pos:1} ^ 1)))${line:pos+1}
		forge "$flipped" "$SWARM_AGG_ADDR" || return 1
	done
	spoof none
	counted "$SWARM_AGG" drop_replay "$n" && counted "$SWARM_AGG" drop_auth 3
}

actuate_refused()
{
	spoof "$SWARM_AGG_ADDR:6000"
	forge "$ACTUATE_FAR" "$SWARM_PLANT_ADDR" 10 || return 1
	spoof none
	forge "$ACTUATE_FAR" "$SWARM_PLANT_ADDR" 10
}

# The plant applied only real cycles: none beyond what the aggregator ran.
plant_not_captured()
{
	local max cycles
	max=$("$JQ" -s 'map(.cycle) | max' "$tmp/plant.json")
	cycles=$(counter "$SWARM_AGG" cycles)
	echo "# plant's highest cycle $max, aggregator's cycles $cycles"
	[ "$max" -le "$cycles" ] && [ "$max" -gt 0 ]
}

heartbeat_adds_nothing()
{
	spoof "$SWARM_NET.77:6000"
	forge "$HEARTBEAT" "$SWARM_AGG_ADDR" 5 || return 1
	spoof none
	actl "$SWARM_AGG" -j workers list |
		"$JQ" -e 'map(.id) | sort == [1, 2, 3, 4]' > /dev/null
}

w1_results()
{
	actl "$SWARM_AGG" -j workers list | "$JQ" '.[] | select(.id == 1) | .results'
}

results_above() { [ "$(w1_results)" -ge "$1" ]; }

# Both sides of worker 1's link install its keys again (pre-shared-key
# mode: new keypairs, fresh windows, counters from the clock) while the
# swarm cycles: worker 1's RESULTs keep being used, none refused.
rekey_while_cycling()
{
	local r0 keys=$SWARM_KEYS
	snapshot
	r0=$(w1_results)
	actl "$SWARM_AGG" peer add worker 1 "$W1_ADDR:$SWARM_PORT" \
		key "@$keys/w1/node.pub" psk "$keys/swarm.psk" \
		local "@$keys/agg/node.pub" &&
	actl "$(worker_ns 1)" peer add aggregator 1 "$SWARM_AGG_ADDR:$SWARM_PORT" \
		key "@$keys/agg/node.pub" psk "$keys/swarm.psk" \
		local "@$keys/w1/node.pub" || return 1
	wait_for 60 "worker 1's results to go on" results_above $((r0 + 20)) &&
	[ "$(counter "$SWARM_AGG" drop_auth)" = "$("$JQ" -r .counters.drop_auth "$tmp/$SWARM_AGG.json")" ] &&
	[ "$(counter "$SWARM_AGG" drop_replay)" = "$("$JQ" -r .counters.drop_replay "$tmp/$SWARM_AGG.json")" ]
}

worker1_used()
{
	actl "$SWARM_AGG" -j workers list |
		"$JQ" -e 'any(.[]; .id == 1 and .results > 50)' > /dev/null
}

nothing_back() { [ "$(evil_received)" = 0 ]; }

swarm_test_prereqs
have_tools "$NFT" >/dev/null || tap_skip_all "$NFT not found"
swarm_test_begin 12

swarm_test_up --workers 4
evil_up
plant_start "$tmp/plant.json" --steps 160 --period 100 --dump-sent "$tmp/sent.hex"
monitor_cycles $CYCLES "$tmp/monitor.json" &
monitor_pid=$!
on_exit kill $monitor_pid
wait_for 30 "the plant's first SENSORs" test -s "$tmp/sent.hex"

tap_check "RESULT, SENSOR, ROWS (gen 0xffffffff), TASK (epoch 2^64-1) in clear, spoofed or not: refused, drop_auth" \
	in_clear_refused
tap_check "a datagram sealed under a key the swarm does not have: drop_unknown_peer" \
	unknown_key_refused
tap_check "the plant's SENSORs replayed: drop_replay; a flipped bit: drop_auth" \
	replays_refused
tap_check "an ACTUATE of a far cycle sent to the plant" actuate_refused
tap_check "a HEARTBEAT from a stranger adds no worker" heartbeat_adds_nothing
tap_check "worker 1 still answers after the max-epoch TASK and ROWS (fence unmoved)" \
	wait_cycles 10
tap_check "worker 1's link keyed again while cycling: its results go on, none refused" \
	rekey_while_cycling
tap_check "nothing was sent back to the forger" nothing_back
wait $monitor_pid || true
wait "$PLANT_PID" || true
tap_check "the plant applied no forged ACTUATE" plant_not_captured
swarm_test_verify "$CYCLES cycles under attack, every ok output exact" 50
tap_check "worker 1's RESULTs were used throughout" worker1_used
tap_end
