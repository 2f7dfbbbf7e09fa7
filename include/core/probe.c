// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The fixed-point probe's known answers (probe.h).
 */
#include "probe.h"

/* One entry of the probe's pattern @kind at (i, j); @rnd a running LCG. */
static s32 probe_entry(u32 kind, u32 i, u32 j, u64 *rnd)
{
	*rnd = *rnd * 6364136223846793005ULL + 1442695040888963407ULL;
	switch (kind % 8) {
	case 0:
		return S32_MIN;
	case 1:
		return S32_MAX;
	case 2:
		return (i + j) & 1 ? S32_MAX : S32_MIN;
	case 3:
		return (s32)((j & 1 ? -1 : 1) * ((s64)1 << ((i + j) % 31)));
	case 4:
		return j == i ? 1 : 0;
	case 5:
		return (s32)(*rnd >> 32);
	case 6:
		return -1;
	default:
		return (j % 3) - 1;
	}
}

void agi_probe_matrices(s32 *A, s32 *B)
{
	u64 rnd = 0x5eed;
	u32 i, j;

	for (i = 0; i < AGI_PROBE_ROWS; i++)
		for (j = 0; j < AGI_PROBE_COLS; j++)
			A[i * AGI_PROBE_COLS + j] = probe_entry(i, i, j, &rnd);
	for (j = 0; j < AGI_PROBE_BCOLS; j++)
		for (i = 0; i < AGI_PROBE_COLS; i++)
			B[i * AGI_PROBE_BCOLS + j] = probe_entry(j + 3, j, i,
								 &rnd);
}
