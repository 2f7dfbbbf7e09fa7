#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# cross_check.sh BUILD_DIR: the portable core gives the same bits on 32-bit
# and big-endian machines as on x86-64.
#
# Runs BUILD_DIR/cross/*/core_digest (selftests/cross/cross.mk builds them)
# and compares every output line but the first comment (which names the
# machine) with the x86-64 build's: the digests of fixed point, 128-bit
# arithmetic, CBOR, wire and code results over the same seeded stream, and
# the count of known answers checked and failed. Cross builds run under
# qemu-user (qemu-arm, qemu-mips, ...). Prints TAP, one point per build.
#
# A triple whose compiler or qemu is missing is skipped, or fails with
# CROSS_REQUIRE=1 (make cross-check). CROSS_TRIPLES lists the triples.
set -uo pipefail

build=${1:-build}
dir=$build/cross
triples=${CROSS_TRIPLES:-arm-linux-gnueabihf mips-linux-gnu}
. "$(dirname "$0")/../lib/tap.sh"

# qemu-user's name for a GNU triple's CPU.
qemu_for()
{
	case $1 in
	arm*) echo qemu-arm ;;
	mips64el-*) echo qemu-mips64el ;;
	mips64-*) echo qemu-mips64 ;;
	mipsel-*) echo qemu-mipsel ;;
	mips-*) echo qemu-mips ;;
	powerpc-*) echo qemu-ppc ;;
	aarch64-*) echo qemu-aarch64 ;;
	*) echo "qemu-${1%%-*}" ;;
	esac
}

[ -x "$dir/x86_64/core_digest" ] || tap_skip_all "$dir/x86_64/core_digest is not built (make cross-tests)"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

set -- $triples
tap_begin $(($# + 2))

# Reference: x86-64 with native 128-bit products. Its known answers must
# all hold (the native harness tests check the same code against __int128
# oracles).
"$dir/x86_64/core_digest" > "$tmp/x86_64" 2>&1
rc=$?
read -r _ checked failed < <(grep '^known-answers ' "$tmp/x86_64")
tap_result "x86-64: core_digest's ${checked:-?} known answers hold" \
	$((rc != 0 || ${failed:-1} != 0 || ${checked:-0} < 100))
sed 's/^/# /' "$tmp/x86_64"
sed -n '1!p' "$tmp/x86_64" > "$tmp/want"

# compare NAME FILE: one point, FILE's digests equal the reference's.
compare()
{
	local name=$1 out=$2 desc

	desc=$(sed -n '1s/^# core_digest: //p' "$out")
	if sed -n '1!p' "$out" | diff -u "$tmp/want" - > "$tmp/diff"; then
		tap_result "$name ($desc): digests equal x86-64's" 0
	else
		tap_result "$name ($desc): digests equal x86-64's" 1
		sed 's/^/# /' "$tmp/diff"
	fi
}

"$dir/portable/core_digest" > "$tmp/portable" 2>&1
compare "x86-64 portable 128-bit path, ASan+UBSan" "$tmp/portable"

for t in "$@"; do
	q=$(qemu_for "$t")
	if [ ! -x "$dir/$t/core_digest" ] || ! command -v "$q" >/dev/null; then
		why="$t-gcc or $q is not installed (make deps)"
		if [ "${CROSS_REQUIRE:-0}" = 1 ]; then
			tap_result "$t: $why" 1
		else
			tap_skip "$t" "$why"
		fi
		continue
	fi
	"$q" "$dir/$t/core_digest" > "$tmp/$t" 2>&1
	compare "$t under $q" "$tmp/$t"
done
tap_end
