/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The content hash of a worker's row set (the UAPI header's "Bound row
 * sets"): BLAKE2s-128 from the kernel's lib/crypto over
 *
 *    "AGISWARM-ROWS-v1" || be16 nrows || be16 ncols ||
 *    for each coded row, in ascending row index:
 *        be16 row index || ncols be64 entries
 *
 * The aggregator hashes each worker's rows when it builds an assignment;
 * the worker hashes what it received when its staging is complete. Both
 * feed the rows in ascending index order, whatever order they arrived in.
 */
#ifndef AGISWARM_ROWHASH_H
#define AGISWARM_ROWHASH_H

#include <crypto/blake2s.h>
#include <linux/types.h>

#include "../include/uapi/linux/agiswarm.h"

struct agiswarm_rowhash {
	struct blake2s_state b2;
};

void agiswarm_rowhash_init(struct agiswarm_rowhash *h, u16 nrows, u16 ncols);
void agiswarm_rowhash_row(struct agiswarm_rowhash *h, u16 row,
			  const s64 *entries, u16 ncols);
void agiswarm_rowhash_final(struct agiswarm_rowhash *h,
			    u8 out[AGISWARM_WIRE_HASH_LEN]);
void agiswarm_rowhash_order(const u16 *row, u16 nrows, u16 *order);

#endif /* AGISWARM_ROWHASH_H */
