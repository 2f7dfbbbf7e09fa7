# SPDX-License-Identifier: GPL-2.0
#
# netns/lib.sh: helpers shared by swarm.sh, demo.sh, airgap.sh and the
# swarm tests (selftests/swarm_*.sh). Source it from bash:
#
#   . "$top/netns/lib.sh"
#
# Tools are taken from the environment so the VM can point at full paths
# (busybox's ip has no netns or veth peers): IP, TC, NFT, JQ, AGICTL,
# AGISWARM_KO. Nothing here sends traffic outside the namespaces it makes.

IP=${IP:-ip}
TC=${TC:-tc}
NFT=${NFT:-nft}
JQ=${JQ:-jq}
AGICTL=${AGICTL:-agictl}

# The swarm's namespaces (see the topology in swarm.sh).
SWARM_HUB=agi-hub
SWARM_AGG=agi-agg
SWARM_PLANT=agi-plant
SWARM_NET=192.0.2		# TEST-NET-1 (RFC 5737)
SWARM_AGG_ADDR=$SWARM_NET.1
SWARM_PLANT_ADDR=$SWARM_NET.100
SWARM_PORT=6000
SWARM_STATE=${SWARM_STATE:-/run/agiswarm-swarm}
# The swarm's keys (swarm.sh up): NAME/node.pub and node.key per node
# (agg, w1.., plant) and one pre-shared key, swarm.psk.
SWARM_KEYS=$SWARM_STATE/keys

lib_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# What swarm.sh up loads unless told otherwise.
SWARM_MATRIX=$lib_top/configs/swarm_matrix.json

# --- per-namespace wrappers ---------------------------------------------

in_ns() { local ns=$1; shift; "$IP" netns exec "$ns" "$@"; }
n_agg() { in_ns "$SWARM_AGG" "$@"; }
n_plant() { in_ns "$SWARM_PLANT" "$@"; }
n_hub() { in_ns "$SWARM_HUB" "$@"; }
# n_w I CMD...: in worker I's namespace
n_w() { local i=$1; shift; in_ns "agi-w$i" "$@"; }

# agictl in a node: actl NS ARGS...
actl() { local ns=$1; shift; in_ns "$ns" "$AGICTL" "$@"; }

worker_ns() { echo "agi-w$1"; }
worker_addr() { echo "$SWARM_NET.$((10 + $1))"; }

# --- waiting without bare sleeps ----------------------------------------

# wait_for SECONDS WHAT CMD...: run CMD every 0.1 s until it succeeds.
# On timeout says what it waited for and returns 1. Time under TCG is
# emulated, so callers pass generous bounds; the common case returns at
# once.
wait_for()
{
	local limit=$1 what=$2 start now
	shift 2
	start=$(date +%s)
	until "$@" >/dev/null 2>&1; do
		now=$(date +%s)
		if [ $((now - start)) -ge "$limit" ]; then
			echo "# timed out after ${limit}s waiting for $what" >&2
			return 1
		fi
		sleep 0.1
	done
}

# --- cleanup registration -----------------------------------------------

lib_cleanups=()

# on_exit CMD...: run "CMD..." when the script exits, newest first.
on_exit()
{
	local IFS=' '
	lib_cleanups+=("$*")
}

lib_run_cleanups()
{
	local i
	trap - EXIT INT TERM
	for ((i = ${#lib_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${lib_cleanups[i]}" >/dev/null 2>&1 || true
	done
	lib_cleanups=()
}

# Install first thing in a script: cleanups run on every way out.
lib_trap()
{
	trap 'rc=$?; lib_run_cleanups; exit $rc' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# --- prerequisites ------------------------------------------------------

# have_tools NAME...: every NAME (a command or a path) runs here.
have_tools()
{
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || { echo "$t"; return 1; }
	done
}

# module_loaded: agiswarm is loaded (or $AGISWARM_MODULE, the benchmark's
# agiswarm_noseal, which selftests/bench/vm_seal.sh loads itself).
module_loaded() { grep -qs "^${AGISWARM_MODULE:-agiswarm} " /proc/modules; }

# find_helper NAME: a compiled helper (plant, verify_cycles), next to the
# calling test in the VM, or in the build tree on a host.
find_helper()
{
	local d
	for d in "$(dirname "$0")" "$lib_top/build/selftests" \
		 "$lib_top/selftests"; do
		[ -x "$d/$1" ] && [ -f "$d/$1" ] && { echo "$d/$1"; return 0; }
	done
	return 1
}

# --- reading a node -------------------------------------------------------

# counter NS NAME: one counter of `agictl -j status` (0 when absent).
counter()
{
	actl "$1" -j status | "$JQ" -r ".counters.$2 // 0"
}

# status_json NS OUT: the node's `agictl -j status` into OUT.
status_json() { actl "$1" -j status > "$2"; }

# --- TAP: the tests' one TAP library -------------------------------------

. "$lib_top/selftests/lib/tap.sh"

# --- the swarm tests' common steps ----------------------------------------

# swarm_test_prereqs: skip (exit 4, TAP plan 0) unless this can run a swarm;
# sets PLANT, VERIFY and SWARM (the scripts and helpers to call).
swarm_test_prereqs()
{
	local missing
	[ "$(id -u)" = 0 ] || tap_skip_all "needs root"
	missing=$(have_tools "$IP" "$AGICTL" "$JQ" timeout) ||
		tap_skip_all "$missing not found"
	"$IP" netns list >/dev/null 2>&1 ||
		tap_skip_all "$IP has no netns support (busybox ip?)"
	PLANT=$(find_helper plant) || tap_skip_all "plant not built (make vm-tests)"
	VERIFY=$(find_helper verify_cycles) ||
		tap_skip_all "verify_cycles not built (make vm-tests)"
	module_loaded || [ -f "${AGISWARM_KO:-}" ] ||
		tap_skip_all "agiswarm not loaded and AGISWARM_KO is not a file"
	[ -e "/run/netns/$SWARM_HUB" ] &&
		tap_skip_all "a swarm is already up (netns/swarm.sh down)"
	SWARM=$lib_top/netns/swarm.sh
}

# swarm_test_begin PLAN: after swarm_test_prereqs, $tmp for the test's
# files, the swarm taken down and $tmp removed on exit; then the TAP plan.
swarm_test_begin()
{
	tmp=$(mktemp -d)
	on_exit rm -rf "$tmp"
	on_exit "$SWARM" down
	tap_begin "$1"
}

# matrix_text JSON OUT: the state-feedback matrix of JSON in the text form
# verify_cycles reads (format name, then one row a line).
matrix_text()
{
	{
		"$JQ" -r '.control_matrices.state_feedback.precision // "Q1.31"' "$1"
		"$JQ" -c '.control_matrices.state_feedback.matrix[]' "$1"
	} > "$2"
}

# plant_start OUT [PLANT OPTIONS...]: the plant in agi-plant, in the
# background, JSON lines into OUT; PLANT_PID is its pid (stopped by down).
plant_start()
{
	local out=$1
	shift
	# "$IP" netns exec, not n_plant: a function in the background is a
	# subshell whose pid $! would be, and killing that left the plant
	# running (and sending into a namespace gone) after swarm down; ip
	# execs the plant, so $! is the plant's own pid.
	"$IP" netns exec "$SWARM_PLANT" "$PLANT" \
		--aggregator "$SWARM_AGG_ADDR:$SWARM_PORT" \
		--listen "$SWARM_PLANT_ADDR:$SWARM_PORT" \
		--psk "$SWARM_KEYS/swarm.psk" --key "$SWARM_KEYS/plant/node.pub" \
		--peer-key "$SWARM_KEYS/agg/node.pub" --json "$@" > "$out" &
	PLANT_PID=$!
	mkdir -p "$SWARM_STATE"
	echo "$PLANT_PID" >> "$SWARM_STATE/pids"
}

# plant_max_abs FILE first|last: max |s| (raw) of the plant's first or
# last JSON line.
plant_max_abs()
{
	local sel=head
	[ "$2" = last ] && sel=tail
	"$sel" -n 1 "$1" | "$JQ" '[.s[] | if . < 0 then -. else . end] | max'
}

# monitor_cycles N OUT: N cycle events of the aggregator as JSON lines.
monitor_cycles()
{
	timeout "${MONITOR_TIMEOUT:-90}" "$IP" netns exec "$SWARM_AGG" \
		"$AGICTL" -j monitor --count "$1" > "$2"
}

# swarm_test_up ARGS...: netns/swarm.sh up ARGS as the first test point;
# the test cannot go on without it.
swarm_test_up()
{
	local rc=0
	"$SWARM" up "$@" > "$tmp/swarm-up.log" 2>&1 || rc=$?
	sed 's/^/# /' "$tmp/swarm-up.log"
	tap_result "swarm up $*" $rc
	[ $rc = 0 ] || exit 1
}

# swarm_test_verify NAME MIN_OK [VERIFY_CYCLES OPTIONS...]: one test point:
# the monitored cycles ($tmp/monitor.json) are at least $CYCLES, MIN_OK
# percent of them ok and every ok output equals y = A x for the swarm's
# matrix; the start of verify_cycles' report follows as comments.
swarm_test_verify()
{
	local name=$1
	shift
	tap_check "$name" lib_verify "$@"
	tap_nest "$tmp/verify.out" | head -n 40
}

lib_verify()
{
	local min_ok=$1
	shift
	matrix_text "$SWARM_MATRIX" "$tmp/matrix.txt" || return 1
	"$VERIFY" --matrix "$tmp/matrix.txt" --min-cycles "$CYCLES" \
		--min-ok "$min_ok" "$@" < "$tmp/monitor.json" \
		> "$tmp/verify.out" 2>&1
}

# wait_cycles N: until the aggregator has run N more cycles.
wait_cycles()
{
	local target
	target=$(($(counter "$SWARM_AGG" cycles) + $1))
	wait_for "${2:-60}" "$1 more cycles" lib_cycles_reached "$target"
}

lib_cycles_reached() { [ "$(counter "$SWARM_AGG" cycles)" -ge "$1" ]; }

# still_cycling [SECONDS]: the aggregator completes another ok cycle (within
# SECONDS, default 60), e.g. after garbage was thrown at it.
still_cycling()
{
	local ok0
	ok0=$(counter "$SWARM_AGG" cycles_ok)
	wait_for "${1:-60}" "more ok cycles" lib_ok_above "$ok0"
}

lib_ok_above() { [ "$(counter "$SWARM_AGG" cycles_ok)" -gt "$1" ]; }
