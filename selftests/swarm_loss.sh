#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swarm_loss.sh: a lossy network costs cycles, never correctness.
#
#   agi-agg --TASK--> agi-w1..agi-w8 --RESULT--> agi-agg
#                     eth0 of every worker: netem loss 10%
#
# With 10% of the workers' RESULTs lost, at least 95% of the cycles must
# still complete; each one that does not is reported missed (with the
# held output) and counted so by `agictl status`; no ok output may ever
# differ from the independent reference.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
lib_trap

CYCLES=200
LOSS=10

netem_present()
{
	n_w 1 "$TC" qdisc show dev eth0 | grep -q "loss $LOSS%"
}

# The status counters bracket the monitored window, so their deltas hold
# at least what the monitor saw, and they add up: cycles counts a cycle
# when it starts, cycles_ok/_missed when it ends, so each snapshot may
# hold one cycle in progress (the CI saw cycles +205, ok +200, missed +4).
counters_agree()
{
	local d_cycles d_ok d_missed m_ok m_missed
	d_cycles=$("$JQ" -n --slurpfile a "$tmp/s0.json" --slurpfile b "$tmp/s1.json" \
		'$b[0].counters.cycles - $a[0].counters.cycles')
	d_ok=$("$JQ" -n --slurpfile a "$tmp/s0.json" --slurpfile b "$tmp/s1.json" \
		'$b[0].counters.cycles_ok - $a[0].counters.cycles_ok')
	d_missed=$("$JQ" -n --slurpfile a "$tmp/s0.json" --slurpfile b "$tmp/s1.json" \
		'$b[0].counters.cycles_missed - $a[0].counters.cycles_missed')
	m_ok=$("$JQ" -s '[.[] | select(.status == "ok")] | length' "$tmp/monitor.json")
	m_missed=$("$JQ" -s '[.[] | select(.status == "missed")] | length' "$tmp/monitor.json")
	echo "# counters: cycles +$d_cycles, ok +$d_ok, missed +$d_missed; monitor: ok $m_ok, missed $m_missed"
	local open=$((d_cycles - d_ok - d_missed))
	[ "$open" -ge -1 ] && [ "$open" -le 1 ] &&
		[ "$d_ok" -ge "$m_ok" ] && [ "$d_missed" -ge "$m_missed" ]
}

# The test means something only if netem really dropped RESULTs.
losses_seen()
{
	local i n total=0
	for i in $(seq 1 8); do
		n=$(n_w "$i" "$TC" -s qdisc show dev eth0 |
			sed -n 's/.*dropped \([0-9]*\).*/\1/p' | head -n 1)
		total=$((total + ${n:-0}))
	done
	echo "# netem dropped $total datagrams on the worker links"
	[ "$total" -gt 0 ]
}

swarm_test_prereqs
have_tools "$TC" >/dev/null || tap_skip_all "$TC not found"
swarm_test_begin 5

swarm_test_up --workers 8 --loss $LOSS
tap_check "netem loss $LOSS% on the worker links" netem_present
plant_start "$tmp/plant.json" --steps 130 --period 100
status_json "$SWARM_AGG" "$tmp/s0.json"
monitor_cycles $CYCLES "$tmp/monitor.json" || true
status_json "$SWARM_AGG" "$tmp/s1.json"
swarm_test_verify "$CYCLES cycles: >= 95% ok, every ok output exact, misses held" \
	95 --miss hold
tap_check "agictl status counters agree with the monitored cycles" counters_agree
tap_check "netem dropped worker datagrams during the run" losses_seen
wait "$PLANT_PID" || true
tap_end
