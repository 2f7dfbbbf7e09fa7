#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm_failover_t3.sh: `make bench-vm-failover`'s second run, the same
# benchmark (vm_failover.sh, shipped beside it with run-vm.sh --file) with
# the members' failure threshold at 3, the patience that takeovers of a
# primary that was only late back a lower threshold off to. The first run
# is at the default threshold, 1. Its line says threshold=3.
export THRESHOLD=3
exec bash /agiswarm/selftests/bench/vm_failover.sh
