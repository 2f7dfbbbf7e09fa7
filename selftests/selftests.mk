# SPDX-License-Identifier: GPL-2.0
#
# Tests. Two kinds, both printing TAP through the kernel's kselftest_harness.h
# (taken from Debian's linux-source-6.1 tarball into $(BUILD)/kselftest):
#
#   selftests/native/*.c   native unit tests of the portable core and the
#                          userspace code, built with ASan+UBSan, run on the host
#   selftests/native/*.sh  native script tests (agictl without the module)
#   selftests/*.c, *.sh    VM tests (see selftests/Makefile), run inside QEMU
#                          by `make vm-check` (selftests/vm/vm.mk)
#
# `make check` runs both and ends with "N passed, N failed"; the counting
# rule is in selftests/vm/check.sh.

KSFT_TARBALL ?= $(firstword $(wildcard /usr/src/linux-source-6.1.tar.xz))
KSFT_DIR := $(BUILD)/kselftest
KSFT_HARNESS := $(KSFT_DIR)/kselftest_harness.h

$(KSFT_HARNESS):
	@test -n "$(KSFT_TARBALL)" || { echo "linux-source-6.1 is not installed (make deps)" >&2; exit 1; }
	$(quiet) EXTRACT "kselftest_harness.h from $(KSFT_TARBALL)"
	@mkdir -p $(KSFT_DIR)
	$(Q)tar -xJf $(KSFT_TARBALL) -C $(KSFT_DIR) --strip-components=4 --wildcards \
		'*/tools/testing/selftests/kselftest_harness.h' \
		'*/tools/testing/selftests/kselftest.h'
	@touch $@

NATIVE_C := $(wildcard selftests/native/*.c)
NATIVE_SH := $(wildcard selftests/native/*.sh)
NATIVE_BINS := $(NATIVE_C:%.c=$(BUILD)/san/%)
NATIVE_LDLIBS := -lcbor -lsodium -lyaml -lm
# The harness's own code trips a few of our stricter warnings.
KSFT_CFLAGS := -I$(KSFT_DIR) -Wno-shadow -Wno-missing-prototypes \
	-Wno-strict-prototypes -Wno-unused-parameter -Wno-sign-compare

$(BUILD)/san/selftests/native/%: selftests/native/%.c $(CORE_LIB_SAN) $(KSFT_HARNESS)
	@mkdir -p $(dir $@)
	$(quiet) CC-SAN $<
	$(Q)$(CC) $(USER_CFLAGS) $(SAN_FLAGS) $(KSFT_CFLAGS) -o $@ $< $(CORE_LIB_SAN) $(NATIVE_LDLIBS)

native-tests: $(NATIVE_BINS) $(AGICTL)

# Runs every native test; the TAP goes to $(BUILD)/native.tap for the summary.
native-check: native-tests
	$(Q)selftests/run-native.sh $(BUILD) $(NATIVE_BINS) $(NATIVE_SH)

# The replication layer's stress, both cases, STRESS_SECONDS each (see
# selftests/native/repl_stress.sh; make check runs them for 10 and 15 s).
.PHONY: stress
stress: native-tests
	$(Q)REPL_STRESS=$(BUILD)/san/selftests/native/repl/repl_stress \
		REPL_STRESS_MODES="churn stop" \
		selftests/native/repl_stress.sh $(or $(STRESS_SECONDS),15)
