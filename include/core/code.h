/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Coded computing: encoding rows of A, the workers' dot products, and the
 * aggregator's exact decoder.
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
 * Two codes share that decoder. An MDS assignment (agi_code_init_mds())
 * is what an aggregator should use: it survives the loss of any f of W
 * workers by construction. A random dense code (agi_code_init()) survives
 * losses only with high probability and needs a seed search checked with
 * agi_code_tolerates(); it stays for callers that want it.
 *
 * DOC: MDS assignment (what both ends of a shadowed decode must agree on)
 *
 * Parameters: m source rows, W workers (1..AGI_CODE_MAX_GROUP_WORKERS), f
 * workers that may be lost (0..W-1); K = W - f.
 *
 *  - s0 = the smallest s with 2^s >= W (0 when f = 0: no parity).
 *  - b = max(ceil(m / K), s0) rows per worker. Source row k*b + o (k < K,
 *    o < b) is row o of block k; rows at or past m are padding (zero, never
 *    sent, never unknown).
 *  - Each block is cut into L = b / s0 layers (integer division) of
 *    consecutive rows, the first b % L of them ceil(b / L) rows long, the
 *    others floor(b / L): every layer has s rows, s0 <= s < 2 * s0 (so
 *    s <= 11), and layer l starts at the same offset in every block.
 *  - Coded row j < m is source row j (systematic); worker i < K holds rows
 *    i*b .. min((i+1)*b, m) - 1 (possibly none when m is small).
 *  - Worker i >= K (parity) holds coded rows m + (i-K)*b + o, o < b. With o
 *    at row t of layer l (start p, s rows), S_j is
 *        { k*b + p + u < m :  k < K, u < s, bit t of (c_ik * x^u) is 1 },
 *        c_ik = 1 / (i + k) in GF(2^s)
 *    with i and k read as field elements (bit patterns; + is xor, and
 *    i != k since i >= K > k), GF(2^s) = GF(2)[x] / P_s, elements as
 *    polynomials in x (bit u is the coefficient of x^u), P_s the
 *    irreducible polynomial of degree s below. Row t over u is
 *    row t of the s x s GF(2) matrix of "multiply by c_ik", so mod 2 the
 *    s rows a parity worker holds in layer l are c_i0 d_0 + ... +
 *    c_i(K-1) d_(K-1), d_k the layer's s rows of block k read as one
 *    element of GF(2^s).
 *  - P_1 .. P_11 as bit masks: 0x3, 0x7, 0xb, 0x13, 0x25, 0x43, 0x83,
 *    0x11d, 0x211, 0x409, 0x805 (x + 1, x^2 + x + 1, x^3 + x + 1, ...).
 *  - n_coded = m + f * b. Limits: b <= AGI_CODE_MAX_WORKER_ROWS,
 *    n_coded <= AGI_CODE_MAX_CODED_ROWS; agi_code_max_lost() gives the
 *    largest f within them.
 *
 * Why any K workers decode (the guarantee). Fix a layer of s rows. Its K
 * unknown symbols d_k are elements of GF(2^s), and worker i holds the
 * symbol G_i . d mod 2, G = [I_K ; C] (W x K), C[i-K][k] = 1 / (x_i + y_k)
 * with the W distinct field elements x_i = i, y_k = k (W <= 2^s):
 * C is a Cauchy matrix. Every square submatrix of a Cauchy matrix is
 * invertible (its determinant is prod (x_i - x_i')(y_k' - y_k) /
 * prod (x_i + y_k), never 0), so every K x K submatrix of G is: its rows
 * from I fix some symbols, and what is left is a square submatrix of C.
 * Replacing each field element by its s x s matrix over GF(2) is an
 * injective ring homomorphism, so the (K s) x (K s) 0/1 matrix of any K
 * workers' rows of that layer is invertible over GF(2). Layers use
 * disjoint rows, so any K workers' rows have GF(2) rank K * b over the
 * padded rows, hence rank m over the real ones (dropping the columns of
 * the known zero padding keeps full column rank): odd determinant, exact
 * decode over Z/2^128. No search and no check is needed; the native tests
 * still check every loss pattern for W <= 10 against an independent rank.
 *
 * Why this shape. Any K workers must hold m independent rows, so b >=
 * ceil(m / K): the construction meets that bound unless s0 forces more (m <
 * K * s0: tiny matrices). The systematic part makes the common cycle
 * free: when the K systematic workers answer, every z_i is copied. The
 * layers keep decoding cheap: a parity row touches only its layer, so the
 * decoder solves L independent systems of at most min(f, K) * s unknowns
 * instead of one of up to m (see "DOC: Decoder"). More rows per worker than
 * ceil(m / K) buy nothing for a fixed f: they only help as a larger f
 * (fewer workers needed), which the caller asks for directly. A straggler
 * that delivered part of its rows still helps: every layer decodes as
 * soon as it has enough rank, whichever workers the rows came from.
 *
 * DOC: Random dense code (agi_code_init())
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
 * m + r uniformly random GF(2) rows over m unknowns need m plus about 1.6
 * results on average, whatever mix of systematic and parity rows arrives,
 * but no assignment of them to workers is guaranteed to survive a loss,
 * and every parity row involves every unknown: one system of up to m
 * unknowns (milliseconds for m = 256).
 *
 * DOC: Decoder
 *
 * The source rows fall into independent groups ("components": the
 * connected pieces of the parity rows' supports, computed once by
 * agi_code_decoder_init(); an MDS code's layers, a dense code's whole
 * matrix). add() keeps, per result: a systematic row stores z_j; a parity
 * row is kept if it raises the GF(2) rank of what was received (tracked on
 * bitsets, with the known columns projected out). When a component's rank
 * becomes full, that add() solves the component, and only it: it subtracts
 * the known z from the component's kept rows, peels rows left with one
 * unknown, and eliminates what remains with odd pivots: an LU
 * factorisation mod 2^64 solves for z mod 2^64, and the same factors solve
 * for the high 64 bits from the exact residual. Nothing of a component is
 * output before its rank is full, so a wrong z is never produced; z is
 * readable once every component is solved.
 *
 * Work per add(): the GF(2) update (at most rank x ceil(m/64) word xors)
 * plus at most one component solve: for k unknowns left, k^3 / 3
 * multiply-adds mod 2^64 plus O(k^2 + the component's kept entries). An
 * MDS code's component is a layer (k <= min(f, K) * s <= 11 * min(f, K)),
 * so the work of a cycle is spread over the adds that complete the
 * layers, is the same in every arrival order, and is zero when the
 * systematic rows arrive. README.md ("Coded computing") gives the measured
 * worst cases; selftests/bench/bench_code.c measures them.
 */
#ifndef AGISWARM_CORE_CODE_H
#define AGISWARM_CORE_CODE_H

#include "compat.h"
#include "wide.h"
#include "../uapi/linux/agiswarm.h"

#define AGI_CODE_MAX_SOURCE_ROWS 256	/* m */
#define AGI_CODE_MAX_COLS 256		/* n */
#define AGI_CODE_MAX_CODED_ROWS 1024	/* n_coded, systematic included */
#define AGI_CODE_MAX_WORKERS 16		/* for agi_code_tolerates() */
#define AGI_CODE_MAX_GROUP_WORKERS 64	/* W of an MDS assignment */
#define AGI_CODE_MAX_WORKER_ROWS AGISWARM_WIRE_ROWS_MAX	/* b */
#define AGI_CODE_SET_WORDS (AGI_CODE_MAX_SOURCE_ROWS / 64)
#define AGI_CODE_NO_WORKER 0xff		/* a coded row nobody holds */

enum agi_code_kind {
	AGI_CODE_RANDOM,	/* agi_code_init(): seeded dense parity */
	AGI_CODE_MDS,		/* agi_code_init_mds(): any K of W decode */
};

/**
 * struct agi_code - the parameters both ends agree on
 * @m: source rows, 1..AGI_CODE_MAX_SOURCE_ROWS
 * @n_coded: coded rows, m..AGI_CODE_MAX_CODED_ROWS; rows m.. are parity
 * @seed: the code seed of a random code (0 for an MDS one)
 * @kind: enum agi_code_kind
 * @workers: W of an MDS code (0 for a random one)
 * @lost: f of an MDS code, the workers it may lose
 * @worker_rows: b of an MDS code, the rows of a full worker
 */
struct agi_code {
	u32 m;
	u32 n_coded;
	u64 seed;
	u8 kind;
	u8 workers;
	u8 lost;
	u8 worker_rows;
};

/*
 * A random dense code. Returns 0, or -EINVAL when @m or @n_coded is out of
 * the limits above.
 */
int agi_code_init(struct agi_code *code, u32 m, u32 n_coded, u64 seed);

/*
 * The largest f for which agi_code_init_mds(m, @workers, f) fits the limits
 * (rows per worker, coded rows), 0..@workers-1; -E2BIG when not even f = 0
 * fits (more than AGI_CODE_MAX_WORKER_ROWS rows per worker), -EINVAL when
 * @m or @workers is out of range. O(W), no allocation.
 */
int agi_code_max_lost(u32 m, u32 workers);

/*
 * The MDS assignment of @m source rows to @workers workers that decodes
 * from the rows of any @workers - @f of them ("DOC: MDS assignment").
 * Returns 0; -EINVAL when @m or @workers is out of range or @f >= @workers;
 * -E2BIG when @f > agi_code_max_lost(@m, @workers) (the rows do not fit).
 * O(1): compositions are computed on demand.
 */
int agi_code_init_mds(struct agi_code *code, u32 m, u32 workers, u32 f);

/*
 * The worker of an MDS code that holds coded row @j (0..W-1), or
 * AGI_CODE_NO_WORKER for @j >= n_coded or a random code.
 */
u32 agi_code_row_worker(const struct agi_code *code, u32 j);

/*
 * The coded rows @worker of an MDS code holds, ascending, into @rows.
 * Returns how many (0..AGI_CODE_MAX_WORKER_ROWS; 0 for a systematic worker
 * whose block is all padding, a worker out of range or a random code).
 */
u32 agi_code_worker_rows(const struct agi_code *code, u32 worker,
			 u16 rows[AGI_CODE_MAX_WORKER_ROWS]);

/*
 * S_j as a bitset of source rows (bit i of word i / 64). Words past
 * ceil(m / 64) are zeroed. Returns |S_j| (0 only for an MDS parity row over
 * padding alone, possible when m < K * s0), or -EINVAL for j >= n_coded.
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
 * @redundant: results whose source rows were all decoded already (their
 *	component finished first), ignored
 * @systematic: z_i taken directly from a systematic result
 * @peeled: z_i solved by peeling (a row with one unknown left)
 * @eliminated: z_i solved by elimination with odd pivots
 * @factored: eliminations that had to factorise their system; the others
 *	reused the factors of an identical system (another layer of an MDS
 *	code, or a recent cycle that lost the same workers)
 */
struct agi_code_stats {
	u32 used;
	u32 duplicate;
	u32 late;
	u32 redundant;
	u32 kept;
	u32 systematic;
	u32 peeled;
	u32 eliminated;
	u32 factored;
};

struct agi_code_decoder;

/* Bytes a decoder for @code needs; 0 when @code is invalid. */
size_t agi_code_decoder_size(const struct agi_code *code);

/*
 * Lays a decoder out in @mem (@size bytes, 8-byte aligned, at least
 * agi_code_decoder_size()) and resets it. Computes every parity row's
 * composition and the components once (process context: hundreds of
 * microseconds for m = 256). Returns the decoder, or NULL when @code is
 * invalid or @size too small.
 */
struct agi_code_decoder *agi_code_decoder_init(void *mem, size_t size,
					       const struct agi_code *code);

/*
 * Starts a new cycle: forgets every result. O(n_coded / 64 + components),
 * not O(m^2).
 */
void agi_code_decoder_reset(struct agi_code_decoder *dec);

/*
 * Feeds the result of coded row @j. Returns 1 when every z_i is known (now
 * or before), 0 when more results are needed, -EINVAL when @j is out of
 * range. A duplicate, late or redundant result is ignored and counted.
 * Bounded work: see "DOC: Decoder".
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
