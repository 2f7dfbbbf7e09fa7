#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitrd.sh: build the test VM's initramfs, OUT/initrd.gz (staged in
# OUT/root and removed when done: `zcat OUT/initrd.gz | cpio -t` lists it).
#
#   mkinitrd.sh --out DIR --kver KVER --ko agiswarm.ko --tests-list FILE
#               [--gen-dir DIR] [--bin FILE]... [--modules "NAME..."]
#               [--kdir DIR] [--env NAME=VALUE]...
#               [--lib FILE]... [--python-module FILE]... [--python-script FILE]...
#
# --kdir is a kernel build tree with everything the tests need built in (the
# debug kernel, selftests/vm/debug.mk): the image then carries no kernel
# module but agiswarm.ko, and the tree's modules.builtin stand in for the
# installed ones of /lib/modules/KVER. --env lines end up in
# /etc/agiswarm/env, which init.sh sources.
#
# --lib puts a shared library into /usr/lib (found by the loader, as an
# installed one). --python-module and --python-script bring Debian's python3
# (/usr/bin/python3, python3-minimal's interpreter) with exactly the
# standard-library files that starting it and importing what they import
# loads on the host (and their compiled .pyc); modules go to
# /usr/lib/python3/dist-packages, as `make install PREFIX=/usr` puts them.
#
# The tree (everything runs from RAM: the cloud kernel has no 9p):
#   /init                       selftests/vm/init.sh
#   /bin/busybox + applets      busybox-static, one symlink per applet
#   /bin/bash, /usr/sbin/{ip,tc,nft}, /usr/bin/jq
#                               the real tools (busybox's lack netns, veth
#                               peers, nftables, jq), with every library ldd
#                               lists and the loader
#   /lib/modules/KVER           --modules and agiswarm.ko's dependencies, all
#                               with their own, agiswarm.ko in extra/, depmod'ed
#   /agiswarm/                  the repository's layout: selftests/ (scripts,
#                               compiled tests, settings, lib/*.sh, golden/,
#                               tests.list, vm/run-tests.sh, fuzz/corpus/),
#                               netns/, configs/, include/uapi/ (the
#                               fuzzers' seeds and names), kmod/agiswarm.ko,
#                               build/<each --bin>
#   /etc/agiswarm/modules       what init loads at boot
#   /etc/agiswarm/env           --env, as shell assignments
#   /usr/lib/<each --lib>, /usr/bin/python3 and its modules
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
out='' kver='' ko='' list='' gen_dir=''
bins=()
envs=()
libs=()
py_modules=()
py_scripts=()
modules=
kdir=
while [ $# -gt 0 ]; do
	case $1 in
	--kdir) kdir=$2 ;;
	--env) envs+=("$2") ;;
	--out) out=$2 ;;
	--kver) kver=$2 ;;
	--ko) ko=$2 ;;
	--tests-list) list=$2 ;;
	--gen-dir) gen_dir=$2 ;;
	--bin) bins+=("$2") ;;
	--lib) libs+=("$2") ;;
	--python-module) py_modules+=("$2") ;;
	--python-script) py_scripts+=("$2") ;;
	--modules) modules=$2 ;;
	*) echo "mkinitrd.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
	shift 2
done
for need in out kver ko list; do
	if [ -z "${!need}" ]; then
		echo "mkinitrd.sh: --${need/list/tests-list} is required" >&2
		exit 2
	fi
done
[ -f "$ko" ] || { echo "mkinitrd.sh: no module at '$ko' (make module)" >&2; exit 1; }
host_mods=/lib/modules/$kver
if [ -n "$kdir" ]; then
	[ -f "$kdir/modules.builtin" ] || {
		echo "mkinitrd.sh: $kdir is no built kernel tree (no modules.builtin)" >&2
		exit 1
	}
elif [ ! -d "$host_mods/kernel" ]; then
	echo "mkinitrd.sh: no $host_mods/kernel (install linux-image-$kver)" >&2
	exit 1
fi

# The top Makefile includes every *.d under build/: leave no /etc/*.d there,
# even when this fails half-way.
stage=$out/root
rm -rf "$stage"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,usr/lib,usr/lib64,etc/agiswarm} \
	"$stage"/{dev,proc,sys,tmp,run,root,var} "$stage"/agiswarm/{build,kmod,selftests/vm}
ln -s usr/lib "$stage/lib"
ln -s usr/lib64 "$stage/lib64"
ln -s ../run "$stage/var/run"

# copy_libs FILE: the shared libraries and loader FILE needs, at the paths
# ldd resolved them to (ldd lists the whole closure).
copy_libs()
{
	local deps lib
	deps=$(ldd "$1" 2>/dev/null) || return 0	# static
	if grep -q 'not found' <<< "$deps"; then
		echo "mkinitrd.sh: $1 has unresolved libraries:" >&2
		grep 'not found' <<< "$deps" >&2
		exit 1
	fi
	for lib in $(awk '$2 == "=>" && $3 ~ /^\// { print $3 }
			  $1 ~ /^\// { print $1 }' <<< "$deps"); do
		[ -e "$stage$lib" ] && continue
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
	done
}

# install_bin FILE DEST: FILE at DEST in the image, with its libraries.
install_bin()
{
	install -D -m 0755 "$1" "$stage$2"
	copy_libs "$1"
}

host_tool()
{
	PATH=/usr/sbin:/usr/bin:/sbin:/bin command -v "$1" || {
		echo "mkinitrd.sh: '$1' is not installed (make deps)" >&2
		exit 1
	}
}

# --- userland -----------------------------------------------------------
install_bin "$(host_tool bash)" /bin/bash
install_bin "$(host_tool ip)" /usr/sbin/ip
install_bin "$(host_tool tc)" /usr/sbin/tc
install_bin "$(host_tool nft)" /usr/sbin/nft
install_bin "$(host_tool jq)" /usr/bin/jq
real_tools=" bash ip tc nft jq "
[ -d /usr/lib/x86_64-linux-gnu/tc ] &&	# netem delay distributions
	cp -a /usr/lib/x86_64-linux-gnu/tc "$stage/usr/lib/x86_64-linux-gnu/"
[ -d /etc/iproute2 ] && cp -a /etc/iproute2 "$stage/etc/"
for f in /etc/protocols /etc/services; do
	[ -f "$f" ] && cp "$f" "$stage/etc/"
done
echo 'root:x:0:0:root:/root:/bin/sh' > "$stage/etc/passwd"
echo 'root:x:0:' > "$stage/etc/group"

busybox=$(host_tool busybox)
install_bin "$busybox" /bin/busybox
# Never link busybox to itself: the kernel then fails to exec /init (-40).
for applet in $("$busybox" --list-full); do
	name=${applet##*/}
	[ "$name" = busybox ] && continue
	[[ $real_tools == *" $name "* ]] && continue
	[ -e "$stage/$applet" ] || [ -L "$stage/$applet" ] && continue
	mkdir -p "$stage/$(dirname "$applet")"
	ln -s /bin/busybox "$stage/$applet"
done

# --- kernel modules -----------------------------------------------------
kmods=$out/kmods
mkdir -p "$stage$host_mods/extra"
ko_deps=$(modinfo -F depends "$ko" | tr ',' ' ')
: > "$kmods"
if [ -n "$kdir" ] && [ -n "$modules$ko_deps" ]; then
	echo "mkinitrd.sh: $kdir has no loadable modules, but the image would" \
	     "need: $modules $ko_deps (build them in: configs/debug-kernel.config)" >&2
	exit 1
fi
for m in $modules $ko_deps; do
	if ! deps=$(modprobe -S "$kver" --show-depends "$m" 2>&1); then
		echo "mkinitrd.sh: kernel module '$m' not found for $kver:" >&2
		echo "$deps" >&2
		exit 1
	fi
	awk '$1 == "insmod" { print $2 }' <<< "$deps" >> "$kmods"
done
for path in $(sort -u "$kmods"); do
	mkdir -p "$stage$(dirname "$path")"
	cp "$path" "$stage$path"
done
for f in modules.order modules.builtin modules.builtin.modinfo; do
	from=${kdir:-$host_mods}/$f
	[ -f "$from" ] && cp "$from" "$stage$host_mods/"
done
cp "$ko" "$stage$host_mods/extra/agiswarm.ko"
depmod -b "$stage" "$kver"
ln -s "$host_mods/extra/agiswarm.ko" "$stage/agiswarm/kmod/agiswarm.ko"
printf '%s\n' $modules $ko_deps > "$stage/etc/agiswarm/modules"
for e in ${envs[@]+"${envs[@]}"}; do
	[[ $e =~ ^[A-Za-z_][A-Za-z0-9_]*=[A-Za-z0-9_./:-]*$ ]] || {
		echo "mkinitrd.sh: bad --env '$e' (NAME=VALUE, plain characters)" >&2
		exit 2
	}
	echo "export $e"
done > "$stage/etc/agiswarm/env"

# --- the project --------------------------------------------------------
for b in "${bins[@]}"; do
	install_bin "$b" "/agiswarm/build/${b##*/}"
	ln -s "/agiswarm/build/${b##*/}" "$stage/usr/bin/${b##*/}"
done
for l in ${libs[@]+"${libs[@]}"}; do
	install -m 0755 "$l" "$stage/usr/lib/${l##*/}"
	copy_libs "$l"
done
if [ $(( ${#py_modules[@]} + ${#py_scripts[@]} )) -gt 0 ]; then
	python=$(readlink -f /usr/bin/python3) || {
		echo "mkinitrd.sh: Debian's python3 is not installed (make deps)" >&2
		exit 1
	}
	install_bin "$python" "$python"
	ln -s "${python##*/}" "$stage/usr/bin/python3"
	mkdir -p "$stage/usr/lib/python3/dist-packages"
	for m in ${py_modules[@]+"${py_modules[@]}"}; do
		install -m 0644 "$m" "$stage/usr/lib/python3/dist-packages/"
	done
	# Each file's top level runs under another __name__ (so no main());
	# every file the interpreter loaded from its standard library is
	# the closure, no dist-packages of the host's.
	# shellcheck disable=SC2016 # Python, not shell
	stdlib=$(/usr/bin/python3 -B -E -c '
import os, sys
files = sys.argv[1:]
sys.path[:0] = sorted({f.rsplit("/", 1)[0] for f in files})
for f in files:
    with open(f) as src:
        exec(compile(src.read(), f, "exec"), {"__name__": "__mkinitrd__"})
lib = os.path.dirname(os.__file__) + "/"
for m in list(sys.modules.values()):
    f = getattr(m, "__file__", None) or ""
    if f.startswith(lib) and "-packages/" not in f:
        print(f)
        if f.endswith(".py"):
            import importlib.util
            print(importlib.util.cache_from_source(f))
' "${py_modules[@]}" "${py_scripts[@]}") || {
		echo "mkinitrd.sh: importing ${py_modules[*]} ${py_scripts[*]} failed" >&2
		exit 1
	}
	for f in $(sort -u <<< "$stdlib"); do
		[ -f "$f" ] || continue		# a .pyc not compiled
		install -D -m 0644 "$f" "$stage$f"
		[[ $f == *.so ]] && copy_libs "$f"
	done
fi
cp "$top"/selftests/*.sh "$top"/selftests/*.py "$top/selftests/settings" "$top/selftests/config" \
	"$stage/agiswarm/selftests/" 2>/dev/null || true
rm -f "$stage/agiswarm/selftests/run-native.sh"
# What the tests source (lib/*.sh) and compare against (golden/).
mkdir -p "$stage/agiswarm/selftests/lib"
cp "$top"/selftests/lib/*.sh "$stage/agiswarm/selftests/lib/"
[ -d "$top/selftests/golden" ] && cp -a "$top/selftests/golden" "$stage/agiswarm/selftests/"
cp "$top/selftests/vm/run-tests.sh" "$stage/agiswarm/selftests/vm/"
cp "$list" "$stage/agiswarm/selftests/tests.list"
if [ -n "$gen_dir" ] && [ -d "$gen_dir" ]; then
	find "$gen_dir" -maxdepth 1 -type f -executable -print0 |
		while IFS= read -r -d '' prog; do
			install_bin "$prog" "/agiswarm/selftests/${prog##*/}"
		done
fi
for d in netns configs; do
	[ -d "$top/$d" ] && cp -a "$top/$d" "$stage/agiswarm/"
done
mkdir -p "$stage/agiswarm/include" "$stage/agiswarm/selftests/fuzz"
cp -a "$top/include/uapi" "$stage/agiswarm/include/"
cp -a "$top/selftests/fuzz/corpus" "$stage/agiswarm/selftests/fuzz/"
install -m 0755 "$top/selftests/vm/init.sh" "$stage/init"

# The kernel opens /dev/console before /init runs; init.sh copes without.
mknod -m 600 "$stage/dev/console" c 5 1 2>/dev/null || true
mknod -m 666 "$stage/dev/null" c 1 3 2>/dev/null || true

(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
	gzip -1 > "$out/initrd.gz.tmp"
mv "$out/initrd.gz.tmp" "$out/initrd.gz"
