# SPDX-License-Identifier: GPL-2.0
#
# Packages (files in configs/packaging/):
#
#   make dkms-source  $(BUILD)/pkg/dkms/usr/src/agiswarm-VERSION: kmod/,
#                     include/core, include/uapi and dkms.conf
#   make dkms         dkms add, build and install it for KVER (the kernel
#                     whose headers KDIR is: the running one's when
#                     installed); `dkms remove agiswarm/VERSION --all` undoes
#   make deb          $(BUILD)/deb/agiswarm_VERSION_ARCH.deb (agictl,
#                     agiswarmd, the systemd unit, man pages, the default
#                     configuration as conffiles, the Wireshark dissector)
#                     and agiswarm-dkms_VERSION_all.deb (the module through
#                     DKMS); libagiplant0 (libagiplant.so.0 in the
#                     multiarch libdir, shlibs, ldconfig trigger),
#                     libagiplant-dev (agiplant.h, libagiplant.a,
#                     agiplant.pc) and python3-agiplant (the module, which
#                     finds libagiplant.so.0 on the loader's path); with
#                     dpkg-deb, Depends from the binaries' libraries
#   make openwrt      $(BUILD)/openwrt/agiswarm: the OpenWrt packages
#                     kmod-agiswarm, agiswarm, libagiplant
#                     (configs/packaging/openwrt/agiswarm) with the source
#                     it builds from, ready to drop into a feed
#
# selftests/native/deb_install.sh installs the .deb into a clean Debian
# chroot and runs it; selftests/native/dkms_build.sh builds the module
# through dkms.

PKG_DIR := $(BUILD)/pkg
DKMS_SRC := $(PKG_DIR)/dkms/usr/src/agiswarm-$(VERSION)
DEB_DIR := $(BUILD)/deb
DEB_ARCH := $(shell dpkg --print-architecture 2>/dev/null || echo amd64)
KMOD_SRCS := $(filter-out %.mod.c,$(wildcard kmod/*.c kmod/*.h)) kmod/Kbuild kmod/Makefile
DKMS_FILES := $(KMOD_SRCS) $(wildcard include/core/*.c include/core/*.h \
	include/uapi/linux/*.h)

.PHONY: dkms-source dkms deb openwrt

dkms-source: $(DKMS_SRC)/dkms.conf
$(DKMS_SRC)/dkms.conf: configs/packaging/dkms.conf $(DKMS_FILES) Makefile \
		configs/packaging/packaging.mk
	$(quiet) STAGE "$(DKMS_SRC)"
	$(Q)rm -rf $(DKMS_SRC) && mkdir -p $(DKMS_SRC)
	$(Q)tar -cf - $(DKMS_FILES) | tar -xf - -C $(DKMS_SRC)
	$(Q)sed 's/@VERSION@/$(VERSION)/' configs/packaging/dkms.conf > $@

dkms: dkms-source
	@test -n "$(KVER)" || { echo "no kernel headers (make deps)" >&2; exit 1; }
	dkms remove agiswarm/$(VERSION) --all >/dev/null 2>&1 || true
	dkms add $(DKMS_SRC)
	dkms build agiswarm/$(VERSION) -k $(KVER)
	dkms install agiswarm/$(VERSION) -k $(KVER)

# pkg_debian STAGE NAME [BINARY...]: the control file (@DEPENDS@ from the
# BINARYs' libraries), maintainer scripts, shlibs and triggers of NAME,
# and the package built into $(DEB_DIR).
define pkg_debian
	$(Q)mkdir -p $(1)/DEBIAN
	$(Q)sed -e 's/@VERSION@/$(VERSION)/' -e 's/@ARCH@/$(DEB_ARCH)/' \
		-e "s/@DEPENDS@/$(if $(3),$$(selftests/lib/deb_depends.sh $(3)))/" \
		configs/packaging/deb/$(2).control > $(1)/DEBIAN/control
	$(Q)for s in postinst prerm shlibs triggers; do \
		test -f configs/packaging/deb/$(2).$$s || continue; \
		sed 's/@VERSION@/$(VERSION)/' configs/packaging/deb/$(2).$$s > $(1)/DEBIAN/$$s; \
		case $$s in post*|pre*) chmod 0755 $(1)/DEBIAN/$$s ;; \
		*) chmod 0644 $(1)/DEBIAN/$$s ;; esac; done
	$(Q)install -D -m 0644 LICENSE $(1)/usr/share/doc/$(2)/copyright
	$(Q)dpkg-deb --root-owner-group -Zxz --build $(1) \
		$(DEB_DIR)/$(2)_$(VERSION)_$$(sed -n 's/^Architecture: //p' $(1)/DEBIAN/control).deb >/dev/null
endef

# libagiplant's packages: one staged install, split by file.
DEB_MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
DEB_LIBDIR := /usr/lib/$(DEB_MULTIARCH)
define deb_agiplant
	$(Q)$(MAKE) -s install-agiplant DESTDIR=$(CURDIR)/$(PKG_DIR)/deb/agiplant \
		PREFIX=/usr LIBDIR=$(DEB_LIBDIR) PYTHONDIR=/usr/lib/python3/dist-packages \
		AGIPLANT_PY_LIBRARY= >/dev/null
	$(Q)cd $(PKG_DIR)/deb && \
		install -D -m 0644 -t libagiplant0$(DEB_LIBDIR) agiplant$(DEB_LIBDIR)/libagiplant.so.* && \
		install -D -m 0644 -t libagiplant-dev/usr/include agiplant/usr/include/agiplant.h && \
		install -D -m 0644 -t libagiplant-dev$(DEB_LIBDIR) agiplant$(DEB_LIBDIR)/libagiplant.a && \
		install -D -m 0644 -t libagiplant-dev$(DEB_LIBDIR)/pkgconfig \
			agiplant$(DEB_LIBDIR)/pkgconfig/agiplant.pc && \
		install -D -m 0644 -t python3-agiplant/usr/lib/python3/dist-packages \
			agiplant/usr/lib/python3/dist-packages/agiplant.py
	$(call pkg_debian,$(PKG_DIR)/deb/libagiplant0,libagiplant0,$(AGIPLANT_SO))
	$(call pkg_debian,$(PKG_DIR)/deb/libagiplant-dev,libagiplant-dev)
	$(call pkg_debian,$(PKG_DIR)/deb/python3-agiplant,python3-agiplant)
endef

deb: userspace dkms-source
	$(quiet) DEB "$(DEB_DIR)"
	$(Q)rm -rf $(PKG_DIR)/deb $(DEB_DIR) && mkdir -p $(DEB_DIR)
	$(Q)$(MAKE) -s install-daemon install-man DESTDIR=$(CURDIR)/$(PKG_DIR)/deb/agiswarm \
		PREFIX=/usr SBINDIR=/usr/sbin MANDIR=/usr/share/man >/dev/null
	$(Q)install -D -m 0755 $(AGICTL) $(PKG_DIR)/deb/agiswarm/usr/sbin/agictl
	$(Q)gzip -9n $(PKG_DIR)/deb/agiswarm/usr/share/man/man8/*.8
	$(Q)install -D -m 0644 configs/wireshark/agiswarm.lua \
		$(PKG_DIR)/deb/agiswarm/usr/share/agiswarm/wireshark/agiswarm.lua
	$(Q)mkdir -p $(PKG_DIR)/deb/agiswarm/DEBIAN
	$(Q)(cd $(PKG_DIR)/deb/agiswarm && find etc -type f | sed 's|^|/|') \
		> $(PKG_DIR)/deb/agiswarm/DEBIAN/conffiles
	$(call pkg_debian,$(PKG_DIR)/deb/agiswarm,agiswarm,$(AGICTL) $(AGISWARMD) $(AGISWARM_MODBUS))
	$(Q)mkdir -p $(PKG_DIR)/deb/agiswarm-dkms/usr/src
	$(Q)cp -r $(DKMS_SRC) $(PKG_DIR)/deb/agiswarm-dkms/usr/src/
	$(call pkg_debian,$(PKG_DIR)/deb/agiswarm-dkms,agiswarm-dkms)
	$(deb_agiplant)
	@ls -1 $(DEB_DIR)/*.deb | sed 's/^/  DEB      /'

# The OpenWrt package and a source tarball it can build from offline.
openwrt:
	$(quiet) OPENWRT "$(BUILD)/openwrt/agiswarm"
	$(Q)rm -rf $(BUILD)/openwrt && mkdir -p $(BUILD)/openwrt
	$(Q)cp -r configs/packaging/openwrt/agiswarm $(BUILD)/openwrt/
	$(Q)sed -i 's/@VERSION@/$(VERSION)/' $(BUILD)/openwrt/agiswarm/Makefile
	$(Q)git archive --format=tar.gz --prefix=agiswarm-$(VERSION)/ \
		-o $(BUILD)/openwrt/agiswarm-$(VERSION).tar.gz HEAD
native-tests: dkms-source deb openwrt
