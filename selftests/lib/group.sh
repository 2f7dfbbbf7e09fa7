# SPDX-License-Identifier: GPL-2.0
#
# group.sh: a replicated aggregator group of three on a swarm of
# netns/swarm.sh, configured with agictl (netns/lib.sh and takeover.sh
# sourced first):
#
#   agi-agg  (id 1, rank 0) --+
#   agi-agg2 (id 2, rank 1) --+-- CYCLE records, sealed --+   the workers
#   agi-agg3 (id 3, rank 2) --+                           |   agi-plant
#
#   group_up                 agi-agg2 and agi-agg3 (agg_up), each with the
#                            swarm's matrix and plant; the three members
#                            of group 1 with epoch 8 (8 * 1 + rank 0: agi-agg
#                            primary), each knowing the others by key and
#                            rank, and every worker knowing the three by
#                            rank; failure threshold THRESHOLD; all three
#                            cycles running
#   plant_start_group FILE [ARGS...]  the swarm's plant sending its SENSOR
#                            to all three and taking ACTUATE from all three
#                            (plant_start FILE ARGS and the other members)
#   mode NS / epoch NS       NS's group mode (primary, backup, solo) / epoch
#   THRESHOLD, MAX_LOST      the members' failure threshold; the most
#                            cycles a change of epoch may cost the plant
#   group_settled            one member is primary in its own epoch, the
#                            others backups in that epoch; sets PRIMARY.
#                            MEMBERS, when set, are the members asked (a
#                            dead node's stopped module still says primary)
#   group_formed             waits for group_settled; each backup adopts
#                            records and shows its group line (agictl
#                            status: rank, backup, the epoch's owner, a
#                            last record); looks again (3 times at most)
#                            only when the primary changed meanwhile
#   the_primary              waits until exactly one member is primary and
#                            prints "NS EPOCH" of it
#   new_primary OLD EPOCH    one member other than OLD (which may still think
#                            it is primary, cut off) is primary, with an
#                            epoch above EPOCH whose low 3 bits are its
#                            rank; it is then in PRIMARY
#   took_over OLD EPOCH      waits for new_primary, then 20 ok cycles of it
#                            (again when another took over meanwhile); sets
#                            PRIMARY and EPOCH_NOW, adds PRIMARY to DROVE
#   back_as_backup NS        waits until NS follows EPOCH_NOW's primary
#   follows NS               NS adopts 5 more cycle records
#   no_divergence            no member's law step differed from a record
#   plant_ordered FILE MIN   the plant's --actuate-log FILE: more than MIN
#                            ACTUATEs applied, cycle ids strictly
#                            increasing, epochs never going down
#   epoch_changes FILE       each change of epoch in FILE as JSON,
#                            {from, to, lost: the cycle ids skipped}
#   members_exact MATRIX     every ok output each member sent equals y = A x
#                            (verify_cycles, $VERIFY, over $tmp/mon-NS.json,
#                            MATRIX in its text form): at least 20 cycles
#                            for each member in DROVE. A primary cut off
#                            rightly runs missed cycles (hold) until it is
#                            deposed: how many depends on the schedule
#   cpu_layout own|shared    own: the backups' receive path on CPU 1 of the
#                            VM, every other node's on CPU 0 (RPS), as if
#                            the backups had hosts of their own; shared:
#                            each datagram handled on the CPU it came on
#                            (the kernel's default)
#
# A1, A2, A3 are the members' namespaces; rank NS their ranks (a caller
# with other members sets them after sourcing this).
# Waits are WAIT seconds: 60, times AGISWARM_TIMEOUT_SCALE.

A1=$SWARM_AGG A2=agi-agg2 A3=agi-agg3
WAIT=$((60 * ${AGISWARM_TIMEOUT_SCALE:-1}))

# member_peer NS SELF ID NAME RANK: in NS (keys SELF), aggregator ID at
# $SWARM_NET.ID is group member NAME of rank RANK, keyed by the PSK.
member_peer()
{
	actl "$1" peer add aggregator "$3" "$SWARM_NET.$3:$SWARM_PORT" \
		key "@$SWARM_KEYS/$4/node.pub" psk "$SWARM_KEYS/swarm.psk" \
		local "@$SWARM_KEYS/$2/node.pub" rank "$5"
}

# plant_peers NS SELF: the plant as NS's sensor and actuator.
plant_peers()
{
	actl "$1" peer add sensor 100 "$SWARM_PLANT_ADDR:$SWARM_PORT" \
		key "@$SWARM_KEYS/plant/node.pub" psk "$SWARM_KEYS/swarm.psk" \
		local "@$SWARM_KEYS/$2/node.pub"
	actl "$1" peer add actuator 100 "$SWARM_PLANT_ADDR:$SWARM_PORT" \
		key "@$SWARM_KEYS/plant/node.pub"
}

# The failure threshold: the default, 1 (the watch; takeovers of a primary
# that was only late back it off to 3 for a while). With AGISWARM_TIMEOUT_SCALE above 1, 3
# times that (a debug kernel, under KASAN and lockdep in TCG, misses a
# 50 ms primary's records for 3 ticks often enough to take over all the
# time); a benchmark may set another (make bench-vm-failover THRESHOLD=N).
if [ "${AGISWARM_TIMEOUT_SCALE:-1}" = 1 ]; then
	THRESHOLD=${THRESHOLD:-1}
else
	THRESHOLD=${THRESHOLD:-$((3 * AGISWARM_TIMEOUT_SCALE))}
fi

# At most this many cycles without an output per change of epoch at the
# plant. On a quiet host a failover at threshold 1 costs none (the watch
# runs the overdue cycle); at 3 (a backed-off threshold) it costs the 3
# ticks (once more for each member between the old owner and the new in
# the succession) less the one whose cycle the new primary runs, plus one
# when the members' timers are out of phase: 2 to 6 (make
# bench-vm-failover measures it). A loaded host adds delayed ticks, and
# a spurious takeover can cost a few more while the workers move to the
# new epoch; the bound says that the kernel's failover stays well inside
# the 20 cycles of a 1 s Raft election it does not wait for. A debug
# kernel's threshold is AGISWARM_TIMEOUT_SCALE times longer: so is this.
MAX_LOST=$((10 * ${AGISWARM_TIMEOUT_SCALE:-1}))

group_up()
{
	local n t="failure-threshold $THRESHOLD"
	actl "$A1" node set epoch 8 group-size 3 group-rank 0 $t
	agg_up 2 epoch 8 group-id 1 group-size 3 group-rank 1 $t
	agg_up 3 epoch 8 group-id 1 group-size 3 group-rank 2 $t
	for n in 2 3; do
		actl "agi-agg$n" matrix load "$SWARM_MATRIX" > /dev/null
		plant_peers "agi-agg$n" "agg$n"
	done
	# The workers know the members' ranks: each sends the first backup a
	# copy of its RESULTs (shadow decoding).
	for n in $(seq 1 "$WORKERS"); do
		member_peer "$(worker_ns "$n")" "w$n" 1 agg 0
		member_peer "$(worker_ns "$n")" "w$n" 2 agg2 1
		member_peer "$(worker_ns "$n")" "w$n" 3 agg3 2
	done
	member_peer "$A1" agg 2 agg2 1
	member_peer "$A1" agg 3 agg3 2
	member_peer "$A2" agg2 1 agg 0
	member_peer "$A2" agg2 3 agg3 2
	member_peer "$A3" agg3 1 agg 0
	member_peer "$A3" agg3 2 agg2 1
	actl "$A2" node start --force
	actl "$A3" node start --force
}

plant_start_group()
{
	local out=$1
	shift
	plant_start "$out" "$@" \
		--aggregator "$SWARM_NET.2:$SWARM_PORT" --peer-key "$SWARM_KEYS/agg2/node.pub" \
		--aggregator "$SWARM_NET.3:$SWARM_PORT" --peer-key "$SWARM_KEYS/agg3/node.pub"
}

mode() { actl "$1" -j status | "$JQ" -r '.group.mode // "solo"'; }
epoch() { actl "$1" -j status | "$JQ" -r .epoch; }
is_mode() { [ "$(mode "$1")" = "$2" ]; }
at_least() { [ "$(counter "$1" "$2")" -ge "$3" ]; }
rank() { case $1 in "$A1") echo 0 ;; "$A2") echo 1 ;; "$A3") echo 2 ;; esac; }

# follows NS: a backup adopting records.
follows()
{
	local r0
	r0=$(counter "$1" records_received)
	wait_for "$WAIT" "records at $1" at_least "$1" records_received $((r0 + 5))
}

# one_primary: exactly one member is primary; it is then in PRIMARY.
one_primary() { new_primary "" -1; }

# the_primary: waits for one_primary (a backup may have taken over on its
# own since the last look) and prints it with its epoch.
the_primary()
{
	local i
	# A takeover between the wait and the read: look again.
	for i in 1 2 3 4 5; do
		wait_for "$WAIT" "one primary" one_primary || return 1
		one_primary && { echo "$PRIMARY $(epoch "$PRIMARY")"; return 0; }
	done
	return 1
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

# drove_or_deposed NS C0: NS has 20 ok cycles more than C0, or is no
# longer primary.
drove_or_deposed() { at_least "$1" cycles_ok $(($2 + 20)) || ! is_mode "$1" primary; }

took_over()
{
	local c0 i
	# Under load a second member can take over from the first before
	# hearing its records (safe: the higher epoch wins); settle on the
	# primary that is still the one after 20 ok cycles.
	for i in 1 2 3 4 5; do
		wait_for "$WAIT" "a takeover from $1" new_primary "$1" "$2" || return 1
		new_primary "$1" "$2" || continue
		c0=$(counter "$PRIMARY" cycles_ok)
		wait_for "$WAIT" "20 ok cycles of $PRIMARY" drove_or_deposed "$PRIMARY" "$c0" ||
			return 1
		if at_least "$PRIMARY" cycles_ok $((c0 + 20)) && new_primary "$1" "$2"; then
			EPOCH_NOW=$(epoch "$PRIMARY")
			DROVE="${DROVE:-} $PRIMARY"
			echo "$PRIMARY: $(mode "$PRIMARY"), epoch $EPOCH_NOW, takeovers $(counter "$PRIMARY" takeovers)"
			return 0
		fi
		echo "$PRIMARY took over but is no longer the one primary"
	done
	return 1
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

cpu_layout()
{
	local ns mask=0
	for ns in "$A1" "$A2" "$A3" $(for n in $(seq 1 "$WORKERS"); do worker_ns "$n"; done); do
		"$IP" netns list | grep -q "^$ns\b" || continue
		if [ "$1" = own ]; then
			case $ns in "$A2"|"$A3") mask=2 ;; *) mask=1 ;; esac
		fi
		# ip netns exec mounts the namespace's own /sys.
		"$IP" netns exec "$ns" sh -c \
			"echo $mask > /sys/class/net/eth0/queues/rx-0/rps_cpus"
	done
}

plant_ordered()
{
	"$JQ" -s -r '"\(length) ACTUATEs applied, cycles \(.[0].cycle)..\(.[-1].cycle), epochs \(map(.epoch) | unique)"' "$1"
	"$JQ" -s -e --argjson min "$2" 'length > $min and
		([range(1; length) as $i | .[$i].cycle > .[$i - 1].cycle and
		  .[$i].epoch >= .[$i - 1].epoch] | all)' "$1" > /dev/null
}

# epoch_changes ACT_LOG: each change of epoch the plant saw: cycles lost (gaps
# in the ids) and how long it held its last output over it (hold_ms).
epoch_changes()
{
	"$JQ" -s -c '[range(1; length) as $i | select(.[$i].epoch != .[$i - 1].epoch) |
		{from: .[$i - 1].epoch, to: .[$i].epoch, lost: (.[$i].cycle - .[$i - 1].cycle - 1),
		 hold_ms: ((.[$i].t_us - .[$i - 1].t_us) / 1000 | round)}]' \
		"$1"
}

members_exact()
{
	local ns rc=0 min
	for ns in "$A1" "$A2" "$A3"; do
		case " ${DROVE:-} " in *" $ns "*) min=20 ;; *) min=0 ;; esac
		if ! "$VERIFY" --matrix "$1" --min-cycles "$min" \
			< "$tmp/mon-$ns.json" > "$tmp/verify-$ns.out" 2>&1; then
			rc=1
		fi
		echo "$ns: $(grep -m1 'verify_cycles: cycles=' "$tmp/verify-$ns.out")"
		[ $rc = 0 ] || head -n 20 "$tmp/verify-$ns.out"
	done
	return $rc
}

# group_settled: exactly one member is primary, in an epoch that is its
# own (low 3 bits its rank), the others backups in that epoch; it is
# PRIMARY. A loaded host can delay a primary's records past the failure
# threshold, and a backup then takes over on its own: the protocol
# working, so the test follows whoever is primary.
group_settled()
{
	local ns e n=0
	PRIMARY=
	for ns in ${MEMBERS:-$A1 $A2 $A3}; do
		is_mode "$ns" primary || continue
		n=$((n + 1))
		PRIMARY=$ns
	done
	[ "$n" = 1 ] || return 1
	e=$(epoch "$PRIMARY")
	[ $((e & 7)) = "$(rank "$PRIMARY")" ] || return 1
	for ns in ${MEMBERS:-$A1 $A2 $A3}; do
		[ "$ns" = "$PRIMARY" ] && continue
		is_mode "$ns" backup && [ "$(epoch "$ns")" = "$e" ] || return 1
	done
}

group_formed()
{
	local try was
	for try in 1 2 3; do
		wait_for "$WAIT" "one primary and two backups" group_settled || return 1
		was=$PRIMARY
		echo "modes: $(mode "$A1") $(mode "$A2") $(mode "$A3"), epoch $(epoch "$PRIMARY"), primary $PRIMARY"
		backups_follow && return 0
		# Only a change of primary meanwhile (a spurious takeover under
		# load) earns another look; the same primary's backups not
		# following it is the failure.
		group_settled && [ "$PRIMARY" = "$was" ] && return 1
		echo "the primary changed while its backups were checked (try $try)"
	done
	return 1
}

# backups_follow: each member but PRIMARY adopts its records and says so.
backups_follow()
{
	local ns text
	for ns in "$A1" "$A2" "$A3"; do
		[ "$ns" = "$PRIMARY" ] && continue
		follows "$ns" || return 1
		text=$(actl "$ns" status | grep '^group ')
		echo "$ns: $text"
		grep -q "^group rank $(rank "$ns") of 3 backup epoch owner rank $(rank "$PRIMARY") last record [1-9]" <<< "$text" ||
			return 1
	done
}
