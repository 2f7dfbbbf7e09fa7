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
#                      the same for the userspace tests that need
#                      libsodium/libcbor/libyaml where Debian has those
#                      libraries for the triple (cross-libs below), then
#                      compile userspace for each triple
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

# The native core tests that need only the portable core and libc, built
# for each triple too and run under qemu-user by cross_check.sh with one
# fixed seed (those that need libcbor, libsodium or libyaml are cross-libs'
# below, for armhf only). Their __int128 oracles need clang's
# -fforce-enable-int128 on 32-bit targets, so there the test file is
# compiled by clang (with AGI_WIDE_PORTABLE, the path a 32-bit GCC takes),
# the core by <triple>-gcc as a router's build would, and both linked
# statically by <triple>-gcc with selftests/cross/int128_rt.c.
CROSS_TESTS := fixed wide code code_mds
CROSS_TEST_CFLAGS := $(CROSS_CFLAGS) -I$(KSFT_DIR) -Wno-shadow \
	-Wno-unused-parameter -Wno-sign-compare -Wno-pointer-to-int-cast
CROSS_TEST_HAVE := $(if $(shell command -v $(CLANG)),$(CROSS_HAVE))
CROSS_TEST_BINS = $(foreach t,x86_64 $(1),$(CROSS_TESTS:%=$(CROSS_DIR)/$(t)/%_test))

$(CROSS_DIR)/x86_64/%_test: selftests/native/%_test.c $(CORE_SRCS) \
		$(wildcard include/core/*.h) $(KSFT_HARNESS)
	@mkdir -p $(dir $@)
	$(quiet) CC $@
	$(Q)$(CC) $(CROSS_TEST_CFLAGS) -o $@ $< $(CORE_SRCS) -lm

# cross_test TRIPLE: the core library and the test binaries for TRIPLE.
define cross_test
$(CROSS_DIR)/$(1)/libagicore.a: $(CORE_SRCS) $(wildcard include/core/*.h)
	@mkdir -p $(CROSS_DIR)/$(1)/core
	$$(quiet) CROSS "$$@ ($(1)-gcc)"
	$(Q)rm -f $$@ && for c in $(CORE_SRCS); do \
		o=$(CROSS_DIR)/$(1)/core/$$$$(basename $$$${c%.c}).o; \
		$(1)-gcc $(CROSS_CFLAGS) -c -o $$$$o $$$$c || exit 1; \
		ar rcs $$@ $$$$o || exit 1; done

$(CROSS_DIR)/$(1)/%_test: selftests/native/%_test.c \
		$(CROSS_DIR)/$(1)/libagicore.a selftests/cross/int128_rt.c \
		$(wildcard include/core/*.h) $(KSFT_HARNESS)
	$$(quiet) CROSS "$$@ ($(CLANG) --target=$(1), $(1)-gcc)"
	$(Q)$(CLANG) --target=$(1) -fforce-enable-int128 -DAGI_WIDE_PORTABLE= \
		$(CROSS_TEST_CFLAGS) -c -o $$@.o $$<
	$(Q)$(CLANG) --target=$(1) -fforce-enable-int128 $(CROSS_TEST_CFLAGS) \
		-c -o $$@.rt.o selftests/cross/int128_rt.c
	$(Q)$(1)-gcc -static -o $$@ $$@.o $$@.rt.o $(CROSS_DIR)/$(1)/libagicore.a -lm
endef
$(foreach t,$(CROSS_TRIPLES),$(eval $(call cross_test,$(t))))

cross-tests: $(CROSS_BINS) $(call CROSS_TEST_BINS,$(CROSS_TEST_HAVE))

# The native test run compares them too (selftests/native/cross_core.sh).
native-tests: cross-tests

# The userspace tests that need libsodium, libcbor or libyaml, and agictl
# and agiswarmd linked, for each triple whose Debian architecture the
# archive carries (armhf; Debian 12 has no big-endian mips port: the
# status file says so and cross_check.sh skips with that reason):
# cross_deps.sh installs CROSS_LIB_DEBS for it (multiarch, PKG:ARCH), then
# make's own rules run again with <triple>-gcc into
# $(CROSS_DIR)/<triple>/full, without sanitizers (qemu-user runs no ASan;
# the objects still go to full/san/), and the same with $(CC) into
# $(CROSS_DIR)/x86_64/full for the reference. Only make cross-check.
CROSS_LIB_TESTS := seal audit cbor keys handshake session poa daemon_msg \
	repl agiplant config wire wire_doc wire_reject
CROSS_LIB_DEBS := libsodium-dev libcbor-dev libyaml-dev libmnl-dev \
	libjansson-dev libuv1-dev libmicrohttpd-dev libraft-dev
CROSS_LIB_STATUS := $(CROSS_DIR)/libs.status
# cross_full DIR CC: agictl, agiswarmd and the CROSS_LIB_TESTS in DIR.
cross_full = $(MAKE) -s CC=$(2) BUILD=$(1) KSFT_DIR=$(KSFT_DIR) SAN_FLAGS='-O1 -g' \
	KSFT_CFLAGS='$(KSFT_CFLAGS) -Wno-pointer-to-int-cast' \
	$(addprefix $(1)/,agictl agiswarmd $(CROSS_LIB_TESTS:%=san/selftests/native/%_test))

.PHONY: cross-libs
cross-libs: $(KSFT_HARNESS)
	@mkdir -p $(CROSS_DIR)
	$(Q)CROSS_LIB_DEBS='$(CROSS_LIB_DEBS)' selftests/cross/cross_deps.sh \
		$(CROSS_LIB_STATUS) $(CROSS_TRIPLES)
	$(Q)$(call cross_full,$(CROSS_DIR)/x86_64/full,$(CC))
	$(Q)for t in $$(awk '$$3 == "ready" { print $$1 }' $(CROSS_LIB_STATUS)); do \
		$(call cross_full,$(CROSS_DIR)/$$t/full,$$t-gcc) || \
		sed -i "s|^$$t \([^ ]*\) ready\$$|$$t \1 failed the build with $$t-gcc failed|" \
			$(CROSS_LIB_STATUS); \
	done

# The quick part (the digests) and the slow one: userspace compiled for
# each triple, and agiswarm.ko for 32-bit ARM against linux-source-6.1
# (configured once into /var/cache/agiswarm: minutes the first time).
cross-check: $(CROSS_TRIPLES:%=$(CROSS_DIR)/%/core_digest) \
		$(CROSS_DIR)/x86_64/core_digest $(CROSS_DIR)/portable/core_digest \
		$(call CROSS_TEST_BINS,$(CROSS_TRIPLES)) cross-libs
	$(Q)CROSS_TRIPLES='$(CROSS_TRIPLES)' CROSS_TESTS='$(CROSS_TESTS)' CROSS_REQUIRE=1 \
		CROSS_LIB_TESTS='$(CROSS_LIB_TESTS)' \
		selftests/cross/cross_check.sh $(BUILD) > $(CROSS_DIR)/check.tap; \
		rc=$$?; cat $(CROSS_DIR)/check.tap; \
	CROSS_TRIPLES='$(CROSS_TRIPLES)' selftests/cross/userspace.sh $(BUILD) \
		> $(CROSS_DIR)/userspace.tap || rc=1; cat $(CROSS_DIR)/userspace.tap; \
	selftests/cross/kmod_arm.sh $(BUILD) > $(CROSS_DIR)/kmod.tap || rc=1; \
		cat $(CROSS_DIR)/kmod.tap; \
	! grep -q '^not ok' $(CROSS_DIR)/*.tap && [ $$rc = 0 ]
