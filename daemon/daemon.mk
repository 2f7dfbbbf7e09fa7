# SPDX-License-Identifier: GPL-2.0
#
# agiswarmd and libagiuser.a, the userspace-only code that agictl and
# agiswarmd share: keys.c (operator keys, authorized_keys), commit.c
# (signed commits, COMMIT/COMMIT_ACK) and audit.c (the hash-chained audit
# log). The sanitized copy links into the native tests.

AGIUSER_SRCS := daemon/keys.c daemon/commit.c daemon/audit.c
AGIUSER_LIB := $(BUILD)/obj/libagiuser.a
AGIUSER_LIB_SAN := $(BUILD)/san/libagiuser.a
AGIUSER_LDLIBS := -lsodium -lcbor

$(AGIUSER_LIB): $(AGIUSER_SRCS:%.c=$(BUILD)/obj/%.o)
	$(quiet) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^

$(AGIUSER_LIB_SAN): $(AGIUSER_SRCS:%.c=$(BUILD)/san/%.o)
	$(quiet) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^
