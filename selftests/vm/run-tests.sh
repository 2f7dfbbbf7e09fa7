#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run-tests.sh LIST SRC_DIR [GEN_DIR]
#
# Runs the tests named in LIST (one a line, from `make -C selftests
# emit_tests`) and prints one TAP stream. A name is looked up in SRC_DIR
# (scripts) first, then in GEN_DIR (compiled tests); it runs from its own
# directory with stdin from /dev/null. Written for busybox sh: it is the
# VM's test runner, started by init.sh.
#
# Test 1, module_selftest, loads $AGISWARM_KO once and looks for the debug
# build's self-test line in the kernel log. Then, for each test:
#  - it runs under `timeout` (timeout= in SRC_DIR/settings, kselftest style);
#  - its own output is nested as "# " comments under a "# [vm]" header line;
#  - exit 0 is ok, 4 (KSFT_SKIP) is a skip, anything else a failure;
#  - afterwards, if agiswarm is still loaded, rmmod must succeed, and what
#    the kernel logged while the test ran must hold no WARNING, BUG, Oops,
#    leak or Call Trace: either fails the test that caused it.
# With AGISWARM_VM=1 (set by init.sh, never on a host) processes and network
# namespaces a test left behind are removed so the next test starts clean.
#
# The last line is the verdict, which the host side requires:
#   # AGISWARM-VERDICT pass=P fail=F skip=S total=T
# The exit status is 0 when F is 0.

list=$1
src=$2
gen=${3:-$2}

SELFTEST_LINE='agiswarm: seal self-tests (RFC 8439 A.5, the UAPI example): pass'
BAD_KMSG='WARNING:|BUG:|Oops|[Ll]eak|Call Trace'
KSFT_SKIP=4

timeout=$(sed -n 's/^timeout=//p' "$src/settings" 2>/dev/null)
: "${timeout:=45}"
tmp=$(mktemp -d)
num=0
pass=0
fail=0
skip=0

# A marker in the kernel log delimits what one test caused there, without
# clearing the log (this also runs on hosts, through run_tests).
mark()
{
	echo "agiswarm-selftests: begin $1" > /dev/kmsg 2>/dev/null
}

kmsg_since()
{
	dmesg 2>/dev/null | sed -n "/agiswarm-selftests: begin $1\$/,\$p"
}

nest()
{
	while IFS= read -r line || [ -n "$line" ]; do
		printf '# %s\n' "$line"
	done
}

# report ok|skip|fail NAME [REASON]
report()
{
	num=$((num + 1))
	case $1 in
	ok)
		pass=$((pass + 1))
		echo "ok $num $2"
		;;
	skip)
		skip=$((skip + 1))
		echo "ok $num $2 # SKIP $3"
		;;
	*)
		fail=$((fail + 1))
		echo "not ok $num $2${3:+ # $3}"
		;;
	esac
}

module_loaded()
{
	grep -qs '^agiswarm ' /proc/modules
}

# Only in the VM: a test killed by its timeout never ran its cleanup trap.
clean_leftovers()
{
	[ "$AGISWARM_VM" = 1 ] || return 0
	for _ in 1 2 3; do
		for status in /proc/[0-9]*/status; do
			pid=${status#/proc/}
			pid=${pid%/status}
			[ "$pid" = $$ ] && continue
			ppid=$(sed -n 's/^PPid:[[:space:]]*//p' "$status" 2>/dev/null)
			[ "$ppid" = 1 ] || continue
			printf '# [vm] killing leftover process %s (%s)\n' "$pid" \
				"$(cat "/proc/$pid/comm" 2>/dev/null)"
			kill -KILL "$pid" 2>/dev/null
		done
		sleep 0.1
	done
	left=$("${IP:-ip}" netns list 2>/dev/null | cut -d' ' -f1 | tr '\n' ' ')
	if [ -n "$left" ]; then
		printf '# [vm] deleting leftover netns: %s\n' "$left"
		"${IP:-ip}" -all netns delete 2>/dev/null
	fi
}

# post_checks N: sets $problem when the test numbered N left the module
# stuck or made the kernel complain.
post_checks()
{
	problem=
	if module_loaded && ! rmmod agiswarm > "$tmp/rmmod" 2>&1; then
		nest < "$tmp/rmmod"
		problem="rmmod agiswarm failed"
	fi
	kmsg_since "$1" > "$tmp/kmsg"
	if grep -Eq "$BAD_KMSG" "$tmp/kmsg"; then
		echo "# [vm] kernel log during this test:"
		head -n 80 "$tmp/kmsg" | nest
		bad=$(grep -Em1 "$BAD_KMSG" "$tmp/kmsg" | sed 's/^\[[^]]*\] *//')
		problem="${problem:+$problem; }kernel: $bad"
	fi
}

module_selftest()
{
	n=$((num + 1))
	echo "# [vm] $n module_selftest: insmod $AGISWARM_KO"
	if [ -z "$AGISWARM_KO" ] || [ ! -f "$AGISWARM_KO" ]; then
		report fail module_selftest "no module at '$AGISWARM_KO'"
		return
	fi
	module_loaded && rmmod agiswarm
	mark "$n"
	if ! insmod "$AGISWARM_KO" > "$tmp/insmod" 2>&1; then
		nest < "$tmp/insmod"
		kmsg_since "$n" | tail -n 20 | nest
		report fail module_selftest "insmod failed"
		return
	fi
	kmsg_since "$n" | grep agiswarm | grep -v agiswarm-selftests | nest
	if kmsg_since "$n" | grep -q "$SELFTEST_LINE"; then
		reason=
	else
		reason="no '$SELFTEST_LINE' in the kernel log (not a debug build?)"
	fi
	post_checks "$n"
	reason="$reason${reason:+${problem:+; }}$problem"
	if [ -n "$reason" ]; then
		report fail module_selftest "$reason"
	else
		report ok module_selftest
	fi
}

run_test()
{
	name=$1
	dir=$src
	[ -e "$src/$name" ] || dir=$gen
	n=$((num + 1))
	echo "# [vm] $n $name (timeout ${timeout}s)"
	if [ ! -x "$dir/$name" ]; then
		report fail "$name" "not found or not executable"
		return
	fi
	mark "$n"
	start=$(date +%s)
	# Through a FIFO rather than a pipe: the runner waits for the test
	# itself, not for whatever it left running with our stdout open.
	rm -f "$tmp/fifo"
	mkfifo "$tmp/fifo"
	nest < "$tmp/fifo" &
	nest_pid=$!
	(cd "$dir" && exec timeout "$timeout" "./$name") \
		< /dev/null > "$tmp/fifo" 2>&1 &
	wait $!
	rc=$?
	clean_leftovers
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$nest_pid" 2>/dev/null || break
		sleep 0.2
	done
	kill "$nest_pid" 2>/dev/null
	wait "$nest_pid" 2>/dev/null
	took=$(($(date +%s) - start))
	post_checks "$n"
	if [ "$rc" != 0 ] && [ "$took" -ge "$timeout" ]; then
		reason="timeout after ${timeout}s"
	elif [ "$rc" != 0 ] && [ "$rc" != $KSFT_SKIP ]; then
		reason="exit status $rc"
	else
		reason=
	fi
	reason="$reason${reason:+${problem:+; }}$problem"
	if [ -n "$reason" ]; then
		report fail "$name" "$reason"
	elif [ "$rc" = $KSFT_SKIP ]; then
		report skip "$name" "exit status 4"
	else
		report ok "$name"
	fi
}

tests=$(grep -v '^[[:space:]]*$' "$list")
echo "TAP version 13"
echo "1..$(($(echo "$tests" | grep -c .) + 1))"
module_selftest
for t in $tests; do
	run_test "$t"
done
rm -rf "$tmp"
echo "# AGISWARM-VERDICT pass=$pass fail=$fail skip=$skip total=$num"
[ "$fail" = 0 ]
