# SPDX-License-Identifier: GPL-2.0
#
# The portable core: every .c here is compiled into agiswarm.ko (through
# kmod/core.c) and into libagicore.a for the userspace programs and tests.

CORE_SRCS := $(wildcard include/core/*.c)
CORE_LIB := $(BUILD)/obj/libagicore.a
CORE_LIB_SAN := $(BUILD)/san/libagicore.a

$(CORE_LIB): $(CORE_SRCS:%.c=$(BUILD)/obj/%.o)
	$(quiet) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^

$(CORE_LIB_SAN): $(CORE_SRCS:%.c=$(BUILD)/san/%.o)
	$(quiet) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^
