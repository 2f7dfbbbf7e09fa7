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
# Then the native core tests that need only the core and libc (CROSS_TESTS:
# fixed, wide, code, code_mds; cross.mk builds BUILD_DIR/cross/*/NAME_test)
# run with one seed (AGI_SEED, CROSS_SEED here) on x86-64 and under
# qemu-user: each must pass, and its TH_LOG lines (the seed, the counts of
# subsets decoded, loss patterns, assignments, ...) and its ok lines must
# equal x86-64's. CROSS_TESTS chooses the tests (make check runs all but
# fixed, the slow one under qemu-arm).
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

tests=${CROSS_TESTS:-fixed wide code code_mds}
lib_tests=${CROSS_LIB_TESTS:-}
seed=${CROSS_SEED:-20261203}
abi_lines='decoder for m=[0-9]+: .* bytes'
set -- $triples

# lib_status TRIPLE FIELDS: cut -f FIELDS of TRIPLE's line in libs.status.
lib_status() { awk -v t="$1" '$1 == t' "$dir/libs.status" 2>/dev/null | cut -d' ' -f"$2"; }
lib_triples= lib_skipped=
if [ -n "$lib_tests" ]; then
	for t in "$@"; do
		if [ "$(lib_status "$t" 3)" = ready ]; then
			lib_triples="$lib_triples $t"
		else
			lib_skipped="$lib_skipped $t"
		fi
	done
fi
n_lib=$(echo $lib_tests | wc -w)
n_ready=$(echo $lib_triples | wc -w)
tap_begin $(( ($# + 2) + $(echo $tests | wc -w) * ($# + 1) +
	n_ready + $(echo $lib_skipped | wc -w) + n_lib * (n_ready + 1) ))

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

# missing NAME WHY: a build or qemu is not there: a skip, or a failure
# under CROSS_REQUIRE=1.
missing()
{
	if [ "${CROSS_REQUIRE:-0}" = 1 ]; then
		tap_result "$1: $2" 1
	else
		tap_skip "$1" "$2"
	fi
}

for t in "$@"; do
	q=$(qemu_for "$t")
	if [ ! -x "$dir/$t/core_digest" ] || ! command -v "$q" >/dev/null; then
		missing "$t" "$t-gcc or $q is not installed (make deps)"
		continue
	fi
	"$q" "$dir/$t/core_digest" > "$tmp/$t" 2>&1
	compare "$t under $q" "$tmp/$t"
done

# run_test OUT CMD...: run one harness test with the fixed seed; true when it
# exited 0 and printed no "not ok". OUT.log keeps the lines to compare.
run_test()
{
	local out=$1 rc

	shift
	AGI_SEED=$seed AGI_RANDOM_CASES=200000 timeout 600 "$@" < /dev/null > "$out" 2>&1
	rc=$?
	# The file:line prefix goes: GCC and clang give a multi-line TH_LOG()
	# different __LINE__s. Sizes of structures holding pointers depend on
	# the ABI (abi_lines), not on arithmetic: kept out, shown as comments.
	grep -E '^(ok|not ok) |^# selftests/' "$out" |
		sed -E 's/^# selftests\/native\/[a-z_]+\.c:[0-9]+:/# /' |
		grep -Ev "$abi_lines" > "$out.log"
	[ "$rc" = 0 ] && ! grep -q '^not ok' "$out"
}

# across NAME X86_BIN PATTERN TRIPLE...: test NAME on x86-64 (X86_BIN) and
# under qemu-user for each TRIPLE (PATTERN with @T@ the triple): each must
# pass and log what x86-64 logs. AGICTL names where config_test finds
# agiswarmd: for a triple, a script that runs that triple's under qemu.
across()
{
	local n=$1 x=$2 pattern=$3 t q bin rc start desc

	shift 3
	if [ ! -x "$x" ]; then
		tap_skip "$n x86-64" "$x is not built (make cross-tests; clang for the cross builds)"
		for t in "$@"; do
			tap_skip "$n $t" "no x86-64 reference"
		done
		return
	fi
	AGICTL=${x%/san/*}/agictl run_test "$tmp/$n.x86_64" "$x"
	rc=$?
	tap_result "$n x86-64, AGI_SEED=$seed: $(grep -c '^ok ' "$tmp/$n.x86_64") passed" $rc
	[ $rc = 0 ] || sed 's/^/# /' "$tmp/$n.x86_64"
	for t in "$@"; do
		q=$(qemu_for "$t")
		bin=${pattern//@T@/$t}
		if [ ! -x "$bin" ] || ! command -v "$q" >/dev/null; then
			missing "$n $t" "$bin or $q is missing (clang, $t-gcc, qemu-user: make deps)"
			continue
		fi
		if [ -x "${bin%/san/*}/agiswarmd" ]; then
			mkdir -p "$tmp/run.$t"
			printf '#!/bin/sh\nexec %s %s "$@"\n' "$q" \
				"$(realpath "${bin%/san/*}/agiswarmd")" > "$tmp/run.$t/agiswarmd"
			chmod +x "$tmp/run.$t/agiswarmd"
		fi
		start=$SECONDS
		AGICTL=$tmp/run.$t/agictl run_test "$tmp/$n.$t" "$q" "$bin"
		rc=$?
		desc="$n $t under $q: $(grep -c '^ok ' "$tmp/$n.$t") passed in $((SECONDS - start))s"
		if [ $rc != 0 ]; then
			tap_result "$desc, results equal x86-64's" 1
			sed 's/^/# /' "$tmp/$n.$t"
		elif diff -u "$tmp/$n.x86_64.log" "$tmp/$n.$t.log" > "$tmp/diff"; then
			tap_result "$desc, results equal x86-64's ($(grep -c '^# ' "$tmp/$n.$t.log") logged lines)" 0
			grep -E "$abi_lines" "$tmp/$n.$t" | sed 's/^/# ABI-dependent: /'
		else
			tap_result "$desc, results equal x86-64's" 1
			sed 's/^/# /' "$tmp/diff"
		fi
	done
}

for n in $tests; do
	across "$n" "$dir/x86_64/${n}_test" "$dir/@T@/${n}_test" "$@"
done

# The tests that need libsodium, libcbor or libyaml (CROSS_LIB_TESTS),
# built by cross.mk's cross-libs for the triples cross_deps.sh could
# install those libraries for ($dir/libs.status); a triple whose Debian
# architecture the archive does not carry is skipped, saying why.
for t in $lib_triples; do
	q=$(qemu_for "$t")
	full=$dir/$t/full
	if [ -x "$full/agictl" ] && [ -x "$full/agiswarmd" ] && command -v "$q" >/dev/null &&
	   "$q" "$full/agictl" -V > "$tmp/v.$t" 2>&1 && "$q" "$full/agiswarmd" -V >> "$tmp/v.$t" 2>&1; then
		tap_result "$t: agictl and agiswarmd link against Debian's $(lib_status "$t" 2) libraries and run under $q: $(paste -sd' ' "$tmp/v.$t")" 0
	else
		missing "$t: agictl and agiswarmd link and run under $q" "$(cat "$tmp/v.$t" 2>/dev/null)"
	fi
done
for t in $lib_skipped; do
	why=$(lib_status "$t" 4-)
	case $(lib_status "$t" 3) in
	unavailable) tap_skip "$t: the userspace library tests ($lib_tests)" "skipped: $why; $t runs the core tests above only" ;;
	*) missing "$t: the userspace library tests ($lib_tests)" "${why:-not prepared (make cross-libs)}" ;;
	esac
done
for n in $lib_tests; do
	across "$n" "$dir/x86_64/full/san/selftests/native/${n}_test" \
		"$dir/@T@/full/san/selftests/native/${n}_test" $lib_triples
done
tap_end
