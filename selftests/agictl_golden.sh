#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# agictl prints exactly what it printed before: every read verb, every
# help text, usage error and refusal below is run against a small swarm in
# a known state, and the transcript (stdout, stderr and exit status of each
# command) must equal selftests/golden/agictl.golden byte for byte, block
# by block. The golden file was recorded from the code before the
# userspace library was split out of cli/ and daemon/ (commit 5ba4b03);
# when agictl's output changes on purpose, record it again (see
# "Recording" below) and let the diff of the golden file show the change.
#
#       agi-hub: bridge br0
#      +-----------+-----------+-----------+-----------+
#      |           |           |           |           |
#  agi-agg     agi-w1      agi-w2      agi-w3      agi-plant
#  192.0.2.1   .11         .12         .13         .100 (no process)
#  aggregator  worker 1    worker 2    worker 3    sensor/actuator 100
#
#  plus agi-golden-new: a namespace whose node was never set.
#
# Phase A, nothing cycles: netns/swarm.sh up --workers 3 --no-start, then
# a PID law, a fault, a worker's health and an input are set with agictl.
# Every number agictl prints is then determined by these steps, so nothing
# is masked except what is random or read from the clock:
#   keygen     the key id and the hex public key (random)
#   commit     not_before/not_after (the clock), the key id (random)
# Phase B, the cycle ran: `node start`, 20 cycles, `node stop`. Masked
# there, because how fast the emulated machine answers decides them:
#   status     the traffic and cycle counters (rx_*, tx_*, cycles*,
#              tasks_sent, results_*, faults_applied, decode_failed,
#              drop_stale) and the last cycle id
#   workers    health (ok/late), results, missed, last cycle
#   metrics    cycle id, status, latency, jitter, workers answered,
#              error rate, results used (text: column by column, keeping
#              each column's width; CSV: digits, keeping the decimals)
#   monitor    cycle id, status, latency, workers, y and u
#
# Recording: when the golden file is missing (or with GOLDEN_PRINT=1 in
# the environment) the transcript is also printed, base64-encoded, between
# "# GOLDEN-BEGIN" and "# GOLDEN-END":
#   rm selftests/golden/agictl.golden
#   make vm-run SCRIPT=selftests/agictl_golden.sh    # exits 4: no golden
#   sed -n '/^# GOLDEN-BEGIN/,/^# GOLDEN-END/p' build/vm-run.log |
#     sed '1d;$d' | base64 -d > selftests/golden/agictl.golden
#
# Environment: AGISWARM_KO, IP, AGICTL, JQ (netns/lib.sh). Prints TAP;
# exits 4 (skip) when a tool is missing.
set -u
. "$(dirname "$0")/../netns/lib.sh"

GOLDEN=${GOLDEN:-$lib_top/selftests/golden/agictl.golden}
NS_NEW=agi-golden-new
# Paths agictl prints: fixed, so that the transcript does not vary.
KEYS=/tmp/agictl-golden-keys
WORKERS=3
CYCLES=20

# --- the transcript ---------------------------------------------------------

# run LABEL MASK ARGS...: agictl ARGS in the node LABEL (agg, w1, new, or
# host: no namespace), its stdout, stderr and exit status appended to the
# transcript as one block. MASK is a sed -E script applied to stdout and
# stderr ('' for none), or "@FUNC" to filter them through FUNC.
run()
{
	local label=$1 mask=$2 rc=0 out err
	shift 2
	case $label in
	agg) in_ns "$SWARM_AGG" "$AGICTL" "$@" ;;
	w1) in_ns "$(worker_ns 1)" "$AGICTL" "$@" ;;
	new) in_ns "$NS_NEW" "$AGICTL" "$@" ;;
	host) "$AGICTL" "$@" ;;
	esac > "$tmp/out" 2> "$tmp/err" < /dev/null || rc=$?
	case $mask in
	'') ;;
	@*) "${mask#@}" < "$tmp/out" > "$tmp/out.m" &&
	    "${mask#@}" < "$tmp/err" > "$tmp/err.m" &&
	    mv "$tmp/out.m" "$tmp/out" && mv "$tmp/err.m" "$tmp/err" ;;
	*) sed -i -E "$mask" "$tmp/out" "$tmp/err" ;;
	esac
	# bash builtins only: every process costs under TCG
	IFS= read -r -d '' out < "$tmp/out"
	IFS= read -r -d '' err < "$tmp/err"
	{
		echo "==== [$label] agictl $*"
		verbatim "$out"
		if [ -n "$err" ]; then
			echo "---- stderr"
			verbatim "$err"
		fi
		echo "---- exit $rc"
	} >> "$tmp/transcript"
}

# A last line without its newline is part of what agictl printed.
verbatim()
{
	printf '%s' "$1"
	if [ -n "$1" ] && [[ $1 != *$'\n' ]]; then
		printf '\n<no newline at the end>\n'
	fi
}

# --- masks ------------------------------------------------------------------

TIME_COUNTERS='rx_packets|rx_bytes|tx_packets|tx_bytes|tx_errors|cycles|cycles_ok|cycles_missed|tasks_sent|results_used|results_late|faults_applied|decode_failed|drop_stale'

MASK_KEY='s/(key id |key |"key_id": ")[0-9a-f]{16}/\1KEYID/g; s/(^|"authorized_keys_line": ")[0-9a-f]{64} /\1PUBLICKEY /g'
MASK_COMMIT="$MASK_KEY"'; s/("not_(before|after)": )[0-9]+/\1N/g; s/valid [0-9]+\.\.[0-9]+/valid N..N/'
MASK_STATUS='s/^(    ('"$TIME_COUNTERS"') +)[0-9]+$/\1N/; s/ last cycle [0-9]+$/ last cycle N/; s/("('"$TIME_COUNTERS"'|cycle_id)": )[0-9]+/\1N/g'
MASK_WORKERS='s/^(worker [0-9]+ [^ ]+ )(healthy|degraded|unhealthy|ok|late|idle|no rows)( rows)/\1H\3/; s/ results [0-9]+ missed [0-9]+ last cycle [0-9]+/ results N missed N last cycle N/; s/("health": )"[a-z ]+"/\1"H"/g; s/("(results|missed|last_cycle)": )[0-9]+/\1N/g'
MASK_MONITOR='s/^cycle [0-9]+ epoch ([0-9]+) (ok|missed) latency [0-9]+us workers [0-9]+\/[0-9]+ /cycle N epoch \1 S latency Nus workers N\/N /; s/ y \[[^]]*\] u \[[^]]*\]$/ y [Y] u [U]/; s/("(cycle|latency_us)": )[0-9]+/\1N/g; s/("status": )"[a-z]+"/\1"S"/; s/("[yu]": )\[[^]]*\]/\1[V]/g'

# Metrics in text: fixed-width columns (%-10llu %-6s %10s %10s %7llu %5llu
# %10s %7llu); every column but task_count is masked in place, so the
# layout is still compared to the byte.
mask_metrics_text()
{
	awk '/^[0-9]+ +(ok|missed) / {
		m = "CCCCCCCCCC SSSSSS LLLLLLLLLL JJJJJJJJJJ WWWWWWW " \
		    substr($0, 49, 5) " RRRRRRRRRR UUUUUUU"
		print m substr($0, 73); next } { print }'
}

# Metrics in CSV: an integer part becomes N, each decimal digit d.
mask_metrics_csv()
{
	awk -F, -v OFS=, 'NR == 1 || NF != 7 { print; next } {
		for (i = 1; i <= 7; i++) if (i != 6) {
			n = split($i, p, ".")
			v = "N"
			if (n == 2) { d = p[2]; gsub(/[0-9]/, "d", d); v = v "." d }
			$i = v
		}
		print }'
}

MASK_METRICS_JSON='s/("(cycle|timestamp_ns|latency_us|jitter_us|worker_count|error_ppm|results_used)": )[0-9]+/\1N/g; s/("status": )"[a-z]+"/\1"S"/g'

# --- the commands -----------------------------------------------------------

help_and_usage()
{
	local o
	run host '' -h
	run host '' help
	run host '' -V
	run host '' --version
	run host '' bogus
	run host '' --bogus
	for o in status node law peer workers matrix config input fault \
		 metrics monitor fixed keygen commit audit; do
		run host '' "$o" help
	done
	run host '' -j node help
	run host '' law
	run host '' input
	run host '' fault
	run host '' node frob
	run host '' node set
	run host '' node set role queen
	run host '' node set id -1
	run host '' node set id 1 id 2
	run host '' node set cycle 5parsecs
	run host '' node set port 70000
	run host '' node set redundancy 300
	run host '' node set miss sometimes
	run host '' node set epoch
	run host '' node show extra
	run host '' status show extra
	run host '' status frob
	run host '' law set
	run host '' law set bang
	run host '' law set pid kp 1
	run host '' law set pid kp 200 ki 0 kd 0
	run host '' law set pid kp 1 ki 0 kd 0 lo 0.5 hi -0.5
	run host '' law set pid kp 1 ki 0 kd 0 frob 1
	run host '' law set feedback now
	run host '' peer add
	run host '' peer add robot 1 192.0.2.9
	run host '' peer add worker x 192.0.2.9
	run host '' peer add worker 9
	run host '' peer add worker 9 192.0.2.300
	run host '' peer add actuator 9 192.0.2.9 health healthy
	run host '' peer add worker 9 192.0.2.9 health sick
	run host '' peer del worker
	run host '' peer del worker 9 extra
	run host '' input set
	run host '' input set 0.5 0.25
	run host '' input set 2
	run host '' input set --raw 3000000000
	run host '' input set 0.5 --format Q9.9
	run host '' fault inject worker 1
	run host '' fault inject worker 1 delay 0
	run host '' fault inject worker 1 drop 101
	run host '' fault inject worker 1 stall 5
	run host '' fault inject robot 1 stall
	run host '' fault clear worker
	run host '' metrics last
	run host '' metrics last 0
	run host '' metrics frob
	run host '' -j metrics --csv
	run host '' monitor --count
	run host '' monitor --count 0
	run host '' matrix check
	run host '' matrix check a.json b.json
	run host '' matrix check --frob a.json
	run host '' matrix check /nonexistent.json
	run host '' matrix check configs/swarm_matrix.json
	run host '' -j matrix check configs/swarm_matrix.json
	run host '' -p matrix check configs/swarm_matrix.json --matrix control_matrices.state_feedback.matrix
	run host '' matrix check configs/swarm_matrix.json --matrix control_matrices.nothing
	run host '' matrix check configs/example_matrix.json
	run host '' -j matrix check configs/example_matrix.json
	run host '' fixed
	run host '' fixed frob 1
	run host '' fixed from 0.5
	run host '' -j fixed from 0.5
	run host '' fixed from 1.5
	run host '' -j fixed from 1.5
	run host '' fixed from --raw -2147483648
	run host '' fixed add 0.25 0.5
	run host '' fixed sub -1 0.5
	run host '' fixed add --format Q1.15 0.5 --format-b Q1.31 0.5
	run host '' fixed mul --format Q8.24 --format-b Q1.31 1.25 0.5
	run host '' -j fixed mul --format Q8.24 --format-b Q1.31 1.25 0.5
	run host '' -p fixed mul --format=Q8.24 --format-b=Q1.31 1.25 0.5
	run host '' fixed div 0.5 0
	run host '' -j fixed div 0.5 0
	run host '' fixed div 0.25 0.5
	run host '' fixed dot 0.5,-0.25 0.5,0.5
	run host '' fixed dot 0.5,-0.25 0.5
	run host '' fixed mul 1 2 3
	run host '' fixed from x
	run host '' audit frob
	run host '' audit list --log /nonexistent/audit.log
	run host '' -j audit list --log /nonexistent/audit.log
	run host '' audit verify --log /nonexistent/audit.log --keys /nonexistent/keys
	run host '' -j audit verify --log /nonexistent/audit.log --keys /nonexistent/keys
	run host '' keygen --frob
	run host '' keygen extra
	run host '' commit
	run host '' commit --yes
	run host '' commit --yes kp
	run host '' commit --yes frob 1
	run host '' commit --yes kp 1 kp 2
	run host '' commit --yes --dry-run kp 1
	run host '' commit --yes --window 0s kp 1
	run host '' commit --yes --to nowhere kp 1
	run host '' commit --yes cycle 0 kp 1
	run host '' commit --yes miss sometimes
}

keys_and_commits()
{
	local k=$KEYS
	run host "$MASK_KEY" keygen --output "$k"
	run host "$MASK_KEY" keygen --output "$k"
	run host "$MASK_KEY" -j keygen --output "$k" --force
	run host '' commit --yes --key /nonexistent.key kp 1
	run host "$MASK_COMMIT" commit --yes --key "$k/operator.key" --seq 42 \
		--dry-run --out "$KEYS.bin" kp 1.5 setpoint 0.25,-0.5 cycle 20ms \
		deadline 1500us miss zero law pid lo -0.5 hi 0.5 ki 0.125 kd 0
	run host "$MASK_COMMIT" -j commit --yes --key "$k/operator.key" \
		--seq 43 --apply-at 1000 --dry-run --out "$KEYS.bin" \
		matrix configs/swarm_matrix.json
	run agg "$MASK_COMMIT" commit --yes --key "$k/operator.key" --seq 45 \
		--to 192.0.2.1 kp 1
}

# Phase A: everything set, nothing cycling.
read_verbs()
{
	local ns
	for ns in agg w1 new; do
		run "$ns" ''
		run "$ns" '' status
		run "$ns" '' -j status
		run "$ns" '' -p status show
		run "$ns" '' node
		run "$ns" '' -j node show
		run "$ns" '' workers
		run "$ns" '' -j workers list
		run "$ns" '' peer
		run "$ns" '' -j peer list
		run "$ns" '' -p peer show
		run "$ns" '' matrix
		run "$ns" '' -j matrix show
		run "$ns" '' config
		run "$ns" '' -j config show
		run "$ns" '' -p config show
		run "$ns" '' metrics
		run "$ns" '' metrics last 5
		run "$ns" '' metrics --csv
		run "$ns" '' -j metrics
	done
	run agg '' -p workers list
}

refusals()
{
	run agg '' node set cycle 50ms deadline 60ms
	run agg '' -j node set cycle 50ms deadline 60ms
	run agg '' peer del worker 99
	run agg '' -j peer del worker 99
	run agg '' input set 0.5
	run agg '' peer add worker 9 '[2001:db8::1]:6000'
	run agg '' fault clear worker 42
	run agg '' node set cycle 100s
	run w1 '' node start
	run w1 '' matrix load configs/swarm_matrix.json
}

# The swarm of phase A: a law, a fault, a health, an input.
setup_a()
{
	actl "$SWARM_AGG" law set pid kp 1.5 ki 0.25 kd -0.125 lo -0.75 \
		hi 0.75 setpoint 0.5,-0.5,0.25,0,0,0,0,0.125 &&
	actl "$SWARM_AGG" fault inject worker 2 delay 5 &&
	actl "$SWARM_AGG" fault inject worker 1 drop 10 &&
	actl "$SWARM_AGG" peer add worker 3 "$(worker_addr 3):$SWARM_PORT" \
		health degraded &&
	actl "$SWARM_AGG" input set 0.5,-0.25,0.125,0,0,0,0,-1 &&
	"$IP" netns add "$NS_NEW"
}

phase_b()
{
	run agg '' fault clear worker 1
	run agg '' fault clear
	run agg '' node start
	run agg "$MASK_MONITOR" monitor --count 2
	run agg "$MASK_MONITOR" -j monitor --count 2
	wait_cycles "$CYCLES" 90 || return 1
	run agg '' node stop
	# a RESULT still on its way must not change the counters read below
	sleep 0.5
	run agg "$MASK_STATUS" status
	run agg "$MASK_STATUS" -j status
	run agg "$MASK_WORKERS" workers list
	run agg "$MASK_WORKERS" -j workers list
	run agg @mask_metrics_text metrics last 3
	run agg "$MASK_METRICS_JSON" -j metrics last 3
	run agg @mask_metrics_csv metrics last 3 --csv
}

# --- comparing ----------------------------------------------------------------

# blocks FILE DIR: one file per "==== " block of FILE in DIR (000, 001...).
blocks()
{
	mkdir -p "$2"
	awk -v dir="$2" '/^==== / { n++ } { f = sprintf("%s/%03d", dir, n); print > f }' "$1"
}

compare()
{
	local b name
	if cmp -s "$GOLDEN" "$tmp/transcript"; then
		tap_result "as many commands as recorded" 0
		while IFS= read -r name; do
			tap_result "${name#==== }" 0
		done < <(grep '^==== ' "$GOLDEN")
		return
	fi
	blocks "$GOLDEN" "$tmp/want"
	blocks "$tmp/transcript" "$tmp/got"
	tap_check "as many commands as recorded" \
		[ "$(ls "$tmp/want" | wc -l)" = "$(ls "$tmp/got" | wc -l)" ]
	for b in $(ls "$tmp/want"); do
		name=$(head -n 1 "$tmp/want/$b")
		if cmp -s "$tmp/want/$b" "$tmp/got/$b" 2>/dev/null; then
			tap_result "${name#==== }" 0
		else
			tap_result "${name#==== }" 1 "differs from the golden file"
			diff -u "$tmp/want/$b" "$tmp/got/$b" 2>&1 | sed 's/^/# /'
		fi
	done
}

print_transcript()
{
	echo "# GOLDEN-BEGIN"
	base64 < "$tmp/transcript"
	echo "# GOLDEN-END"
}

# --- main -----------------------------------------------------------------------

lib_trap
[ "$(id -u)" = 0 ] || tap_skip_all "needs root"
missing=$(have_tools "$IP" "$AGICTL" "$JQ" timeout awk base64) &&
	: || tap_skip_all "$missing not found"
"$IP" netns list >/dev/null 2>&1 ||
	tap_skip_all "$IP has no netns support (busybox ip?)"
module_loaded || [ -f "${AGISWARM_KO:-}" ] ||
	tap_skip_all "agiswarm not loaded and AGISWARM_KO is not a file"
[ -e "/run/netns/$SWARM_HUB" ] &&
	tap_skip_all "a swarm is already up (netns/swarm.sh down)"
# The recorded paths are relative to the repository's top.
cd "$lib_top" || exit 1
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
on_exit "$lib_top/netns/swarm.sh" down
on_exit "$IP" netns del "$NS_NEW"
on_exit rm -rf "$KEYS" "$KEYS.bin"
: > "$tmp/transcript"

echo "TAP version 13"
rc=0
"$lib_top/netns/swarm.sh" up --workers "$WORKERS" --no-start \
	> "$tmp/up.log" 2>&1 && setup_a >> "$tmp/up.log" 2>&1 || rc=$?
if [ "$rc" != 0 ]; then
	echo "1..1"
	sed 's/^/# /' "$tmp/up.log"
	tap_result "swarm up and phase A set" "$rc"
	exit 1
fi
echo "# swarm up in $SECONDS s"
for step in help_and_usage read_verbs refusals keys_and_commits; do
	"$step"
	echo "# $step done at $SECONDS s"
done
phase_b || { echo "1..1"; tap_result "phase B: $CYCLES cycles" 1; exit 1; }
echo "# $(grep -c '^==== ' "$tmp/transcript") commands in $SECONDS s"

if [ -n "${GOLDEN_PRINT:-}" ] || [ ! -f "$GOLDEN" ]; then
	print_transcript
fi
if [ ! -f "$GOLDEN" ]; then
	echo "1..0 # SKIP no golden file $GOLDEN (transcript printed above)"
	exit "$KSFT_SKIP"
fi
n=$(grep -c '^==== ' "$GOLDEN")
echo "1..$((n + 1))"
compare
tap_end
