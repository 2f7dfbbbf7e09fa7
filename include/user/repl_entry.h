/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The entries of the aggregator group's replicated log (agiswarmd's Raft
 * log, daemon/repl.c): what every replica applies, in the same order.
 *
 * One entry is one deterministic CBOR map with small unsigned keys in
 * ascending order, all present, written and read with the core's bounded
 * CBOR writer and cursor (include/core/cbor.h):
 *
 *   COMMIT (1): an operator commit the leader accepted
 *     1 type        uint 1
 *     2 seq         uint: the commit's seq (the audit log's order)
 *     3 apply cycle uint: the cycle it takes effect at, chosen by the leader
 *     4 time        uint: unix seconds at which the leader accepted it (the
 *                   audit record's time, so that every replica writes the
 *                   same record)
 *     5 key id      bytes 8: the operator's key id
 *     6 body        bytes 1..AGI_COMMIT_BODY_MAX: the whole signed body
 *     7 signature   bytes 64: the operator's Ed25519 signature of it
 *
 *   WORKER (2): a worker joins or leaves the swarm
 *     1 type        uint 2
 *     2 op          uint: 1 add, 2 remove
 *     3 worker id   uint (u32, nonzero)
 *     4 address     text 1..63: "A.B.C.D:PORT" or "[IPv6]:PORT" (add), ""
 *                   (remove)
 *
 * The map is followed by zero bytes up to the next multiple of 8 bytes
 * (libraft stores entries of such lengths). The decoder takes nothing else: another key, a missing one, a wrong
 * type or length, a body that is not a canonical signed commit body, or
 * bytes that are not deterministic CBOR are -EBADMSG.
 */
#ifndef AGISWARM_USER_REPL_ENTRY_H
#define AGISWARM_USER_REPL_ENTRY_H

#include <stddef.h>
#include <stdint.h>

#include "commit.h"
#include "keys.h"

enum agi_repl_type {
	AGI_REPL_COMMIT = 1,
	AGI_REPL_WORKER = 2,
};

enum agi_repl_worker_op {
	AGI_REPL_WORKER_ADD = 1,
	AGI_REPL_WORKER_REMOVE = 2,
};

#define AGI_REPL_ADDR_MAX 64
/* Every entry fits in this many bytes. */
#define AGI_REPL_ENTRY_MAX (AGI_COMMIT_BODY_MAX + 160)

struct agi_repl_commit {
	uint64_t seq;
	uint64_t apply_cycle;
	uint64_t time;
	uint8_t key_id[AGI_KEYID_LEN];
	uint8_t body[AGI_COMMIT_BODY_MAX];
	size_t body_len;
	uint8_t sig[AGI_SIG_LEN];
};

struct agi_repl_worker {
	uint8_t op;			/* enum agi_repl_worker_op */
	uint32_t id;
	char address[AGI_REPL_ADDR_MAX];	/* "" when removed */
};

struct agi_repl_entry {
	uint8_t type;			/* enum agi_repl_type */
	union {
		struct agi_repl_commit commit;
		struct agi_repl_worker worker;
	};
};

/* The entry's bytes into @buf: the length, -EINVAL or -EMSGSIZE. */
int agi_repl_entry_encode(const struct agi_repl_entry *e, uint8_t *buf,
			  size_t cap);
/* 0, or -EBADMSG for anything but one whole entry of the shapes above. */
int agi_repl_entry_decode(const uint8_t *buf, size_t len,
			  struct agi_repl_entry *e);

struct agi_audit;
/*
 * What every replica does with a COMMIT entry first: the audit record,
 * the same bytes on every replica (the entry's time and apply cycle).
 * 0, -EALREADY when the log holds this seq or a later one already (a
 * replay after a restart, or a second commit with a used seq), or -EIO
 * with @err set.
 */
int agi_repl_commit_audit(struct agi_audit *a, const struct agi_repl_commit *c,
			  char *err, size_t errlen);

#endif /* AGISWARM_USER_REPL_ENTRY_H */
