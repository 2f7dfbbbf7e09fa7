#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-vm.sh: boot the test VM (built by mkinitrd.sh) under QEMU and judge
# what its serial console says.
#
#   run-vm.sh --kernel VMLINUZ --initrd INITRD [--log FILE] [--timeout SEC]
#             [--counts FILE] [--script FILE] [--mem MB] [--smp N]
#             [--append ARGS] [--file SRC=DEST]...
#
# --append adds to the kernel command line (the debug kernel's
# kasan_multi_shot, so that every KASAN report is printed, not the first).
#
# Test mode (default): init runs every test; the terminal shows the top-level
# TAP and "# [vm]" progress lines, then the output of each failed test. The
# full log goes to --log. A run without the verdict line (QEMU timeout, panic,
# init died) is a failure. --counts FILE receives "PASS FAIL SKIP": each
# top-level VM test is one case, plus one failure for a missing verdict.
#
# Script mode (--script FILE): the same image, plus FILE as
# /agiswarm/run/script, which init runs instead of the tests (with the same
# environment: AGISWARM_KO, AGICTL, IP, TC, NFT, JQ, cwd /agiswarm). Its
# output streams to the terminal; the exit status is the script's.
# --file adds SRC as DEST (an absolute path) to that image, for what only
# one script needs (the benchmark's agiswarm_noseal.ko).
#
# KVM is used when it demonstrably boots a guest (see kvm_works), else
# TCG (AGISWARM_ACCEL=kvm|tcg forces one). Under TCG the guest's CPU model
# is AGISWARM_VM_CPU (default max: every feature TCG emulates), e.g.
# max,-ssse3,-avx,-avx2 for a guest whose kernel takes no vector paths.
# Exit status 0 = pass.
set -uo pipefail

kernel='' initrd='' log='' timeout='' counts='' script='' append=''
files=()
mem=1024
smp=2
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2 ;;
	--initrd) initrd=$2 ;;
	--log) log=$2 ;;
	--timeout) timeout=$2 ;;
	--counts) counts=$2 ;;
	--script) script=$2 ;;
	--mem) mem=$2 ;;
	--smp) smp=$2 ;;
	--append) append=$2 ;;
	--file) files+=("$2") ;;
	*) echo "run-vm.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
	shift 2
done
if [ ${#files[@]} -gt 0 ] && [ -z "$script" ]; then
	echo "run-vm.sh: --file needs --script" >&2
	exit 2
fi
for f in ${files[@]+"${files[@]}"}; do
	[[ $f == *=/* ]] || { echo "run-vm.sh: bad --file '$f' (SRC=/DEST)" >&2; exit 2; }
	[ -r "${f%%=*}" ] || { echo "run-vm.sh: cannot read '${f%%=*}'" >&2; exit 2; }
done
for f in "$kernel" "$initrd" ${script:+"$script"}; do
	[ -r "$f" ] || { echo "run-vm.sh: cannot read '$f'" >&2; exit 2; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: "${log:=$tmp/vm.log}"
: "${timeout:=900}"

# A /dev/kvm that opens is not proof that KVM runs guests: some sandboxes
# expose one whose guests never execute (QEMU then hangs without a byte on
# the console). So KVM is used only when it boots this kernel far enough to
# print its banner; without an initrd the kernel then panics and, with
# -no-reboot, QEMU exits. The verdict is kept beside the initrd, per kernel.
# AGISWARM_ACCEL=tcg or kvm overrides the probe.
kvm_works()
{
	local cache probe
	cache="$(dirname "$initrd")/.accel-$(basename "$kernel")"
	if [ -r "$cache" ]; then
		[ "$(cat "$cache")" = kvm ]
		return
	fi
	probe=$(timeout -k 2 20 qemu-system-x86_64 -machine q35,accel=kvm \
		-cpu host -m 256 -kernel "$kernel" \
		-append 'console=ttyS0 panic=-1' -nographic -no-reboot \
		-nic none < /dev/null 2>/dev/null | tr -d '\r' | head -c 65536)
	if printf '%s' "$probe" | grep -q 'Linux version'; then
		echo kvm > "$cache" 2>/dev/null
		return 0
	fi
	echo "# [host] /dev/kvm is present but does not run guests: using TCG" >&2
	echo tcg > "$cache" 2>/dev/null
	return 1
}

case ${AGISWARM_ACCEL:-probe} in
kvm) use_kvm=1 ;;
tcg) use_kvm=0 ;;
*)
	use_kvm=0
	if [ -c /dev/kvm ] && (exec 3<> /dev/kvm) 2>/dev/null && kvm_works; then
		use_kvm=1
	fi
	;;
esac
if [ "$use_kvm" = 1 ]; then
	accel=(-machine q35,accel=kvm -cpu host)
else
	accel=(-machine q35,accel=tcg -cpu "${AGISWARM_VM_CPU:-max}")
fi

# Script mode: a second cpio after the first; the kernel unpacks both.
if [ -n "$script" ]; then
	mkdir -p "$tmp/extra/agiswarm/run"
	install -m 0755 "$script" "$tmp/extra/agiswarm/run/script"
	basename "$script" > "$tmp/extra/agiswarm/run/name"
	for f in ${files[@]+"${files[@]}"}; do
		install -D -m 0644 "${f%%=*}" "$tmp/extra${f#*=}"
	done
	(cd "$tmp/extra" && find . | cpio -o -H newc -R 0:0 --quiet) |
		gzip -1 > "$tmp/extra.gz"
	cat "$initrd" "$tmp/extra.gz" > "$tmp/initrd.gz"
	initrd=$tmp/initrd.gz
fi

# At most $AGISWARM_VM_SLOTS (default 2) of these VMs run at once on this
# machine: TCG guests sharing a small host's cores starve one another until
# their tests time out. A run waits for a free slot (a lock held until exit).
take_vm_slot()
{
	local slots=${AGISWARM_VM_SLOTS:-2} i fd dir=/run/lock

	[ -d "$dir" ] && [ -w "$dir" ] || dir=${TMPDIR:-/tmp}
	while :; do
		for ((i = 0; i < slots; i++)); do
			exec {fd}> "$dir/agiswarm-vm.$i"
			if flock -n "$fd"; then
				return 0
			fi
			exec {fd}>&-
		done
		sleep 2
	done
}

# The console, without its carriage returns, line by line (sed -u: tr's
# buffering held the log and the progress back by kilobytes).
boot()
{
	take_vm_slot
	echo "# [host] booting $(basename "$kernel") (${accel[1]#q35,}," \
		"timeout ${timeout}s), log in $log"
	timeout --foreground -k 10 "$timeout" qemu-system-x86_64 "${accel[@]}" \
		-smp "$smp" -m "$mem" -kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 quiet${append:+ $append}" \
		-nographic -no-reboot -nic none < /dev/null 2>&1 |
		sed -u 's/\r//g' | tee "$log"
}

# Top-level TAP and progress only; nested test output stays in the log.
progress()
{
	local line
	while IFS= read -r line; do
		case $line in
		'# [vm]'* | '# AGISWARM'* | 'ok '* | 'not ok '* | \
		'TAP version'* | 1..*) printf '%s\n' "$line" ;;
		esac
	done
}

if [ -n "$script" ]; then
	start=$SECONDS
	boot
	rc=$(sed -n 's/^# AGISWARM-SCRIPT-EXIT \([0-9]*\).*/\1/p' "$log" | tail -n1)
	if [ -z "$rc" ]; then
		echo "# [host] no exit line from the VM (timeout or panic)" >&2
		rc=1
	fi
	echo "# [host] script exit status $rc after $((SECONDS - start))s"
	exit "$rc"
fi

start=$SECONDS
boot | progress
took=$((SECONDS - start))

pass=$(grep -c '^ok ' "$log")
skip=$(grep -c '^ok .* # SKIP' "$log")
pass=$((pass - skip))
fail=$(grep -c '^not ok ' "$log")

# The output of each failed test: from its "# [vm] N" header to its result.
grep '^not ok ' "$log" | while read -r _ _ n name _; do
	echo "# [host] ---- output of failed test $n $name ----"
	awk -v n="$n" '$0 ~ "^# \\[vm\\] " n " " { on = 1 }
		on { print }
		on && $0 ~ "^(not )?ok " n " " { exit }' "$log"
done

if ! grep -q '^# AGISWARM-VERDICT ' "$log"; then
	echo "# [host] no verdict from the VM after ${took}s (timeout, panic" \
		"or init died); its last lines:"
	tail -n 30 "$log" | sed 's/^/# [host] | /'
	fail=$((fail + 1))
fi
echo "# [host] VM tests: $pass passed, $fail failed, $skip skipped in ${took}s"
[ -n "$counts" ] && echo "$pass $fail $skip" > "$counts"
[ "$fail" = 0 ]
