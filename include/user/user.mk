# SPDX-License-Identifier: GPL-2.0
#
# libagiuser.a, the userspace library below agictl (cli/) and agiswarmd
# (daemon/), above the portable core (include/core/, libagicore.a):
#
#   cli, daemon  ->  include/user  ->  include/core
#
# One file per topic, each with its header: netlink (nl), the typed
# requests to the module (status, node, peer, matrix, input, fault,
# metrics, upcall), the enums' words (names), operators' values (parse),
# the text/JSON printer (print), the matrix files (matrix_json), keys,
# signed commits and the audit log (keys, commit, audit), the daemons'
# datagrams (msg) and the configuration (config, config_keys). Nothing
# here includes a file of cli/ or daemon/.

USER_SRCS := $(wildcard include/user/*.c)
USER_LIB := $(BUILD)/obj/libagiuser.a
USER_LIB_SAN := $(BUILD)/san/libagiuser.a
# What a program linking the library links after it and libagicore.a
# (libm: the core's decimal parser rounds with round()).
USER_LDLIBS := $(LDLIBS_MNL) -ljansson -lyaml -lsodium -lm

# user.mk is a prerequisite so that a source added here is archived.
$(USER_LIB): $(USER_SRCS:%.c=$(BUILD)/obj/%.o) include/user/user.mk
	$(quiet) AR $@
	$(Q)rm -f $@ && ar rcs $@ $(filter %.o,$^)

$(USER_LIB_SAN): $(USER_SRCS:%.c=$(BUILD)/san/%.o) include/user/user.mk
	$(quiet) AR $@
	$(Q)rm -f $@ && ar rcs $@ $(filter %.o,$^)

# Native tests of the library link the sanitized library before the core
# it calls into; selftests.mk's pattern rule does the rest.
USER_TESTS := $(addprefix $(BUILD)/san/selftests/native/,config_test \
	poa_test audit_test daemon_msg_test handshake_test session_test \
	seal_test keys_test repl_test agiplant_test)
$(USER_TESTS): $(USER_LIB_SAN)
$(USER_TESTS): NATIVE_LDLIBS += $(USER_LIB_SAN) $(CORE_LIB_SAN) $(USER_LDLIBS)
