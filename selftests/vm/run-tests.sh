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
#  - it runs in a session (and process group) of its own, for at most
#    timeout= of SRC_DIR/settings (kselftest style) times
#    $AGISWARM_TIMEOUT_SCALE (default 1; the debug kernel is slower), or
#    $AGISWARM_TIMEOUT_<name> seconds when set (every character of the name
#    that is no letter or digit an underscore: a fuzzer told to send 10^6
#    datagrams needs longer than the rest); on
#    timeout its whole group gets SIGTERM, then SIGKILL, and when it ends
#    whatever is left of its group is killed too, so no helper of one test
#    outlives it into the next;
#  - its own output is nested as "# " comments under a "# [vm]" header line;
#  - exit 0 is ok, 4 (KSFT_SKIP) is a skip, anything else a failure;
#  - afterwards, if agiswarm is still loaded, rmmod must succeed, and what
#    the kernel logged while the test ran must hold no WARNING, BUG, Oops,
#    leak or Call Trace: either fails the test that caused it.
# With AGISWARM_VM=1 (set by init.sh, never on a host) processes and network
# namespaces a test left behind are removed so the next test starts clean.
#
# On a debug kernel (AGISWARM_KERNEL=debug, set by the debug initrd) a first
# case, debug_kernel, shows and asserts that the debug options are active
# (lockdep's boot self-tests passed, KASAN and kmemleak initialised), and a
# last case, kmemleak, unloads the module, has kmemleak scan and fails on
# any suspected leak, or when lockdep turned itself off after a splat.
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
timeout=$((timeout * ${AGISWARM_TIMEOUT_SCALE:-1}))
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
	# netns/swarm.sh's state (keys, pids): the next swarm up refuses to
	# overwrite its keys.
	if [ -d /run/agiswarm-swarm ]; then
		echo "# [vm] deleting leftover swarm state /run/agiswarm-swarm"
		rm -rf /run/agiswarm-swarm
	fi
}

# kill_group PGID: SIGTERM to what is left of a test's process group, then
# SIGKILL to what ignores it.
kill_group()
{
	kill -TERM "-$1" 2>/dev/null || return 0
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		sleep 0.2
		kill -0 "-$1" 2>/dev/null || return 0
	done
	kill -KILL "-$1" 2>/dev/null
	return 0
}

# watchdog PGID SECONDS: after SECONDS, notes the timeout and kills the
# group; killed itself (SIGTERM, which also ends its sleep) when the test
# ends first.
watchdog()
{
	trap 'kill $! 2>/dev/null; exit 0' TERM
	sleep "$2" &
	wait $!
	trap - TERM
	: > "$tmp/timed-out"
	kill_group "$1"
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
		# From a few lines before its first complaint: a test that
		# builds a swarm logs a lot before it (bridge ports, roles).
		first=$(grep -En "$BAD_KMSG" "$tmp/kmsg" | head -n 1 | cut -d: -f1)
		first=$((first > 5 ? first - 5 : 1))
		echo "# [vm] kernel log during this test, from line $first:"
		tail -n "+$first" "$tmp/kmsg" | head -n 100 | nest
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

# The debug kernel's boot log, quoted and checked: what make check-debug
# promises is really on.
debug_kernel()
{
	echo "# [vm] $((num + 1)) debug_kernel: the debug options are active"
	reason=
	dmesg > "$tmp/boot"
	for want in 'Good, all *[0-9]* testcases passed' \
		    'KernelAddressSanitizer initialized' \
		    'kmemleak: Kernel memory leak detector initialized'; do
		if line=$(grep -m1 "$want" "$tmp/boot"); then
			echo "# [vm] debug: ${line#\[*\] }"
		else
			reason="${reason:+$reason; }no '$want' at boot"
		fi
	done
	for f in /proc/lockdep /sys/kernel/debug/kmemleak; do
		[ -e "$f" ] || reason="${reason:+$reason; }no $f"
	done
	if ! grep -q 'debug_locks: *1' /proc/lockdep_stats 2>/dev/null; then
		reason="${reason:+$reason; }lockdep is off (debug_locks 0)"
	fi
	# Boot-time leaks are the kernel's own, not the tests': forget them.
	echo clear > /sys/kernel/debug/kmemleak 2>/dev/null
	if [ -n "$reason" ]; then
		report fail debug_kernel "$reason"
	else
		report ok debug_kernel
	fi
}

# After every test: the module unloaded, kmemleak's verdict, and lockdep
# still on (it turns itself off after the first splat, which then failed
# the test that caused it; the later tests ran unchecked).
kmemleak()
{
	echo "# [vm] $((num + 1)) kmemleak: scan after the tests"
	reason=
	if module_loaded && ! rmmod agiswarm > "$tmp/rmmod" 2>&1; then
		nest < "$tmp/rmmod"
		reason="rmmod agiswarm failed"
	fi
	# Freed objects linger a grace period, and one scan may see a pointer
	# that is about to go: scan twice, as kmemleak's documentation says.
	sleep 2
	echo scan > /sys/kernel/debug/kmemleak
	sleep 2
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak > "$tmp/leaks"
	if [ -s "$tmp/leaks" ]; then
		head -n 60 "$tmp/leaks" | nest
		reason="${reason:+$reason; }$(grep -c '^unreferenced object' "$tmp/leaks") suspected leaks"
	else
		echo "# [vm] kmemleak: no suspected leaks"
	fi
	if ! grep -q 'debug_locks: *1' /proc/lockdep_stats 2>/dev/null; then
		reason="${reason:+$reason; }lockdep turned itself off during the run (a splat above)"
	fi
	if [ -n "$reason" ]; then
		report fail kmemleak "$reason"
	else
		report ok kmemleak
	fi
}

run_test()
{
	name=$1
	dir=$src
	[ -e "$src/$name" ] || dir=$gen
	n=$((num + 1))
	own=AGISWARM_TIMEOUT_$(printf '%s' "$name" | tr -c 'A-Za-z0-9' '_')
	eval "limit=\${$own:-$timeout}"
	echo "# [vm] $n $name (timeout ${limit}s)"
	if [ ! -x "$dir/$name" ]; then
		report fail "$name" "not found or not executable"
		return
	fi
	mark "$n"
	start=$(date +%s)
	# Through a FIFO rather than a pipe: the runner waits for the test
	# itself, not for whatever it left running with our stdout open.
	rm -f "$tmp/fifo" "$tmp/timed-out"
	mkfifo "$tmp/fifo"
	nest < "$tmp/fifo" &
	nest_pid=$!
	# A background job of this shell is no group leader, so setsid makes
	# the test the leader of a new session and process group in place:
	# its pid is the group's id.
	(cd "$dir" && exec setsid "./$name") < /dev/null > "$tmp/fifo" 2>&1 &
	test_pid=$!
	watchdog "$test_pid" "$limit" &
	watchdog_pid=$!
	wait "$test_pid" 2>/dev/null
	rc=$?
	kill "$watchdog_pid" 2>/dev/null
	wait "$watchdog_pid" 2>/dev/null
	kill_group "$test_pid"
	clean_leftovers
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$nest_pid" 2>/dev/null || break
		sleep 0.2
	done
	kill "$nest_pid" 2>/dev/null
	wait "$nest_pid" 2>/dev/null
	took=$(($(date +%s) - start))
	echo "# [vm] $n $name took ${took}s"
	post_checks "$n"
	if [ -e "$tmp/timed-out" ]; then
		reason="timeout after ${limit}s"
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
debug=
[ "$AGISWARM_KERNEL" = debug ] && debug=2
echo "TAP version 13"
echo "1..$(($(echo "$tests" | grep -c .) + 1 + ${debug:-0}))"
[ -n "$debug" ] && debug_kernel
module_selftest
for t in $tests; do
	run_test "$t"
done
[ -n "$debug" ] && kmemleak
rm -rf "$tmp"
echo "# AGISWARM-VERDICT pass=$pass fail=$fail skip=$skip total=$num"
[ "$fail" = 0 ]
