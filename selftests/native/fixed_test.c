// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The fixed-point core against an independent reference. The reference below
 * is written from the textbook definitions of include/core/fixed.h with
 * __int128 and plain division (floor and round-half-away-from-zero done by
 * quotient and remainder, never by shifts), and never calls the code under
 * test. Random cases are drawn from a seeded PRNG whose seed is logged;
 * rerun a failure with AGI_SEED=<seed>.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/fixed.h"
#include "../lib/rng.h"
#include <kselftest_harness.h>

#define Q31 AGISWARM_Q1_31
#define Q15 AGISWARM_Q1_15
#define Q24 AGISWARM_Q8_24
#define Q16 AGISWARM_Q16_16
/*
 * 1,000,000 random cases per operation; AGI_RANDOM_CASES=N takes fewer (the
 * cross check runs this file under qemu-user, where the harness's 30 s per
 * test is too short for a million on a loaded host: it gives the same N to
 * x86-64 and to each target, so the results still compare line for line).
 */
static int random_cases(void)
{
	static int cases;

	if (!cases) {
		const char *s = getenv("AGI_RANDOM_CASES");
		long n = s ? strtol(s, NULL, 10) : 0;

		cases = n > 0 && n <= 1000000 ? (int)n : 1000000;
	}
	return cases;
}

#define RANDOM_CASES random_cases()

typedef __int128 i128;

static const enum agiswarm_qformat formats[] = { Q31, Q15, Q24, Q16 };
#define NFORMATS ARRAY_SIZE(formats)

/* --- the reference ------------------------------------------------------- */

struct ref_format {
	int frac;
	int64_t min, max;
};

static struct ref_format ref_fmt(enum agiswarm_qformat f)
{
	switch (f) {
	case Q31:
		return (struct ref_format){ 31, -2147483648LL, 2147483647LL };
	case Q15:
		return (struct ref_format){ 15, -32768, 32767 };
	case Q24:
		return (struct ref_format){ 24, -2147483648LL, 2147483647LL };
	case Q16:
		return (struct ref_format){ 16, -2147483648LL, 2147483647LL };
	default:
		abort();
	}
}

static i128 ref_pow2(int n)
{
	i128 p = 1;

	while (n--)
		p *= 2;
	return p;
}

/* floor(n / d) for d > 0, from C's truncating division. */
static i128 ref_floor_div(i128 n, i128 d)
{
	i128 q = n / d;

	if (n % d != 0 && n < 0)
		q -= 1;
	return q;
}

static int32_t ref_sat(i128 v, enum agiswarm_qformat f)
{
	struct ref_format r = ref_fmt(f);

	return (int32_t)(v < r.min ? r.min : v > r.max ? r.max : v);
}

static int32_t ref_mul(int32_t a, enum agiswarm_qformat fa, int32_t b,
		       enum agiswarm_qformat fb)
{
	i128 one = ref_pow2(ref_fmt(fa).frac);

	return ref_sat(ref_floor_div((i128)a * b + one / 2, one), fb);
}

/* noinline: inlined next to the harness's setjmp, GCC fears clobbering. */
static __attribute__((noinline)) int
ref_div(int32_t a, enum agiswarm_qformat fa, int32_t b,
	enum agiswarm_qformat fb, int32_t *out)
{
	i128 n = (i128)a * ref_pow2(ref_fmt(fb).frac), d = b, q, r;

	if (b == 0)
		return -EDOM;
	q = n / d;
	r = n % d;
	if (2 * (r < 0 ? -r : r) >= (d < 0 ? -d : d))
		q += ((n < 0) != (d < 0)) ? -1 : 1;
	*out = ref_sat(q, fa);
	return 0;
}

static i128 ref_sum(const int32_t *a, const int32_t *x, unsigned int n)
{
	i128 s = 0;

	for (unsigned int k = 0; k < n; k++)
		s += (i128)a[k] * x[k];
	return s;
}

static int32_t ref_dot(const int32_t *a, enum agiswarm_qformat fa,
		       const int32_t *x, enum agiswarm_qformat fx, unsigned int n)
{
	i128 one = ref_pow2(ref_fmt(fa).frac);

	return ref_sat(ref_floor_div(ref_sum(a, x, n) + one / 2, one), fx);
}

static int32_t ref_clamp(int32_t v, int32_t lo, int32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static int32_t ref_pid(const struct agi_pid_cfg *c, int32_t *integ,
		       int32_t *e_prev, int32_t sp, int32_t fb)
{
	enum agiswarm_qformat g = c->gain_fmt, s = c->sig_fmt;
	int32_t e = ref_sat((i128)sp - fb, s);
	int32_t p = ref_mul(c->kp, g, e, s);
	int32_t i = ref_clamp(ref_sat((i128)*integ + ref_mul(c->ki, g, e, s), s),
			      c->lo, c->hi);
	int32_t d = ref_mul(c->kd, g, ref_sat((i128)e - *e_prev, s), s);

	*integ = i;
	*e_prev = e;
	return ref_clamp(ref_sat((i128)ref_sat((i128)p + i, s) + d, s),
			 c->lo, c->hi);
}

/*
 * Exact decimal of raw / 2^frac: raw / 2^f = raw * 5^f / 10^f, so the digits
 * of |raw| * 5^f with the point f places from the right, trailing zeros cut.
 */
static void ref_decimal(int64_t raw, int frac, char *out)
{
	unsigned __int128 m = raw < 0 ? -(i128)raw : raw;
	char digits[64];
	int n = 0, point, last;

	for (int i = 0; i < frac; i++)
		m *= 5;
	do {
		digits[n++] = (char)('0' + (int)(m % 10));
		m /= 10;
	} while (m);
	while (n <= frac)
		digits[n++] = '0';
	point = frac;		/* digits[0 .. point-1] are the fraction */
	last = 0;
	while (last < point && digits[last] == '0')
		last++;
	if (raw < 0)
		*out++ = '-';
	for (int i = n - 1; i >= point; i--)
		*out++ = digits[i];
	if (last < point) {
		*out++ = '.';
		for (int i = point - 1; i >= last; i--)
			*out++ = digits[i];
	}
	*out = '\0';
}

/* --- random inputs --------------------------------------------------------- */

/*
 * A raw value of @f: one in four is an edge (the extremes, their
 * neighbours, zero, +-1 and signed powers of two, which make rounding
 * ties), the rest uniform over the range.
 */
static int32_t rand_raw(enum agiswarm_qformat f)
{
	struct ref_format r = ref_fmt(f);
	uint64_t u = test_rng();
	int64_t v;

	if (u & 3)
		return (int32_t)(r.min + (int64_t)((u >> 2) %
					    (uint64_t)(r.max - r.min + 1)));
	switch ((u >> 2) % 8) {
	case 0: v = r.min; break;
	case 1: v = r.max; break;
	case 2: v = r.min + 1; break;
	case 3: v = r.max - 1; break;
	case 4: v = (int64_t)((u >> 5) % 3) - 1; break;
	default:
		v = (int64_t)1 << ((u >> 5) % (uint64_t)r.frac);
		v = (u >> 10) & 1 ? -v : v;
		v += (int64_t)((u >> 11) % 3) - 1;
		break;
	}
	return ref_sat(v, f);
}

static enum agiswarm_qformat rand_format(void)
{
	return formats[test_rng() % ARRAY_SIZE(formats)];
}

/* --- known answers --------------------------------------------------------- */

static struct __test_metadata *selftest_md;

static void selftest_report(const char *what, s64 got, s64 want)
{
	struct __test_metadata *_metadata = selftest_md;

	TH_LOG("self-test %s: got %" PRId64 ", want %" PRId64, what, got, want);
}

TEST(selftest_table)
{
	selftest_md = _metadata;
	ASSERT_EQ(0, agi_fixed_selftest(selftest_report));
}

TEST(formats_and_names)
{
	static const struct {
		const char *text;
		int err;
		enum agiswarm_qformat fmt;
	} cases[] = {
		{ "Q1.31", 0, Q31 }, { "q1.31", 0, Q31 }, { "Q1_31", 0, Q31 },
		{ "Q1.15", 0, Q15 }, { "q1_15", 0, Q15 }, { "Q1_15", 0, Q15 },
		{ "Q8.24", 0, Q24 }, { "q8.24", 0, Q24 }, { "Q8_24", 0, Q24 },
		{ "Q16.16", 0, Q16 }, { "q16.16", 0, Q16 }, { "Q16_16", 0, Q16 },
		{ "Q16.1", -EINVAL }, { "Q16.160", -EINVAL }, { "Q1.16", -EINVAL },
		{ "", -EINVAL }, { "Q", -EINVAL }, { "Q1", -EINVAL },
		{ "Q1.3", -EINVAL }, { "Q1.311", -EINVAL }, { "Q1-31", -EINVAL },
		{ "X1.31", -EINVAL }, { "Q1.31 ", -EINVAL }, { " Q1.31", -EINVAL },
		{ "Q8.23", -EINVAL }, { "Q1.16", -EINVAL },
	};
	enum agiswarm_qformat f;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		f = AGISWARM_Q_UNSPEC;
		ASSERT_EQ(cases[i].err, agi_q_parse_name(cases[i].text, &f))
			TH_LOG("parsing '%s'", cases[i].text);
		if (!cases[i].err)
			ASSERT_EQ(cases[i].fmt, f);
	}
	ASSERT_EQ(-EINVAL, agi_q_parse_name(NULL, &f));

	ASSERT_EQ(NULL, agi_q_info(AGISWARM_Q_UNSPEC));
	ASSERT_EQ(NULL, agi_q_info(__AGISWARM_Q_MAX));
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
		const struct agi_qinfo *q = agi_q_info(formats[i]);
		struct ref_format r = ref_fmt(formats[i]);

		ASSERT_NE(NULL, q);
		ASSERT_EQ(r.frac, q->frac_bits);
		ASSERT_EQ(r.min, q->min);
		ASSERT_EQ(r.max, q->max);
		ASSERT_EQ(0, agi_q_parse_name(q->name, &f));
		ASSERT_EQ(formats[i], f);
	}
}

TEST(edges_add_sub)
{
	ASSERT_EQ(S32_MAX, agi_q_add(S32_MAX, 1, Q31));
	ASSERT_EQ(S32_MIN, agi_q_add(S32_MIN, S32_MIN, Q31));
	ASSERT_EQ(S32_MAX, agi_q_sub(S32_MAX, S32_MIN, Q31));
	ASSERT_EQ(S32_MIN, agi_q_sub(S32_MIN, 1, Q24));
	ASSERT_EQ(-1, agi_q_add(S32_MAX, S32_MIN, Q31));
	/* Q1.15 saturates at 16 bits although it travels as s32. */
	ASSERT_EQ(32767, agi_q_add(20000, 20000, Q15));
	ASSERT_EQ(-32768, agi_q_sub(-20000, 20000, Q15));
	ASSERT_EQ(32767, agi_q_sat(1LL << 40, Q15));
	ASSERT_EQ(S32_MIN, agi_q_sat(S64_MIN, Q31));
	ASSERT_EQ(-5, agi_q_sat(-5, Q15));
	/* An unvalidated format is memory-safe and yields 0. */
	ASSERT_EQ(0, agi_q_add(7, 8, AGISWARM_Q_UNSPEC));
	ASSERT_EQ(0, agi_q_mul(7, 99, 8, 99));
}

TEST(edges_mul)
{
	/* -1 * -1 = +1 does not exist in Q1.31 or Q1.15. */
	ASSERT_EQ(S32_MAX, agi_q_mul(S32_MIN, Q31, S32_MIN, Q31));
	ASSERT_EQ(32767, agi_q_mul(-32768, Q15, -32768, Q15));
	/* -1 * MAX = -MAX exactly (no rounding bias at the edge). */
	ASSERT_EQ(-S32_MAX, agi_q_mul(S32_MIN, Q31, S32_MAX, Q31));
	/* Ties round half up: +0.5 LSB -> 1, -0.5 LSB -> 0, -1.5 -> -1. */
	ASSERT_EQ(1, agi_q_mul(1, Q31, 1 << 30, Q31));
	ASSERT_EQ(0, agi_q_mul(-1, Q31, 1 << 30, Q31));
	ASSERT_EQ(-1, agi_q_mul(-3, Q31, 1 << 30, Q31));
	ASSERT_EQ(1, agi_q_mul(1 << 14, Q15, 1, Q15));
	ASSERT_EQ(0, agi_q_mul(1 << 14, Q15, -1, Q15));
	/* A Q8.24 gain times a Q1.31 signal gives Q1.31: 2.0 * 0.25 = 0.5. */
	ASSERT_EQ(1 << 30, agi_q_mul(1 << 25, Q24, 1 << 29, Q31));
	ASSERT_EQ(S32_MAX, agi_q_mul(1 << 25, Q24, 3 << 29, Q31));
	ASSERT_EQ(S32_MIN, agi_q_mul(-(1 << 25), Q24, 3 << 29, Q31));
	/* Q1.31 into Q1.15: 0.5 * 0.5 = 0.25. */
	ASSERT_EQ(1 << 13, agi_q_mul(1 << 30, Q31, 1 << 14, Q15));
	/* Q16.16 holds integers: 9 * 8 = 72; 200 * 200 saturates at 32768. */
	ASSERT_EQ(72 << 16, agi_q_mul(9 << 16, Q16, 8 << 16, Q16));
	ASSERT_EQ(S32_MAX, agi_q_mul(200 << 16, Q16, 200 << 16, Q16));
	ASSERT_EQ(S32_MIN, agi_q_mul(-(200 << 16), Q16, 200 << 16, Q16));
	/* Half a Q16.16 LSB rounds up: 2^-17 * 1.0 -> 1 LSB, -2^-17 -> 0. */
	ASSERT_EQ(1, agi_q_mul(1, Q16, 1 << 15, Q16));
	ASSERT_EQ(0, agi_q_mul(-1, Q16, 1 << 15, Q16));
}

TEST(edges_div)
{
	s32 out = 77;

	ASSERT_EQ(-EDOM, agi_q_div(1, Q31, 0, Q31, &out));
	ASSERT_EQ(77, out);
	ASSERT_EQ(-EDOM, agi_q_div(S32_MIN, Q24, 0, Q15, &out));
	ASSERT_EQ(77, out);

	ASSERT_EQ(0, agi_q_div(1 << 29, Q31, 1 << 30, Q31, &out));
	ASSERT_EQ(1 << 30, out);			/* 0.25 / 0.5 */
	ASSERT_EQ(0, agi_q_div(S32_MIN, Q31, S32_MIN, Q31, &out));
	ASSERT_EQ(S32_MAX, out);			/* -1 / -1 */
	ASSERT_EQ(0, agi_q_div(S32_MIN, Q31, -1, Q31, &out));
	ASSERT_EQ(S32_MAX, out);
	ASSERT_EQ(0, agi_q_div(S32_MIN, Q31, 1, Q31, &out));
	ASSERT_EQ(S32_MIN, out);
	ASSERT_EQ(0, agi_q_div(S32_MAX, Q31, S32_MIN, Q31, &out));
	ASSERT_EQ(-S32_MAX, out);			/* MAX / -1 */
	/* Ties round away from zero: +-1.5 -> +-2, +-0.5 -> +-1. */
	ASSERT_EQ(0, agi_q_div(3, Q31, 1 << 25, Q24, &out));
	ASSERT_EQ(2, out);
	ASSERT_EQ(0, agi_q_div(-3, Q31, 1 << 25, Q24, &out));
	ASSERT_EQ(-2, out);
	ASSERT_EQ(0, agi_q_div(1, Q24, -(1 << 25), Q24, &out));
	ASSERT_EQ(-1, out);
	ASSERT_EQ(0, agi_q_div(-1, Q24, -(1 << 25), Q24, &out));
	ASSERT_EQ(1, out);
	/* Q1.15 / Q8.24 -> Q1.15: 0.5 / 4.0 = 0.125. */
	ASSERT_EQ(0, agi_q_div(1 << 14, Q15, 1 << 26, Q24, &out));
	ASSERT_EQ(1 << 12, out);
	/* Q16.16: 138 / 6 = 23; 1 / 3 rounds to nearest; 1 / 2^-16 saturates. */
	ASSERT_EQ(0, agi_q_div(138 << 16, Q16, 6 << 16, Q16, &out));
	ASSERT_EQ(23 << 16, out);
	ASSERT_EQ(0, agi_q_div(1 << 16, Q16, 3 << 16, Q16, &out));
	ASSERT_EQ(21845, out);
	ASSERT_EQ(0, agi_q_div(1 << 16, Q16, 1, Q16, &out));
	ASSERT_EQ(S32_MAX, out);
}

TEST(edges_dot)
{
	static s32 mins[256], maxs[256];
	struct agi_i128 s;
	s32 y[2];

	for (int i = 0; i < 256; i++) {
		mins[i] = S32_MIN;
		maxs[i] = S32_MAX;
	}
	/* 256 * 2^62 = 2^70 does not fit 64 bits; the exact sum keeps it. */
	s = agi_q_dot_exact(mins, mins, 256);
	ASSERT_EQ(0, s.lo);
	ASSERT_EQ(64, s.hi);
	ASSERT_EQ(S32_MAX, agi_q_dot(mins, Q31, mins, Q31, 256));
	ASSERT_EQ(S32_MIN, agi_q_dot(mins, Q31, maxs, Q31, 256));
	/* No saturation inside the sum: +2^69 then back to 2^38 -> 128. */
	for (int i = 128; i < 256; i++)
		maxs[i - 128] = S32_MIN;
	ASSERT_EQ(128, agi_q_dot(maxs, Q31, mins, Q31, 256));
	ASSERT_EQ(0, agi_q_dot(mins, Q31, mins, Q31, 0));
	/* One rounding: 3 * (0.5 LSB) is 1.5 LSB -> 2, not 3 * 1. */
	mins[0] = mins[1] = mins[2] = 1;
	maxs[0] = maxs[1] = maxs[2] = 1 << 30;
	ASSERT_EQ(2, agi_q_dot(mins, Q31, maxs, Q31, 3));
	/* matvec is one dot per row. */
	agi_q_matvec(mins, 2, 1, Q31, maxs, Q31, y);
	ASSERT_EQ(1, y[0]);
	ASSERT_EQ(1, y[1]);
}

/* The seeds' example: row [7 8 9] . column [9 6 3] = 138 in Q16.16. */
TEST(edges_dot_q16)
{
	s32 r[3] = { 7 << 16, 8 << 16, 9 << 16 };
	s32 c[3] = { 9 << 16, 6 << 16, 3 << 16 };

	ASSERT_EQ(138 << 16, agi_q_dot(r, Q16, c, Q16, 3));
	/* Q8.24 cannot hold 138: the same sum saturates there. */
	r[0] = 7 << 24;
	c[0] = 9 << 24;
	r[1] = 8 << 24;
	c[1] = 6 << 24;
	r[2] = 9 << 24;
	c[2] = 3 << 24;
	ASSERT_EQ(S32_MAX, agi_q_dot(r, Q24, c, Q24, 3));
}

TEST(edges_pid)
{
	struct agi_pid_cfg c = {
		.kp = 1 << 24, .ki = 1 << 24, .kd = 0, .lo = -(1 << 29),
		.hi = 1 << 29, .gain_fmt = Q24, .sig_fmt = Q31,
	};
	struct agi_pid_state st = { 0, 0 };

	/* e = 0.5: P alone exceeds hi, so u and I clamp to 0.25. */
	ASSERT_EQ(1 << 29, agi_pid_step(&c, &st, 1 << 30, 0));
	ASSERT_EQ(1 << 29, st.integ);
	ASSERT_EQ(1 << 30, st.e_prev);
	/* Error reverses: the clamped integral unwinds at once. */
	ASSERT_EQ(-(1 << 29), agi_pid_step(&c, &st, 0, 1 << 30));
	ASSERT_EQ(-(1 << 29), st.integ);
	/* sp - fb overflows: e saturates at MAX rather than wrapping. */
	c.lo = S32_MIN;
	c.hi = S32_MAX;
	c.ki = 0;
	ASSERT_EQ(S32_MAX - (1 << 29), agi_pid_step(&c, &st, S32_MAX, S32_MIN));
	ASSERT_EQ(S32_MAX, st.e_prev);
}

/* --- random cases against the reference ------------------------------------ */

TEST(random_add_sub)
{
	TEST_RNG_BEGIN(0);
	for (int i = 0; i < RANDOM_CASES; i++) {
		enum agiswarm_qformat f = rand_format();
		s32 a = rand_raw(f), b = rand_raw(f);

		ASSERT_EQ(ref_sat((i128)a + b, f), agi_q_add(a, b, f))
			TH_LOG("add %d %d fmt %d", a, b, f);
		ASSERT_EQ(ref_sat((i128)a - b, f), agi_q_sub(a, b, f))
			TH_LOG("sub %d %d fmt %d", a, b, f);
	}
}

TEST(random_mul_all_pairs)
{
	TEST_RNG_BEGIN(0);
	for (size_t p = 0; p < NFORMATS * NFORMATS; p++) {
		enum agiswarm_qformat fa = formats[p / NFORMATS];
		enum agiswarm_qformat fb = formats[p % NFORMATS];

		for (int i = 0; i < RANDOM_CASES; i++) {
			s32 a = rand_raw(fa), b = rand_raw(fb);

			ASSERT_EQ(ref_mul(a, fa, b, fb), agi_q_mul(a, fa, b, fb))
				TH_LOG("mul %d (fmt %d) * %d (fmt %d)",
				       a, fa, b, fb);
		}
	}
}

TEST(random_div)
{
	TEST_RNG_BEGIN(0);
	for (int i = 0; i < RANDOM_CASES; i++) {
		enum agiswarm_qformat fa = rand_format(), fb = rand_format();
		s32 a = rand_raw(fa), b = rand_raw(fb);
		s32 want = 0x5a5a5a5a, got = 0x5a5a5a5a;
		int want_err = ref_div(a, fa, b, fb, &want);

		ASSERT_EQ(want_err, agi_q_div(a, fa, b, fb, &got))
			TH_LOG("div %d (fmt %d) / %d (fmt %d)", a, fa, b, fb);
		ASSERT_EQ(want, got)
			TH_LOG("div %d (fmt %d) / %d (fmt %d)", a, fa, b, fb);
	}
}

/*
 * Vectors are windows into pools that change a little every case, so a
 * million products of up to 256 terms stay cheap. One case in 32 uses a
 * pool of only MIN and MAX, whose sums need more than 64 bits.
 */
#define POOL 1024

static s32 rand_extreme(enum agiswarm_qformat f)
{
	return test_rng() & 1 ? (s32)ref_fmt(f).min : (s32)ref_fmt(f).max;
}

static void refill_pools(s32 *pa, s32 *px, s32 *ea, s32 *ex,
			 enum agiswarm_qformat fa, enum agiswarm_qformat fx)
{
	for (int k = 0; k < POOL; k++) {
		pa[k] = rand_raw(fa);
		px[k] = rand_raw(fx);
		ea[k] = rand_extreme(fa);
		ex[k] = rand_extreme(fx);
	}
}

TEST(random_dot)
{
	static s32 pa[POOL], px[POOL], ea[POOL], ex[POOL];
	enum agiswarm_qformat fa = Q31, fx = Q31;

	TEST_RNG_BEGIN(0);
	for (int i = 0; i < RANDOM_CASES; i++) {
		uint64_t u = test_rng();
		unsigned int n = (unsigned int)(u % 257);
		unsigned int oa = (unsigned int)((u >> 9) % (POOL - 256));
		unsigned int ox = (unsigned int)((u >> 19) % (POOL - 256));
		bool extreme = ((u >> 29) & 31) == 0;
		const s32 *a = (extreme ? ea : pa) + oa;
		const s32 *x = (extreme ? ex : px) + ox;
		struct agi_i128 s;
		i128 want;

		if (i % 4096 == 0) {
			fa = rand_format();
			fx = rand_format();
			refill_pools(pa, px, ea, ex, fa, fx);
		}
		for (int k = 0; k < 4; k++) {
			pa[test_rng() % POOL] = rand_raw(fa);
			px[test_rng() % POOL] = rand_raw(fx);
		}
		want = ref_sum(a, x, n);
		s = agi_q_dot_exact(a, x, n);
		ASSERT_EQ((uint64_t)want, s.lo) TH_LOG("case %d n %u", i, n);
		ASSERT_EQ((uint64_t)((unsigned __int128)want >> 64), s.hi)
			TH_LOG("case %d n %u", i, n);
		ASSERT_EQ(ref_dot(a, fa, x, fx, n), agi_q_dot(a, fa, x, fx, n))
			TH_LOG("case %d n %u fa %d fx %d", i, n, fa, fx);
	}
}

TEST(random_matvec)
{
	static s32 A[16 * 64], x[64], y[16];

	TEST_RNG_BEGIN(0);
	for (int i = 0; i < 20000; i++) {
		enum agiswarm_qformat fa = rand_format(), fx = rand_format();
		unsigned int rows = 1 + test_rng() % 16, cols = test_rng() % 65;

		for (unsigned int k = 0; k < rows * cols; k++)
			A[k] = rand_raw(fa);
		for (unsigned int k = 0; k < cols; k++)
			x[k] = rand_raw(fx);
		agi_q_matvec(A, rows, cols, fa, x, fx, y);
		for (unsigned int r = 0; r < rows; r++) {
			ASSERT_EQ(ref_dot(A + r * cols, fa, x, fx, cols), y[r])
				TH_LOG("case %d row %u", i, r);
		}
	}
}

static void rand_pid_cfg(struct agi_pid_cfg *c)
{
	s32 l, h;

	c->gain_fmt = rand_format();
	c->sig_fmt = rand_format();
	c->kp = rand_raw(c->gain_fmt);
	c->ki = rand_raw(c->gain_fmt);
	c->kd = rand_raw(c->gain_fmt);
	l = rand_raw(c->sig_fmt);
	h = rand_raw(c->sig_fmt);
	c->lo = l < h ? l : h;
	c->hi = l < h ? h : l;
}

TEST(random_pid)
{
	struct agi_pid_cfg c;
	struct agi_pid_state st = { 0, 0 };
	s32 integ = 0, e_prev = 0;

	TEST_RNG_BEGIN(0);
	for (int i = 0; i < RANDOM_CASES; i++) {
		s32 sp, fb, want;

		if (i % 64 == 0) {
			rand_pid_cfg(&c);
			st.integ = integ = rand_raw(c.sig_fmt);
			st.e_prev = e_prev = rand_raw(c.sig_fmt);
		}
		sp = rand_raw(c.sig_fmt);
		fb = rand_raw(c.sig_fmt);
		want = ref_pid(&c, &integ, &e_prev, sp, fb);
		ASSERT_EQ(want, agi_pid_step(&c, &st, sp, fb))
			TH_LOG("case %d sp %d fb %d", i, sp, fb);
		ASSERT_EQ(integ, st.integ);
		ASSERT_EQ(e_prev, st.e_prev);
	}
}

/* --- decimal text ---------------------------------------------------------- */

TEST(decimal_parse)
{
	static const struct {
		const char *text;
		enum agiswarm_qformat fmt;
		bool saturate;
		int err;
		s32 want;
	} cases[] = {
		{ "0.5", Q31, false, 0, 1 << 30 },
		{ "-1", Q31, false, 0, S32_MIN },
		{ "-1.0", Q15, false, 0, -32768 },
		{ "1", Q31, false, -ERANGE },
		{ "1", Q31, true, 0, S32_MAX },
		{ "-1.0000001", Q31, false, -ERANGE },
		{ "-1.0000001", Q31, true, 0, S32_MIN },
		{ "1e999", Q24, false, -ERANGE },
		{ "-1e999", Q24, true, 0, S32_MIN },
		{ "1", Q24, false, 0, 1 << 24 },
		{ "-128", Q24, false, 0, S32_MIN },
		{ "128", Q24, false, -ERANGE },
		{ "2.5e-1", Q15, false, 0, 1 << 13 },
		{ "-0", Q31, false, 0, 0 },
		{ "1e-300", Q31, false, 0, 0 },
		/* 2^-32 is half a Q1.31 LSB: ties round away from zero. */
		{ "0.00000000023283064365386962890625", Q31, false, 0, 1 },
		{ "-0.00000000023283064365386962890625", Q31, false, 0, -1 },
		{ "0.50000000023283064365386962890625", Q31, false, 0,
		  (1 << 30) + 1 },
		{ "-0.50000000023283064365386962890625", Q31, false, 0,
		  -(1 << 30) - 1 },
		/* Half a Q1.15 LSB is 2^-16. */
		{ "0.0000152587890625", Q15, false, 0, 1 },
		{ "-0.0000152587890625", Q15, false, 0, -1 },
		/* Q16.16: [-32768, 32768), half an LSB is 2^-17. */
		{ "138", Q16, false, 0, 138 << 16 },
		{ "-32768", Q16, false, 0, S32_MIN },
		{ "32768", Q16, false, -ERANGE },
		{ "32768", Q16, true, 0, S32_MAX },
		{ "0.00000762939453125", Q16, false, 0, 1 },
		{ "-0.00000762939453125", Q16, false, 0, -1 },
		{ "", Q31, false, -EINVAL }, { " 0.5", Q31, false, -EINVAL },
		{ "0.5 ", Q31, false, -EINVAL }, { "0.5x", Q31, false, -EINVAL },
		{ "abc", Q31, false, -EINVAL }, { "nan", Q31, true, -EINVAL },
		{ "inf", Q31, true, -EINVAL }, { "-Infinity", Q31, true, -EINVAL },
		{ "--1", Q31, false, -EINVAL }, { "0.5", 0, false, -EINVAL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		s32 out = 0x5a5a5a5a;
		int err = agi_q_from_decimal(cases[i].text, cases[i].fmt,
					     cases[i].saturate, &out);

		ASSERT_EQ(cases[i].err, err) TH_LOG("'%s'", cases[i].text);
		ASSERT_EQ(err ? 0x5a5a5a5a : cases[i].want, out)
			TH_LOG("'%s'", cases[i].text);
	}
}

TEST(decimal_format)
{
	static const struct {
		s32 raw;
		enum agiswarm_qformat fmt;
		const char *want;
	} cases[] = {
		{ -(1 << 30), Q31, "-0.5" }, { S32_MIN, Q31, "-1" },
		{ 0, Q31, "0" }, { 1 << 24, Q24, "1" }, { S32_MIN, Q24, "-128" },
		{ 1, Q31, "0.0000000004656612873077392578125" },
		{ S32_MAX, Q24, "127.999999940395355224609375" },
		{ 32767, Q15, "0.999969482421875" }, { -1, Q15, "-0.000030517578125" },
		{ 3 << 23, Q24, "1.5" },
		{ 138 << 16, Q16, "138" }, { S32_MIN, Q16, "-32768" },
		{ S32_MAX, Q16, "32767.9999847412109375" },
	};
	char buf[64];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int n = agi_q_to_decimal(cases[i].raw, cases[i].fmt, buf,
					 sizeof(buf));

		ASSERT_EQ((int)strlen(cases[i].want), n);
		ASSERT_STREQ(cases[i].want, buf);
		/* Exactly the length plus the NUL fits; one byte less not. */
		ASSERT_EQ(n, agi_q_to_decimal(cases[i].raw, cases[i].fmt, buf,
					      (size_t)n + 1));
		ASSERT_EQ(-ENOSPC, agi_q_to_decimal(cases[i].raw, cases[i].fmt,
						    buf, (size_t)n));
	}
	ASSERT_EQ(-EINVAL, agi_q_to_decimal(1, AGISWARM_Q_UNSPEC, buf, 64));
}

/* to_decimal matches the reference digits and parses back to the same raw. */
TEST(decimal_round_trip)
{
	char got[64], want[64];

	TEST_RNG_BEGIN(0);
	for (int i = 0; i < 300000; i++) {
		enum agiswarm_qformat f = formats[i % NFORMATS];
		s32 raw = rand_raw(f), back = 0;

		ASSERT_LT(0, agi_q_to_decimal(raw, f, got, sizeof(got)));
		ref_decimal(raw, ref_fmt(f).frac, want);
		ASSERT_STREQ(want, got);
		ASSERT_EQ(0, agi_q_from_decimal(got, f, false, &back))
			TH_LOG("'%s'", got);
		ASSERT_EQ(raw, back) TH_LOG("'%s'", got);
	}
}

/*
 * (2k+1) / 2^(f+1) lies exactly half an LSB above k: it must parse to k+1,
 * and its negation to -(k+1). A quarter LSB either side of k + 0.5 rounds
 * to nearest. The texts come from the reference formatter.
 */
TEST(decimal_parse_ties)
{
	char text[80];

	TEST_RNG_BEGIN(0);
	for (int i = 0; i < 300000; i++) {
		enum agiswarm_qformat f = formats[i % NFORMATS];
		struct ref_format r = ref_fmt(f);
		int64_t k = (int64_t)(test_rng() % (uint64_t)r.max);
		int sign = test_rng() & 1 ? -1 : 1;
		s32 out = 0;

		ref_decimal(sign * (2 * k + 1), r.frac + 1, text);
		ASSERT_EQ(0, agi_q_from_decimal(text, f, false, &out));
		ASSERT_EQ(sign * (k + 1), out) TH_LOG("'%s'", text);
		ref_decimal(sign * (4 * k + 1), r.frac + 2, text);
		ASSERT_EQ(0, agi_q_from_decimal(text, f, false, &out));
		ASSERT_EQ(sign * k, out) TH_LOG("'%s'", text);
		ref_decimal(sign * (4 * k + 3), r.frac + 2, text);
		ASSERT_EQ(0, agi_q_from_decimal(text, f, false, &out));
		ASSERT_EQ(sign * (k + 1), out) TH_LOG("'%s'", text);
	}
}

TEST_HARNESS_MAIN
