# SPDX-License-Identifier: GPL-2.0
#
# tap.sh: TAP for the shell tests: selftests/*.sh, selftests/native/*.sh
# and, through netns/lib.sh, the swarm and daemon tests. POSIX sh, so that
# busybox's sh and bash both source it:
#
#   . "$(dirname "$0")/lib/tap.sh"
#
# Points:
#   tap_begin N              "TAP version 13" and the plan
#   tap_skip_all REASON      nothing can run here: plan 0, exit 4
#   tap_result NAME STATUS [DETAIL]   one point, ok when STATUS is 0; a
#                            failed one calls $tap_on_fail when it is set
#                            (a function that shows what the script kept)
#   tap_check NAME CMD...    one point from CMD's status; CMD's output is
#                            shown after it as comments
#   tap_skip NAME REASON     one point, skipped
#   tap_end                  0 when no point failed and the plan was kept
#   tap_nest FILE            FILE's lines as comments
#
# Commands whose output a test looks at (agictl's, mostly):
#   tap_run CMD...           runs CMD: $rc, $out, $err (without the last
#                            newline) and $cmd are what it did
#   tap_report STATUS NAME   one point; a failed one shows $cmd, $rc,
#                            $out and $err
#   tap_has TEXT             $out contains TEXT
#   tap_json_ok FILTER       exit 0, nothing on stderr, exactly one JSON
#                            value on stdout, satisfying the jq FILTER
#   tap_json_fails TEXT      exit 1 under -j: nothing on stderr, one
#                            {"error": ...} holding TEXT on stdout
#   tap_text_fails TEXT      exit 1: nothing on stdout, TEXT in stderr
#   tap_fails_exactly TEXT   exit 1: nothing on stdout, stderr is TEXT
#   tap_usage_fails TEXT     exit 2: nothing on stdout, TEXT in stderr

KSFT_SKIP=4
JQ=${JQ:-jq}
tap_n=0
tap_failed=0
tap_planned=
tap_on_fail=

tap_begin()
{
	tap_planned=$1
	echo "TAP version 13"
	echo "1..$1"
}

tap_skip_all()
{
	echo "1..0 # SKIP $*"
	exit "$KSFT_SKIP"
}

tap_nest()
{
	sed 's/^#* */# /' "$1"
}

tap_result()
{
	tap_n=$((tap_n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $tap_n - $1"
		return 0
	fi
	echo "not ok $tap_n - $1${3:+ # $3}"
	tap_failed=$((tap_failed + 1))
	[ -z "$tap_on_fail" ] || "$tap_on_fail"
	return 0
}

tap_check()
{
	tap_name=$1 tap_rc=0
	shift
	tap_out=$(mktemp)
	"$@" > "$tap_out" 2>&1 || tap_rc=$?
	tap_result "$tap_name" "$tap_rc"
	tap_nest "$tap_out"
	rm -f "$tap_out"
	return 0
}

tap_skip()
{
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

tap_end()
{
	if [ -n "$tap_planned" ] && [ "$tap_n" != "$tap_planned" ]; then
		echo "# planned $tap_planned points, ran $tap_n"
		return 1
	fi
	[ "$tap_failed" = 0 ]
}

# --- commands whose output is checked ------------------------------------

tap_run()
{
	tap_f=$(mktemp)
	rc=0
	"$@" > "$tap_f.out" 2> "$tap_f.err" || rc=$?
	out=$(cat "$tap_f.out")
	err=$(cat "$tap_f.err")
	rm -f "$tap_f" "$tap_f.out" "$tap_f.err"
	cmd="$*"
	return 0
}

tap_report()
{
	tap_result "$2" "$1"
	[ "$1" = 0 ] && return 0
	echo "#   $cmd: exit $rc"
	printf '%s\n' "$out" | sed 's/^/#   stdout: /'
	printf '%s\n' "$err" | sed 's/^/#   stderr: /'
}

tap_has()
{
	printf '%s' "$out" | grep -qF -- "$1"
}

tap_json_ok()
{
	[ "$rc" -eq 0 ] && [ -z "$err" ] &&
		printf '%s\n' "$out" |
		"$JQ" -se "length == 1 and (.[0] | $1)" > /dev/null 2>&1
}

tap_json_fails()
{
	[ "$rc" -eq 1 ] && [ -z "$err" ] &&
		printf '%s\n' "$out" | "$JQ" -se --arg s "$1" \
			'length == 1 and (.[0] | keys == ["error"] and
			 (.error | contains($s)))' > /dev/null 2>&1
}

tap_text_fails()
{
	[ "$rc" -eq 1 ] && [ -z "$out" ] && printf '%s' "$err" | grep -qF -- "$1"
}

tap_fails_exactly()
{
	[ "$rc" -eq 1 ] && [ -z "$out" ] && [ "$err" = "$1" ]
}

tap_usage_fails()
{
	[ "$rc" -eq 2 ] && [ -z "$out" ] && printf '%s' "$err" | grep -qF -- "$1"
}
