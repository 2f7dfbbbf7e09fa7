#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the test VM (see mkinitrd.sh for the tree it runs in). Sets up the
# minimal userland the tests expect, loads the kernel modules listed in
# /etc/agiswarm/modules, takes the settings in /etc/agiswarm/env, then
# either runs /agiswarm/run/script (run-vm.sh
# --script) or every test through run-tests.sh, and powers off. The serial
# console carries everything; the host reads its verdict line from there.

export PATH=/agiswarm/build:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root
export TERM=dumb

# The cpio may lack /dev/console when it was built without mknod rights.
mount -t devtmpfs devtmpfs /dev
exec < /dev/console > /dev/console 2>&1

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mkdir -p /dev/pts /dev/shm /run/netns
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr

# Only emergencies on the console: the runner reads the kernel log itself
# and quotes it under the test that caused it.
dmesg -n 1
hostname agiswarm-vm
ip link set lo up

echo "# [vm] kernel $(uname -r), $(nproc) CPUs, $(sed -n 's/MemTotal: *//p' /proc/meminfo)"
for m in $(cat /etc/agiswarm/modules); do
	modprobe "$m" || echo "# [vm] modprobe $m failed"
done

export AGISWARM_VM=1
# What the image was built for (mkinitrd.sh --env): the debug kernel sets
# AGISWARM_KERNEL=debug, AGISWARM_TIMEOUT_SCALE and the fuzzers' counts.
[ -r /etc/agiswarm/env ] && . /etc/agiswarm/env
export AGISWARM_KO=/agiswarm/kmod/agiswarm.ko
export AGICTL=/agiswarm/build/agictl
export IP=/usr/sbin/ip
export TC=/usr/sbin/tc
export NFT=/usr/sbin/nft
export JQ=/usr/bin/jq
cd /agiswarm || exit 1

if [ -x /agiswarm/run/script ]; then
	echo "# [vm] running $(cat /agiswarm/run/name 2>/dev/null)"
	echo "agiswarm-selftests: begin script" > /dev/kmsg
	/agiswarm/run/script < /dev/null
	rc=$?
	if dmesg | sed -n '/agiswarm-selftests: begin script$/,$p' |
			grep -E 'WARNING:|BUG:|Oops|[Ll]eak|Call Trace'; then
		echo "# [vm] the kernel complained (above) while the script ran"
		[ "$rc" = 0 ] && rc=1
	fi
	echo "# AGISWARM-SCRIPT-EXIT $rc"
else
	/agiswarm/selftests/vm/run-tests.sh /agiswarm/selftests/tests.list \
		/agiswarm/selftests
fi

sync
poweroff -f
