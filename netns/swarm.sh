#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swarm.sh: a whole AGISWARM swarm on one host, one network namespace per
# node, joined by a bridge. Used by the swarm tests and the demo.
#
#                         agi-hub: bridge br0 (no address)
#      +-------------+-------------+---  ...  ---+---------------+
#      | v-agg       | v-w1        | v-w2        | v-wN          | v-plant
#      |             |             |             |               |
#  +---+-------+ +---+-------+ +---+-------+ +---+--------+ +----+-------+
#  | agi-agg   | | agi-w1    | | agi-w2    | | agi-wN     | | agi-plant  |
#  | eth0      | | eth0      | | eth0      | | eth0       | | eth0       |
#  | 192.0.2.1 | | .11       | | .12       | | .10+N      | | .100       |
#  | aggregator| | worker 1  | | worker 2  | | worker N   | | sensor 100 |
#  | id 1      | | [netem]   | | [netem]   | | [netem]    | | actuator   |
#  +-----------+ +-----------+ +-----------+ +------------+ +------------+
#     every node listens on UDP 6000; the plant (selftests/plant) is a
#     userspace program the caller starts in agi-plant
#
#   swarm.sh up [--workers N] [--loss PCT] [--delay MS] [--matrix FILE]
#               [--cycle 50ms] [--deadline 40ms] [--miss hold|zero]
#               [--redundancy F] [--seed S] [--no-start]
#   swarm.sh down       remove what `up` made (idempotent)
#   swarm.sh status     every node's agictl view
#
# Every datagram between nodes is sealed: up makes a node key for each
# node and one pre-shared key ($SWARM_KEYS, lib.sh), and each side of each
# link names the other by its key and installs the link's keys with
# `agictl peer add ... key PUB psk FILE local PUB`; every worker has the
# aggregator as its aggregator peer.
#
# --loss and --delay put a netem qdisc on each worker's own interface, so
# they hit every RESULT a worker sends: PCT is the loss of a task/result
# exchange. Every node is configured only through agictl. The module is
# loaded with insmod $AGISWARM_KO when it is not loaded (and then unloaded
# by `down`). Tools: IP, TC, AGICTL, JQ, AGISWARM_KO from the environment.
# Exit status: 0 done, 1 failed, 2 usage error, 4 a tool is missing.
set -e
. "$(dirname "$0")/lib.sh"

usage()
{
	sed -n '/^#   swarm.sh up/,/^#   swarm.sh status/p' "$0" | sed 's/^# \{0,1\}//'
	exit "${1:-2}"
}

# --- down -----------------------------------------------------------------

# Namespaces recorded by `up`; the fixed names too, so that a swarm whose
# state file was lost (a killed test) still goes away.
swarm_namespaces()
{
	{
		cat "$SWARM_STATE/namespaces" 2>/dev/null
		echo "$SWARM_AGG $SWARM_PLANT $SWARM_HUB"
	} | tr ' ' '\n' | grep -E '^agi-(agg|plant|hub|w[0-9]+)$' | sort -u
}

swarm_down()
{
	local ns
	if [ -d "$SWARM_STATE" ]; then
		for pid in $(cat "$SWARM_STATE"/pids 2>/dev/null); do
			kill "$pid" 2>/dev/null || true
		done
	fi
	for ns in $(swarm_namespaces); do
		[ -e "/run/netns/$ns" ] || continue
		# Stop the cycle first: no timer fires into a half-gone swarm.
		[ "$ns" = "$SWARM_AGG" ] && module_loaded &&
			actl "$ns" node stop >/dev/null 2>&1 || true
		"$IP" netns del "$ns" 2>/dev/null || true
	done
	if [ -f "$SWARM_STATE/loaded_module" ] && module_loaded; then
		# The namespaces' exit is asynchronous; their node state holds
		# the module until the cleanup work has run.
		wait_for 30 "rmmod agiswarm" rmmod agiswarm ||
			echo "swarm.sh: rmmod agiswarm failed" >&2
	fi
	rm -rf "$SWARM_STATE"
}

# --- up -------------------------------------------------------------------

# add_node NS ADDR: a namespace with eth0 at ADDR, its peer in the bridge.
add_node()
{
	local ns=$1 addr=$2 port=v-${1#agi-}
	"$IP" netns add "$ns"
	echo -n " $ns" >> "$SWARM_STATE/namespaces"
	"$IP" -n "$ns" link set lo up
	"$IP" -n "$SWARM_HUB" link add "$port" type veth peer name eth0 netns "$ns"
	"$IP" -n "$SWARM_HUB" link set "$port" master br0 up
	"$IP" -n "$ns" addr add "$addr/24" dev eth0
	"$IP" -n "$ns" link set eth0 up
}

add_netem()
{
	local ns=$1 args=()
	[ -n "$opt_loss" ] && [ "$opt_loss" != 0 ] && args+=(loss "$opt_loss%")
	[ -n "$opt_delay" ] && [ "$opt_delay" != 0 ] && args+=(delay "${opt_delay}ms")
	[ ${#args[@]} = 0 ] && return 0
	in_ns "$ns" "$TC" qdisc add dev eth0 root netem "${args[@]}"
}

# cfg NS ARGS...: agictl ARGS in NS, naming the command when it fails.
cfg()
{
	local ns=$1
	shift
	actl "$ns" "$@" && return 0
	echo "swarm.sh: in $ns: agictl $* failed" >&2
	return 1
}

# make_keys: a node key per node and the swarm's pre-shared key.
make_keys()
{
	local name i
	mkdir -p "$SWARM_KEYS"
	"$AGICTL" keygen --psk --output "$SWARM_KEYS" > /dev/null
	for name in agg plant; do
		"$AGICTL" keygen --node --output "$SWARM_KEYS/$name" > /dev/null
	done
	for i in $(seq 1 "$opt_workers"); do
		"$AGICTL" keygen --node --output "$SWARM_KEYS/w$i" > /dev/null
	done
}

# psk_peer NS SELF KIND ID ADDR NAME: in NS (node SELF), the peer KIND ID
# at ADDR is node NAME of the swarm, its link keyed by the swarm's PSK.
psk_peer()
{
	local ns=$1 self=$2 kind=$3 id=$4 addr=$5 name=$6
	cfg "$ns" peer add "$kind" "$id" "$addr" \
		key "@$SWARM_KEYS/$name/node.pub" psk "$SWARM_KEYS/swarm.psk" \
		local "@$SWARM_KEYS/$self/node.pub"
}

configure_workers()
{
	local i
	for i in $(seq 1 "$opt_workers"); do
		cfg "$(worker_ns "$i")" node set role worker id "$i" \
			port "$SWARM_PORT" epoch 1
		psk_peer "$(worker_ns "$i")" "w$i" aggregator 1 \
			"$SWARM_AGG_ADDR:$SWARM_PORT" agg
		psk_peer "$SWARM_AGG" agg worker "$i" \
			"$(worker_addr "$i"):$SWARM_PORT" "w$i"
	done
}

configure_aggregator()
{
	local extra=()
	[ -n "$opt_seed" ] && extra+=(seed "$opt_seed")
	cfg "$SWARM_AGG" node set role aggregator id 1 port "$SWARM_PORT" \
		epoch 1 cycle "$opt_cycle" deadline "$opt_deadline" \
		miss "$opt_miss" redundancy "$opt_redundancy" "${extra[@]}"
	configure_workers
	psk_peer "$SWARM_AGG" agg sensor 100 "$SWARM_PLANT_ADDR:$SWARM_PORT" plant
	# The same key: the plant's one link, keyed already.
	cfg "$SWARM_AGG" peer add actuator 100 "$SWARM_PLANT_ADDR:$SWARM_PORT" \
		key "@$SWARM_KEYS/plant/node.pub"
	cfg "$SWARM_AGG" law set feedback
	cfg "$SWARM_AGG" matrix load "$opt_matrix"
}

# Every worker holds rows of the current generation.
rows_assigned()
{
	actl "$SWARM_AGG" -j workers list |
		"$JQ" -e "length == $opt_workers and all(.[]; .rows > 0)"
}

cycles_ok_at_least()
{
	[ "$(counter "$SWARM_AGG" cycles_ok)" -ge "$1" ]
}

swarm_up()
{
	local missing i
	if missing=$(have_tools "$IP" "$AGICTL" "$JQ"); then :; else
		echo "swarm.sh: $missing not found" >&2
		exit "$KSFT_SKIP"
	fi
	if [ -n "$opt_loss$opt_delay" ] && ! have_tools "$TC" >/dev/null; then
		echo "swarm.sh: $TC not found (needed for --loss/--delay)" >&2
		exit "$KSFT_SKIP"
	fi
	[ -e "/run/netns/$SWARM_HUB" ] && { echo "swarm.sh: a swarm is up already (swarm.sh down)" >&2; exit 1; }
	mkdir -p "$SWARM_STATE"
	: > "$SWARM_STATE/namespaces"
	# From here on a failure takes down what was made.
	trap 'rc=$?; [ $rc = 0 ] || swarm_down; exit $rc' EXIT
	if ! module_loaded; then
		[ -f "$AGISWARM_KO" ] || { echo "swarm.sh: agiswarm not loaded and AGISWARM_KO='$AGISWARM_KO' is not a file" >&2; exit 1; }
		insmod "$AGISWARM_KO"
		touch "$SWARM_STATE/loaded_module"
	fi
	"$IP" netns add "$SWARM_HUB"
	echo -n " $SWARM_HUB" >> "$SWARM_STATE/namespaces"
	"$IP" -n "$SWARM_HUB" link add br0 type bridge
	"$IP" -n "$SWARM_HUB" link set br0 up
	add_node "$SWARM_AGG" "$SWARM_AGG_ADDR"
	for i in $(seq 1 "$opt_workers"); do
		add_node "$(worker_ns "$i")" "$(worker_addr "$i")"
		add_netem "$(worker_ns "$i")"
	done
	add_node "$SWARM_PLANT" "$SWARM_PLANT_ADDR"
	make_keys
	configure_aggregator
	wait_for 60 "rows on every worker" rows_assigned
	if [ -z "$opt_no_start" ]; then
		cfg "$SWARM_AGG" node start
		wait_for 60 "a first ok cycle" cycles_ok_at_least 1
	fi
	echo "swarm.sh: up, $opt_workers workers${opt_loss:+, loss $opt_loss%}${opt_delay:+, delay ${opt_delay}ms}"
}

swarm_status()
{
	local ns
	for ns in $(swarm_namespaces); do
		[ -e "/run/netns/$ns" ] || continue
		[ "$ns" = "$SWARM_HUB" ] || [ "$ns" = "$SWARM_PLANT" ] && continue
		echo "== $ns"
		actl "$ns" status || true
	done
	if [ -e "/run/netns/$SWARM_AGG" ]; then
		echo "== $SWARM_AGG workers"
		actl "$SWARM_AGG" workers list || true
	fi
}

# --- command line -----------------------------------------------------------

opt_workers=8 opt_loss= opt_delay= opt_matrix=$lib_top/configs/swarm_matrix.json
opt_cycle=50ms opt_deadline=40ms opt_miss=hold opt_redundancy=2 opt_seed=
opt_no_start=

cmd=${1:-}
[ $# -gt 0 ] && shift
while [ $# -gt 0 ]; do
	case $1 in
	--workers) opt_workers=$2 ;;
	--loss) opt_loss=$2 ;;
	--delay) opt_delay=$2 ;;
	--matrix) opt_matrix=$2 ;;
	--cycle) opt_cycle=$2 ;;
	--deadline) opt_deadline=$2 ;;
	--miss) opt_miss=$2 ;;
	--redundancy) opt_redundancy=$2 ;;
	--seed) opt_seed=$2 ;;
	--no-start) opt_no_start=1; shift; continue ;;
	-h|--help) usage 0 ;;
	*) echo "swarm.sh: unknown option '$1'" >&2; usage ;;
	esac
	[ $# -ge 2 ] || { echo "swarm.sh: $1 needs a value" >&2; usage; }
	shift 2
done
case $opt_workers in
''|*[!0-9]*) echo "swarm.sh: --workers '$opt_workers' is not a count" >&2; exit 2 ;;
esac
[ "$opt_workers" -ge 1 ] && [ "$opt_workers" -le 89 ] ||
	{ echo "swarm.sh: --workers must be 1..89 (addresses .11-.99)" >&2; exit 2; }

case $cmd in
up) swarm_up ;;
down) swarm_down ;;
status) swarm_status ;;
-h|--help|help) usage 0 ;;
*) usage ;;
esac
