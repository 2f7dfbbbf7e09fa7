#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run native tests: run-native.sh BUILD_DIR TEST...
# Each test prints TAP; the combined output lands in BUILD_DIR/native.tap and
# the exit status is non-zero when any test failed.
build=$1; shift
out=$build/native.tap
: > "$out"
rc=0
for t in "$@"; do
	name=$(basename "$t")
	printf '# native: %s\n' "$name" | tee -a "$out"
	if ! AGICTL="$build/agictl" "$t" 2>&1 | tee -a "$out"; then
		rc=1
	fi
done
exit $rc
