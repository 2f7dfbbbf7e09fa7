# SPDX-License-Identifier: GPL-2.0
#
# agictl, the operator tool: the front end over libagiuser.a. agictl.c is
# the dispatch table, report.c how usage errors and failures are told,
# and one file per object (status.c, node.c, law.c, peer.c, matrix.c,
# config.c, input.c, fault.c, metrics.c, monitor.c, fixed.c, keygen.c,
# commit.c, audit.c, job.c, group.c) turns its command line into a typed request of the
# library and prints the answer.

AGICTL_SRCS := $(filter-out cli/agiswarm-modbus.c,$(wildcard cli/*.c))
AGICTL := $(BUILD)/agictl

userspace: $(AGICTL)

$(AGICTL): $(AGICTL_SRCS:%.c=$(BUILD)/obj/%.o) $(USER_LIB) $(CORE_LIB)
	$(quiet) LD $@
	$(Q)$(CC) $(USER_CFLAGS) -o $@ $^ $(USER_LDLIBS)

# agiswarm-modbus, a Modbus/TCP device as a plant: libagiplant (in
# libagiuser.a), the mapping (include/user/modbus_map.c) and Debian's
# libmodbus.
AGISWARM_MODBUS := $(BUILD)/agiswarm-modbus
LDLIBS_MODBUS := -lmodbus

userspace: $(AGISWARM_MODBUS)

$(AGISWARM_MODBUS): $(BUILD)/obj/cli/agiswarm-modbus.o $(USER_LIB) $(CORE_LIB)
	$(quiet) LD $@
	$(Q)$(CC) $(USER_CFLAGS) -o $@ $^ $(USER_LDLIBS) $(LDLIBS_MODBUS)

# The man pages go with the binaries.
install: install-man
install-man: $(AGISWARM_MODBUS)
	install -d $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(SBINDIR)
	install -m 0644 cli/agictl.8 $(DESTDIR)$(MANDIR)/man8/agictl.8
	install -m 0755 $(AGISWARM_MODBUS) $(DESTDIR)$(SBINDIR)/agiswarm-modbus
	install -m 0644 cli/agiswarm-modbus.8 $(DESTDIR)$(MANDIR)/man8/agiswarm-modbus.8
.PHONY: install-man
