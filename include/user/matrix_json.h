/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The matrix files, in the seeds' JSON (jansson):
 *
 *   {"control_matrices": {"state_feedback": {"matrix": [[1.0, 0.5], ...],
 *                                            "precision": "Q1.31"}}}
 *
 * A matrix is named by its key path (control_matrices.state_feedback.matrix)
 * or, by default, is the first array named "matrix" under
 * control_matrices, depth first in file order. Its "precision" (a sibling)
 * is Q1.31, Q1.15, Q8.24 or Q16.16, Q1.31 when absent. Entries are decimals,
 * converted as the fixed-point specification says (include/core/fixed.h).
 * The whole file is validated before anything is used, so a bad file never
 * leaves a half-loaded matrix anywhere; agictl and agiswarmd read matrices
 * only through this, so both accept the same files with the same words.
 */
#ifndef AGISWARM_USER_MATRIX_JSON_H
#define AGISWARM_USER_MATRIX_JSON_H

#include <stddef.h>

#include "matrix.h"

/*
 * Reads the matrix at key path @want (NULL: the default) of @file into
 * @m, which the caller frees with agi_matrix_free(). Returns 0, or a
 * negative errno with one line in @err naming the file, the key path with
 * indices, the value and what is allowed:
 *   "m.json: control_matrices.state_feedback.matrix[0][0]: 1.2 does not
 *    fit Q1.31 [-1, 0.9999999995]; Q8.24 holds it"
 *   "m.json:3:7: <jansson's words>", "m.json: No such file or directory"
 * A non-number, a ragged or empty matrix and one past 256 rows or columns
 * are refused the same way. A key of @want that is missing is -ENOKEY
 * (so that a caller may look for optional matrices), other errors
 * -EINVAL, -ENOMEM or fopen()'s.
 */
int agi_matrix_read(const char *file, const char *want, struct agi_matrix *m,
		    char *err, size_t errlen);
/* The same from the @len bytes at @text; @name stands for the file. */
int agi_matrix_parse(const char *text, size_t len, const char *name,
		     const char *want, struct agi_matrix *m, char *err,
		     size_t errlen);

#endif /* AGISWARM_USER_MATRIX_JSON_H */
