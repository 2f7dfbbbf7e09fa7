# SPDX-License-Identifier: GPL-2.0
#
# agictl, the operator tool: the front end over libagiuser.a. agictl.c is
# the dispatch table, report.c how usage errors and failures are told,
# and one file per object (status.c, node.c, law.c, peer.c, matrix.c,
# config.c, input.c, fault.c, metrics.c, monitor.c, fixed.c, keygen.c,
# commit.c, audit.c) turns its command line into a typed request of the
# library and prints the answer.

AGICTL_SRCS := $(wildcard cli/*.c)
AGICTL := $(BUILD)/agictl

userspace: $(AGICTL)

$(AGICTL): $(AGICTL_SRCS:%.c=$(BUILD)/obj/%.o) $(USER_LIB) $(CORE_LIB)
	$(quiet) LD $@
	$(Q)$(CC) $(USER_CFLAGS) -o $@ $^ $(USER_LDLIBS)

# The man page goes with the binary.
install: install-man
install-man:
	install -d $(DESTDIR)$(MANDIR)/man8
	install -m 0644 cli/agictl.8 $(DESTDIR)$(MANDIR)/man8/agictl.8
.PHONY: install-man
