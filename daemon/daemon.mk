# SPDX-License-Identifier: GPL-2.0
#
# agiswarmd, the control-plane daemon: its event loop and handlers over
# libagiuser.a (include/user/user.mk), which holds everything it shares
# with agictl.

AGISWARMD := $(BUILD)/agiswarmd
AGISWARMD_SRCS := $(wildcard daemon/*.c)

userspace: $(AGISWARMD)

$(AGISWARMD): $(AGISWARMD_SRCS:%.c=$(BUILD)/obj/%.o) $(USER_LIB) $(CORE_LIB)
	$(quiet) LD $@
	$(Q)$(CC) $(USER_CFLAGS) -o $@ $^ $(USER_LDLIBS) -lraft -luv -lmicrohttpd -lpthread

# config_test also runs the agiswarmd binary.
native-tests: $(AGISWARMD)

install: install-daemon
install-daemon: $(AGISWARMD)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)/etc/agiswarm $(DESTDIR)/lib/systemd/system
	install -m 0755 $(AGISWARMD) $(DESTDIR)$(SBINDIR)/agiswarmd
	install -m 0644 daemon/agiswarmd.8 $(DESTDIR)$(MANDIR)/man8/agiswarmd.8
	sed 's|@SBINDIR@|$(SBINDIR)|' daemon/agiswarmd.service \
		>$(DESTDIR)/lib/systemd/system/agiswarmd.service
	@# The service runs in /var/lib/agiswarm: the matrix gets an absolute path.
	test -e $(DESTDIR)/etc/agiswarm/app_config.yaml || \
		sed 's|^\(  file: \)configs/swarm_matrix.json|\1/etc/agiswarm/swarm_matrix.json|' \
		configs/app_config.yaml >$(DESTDIR)/etc/agiswarm/app_config.yaml
	test -e $(DESTDIR)/etc/agiswarm/swarm_matrix.json || \
		install -m 0644 configs/swarm_matrix.json $(DESTDIR)/etc/agiswarm/swarm_matrix.json
.PHONY: install-daemon

# The replicated log's test member (selftests/native/repl_group.sh): the
# daemon's replication code without the module, sanitized.
REPL_NODE := $(BUILD)/san/selftests/native/repl/repl_node
# The replication layer under stress (selftests/native/repl_stress.sh).
REPL_STRESS := $(BUILD)/san/selftests/native/repl/repl_stress
REPL_SRCS := daemon/repl.c daemon/repl_transport.c daemon/prom_text.c
$(REPL_NODE) $(REPL_STRESS): $(BUILD)/san/selftests/native/repl/%: \
		selftests/native/repl/%.c $(REPL_SRCS:%.c=$(BUILD)/san/%.o) \
		$(USER_LIB_SAN) $(CORE_LIB_SAN)
	@mkdir -p $(dir $@)
	$(quiet) CC-SAN $<
	$(Q)$(CC) $(USER_CFLAGS) $(SAN_FLAGS) -o $@ $< \
		$(REPL_SRCS:%.c=$(BUILD)/san/%.o) $(USER_LIB_SAN) $(CORE_LIB_SAN) \
		$(USER_LDLIBS) -lraft -luv
native-tests: $(REPL_NODE) $(REPL_STRESS)
