#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# daemon_restart.sh: agiswarmd killed with -9 and restarted while the
# aggregator cycles.
#
#   agi-agg: agiswarm.ko cycling -- agiswarmd (kill -9) ... agiswarmd again
#   agi-w1..3 workers, agi-plant the operator (netns/swarm.sh)
#
# The fast path belongs to the module: while no daemon runs and after the
# new one adopts the node, the cycle ids of `agictl -j monitor` go on
# without a gap. The audit log (one commit before the kill, one after)
# verifies, and metrics.csv, rotated every 2 KiB, holds every cycle once:
# the rows of all its files, oldest file first, have consecutive cycle
# ids across the kill, each file starting with the header. Then an
# upgrade: a metrics.csv with the older 7 columns is moved to
# metrics.csv.1 and a new file with today's header goes on after it.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
. "$top/selftests/daemon_lib.sh"
lib_trap

HEADER=timestamp,cycle_id,latency_ms,jitter_ms,worker_count,task_count,error_rate,epoch,producer
OLD_HEADER=timestamp,cycle_id,latency_ms,jitter_ms,worker_count,task_count,error_rate

commit()
{
	n_plant "$AGICTL" commit --yes --key "$tmp/op/operator.key" \
		--to "$SWARM_AGG_ADDR:$SWARM_PORT" "$@" > "$tmp/commit.out" 2>&1
	rc=$?
	tap_nest "$tmp/commit.out"
	return $rc
}

# metrics files, oldest first: metrics.csv.N ... metrics.csv.1, metrics.csv
metrics_files()
{
	ls "$tmp" | sed -n 's/^metrics\.csv\.\([0-9]*\)$/\1/p' | sort -rn |
		sed "s|^|$tmp/metrics.csv.|"
	echo "$tmp/metrics.csv"
}

# The cycle column of every file, oldest first. The daemon may rotate while
# this reads (each file shifts one name up), so the read is retried until
# the files kept their names throughout it.
metrics_cycles()
{
	local f files before out
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		files=$(metrics_files)
		# shellcheck disable=SC2086 # one name a word
		before=$(stat -c '%i %n' $files 2>/dev/null)
		out=$(for f in $files; do
			[ -f "$f" ] && tail -n +2 "$f"
		done | cut -d, -f2)
		# shellcheck disable=SC2086
		[ "$(stat -c '%i %n' $files 2>/dev/null)" = "$before" ] && break
	done
	[ -z "$out" ] || printf '%s\n' "$out"
}

last_metrics_cycle() { metrics_cycles | tail -n 1; }

metrics_reached() { [ "$(last_metrics_cycle)" -ge "$1" ]; }

metrics_consecutive()
{
	metrics_cycles | awk 'NR > 1 && $1 != prev + 1 {
			print "# after cycle " prev " comes " $1; bad = 1 }
		{ prev = $1; n++ }
		END { print "# " n " rows, cycles up to " prev; exit bad || n < 2 }'
}

every_file_has_header()
{
	local f n=0
	for f in $(metrics_files); do
		[ -f "$f" ] || continue
		[ "$(head -n 1 "$f")" = "$HEADER" ] || { echo "# $f: no header"; return 1; }
		n=$((n + 1))
	done
	echo "# $n files"
	[ "$n" -ge 2 ]
}

metrics_cover_monitor()
{
	local first
	first=$("$JQ" -s 'map(.cycle) | min' "$tmp/monitor.json")
	metrics_cycles | grep -qx "$first"
}

audit_verifies()
{
	"$AGICTL" audit verify --log "$tmp/audit.log" \
		--keys "$tmp/authorized_keys" > "$tmp/audit.out" 2>&1 || {
		tap_nest "$tmp/audit.out"; return 1; }
	[ "$(wc -l < "$tmp/audit.log")" = 2 ]
}

daemon_prereqs
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
on_exit "$SWARM" down
tap_begin 11

swarm_test_up --workers 3
operator "$tmp/op"
authorize "$tmp/op"
STATIC_WORKERS="{id: 1, address: \"192.0.2.11\"}, {id: 2, address: \"192.0.2.12\"}, {id: 3, address: \"192.0.2.13\"}"
# Small files, so that it rotates, but with room for every cycle of the
# test (100 backups): a slower kernel runs more cycles while it goes on.
METRICS_MAX_SIZE=$((2 * ${AGISWARM_TIMEOUT_SCALE:-1}))KB agg_config "$tmp/agg.yaml"
tap_check "agiswarmd runs on the aggregator" daemon_start "$SWARM_AGG" agg "$tmp/agg.yaml"
tap_check "a commit before the crash is accepted" commit miss zero

monitor_start 240 "$tmp/monitor.json"
wait_for 30 "metrics.csv rows" test -s "$tmp/metrics.csv"
wait_cycles 20
daemon_kill9 agg
echo "# killed at cycle $(counter "$SWARM_AGG" cycles)"
wait_cycles 30
rc=0
daemon_start "$SWARM_AGG" agg "$tmp/agg.yaml" || rc=$?
tap_result "a new agiswarmd adopts the node that kept cycling" $rc
tap_check "a commit after the restart is accepted" commit miss hold
wait "$MONITOR_PID" || true
last=$("$JQ" -s 'map(.cycle) | max' "$tmp/monitor.json")
echo "# monitor: $(wc -l < "$tmp/monitor.json") cycles up to $last"
tap_check "cycle ids continue without a gap across the kill" cycles_consecutive "$tmp/monitor.json"
tap_check "the audit log of both commits verifies" audit_verifies
wait_for 30 "metrics.csv to reach cycle $last" metrics_reached "$last" || true
# The files are read once agiswarmd has left: while it runs, a rotation
# between listing them and reading them renames one under the reader, who
# then skips (or repeats) a whole file.
daemon_stop agg
tap_check "metrics.csv holds every cycle once across the restart" metrics_consecutive
tap_check "metrics.csv covers the cycles the monitor saw" metrics_cover_monitor
tap_check "metrics.csv rotated, every file starts with the header" every_file_has_header

# An upgrade: metrics.csv begun by a version with the seeds' 7 columns
# only. The daemon moves it away (metrics.csv.1) and starts a new file
# with today's header, resuming after the old file's last cycle.
mkdir "$tmp/kept"
mv "$tmp"/metrics.csv* "$tmp/kept/"
last=$(tail -n 1 "$tmp/kept/metrics.csv" | cut -d, -f2)
{ echo "$OLD_HEADER"; echo "1.000000,$last,0.100,0.000,3,3,0.0000"; } > "$tmp/metrics.csv"
daemon_start "$SWARM_AGG" agg "$tmp/agg.yaml" || true
wait_for 30 "a new metrics.csv" eval '[ "$(wc -l < "$tmp/metrics.csv" 2>/dev/null)" -ge 3 ]' || true
daemon_stop agg || true
# The oldest file is the old one; every newer one (the new rows may have
# rotated already: the files are small) has today's header and 9
# columns, the first row of the first going on at cycle last + 1.
old_format_retired()
{
	local f n=0
	for f in $(metrics_files); do
		n=$((n + 1))
		if [ $n = 1 ]; then
			[ "$(head -n 1 "$f")" = "$OLD_HEADER" ] || { echo "# $f: $(head -n 1 "$f")"; return 1; }
			continue
		fi
		[ "$(head -n 1 "$f")" = "$HEADER" ] &&
			awk -F, 'NR > 1 && NF != 9 { exit 1 }' "$f" || { echo "# $f: $(head -n 2 "$f")"; return 1; }
		[ $n != 2 ] || [ "$(sed -n 2p "$f" | cut -d, -f2)" = $((last + 1)) ] ||
			{ echo "# $f: $(sed -n 2p "$f")"; return 1; }
	done
	echo "# $n files"
	[ $n -ge 2 ]
}
tap_check "a metrics.csv with an older version's columns is rotated away; the new files have today's header and go on at cycle $((last + 1))" \
	old_format_retired
grep -E "adopting|resuming|rotat|columns|error|warning" "$tmp/agg.log" | tap_nest /dev/stdin | head -n 20
tap_end
