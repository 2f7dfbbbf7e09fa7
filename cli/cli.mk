# SPDX-License-Identifier: GPL-2.0
#
# agictl, the operator tool: agictl.c is the dispatch table, one file per
# object (status.c, node.c, law.c, peer.c, matrix.c, input.c, fault.c,
# metrics.c, monitor.c, fixed.c), parse.c the shared command-line values,
# matrix_json.c the matrix files (libjansson), nl.c talks generic netlink
# through libmnl and print.c is the one text/JSON printing path.

AGICTL_SRCS := $(wildcard cli/*.c)
AGICTL := $(BUILD)/agictl
# libm: the core's userspace decimal parser rounds with round().
AGICTL_LDLIBS := $(LDLIBS_MNL) -ljansson -lsodium -lcbor -lm

userspace: $(AGICTL)

# libagiuser.a (daemon/daemon.mk, included after this file): keys, commits, audit.
$(AGICTL): $(AGICTL_SRCS:%.c=$(BUILD)/obj/%.o) $(CORE_LIB) $(BUILD)/obj/libagiuser.a
	$(quiet) LD $@
	$(Q)$(CC) $(USER_CFLAGS) -o $@ $^ $(AGICTL_LDLIBS)

# The man page goes with the binary.
install: install-man
install-man:
	install -d $(DESTDIR)$(MANDIR)/man8
	install -m 0644 cli/agictl.8 $(DESTDIR)$(MANDIR)/man8/agictl.8
.PHONY: install-man
