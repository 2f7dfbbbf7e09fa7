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
KSFT_SKIP=4

# The swarm's namespaces (see the topology in swarm.sh).
SWARM_HUB=agi-hub
SWARM_AGG=agi-agg
SWARM_PLANT=agi-plant
SWARM_NET=192.0.2		# TEST-NET-1 (RFC 5737)
SWARM_AGG_ADDR=$SWARM_NET.1
SWARM_PLANT_ADDR=$SWARM_NET.100
SWARM_PORT=6000
SWARM_STATE=${SWARM_STATE:-/run/agiswarm-swarm}

lib_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

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

module_loaded() { grep -qs '^agiswarm ' /proc/modules; }

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

# --- TAP ----------------------------------------------------------------

tap_n=0
tap_failed=0

tap_begin() { echo "TAP version 13"; echo "1..$1"; }

# tap_skip_all REASON: nothing can run here.
tap_skip_all() { echo "1..0 # SKIP $*"; exit $KSFT_SKIP; }

# tap_result NAME STATUS [DETAIL]: STATUS 0 is ok.
tap_result()
{
	tap_n=$((tap_n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $tap_n $1"
	else
		echo "not ok $tap_n $1${3:+ # $3}"
		tap_failed=$((tap_failed + 1))
	fi
}

# tap_check NAME CMD...: one test point from CMD's status.
tap_check()
{
	local name=$1 rc=0
	shift
	"$@" || rc=$?
	tap_result "$name" "$rc"
}

tap_end() { [ "$tap_failed" = 0 ]; }
