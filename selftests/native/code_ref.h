/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The exact reference the coded-computing tests check the core against:
 * z = A x with __int128, the GF(2) rank with a Gaussian elimination of its
 * own (pivots on the highest bit, unlike the core), and y through the
 * uncoded agi_q_matvec(); and the feeding loop that checks a decoder
 * against them step by step. Include after kselftest_harness.h.
 */
#ifndef AGISWARM_SELFTESTS_CODE_REF_H
#define AGISWARM_SELFTESTS_CODE_REF_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/code.h"
#include "core/fixed.h"
#include "../lib/rng.h"

#define MAXM AGI_CODE_MAX_SOURCE_ROWS
#define MAXN AGI_CODE_MAX_COLS
#define MAXC AGI_CODE_MAX_CODED_ROWS
#define WORDS AGI_CODE_SET_WORDS

/* The tests' one random stream (../lib/rng.h), under the names used here. */
#define rng_state test_rng_state
#define rng() test_rng()
#define rng_below(n) test_rng_below(n)
#define seed_once() test_rng_seed()

/* Entries that stress exactness: the extremes come often. */
static inline s32 rand_entry(int extreme)
{
	static const s32 edge[] = { S32_MIN, S32_MAX, S32_MIN + 1, -1, 0, 1 };

	if (extreme == 2)
		return S32_MIN;
	if (extreme && rng_below(2))
		return edge[rng_below(ARRAY_SIZE(edge))];
	return (s32)rng();
}

/* --- the exact reference ------------------------------------------------- */

struct instance {
	struct agi_code code;
	u32 n;
	s32 A[MAXM * MAXN];
	s32 x[MAXN];
	__int128 z[MAXM];		/* exact */
	s32 y[MAXM];			/* agi_q_matvec: the uncoded output */
	u64 set[MAXC][WORDS];		/* S_j */
	struct agi_i128 value[MAXC];	/* what worker j returns */
	u16 rows[MAXC];
	u16 order[MAXC];
};

static inline struct agi_i128 to_wide(__int128 v)
{
	struct agi_i128 r = { .lo = (u64)v, .hi = (u64)(v >> 64) };

	return r;
}

/* An instance of @code: random A and x, z, y and every worker's result. */
static inline void instance_fill_code(struct instance *in,
				      const struct agi_code *code, u32 n,
				      int extreme)
{
	u32 m = code->m, i, k, j;
	s64 coded[MAXN];

	in->n = n;
	in->code = *code;
	for (i = 0; i < m * n; i++)
		in->A[i] = rand_entry(extreme);
	for (k = 0; k < n; k++)
		in->x[k] = rand_entry(extreme);
	for (i = 0; i < m; i++) {
		in->z[i] = 0;
		for (k = 0; k < n; k++)
			in->z[i] += (__int128)in->A[i * n + k] * in->x[k];
	}
	agi_q_matvec(in->A, m, n, AGISWARM_Q1_31, in->x, AGISWARM_Q1_31, in->y);
	for (j = 0; j < code->n_coded; j++) {
		agi_code_row_set(&in->code, j, in->set[j]);
		agi_code_encode_row(&in->code, j, in->A, n, coded);
		in->value[j] = agi_code_dot(coded, in->x, n);
	}
}

/* The same with a random dense code of a random seed. */
static inline void instance_fill(struct instance *in, u32 m, u32 n,
				 u32 n_coded, int extreme)
{
	struct agi_code code;

	agi_code_init(&code, m, n_coded, rng());
	instance_fill_code(in, &code, n, extreme);
}

/* --- an independent GF(2) rank: echelon rows keyed by their highest bit --- */

struct ref_gf2 {
	u64 row[MAXM][WORDS];
	bool used[MAXM];
	u32 rank;
};

static inline void ref_reset(struct ref_gf2 *g)
{
	memset(g->used, 0, sizeof(g->used));
	g->rank = 0;
}

static inline int ref_high(const u64 *v)
{
	int w;

	for (w = WORDS - 1; w >= 0; w--)
		if (v[w])
			return w * 64 + 63 - __builtin_clzll(v[w]);
	return -1;
}

static inline void ref_add(struct ref_gf2 *g, const u64 *set)
{
	u64 v[WORDS];
	int h, w;

	memcpy(v, set, sizeof(v));
	while ((h = ref_high(v)) >= 0) {
		if (!g->used[h]) {
			memcpy(g->row[h], v, sizeof(v));
			g->used[h] = true;
			g->rank++;
			return;
		}
		for (w = 0; w < WORDS; w++)
			v[w] ^= g->row[h][w];
	}
}

static struct ref_gf2 ref_g;

/* --- feeding a decoder and checking it ----------------------------------- */

static inline struct agi_code_decoder *decoder_new(const struct agi_code *code)
{
	size_t size = agi_code_decoder_size(code);

	return agi_code_decoder_init(malloc(size), size, code);
}

static inline void shuffle(u16 *a, u32 n)
{
	u32 i, k;
	u16 t;

	for (i = n; i > 1; i--) {
		k = rng_below(i);
		t = a[i - 1];
		a[i - 1] = a[k];
		a[k] = t;
	}
}

/*
 * Feeds in->order[0..n) and checks the decoder reports completion exactly
 * when the reference rank of the prefix becomes m, then that z and y are
 * bit-identical to the reference, or that nothing is output at all.
 * Returns whether it decoded; *bad is set on any mismatch.
 */
static inline bool feed_and_check(struct __test_metadata *_metadata,
				  struct agi_code_decoder *dec,
				  struct instance *in, u32 n)
{
	u32 m = in->code.m, t, i;
	struct agi_i128 z;
	int ret, want;

	agi_code_decoder_reset(dec);
	ref_reset(&ref_g);
	for (t = 0; t < n; t++) {
		bool was = ref_g.rank == m;

		ref_add(&ref_g, in->set[in->order[t]]);
		want = ref_g.rank == m;
		ret = agi_code_decoder_add(dec, in->order[t],
					   in->value[in->order[t]]);
		ASSERT_EQ(want, ret) {
			TH_LOG("m=%u seed=%#llx step %u row %u", m,
			       (unsigned long long)in->code.seed, t,
			       in->order[t]);
		}
		if (was)
			break;	/* later results are ignored, checked elsewhere */
	}
	if (ref_g.rank < m) {
		ASSERT_FALSE(agi_code_decoder_done(dec));
		ASSERT_EQ(-EAGAIN, agi_code_decoder_get(dec, 0, &z));
		return false;
	}
	for (i = 0; i < m; i++) {
		struct agi_i128 want_z = to_wide(in->z[i]);

		ASSERT_EQ(0, agi_code_decoder_get(dec, i, &z));
		ASSERT_TRUE(agi_i128_eq(z, want_z)) {
			TH_LOG("m=%u n=%u seed=%#llx z[%u] differs", m, in->n,
			       (unsigned long long)in->code.seed, i);
		}
		ASSERT_EQ(in->y[i], agi_q_round_sum(z, AGISWARM_Q1_31,
						    AGISWARM_Q1_31));
	}
	return true;
}

/*
 * Every subset of in's coded rows, forwards, backwards and shuffled, through
 * feed_and_check(); counts the subsets that decoded and those that did not.
 */
static inline void check_every_subset(struct __test_metadata *_metadata,
				      struct agi_code_decoder *dec,
				      struct instance *in, u32 *decoded,
				      u32 *refused)
{
	u32 n_coded = in->code.n_coded, mask, r, t, n;

	for (mask = 0; mask < (1U << n_coded); mask++) {
		for (n = 0, r = 0; r < n_coded; r++)
			if ((mask >> r) & 1)
				in->rows[n++] = r;
		memcpy(in->order, in->rows, n * sizeof(u16));
		if (feed_and_check(_metadata, dec, in, n))
			(*decoded)++;
		else
			(*refused)++;
		for (t = 0; t < n; t++)
			in->order[t] = in->rows[n - 1 - t];
		feed_and_check(_metadata, dec, in, n);
		shuffle(in->order, n);
		feed_and_check(_metadata, dec, in, n);
	}
}

#endif /* AGISWARM_SELFTESTS_CODE_REF_H */
