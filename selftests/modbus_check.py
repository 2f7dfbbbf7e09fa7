# SPDX-License-Identifier: GPL-2.0
#
# modbus_check.py: plant_modbus.sh's independent check of agiswarm-modbus's
# conversions, with Python's exact integers and Fractions instead of the C
# of include/user/modbus_map.c, from the rule its man page documents:
#
#   x = sat_F(R * scale + offset)
#   R = sat_type(round_half_away((u - offset) / scale))
#
#   modbus_check.py sensors MAP BRIDGE MONITOR
#       every SENSOR x the bridge sent is its registers by the rule, and
#       every x the aggregator used is one of them
#   modbus_check.py actuators MAP BRIDGE MONITOR PLANT
#       every u the bridge wrote is the aggregator's output of that cycle,
#       written as the rule says, and the device held only such registers
#
# MAP is `agiswarm-modbus --check` (raw scale and offset), BRIDGE its --json
# lines, MONITOR `agictl -j monitor` lines, PLANT modbus_plant's lines.
# Prints what it compared as "# " lines; exit status 0 when all holds.
import json
import sys
from fractions import Fraction

FORMATS = {"Q1.31": 32, "Q1.15": 16, "Q8.24": 32}
TYPES = {"int16": (-2**15, 2**15 - 1), "uint16": (0, 2**16 - 1),
         "int32": (-2**31, 2**31 - 1), "uint32": (0, 2**32 - 1)}


def lines(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def nregs(e):
    return 2 if e["type"].endswith("32") else 1


def value(e, w):
    if nregs(e) == 1:
        v = w[0]
    elif e["word_order"] == "high_first":
        v = w[0] * 65536 + w[1]
    else:
        v = w[1] * 65536 + w[0]
    bits = 16 * nregs(e)
    if not e["type"].startswith("u") and v >= 2**(bits - 1):
        v -= 2**bits
    return v


def words(e, v):
    v %= 2**(16 * nregs(e))
    hi, lo = v // 65536, v % 65536
    if nregs(e) == 1:
        return [lo]
    return [hi, lo] if e["word_order"] == "high_first" else [lo, hi]


def to_x(e, fmt, w):
    bits = FORMATS[fmt]
    return min(max(value(e, w) * e["scale"] + e["offset"], -2**(bits - 1)),
               2**(bits - 1) - 1)


def to_words(e, u):
    f = Fraction(u - e["offset"], e["scale"])
    r = (abs(f.numerator) * 2 + f.denominator) // (2 * f.denominator)
    r = -r if f < 0 else r
    lo, hi = TYPES[e["type"]]
    return words(e, min(max(r, lo), hi))


def split(elems, w):
    out, i = [], 0
    for e in elems:
        out.append(w[i:i + nregs(e)])
        i += nregs(e)
    return out


def sensors(m, bridge, monitor):
    sent = [b for b in bridge if "x" in b]
    bad = 0
    for b in sent:
        want = [to_x(e, m["format"], w)
                for e, w in zip(m["sensors"], split(m["sensors"], b["read"]))]
        if want != b["x"]:
            bad += 1
            if bad <= 3:
                print("# step %d: read %s gives x %s, the bridge sent %s"
                      % (b["step"], b["read"], want, b["x"]))
    xs = {tuple(b["x"]) for b in sent}
    used = [c for c in monitor if any(c.get("x", []))]
    foreign = [c["cycle"] for c in used if tuple(c["x"]) not in xs]
    print("# %d SENSORs checked against their registers (%d wrong); "
          "%d cycles used a SENSOR x, %d of them one the bridge did not send %s"
          % (len(sent), bad, len(used), len(foreign), foreign[:5]))
    return bad == 0 and len(sent) >= 10 and len(used) >= 10 and not foreign


def actuators(m, bridge, monitor, plant):
    acts = [b for b in bridge if "written" in b]
    by_cycle = {c["cycle"]: c for c in monitor if "u" in c}
    bad = other = same = 0
    for b in acts:
        want = sum((to_words(e, u) for e, u in zip(m["actuators"], b["u"])),
                   [])
        if want != b["written"]:
            bad += 1
            if bad <= 3:
                print("# cycle %d: u %s is written as %s, the bridge wrote %s"
                      % (b["cycle"], b["u"], want, b["written"]))
        c = by_cycle.get(b["cycle"])
        if c is not None:
            if c["u"] == b["u"]:
                same += 1
            else:
                other += 1
    rest = sum((to_words(e, 0) for e in m["actuators"]), [])
    safe = sum((to_words(e, u) for e, u in
                zip(m["actuators"], m["safe_output"])), [])
    written = {tuple(b["written"]) for b in acts}
    held = [p["held"] for p in plant]
    strange = [h for h in held
               if tuple(h) not in written and h != rest and h != safe]
    moved = [h for h in held if h != rest]
    print("# %d actuations written (%d not by the rule); %d of them were "
          "monitored: %d equal the aggregator's u, %d differ; the device "
          "held written registers at %d of %d steps, registers never "
          "written at %d"
          % (len(acts), bad, same + other, same, other, len(moved),
             len(held), len(strange)))
    return (bad == 0 and other == 0 and same >= 10 and len(moved) >= 10
            and not strange)


def main(argv):
    m = lines(argv[2])[0]
    if argv[1] == "sensors":
        ok = sensors(m, lines(argv[3]), lines(argv[4]))
    else:
        ok = actuators(m, lines(argv[3]), lines(argv[4]), lines(argv[5]))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
