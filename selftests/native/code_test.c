// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Coded computing (include/core/code.c) against an independent exact
 * reference: z = A x with __int128, the GF(2) rank with a Gaussian
 * elimination of its own (pivots on the highest bit, unlike the core), and
 * y through the uncoded agi_q_matvec() (code_ref.h). The invariant: any set
 * of results of full rank, in any order, decodes to bit-identical z and y,
 * exactly when the rank becomes full; any other set gives no output.
 *
 * AGI_SEED=<n> replays a run; the seed is logged.
 */
#include <kselftest_harness.h>

#include "code_ref.h"

/* --- tests ---------------------------------------------------------------- */

TEST(generator_contract)
{
	struct agi_code code, other;
	u64 set[WORDS], again[WORDS];
	u32 j, ones = 0, total = 0, m = 200;
	int deg;

	TH_LOG("seed %llu", (unsigned long long)seed_once());
	ASSERT_EQ(0, agi_code_init(&code, m, 1000, 42));
	ASSERT_EQ(0, agi_code_init(&other, m, 1000, 43));
	for (j = 0; j < m; j++) {
		ASSERT_EQ(1, agi_code_row_set(&code, j, set));
		ASSERT_EQ((int)j, ref_high(set));
		ASSERT_EQ(1, __builtin_popcountll(set[0]) +
			     __builtin_popcountll(set[1]) +
			     __builtin_popcountll(set[2]) +
			     __builtin_popcountll(set[3]));
	}
	for (j = m; j < 1000; j++) {
		deg = agi_code_row_set(&code, j, set);
		ASSERT_GT(deg, 0);
		ASSERT_LT(ref_high(set), (int)m);	/* nothing past m */
		agi_code_row_set(&code, j, again);
		ASSERT_EQ(0, memcmp(set, again, sizeof(set)));
		agi_code_row_set(&other, j, again);
		ASSERT_NE(0, memcmp(set, again, sizeof(set)));
		ones += deg;
		total += m;
	}
	/* Dense rows are what gives ~m + 1.6 results: density must be 1/2. */
	ASSERT_GT(ones * 100, total * 48);
	ASSERT_LT(ones * 100, total * 52);
	ASSERT_EQ(-EINVAL, agi_code_row_set(&code, 1000, set));
}

TEST(limits)
{
	struct agi_code code;
	u64 mem[8];	/* 8-byte aligned, far too small */
	void *big;
	size_t size;

	ASSERT_EQ(-EINVAL, agi_code_init(&code, 0, 4, 1));
	ASSERT_EQ(-EINVAL, agi_code_init(&code, MAXM + 1, MAXM + 1, 1));
	ASSERT_EQ(-EINVAL, agi_code_init(&code, 8, 7, 1));
	ASSERT_EQ(-EINVAL, agi_code_init(&code, 8, MAXC + 1, 1));
	ASSERT_EQ(0, agi_code_init(&code, MAXM, MAXC, 1));
	size = agi_code_decoder_size(&code);
	ASSERT_GT(size, 0);
	ASSERT_EQ(NULL, agi_code_decoder_init(mem, sizeof(mem), &code));
	big = malloc(size + 8);
	ASSERT_EQ(NULL, agi_code_decoder_init(big, size - 1, &code));
	ASSERT_EQ(NULL, agi_code_decoder_init((u8 *)big + 4, size, &code));
	ASSERT_NE(NULL, agi_code_decoder_init(big, size, &code));
	free(big);
}

/* Worker side: the coded result is the sum of the z of its source rows. */
TEST(encoder_is_sum_of_sources)
{
	static struct instance in;
	u32 j, i;

	rng_state = seed_once();
	instance_fill(&in, 40, 17, 80, 2);	/* all S32_MIN: sums > 2^64 */
	ASSERT_TRUE(in.z[0] > (__int128)S64_MAX);
	for (j = 0; j < 80; j++) {
		__int128 sum = 0;

		for (i = 0; i < 40; i++)
			if ((in.set[j][i / 64] >> (i % 64)) & 1)
				sum += in.z[i];
		ASSERT_TRUE(agi_i128_eq(to_wide(sum), in.value[j]));
	}
}

/*
 * Every subset of m + 5 coded rows for m <= 8, in forward, reversed and
 * random order: decodes exactly when the reference rank says so.
 */
TEST(every_subset_small_m)
{
	static struct instance in;
	static const u32 cols[] = { 1, 3, 8 };
	struct agi_code_decoder *dec;
	u32 m, c, decoded = 0, refused = 0;

	rng_state = seed_once();
	for (m = 1; m <= 8; m++) {
		for (c = 0; c < ARRAY_SIZE(cols); c++) {
			u32 n_coded = m + 5;

			instance_fill(&in, m, cols[c], n_coded, c != 0);
			dec = decoder_new(&in.code);
			ASSERT_NE(NULL, dec);
			check_every_subset(_metadata, dec, &in, &decoded,
					   &refused);
			free(dec);
		}
	}
	TH_LOG("%u subsets decoded, %u refused", decoded, refused);
	ASSERT_GT(refused, 0);
}

/* Random m up to 256, random erasures and orders, extreme entries. */
TEST(random_large)
{
	static struct instance in;
	static const u32 percent[] = { 0, 1, 10, 30, 100 };
	struct agi_code_decoder *dec;
	u32 trial, m, n, n_coded, t, kept, pct, peeled = 0, elim = 0;

	rng_state = seed_once() ^ 1;
	for (trial = 0; trial < 100; trial++) {
		m = trial < 5 ? MAXM : 1 + rng_below(MAXM);
		n = trial < 5 ? MAXN : 1 + rng_below(MAXN);
		n_coded = m + m / 8 + 4 + rng_below(8);
		pct = percent[trial % ARRAY_SIZE(percent)];
		instance_fill(&in, m, n, n_coded, 1 + (trial % 7 == 0));
		dec = decoder_new(&in.code);
		ASSERT_NE(NULL, dec);
		/* Erase pct% of the systematic rows and 1 in 8 parity rows. */
		kept = 0;
		for (t = 0; t < n_coded; t++) {
			bool lost = t < m ? rng_below(100) < pct :
					    rng_below(8) == 0;

			if (pct == 1 && t < m)
				lost = t == in.code.seed % m;
			if (!lost)
				in.order[kept++] = t;
		}
		shuffle(in.order, kept);
		feed_and_check(_metadata, dec, &in, kept);
		peeled += agi_code_decoder_stats(dec)->peeled;
		elim += agi_code_decoder_stats(dec)->eliminated;
		free(dec);
	}
	TH_LOG("peeled %u, eliminated %u", peeled, elim);
	ASSERT_GT(peeled, 0);
	ASSERT_GT(elim, 0);
}

/* No systematic row at all: the whole of z comes from elimination. */
TEST(parity_only)
{
	static struct instance in;
	struct agi_code_decoder *dec;
	u32 n_used, t, sizes[] = { 64, MAXM };
	u32 s;

	rng_state = seed_once() ^ 2;
	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		u32 m = sizes[s];

		instance_fill(&in, m, 8, m + m + 16 < MAXC ? m + m + 16 : MAXC,
			      1);
		dec = decoder_new(&in.code);
		for (t = 0; t < in.code.n_coded - m; t++)
			in.order[t] = m + t;
		ASSERT_TRUE(feed_and_check(_metadata, dec, &in, t));
		n_used = agi_code_decoder_stats(dec)->used;
		ASSERT_EQ(m, agi_code_decoder_stats(dec)->peeled +
			     agi_code_decoder_stats(dec)->eliminated);
		ASSERT_EQ(0, agi_code_decoder_stats(dec)->systematic);
		TH_LOG("m=%u: decoded from %u parity results", m, n_used);
		free(dec);
	}
}

TEST(all_systematic_is_free)
{
	static struct instance in;
	struct agi_code_decoder *dec;
	const struct agi_code_stats *st;
	u32 t;

	rng_state = seed_once() ^ 3;
	instance_fill(&in, 100, 20, 120, 1);
	dec = decoder_new(&in.code);
	for (t = 0; t < 100; t++)
		in.order[t] = t;
	shuffle(in.order, 100);
	ASSERT_TRUE(feed_and_check(_metadata, dec, &in, 100));
	st = agi_code_decoder_stats(dec);
	ASSERT_EQ(100, st->systematic);
	ASSERT_EQ(0, st->peeled);
	ASSERT_EQ(0, st->eliminated);
	ASSERT_EQ(0, st->kept);
	free(dec);
}

TEST(duplicates_out_of_range_late)
{
	static struct instance in;
	struct agi_code_decoder *dec;
	struct agi_i128 junk = { 0x1234, 0x5678 }, z;
	const struct agi_code_stats *st;
	u32 m = 16, n_coded = 24, i;
	int ret = 0;

	rng_state = seed_once() ^ 4;
	instance_fill(&in, m, 5, n_coded, 1);
	dec = decoder_new(&in.code);
	ASSERT_EQ(-EINVAL, agi_code_decoder_add(dec, n_coded, junk));
	ASSERT_EQ(-EINVAL, agi_code_decoder_add(dec, U32_MAX, junk));
	ASSERT_EQ(-EINVAL, agi_code_decoder_get(dec, m, &z));
	ASSERT_EQ(-EAGAIN, agi_code_decoder_get(dec, 0, &z));
	/* Row 3 lost; parity first, each also sent again with junk. */
	for (i = m; i < n_coded && ret != 1; i++) {
		ret = agi_code_decoder_add(dec, i, in.value[i]);
		if (ret != 1)
			ASSERT_EQ(0, agi_code_decoder_add(dec, i, junk));
	}
	for (i = 0; i < m && ret != 1; i++) {
		if (i == 3)
			continue;
		ret = agi_code_decoder_add(dec, i, in.value[i]);
		if (ret != 1)
			ASSERT_EQ(0, agi_code_decoder_add(dec, i, junk));
	}
	ASSERT_EQ(1, ret);
	ASSERT_EQ(1, agi_code_decoder_add(dec, 3, junk));	/* late */
	st = agi_code_decoder_stats(dec);
	ASSERT_GT(st->duplicate, 0);
	ASSERT_EQ(1, st->late);
	for (i = 0; i < m; i++) {
		ASSERT_EQ(0, agi_code_decoder_get(dec, i, &z));
		ASSERT_TRUE(agi_i128_eq(z, to_wide(in.z[i])));
	}
	free(dec);
}

/* One decoder over many cycles, each with new x and new erasures. */
TEST(reset_between_cycles)
{
	static struct instance in;
	struct agi_code_decoder *dec;
	struct agi_code code;
	u32 cycle, t, kept, m = 48, n = 12, n_coded = 64;
	s64 coded[MAXN];

	rng_state = seed_once() ^ 5;
	instance_fill(&in, m, n, n_coded, 1);
	code = in.code;
	dec = decoder_new(&code);
	for (cycle = 0; cycle < 50; cycle++) {
		u32 i, k, j;

		for (k = 0; k < n; k++)
			in.x[k] = rand_entry(1);
		for (i = 0; i < m; i++) {
			in.z[i] = 0;
			for (k = 0; k < n; k++)
				in.z[i] += (__int128)in.A[i * n + k] * in.x[k];
		}
		agi_q_matvec(in.A, m, n, AGISWARM_Q1_31, in.x, AGISWARM_Q1_31,
			     in.y);
		for (j = 0; j < n_coded; j++) {
			agi_code_encode_row(&code, j, in.A, n, coded);
			in.value[j] = agi_code_dot(coded, in.x, n);
		}
		kept = 0;
		for (t = 0; t < n_coded; t++)
			if (rng_below(100) >= 15)
				in.order[kept++] = t;
		shuffle(in.order, kept);
		feed_and_check(_metadata, dec, &in, kept);
		ASSERT_EQ(0, agi_code_decoder_stats(dec)->duplicate);
	}
	free(dec);
}

/* The goal stated in code.h: decodable from m + 3 results or fewer on average. */
TEST(results_needed_on_average)
{
	static struct instance in;
	struct agi_code_decoder *dec;
	u32 trial, t, m = 64, n_coded = 64 + 24, sum = 0;

	rng_state = seed_once() ^ 6;
	instance_fill(&in, m, 1, n_coded, 0);
	dec = decoder_new(&in.code);
	for (trial = 0; trial < 300; trial++) {
		for (t = 0; t < n_coded; t++)
			in.order[t] = t;
		shuffle(in.order, n_coded);
		agi_code_decoder_reset(dec);
		for (t = 0; t < n_coded; t++)
			if (agi_code_decoder_add(dec, in.order[t],
						 in.value[in.order[t]]) == 1)
				break;
		ASSERT_LT(t, n_coded);
		sum += agi_code_decoder_stats(dec)->used;
	}
	TH_LOG("m=%u: %.2f results on average", m, sum / 300.0);
	ASSERT_LE(sum, 300 * (m + 3));
	free(dec);
}

/* Brute force over every loss pattern with the reference rank. */
static bool ref_tolerates(const struct instance *in, const u8 *owner, u32 w,
			  u32 f)
{
	u32 lost, j;

	for (lost = 0; lost < (1U << w); lost++) {
		if ((u32)__builtin_popcount(lost) != f)
			continue;
		ref_reset(&ref_g);
		for (j = 0; j < in->code.n_coded; j++)
			if (owner[j] < w && !((lost >> owner[j]) & 1))
				ref_add(&ref_g, in->set[j]);
		if (ref_g.rank < in->code.m)
			return false;
	}
	return true;
}

TEST(tolerates_matches_brute_force)
{
	static struct instance in;
	static struct agi_code_gf2 scratch;
	u8 owner[MAXC];
	u32 trial, j, w, f, yes = 0, no = 0;

	rng_state = seed_once() ^ 7;
	for (trial = 0; trial < 60; trial++) {
		u32 m = 4 + rng_below(40), n_coded = m + 2 + rng_below(m);
		bool got;

		w = 2 + rng_below(AGI_CODE_MAX_WORKERS - 1);
		f = rng_below(w < 4 ? w + 1 : 4);
		instance_fill(&in, m, 1, n_coded, 0);
		for (j = 0; j < n_coded; j++)
			owner[j] = rng_below(10) ? j % w : AGI_CODE_NO_WORKER;
		got = agi_code_tolerates(&in.code, owner, w, f, &scratch);
		ASSERT_EQ(ref_tolerates(&in, owner, w, f), got) {
			TH_LOG("m=%u n_coded=%u W=%u f=%u", m, n_coded, w, f);
		}
		got ? yes++ : no++;
	}
	TH_LOG("%u assignments tolerate their f, %u do not", yes, no);
	ASSERT_GT(yes, 0);
	ASSERT_GT(no, 0);
	ASSERT_FALSE(agi_code_tolerates(&in.code, owner, 17, 1, &scratch));
	ASSERT_FALSE(agi_code_tolerates(&in.code, owner, 3, 4, &scratch));
}

/* What an aggregator does: search seeds until one survives any 1 loss. */
TEST(seed_search_for_one_loss)
{
	static struct agi_code_gf2 scratch;
	struct agi_code code;
	u8 owner[64];
	u32 j, seed, found = 0, m = 32, w = 8;

	/* 4 systematic + 4 parity rows per worker. */
	for (j = 0; j < 64; j++)
		owner[j] = j < m ? j / 4 : (j - m) / 4;
	for (seed = 0; seed < 50 && !found; seed++) {
		agi_code_init(&code, m, 64, seed);
		if (agi_code_tolerates(&code, owner, w, 1, &scratch))
			found = seed + 1;
	}
	ASSERT_NE(0, found);
	TH_LOG("seed %u tolerates any 1 of %u workers lost", found - 1, w);
	/* Without parity no loss is survivable. */
	agi_code_init(&code, m, m, found - 1);
	ASSERT_FALSE(agi_code_tolerates(&code, owner, w, 1, &scratch));
	ASSERT_TRUE(agi_code_tolerates(&code, owner, w, 0, &scratch));
}

TEST(rank_matches_reference)
{
	static struct instance in;
	static struct agi_code_gf2 scratch;
	u32 trial, t, n;

	rng_state = seed_once() ^ 8;
	for (trial = 0; trial < 40; trial++) {
		u32 m = 1 + rng_below(MAXM);

		instance_fill(&in, m, 1, m + 1 + rng_below(m), 0);
		n = rng_below(in.code.n_coded + 1);
		for (t = 0; t < in.code.n_coded; t++)
			in.order[t] = t;
		shuffle(in.order, in.code.n_coded);
		ref_reset(&ref_g);
		for (t = 0; t < n; t++)
			ref_add(&ref_g, in.set[in.order[t]]);
		ASSERT_EQ(ref_g.rank,
			  agi_code_rank(&in.code, in.order, n, &scratch));
	}
}

TEST_HARNESS_MAIN
