/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Coded computing: the project's coding specification, stated here.
 *
 * The aggregator needs z = A x exactly (A is m x n raw fixed-point s32, x is
 * n raw s32). The m source rows of A are spread over workers as n_coded
 * CODED rows: coded row j is the exact integer sum (s64 entries) of the set
 * S_j of source rows. A worker returns, per coded row, its exact dot product
 * with x in Z/2^128. The aggregator feeds results, in any order, to a
 * decoder that yields every z_i exactly as soon as the received rows have
 * full rank over GF(2): a 0/1 matrix is invertible over Z/2^128 iff its
 * determinant is odd.
 *
 * The invariant (what code_test checks): for ANY set of received results
 * from which decoding succeeds, in ANY arrival order, the decoded z, and so
 * y = sat((z + 2^(fA-1)) >> fA), is bit-identical to the uncoded
 * agi_q_matvec() of fixed.h; outputs are therefore the same on every
 * aggregator. The goal: decodable from m + 3 results or fewer on average,
 * and no decode work at all when the systematic rows all arrive.
 *
 * DOC: Generator (part of the wire contract)
 *
 * Both ends must compute the same S_j from (seed, j); nothing else travels.
 *
 *  - j < m: S_j = { j } (systematic: when all m of these arrive the decoder
 *    only copies values).
 *  - j >= m: S_j is a uniformly random subset of { 0 .. m-1 }: every source
 *    row is in it with probability 1/2. The bits come from splitmix64:
 *        mix(v)  = the splitmix64 finaliser (Steele, Lea, Flood 2014)
 *        s       = mix(seed ^ mix(j + 0x9e3779b97f4a7c15))
 *        word w  = mix(s + (w + 1) * 0x9e3779b97f4a7c15),  w = 0, 1, ...
 *    Source row i is in S_j iff bit (i % 64) of word (i / 64) is set; bits
 *    at or above m in the last word are dropped. If the set is empty, the
 *    next ceil(m/64) words of the same stream are drawn instead, and so on.
 *
 * Why dense rows: m + r uniformly random GF(2) rows over k unknowns are the
 * best one can do for rank (an m x m one is invertible with probability
 * ~0.289 and each extra row halves the failure odds), so the number of
 * results needed is m plus about 1.6 on average, whatever mix of systematic
 * and parity rows arrives (the parity rows restricted to the missing columns
 * stay uniform). Sparse (LT-style) rows need many more extra results at this
 * size and would only pay off for peeling-only decoding of huge m; here the
 * residual system is small (the missing systematic rows) and is solved by
 * elimination in a few microseconds. bench_code prints both overheads.
 *
 * DOC: Decoder
 *
 * add() only records: a systematic row stores z_j, a parity row is kept if
 * it raises the GF(2) rank of what was received (tracked on bitsets, with
 * the known systematic columns projected out). When the rank reaches m the
 * decoder solves once: it subtracts the known z from the kept parity rows,
 * peels rows left with one unknown, and eliminates what remains with odd
 * pivots: an LU factorisation mod 2^64 solves for z mod 2^64, and the same
 * factors solve for the high 64 bits from the exact residual. Nothing is
 * output before the rank is full, so a wrong z is never produced; with all
 * systematic rows present no decode work is done at all.
 */
#ifndef AGISWARM_CORE_CODE_H
#define AGISWARM_CORE_CODE_H

#include "compat.h"
#include "wide.h"

#define AGI_CODE_MAX_SOURCE_ROWS 256	/* m */
#define AGI_CODE_MAX_COLS 256		/* n */
#define AGI_CODE_MAX_CODED_ROWS 1024	/* n_coded, systematic included */
#define AGI_CODE_MAX_WORKERS 16		/* for agi_code_tolerates() */
#define AGI_CODE_SET_WORDS (AGI_CODE_MAX_SOURCE_ROWS / 64)
#define AGI_CODE_NO_WORKER 0xff		/* a coded row nobody holds */

/**
 * struct agi_code - the parameters both ends agree on
 * @m: source rows, 1..AGI_CODE_MAX_SOURCE_ROWS
 * @n_coded: coded rows, m..AGI_CODE_MAX_CODED_ROWS; rows m.. are parity
 * @seed: the code seed of the generator
 */
struct agi_code {
	u32 m;
	u32 n_coded;
	u64 seed;
};

/* Returns 0, or -EINVAL when @m or @n_coded is out of the limits above. */
int agi_code_init(struct agi_code *code, u32 m, u32 n_coded, u64 seed);

/*
 * S_j as a bitset of source rows (bit i of word i / 64). Words past
 * ceil(m / 64) are zeroed. Returns |S_j|, or -EINVAL for j >= n_coded.
 */
int agi_code_row_set(const struct agi_code *code, u32 j,
		     u64 set[AGI_CODE_SET_WORDS]);

/*
 * Coded row j of the row-major m x @n matrix @A: out[k] = sum over i in S_j
 * of A[i][k], exact (|out[k]| <= 2^39). Returns 0 or -EINVAL.
 */
int agi_code_encode_row(const struct agi_code *code, u32 j, const s32 *A,
			u32 n, s64 *out);

/* What a worker returns: sum of row[k] * x[k] for k < @n, in Z/2^128. */
struct agi_i128 agi_code_dot(const s64 *row, const s32 *x, u32 n);

/**
 * struct agi_code_gf2 - scratch for GF(2) rank computations
 *
 * A basis indexed by pivot (the lowest set bit of each basis row). 8 KiB:
 * callers allocate it (never on a kernel stack).
 */
struct agi_code_gf2 {
	u64 row[AGI_CODE_MAX_SOURCE_ROWS][AGI_CODE_SET_WORDS];
	u64 has_pivot[AGI_CODE_SET_WORDS];
	u32 rank;
	u32 words;
};

/* GF(2) rank of the coded rows @rows[0..@n_rows); out-of-range ones count 0. */
u32 agi_code_rank(const struct agi_code *code, const u16 *rows, u32 n_rows,
		  struct agi_code_gf2 *scratch);

/*
 * Whether the coded rows held by workers still decode after ANY @f of the
 * @n_workers workers are lost. @worker_of_row[j] (j < n_coded) is the worker
 * holding coded row j, or AGI_CODE_NO_WORKER. Checks all C(n_workers, f)
 * loss patterns; false when @n_workers > AGI_CODE_MAX_WORKERS or
 * @f > @n_workers.
 */
bool agi_code_tolerates(const struct agi_code *code, const u8 *worker_of_row,
			u32 n_workers, u32 f, struct agi_code_gf2 *scratch);

/**
 * struct agi_code_stats - what one cycle of a decoder did
 * @used: results accepted (valid, first of their row, before completion)
 * @duplicate: results for a row already received, ignored
 * @late: results received after completion, ignored
 * @kept: parity results that raised the rank and were kept for decoding
 * @systematic: z_i taken directly from a systematic result
 * @peeled: z_i solved by peeling (a row with one unknown left)
 * @eliminated: z_i solved by elimination with odd pivots
 */
struct agi_code_stats {
	u32 used;
	u32 duplicate;
	u32 late;
	u32 kept;
	u32 systematic;
	u32 peeled;
	u32 eliminated;
};

struct agi_code_decoder;

/* Bytes a decoder for @code needs; 0 when @code is invalid. */
size_t agi_code_decoder_size(const struct agi_code *code);

/*
 * Lays a decoder out in @mem (@size bytes, 8-byte aligned, at least
 * agi_code_decoder_size()) and resets it. Returns the decoder, or NULL when
 * @code is invalid or @size too small.
 */
struct agi_code_decoder *agi_code_decoder_init(void *mem, size_t size,
					       const struct agi_code *code);

/* Starts a new cycle: forgets every result. O(n_coded / 64), not O(m^2). */
void agi_code_decoder_reset(struct agi_code_decoder *dec);

/*
 * Feeds the result of coded row @j. Returns 1 when every z_i is known (now
 * or before), 0 when more results are needed, -EINVAL when @j is out of
 * range. A duplicate or late result is ignored and counted.
 */
int agi_code_decoder_add(struct agi_code_decoder *dec, u32 j,
			 struct agi_i128 value);

bool agi_code_decoder_done(const struct agi_code_decoder *dec);

/* z_i: 0, -EINVAL when @i >= m, -EAGAIN when decoding is not complete. */
int agi_code_decoder_get(const struct agi_code_decoder *dec, u32 i,
			 struct agi_i128 *z);

const struct agi_code_stats *
agi_code_decoder_stats(const struct agi_code_decoder *dec);

#endif /* AGISWARM_CORE_CODE_H */
