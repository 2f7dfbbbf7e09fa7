/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The aggregator group's replicated log: a libraft node (libuv I/O, its
 * log under replication.data_dir) among the daemons of aggregators:, over
 * repl_transport.c's authenticated, encrypted TCP. Nothing here knows the
 * module: what an entry does is the caller's @apply, run on every replica
 * in log order once a majority holds the entry; agiswarmd stages commits
 * with it (commits.c), the group test's harness records them.
 *
 * Raft ids are the members' priorities (unique, 1..255); addresses are
 * "IP:RAFT_PORT". Everything runs on the caller's loop thread.
 */
#ifndef AGISWARMD_REPL_H
#define AGISWARMD_REPL_H

#include <stdbool.h>
#include <uv.h>

#include "user/config.h"
#include "user/keys.h"
#include "user/repl_entry.h"

struct agid_repl;

/**
 * struct agid_repl_ops - what the owner of the log provides
 * @apply: one committed entry, on every replica in log order (also again
 *	after a restart, from the first entry: @apply must recognize what it
 *	already applied, e.g. by the commit's seq); its return value (0 or
 *	-errno) goes to the proposer's callback on the leader
 * @log: one line for the operator, without a newline
 * @member_up: an authenticated connection with the member of key @pk
 *	opened, either way (its daemon started, or the connection was made
 *	again); may be NULL
 * @arg: passed back
 */
struct agid_repl_ops {
	int (*apply)(void *arg, u64 index, const struct agi_repl_entry *e);
	void (*log)(void *arg, enum agi_log_level level, const char *line);
	void (*member_up)(void *arg, const u8 *pk);
	void *arg;
};

/*
 * The proposer's answer: @status 0 when a majority holds the entry and it
 * was applied here (then @result is what @apply returned), or -errno:
 * -ENOTCONN (not the leader, or leadership lost before the entry was
 * committed: it may still be committed later by another leader),
 * -EIO (its write to this member's log failed; it may still be committed
 * from another member's copy), -ECANCELED (shutting down).
 */
typedef void (*agid_repl_done)(void *arg, int status, int result, u64 index);

struct agid_repl_status {
	const char *state;		/* "follower", "candidate", "leader", ... */
	u64 term;
	u64 commit_index;
	u64 last_applied;
	u32 leader;			/* raft id, 0 when unknown */
	char leader_name[64];		/* its aggregators: NAME, "" */
	char leader_addr[80];		/* its IP:PORT (datagrams), "" */
	unsigned members;		/* of the group, this node included */
	unsigned connected;		/* other members with an open,
					 * authenticated connection */
	bool open[AGI_CONFIG_MAX_GROUP];	/* which, in aggregators:
						 * order */
};

/*
 * Starts the node of member cfg->repl_member with the node key @self on
 * @loop: 0, or -errno with @err set ("<action> failed: <reason>").
 */
int agid_repl_start(struct agid_repl **rp, uv_loop_t *loop,
		    const struct agi_config *cfg, const struct agi_keypair *self,
		    const struct agid_repl_ops *ops, char *err, size_t errlen);

/*
 * Proposes @e; @done fires exactly once (possibly before this returns an
 * error: then it does not). 0, or -ENOTCONN when this node is not the
 * leader, -ENOMEM, -EINVAL.
 */
int agid_repl_propose(struct agid_repl *r, const struct agi_repl_entry *e,
		      agid_repl_done done, void *arg);

bool agid_repl_is_leader(struct agid_repl *r);
void agid_repl_status(struct agid_repl *r, struct agid_repl_status *st);
/*
 * The leader hands its role to member @i (aggregators: order), logging
 * @why: 0 when the transfer started (its end is logged), -EALREADY when
 * this node is not the leader or a transfer is under way, -EINVAL for
 * itself, -EIO when raft refused.
 */
int agid_repl_transfer(struct agid_repl *r, unsigned i, const char *why);
/* "not the group's leader; the leader is NAME at IP:PORT" (or unknown). */
void agid_repl_not_leader(struct agid_repl *r, char *buf, size_t size);

/* Stops the node; @closed runs once every handle is closed. */
void agid_repl_stop(struct agid_repl *r, void (*closed)(void *arg),
		    void *arg);

/* repl_transport.c: the raft_uv_transport over authenticated TCP. */
struct raft_uv_transport;
struct agid_repl_peer {
	u32 id;				/* raft id */
	char name[64];
	char addr[80];			/* IP:RAFT_PORT */
	u8 pk[AGI_PK_LEN];
};

int agid_repl_transport_init(struct raft_uv_transport *t, uv_loop_t *loop,
			     const struct agi_keypair *self,
			     const struct agid_repl_peer *peers, unsigned n,
			     const struct agid_repl_ops *ops);
void agid_repl_transport_close(struct raft_uv_transport *t);
/*
 * Members with an authenticated connection open either way: how many, and
 * which in @open (indexed as the peers given at init).
 */
unsigned agid_repl_transport_connected(struct raft_uv_transport *t,
				       bool open[AGI_CONFIG_MAX_GROUP]);

/* Logs through @ops: "raft: " and the formatted line. */
void agid_repl_logf(const struct agid_repl_ops *ops, enum agi_log_level level,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif /* AGISWARMD_REPL_H */
