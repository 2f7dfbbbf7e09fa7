# SPDX-License-Identifier: GPL-2.0
#
# libFuzzer targets for the wire parser (selftests/fuzz/fuzz_*.c), built with
# clang into $(BUILD)/fuzz/ against the portable core's wire code.
#
#   make fuzz          run every target for FUZZ_SECONDS (default 60) each,
#                      growing a working corpus in $(BUILD)/fuzz/corpus/
#   make fuzz-smoke    run every target FUZZ_RUNS (default 20000) times from
#                      the seed corpus; bounded, for `make check`
#   make fuzz-corpus   rewrite the seed corpus in selftests/fuzz/corpus/
#
# A failing input is saved as $(BUILD)/fuzz/<target>-crash-*; replay it with
# `$(BUILD)/fuzz/<target> FILE`.

FUZZ_SECONDS ?= 60
FUZZ_RUNS ?= 20000
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_SEEDS := selftests/fuzz/corpus
FUZZ_TARGETS := $(basename $(notdir $(wildcard selftests/fuzz/fuzz_*.c)))
FUZZ_BINS := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/%)
FUZZ_CORE := include/core/wire.c include/core/cbor.c
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -Wall -Wextra -Werror -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Iinclude -Iselftests/native
# Options for every run: no stdout from the target, crashes kept in the build.
FUZZ_OPTS = -artifact_prefix=$(FUZZ_DIR)/$(1)-crash- -print_final_stats=1

.PHONY: fuzz-build fuzz-smoke fuzz-corpus

$(FUZZ_DIR)/fuzz_%: selftests/fuzz/fuzz_%.c $(FUZZ_CORE) \
		$(wildcard include/core/*.h selftests/native/wire_*.h)
	@mkdir -p $(dir $@)
	$(quiet) FUZZ-CC $<
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_CORE) -lcbor

fuzz-build: $(FUZZ_BINS)

# Each target's summary line goes to $(FUZZ_DIR)/<target>.log.
define fuzz_run
	$(Q)for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_DIR)/corpus/$$t; \
		printf '  %-8s %s\n' FUZZ "$$t ($(2))"; \
		$(FUZZ_DIR)/$$t $(call FUZZ_OPTS,$$t) $(1) \
			$(FUZZ_DIR)/corpus/$$t $(FUZZ_SEEDS)/$$t \
			>$(FUZZ_DIR)/$$t.log 2>&1 || \
			{ tail -40 $(FUZZ_DIR)/$$t.log; exit 1; }; \
		grep -h 'stat::number_of_executed_units' $(FUZZ_DIR)/$$t.log | \
			sed 's/^/           /'; \
	done
endef

fuzz: fuzz-build
	$(call fuzz_run,-max_total_time=$(FUZZ_SECONDS),$(FUZZ_SECONDS) s)

fuzz-smoke: fuzz-build
	$(call fuzz_run,-runs=$(FUZZ_RUNS),$(FUZZ_RUNS) runs)

$(FUZZ_DIR)/corpus_gen: selftests/fuzz/corpus_gen.c $(FUZZ_CORE) \
		$(wildcard selftests/native/wire_*.h)
	@mkdir -p $(dir $@)
	$(quiet) CC $<
	$(Q)$(CC) $(USER_CFLAGS) -o $@ $< $(FUZZ_CORE) -lcbor

fuzz-corpus: $(FUZZ_DIR)/corpus_gen
	$(Q)rm -rf $(FUZZ_SEEDS) && mkdir -p $(FUZZ_SEEDS)
	$(Q)$(FUZZ_DIR)/corpus_gen $(FUZZ_SEEDS)
	@echo "  CORPUS   $$(find $(FUZZ_SEEDS) -type f | wc -l) seeds in $(FUZZ_SEEDS)"
