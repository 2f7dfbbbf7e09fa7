# SPDX-License-Identifier: GPL-2.0
#
# libFuzzer targets (selftests/fuzz/fuzz_*.c), one per parser of untrusted
# or operator bytes, built with clang into $(BUILD)/fuzz/ against the
# portable core and the userspace library compiled with the same
# sanitizers:
#
#   fuzz_wire_parse, fuzz_wire_libcbor, fuzz_wire_roundtrip   the fast path
#   fuzz_control       HEARTBEAT, STATUS, COMMIT, COMMIT_ACK (vs. libcbor)
#   fuzz_commit_body   the signed commit body (vs. libcbor)
#   fuzz_config        agiswarmd's YAML configuration
#   fuzz_matrix_json   the matrix files
#   fuzz_audit         the audit log
#   fuzz_handshake     the session handshake's INIT and RESP
#   fuzz_seal          the sealed envelope: parse, open, seal round trip
#   fuzz_agiplant      libagiplant's receive path: open, parse, deduplicate
#   fuzz_modbus_map    agiswarm-modbus's register mapping (YAML) and its rule
#   fuzz_repl_entry    the entries of the group's replicated log
#   fuzz_repl_channel  the group transport's frames, handshake and sealed
#                      frames, as a TCP peer sends them
#   fuzz_group_asm     a backup's reassembly of CYCLE records from a
#                      member's datagrams
#   fuzz_group_info    the daemon's answer to agictl group status
#
#   make fuzz          run every target for FUZZ_SECONDS (default 60) each,
#                      growing a working corpus in $(BUILD)/fuzz/corpus/
#   make fuzz-smoke    run every target FUZZ_RUNS (default 20000) times from
#                      the seed corpus; bounded, for `make check`
#   make fuzz-corpus   rewrite the seed corpus in selftests/fuzz/corpus/
#
# A failing input is saved as $(BUILD)/fuzz/<target>-crash-*; replay it with
# `$(BUILD)/fuzz/<target> FILE`. Every run is held to FUZZ_RSS_MB of memory
# (libFuzzer's -rss_limit_mb and -malloc_limit_mb), so a parser that
# allocates what its input declares fails here.

FUZZ_SECONDS ?= 60
FUZZ_RUNS ?= 20000
FUZZ_RSS_MB ?= 512
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_SEEDS := selftests/fuzz/corpus
FUZZ_TARGETS := $(basename $(notdir $(wildcard selftests/fuzz/fuzz_*.c)))
FUZZ_BINS := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/%)
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-missing-field-initializers
FUZZ_LIB_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer-no-link $(FUZZ_SAN) \
	$(FUZZ_WARN) -Iinclude -D_GNU_SOURCE -DAGISWARM_VERSION='"$(VERSION)"'
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer $(FUZZ_SAN) $(FUZZ_WARN) \
	-Iinclude -Iselftests/native -D_GNU_SOURCE
# The core and the library, instrumented; a target links what it uses.
FUZZ_LIB_SRCS := $(CORE_SRCS) $(USER_SRCS)
FUZZ_LIB := $(FUZZ_DIR)/libagifuzz.a
FUZZ_LDLIBS := $(USER_LDLIBS) -lcbor
# Options for every run: no stdout from the target, crashes kept in the build.
FUZZ_OPTS = -artifact_prefix=$(FUZZ_DIR)/$(1)-crash- -print_final_stats=1 \
	-rss_limit_mb=$(FUZZ_RSS_MB) -malloc_limit_mb=$(FUZZ_RSS_MB)

.PHONY: fuzz-build fuzz-smoke fuzz-corpus

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(quiet) FUZZ-CC $<
	$(Q)$(CLANG) $(FUZZ_LIB_CFLAGS) -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_LIB_SRCS:%.c=$(FUZZ_DIR)/obj/%.o)
	$(quiet) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: selftests/fuzz/fuzz_%.c $(FUZZ_LIB) \
		$(wildcard include/core/*.h include/user/*.h selftests/native/wire_*.h)
	@mkdir -p $(dir $@)
	$(quiet) FUZZ-CC $<
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_LIB) $(FUZZ_LDLIBS)

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

# The generated seeds, then the operators' files as they are shipped.
$(FUZZ_DIR)/corpus_gen: selftests/fuzz/corpus_gen.c $(CORE_LIB) $(USER_LIB) \
		$(wildcard selftests/native/wire_*.h)
	@mkdir -p $(dir $@)
	$(quiet) CC $<
	$(Q)$(CC) $(USER_CFLAGS) -o $@ $< $(USER_LIB) $(CORE_LIB) $(FUZZ_LDLIBS)

fuzz-corpus: $(FUZZ_DIR)/corpus_gen
	$(Q)rm -rf $(FUZZ_SEEDS) && mkdir -p $(FUZZ_SEEDS)
	$(Q)$(FUZZ_DIR)/corpus_gen $(FUZZ_SEEDS)
	$(Q)mkdir -p $(FUZZ_SEEDS)/fuzz_config $(FUZZ_SEEDS)/fuzz_matrix_json
	$(Q)cp configs/*.yaml selftests/native/config_cases/*.yaml \
		$(FUZZ_SEEDS)/fuzz_config/
	$(Q)cp configs/*.json $(FUZZ_SEEDS)/fuzz_matrix_json/
	@echo "  CORPUS   $$(find $(FUZZ_SEEDS) -type f | wc -l) seeds in $(FUZZ_SEEDS)"
