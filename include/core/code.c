// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Coded computing: generator, encoder, worker dot product, GF(2) rank and
 * the incremental decoder. See code.h for the contract and the generator.
 */
#include "code.h"

#define CODE_GOLDEN 0x9e3779b97f4a7c15ULL
/* Empty parity draws tolerated before S_j falls back to all rows. */
#define CODE_MAX_DRAWS 64

struct code_pending {
	u64 set[AGI_CODE_SET_WORDS];	/* S_j */
	u64 left[AGI_CODE_SET_WORDS];	/* its unknowns, during decode */
	struct agi_i128 value;		/* the worker's result */
	u16 j;
	u16 degree;			/* |left| */
};

/**
 * struct agi_code_decoder - decoder state, laid out in caller memory
 * @code: the code it decodes
 * @words: bitset words in use, ceil(m / 64)
 * @n_known: columns whose z is known
 * @n_pending: parity rows kept in @pending
 * @done: every z_i is known
 * @stats: this cycle's counters
 * @received: coded rows received this cycle
 * @known: columns whose z is known
 * @gf2: basis of the kept parity rows in the quotient by the known columns
 *	(their bits are ignored, not cleared); rank(received) = n_known +
 *	gf2.rank until the decode runs
 * @z: [m] decoded values (valid for known columns)
 * @pending: [m] kept parity rows, in arrival order
 * @lu: [m * m] LU factors mod 2^64 of the elimination, k x k in use
 * @inv: [m] inverse of each pivot mod 2^64
 * @x: [m] right-hand side and solution of one triangular solve
 * @col_of: [m] column of each eliminated position
 * @pos_of: [m] eliminated position of each column
 * @row_of: [m] pending row of each pivot
 * @queue: [m] rows waiting to be peeled
 */
struct agi_code_decoder {
	struct agi_code code;
	u32 words;
	u32 n_known;
	u32 n_pending;
	bool done;
	struct agi_code_stats stats;
	u64 received[AGI_CODE_MAX_CODED_ROWS / 64];
	u64 known[AGI_CODE_SET_WORDS];
	struct agi_code_gf2 gf2;
	struct agi_i128 *z;
	struct code_pending *pending;
	u64 *lu;
	u64 *inv;
	u64 *x;
	u16 *col_of;
	u16 *pos_of;
	u16 *row_of;
	u16 *queue;
};

/* --- bit helpers: the core may not rely on libgcc helpers in the kernel --- */

static u32 popcount64(u64 v)
{
	v = v - ((v >> 1) & 0x5555555555555555ULL);
	v = (v & 0x3333333333333333ULL) + ((v >> 2) & 0x3333333333333333ULL);
	v = (v + (v >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (u32)((v * 0x0101010101010101ULL) >> 56);
}

/* Index of the lowest set bit of a non-zero word. */
static u32 ctz64(u64 v)
{
#ifdef __KERNEL__
	return __ffs64(v);
#else
	return (u32)__builtin_ctzll(v);
#endif
}

static bool bit_test(const u64 *set, u32 i)
{
	return (set[i / 64] >> (i % 64)) & 1;
}

static void bit_set(u64 *set, u32 i)
{
	set[i / 64] |= 1ULL << (i % 64);
}

static void bit_clear(u64 *set, u32 i)
{
	set[i / 64] &= ~(1ULL << (i % 64));
}

/* Lowest set bit of @set outside @ignore (may be NULL), or -1. */
static int bit_lowest(const u64 *set, const u64 *ignore, u32 words)
{
	u32 w;
	u64 v;

	for (w = 0; w < words; w++) {
		v = ignore ? set[w] & ~ignore[w] : set[w];
		if (v)
			return (int)(w * 64 + ctz64(v));
	}
	return -1;
}

/* --- generator --------------------------------------------------------- */

static u64 mix64(u64 z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static u32 code_words(u32 m)
{
	return (m + 63) / 64;
}

int agi_code_init(struct agi_code *code, u32 m, u32 n_coded, u64 seed)
{
	if (m < 1 || m > AGI_CODE_MAX_SOURCE_ROWS || n_coded < m ||
	    n_coded > AGI_CODE_MAX_CODED_ROWS)
		return -EINVAL;
	code->m = m;
	code->n_coded = n_coded;
	code->seed = seed;
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

/* --- GF(2) rank ---------------------------------------------------------- */

static void gf2_reset(struct agi_code_gf2 *g, u32 words)
{
	memset(g->has_pivot, 0, sizeof(g->has_pivot));
	g->rank = 0;
	g->words = words;
}

/*
 * Adds @v (clobbered) to the basis of the quotient by the columns in
 * @ignore (may be NULL); true when the rank grew. Invariant: row[p] has bit
 * p and no bit below p outside @ignore.
 */
static bool gf2_insert(struct agi_code_gf2 *g, u64 *v, const u64 *ignore)
{
	u32 w;
	int c;

	while ((c = bit_lowest(v, ignore, g->words)) >= 0) {
		if (!bit_test(g->has_pivot, c)) {
			memcpy(g->row[c], v, g->words * sizeof(u64));
			bit_set(g->has_pivot, c);
			g->rank++;
			return true;
		}
		/* Clears bit c and sets nothing below it outside @ignore. */
		for (w = 0; w < g->words; w++)
			v[w] ^= g->row[c][w];
	}
	return false;
}

/*
 * Column @c was just added to @ignore: quotient the basis by e_c. Every
 * other row keeps its pivot; the one pivoted at @c is inserted again (and
 * the rank drops when it was e_c plus a combination of the others).
 */
static void gf2_project_out(struct agi_code_gf2 *g, u32 c, const u64 *ignore)
{
	u64 v[AGI_CODE_SET_WORDS];

	if (!bit_test(g->has_pivot, c))
		return;
	memcpy(v, g->row[c], g->words * sizeof(u64));
	bit_clear(g->has_pivot, c);
	g->rank--;
	gf2_insert(g, v, ignore);
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

/* --- decoder: memory and bookkeeping ------------------------------------- */

static size_t align8(size_t v)
{
	return (v + 7) & ~(size_t)7;
}

size_t agi_code_decoder_size(const struct agi_code *code)
{
	size_t m = code->m;

	if (m < 1 || m > AGI_CODE_MAX_SOURCE_ROWS || code->n_coded < m ||
	    code->n_coded > AGI_CODE_MAX_CODED_ROWS)
		return 0;
	return align8(sizeof(struct agi_code_decoder)) +
	       m * sizeof(struct agi_i128) + m * sizeof(struct code_pending) +
	       m * m * sizeof(u64) + 2 * m * sizeof(u64) +
	       align8(4 * m * sizeof(u16));
}

struct agi_code_decoder *agi_code_decoder_init(void *mem, size_t size,
					       const struct agi_code *code)
{
	struct agi_code_decoder *dec = mem;
	size_t need = agi_code_decoder_size(code), m = code->m;
	u8 *p = mem;

	if (!need || size < need || ((unsigned long)mem & 7))
		return NULL;
	dec->code = *code;
	dec->words = code_words(code->m);
	p += align8(sizeof(*dec));
	dec->z = (struct agi_i128 *)p;
	p += m * sizeof(struct agi_i128);
	dec->pending = (struct code_pending *)p;
	p += m * sizeof(struct code_pending);
	dec->lu = (u64 *)p;
	p += m * m * sizeof(u64);
	dec->inv = (u64 *)p;
	p += m * sizeof(u64);
	dec->x = (u64 *)p;
	p += m * sizeof(u64);
	dec->col_of = (u16 *)p;
	dec->pos_of = dec->col_of + m;
	dec->row_of = dec->pos_of + m;
	dec->queue = dec->row_of + m;
	agi_code_decoder_reset(dec);
	return dec;
}

void agi_code_decoder_reset(struct agi_code_decoder *dec)
{
	memset(dec->received, 0, (dec->code.n_coded + 63) / 64 * sizeof(u64));
	memset(dec->known, 0, sizeof(dec->known));
	memset(&dec->stats, 0, sizeof(dec->stats));
	gf2_reset(&dec->gf2, dec->words);
	dec->n_known = 0;
	dec->n_pending = 0;
	dec->done = false;
}

bool agi_code_decoder_done(const struct agi_code_decoder *dec)
{
	return dec->done;
}

int agi_code_decoder_get(const struct agi_code_decoder *dec, u32 i,
			 struct agi_i128 *z)
{
	if (i >= dec->code.m)
		return -EINVAL;
	if (!dec->done)
		return -EAGAIN;
	*z = dec->z[i];
	return 0;
}

const struct agi_code_stats *
agi_code_decoder_stats(const struct agi_code_decoder *dec)
{
	return &dec->stats;
}

static void code_learn(struct agi_code_decoder *dec, u32 c,
		       struct agi_i128 value)
{
	dec->z[c] = value;
	bit_set(dec->known, c);
	dec->n_known++;
}

/* --- decoder: the one-off solve once the rank is full ------------------ */

/* The unknowns of every kept row; queue the rows with one unknown. */
static u32 code_find_unknowns(struct agi_code_decoder *dec)
{
	u32 r, w, tail = 0;

	for (r = 0; r < dec->n_pending; r++) {
		struct code_pending *p = &dec->pending[r];

		p->degree = 0;
		for (w = 0; w < dec->words; w++) {
			p->left[w] = p->set[w] & ~dec->known[w];
			p->degree += popcount64(p->left[w]);
		}
		if (p->degree == 1)
			dec->queue[tail++] = r;
	}
	return tail;
}

/*
 * The result of @p minus the z of its known source rows. Only the rows a
 * decode uses pay for this, not every kept row.
 */
static struct agi_i128 code_residual(const struct agi_code_decoder *dec,
				     const struct code_pending *p)
{
	struct agi_i128 sum = { 0, 0 };
	u32 w;

	for (w = 0; w < dec->words; w++) {
		const struct agi_i128 *zw = dec->z + w * 64;
		u64 bits = p->set[w] & dec->known[w];

		while (bits) {
			const struct agi_i128 *zc = zw + ctz64(bits);

			bits &= bits - 1;
			sum.lo += zc->lo;
			sum.hi += zc->hi + (sum.lo < zc->lo);
		}
	}
	return agi_i128_sub(p->value, sum);
}

/* A row with one unknown left determines it; propagate to the others. */
static void code_peel(struct agi_code_decoder *dec, u32 tail)
{
	u32 head = 0, r, c;

	while (head < tail) {
		struct code_pending *p = &dec->pending[dec->queue[head++]];

		if (p->degree != 1)
			continue;	/* its unknown was peeled meanwhile */
		c = (u32)bit_lowest(p->left, NULL, dec->words);
		code_learn(dec, c, code_residual(dec, p));
		dec->stats.peeled++;
		for (r = 0; r < dec->n_pending; r++) {
			struct code_pending *q = &dec->pending[r];

			if (!bit_test(q->left, c))
				continue;
			bit_clear(q->left, c);
			if (--q->degree == 1)
				dec->queue[tail++] = r;
		}
	}
}

/* Inverse of an odd @a mod 2^64 (Newton: each step doubles the bits). */
static u64 inv64(u64 a)
{
	u64 x = a;	/* a * a = 1 mod 8: three bits right */
	int i;

	for (i = 0; i < 5; i++)
		x *= 2 - a * x;
	return x;
}

/* Reduce @row (k entries) by the @rank pivots, keeping the multipliers. */
static void code_reduce(const struct agi_code_decoder *dec, u64 *row, u32 k,
			u32 rank)
{
	u32 t, s;

	for (t = 0; t < rank; t++) {
		const u64 *piv = dec->lu + (size_t)t * k;
		u64 mult = row[t];

		if (!mult)
			continue;
		mult *= dec->inv[t];
		row[t] = mult;
		for (s = t + 1; s < k; s++)
			row[s] -= mult * piv[s];
	}
}

/* Bring column @s to position @t in the pivot rows and the new row @t. */
static void code_swap_cols(struct agi_code_decoder *dec, u32 k, u32 t, u32 s)
{
	u32 r;
	u64 tmp;
	u16 c;

	for (r = 0; r <= t; r++) {
		u64 *row = dec->lu + (size_t)r * k;

		tmp = row[t];
		row[t] = row[s];
		row[s] = tmp;
	}
	c = dec->col_of[t];
	dec->col_of[t] = dec->col_of[s];
	dec->col_of[s] = c;
}

/*
 * LU-factorise, mod 2^64 and with odd pivots, k GF(2)-independent kept
 * rows over the k unknown columns. Returns how many pivots were found.
 */
static u32 code_factor(struct agi_code_decoder *dec, u32 k)
{
	u32 r, t, s, rank = 0;

	for (r = 0; r < dec->n_pending && rank < k; r++) {
		const struct code_pending *p = &dec->pending[r];
		u64 *row = dec->lu + (size_t)rank * k;

		if (!p->degree)
			continue;
		for (t = 0; t < k; t++)
			row[t] = bit_test(p->left, dec->col_of[t]);
		code_reduce(dec, row, k, rank);
		for (s = rank; s < k && !(row[s] & 1); s++)
			;
		if (s == k)
			continue;	/* even: dependent over GF(2) */
		if (s != rank)
			code_swap_cols(dec, k, rank, s);
		dec->inv[rank] = inv64(row[rank]);
		dec->row_of[rank] = r;
		rank++;
	}
	return rank;
}

/* Solve L U x = x in place, mod 2^64. */
static void code_solve(const struct agi_code_decoder *dec, u32 k)
{
	u64 *x = dec->x;
	u32 t, s;

	for (t = 0; t < k; t++) {
		const u64 *row = dec->lu + (size_t)t * k;

		for (s = 0; s < t; s++)
			x[t] -= row[s] * x[s];
	}
	for (t = k; t-- > 0;) {
		const u64 *row = dec->lu + (size_t)t * k;

		for (s = t + 1; s < k; s++)
			x[t] -= row[s] * x[s];
		x[t] *= dec->inv[t];
	}
}

/*
 * Elimination for what peeling left: z mod 2^64 first, then the high words
 * from the exact residual v - M z_lo, which is a multiple of 2^64 (M is the
 * 0/1 matrix of the chosen rows over the unknown columns).
 */
static int code_eliminate(struct agi_code_decoder *dec)
{
	u32 k = dec->code.m - dec->n_known, c, t = 0, w;
	struct agi_i128 *park;
	u64 lo;

	for (c = 0; c < dec->code.m; c++)
		if (!bit_test(dec->known, c))
			dec->col_of[t++] = c;
	if (code_factor(dec, k) < k)
		return -EIO;	/* cannot happen when the GF(2) rank is full */
	/* Row t's residual waits in z[col_of[t]] until z is known. */
	for (t = 0; t < k; t++) {
		park = &dec->z[dec->col_of[t]];
		*park = code_residual(dec, &dec->pending[dec->row_of[t]]);
		dec->x[t] = park->lo;
		dec->pos_of[dec->col_of[t]] = t;
	}
	code_solve(dec, k);
	for (t = 0; t < k; t++) {
		const u64 *left = dec->pending[dec->row_of[t]].left;

		park = &dec->z[dec->col_of[t]];
		for (w = 0; w < dec->words; w++) {
			u64 bits = left[w];

			while (bits) {
				lo = dec->x[dec->pos_of[w * 64 + ctz64(bits)]];
				bits &= bits - 1;
				park->hi -= park->lo < lo;
				park->lo -= lo;
			}
		}
		if (park->lo)
			return -EIO;
	}
	for (t = 0; t < k; t++) {
		park = &dec->z[dec->col_of[t]];
		lo = dec->x[t];
		dec->x[t] = park->hi;
		park->lo = lo;
	}
	code_solve(dec, k);
	for (t = 0; t < k; t++) {
		dec->z[dec->col_of[t]].hi = dec->x[t];
		bit_set(dec->known, dec->col_of[t]);
	}
	dec->n_known += k;
	dec->stats.eliminated = k;
	return 0;
}

static int code_decode(struct agi_code_decoder *dec)
{
	if (dec->n_known < dec->code.m) {
		code_peel(dec, code_find_unknowns(dec));
		if (dec->n_known < dec->code.m && code_eliminate(dec) < 0)
			return 0;
	}
	dec->done = true;
	return 1;
}

/* --- decoder: results ---------------------------------------------------- */

static void code_add_parity(struct agi_code_decoder *dec, u32 j,
			    struct agi_i128 value)
{
	struct code_pending *p = &dec->pending[dec->n_pending];
	u64 v[AGI_CODE_SET_WORDS];

	/* Cannot happen: n_pending reaches m only with the rank full. */
	if (unlikely(dec->n_pending >= dec->code.m))
		return;
	agi_code_row_set(&dec->code, j, p->set);
	memcpy(v, p->set, sizeof(v));
	/* A row that adds no rank is in the span of what is kept: drop it. */
	if (!gf2_insert(&dec->gf2, v, dec->known))
		return;
	p->value = value;
	p->j = j;
	dec->n_pending++;
	dec->stats.kept++;
}

int agi_code_decoder_add(struct agi_code_decoder *dec, u32 j,
			 struct agi_i128 value)
{
	if (j >= dec->code.n_coded)
		return -EINVAL;
	if (dec->done) {
		dec->stats.late++;
		return 1;
	}
	if (bit_test(dec->received, j)) {
		dec->stats.duplicate++;
		return 0;
	}
	bit_set(dec->received, j);
	dec->stats.used++;
	if (j < dec->code.m) {
		code_learn(dec, j, value);
		dec->stats.systematic++;
		gf2_project_out(&dec->gf2, j, dec->known);
	} else {
		code_add_parity(dec, j, value);
	}
	if (dec->n_known + dec->gf2.rank < dec->code.m)
		return 0;
	return code_decode(dec);
}
