#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debug-kernel.sh: the VM tests' debug kernel (lockdep, KASAN, kmemleak, ...),
# built from Debian's linux-source-6.1 with configs/debug-kernel.config
# merged onto `make tinyconfig`, and cached outside the clone.
#
#   debug-kernel.sh --dir      print the build tree's path (KDIR for M=
#                              builds; bzImage is arch/x86/boot/bzImage)
#                              without building anything
#   debug-kernel.sh --build    build it unless it is built, then print the
#                              path; the build log is BUILD_TREE/build.log
#
# The tree is AGISWARM_CACHE (default /var/cache/agiswarm)/debug-kernel-KEY,
# KEY a hash of the fragment, the source package's version, the compiler and
# this script's recipe number (bump it when the steps below change): a change
# to any of them builds a new tree, anything else reuses the old one. A tree is complete only with its .built stamp; an
# interrupted build is started over. Concurrent builders of one KEY wait for
# each other (flock). Other debug-kernel-* trees unused for 14 days are
# removed after a build.
set -euo pipefail

recipe=1

top=$(cd "$(dirname "$0")/../.." && pwd)
fragment=$top/configs/debug-kernel.config
tarball=/usr/src/linux-source-6.1.tar.xz
pkg=linux-source-6.1
cache=${AGISWARM_CACHE:-/var/cache/agiswarm}
cc=${CC:-gcc}
[ "$cc" = cc ] && cc=gcc

mode=${1:-}
case $mode in
--dir | --build) ;;
*) echo "usage: debug-kernel.sh --dir|--build" >&2; exit 2 ;;
esac

pkg_version=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) || pkg_version=
if [ -z "$pkg_version" ] || [ ! -r "$tarball" ]; then
	echo "debug-kernel.sh: $pkg is not installed (make deps)" >&2
	exit 1
fi
key=$( { cat "$fragment"; echo "recipe $recipe $pkg_version"; "$cc" --version | head -n1; } |
	sha256sum | cut -c1-16)
dir=$cache/debug-kernel-$key

if [ "$mode" = --dir ]; then
	echo "$dir"
	exit 0
fi

log()
{
	echo "  DEBUGK   $*" >&2
}

mkdir -p "$cache"
exec 9> "$dir.lock"
if ! flock -n 9; then
	log "waiting for another build of $dir"
	flock 9
fi
if [ -f "$dir/.built" ]; then
	touch "$dir/.built"
	echo "$dir"
	exit 0
fi

# check_config: every line of the fragment holds in the final .config.
check_config()
{
	local line sym want bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			sym=${line%%=*}
			want=$line
			;;
		'# CONFIG_'*' is not set')
			sym=${line#\# }
			sym=${sym%% *}
			want=
			;;
		*) continue ;;
		esac
		if [ -n "$want" ]; then
			grep -qxF "$want" .config && continue
		else
			grep -q "^$sym=" .config || continue
		fi
		echo "debug-kernel.sh: $fragment asks for '$line' but .config" \
		     "has '$(grep -E "^(# )?$sym[= ]" .config || echo "$sym absent")'" \
		     "(a dependency is missing)" >&2
		bad=1
	done < "$fragment"
	return $bad
}

start=$SECONDS
rm -rf "$dir"
mkdir -p "$dir"
log "unpacking $pkg $pkg_version into $dir"
tar -xJf "$tarball" -C "$dir" --strip-components=1
cd "$dir"
kmake=(make ARCH=x86_64 CC="$cc" -j"$(nproc)")
log "configuring: tinyconfig + ${fragment#"$top"/}"
{
	"${kmake[@]}" tinyconfig
	scripts/kconfig/merge_config.sh -m .config "$fragment"
	"${kmake[@]}" olddefconfig
} > build.log 2>&1 || {
	tail -n 30 build.log >&2
	exit 1
}
check_config
log "building bzImage and the module build tree ($(nproc) jobs, log in $dir/build.log)"
if ! "${kmake[@]}" bzImage modules >> build.log 2>&1; then
	echo "debug-kernel.sh: the kernel build failed; its last lines:" >&2
	tail -n 30 build.log >&2
	exit 1
fi
took=$((SECONDS - start))
log "built $(cat include/config/kernel.release) in ${took}s"
echo "built $(date -u +%FT%TZ) in ${took}s from $pkg $pkg_version" > .built

# Trees of older fragments nobody used for two weeks.
find "$cache" -maxdepth 2 -path "$cache/debug-kernel-*/.built" -mtime +14 |
	while read -r stamp; do
		old=$(dirname "$stamp")
		[ "$old" = "$dir" ] && continue
		log "removing unused $old"
		rm -rf "$old" "$old.lock"
	done
echo "$dir"
