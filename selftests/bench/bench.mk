# SPDX-License-Identifier: GPL-2.0
#
# Benchmarks. Native ones (selftests/bench/*.c) measure the portable core on
# this machine, optimised and without sanitizers; VM ones run a swarm in the
# test VM (selftests/vm/vm.mk's image) and print what they measured.
#
#   make bench-native   build and run every selftests/bench/*.c
#                       (bench_seal: ns per seal and open of a sealed datagram)
#   make bench-vm       selftests/bench/vm_latency.sh in the VM: p50/p99
#                       cycle latency, coded vs uncoded, one worker 10x
#                       slow; log in build/bench-vm.log
#   make bench          deps, then both

BENCH_C := $(wildcard selftests/bench/*.c)
BENCH_BINS := $(BENCH_C:%.c=$(BUILD)/obj/%)

$(BUILD)/obj/selftests/bench/%: selftests/bench/%.c $(CORE_LIB) $(USER_LIB)
	@mkdir -p $(dir $@)
	$(quiet) CC $<
	$(Q)$(CC) $(USER_CFLAGS) -O2 -o $@ $< $(USER_LIB) $(CORE_LIB) -lsodium -lm

.PHONY: bench-native
bench-native: $(BENCH_BINS)
	$(Q)for b in $(BENCH_BINS); do $$b || exit 1; done

# Same image as the VM tests (the debug module: pr_debug and boot self-tests
# only, no change to the data path).
.PHONY: bench-vm
bench-vm: AGISWARM_DEBUG = 1
bench-vm: vm-initrd
	$(Q)selftests/vm/run-vm.sh --kernel $(VM_KERNEL) --initrd $(VM_INITRD) \
		--log $(BUILD)/bench-vm.log --timeout $(or $(VM_TIMEOUT),1800) \
		--script selftests/bench/vm_latency.sh

# In this order (like demo: not for make -j).
bench: deps bench-native bench-vm
