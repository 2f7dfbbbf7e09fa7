// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Known-answer tests of the fixed-point core, run by the native unit tests
 * and, in a debug build, by agiswarm.ko at load. Every expected value below
 * was worked out by hand from the formulas of fixed.h (the comment above
 * each group shows the arithmetic), never printed from the code under test.
 *
 * Kernel-safe: no floating point, no libc, tables in rodata, small stack.
 */
#include "fixed.h"

#define Q31 AGISWARM_Q1_31
#define Q15 AGISWARM_Q1_15
#define Q24 AGISWARM_Q8_24
#define Q16 AGISWARM_Q16_16

/* Powers of two as raw values: P(30) is 0.5 in Q1.31, 2.0 is P(25) in Q8.24. */
#define P(n) ((s32)1 << (n))

enum kat_op { KAT_ADD, KAT_SUB, KAT_MUL, KAT_DIV };

/**
 * struct kat_binary - one known answer of a two-operand operation
 * @what: printed when the case fails
 * @op: enum kat_op
 * @fa: format of @a (and of the result for add, sub and div)
 * @fb: format of @b (and of the result for mul); unused by add and sub
 * @a: left operand
 * @b: right operand
 * @want: expected raw result
 */
struct kat_binary {
	const char *what;
	u8 op, fa, fb;
	s32 a, b, want;
};

static const struct kat_binary kat_binary[] = {
	/*
	 * add/sub saturate: MAX + 1 and 0 - MIN = 2^31 exceed MAX; MIN - 1
	 * is below MIN. 0.25 + 0.5 = 2^29 + 2^30 = 1610612736 is exact.
	 * Q1.15 clamps at 16 bits although raw values are s32: 32767 + 1
	 * stays 32767, -16384 - 16384 = -32768 is exactly MIN.
	 * Q8.24: 100.0 + 100.0 = 2 * 1677721600 > MAX.
	 */
	{ "add Q1.31 MAX+1", KAT_ADD, Q31, Q31, S32_MAX, 1, S32_MAX },
	{ "add Q1.31 MIN+(-1)", KAT_ADD, Q31, Q31, S32_MIN, -1, S32_MIN },
	{ "add Q1.31 0.25+0.5", KAT_ADD, Q31, Q31, P(29), P(30), 1610612736 },
	{ "sub Q1.31 MIN-1", KAT_SUB, Q31, Q31, S32_MIN, 1, S32_MIN },
	{ "sub Q1.31 0-MIN", KAT_SUB, Q31, Q31, 0, S32_MIN, S32_MAX },
	{ "add Q1.15 MAX+1", KAT_ADD, Q15, Q15, 32767, 1, 32767 },
	{ "add Q1.15 MIN+(-1)", KAT_ADD, Q15, Q15, -32768, -1, -32768 },
	{ "sub Q1.15 -0.5-0.5", KAT_SUB, Q15, Q15, -16384, 16384, -32768 },
	{ "sub Q1.15 0.5-(-0.5)", KAT_SUB, Q15, Q15, 16384, -16384, 32767 },
	{ "add Q8.24 100+100", KAT_ADD, Q24, Q24, 1677721600, 1677721600,
	  S32_MAX },

	/*
	 * mul in Q1.31: (a*b + 2^30) >> 31, flooring.
	 * -1 * -1: (2^62 + 2^30) >> 31 = 2^31 > MAX, saturates.
	 * MIN * MAX: (-2^62 + 2^31 + 2^30) / 2^31 = -2^31 + 1.5, floor
	 * -2147483647. 0.5 * 0.5: (2^60 + 2^30) >> 31 = 2^29.
	 */
	{ "mul Q1.31 -1*-1", KAT_MUL, Q31, Q31, S32_MIN, S32_MIN, S32_MAX },
	{ "mul Q1.31 MIN*MAX", KAT_MUL, Q31, Q31, S32_MIN, S32_MAX,
	  -2147483647 },
	{ "mul Q1.31 0.5*0.5", KAT_MUL, Q31, Q31, P(30), P(30), P(29) },
	/*
	 * Ties round half up (towards +inf), not away from zero:
	 * 1 LSB * 0.5 = +0.5 LSB: (2^30 + 2^30) >> 31 = 1.
	 * -1 LSB * 0.5 = -0.5 LSB: (-2^30 + 2^30) >> 31 = 0.
	 * 3 * 0.5 = 1.5 -> 2; -3 * 0.5 = -1.5: -2^31 >> 31 = -1.
	 * Just past the tie: -1 * (0.5 + 1 LSB): (-2^30 - 1 + 2^30) >> 31 = -1.
	 */
	{ "mul Q1.31 tie +0.5", KAT_MUL, Q31, Q31, 1, P(30), 1 },
	{ "mul Q1.31 tie -0.5", KAT_MUL, Q31, Q31, -1, P(30), 0 },
	{ "mul Q1.31 tie +1.5", KAT_MUL, Q31, Q31, 3, P(30), 2 },
	{ "mul Q1.31 tie -1.5", KAT_MUL, Q31, Q31, -3, P(30), -1 },
	{ "mul Q1.31 past tie", KAT_MUL, Q31, Q31, -1, P(30) + 1, -1 },
	/*
	 * Q8.24 gain times Q1.31 signal, result in Q1.31: (a*b + 2^23) >> 24.
	 * 2.0 * 0.25: (2^25 * 2^29 + 2^23) >> 24 = 2^30 (0.5).
	 * 2.0 * 0.75: 1.5 saturates to MAX. -128.0 * 0.5 = -64 -> MIN.
	 * 1.5 * -1 LSB: (-3*2^23 + 2^23) >> 24 = -2^24 >> 24 = -1 (tie up).
	 */
	{ "mul Q8.24*Q1.31 2*0.25", KAT_MUL, Q24, Q31, P(25), P(29), P(30) },
	{ "mul Q8.24*Q1.31 2*0.75", KAT_MUL, Q24, Q31, P(25), 3 * P(29),
	  S32_MAX },
	{ "mul Q8.24*Q1.31 -128*0.5", KAT_MUL, Q24, Q31, S32_MIN, P(30),
	  S32_MIN },
	{ "mul Q8.24*Q1.31 1.5*-lsb", KAT_MUL, Q24, Q31, 3 * P(23), -1, -1 },
	/*
	 * Q1.15: -1 * -1: (2^30 + 2^14) >> 15 = 2^15 > 32767.
	 * 0.5 * 0.5: (2^28 + 2^14) >> 15 = 2^13. Ties: (16384 + 16384) >> 15
	 * = 1 and (-16384 + 16384) >> 15 = 0.
	 * Mixed: Q1.31 0.5 * Q1.15 0.5 -> Q1.15: (2^44 + 2^30) >> 31 = 2^13;
	 * Q1.15 0.5 * Q1.31 0.5 -> Q1.31: (2^44 + 2^14) >> 15 = 2^29.
	 */
	{ "mul Q1.15 -1*-1", KAT_MUL, Q15, Q15, -32768, -32768, 32767 },
	{ "mul Q1.15 0.5*0.5", KAT_MUL, Q15, Q15, P(14), P(14), P(13) },
	{ "mul Q1.15 tie +0.5", KAT_MUL, Q15, Q15, 1, P(14), 1 },
	{ "mul Q1.15 tie -0.5", KAT_MUL, Q15, Q15, -1, P(14), 0 },
	{ "mul Q1.31*Q1.15", KAT_MUL, Q31, Q15, P(30), P(14), P(13) },
	{ "mul Q1.15*Q1.31", KAT_MUL, Q15, Q31, P(14), P(30), P(29) },

	/*
	 * div: rhaz(a * 2^fb / b) in a's format.
	 * Q1.31: 0.25 / 0.5 = 2^29 * 2^31 / 2^30 = 2^30; 0.5 / 0.25 = 2.0
	 * saturates; MIN / MIN = 2^31 saturates; 1 LSB / -1 LSB = -2^31 is
	 * exactly MIN; MIN / MAX = -2^62 / (2^31 - 1) = -(2^31 + 1.0000...)
	 * saturates to MIN; MIN / 1 LSB = -2^62 -> MIN and MIN / -1 LSB = 2^62
	 * -> MAX (S32_MIN in both operands handled).
	 * Non-ties: 1 / 0.75 = 2^31 / (3 * 2^29) = 4/3 -> 1; 2 / 0.75 = 8/3
	 * -> 3; -2 / 0.75 -> -3.
	 */
	{ "div Q1.31 0.25/0.5", KAT_DIV, Q31, Q31, P(29), P(30), P(30) },
	{ "div Q1.31 0.5/0.25", KAT_DIV, Q31, Q31, P(30), P(29), S32_MAX },
	{ "div Q1.31 MIN/MIN", KAT_DIV, Q31, Q31, S32_MIN, S32_MIN, S32_MAX },
	{ "div Q1.31 1/-1", KAT_DIV, Q31, Q31, 1, -1, S32_MIN },
	{ "div Q1.31 MIN/MAX", KAT_DIV, Q31, Q31, S32_MIN, S32_MAX, S32_MIN },
	{ "div Q1.31 MIN/1", KAT_DIV, Q31, Q31, S32_MIN, 1, S32_MIN },
	{ "div Q1.31 MIN/-1", KAT_DIV, Q31, Q31, S32_MIN, -1, S32_MAX },
	{ "div Q1.31 1/0.75", KAT_DIV, Q31, Q31, 1, 3 * P(29), 1 },
	{ "div Q1.31 2/0.75", KAT_DIV, Q31, Q31, 2, 3 * P(29), 3 },
	{ "div Q1.31 -2/0.75", KAT_DIV, Q31, Q31, -2, 3 * P(29), -3 },
	/*
	 * Ties need |b| > 2^fb, so a Q8.24 divisor: b = 2.0 = 2^25 makes
	 * a * 2^24 / b = a / 2. 3 / 2 = 1.5 -> 2, -3 / 2 -> -2, 3 / -2 -> -2,
	 * -3 / -2 -> 2, 1 / 2 = 0.5 -> 1, -1 / 2 -> -1 (away from zero).
	 */
	{ "div Q1.31/Q8.24 tie 3/2", KAT_DIV, Q31, Q24, 3, P(25), 2 },
	{ "div Q1.31/Q8.24 tie -3/2", KAT_DIV, Q31, Q24, -3, P(25), -2 },
	{ "div Q1.31/Q8.24 tie 3/-2", KAT_DIV, Q31, Q24, 3, -P(25), -2 },
	{ "div Q1.31/Q8.24 tie -3/-2", KAT_DIV, Q31, Q24, -3, -P(25), 2 },
	{ "div Q8.24 tie 1/2", KAT_DIV, Q24, Q24, 1, P(25), 1 },
	{ "div Q8.24 tie -1/2", KAT_DIV, Q24, Q24, -1, P(25), -1 },
	/*
	 * Q8.24 1.0 / Q1.31 0.5: 2^24 * 2^31 / 2^30 = 2^25 (2.0 in Q8.24).
	 * Q1.15: 0.25 / 0.5 = 2^13 * 2^15 / 2^14 = 2^14; MIN / MIN = 2^15
	 * saturates to 32767.
	 */
	{ "div Q8.24/Q1.31 1/0.5", KAT_DIV, Q24, Q31, P(24), P(30), P(25) },
	{ "div Q1.15 0.25/0.5", KAT_DIV, Q15, Q15, P(13), P(14), P(14) },
	{ "div Q1.15 MIN/MIN", KAT_DIV, Q15, Q15, -32768, -32768, 32767 },

	/*
	 * Q16.16, integers up to 32767 (P(16) is 1.0):
	 * add 20000 + 20000 = 40000 * 2^16 > MAX saturates; 138 - 30 = 108.
	 * mul (a*b + 2^15) >> 16: 9 * 8 = 72; 200 * 200 = 40000 saturates;
	 * -200 * 200 saturates to MIN; tie 1 LSB * 0.5 = (2^15 + 2^15) >> 16
	 * = 1, -1 LSB * 0.5 = 0. Mixed: Q16.16 3.0 * Q1.31 0.25 = 0.75:
	 * (3*2^16 * 2^29 + 2^15) >> 16 = 3 * 2^29.
	 * div rhaz(a * 2^16 / b): 138 / 6 = 23; 1 / 3 = 2^16 / 3 = 21845.33
	 * -> 21845; 2 / 3 = 43690.67 -> 43691; -2 / 3 -> -43691 (away from
	 * zero); 1 / 1 LSB = 2^32 saturates.
	 */
	{ "add Q16.16 20000+20000", KAT_ADD, Q16, Q16, 20000 * P(16),
	  20000 * P(16), S32_MAX },
	{ "sub Q16.16 138-30", KAT_SUB, Q16, Q16, 138 * P(16), 30 * P(16),
	  108 * P(16) },
	{ "mul Q16.16 9*8", KAT_MUL, Q16, Q16, 9 * P(16), 8 * P(16),
	  72 * P(16) },
	{ "mul Q16.16 200*200", KAT_MUL, Q16, Q16, 200 * P(16), 200 * P(16),
	  S32_MAX },
	{ "mul Q16.16 -200*200", KAT_MUL, Q16, Q16, -200 * P(16), 200 * P(16),
	  S32_MIN },
	{ "mul Q16.16 tie +0.5", KAT_MUL, Q16, Q16, 1, P(15), 1 },
	{ "mul Q16.16 tie -0.5", KAT_MUL, Q16, Q16, -1, P(15), 0 },
	{ "mul Q16.16*Q1.31 3*0.25", KAT_MUL, Q16, Q31, 3 * P(16), P(29),
	  3 * P(29) },
	{ "div Q16.16 138/6", KAT_DIV, Q16, Q16, 138 * P(16), 6 * P(16),
	  23 * P(16) },
	{ "div Q16.16 1/3", KAT_DIV, Q16, Q16, P(16), 3 * P(16), 21845 },
	{ "div Q16.16 2/3", KAT_DIV, Q16, Q16, P(17), 3 * P(16), 43691 },
	{ "div Q16.16 -2/3", KAT_DIV, Q16, Q16, -P(17), 3 * P(16), -43691 },
	{ "div Q16.16 1/lsb", KAT_DIV, Q16, Q16, P(16), 1, S32_MAX },
};

static int kat_check(void (*report)(const char *, s64, s64), const char *what,
		     s64 got, s64 want)
{
	if (got == want)
		return 0;
	if (report)
		report(what, got, want);
	return 1;
}

static s64 kat_binary_eval(const struct kat_binary *c)
{
	s32 out = 0;
	int err;

	switch (c->op) {
	case KAT_ADD:
		return agi_q_add(c->a, c->b, c->fa);
	case KAT_SUB:
		return agi_q_sub(c->a, c->b, c->fa);
	case KAT_MUL:
		return agi_q_mul(c->a, c->fa, c->b, c->fb);
	default:
		err = agi_q_div(c->a, c->fa, c->b, c->fb, &out);
		return err ? err : out;
	}
}

static int kat_binary_run(void (*report)(const char *, s64, s64))
{
	unsigned int i;
	int fails = 0;

	for (i = 0; i < ARRAY_SIZE(kat_binary); i++)
		fails += kat_check(report, kat_binary[i].what,
				   kat_binary_eval(&kat_binary[i]),
				   kat_binary[i].want);
	return fails;
}

/* A zero divisor is an error and leaves the output alone, whatever a is. */
static int kat_div_zero(void (*report)(const char *, s64, s64))
{
	s32 out = 12345;
	int fails = 0;

	fails += kat_check(report, "div by zero returns -EDOM",
			   agi_q_div(P(30), Q31, 0, Q31, &out), -EDOM);
	fails += kat_check(report, "div 0/0 returns -EDOM",
			   agi_q_div(0, Q15, 0, Q24, &out), -EDOM);
	fails += kat_check(report, "div by zero leaves out", out, 12345);
	return fails;
}

/*
 * The longest dot products: n = 256 with every factor at an extreme.
 * MIN * MIN = 2^62, so 256 of them sum to 2^70 (lo 0, hi 2^6): more than
 * 64 bits, and the result saturates to MAX. MIN * MAX = -2^62 + 2^31, so
 * all_min . all_max = -2^70 + 2^39 (hi -64, lo 2^39) saturates to MIN.
 * min_then_max . all_min = 128 * 2^62 + 128 * (-2^62 + 2^31) = 2^38: the
 * running sum passes 2^69 and comes back, and (2^38 + 2^30) >> 31 = 128;
 * an accumulator that saturated on the way would be stuck near MAX.
 * min_then_max . all_max = 128 * (2^31 - 1) * (-2^31 + 2^31 - 1)
 * = -2^38 + 128, and (-2^38 + 128 + 2^30) >> 31 = -128.
 */
static const s32 all_min[256] = { [0 ... 255] = S32_MIN };
static const s32 all_max[256] = { [0 ... 255] = S32_MAX };
static const s32 min_then_max[256] = {
	[0 ... 127] = S32_MIN, [128 ... 255] = S32_MAX
};

static int kat_dot_extremes(void (*report)(const char *, s64, s64))
{
	struct agi_i128 s = agi_q_dot_exact(all_min, all_min, 256);
	int fails = 0;

	fails += kat_check(report, "dot 256 MIN*MIN exact lo", (s64)s.lo, 0);
	fails += kat_check(report, "dot 256 MIN*MIN exact hi", (s64)s.hi, 64);
	fails += kat_check(report, "dot 256 MIN*MIN",
			   agi_q_dot(all_min, Q31, all_min, Q31, 256), S32_MAX);
	s = agi_q_dot_exact(all_min, all_max, 256);
	fails += kat_check(report, "dot 256 MIN*MAX exact lo", (s64)s.lo,
			   (s64)1 << 39);
	fails += kat_check(report, "dot 256 MIN*MAX exact hi", (s64)s.hi, -64);
	fails += kat_check(report, "dot 256 MIN*MAX",
			   agi_q_dot(all_min, Q31, all_max, Q31, 256), S32_MIN);
	fails += kat_check(report, "dot 256 cancelling to +128",
			   agi_q_dot(min_then_max, Q31, all_min, Q31, 256), 128);
	fails += kat_check(report, "dot 256 cancelling to -128",
			   agi_q_dot(min_then_max, Q31, all_max, Q31, 256),
			   -128);
	fails += kat_check(report, "dot n=0",
			   agi_q_dot(all_min, Q31, all_min, Q31, 0), 0);
	return fails;
}

/*
 * Q16.16, the seeds' example: [[1,2,3],[4,5,6],[7,8,9]] times the column
 * [9,6,3] of [[9,8,7],[6,5,4],[3,2,1]] is [30, 84, 138]: each sum is
 * 2^32 * integer, (2^32 * n + 2^15) >> 16 = n * 2^16. 138 does not fit
 * Q8.24 (max 127.99...): there it saturates.
 */
static int kat_dot_q16(void (*report)(const char *, s64, s64))
{
	static const s32 a[9] = {
		P(16), 2 * P(16), 3 * P(16), 4 * P(16), 5 * P(16), 6 * P(16),
		7 * P(16), 8 * P(16), 9 * P(16),
	};
	static const s32 x[3] = { 9 * P(16), 6 * P(16), 3 * P(16) };
	static const s32 a24[3] = { 7 * P(24), 8 * P(24), 9 * P(24) };
	static const s32 x24[3] = { 9 * P(24), 6 * P(24), 3 * P(24) };
	s32 y[3] = { 0, 0, 0 };
	int fails = 0;

	agi_q_matvec(a, 3, 3, Q16, x, Q16, y);
	fails += kat_check(report, "matvec Q16.16 seeds row 0", y[0], 30 * P(16));
	fails += kat_check(report, "matvec Q16.16 seeds row 1", y[1], 84 * P(16));
	fails += kat_check(report, "matvec Q16.16 seeds row 2", y[2],
			   138 * P(16));
	fails += kat_check(report, "dot Q8.24 138 saturates",
			   agi_q_dot(a24, Q24, x24, Q24, 3), S32_MAX);
	return fails;
}

/*
 * Mixed formats. Q8.24 {1.5, -0.5} . Q1.31 {0.5, 0.25}: 3*2^23*2^30 -
 * 2^23*2^29 = 5*2^52, (5*2^52 + 2^23) >> 24 = 5*2^28 (0.625).
 * Q8.24 {1.0, 1.0} . Q1.15 {0.5, 0.5} = 2^39, (2^39 + 2^23) >> 24 = 2^15:
 * 1.0 saturates to 32767 in Q1.15.
 * matvec Q8.24 [[1, 1], [2, 1]] times Q1.31 {0.5, 0.25}: 0.75 = 3*2^29,
 * and 1.25 saturates to MAX.
 */
static int kat_dot_mixed(void (*report)(const char *, s64, s64))
{
	static const s32 a24[2] = { 3 * P(23), -P(23) }, x31[2] = { P(30), P(29) };
	static const s32 ones24[2] = { P(24), P(24) }, halves15[2] = { P(14), P(14) };
	static const s32 m24[4] = { P(24), P(24), P(25), P(24) };
	s32 y[2] = { 0, 0 };
	int fails = 0;

	fails += kat_check(report, "dot Q8.24.Q1.31 0.625",
			   agi_q_dot(a24, Q24, x31, Q31, 2), 5 * P(28));
	fails += kat_check(report, "dot Q8.24.Q1.15 saturates",
			   agi_q_dot(ones24, Q24, halves15, Q15, 2), 32767);
	agi_q_matvec(m24, 2, 2, Q24, x31, Q31, y);
	fails += kat_check(report, "matvec row 0", y[0], 3 * P(29));
	fails += kat_check(report, "matvec row 1", y[1], S32_MAX);
	fails += kat_dot_q16(report);
	return fails;
}

/*
 * round_sum with fa = Q1.31: (s + 2^30) >> 31. Ties go up: -2^30 -> 0,
 * 2^30 -> 1; either side of them: -2^30 - 1 -> -1, 2^30 - 1 -> 0.
 * Sums far outside s64 still saturate correctly: +-2^100 -> MAX / MIN.
 * fa = Q8.24 into Q1.15: 1.0 * 0.5 = 2^38, (2^38 + 2^23) >> 24 = 2^14.
 */
static int kat_round_sum(void (*report)(const char *, s64, s64))
{
	struct agi_i128 big = { 0, (u64)1 << 36 };
	int fails = 0;

	fails += kat_check(report, "round_sum -2^30",
			   agi_q_round_sum(agi_i128_from_s64(-P(30)), Q31, Q31),
			   0);
	fails += kat_check(report, "round_sum 2^30",
			   agi_q_round_sum(agi_i128_from_s64(P(30)), Q31, Q31),
			   1);
	fails += kat_check(report, "round_sum -2^30-1",
			   agi_q_round_sum(agi_i128_from_s64(-(s64)P(30) - 1),
					   Q31, Q31), -1);
	fails += kat_check(report, "round_sum 2^30-1",
			   agi_q_round_sum(agi_i128_from_s64(P(30) - 1), Q31,
					   Q31), 0);
	fails += kat_check(report, "round_sum 2^100",
			   agi_q_round_sum(big, Q31, Q31), S32_MAX);
	fails += kat_check(report, "round_sum -2^100",
			   agi_q_round_sum(agi_i128_neg(big), Q31, Q31),
			   S32_MIN);
	fails += kat_check(report, "round_sum Q8.24 into Q1.15",
			   agi_q_round_sum(agi_i128_from_s64((s64)1 << 38), Q24,
					   Q15), P(14));
	return fails;
}

struct kat_pid_step {
	s32 sp, fb, want_u, want_integ;
};

/*
 * Gains Q8.24 kp = 1.0, ki = 0.5, kd = 0.25; signals Q1.31, lo/hi = -+0.5.
 * 1: e = 2^29: P = 2^29, I = 2^28, D = 2^27, u = 7 * 2^27.
 * 2: P = 2^29, I = 2^29, D = 0, u = 2^30, exactly hi.
 * 3: I = 3 * 2^28, u = 5 * 2^28 clamps to hi.
 * 4: I = 2^30 = hi. 5: I = 2^30 + 2^28 clamps to hi (no wind-up).
 * 6: e = -2^29: P = -2^29, I = 2^30 - 2^28, D = mul(2^22, -2^30) = -2^28,
 *    u = 0: the clamped integral unwinds at once.
 * 7: sp = -0.25, fb = 0.25, e = -2^30: P = -2^30, I = 3*2^28 - 2^29 = 2^28,
 *    D = mul(2^22, -2^29) = -2^27, u = -7 * 2^27.
 * 8: sp = MIN, fb = MAX: e saturates to MIN, P = -2^31, I = 2^28 - 2^30,
 *    D = mul(2^22, -2^30) = -2^28, u saturates to MIN and clamps to lo.
 */
static const struct kat_pid_step kat_pid_q31[] = {
	{ P(29), 0, 7 * P(27), P(28) },
	{ P(29), 0, P(30), P(29) },
	{ P(29), 0, P(30), 3 * P(28) },
	{ P(29), 0, P(30), P(30) },
	{ P(29), 0, P(30), P(30) },
	{ -P(29), 0, 0, 3 * P(28) },
	{ -P(29), P(29), -7 * P(27), P(28) },
	{ S32_MIN, S32_MAX, -P(30), -3 * P(28) },
};

/*
 * Q1.15 signals, kp = 2.0, ki = 0, kd = 1.0, full range.
 * 1: e = 2^13: P = (2^25 * 2^13 + 2^23) >> 24 = 2^14, D = 2^13, u = 24576.
 * 2: sp - fb = 40000 saturates e to 32767, P = 65534 saturates,
 *    D = mul(1.0, 32767 - 8192) = 24575, u saturates to 32767.
 */
static const struct kat_pid_step kat_pid_q15[] = {
	{ P(13), 0, 24576, 0 },
	{ 20000, -20000, 32767, 0 },
};

static int kat_pid_run(void (*report)(const char *, s64, s64),
		       const struct agi_pid_cfg *cfg,
		       const struct kat_pid_step *steps, unsigned int n)
{
	struct agi_pid_state st = { 0, 0 };
	unsigned int i;
	int fails = 0;

	for (i = 0; i < n; i++) {
		fails += kat_check(report, "pid output",
				   agi_pid_step(cfg, &st, steps[i].sp,
						steps[i].fb), steps[i].want_u);
		fails += kat_check(report, "pid integral", st.integ,
				   steps[i].want_integ);
	}
	return fails;
}

static int kat_pid(void (*report)(const char *, s64, s64))
{
	static const struct agi_pid_cfg q31 = {
		.kp = P(24), .ki = P(23), .kd = P(22), .lo = -P(30),
		.hi = P(30), .gain_fmt = Q24, .sig_fmt = Q31,
	};
	static const struct agi_pid_cfg q15 = {
		.kp = P(25), .ki = 0, .kd = P(24), .lo = -32768,
		.hi = 32767, .gain_fmt = Q24, .sig_fmt = Q15,
	};

	return kat_pid_run(report, &q31, kat_pid_q31, ARRAY_SIZE(kat_pid_q31)) +
	       kat_pid_run(report, &q15, kat_pid_q15, ARRAY_SIZE(kat_pid_q15));
}

/* Names and ranges: the three spellings, and near misses refused. */
static int kat_names(void (*report)(const char *, s64, s64))
{
	enum agiswarm_qformat f = AGISWARM_Q_UNSPEC;
	int fails = 0;

	fails += kat_check(report, "name q1_15",
			   agi_q_parse_name("q1_15", &f) ? -1 : (s64)f, Q15);
	fails += kat_check(report, "name Q8.24",
			   agi_q_parse_name("Q8.24", &f) ? -1 : (s64)f, Q24);
	fails += kat_check(report, "name Q1.311 refused",
			   agi_q_parse_name("Q1.311", &f), -EINVAL);
	fails += kat_check(report, "name Q1.3 refused",
			   agi_q_parse_name("Q1.3", &f), -EINVAL);
	fails += kat_check(report, "Q1.15 min", agi_q_info(Q15)->min, -32768);
	fails += kat_check(report, "Q8.24 frac bits",
			   agi_q_info(Q24)->frac_bits, 24);
	fails += kat_check(report, "name q16_16",
			   agi_q_parse_name("q16_16", &f) ? -1 : (s64)f, Q16);
	fails += kat_check(report, "name Q16.1 refused",
			   agi_q_parse_name("Q16.1", &f), -EINVAL);
	fails += kat_check(report, "Q16.16 frac bits",
			   agi_q_info(Q16)->frac_bits, 16);
	fails += kat_check(report, "unspec format has no info",
			   agi_q_info(AGISWARM_Q_UNSPEC) != NULL, 0);
	return fails;
}

int agi_fixed_selftest(void (*report)(const char *what, s64 got, s64 want))
{
	return kat_binary_run(report) + kat_div_zero(report) +
	       kat_dot_extremes(report) + kat_dot_mixed(report) +
	       kat_round_sum(report) + kat_pid(report) + kat_names(report);
}
