#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# agiswarm-modbus without a device or a swarm: the shipped mapping
# (configs/modbus_plant.yaml, the one the README and plant_modbus.sh use)
# reads back through --check with its raw values, a bad mapping is refused
# naming file, line, key, value and what is allowed (exit 1), the command
# line's usage errors exit 2, and `make install` puts the program and its
# man page in place. plant_modbus.sh (VM) runs it against a device.
#
#   AGICTL=build/agictl selftests/native/agiswarm_modbus.sh

set -uo pipefail
AGICTL=${AGICTL:-build/agictl}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/../lib/tap.sh"

BRIDGE=$(dirname "$AGICTL")/agiswarm-modbus
[ -x "$BRIDGE" ] || tap_skip_all "$BRIDGE is not built"
command -v "$JQ" >/dev/null 2>&1 || tap_skip_all "jq is not installed"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
tap_begin 5

"$BRIDGE" --map "$top/configs/modbus_plant.yaml" --check > "$tmp/map.json"
rc=$?
# 0.0001 is 214748 / 2^31 in Q1.31; -1 is -2^31; 2^-15 is 2^16 raw.
[ $rc = 0 ] && "$JQ" -e '(.sensors | length) == 8 and (.actuators | length) == 8
	and .sensors[0].scale == 65536 and .sensors[1].offset == -2147483648
	and .sensors[6].scale == 214748 and .sensors[7].table == "holding"
	and .sensors[3].word_order == "low_first"
	and .device.port == 1502 and .safe_output == [0,0,0,0,0,0,0,0]' \
	"$tmp/map.json" >/dev/null
tap_result "--check reads the shipped mapping, raw values as documented" $?

printf 'device: {address: 192.0.2.1}\nsensors:\n  - {register: 3, type: int24, scale: 0.5}\n' > "$tmp/bad.yaml"
"$BRIDGE" --map "$tmp/bad.yaml" --check > "$tmp/out" 2>&1
rc=$?
sed 's/^/# /' "$tmp/out"
[ $rc = 1 ] && grep -qx "agiswarm-modbus: $tmp/bad.yaml:3: sensors\[0\].type: bad value 'int24': allowed int16, uint16, int32 or uint32" "$tmp/out"
tap_result "a bad mapping: file, line, key, value and what is allowed; exit 1" $?

"$BRIDGE" --map "$top/configs/modbus_plant.yaml" --aggregator 192.0.2.1:6000 > "$tmp/out" 2>&1
rc=$?
sed 's/^/# /' "$tmp/out"
[ $rc = 2 ] && grep -q -- '--peer-key PUB for each --aggregator are required' "$tmp/out"
tap_result "no keys: a usage error, exit 2" $?

"$BRIDGE" --help > "$tmp/out" 2>&1 && grep -q -- '--give-up MS' "$tmp/out" &&
	{ "$BRIDGE" --period 0 --map x > /dev/null 2>&1; [ $? = 2 ]; }
tap_result "--help, and a period of 0 refused with exit 2" $?

make -s -C "$top" --no-print-directory install-man DESTDIR="$tmp/root" \
	PREFIX=/usr SBINDIR=/usr/sbin MANDIR=/usr/share/man > "$tmp/out" 2>&1 &&
	[ -x "$tmp/root/usr/sbin/agiswarm-modbus" ] &&
	[ -f "$tmp/root/usr/share/man/man8/agiswarm-modbus.8" ]
tap_result "make install puts agiswarm-modbus and agiswarm-modbus.8 in place" $?
tap_end
