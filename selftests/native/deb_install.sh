#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The .deb from `make deb` installed into a clean Debian 12 chroot (a fresh
# copy of a debootstrap --variant=minbase tree, cached in
# $AGISWARM_CACHE/debian-bookworm-minbase; made once when debootstrap is
# installed): apt-get pulls its Depends from the archive, and inside the
# chroot agictl -V and agiswarmd --check-config on the packaged
# configuration work, the unit and man pages are in place, the
# configuration is a conffile, and a purge leaves none of the programs.
# The agiswarm-dkms package is checked for its contents and scripts here
# (its dkms build: dkms_build.sh); DEB_INSTALL_DKMS=1 installs it in the
# chroot too (that pulls dkms and a compiler: slow). libagiplant0,
# libagiplant-dev and python3-agiplant install there with python3 and
# pkg-config: the shared library is registered under its soname,
# `pkg-config --cflags --libs agiplant` works, the example plant built from
# the installed header and archive (with the flags of the installed
# agiplant.pc) runs there, and `import agiplant` loads the installed
# libagiplant.so.0 and gets the same answer from it as the C plant.
#
#   AGICTL=build/agictl selftests/native/deb_install.sh

set -uo pipefail
AGICTL=${AGICTL:-build/agictl}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/../lib/tap.sh"

build=$(dirname "$AGICTL")
version=$(sed -n 's/^VERSION := //p' "$top/Makefile")
cache=${AGISWARM_CACHE:-/var/cache/agiswarm}
base=$cache/debian-bookworm-minbase
deb=$(ls "$build"/deb/agiswarm_"$version"_*.deb 2>/dev/null | head -n 1)
dkmsdeb=$build/deb/agiswarm-dkms_${version}_all.deb
plantdebs="libagiplant0_${version}_$(dpkg --print-architecture).deb
libagiplant-dev_${version}_$(dpkg --print-architecture).deb python3-agiplant_${version}_all.deb"
multiarch=$(gcc -print-multiarch)

[ -n "$deb" ] && [ -f "$dkmsdeb" ] || tap_skip_all "no packages in $build/deb (make deb)"
[ "$(id -u)" = 0 ] || tap_skip_all "a chroot needs root"
if [ ! -f "$base/.agiswarm-ready" ]; then
	command -v debootstrap >/dev/null || tap_skip_all "no Debian chroot in $base and no debootstrap to make one"
	mkdir -p "$cache"
	exec 9> "$base.lock"
	flock 9
	if [ ! -f "$base/.agiswarm-ready" ]; then
		rm -rf "$base.tmp"
		debootstrap --variant=minbase bookworm "$base.tmp" http://deb.debian.org/debian \
			> "$cache/debootstrap.log" 2>&1 ||
			tap_skip_all "debootstrap failed (no network?), see $cache/debootstrap.log"
		rm -rf "$base" && mv "$base.tmp" "$base" && touch "$base/.agiswarm-ready"
	fi
fi

tmp=$(mktemp -d) || exit 1
root=$tmp/root
trap 'rm -rf "$tmp"' EXIT
tap_begin 16

# in_root CMD...: CMD inside the chroot, output kept in $tmp/out.
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	DEBIAN_FRONTEND=noninteractive "$@" > "$tmp/out" 2>&1; }
show() { sed 's/^/# /' "$tmp/out" | tail -n "${1:-15}"; }

cp -a "$base" "$root" && cp "$deb" "$dkmsdeb" "$root/tmp/" &&
	for p in $plantdebs; do cp "$build/deb/$p" "$root/tmp/" || exit 1; done
tap_result "a fresh copy of the clean Debian chroot" $?

in_root apt-get update -q
rc=$?
[ "$rc" = 0 ] || { show; tap_skip_all "apt-get update failed in the chroot (no network?)"; }
in_root apt-get install -y -q --no-install-recommends "/tmp/${deb##*/}"
tap_result "apt-get installs ${deb##*/} with its Depends" $?
show 5

in_root agictl -V
tap_result "agictl -V in the chroot says $version" $(grep -q "$version" "$tmp/out"; echo $?)
show 3
in_root agiswarmd -V
tap_result "agiswarmd -V in the chroot says $version" $(grep -q "$version" "$tmp/out"; echo $?)
in_root agiswarmd --check-config --config /etc/agiswarm/app_config.yaml
rc=$?
tap_result "agiswarmd --check-config accepts the packaged configuration" $rc
[ "$rc" = 0 ] || show

test -f "$root/lib/systemd/system/agiswarmd.service" &&
	grep -q '^ExecStart=/usr/sbin/agiswarmd' "$root/lib/systemd/system/agiswarmd.service" &&
	test -f "$root/usr/share/man/man8/agictl.8.gz" &&
	test -f "$root/usr/share/man/man8/agiswarmd.8.gz" &&
	test -f "$root/usr/share/agiswarm/wireshark/agiswarm.lua"
tap_result "the systemd unit (ExecStart=/usr/sbin/agiswarmd), man pages and dissector are installed" $?

in_root dpkg-query -W -f='${Conffiles}\n' agiswarm
grep -q '/etc/agiswarm/app_config.yaml' "$tmp/out"
tap_result "/etc/agiswarm/app_config.yaml is a conffile" $?

# --- libagiplant: the library, its development files, the Python module -----
in_root apt-get install -y -q --no-install-recommends pkg-config \
	$(for p in $plantdebs; do echo "/tmp/$p"; done)
tap_result "apt-get installs libagiplant0, libagiplant-dev, python3-agiplant (python3 from the archive)" $?
show 5

lib=$root/usr/lib/$multiarch/libagiplant.so.0
soname=$(objdump -p "$lib" 2>/dev/null | awk '$1 == "SONAME" { print $2 }')
in_root ldconfig -p
[ "$soname" = libagiplant.so.0 ] && grep -q "libagiplant.so.0 .*=> \(/usr\)\?/lib/$multiarch/libagiplant.so.0$" "$tmp/out"
tap_result "libagiplant.so.0 (soname $soname) in /usr/lib/$multiarch, known to ld.so's cache" $?
grep libagiplant "$tmp/out" | sed 's/^[[:space:]]*/# ldconfig -p: /'

in_root pkg-config --cflags --libs agiplant
libs=$(cat "$tmp/out")
in_root pkg-config --modversion agiplant
echo "# pkg-config --cflags --libs agiplant: $libs"
[ "$(cat "$tmp/out")" = "$version" ] && case " $libs " in *" -lagiplant "*) true ;; *) false ;; esac &&
	test -f "$root/usr/include/agiplant.h" && test -f "$root/usr/lib/$multiarch/libagiplant.a"
tap_result "pkg-config --cflags --libs agiplant works in the chroot (version $version)" $?

# The example plant, compiled here by the host's compiler but against the
# chroot's installed header and archive, with the chroot's agiplant.pc
# flags, and run there: with a PSK file that is not there, the library's
# own message.
flags=$(PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_LIBDIR=$root/usr/lib/$multiarch/pkgconfig \
	pkg-config --cflags --libs agiplant) &&
	gcc -std=gnu11 -Wall -Wextra -Werror -o "$root/tmp/plant_example" \
		"$top/configs/plant_example.c" $flags > "$tmp/cc.out" 2>&1
rc=$?
in_root /tmp/plant_example 127.0.0.1:0 /tmp/missing.psk /tmp/missing.pub 1 127.0.0.1:1 /tmp/missing.pub
c_msg=$(sed -n 's/^plant_example: //p' "$tmp/out")
echo "# plant_example: $c_msg"
[ "$rc" = 0 ] && [ -n "$c_msg" ] && case $c_msg in *missing*) true ;; *) false ;; esac
tap_result "the example plant builds from the installed header, archive and agiplant.pc and runs" $?
[ "$rc" = 0 ] || sed 's/^/# /' "$tmp/cc.out"

in_root python3 -c '
import agiplant
try:
    agiplant.Plant("127.0.0.1:0", [("127.0.0.1:1", "/tmp/missing.pub")],
                   psk_file="/tmp/missing.psk", key_file="/tmp/missing.pub")
except agiplant.AgiplantError as e:
    print(e.strerror)'
py_msg=$(cat "$tmp/out")
echo "# python3: $py_msg"
[ -n "$py_msg" ] && [ "$py_msg" = "$c_msg" ]
tap_result "python3: import agiplant loads the installed libagiplant.so.0, which answers as in C" $?

in_root dpkg --purge agiswarm python3-agiplant libagiplant-dev libagiplant0
[ ! -e "$root/usr/sbin/agictl" ] && [ ! -e "$root/usr/sbin/agiswarmd" ] &&
	[ ! -e "$root/etc/agiswarm/app_config.yaml" ] && [ ! -e "$lib" ] &&
	[ ! -e "$root/usr/lib/python3/dist-packages/agiplant.py" ] &&
	[ ! -e "$root/usr/lib/$multiarch/pkgconfig/agiplant.pc" ]
tap_result "dpkg --purge removes the programs, the configuration and libagiplant's files" $?
in_root ldconfig -p
grep -q 'libc.so.6 ' "$tmp/out" && ! grep -q libagiplant "$tmp/out"
tap_result "after the purge ld.so's cache has no libagiplant (the ldconfig trigger ran)" $?

dpkg-deb -c "$dkmsdeb" > "$tmp/dkms.list" &&
	grep -q "usr/src/agiswarm-$version/dkms.conf" "$tmp/dkms.list" &&
	grep -q "usr/src/agiswarm-$version/kmod/Kbuild" "$tmp/dkms.list" &&
	grep -q "usr/src/agiswarm-$version/include/core/fixed.c" "$tmp/dkms.list" &&
	! grep -q '\.mod\.c$\|\.o$\|\.ko$' "$tmp/dkms.list" &&
	dpkg-deb -e "$dkmsdeb" "$tmp/ctl" && sh -n "$tmp/ctl/postinst" && sh -n "$tmp/ctl/prerm" &&
	grep -q "dkms build -m agiswarm -v $version" "$tmp/ctl/postinst"
tap_result "agiswarm-dkms holds the module's source, dkms.conf and scripts that build it" $?

if [ "${DEB_INSTALL_DKMS:-0}" = 1 ]; then
	in_root apt-get install -y -q --no-install-recommends "/tmp/${dkmsdeb##*/}"
	rc=$?
	[ "$rc" = 0 ] && test -f "$root/usr/src/agiswarm-$version/dkms.conf"
	tap_result "apt-get installs agiswarm-dkms (dkms registers it)" $?
	show 8
else
	tap_skip "apt-get installs agiswarm-dkms" "DEB_INSTALL_DKMS=1 (pulls dkms and gcc)"
fi
tap_end
