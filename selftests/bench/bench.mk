# SPDX-License-Identifier: GPL-2.0
#
# Benchmarks. Native ones (selftests/bench/*.c) measure the portable core on
# this machine, optimised and without sanitizers; VM benchmarks add themselves
# to `bench`.
#
#   make bench-native   build and run every selftests/bench/*.c

BENCH_C := $(wildcard selftests/bench/*.c)
BENCH_BINS := $(BENCH_C:%.c=$(BUILD)/obj/%)

$(BUILD)/obj/selftests/bench/%: selftests/bench/%.c $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(quiet) CC $<
	$(Q)$(CC) $(USER_CFLAGS) -O2 -o $@ $< $(CORE_LIB) -lm

.PHONY: bench-native
bench-native: $(BENCH_BINS)
	$(Q)for b in $(BENCH_BINS); do $$b || exit 1; done

bench: bench-native
