#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# agictl's matrix files and the data-path verbs' command lines, without the
# module: a matrix file is validated whole before any netlink use, so every
# file error shows here exactly as an operator sees it; usage errors of the
# other verbs also come before netlink. Prints TAP; exits non-zero when a
# case fails.
#
#   AGICTL=build/agictl selftests/native/agictl_matrix.sh

AGICTL=${AGICTL:-build/agictl}
CONFIGS=${CONFIGS:-$(dirname "$0")/../../configs}
PLAN=44
. "$(dirname "$0")/../lib/tap.sh"

command -v "$JQ" >/dev/null 2>&1 || tap_skip_all "jq is not installed"
[ -x "$AGICTL" ] || tap_skip_all "$AGICTL is not built"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

tap_begin "$PLAN"

# run ARGS...: agictl ARGS, leaving $rc, $out, $err and $cmd.
run() {
	tap_run "$AGICTL" "$@"
	cmd="agictl $*"
}

# write NAME TEXT: a fixture file $tmp/NAME.
write() {
	printf '%s\n' "$2" > "$tmp/$1"
}

# --- the seeds' example: its 1.2 does not fit Q1.31 ---------------------------
example=$CONFIGS/example_matrix.json
want_12="configs/example_matrix.json: control_matrices.state_feedback.matrix[0][0]: 1.2 does not fit Q1.31 [-1, 0.9999999995]; Q8.24 holds it"
if [ -f "$example" ]; then
	# Relative to the tree, so the message names the file as typed.
	cd "$CONFIGS/.." || exit 1
	run matrix check configs/example_matrix.json
	tap_fails_exactly "matrix check failed: $want_12"
	tap_report $? "example_matrix.json: the 1.2 entry's error, exactly"

	run -j matrix check configs/example_matrix.json
	[ "$rc" -eq 1 ] && [ -z "$err" ] &&
		printf '%s\n' "$out" | jq -se --arg e "matrix check failed: $want_12" \
			'. == [{"error": $e}]' >/dev/null
	tap_report $? "example_matrix.json under -j: the same text as {\"error\"}"

	# Validation comes first: the file's error, not "module not loaded".
	run matrix load configs/example_matrix.json
	tap_fails_exactly "matrix load failed: $want_12"
	tap_report $? "matrix load reports the file's error before any netlink use"

	run matrix check configs/example_matrix.json --matrix transformation_matrices.coordinate_transform.rotation
	tap_text_fails "transformation_matrices.coordinate_transform.rotation[1][0]: 1 does not fit Q1.31"
	tap_report $? "--matrix picks another matrix; its first bad entry is named"

	run matrix check configs/example_matrix.json --matrix control_matrices.pid_controller.Kp
	tap_text_fails "control_matrices.pid_controller.Kp[0]: expected a row (an array of numbers), found a number"
	tap_report $? "a 1-D array is not a matrix"
	cd - >/dev/null || exit 1
else
	for what in "example_matrix.json: the 1.2 entry's error, exactly" \
		    "example_matrix.json under -j" \
		    "matrix load reports the file's error first" \
		    "--matrix picks another matrix" \
		    "a 1-D array is not a matrix"; do
		tap_skip "$what" "$example is missing"
	done
fi

# --- files that fail ------------------------------------------------------------
write ragged.json '{"control_matrices": {"k": {"matrix": [[0.5, 0.25], [0.125]]}}}'
run matrix check "$tmp/ragged.json"
tap_fails_exactly "matrix check failed: $tmp/ragged.json: control_matrices.k.matrix[1]: ragged matrix: 1 entry in this row, 2 in row 0"
tap_report $? "a ragged matrix names the short row"

write nonnum.json '{"control_matrices": {"k": {"matrix": [[0.5, "abc"], [0.1, 0.2]]}}}'
run matrix check "$tmp/nonnum.json"
tap_fails_exactly "matrix check failed: $tmp/nonnum.json: control_matrices.k.matrix[0][1]: \"abc\" is not a number (expected a decimal in Q1.31 [-1, 0.9999999995])"
tap_report $? "a string entry is named with its indices and what is allowed"

write null.json '{"control_matrices": {"k": {"matrix": [[0.5, 0.25], [null, true]]}}}'
run matrix check "$tmp/null.json"
tap_text_fails "control_matrices.k.matrix[1][0]: null is not a number"
tap_report $? "null is not a number"

run matrix check "$tmp/missing.json"
tap_fails_exactly "matrix check failed: $tmp/missing.json: No such file or directory"
tap_report $? "a missing file is named with the reason"

run matrix load "$tmp/missing.json"
tap_fails_exactly "matrix load failed: $tmp/missing.json: No such file or directory"
tap_report $? "matrix load of a missing file fails before netlink"

write syntax.json '{"control_matrices": {"k": {"matrix": [[0.5, 0.25],
  [0.5 0.25]]}}}'
run matrix check "$tmp/syntax.json"
tap_text_fails "$tmp/syntax.json:2:"
tap_report $? "a JSON syntax error names the file, line and column"

write empty.json '{"control_matrices": {"k": {"matrix": []}}}'
run matrix check "$tmp/empty.json"
tap_text_fails "control_matrices.k.matrix: the matrix is empty"
tap_report $? "an empty matrix is an error"

write emptyrows.json '{"control_matrices": {"k": {"matrix": [[], []]}}}'
run matrix check "$tmp/emptyrows.json"
tap_text_fails "control_matrices.k.matrix: the matrix is empty"
tap_report $? "a matrix of empty rows is an error"

awk 'BEGIN { printf "{\"control_matrices\": {\"k\": {\"matrix\": [["
	     for (i = 0; i < 257; i++) printf "%s0", i ? "," : ""
	     print "]]}}}" }' > "$tmp/wide.json"
run matrix check "$tmp/wide.json"
tap_text_fails "control_matrices.k.matrix: 257 columns, at most 256 allowed"
tap_report $? "more than 256 columns is an error"

awk 'BEGIN { printf "{\"control_matrices\": {\"k\": {\"matrix\": ["
	     for (i = 0; i < 257; i++) printf "%s[0]", i ? "," : ""
	     print "]}}}" }' > "$tmp/tall.json"
run matrix check "$tmp/tall.json"
tap_text_fails "control_matrices.k.matrix: 257 rows, at most 256 allowed"
tap_report $? "more than 256 rows is an error"

write prec.json '{"control_matrices": {"k": {"matrix": [[0.5]], "precision": "Q2.30"}}}'
run matrix check "$tmp/prec.json"
tap_text_fails 'control_matrices.k.precision: "Q2.30" is not a format (expected "Q1.31", "Q1.15", "Q8.24" or "Q16.16")'
tap_report $? "an unknown precision is named with the formats allowed"

write big.json '{"control_matrices": {"k": {"matrix": [[0.5, -200]], "precision": "Q8.24"}}}'
run matrix check "$tmp/big.json"
tap_text_fails "control_matrices.k.matrix[0][1]: -200 does not fit Q8.24 [-128, 127.9999999403]; Q16.16 holds it"
tap_report $? "a value beyond Q8.24 suggests Q16.16"

write huge.json '{"control_matrices": {"k": {"matrix": [[0.5, -40000]], "precision": "Q16.16"}}}'
run matrix check "$tmp/huge.json"
tap_text_fails "control_matrices.k.matrix[0][1]: -40000 does not fit Q16.16 [-32768, 32767.9999847412]; no format holds it"
tap_report $? "a value no format holds says so"

# 138 * 2^16 = 9043968; -0.5 * 2^16 = -32768; 2^-17 is half a Q16.16 step.
write q16.json '{"control_matrices": {"k": {"matrix": [[138, -0.5, 0.00000762939453125]], "precision": "q16.16"}}}'
run -j matrix check "$tmp/q16.json"
tap_json_ok '.format == "Q16.16" and .matrix == [[9043968, -32768, 1]]'
tap_report $? "a Q16.16 file: integers past Q8.24, rounding half away from zero"

write q15.json '{"control_matrices": {"k": {"matrix": [[0.5, 1.5]], "precision": "Q1.15"}}}'
run matrix check "$tmp/q15.json"
tap_text_fails "1.5 does not fit Q1.15 [-1, 0.9999694824]; Q8.24 holds it"
tap_report $? "the Q1.15 range is shown and a wider format suggested"

write nomatrix.json '{"control_matrices": {"k": {"gains": [[0.5]]}}}'
run matrix check "$tmp/nomatrix.json"
tap_text_fails 'control_matrices: no array named "matrix" in it'
tap_report $? "a file without a \"matrix\" says so"

run matrix check "$tmp/nomatrix.json" --matrix control_matrices.k.matrix
tap_text_fails "control_matrices.k.matrix: no such key"
tap_report $? "--matrix with a missing key names it"

write dup.json '{"control_matrices": {"k": {"matrix": [[0.5]], "matrix": [[0.25]]}}}'
run matrix check "$tmp/dup.json"
tap_text_fails "duplicate object key"
tap_report $? "a duplicate key is refused, not silently resolved"

# --- files that pass --------------------------------------------------------------
# 0.5 * 2^24 = 8388608; -1.25 * 2^24 = -20971520; 2^-25 is half a Q8.24 step
# and rounds away from zero to raw 1 (and -1).
write good.json '{"transformation_matrices": {"t": {"precision": "Q8.24",
  "m": [[0.5, -1.25, 0.0000000298023223876953125], [2, 0, -0.0000000298023223876953125]]}},
  "control_matrices": {"pid": {"Kp": [1]}, "sf": {"matrix": [[0.5, -0.25]]}}}'
run -j matrix check "$tmp/good.json" --matrix transformation_matrices.t.m
tap_json_ok '.format == "Q8.24" and .rows == 2 and .cols == 3 and
	 .path == "transformation_matrices.t.m" and
	 .matrix == [[8388608, -20971520, 1], [33554432, 0, -1]]'
tap_report $? "a good Q8.24 file: raw values, rounding half away from zero"

run -j matrix check "$tmp/good.json"
tap_json_ok '.format == "Q1.31" and .path == "control_matrices.sf.matrix" and
	 .matrix == [[1073741824, -536870912]]'
tap_report $? "the default is the first \"matrix\" under control_matrices, Q1.31"

run matrix check "$tmp/good.json"
[ "$rc" -eq 0 ] && [ "$out" = "$tmp/good.json: control_matrices.sf.matrix 1x2 Q1.31 raw
1073741824 -536870912" ]
tap_report $? "the text form shows the path, shape, format and raw rows"

swarm=$CONFIGS/swarm_matrix.json
if [ -f "$swarm" ]; then
	# K = -0.6 I - 0.05 superdiagonal: round(-0.6 * 2^31) = -1288490189,
	# round(-0.05 * 2^31) = -107374182.
	run -j matrix check "$swarm"
	tap_json_ok '.rows == 8 and .cols == 8 and
		 ([range(8) as $i | .matrix[$i][$i]] | unique) == [-1288490189] and
		 ([range(7) as $i | .matrix[$i][$i + 1]] | unique) == [-107374182] and
		 ([.matrix | flatten[] | select(. != 0)] | length) == 15'
	tap_report $? "swarm_matrix.json is the 8x8 K the swarm loads"
else
	tap_skip "swarm_matrix.json is the 8x8 K the swarm loads" "$swarm is missing"
fi

# --- usage errors: exit 2 before anything is tried ------------------------------------
run matrix check
tap_usage_fails "matrix check needs a FILE.json"
tap_report $? "matrix check without a file is a usage error"

run matrix load "$tmp/good.json" --bogus
tap_usage_fails '"--bogus"'
tap_report $? "an unknown matrix option is quoted"

run node set cycle 50xs
tap_usage_fails '"50xs"'
tap_report $? "node set cycle with a bad unit quotes it"

run node set deadline 5000000s
tap_usage_fails '"5000000s"'
tap_report $? "a duration past u32 microseconds is refused"

run node set miss later
tap_usage_fails '"later"'
tap_report $? "node set miss takes hold or zero only"

run node set port 65536
tap_usage_fails '"65536"'
tap_report $? "node set port past 65535 is refused"

run peer add worker 1 192.0.2.300
tap_usage_fails '"192.0.2.300"'
tap_report $? "peer add with a bad address quotes it"

run peer add robot 1 192.0.2.11
tap_usage_fails '"robot"'
tap_report $? "peer add with an unknown kind quotes it"

run fault inject worker 3 drop 101
tap_usage_fails '"101"'
tap_report $? "fault drop past 100 percent is refused"

run fault inject worker 3 jam
tap_usage_fails '"jam"'
tap_report $? "an unknown fault is quoted"

run input set 0.5,abc
tap_usage_fails '"abc"'
tap_report $? "input set quotes a bad value"

run input set 0.5,1.5
tap_usage_fails '"1.5" is outside Q1.31'
tap_report $? "input set refuses a value outside the format"

run law set pid kp 1.5 kd 0.1
tap_usage_fails 'needs "ki"'
tap_report $? "law set pid needs all three gains"

run law set pid kp 200 ki 0 kd 0
tap_usage_fails '"200" is outside Q8.24'
tap_report $? "a gain outside Q8.24 is refused"

run -j metrics --csv
tap_usage_fails "choose one of -j and --csv"
tap_report $? "metrics -j --csv is a usage error"

run monitor --count 0
tap_usage_fails '"0"'
tap_report $? "monitor --count 0 is a usage error"

# --- without the module: valid commands reach for it ----------------------------------
nomod="Failed to reach the agiswarm module (not loaded?)"
if [ -d /sys/module/agiswarm ]; then
	tap_skip "a valid matrix load reaches for the module" "agiswarm is loaded here"
else
	run matrix load "$tmp/good.json"
	tap_fails_exactly "$nomod"
	tap_report $? "a valid matrix load reaches for the module"
fi

tap_end
