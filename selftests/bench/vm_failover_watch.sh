#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm_failover_watch.sh: `make bench-vm-failover`'s second run, the same
# benchmark (vm_failover.sh, shipped beside it with run-vm.sh --file) with
# the members' failure threshold at 1: the first backup's watch. The first
# run is at the default threshold, 3. Its line says threshold=1.
export THRESHOLD=1
exec bash /agiswarm/selftests/bench/vm_failover.sh
