#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo_acts.sh: the body of `make demo`, its two acts in one VM boot, each
# from a clean state (each takes down what it made on its way out):
#
#   act 1  netns/demo.sh: one aggregator and 8 workers keep the plant under
#          control through stalls and loss, then an operator's signed
#          commit (DEMO_PLANT picks the plant: plant, python or modbus)
#   act 2  netns/demo_group.sh: a replicated group of three aggregators run
#          by agiswarmd; the primary's node dies midway and the plant does
#          not notice; a signed commit made after the failover is held by
#          the survivors; the old primary rejoins as a backup and applies
#          it at the same cycle as they do (the built-in plant)
#
# Both acts run whatever the first's outcome; the exit status is non-zero
# when either failed. selftests/vm/demo_plots.sh draws act 1's pictures
# from the log afterwards (its @demo- lines; act 2 prints none).
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$top/netns/demo.sh" ] || top=$PWD

# act N SCRIPT: run it, say how it ended and how long it took; its status.
act()
{
	local start=$SECONDS rc=0
	bash "$top/netns/$2" || rc=$?
	echo
	echo "# [demo] act $1 (netns/$2): exit status $rc after $((SECONDS - start))s"
	return $rc
}

rc1=0 rc2=0
act 1 demo.sh || rc1=$?
# demo.sh took its swarm down on exit; whatever a failure left behind
# would stop act 2 from starting.
if [ -e /run/netns/agi-hub ]; then
	echo "# [demo] act 1 left a swarm up: taking it down"
	"$top/netns/swarm.sh" down
fi
act 2 demo_group.sh || rc2=$?
if [ "$rc1" = 0 ] && [ "$rc2" = 0 ]; then
	echo "# [demo] both acts passed"
	exit 0
fi
echo "# [demo] FAILED: act 1 exit status $rc1, act 2 exit status $rc2"
exit 1
