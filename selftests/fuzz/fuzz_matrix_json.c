// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * libFuzzer target: the matrix files (include/user/matrix_json.c,
 * jansson), operator bytes both agictl and agiswarmd read. Any input is a
 * matrix within the limits (1..256 rows and columns, every entry in its
 * format) or a refusal that names the file; with the default search and
 * with an explicit key path.
 */
#include <stdlib.h>
#include <string.h>

#include "core/fixed.h"
#include "user/matrix_json.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static void check(const u8 *data, size_t size, const char *want)
{
	const struct agi_qinfo *q;
	struct agi_matrix m;
	char err[1024];
	size_t i;

	if (agi_matrix_parse((const char *)data, size, "fuzz.json", want, &m,
			     err, sizeof(err))) {
		if (strncmp(err, "fuzz.json", 9) && strcmp(err, "Cannot allocate memory"))
			abort();
		if (m.data)
			abort();
		return;
	}
	q = agi_q_info(m.fmt);
	if (!q || !m.rows || !m.cols || m.rows > AGISWARM_WIRE_VEC_MAX ||
	    m.cols > AGISWARM_WIRE_VEC_MAX || !m.data)
		abort();
	for (i = 0; i < (size_t)m.rows * m.cols; i++)
		if (m.data[i] < q->min || m.data[i] > q->max)
			abort();
	agi_matrix_free(&m);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	check(data, size, NULL);
	check(data, size, "control_matrices.state_feedback.matrix");
	return 0;
}
