/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The matrix A: in memory (struct agi_matrix, as matrix_json.h reads it
 * and a signed commit carries it), loaded into an aggregator
 * (AGISWARM_CMD_SET_MATRIX, in chunks of whole rows) and shown
 * (AGISWARM_CMD_GET_MATRIX).
 */
#ifndef AGISWARM_USER_MATRIX_H
#define AGISWARM_USER_MATRIX_H

#include "core/compat.h"
#include "uapi/linux/agiswarm.h"
#include "nl.h"

/**
 * struct agi_matrix - a matrix of raw fixed-point values
 * @path: the key path it was read from ("" when it was not read)
 * @fmt: the format of every entry (enum agiswarm_qformat)
 * @data: @rows x @cols raw values, row-major; owned when read from a file
 */
struct agi_matrix {
	char path[256];
	enum agiswarm_qformat fmt;
	u32 rows, cols;
	s32 *data;
};

/* Frees what agi_matrix_read() allocated; safe to call twice. */
void agi_matrix_free(struct agi_matrix *m);

/*
 * Sends @m to the aggregator in chunks of whole rows, each message under
 * 60 KiB, on one socket; the module swaps it in when the last row has
 * arrived (or, with @apply_at, at that cycle). 0, or the module's -errno
 * (its reason in nl->extack; the matrix it had stays).
 */
int agi_matrix_set(struct agi_nl *nl, const struct agi_matrix *m,
		   u64 apply_at);

/**
 * struct agi_matrix_info - what GET_MATRIX tells of the matrix in use
 * @n_coded: coded rows over all workers, 0 while no worker holds rows
 * @gen: the generation of the row assignment
 * @seed: the code seed in use
 */
struct agi_matrix_info {
	u8 fmt;
	u32 rows, cols, n_coded, gen;
	u64 seed;
};

/*
 * 0; -ENOENT (with the module's extack) when no matrix is loaded; -EBADMSG
 * with nl->reply_error when the reply lacks the dimensions.
 */
int agi_matrix_get(struct agi_nl *nl, struct agi_matrix_info *mi);

#endif /* AGISWARM_USER_MATRIX_H */
