#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# deb_depends.sh BINARY...: a Debian Depends line for the shared libraries
# the binaries link directly (their DT_NEEDED entries, located through ldd
# and mapped to the installed packages that ship them), e.g.
# "libc6, libjansson4, libmnl0, libsodium23". Used by `make deb`.
set -e
for bin in "$@"; do
	needed=$(objdump -p "$bin" | awk '$1 == "NEEDED" { print $2 }')
	ldd "$bin" | awk -v needed=" $(echo $needed) " \
		'$2 == "=>" && index(needed, " " $1 " ") { print $3 }'
done | sort -u | while read -r lib; do
	dpkg -S "$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")" 2>/dev/null || true
done | sed 's/:.*//' | sort -u | paste -sd, | sed 's/,/, /g'
