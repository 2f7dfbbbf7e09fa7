#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh: `make check` end to end, on a fresh Debian 12 as on a work tree.
#
#   1. make deps                  install the Debian packages that are missing
#   2. build the userspace side   agictl, the native tests (ASan+UBSan)
#   3. build the kernel side      agiswarm.ko (AGISWARM_DEBUG=1), VM tests
#   4. make native-check          selftests/run-native.sh
#      make fuzz-smoke            every libFuzzer target, bounded runs
#   5. make vm-check              selftests/vm/run-vm.sh, log in build/vm.log
#   6. make check-debug           only with CHECK_DEBUG=1: every VM test again
#                                 on the debug kernel (built once, cached),
#                                 log in build/vm-debug.log; not by default,
#                                 see README.md, "The debug kernel"
#
# Counting (the same rule on both sides): a case is one top-level TAP result
# line. Natively that is every harness TEST (the binaries run directly) and
# every result a native script prints; in the VM, where each test's own TAP
# is nested as comments, it is each test program plus the module self-test.
# A test that fails without saying so (crash, timeout), a VM run that ends
# without its verdict, and a step that fails before it produced results
# (deps, a build) each count as one failure. Skips are reported, not
# counted. The last line is "N passed, N failed"; the exit status is 1 when
# anything failed.
set -uo pipefail

make=${MAKE:-make}
build=${BUILD:-build}
jobs=$(nproc 2>/dev/null || echo 2)
t0=$SECONDS
pass=0
fail=0
skip=0
failed_steps=()

say()
{
	printf '# [check %4ds] %s\n' $((SECONDS - t0)) "$*"
}

# step NAME COMMAND...: run one step, note it when it fails.
step()
{
	local name=$1 start=$SECONDS rc
	shift
	say "$name: $*"
	"$@"
	rc=$?
	if [ "$rc" = 0 ]; then
		say "$name: done in $((SECONDS - start))s"
	else
		say "$name: FAILED (exit $rc) after $((SECONDS - start))s"
		failed_steps+=("$name")
	fi
	return "$rc"
}

# add_counts FILE STEP: add a runner's "PASS FAIL SKIP"; a runner that left
# none (it could not run) is one failure.
add_counts()
{
	local p f s
	if read -r p f s < "$1" 2>/dev/null; then
		pass=$((pass + p))
		fail=$((fail + f))
		skip=$((skip + s))
	else
		say "$2: produced no results"
		fail=$((fail + 1))
	fi
}

rm -f "$build/native.counts" "$build/vm.counts" "$build/vm-debug.counts"

step deps "$make" deps || fail=$((fail + 1))

native_built=0
kernel_built=0
step build-userspace "$make" -j"$jobs" userspace native-tests &&
	native_built=1 || fail=$((fail + 1))
# kbuild runs its own jobs; the VM test programs are few.
step build-kernel "$make" AGISWARM_DEBUG=1 module vm-tests &&
	kernel_built=1 || fail=$((fail + 1))

if [ "$native_built" = 1 ]; then
	step native-check "$make" native-check
	add_counts "$build/native.counts" native-check
fi
# Every libFuzzer target, a bounded number of runs from the seed corpus:
# one case, failed by any crash, leak or sanitizer report.
if step fuzz-smoke "$make" fuzz-smoke; then
	pass=$((pass + 1))
	echo "ok fuzz-smoke"
else
	fail=$((fail + 1))
	echo "not ok fuzz-smoke"
fi
if [ "$native_built" = 1 ] && [ "$kernel_built" = 1 ]; then
	step vm-check "$make" AGISWARM_DEBUG=1 vm-check
	add_counts "$build/vm.counts" vm-check
else
	say "vm-check: not run, the build failed"
fi
if [ "${CHECK_DEBUG:-0}" = 1 ]; then
	if [ "$native_built" = 1 ] && [ "$kernel_built" = 1 ]; then
		step check-debug "$make" check-debug
		add_counts "$build/vm-debug.counts" check-debug
	else
		say "check-debug: not run, the build failed"
	fi
fi

say "total ${SECONDS}s; skipped $skip;" \
	"failed steps: ${failed_steps[*]:-none}"
# A step that failed must never end in "0 failed".
[ ${#failed_steps[@]} != 0 ] && [ "$fail" = 0 ] && fail=1
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
