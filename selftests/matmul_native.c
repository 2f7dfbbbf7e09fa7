// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * matmul_native: the single-node side of the jobs benchmark
 * (selftests/bench/vm_jobs.sh). Computes A B on this one CPU with the
 * portable core (agi_q_matvec per column of B: the same dot products, each
 * rounded once, as a coded job decodes) and prints how long it took and a
 * checksum of the result, so that the benchmark compares the swarm's time
 * with the native core's on the same machine in the same run, and its
 * result with this one's.
 *
 *   matmul_native M N K [REPS]
 *
 * A is M x N, A[i][j] = ((i * 7 + j * 3) % 101 - 50) / 64, B is N x K,
 * B[i][j] = ((i * 5 + j * 17) % 89 - 44) / 64, both Q16.16 (raw: the
 * numerator times 1024); vm_jobs.sh writes the same as job files. Prints
 * "native_ns=BEST checksum=SUM", BEST the fastest of REPS (default 3)
 * runs, SUM the sum of the result's raw entries.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/fixed.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int arg(const char *s, long lo, long hi, long *v)
{
	char *end;

	*v = strtol(s, &end, 10);
	return *end || *v < lo || *v > hi;
}

int main(int argc, char **argv)
{
	const enum agiswarm_qformat q = AGISWARM_Q16_16;
	long m, n, k, reps = 3, i, j, r;
	uint64_t best = UINT64_MAX, t0, t;
	s32 *A, *Bt, *Y;
	int64_t sum = 0;

	if ((argc != 4 && argc != 5) || arg(argv[1], 1, 256, &m) ||
	    arg(argv[2], 1, 256, &n) || arg(argv[3], 1, 256, &k) ||
	    (argc == 5 && arg(argv[4], 1, 1000, &reps))) {
		fprintf(stderr, "usage: matmul_native M N K [REPS] (1..256 each, REPS 1..1000)\n");
		return 2;
	}
	A = calloc((size_t)(m * n), sizeof(*A));
	Bt = calloc((size_t)(n * k), sizeof(*Bt));	/* B's columns */
	Y = calloc((size_t)(m * k), sizeof(*Y));	/* Y's columns */
	if (!A || !Bt || !Y)
		return 1;
	for (i = 0; i < m; i++)
		for (j = 0; j < n; j++)
			A[i * n + j] = (s32)(((i * 7 + j * 3) % 101 - 50) * 1024);
	for (i = 0; i < n; i++)
		for (j = 0; j < k; j++)
			Bt[j * n + i] = (s32)(((i * 5 + j * 17) % 89 - 44) * 1024);
	for (r = 0; r < reps; r++) {
		t0 = now_ns();
		for (j = 0; j < k; j++)
			agi_q_matvec(A, (u32)m, (u32)n, q, Bt + j * n, q,
				     Y + j * m);
		t = now_ns() - t0;
		if (t < best)
			best = t;
	}
	for (i = 0; i < m * k; i++)
		sum += Y[i];
	printf("native_ns=%" PRIu64 " checksum=%" PRId64 "\n", best, sum);
	free(A);
	free(Bt);
	free(Y);
	return 0;
}
