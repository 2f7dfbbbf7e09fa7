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
#
# A replicated group of three such aggregators, A1, A2, A3 (namespaces,
# set by the caller with rank NS, their ranks, and WAIT, the longest wait
# in seconds):
#
#   mode NS, epoch NS            its group mode (solo, primary, backup)
#                                and epoch (agictl -j status)
#   follows NS                   it adopts 5 more cycle records
#   new_primary OLD EPOCH        one member other than OLD is primary, in
#                                an epoch above EPOCH that is its own (low
#                                3 bits its rank); sets PRIMARY
#   took_over OLD EPOCH          waits for new_primary, then 20 ok cycles
#                                of it; sets PRIMARY and EPOCH_NOW, adds
#                                it to DROVE
#   back_as_backup NS            NS follows EPOCH_NOW as a backup
#   no_divergence                no member's law step differed from a
#                                record
#   plant_ordered FILE MIN       the plant's --actuate-log FILE: more than
#                                MIN ACTUATEs applied, cycle ids strictly
#                                increasing, epochs never going down
#   epoch_changes FILE           each change of epoch in FILE as JSON,
#                                {from, to, lost: the cycle ids skipped}

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

mode() { actl "$1" -j status | "$JQ" -r '.group.mode // "solo"'; }
epoch() { actl "$1" -j status | "$JQ" -r .epoch; }
is_mode() { [ "$(mode "$1")" = "$2" ]; }
at_least() { [ "$(counter "$1" "$2")" -ge "$3" ]; }

follows()
{
	local r0
	r0=$(counter "$1" records_received)
	wait_for "$WAIT" "records at $1" at_least "$1" records_received $((r0 + 5))
}

new_primary()
{
	local ns n=0 e
	PRIMARY=
	for ns in "$A1" "$A2" "$A3"; do
		[ "$ns" != "$1" ] && is_mode "$ns" primary || continue
		n=$((n + 1))
		PRIMARY=$ns
	done
	[ "$n" = 1 ] || return 1
	e=$(epoch "$PRIMARY")
	[ "$e" -gt "$2" ] && [ $((e & 7)) = "$(rank "$PRIMARY")" ]
}

took_over()
{
	local c0
	wait_for "$WAIT" "a takeover from $1" new_primary "$1" "$2" || return 1
	new_primary "$1" "$2" || return 1
	EPOCH_NOW=$(epoch "$PRIMARY")
	DROVE="${DROVE:-} $PRIMARY"
	echo "$PRIMARY: $(mode "$PRIMARY"), epoch $EPOCH_NOW, takeovers $(counter "$PRIMARY" takeovers)"
	c0=$(counter "$PRIMARY" cycles_ok)
	wait_for "$WAIT" "20 ok cycles of $PRIMARY" at_least "$PRIMARY" cycles_ok $((c0 + 20))
}

back_as_backup()
{
	wait_for "$WAIT" "$1 to follow epoch $EPOCH_NOW" is_mode "$1" backup || return 1
	echo "$1: $(mode "$1"), epoch $(epoch "$1"), deposed $(counter "$1" deposed)"
	[ "$(epoch "$1")" -ge "$EPOCH_NOW" ] && follows "$1"
}

no_divergence()
{
	local ns d total=0
	for ns in "$A1" "$A2" "$A3"; do
		d=$(counter "$ns" divergences)
		echo "$ns: divergences $d, records received $(counter "$ns" records_received), sent $(counter "$ns" records_sent), missed $(counter "$ns" records_missed)"
		total=$((total + d))
	done
	[ "$total" = 0 ]
}

plant_ordered()
{
	"$JQ" -s -r '"\(length) ACTUATEs applied, cycles \(.[0].cycle)..\(.[-1].cycle), epochs \(map(.epoch) | unique)"' "$1"
	"$JQ" -s -e --argjson min "$2" 'length > $min and
		([range(1; length) as $i | .[$i].cycle > .[$i - 1].cycle and
		  .[$i].epoch >= .[$i - 1].epoch] | all)' "$1" > /dev/null
}

epoch_changes()
{
	"$JQ" -s -c '[range(1; length) as $i | select(.[$i].epoch != .[$i - 1].epoch) |
		{from: .[$i - 1].epoch, to: .[$i].epoch, lost: (.[$i].cycle - .[$i - 1].cycle - 1)}]' \
		"$1"
}
