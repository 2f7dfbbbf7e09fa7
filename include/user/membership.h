/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * What an aggregator's daemon does about one worker (daemon/members.c),
 * as pure decisions, so that they can be tested without a module or a
 * group.
 *
 * agi_member_step(): after each judgement of a worker's health. Alone,
 * the daemon changes its module itself: a healthy worker the module does
 * not have is added, an unhealthy one that is not static removed. In a
 * replicated group the same two changes are the group's: only the raft
 * leader proposes them (one proposal in flight per worker, none while a
 * failed one waits for its retry), as WORKER entries of the log, and a
 * follower changes nothing of its own. There a static worker (of
 * aggregator.workers) that the module lacks is proposed whatever its
 * health: a group is always sealed, and a sealed module opens only its
 * peers' heartbeats, so such a worker could never be heard first (the
 * files of a running group gained it, its daemons restarted one by one,
 * which adopt the running modules as they are). Anything else is at most the new
 * health told to a module that has the worker at the same endpoint,
 * which keeps its rows: that stays local, leader or not.
 *
 * agi_member_apply_step(): what a member does with a WORKER entry the
 * group committed, leader included. Entries are idempotent (an ADD of a
 * worker the module has at that endpoint, a REMOVE of one it does not
 * have, change nothing), so that a duplicate proposal or the log's
 * replay after a restart leaves the same set. A sealed aggregator keys a
 * worker's link from aggregator.workers[]: an ADD of a worker that its
 * file gives no key is refused.
 */
#ifndef AGISWARM_USER_MEMBERSHIP_H
#define AGISWARM_USER_MEMBERSHIP_H

#include <stdbool.h>
#include <stdint.h>

/* A health that is none of enum agiswarm_health: never heard, static. */
#define AGI_MEMBER_HEALTH_UNKNOWN 0xff

enum agi_member_act {
	AGI_MEMBER_KEEP,		/* nothing to do */
	AGI_MEMBER_TELL,		/* tell the module the new health */
	AGI_MEMBER_ADD,			/* add it to the module */
	AGI_MEMBER_REMOVE,		/* remove it from the module */
	AGI_MEMBER_PROPOSE_ADD,		/* propose a WORKER ADD entry */
	AGI_MEMBER_PROPOSE_REMOVE,	/* propose a WORKER REMOVE entry */
};

struct agi_member_view {
	uint8_t health;		/* enum agiswarm_health, or _UNKNOWN */
	bool in_module;		/* the module has it at its endpoint */
	bool is_static;		/* in aggregator.workers: never removed */
	bool health_told;	/* the module has this health already */
	bool in_group;		/* replication.member: a replicated group */
	bool leader;		/* this member leads the group's log */
	bool proposing;		/* a proposal for it is in flight or waits */
};

enum agi_member_act agi_member_step(const struct agi_member_view *v);

enum agi_member_apply {
	AGI_APPLY_NOTHING,	/* the module is as the entry says already */
	AGI_APPLY_ADD,
	AGI_APPLY_REMOVE,
	AGI_APPLY_NO_KEY,	/* sealed, and no key for it: refused */
	AGI_APPLY_INVALID,	/* not an op of enum agi_repl_worker_op */
};

/*
 * @op: enum agi_repl_worker_op; @in_module: the module has the worker,
 * @same_ep: at the entry's address; @sealed: the aggregator seals its
 * links, @has_key: its aggregator.workers[] gives the worker a key.
 */
enum agi_member_apply agi_member_apply_step(uint8_t op, bool in_module,
					    bool same_ep, bool sealed,
					    bool has_key);

#endif /* AGISWARM_USER_MEMBERSHIP_H */
