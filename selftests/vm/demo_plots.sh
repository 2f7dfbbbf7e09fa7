#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo_plots.sh LOG OUTDIR AGICTL: `make demo`'s pictures, drawn on the
# host from what netns/demo.sh printed in the VM's log:
#
#   @demo-plant CYCLE STATUS X0..X7 U0..U7   the plant's state (the SENSOR
#                                            input x) and the outputs u of
#                                            each cycle, as decimals
#   @demo-cycle CYCLE STATUS LATENCY_US JITTER_US   the aggregator's records
#
# OUTDIR/demo-plant.png    state and outputs over the run (gnuplot)
# OUTDIR/demo-latency.png  latency, jitter and misses per cycle
#                          (agictl metrics plot --input)
# with the data gnuplot drew beside them (.tsv). Fails, saying why, when a
# picture could not be drawn or its data is too thin to show the run
# (fewer than DEMO_MIN_CYCLES cycles, default 100).
set -uo pipefail

log=$1 out=$2 agictl=$3
min=${DEMO_MIN_CYCLES:-100}
WIDTH=1200 HEIGHT=900

die() { echo "demo plots: $*" >&2; exit 1; }

# png_size FILE: "WxH" from the PNG's IHDR.
png_size()
{
	od -An -tu1 -j16 -N8 "$1" | awk '{ print $1*16777216+$2*65536+$3*256+$4 "x" $5*16777216+$6*65536+$7*256+$8 }'
}

command -v gnuplot >/dev/null || die "gnuplot is not installed (make deps installs gnuplot-nox)"
[ -r "$log" ] || die "no log $log"
mkdir -p "$out" || exit 1

# The console adds carriage returns.
tr -d '\r' < "$log" | sed -n 's/^@demo-plant //p' > "$out/demo-plant.tsv"
n=$(wc -l < "$out/demo-plant.tsv")
[ "$n" -ge "$min" ] || die "$log holds $n plant rows (@demo-plant), expected at least $min"
awk 'NF != 18 { print "line " NR ": " NF " fields, expected 18"; exit 1 }' \
	"$out/demo-plant.tsv" >&2 || die "malformed @demo-plant rows in $log"

gnuplot <<-EOF || die "gnuplot failed on $out/demo-plant.tsv"
	set terminal pngcairo size $WIDTH,$HEIGHT
	set output '$out/demo-plant.png'
	set multiplot layout 2,1
	set grid
	set key outside right top
	set lmargin 12
	set title 'AGISWARM demo: the plant s(k+1) = 1.1 s(k) + u(k), kicked by +0.3 in each phase'
	set ylabel 'state x (Q1.31)'
	plot for [i=3:10] '$out/demo-plant.tsv' using 1:i with lines title sprintf('x%d', i - 3)
	unset title
	set xlabel 'cycle'
	set ylabel 'output u (Q1.31)'
	plot for [i=11:18] '$out/demo-plant.tsv' using 1:i with lines title sprintf('u%d', i - 11)
	unset multiplot
	EOF
[ "$(png_size "$out/demo-plant.png")" = "${WIDTH}x$HEIGHT" ] ||
	die "$out/demo-plant.png is not ${WIDTH}x$HEIGHT"

# The records as `agictl -j metrics` prints them, for --input.
tr -d '\r' < "$log" | sed -n 's/^@demo-cycle //p' | awk '
	BEGIN { printf "[" }
	NF == 4 { printf("%s{\"cycle\":%s,\"status\":\"%s\",\"latency_us\":%s,\"jitter_us\":%s}",
		  (n++ ? "," : ""), $1, $2, $3, $4) }
	END { print "]" }' > "$out/demo-cycles.json"
"$agictl" metrics plot --input "$out/demo-cycles.json" \
	--out "$out/demo-latency.png" --data "$out/demo-latency.tsv" \
	--size "${WIDTH}x$HEIGHT" > "$out/demo-latency.out" || die "agictl metrics plot failed"
n=$(($(wc -l < "$out/demo-latency.tsv") - 1))
[ "$n" -ge "$min" ] || die "$log holds $n cycle records (@demo-cycle), expected at least $min"
[ "$(png_size "$out/demo-latency.png")" = "${WIDTH}x$HEIGHT" ] ||
	die "$out/demo-latency.png is not ${WIDTH}x$HEIGHT"

echo "demo: the plant's state and outputs over the run: $out/demo-plant.png"
echo "demo: cycle latency, jitter and misses: $out/demo-latency.png"
echo "demo: (the data each was drawn from: $out/demo-plant.tsv, $out/demo-latency.tsv)"
