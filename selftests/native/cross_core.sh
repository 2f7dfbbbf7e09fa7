#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The portable core cross-built for 32-bit ARM and 32-bit big-endian MIPS,
# run under qemu-user, gives the same bits as on x86-64: `make check`'s view
# of selftests/cross/cross_check.sh (which `make cross-check` also runs,
# insisting that every cross compiler be there). The build directory is
# the one $AGICTL lives in.
AGICTL=${AGICTL:-build/agictl}
exec "$(dirname "$0")/../cross/cross_check.sh" "$(dirname "$AGICTL")"
