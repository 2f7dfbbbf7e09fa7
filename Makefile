# SPDX-License-Identifier: GPL-2.0
#
# AGISWARM: agiswarm.ko, agiswarmd, agictl and their tests.
#
#   make            build the module (against KDIR) and the userspace programs
#   make check      install what is missing, build, run native and VM tests
#   make demo       a simulated swarm in a VM, faults injected, results shown
#   make bench      benchmarks (native core and in the VM)
#   make fuzz       run the libFuzzer targets (FUZZ_SECONDS each)
#   make stress     the replication layer under churn (STRESS_SECONDS)
#   make check-debug  every VM test on a debug kernel (lockdep, KASAN,
#                   kmemleak), built once and cached in /var/cache/agiswarm
#   make cross-check  the core on 32-bit ARM and big-endian MIPS (qemu-user)
#   make install    install (PREFIX=/usr/local, DESTDIR=); make deb, make dkms,
#                   make openwrt: packages (configs/packaging/packaging.mk)
#   make clean
#
# V=1 shows every command. KDIR picks the kernel build tree: the running
# kernel's when it exists, else Debian's cloud-amd64 headers.

VERSION := 0.1.0

ifeq ($(V),1)
Q :=
quiet = @:
else
Q := @
quiet = @printf '  %-8s %s\n'
MAKEFLAGS += --no-print-directory
endif

KVER_RUNNING := $(shell uname -r)
KDIR ?= $(firstword $(wildcard /lib/modules/$(KVER_RUNNING)/build) \
		    $(wildcard /lib/modules/*-cloud-amd64/build))
# Debian's headers put the upstream version (6.1.x) in kernel.release; the
# release a module is built for, and that /boot/vmlinuz-* is named after, is
# UTS_RELEASE (6.1.0-N-cloud-amd64).
KVER = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)

PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man

BUILD := build
CC ?= cc
CLANG ?= clang

# Userspace: strict warnings everywhere; the native test build adds ASan+UBSan.
# 64-bit file offsets on 32-bit glibc too (armhf): metrics.csv may grow past
# 2 GB, and readdir() of a 64-bit directory offset (ext4's hashes, as
# qemu-user passes them from a 64-bit host) fails with EOVERFLOW without.
CFLAGS ?= -O2 -g
USER_CFLAGS := -std=gnu11 $(CFLAGS) -Wall -Wextra -Werror -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers \
	-Iinclude -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 \
	-DAGISWARM_VERSION='"$(VERSION)"' -MMD -MP
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
LDLIBS_MNL := -lmnl

.PHONY: all module module-noseal userspace check native-check vm-check demo bench fuzz \
	install clean deps help
.DEFAULT_GOAL := all

all: module userspace

help:
	@sed -n '3,/^$$/p' Makefile | sed 's/^# \{0,1\}//'

# --- object rules shared by every fragment ---------------------------------
$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(quiet) CC $<
	$(Q)$(CC) $(USER_CFLAGS) -c -o $@ $<

$(BUILD)/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(quiet) CC-SAN $<
	$(Q)$(CC) $(USER_CFLAGS) $(SAN_FLAGS) -c -o $@ $<

# --- fragments: each directory says what it builds --------------------------
include include/core/core.mk
include include/user/user.mk
include cli/cli.mk
-include daemon/daemon.mk
include selftests/selftests.mk
-include selftests/fuzz/fuzz.mk
-include selftests/bench/bench.mk
-include selftests/vm/vm.mk
-include selftests/vm/debug.mk
-include selftests/cross/cross.mk
-include selftests/wireshark/wireshark.mk
-include configs/packaging/packaging.mk

# --- the kernel module -------------------------------------------------------
module:
	@test -n "$(KDIR)" || { echo "no kernel build tree: install linux-headers-$(KVER_RUNNING) or set KDIR (make deps installs Debian's cloud headers)" >&2; exit 1; }
	$(quiet) KMOD "kmod/agiswarm.ko ($(KVER))"
	@# kbuild's "Skipping BTF" notice is noise here; its exit status is not.
	@# (No extra file descriptors: fd 3 and 4 may be make's jobserver.)
	@mkdir -p $(BUILD)
	$(Q)$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod W=1 $(if $(filter 1,$(V)),V=1,) \
		AGISWARM_DEBUG=$(AGISWARM_DEBUG) AGISWARM_VERSION=$(VERSION) modules \
		>$(BUILD)/kmod.log 2>&1; rc=$$?; \
		grep -v '^Skipping BTF' $(BUILD)/kmod.log; exit $$rc
	@test -f kmod/agiswarm.ko

# agiswarm_noseal.ko, for the benchmark only (selftests/bench/vm_seal.sh):
# the same sources without the cipher (kmod/core.c), built from a tree of
# links in $(NOSEAL_DIR) so that nothing of agiswarm.ko's build is shared.
NOSEAL_DIR := $(BUILD)/noseal
NOSEAL_KO := $(NOSEAL_DIR)/kmod/agiswarm_noseal.ko
module-noseal:
	@test -n "$(KDIR)" || { echo "no kernel build tree (see make module)" >&2; exit 1; }
	$(quiet) KMOD "$(NOSEAL_KO) ($(KVER), benchmark only)"
	@mkdir -p $(NOSEAL_DIR)/kmod
	@ln -sfn $(CURDIR)/include $(NOSEAL_DIR)/include
	@ln -sf $(CURDIR)/Makefile $(NOSEAL_DIR)/Makefile
	@for f in kmod/Kbuild kmod/*.c kmod/*.h; do \
		ln -sf $(CURDIR)/$$f $(NOSEAL_DIR)/kmod/; done
	$(Q)$(MAKE) -C $(KDIR) M=$(CURDIR)/$(NOSEAL_DIR)/kmod W=1 \
		$(if $(filter 1,$(V)),V=1,) AGISWARM_BENCH_NOSEAL=1 \
		AGISWARM_DEBUG=$(AGISWARM_DEBUG) AGISWARM_VERSION=$(VERSION) modules \
		>$(BUILD)/kmod-noseal.log 2>&1; rc=$$?; \
		grep -v '^Skipping BTF' $(BUILD)/kmod-noseal.log; exit $$rc
	@test -f $(NOSEAL_KO)

# --- dependencies ------------------------------------------------------------
# Debian packages that building and testing need; `make deps` installs the
# missing ones (also run by check, demo and bench).
DEB_BUILD := make gcc libc6-dev pkg-config libmnl-dev libsodium-dev \
	libcbor-dev libyaml-dev libraft-dev libuv1-dev libjansson-dev \
	libmicrohttpd-dev libmodbus-dev
DEB_KERNEL := linux-headers-cloud-amd64
DEB_TEST := clang libclang-rt-14-dev linux-image-cloud-amd64 linux-source-6.1 \
	xz-utils qemu-system-x86 busybox-static cpio kmod iproute2 nftables jq \
	prometheus gnuplot-nox tshark dkms debootstrap python3
# Building the debug kernel (make check-debug) from linux-source-6.1.
DEB_DEBUG_KERNEL := bc bison flex libelf-dev
# make cross-check: the core on 32-bit ARM and 32-bit big-endian MIPS.
DEB_CROSS := gcc-arm-linux-gnueabihf libc6-dev-armhf-cross gcc-mips-linux-gnu \
	libc6-dev-mips-cross qemu-user file
DEB_ALL := $(DEB_BUILD) $(DEB_KERNEL) $(DEB_TEST) $(DEB_DEBUG_KERNEL) $(DEB_CROSS)

deps:
	$(Q)missing=$$(for p in $(DEB_ALL); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
		grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "  DEPS     installing:" $$missing; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -q >/dev/null && \
		apt-get install -y -q --no-install-recommends $$missing >/tmp/agiswarm-deps.log 2>&1 || \
		{ echo "apt-get install failed, see /tmp/agiswarm-deps.log" >&2; exit 1; }; \
		\
	fi

# --- install -----------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(SBINDIR)
	install -m 0755 $(BUILD)/agictl $(DESTDIR)$(SBINDIR)/agictl
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod INSTALL_MOD_PATH=$(DESTDIR) modules_install

clean:
	$(Q)$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod clean >/dev/null 2>&1 || true
	$(Q)rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' -type f 2>/dev/null)
