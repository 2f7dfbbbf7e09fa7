#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS builds agiswarm.ko from the staged source tree (make dkms-source,
# the tree the agiswarm-dkms package ships in /usr/src) against the
# installed kernel headers, and installs it: dkms add, build and install,
# with a private dkms tree, source tree and install tree, so the host's
# /var/lib/dkms and /lib/modules are not touched (dkms may create its
# signing key, /var/lib/dkms/mok.key, once). The module it built has the
# package's version and the headers' vermagic.
#
#   AGICTL=build/agictl selftests/native/dkms_build.sh

set -uo pipefail
AGICTL=${AGICTL:-build/agictl}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/../lib/tap.sh"

build=$(dirname "$AGICTL")
version=$(sed -n 's/^VERSION := //p' "$top/Makefile")
src=$build/pkg/dkms/usr/src/agiswarm-$version
kdir=$(ls -d /lib/modules/*-cloud-amd64/build 2>/dev/null | head -n 1)
[ -e "/lib/modules/$(uname -r)/build" ] && kdir=/lib/modules/$(uname -r)/build
kver=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$kdir/include/generated/utsrelease.h" 2>/dev/null)

command -v dkms >/dev/null || tap_skip_all "dkms is not installed"
[ -f "$src/dkms.conf" ] || tap_skip_all "$src is not staged (make dkms-source)"
[ -n "$kver" ] || tap_skip_all "no kernel headers"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
tap_begin 4
mkdir -p "$tmp/src" "$tmp/tree" "$tmp/install/$kver"
cp -r "$src" "$tmp/src/"
opts=(--dkmstree "$tmp/tree" --sourcetree "$tmp/src" --installtree "$tmp/install")

dkms add "${opts[@]}" -m agiswarm -v "$version" > "$tmp/out" 2>&1
tap_result "dkms add agiswarm/$version" $?
sed 's/^/# /' "$tmp/out" | tail -n 3
dkms build "${opts[@]}" -m agiswarm -v "$version" -k "$kver" > "$tmp/out" 2>&1
rc=$?
tap_result "dkms build for $kver" $rc
[ "$rc" = 0 ] || { sed 's/^/# /' "$tmp/out" | tail -n 20;
	sed 's/^/# /' "$tmp/tree/agiswarm/$version/build/make.log" 2>/dev/null | tail -n 20; }
dkms install "${opts[@]}" -m agiswarm -v "$version" -k "$kver" --no-depmod > "$tmp/out" 2>&1
ko=$(find "$tmp/install/$kver" -name 'agiswarm.ko*' | head -n 1)
[ -n "$ko" ]
tap_result "dkms install puts it in updates/dkms (${ko#$tmp/install/})" $?
sed 's/^/# /' "$tmp/out" | tail -n 3
v=$(modinfo -F version "$ko" 2>/dev/null)
magic=$(modinfo -F vermagic "$ko" 2>/dev/null)
[ "$v" = "$version" ] && [ "${magic%% *}" = "$kver" ]
tap_result "the module is version $v for ${magic%% *}" $?
tap_end
