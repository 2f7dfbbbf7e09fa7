#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# repl_stress.sh: the daemon's replication code (daemon/repl.c,
# repl_transport.c, Debian's libraft 0.15) under the churn agiswarmd's
# group sees on a slow machine, sanitized (repl/repl_stress.c): three
# members in one process whose leader proposes all the time: once handing
# its leadership on all the time (as group.c does to follow the module's
# primary) while the loop stalls past election timeouts, once stopped
# with its writes in flight and started again. No crash (without repl.c's
# workarounds libraft 0.15 sends to a vanished leader's NULL address,
# truncates its log past its end, or lets a former leader vote twice in a
# term for its transfer's target, and one of the two leaders of that term
# takes the other's entries into its leader state), no error logged (two
# leaders of one term), every proposal answered exactly once, the same
# entries applied in the same order everywhere (libraft 0.15 commits
# entries of older terms by counting replicas, Raft's Figure 8: without
# repl.c's workaround, now and then two members apply different entries
# at one index in the stop case).
#
# Both cases by default: the churn case for 10 s, the stop case for 15 s
# (make check); SECONDS sets both (`make stress`, STRESS_SECONDS).
#
#   REPL_STRESS=build/san/selftests/native/repl/repl_stress \
#	REPL_STRESS_MODES="churn stop" selftests/native/repl_stress.sh [SECONDS]
set -u

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
STRESS=${REPL_STRESS:-$(dirname "${AGICTL:-build/agictl}")/san/selftests/native/repl/repl_stress}
SECS=${1:-}
BASE=${REPL_STRESS_BASE_PORT:-17600}
SEED=${REPL_STRESS_SEED:-$$}

[ -x "$STRESS" ] || tap_skip_all "$STRESS is not built"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# run MODE PORT SECONDS WHAT: one repl_stress run; its summary as comments.
run()
{
	local rc
	mkdir -p "$tmp/$1"
	"$STRESS" "$1" "$tmp/$1" "$3" "$2" "$SEED" > "$tmp/$1.out" 2>&1
	rc=$?
	sed -n 's/^# /# '"$1"': /p' "$tmp/$1.out"
	[ $rc = 0 ] || grep -v '^#' "$tmp/$1.out" | head -n 40 | sed 's/^/# /'
	tap_result "$4 for $3 s (seed $SEED): no crash, no error, every proposal answered once, the same entries everywhere" $rc
}

MODES=${REPL_STRESS_MODES:-churn stop}
tap_begin $(echo $MODES | wc -w)
for mode in $MODES; do
	case $mode in
	churn) run churn "$BASE" "${SECS:-10}" "the leadership handed on all the time, proposals in flight, the loop stalled past elections" ;;
	stop) run stop $((BASE + 10)) "${SECS:-15}" "leaders stopped with their writes in flight and started again" ;;
	*) echo "repl_stress.sh: unknown mode $mode (churn, stop)" >&2; exit 2 ;;
	esac
done
tap_end
