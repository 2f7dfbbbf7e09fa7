#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swarm_probe.sh: the fixed-point probe (agictl job run fixed-probe).
#
#   agi-agg --JOB_ROWS/JOB_TASK (known answers)--> agi-wN alone
#
# A worker that computes as the aggregator does passes: every exact sum of
# the known-answer rows (extremes past 64 bits, signs, powers of two) is
# the aggregator's, bit for bit. Made to answer wrongly (a corrupt fault on
# itself) it is refused: the probe fails naming it and the cycle goes on
# without it. Once it computes right again a probe passes it. With
# probe-join on, the module probes a worker that joins by itself, and the
# worker gets rows only once that probe passed.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
lib_trap

PROBED=4

# probe_passes ID: with every fault off (the aggregator's and worker
# PROBED's own), worker ID passes.
probe_passes()
{
	actl "$SWARM_AGG" fault clear || return 1
	actl "$(worker_ns $PROBED)" fault clear || return 1
	actl "$SWARM_AGG" -j job run fixed-probe --worker "$1" --timeout 60s \
		> "$tmp/probe.json" || return 1
	cat "$tmp/probe.json"
	"$JQ" -e ".verdict == \"pass\" and .worker == $1" "$tmp/probe.json" \
		> /dev/null
}

# Worker PROBED made to answer wrongly (a corrupt fault on itself): its
# sums differ from the aggregator's, the probe fails and it is refused.
probe_refuses()
{
	actl "$(worker_ns $PROBED)" fault inject worker "$PROBED" corrupt ||
		return 1
	tap_run "$IP" netns exec "$SWARM_AGG" "$AGICTL" job run fixed-probe \
		--worker "$PROBED" --timeout 60s
	echo "# exit $rc: $err"
	[ "$rc" = 1 ] &&
		printf '%s' "$err" | grep -qF "worker $PROBED computes differently from the aggregator: refused"
}

# Refused, worker PROBED holds no rows of the cycle, and the cycle goes on.
refused_no_rows()
{
	wait_for 60 "worker $PROBED to hold no rows" probed_rows_are 0 || return 1
	still_cycling
}

# Worker PROBED joins again: removed, then added as the swarm added it.
rejoin()
{
	actl "$SWARM_AGG" peer del worker "$PROBED" || return 1
	actl "$SWARM_AGG" peer add worker "$PROBED" \
		"$(worker_addr "$PROBED"):$SWARM_PORT" \
		key "@$SWARM_KEYS/w$PROBED/node.pub" psk "$SWARM_KEYS/swarm.psk" \
		local "@$SWARM_KEYS/agg/node.pub"
}

# The newest probe of worker PROBED in the aggregator's jobs: "STATE ERROR".
join_probe() { actl "$SWARM_AGG" -j job list | "$JQ" -r \
	"[.[] | select(.op == \"fixed-probe\" and .worker == $PROBED)] | last |
	 \"\\(.state) \\(.error)\""; }
join_probe_ended() { case "$(join_probe)" in done*|failed*) ;; *) false ;; esac; }

# probe-join on, worker PROBED computing wrongly joins again: the module
# probes it by itself, the probe fails, and it never gets rows.
join_refused()
{
	local before
	actl "$SWARM_AGG" node set probe-join on || return 1
	actl "$SWARM_AGG" -j status | "$JQ" -e '.probe_join == true' \
		> /dev/null || return 1
	actl "$(worker_ns $PROBED)" fault inject worker "$PROBED" corrupt ||
		return 1
	before=$(actl "$SWARM_AGG" -j job list | "$JQ" length)
	rejoin || return 1
	# It holds no rows from the moment it is added.
	probed_rows_are 0 || { echo "# worker $PROBED holds rows at once"; return 1; }
	wait_for 60 "worker $PROBED's join probe to end" join_probe_ended ||
		return 1
	echo "# join probe: $(join_probe); jobs $before -> $(actl "$SWARM_AGG" -j job list | "$JQ" length)"
	[ "$(join_probe)" = "failed Protocol error" ] || return 1
	probed_rows_are 0 && still_cycling
}

# Computing right, it joins again: its probe passes and it holds rows.
join_passes()
{
	actl "$(worker_ns $PROBED)" fault clear || return 1
	rejoin || return 1
	wait_for 60 "worker $PROBED's join probe to end" join_probe_ended ||
		return 1
	echo "# join probe: $(join_probe)"
	[ "$(join_probe)" = "done null" ] || return 1
	wait_for 60 "worker $PROBED to hold rows" probed_has_rows
}

probed_rows() { actl "$SWARM_AGG" -j workers list |
	"$JQ" -r ".[] | select(.id == $PROBED) | .rows"; }
probed_rows_are() { [ "$(probed_rows)" = "$1" ]; }
probed_has_rows() { [ "$(probed_rows)" -gt 0 ]; }

swarm_test_prereqs
swarm_test_begin 8

swarm_test_up --workers 4
tap_check "fixed-probe: worker 1 computes as the aggregator does" probe_passes 1
tap_check "fixed-probe refuses worker $PROBED made to compute wrongly" probe_refuses
tap_check "the refused worker holds no rows; the cycle goes on" refused_no_rows
tap_check "fixed-probe passes worker $PROBED again once it computes right" probe_passes "$PROBED"
tap_check "worker $PROBED, passed, holds rows again" \
	wait_for 60 "worker $PROBED to hold rows" probed_has_rows
tap_check "probe-join: worker $PROBED joining while computing wrongly is probed and gets no rows" \
	join_refused
tap_check "probe-join: computing right, it joins, passes its probe and holds rows" \
	join_passes
tap_end
