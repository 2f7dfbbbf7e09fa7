# SPDX-License-Identifier: GPL-2.0
#
# agictl, the operator tool.

AGICTL_SRCS := $(wildcard cli/*.c)
AGICTL := $(BUILD)/agictl

userspace: $(AGICTL)

$(AGICTL): $(AGICTL_SRCS:%.c=$(BUILD)/obj/%.o) $(CORE_LIB)
	$(quiet) LD $@
	$(Q)$(CC) $(USER_CFLAGS) -o $@ $^ $(LDLIBS_MNL)
