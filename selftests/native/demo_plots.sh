#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`'s pictures (selftests/vm/demo_plots.sh) from a log in the
# shape netns/demo.sh prints in the VM (console carriage returns and other
# lines around the @demo-plant and @demo-cycle rows): the data files gnuplot
# is given hold exactly those rows, both PNGs exist at 1200x900 with a
# drawing in them, it says where they are; too little data fails, saying
# why, and draws nothing.
#
#   AGICTL=build/agictl selftests/native/demo_plots.sh

AGICTL=${AGICTL:-build/agictl}
PLAN=8
here=$(dirname "$0")
. "$here/../lib/tap.sh"

command -v gnuplot >/dev/null 2>&1 || tap_skip_all "gnuplot is not installed (gnuplot-nox)"
[ -x "$AGICTL" ] || tap_skip_all "$AGICTL is not built"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
tap_begin "$PLAN"

# log N FILE: N cycles of a damped plant and its records, with noise.
log()
{
	awk -v n="$1" 'BEGIN {
		print "== AGISWARM demo\r"
		for (c = 1; c <= n; c++) {
			line = "@demo-plant " c " " (c % 25 ? "ok" : "missed")
			for (i = 0; i < 8; i++)
				line = line " " sprintf("%.4f", 0.3 * exp(-(c % 50) / 10) * (i + 1) / 8)
			for (i = 0; i < 8; i++)
				line = line " " (c % 25 ? sprintf("%.4f", -0.33 * exp(-(c % 50) / 10)) : "NaN")
			print line "\r"
			print "   cycle " c ": something a person reads\r"
		}
		for (c = 1; c <= n; c++)
			printf("@demo-cycle %d %s %d %d\r\n", c, (c % 25 ? "ok" : "missed"),
			       300 + (c * 7919) % 2000, (c * 104729) % 500)
	}' > "$2"
}

log 150 "$tmp/demo.log"
"$here/../vm/demo_plots.sh" "$tmp/demo.log" "$tmp/out" "$AGICTL" > "$tmp/said" 2>&1
tap_result "the pictures of a 150-cycle run are drawn" $?
grep -q "^demo: the plant's state and outputs over the run: $tmp/out/demo-plant.png\$" "$tmp/said" &&
	grep -q "^demo: cycle latency, jitter and misses: $tmp/out/demo-latency.png\$" "$tmp/said"
tap_result "it says where they are" $?
tr -d '\r' < "$tmp/demo.log" | sed -n 's/^@demo-plant //p' > "$tmp/want-plant"
[ "$(wc -l < "$tmp/want-plant")" = 150 ] && cmp -s "$tmp/want-plant" "$tmp/out/demo-plant.tsv"
tap_result "gnuplot's plant data is the 150 @demo-plant rows" $?
tr -d '\r' < "$tmp/demo.log" | sed -n 's/^@demo-cycle //p' |
	awk '{ printf "%d\t%d.%03d\t%d.%03d\t%d\n", $1, $3 / 1000, $3 % 1000, $4 / 1000, $4 % 1000, $2 == "missed" }' > "$tmp/want-cycles"
sed -n '2,$p' "$tmp/out/demo-latency.tsv" | cut -f 1-4 > "$tmp/got-cycles"
[ "$(wc -l < "$tmp/want-cycles")" = 150 ] && cmp -s "$tmp/want-cycles" "$tmp/got-cycles"
tap_result "the latency data is the 150 @demo-cycle records" $?
for f in demo-plant demo-latency; do
	wh=$(od -An -tu1 -j16 -N8 "$tmp/out/$f.png" | awk '{ print $1*16777216+$2*65536+$3*256+$4 "x" $5*16777216+$6*65536+$7*256+$8 }')
	size=$(wc -c < "$tmp/out/$f.png")
	[ "$wh" = 1200x900 ] && [ "$size" -gt 40000 ]
	tap_result "$f.png is 1200x900 with a drawing ($wh, $size bytes)" $?
done

log 20 "$tmp/short.log"
"$here/../vm/demo_plots.sh" "$tmp/short.log" "$tmp/short" "$AGICTL" > "$tmp/said" 2>&1
rc=$?
[ "$rc" = 1 ] && grep -q "demo plots: $tmp/short.log holds 20 plant rows (@demo-plant), expected at least 100" "$tmp/said" &&
	[ ! -e "$tmp/short/demo-plant.png" ]
tap_result "a run too short to show fails, saying why" $?
sed 's/^@demo-plant \([0-9]*\) ok 0/@demo-plant \1 ok/' "$tmp/demo.log" > "$tmp/bad.log"
"$here/../vm/demo_plots.sh" "$tmp/bad.log" "$tmp/bad" "$AGICTL" > "$tmp/said" 2>&1
[ $? = 1 ] && grep -q "malformed @demo-plant rows" "$tmp/said"
tap_result "a malformed row fails" $?
tap_end
