/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The tests' one random stream: splitmix64 (Steele, Lea, Flood 2014), fast,
 * reproducible from a 64-bit seed and independent of libc's rand(). A run
 * takes its seed from $AGI_SEED (any base strtoull() reads; the older name
 * AGISWARM_TEST_SEED too), else from the clock and the pid, and logs it,
 * so that a failure can be replayed exactly:
 *
 *	TEST(something)
 *	{
 *		TEST_RNG_BEGIN(0);	// seeds, and TH_LOGs the seed
 *		x = test_rng();
 *	}
 *
 * Benchmarks set test_rng_state to a constant instead. The code's own
 * generator (include/core/code.c) is also splitmix64-based, but it is the
 * product, written from its specification; tests never borrow it.
 */
#ifndef AGISWARM_TEST_RNG_H
#define AGISWARM_TEST_RNG_H

#include <inttypes.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static uint64_t test_rng_state;

static inline uint64_t test_rng(void)
{
	uint64_t z = (test_rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform enough in 0..n-1 for tests (n far below 2^32). */
static inline uint32_t test_rng_below(uint32_t n)
{
	return (uint32_t)(test_rng() % n);
}

/* The run's seed: the same on every call of one process. */
static inline uint64_t test_rng_seed(void)
{
	static uint64_t seed;
	static int chosen;
	const char *env;

	if (chosen)
		return seed;
	env = getenv("AGI_SEED");
	if (!env)
		env = getenv("AGISWARM_TEST_SEED");
	seed = env ? strtoull(env, NULL, 0) :
	       (uint64_t)time(NULL) * 1000003u ^ (uint64_t)getpid();
	chosen = 1;
	return seed;
}

/*
 * In a kselftest_harness TEST: start the stream at the run's seed, mixed
 * with @stream so that the tests of one run draw different numbers, and
 * log how to replay the run.
 */
#define TEST_RNG_BEGIN(stream) do {					\
	uint64_t seed_ = test_rng_seed();				\
									\
	test_rng_state = seed_ ^ (uint64_t)(stream);			\
	TH_LOG("seed %" PRIu64 " (rerun with AGI_SEED=%" PRIu64 ")",	\
	       seed_, seed_);						\
} while (0)

#endif /* AGISWARM_TEST_RNG_H */
