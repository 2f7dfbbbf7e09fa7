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
PLAN=42
n=0
fails=0

if ! command -v jq >/dev/null 2>&1; then
	echo "1..0 # SKIP jq is not installed"
	exit 4
fi
if [ ! -x "$AGICTL" ]; then
	echo "1..0 # SKIP $AGICTL is not built"
	exit 4
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

echo "1..$PLAN"

# run ARGS...: runs agictl, leaving $rc, $out (stdout) and $err (stderr).
run() {
	"$AGICTL" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
	cmd="agictl $*"
}

report() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		echo "#   $cmd: exit $rc"
		echo "#   stdout: $out"
		echo "#   stderr: $err"
		fails=$((fails + 1))
	fi
}

skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

# Failure (exit 1) in text mode: nothing on stdout, exactly $1 on stderr.
fails_exactly() {
	[ "$rc" -eq 1 ] && [ -z "$out" ] && [ "$err" = "$1" ]
}

# Failure (exit 1) in text mode: nothing on stdout, $1 in stderr.
text_fails() {
	[ "$rc" -eq 1 ] && [ -z "$out" ] && printf '%s' "$err" | grep -qF -- "$1"
}

# Usage error: exit 2, nothing on stdout, $1 in stderr.
usage_fails() {
	[ "$rc" -eq 2 ] && [ -z "$out" ] && printf '%s' "$err" | grep -qF -- "$1"
}

# Success with exactly one JSON value on stdout, satisfying jq filter $1.
json_ok() {
	[ "$rc" -eq 0 ] && [ -z "$err" ] &&
		printf '%s\n' "$out" | jq -se "length == 1 and (.[0] | $1)" \
			>/dev/null 2>&1
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
	fails_exactly "matrix check failed: $want_12"
	report $? "example_matrix.json: the 1.2 entry's error, exactly"

	run -j matrix check configs/example_matrix.json
	[ "$rc" -eq 1 ] && [ -z "$err" ] &&
		printf '%s\n' "$out" | jq -se --arg e "matrix check failed: $want_12" \
			'. == [{"error": $e}]' >/dev/null
	report $? "example_matrix.json under -j: the same text as {\"error\"}"

	# Validation comes first: the file's error, not "module not loaded".
	run matrix load configs/example_matrix.json
	fails_exactly "matrix load failed: $want_12"
	report $? "matrix load reports the file's error before any netlink use"

	run matrix check configs/example_matrix.json --matrix transformation_matrices.coordinate_transform.rotation
	text_fails "transformation_matrices.coordinate_transform.rotation[1][0]: 1 does not fit Q1.31"
	report $? "--matrix picks another matrix; its first bad entry is named"

	run matrix check configs/example_matrix.json --matrix control_matrices.pid_controller.Kp
	text_fails "control_matrices.pid_controller.Kp[0]: expected a row (an array of numbers), found a number"
	report $? "a 1-D array is not a matrix"
	cd - >/dev/null || exit 1
else
	for what in "example_matrix.json: the 1.2 entry's error, exactly" \
		    "example_matrix.json under -j" \
		    "matrix load reports the file's error first" \
		    "--matrix picks another matrix" \
		    "a 1-D array is not a matrix"; do
		skip "$what" "$example is missing"
	done
fi

# --- files that fail ------------------------------------------------------------
write ragged.json '{"control_matrices": {"k": {"matrix": [[0.5, 0.25], [0.125]]}}}'
run matrix check "$tmp/ragged.json"
fails_exactly "matrix check failed: $tmp/ragged.json: control_matrices.k.matrix[1]: ragged matrix: 1 entry in this row, 2 in row 0"
report $? "a ragged matrix names the short row"

write nonnum.json '{"control_matrices": {"k": {"matrix": [[0.5, "abc"], [0.1, 0.2]]}}}'
run matrix check "$tmp/nonnum.json"
fails_exactly "matrix check failed: $tmp/nonnum.json: control_matrices.k.matrix[0][1]: \"abc\" is not a number (expected a decimal in Q1.31 [-1, 0.9999999995])"
report $? "a string entry is named with its indices and what is allowed"

write null.json '{"control_matrices": {"k": {"matrix": [[0.5, 0.25], [null, true]]}}}'
run matrix check "$tmp/null.json"
text_fails "control_matrices.k.matrix[1][0]: null is not a number"
report $? "null is not a number"

run matrix check "$tmp/missing.json"
fails_exactly "matrix check failed: $tmp/missing.json: No such file or directory"
report $? "a missing file is named with the reason"

run matrix load "$tmp/missing.json"
fails_exactly "matrix load failed: $tmp/missing.json: No such file or directory"
report $? "matrix load of a missing file fails before netlink"

write syntax.json '{"control_matrices": {"k": {"matrix": [[0.5, 0.25],
  [0.5 0.25]]}}}'
run matrix check "$tmp/syntax.json"
text_fails "$tmp/syntax.json:2:"
report $? "a JSON syntax error names the file, line and column"

write empty.json '{"control_matrices": {"k": {"matrix": []}}}'
run matrix check "$tmp/empty.json"
text_fails "control_matrices.k.matrix: the matrix is empty"
report $? "an empty matrix is an error"

write emptyrows.json '{"control_matrices": {"k": {"matrix": [[], []]}}}'
run matrix check "$tmp/emptyrows.json"
text_fails "control_matrices.k.matrix: the matrix is empty"
report $? "a matrix of empty rows is an error"

awk 'BEGIN { printf "{\"control_matrices\": {\"k\": {\"matrix\": [["
	     for (i = 0; i < 257; i++) printf "%s0", i ? "," : ""
	     print "]]}}}" }' > "$tmp/wide.json"
run matrix check "$tmp/wide.json"
text_fails "control_matrices.k.matrix: 257 columns, at most 256 allowed"
report $? "more than 256 columns is an error"

awk 'BEGIN { printf "{\"control_matrices\": {\"k\": {\"matrix\": ["
	     for (i = 0; i < 257; i++) printf "%s[0]", i ? "," : ""
	     print "]}}}" }' > "$tmp/tall.json"
run matrix check "$tmp/tall.json"
text_fails "control_matrices.k.matrix: 257 rows, at most 256 allowed"
report $? "more than 256 rows is an error"

write prec.json '{"control_matrices": {"k": {"matrix": [[0.5]], "precision": "Q2.30"}}}'
run matrix check "$tmp/prec.json"
text_fails 'control_matrices.k.precision: "Q2.30" is not a format (expected "Q1.31", "Q1.15" or "Q8.24")'
report $? "an unknown precision is named with the formats allowed"

write huge.json '{"control_matrices": {"k": {"matrix": [[0.5, -200]], "precision": "Q8.24"}}}'
run matrix check "$tmp/huge.json"
text_fails "control_matrices.k.matrix[0][1]: -200 does not fit Q8.24 [-128, 127.9999999403]; no format holds it"
report $? "a value no format holds says so"

write q15.json '{"control_matrices": {"k": {"matrix": [[0.5, 1.5]], "precision": "Q1.15"}}}'
run matrix check "$tmp/q15.json"
text_fails "1.5 does not fit Q1.15 [-1, 0.9999694824]; Q8.24 holds it"
report $? "the Q1.15 range is shown and a wider format suggested"

write nomatrix.json '{"control_matrices": {"k": {"gains": [[0.5]]}}}'
run matrix check "$tmp/nomatrix.json"
text_fails 'control_matrices: no array named "matrix" in it'
report $? "a file without a \"matrix\" says so"

run matrix check "$tmp/nomatrix.json" --matrix control_matrices.k.matrix
text_fails "control_matrices.k.matrix: no such key"
report $? "--matrix with a missing key names it"

write dup.json '{"control_matrices": {"k": {"matrix": [[0.5]], "matrix": [[0.25]]}}}'
run matrix check "$tmp/dup.json"
text_fails "duplicate object key"
report $? "a duplicate key is refused, not silently resolved"

# --- files that pass --------------------------------------------------------------
# 0.5 * 2^24 = 8388608; -1.25 * 2^24 = -20971520; 2^-25 is half a Q8.24 step
# and rounds away from zero to raw 1 (and -1).
write good.json '{"transformation_matrices": {"t": {"precision": "Q8.24",
  "m": [[0.5, -1.25, 0.0000000298023223876953125], [2, 0, -0.0000000298023223876953125]]}},
  "control_matrices": {"pid": {"Kp": [1]}, "sf": {"matrix": [[0.5, -0.25]]}}}'
run -j matrix check "$tmp/good.json" --matrix transformation_matrices.t.m
json_ok '.format == "Q8.24" and .rows == 2 and .cols == 3 and
	 .path == "transformation_matrices.t.m" and
	 .matrix == [[8388608, -20971520, 1], [33554432, 0, -1]]'
report $? "a good Q8.24 file: raw values, rounding half away from zero"

run -j matrix check "$tmp/good.json"
json_ok '.format == "Q1.31" and .path == "control_matrices.sf.matrix" and
	 .matrix == [[1073741824, -536870912]]'
report $? "the default is the first \"matrix\" under control_matrices, Q1.31"

run matrix check "$tmp/good.json"
[ "$rc" -eq 0 ] && [ "$out" = "$tmp/good.json: control_matrices.sf.matrix 1x2 Q1.31 raw
1073741824 -536870912" ]
report $? "the text form shows the path, shape, format and raw rows"

swarm=$CONFIGS/swarm_matrix.json
if [ -f "$swarm" ]; then
	# K = -0.6 I - 0.05 superdiagonal: round(-0.6 * 2^31) = -1288490189,
	# round(-0.05 * 2^31) = -107374182.
	run -j matrix check "$swarm"
	json_ok '.rows == 8 and .cols == 8 and
		 ([range(8) as $i | .matrix[$i][$i]] | unique) == [-1288490189] and
		 ([range(7) as $i | .matrix[$i][$i + 1]] | unique) == [-107374182] and
		 ([.matrix | flatten[] | select(. != 0)] | length) == 15'
	report $? "swarm_matrix.json is the 8x8 K the swarm loads"
else
	skip "swarm_matrix.json is the 8x8 K the swarm loads" "$swarm is missing"
fi

# --- usage errors: exit 2 before anything is tried ------------------------------------
run matrix check
usage_fails "matrix check needs a FILE.json"
report $? "matrix check without a file is a usage error"

run matrix load "$tmp/good.json" --bogus
usage_fails '"--bogus"'
report $? "an unknown matrix option is quoted"

run node set cycle 50xs
usage_fails '"50xs"'
report $? "node set cycle with a bad unit quotes it"

run node set deadline 5000000s
usage_fails '"5000000s"'
report $? "a duration past u32 microseconds is refused"

run node set miss later
usage_fails '"later"'
report $? "node set miss takes hold or zero only"

run node set port 65536
usage_fails '"65536"'
report $? "node set port past 65535 is refused"

run peer add worker 1 192.0.2.300
usage_fails '"192.0.2.300"'
report $? "peer add with a bad address quotes it"

run peer add robot 1 192.0.2.11
usage_fails '"robot"'
report $? "peer add with an unknown kind quotes it"

run fault inject worker 3 drop 101
usage_fails '"101"'
report $? "fault drop past 100 percent is refused"

run fault inject worker 3 jam
usage_fails '"jam"'
report $? "an unknown fault is quoted"

run input set 0.5,abc
usage_fails '"abc"'
report $? "input set quotes a bad value"

run input set 0.5,1.5
usage_fails '"1.5" is outside Q1.31'
report $? "input set refuses a value outside the format"

run law set pid kp 1.5 kd 0.1
usage_fails 'needs "ki"'
report $? "law set pid needs all three gains"

run law set pid kp 200 ki 0 kd 0
usage_fails '"200" is outside Q8.24'
report $? "a gain outside Q8.24 is refused"

run -j metrics --csv
usage_fails "choose one of -j and --csv"
report $? "metrics -j --csv is a usage error"

run monitor --count 0
usage_fails '"0"'
report $? "monitor --count 0 is a usage error"

# --- without the module: valid commands reach for it ----------------------------------
nomod="Failed to reach the agiswarm module (not loaded?)"
if [ -d /sys/module/agiswarm ]; then
	skip "a valid matrix load reaches for the module" "agiswarm is loaded here"
else
	run matrix load "$tmp/good.json"
	fails_exactly "$nomod"
	report $? "a valid matrix load reaches for the module"
fi

if [ "$n" -ne "$PLAN" ]; then
	echo "# planned $PLAN tests, ran $n"
	fails=$((fails + 1))
fi
[ "$fails" -eq 0 ]
