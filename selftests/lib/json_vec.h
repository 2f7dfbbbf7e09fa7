/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The simulated plants' JSON lines (plant, modbus_plant): one member
 * ,"KEY":[v,...] of raw fixed-point integers.
 */
#ifndef AGISWARM_SELFTESTS_JSON_VEC_H
#define AGISWARM_SELFTESTS_JSON_VEC_H

#include <inttypes.h>
#include <stdio.h>

static inline void print_vec(const char *key, const int32_t *v, unsigned int n)
{
	unsigned int i;

	printf(",\"%s\":[", key);
	for (i = 0; i < n; i++)
		printf("%s%" PRId32, i ? "," : "", v[i]);
	printf("]");
}

#endif /* AGISWARM_SELFTESTS_JSON_VEC_H */
