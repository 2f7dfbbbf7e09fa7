#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# libagiplant as a user outside the tree gets it: `make install-agiplant`
# into a staging DESTDIR puts the archive, agiplant.h and agiplant.pc in
# place, and configs/plant_example.c builds from them with nothing but
# `pkg-config --cflags --libs agiplant` and runs (its usage error, with no
# arguments; the VM test runs it against the module).
#
#   AGICTL=build/agictl selftests/native/agiplant_install.sh

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/../lib/tap.sh"

command -v pkg-config >/dev/null || tap_skip_all "pkg-config is not installed"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
tap_begin 4

make -s -C "$top" --no-print-directory install-agiplant DESTDIR="$tmp/root" \
	PREFIX=/usr > "$tmp/out" 2>&1
rc=$?
sed 's/^/# /' "$tmp/out" | tail -n 5
[ $rc = 0 ] && [ -f "$tmp/root/usr/lib/libagiplant.a" ] &&
	[ -f "$tmp/root/usr/include/agiplant.h" ] &&
	[ -f "$tmp/root/usr/lib/pkgconfig/agiplant.pc" ]
tap_result "make install-agiplant: libagiplant.a, agiplant.h, agiplant.pc" $?

flags=$(PKG_CONFIG_LIBDIR="$tmp/root/usr/lib/pkgconfig" \
	PKG_CONFIG_SYSROOT_DIR="$tmp/root" pkg-config --cflags --libs agiplant)
echo "# pkg-config: $flags"
# shellcheck disable=SC2086 # the flags are words
cc -std=gnu11 -Wall -Wextra -Werror -o "$tmp/plant_example" \
	"$top/configs/plant_example.c" $flags > "$tmp/cc.out" 2>&1
rc=$?
sed 's/^/# /' "$tmp/cc.out" | head -n 10
tap_result "plant_example builds from the installed header and pkg-config" $rc

"$tmp/plant_example" > "$tmp/out" 2>&1
rc=$?
sed 's/^/# /' "$tmp/out"
[ $rc = 2 ] && grep -q '^Usage: plant_example LISTEN PSK' "$tmp/out"
tap_result "plant_example runs: usage, exit 2" $?

# The README's "Connecting a plant" shows the example's code: each of its
# C blocks must be in configs/plant_example.c, verbatim.
awk '/^## Connecting a plant/ { on = 1; next } on && /^## / { exit }
     on && /^```c$/ { n++; inb = 1; next } inb && /^```$/ { inb = 0; next }
     inb { print > (dir "/block" n) }' dir="$tmp" "$top/README.md"
rc=0
blocks=0
for b in "$tmp"/block*; do
	[ -f "$b" ] || continue
	blocks=$((blocks + 1))
	awk 'FNR == NR { want = want $0 "\n"; next } { have = have $0 "\n" }
	     END { exit !index(have, want) }' "$b" "$top/configs/plant_example.c" ||
		{ echo "# README block $b is not in plant_example.c:"; sed 's/^/#   /' "$b" | head -n 5; rc=1; }
done
echo "# $blocks C blocks in the README's section"
[ $blocks -ge 2 ] && [ $rc = 0 ]
tap_result "the README's example code is plant_example.c's, verbatim" $?
tap_end
