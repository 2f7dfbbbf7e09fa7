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
#                       slow; log in build/bench-vm.log; then
#                       selftests/bench/vm_rate.sh in another boot: the
#                       rate ladder (20 ms .. 0.5 ms periods: share of ok
#                       cycles, p50/p99, decode time); build/bench-rate.log;
#                       before both, selftests/bench/vm_seal.sh: p50/p99
#                       with agiswarm.ko against agiswarm_noseal.ko (the
#                       same build without the cipher, `make module-noseal`,
#                       benchmark only); build/bench-seal.log
#   make bench-vm-seal  that third part alone
#   make bench-vm-jobs  selftests/bench/vm_jobs.sh: a 256x256 times 256x256
#                       matmul job on 8 workers against the same product
#                       on one CPU with the native core (matmul_native),
#                       both in that run, and the cycle's p50/p99 with and
#                       without the job; build/bench-jobs.log (also run
#                       by bench-vm)
#   make bench-vm-failover  selftests/bench/vm_failover.sh: a group of three
#                       aggregators against one alone (cycle latency p50/
#                       p99, same run, the backups on a CPU of their own
#                       and on the primary's), then 20 failovers in a
#                       row, at random points of the cycle: cycles lost
#                       at the plant per failover (mean, max) and how long
#                       the plant held its output over each; at the
#                       default failure threshold (1, the watch:
#                       build/bench-failover.log) and then at 3
#                       (build/bench-failover-t3.log); also run by
#                       bench-vm. THRESHOLD=N: one run, at N
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
.PHONY: bench-vm bench-vm-seal bench-vm-jobs bench-vm-failover
bench-vm bench-vm-seal bench-vm-jobs bench-vm-failover: AGISWARM_DEBUG = 1
bench-vm: vm-initrd bench-vm-seal bench-vm-jobs bench-vm-failover
	$(Q)selftests/vm/run-vm.sh --kernel $(VM_KERNEL) --initrd $(VM_INITRD) \
		--log $(BUILD)/bench-vm.log --timeout $(or $(VM_TIMEOUT),1800) \
		--script selftests/bench/vm_latency.sh
	$(Q)selftests/vm/run-vm.sh --kernel $(VM_KERNEL) --initrd $(VM_INITRD) \
		--log $(BUILD)/bench-rate.log --timeout $(or $(VM_TIMEOUT),1800) \
		--script selftests/bench/vm_rate.sh

bench-vm-jobs: vm-initrd
	$(Q)selftests/vm/run-vm.sh --kernel $(VM_KERNEL) --initrd $(VM_INITRD) \
		--log $(BUILD)/bench-jobs.log --timeout $(or $(VM_TIMEOUT),1800) \
		--script selftests/bench/vm_jobs.sh

# agiswarm_noseal.ko goes only into this run's image, next to agiswarm.ko.
bench-vm-failover: vm-initrd
	$(Q)selftests/vm/run-vm.sh --kernel $(VM_KERNEL) --initrd $(VM_INITRD) \
		--log $(BUILD)/bench-failover.log --timeout $(or $(VM_TIMEOUT),1800) \
		--script selftests/bench/vm_failover.sh
ifeq ($(THRESHOLD),)
	$(Q)selftests/vm/run-vm.sh --kernel $(VM_KERNEL) --initrd $(VM_INITRD) \
		--log $(BUILD)/bench-failover-t3.log \
		--timeout $(or $(VM_TIMEOUT),1800) \
		--file selftests/bench/vm_failover.sh=/agiswarm/selftests/bench/vm_failover.sh \
		--script selftests/bench/vm_failover_t3.sh
endif

bench-vm-seal: vm-initrd module-noseal
	$(Q)selftests/vm/run-vm.sh --kernel $(VM_KERNEL) --initrd $(VM_INITRD) \
		--log $(BUILD)/bench-seal.log --timeout $(or $(VM_TIMEOUT),1800) \
		--file $(NOSEAL_KO)=/agiswarm/kmod/agiswarm_noseal.ko \
		--script selftests/bench/vm_seal.sh

# In this order (like demo: not for make -j).
bench: deps bench-native bench-vm
