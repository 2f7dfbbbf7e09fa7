#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# userspace.sh BUILD_DIR: every userspace source (include/user, cli,
# daemon) compiles with the project's strict warnings (-Werror) for each
# cross triple of CROSS_TRIPLES: 32-bit and big-endian clean at the C
# level (format widths, size_t, 64-bit arithmetic). Linking agictl and
# agiswarmd for a router needs that target's libmnl, libsodium, libyaml,
# jansson, libuv and libmicrohttpd (an OpenWrt SDK builds them:
# configs/packaging/openwrt); Debian has no mips packages of them, so the
# third-party headers here are the host's (they are not per architecture).
# Prints TAP, one point per triple.
set -uo pipefail

build=${1:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
triples=${CROSS_TRIPLES:-arm-linux-gnueabihf mips-linux-gnu}
. "$top/selftests/lib/tap.sh"
version=$(sed -n 's/^VERSION := //p' "$top/Makefile")

set -- $triples
tap_begin $#
cd "$top" || exit 1
for t in "$@"; do
	if ! command -v "$t-gcc" >/dev/null; then
		tap_skip "$t: userspace compiles -Werror" "$t-gcc is not installed"
		continue
	fi
	out=$build/cross/$t/user
	mkdir -p "$out"
	failed=0 n=0
	for src in include/user/*.c cli/*.c daemon/*.c; do
		n=$((n + 1))
		obj=$out/$(echo "${src%.c}" | tr / _).o
		"$t-gcc" -std=gnu11 -O2 -Wall -Wextra -Werror -Wshadow \
			-Wstrict-prototypes -Wmissing-prototypes \
			-Wno-missing-field-initializers -Iinclude -D_GNU_SOURCE \
			-DAGISWARM_VERSION="\"$version\"" -idirafter /usr/include \
			-c -o "$obj" "$src" > "$out/err" 2>&1 || {
			failed=$((failed + 1)); sed 's/^/# /' "$out/err" | head -n 10; }
	done
	tap_result "$t: all $n userspace sources compile -Werror ($failed failed)" $failed
done
tap_end
