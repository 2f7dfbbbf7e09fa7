// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The content hash of a worker's row set; see rowhash.h for its
 * definition.
 */

#include <asm/unaligned.h>
#include <linux/string.h>

#include "rowhash.h"

static const char rowhash_domain[16] = "AGISWARM-ROWS-v1";

/**
 * agiswarm_rowhash_init() - start hashing a row set
 * @h: the state
 * @nrows: rows in the set
 * @ncols: entries per row
 */
void agiswarm_rowhash_init(struct agiswarm_rowhash *h, u16 nrows, u16 ncols)
{
	u8 b[4];

	blake2s_init(&h->b2, AGISWARM_WIRE_HASH_LEN);
	blake2s_update(&h->b2, rowhash_domain, sizeof(rowhash_domain));
	put_unaligned_be16(nrows, b);
	put_unaligned_be16(ncols, b + 2);
	blake2s_update(&h->b2, b, sizeof(b));
}

/**
 * agiswarm_rowhash_row() - hash the next row, in ascending index order
 * @h: the state
 * @row: its coded row index
 * @entries: its @ncols entries
 * @ncols: entries per row
 */
void agiswarm_rowhash_row(struct agiswarm_rowhash *h, u16 row,
			  const s64 *entries, u16 ncols)
{
	u8 b[8];
	u16 i;

	put_unaligned_be16(row, b);
	blake2s_update(&h->b2, b, 2);
	for (i = 0; i < ncols; i++) {
		put_unaligned_be64((u64)entries[i], b);
		blake2s_update(&h->b2, b, 8);
	}
}

/**
 * agiswarm_rowhash_final() - the hash of the rows fed, state wiped
 * @h: the state
 * @out: the hash
 */
void agiswarm_rowhash_final(struct agiswarm_rowhash *h,
			    u8 out[AGISWARM_WIRE_HASH_LEN])
{
	blake2s_final(&h->b2, out);
}

/**
 * agiswarm_rowhash_order() - the slots of a row set in ascending row index
 * @row: the row index of each slot
 * @nrows: slots, at most AGISWARM_WIRE_ROWS_MAX
 * @order: the slots, sorted by their row index (insertion sort: a few
 *	dozen at most)
 */
void agiswarm_rowhash_order(const u16 *row, u16 nrows, u16 *order)
{
	u16 i, j, s;

	for (i = 0; i < nrows; i++) {
		s = i;
		for (j = i; j > 0 && row[order[j - 1]] > row[s]; j--)
			order[j] = order[j - 1];
		order[j] = s;
	}
}
