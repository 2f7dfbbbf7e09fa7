# SPDX-License-Identifier: GPL-2.0
#
# Copyright (C) 2026 The AGISWARM authors.
"""Connect a plant (sensors and actuators) to an AGISWARM aggregator group.

A Python face of libagiplant (agiplant.h), through ctypes and the shared
libagiplant.so.0 that `make install` puts next to libagiplant.a:

    import agiplant

    with agiplant.Plant("192.0.2.100:6000",
                        [("192.0.2.1:6000", "agg1.pub")],
                        psk_file="swarm.psk", key_file="plant.pub") as p:
        p.send_sensor(seq, ["0.5", Fraction(1, 4), Decimal("-0.125")])
        select.select([p], [], [], 0.1)
        while (a := p.receive()) is not None:
            apply(a.values)            # Fractions, exact
            apply_raw(a.raw)           # the integers on the wire

Numbers go on the wire as exact fixed point. to_raw() converts a decimal
string, int, Decimal, Fraction or float with integer arithmetic only, by
the rule agictl and the configuration files use for decimal text: the
value rounded to the nearest double (ties to even, as strtod() does), then
scaled by 2^f and rounded half away from zero; outside the format's range
it is an error (or, with saturate=True, the nearest end). A float is taken
as the exact binary value it holds. What arrives (Actuation.raw) is
returned as the integers themselves and as exact Fractions and Decimals.

A call of the library that fails raises AgiplantError, an OSError whose
errno is the library's and whose strerror is its message
("<action> failed: <reason>"). A value that cannot be converted raises
ValueError (or TypeError for what is no number).

The library is found, in this order, at $AGIPLANT_LIBRARY, where
`make install` installed it, and as libagiplant.so.0 on the loader's path.
"""

import ctypes
import os
import re
from decimal import Context, Decimal
from fractions import Fraction

__all__ = ["Q1_31", "Q1_15", "Q8_24", "Q16_16", "VEC_MAX", "AGGREGATORS_MAX",
           "AgiplantError", "Actuation", "Plant", "to_raw", "from_raw",
           "to_decimal", "format_name"]

# The formats (enum agiplant_format).
Q1_31 = 1
Q1_15 = 2
Q8_24 = 3
Q16_16 = 4
VEC_MAX = 256
AGGREGATORS_MAX = 7

# format: (name, fraction bits, minimum raw, maximum raw)
_FORMATS = {
    Q1_31: ("Q1.31", 31, -2**31, 2**31 - 1),
    Q1_15: ("Q1.15", 15, -2**15, 2**15 - 1),
    Q8_24: ("Q8.24", 24, -2**31, 2**31 - 1),
    Q16_16: ("Q16.16", 16, -2**31, 2**31 - 1),
}

# Written by `make install`: the path of the installed libagiplant.so.0.
_INSTALLED_LIBRARY = None
_ERR_LEN = 512


class AgiplantError(OSError):
    """A libagiplant call failed: .errno and the library's message."""


def _format(fmt):
    try:
        return _FORMATS[fmt]
    except (KeyError, TypeError):
        raise ValueError("format %r is not one of Q1_31 (1), Q1_15 (2), "
                         "Q8_24 (3), Q16_16 (4)" % (fmt,)) from None


def format_name(fmt):
    """"Q1.31", "Q1.15", "Q8.24" or "Q16.16"."""
    return _format(fmt)[0]


# Decimal text as strtod() reads it in a configuration file, without the
# hexadecimal, "inf" and "nan" forms the core refuses or nobody writes.
_DECIMAL_TEXT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# Beyond these decimal exponents the value is out of every format's range
# (strtod() says infinite) or rounds to zero in every format (strtod()
# says zero); Fraction() is never asked to build 10^huge.
_EXP_HIGH = 400
_EXP_LOW = -400


def _exact(value):
    """The exact value of @value as a Fraction (of a huge one, a value
    as far out of range, with its sign)."""
    if isinstance(value, bool):
        raise TypeError("a bool is not a number for the wire")
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("%r is no finite number" % value)
        return Fraction(value)
    if isinstance(value, str):
        if not _DECIMAL_TEXT.fullmatch(value):
            raise ValueError("%r is no decimal number (digits, one point, "
                             "an optional sign and exponent)" % value)
        value = Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("%s is no finite number" % value)
        if value.is_zero():
            return Fraction(0)
        if value.adjusted() > _EXP_HIGH:
            return Fraction(10 ** _EXP_HIGH * (-1 if value < 0 else 1))
        if value.adjusted() < _EXP_LOW:
            return Fraction(0)
        return Fraction(value)
    raise TypeError("%r is no number (int, str, Decimal, Fraction, float)"
                    % (value,))


def _nearest_double(x):
    """@x rounded to the nearest IEEE double's value, ties to even, as
    strtod() rounds decimal text; in exact arithmetic. (What overflows a
    double is far out of every format's range either way.)"""
    if x == 0:
        return x
    a = abs(x)
    # e = floor(log2(a)), exactly.
    e = a.numerator.bit_length() - a.denominator.bit_length()
    if a < Fraction(2) ** e:
        e -= 1
    q = max(e - 52, -1074)		# the weight of the last significand bit
    m = round(a / Fraction(2) ** q)	# round() on a Fraction: half to even
    r = m * Fraction(2) ** q
    return r if x > 0 else -r


def _range_text(fmt):
    name, f, lo, hi = _format(fmt)
    return "%s [%s, %s]" % (name, to_decimal(lo, fmt), to_decimal(hi, fmt))


def to_raw(value, fmt=Q1_31, saturate=False):
    """The raw fixed-point integer of @value in @fmt (see the module's
    text for the rule). ValueError when it is out of range, unless
    @saturate."""
    name, f, lo, hi = _format(fmt)
    s = _nearest_double(_exact(value)) * 2 ** f
    # Half away from zero: floor(|s| + 1/2), with the sign of s.
    raw = int(abs(s) + Fraction(1, 2))
    raw = raw if s >= 0 else -raw
    if raw < lo or raw > hi:
        if not saturate:
            raise ValueError("%s is outside %s" % (value, _range_text(fmt)))
        raw = lo if raw < lo else hi
    return raw


def _check_raw(raw, fmt):
    name, f, lo, hi = _format(fmt)
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise TypeError("raw %r is no int" % (raw,))
    if raw < lo or raw > hi:
        raise ValueError("raw %d is outside %s's [%d, %d]" % (raw, name, lo, hi))
    return f


def from_raw(raw, fmt=Q1_31):
    """The exact value raw / 2^f of @raw in @fmt, a Fraction."""
    return Fraction(raw, 2 ** _check_raw(raw, fmt))


def to_decimal(raw, fmt=Q1_31):
    """The exact value of @raw in @fmt as a Decimal (every digit: at most
    f fraction digits, nothing rounded)."""
    f = _check_raw(raw, fmt)
    ctx = Context(prec=64)	# enough for every digit: nothing rounds
    d = Decimal(raw * 5 ** f).scaleb(-f, ctx).normalize(ctx)
    return d.quantize(Decimal(1), context=ctx) if d.as_tuple().exponent > 0 else d


class _Aggregator(ctypes.Structure):
    _fields_ = [("address", ctypes.c_char_p), ("key_file", ctypes.c_char_p)]


class _Config(ctypes.Structure):
    _fields_ = [("listen", ctypes.c_char_p), ("key_file", ctypes.c_char_p),
                ("psk_file", ctypes.c_char_p),
                ("private_key_file", ctypes.c_char_p),
                ("aggregators", ctypes.POINTER(_Aggregator)),
                ("n_aggregators", ctypes.c_uint)]


class _Actuation(ctypes.Structure):
    _fields_ = [("epoch", ctypes.c_uint64), ("cycle", ctypes.c_uint64),
                ("format", ctypes.c_int), ("status", ctypes.c_uint),
                ("n", ctypes.c_uint), ("u", ctypes.c_int32 * VEC_MAX)]


_STATS = ("sent", "delivered", "duplicate", "old_cycle", "stale_epoch",
          "refused", "unkeyed", "handshakes")


class _Stats(ctypes.Structure):
    _fields_ = [(name, ctypes.c_uint64) for name in _STATS]


_lib = None


def _library():
    global _lib
    if _lib is not None:
        return _lib
    tried = []
    for path in (os.environ.get("AGIPLANT_LIBRARY"), _INSTALLED_LIBRARY,
                 "libagiplant.so.0"):
        if not path:
            continue
        try:
            lib = ctypes.CDLL(path)
            break
        except OSError as e:
            tried.append(str(e))
    else:
        raise ImportError("load libagiplant failed: " + "; ".join(tried) +
                          " (make install, or set AGIPLANT_LIBRARY)")
    err = [ctypes.c_char_p, ctypes.c_size_t]
    handle = ctypes.c_void_p
    lib.agiplant_open.argtypes = [ctypes.POINTER(_Config),
                                  ctypes.POINTER(handle)] + err
    lib.agiplant_close.argtypes = [handle]
    lib.agiplant_close.restype = None
    lib.agiplant_fd.argtypes = [handle]
    lib.agiplant_timeout_ms.argtypes = [handle]
    lib.agiplant_send_sensor.argtypes = [handle, ctypes.c_uint64, ctypes.c_int,
                                         ctypes.POINTER(ctypes.c_int32),
                                         ctypes.c_uint] + err
    lib.agiplant_receive.argtypes = [handle, ctypes.POINTER(_Actuation)] + err
    lib.agiplant_get_stats.argtypes = [handle, ctypes.POINTER(_Stats)]
    lib.agiplant_get_stats.restype = None
    _lib = lib
    return lib


def _raise(ret, buf):
    msg = buf.value.decode("utf-8", "replace") or os.strerror(-ret)
    raise AgiplantError(-ret, msg)


class Actuation:
    """One delivered ACTUATE: epoch, cycle, format, status (0: computed,
    otherwise the reason the group sent its safe output), raw (the
    integers on the wire), values (exact Fractions), decimals()."""

    __slots__ = ("epoch", "cycle", "format", "status", "raw")

    def __init__(self, epoch, cycle, fmt, status, raw):
        self.epoch = epoch
        self.cycle = cycle
        self.format = fmt
        self.status = status
        self.raw = raw

    @property
    def values(self):
        """The output, exact: a tuple of Fractions."""
        return tuple(from_raw(v, self.format) for v in self.raw)

    def decimals(self):
        """The output, exact: a tuple of Decimals."""
        return tuple(to_decimal(v, self.format) for v in self.raw)

    def __repr__(self):
        return ("Actuation(epoch=%d, cycle=%d, format=%s, status=%d, raw=%r)"
                % (self.epoch, self.cycle, format_name(self.format),
                   self.status, list(self.raw)))


def _path(value):
    return None if value is None else os.fsencode(value)


class Plant:
    """A plant endpoint (agiplant_open()): one UDP socket at @listen.

    @aggregators: the group, 1..7 (address, key_file) pairs: each member's
    "ADDR:PORT" and its node.pub. Keyed either by a pre-shared key
    (@psk_file and the plant's @key_file, its node.pub) or by handshakes
    with the members' agiswarmd (@private_key_file, the plant's node.key).
    One endpoint is for one thread at a time, as in C.
    """

    def __init__(self, listen, aggregators, *, psk_file=None, key_file=None,
                 private_key_file=None):
        lib = _library()
        # The library checks the group's size (1..AGGREGATORS_MAX).
        keep = [(_path(a), _path(k)) for a, k in aggregators]
        agg = (_Aggregator * max(len(keep), 1))(
            *[_Aggregator(a, k) for a, k in keep])
        cfg = _Config(_path(listen), _path(key_file), _path(psk_file),
                      _path(private_key_file), agg, len(keep))
        buf = ctypes.create_string_buffer(_ERR_LEN)
        handle = ctypes.c_void_p()
        self._p = None
        ret = lib.agiplant_open(ctypes.byref(cfg), ctypes.byref(handle),
                                buf, _ERR_LEN)
        if ret < 0:
            _raise(ret, buf)
        self._lib = lib
        self._p = handle
        self._buf = buf
        self._act = _Actuation()

    def _handle(self):
        if self._p is None:
            raise ValueError("the plant endpoint is closed")
        return self._p

    def fileno(self):
        """The non-blocking socket, for select(), poll() or selectors."""
        return self._lib.agiplant_fd(self._handle())

    def timeout(self):
        """Handshake mode: seconds until a handshake is due (bound the
        wait by it); None when there is none (PSK mode)."""
        ms = self._lib.agiplant_timeout_ms(self._handle())
        return None if ms < 0 else ms / 1000

    def send_sensor(self, seq, x, fmt=Q1_31, saturate=False):
        """SENSOR{@seq, @fmt, @x} to every member; @x numbers (to_raw())."""
        return self.send_sensor_raw(seq, [to_raw(v, fmt, saturate) for v in x],
                                    fmt)

    def send_sensor_raw(self, seq, raw, fmt=Q1_31):
        """SENSOR{@seq, @fmt, @raw} with @raw the integers themselves."""
        if isinstance(seq, bool) or not isinstance(seq, int) or \
                not 0 <= seq < 2**64:
            raise ValueError("seq %r is no 64-bit unsigned integer" % (seq,))
        raw = list(raw)
        for v in raw:		# the library checks the format's range
            if isinstance(v, bool) or not isinstance(v, int) or \
                    not -2**31 <= v < 2**31:
                raise ValueError("raw %r is no 32-bit integer" % (v,))
        arr = (ctypes.c_int32 * max(len(raw), 1))(*raw)
        ret = self._lib.agiplant_send_sensor(self._handle(), seq, fmt, arr,
                                             len(raw), self._buf, _ERR_LEN)
        if ret < 0:
            _raise(ret, self._buf)

    def receive(self):
        """The next actuation that passed the deduplication, or None when
        nothing (more) is waiting. Never blocks."""
        a = self._act
        ret = self._lib.agiplant_receive(self._handle(), ctypes.byref(a),
                                         self._buf, _ERR_LEN)
        if ret < 0:
            _raise(ret, self._buf)
        if ret == 0:
            return None
        return Actuation(a.epoch, a.cycle, a.format, a.status,
                         tuple(a.u[:a.n]))

    def stats(self):
        """The endpoint's counters (struct agiplant_stats) as a dict."""
        st = _Stats()
        self._lib.agiplant_get_stats(self._handle(), ctypes.byref(st))
        return {name: getattr(st, name) for name in _STATS}

    def close(self):
        """Closes the socket and wipes the keys; again is a no-op."""
        if self._p is not None:
            self._lib.agiplant_close(self._p)
            self._p = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, "_p", None) is not None:
            self.close()
