/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * What code.c (the codes, encoder, rank) and code_decode.c (the decoder)
 * share: bit helpers, the GF(2) basis, and the code's shape as the decoder
 * needs it. Private to the core: nothing outside include/core includes it.
 */
#ifndef AGISWARM_CORE_CODE_PRIV_H
#define AGISWARM_CORE_CODE_PRIV_H

#include "code.h"

/* --- bit helpers: the core may not rely on libgcc helpers in the kernel --- */

static inline u32 popcount64(u64 v)
{
	v = v - ((v >> 1) & 0x5555555555555555ULL);
	v = (v & 0x3333333333333333ULL) + ((v >> 2) & 0x3333333333333333ULL);
	v = (v + (v >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (u32)((v * 0x0101010101010101ULL) >> 56);
}

/* Index of the lowest set bit of a non-zero word. */
static inline u32 ctz64(u64 v)
{
#ifdef __KERNEL__
	return __ffs64(v);
#else
	return (u32)__builtin_ctzll(v);
#endif
}

static inline bool bit_test(const u64 *set, u32 i)
{
	return (set[i / 64] >> (i % 64)) & 1;
}

static inline void bit_set(u64 *set, u32 i)
{
	set[i / 64] |= 1ULL << (i % 64);
}

static inline void bit_clear(u64 *set, u32 i)
{
	set[i / 64] &= ~(1ULL << (i % 64));
}

/* Lowest set bit of @set outside @ignore (may be NULL), or -1. */
static inline int bit_lowest(const u64 *set, const u64 *ignore, u32 words)
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

static inline u32 code_words(u32 m)
{
	return (m + 63) / 64;
}

/* --- GF(2) bases ----------------------------------------------------------- */

/* --- GF(2) bases ----------------------------------------------------------- */

/**
 * struct gf2_basis - a GF(2) basis over @words words, indexed by pivot
 * @row: row p is present iff bit p of @has_pivot; it has bit p and no bit
 *	below p outside the columns the caller ignores
 * @has_pivot: the pivots present
 * @words: bitset words in use
 */
struct gf2_basis {
	u64 (*row)[AGI_CODE_SET_WORDS];
	u64 *has_pivot;
	u32 words;
};

/*
 * Adds @v (clobbered) to the basis of the quotient by the columns in
 * @ignore (may be NULL); true when the rank grew.
 */
static inline bool basis_insert(const struct gf2_basis *g, u64 *v, const u64 *ignore)
{
	u32 w;
	int c;

	if (g->words == 1) {	/* most components: all in a register */
		u64 mask = ignore ? ~ignore[0] : ~0ULL, x = v[0];

		while (x & mask) {
			c = (int)ctz64(x & mask);
			if (!bit_test(g->has_pivot, c)) {
				g->row[c][0] = x;
				bit_set(g->has_pivot, c);
				return true;
			}
			x ^= g->row[c][0];
		}
		return false;
	}
	while ((c = bit_lowest(v, ignore, g->words)) >= 0) {
		if (!bit_test(g->has_pivot, c)) {
			memcpy(g->row[c], v, g->words * sizeof(u64));
			bit_set(g->has_pivot, c);
			return true;
		}
		/* Clears bit c and sets nothing below it outside @ignore. */
		for (w = 0; w < g->words; w++)
			v[w] ^= g->row[c][w];
	}
	return false;
}

/*
 * Whether @code is one agi_code_init() or agi_code_init_mds() could have
 * made (a hand-made MDS code must be exactly what agi_code_init_mds()
 * makes).
 */
bool agi_code_consistent(const struct agi_code *code);

/*
 * The most unknowns one solve of a decoder for @code can have (at least 1,
 * at most m): see code.c.
 */
u32 agi_code_max_unknowns(const struct agi_code *code);

#endif /* AGISWARM_CORE_CODE_PRIV_H */
