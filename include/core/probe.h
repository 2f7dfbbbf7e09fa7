/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The known answers of a fixed-point probe (AGISWARM_JOB_OP_PROBE): the
 * module builds them itself for a worker that joins (SET_NODE
 * AGISWARM_A_PROBE_JOIN), agictl for `job run fixed-probe`; one generator
 * for both, so that the two probes are the same.
 */
#ifndef AGISWARM_CORE_PROBE_H
#define AGISWARM_CORE_PROBE_H

#include "compat.h"

/*
 * A (AGI_PROBE_ROWS x AGI_PROBE_COLS) and B (AGI_PROBE_COLS x
 * AGI_PROBE_BCOLS), raw Q1.31, row-major: rows and columns of extremes
 * (every product 2^62, sums past 64 bits), alternating signs, signed powers
 * of two, single terms, zeros and a fixed pseudo-random stream, so that
 * every exact sum a worker returns tests the carries and signs of its
 * 128-bit arithmetic.
 */
#define AGI_PROBE_ROWS 16
#define AGI_PROBE_COLS 256
#define AGI_PROBE_BCOLS 8
void agi_probe_matrices(s32 *A, s32 *B);

#endif
