# SPDX-License-Identifier: GPL-2.0
#
# agictl, the operator tool: agictl.c is the dispatch table, one file per
# object (status.c, node.c, fixed.c), nl.c talks generic netlink through
# libmnl and print.c is the one text/JSON printing path.

AGICTL_SRCS := $(wildcard cli/*.c)
AGICTL := $(BUILD)/agictl
# libm: the core's userspace decimal parser rounds with round().
AGICTL_LDLIBS := $(LDLIBS_MNL) -lm

userspace: $(AGICTL)

$(AGICTL): $(AGICTL_SRCS:%.c=$(BUILD)/obj/%.o) $(CORE_LIB)
	$(quiet) LD $@
	$(Q)$(CC) $(USER_CFLAGS) -o $@ $^ $(AGICTL_LDLIBS)
