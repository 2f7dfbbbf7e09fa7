# SPDX-License-Identifier: GPL-2.0
#
# The Wireshark dissector's test capture: selftests/wireshark/agiswarm_pcap
# writes one datagram of every type with the project's own encoders, and
# selftests/native/wireshark_dissector.sh reads it with tshark and
# configs/wireshark/agiswarm.lua.

WIRESHARK_PCAP := $(BUILD)/san/selftests/wireshark/agiswarm_pcap

$(WIRESHARK_PCAP): selftests/wireshark/agiswarm_pcap.c $(USER_LIB_SAN) $(CORE_LIB_SAN)
	@mkdir -p $(dir $@)
	$(quiet) CC-SAN $<
	$(Q)$(CC) $(USER_CFLAGS) $(SAN_FLAGS) -o $@ $< $(USER_LIB_SAN) \
		$(CORE_LIB_SAN) $(USER_LDLIBS)

native-tests: $(WIRESHARK_PCAP)
