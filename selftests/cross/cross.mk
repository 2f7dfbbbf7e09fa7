# SPDX-License-Identifier: GPL-2.0
#
# The portable core on 32-bit and big-endian machines (routers without an
# FPU or __int128). selftests/cross/core_digest.c is built
#
#   $(BUILD)/cross/x86_64/core_digest     natively, 128-bit products native
#   $(BUILD)/cross/portable/core_digest   natively, AGI_WIDE_PORTABLE, with
#                                         ASan+UBSan
#   $(BUILD)/cross/<triple>/core_digest   static, with Debian's cross
#                                         compiler <triple>-gcc, for each
#                                         triple of CROSS_TRIPLES
#
# and selftests/cross/cross_check.sh runs the cross builds under qemu-user
# and requires their output to equal the native one, line for line.
#
#   make cross-check   build and compare (a missing compiler or qemu fails),
#                      then compile userspace for each triple
#                      (selftests/cross/userspace.sh) and build agiswarm.ko
#                      for 32-bit ARM, W=1 (selftests/cross/kmod_arm.sh)
#   make check         runs the same comparison through
#                      selftests/native/cross_core.sh, which skips (and says
#                      so) when the tools are not installed

CROSS_TRIPLES ?= arm-linux-gnueabihf mips-linux-gnu
CROSS_DIR := $(BUILD)/cross
CROSS_SRCS := selftests/cross/core_digest.c $(CORE_SRCS)
CROSS_CFLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -Wshadow \
	-Wno-missing-field-initializers -Wno-unused-function -Iinclude \
	-D_GNU_SOURCE -DAGI_NO_LIBCBOR
# Only the triples whose compiler is installed; cross-check insists on all.
CROSS_HAVE := $(foreach t,$(CROSS_TRIPLES),$(if $(shell command -v $(t)-gcc),$(t)))
CROSS_BINS := $(CROSS_DIR)/x86_64/core_digest $(CROSS_DIR)/portable/core_digest \
	$(CROSS_HAVE:%=$(CROSS_DIR)/%/core_digest)

.PHONY: cross-tests cross-check

$(CROSS_DIR)/x86_64/core_digest: $(CROSS_SRCS) $(wildcard include/core/*.h)
	@mkdir -p $(dir $@)
	$(quiet) CC $@
	$(Q)$(CC) $(CROSS_CFLAGS) -o $@ $(CROSS_SRCS) -lm

$(CROSS_DIR)/portable/core_digest: $(CROSS_SRCS) $(wildcard include/core/*.h)
	@mkdir -p $(dir $@)
	$(quiet) CC-SAN $@
	$(Q)$(CC) $(CROSS_CFLAGS) $(SAN_FLAGS) -DAGI_WIDE_PORTABLE -o $@ $(CROSS_SRCS) -lm

$(CROSS_DIR)/%/core_digest: $(CROSS_SRCS) $(wildcard include/core/*.h)
	@mkdir -p $(dir $@)
	$(quiet) CROSS "$@ ($*-gcc)"
	$(Q)$*-gcc $(CROSS_CFLAGS) -static -o $@ $(CROSS_SRCS) -lm

cross-tests: $(CROSS_BINS)

# The native test run compares them too (selftests/native/cross_core.sh).
native-tests: cross-tests

# The quick part (the digests) and the slow one: userspace compiled for
# each triple, and agiswarm.ko for 32-bit ARM against linux-source-6.1
# (configured once into /var/cache/agiswarm: minutes the first time).
cross-check: $(CROSS_TRIPLES:%=$(CROSS_DIR)/%/core_digest) \
		$(CROSS_DIR)/x86_64/core_digest $(CROSS_DIR)/portable/core_digest
	$(Q)CROSS_TRIPLES='$(CROSS_TRIPLES)' CROSS_REQUIRE=1 \
		selftests/cross/cross_check.sh $(BUILD) > $(CROSS_DIR)/check.tap; \
		rc=$$?; cat $(CROSS_DIR)/check.tap; \
	CROSS_TRIPLES='$(CROSS_TRIPLES)' selftests/cross/userspace.sh $(BUILD) \
		> $(CROSS_DIR)/userspace.tap || rc=1; cat $(CROSS_DIR)/userspace.tap; \
	selftests/cross/kmod_arm.sh $(BUILD) > $(CROSS_DIR)/kmod.tap || rc=1; \
		cat $(CROSS_DIR)/kmod.tap; \
	! grep -q '^not ok' $(CROSS_DIR)/*.tap && [ $$rc = 0 ]
