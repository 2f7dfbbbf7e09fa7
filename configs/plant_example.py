#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# Copyright (C) 2026 The AGISWARM authors.
"""plant_example.py: a complete plant in Python over libagiplant, to copy.

It simulates the plant of configs/plant_example.c (the one that
configs/swarm_matrix.json stabilises), eight states s with

    s[k+1] = 1.1 s[k] + 0.05 (s shifted up by one) + u[k]

in exact rational arithmetic (Fractions), each state held within Q1.31's
range as the C example saturates it. Every PERIOD seconds it sends s to
the aggregator group as a SENSOR (converted exactly to Q1.31) and applies
the newest actuation received (its exact values). libagiplant has already
dropped duplicates, older cycles and fenced epochs, so every actuation
it delivers is the next one to apply.

Usage: plant_example.py LISTEN PSK PLANT_PUB STEPS AGG_ADDR AGG_PUB [AGG_ADDR AGG_PUB]...
One line per step on stdout: "step K cycle C max|s| M" (M raw Q1.31).
"""

import select
import sys
import time
from fractions import Fraction

import agiplant

N = 8
PERIOD = 0.1
GAIN = Fraction("1.1")
COUPLING = Fraction("0.05")
LOW = agiplant.from_raw(-2**31)		# Q1.31's range: [-1, 1 - 2^-31]
HIGH = agiplant.from_raw(2**31 - 1)


def step(s, u):
    """One step; @u is the actuation to apply (zero before the first)."""
    nxt = []
    for i in range(N):
        v = GAIN * s[i] + (COUPLING * s[i + 1] if i + 1 < N else 0) + u[i]
        nxt.append(min(max(v, LOW), HIGH))
    return nxt


def receive_until(p, deadline, u, cycle):
    """Waits until @deadline, taking every actuation that arrives."""
    while (now := time.monotonic()) < deadline:
        if not select.select([p], [], [], deadline - now)[0]:
            continue
        while (a := p.receive()) is not None:
            if len(a.raw) != N or a.format != agiplant.Q1_31:
                continue	# not this plant's shape
            u, cycle = a.values, a.cycle
    return u, cycle


def main(argv):
    args = argv[1:]
    if len(args) < 6 or len(args) % 2 or (len(args) - 4) // 2 > agiplant.AGGREGATORS_MAX:
        print("Usage: plant_example.py LISTEN PSK PLANT_PUB STEPS AGG_ADDR AGG_PUB "
              "[AGG_ADDR AGG_PUB]...", file=sys.stderr)
        return 2
    listen, psk, plant_pub, steps = args[0], args[1], args[2], int(args[3])
    group = list(zip(args[4::2], args[5::2]))
    try:
        p = agiplant.Plant(listen, group, psk_file=psk, key_file=plant_pub)
    except agiplant.AgiplantError as e:
        print("plant_example.py: %s" % e.strerror, file=sys.stderr)
        return 1
    s = [Fraction(1, 2)] * N
    u = [Fraction(0)] * N
    cycle = 0
    ret = 0
    nxt = time.monotonic()
    try:
        for k in range(steps + 1):
            if k:
                s = step(s, u)
            print("step %d cycle %d max|s| %d"
                  % (k, cycle, max(abs(agiplant.to_raw(v)) for v in s)), flush=True)
            # A lost SENSOR is what a real plant sees too: go on.
            try:
                p.send_sensor(k, s)
            except agiplant.AgiplantError as e:
                print("plant_example.py: %s" % e.strerror, file=sys.stderr)
            nxt += PERIOD
            u, cycle = receive_until(p, nxt, u, cycle)
    except agiplant.AgiplantError as e:
        print("plant_example.py: %s" % e.strerror, file=sys.stderr)
        ret = 1
    st = p.stats()
    print("plant_example.py: %d actuations applied, %d duplicates, %d older "
          "cycles, %d fenced epochs, %d refused"
          % (st["delivered"], st["duplicate"], st["old_cycle"],
             st["stale_epoch"], st["refused"]), file=sys.stderr)
    p.close()
    return ret


if __name__ == "__main__":
    sys.exit(main(sys.argv))
