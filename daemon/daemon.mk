# SPDX-License-Identifier: GPL-2.0
#
# agiswarmd, the control-plane daemon, and libagiuser.a: the userspace-only
# code that agictl and agiswarmd share (configuration, keys, commits, audit
# log; agictl's matrix and endpoint readers, so that both programs accept
# exactly the same files). Add shared sources to USER_LIB_SRCS.

USER_LIB_SRCS := daemon/config.c daemon/config_keys.c \
	daemon/keys.c daemon/commit.c daemon/audit.c daemon/msg.c \
	cli/matrix_json.c cli/parse.c cli/print.c cli/report.c \
	cli/nl.c cli/node.c cli/law.c cli/peer.c cli/matrix.c cli/status.c \
	cli/metrics.c
USER_LIB := $(BUILD)/obj/libagiuser.a
USER_LIB_SAN := $(BUILD)/san/libagiuser.a
USER_LDLIBS := -ljansson -lyaml -lsodium -lcbor -lm
AGISWARMD := $(BUILD)/agiswarmd

userspace: $(AGISWARMD)

# daemon.mk is a prerequisite so that a source added to the list is archived.
$(USER_LIB): $(USER_LIB_SRCS:%.c=$(BUILD)/obj/%.o) daemon/daemon.mk
	$(quiet) AR $@
	$(Q)rm -f $@ && ar rcs $@ $(filter %.o,$^)

$(USER_LIB_SAN): $(USER_LIB_SRCS:%.c=$(BUILD)/san/%.o) daemon/daemon.mk
	$(quiet) AR $@
	$(Q)rm -f $@ && ar rcs $@ $(filter %.o,$^)

AGISWARMD_OBJS := $(addprefix $(BUILD)/obj/daemon/,agiswarmd.o program.o \
	runtime.o upcall.o module.o commits.o members.o heartbeat.o \
	metrics_csv.o)

$(AGISWARMD): $(AGISWARMD_OBJS) $(USER_LIB) $(CORE_LIB)
	$(quiet) LD $@
	$(Q)$(CC) $(USER_CFLAGS) -o $@ $^ $(USER_LDLIBS) $(LDLIBS_MNL) -luv

# Native tests of the shared code link the sanitized library before the
# core it calls into; selftests.mk's pattern rule does the rest.
USER_TESTS := $(addprefix $(BUILD)/san/selftests/native/,config_test poa_test audit_test \
	daemon_msg_test)
$(USER_TESTS): $(USER_LIB_SAN)
# config_test also runs the agiswarmd binary.
native-tests: $(AGISWARMD)
$(USER_TESTS): NATIVE_LDLIBS += $(USER_LIB_SAN) $(CORE_LIB_SAN) $(USER_LDLIBS)

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
