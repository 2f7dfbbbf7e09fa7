/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Fixed-point arithmetic: the project's fixed-point specification, stated
 * here and implemented once for the module and userspace alike.
 *
 * Formats are Qi.f, signed two's complement, i + f = 16 or 32, i counting
 * the sign bit: Q1.31 (signals, the default), Q1.15, Q8.24 (gains) and
 * Q16.16 (integers up to 32767, as coded jobs' matrices need them).
 * Every value travels as an s32 raw integer whatever its format (a Q1.15
 * value uses only [-2^15, 2^15 - 1]). sat() clamps to the format's
 * [min, max].
 *
 *   from(text) = rhaz(strtod(text) * 2^f); a value outside the format is
 *                an error naming what was read (-ERANGE), never clamped,
 *                unless the caller asks to saturate
 *   add(a, b)  = sat(a + b)                       both in one format
 *   sub(a, b)  = sat(a - b)                       both in one format
 *   mul(a, b)  = sat((a*b + 2^(fa-1)) >> fa)      exact product, result in
 *                                                 b's format (a Q8.24 gain
 *                                                 times a Q1.31 error is
 *                                                 Q1.31)
 *   div(a, b)  = sat(rhaz(a * 2^fb / b))          result in a's format;
 *                                                 b = 0 is an error, never
 *                                                 a silent value
 *   dot(A, x)  = sat((sum A_k*x_k + 2^(fA-1)) >> fA), result in x's
 *                format: the sum is EXACT (128 bits, see wide.h), with one
 *                rounding and one saturation at the end and none inside
 *
 * where >> floors (so mul rounds half up) and rhaz rounds half away from
 * zero. A matrix-vector product y = A x is one dot per row. The PID step
 * (agi_pid_step()) is built from these operations only. Nothing here uses
 * floating point, except the userspace-only decimal parser, which the
 * specification defines through strtod().
 *
 * Formats are validated where they enter (netlink, config) with agi_q_info();
 * the arithmetic does not check them again, but an invalid format is still
 * memory-safe: it has the empty range [0, 0], so results in it are 0.
 */
#ifndef AGISWARM_CORE_FIXED_H
#define AGISWARM_CORE_FIXED_H

#include "compat.h"
#include "wide.h"
#include "../uapi/linux/agiswarm.h"

/**
 * struct agi_qinfo - what a format is
 * @name: "Q1.31", "Q1.15", "Q8.24" or "Q16.16"
 * @int_bits: i, counting the sign bit
 * @frac_bits: f
 * @min: most negative raw value, -2^(i+f-1)
 * @max: most positive raw value, 2^(i+f-1) - 1
 */
struct agi_qinfo {
	const char *name;
	u8 int_bits;
	u8 frac_bits;
	s32 min;
	s32 max;
};

/* NULL when @fmt is not a valid enum agiswarm_qformat. */
const struct agi_qinfo *agi_q_info(enum agiswarm_qformat fmt);

/* "Q1.31" (also "q1.31", "Q1_31") -> format; -EINVAL when unknown. */
int agi_q_parse_name(const char *name, enum agiswarm_qformat *fmt);

/* Clamp an s64 into @fmt's range. */
s32 agi_q_sat(s64 v, enum agiswarm_qformat fmt);

s32 agi_q_add(s32 a, s32 b, enum agiswarm_qformat fmt);
s32 agi_q_sub(s32 a, s32 b, enum agiswarm_qformat fmt);

/* @a in @fa times @b in @fb; the result is in @fb. */
s32 agi_q_mul(s32 a, enum agiswarm_qformat fa, s32 b, enum agiswarm_qformat fb);

/*
 * @a in @fa divided by @b in @fb; the result is in @fa.
 * Returns 0, or -EDOM when @b is zero (*@out is then left untouched).
 */
int agi_q_div(s32 a, enum agiswarm_qformat fa, s32 b, enum agiswarm_qformat fb,
	      s32 *out);

/*
 * The single rounding and saturation of an exact sum of products whose left
 * factors are in @fa: sat((sum + 2^(fa-1)) >> fa) in @fout. This is the tail
 * of every dot product, coded or not, so that both give identical bits.
 */
s32 agi_q_round_sum(struct agi_i128 sum, enum agiswarm_qformat fa,
		    enum agiswarm_qformat fout);

/* Exact sum of @a[k] * @x[k] for k < @n. */
struct agi_i128 agi_q_dot_exact(const s32 *a, const s32 *x, u32 n);

/* Dot product of @a (in @fa) and @x (in @fx); the result is in @fx. */
s32 agi_q_dot(const s32 *a, enum agiswarm_qformat fa, const s32 *x,
	      enum agiswarm_qformat fx, u32 n);

/* y = A x for a row-major @rows x @cols matrix: the uncoded reference. */
void agi_q_matvec(const s32 *A, u32 rows, u32 cols, enum agiswarm_qformat fa,
		  const s32 *x, enum agiswarm_qformat fx, s32 *y);

/**
 * struct agi_pid_cfg - gains and limits of one PID loop
 * @kp: proportional gain, in @gain_fmt
 * @ki: integral gain, in @gain_fmt
 * @kd: derivative gain, in @gain_fmt
 * @lo: lower clamp of the integral and of the output, in @sig_fmt
 * @hi: upper clamp of the integral and of the output, in @sig_fmt; the
 *	configuration must ensure @lo <= @hi (otherwise the output is @lo)
 * @gain_fmt: format of the gains (Q8.24 by default)
 * @sig_fmt: format of setpoint, feedback, error and output (Q1.31 by default)
 */
struct agi_pid_cfg {
	s32 kp, ki, kd;
	s32 lo, hi;
	enum agiswarm_qformat gain_fmt;
	enum agiswarm_qformat sig_fmt;
};

/**
 * struct agi_pid_state - what a PID loop carries from one cycle to the next
 * @integ: I of the previous step
 * @e_prev: e of the previous step
 */
struct agi_pid_state {
	s32 integ;
	s32 e_prev;
};

/*
 * One control_update step of the specification (gains Q8.24, signals
 * Q1.31):
 *   e = sub(sp, fb); P = mul(kp, e); I = clamp(add(I_prev, mul(ki, e)), lo, hi)
 *   D = mul(kd, sub(e, e_prev)); u = clamp(add(add(P, I), D), lo, hi)
 * Returns u and updates @st.
 */
s32 agi_pid_step(const struct agi_pid_cfg *cfg, struct agi_pid_state *st,
		 s32 sp, s32 fb);

/*
 * Known-answer self-tests of everything above. Returns the number of failed
 * cases (0 = pass); with @report non-NULL each failure is described through
 * it. Run natively by the unit tests and by agiswarm.ko at load in a debug
 * build.
 */
int agi_fixed_selftest(void (*report)(const char *what, s64 got, s64 want));

#ifndef __KERNEL__
/*
 * Userspace only. @text is a decimal number ("0.5", "-1", "1e-3"):
 * raw = round_half_away_from_zero(strtod(text) * 2^f).
 * Returns 0, -EINVAL when @text is not entirely a finite number (empty,
 * blanks around it, trailing garbage, "nan", "inf") or @fmt is not a format,
 * or -ERANGE when the value lies outside @fmt and @saturate is false (with
 * @saturate it clamps). *@out is written only on success.
 */
int agi_q_from_decimal(const char *text, enum agiswarm_qformat fmt,
		       bool saturate, s32 *out);

/*
 * Userspace only. Writes the exact decimal value of @raw in @fmt, with no
 * trailing zeros ("0.5", "-1", "0.0000000004656612873077392578125").
 * Returns the length, -ENOSPC when @len is too small (64 always fits), or
 * -EINVAL when @fmt is not a format.
 */
int agi_q_to_decimal(s32 raw, enum agiswarm_qformat fmt, char *buf, size_t len);
#endif

#endif /* AGISWARM_CORE_FIXED_H */
