#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kmod_arm.sh BUILD_DIR: agiswarm.ko cross-built for 32-bit ARM (armhf,
# no __int128, no 64-bit division in hardware) against Debian's
# linux-source-6.1 with the stock multi_v7_defconfig (plus the UDP tunnel
# the module uses), W=1: the build must print no warning. The configured
# tree is kept in $AGISWARM_CACHE (default /var/cache/agiswarm/linux-arm-6.1)
# so later runs only rebuild the module. Prints TAP: the build is W=1
# clean, and every symbol the module needs is exported by that kernel.
set -uo pipefail

build=${1:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${AGISWARM_CACHE:-/var/cache/agiswarm}/linux-arm-6.1
tarball=/usr/src/linux-source-6.1.tar.xz
cross=arm-linux-gnueabihf-
. "$top/selftests/lib/tap.sh"

command -v "${cross}gcc" >/dev/null || tap_skip_all "${cross}gcc is not installed (gcc-arm-linux-gnueabihf)"
[ -r "$tarball" ] || tap_skip_all "$tarball is not installed (linux-source-6.1)"
tap_begin 2

log=$build/cross/kmod-arm.log
mkdir -p "$build/cross" "$(dirname "$cache")"
: > "$log"
# Configure once (minutes); a lock keeps two runs from racing.
exec 9> "$cache.lock"
flock 9
if [ ! -f "$cache/.agiswarm-prepared" ]; then
	rm -rf "$cache" && mkdir -p "$cache" &&
	tar -xJf "$tarball" -C "$cache" --strip-components=1 >> "$log" 2>&1 &&
	make -C "$cache" ARCH=arm CROSS_COMPILE=$cross multi_v7_defconfig >> "$log" 2>&1 &&
	"$cache/scripts/config" --file "$cache/.config" -m NET_UDP_TUNNEL >> "$log" 2>&1 &&
	make -C "$cache" ARCH=arm CROSS_COMPILE=$cross olddefconfig >> "$log" 2>&1 &&
	make -C "$cache" ARCH=arm CROSS_COMPILE=$cross -j"$(nproc)" modules_prepare >> "$log" 2>&1 &&
	touch "$cache/.agiswarm-prepared" || {
		tap_result "agiswarm.ko for ARM: configuring linux-source-6.1 failed (see $log)" 1
		tail -n 20 "$log" | sed 's/^/# /'
		tap_skip "the module's symbols" "no configured tree"
		tap_end; exit; }
fi
# Out of tree, from a copy: the host's own objects in kmod/ stay.
src=$build/cross/kmod-arm
rm -rf "$src" && mkdir -p "$src" && cp -r "$top/kmod" "$top/include" "$src/" &&
	rm -f "$src"/kmod/*.o "$src"/kmod/*.ko "$src"/kmod/*.mod* "$src"/kmod/.*.cmd \
		"$src"/kmod/modules.order "$src"/kmod/Module.symvers
version=$(sed -n 's/^VERSION := //p' "$top/Makefile")
make -C "$cache" ARCH=arm CROSS_COMPILE=$cross M="$(realpath "$src/kmod")" W=1 \
	AGISWARM_VERSION="$version" modules > "$build/cross/kmod-arm.out" 2>&1
rc=$?
cat "$build/cross/kmod-arm.out" >> "$log"
# W=1 clean: nothing but kbuild's own lines, and modpost's notes that a
# modules_prepare tree has no Module.symvers (the symbols are checked below
# against the kernel's exports instead).
warnings=$(grep -v -E '^make|^  [A-Z]+( \[M\])? +|^WARNING: Module.symvers is missing|^ +Modules may not have dependencies|^ +You may get many unresolved|^WARNING: modpost: ("[^"]*" \[.*\] undefined!|suppressed [0-9]+ unresolved)' \
	"$build/cross/kmod-arm.out")
[ "$rc" = 0 ] && [ -z "$warnings" ] && file "$src/kmod/agiswarm.ko" | grep -q 'ELF 32-bit LSB relocatable, ARM'
tap_result "agiswarm.ko cross-built for 32-bit ARM (multi_v7_defconfig), W=1 without a warning" $?
[ -z "$warnings" ] || printf '%s\n' "$warnings" | head -n 30 | sed 's/^/# /'
[ "$rc" = 0 ] || tail -n 20 "$build/cross/kmod-arm.out" | sed 's/^/# /'
file "$src/kmod/agiswarm.ko" 2>&1 | sed 's/^/# /'

# Every symbol it needs is one the ARM kernel exports: no libgcc helper the
# kernel lacks (64-bit division: __aeabi_uldivmod, __udivdi3, ...).
exports=$cache/.agiswarm-exports
if [ ! -s "$exports" ]; then
	{ grep -rhoE --include='*.c' --include='*.S' --include='*.h' \
		'EXPORT_SYMBOL(_GPL|_NS|_NS_GPL)?\( *[A-Za-z0-9_]+' "$cache" |
		sed 's/.*( *//'
	  # made by DEFINE_BATCHED_ENTROPY(type) in drivers/char/random.c
	  grep -q 'EXPORT_SYMBOL(get_random_ ##type)' "$cache/drivers/char/random.c" &&
		printf 'get_random_%s\n' u8 u16 u32 u64
	} | sort -u > "$exports.tmp" && mv "$exports.tmp" "$exports"
fi
${cross}nm -u "$src/kmod/agiswarm.ko" | awk '{ print $2 }' | sort -u > "$build/cross/kmod-arm.undefined"
missing=$(comm -23 "$build/cross/kmod-arm.undefined" "$exports")
n=$(wc -l < "$build/cross/kmod-arm.undefined")
[ "$rc" = 0 ] && [ "$n" -gt 0 ] && [ -z "$missing" ]
tap_result "each of its $n undefined symbols is exported by the ARM kernel" $?
[ -z "$missing" ] || echo "$missing" | sed 's/^/# not exported: /'
tap_end
