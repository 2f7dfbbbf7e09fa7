#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The portable core cross-built for 32-bit ARM and 32-bit big-endian MIPS,
# run under qemu-user, gives the same bits as on x86-64: `make check`'s view
# of selftests/cross/cross_check.sh (which `make cross-check` also runs,
# insisting that every cross compiler be there). The build directory is
# the one $AGICTL lives in.
# Of the native core tests cross_check.sh runs under qemu-user, make check
# takes the quick ones (tens of seconds); fixed_test (a minute or more under
# qemu-arm) is left to make cross-check.
AGICTL=${AGICTL:-build/agictl}
export CROSS_TESTS=${CROSS_TESTS:-wide code code_mds}
exec "$(dirname "$0")/../cross/cross_check.sh" "$(dirname "$AGICTL")"
