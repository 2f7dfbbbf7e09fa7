#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-native.sh BUILD_DIR TEST...: run native tests on the host.
#
# Each test (an ASan+UBSan harness binary or a script, run with
# AGICTL=BUILD_DIR/agictl) prints TAP; everything lands in BUILD_DIR/native.tap
# and streams to the terminal. Counting rule (the same as the VM's, where
# each test's own TAP is nested): every top-level "ok"/"not ok" line is one
# case, "ok ... # SKIP" a skip; a test that prints none is one case judged
# by its exit status (0 pass, 4 skip); a test that exits with a failure
# status without printing "not ok" (a crash, a sanitizer abort, a timeout)
# adds one failed case. BUILD_DIR/native.counts gets "PASS FAIL SKIP"; the
# exit status is non-zero when any case failed.
set -uo pipefail

NATIVE_TIMEOUT=${NATIVE_TIMEOUT:-300}
KSFT_SKIP=4

build=$1
shift
out=$build/native.tap
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
agictl=$(realpath -m "$build/agictl")
: > "$out"
pass=0
fail=0
skip=0

for t in "$@"; do
	name=${t##*/}
	echo "# native: $name" | tee -a "$out"
	AGICTL=$agictl timeout "$NATIVE_TIMEOUT" "$t" < /dev/null 2>&1 |
		tee "$tmp"
	rc=${PIPESTATUS[0]}
	cat "$tmp" >> "$out"
	n_ok=$(grep -c '^ok ' "$tmp")
	n_skip=$(grep -c '^ok .*# *SKIP' "$tmp")
	n_fail=$(grep -c '^not ok ' "$tmp")
	if [ $((n_ok + n_fail)) = 0 ]; then
		case $rc in
		0) n_ok=1 ;;
		"$KSFT_SKIP") n_ok=1 n_skip=1 ;;
		esac
	fi
	if [ "$rc" != 0 ] && [ "$rc" != $KSFT_SKIP ] && [ "$n_fail" = 0 ]; then
		why="exit status $rc"
		[ "$rc" = 124 ] && why="timeout after ${NATIVE_TIMEOUT}s"
		echo "not ok - $name # $why" | tee -a "$out"
		n_fail=1
	fi
	pass=$((pass + n_ok - n_skip))
	skip=$((skip + n_skip))
	fail=$((fail + n_fail))
done

echo "# native: $pass passed, $fail failed, $skip skipped" | tee -a "$out"
echo "$pass $fail $skip" > "$build/native.counts"
[ "$fail" = 0 ]
