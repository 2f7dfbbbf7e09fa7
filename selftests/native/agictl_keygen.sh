#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# agictl keygen --node without the module: a node's key pair (node.key
# 0600, node.pub), the key its peers configure (the same as node.pub, and
# taken by agiswarmd's configuration as a worker's key), never overwritten
# without --force. Prints TAP; exits non-zero when a case fails.
#
#   AGICTL=build/agictl AGISWARMD=build/agiswarmd selftests/native/agictl_keygen.sh

AGICTL=${AGICTL:-build/agictl}
AGISWARMD=${AGISWARMD:-build/agiswarmd}
PLAN=6
. "$(dirname "$0")/../lib/tap.sh"

command -v "$JQ" >/dev/null 2>&1 || tap_skip_all "jq is not installed"
[ -x "$AGICTL" ] || tap_skip_all "$AGICTL is not built"
[ -x "$AGISWARMD" ] || tap_skip_all "$AGISWARMD is not built"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

tap_begin "$PLAN"

tap_run "$AGICTL" -j keygen --node --output "$tmp/n"
tap_report "$(tap_json_ok '.private_key and .public_key and (.key | length) == 64' && echo 0 || echo 1)" \
	"keygen --node prints the files and the 64-digit key (JSON)"
key=$(printf '%s\n' "$out" | "$JQ" -r .key)

mode=$(stat -c %a "$tmp/n/node.key")
[ "$mode" = 600 ]
tap_result "node.key is mode 0600 (is $mode)" $?

[ "$(cat "$tmp/n/node.pub")" = "$key" ]
tap_result "the key printed is node.pub" $?

before=$(cat "$tmp/n/node.key")
tap_run "$AGICTL" keygen --node --output "$tmp/n"
tap_report "$(tap_text_fails "node.key: exists; not overwritten without --force" && echo 0 || echo 1)" \
	"an existing node key is kept"
[ "$(cat "$tmp/n/node.key")" = "$before" ]
tap_result "and unchanged" $?

cat > "$tmp/agg.yaml" <<YAML
node:
  id: 1
  role: aggregator
aggregator:
  workers:
    - {id: 11, address: "192.0.2.11", key: "$key"}
YAML
tap_run "$AGISWARMD" --check-config --config "$tmp/agg.yaml" \
	--matrix "$(dirname "$0")/../../configs/swarm_matrix.json"
tap_report "$(tap_has "key: \"$key\"" && echo 0 || echo 1)" \
	"agiswarmd takes it as a worker's key and prints it back"

tap_end
