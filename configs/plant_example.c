// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * plant_example: a complete plant over libagiplant, to copy. Build it with
 *
 *   cc -o plant_example plant_example.c $(pkg-config --cflags --libs agiplant)
 *
 * It simulates the plant that configs/swarm_matrix.json stabilises,
 * eight states s in Q1.31 with
 *
 *   s[k+1] = 1.1 s[k] + 0.05 (s shifted up by one) + u[k]
 *
 * computed with integers (the gains in Q8.24, one rounding per state),
 * and every PERIOD_MS it sends s to the aggregator group as a SENSOR and
 * applies the newest actuation received. libagiplant has already dropped
 * duplicates, older cycles and fenced epochs, so every actuation it
 * delivers is the next one to apply.
 *
 * Usage: plant_example LISTEN PSK PLANT_PUB STEPS AGG_ADDR AGG_PUB [AGG_ADDR AGG_PUB]...
 * One line per step on stdout: "step K cycle C max|s| M" (M raw Q1.31).
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <agiplant.h>

#define N 8
#define PERIOD_MS 100
#define GAIN 18454938	/* 1.1 in Q8.24 */
#define COUPLING 838861	/* 0.05 in Q8.24 */

static int32_t sat(int64_t v)
{
	return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v;
}

/* One step; @u is the actuation to apply (zero before the first). */
static void step(int32_t *s, const int32_t *u)
{
	int32_t next[N];
	int i;

	for (i = 0; i < N; i++) {
		int64_t acc = (int64_t)GAIN * s[i];

		if (i + 1 < N)
			acc += (int64_t)COUPLING * s[i + 1];
		/* Q8.24 x Q1.31 -> Q1.31: round half up, then saturate. */
		next[i] = sat((int64_t)sat((acc + (1 << 23)) >> 24) + u[i]);
	}
	memcpy(s, next, sizeof(next));
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t max_abs(const int32_t *s)
{
	int64_t m = 0, v;
	int i;

	for (i = 0; i < N; i++) {
		v = s[i] < 0 ? -(int64_t)s[i] : s[i];
		m = v > m ? v : m;
	}
	return m;
}

/* Waits until @deadline, taking every actuation that arrives. */
static int receive_until(struct agiplant *p, int64_t deadline, int32_t *u,
			 uint64_t *cycle)
{
	struct pollfd pfd = { .fd = agiplant_fd(p), .events = POLLIN };
	struct agiplant_actuation a;
	char err[256];
	int64_t now;
	int ret;

	while ((now = now_ms()) < deadline) {
		if (poll(&pfd, 1, (int)(deadline - now)) <= 0)
			continue;
		while ((ret = agiplant_receive(p, &a, err, sizeof(err))) > 0) {
			if (a.n != N || a.format != AGIPLANT_Q1_31)
				continue;	/* not this plant's shape */
			memcpy(u, a.u, sizeof(int32_t) * N);
			*cycle = a.cycle;
		}
		if (ret < 0) {
			fprintf(stderr, "plant_example: %s\n", err);
			return ret;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct agiplant_aggregator agg[AGIPLANT_AGGREGATORS_MAX];
	struct agiplant_config cfg = { 0 };
	int32_t s[N], u[N] = { 0 };
	struct agiplant_stats st;
	uint64_t k, steps, cycle = 0;
	struct agiplant *p;
	char err[512];
	int64_t next;
	int i, ret = 0;

	if (argc < 7 || argc % 2 == 0 || (argc - 5) / 2 > AGIPLANT_AGGREGATORS_MAX) {
		fprintf(stderr, "Usage: plant_example LISTEN PSK PLANT_PUB STEPS AGG_ADDR AGG_PUB [AGG_ADDR AGG_PUB]...\n");
		return 2;
	}
	cfg.listen = argv[1];
	cfg.psk_file = argv[2];
	cfg.key_file = argv[3];
	steps = strtoull(argv[4], NULL, 10);
	for (i = 5; i + 1 < argc; i += 2) {
		agg[cfg.n_aggregators].address = argv[i];
		agg[cfg.n_aggregators++].key_file = argv[i + 1];
	}
	cfg.aggregators = agg;
	if (agiplant_open(&cfg, &p, err, sizeof(err))) {
		fprintf(stderr, "plant_example: %s\n", err);
		return 1;
	}
	for (i = 0; i < N; i++)
		s[i] = INT32_C(1) << 30;	/* 0.5 */
	next = now_ms();
	for (k = 0; k <= steps && !ret; k++) {
		if (k)
			step(s, u);
		printf("step %" PRIu64 " cycle %" PRIu64 " max|s| %" PRId64 "\n",
		       k, cycle, max_abs(s));
		fflush(stdout);
		/* A lost SENSOR is what a real plant sees too: go on. */
		if (agiplant_send_sensor(p, k, AGIPLANT_Q1_31, s, N, err,
					 sizeof(err)))
			fprintf(stderr, "plant_example: %s\n", err);
		next += PERIOD_MS;
		ret = receive_until(p, next, u, &cycle);
	}
	agiplant_get_stats(p, &st);
	fprintf(stderr, "plant_example: %" PRIu64 " actuations applied, %" PRIu64
		" duplicates, %" PRIu64 " older cycles, %" PRIu64
		" fenced epochs, %" PRIu64 " refused\n", st.delivered,
		st.duplicate, st.old_cycle, st.stale_epoch, st.refused);
	agiplant_close(p);
	return ret ? 1 : 0;
}
