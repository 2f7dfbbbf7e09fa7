/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Fixed material for the replicated log's tests, fuzzers and seeds: two
 * members' node keys (RFC 8032's TEST 1 and TEST 2 seeds) and example
 * entries. repl_test checks them; corpus_gen writes seeds from them; the
 * channel fuzzer answers as member B.
 */
#ifndef AGISWARM_TEST_REPL_EXAMPLE_H
#define AGISWARM_TEST_REPL_EXAMPLE_H

#include <string.h>

#include "user/channel.h"
#include "user/repl_entry.h"
#include "commit_example.h"

static const uint8_t repl_seed_a[AGI_SEED_LEN] = {
	0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a,
	0xf4, 0x92, 0xec, 0x2c, 0xc4, 0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32,
	0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
};
static const uint8_t repl_seed_b[AGI_SEED_LEN] = {
	0x4c, 0xcd, 0x08, 0x9b, 0x28, 0xff, 0x96, 0xda, 0x9d, 0xb6, 0xc3,
	0x46, 0xec, 0x11, 0x4e, 0x0f, 0x5b, 0x8a, 0x31, 0x9f, 0x35, 0xab,
	0xa6, 0x24, 0xda, 0x8c, 0xf6, 0xed, 0x4f, 0xb8, 0xa6, 0xfb,
};

/* The example commit as a COMMIT entry (signature bytes 0x55). */
static inline void repl_example_commit(struct agi_repl_entry *e)
{
	struct agi_commit c;
	int n;

	memset(e, 0, sizeof(*e));
	example_commit(&c);
	e->type = AGI_REPL_COMMIT;
	e->commit.seq = c.seq;
	e->commit.apply_cycle = 1234;
	e->commit.time = 1700000001;
	memcpy(e->commit.key_id, c.key_id, AGI_KEYID_LEN);
	n = agi_commit_encode(&c, e->commit.body, sizeof(e->commit.body));
	e->commit.body_len = n > 0 ? (size_t)n : 0;
	memset(e->commit.sig, 0x55, AGI_SIG_LEN);
}

static inline void repl_example_worker(struct agi_repl_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->type = AGI_REPL_WORKER;
	e->worker.op = AGI_REPL_WORKER_ADD;
	e->worker.id = 11;
	strcpy(e->worker.address, "192.0.2.11:6000");
}

#endif /* AGISWARM_TEST_REPL_EXAMPLE_H */
