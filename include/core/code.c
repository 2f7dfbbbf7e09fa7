// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Coded computing: the random and the MDS codes, encoder, worker dot
 * product and GF(2) rank. code_decode.c holds the decoder that solves each
 * component of the code as soon as its rank is full. See code.h for the
 * contract and both codes' rules.
 */
#include "code_priv.h"

/* A worker's results fit one RESULT: a straggler's rows come all or none. */
static_assert(AGI_CODE_MAX_WORKER_ROWS <= AGISWARM_WIRE_VALUES_MAX,
	      "a worker's rows must fit one RESULT");

#define CODE_GOLDEN 0x9e3779b97f4a7c15ULL
/* Empty parity draws tolerated before S_j falls back to all rows. */
#define CODE_MAX_DRAWS 64

/* --- random dense code --------------------------------------------------- */

static u64 mix64(u64 z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static bool code_valid(const struct agi_code *code)
{
	return code->m >= 1 && code->m <= AGI_CODE_MAX_SOURCE_ROWS &&
	       code->n_coded >= code->m &&
	       code->n_coded <= AGI_CODE_MAX_CODED_ROWS;
}

int agi_code_init(struct agi_code *code, u32 m, u32 n_coded, u64 seed)
{
	struct agi_code c = { .m = m, .n_coded = n_coded, .seed = seed,
			      .kind = AGI_CODE_RANDOM };

	if (!code_valid(&c))
		return -EINVAL;
	*code = c;
	return 0;
}

/* One draw of ceil(m/64) words from row j's stream; returns |set|. */
static u32 code_draw(u32 m, u64 stream, u32 draw, u64 *set)
{
	u32 words = code_words(m), i, deg = 0;
	u64 w = (u64)draw * words;

	for (i = 0; i < words; i++, w++)
		set[i] = mix64(stream + (w + 1) * CODE_GOLDEN);
	if (m % 64)
		set[words - 1] &= (1ULL << (m % 64)) - 1;
	for (i = 0; i < words; i++)
		deg += popcount64(set[i]);
	return deg;
}

/* --- MDS assignment: binary images of a Cauchy matrix over GF(2^s) ------ */

#define MDS_MAX_FIELD_BITS 11	/* a last layer has < 2 * s <= 12 rows */

/* P_s: an irreducible polynomial of degree s over GF(2), bit u = x^u. */
static const u16 mds_poly[MDS_MAX_FIELD_BITS + 1] = {
	[1] = 0x3,	/* x + 1 */
	[2] = 0x7,	/* x^2 + x + 1 */
	[3] = 0xb,	/* x^3 + x + 1 */
	[4] = 0x13,	/* x^4 + x + 1 */
	[5] = 0x25,	/* x^5 + x^2 + 1 */
	[6] = 0x43,	/* x^6 + x + 1 */
	[7] = 0x83,	/* x^7 + x + 1 */
	[8] = 0x11d,	/* x^8 + x^4 + x^3 + x^2 + 1 */
	[9] = 0x211,	/* x^9 + x^4 + 1 */
	[10] = 0x409,	/* x^10 + x^3 + 1 */
	[11] = 0x805,	/* x^11 + x^2 + 1 */
};

/* a * x in GF(2^s). */
static u32 gf_mulx(u32 a, u32 s)
{
	a <<= 1;
	return (a >> s) & 1 ? a ^ mds_poly[s] : a;
}

/* Degree of a non-zero polynomial over GF(2). */
static int gf_degree(u32 a)
{
	int d = 0;

	while (a >>= 1)
		d++;
	return d;
}

/*
 * 1 / a for a != 0, by the extended Euclidean algorithm over GF(2)[x]:
 * g1 * a = u and g2 * a = v (mod P_s) hold throughout, and u ends at 1.
 */
static u32 gf_inv(u32 a, u32 s)
{
	u32 u = a, v = mds_poly[s], g1 = 1, g2 = 0, t;
	int j;

	while (u != 1) {
		j = gf_degree(u) - gf_degree(v);
		if (j < 0) {
			t = u;
			u = v;
			v = t;
			t = g1;
			g1 = g2;
			g2 = t;
			j = -j;
		}
		u ^= v << j;
		g1 ^= g2 << j;
	}
	return g1;
}

static u32 div_round_up(u32 a, u32 b)
{
	return (a + b - 1) / b;
}

/* s: the fewest bits that name W distinct field elements (at least 1). */
static u32 mds_field_bits(u32 workers)
{
	u32 s = 1;

	while ((1U << s) < workers)
		s++;
	return s;
}

static bool mds_within(u32 m, u32 f, u32 b)
{
	return b <= AGI_CODE_MAX_WORKER_ROWS &&
	       m + f * b <= AGI_CODE_MAX_CODED_ROWS;
}

/*
 * b for (m, W, f): ceil(m / K) rounded up to whole layers of s rows when
 * that fits the limits, else ceil(m / K) (the last layer is then longer).
 * Past the limits means (m, W, f) does not fit at all.
 */
static u32 mds_worker_rows(u32 m, u32 workers, u32 f)
{
	u32 q = div_round_up(m, workers - f), s = mds_field_bits(workers);
	u32 whole = s * div_round_up(q, s);

	return f && mds_within(m, f, whole) ? whole : q;
}

static bool mds_fits(u32 m, u32 workers, u32 f)
{
	return mds_within(m, f, mds_worker_rows(m, workers, f));
}

static bool mds_args_valid(u32 m, u32 workers)
{
	return m >= 1 && m <= AGI_CODE_MAX_SOURCE_ROWS && workers >= 1 &&
	       workers <= AGI_CODE_MAX_GROUP_WORKERS;
}

int agi_code_max_lost(u32 m, u32 workers)
{
	u32 f;

	if (!mds_args_valid(m, workers))
		return -EINVAL;
	if (!mds_fits(m, workers, 0))
		return -E2BIG;
	/* b and f * b grow with f: the first f that fails ends the run. */
	for (f = 1; f < workers && mds_fits(m, workers, f); f++)
		;
	return (int)f - 1;
}

int agi_code_init_mds(struct agi_code *code, u32 m, u32 workers, u32 f)
{
	struct agi_code c = { .m = m, .kind = AGI_CODE_MDS };
	u32 b;

	if (!mds_args_valid(m, workers) || f >= workers)
		return -EINVAL;
	if (!mds_fits(m, workers, f))
		return -E2BIG;
	b = mds_worker_rows(m, workers, f);
	c.n_coded = m + f * b;
	c.workers = workers;
	c.lost = f;
	c.worker_rows = b;
	*code = c;
	return 0;
}

/* Block @k's first source row and its length (m spread evenly over K). */
static u32 mds_block(const struct agi_code *code, u32 k, u32 *len)
{
	u32 K = code->workers - code->lost, base = code->m / K;
	u32 longer = code->m % K;

	*len = base + (k < longer);
	return k * base + (k < longer ? k : longer);
}

/*
 * The layer of the row at @offset of a block: its first offset in @first,
 * its size (and field degree) returned. Layers have s rows; the last one
 * has s + b % s.
 */
static u32 mds_layer(const struct agi_code *code, u32 offset, u32 *first)
{
	u32 b = code->worker_rows, s = mds_field_bits(code->workers);
	u32 last = (b / s - 1) * s;

	*first = offset < last ? offset / s * s : last;
	return offset < last ? s : s + b % s;
}

static int mds_row_set(const struct agi_code *code, u32 j, u64 *set)
{
	u32 b = code->worker_rows, K = code->workers - code->lost;
	u32 p = j - code->m, i = K + p / b, first, s, t;
	u32 k, u, c, len, start, deg = 0;

	s = mds_layer(code, p % b, &first);
	t = p % b - first;
	for (k = 0; k < K; k++) {
		start = mds_block(code, k, &len);
		/* Column u of "multiply by c" is c * x^u; we want row t. */
		c = gf_inv(i ^ k, s);
		for (u = 0; u < s; u++, c = gf_mulx(c, s)) {
			if (!((c >> t) & 1) || first + u >= len)
				continue;	/* 0, or padding */
			bit_set(set, start + first + u);
			deg++;
		}
	}
	return (int)deg;
}

int agi_code_row_set(const struct agi_code *code, u32 j,
		     u64 set[AGI_CODE_SET_WORDS])
{
	u32 m = code->m, draw, deg;
	u64 stream;

	if (j >= code->n_coded)
		return -EINVAL;
	memset(set, 0, AGI_CODE_SET_WORDS * sizeof(u64));
	if (j < m) {
		bit_set(set, j);
		return 1;
	}
	if (code->kind == AGI_CODE_MDS)
		return mds_row_set(code, j, set);
	stream = mix64(code->seed ^ mix64(j + CODE_GOLDEN));
	for (draw = 0; draw < CODE_MAX_DRAWS; draw++) {
		deg = code_draw(m, stream, draw, set);
		if (deg)
			return (int)deg;
	}
	/* 2^-64 for m = 1: keep the generator total and deterministic. */
	for (deg = 0; deg < m; deg++)
		bit_set(set, deg);
	return (int)m;
}

u32 agi_code_row_worker(const struct agi_code *code, u32 j)
{
	u32 K = code->workers - code->lost, base, longer;

	if (code->kind != AGI_CODE_MDS || j >= code->n_coded)
		return AGI_CODE_NO_WORKER;
	if (j >= code->m)
		return K + (j - code->m) / code->worker_rows;
	base = code->m / K;
	longer = code->m % K;
	/* The first @longer blocks hold base + 1 rows, the others base. */
	if (j < longer * (base + 1))
		return j / (base + 1);
	return longer + (j - longer * (base + 1)) / base;
}

u32 agi_code_worker_rows(const struct agi_code *code, u32 worker,
			 u16 rows[AGI_CODE_MAX_WORKER_ROWS])
{
	u32 b = code->worker_rows, K = code->workers - code->lost;
	u32 first, len, n;

	if (code->kind != AGI_CODE_MDS || worker >= code->workers)
		return 0;
	if (worker < K) {
		first = mds_block(code, worker, &len);
	} else {
		first = code->m + (worker - K) * b;
		len = b;
	}
	for (n = 0; n < len; n++)
		rows[n] = (u16)(first + n);
	return len;
}

int agi_code_encode_row(const struct agi_code *code, u32 j, const s32 *A,
			u32 n, s64 *out)
{
	u64 set[AGI_CODE_SET_WORDS];
	u32 i, k;

	if (n > AGI_CODE_MAX_COLS || agi_code_row_set(code, j, set) < 0)
		return -EINVAL;
	for (k = 0; k < n; k++)
		out[k] = 0;
	for (i = 0; i < code->m; i++) {
		const s32 *src = A + (size_t)i * n;

		if (!bit_test(set, i))
			continue;
		for (k = 0; k < n; k++)
			out[k] += src[k];
	}
	return 0;
}

struct agi_i128 agi_code_dot(const s64 *row, const s32 *x, u32 n)
{
	struct agi_i128 sum = { 0, 0 };
	u32 k;

	for (k = 0; k < n; k++)
		sum = agi_i128_add(sum, agi_i128_mul_s64(row[k], x[k]));
	return sum;
}

/* --- GF(2) rank ------------------------------------------------------------ */

static void gf2_reset(struct agi_code_gf2 *g, u32 words)
{
	memset(g->has_pivot, 0, sizeof(g->has_pivot));
	g->rank = 0;
	g->words = words;
}

static void gf2_insert(struct agi_code_gf2 *g, u64 *v, const u64 *ignore)
{
	struct gf2_basis b = { g->row, g->has_pivot, g->words };

	if (basis_insert(&b, v, ignore))
		g->rank++;
}

u32 agi_code_rank(const struct agi_code *code, const u16 *rows, u32 n_rows,
		  struct agi_code_gf2 *scratch)
{
	u64 v[AGI_CODE_SET_WORDS];
	u32 r;

	gf2_reset(scratch, code_words(code->m));
	for (r = 0; r < n_rows && scratch->rank < code->m; r++)
		if (agi_code_row_set(code, rows[r], v) > 0)
			gf2_insert(scratch, v, NULL);
	return scratch->rank;
}

/* Whether the rows of the workers not in @lost have rank m. */
static bool code_survivors_decode(const struct agi_code *code,
				  const u8 *worker_of_row, u32 n_workers,
				  u32 lost, struct agi_code_gf2 *g)
{
	u64 known[AGI_CODE_SET_WORDS] = { 0 };
	u64 v[AGI_CODE_SET_WORDS];
	u32 j, n_known = 0;

	for (j = 0; j < code->m; j++) {
		if (worker_of_row[j] >= n_workers || (lost >> worker_of_row[j]) & 1)
			continue;
		bit_set(known, j);
		n_known++;
	}
	gf2_reset(g, code_words(code->m));
	for (j = code->m; j < code->n_coded && n_known + g->rank < code->m; j++) {
		if (worker_of_row[j] >= n_workers || (lost >> worker_of_row[j]) & 1)
			continue;
		agi_code_row_set(code, j, v);
		gf2_insert(g, v, known);
	}
	return n_known + g->rank == code->m;
}

bool agi_code_tolerates(const struct agi_code *code, const u8 *worker_of_row,
			u32 n_workers, u32 f, struct agi_code_gf2 *scratch)
{
	u32 lost;

	if (n_workers > AGI_CODE_MAX_WORKERS || f > n_workers)
		return false;
	/* Losing fewer workers keeps a superset of rows: only |lost| = f. */
	for (lost = 0; lost < (1U << n_workers); lost++) {
		if (popcount64(lost) != f)
			continue;
		if (!code_survivors_decode(code, worker_of_row, n_workers, lost,
					   scratch))
			return false;
	}
	return true;
}

/* --- the code's shape, for the decoder ---------------------------------- */

bool agi_code_consistent(const struct agi_code *code)
{
	u32 m = code->m, w = code->workers, f = code->lost;

	if (!code_valid(code))
		return false;
	if (code->kind == AGI_CODE_RANDOM)
		return true;
	return code->kind == AGI_CODE_MDS && mds_args_valid(m, w) && f < w &&
	       mds_fits(m, w, f) &&
	       code->worker_rows == mds_worker_rows(m, w, f) &&
	       code->n_coded == m + f * code->worker_rows;
}

/*
 * The most unknowns one solve can have, which also bounds the kept rows of
 * one component: a solve of k unknowns has rank k from kept parity rows.
 * An MDS component is a layer of s rows: at most min(f, K) * s unknowns
 * (its size is K * s, and the f parity workers hold s rows each of it).
 */
u32 agi_code_max_unknowns(const struct agi_code *code)
{
	u32 K = code->workers - code->lost, most, first;

	if (code->kind != AGI_CODE_MDS)
		most = code->n_coded - code->m;
	else if (!code->lost)
		most = 1;	/* no parity: nothing is ever solved */
	else	/* the last layer is the longest */
		most = (code->lost < K ? code->lost : K) *
		       mds_layer(code, code->worker_rows - 1, &first);
	if (!most)
		most = 1;
	return most < code->m ? most : code->m;
}
