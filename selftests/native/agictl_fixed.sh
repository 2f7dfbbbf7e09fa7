#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# agictl's fixed-point calculator end to end, and agictl's behaviour when the
# module is absent (this runs on the build host, where it never is loaded).
# Prints TAP; exits non-zero when a case fails.
#
#   AGICTL=build/agictl selftests/native/agictl_fixed.sh

AGICTL=${AGICTL:-build/agictl}
PLAN=46
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

# Success with exactly one JSON value on stdout, satisfying jq filter $1.
json_ok() {
	[ "$rc" -eq 0 ] && [ -z "$err" ] &&
		printf '%s\n' "$out" | jq -se "length == 1 and (.[0] | $1)" \
			>/dev/null 2>&1
}

# Failure (exit 1) under -j: one {"error": ...} object on stdout that
# contains $1, nothing on stderr.
json_fails() {
	[ "$rc" -eq 1 ] && [ -z "$err" ] &&
		printf '%s\n' "$out" | jq -se --arg s "$1" \
			'length == 1 and (.[0] | keys == ["error"] and
			 (.error | contains($s)))' >/dev/null 2>&1
}

# Failure (exit 1) in text mode: nothing on stdout, $1 in stderr.
text_fails() {
	[ "$rc" -eq 1 ] && [ -z "$out" ] && printf '%s' "$err" | grep -qF -- "$1"
}

# Usage error: exit 2, nothing on stdout, $1 in stderr.
usage_fails() {
	[ "$rc" -eq 2 ] && [ -z "$out" ] && printf '%s' "$err" | grep -qF -- "$1"
}

has() {
	printf '%s' "$out" | grep -qF -- "$1"
}

# --- conversions -------------------------------------------------------------
run -j fixed from 0.5
json_ok '. == {"format": "Q1.31", "raw": 1073741824, "value": 0.5}'
report $? "from 0.5 is raw 1073741824 in Q1.31"

run fixed from 0.5
[ "$rc" -eq 0 ] && has 1073741824 && has 0.5 && has Q1.31
report $? "text output shows format, raw and value"

run -j fixed from -1
json_ok '.raw == -2147483648 and .value == -1'
report $? "from -1 is the Q1.31 minimum"

run -j fixed --format Q1.15 from 0.5
json_ok '. == {"format": "Q1.15", "raw": 16384, "value": 0.5}'
report $? "from 0.5 in Q1.15 is 16384"

# The exact decimal, digit for digit, not a double's shortest form.
run -j fixed --raw from 1
json_ok '.raw == 1' && has '"value": 0.0000000004656612873077392578125'
report $? "raw 1 in Q1.31 prints its exact value 2^-31"

run -j fixed from 0.00000000023283064365386962890625
json_ok '.raw == 1'
report $? "2^-32 rounds half away from zero to raw 1"

run -j fixed from -0.00000000023283064365386962890625
json_ok '.raw == -1'
report $? "-2^-32 rounds half away from zero to raw -1"

# --- add / sub ---------------------------------------------------------------
run -j fixed add 0.25 0.5
json_ok '. == {"format": "Q1.31", "raw": 1610612736, "value": 0.75}'
report $? "add 0.25 0.5 = 0.75"

run -j fixed add 0.75 0.75
json_ok '.raw == 2147483647'
report $? "add saturates at the Q1.31 maximum"

run -j fixed sub -0.75 0.5
json_ok '.raw == -2147483648'
report $? "sub saturates at the Q1.31 minimum"

# --- mul ---------------------------------------------------------------------
run -j fixed mul -1 -1
json_ok '. == {"format": "Q1.31", "raw": 2147483647,
	       "value": 0.9999999995343387126922607421875}'
report $? "mul -1 by -1 in Q1.31 saturates to 2147483647"

run -j fixed mul --format Q8.24 --format-b Q1.31 2.5 0.25
json_ok '. == {"format": "Q1.31", "raw": 1342177280, "value": 0.625}'
report $? "Q8.24 gain 2.5 times Q1.31 signal 0.25 is 0.625 in Q1.31"

run -j fixed mul --format=Q8.24 --format-b=Q1.31 --raw 25165824 1
json_ok '.raw == 2'
report $? "mul rounds half up: 1.5 x raw 1 is raw 2"

run -j fixed mul --format Q8.24 --format-b Q1.31 --raw 25165824 -1
json_ok '.raw == -1'
report $? "mul rounds half up: 1.5 x raw -1 is raw -1"

# --- div ---------------------------------------------------------------------
run -j fixed div 0.25 0.5
json_ok '.raw == 1073741824 and .format == "Q1.31"'
report $? "div 0.25 by 0.5 is 0.5"

run -j fixed div --format Q8.24 --format-b Q1.31 1 0.5
json_ok '. == {"format": "Q8.24", "raw": 33554432, "value": 2}'
report $? "div keeps the first operand's format"

run -j fixed div 0.5 0
json_fails "division by zero"
report $? "div by zero fails with a JSON error"

run fixed div 0.5 0
text_fails "fixed div failed: division by zero"
report $? "div by zero says so on stderr"

# --- dot ---------------------------------------------------------------------
run -j fixed dot 0.5,0.25 0.5,-0.5
json_ok '. == {"format": "Q1.31", "raw": 268435456, "value": 0.125}'
report $? "dot of two lists"

# 0.5625 + 0.5625 passes 1 midway: only the final sum may saturate.
run -j fixed dot 0.75,0.75,0.75 0.75,0.75,-0.75
json_ok '.raw == 1207959552 and .value == 0.5625'
report $? "dot sums exactly, no saturation inside the sum"

run -j fixed dot --raw --format Q8.24 --format-b Q1.31 16777216,33554432 100,7
json_ok '. == {"format": "Q1.31", "raw": 114, "value": 0.000000053085386753082275390625}'
report $? "dot of raw lists, result in the second format"

run -j fixed dot 0.5,x 0.5,0.5
json_fails '"x"'
report $? "dot quotes a bad list item"

# --- operands that fail --------------------------------------------------------
run -j fixed from 1.5
json_fails "1.5 is outside Q1.31 [-1, 0.9999999995343387126922607421875]"
report $? "1.5 in Q1.31 fails naming the range (JSON)"

run fixed from 1.5
text_fails "1.5 is outside Q1.31 [-1, 0.9999999995343387126922607421875]"
report $? "1.5 in Q1.31 fails naming the range (text)"

run -j fixed --raw --format Q1.15 from 40000
json_fails "40000 is outside Q1.15 [-32768, 32767]"
report $? "a raw value outside Q1.15 fails naming the raw range"

run fixed from abc
text_fails 'bad number "abc"'
report $? "a bad number fails quoting it"

run -j fixed add 0.5 1e
json_fails 'bad number "1e"'
report $? "a bad second operand fails quoting it (JSON)"

run -j fixed --raw from 0x10
json_fails 'bad number "0x10"'
report $? "raw operands are decimal integers only"

run -j fixed from "$(printf 'a"\\\001\377')"
json_fails 'bad number'
report $? "quotes, backslashes, control and non-UTF-8 bytes stay valid JSON"

# --- usage errors --------------------------------------------------------------
run fixed
usage_fails "fixed needs an operation"
report $? "no operation is a usage error"

run -j fixed pow 1 2
usage_fails '"pow"'
report $? "an unknown operation is a usage error quoting it"

run -j fixed add 0.5
usage_fails "takes 2 operands"
report $? "a missing operand is a usage error"

run -j fixed from 0.5 0.5
usage_fails "one too many"
report $? "an extra operand is a usage error"

run -j fixed add --format Q8.24 --format-b Q1.31 1 0.5
usage_fails "both operands in one format"
report $? "add in two formats is a usage error saying so"

run -j fixed --format Q2.30 from 0.5
usage_fails '"Q2.30"'
report $? "an unknown format is a usage error quoting it"

run -j fixed dot 0.5,0.5 0.5
usage_fails "one length"
report $? "dot of lists of two lengths is a usage error"

run -j fixed from --bogus 1
usage_fails '"--bogus"'
report $? "an unknown option is a usage error quoting it"

# --- without the module ------------------------------------------------------
nomod="Failed to reach the agiswarm module (not loaded?)"
if [ -d /sys/module/agiswarm ]; then
	for what in "status says the module is missing" \
		    "-j status prints a JSON error" \
		    "no arguments means status" \
		    "node set says the module is missing"; do
		skip "$what" "agiswarm is loaded here"
	done
else
	run status
	[ "$rc" -eq 1 ] && [ -z "$out" ] && [ "$err" = "$nomod" ]
	report $? "status says the module is missing"

	run -j status
	json_fails "$nomod"
	report $? "-j status prints a JSON error"

	run
	[ "$rc" -eq 1 ] && [ "$err" = "$nomod" ]
	report $? "no arguments means status"

	run node set role worker id 7
	[ "$rc" -eq 1 ] && [ "$err" = "$nomod" ]
	report $? "node set says the module is missing"
fi

run node set role bogus
usage_fails '"bogus"'
report $? "node set with a bad role is a usage error quoting it"

run node set id 4294967296
usage_fails '"4294967296"'
report $? "node set with an id past u32 is a usage error"

# --- the tool itself ---------------------------------------------------------
run -V
[ "$rc" -eq 0 ] && [ "$out" = "agictl 0.1.0" ]
report $? "-V prints agictl 0.1.0"

run -h
[ "$rc" -eq 0 ] && has "status" && has "node" && has "fixed"
report $? "-h lists the objects"

run bogus
usage_fails '"bogus"'
report $? "an unknown object is a usage error"

if [ "$n" -ne "$PLAN" ]; then
	echo "# planned $PLAN tests, ran $n"
	fails=$((fails + 1))
fi
[ "$fails" -eq 0 ]
