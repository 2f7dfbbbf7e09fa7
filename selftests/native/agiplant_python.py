# SPDX-License-Identifier: GPL-2.0
#
# The Python module over libagiplant on the host (run by
# agiplant_python.sh): its conversions agree with the core's own decimal
# parser (agictl fixed from) case for case, and its errors are the C
# library's, with their errno. Prints TAP.
#
#   AGICTL=build/agictl AGIPLANT_LIBRARY=build/pic/libagiplant.so.0 \
#   PYTHONPATH=include/user/python /usr/bin/python3 selftests/native/agiplant_python.py KEYDIR

import errno
import json
import os
import random
import select
import socket
import subprocess
import sys
from decimal import Context, Decimal, localcontext
from fractions import Fraction

import agiplant

AGICTL = os.environ.get("AGICTL", "build/agictl")
KEYS = sys.argv[1]
N_TESTS = 14
print("1..%d" % N_TESTS)
n = 0
failed = 0


def result(ok, what):
    global n, failed
    n += 1
    failed += not ok
    print("%s %d - %s" % ("ok" if ok else "not ok", n, what), flush=True)


def diag(text):
    for line in str(text).splitlines():
        print("# " + line)


def core(text, fmt):
    """agictl's raw and exact value of @text in @fmt, or None (refused)."""
    out = subprocess.run([AGICTL, "-j", "fixed", "--format",
                          agiplant.format_name(fmt), "from", text],
                         capture_output=True, text=True)
    j = json.loads(out.stdout, parse_float=Decimal)
    return None if "error" in j else (j["raw"], Decimal(j["value"]))


def exact_decimal(x):
    """The exact decimal expansion of a dyadic Fraction @x, as text."""
    k = 0
    while x.denominator > 1 and 10 ** k % x.denominator:
        k += 1
    return str(Decimal(x.numerator * 10 ** k // x.denominator).scaleb(-k, Context(prec=100)))


def cases():
    rnd = random.Random(15)
    out = ["0", "-0", "0.5", "-1", "1", "-1.0000000001", "0.99999999976716935634613037109375",
           "0.00000000023283064365386962890625", "-0.00000000023283064365386962890625",
           "1e-3", "+.25", "-5E-1", "1e-400", "-1e-400", "1e999", "127.99999994",
           "127.999999999", "-128", "-128.00000003", "0.000030517578125",
           "12345678901234567890123456789e-29", ".5e0", "5.", "00000.1"]
    for fmt in agiplant._FORMATS:
        name, f, lo, hi = agiplant._FORMATS[fmt]
        for _ in range(30):
            k = rnd.randint(lo, hi - 1)
            half = Decimal(exact_decimal(Fraction(2 * k + 1, 2 ** (f + 1))))
            # Off the half by less than a double resolves (the core rounds
            # through the double onto the half, then away from zero) or by
            # more (it does not).
            off = Decimal(1).scaleb(-rnd.randint(5, 40))
            with localcontext(Context(prec=100)):
                out += [str(half), str(half - off), str(half + off)]
            out.append("%.17g" % rnd.uniform(lo / 2 ** f * 1.01, hi / 2 ** f * 1.01))
    return out


# 1: every case, in every format, as the core converts it.
bad = []
total = 0
for text in cases():
    for fmt in agiplant._FORMATS:
        total += 1
        want = core(text, fmt)
        try:
            raw = agiplant.to_raw(text, fmt)
            have = (raw, agiplant.to_decimal(raw, fmt))
        except ValueError:
            have = None
        if have != want:
            bad.append("%s %s: core %s, module %s"
                       % (agiplant.format_name(fmt), text, want, have))
diag("%d conversions compared with agictl fixed from" % total)
diag("\n".join(bad[:10]))
result(not bad, "to_raw() and to_decimal() agree with the core's parser, "
       "including halves and digits beyond a double")

# 2: a value off the half by less than a double resolves rounds as the
# core rounds it (through the double), not as the exact value would.
text = "0.5000000002328306436538696289062"	# (2^30 + 1/2) / 2^31 - 5e-32
result(agiplant.to_raw(text) == 1073741825 == core(text, agiplant.Q1_31)[0],
       "a decimal within a double's rounding of a half goes up, as in the core")

# 3: Decimal, Fraction, int and float inputs are exact, as their text.
ok = (agiplant.to_raw(Decimal("0.25")) == agiplant.to_raw("0.25") == 2 ** 29 and
      agiplant.to_raw(Fraction(-1, 3)) == core(repr(-1 / 3), agiplant.Q1_31)[0] and
      agiplant.to_raw(-1) == -2 ** 31 and
      all(agiplant.to_raw(v) == core(repr(v), agiplant.Q1_31)[0]
          for v in (0.1, -0.7, 1 / 3, 2 ** -32, 0.9999999997)))
result(ok, "Decimal, Fraction, int and float convert exactly, as their text does")

# 4: what is no number, or out of range.
errors = []
for v in ("nan", "inf", "0x1p-1", " 0.5", "1_0", "", "1/2", Decimal("NaN"),
          float("inf"), "2", 1, Decimal("-1.00000001")):
    try:
        agiplant.to_raw(v)
        errors.append("%r accepted" % (v,))
    except ValueError as e:
        if v == "2" and str(e) != "2 is outside Q1.31 [-1, 0.9999999995343387126922607421875]":
            errors.append("message %r" % str(e))
for v in (None, True, [0.5]):
    try:
        agiplant.to_raw(v)
        errors.append("%r accepted" % (v,))
    except TypeError:
        pass
ok = (agiplant.to_raw("2", saturate=True) == 2 ** 31 - 1 and
      agiplant.to_raw("-1e999", saturate=True) == -2 ** 31 and
      agiplant.to_raw("1e999", agiplant.Q1_15, saturate=True) == 2 ** 15 - 1)
diag("\n".join(errors))
result(ok and not errors, "bad numbers raise ValueError/TypeError; "
       "saturate=True clamps to the format's ends")

# 5: from_raw() and to_decimal() are exact in every format.
ok = (agiplant.from_raw(1) == Fraction(1, 2 ** 31) and
      agiplant.to_decimal(1) == Decimal("0.0000000004656612873077392578125") and
      agiplant.to_decimal(-2 ** 31, agiplant.Q8_24) == -128 and
      agiplant.to_decimal(-2 ** 31, agiplant.Q16_16) == -32768 and
      agiplant.to_raw("138", agiplant.Q16_16) == 138 << 16 and
      agiplant.format_name(agiplant.Q16_16) == "Q16.16" and
      agiplant.from_raw(-3, agiplant.Q1_15) == Fraction(-3, 2 ** 15) and
      all(agiplant.to_raw(agiplant.to_decimal(r, fmt), fmt) == r and
          agiplant.to_raw(agiplant.from_raw(r, fmt), fmt) == r
          for fmt, r in ((1, 123456789), (1, -2 ** 31), (2, 32767), (3, -7),
                         (4, 2 ** 31 - 1), (4, -65537))))
result(ok, "from_raw() and to_decimal() are exact and round-trip")


def pub(name):
    return os.path.join(KEYS, name, "node.pub")


PSK = os.path.join(KEYS, "swarm.psk")
agg = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
agg.bind(("127.0.0.1", 0))
AGG = "127.0.0.1:%d" % agg.getsockname()[1]


def free_listen():
    """A "127.0.0.1:PORT" nobody listens at."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return "127.0.0.1:%d" % port


def open_error(*args, **kw):
    try:
        agiplant.Plant(*args, **kw).close()
    except agiplant.AgiplantError as e:
        return e
    return None


# 6..8: the library's errors, with its errno and its message.
e = open_error(free_listen(), [(AGG, pub("agg"))], psk_file=PSK + ".missing",
               key_file=pub("plant"))
diag(repr(e))
result(e is not None and e.errno == errno.ENOENT and
       "failed:" in e.strerror and "swarm.psk.missing" in e.strerror and
       isinstance(e, OSError),
       "a missing PSK file: AgiplantError, ENOENT, the library's message")
e = open_error("no-such-address", [(AGG, pub("agg"))], psk_file=PSK,
               key_file=pub("plant"))
diag(repr(e))
e2 = open_error(free_listen(), [], psk_file=PSK, key_file=pub("plant"))
diag(repr(e2))
e3 = open_error(free_listen(), [(AGG, pub("agg"))] * 8, psk_file=PSK,
                key_file=pub("plant"))
result(e is not None and e.errno == errno.EINVAL and "no-such-address" in e.strerror and
       e2 is not None and e2.errno == errno.EINVAL and
       e3 is not None and e3.errno == errno.EINVAL and "failed:" in e3.strerror,
       "a bad address, no or 8 aggregators: EINVAL, the library's message")
with agiplant.Plant(free_listen(), [(AGG, pub("agg"))], psk_file=PSK,
                    key_file=pub("plant")) as p:
    port = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    port.bind(("127.0.0.1", 0))
    taken = "127.0.0.1:%d" % port.getsockname()[1]
    e = open_error(taken, [(AGG, pub("agg"))], psk_file=PSK, key_file=pub("plant"))
    diag(repr(e))
    result(e is not None and e.errno == errno.EADDRINUSE, "a listen address in use: EADDRINUSE")

    # 9: SENSORs go out sealed; bad vectors are the library's EINVAL.
    p.send_sensor(1, ["0.5", Decimal("-0.25"), Fraction(1, 8)])
    p.send_sensor_raw(2, [1, 2, 3], agiplant.Q1_15)
    dgram, plant_addr = agg.recvfrom(2048)
    agg.recvfrom(2048)
    refused = []
    for args in (([], agiplant.Q1_31), ([40000], agiplant.Q1_15),
                 ([1] * 257, agiplant.Q1_31), ([1], 9)):
        try:
            p.send_sensor_raw(3, *args)
            refused.append("%r accepted" % (args,))
        except agiplant.AgiplantError as e:
            if e.errno != errno.EINVAL or "failed:" not in e.strerror:
                refused.append(repr(e))
    for seq in (-1, 2**64, "1"):
        try:
            p.send_sensor_raw(seq, [1])
            refused.append("seq %r accepted" % (seq,))
        except ValueError:
            pass
    diag("\n".join(refused))
    st = p.stats()
    diag("stats %s" % st)
    result(st["sent"] == 2 and not refused and len(dgram) > 12 and
           (2 ** 30).to_bytes(4, "big") not in dgram and
           (2 ** 30).to_bytes(4, "little") not in dgram,
           "send_sensor() seals; empty, oversized, out-of-range, bad format: EINVAL; "
           "a bad seq: ValueError")

    # 10: fileno() for select(): a forged datagram wakes it, is refused.
    quiet = select.select([p], [], [], 0)[0]
    agg.sendto(b"\x00" * 64, plant_addr)
    woke = select.select([p], [], [], 5)[0]
    got = p.receive()
    result(quiet == [] and woke == [p] and got is None and
           p.stats()["refused"] == 1 and p.timeout() is None,
           "fileno() wakes select(); a forged ACTUATE is refused, not delivered")

# 11: the handshake mode: a handshake is due at once and goes out; a
# SENSOR before the answer is held back (unkeyed), not sent unsealed.
with agiplant.Plant(free_listen(), [(AGG, pub("agg"))],
                    private_key_file=os.path.join(KEYS, "plant", "node.key")) as h:
    due = h.timeout()
    h.send_sensor(1, ["0.5"])
    init = select.select([agg], [], [], 5)[0] and agg.recvfrom(2048)[0]
    st = h.stats()
    diag("timeout %s, handshake %d bytes, stats %s" % (due, len(init or b""), st))
    result(due is not None and due >= 0 and init and st["unkeyed"] == 1 and
           st["sent"] == 0, "private_key_file: a handshake goes out, "
           "SENSORs wait for its answer")

# 12: closed is closed.
p.close()
try:
    p.fileno()
    closed = False
except ValueError:
    closed = True
result(closed, "a closed endpoint refuses calls; close() again is a no-op")

# 13: make install's module: in Debian's layout it names the installed
# library; installed into a prefix, it loads that one, with no help.
inst = os.environ.get("AGIPLANT_INSTALLED")
prefix = os.environ.get("AGIPLANT_PREFIX")
line = '_INSTALLED_LIBRARY = "/usr/lib/libagiplant.so.0"\n'
ok = False
if inst and prefix:
    with open(inst) as f:
        ok = line in f.readlines()
    env = {k: v for k, v in os.environ.items()
           if k not in ("AGIPLANT_LIBRARY", "PYTHONPATH", "LD_LIBRARY_PATH")}
    code = """import glob, sys
sys.path[:0] = glob.glob(sys.argv[1] + "/lib/python3*/dist-packages")
import agiplant
try:
    agiplant.Plant("nowhere", [])
except agiplant.AgiplantError as e:
    print(agiplant._lib._name, e.errno)
"""
    out = subprocess.run([sys.executable, "-B", "-s", "-E", "-c", code, prefix],
                         capture_output=True, text=True, env=env)
    diag(out.stdout + out.stderr)
    ok = ok and out.stdout == "%s/lib/libagiplant.so.0 %d\n" % (prefix, errno.EINVAL)
result(ok, "make install's agiplant.py loads the installed libagiplant.so.0")

# 14: the README's Python blocks are plant_example.py's, verbatim.
top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
with open(os.path.join(top, "README.md")) as f:
    readme = f.read()
with open(os.path.join(top, "configs", "plant_example.py")) as f:
    example = f.read()
section = readme.split("\n## Connecting a plant\n", 1)[1].split("\n## ", 1)[0]
blocks = [b.split("\n```\n", 1)[0] + "\n" for b in section.split("\n```python\n")[1:]]
drift = [b for b in blocks if b not in example]
for b in drift:
    diag("README block not in plant_example.py:\n" + "\n".join(b.splitlines()[:5]))
diag("%d Python blocks in the README's section" % len(blocks))
result(len(blocks) >= 2 and not drift,
       "the README's Python example is configs/plant_example.py's, verbatim")

sys.exit(1 if failed or n != N_TESTS else 0)
