#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# agictl metrics plot: the data gnuplot is given is the records' (cycle,
# latency and jitter in ms exactly, missed, the miss rate over the last 20
# cycles), --last keeps the newest N, and the image exists with the size
# asked for (PNG header, SVG root element) and is not empty; every wrong
# use is refused with a message. The records come from a file in the
# format `agictl -j metrics` prints (--input), so no module is needed.
#
#   AGICTL=build/agictl selftests/native/agictl_plot.sh

AGICTL=${AGICTL:-build/agictl}
PLAN=17
. "$(dirname "$0")/../lib/tap.sh"

command -v "$JQ" >/dev/null 2>&1 || tap_skip_all "jq is not installed"
command -v gnuplot >/dev/null 2>&1 || tap_skip_all "gnuplot is not installed (gnuplot-nox)"
[ -x "$AGICTL" ] || tap_skip_all "$AGICTL is not built"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

tap_begin "$PLAN"

run() {
	tap_run "$AGICTL" "$@"
	cmd="agictl $*"
}

# 300 records, cycles 100..399: latency and jitter vary, cycle c missed
# when c % 37 == 0 or (250 < c < 270 and c % 3 == 0).
awk 'BEGIN {
	printf "["
	for (c = 100; c < 400; c++) {
		m = (c % 37 == 0) || (c > 250 && c < 270 && c % 3 == 0)
		printf("%s{\"cycle\":%d,\"epoch\":1,\"status\":\"%s\",",
			(c > 100 ? "," : ""), c, (m ? "missed" : "ok"))
		printf("\"timestamp_ns\":%d,\"latency_us\":%d,\"jitter_us\":%d,",
			c * 50000000, 200 + (c * 7919) % 4801, (c * 104729) % 997)
		printf "\"worker_count\":8,\"task_count\":8,\"error_ppm\":0,\"results_used\":8}"
	}
	print "]"
}' > "$tmp/m.json"

run metrics plot --input "$tmp/m.json" --out "$tmp/p.png" --data "$tmp/p.tsv" --last 250
[ "$rc" = 0 ]
tap_report $? "plot a PNG of the newest 250 of 300 cycles"
[ "$rc" = 0 ] && [ -z "$err" ] && [ "$out" = "$tmp/p.png: 250 cycles (150..399), 1200x900" ]
tap_report $? "it says what it drew"

# The data file: header, then 250 rows matching the records.
"$JQ" -r '.[50:][] | [.cycle, .latency_us, .jitter_us,
	(if .status == "missed" then 1 else 0 end)] | @tsv' "$tmp/m.json" > "$tmp/want.tsv"
sed -n '2,$p' "$tmp/p.tsv" | awk -F '\t' '{
	printf "%s\t%d\t%d\t%s\n", $1, $2 * 1000 + 0.5, $3 * 1000 + 0.5, $4 }' > "$tmp/got.tsv"
[ "$(wc -l < "$tmp/want.tsv")" = 250 ] && cmp -s "$tmp/want.tsv" "$tmp/got.tsv"
tap_result "the data file holds each cycle's latency, jitter and miss" $?
[ "$(sed -n 1p "$tmp/p.tsv")" = "$(printf '# cycle\tlatency_ms\tjitter_ms\tmissed\tmiss_rate')" ] &&
	[ "$(wc -l < "$tmp/p.tsv")" = 251 ]
tap_result "with its header and 250 rows" $?
# Milliseconds with 3 decimals, exactly: cycle 150 has latency 200 + 150 * 7919 % 4801 us.
lat=$((200 + 150 * 7919 % 4801))
[ "$(sed -n 2p "$tmp/p.tsv" | cut -f 2)" = "$((lat / 1000)).$(printf %03d $((lat % 1000)))" ]
tap_result "latency in ms with three exact decimals" $?
# The miss rate over the last 20 cycles, recomputed (percent, 2 decimals).
awk -F '\t' 'NR > 1 { m[NR] = $4; s += $4; if (NR - 21 > 1) s -= m[NR - 20]
	k = NR - 1 < 20 ? NR - 1 : 20
	want = sprintf("%d.%02d", int((s * 10000 + int(k / 2)) / k / 100),
		       int((s * 10000 + int(k / 2)) / k) % 100)
	if ($5 != want) { print "# row " NR ": " $5 " != " want; bad = 1 } }
	END { exit bad }' "$tmp/p.tsv"
tap_result "the miss rate is over the last 20 cycles" $?
peak=$(cut -f 5 "$tmp/p.tsv" | sort -n | tail -n 1)
[ "$peak" = "35.00" ]
tap_report $? "the burst of misses (cycles 252..267) peaks at 35% ($peak)"

# The PNG: signature, IHDR width and height (big-endian u32 at 16 and 20).
sig=$(od -An -tx1 -N8 "$tmp/p.png" | tr -d ' \n')
wh=$(od -An -tu1 -j16 -N8 "$tmp/p.png" | awk '{ print $1*16777216+$2*65536+$3*256+$4 "x" $5*16777216+$6*65536+$7*256+$8 }')
[ "$sig" = 89504e470d0a1a0a ] && [ "$wh" = 1200x900 ]
tap_result "the PNG is 1200x900 ($wh)" $?
size=$(wc -c < "$tmp/p.png")
[ "$size" -gt 40000 ]
tap_result "and holds a drawing, not a blank page ($size bytes)" $?

run metrics plot --input "$tmp/m.json" --out "$tmp/p.svg" --size 800x600
[ "$rc" = 0 ] && grep -q '<svg' "$tmp/p.svg" &&
	grep -q 'width="800" height="600"' "$tmp/p.svg"
tap_report $? "an SVG of --size 800x600"
grep -q 'latency' "$tmp/p.svg" && grep -q 'jitter' "$tmp/p.svg" &&
	grep -q 'miss rate' "$tmp/p.svg" && grep -q '300 cycles' "$tmp/p.svg"
tap_result "its three panels and title" $?

# --- wrong use ------------------------------------------------------------
run metrics plot --input "$tmp/m.json" --out "$tmp/p.jpg"
tap_usage_fails 'invalid output "'"$tmp"'/p.jpg" (expected a name ending in .png or .svg)'
tap_report $? "a .jpg is refused"
run metrics plot --input "$tmp/m.json"
tap_usage_fails "plot needs --out FILE.png or FILE.svg"
tap_report $? "--out is required"
run metrics plot --out "$tmp/x.png" --size 50x50
tap_usage_fails 'invalid size "50x50" (expected WIDTHxHEIGHT, each 100..10000)'
tap_report $? "a size below 100 pixels is refused"
echo '[]' > "$tmp/empty.json"
run metrics plot --input "$tmp/empty.json" --out "$tmp/e.png"
tap_text_fails "plot failed: no cycles to plot" && [ ! -e "$tmp/e.png" ]
tap_report $? "no records: nothing drawn, an error"
echo '[{"cycle": 1}]' > "$tmp/bad.json"
run metrics plot --input "$tmp/bad.json" --out "$tmp/b.png"
tap_text_fails "reading $tmp/bad.json failed: record 0 lacks cycle, status, latency_us or jitter_us"
tap_report $? "a record without its fields is refused"
GNUPLOT=/nonexistent/gnuplot tap_run "$AGICTL" metrics plot --input "$tmp/m.json" --out "$tmp/g.png"
tap_text_fails "plot failed: running /nonexistent/gnuplot: No such file or directory (install gnuplot-nox or set GNUPLOT)"
tap_report $? "no gnuplot: says what to install"
tap_end
