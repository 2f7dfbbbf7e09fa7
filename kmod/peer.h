/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 */
#ifndef AGISWARM_PEER_H
#define AGISWARM_PEER_H

#include <linux/in.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

struct agiswarm_link;
struct agiswarm_node;

/**
 * struct agiswarm_peer - a worker, actuator or sensor an aggregator knows
 * @list: in node->peers (RCU; changed under node->conf_lock)
 * @rcu: frees the peer after a grace period
 * @kind: enum agiswarm_peer_kind
 * @id: the peer's node id, unique per kind
 * @ep: its endpoint; IPv4 only for now
 * @rows: coded rows it holds in the current assignment (workers)
 * @gen: the last generation seen in its RESULTs, 0 before any
 * @results: RESULT datagrams used from it
 * @missed: cycles in which it was sent a TASK and answered nothing in time
 * @last_cycle: the last cycle it answered
 * @inconsistent: its RESULTs that disagreed with the decoded y
 * @health: enum agiswarm_health + 1 as the daemon last judged it, 0 while
 *	no one has (written under node->conf_lock, which GET_PEERS holds)
 * @link: its identity and keys (link.c), NULL for a peer added without a
 *	public key, which the node neither sends to nor hears
 * @rank: an aggregator's rank in this node's replicated group + 1, 0 for
 *	none (written under node->conf_lock, read under RCU: READ_ONCE)
 * @refused: a worker whose exact dot products differed from the
 *	aggregator's in a fixed-point probe (job.c): assigned no rows until
 *	a probe passes or it is added again (under node->conf_lock)
 *
 * The statistics (@rows to @inconsistent) are written and read under the
 * aggregator's cycle lock.
 */
struct agiswarm_peer {
	struct list_head list;
	struct rcu_head rcu;
	u8 kind;
	u32 id;
	struct sockaddr_in ep;
	u32 rows;
	u32 gen;
	u64 results;
	u64 missed;
	u64 last_cycle;
	u64 inconsistent;
	u8 health;
	struct agiswarm_link *link;
	u8 rank;
	bool refused;
};

void agiswarm_peer_init(struct agiswarm_node *node);
void agiswarm_peer_uninit(struct agiswarm_node *node);
int agiswarm_peer_add(struct agiswarm_node *node, u8 kind, u32 id,
		      const struct sockaddr_in *ep, u8 health, const u8 *pubkey,
		      struct agiswarm_peer **oldp);
int agiswarm_peer_del(struct agiswarm_node *node, u8 kind, u32 id,
		      struct agiswarm_peer **oldp);
void agiswarm_peer_free(struct agiswarm_peer *p);
struct agiswarm_peer *agiswarm_peer_find(struct agiswarm_node *node, u8 kind,
					 u32 id);
struct agiswarm_peer *agiswarm_peer_find_addr(struct agiswarm_node *node,
					      u8 kind, __be32 addr,
					      __be16 port);
unsigned int agiswarm_peer_count(struct agiswarm_node *node, u8 kind);

#endif /* AGISWARM_PEER_H */
