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
	seal_test keys_test repl_test agiplant_test modbus_map_test job_test \
	membership_test)
$(USER_TESTS): $(USER_LIB_SAN)
$(USER_TESTS): NATIVE_LDLIBS += $(USER_LIB_SAN) $(CORE_LIB_SAN) $(USER_LDLIBS)

# --- libagiplant: a plant's endpoint (agiplant.h), for programs outside ---
# the tree: agiplant.o and what it calls of this library and of the core,
# in one archive, with its header and a pkg-config file (agiplant.pc).
# configs/plant_example.c is built against exactly what is installed.
AGIPLANT_LIB := $(BUILD)/obj/libagiplant.a
AGIPLANT_OBJS := $(addprefix $(BUILD)/obj/include/user/,agiplant.o seal.o file.o session.o handshake.o \
	keys.o parse.o) $(CORE_SRCS:%.c=$(BUILD)/obj/%.o)
AGIPLANT_LDLIBS := -lsodium -lm
PLANT_EXAMPLE := $(BUILD)/plant_example
AGIPLANT_SOVERSION := 0
AGIPLANT_SO := $(BUILD)/pic/libagiplant.so.$(AGIPLANT_SOVERSION)
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include

userspace: $(AGIPLANT_LIB) $(AGIPLANT_SO) $(PLANT_EXAMPLE)

$(AGIPLANT_LIB): $(AGIPLANT_OBJS) include/user/user.mk
	$(quiet) AR $@
	$(Q)rm -f $@ && ar rcs $@ $(filter %.o,$^)

# The same objects position-independent, as the shared libagiplant.so.0
# that the Python module (include/user/python/agiplant.py) loads through
# ctypes. It exports the agiplant_* calls only (agiplant.map), so the
# core's and this library's internals stay private to it. No libagiplant.so
# link is installed: -lagiplant (agiplant.pc) stays the archive, and a C
# plant needs no library at run time.
AGIPLANT_PIC_OBJS := $(AGIPLANT_OBJS:$(BUILD)/obj/%=$(BUILD)/pic/%)
AGIPLANT_PY := include/user/python/agiplant.py
# Debian's python3 finds modules in PREFIX=/usr's lib/python3/dist-packages
# and in other prefixes' lib/python3.X/dist-packages.
PYTHON3 ?= /usr/bin/python3
PYTHONDIR ?= $(PREFIX)/lib/$(if $(filter /usr,$(PREFIX)),python3,$(shell \
	$(PYTHON3) -c 'import sys; print("python%d.%d" % sys.version_info[:2])' \
	2>/dev/null || echo python3))/dist-packages

$(BUILD)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(quiet) CC-PIC $<
	$(Q)$(CC) $(USER_CFLAGS) -fPIC -c -o $@ $<

$(AGIPLANT_SO): $(AGIPLANT_PIC_OBJS) include/user/agiplant.map include/user/user.mk
	$(quiet) LD $@
	$(Q)$(CC) -shared -Wl,-soname,libagiplant.so.$(AGIPLANT_SOVERSION) \
		-Wl,--version-script=include/user/agiplant.map -Wl,-z,defs \
		-o $@ $(filter %.o,$^) $(AGIPLANT_LDLIBS)

# Only the public header's directory, as an installed user compiles it.
$(PLANT_EXAMPLE): configs/plant_example.c include/user/agiplant.h $(AGIPLANT_LIB)
	$(quiet) LD $@
	$(Q)$(CC) -std=gnu11 $(CFLAGS) -Wall -Wextra -Werror -Iinclude/user \
		-o $@ $< $(AGIPLANT_LIB) $(AGIPLANT_LDLIBS)

install: install-agiplant
# agiplant.pc is written here, for the PREFIX of this install.
# The Python module is told where the shared library is installed
# (AGIPLANT_PY_LIBRARY; empty: the loader's path, as the .deb's
# architecture-independent python3-agiplant does).
AGIPLANT_PY_LIBRARY ?= $(LIBDIR)/$(notdir $(AGIPLANT_SO))
install-agiplant: $(AGIPLANT_LIB) $(AGIPLANT_SO)
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR) \
		$(DESTDIR)$(PYTHONDIR)
	install -m 0644 $(AGIPLANT_LIB) $(DESTDIR)$(LIBDIR)/libagiplant.a
	install -m 0755 $(AGIPLANT_SO) $(DESTDIR)$(LIBDIR)/$(notdir $(AGIPLANT_SO))
	sed 's|^_INSTALLED_LIBRARY = None$$|_INSTALLED_LIBRARY = $(if $(AGIPLANT_PY_LIBRARY),"$(AGIPLANT_PY_LIBRARY)",None)|' \
		$(AGIPLANT_PY) > $(DESTDIR)$(PYTHONDIR)/agiplant.py
	chmod 0644 $(DESTDIR)$(PYTHONDIR)/agiplant.py
	install -m 0644 include/user/agiplant.h $(DESTDIR)$(INCLUDEDIR)/agiplant.h
	printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$(LIBDIR)' \
		'includedir=$(INCLUDEDIR)' '' 'Name: agiplant' \
		'Description: connect a plant to an AGISWARM aggregator group' \
		'Version: $(VERSION)' 'Cflags: -I$${includedir}' \
		'Libs: -L$${libdir} -lagiplant $(AGIPLANT_LDLIBS)' \
		> $(DESTDIR)$(LIBDIR)/pkgconfig/agiplant.pc
	chmod 0644 $(DESTDIR)$(LIBDIR)/pkgconfig/agiplant.pc
.PHONY: install-agiplant

# selftests/native/agiplant_python.sh loads the shared library.
native-tests: $(AGIPLANT_SO)
