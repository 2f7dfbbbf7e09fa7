#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Python module (include/user/python/agiplant.py) on the host, over the
# shared libagiplant.so.0 and Debian's python3: conversions against the
# core's parser (agictl fixed from), the library's errors as exceptions,
# select() on fileno(), and `make install-agiplant`'s module
# (agiplant_python.py prints the TAP).
#
#   AGICTL=build/agictl selftests/native/agiplant_python.sh

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/../lib/tap.sh"

PYTHON3=/usr/bin/python3	# Debian's: what `make install` installs for
AGICTL=$(realpath -m "${AGICTL:-$top/build/agictl}")
lib=$(dirname "$AGICTL")/pic/libagiplant.so.0
if ! "$PYTHON3" -c 'import ctypes' 2>/dev/null; then
	tap_skip_all "Debian's python3 with ctypes is not installed (make deps)"
fi
[ -x "$AGICTL" ] || tap_skip_all "$AGICTL is not built"
[ -f "$lib" ] || tap_skip_all "$lib is not built (make)"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/keys/agg" "$tmp/keys/plant"
for k in agg plant; do
	"$AGICTL" keygen --node --output "$tmp/keys/$k" > /dev/null || exit 1
done
"$AGICTL" keygen --psk --output "$tmp/keys" > /dev/null || exit 1
# Into Debian's own layout (staged), and into a prefix where it can load.
for args in "DESTDIR=$tmp/root PREFIX=/usr" "PREFIX=$tmp/prefix"; do
	# shellcheck disable=SC2086 # the assignments are words
	make -s -C "$top" --no-print-directory install-agiplant $args \
		> "$tmp/install.out" 2>&1 || sed 's/^/# /' "$tmp/install.out"
done

AGICTL=$AGICTL AGIPLANT_LIBRARY=$lib PYTHONPATH=$top/include/user/python \
	AGIPLANT_INSTALLED=$tmp/root/usr/lib/python3/dist-packages/agiplant.py \
	AGIPLANT_PREFIX=$tmp/prefix \
	"$PYTHON3" -B -s "$here/agiplant_python.py" "$tmp/keys"
