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
 * DOC: MDS assignment (what every aggregator decoding the same cycle uses)
 *
 * Parameters: m source rows, W workers (1..AGI_CODE_MAX_GROUP_WORKERS), f
 * workers that may be lost (0..W-1); K = W - f, q = ceil(m / K).
 *
 *  - Blocks: the source rows, in order, are cut into K blocks, the first
 *    m % K of them floor(m / K) + 1 rows long, the others floor(m / K).
 *    Worker i < K holds block i: coded row j < m is source row j
 *    (systematic), and its worker is the block holding row j. With m < K
 *    some blocks, and so some workers, are empty.
 *  - f = 0: that is all; b = q.
 *  - f >= 1: s = the smallest s >= 1 with 2^s >= W. b = s * ceil(q / s)
 *    when that fits the limits below, else b = q (always >= s then). Each
 *    parity worker i >= K holds coded rows m + (i - K) * b + o, o < b.
 *  - Layers: offsets 0..b-1 of a block are cut into b / s (integer
 *    division) layers; layer l < b / s - 1 is offsets l*s .. l*s + s - 1,
 *    the last one takes the rest (s + b % s offsets). A block's offsets at
 *    or past its length are padding: zero, never sent, never unknown.
 *  - With o at row t of a layer that starts at offset p and has z rows,
 *        S_j = { start_k + p + u :  k < K, u < z, p + u < len_k,
 *                                   bit t of (c_ik * x^u) is 1 },
 *        c_ik = 1 / (i + k) in GF(2^z),
 *    start_k and len_k block k's first row and length, i and k read as
 *    field elements (bit patterns; + is xor, i != k as i >= K > k). GF(2^z)
 *    is GF(2)[x] / P_z, elements as polynomials in x (bit u is the
 *    coefficient of x^u). So row t over u is row t of the z x z GF(2)
 *    matrix of "multiply by c_ik", and mod 2 the z rows worker i holds in
 *    a layer are c_i0 d_0 + ... + c_i(K-1) d_(K-1), d_k the layer's rows of
 *    block k read as one element of GF(2^z).
 *  - P_1 .. P_11 as bit masks: 0x3, 0x7, 0xb, 0x13, 0x25, 0x43, 0x83,
 *    0x11d, 0x211, 0x409, 0x805 (x + 1, x^2 + x + 1, x^3 + x + 1, ...).
 *  - n_coded = m + f * b. Limits: b <= AGI_CODE_MAX_WORKER_ROWS,
 *    n_coded <= AGI_CODE_MAX_CODED_ROWS. Both grow with f, so the largest
 *    f is the last one within them (agi_code_max_lost()); as b = q when
 *    the rounding does not fit, that is the largest f for which q rows per
 *    worker and m + f * q coded rows fit. Any assignment needs nearly as
 *    much: any K workers hold m rows, so some worker holds q, and all of
 *    them together at least m * W / K (m + f * q is less than f more).
 *
 * Why any K workers decode (the guarantee). Fix a layer of z rows. Its K
 * unknown symbols d_k are elements of GF(2^z), and worker i holds the
 * symbol G_i . d mod 2, G = [I_K ; C] (W x K), C[i-K][k] = 1 / (x_i + y_k)
 * with the W distinct field elements x_i = i, y_k = k (W <= 2^s <= 2^z):
 * C is a Cauchy matrix. Every square submatrix of a Cauchy matrix is
 * invertible (its determinant is prod (x_i - x_i')(y_k' - y_k) /
 * prod (x_i + y_k), never 0), so every K x K submatrix of G is: its rows
 * from I fix some symbols, and what is left is a square submatrix of C.
 * Replacing each field element by its z x z matrix over GF(2) is an
 * injective ring homomorphism, so the (K z) x (K z) 0/1 matrix of any K
 * workers' rows of that layer is invertible over GF(2). Layers use
 * disjoint rows, so any K workers' rows have GF(2) rank K * b over the
 * padded rows, hence rank m over the real ones (dropping the columns of
 * the known zero padding keeps full column rank): odd determinant, exact
 * decode over Z/2^128. No search and no check is needed; the native tests
 * still check every loss pattern for W <= 10 against an independent rank.
 *
 * Why this shape. Rows per worker: a systematic worker holds at most q, the
 * least any assignment can give (any K workers hold m independent rows),
 * and a parity worker q or up to s - 1 more (s <= 4 up to 16 workers),
 * because whole layers of s rows make decoding cheap: a parity row touches
 * only its layer, so the decoder solves b / s independent systems of at
 * most min(f, K) * s unknowns instead of one of up to m, and all layers
 * but the last have the same system when whole RESULTs arrive, so one
 * factorisation serves them all ("DOC: Decoder"). When the rounding does
 * not fit, rows win over decode time (b = q): the largest f stays the
 * largest the rows allow. The systematic part makes the common cycle free:
 * when the K systematic workers answer, every z_i is copied. More rows
 * per worker buy nothing for a fixed f: they only help as a larger f
 * (fewer workers needed), which the caller asks for directly. A RESULT
 * carries all of a worker's rows (b <= AGISWARM_WIRE_VALUES_MAX), so a
 * straggler is all or nothing; should rows of one arrive without the
 * others, every layer still decodes as soon as it has the rank.
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
 * and every parity row involves every unknown: one system of up to
 * n_coded - m unknowns.
 *
 * DOC: Decoder
 *
 * The source rows fall into independent groups, "components": the
 * connected pieces of the parity rows' supports, found once by
 * agi_code_decoder_init() (an MDS code's layers; a random code's whole
 * matrix). Per result, add() does bounded work:
 *
 *  - a systematic row stores z_j and projects column j out of its
 *    component's GF(2) basis;
 *  - a parity row is kept if it raises its component's GF(2) rank, the
 *    known columns projected out (bitsets in the component's own columns,
 *    one 64-bit word for a component of up to 64 rows);
 *  - when that makes a component's rank full, the add() solves that
 *    component, and only it: it subtracts the known z from the kept rows,
 *    peels rows left with one unknown, and eliminates the k unknowns left
 *    with odd pivots. An LU factorisation mod 2^64 (k^3 / 3 multiply-adds)
 *    solves for z mod 2^64, and the same factors solve for the high 64
 *    bits from the exact residual (2 k^2 each). The rows go to the
 *    factorisation sorted by coded row, so identical systems give
 *    identical input, and the decoder keeps its last few factorisations
 *    (CODE_LU_KEPT in code_decode.c, across cycles): the layers of an MDS code,
 *    and cycles that lose the same workers again, reuse them
 *    (stats.factored counts the new ones).
 *
 * Nothing of a component is output before its rank is full, so a wrong z
 * is never produced; z is readable once every component is solved. An MDS
 * solve has k <= min(f, K) * s unknowns (the last layer's s + b % s when
 * b = q), so the work of a cycle is spread over the adds that complete the
 * layers, and is zero when the systematic rows arrive. README.md ("Coded
 * computing") gives the measured worst cases; selftests/bench/bench_code.c
 * measures them.
 *
 * DOC: Cross-check
 *
 * The code is exact, so a result the decoder did not need can be checked:
 * coded row j must equal the sum over S_j of the decoded z, in Z/2^128
 * (a systematic row: z_j itself). add() checks every result that comes
 * once the source rows of S_j are all known: a late one (after
 * completion) and a redundant one (its component solved first); a parity
 * row dropped for adding no rank before its component was solved, and a
 * duplicate, are not checked. A check is O(|S_j|) additions (at most m;
 * an MDS parity row touches only its layer's K * s columns), done once
 * per such result. stats.checked counts them, stats.inconsistent the
 * ones that disagree.
 *
 * What it can tell: that the results received disagree. Which one is
 * wrong it cannot, from one extra result: when a wrong result was among
 * those the decoder used, z is wrong (and was already output) and an
 * honest extra result is the one that disagrees. Only results that arrive
 * are checked: with no extra result (exactly K workers answered, or f = 0)
 * nothing is checked and a wrong result goes undetected.
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
 * @worker_rows: b of an MDS code: the rows of a parity worker (a
 *	systematic one holds its block, at most that many)
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
 * whose block is empty (m < K), a worker out of range or a random code).
 */
u32 agi_code_worker_rows(const struct agi_code *code, u32 worker,
			 u16 rows[AGI_CODE_MAX_WORKER_ROWS]);

/*
 * S_j as a bitset of source rows (bit i of word i / 64). Words past
 * ceil(m / 64) are zeroed. Returns |S_j| (0 only for an MDS parity row over
 * padding alone, possible when blocks are shorter than s), or -EINVAL for
 * j >= n_coded.
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
 * @f > @n_workers. An MDS code needs no check: it holds for every f up to
 * code->lost by construction (the tests confirm it with this function).
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
 * @checked: results checked against the decoded z ("DOC: Cross-check")
 * @inconsistent: of them, those that disagreed
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
	u32 checked;
	u32 inconsistent;
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
 * range. A duplicate, late or redundant result is not used and is counted;
 * a late or redundant one is also cross-checked ("DOC: Cross-check").
 * Bounded work: see "DOC: Decoder".
 */
int agi_code_decoder_add(struct agi_code_decoder *dec, u32 j,
			 struct agi_i128 value);

bool agi_code_decoder_done(const struct agi_code_decoder *dec);

/*
 * Whether @value is what coded row @j must be given the z decoded so far:
 * 1 consistent, 0 inconsistent (both counted in the stats), -EAGAIN when
 * a source row of S_j is not decoded yet (nothing counted), -EINVAL when
 * @j is out of range. O(|S_j|) <= O(m) 128-bit additions, no allocation.
 */
int agi_code_decoder_check(struct agi_code_decoder *dec, u32 j,
			   struct agi_i128 value);

/* z_i: 0, -EINVAL when @i >= m, -EAGAIN when decoding is not complete. */
int agi_code_decoder_get(const struct agi_code_decoder *dec, u32 i,
			 struct agi_i128 *z);

const struct agi_code_stats *
agi_code_decoder_stats(const struct agi_code_decoder *dec);

#endif /* AGISWARM_CORE_CODE_H */
