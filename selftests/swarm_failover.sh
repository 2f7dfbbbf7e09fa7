#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swarm_failover.sh: a replicated aggregator group fails over five times,
# and is promoted by hand once, without a cycle applied twice, out of
# order, or wrong.
#
#   agi-agg  (id 1, rank 0) --+
#   agi-agg2 (id 2, rank 1) --+-- CYCLE records, sealed --+   agi-w1..agi-w4
#   agi-agg3 (id 3, rank 2) --+                           |   agi-plant
#
# Issue #9. The three members serve the same matrix, workers, law and
# plant (the plant sends its SENSOR to each and takes ACTUATE from each,
# keeping one output per cycle id, strictly increasing, highest epoch
# first). Epoch 8 = 8 * 1 + rank 0: agi-agg is the primary, the others
# follow its records. Then five faults, each to whichever member is
# primary at the time (on a quiet host: agi-agg, agi-agg2, agi-agg3):
#
#   1. its cycle is stopped (agictl node stop): another member takes over
#      with a higher epoch whose low 3 bits are its rank (quietly agi-agg2,
#      next in the succession, with 9); the old primary, started again,
#      sees that epoch and follows as a backup;
#   2. its link goes down: another member takes over (quietly agi-agg3,
#      10); the old primary, back up, follows;
#   3. it is cut from the other members only (nft), not from the workers
#      and the plant: another member takes over (quietly agi-agg, 16), the
#      workers answer the cut-off member's stale TASKs with FENCED, and it
#      stops driving and does not take the epoch back while cut off; deposed
#      while its cycle ran, it counts the takeover premature (agictl status:
#      its failure threshold "(N in effect)", one tick more);
#   4. its ACTUATEs and records are dropped as they leave it, its TASKs
#      still go out (a primary that fails after sending them): the workers
#      send their RESULTs to it and a copy to the first backup (the next
#      in rank order), which decodes each cycle itself and, the record
#      not coming, sends that cycle's output (shadow decoding), until it
#      takes over; the plant misses no cycle at that change of epoch;
#   5. with the failure threshold set to 1 on every member (the default;
#      set again, which clears the backoff the faults above raised), its
#      cycle is
#      stopped at a random point of the period: its first backup takes
#      over at once, at its first tick without a record or, when that
#      tick is more than half a period after the primary's next cycle was
#      due, by its watch (the kernel log says "takes over now"), and runs
#      that cycle itself; the plant misses no cycle at that change of
#      epoch either. The threshold goes back to THRESHOLD. (Not on a kernel
#      whose timeouts are scaled, the debug kernel: there most cycles are
#      half a period late and threshold 1 only churns; its points skip.)
#   6. with the failure threshold set to 0 on every member (agiswarmd's
#      failover.auto_promotion: false), its cycle is stopped: for 3 s no
#      member takes over, its first backup counts the missed records and
#      logs the first; then an operator sets that backup's next epoch (as
#      agictl group transfer NAME force does) and it drives, the plant
#      applying its outputs. The cycles lost there are the operator's
#      (check_lost leaves that change out). The threshold goes back to
#      THRESHOLD.
#
# A loaded host can delay a primary's records past the failure threshold,
# and a backup then takes over on its own: the protocol working (the
# higher epoch wins, the old primary is deposed). So the test follows
# whoever is primary rather than the quiet host's epochs, and checks what
# must hold under any schedule.
#
# Checked: the ACTUATEs the plant applied (--actuate-log) have strictly
# increasing cycle ids and epochs that never go down, the cycles without
# one at each change of epoch are few (reported; cycle ids stay on the
# period's grid, so a gap in them is cycles without output), every ok
# output of every member equals y = A x (verify_cycles over each member's
# monitor), no member's own law step ever diverged from a record.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
. "$top/selftests/lib/takeover.sh"
. "$top/selftests/lib/group.sh"
lib_trap

WORKERS=4

# The group forms (on a quiet host agi-agg primary in epoch 8), its
# counters as it starts.
check_group()
{
	echo "$A1 records_sent $(counter "$A1" records_sent), tx_no_key $(counter "$A1" tx_no_key)"
	group_formed
}

# member_addrs NS: the addresses of the members other than NS.
member_addrs()
{
	local ns out=
	for ns in "$A1" "$A2" "$A3"; do
		[ "$ns" = "$1" ] || out="$out${out:+, }$SWARM_NET.$(($(rank "$ns") + 1))"
	done
	echo "$out"
}

# partition NS: NS cut from the other members, not from workers or plant.
partition()
{
	in_ns "$1" "$NFT" -f - <<-NFT
	table ip failover {
		chain in { type filter hook input priority 0; ip saddr { $(member_addrs "$1") } drop; }
		chain out { type filter hook output priority 0; ip daddr { $(member_addrs "$1") } drop; }
	}
	NFT
}

# mute NS on|off: NS's ACTUATEs and cycle records dropped as they leave;
# its TASKs still go out (a primary that fails after sending them).
mute()
{
	if [ "$2" = on ]; then
		in_ns "$1" "$NFT" -f - <<-NFT
		table ip mute {
			chain out { type filter hook output priority 0; udp dport $SWARM_PORT @th,72,8 { 0x08, 0x0e } drop; }
		}
		NFT
	else
		in_ns "$1" "$NFT" delete table ip mute
	fi
}

# first_backup NS: the member after NS in rank order.
first_backup()
{
	case $(( ($(rank "$1") + 1) % 3 )) in
	0) echo "$A1" ;; 1) echo "$A2" ;; 2) echo "$A3" ;;
	esac
}

# shadowed FIRST S0: FIRST took over from the muted primary, having sent
# outputs of its own decode (its shadow_outputs above S0) meanwhile.
shadowed()
{
	took_over "$OLD" "$OLD_EPOCH" || return 1
	echo "$1: shadow_outputs $(counter "$1" shadow_outputs) (was $2), takeovers $(counter "$1" takeovers)"
	[ "$PRIMARY" = "$1" ] && at_least "$1" shadow_outputs $(($2 + 1))
}

# no_gap_at EPOCH: the plant's change of epoch to EPOCH skipped no cycle.
no_gap_at()
{
	epoch_changes "$tmp/act.json" |
		"$JQ" -e --argjson e "$1" 'any(.[]; .to == $e and .lost == 0)' > /dev/null
}

# The cut-off primary stops: deposed by FENCED, its cycles stand still
# while the new primary runs 20, and it does not take over again.
# check_deposed CUT DEPOSED0: CUT was deposed (its counter above DEPOSED0).
# backed_off NS: NS's failure threshold in effect is above the one set,
# which is below 3 (at 0 or from 3 on the backoff leaves it as set).
backed_off()
{
	local set now
	read -r set now < <(actl "$1" -j status |
		"$JQ" -r '"\(.group.failure_threshold) \(.group.failure_threshold_now)"')
	echo "$1: failure threshold $set, in effect $now"
	if [ "$set" = 0 ] || [ "$set" -ge 3 ]; then
		[ "$now" = "$set" ]
	else
		[ "$now" -gt "$set" ]
	fi
}

check_deposed()
{
	local c0 t0
	wait_for "$WAIT" "$1 deposed" at_least "$1" deposed $(($2 + 1)) || return 1
	is_mode "$1" backup || return 1
	c0=$(counter "$1" cycles)
	t0=$(counter "$1" takeovers)
	wait_for "$WAIT" "20 more cycles of $PRIMARY" at_least "$PRIMARY" cycles \
		$(($(counter "$PRIMARY" cycles) + 20)) || return 1
	echo "$1: $(mode "$1"), epoch $(epoch "$1"), deposed $(counter "$1" deposed), cycles $c0 -> $(counter "$1" cycles), fenced_sent by agi-w1: $(counter agi-w1 fenced_sent)"
	[ "$(counter "$1" cycles)" = "$c0" ] &&
		[ "$(counter "$1" takeovers)" = "$t0" ] &&
		is_mode "$1" backup
}

# The plant's applied cycle ids strictly increase (none twice) and its
# epochs never go down.
check_applied() { plant_ordered "$tmp/act.json" 100; }

# Cycles without an ACTUATE at each change of epoch, as cycle id gaps.
check_lost()
{
	local lost
	lost=$(epoch_changes "$tmp/act.json") || return 1
	echo "failovers at the plant: $lost (the faults' epochs: $FAULT_EPOCHS)"
	"$JQ" -e --argjson max "$MAX_LOST" --argjson faults "[$FAULT_EPOCHS]" \
		--argjson held "${PROMOTE_EPOCH:-0}" \
		'map(select(.to != $held)) |
		 length >= 4 and all(.[]; .lost <= $max) and
		 (map(.to) as $to | all($faults[]; . as $e | any($to[]; . == $e)))' \
		<<< "$lost" > /dev/null
}

# Every ok output each member sent equals y = A x; 20 cycles at least
# of each that took over.
check_exact()
{
	matrix_text "$SWARM_MATRIX" "$tmp/matrix.txt" &&
		members_exact "$tmp/matrix.txt"
}

swarm_test_prereqs
have_tools "$NFT" > /dev/null || tap_skip_all "$NFT not found"
swarm_test_begin 25

swarm_test_up --workers "$WORKERS"
rc=0
group_up > "$tmp/group.log" 2>&1 || rc=$?
tap_nest "$tmp/group.log"
tap_result "three members: ranks 0, 1, 2, each with the swarm's matrix, workers and plant" $rc
[ $rc = 0 ] || exit 1
tap_check "one primary (quietly agi-agg, epoch 8), the two others follow its records" check_group

for ns in "$A1" "$A2" "$A3"; do
	timeout 600 "$IP" netns exec "$ns" "$AGICTL" -j monitor > "$tmp/mon-$ns.json" &
	echo $! >> "$SWARM_STATE/pids"
done
plant_start_group "$tmp/plant.json" --steps 100000 --period 100 \
	--actuate-log "$tmp/act.json"
wait_for 60 "a first ACTUATE" test -s "$tmp/act.json" || true
wait_cycles 20 || true

# fault_begin: the primary the fault is done to (OLD) and its epoch;
# fault_end: the epoch that took over noted for check_lost (took_over
# notes its member in DROVE, for check_exact).
fault_begin()
{
	read -r OLD OLD_EPOCH < <(the_primary) || { OLD=$PRIMARY OLD_EPOCH=$(epoch "$PRIMARY"); }
}
fault_end()
{
	FAULT_EPOCHS="$FAULT_EPOCHS${FAULT_EPOCHS:+, }$EPOCH_NOW"
}

PRIMARY=${PRIMARY:-$A1} FAULT_EPOCHS=
DROVE=$PRIMARY
fault_begin
actl "$OLD" node stop
tap_check "node stop of the primary ($OLD): another member takes over with its own higher epoch" \
	took_over "$OLD" "$OLD_EPOCH"
actl "$OLD" node start --force
tap_check "$OLD, started again, follows the new epoch as a backup" back_as_backup "$OLD"
fault_end

fault_begin
"$IP" -n "$OLD" link set eth0 down
tap_check "the primary's link ($OLD) down: another member takes over with its own higher epoch" \
	took_over "$OLD" "$OLD_EPOCH"
"$IP" -n "$OLD" link set eth0 up
tap_check "$OLD, back up, follows the new epoch as a backup" back_as_backup "$OLD"
fault_end

fault_begin
deposed0=$(counter "$OLD" deposed)
partition "$OLD"
tap_check "the primary ($OLD) cut from the members only: another member takes over" \
	took_over "$OLD" "$OLD_EPOCH"
tap_check "the cut-off $OLD is fenced by the workers and stops driving" \
	check_deposed "$OLD" "$deposed0"
tap_check "the cut-off $OLD, deposed while its cycle ran, counts that takeover premature: a tick more in effect than its failure threshold (below 3)" \
	backed_off "$OLD"
in_ns "$OLD" "$NFT" delete table ip failover
tap_check "$OLD, reconnected, follows the new epoch" back_as_backup "$OLD"
fault_end

# Shadow decoding: the first backup has every worker's RESULT copies.
fault_begin
FIRST=$(first_backup "$OLD")
s0=$(counter "$FIRST" shadow_outputs)
deposed0=$(counter "$OLD" deposed)
mute "$OLD" on
tap_check "the primary ($OLD) muted after its TASKs: its first backup ($FIRST) sends the cycles' outputs from its own decode, then takes over" \
	shadowed "$FIRST" "$s0"
MUTE_EPOCH=$EPOCH_NOW
tap_check "the muted $OLD is fenced by the workers and stops driving" \
	check_deposed "$OLD" "$deposed0"
mute "$OLD" off
tap_check "$OLD, unmuted, follows the new epoch" back_as_backup "$OLD"
fault_end

# The watch: failure threshold 1 on every member; the primary's cycle
# stopped a random time into a period.
set_threshold()
{
	local ns
	for ns in "$A1" "$A2" "$A3"; do
		actl "$ns" node set failure-threshold "$1" || return 1
	done
}
# watched FIRST E: a member took over from the stopped primary, and
# FIRST took over with its epoch E at once, at its first tick without a
# record or by its watch, whichever came first (the kernel's line of that
# takeover: 0 or 1 ticks without a record). On a loaded host another
# member may take over from FIRST just after (safe); E is the change of
# epoch the plant must not have lost a cycle at.
watched()
{
	local line
	took_over "$OLD" "$OLD_EPOCH" || return 1
	line=$(dmesg | grep "rank $(rank "$1") takes over with epoch $2 " | tail -1)
	echo "$1: ${line#*] }"
	case $line in
	*"(0 ticks without"* | *"(1 ticks without"*) return 0 ;;
	esac
	return 1
}
# next_epoch NS E: NS's next epoch, the smallest above E with its rank.
next_epoch()
{
	local e=$(($2 - $2 % 8 + $(rank "$1")))
	[ "$e" -gt "$2" ] || e=$((e + 8))
	echo "$e"
}
# Threshold 1 takes over whenever a cycle is half a period late: on a
# kernel whose timeouts are scaled (the debug kernel, KASAN and lockdep
# under TCG) that is most cycles, and the group would only churn.
WATCH_EPOCH=
if [ "${AGISWARM_TIMEOUT_SCALE:-1}" = 1 ]; then
	wait_for "$WAIT" "one primary" group_settled || true
	fault_begin
	FIRST=$(first_backup "$OLD")
	WATCH_EPOCH=$(next_epoch "$FIRST" "$OLD_EPOCH")
	set_threshold 1
	sleep 1	# the watch is armed from the next cycle's copies on
	sleep "$(printf '0.%03d' $((RANDOM % 50)))"
	actl "$OLD" node stop
	tap_check "failure threshold 1, the primary's ($OLD) cycle stopped: its first backup ($FIRST) takes over at once with epoch $WATCH_EPOCH (its first tick without a record, or its watch)" \
		watched "$FIRST" "$WATCH_EPOCH"
	actl "$OLD" node start --force
	tap_check "$OLD, started again, follows the new epoch as a backup" back_as_backup "$OLD"
	set_threshold "$THRESHOLD"
	fault_end
else
	tap_skip "failure threshold 1: the first backup takes over at once" "timeouts scaled by ${AGISWARM_TIMEOUT_SCALE}: cycles come half a period late all the time here"
	tap_skip "the old primary follows as a backup" "as above"
fi

# Failure threshold 0 (agiswarmd's failover.auto_promotion: false): no
# member takes over on its own; an operator promotes one with its next
# epoch (what agictl group transfer NAME force sets; that verb needs the
# daemons, which daemon_group.sh runs).
# held E FIRST MISSED0: the epoch still E everywhere, no member but the
# stopped one in the primary's mode, FIRST counted missed records and
# logged the first.
held()
{
	local ns
	for ns in "$A1" "$A2" "$A3"; do
		[ "$(epoch "$ns")" = "$1" ] || return 1
		[ "$ns" = "$OLD" ] || ! is_mode "$ns" primary || return 1
	done
	at_least "$2" records_missed $(($3 + 20)) &&
		dmesg | grep -q "failure threshold 0, rank $(rank "$2") does not take over on its own"
}
drives_in() { [ "$(epoch "$1")" = "$2" ] && is_mode "$1" primary; }
# applied_in E FROM: the plant applied 5 ACTUATEs of epoch E after line FROM.
applied_in()
{
	[ "$(tail -n +"$2" "$tmp/act.json" | grep -c "\"epoch\":$1,")" -ge 5 ]
}
# promoted NS E: NS drives in epoch E and the plant applies its outputs.
promoted()
{
	local n
	n=$(($(wc -l < "$tmp/act.json") + 1))
	wait_for "$WAIT" "$1 driving in epoch $2" drives_in "$1" "$2" &&
		wait_for "$WAIT" "the plant's ACTUATEs of epoch $2" applied_in "$2" "$n"
}
wait_for "$WAIT" "one primary" group_settled || true
fault_begin
FIRST=$(first_backup "$OLD")
PROMOTE_EPOCH=$(next_epoch "$FIRST" "$OLD_EPOCH")
set_threshold 0
missed0=$(counter "$FIRST" records_missed)
actl "$OLD" node stop
sleep 3		# 60 periods
tap_check "failure threshold 0, the primary's ($OLD) cycle stopped: no member takes over on its own, $FIRST counts the missed records" \
	held "$OLD_EPOCH" "$FIRST" "$missed0"
actl "$FIRST" node set epoch "$PROMOTE_EPOCH"
tap_check "an operator promotes $FIRST (its next epoch, $PROMOTE_EPOCH): it drives, the plant applies its outputs" \
	promoted "$FIRST" "$PROMOTE_EPOCH"
actl "$OLD" node start --force
tap_check "$OLD, started again, follows the new epoch as a backup" back_as_backup "$OLD"
set_threshold "$THRESHOLD"

# tree PID: PID and every process below it, parents first (a backgrounded
# function's pid is its subshell; ip netns exec and timeout sit between it
# and the plant or agictl). Killed in that order, no shell is left to
# report its child's death.
tree()
{
	local f line rest
	echo "$1"
	# /proc/PID/stat: pid (comm) state ppid ...; comm may hold spaces.
	for f in /proc/[0-9]*/stat; do
		read -r line 2>/dev/null < "$f" || continue
		rest=${line##*) }
		set -- "$1" $rest
		[ "$3" = "$1" ] || continue
		f=${f#/proc/}
		tree "${f%/stat}"
	done
}

# The plant and the monitors this script started (the shell's notes of
# the jobs it reaps go nowhere: not TAP).
{
	for pid in $(jobs -p); do
		kill $(tree "$pid")
	done
	wait
} 2>/dev/null || true

tap_check "the plant applied strictly increasing cycle ids, none twice" check_applied
tap_check "at most $MAX_LOST cycles without an ACTUATE at each change of epoch, the faults' among them" check_lost
tap_check "no cycle without an ACTUATE where the muted primary's first backup took over (epoch $MUTE_EPOCH)" \
	no_gap_at "$MUTE_EPOCH"
if [ -n "$WATCH_EPOCH" ]; then
	tap_check "no cycle without an ACTUATE where the first backup took over at threshold 1 (epoch $WATCH_EPOCH)" \
		no_gap_at "$WATCH_EPOCH"
else
	tap_skip "no cycle without an ACTUATE where the first backup took over at threshold 1" "no such fault here (above)"
fi
tap_check "every ok output of every member equals y = A x" check_exact
tap_check "no member's own law step diverged from a record" no_divergence
tap_end
