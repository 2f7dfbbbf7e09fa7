#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# daemon_prometheus.sh: agiswarmd's Prometheus metrics on a running swarm.
#
#   agi-w1 agi-w2 agi-w3 (agiswarmd, heartbeats) --> agi-agg (agiswarmd,
#   metrics.textfile and metrics.listen 192.0.2.1:9464)
#
# Both outputs pass `promtool check metrics` (Prometheus' own parser and
# linter, Debian's prometheus package, shipped in the VM image) and say
# what the module says: the cycles counters lie between `agictl status`
# read before and after, the latency and jitter histograms are consistent
# (cumulative buckets, +Inf = _count, cycles counted) and grow, each
# worker has its health and rows, the epoch is the module's, the
# aggregator (no replication.member) says it is standalone. The textfile
# is replaced by rename (node_exporter never reads half of it); the HTTP
# endpoint answers only GET /metrics, with the exposition's content type.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
[ -f "$top/netns/lib.sh" ] || { echo "1..0 # SKIP netns/lib.sh not found"; exit 4; }
. "$top/netns/lib.sh"
. "$top/selftests/daemon_lib.sh"
lib_trap

PORT=9464
PROMTOOL=${PROMTOOL:-$(command -v promtool || echo "$top/build/promtool")}

daemon_prereqs
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
on_exit "$SWARM" down
tap_begin 16

# value FILE SAMPLE: the value of the sample line "SAMPLE VALUE" in FILE.
value() { awk -v s="$2" '$1 == s { print $2; found = 1 } END { exit !found }' "$1"; }

# scrape OUT [PATH]: GET http://192.0.2.1:9464/PATH from the aggregator's
# namespace; headers in OUT.hdr.
scrape()
{
	"$IP" netns exec "$SWARM_AGG" busybox wget -S -q -O "$1" \
		"http://$SWARM_AGG_ADDR:$PORT${2:-/metrics}" 2> "$1.hdr"
}

promtool_ok()
{
	"$PROMTOOL" check metrics < "$1" > "$1.promtool" 2>&1 || {
		tap_nest "$1.promtool" | head -n 20; return 1; }
	# Lint findings are printed too (and fail the check): none allowed.
	[ ! -s "$1.promtool" ] || { tap_nest "$1.promtool" | head -n 20; return 1; }
}

cycles_between()
{
	local got
	got=$(value "$tmp/t1.prom" 'agiswarm_cycles_total{status="ok"}') || return 1
	echo "# cycles_ok: status $ok_before <= prometheus $got <= status $ok_after"
	[ "$ok_before" -le "$got" ] && [ "$got" -le "$ok_after" ]
}

# histogram_ok FILE NAME: cumulative buckets, +Inf = _count, _count > 0,
# and no more cycles than the module started.
histogram_ok()
{
	awk -v n="$2" -v started="$3" '
		index($1, n "_bucket{") == 1 {
			if ($2 < last) bad = "buckets decrease at " $1
			last = $2
			if ($1 ~ /le="\+Inf"/) inf = $2
		}
		$1 == n "_count" { count = $2 }
		END {
			if (!bad && inf != count) bad = "+Inf " inf " != _count " count
			if (!bad && count < 1) bad = "no cycles counted"
			if (!bad && count > started) bad = "count " count " > cycles started " started
			if (bad) { print "# " bad; exit 1 }
		}' "$1"
}

workers_ok()
{
	local i h r
	for i in 1 2 3; do
		h=$(value "$tmp/t2.prom" "agiswarm_worker_health{worker=\"$i\",state=\"healthy\"}") || return 1
		r=$(value "$tmp/t2.prom" "agiswarm_worker_rows{worker=\"$i\"}") || return 1
		echo "# worker $i: healthy $h, rows $r"
		[ "$h" = 1 ] && [ "$r" -gt 0 ] || return 1
	done
}

# standalone FILE: role standalone 1, the raft roles 0, no raft state.
standalone()
{
	local r want
	for r in leader follower candidate standalone; do
		want=0
		[ "$r" = standalone ] && want=1
		[ "$(value "$1" "agiswarm_group_role{role=\"$r\"}")" = "$want" ] || {
			echo "# role $r is not $want"; return 1; }
	done
	! grep -q '^agiswarm_group_term' "$1"
}

# not_found RC HEADERS: wget failed, and the server said 404.
not_found() { [ "$1" != 0 ] && grep -q ' 404 ' "$2"; }

healthy_123()
{
	for i in 1 2 3; do
		grep -q "^agiswarm_worker_health{worker=\"$i\",state=\"healthy\"} 1$" \
			"$tmp/metrics.prom" 2>/dev/null || return 1
	done
}

swarm_test_up --workers 3
agg_config "$tmp/agg.yaml"
sed -i "s|^  backup_count: 100\$|&\n  textfile: $tmp/metrics.prom\n  listen: \"$SWARM_AGG_ADDR:$PORT\"|" \
	"$tmp/agg.yaml"
for i in 1 2 3; do
	worker_config "$tmp/w$i.yaml" "$i"
done
rc=0
daemon_start "$SWARM_AGG" agg "$tmp/agg.yaml" || rc=$?
for i in 1 2 3; do
	daemon_start "$(worker_ns "$i")" "w$i" "$tmp/w$i.yaml" || rc=$?
done
tap_result "agiswarmd runs with metrics.textfile and metrics.listen" $rc
tap_check "it says where it serves" \
	grep -q "metrics: serving http://$SWARM_AGG_ADDR:$PORT/metrics" "$tmp/agg.log"

wait_for 60 "workers healthy in the textfile" healthy_123 || true
ok_before=$(counter "$SWARM_AGG" cycles_ok) || true
sleep 2
cp "$tmp/metrics.prom" "$tmp/t1.prom" || true
ok_after=$(counter "$SWARM_AGG" cycles_ok) || true
started=$(counter "$SWARM_AGG" cycles) || true

if [ -x "$PROMTOOL" ]; then
	tap_check "the textfile passes promtool check metrics" promtool_ok "$tmp/t1.prom"
else
	tap_skip "the textfile passes promtool check metrics" "no promtool (Debian's prometheus package)"
fi
tap_check "cycles_total{status=ok} agrees with agictl status" cycles_between
tap_check "the latency histogram is consistent" \
	histogram_ok "$tmp/t1.prom" agiswarm_cycle_latency_seconds "$started"
tap_check "the jitter histogram is consistent" \
	histogram_ok "$tmp/t1.prom" agiswarm_cycle_jitter_seconds "$started"
epoch=$(actl "$SWARM_AGG" -j status | "$JQ" -r .epoch) || true
tap_check "the epoch is the module's ($epoch)" \
	test "$(value "$tmp/t1.prom" agiswarm_epoch)" = "$epoch"

ino1=$(stat -c %i "$tmp/metrics.prom") || true
n1=$(value "$tmp/t1.prom" agiswarm_cycle_latency_seconds_count) || true
sleep 3
cp "$tmp/metrics.prom" "$tmp/t2.prom" || true
ino2=$(stat -c %i "$tmp/metrics.prom") || true
n2=$(value "$tmp/t2.prom" agiswarm_cycle_latency_seconds_count) || true
tap_check "the textfile is replaced by rename, and the histogram grows ($n1 -> $n2)" \
	test "$ino1" != "$ino2" -a "${n2:-0}" -gt "${n1:-0}"
tap_check "each worker's health and rows" workers_ok
tap_check "the aggregator outside a replicated group is standalone" standalone "$tmp/t2.prom"
ratio=$(value "$tmp/t2.prom" agiswarm_cycle_miss_ratio) || true
tap_check "the miss ratio is a fraction ($ratio)" \
	awk -v r="$ratio" 'BEGIN { exit !(r >= 0 && r <= 1) }'

rc=0
scrape "$tmp/http.prom" || rc=$?
tap_result "GET /metrics answers" $rc
tap_nest "$tmp/http.prom.hdr"
if [ -x "$PROMTOOL" ]; then
	tap_check "the HTTP page passes promtool check metrics" promtool_ok "$tmp/http.prom"
else
	tap_skip "the HTTP page passes promtool check metrics" "no promtool"
fi
tap_check "with the exposition's content type" \
	grep -qi "Content-Type: text/plain; version=0.0.4" "$tmp/http.prom.hdr"
rc=0
scrape "$tmp/other" /other || rc=$?
tap_check "any other path is 404" not_found "$rc" "$tmp/other.hdr"
grep "metrics" "$tmp/agg.log" | tap_nest /dev/stdin
tap_end
