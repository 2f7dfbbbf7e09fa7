#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Wireshark dissector (configs/wireshark/agiswarm.lua) under tshark, on
# a capture the project's own encoders wrote (selftests/wireshark/
# agiswarm_pcap.c: every message type with the UAPI header's example
# values, the two handshake types, two sealed datagrams, a truncated one,
# one on another port, a signed resume COMMIT). Every field tshark reports for every datagram must
# be exactly the one in selftests/wireshark/expected.txt ("FRAME FIELD
# VALUE", tab-separated): the decoded keys, the fixed-point values, the
# sealed envelope's index, counter, ciphertext and tag, the expert notes.
# Then each type's summary line, and a dissector that fails to load fails.
#
#   AGICTL=build/agictl selftests/native/wireshark_dissector.sh

set -uo pipefail
AGICTL=${AGICTL:-build/agictl}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/../lib/tap.sh"

build=$(dirname "$AGICTL")
gen=$build/san/selftests/wireshark/agiswarm_pcap
lua=$top/configs/wireshark/agiswarm.lua
expected=$top/selftests/wireshark/expected.txt

command -v tshark >/dev/null 2>&1 || tap_skip_all "tshark is not installed"
[ -x "$gen" ] || tap_skip_all "$gen is not built (make native-tests)"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
tap_begin 6

FIELDS="agiswarm.version agiswarm.type agiswarm.sealed agiswarm.length
agiswarm.epoch agiswarm.cycle agiswarm.gen agiswarm.fmt agiswarm.x agiswarm.u
agiswarm.worker agiswarm.value.row agiswarm.value.sum agiswarm.seq
agiswarm.status agiswarm.row agiswarm.ncols agiswarm.offset agiswarm.entries
agiswarm.nrows agiswarm.port agiswarm.cpu agiswarm.memory agiswarm.latency
agiswarm.queue agiswarm.node agiswarm.member agiswarm.reason
agiswarm.apply_at_cycle agiswarm.commit.version agiswarm.commit.key_id
agiswarm.commit.not_before agiswarm.commit.not_after agiswarm.commit.nonce
agiswarm.commit.change agiswarm.commit.swarm agiswarm.commit.node agiswarm.signature agiswarm.hs.sender_index
agiswarm.hs.receiver_index agiswarm.hs.ephemeral agiswarm.hs.timestamp
agiswarm.hs.initiator_key agiswarm.hs.responder_key agiswarm.hs.init_hash
agiswarm.receiver_index agiswarm.counter agiswarm.ciphertext agiswarm.tag
agiswarm.group agiswarm.rows_epoch agiswarm.hash
agiswarm.unknown_key _ws.expert.message"

# ts ARGS...: tshark with the dissector on the capture, stderr kept apart.
ts() { tshark -X "lua_script:$lua" -r "$tmp/a.pcap" "$@" 2> "$tmp/ts.err"; }

"$gen" "$tmp/a.pcap" > "$tmp/gen.out" 2>&1
tap_result "the encoders write a capture of 18 datagrams" $?
sed 's/^/# /' "$tmp/gen.out"

args=()
for f in $FIELDS; do args+=(-e "$f"); done
ts -T fields -E separator=/t -E occurrence=a -E aggregator='|' \
	-e frame.number "${args[@]}" > "$tmp/fields.raw"
rc=$?
# A Lua error is printed, not fatal, in tshark: none may appear.
! grep -v 'Running as user "root"' "$tmp/ts.err" | grep -q . && [ "$rc" = 0 ]
tap_result "tshark loads the dissector without an error" $?
sed 's/^/# /' "$tmp/ts.err" | grep -v 'Running as user' | head -n 10

awk -F '\t' -v names="$(echo $FIELDS)" 'BEGIN { n = split(names, nm, " ") }
	{ for (i = 2; i <= n + 1; i++) if ($i != "") print $1 "\t" nm[i - 1] "\t" $i }' \
	"$tmp/fields.raw" > "$tmp/fields.txt"
grep -v '^#' "$expected" > "$tmp/want.txt"
diff -u "$tmp/want.txt" "$tmp/fields.txt" > "$tmp/diff"
rc=$?
n=$(wc -l < "$tmp/want.txt")
[ "$rc" = 0 ] && [ "$n" -gt 100 ]
tap_result "every field of every datagram is as expected ($n fields)" $?
sed 's/^/# /' "$tmp/diff" | head -n 40

ts > "$tmp/summary.txt"
want="TASK epoch 7 cycle 42|RESULT epoch 7 cycle 42 worker 3|SENSOR seq 1000|ACTUATE epoch 7 cycle 42 status ok|ROWS epoch 7|HEARTBEAT seq 7 worker 3 status healthy|STATUS epoch 1 cycle 1000 seq 7 status healthy|COMMIT_ACK seq 5 status rejected|COMMIT|CONFIG|ERROR|HANDSHAKE_INIT|HANDSHAKE_RESP|TASK (sealed) idx 0x0a0b0c0d ctr 9|NEED_ROWS (sealed) idx 0x01020304 ctr 77|TASK [malformed: truncated string] epoch 7 cycle 44|HEARTBEAT seq 8 worker 4 status degraded|COMMIT"
got=$(sed -n 's/.* AGISWARM [0-9]* //p' "$tmp/summary.txt" | paste -sd '|')
[ "$got" = "$want" ]
tap_result "each datagram's summary line names its type and key fields" $?
[ "$got" = "$want" ] || { echo "# want: $want"; echo "# got:  $got"; }

n=$(ts -Y 'agiswarm.sealed == 1' | wc -l)
[ "$n" = 2 ]
tap_result "the filter agiswarm.sealed finds the 2 sealed datagrams ($n)" $?

printf 'local x = \n' > "$tmp/broken.lua"
tshark -X "lua_script:$tmp/broken.lua" -r "$tmp/a.pcap" > /dev/null 2> "$tmp/broken.err"
grep -q "broken.lua" "$tmp/broken.err"
tap_result "a dissector that does not load is noticed (the check above can fail)" $?
tap_end
