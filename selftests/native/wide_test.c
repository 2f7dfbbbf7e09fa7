// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * struct agi_i128 on its portable path (the one 32-bit routers without
 * __int128 compile) against the compiler's 128-bit integers, on edge values
 * and on seeded random values; rerun a failure with AGI_SEED=<seed>.
 */
#define AGI_WIDE_PORTABLE
#include <inttypes.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "core/wide.h"
#include "../lib/rng.h"
#include <kselftest_harness.h>

typedef unsigned __int128 u128;
typedef __int128 i128;

#define RANDOM_CASES 300000

static u128 to_u128(struct agi_i128 a)
{
	return (u128)a.hi << 64 | a.lo;
}

static struct agi_i128 from_u128(u128 v)
{
	struct agi_i128 r = { .lo = (u64)v, .hi = (u64)(v >> 64) };

	return r;
}

/* Words where carries and signs turn: 0, 1, 2^31, 2^32 - 1, 2^63, ... */
static const u64 edge_words[] = {
	0, 1, 2, 0x7fffffffULL, 0x80000000ULL, 0xffffffffULL, 0x100000000ULL,
	0x7fffffffffffffffULL, 0x8000000000000000ULL, 0xfffffffffffffffeULL,
	0xffffffffffffffffULL,
};

static u64 rand_word(void)
{
	uint64_t u = test_rng();

	switch (u & 3) {
	case 0:
		return edge_words[(u >> 2) % ARRAY_SIZE(edge_words)];
	case 1:	/* a short value with a random sign, as dot sums are */
		return (u >> 40) & 1 ? -(u >> 41) : u >> 41;
	default:
		return test_rng();
	}
}

static u128 rand_u128(void)
{
	u64 hi = rand_word();

	/* Often sign-extend, as sums of products mostly are. */
	if ((test_rng() & 3) == 0)
		hi = (s64)rand_word() < 0 ? ~0ULL : 0;
	return (u128)hi << 64 | rand_word();
}

/* The fixed edge inputs: every pair of edge words as (hi, lo). */
static u128 edge_u128(size_t i)
{
	size_t n = ARRAY_SIZE(edge_words);

	return (u128)edge_words[i / n] << 64 | edge_words[i % n];
}

#define N_EDGES (ARRAY_SIZE(edge_words) * ARRAY_SIZE(edge_words))

static void check_pair(struct __test_metadata *_metadata, u128 x, u128 y)
{
	struct agi_i128 a = from_u128(x), b = from_u128(y);
	int want_cmp = (i128)x < (i128)y ? -1 : (i128)x > (i128)y;

	ASSERT_TRUE(to_u128(agi_i128_add(a, b)) == x + y);
	ASSERT_TRUE(to_u128(agi_i128_sub(a, b)) == x - y);
	ASSERT_TRUE(to_u128(agi_i128_mul(a, b)) == x * y);
	ASSERT_TRUE(to_u128(agi_u64_mul_wide(a.lo, b.lo)) == (u128)a.lo * b.lo);
	ASSERT_TRUE(to_u128(agi_i128_mul_s64((s64)a.lo, (s64)b.lo)) ==
		    (u128)((i128)(s64)a.lo * (s64)b.lo));
	ASSERT_EQ(want_cmp, agi_i128_cmp(a, b));
	ASSERT_EQ(x == y, agi_i128_eq(a, b));
}

static void check_one(struct __test_metadata *_metadata, u128 x)
{
	struct agi_i128 a = from_u128(x), back;
	u8 be[16];

	ASSERT_TRUE(to_u128(agi_i128_neg(a)) == -x);
	ASSERT_EQ((i128)x < 0, agi_i128_is_neg(a));
	ASSERT_TRUE(to_u128(agi_i128_from_s64((s64)a.lo)) ==
		    (u128)(i128)(s64)a.lo);
	/* GCC defines >> of a negative __int128 as an arithmetic shift. */
	for (unsigned int s = 0; s < 128; s++) {
		ASSERT_TRUE(to_u128(agi_i128_sar(a, s)) == (u128)((i128)x >> s))
			TH_LOG("sar by %u", s);
	}
	agi_i128_put_be(a, be);
	for (int i = 0; i < 16; i++)
		ASSERT_EQ((u8)(x >> (8 * (15 - i))), be[i]);
	back = agi_i128_get_be(be);
	ASSERT_TRUE(agi_i128_eq(a, back));
}

static void check_clamp(struct __test_metadata *_metadata, u128 x, s64 lo,
			s64 hi)
{
	i128 v = (i128)x;
	s64 want = v < lo ? lo : v > hi ? hi : (s64)v;

	ASSERT_EQ(want, agi_i128_clamp(from_u128(x), lo, hi));
}

TEST(edge_values)
{
	for (size_t i = 0; i < N_EDGES; i++) {
		check_one(_metadata, edge_u128(i));
		for (size_t j = 0; j < N_EDGES; j++)
			check_pair(_metadata, edge_u128(i), edge_u128(j));
	}
}

TEST(random_values)
{
	TEST_RNG_BEGIN(0);
	for (int i = 0; i < RANDOM_CASES; i++) {
		u128 x = rand_u128(), y = rand_u128();

		check_pair(_metadata, x, y);
		if (i % 16 == 0)
			check_one(_metadata, x);
	}
}

TEST(clamp)
{
	static const s64 bounds[][2] = {
		{ INT32_MIN, INT32_MAX }, { -32768, 32767 }, { 0, 0 },
		{ INT64_MIN, INT64_MAX }, { -5, 7 },
	};

	TEST_RNG_BEGIN(0);
	for (size_t b = 0; b < ARRAY_SIZE(bounds); b++) {
		for (size_t i = 0; i < N_EDGES; i++)
			check_clamp(_metadata, edge_u128(i), bounds[b][0],
				    bounds[b][1]);
		for (int i = 0; i < RANDOM_CASES / 10; i++)
			check_clamp(_metadata, rand_u128(), bounds[b][0],
				    bounds[b][1]);
	}
	/* Just outside s64 must clamp, not wrap. */
	ASSERT_EQ(INT64_MAX, agi_i128_clamp(from_u128((u128)1 << 64),
					    INT64_MIN, INT64_MAX));
	ASSERT_EQ(INT32_MIN, agi_i128_clamp(from_u128(-((u128)1 << 64) + 5),
					    INT32_MIN, INT32_MAX));
}

TEST_HARNESS_MAIN
