#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# agictl prints exactly what it printed before, without a module: every
# help text, usage error, the fixed-point calculator, the matrix files,
# the audit log's verbs without a log, and keys and signed commits
# written to files. The transcript (stdout, stderr and exit status of each
# command) must equal selftests/golden/agictl_usage.golden byte for byte,
# block by block; it was recorded from the code before the userspace
# library was split out of cli/ and daemon/ (commit 5ba4b03). When
# agictl's output changes on purpose, record it again (see
# selftests/lib/golden.sh) and let the golden file's diff show the change.
# agictl_golden.sh does the same for the verbs that read a running swarm.
#
# Masked, because it is random or read from the clock:
#   keygen     the key id and the hex public key (random)
#   commit     not_before/not_after (the clock), the key id (random)
#
# Environment: AGICTL (netns/lib.sh). Prints TAP; exits 4 (skip) when a
# tool is missing.
set -u
. "$(dirname "$0")/../netns/lib.sh"
. "$lib_top/selftests/lib/golden.sh"

GOLDEN=${GOLDEN:-$lib_top/selftests/golden/agictl_usage.golden}

help_and_usage()
{
	local o
	run host '' -h
	run host '' help
	run host '' -V
	run host '' --version
	run host '' bogus
	run host '' --bogus
	for o in status node law peer group workers matrix config input fault \
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
	run host '' group frob
	run host '' group status extra
	run host '' group transfer
	run host '' group transfer a b
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
	flush
}

# Keys and commits that go to files; the dry runs print what they signed.
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
	flush
}

lib_trap
missing=$(have_tools "$AGICTL" awk base64) &&
	: || tap_skip_all "$missing not found"
# The recorded paths are relative to the repository's top.
cd "$lib_top" || exit 1
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
on_exit rm -rf "$KEYS" "$KEYS.bin"
: > "$tmp/transcript"
help_and_usage
keys_and_commits
echo "# $(grep -c '^==== ' "$tmp/transcript") commands in $SECONDS s"
golden_finish
