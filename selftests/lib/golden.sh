# SPDX-License-Identifier: GPL-2.0
#
# golden.sh: agictl's output compared byte for byte with a recorded
# transcript (selftests/agictl_golden*.sh; the golden files are in
# selftests/golden/). Source it from bash after netns/lib.sh, set $tmp,
# $GOLDEN and $AGICTL, queue commands with run, then golden_finish.
#
#   run LABEL MASK ARGS...   agictl ARGS in the node LABEL (agg, w1, new,
#                            or host: no namespace), masked by MASK
#   flush                    runs what was queued, in order
#   golden_finish            compares the transcript with $GOLDEN, one
#                            TAP point per command
#
# A transcript block is "==== [LABEL] agictl ARGS", then stdout, then
# "---- stderr" and stderr when there is any, then "---- exit N"; a last
# line without its newline is marked "<no newline at the end>".
#
# Recording: when $GOLDEN is missing (or with GOLDEN_PRINT=1 in the
# environment) the transcript is also printed, base64-encoded, between
# "# GOLDEN-BEGIN" and "# GOLDEN-END":
#   rm selftests/golden/FILE
#   make vm-run SCRIPT=selftests/agictl_golden....sh   # exits 4: no golden
#   sed -n '/^# GOLDEN-BEGIN/,/^# GOLDEN-END/p' build/vm-run.log |
#     sed '1d;$d' | base64 -d > selftests/golden/FILE

NS_NEW=agi-golden-new
# Paths agictl prints: fixed, so that the transcript does not vary.
KEYS=/tmp/agictl-golden-keys

# run LABEL MASK ARGS...: queues agictl ARGS for the node LABEL (agg, w1,
# new, or host: no namespace); flush runs the queue. Each command's
# stdout, stderr and exit status become one block of the transcript. MASK
# is a sed -E script applied to stdout and stderr ('' for none), or "@FUNC"
# to filter them through FUNC.
q_n=0
run()
{
	local label=$1 mask=$2 args
	shift 2
	printf -v args '%q ' "$AGICTL" "$@"
	Q_LABEL[q_n]=$label
	Q_MASK[q_n]=$mask
	Q_ARGS[q_n]=$args
	Q_TEXT[q_n]="$*"
	q_n=$((q_n + 1))
}

# Runs the queue: one shell per stretch of commands in one node, since
# entering a namespace is what costs most under TCG; then each command's
# block goes to the transcript, in order.
flush()
{
	local i=0 j label script
	while [ "$i" -lt "$q_n" ]; do
		label=${Q_LABEL[i]}
		script=
		j=$i
		while [ "$j" -lt "$q_n" ] && [ "${Q_LABEL[j]}" = "$label" ]; do
			script+="${Q_ARGS[j]} > $tmp/q$j.out 2> $tmp/q$j.err < /dev/null; echo \$? > $tmp/q$j.rc"$'\n'
			j=$((j + 1))
		done
		case $label in
		agg) in_ns "$SWARM_AGG" bash -c "$script" ;;
		w1) in_ns "$(worker_ns 1)" bash -c "$script" ;;
		new) in_ns "$NS_NEW" bash -c "$script" ;;
		host) bash -c "$script" ;;
		esac
		for ((; i < j; i++)); do
			block "$i"
		done
	done
	q_n=0
}

# Command @1 of the queue, masked, as a block of the transcript.
block()
{
	local f=$tmp/q$1 mask=${Q_MASK[$1]} out err rc
	case $mask in
	'') ;;
	@*) "${mask#@}" < "$f.out" > "$f.m" && mv "$f.m" "$f.out" &&
	    "${mask#@}" < "$f.err" > "$f.m" && mv "$f.m" "$f.err" ;;
	*) sed -i -E "$mask" "$f.out" "$f.err" ;;
	esac
	# bash builtins only: every process costs under TCG
	IFS= read -r -d '' out < "$f.out"
	IFS= read -r -d '' err < "$f.err"
	IFS= read -r rc < "$f.rc"
	{
		echo "==== [${Q_LABEL[$1]}] agictl ${Q_TEXT[$1]}"
		verbatim "$out"
		if [ -n "$err" ]; then
			echo "---- stderr"
			verbatim "$err"
		fi
		echo "---- exit $rc"
	} >> "$tmp/transcript"
	rm -f "$f.out" "$f.err" "$f.rc"
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

TIME_COUNTERS='rx_packets|rx_bytes|tx_packets|tx_bytes|tx_errors|cycles|cycles_ok|cycles_missed|tasks_sent|results_used|results_late|results_checked|faults_applied|decode_failed|drop_stale'

MASK_KEY='s/(key id |key |"key_id": ")[0-9a-f]{16}/\1KEYID/g; s/(^|"authorized_keys_line": ")[0-9a-f]{64} /\1PUBLICKEY /g'
# A link's key (random per run) and its keypair's age.
MASK_PEER='s/ key [0-9a-f]{16}\.\./ key KEY../g; s/("key": ")[0-9a-f]{64}"/\1KEY"/g; s/ keyed [0-9]+s/ keyed Ns/g; s/("key_age": )[0-9]+/\1N/g'
MASK_COMMIT="$MASK_KEY"'; s/("not_(before|after)": )[0-9]+/\1N/g; s/valid [0-9]+\.\.[0-9]+/valid N..N/'
MASK_STATUS='s/^(    ('"$TIME_COUNTERS"') +)[0-9]+$/\1N/; s/ last cycle [0-9]+$/ last cycle N/; s/("('"$TIME_COUNTERS"'|cycle_id|decode_max_ns)": )[0-9]+/\1N/g; s/^decode per result: .*/decode per result: D/; s/("decode_hist": )\[[^]]*\]/\1[H]/'
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
	awk -F, -v OFS=, 'NR == 1 || NF != 9 { print; next } {
		for (i = 1; i <= 7; i++) if (i != 6) {
			n = split($i, p, ".")
			v = "N"
			if (n == 2) { d = p[2]; gsub(/[0-9]/, "d", d); v = v "." d }
			$i = v
		}
		print }'
}

MASK_METRICS_JSON='s/("(cycle|timestamp_ns|latency_us|jitter_us|worker_count|error_ppm|results_used)": )[0-9]+/\1N/g; s/("status": )"[a-z]+"/\1"S"/g'

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

golden_print()
{
	echo "# GOLDEN-BEGIN"
	base64 < "$tmp/transcript"
	echo "# GOLDEN-END"
}

golden_finish()
{
	local n

	if [ -n "${GOLDEN_PRINT:-}" ] || [ ! -f "$GOLDEN" ]; then
		golden_print
	fi
	if [ ! -f "$GOLDEN" ]; then
		echo "1..0 # SKIP no golden file $GOLDEN (transcript printed above)"
		exit "$KSFT_SKIP"
	fi
	n=$(grep -c '^==== ' "$GOLDEN")
	tap_begin $((n + 1))
	compare
	tap_end
}
