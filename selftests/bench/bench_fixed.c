// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Cost of the exact dot product, the inner loop of every worker and of the
 * uncoded reference: nanoseconds per multiply-accumulate of agi_q_dot_exact()
 * for n = 16, 64 and 256, on random Q1.31 data. Each size runs ROUNDS
 * rounds of about BENCH_NS of wall time and prints the best: rounds shorter
 * than a scheduler time slice make it likely that some ran undisturbed even
 * when other jobs share the CPUs.
 *
 *   bench fixed dot n=256: 0.62 ns/MAC
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/fixed.h"

#define BENCH_NS 1000000ULL	/* 1 ms per round */
#define ROUNDS 300
#define MAX_N 256

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * Feeds every result into a sink the compiler must keep, and varies one
 * input per call through it, so no call can be hoisted or dropped.
 */
static volatile uint64_t sink;

static double ns_per_mac(s32 *a, const s32 *x, u32 n)
{
	uint64_t calls = 0, acc = 0, start = now_ns(), elapsed;

	do {
		for (int i = 0; i < 64; i++) {
			struct agi_i128 s = agi_q_dot_exact(a, x, n);

			acc += s.lo ^ s.hi;
			a[0] = (s32)acc;
		}
		calls += 64;
		elapsed = now_ns() - start;
	} while (elapsed < BENCH_NS);
	sink = acc;
	return (double)elapsed / ((double)calls * n);
}

int main(void)
{
	static const u32 sizes[] = { 16, 64, 256 };
	static s32 a[MAX_N], x[MAX_N];
	uint64_t r = 0x2545f4914f6cdd1dULL;

	for (int k = 0; k < MAX_N; k++) {
		r ^= r << 13, r ^= r >> 7, r ^= r << 17;
		a[k] = (s32)r;
		x[k] = (s32)(r >> 32);
	}
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		double best = 1e9;

		for (int round = 0; round < ROUNDS; round++) {
			double t = ns_per_mac(a, x, sizes[i]);

			best = t < best ? t : best;
		}
		printf("bench fixed dot n=%u: %.2f ns/MAC\n", sizes[i], best);
	}
	return 0;
}
