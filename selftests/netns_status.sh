#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# One namespace is one node: three namespaces on one host, configured with
# agictl, each report their own role and id.
#
#   +----------------+   +------------------+   +----------------+
#   | $ns_w          |   | $ns_a            |   | $ns_new        |
#   | worker, id 7   |   | aggregator, id 1 |   | never set:     |
#   |                |   |                  |   | none, id 0     |
#   +----------------+   +------------------+   +----------------+
#        no links: the nodes share nothing but agiswarm.ko
#
# Environment: AGISWARM_KO (loaded if the module is not), IP (iproute2's ip;
# busybox ip has no netns), agictl and jq on PATH. Prints TAP; exits 4
# (skip) when a tool is missing.

IP=${IP:-ip}
MODNAME=agiswarm
ns_w=agi-w-$$
ns_a=agi-a-$$
ns_new=agi-new-$$
loaded_here=
tmp=

# Runs on every exit, so it must not stop at the first error (set -e).
cleanup()
{
	set +e
	[ -z "$tmp" ] || rm -f "$tmp"
	for ns in "$ns_w" "$ns_a" "$ns_new"; do
		$IP netns del "$ns" 2>/dev/null
	done
	[ -z "$loaded_here" ] || rmmod $MODNAME
	return 0
}
trap cleanup EXIT
set -e
. "$(dirname "$0")/lib/tap.sh"


n_w() { $IP netns exec "$ns_w" "$@"; }
n_a() { $IP netns exec "$ns_a" "$@"; }
n_new() { $IP netns exec "$ns_new" "$@"; }

[ "$(id -u)" = 0 ] || tap_skip_all "needs root"
for tool in agictl jq; do
	command -v $tool >/dev/null || tap_skip_all "$tool not found"
done
$IP netns list >/dev/null 2>&1 || tap_skip_all "$IP has no netns support (busybox ip?)"
if [ ! -d /sys/module/$MODNAME ]; then
	[ -n "$AGISWARM_KO" ] && [ -f "$AGISWARM_KO" ] ||
		tap_skip_all "$MODNAME not loaded and AGISWARM_KO is not a file"
	insmod "$AGISWARM_KO"
	loaded_here=1
fi

COUNTERS="rx_packets rx_bytes tx_packets tx_bytes tx_errors drop_short
	drop_version drop_length drop_oversize drop_malformed
	drop_noncanonical drop_missing drop_badvalue drop_type drop_stale
	drop_nomem drop_backlog drop_unknown_peer drop_no_rows drop_auth
	drop_replay drop_ratelimit drop_not_allowed tx_no_key"

# json_is NS-WRAPPER JQ-FILTER: the node's JSON status satisfies the filter.
json_is()
{
	out=$($1 agictl -j status) || { echo "agictl -j status failed"; return 1; }
	echo "$out" | jq -e "$2" >/dev/null && return 0
	echo "$out"
	return 1
}

# text_has NS-WRAPPER WORD: the text status mentions WORD on a role line.
text_has()
{
	out=$($1 agictl status) || { echo "agictl status failed"; return 1; }
	echo "$out" | grep -i 'role' | grep -qw "$2" && return 0
	echo "$out"
	return 1
}

has_all_counters()
{
	for c in $COUNTERS; do
		json_is "$1" ".counters.$c | type == \"number\" and . >= 0" ||
			{ echo "counter $c"; return 1; }
	done
}

tmp=$(mktemp)
$IP netns add "$ns_w"
$IP netns add "$ns_a"
$IP netns add "$ns_new"

tap_begin 12
tap_check "set worker 7 in $ns_w" n_w agictl node set role worker id 7
tap_check "set aggregator 1 in $ns_a" n_a agictl node set role aggregator id 1
tap_check "$ns_w reports worker 7" \
	json_is n_w '.role == "worker" and .node_id == 7'
tap_check "$ns_a reports aggregator 1" \
	json_is n_a '.role == "aggregator" and .node_id == 1'
tap_check "$ns_new was never set: none 0" \
	json_is n_new '.role == "none" and .node_id == 0'
tap_check "version is the module's" \
	json_is n_w ".version == \"$(cat /sys/module/$MODNAME/version)\""
tap_check "text status of $ns_w shows worker" text_has n_w worker
tap_check "text status of $ns_a shows aggregator" text_has n_a aggregator
tap_check "every counter is reported" has_all_counters n_a

# Changing the id alone keeps the role; the other node does not move.
after_id_change()
{
	json_is n_w '.role == "worker" and .node_id == 8' &&
		json_is n_a '.role == "aggregator" and .node_id == 1'
}
tap_check "set only id 8 in $ns_w" n_w agictl node set id 8
tap_check "$ns_w is worker 8, $ns_a still aggregator 1" after_id_change

# A node dies with its namespace; the others live on.
$IP netns del "$ns_w"
tap_check "deleting $ns_w leaves $ns_a as it was" \
	json_is n_a '.role == "aggregator" and .node_id == 1'

tap_end
