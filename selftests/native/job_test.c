// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The jobs' arithmetic. A coded matmul, as agiswarm.ko's job engine does it
 * (kmod/job.c): A's coded rows of the MDS assignment (agi_code_init_mds,
 * agi_code_encode_row), each worker's exact dot products with a column of
 * B (agi_code_dot), up to f workers lost, the decoder fed in a random
 * order, each entry rounded once (agi_q_round_sum) into B's format. The
 * reference is the test's own: plain __int128 sums of raw products, floor
 * by division, saturation by comparison, never the code under test. FIR
 * (agictl's Toeplitz matrix, include/user/job.c) against a direct
 * convolution, and an MLP (layers as coded matmuls, then bias and ReLU)
 * against layers computed here. The fixed-point probe's known answers:
 * the core's exact sums equal the reference, and a worker that summed in
 * 64 bits, or dropped a carry, would differ somewhere.
 */
#include <stdlib.h>
#include <string.h>

#include "core/code.h"
#include "core/fixed.h"
#include "core/probe.h"
#include "user/job.h"
#include "../lib/rng.h"
#include <kselftest_harness.h>

typedef __int128 i128;

#define DIM 32
#define WMAX 8

static const enum agiswarm_qformat formats[] = {
	AGISWARM_Q1_31, AGISWARM_Q1_15, AGISWARM_Q8_24, AGISWARM_Q16_16,
};

static int ref_frac(enum agiswarm_qformat f)
{
	switch (f) {
	case AGISWARM_Q1_31: return 31;
	case AGISWARM_Q1_15: return 15;
	case AGISWARM_Q8_24: return 24;
	case AGISWARM_Q16_16: return 16;
	default: abort();
	}
}

static i128 ref_min(enum agiswarm_qformat f)
{
	return f == AGISWARM_Q1_15 ? -32768 : -(i128)2147483648LL;
}

static i128 ref_max(enum agiswarm_qformat f)
{
	return f == AGISWARM_Q1_15 ? 32767 : 2147483647;
}

static s32 ref_sat(i128 v, enum agiswarm_qformat f)
{
	return (s32)(v < ref_min(f) ? ref_min(f) : v > ref_max(f) ? ref_max(f) : v);
}

/* The exact sum @s of products with left factors in @fa, into @fx. */
static s32 ref_round(i128 s, enum agiswarm_qformat fa, enum agiswarm_qformat fx)
{
	i128 one = (i128)1 << ref_frac(fa), q;

	s += one / 2;
	q = s / one;
	if (s % one != 0 && s < 0)
		q -= 1;
	return ref_sat(q, fx);
}

/* Entry (i, c) of A B: the exact sum, floor((s + one / 2) / one), sat. */
static s32 ref_entry(const s32 *A, const s32 *B, u32 n, u32 k, u32 i, u32 c,
		     enum agiswarm_qformat fa, enum agiswarm_qformat fx)
{
	i128 s = 0, one = (i128)1 << ref_frac(fa), q;
	u32 t;

	for (t = 0; t < n; t++)
		s += (i128)A[(size_t)i * n + t] * B[(size_t)t * k + c];
	s += one / 2;
	q = s / one;
	if (s % one != 0 && s < 0)
		q -= 1;
	if (q < ref_min(fx))
		return (s32)ref_min(fx);
	if (q > ref_max(fx))
		return (s32)ref_max(fx);
	return (s32)q;
}

static s32 rand_raw(enum agiswarm_qformat f)
{
	u64 u = test_rng();

	switch (u % 4) {
	case 0:
		return (s32)(u & 1 ? ref_max(f) : ref_min(f));
	case 1:
		return (s32)((s64)((u >> 8) % 5) - 2);
	default:
		return (s32)(ref_min(f) + (i128)((u >> 8) %
				(u64)(ref_max(f) - ref_min(f) + 1)));
	}
}

/*
 * The job as the module computes it: result (m x k, row-major) from the
 * workers not in @lost, each answering every column.
 */
static void coded_matmul(const s32 *A, const s32 *B, u32 m, u32 n, u32 k,
			 enum agiswarm_qformat fa, enum agiswarm_qformat fx,
			 u32 W, u32 f, u32 lost, s32 *Y, int *fails)
{
	static s64 rows[DIM * 3 * WMAX][DIM];
	static u16 order[DIM * 3 * WMAX];
	struct agi_code_decoder *dec;
	struct agi_code code;
	s32 x[DIM];
	size_t size;
	void *mem;
	u32 j, c, i, nvals;

	if (agi_code_init_mds(&code, m, W, f)) {
		(*fails)++;
		return;
	}
	for (j = 0; j < code.n_coded; j++)
		if (agi_code_encode_row(&code, j, A, n, rows[j]))
			(*fails)++;
	size = agi_code_decoder_size(&code);
	mem = aligned_alloc(8, (size + 7) & ~(size_t)7);
	dec = agi_code_decoder_init(mem, size, &code);
	if (!dec) {
		(*fails)++;
		free(mem);
		return;
	}
	for (c = 0; c < k; c++) {
		struct agi_i128 z;
		bool done = false;

		for (i = 0; i < n; i++)
			x[i] = B[(size_t)i * k + c];
		agi_code_decoder_reset(dec);
		/* The answers of the workers left, in a random order. */
		nvals = 0;
		for (j = 0; j < code.n_coded; j++)
			if (!(lost & 1U << agi_code_row_worker(&code, j)))
				order[nvals++] = (u16)j;
		for (i = nvals; i > 1; i--) {
			u32 r = (u32)(test_rng() % i);
			u16 t = order[i - 1];

			order[i - 1] = order[r];
			order[r] = t;
		}
		for (i = 0; i < nvals && !done; i++)
			done = agi_code_decoder_add(dec, order[i],
					agi_code_dot(rows[order[i]], x, n)) == 1;
		if (!done) {
			(*fails)++;
			continue;
		}
		for (i = 0; i < m; i++) {
			if (agi_code_decoder_get(dec, i, &z))
				(*fails)++;
			Y[(size_t)i * k + c] = agi_q_round_sum(z, fa, fx);
		}
	}
	free(mem);
}

TEST(seeds_example)
{
	static const s32 a[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	static const s32 b[9] = { 9, 8, 7, 6, 5, 4, 3, 2, 1 };
	static const s32 want[9] = { 30, 24, 18, 84, 69, 54, 138, 114, 90 };
	s32 A[9], B[9], Y[9];
	int fails = 0, i;

	TEST_RNG_BEGIN(0);
	for (i = 0; i < 9; i++) {
		A[i] = a[i] << 16;
		B[i] = b[i] << 16;
	}
	/* Eight workers, two of them (3 and 6, counted from 1) silent. */
	coded_matmul(A, B, 3, 3, 3, AGISWARM_Q16_16, AGISWARM_Q16_16, 8, 2,
		     1U << 2 | 1U << 5, Y, &fails);
	ASSERT_EQ(0, fails);
	for (i = 0; i < 9; i++)
		ASSERT_EQ(want[i] << 16, Y[i]) TH_LOG("entry %d", i);
}

TEST(random_against_reference)
{
	static s32 A[DIM * DIM], B[DIM * DIM], Y[DIM * DIM];
	int fails = 0, iter;

	TEST_RNG_BEGIN(0);
	for (iter = 0; iter < 400; iter++) {
		enum agiswarm_qformat fa = formats[test_rng() % 4];
		enum agiswarm_qformat fx = formats[test_rng() % 4];
		u32 m = 1 + (u32)(test_rng() % DIM), n = 1 + (u32)(test_rng() % DIM);
		u32 k = 1 + (u32)(test_rng() % 6), W = 1 + (u32)(test_rng() % WMAX);
		int max_lost = agi_code_max_lost(m, W);
		u32 f = W - 1 < 2 ? W - 1 : 2, lost = 0, i, c, t;

		if (max_lost >= 0 && (u32)max_lost < f)
			f = (u32)max_lost;
		for (i = 0; i < m * n; i++)
			A[i] = rand_raw(fa);
		for (i = 0; i < n * k; i++)
			B[i] = rand_raw(fx);
		/* f distinct workers lost. */
		for (t = 0; t < f; t++) {
			u32 w;

			do {
				w = (u32)(test_rng() % W);
			} while (lost & 1U << w);
			lost |= 1U << w;
		}
		coded_matmul(A, B, m, n, k, fa, fx, W, f, lost, Y, &fails);
		ASSERT_EQ(0, fails) TH_LOG("case %d: m %u W %u f %u", iter, m, W, f);
		for (i = 0; i < m; i++)
			for (c = 0; c < k; c++)
				ASSERT_EQ(ref_entry(A, B, n, k, i, c, fa, fx),
					  Y[(size_t)i * k + c])
					TH_LOG("case %d (%u, %u) fa %d fx %d", iter,
					       i, c, fa, fx);
	}
}

/* FIR: the Toeplitz matmul on 8 workers, 2 lost, vs a direct convolution. */
TEST(fir_against_convolution)
{
	static s32 A[DIM * DIM], h[DIM], x[DIM], y[DIM];
	int fails = 0, iter;

	TEST_RNG_BEGIN(0);
	for (iter = 0; iter < 200; iter++) {
		enum agiswarm_qformat fh = formats[test_rng() % 4];
		enum agiswarm_qformat fx = formats[test_rng() % 4];
		u32 T = 1 + (u32)(test_rng() % 8), n = 1 + (u32)(test_rng() % DIM);
		u32 i, t;

		for (t = 0; t < T; t++)
			h[t] = rand_raw(fh);
		for (i = 0; i < n; i++)
			x[i] = rand_raw(fx);
		u32 f = agi_code_max_lost(n, 8) < 2 ? 0 : 2;

		agi_job_fir_matrix(h, T, n, A);
		coded_matmul(A, x, n, n, 1, fh, fx, 8, f,
			     f ? 1U << (test_rng() % 8) | 1U << (test_rng() % 8) : 0,
			     y, &fails);
		ASSERT_EQ(0, fails);
		for (i = 0; i < n; i++) {
			i128 s = 0;

			for (t = 0; t < T && t <= i; t++)
				s += (i128)h[t] * x[i - t];
			ASSERT_EQ(ref_round(s, fh, fx), y[i])
				TH_LOG("case %d y[%u] taps %u", iter, i, T);
		}
	}
}

/*
 * MLP: layers of W x + b, ReLU between (not after the last), each W x a
 * coded matmul on 6 workers with 2 lost; against layers computed here.
 */
TEST(mlp_against_layers)
{
	static s32 W[DIM * DIM], b[DIM], x[DIM], z[DIM], rx[DIM], rz[DIM];
	int fails = 0, iter;

	TEST_RNG_BEGIN(0);
	for (iter = 0; iter < 100; iter++) {
		enum agiswarm_qformat fw = formats[test_rng() % 4];
		enum agiswarm_qformat fx = formats[test_rng() % 4];
		u32 layers = 1 + (u32)(test_rng() % 4), in = 1 + (u32)(test_rng() % DIM);
		u32 l, i, t;

		for (i = 0; i < in; i++)
			rx[i] = x[i] = rand_raw(fx);
		for (l = 0; l < layers; l++) {
			u32 out = 1 + (u32)(test_rng() % DIM);
			bool relu = l + 1 < layers;

			for (i = 0; i < out * in; i++)
				W[i] = rand_raw(fw);
			for (i = 0; i < out; i++)
				b[i] = rand_raw(fx);
			u32 f = agi_code_max_lost(out, 6) < 2 ? 0 : 2;

			coded_matmul(W, x, out, in, 1, fw, fx, 6, f,
				     f ? 1U << 1 | 1U << 4 : 0, z, &fails);
			ASSERT_EQ(0, fails);
			agi_job_mlp_post(z, b, out, fx, relu);
			for (i = 0; i < out; i++) {
				i128 s = 0;

				for (t = 0; t < in; t++)
					s += (i128)W[(size_t)i * in + t] * rx[t];
				rz[i] = ref_sat((i128)ref_round(s, fw, fx) + b[i],
						fx);
				if (relu && rz[i] < 0)
					rz[i] = 0;
				ASSERT_EQ(rz[i], z[i])
					TH_LOG("case %d layer %u out %u", iter, l, i);
			}
			memcpy(x, z, out * sizeof(s32));
			memcpy(rx, rz, out * sizeof(s32));
			in = out;
		}
	}
}

TEST(probe_known_answers)
{
	static s32 A[AGI_PROBE_ROWS * AGI_PROBE_COLS];
	static s32 B[AGI_PROBE_COLS * AGI_PROBE_BCOLS];
	s32 x[AGI_PROBE_COLS];
	s64 row[AGI_PROBE_COLS];
	bool wide_pos = false, wide_neg = false, wrap64_caught = false;
	u32 i, c, t;

	agi_probe_matrices(A, B);
	for (c = 0; c < AGI_PROBE_BCOLS; c++) {
		for (t = 0; t < AGI_PROBE_COLS; t++)
			x[t] = B[t * AGI_PROBE_BCOLS + c];
		for (i = 0; i < AGI_PROBE_ROWS; i++) {
			i128 want = 0;
			u64 wrap = 0;
			struct agi_i128 got;

			for (t = 0; t < AGI_PROBE_COLS; t++) {
				row[t] = A[i * AGI_PROBE_COLS + t];
				want += (i128)A[i * AGI_PROBE_COLS + t] * x[t];
				wrap += (u64)((s64)A[i * AGI_PROBE_COLS + t] * x[t]);
			}
			got = agi_code_dot(row, x, AGI_PROBE_COLS);
			ASSERT_EQ((u64)want, got.lo) TH_LOG("row %u col %u", i, c);
			ASSERT_EQ((u64)((unsigned __int128)want >> 64), got.hi)
				TH_LOG("row %u col %u", i, c);
			wide_pos |= want > (i128)S64_MAX;
			wide_neg |= want < (i128)S64_MIN;
			/* A 64-bit sum is right only when the sum fits. */
			wrap64_caught |= (i128)(s64)wrap != want;
		}
	}
	ASSERT_TRUE(wide_pos);
	ASSERT_TRUE(wide_neg);
	ASSERT_TRUE(wrap64_caught);
}

TEST_HARNESS_MAIN
