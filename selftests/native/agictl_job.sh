#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# agictl job without the module: every job file is read and checked
# before any netlink use, so each file error and usage error shows here
# exactly as an operator sees it (selftests/swarm_jobs.sh runs the jobs).
# Prints TAP; exits non-zero when a case fails.
#
#   AGICTL=build/agictl selftests/native/agictl_job.sh

AGICTL=${AGICTL:-build/agictl}
CONFIGS=${CONFIGS:-$(dirname "$0")/../../configs}
PLAN=18
. "$(dirname "$0")/../lib/tap.sh"

[ -x "$AGICTL" ] || tap_skip_all "$AGICTL is not built"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

tap_begin "$PLAN"

run() {
	tap_run "$AGICTL" "$@"
}

write() {
	printf '%s\n' "$2" > "$tmp/$1"
}

J=$CONFIGS/jobs

# --- usage ----------------------------------------------------------------
run job run
tap_usage_fails "job run needs an operation (matmul, fir, mlp, fixed-probe or control-update)"
tap_report $? "job run without an operation says which exist"

run job run transpose --a x --b y
tap_usage_fails 'job run: unknown operation "transpose" (allowed: matmul, fir, mlp, fixed-probe, control-update)'
tap_report $? "an unknown operation is named with the allowed ones"

run job run matmul --a "$J/seeds_a.json"
tap_usage_fails "job run matmul needs --a FILE.json and --b FILE.json"
tap_report $? "matmul without --b"

run job run fir --a "$J/seeds_a.json" --signal "$J/fir_signal.json"
tap_usage_fails "job run fir takes --taps and --signal, not --a"
tap_report $? "an option of another operation is refused"

run job run matmul --a "$J/seeds_a.json" --b "$J/seeds_b.json" --timeout 0
tap_usage_fails 'job run: bad timeout "0"'
tap_report $? "a zero timeout is refused"

run job run matmul --a "$J/seeds_a.json" --b "$J/seeds_b.json" --priority 256
tap_usage_fails 'job run: bad priority "256" (allowed: 0..255)'
tap_report $? "a priority past 255 is refused"

run job run mlp --model "$J/mlp_model.json" --input "$J/mlp_input.json" --detach
tap_usage_fails "job run mlp waits for each layer: --detach is not allowed"
tap_report $? "mlp cannot detach"

run job status 0
tap_usage_fails 'job status: bad job id "0" (a job'"'"'s number, from 1)'
tap_report $? "job id 0 is refused"

run job run control-update --setpoint 0.5 --feedback 1
tap_usage_fails 'job run control-update: feedback "1" is not a decimal in [-1, 1) (Q1.31)'
tap_report $? "control-update: a signal outside Q1.31 is refused"

run job run fixed-probe
tap_usage_fails "job run fixed-probe needs --worker ID"
tap_report $? "fixed-probe needs a worker"

run job run fixed-probe --worker x
tap_usage_fails 'job run fixed-probe: bad worker id "x" (a worker'"'"'s node id, from 1)'
tap_report $? "fixed-probe: a bad worker id is refused"

# --- files, checked before the module is asked ----------------------------
write wide.json '{"matrix": [[1, 2], [3, 4]], "precision": "Q16.16"}'
run job run matmul --a "$J/seeds_a.json" --b "$tmp/wide.json"
tap_fails_exactly "job run failed: A ($J/seeds_a.json) is 3x3 and B ($tmp/wide.json) 2x2: A's columns must be B's rows"
tap_report $? "A's columns must be B's rows"

write big.json '{"matrix": [[200]], "precision": "Q8.24"}'
run job run matmul --a "$tmp/big.json" --b "$tmp/big.json"
tap_text_fails "$tmp/big.json: matrix[0][0]: 200 does not fit Q8.24 [-128, 127.9999999403]; Q16.16 holds it"
tap_report $? "an entry outside its format names file, key, value and a format that holds it"

run job run fir --taps "$J/fir_signal.json" --signal "$J/fir_signal.json"
tap_fails_exactly "job run failed: $J/fir_signal.json: taps: no such key"
tap_report $? "a taps file without \"taps\" says so"

write taps2.json '{"taps": [[0.5], [0.25]]}'
run job run fir --taps "$tmp/taps2.json" --signal "$J/fir_signal.json"
tap_fails_exactly "job run failed: $tmp/taps2.json: taps: 2 rows; one row [[v0, v1, ...]] allowed"
tap_report $? "taps of two rows are refused"

write model.json '{"layer1": {"weights": {"matrix": [[1, 2, 3]], "precision": "Q8.24"},
  "bias": {"matrix": [[0]], "precision": "Q16.16"}}}'
run job run mlp --model "$tmp/model.json" --input "$J/mlp_input.json"
tap_fails_exactly "job run failed: $tmp/model.json: layer1.weights: 3 columns; the layer's input has 2 values"
tap_report $? "a layer's weights must take the input's length"

write model2.json '{"layer1": {"weights": {"matrix": [[1, 2]], "precision": "Q8.24"},
  "bias": {"matrix": [[0]], "precision": "Q1.31"}}}'
run job run mlp --model "$tmp/model2.json" --input "$J/mlp_input.json"
tap_fails_exactly "job run failed: $tmp/model2.json: layer1.bias.precision: Q1.31; the input's Q16.16 allowed"
tap_report $? "a bias in another format than the input's is refused"

write model3.json '{"layer1": {"weights": {"matrix": [[1, 2]], "precision": "Q8.24"},
  "bias": {"matrix": [[0]], "precision": "Q16.16"}},
 "layer2": {"weights": {"matrix": [[1], [1]], "precision": "Q8.24"}}}'
run job run mlp --model "$tmp/model3.json" --input "$J/mlp_input.json"
tap_fails_exactly "job run failed: $tmp/model3.json: layer2.bias: no such key"
tap_report $? "the whole model is checked before anything is sent: layer2's missing bias"

tap_end
