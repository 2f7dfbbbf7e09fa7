// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * repl_stress: the daemon's replication code (daemon/repl.c,
 * daemon/repl_transport.c, libraft) of three members in one process on
 * 127.0.0.1, stressed where the group changes hands: the leader proposes
 * entries all the time, hands its leadership to another member, members
 * stop and start again on their logs, and the loop stalls for longer than
 * an election timeout (as a slow machine does), so that leaders lose their
 * majority with proposals in flight. Built sanitized: a proposal's answer
 * that comes twice, never, or after its memory is gone fails it, as does
 * any use after free in the layer.
 *
 *   repl_stress churn|stop DIR [SECONDS [BASE_PORT [SEED]]]
 *
 * churn: the leader hands its leadership on often (as group.c does to
 * follow the module's primary), proposals in flight, the loop stalls;
 * stop: leaders also stop (agid_repl_stop) right after proposing, their
 * writes in flight, and start again on their logs.
 *
 * The members are not closed at the end (finish()): the process leaves
 * with _exit(), without a leak check.
 *
 * Exit 0 when every proposal was answered exactly once, the members
 * applied the same entries in the same order and none of them logged an
 * error. libraft 0.15's crashes that repl.c works around come within
 * seconds here: a follower that answers entries it persisted while a
 * transfer's election took its leader (a NULL address), a leader stopped
 * with two writes in flight; and within minutes of churn: a former leader
 * whose transfer is still pending votes twice in a term, and one of the
 * two leaders it makes takes the other's AppendEntries into its leader
 * state (a SIGSEGV in the next tick).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "user/config.h"
#include "user/keys.h"
#include "user/repl_entry.h"
#include "../../../daemon/repl.h"

#define N 3
#define ELECTION_MS 100
#define MAX_INFLIGHT 32
#define MAGIC 0x5eed5eedu

struct member {
	unsigned i;
	struct agi_config cfg;
	struct agi_keypair key;
	struct agid_repl *r;
	bool up, stopping;
	u64 down_until;		/* ms, while stopped */
	u64 applied;		/* entries applied */
	u64 last_index;
	u32 *ids;		/* entry ids in apply order */
	size_t n_ids, cap_ids;
};

struct proposal {
	u32 magic;
	u32 id;
	struct member *m;
};

static struct member members[N];
static uv_loop_t loop;
static uv_timer_t ticker;
static u64 deadline, inflight, proposed, acked, lost, transfers, stalls,
	restarts, errors;
static u32 next_id = 1;
static bool verbose, ending;
static int transfer_pm, stop_pm;	/* per mille of a leader's ticks */

static u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000 + (u64)ts.tv_nsec / 1000000;
}

/* An error logged (two leaders of one term, say) fails the run. */
static void log_line(void *arg, enum agi_log_level level, const char *line)
{
	struct member *m = arg;

	if (level == AGI_LOG_ERROR)
		errors++;
	if (verbose || level == AGI_LOG_ERROR)
		fprintf(stderr, "%c: %s\n", 'a' + m->i, line);
}

static int apply(void *arg, u64 index, const struct agi_repl_entry *e)
{
	struct member *m = arg;

	if (index <= m->last_index)	/* again after a restart */
		return 0;
	m->last_index = index;
	if (e->type != AGI_REPL_WORKER)
		return 0;
	if (m->n_ids == m->cap_ids) {
		m->cap_ids = m->cap_ids ? 2 * m->cap_ids : 1024;
		m->ids = realloc(m->ids, m->cap_ids * sizeof(*m->ids));
		if (!m->ids)
			abort();
	}
	m->ids[m->n_ids++] = e->worker.id;
	m->applied++;
	return 0;
}

static void done(void *arg, int status, int result, u64 index)
{
	struct proposal *p = arg;

	(void)result;
	(void)index;
	if (p->magic != MAGIC) {
		fprintf(stderr, "proposal %u answered with a bad magic\n", p->id);
		abort();
	}
	p->magic = 0;
	if (status)
		lost++;
	else
		acked++;
	inflight--;
	free(p);
}

static void start(struct member *m)
{
	const struct agid_repl_ops ops = {
		.apply = apply, .log = log_line, .arg = m,
	};
	char err[AGI_CONFIG_ERR_LEN];

	if (agid_repl_start(&m->r, &loop, &m->cfg, &m->key, &ops, err,
			    sizeof(err))) {
		fprintf(stderr, "%c: %s\n", 'a' + m->i, err);
		exit(1);
	}
	m->up = true;
	/* The log is applied again from its start: apply() skips to last_index. */
}

static void stopped(void *arg)
{
	struct member *m = arg;

	m->stopping = false;
	if (!ending)
		m->down_until = now_ms() + 200 + (u64)(rand() % 1000);
}

static void stop(struct member *m)
{
	m->up = false;
	m->stopping = true;
	agid_repl_stop(m->r, stopped, m);
	m->r = NULL;
}

static void propose(struct member *m)
{
	struct agi_repl_entry e = { .type = AGI_REPL_WORKER };
	struct proposal *p = calloc(1, sizeof(*p));
	int rv;

	if (!p)
		abort();
	p->magic = MAGIC;
	p->id = next_id++;
	p->m = m;
	e.worker.op = AGI_REPL_WORKER_ADD;
	e.worker.id = p->id;
	snprintf(e.worker.address, sizeof(e.worker.address), "10.0.0.%u:6000",
		 p->id % 250 + 1);
	inflight++;
	rv = agid_repl_propose(m->r, &e, done, p);
	if (rv) {
		/* Not the leader after all: no answer comes. */
		inflight--;
		p->magic = 0;
		free(p);
		if (rv != -ENOTCONN)
			errors++;
		return;
	}
	proposed++;
}

/*
 * The end: no more proposals, transfers, stops or stalls; the loop stops
 * once every proposal is answered (or 5 s later: a failure). The members
 * are not stopped: libraft 0.15 may still free what a follower's log
 * truncation in flight uses when it is closed (5319cd9 upstream), a
 * crash of its own that this test is not about.
 */
static void finish(u64 now)
{
	if (!ending) {
		ending = true;
		deadline = now + 5000;
	}
	if (!inflight || now >= deadline)
		uv_stop(&loop);
}

static void tick(uv_timer_t *t)
{
	u64 now = now_ms();
	unsigned i, k;
	int dice;

	(void)t;
	if (ending || now >= deadline) {
		finish(now);
		return;
	}
	for (i = 0; i < N; i++) {
		struct member *m = &members[i];

		if (!m->up) {
			if (!m->stopping && now >= m->down_until) {
				restarts++;
				start(m);
			}
			continue;
		}
		if (!agid_repl_is_leader(m->r))
			continue;
		for (k = rand() % 4; k && inflight < MAX_INFLIGHT; k--)
			propose(m);
		dice = rand() % 1000;
		if (dice < transfer_pm) {
			/* Hand the leadership on, proposals in flight. */
			if (!agid_repl_transfer(m->r, (i + 1 + rand() % (N - 1)) % N,
						"stress"))
				transfers++;
		} else if (dice < transfer_pm + stop_pm) {
			stop(m);
			continue;
		}
	}
	dice = rand() % 1000;
	if (dice < 15) {
		/* A slow machine: no tick, no read for over an election. */
		stalls++;
		usleep((useconds_t)(ELECTION_MS + rand() % (2 * ELECTION_MS)) *
		       1000);
	}
}

static void config(struct member *m, const char *dir, unsigned base)
{
	unsigned i;

	agi_config_defaults(&m->cfg);
	m->cfg.n_group = N;
	for (i = 0; i < N; i++) {
		struct agi_config_member *g = &m->cfg.group[i];

		snprintf(g->name, sizeof(g->name), "%c", 'a' + i);
		snprintf(g->ip, sizeof(g->ip), "127.0.0.1");
		g->port = (u16)(base + i);
		g->raft_port = (u16)(base + 100 + i);
		g->priority = i + 1;
		g->key.set = true;
		memcpy(g->key.pk, members[i].key.pk, AGI_PK_LEN);
	}
	snprintf(m->cfg.repl_member, sizeof(m->cfg.repl_member), "%c",
		 'a' + m->i);
	snprintf(m->cfg.repl_data_dir, sizeof(m->cfg.repl_data_dir),
		 "%s/%c", dir, 'a' + m->i);
	m->cfg.repl_election_ms = ELECTION_MS;
}

int main(int argc, char **argv)
{
	unsigned i, seconds, base, seed;
	size_t k, n;
	int rc = 0;

	if (argc < 3 || (strcmp(argv[1], "churn") && strcmp(argv[1], "stop"))) {
		fprintf(stderr, "usage: repl_stress churn|stop DIR [SECONDS [BASE_PORT [SEED]]]\n");
		return 2;
	}
	transfer_pm = strcmp(argv[1], "churn") ? 50 : 300;
	stop_pm = strcmp(argv[1], "churn") ? 100 : 0;
	argv++;
	argc--;
	seconds = argc > 2 ? (unsigned)atoi(argv[2]) : 20;
	base = argc > 3 ? (unsigned)atoi(argv[3]) : 17600;
	seed = argc > 4 ? (unsigned)atoi(argv[4]) : (unsigned)time(NULL);
	verbose = getenv("REPL_STRESS_VERBOSE") != NULL;
	signal(SIGPIPE, SIG_IGN);
	srand(seed);
	printf("# seed %u, %u s, ports %u..\n", seed, seconds, base);
	if (agi_keys_init())
		return 1;
	for (i = 0; i < N; i++) {
		members[i].i = i;
		if (agi_key_generate(&members[i].key))
			return 1;
	}
	for (i = 0; i < N; i++)
		config(&members[i], argv[1], base);
	uv_loop_init(&loop);
	for (i = 0; i < N; i++)
		start(&members[i]);
	deadline = now_ms() + (u64)seconds * 1000;
	uv_timer_init(&loop, &ticker);
	uv_timer_start(&ticker, tick, 5, 5);
	uv_run(&loop, UV_RUN_DEFAULT);
	printf("# proposed %llu acked %llu lost %llu (in flight %llu), transfers %llu, stalls %llu, restarts %llu, errors %llu\n",
	       (unsigned long long)proposed, (unsigned long long)acked,
	       (unsigned long long)lost, (unsigned long long)inflight,
	       (unsigned long long)transfers, (unsigned long long)stalls,
	       (unsigned long long)restarts, (unsigned long long)errors);
	if (inflight || errors)
		rc = 1;
	/* The same entries in the same order: each log a prefix of another. */
	for (i = 1; i < N; i++) {
		n = members[i].n_ids < members[0].n_ids ? members[i].n_ids :
							  members[0].n_ids;
		for (k = 0; k < n; k++)
			if (members[i].ids[k] != members[0].ids[k]) {
				fprintf(stderr, "%c applied entry %u at %zu, a applied %u\n",
					'a' + i, members[i].ids[k], k,
					members[0].ids[k]);
				rc = 1;
				break;
			}
		printf("# %c applied %llu\n", 'a' + i,
		       (unsigned long long)members[i].applied);
	}
	printf("# a applied %llu\n", (unsigned long long)members[0].applied);
	/* The members still run (see finish()): exit with them. */
	fflush(stdout);
	_exit(rc);
}
