# SPDX-License-Identifier: GPL-2.0
#
# The VM runner and `make check`.
#
#   make vm-tests   build the compiled VM tests (selftests/*.c) into
#                   build/selftests, through selftests/Makefile
#   make vm-initrd  build/vm/initrd.gz: busybox, the real ip/tc/nft/jq, the
#                   kernel modules, agiswarm.ko (debug), agictl, the tests
#   make vm-check   boot it under QEMU and run every VM test; log in
#                   build/vm.log
#   make vm-run SCRIPT=file
#                   boot the same image and run one script instead
#   make demo       netns/demo_acts.sh in the same VM, two acts shown as
#                   they run: netns/demo.sh, a swarm kept exact under
#                   stalls and loss, then an operator's signed commit
#                   (PLANT=python or PLANT=modbus swaps the built-in test
#                   plant for the Python example or a Modbus/TCP device
#                   behind agiswarm-modbus); then netns/demo_group.sh,
#                   three aggregators run by agiswarmd whose primary's node
#                   is killed midway, the plant riding through, a signed
#                   commit applied by the survivors and the rejoined old
#                   primary alike. Log in build/demo.log, act 1's pictures
#                   in build/demo/ (selftests/vm/demo_plots.sh)
#   make check      deps, build, native-check, vm-check, then one verdict
#                   line "N passed, N failed" (see selftests/vm/check.sh);
#                   CHECK_DEBUG=1 adds check-debug (selftests/vm/debug.mk)

VM_DIR := $(BUILD)/vm
# swarm_jobs.sh brings up 8 workers and runs eight jobs: about 90 s on an
# idle host under TCG, past the 120 s of selftests/settings on a loaded one.
SWARM_JOBS_TIMEOUT ?= 300
VM_KERNEL ?= /boot/vmlinuz-$(KVER)
VM_INITRD := $(VM_DIR)/initrd.gz
VM_LOG := $(BUILD)/vm.log
VM_GEN_DIR := $(BUILD)/selftests
# Shipped in the image (with their dependencies) and loaded at boot; others
# the tests need are autoloaded by the kernel through busybox's modprobe.
VM_KMODS ?= veth bridge udp_tunnel ip6_udp_tunnel libchacha20poly1305 \
	sch_netem sch_tbf \
	nf_tables nft_ct nft_reject_inet nft_limit nft_log nft_nat \
	nft_chain_nat nft_masq nft_fib_inet
# promtool (Debian's prometheus package) checks agiswarmd's Prometheus output;
# plant_example is the README's libagiplant example (plant_example.sh).
# agiswarm-modbus bridges a Modbus/TCP device (plant_modbus.sh, the demo).
VM_BINS = $(wildcard $(AGICTL) $(BUILD)/agiswarmd /usr/bin/promtool $(PLANT_EXAMPLE) \
	$(AGISWARM_MODBUS))
# Debian's python3 with the standard library the Python module and its
# example import, the module and libagiplant.so.0 installed as
# `make install PREFIX=/usr` would (plant_example_py.sh); and what
# plant_modbus.sh's checker (selftests/modbus_check.py) imports.
VM_PYTHON = --lib $(AGIPLANT_SO) --python-module $(AGIPLANT_PY) \
	--python-script configs/plant_example.py \
	--python-script selftests/modbus_check.py

# swarm_failover.sh builds three aggregators and fails them over four
# times: 76-88 s alone under TCG with three, 124 s with a debug VM beside
# it on the host, past timeout=; the fourth adds about a quarter. The live fuzzers take 83-94 s alone (fuzz_genl
# fuzzes 3 x 20 s, fuzz_wire sends 10^5 datagrams): on a loaded host they
# too would pass timeout=. daemon_group.sh starts six daemons and a raft
# group and fails the primary over once: 100 s alone, 241 s with a debug
# VM beside it. daemon_group_members.sh restarts the members' daemons seven
# times and fails the primary over once: 374 s with two other VMs on the
# host. daemon_chaos.sh fails a daemon-run group over 20 times,
# about 35 s each: 732 s alone. (The debug kernel's scaled timeouts are
# longer.) THRESHOLD=N gives the group scripts' members that failure
# threshold (make bench-vm-failover THRESHOLD=1).
VM_ENV = --env AGISWARM_TIMEOUT_swarm_failover_sh=300 \
	--env AGISWARM_TIMEOUT_daemon_chaos_sh=1500 \
	--env AGISWARM_TIMEOUT_daemon_group_sh=480 \
	--env AGISWARM_TIMEOUT_daemon_group_members_sh=720 \
	--env AGISWARM_TIMEOUT_swarm_jobs_sh=$(SWARM_JOBS_TIMEOUT) \
	--env AGISWARM_TIMEOUT_fuzz_genl_sh=300 \
	--env AGISWARM_TIMEOUT_fuzz_wire_sh=300 \
	$(if $(THRESHOLD),--env THRESHOLD=$(THRESHOLD))

.PHONY: vm-tests vm-initrd vm-run demo

vm-tests: $(KSFT_HARNESS) $(CORE_LIB) $(USER_LIB)
	$(Q)$(MAKE) -C selftests OUTPUT=$(CURDIR)/$(VM_GEN_DIR) \
		KSFT_DIR=$(CURDIR)/$(KSFT_DIR) CORE_LIB=$(CURDIR)/$(CORE_LIB) \
		USER_LIB=$(CURDIR)/$(USER_LIB)

# The VM runs the debug build: its boot-time self-tests are test 1.
vm-initrd vm-check vm-run demo: AGISWARM_DEBUG = 1

vm-initrd: module userspace vm-tests
	@test -r "$(VM_KERNEL)" || { echo "no kernel image $(VM_KERNEL) (make deps installs linux-image-cloud-amd64)" >&2; exit 1; }
	$(quiet) INITRD "$(VM_INITRD)"
	@mkdir -p $(VM_DIR)
	$(Q)$(MAKE) -s --no-print-directory -C selftests emit_tests > $(VM_DIR)/tests.list
	$(Q)selftests/vm/mkinitrd.sh --out $(VM_DIR) --kver $(KVER) \
		--ko kmod/agiswarm.ko --tests-list $(VM_DIR)/tests.list \
		--gen-dir $(VM_GEN_DIR) --modules "$(VM_KMODS)" \
		$(foreach b,$(VM_BINS),--bin $(b)) $(VM_PYTHON) $(VM_DEMO_ENV) \
		$(VM_ENV)

# QEMU's deadline: boot plus every test at its full per-test timeout.
vm_timeout = $$(( 120 + ($$(wc -l < $(VM_DIR)/tests.list) + 1) * \
	($$(sed -n 's/^timeout=//p' selftests/settings) + 15) ))

vm-check: vm-initrd
	$(Q)selftests/vm/run-vm.sh --kernel $(VM_KERNEL) --initrd $(VM_INITRD) \
		--log $(VM_LOG) --counts $(BUILD)/vm.counts \
		--timeout $(vm_timeout)

vm-run: vm-initrd
	@test -n "$(SCRIPT)" || { echo "usage: make vm-run SCRIPT=file" >&2; exit 2; }
	$(Q)selftests/vm/run-vm.sh --kernel $(VM_KERNEL) --initrd $(VM_INITRD) \
		--log $(BUILD)/vm-run.log --timeout $(or $(VM_TIMEOUT),1800) \
		--script $(SCRIPT)

check:
	$(Q)MAKE='$(MAKE)' BUILD='$(BUILD)' selftests/vm/check.sh

# make demo PLANT=...: which plant netns/demo.sh runs (its DEMO_PLANT).
# The VM runs the two acts (netns/demo_acts.sh) in 210-320 s under TCG:
# act 1 80-135 s, act 2 120-245 s, the longer ones beside another VM. The
# deadline leaves room for a slower host.
demo: VM_DEMO_ENV = $(if $(PLANT),--env DEMO_PLANT=$(PLANT))
ifneq ($(filter-out plant python modbus,$(PLANT)),)
$(error PLANT=$(PLANT): allowed plant (the default), python or modbus)
endif
demo: deps vm-initrd
	$(Q)selftests/vm/run-vm.sh --kernel $(VM_KERNEL) --initrd $(VM_INITRD) \
		--log $(BUILD)/demo.log --timeout $(or $(VM_TIMEOUT),1200) \
		--script netns/demo_acts.sh
	$(Q)selftests/vm/demo_plots.sh $(BUILD)/demo.log $(BUILD)/demo $(AGICTL)
