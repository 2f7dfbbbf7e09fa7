#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fuzz_wire.sh: the live fast path fuzzed from the network.
#
#   agi-plant, 192.0.2.200 (livefuzz wire) ==mutants==> agi-agg  192.0.2.1:6000
#                                          ==mutants==> agi-w1   192.0.2.11:6000
#
# AGISWARM_FUZZ_DATAGRAMS mutated datagrams (seeds: the UAPI header's hex
# examples and the libFuzzer corpora) at the aggregator and as many at
# worker 1, both at once, while a 4-worker swarm cycles at 10 Hz (its own traffic kept
# small: the VM's CPU goes to the fuzzed path). The sender has a key of its
# own and is an AGGREGATOR peer of both nodes, its link keyed with the
# swarm's pre-shared key: half the mutants go in clear (the framing, the
# plain types, a sealed type in clear), half sealed with the link's keys
# (mostly the types a worker's stages take: TASK, ROWS and the jobs', then
# opened, parsed, checked against what the sender may send and, at the
# worker, taken by the stages), some of them
# damaged after sealing or sent again. Every datagram must be accounted
# for in the node's counters (livefuzz's check_accounting(): at the
# aggregator each is one drop or upcall, exactly (the swarm's own FENCED
# apart: worker 1's fuzzer may fence it); at both exactly for the
# framing's, the parser's, the link's and the sender check's reasons, the
# upcalls and drop_type), the cycle must go on through it all
# and every ok cycle's output be exact (verify_cycles), and the kernel must
# not complain (the VM runner fails the test on any WARN, BUG, lockdep or
# KASAN report). The default count, 50000 per node, keeps `make check`
# short on the stock kernel; make check-debug sends 500000 to each, 10^6 in
# all.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
lib_trap

COUNT=${AGISWARM_FUZZ_DATAGRAMS:-50000}
SEED=${AGISWARM_FUZZ_SEED:-$(date +%s)}
FUZZ_ADDR=$SWARM_NET.200
CYCLES=20
export AGISWARM_UAPI_HEADER=$top/include/uapi/linux/agiswarm.h
CORPUS=$top/selftests/fuzz/corpus

# fuzz NS ADDR SEED [OPTIONS...]: livefuzz at the node of NS, its report in
# $tmp/fuzz-NS.out.
fuzz()
{
	local ns=$1 addr=$2 seed=$3
	shift 3
	"$LIVEFUZZ" wire --to "$addr:$SWARM_PORT" --from "$FUZZ_ADDR" \
		--src-netns "$SWARM_PLANT" --node "$ns" --count "$COUNT" \
		--seed "$seed" --corpus "$CORPUS/fuzz_wire_parse" \
		--corpus "$CORPUS/fuzz_wire_libcbor" \
		--corpus "$CORPUS/fuzz_wire_roundtrip" --psk "$SWARM_KEYS/swarm.psk" \
		--key "$tmp/fuzzer/node.pub" "$@" > "$tmp/fuzz-$ns.out" 2>&1
}

# fuzzer_peer NS NAME: the fuzzer is an AGGREGATOR peer of node NAME (in
# NS), its link keyed in pre-shared-key mode, as netns/swarm.sh keys the
# swarm's.
fuzzer_peer()
{
	actl "$1" peer add aggregator 99 "$FUZZ_ADDR:$SWARM_PORT" \
		key "@$tmp/fuzzer/node.pub" psk "$SWARM_KEYS/swarm.psk" \
		local "@$SWARM_KEYS/$2/node.pub" &&
	actl "$1" -j peer list | "$JQ" -e 'any(.[]; .kind == "aggregator" and .id == 99 and .key_age != null)' > /dev/null
}

# fuzz_result NS PID: the report of the fuzzer PID, and its verdict.
fuzz_result()
{
	local rc=0
	wait "$2" || rc=$?
	sed 's/^#* */# /' "$tmp/fuzz-$1.out"
	return $rc
}

# Every counter the module reports has a name in agictl's status.
agictl_shows_all()
{
	local names missing=
	names=$(actl "$SWARM_AGG" -j status | "$JQ" -r '.counters | keys[]')
	for c in $("$LIVEFUZZ" counters "$SWARM_AGG" | cut -d' ' -f1); do
		grep -qx "$c" <<< "$names" || missing="$missing $c"
	done
	[ -z "$missing" ] || { echo "# agictl -j status lacks:$missing"; return 1; }
}

swarm_test_prereqs
LIVEFUZZ=$(find_helper livefuzz) || tap_skip_all "livefuzz not built (make vm-tests)"
[ -r "$AGISWARM_UAPI_HEADER" ] || tap_skip_all "no $AGISWARM_UAPI_HEADER"
swarm_test_begin 7
echo "# $COUNT datagrams per node, seed $SEED (AGISWARM_FUZZ_SEED replays it)"

swarm_test_up --workers 4 --cycle 100ms --deadline 80ms
# The plant runs until the swarm goes down.
plant_start "$tmp/plant.json" --steps 1000000 --period 100
n_plant "$IP" addr add "$FUZZ_ADDR/24" dev eth0
"$AGICTL" keygen --node --output "$tmp/fuzzer" > /dev/null
tap_check "the fuzzer is a keyed AGGREGATOR peer of the aggregator and worker 1" \
	eval 'fuzzer_peer "$SWARM_AGG" agg && fuzzer_peer "$(worker_ns 1)" w1'
cycles0=$(counter "$SWARM_AGG" cycles)
# Every cycle while the fuzzer runs (agictl is what ip netns exec runs, so
# $! is agictl, which ends cleanly on SIGTERM).
"$IP" netns exec "$SWARM_AGG" "$AGICTL" -j monitor > "$tmp/monitor.json" &
monitor_pid=$!
on_exit kill $monitor_pid

# Both at once: one fuzzer per CPU of the VM, each sending from its own
# CPU only (so that its node receives in the order it predicted).
ncpu=$(nproc)
fuzz "$SWARM_AGG" "$SWARM_AGG_ADDR" "$SEED" --all-dropped \
	--peer-key "$SWARM_KEYS/agg/node.pub" --cpu 0 &
agg_fuzz=$!
fuzz "$(worker_ns 1)" "$(worker_addr 1)" $((SEED + 1)) \
	--peer-key "$SWARM_KEYS/w1/node.pub" --cpu $((1 % ncpu)) &
worker_fuzz=$!
tap_check "$COUNT mutants at the aggregator, each dropped and counted once" \
	fuzz_result "$SWARM_AGG" $agg_fuzz
tap_check "$COUNT mutants at worker 1, each accounted for" \
	fuzz_result "$(worker_ns 1)" $worker_fuzz
tap_check "the aggregator still completes cycles" still_cycling 120
kill $monitor_pid
wait $monitor_pid || true
cycles=$(($(counter "$SWARM_AGG" cycles) - cycles0))
echo "# $cycles cycles ran during the fuzzing, $(wc -l < "$tmp/monitor.json") monitored"
# Under the fuzzer's load most cycles may miss their deadline (on the
# debug kernel under TCG, 99 of 11 356 were ok: the share says how fast
# the emulation is, not whether the module is right); every one that
# completed must be exact, and some must have.
verified_some() { lib_verify 0 && grep -q ' exact=[1-9]' "$tmp/verify.out"; }
tap_check "every ok cycle during the fuzzing is exact (and some were ok)" \
	verified_some
tap_nest "$tmp/verify.out" | head -n 40
tap_check "agictl status shows every counter the module reports" agictl_shows_all
tap_end
