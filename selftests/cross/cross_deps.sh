#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# cross_deps.sh STATUS TRIPLE...: the libraries userspace links (the -dev
# packages of CROSS_LIB_DEBS: libsodium, libcbor, libyaml, libmnl, ...)
# installed from Debian's archive for each triple's Debian architecture,
# side by side with the host's (multiarch: dpkg --add-architecture ARCH,
# then apt-get install PKG:ARCH). Only make cross-check runs this.
#
# An architecture the archive does not carry cannot be installed from it:
# the suite's Release file (apt's lists) names the architectures it has,
# and Debian 12 has no big-endian "mips" port (mipsel and mips64el only).
# STATUS gets one line per triple:
#
#   TRIPLE ARCH ready
#   TRIPLE ARCH unavailable WHY...
#   TRIPLE ARCH failed WHY...
set -uo pipefail

status=$1
shift
debs=${CROSS_LIB_DEBS:-libsodium-dev libcbor-dev libyaml-dev libmnl-dev libjansson-dev libuv1-dev libmicrohttpd-dev libraft-dev}
log=${status%/*}/cross-deps.log
. /etc/os-release
codename=${VERSION_CODENAME:-bookworm}
native=$(dpkg --print-architecture)
export DEBIAN_FRONTEND=noninteractive
: > "$status"
: > "$log"

# The architectures the suite's Release lists (apt-get update once if apt
# has no lists yet).
release=$(ls /var/lib/apt/lists/*_dists_"${codename}"_InRelease \
	/var/lib/apt/lists/*_dists_"${codename}"_Release 2>/dev/null | head -n 1)
if [ -z "$release" ]; then
	apt-get update -q >> "$log" 2>&1
	release=$(ls /var/lib/apt/lists/*_dists_"${codename}"_InRelease \
		/var/lib/apt/lists/*_dists_"${codename}"_Release 2>/dev/null | head -n 1)
fi
archs=$(sed -n 's/^Architectures: //p' "$release" 2>/dev/null | head -n 1)

for t in "$@"; do
	arch=$(dpkg-architecture -t "$t" -qDEB_HOST_ARCH 2>/dev/null)
	if [ -z "$arch" ]; then
		echo "$t - failed dpkg-architecture knows no Debian architecture for $t" >> "$status"
		continue
	fi
	if [ -z "$archs" ]; then
		echo "$t $arch failed no Release file of $codename in /var/lib/apt/lists (apt-get update failed: see $log)" >> "$status"
		continue
	fi
	case " $archs " in
	*" $arch "*) ;;
	*)
		echo "$t $arch unavailable Debian ${VERSION_ID:-12} ($codename) has no $arch port: its archive's Release lists $archs, so libsodium, libcbor, libyaml for $arch cannot be installed from it" >> "$status"
		continue ;;
	esac
	if [ "$arch" != "$native" ] &&
	   ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
		echo "  DEPS     dpkg --add-architecture $arch"
		dpkg --add-architecture "$arch" && apt-get update -q >> "$log" 2>&1 || {
			echo "$t $arch failed dpkg --add-architecture $arch or apt-get update failed: see $log" >> "$status"
			continue
		}
	fi
	missing=
	for p in $debs; do
		dpkg-query -W -f='${Status}\n' "$p:$arch" 2>/dev/null |
			grep -q '^install ok installed' || missing="$missing $p:$arch"
	done
	if [ -n "$missing" ]; then
		echo "  DEPS     installing:$missing"
		apt-get install -y -q --no-install-recommends $missing >> "$log" 2>&1 || {
			echo "$t $arch failed apt-get install$missing failed: see $log" >> "$status"
			continue
		}
	fi
	echo "$t $arch ready" >> "$status"
done
