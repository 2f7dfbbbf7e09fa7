#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The OpenWrt package (configs/packaging/openwrt/agiswarm, staged by
# `make openwrt` into BUILD/openwrt with its source tarball) is one a feed
# can take: the version is filled in, the tarball unpacks to
# agiswarm-VERSION with everything Build/Compile and Package/install use,
# the make targets it calls exist there, the procd init script is valid
# sh and runs agiswarmd on /etc/agiswarm, and every library agictl and
# agiswarmd link is a DEPENDS of the package (a library added to the build
# without the package knowing fails here); the same for libagiplant and
# libagiplant.so.0, whose make targets exist too. The cross builds it relies on
# (the module for ARM, userspace for ARM and MIPS) are make cross-check's.
#
#   AGICTL=build/agictl selftests/native/openwrt_package.sh

set -uo pipefail
AGICTL=${AGICTL:-build/agictl}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/../lib/tap.sh"

build=$(dirname "$AGICTL")
version=$(sed -n 's/^VERSION := //p' "$top/Makefile")
pkg=$build/openwrt/agiswarm
tarball=$build/openwrt/agiswarm-$version.tar.gz
[ -f "$pkg/Makefile" ] && [ -f "$tarball" ] || tap_skip_all "make openwrt has not run"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
tap_begin 7

grep -q "^PKG_VERSION:=$version\$" "$pkg/Makefile" && ! grep -q '@VERSION@' "$pkg/Makefile" &&
	grep -q '^\$(eval \$(call KernelPackage,agiswarm))' "$pkg/Makefile" &&
	grep -q '^\$(eval \$(call BuildPackage,agiswarm))' "$pkg/Makefile" &&
	grep -q '^\$(eval \$(call BuildPackage,libagiplant))' "$pkg/Makefile"
tap_result "the package Makefile defines kmod-agiswarm, agiswarm and libagiplant, version $version" $?

tar -xzf "$tarball" -C "$tmp" &&
	for f in kmod/Kbuild kmod/main.c include/core/fixed.c include/uapi/linux/agiswarm.h \
		configs/app_config.yaml configs/swarm_matrix.json LICENSE Makefile; do
		[ -f "$tmp/agiswarm-$version/$f" ] || { echo "# missing $f"; false; } || exit 1
	done
tap_result "the source tarball unpacks to agiswarm-$version with what the package uses" $?

targets=$(sed -n '/^define Build\/Compile$/,/^endef/p' "$pkg/Makefile" | tr '\\\n' '  ' |
	grep -o 'build/[a-z/]*[a-z.0-9]*')
make -n -C "$tmp/agiswarm-$version" $targets > "$tmp/make.out" 2>&1
rc=$?
tap_result "its Build/Compile targets ($(echo $targets)) exist" $rc
tail -n 3 "$tmp/make.out" | sed 's/^/# /'
make -n -C "$tmp/agiswarm-$version" install-agiplant DESTDIR=/x PREFIX=/usr \
	PYTHONDIR=/usr/lib/python3/dist-packages AGIPLANT_PY_LIBRARY= > "$tmp/make.out" 2>&1
tap_result "its Build/InstallDev target (install-agiplant) exists" $?

init=$pkg/files/agiswarmd.init
sh -n "$init" && grep -q '^USE_PROCD=1' "$init" &&
	grep -q 'procd_set_param command /usr/sbin/agiswarmd --config "\$CONFIG"' "$init" &&
	grep -q '^CONFIG=/etc/agiswarm/app_config.yaml' "$init"
tap_result "the procd init script runs agiswarmd on /etc/agiswarm/app_config.yaml" $?

# covers PACKAGE BINARY...: every library the BINARYs link (NEEDED) is a
# DEPENDS of PACKAGE (libc, libm and libpthread are musl's).
covers()
{
	local pkgname=$1 deps lib want missing=
	shift
	deps=$(sed -n "/^define Package\/$pkgname\$/,/^endef/p" "$pkg/Makefile" | tr -d '\\\n')
	for lib in $(objdump -p "$@" | awk '$1 == "NEEDED" { print $2 }' | sort -u); do
		case $lib in
		libc.so*|libm.so*|libpthread.so*|ld-linux*) continue ;;
		libmnl.so*) want=libmnl ;;
		libsodium.so*) want=libsodium ;;
		libyaml-0.so*) want=libyaml ;;
		libjansson.so*) want=jansson ;;
		libuv.so*) want=libuv ;;
		libmicrohttpd.so*) want=libmicrohttpd-no-ssl ;;
		libraft.so*) want=libraft ;;
		*) want="?$lib" ;;
		esac
		case " $deps " in *"+$want "*|*"+$want	"*) ;; *) missing="$missing $lib($want)" ;; esac
	done
	[ -z "$missing" ] || echo "# not in $pkgname's DEPENDS:$missing"
	[ -z "$missing" ]
}

covers agiswarm "$build/agictl" "$build/agiswarmd"
tap_result "agiswarm's DEPENDS covers every library the programs link" $?
covers libagiplant "$build/pic/libagiplant.so.0"
tap_result "libagiplant's DEPENDS covers every library libagiplant.so.0 links" $?
tap_end
