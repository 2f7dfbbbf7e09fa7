#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# agictl's fixed-point calculator end to end, and agictl's behaviour when the
# module is absent (this runs on the build host, where it never is loaded).
# Prints TAP; exits non-zero when a case fails.
#
#   AGICTL=build/agictl selftests/native/agictl_fixed.sh

AGICTL=${AGICTL:-build/agictl}
PLAN=47
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

# --- conversions -------------------------------------------------------------
run -j fixed from 0.5
tap_json_ok '. == {"format": "Q1.31", "raw": 1073741824, "value": 0.5}'
tap_report $? "from 0.5 is raw 1073741824 in Q1.31"

run fixed from 0.5
[ "$rc" -eq 0 ] && tap_has 1073741824 && tap_has 0.5 && tap_has Q1.31
tap_report $? "text output shows format, raw and value"

run -j fixed from -1
tap_json_ok '.raw == -2147483648 and .value == -1'
tap_report $? "from -1 is the Q1.31 minimum"

run -j fixed --format Q1.15 from 0.5
tap_json_ok '. == {"format": "Q1.15", "raw": 16384, "value": 0.5}'
tap_report $? "from 0.5 in Q1.15 is 16384"

# The exact decimal, digit for digit, not a double's shortest form.
run -j fixed --raw from 1
tap_json_ok '.raw == 1' && tap_has '"value": 0.0000000004656612873077392578125'
tap_report $? "raw 1 in Q1.31 prints its exact value 2^-31"

run -j fixed from 0.00000000023283064365386962890625
tap_json_ok '.raw == 1'
tap_report $? "2^-32 rounds half away from zero to raw 1"

run -j fixed from -0.00000000023283064365386962890625
tap_json_ok '.raw == -1'
tap_report $? "-2^-32 rounds half away from zero to raw -1"

# --- add / sub ---------------------------------------------------------------
run -j fixed add 0.25 0.5
tap_json_ok '. == {"format": "Q1.31", "raw": 1610612736, "value": 0.75}'
tap_report $? "add 0.25 0.5 = 0.75"

run -j fixed add 0.75 0.75
tap_json_ok '.raw == 2147483647'
tap_report $? "add saturates at the Q1.31 maximum"

run -j fixed sub -0.75 0.5
tap_json_ok '.raw == -2147483648'
tap_report $? "sub saturates at the Q1.31 minimum"

# --- mul ---------------------------------------------------------------------
run -j fixed mul -1 -1
tap_json_ok '. == {"format": "Q1.31", "raw": 2147483647,
	       "value": 0.9999999995343387126922607421875}'
tap_report $? "mul -1 by -1 in Q1.31 saturates to 2147483647"

run -j fixed mul --format Q8.24 --format-b Q1.31 2.5 0.25
tap_json_ok '. == {"format": "Q1.31", "raw": 1342177280, "value": 0.625}'
tap_report $? "Q8.24 gain 2.5 times Q1.31 signal 0.25 is 0.625 in Q1.31"

run -j fixed mul --format=Q8.24 --format-b=Q1.31 --raw 25165824 1
tap_json_ok '.raw == 2'
tap_report $? "mul rounds half up: 1.5 x raw 1 is raw 2"

run -j fixed mul --format Q8.24 --format-b Q1.31 --raw 25165824 -1
tap_json_ok '.raw == -1'
tap_report $? "mul rounds half up: 1.5 x raw -1 is raw -1"

# --- div ---------------------------------------------------------------------
run -j fixed div 0.25 0.5
tap_json_ok '.raw == 1073741824 and .format == "Q1.31"'
tap_report $? "div 0.25 by 0.5 is 0.5"

run -j fixed div --format Q8.24 --format-b Q1.31 1 0.5
tap_json_ok '. == {"format": "Q8.24", "raw": 33554432, "value": 2}'
tap_report $? "div keeps the first operand's format"

run -j fixed div 0.5 0
tap_json_fails "division by zero"
tap_report $? "div by zero fails with a JSON error"

run fixed div 0.5 0
tap_text_fails "fixed div failed: division by zero"
tap_report $? "div by zero says so on stderr"

# --- dot ---------------------------------------------------------------------
run -j fixed dot 0.5,0.25 0.5,-0.5
tap_json_ok '. == {"format": "Q1.31", "raw": 268435456, "value": 0.125}'
tap_report $? "dot of two lists"

# 0.5625 + 0.5625 passes 1 midway: only the final sum may saturate.
run -j fixed dot 0.75,0.75,0.75 0.75,0.75,-0.75
tap_json_ok '.raw == 1207959552 and .value == 0.5625'
tap_report $? "dot sums exactly, no saturation inside the sum"

run -j fixed dot --raw --format Q8.24 --format-b Q1.31 16777216,33554432 100,7
tap_json_ok '. == {"format": "Q1.31", "raw": 114, "value": 0.000000053085386753082275390625}'
tap_report $? "dot of raw lists, result in the second format"

run -j fixed dot 0.5,x 0.5,0.5
tap_json_fails '"x"'
tap_report $? "dot quotes a bad list item"

# --- operands that fail --------------------------------------------------------
run -j fixed from 1.5
tap_json_fails "1.5 is outside Q1.31 [-1, 0.9999999995343387126922607421875]"
tap_report $? "1.5 in Q1.31 fails naming the range (JSON)"

run fixed from 1.5
tap_text_fails "1.5 is outside Q1.31 [-1, 0.9999999995343387126922607421875]"
tap_report $? "1.5 in Q1.31 fails naming the range (text)"

run -j fixed --raw --format Q1.15 from 40000
tap_json_fails "40000 is outside Q1.15 [-32768, 32767]"
tap_report $? "a raw value outside Q1.15 fails naming the raw range"

run fixed from abc
tap_text_fails 'bad number "abc"'
tap_report $? "a bad number fails quoting it"

run -j fixed add 0.5 1e
tap_json_fails 'bad number "1e"'
tap_report $? "a bad second operand fails quoting it (JSON)"

run -j fixed --raw from 0x10
tap_json_fails 'bad number "0x10"'
tap_report $? "raw operands are decimal integers only"

run -j fixed from "$(printf 'a"\\\001\377')"
tap_json_fails 'bad number'
tap_report $? "quotes, backslashes, control and non-UTF-8 bytes stay valid JSON"

# --- usage errors --------------------------------------------------------------
run fixed
tap_usage_fails "fixed needs an operation"
tap_report $? "no operation is a usage error"

run -j fixed pow 1 2
tap_usage_fails '"pow"'
tap_report $? "an unknown operation is a usage error quoting it"

run -j fixed add 0.5
tap_usage_fails "takes 2 operands"
tap_report $? "a missing operand is a usage error"

run -j fixed from 0.5 0.5
tap_usage_fails "one too many"
tap_report $? "an extra operand is a usage error"

run -j fixed add --format Q8.24 --format-b Q1.31 1 0.5
tap_usage_fails "both operands in one format"
tap_report $? "add in two formats is a usage error saying so"

run -j fixed --format Q2.30 from 0.5
tap_usage_fails '"Q2.30"'
tap_report $? "an unknown format is a usage error quoting it"

run -j fixed dot 0.5,0.5 0.5
tap_usage_fails "one length"
tap_report $? "dot of lists of two lengths is a usage error"

run -j fixed from --bogus 1
tap_usage_fails '"--bogus"'
tap_report $? "an unknown option is a usage error quoting it"

# --- without the module ------------------------------------------------------
nomod="Failed to reach the agiswarm module (not loaded?)"
if [ -d /sys/module/agiswarm ]; then
	for what in "status says the module is missing" \
		    "-j status prints a JSON error" \
		    "no arguments means status" \
		    "node set says the module is missing"; do
		tap_skip "$what" "agiswarm is loaded here"
	done
else
	run status
	[ "$rc" -eq 1 ] && [ -z "$out" ] && [ "$err" = "$nomod" ]
	tap_report $? "status says the module is missing"

	run -j status
	tap_json_fails "$nomod"
	tap_report $? "-j status prints a JSON error"

	run
	[ "$rc" -eq 1 ] && [ "$err" = "$nomod" ]
	tap_report $? "no arguments means status"

	run node set role worker id 7
	[ "$rc" -eq 1 ] && [ "$err" = "$nomod" ]
	tap_report $? "node set says the module is missing"
fi

run node set role bogus
tap_usage_fails '"bogus"'
tap_report $? "node set with a bad role is a usage error quoting it"

run node set id 4294967296
tap_usage_fails '"4294967296"'
tap_report $? "node set with an id past u32 is a usage error"

run node set group-id 18446744073709551616
tap_usage_fails 'invalid group-id "18446744073709551616" (expected 0..18446744073709551615)'
tap_report $? "node set with a group id past u64 is a usage error naming the range"

# --- the tool itself ---------------------------------------------------------
run -V
[ "$rc" -eq 0 ] && [ "$out" = "agictl 0.1.0" ]
tap_report $? "-V prints agictl 0.1.0"

run -h
[ "$rc" -eq 0 ] && tap_has "status" && tap_has "node" && tap_has "fixed"
tap_report $? "-h lists the objects"

run bogus
tap_usage_fails '"bogus"'
tap_report $? "an unknown object is a usage error"

tap_end
