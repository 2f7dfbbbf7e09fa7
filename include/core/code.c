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

#define CODE_NONE 0xffff	/* end of a component's list of kept rows */

struct code_pending {
	u64 set[AGI_CODE_SET_WORDS];	/* S_j */
	u64 left[AGI_CODE_SET_WORDS];	/* its unknowns, during a solve */
	struct agi_i128 value;		/* the worker's result */
	u16 j;
	u16 degree;			/* |left| */
	u16 next;			/* next kept row of its component */
};

/**
 * struct code_comp - a component: source rows the parity rows tie together
 * @first: its columns are cols[@first .. @first + @size), ascending
 * @size: how many
 * @n_known: of them, known (received or solved); all once it is solved
 * @rank: GF(2) rank of its kept parity rows, known columns projected out
 * @head: its last kept parity row in pending[], or CODE_NONE
 */
struct code_comp {
	u16 first;
	u16 size;
	u16 n_known;
	u16 rank;
	u16 head;
};

/**
 * struct agi_code_decoder - decoder state, laid out in caller memory
 * @code: the code it decodes
 * @words: bitset words in use, ceil(m / 64)
 * @n_known: columns whose z is known
 * @n_pending: parity rows kept in @pending
 * @n_comp: components
 * @max_unknowns: the most unknowns one solve can have (@lu is its square)
 * @done: every z_i is known
 * @stats: this cycle's counters
 * @received: coded rows received this cycle
 * @known: columns whose z is known
 * @gf2: basis of the kept parity rows in the quotient by the known columns
 *	(their bits are ignored, not cleared); a component's rank is that of
 *	the basis rows pivoted in it
 * @z: [m] decoded values (valid for known columns)
 * @pending: [m] kept parity rows, in arrival order
 * @sets: [n_coded - m][words] S_j of every parity row, computed once
 * @comp: [n_comp] the components
 * @lu: [max_unknowns^2] LU factors mod 2^64 of one elimination, k x k used
 * @inv: [max_unknowns] inverse of each pivot mod 2^64
 * @x: [max_unknowns] right-hand side and solution of one triangular solve
 * @comp_of: [m] component of each column
 * @cols: [m] the columns, grouped by component
 * @col_of: [max_unknowns] column of each eliminated position
 * @pos_of: [m] eliminated position of each column
 * @row_of: [max_unknowns] pending row of each pivot
 * @queue: [m] rows waiting to be peeled
 */
struct agi_code_decoder {
	struct agi_code code;
	u32 words;
	u32 n_known;
	u32 n_pending;
	u32 n_comp;
	u32 max_unknowns;
	bool done;
	struct agi_code_stats stats;
	u64 received[AGI_CODE_MAX_CODED_ROWS / 64];
	u64 known[AGI_CODE_SET_WORDS];
	struct agi_code_gf2 gf2;
	struct agi_i128 *z;
	struct code_pending *pending;
	u64 *sets;
	struct code_comp *comp;
	u64 *lu;
	u64 *inv;
	u64 *x;
	u16 *comp_of;
	u16 *cols;
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

static int mds_row_set(const struct agi_code *code, u32 j, u64 *set);

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

/* --- MDS assignment: binary images of a Cauchy matrix over GF(2^s) ------ */

#define MDS_MAX_FIELD_BITS 11	/* s < 2 * s0 <= 12 for W <= 64 */

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

static u32 gf_mul(u32 a, u32 b, u32 s)
{
	u32 r = 0;

	for (; b; b >>= 1, a = gf_mulx(a, s))
		if (b & 1)
			r ^= a;
	return r;
}

/* 1 / a for a != 0: a^(2^s - 2), the multiplicative group has 2^s - 1. */
static u32 gf_inv(u32 a, u32 s)
{
	u32 r = 1, e = (1U << s) - 2;

	for (; e; e >>= 1, a = gf_mul(a, a, s))
		if (e & 1)
			r = gf_mul(r, a, s);
	return r;
}

static u32 div_round_up(u32 a, u32 b)
{
	return (a + b - 1) / b;
}

/* s0: the fewest bits that name W distinct field elements. */
static u32 mds_field_bits(u32 workers)
{
	u32 s = 1;

	while ((1U << s) < workers)
		s++;
	return s;
}

/* b for (m, W, f); past AGI_CODE_MAX_WORKER_ROWS means it does not fit. */
static u32 mds_worker_rows(u32 m, u32 workers, u32 f)
{
	u32 b = div_round_up(m, workers - f);

	if (f && b < mds_field_bits(workers))
		b = mds_field_bits(workers);
	return b;
}

static bool mds_fits(u32 m, u32 workers, u32 f)
{
	u32 b = mds_worker_rows(m, workers, f);

	return b <= AGI_CODE_MAX_WORKER_ROWS &&
	       m + f * b <= AGI_CODE_MAX_CODED_ROWS;
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

/**
 * struct mds_layer - one layer of a block
 * @start: its first row's offset in the block
 * @size: its rows, s (also the field's degree)
 */
struct mds_layer {
	u32 start;
	u32 size;
};

/* The layer of the row at @offset in a block (f >= 1). */
static struct mds_layer mds_layer_of(const struct agi_code *code, u32 offset)
{
	u32 b = code->worker_rows, layers = b / mds_field_bits(code->workers);
	u32 base = b / layers, extra = b % layers, l;
	struct mds_layer ly;

	/* The first @extra layers are base + 1 rows long. */
	if (offset < extra * (base + 1)) {
		l = offset / (base + 1);
		ly.start = l * (base + 1);
		ly.size = base + 1;
	} else {
		l = extra + (offset - extra * (base + 1)) / base;
		ly.start = l * base + extra;
		ly.size = base;
	}
	return ly;
}

static int mds_row_set(const struct agi_code *code, u32 j, u64 *set)
{
	u32 b = code->worker_rows, K = code->workers - code->lost;
	u32 p = j - code->m, i = K + p / b, offset = p % b, k, u, c, deg = 0;
	struct mds_layer ly = mds_layer_of(code, offset);
	u32 t = offset - ly.start;

	for (k = 0; k < K; k++) {
		u32 first = k * b + ly.start;

		/* Column u of "multiply by c" is c * x^u; we want row t. */
		c = gf_inv(i ^ k, ly.size);
		for (u = 0; u < ly.size; u++, c = gf_mulx(c, ly.size)) {
			if (!((c >> t) & 1) || first + u >= code->m)
				continue;
			bit_set(set, first + u);
			deg++;
		}
	}
	return (int)deg;
}

u32 agi_code_row_worker(const struct agi_code *code, u32 j)
{
	u32 K = code->workers - code->lost;

	if (code->kind != AGI_CODE_MDS || j >= code->n_coded)
		return AGI_CODE_NO_WORKER;
	if (j < code->m)
		return j / code->worker_rows;
	return K + (j - code->m) / code->worker_rows;
}

u32 agi_code_worker_rows(const struct agi_code *code, u32 worker,
			 u16 rows[AGI_CODE_MAX_WORKER_ROWS])
{
	u32 b = code->worker_rows, K = code->workers - code->lost;
	u32 first, end, n = 0;

	if (code->kind != AGI_CODE_MDS || worker >= code->workers)
		return 0;
	if (worker < K) {
		first = worker * b;
		end = first + b < code->m ? first + b : code->m;
	} else {
		first = code->m + (worker - K) * b;
		end = first + b;
	}
	for (; first < end; first++)
		rows[n++] = (u16)first;
	return n;
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
 * other row keeps its pivot; the one pivoted at @c is inserted again, and
 * the rank drops (returns true) when it was e_c plus a combination of the
 * others.
 */
static bool gf2_project_out(struct agi_code_gf2 *g, u32 c, const u64 *ignore)
{
	u64 v[AGI_CODE_SET_WORDS];

	if (!bit_test(g->has_pivot, c))
		return false;
	memcpy(v, g->row[c], g->words * sizeof(u64));
	bit_clear(g->has_pivot, c);
	g->rank--;
	return !gf2_insert(g, v, ignore);
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

/* --- decoder: memory and components -------------------------------------- */

static size_t align8(size_t v)
{
	return (v + 7) & ~(size_t)7;
}

/* The most columns one component can have: the most unknowns of a solve. */
static u32 code_max_component(const struct agi_code *code)
{
	u32 K = code->workers - code->lost, most;

	if (code->kind != AGI_CODE_MDS)
		return code->m;
	if (!code->lost)
		return 1;	/* no parity: every column stands alone */
	most = K * mds_layer_of(code, 0).size;	/* layer 0 is the longest */
	return most < code->m ? most : code->m;
}

/* A hand-made MDS code must be exactly what agi_code_init_mds() makes. */
static bool code_consistent(const struct agi_code *code)
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

/* Bytes of the decoder; with @dec, points its arrays into its memory. */
static size_t code_layout(const struct agi_code *code,
			  struct agi_code_decoder *dec)
{
	size_t m = code->m, k = code_max_component(code);
	size_t words = code_words(code->m), off = align8(sizeof(*dec));
	u8 *base = (u8 *)dec;

#define CODE_CARVE(field, count) do {					\
		if (dec)						\
			dec->field = (void *)(base + off);		\
		off += align8((count) * sizeof(*dec->field));		\
	} while (0)
	CODE_CARVE(z, m);
	CODE_CARVE(pending, m);
	CODE_CARVE(sets, (code->n_coded - m) * words);
	CODE_CARVE(comp, m);
	CODE_CARVE(lu, k * k);
	CODE_CARVE(inv, k);
	CODE_CARVE(x, k);
	CODE_CARVE(comp_of, m);
	CODE_CARVE(cols, m);
	CODE_CARVE(col_of, k);
	CODE_CARVE(pos_of, m);
	CODE_CARVE(row_of, k);
	CODE_CARVE(queue, m);
#undef CODE_CARVE
	return off;
}

size_t agi_code_decoder_size(const struct agi_code *code)
{
	if (!code_consistent(code))
		return 0;
	return code_layout(code, NULL);
}

/* Union-find root of @i, halving the path on the way. */
static u16 uf_root(u16 *parent, u16 i)
{
	while (parent[i] != i) {
		parent[i] = parent[parent[i]];
		i = parent[i];
	}
	return i;
}

/*
 * Components: columns joined by a parity row. @queue serves as the
 * union-find forest and @pos_of as the root -> component map meanwhile.
 * Returns false when one is larger than code_max_component() allows.
 */
static bool code_find_components(struct agi_code_decoder *dec)
{
	u32 m = dec->code.m, p, w, i, c, n_parity = dec->code.n_coded - m;
	u16 *parent = dec->queue, *id_of_root = dec->pos_of;

	for (i = 0; i < m; i++) {
		parent[i] = (u16)i;
		id_of_root[i] = CODE_NONE;
	}
	for (p = 0; p < n_parity; p++) {
		const u64 *set = dec->sets + (size_t)p * dec->words;
		int first = bit_lowest(set, NULL, dec->words);

		for (w = 0; first >= 0 && w < dec->words; w++) {
			u64 bits = set[w];

			while (bits) {
				u16 a = uf_root(parent, (u16)first);
				u16 r = uf_root(parent, (u16)(w * 64 +
							       ctz64(bits)));

				bits &= bits - 1;
				parent[r] = a;
			}
		}
	}
	dec->n_comp = 0;
	for (i = 0; i < m; i++) {
		u16 r = uf_root(parent, (u16)i);

		if (id_of_root[r] == CODE_NONE) {
			id_of_root[r] = (u16)dec->n_comp;
			dec->comp[dec->n_comp++].size = 0;
		}
		dec->comp[id_of_root[r]].size++;
	}
	for (c = 0, p = 0; c < dec->n_comp; c++) {
		if (dec->comp[c].size > dec->max_unknowns)
			return false;
		dec->comp[c].first = (u16)p;
		p += dec->comp[c].size;
		dec->comp[c].n_known = 0;	/* a fill cursor for now */
	}
	for (i = 0; i < m; i++) {
		struct code_comp *cp;

		c = id_of_root[uf_root(parent, (u16)i)];
		cp = &dec->comp[c];
		dec->cols[cp->first + cp->n_known++] = (u16)i;
	}
	for (i = 0; i < m; i++)
		dec->comp_of[i] = id_of_root[uf_root(parent, (u16)i)];
	return true;
}

struct agi_code_decoder *agi_code_decoder_init(void *mem, size_t size,
					       const struct agi_code *code)
{
	struct agi_code_decoder *dec = mem;
	size_t need = agi_code_decoder_size(code);
	u64 set[AGI_CODE_SET_WORDS];
	u32 j;

	if (!need || size < need || ((unsigned long)mem & 7))
		return NULL;
	dec->code = *code;
	dec->words = code_words(code->m);
	dec->max_unknowns = code_max_component(code);
	code_layout(code, dec);
	for (j = code->m; j < code->n_coded; j++) {
		agi_code_row_set(code, j, set);
		memcpy(dec->sets + (size_t)(j - code->m) * dec->words, set,
		       dec->words * sizeof(u64));
	}
	if (!code_find_components(dec))
		return NULL;	/* cannot happen: code_max_component() bounds */
	agi_code_decoder_reset(dec);
	return dec;
}

void agi_code_decoder_reset(struct agi_code_decoder *dec)
{
	u32 c;

	memset(dec->received, 0, (dec->code.n_coded + 63) / 64 * sizeof(u64));
	memset(dec->known, 0, sizeof(dec->known));
	memset(&dec->stats, 0, sizeof(dec->stats));
	gf2_reset(&dec->gf2, dec->words);
	for (c = 0; c < dec->n_comp; c++) {
		dec->comp[c].n_known = 0;
		dec->comp[c].rank = 0;
		dec->comp[c].head = CODE_NONE;
	}
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
	dec->comp[dec->comp_of[c]].n_known++;
}

/* --- decoder: solving one component once its rank is full --------------- */

/* The unknowns of every kept row of @cp; queue the rows with one unknown. */
static u32 code_find_unknowns(struct agi_code_decoder *dec,
			      const struct code_comp *cp)
{
	u32 w, tail = 0;
	u16 r;

	for (r = cp->head; r != CODE_NONE; r = dec->pending[r].next) {
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
 * solve uses pay for this, not every kept row.
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
static void code_peel(struct agi_code_decoder *dec, const struct code_comp *cp,
		      u32 tail)
{
	u32 head = 0, c;
	u16 r;

	while (head < tail) {
		struct code_pending *p = &dec->pending[dec->queue[head++]];

		if (p->degree != 1)
			continue;	/* its unknown was peeled meanwhile */
		c = (u32)bit_lowest(p->left, NULL, dec->words);
		code_learn(dec, c, code_residual(dec, p));
		dec->stats.peeled++;
		for (r = cp->head; r != CODE_NONE; r = dec->pending[r].next) {
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
 * rows of @cp over its k unknown columns. Returns how many pivots were
 * found.
 */
static u32 code_factor(struct agi_code_decoder *dec,
		       const struct code_comp *cp, u32 k)
{
	u32 t, s, rank = 0;
	u16 r;

	for (r = cp->head; r != CODE_NONE && rank < k;
	     r = dec->pending[r].next) {
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
 * Elimination for what peeling left of @cp: z mod 2^64 first, then the
 * high words from the exact residual v - M z_lo, which is a multiple of
 * 2^64 (M is the 0/1 matrix of the chosen rows over the unknown columns).
 */
static int code_eliminate(struct agi_code_decoder *dec, struct code_comp *cp)
{
	u32 k = cp->size - cp->n_known, i, t = 0, w;
	struct agi_i128 *park;
	u64 lo;

	for (i = cp->first; i < cp->first + cp->size; i++)
		if (!bit_test(dec->known, dec->cols[i]))
			dec->col_of[t++] = dec->cols[i];
	if (code_factor(dec, cp, k) < k)
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
	cp->n_known += k;
	dec->stats.eliminated += k;
	return 0;
}

/*
 * Solves component @c when its rank has become full. Returns 1 when every
 * z is known, else 0.
 */
static int code_check(struct agi_code_decoder *dec, u32 c)
{
	struct code_comp *cp = &dec->comp[c];

	if (cp->n_known < cp->size && cp->n_known + cp->rank == cp->size) {
		code_peel(dec, cp, code_find_unknowns(dec, cp));
		if (cp->n_known < cp->size && code_eliminate(dec, cp) < 0)
			return 0;
	}
	if (dec->n_known < dec->code.m)
		return 0;
	dec->done = true;
	return 1;
}

/* --- decoder: results ---------------------------------------------------- */

static int code_add_systematic(struct agi_code_decoder *dec, u32 j,
			       struct agi_i128 value)
{
	u32 c = dec->comp_of[j];

	if (bit_test(dec->known, j)) {
		dec->stats.redundant++;	/* its component was solved */
		return 0;
	}
	code_learn(dec, j, value);
	dec->stats.systematic++;
	if (gf2_project_out(&dec->gf2, j, dec->known))
		dec->comp[c].rank--;
	return code_check(dec, c);
}

static int code_add_parity(struct agi_code_decoder *dec, u32 j,
			   struct agi_i128 value)
{
	const u64 *set = dec->sets + (size_t)(j - dec->code.m) * dec->words;
	struct code_pending *p = &dec->pending[dec->n_pending];
	u64 v[AGI_CODE_SET_WORDS];
	int first = bit_lowest(set, NULL, dec->words);
	struct code_comp *cp;
	u32 c;

	if (first < 0) {
		dec->stats.redundant++;	/* S_j is padding only */
		return 0;
	}
	c = dec->comp_of[first];
	cp = &dec->comp[c];
	if (cp->n_known == cp->size) {
		dec->stats.redundant++;
		return 0;
	}
	/* Cannot happen: a component keeps at most its size of rows. */
	if (unlikely(dec->n_pending >= dec->code.m))
		return 0;
	memcpy(v, set, dec->words * sizeof(u64));
	/* A row that adds no rank is in the span of what is kept: drop it. */
	if (!gf2_insert(&dec->gf2, v, dec->known))
		return 0;
	memset(p->set, 0, sizeof(p->set));
	memcpy(p->set, set, dec->words * sizeof(u64));
	p->value = value;
	p->j = (u16)j;
	p->next = cp->head;
	cp->head = (u16)dec->n_pending++;
	cp->rank++;
	dec->stats.kept++;
	return code_check(dec, c);
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
	if (j < dec->code.m)
		return code_add_systematic(dec, j, value);
	return code_add_parity(dec, j, value);
}
