# SPDX-License-Identifier: GPL-2.0
#
# Every VM test again on a debug kernel: lockdep (PROVE_LOCKING, PROVE_RCU),
# DEBUG_ATOMIC_SLEEP, KASAN, kmemleak, debug objects (configs/
# debug-kernel.config).
#
#   make debug-kernel   build it, or find it built, under AGISWARM_CACHE
#                       (default /var/cache/agiswarm; selftests/vm/
#                       debug-kernel.sh says when it rebuilds)
#   make check-debug    agiswarm.ko built against that tree, an initrd for
#                       it, and every VM test in it; log in
#                       build/vm-debug.log. Fails on any failed test, and
#                       each test fails on any lockdep splat, KASAN report,
#                       "BUG: sleeping function called from invalid
#                       context", WARN or Oops it caused; the first case
#                       shows the debug options active, the last one fails
#                       on any kmemleak finding
#   make vm-run-debug SCRIPT=file
#                       one script on the debug kernel
#
# DEBUG_TESTS="a.sh b" runs only those VM tests (the debug kernel's own
# first and last cases still run).
#
# The module is built in $(DEBUG_DIR)/src (a copy of kmod/ and include/), so
# that the stock build in kmod/ stays as it is. Under KASAN and lockdep in
# TCG everything is slower: each test's timeout is multiplied by
# DEBUG_TIMEOUT_SCALE. The network fuzzer sends FUZZ_DATAGRAMS datagrams to
# each of the two nodes it fuzzes (10^6 in all by default), with a timeout
# of its own (at least 100 datagrams/s); the netlink fuzzer runs
# FUZZ_GENL_SECONDS per identity (both also in plain vm-check, with smaller
# defaults: see selftests/fuzz_wire.sh and fuzz_genl.sh). FUZZ_SEED=S
# replays both fuzzers' run of seed S (each prints its seed).

DEBUG_DIR := $(BUILD)/debug
DEBUG_KERNEL_SH := selftests/vm/debug-kernel.sh
# Evaluated when used: the path only, nothing is built by asking.
DEBUG_KDIR = $(shell $(DEBUG_KERNEL_SH) --dir)
DEBUG_KVER = $(shell cat $(DEBUG_KDIR)/include/config/kernel.release 2>/dev/null)
DEBUG_BZIMAGE = $(DEBUG_KDIR)/arch/x86/boot/bzImage
DEBUG_KO := $(DEBUG_DIR)/src/kmod/agiswarm.ko
DEBUG_INITRD := $(DEBUG_DIR)/vm/initrd.gz
DEBUG_LOG := $(BUILD)/vm-debug.log
DEBUG_TIMEOUT_SCALE ?= 5
DEBUG_MEM ?= 2048
FUZZ_DATAGRAMS ?= 500000
FUZZ_GENL_SECONDS ?= 60
FUZZ_WIRE_TIMEOUT = $(shell echo $$((600 + $(FUZZ_DATAGRAMS) / 100)))
# daemon_restart.sh runs a swarm, two daemons and two signed commits: under
# KASAN and lockdep on a loaded host it took 642 s, past 5 x 120 s.
DAEMON_RESTART_TIMEOUT = $(shell echo $$((2 * $(DEBUG_TIMEOUT_SCALE) * \
	$$(sed -n 's/^timeout=//p' selftests/settings))))
# daemon_group.sh runs six daemons, a raft group and a takeover: 241 s
# on the release kernel beside a debug VM; the same margin, and for
# daemon_group_members.sh (seven daemons, seven restarts, a takeover).
DAEMON_GROUP_TIMEOUT = $(DAEMON_RESTART_TIMEOUT)
DEBUG_ENV = AGISWARM_KERNEL=debug \
	AGISWARM_TIMEOUT_SCALE=$(DEBUG_TIMEOUT_SCALE) \
	AGISWARM_FUZZ_DATAGRAMS=$(FUZZ_DATAGRAMS) \
	AGISWARM_FUZZ_GENL_SECONDS=$(FUZZ_GENL_SECONDS) \
	AGISWARM_TIMEOUT_fuzz_wire_sh=$(FUZZ_WIRE_TIMEOUT) \
	AGISWARM_TIMEOUT_daemon_restart_sh=$(DAEMON_RESTART_TIMEOUT) \
	AGISWARM_TIMEOUT_daemon_group_sh=$(DAEMON_GROUP_TIMEOUT) \
	AGISWARM_TIMEOUT_daemon_group_members_sh=$(DAEMON_GROUP_TIMEOUT) \
	AGISWARM_TIMEOUT_daemon_chaos_sh=$(shell echo $$((1500 * \
		$(DEBUG_TIMEOUT_SCALE)))) \
	AGISWARM_TIMEOUT_swarm_jobs_sh=$(shell echo $$(($(SWARM_JOBS_TIMEOUT) * \
		$(DEBUG_TIMEOUT_SCALE)))) \
	$(if $(FUZZ_SEED),AGISWARM_FUZZ_SEED=$(FUZZ_SEED))

.PHONY: debug-kernel debug-module debug-initrd check-debug vm-run-debug

debug-kernel:
	$(Q)$(DEBUG_KERNEL_SH) --build >/dev/null

debug-module: debug-kernel
	$(quiet) KMOD "$(DEBUG_KO) ($(DEBUG_KVER))"
	@mkdir -p $(DEBUG_DIR)/src
	$(Q)find kmod include \( -name '*.[ch]' -o -name Kbuild -o -name Makefile \) \
		-exec cp -a --parents -t $(DEBUG_DIR)/src/ {} +
	$(Q)$(MAKE) -C $(DEBUG_KDIR) M=$(CURDIR)/$(DEBUG_DIR)/src/kmod W=1 \
		$(if $(filter 1,$(V)),V=1,) AGISWARM_DEBUG=1 \
		AGISWARM_VERSION=$(VERSION) modules \
		>$(DEBUG_DIR)/kmod.log 2>&1; rc=$$?; \
		grep -v '^Skipping BTF' $(DEBUG_DIR)/kmod.log; exit $$rc
	@test -f $(DEBUG_KO)

debug-initrd: debug-module userspace vm-tests
	$(quiet) INITRD "$(DEBUG_INITRD) ($(DEBUG_KVER))"
	@mkdir -p $(DEBUG_DIR)/vm
	$(Q)$(if $(DEBUG_TESTS),printf '%s\n' $(DEBUG_TESTS),$(MAKE) -s --no-print-directory -C selftests emit_tests) \
		> $(DEBUG_DIR)/vm/tests.list
	$(Q)selftests/vm/mkinitrd.sh --out $(DEBUG_DIR)/vm --kver $(DEBUG_KVER) \
		--kdir $(DEBUG_KDIR) --ko $(DEBUG_KO) \
		--tests-list $(DEBUG_DIR)/vm/tests.list --gen-dir $(VM_GEN_DIR) \
		$(foreach b,$(VM_BINS),--bin $(b)) $(VM_PYTHON) \
		$(foreach e,$(DEBUG_ENV),--env $(e))

# QEMU's deadline: boot (lockdep's self-tests take a while) plus every test
# at its full, scaled timeout (the network fuzzer at its own), plus the
# kmemleak scans.
debug_vm_timeout = $$(( 600 + $(FUZZ_WIRE_TIMEOUT) + $(DAEMON_RESTART_TIMEOUT) + \
	$(DAEMON_GROUP_TIMEOUT) + \
	($$(wc -l < $(DEBUG_DIR)/vm/tests.list) + 2) * \
	($$(sed -n 's/^timeout=//p' selftests/settings) * $(DEBUG_TIMEOUT_SCALE) + 15) ))

DEBUG_VM_ARGS = --kernel $(DEBUG_BZIMAGE) --initrd $(DEBUG_INITRD) \
	--mem $(DEBUG_MEM) --append "kasan_multi_shot loglevel=7"

check-debug: deps debug-initrd
	$(Q)selftests/vm/run-vm.sh $(DEBUG_VM_ARGS) --log $(DEBUG_LOG) \
		--counts $(BUILD)/vm-debug.counts --timeout $(debug_vm_timeout); \
		rc=$$?; \
		if ! grep -q '^ok [0-9]* debug_kernel$$' $(DEBUG_LOG) || \
		   ! grep -q '^ok [0-9]* kmemleak$$' $(DEBUG_LOG); then \
			echo "# [host] check-debug: the debug kernel's own cases did not pass" >&2; \
			rc=1; \
		fi; \
		exit $$rc

vm-run-debug: debug-initrd
	@test -n "$(SCRIPT)" || { echo "usage: make vm-run-debug SCRIPT=file" >&2; exit 2; }
	$(Q)selftests/vm/run-vm.sh $(DEBUG_VM_ARGS) --log $(BUILD)/vm-run-debug.log \
		--timeout $(or $(VM_TIMEOUT),3600) --script $(SCRIPT)
