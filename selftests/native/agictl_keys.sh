#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# agictl's node keys and pre-shared keys (keygen --node, --psk) and the
# checks "peer add ... key/psk/local" makes before it talks to the module
# (this runs on the build host, where the module is never loaded).
# Prints TAP; exits non-zero when a case fails.
#
#   AGICTL=build/agictl selftests/native/agictl_keys.sh

AGICTL=${AGICTL:-build/agictl}
PLAN=11
. "$(dirname "$0")/../lib/tap.sh"

command -v "$JQ" >/dev/null 2>&1 || tap_skip_all "jq is not installed"
[ -x "$AGICTL" ] || tap_skip_all "$AGICTL is not built"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

tap_begin "$PLAN"

run() {
	tap_run "$AGICTL" "$@"
	cmd="agictl $*"
}

mode() { stat -c %a "$1"; }

run -j keygen --node --output "$tmp/a"
tap_json_ok '(.key | test("^[0-9a-f]{64}$")) and .private_key == "'"$tmp/a/node.key"'"'
tap_report $? "keygen --node: node.key and node.pub, the key in hex"

[ "$(mode "$tmp/a/node.key")" = 600 ] && [ "$(mode "$tmp/a/node.pub")" = 644 ] &&
	[ "$(cat "$tmp/a/node.pub")" = "$(printf '%s' "$out" | "$JQ" -r .key)" ]
tap_report $? "node.key is 0600, node.pub 0644 and holds the printed key"

run keygen --node --output "$tmp/a"
tap_text_fails "exists; not overwritten without --force"
tap_report $? "keygen --node keeps an existing key"

run keygen --psk --output "$tmp/a"
[ "$rc" = 0 ] && [ "$(mode "$tmp/a/swarm.psk")" = 600 ] &&
	grep -qE '^[0-9a-f]{64}$' "$tmp/a/swarm.psk"
tap_report $? "keygen --psk: swarm.psk, 32 bytes in hex, 0600"

run keygen --node --psk --output "$tmp/b"
tap_usage_fails "--node and --psk"
tap_report $? "keygen --node --psk is a usage error"

"$AGICTL" keygen --node --output "$tmp/b" > /dev/null
pub=$(cat "$tmp/b/node.pub")

run peer add worker 1 192.0.2.11 key 1234
tap_usage_fails 'invalid key "1234"'
tap_report $? "a key that is not 64 hex digits is refused"

run peer add worker 1 192.0.2.11 key "@$tmp/none.pub"
tap_text_fails "$tmp/none.pub: No such file or directory"
tap_report $? "a key file that does not exist is named"

run peer add worker 1 192.0.2.11 key "$pub" psk "$tmp/a/swarm.psk"
tap_usage_fails 'psk needs the peer'"'"'s "key PUB" and this node'"'"'s "local PUB"'
tap_report $? "psk without local is a usage error"

run peer add worker 1 192.0.2.11 local "@$tmp/a/node.pub"
tap_usage_fails "local is used only with psk"
tap_report $? "local without psk is a usage error"

chmod 644 "$tmp/a/swarm.psk"
run peer add worker 1 192.0.2.11 key "$pub" psk "$tmp/a/swarm.psk" local "@$tmp/a/node.pub"
tap_text_fails "mode 0644 is too open; chmod 600"
tap_report $? "a PSK file others may read is refused"

run peer add actuator 1 192.0.2.11 health healthy
tap_usage_fails "only a worker has a health, not an actuator"
tap_report $? "health is still for workers only"

tap_end
