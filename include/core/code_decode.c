// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Coded computing: the decoder that solves each component of a code as
 * soon as its rank is full ("DOC: Decoder" in code.h). code.c holds the
 * codes themselves.
 */
#include "code_priv.h"

/* --- GF(2) bases: the decoder's quotient ----------------------------- */

/*
 * Column @c was just added to @ignore: quotient the basis by e_c. Every
 * other row keeps its pivot; the one pivoted at @c is inserted again, and
 * the rank drops (returns true) when it was e_c plus a combination of the
 * others.
 */
static bool basis_project_out(const struct gf2_basis *g, u32 c,
			      const u64 *ignore)
{
	u64 v[AGI_CODE_SET_WORDS];

	if (!bit_test(g->has_pivot, c))
		return false;
	memcpy(v, g->row[c], g->words * sizeof(u64));
	bit_clear(g->has_pivot, c);
	return !basis_insert(g, v, ignore);
}

/* --- decoder: state ------------------------------------------------------ */

#define CODE_NONE 0xffff	/* end of a list; no such row */

/**
 * struct code_pending - a kept parity row
 * @set: S_j in its component's local columns
 * @left: its unknowns, during a solve
 * @value: the worker's result
 * @j: its coded row
 * @degree: |@left|
 * @next: the next kept row of its component, in arrival order
 */
struct code_pending {
	u64 set[AGI_CODE_SET_WORDS];
	u64 left[AGI_CODE_SET_WORDS];
	struct agi_i128 value;
	u16 j;
	u16 degree;
	u16 next;
};

/**
 * struct code_comp - a component: source rows that parity rows tie together
 * @first: its columns are cols[@first .. @first + @size), ascending; local
 *	column l is cols[@first + l], and bases, sets and @known use local
 *	columns
 * @size: how many
 * @words: bitset words of its local columns, ceil(@size / 64)
 * @n_known: of them, known (received or solved); all once it is solved
 * @rank: GF(2) rank of its kept parity rows, known columns projected out
 * @head: its first kept parity row in pending[], or CODE_NONE
 * @tail: its last
 * @known: its known local columns
 * @has_pivot: the pivots of its basis (rows basis[@first + pivot])
 */
struct code_comp {
	u16 first;
	u16 size;
	u16 words;
	u16 n_known;
	u16 rank;
	u16 head;
	u16 tail;
	u64 known[AGI_CODE_SET_WORDS];
	u64 has_pivot[AGI_CODE_SET_WORDS];
};

/*
 * Factorisations kept for the next solves: an MDS code's layers have at
 * most a few distinct systems (two layer sizes, padding in the last
 * block), and a cycle that loses the workers the last one lost has the
 * same ones again.
 */
#define CODE_LU_KEPT 4

/**
 * struct code_lu - an LU factorisation, kept for the next solve
 * @k: unknowns (columns) it solved
 * @n_rows: rows it was given
 * @used: when it was last used (struct agi_code_decoder's @lu_clock)
 * @valid: it holds a factorisation
 * @input: [n_rows] the rows it was given, over the k unknowns in
 *	ascending order: same input, same factors
 * @perm: [k] unknown (index into the ascending ones) of each pivot
 * @sel: [k] input row of each pivot
 * @lu: [k * k] the factors mod 2^64: L below the diagonal, U on and above
 * @inv: [k] inverse of each pivot mod 2^64
 */
struct code_lu {
	u32 k;
	u32 n_rows;
	u32 used;
	bool valid;
	u64 (*input)[AGI_CODE_SET_WORDS];
	u16 *perm;
	u16 *sel;
	u64 *lu;
	u64 *inv;
};

/**
 * struct agi_code_decoder - decoder state, laid out in caller memory
 * @code: the code it decodes
 * @n_known: columns whose z is known
 * @n_pending: parity rows kept in @pending
 * @n_comp: components
 * @max_unknowns: the most unknowns (and kept rows) one solve can have
 * @n_lu: factorisations kept: CODE_LU_KEPT for an MDS code, 1 for a
 *	random one (whose single system can be 256 x 256)
 * @lu_clock: counts the uses of @lu, to replace the least recently used
 * @done: every z_i is known
 * @stats: this cycle's counters
 * @received: coded rows received this cycle
 * @lu: the last factorisations (kept across cycles)
 * @z: [m] decoded values (valid for known columns)
 * @pending: [m] kept parity rows
 * @sets: [n_coded - m] S_j of every parity row in local columns, computed
 *	once
 * @set_comp: [n_coded - m] the component of each parity row (CODE_NONE:
 *	S_j is padding only)
 * @comp: [n_comp] the components
 * @basis: [m] GF(2) basis rows, component by component
 * @input: [max_unknowns] a solve's rows over its unknowns
 * @x: [max_unknowns] right-hand side and solution of one triangular solve
 * @comp_of: [m] component of each column
 * @local: [m] local column of each column
 * @cols: [m] the columns, grouped by component
 * @unknown: [max_unknowns] the local columns a solve solves, ascending
 * @index_of: [m] index in @unknown of a local column, during a solve
 * @rows: [max_unknowns] the kept rows a solve is given, in arrival order
 * @queue: [m] rows waiting to be peeled
 */
struct agi_code_decoder {
	struct agi_code code;
	u32 n_known;
	u32 n_pending;
	u32 n_comp;
	u32 max_unknowns;
	u32 n_lu;
	u32 lu_clock;
	bool done;
	struct agi_code_stats stats;
	u64 received[AGI_CODE_MAX_CODED_ROWS / 64];
	struct code_lu lu[CODE_LU_KEPT];
	struct agi_i128 *z;
	struct code_pending *pending;
	u64 (*sets)[AGI_CODE_SET_WORDS];
	u16 *set_comp;
	struct code_comp *comp;
	u64 (*basis)[AGI_CODE_SET_WORDS];
	u64 (*input)[AGI_CODE_SET_WORDS];
	u64 *x;
	u16 *comp_of;
	u16 *local;
	u16 *cols;
	u16 *unknown;
	u16 *index_of;
	u16 *rows;
	u16 *queue;
};

/* --- decoder: memory and components -------------------------------------- */

static size_t align8(size_t v)
{
	return (v + 7) & ~(size_t)7;
}

static u32 code_lu_kept(const struct agi_code *code)
{
	return code->kind == AGI_CODE_MDS ? CODE_LU_KEPT : 1;
}

/* The next @bytes at @base + *@off (8-byte aligned); moves *@off past them. */
static void *code_carve(unsigned long base, size_t *off, size_t bytes)
{
	void *p = (void *)(base + *off);

	*off += align8(bytes);
	return p;
}

/*
 * Bytes of a decoder for @code, @dec's arrays pointed into the memory at
 * @base (0 when only counting: @dec is then scratch).
 */
static size_t code_layout(const struct agi_code *code,
			  struct agi_code_decoder *dec, unsigned long base)
{
	size_t m = code->m, k = agi_code_max_unknowns(code);
	size_t n_parity = code->n_coded - code->m;
	size_t off = align8(sizeof(*dec));
	u32 e;

	dec->z = code_carve(base, &off, m * sizeof(*dec->z));
	dec->pending = code_carve(base, &off, m * sizeof(*dec->pending));
	dec->sets = code_carve(base, &off, n_parity * sizeof(*dec->sets));
	dec->set_comp = code_carve(base, &off,
				   n_parity * sizeof(*dec->set_comp));
	dec->comp = code_carve(base, &off, m * sizeof(*dec->comp));
	dec->basis = code_carve(base, &off, m * sizeof(*dec->basis));
	dec->input = code_carve(base, &off, k * sizeof(*dec->input));
	for (e = 0; e < code_lu_kept(code); e++) {
		struct code_lu *f = &dec->lu[e];

		f->input = code_carve(base, &off, k * sizeof(*f->input));
		f->lu = code_carve(base, &off, k * k * sizeof(*f->lu));
		f->inv = code_carve(base, &off, k * sizeof(*f->inv));
		f->perm = code_carve(base, &off, k * sizeof(*f->perm));
		f->sel = code_carve(base, &off, k * sizeof(*f->sel));
	}
	dec->x = code_carve(base, &off, k * sizeof(*dec->x));
	dec->comp_of = code_carve(base, &off, m * sizeof(*dec->comp_of));
	dec->local = code_carve(base, &off, m * sizeof(*dec->local));
	dec->cols = code_carve(base, &off, m * sizeof(*dec->cols));
	dec->unknown = code_carve(base, &off, k * sizeof(*dec->unknown));
	dec->index_of = code_carve(base, &off, m * sizeof(*dec->index_of));
	dec->rows = code_carve(base, &off, k * sizeof(*dec->rows));
	dec->queue = code_carve(base, &off, m * sizeof(*dec->queue));
	return off;
}

size_t agi_code_decoder_size(const struct agi_code *code)
{
	struct agi_code_decoder scratch;

	if (!agi_code_consistent(code))
		return 0;
	return code_layout(code, &scratch, 0);
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
 * Joins the columns of every parity row; @parent: [m] forest. Leaves every
 * parity row's S_j in dec->sets, for code_local_sets().
 */
static void code_join(struct agi_code_decoder *dec, u16 *parent)
{
	const struct agi_code *code = &dec->code;
	u32 i, j, w;

	for (i = 0; i < code->m; i++)
		parent[i] = (u16)i;
	for (j = code->m; j < code->n_coded; j++) {
		u64 *set = dec->sets[j - code->m];
		int first;

		agi_code_row_set(code, j, set);
		first = bit_lowest(set, NULL, code_words(code->m));
		for (w = 0; first >= 0 && w < code_words(code->m); w++) {
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
}

/*
 * The components, their columns and every column's local index, from the
 * union-find forest in @queue (@index_of maps roots to components
 * meanwhile).
 */
static void code_find_components(struct agi_code_decoder *dec)
{
	u32 m = dec->code.m, i, c, at;
	u16 *parent = dec->queue, *id_of_root = dec->index_of;

	code_join(dec, parent);
	for (i = 0; i < m; i++)
		id_of_root[i] = CODE_NONE;
	dec->n_comp = 0;
	for (i = 0; i < m; i++) {
		u16 r = uf_root(parent, (u16)i);

		if (id_of_root[r] == CODE_NONE) {
			id_of_root[r] = (u16)dec->n_comp;
			dec->comp[dec->n_comp++].size = 0;
		}
		dec->comp_of[i] = id_of_root[r];
		dec->local[i] = dec->comp[id_of_root[r]].size++;
	}
	for (c = 0, at = 0; c < dec->n_comp; c++) {
		struct code_comp *cp = &dec->comp[c];

		cp->first = (u16)at;
		cp->words = (u16)code_words(cp->size);
		at += cp->size;
	}
	for (i = 0; i < m; i++)
		dec->cols[dec->comp[dec->comp_of[i]].first + dec->local[i]] =
			(u16)i;
}

/* Every parity row's S_j, in place, in the local columns of its component. */
static void code_local_sets(struct agi_code_decoder *dec)
{
	u64 set[AGI_CODE_SET_WORDS];
	u32 p, w, m = dec->code.m;

	for (p = 0; p < dec->code.n_coded - m; p++) {
		int first;

		memcpy(set, dec->sets[p], sizeof(set));	/* from code_join() */
		memset(dec->sets[p], 0, sizeof(dec->sets[p]));
		first = bit_lowest(set, NULL, code_words(m));
		dec->set_comp[p] = first < 0 ? CODE_NONE : dec->comp_of[first];
		for (w = 0; w < code_words(m); w++) {
			u64 bits = set[w];

			while (bits) {
				bit_set(dec->sets[p],
					dec->local[w * 64 + ctz64(bits)]);
				bits &= bits - 1;
			}
		}
	}
}

struct agi_code_decoder *agi_code_decoder_init(void *mem, size_t size,
					       const struct agi_code *code)
{
	struct agi_code_decoder *dec = mem;
	size_t need = agi_code_decoder_size(code);
	u32 e;

	if (!need || size < need || ((unsigned long)mem & 7))
		return NULL;
	dec->code = *code;
	dec->max_unknowns = agi_code_max_unknowns(code);
	dec->n_lu = code_lu_kept(code);
	dec->lu_clock = 0;
	for (e = 0; e < dec->n_lu; e++)
		dec->lu[e].valid = false;
	code_layout(code, dec, (unsigned long)mem);
	code_find_components(dec);
	code_local_sets(dec);
	agi_code_decoder_reset(dec);
	return dec;
}

void agi_code_decoder_reset(struct agi_code_decoder *dec)
{
	u32 c;

	memset(dec->received, 0, (dec->code.n_coded + 63) / 64 * sizeof(u64));
	memset(&dec->stats, 0, sizeof(dec->stats));
	for (c = 0; c < dec->n_comp; c++) {
		struct code_comp *cp = &dec->comp[c];

		cp->n_known = 0;
		cp->rank = 0;
		cp->head = CODE_NONE;
		memset(cp->known, 0, cp->words * sizeof(u64));
		memset(cp->has_pivot, 0, cp->words * sizeof(u64));
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

static struct gf2_basis code_basis(struct agi_code_decoder *dec,
				   struct code_comp *cp)
{
	struct gf2_basis b = { dec->basis + cp->first, cp->has_pivot,
			       cp->words };

	return b;
}

/* z of local column @l of @cp is @value. */
static void code_learn(struct agi_code_decoder *dec, struct code_comp *cp,
		       u32 l, struct agi_i128 value)
{
	dec->z[dec->cols[cp->first + l]] = value;
	bit_set(cp->known, l);
	cp->n_known++;
	dec->n_known++;
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
		for (w = 0; w < cp->words; w++) {
			p->left[w] = p->set[w] & ~cp->known[w];
			p->degree += popcount64(p->left[w]);
		}
		if (p->degree == 1)
			dec->queue[tail++] = r;
	}
	return tail;
}

/*
 * The sum of the z of the known columns in @set (local columns of @cp):
 * what a row over @set is, as far as it is decoded.
 */
static struct agi_i128 code_sum_known(const struct agi_code_decoder *dec,
				      const struct code_comp *cp,
				      const u64 *set)
{
	const u16 *cols = dec->cols + cp->first;
	struct agi_i128 sum = { 0, 0 };
	u32 w;

	for (w = 0; w < cp->words; w++) {
		u64 bits = set[w] & cp->known[w];

		while (bits) {
			const struct agi_i128 *zc =
				&dec->z[cols[w * 64 + ctz64(bits)]];

			bits &= bits - 1;
			sum.lo += zc->lo;
			sum.hi += zc->hi + (sum.lo < zc->lo);
		}
	}
	return sum;
}

/*
 * The result of @p minus the z of its known source rows. Only the rows a
 * solve uses pay for this, not every kept row.
 */
static struct agi_i128 code_residual(const struct agi_code_decoder *dec,
				     const struct code_comp *cp,
				     const struct code_pending *p)
{
	return agi_i128_sub(p->value, code_sum_known(dec, cp, p->set));
}

/* A row with one unknown left determines it; propagate to the others. */
static void code_peel(struct agi_code_decoder *dec, struct code_comp *cp,
		      u32 tail)
{
	u32 head = 0, l;
	u16 r;

	while (head < tail) {
		struct code_pending *p = &dec->pending[dec->queue[head++]];

		if (p->degree != 1)
			continue;	/* its unknown was peeled meanwhile */
		l = (u32)bit_lowest(p->left, NULL, cp->words);
		code_learn(dec, cp, l, code_residual(dec, cp, p));
		dec->stats.peeled++;
		for (r = cp->head; r != CODE_NONE; r = dec->pending[r].next) {
			struct code_pending *q = &dec->pending[r];

			if (!bit_test(q->left, l))
				continue;
			bit_clear(q->left, l);
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
static void lu_reduce(const struct code_lu *f, u64 *row, u32 rank)
{
	u32 t, s, k = f->k;

	for (t = 0; t < rank; t++) {
		const u64 *piv = f->lu + (size_t)t * k;
		u64 mult = row[t];

		if (!mult)
			continue;
		mult *= f->inv[t];
		row[t] = mult;
		for (s = t + 1; s < k; s++)
			row[s] -= mult * piv[s];
	}
}

/* Bring column @s to position @t in the pivot rows and the new row @t. */
static void lu_swap_cols(struct code_lu *f, u32 t, u32 s)
{
	u32 r;
	u64 tmp;
	u16 c;

	for (r = 0; r <= t; r++) {
		u64 *row = f->lu + (size_t)r * f->k;

		tmp = row[t];
		row[t] = row[s];
		row[s] = tmp;
	}
	c = f->perm[t];
	f->perm[t] = f->perm[s];
	f->perm[s] = c;
}

/*
 * LU-factorises, mod 2^64 and with odd pivots, the first k GF(2)-
 * independent rows of f->input over its k columns. Returns how many pivots
 * were found.
 */
static u32 lu_factor(struct code_lu *f)
{
	u32 k = f->k, r, t, s, rank = 0;

	for (t = 0; t < k; t++)
		f->perm[t] = (u16)t;
	for (r = 0; r < f->n_rows && rank < k; r++) {
		u64 *row = f->lu + (size_t)rank * k;

		for (t = 0; t < k; t++)
			row[t] = bit_test(f->input[r], f->perm[t]);
		lu_reduce(f, row, rank);
		for (s = rank; s < k && !(row[s] & 1); s++)
			;
		if (s == k)
			continue;	/* even: dependent over GF(2) */
		if (s != rank)
			lu_swap_cols(f, rank, s);
		f->inv[rank] = inv64(row[rank]);
		f->sel[rank] = (u16)r;
		rank++;
	}
	return rank;
}

/*
 * sum of row[s] * x[s] for s in [from, to), mod 2^64, in two independent
 * accumulators (the ring is associative: the same bits in half the
 * dependent steps; x[t] in memory would chain every step through a store).
 */
static u64 lu_dot(const u64 *row, const u64 *x, u32 from, u32 to)
{
	u64 a = 0, b = 0;
	u32 s = from;

	for (; s + 1 < to; s += 2) {
		a += row[s] * x[s];
		b += row[s + 1] * x[s + 1];
	}
	if (s < to)
		a += row[s] * x[s];
	return a + b;
}

/* Solve L U x = x in place, mod 2^64. */
static void lu_solve(const struct code_lu *f, u64 *x)
{
	u32 t, k = f->k;

	for (t = 0; t < k; t++)
		x[t] -= lu_dot(f->lu + (size_t)t * k, x, 0, t);
	for (t = k; t-- > 0;)
		x[t] = (x[t] - lu_dot(f->lu + (size_t)t * k, x, t + 1, k)) *
		       f->inv[t];
}

/*
 * @left (local columns, all unknown) over the unknowns' indices: the
 * indices grow with the columns, so each output word is filled in turn,
 * in a register.
 */
static void code_compress(const struct agi_code_decoder *dec,
			  const struct code_comp *cp, const u64 *left,
			  u64 *out)
{
	u32 w, idx, dw = 0;
	u64 acc = 0;

	memset(out, 0, AGI_CODE_SET_WORDS * sizeof(u64));
	if (!cp->n_known) {	/* every column unknown: index = column */
		memcpy(out, left, cp->words * sizeof(u64));
		return;
	}
	for (w = 0; w < cp->words; w++) {
		u64 bits = left[w];

		while (bits) {
			idx = dec->index_of[w * 64 + ctz64(bits)];
			bits &= bits - 1;
			if (idx / 64 != dw) {
				out[dw] = acc;
				acc = 0;
				dw = idx / 64;
			}
			acc |= 1ULL << (idx % 64);
		}
	}
	out[dw] = acc;
}

/*
 * The system of what peeling left of @cp: its k unknown local columns
 * (ascending) into dec->unknown, its kept rows with unknowns left into
 * dec->rows (ordered by coded row), and those rows over the unknowns into
 * dec->input. Then the factors of that input: kept ones when a solve had
 * the same input (the layers of an MDS code, and cycles that lose the
 * same workers, give the same systems), else new ones in place of the
 * least recently used. Returns them, or NULL (cannot happen with a full GF(2) rank).
 */
static const struct code_lu *code_factors(struct agi_code_decoder *dec,
					  struct code_comp *cp, u32 k)
{
	struct code_lu *f;
	u32 l, n_rows = 0, w, e, at;
	u16 r;

	for (l = 0, w = 0; l < cp->size; l++) {
		if (bit_test(cp->known, l))
			continue;
		dec->index_of[l] = (u16)w;
		dec->unknown[w++] = (u16)l;
	}
	for (r = cp->head; r != CODE_NONE; r = dec->pending[r].next) {
		if (!dec->pending[r].degree)
			continue;
		if (unlikely(n_rows >= dec->max_unknowns))
			return NULL;	/* cannot happen, see max_unknowns */
		/* Sorted by coded row: the same rows, the same input. */
		for (at = n_rows++; at && dec->pending[dec->rows[at - 1]].j >
					  dec->pending[r].j; at--)
			dec->rows[at] = dec->rows[at - 1];
		dec->rows[at] = r;
	}
	for (w = 0; w < n_rows; w++)
		code_compress(dec, cp, dec->pending[dec->rows[w]].left,
			      dec->input[w]);
	for (e = 0, f = &dec->lu[0]; e < dec->n_lu; e++) {
		struct code_lu *kept = &dec->lu[e];

		if (kept->valid && kept->k == k && kept->n_rows == n_rows &&
		    !memcmp(kept->input, dec->input,
			    n_rows * sizeof(*kept->input))) {
			kept->used = ++dec->lu_clock;
			return kept;
		}
		if (!kept->valid || (f->valid && kept->used < f->used))
			f = kept;	/* the least recently used so far */
	}
	f->used = ++dec->lu_clock;
	dec->stats.factored++;
	f->k = k;
	f->n_rows = n_rows;
	memcpy(f->input, dec->input, n_rows * sizeof(*f->input));
	f->valid = lu_factor(f) == k;
	return f->valid ? f : NULL;
}

/*
 * Elimination for what peeling left of @cp: z mod 2^64 first, then the
 * high words from the exact residual v - M z_lo, which is a multiple of
 * 2^64 (M is the 0/1 matrix of the chosen rows over the unknown columns).
 * Pivot t solves unknown perm[t] from kept row rows[sel[t]].
 */
static int code_eliminate(struct agi_code_decoder *dec, struct code_comp *cp)
{
	u32 k = cp->size - cp->n_known, t, w;
	const u16 *cols = dec->cols + cp->first;
	const struct code_lu *f;
	struct agi_i128 *park;
	u64 lo;

	/* Cannot happen: k and the kept rows are within max_unknowns. */
	if (unlikely(k > dec->max_unknowns))
		return -EIO;
	f = code_factors(dec, cp, k);
	if (!f)
		return -EIO;
	/* Row t's residual waits in z of its column until z is known. */
	for (t = 0; t < k; t++) {
		u32 l = dec->unknown[f->perm[t]];

		park = &dec->z[cols[l]];
		*park = code_residual(dec, cp,
				      &dec->pending[dec->rows[f->sel[t]]]);
		dec->x[t] = park->lo;
		dec->index_of[l] = (u16)t;
	}
	lu_solve(f, dec->x);
	for (t = 0; t < k; t++) {
		const u64 *left = dec->pending[dec->rows[f->sel[t]]].left;
		struct agi_i128 res;

		park = &dec->z[cols[dec->unknown[f->perm[t]]]];
		res = *park;	/* in registers, not through memory */
		for (w = 0; w < cp->words; w++) {
			u64 bits = left[w];

			while (bits) {
				lo = dec->x[dec->index_of[w * 64 +
							  ctz64(bits)]];
				bits &= bits - 1;
				res.hi -= res.lo < lo;
				res.lo -= lo;
			}
		}
		if (res.lo)
			return -EIO;
		*park = res;
	}
	for (t = 0; t < k; t++) {
		park = &dec->z[cols[dec->unknown[f->perm[t]]]];
		lo = dec->x[t];
		dec->x[t] = park->hi;
		park->lo = lo;
	}
	lu_solve(f, dec->x);
	for (t = 0; t < k; t++) {
		u32 l = dec->unknown[f->perm[t]];

		dec->z[cols[l]].hi = dec->x[t];
		bit_set(cp->known, l);
	}
	dec->n_known += k;
	cp->n_known += k;
	dec->stats.eliminated += k;
	return 0;
}

/*
 * Solves component @cp when its rank has become full. Returns 1 when every
 * z is known, else 0.
 */
static int code_check(struct agi_code_decoder *dec, struct code_comp *cp)
{
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

/* --- decoder: cross-check ------------------------------------------------ */

int agi_code_decoder_check(struct agi_code_decoder *dec, u32 j,
			   struct agi_i128 value)
{
	const struct code_comp *cp;
	struct agi_i128 want = { 0, 0 };
	const u64 *set;
	u32 p = j - dec->code.m, w;

	if (j >= dec->code.n_coded)
		return -EINVAL;
	if (j < dec->code.m) {
		cp = &dec->comp[dec->comp_of[j]];
		if (!bit_test(cp->known, dec->local[j]))
			return -EAGAIN;
		want = dec->z[j];
	} else if (dec->set_comp[p] != CODE_NONE) {
		cp = &dec->comp[dec->set_comp[p]];
		set = dec->sets[p];
		for (w = 0; w < cp->words; w++)
			if (set[w] & ~cp->known[w])
				return -EAGAIN;
		want = code_sum_known(dec, cp, set);
	}	/* else S_j is padding only: the row is 0 */
	dec->stats.checked++;
	if (want.lo == value.lo && want.hi == value.hi)
		return 1;
	dec->stats.inconsistent++;
	return 0;
}

/* --- decoder: results ---------------------------------------------------- */

static int code_add_systematic(struct agi_code_decoder *dec, u32 j,
			       struct agi_i128 value)
{
	struct code_comp *cp = &dec->comp[dec->comp_of[j]];
	struct gf2_basis b = code_basis(dec, cp);
	u32 l = dec->local[j];

	if (bit_test(cp->known, l)) {
		dec->stats.redundant++;	/* its component was solved */
		agi_code_decoder_check(dec, j, value);
		return 0;
	}
	code_learn(dec, cp, l, value);
	dec->stats.systematic++;
	if (basis_project_out(&b, l, cp->known))
		cp->rank--;
	return code_check(dec, cp);
}

static int code_add_parity(struct agi_code_decoder *dec, u32 j,
			   struct agi_i128 value)
{
	u32 p = j - dec->code.m;
	struct code_pending *kept = &dec->pending[dec->n_pending];
	u64 v[AGI_CODE_SET_WORDS];
	struct code_comp *cp;
	struct gf2_basis b;

	if (dec->set_comp[p] == CODE_NONE) {
		dec->stats.redundant++;	/* S_j is padding only */
		agi_code_decoder_check(dec, j, value);
		return 0;
	}
	cp = &dec->comp[dec->set_comp[p]];
	if (cp->n_known == cp->size) {
		dec->stats.redundant++;
		agi_code_decoder_check(dec, j, value);
		return 0;
	}
	/* Cannot happen: a component keeps at most its size of rows. */
	if (unlikely(dec->n_pending >= dec->code.m))
		return 0;
	b = code_basis(dec, cp);
	memcpy(v, dec->sets[p], cp->words * sizeof(u64));
	/* A row that adds no rank is in the span of what is kept: drop it. */
	if (!basis_insert(&b, v, cp->known))
		return 0;
	memcpy(kept->set, dec->sets[p], sizeof(kept->set));
	kept->value = value;
	kept->j = (u16)j;
	kept->next = CODE_NONE;
	if (cp->head == CODE_NONE)
		cp->head = (u16)dec->n_pending;
	else
		dec->pending[cp->tail].next = (u16)dec->n_pending;
	cp->tail = (u16)dec->n_pending++;
	cp->rank++;
	dec->stats.kept++;
	return code_check(dec, cp);
}

int agi_code_decoder_add(struct agi_code_decoder *dec, u32 j,
			 struct agi_i128 value)
{
	if (j >= dec->code.n_coded)
		return -EINVAL;
	if (dec->done) {
		dec->stats.late++;
		agi_code_decoder_check(dec, j, value);
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
