# SPDX-License-Identifier: GPL-2.0
#
# takeover.sh: more aggregators on a swarm of netns/swarm.sh, to take over
# from its own, and the workers' ROWS blocked meanwhile (netns/lib.sh
# sourced first; WORKERS is the swarm's number of workers).
#
#   agg_up N [NODE SET ARGS...]  aggregator agi-aggN: node id N at
#                                $SWARM_NET.N on the bridge, its own node
#                                key (in $SWARM_KEYS/aggN), known to every
#                                worker as aggregator N and knowing them
#                                (the swarm's PSK), feedback law, a 50 ms
#                                cycle, redundancy 2 and NODE SET ARGS (as
#                                `agictl node set` takes them); not started;
#                                removed on exit. An nft counter there
#                                counts the NEED_ROWS (type 0x0d in clear)
#                                that reach it.
#   agg_ns N                     only the namespace agi-aggN at
#                                $SWARM_NET.N on the bridge (removed on
#                                exit), for a node configured otherwise
#   block_rows on|off            the workers drop every ROWS (type 0x09) at
#                                their input, or no longer
#   nft_packets NS               the packets that NS's counter (agg_up's,
#                                or block_rows's drops) has seen

agg_ns()
{
	local n=$1 ns=agi-agg$1
	"$IP" netns add "$ns"
	on_exit "$IP" netns del "$ns"
	"$IP" -n "$ns" link set lo up
	"$IP" -n "$SWARM_HUB" link add "v-agg$n" type veth peer name eth0 netns "$ns"
	"$IP" -n "$SWARM_HUB" link set "v-agg$n" master br0 up
	"$IP" -n "$ns" addr add "$SWARM_NET.$n/24" dev eth0
	"$IP" -n "$ns" link set eth0 up
}

agg_up()
{
	local n=$1 ns=agi-agg$1 addr=$SWARM_NET.$1 i
	shift
	agg_ns "$n"
	"$AGICTL" keygen --node --output "$SWARM_KEYS/agg$n" > /dev/null
	actl "$ns" node set role aggregator id "$n" port "$SWARM_PORT" \
		cycle 50ms deadline 40ms miss hold redundancy 2 "$@"
	for i in $(seq 1 "$WORKERS"); do
		actl "$(worker_ns "$i")" peer add aggregator "$n" \
			"$addr:$SWARM_PORT" key "@$SWARM_KEYS/agg$n/node.pub" \
			psk "$SWARM_KEYS/swarm.psk" local "@$SWARM_KEYS/w$i/node.pub"
		actl "$ns" peer add worker "$i" \
			"$(worker_addr "$i"):$SWARM_PORT" \
			key "@$SWARM_KEYS/w$i/node.pub" psk "$SWARM_KEYS/swarm.psk" \
			local "@$SWARM_KEYS/agg$n/node.pub"
	done
	actl "$ns" law set feedback
	in_ns "$ns" "$NFT" -f - <<-NFT
	table ip takeover {
		chain in { type filter hook input priority 0; udp dport $SWARM_PORT @th,72,8 0x0d counter; }
	}
	NFT
}

block_rows()
{
	local i
	for i in $(seq 1 "$WORKERS"); do
		if [ "$1" = on ]; then
			in_ns "$(worker_ns "$i")" "$NFT" -f - <<-NFT
			table ip takeover {
				chain in { type filter hook input priority 0; udp dport $SWARM_PORT @th,72,8 0x09 counter drop; }
			}
			NFT
		else
			in_ns "$(worker_ns "$i")" "$NFT" delete table ip takeover
		fi
	done
}

nft_packets()
{
	in_ns "$1" "$NFT" list chain ip takeover in |
		sed -n 's/.*counter packets \([0-9]*\).*/\1/p'
}
