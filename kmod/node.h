/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 */
#ifndef AGISWARM_NODE_H
#define AGISWARM_NODE_H

#include <linux/hashtable.h>
#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/skbuff.h>
#include <linux/types.h>
#include <linux/u64_stats_sync.h>
#include <net/net_namespace.h>

#include <uapi/linux/agiswarm.h>

struct agiswarm_agg;
struct agiswarm_worker;
struct socket;

/**
 * struct agiswarm_pcpu_counters - one CPU's share of a node's counters
 * @syncp: lets 32-bit readers see whole 64-bit values
 * @cnt: indexed by enum agiswarm_counter; UNSPEC and PAD stay 0
 */
struct agiswarm_pcpu_counters {
	struct u64_stats_sync syncp;
	u64_stats_t cnt[__AGISWARM_CNT_MAX];
};

/**
 * struct agiswarm_node - what one network namespace is in the swarm
 * @net: the namespace this node lives in (not a reference: the node dies
 *	with it)
 * @conf_lock: serialises configuration changes (see DOC: Locking)
 * @role: an enum agiswarm_role; written under @conf_lock with WRITE_ONCE,
 *	so that lockless readers (the fast path) may use READ_ONCE
 * @node_id: this node's id, 0 until set; same rules as @role
 * @epoch: the epoch this node runs in (aggregator) or accepts at least
 *	(worker); same rules as @role
 * @group_id: the aggregator group's id row sets are bound to, 0 for
 *	@node_id (agiswarm_node_group()); same rules as @role
 * @port: the UDP port of @sock, 0 when closed; same rules as @role
 * @sock: the node's UDP socket (socket.c), RCU, replaced under @conf_lock
 * @peers: the aggregator's peers (peer.c), RCU, changed under @conf_lock
 * @faults: injected faults (fault.c), RCU, changed under @conf_lock
 * @delayq: datagrams a delay fault holds back (its own lock)
 * @delay_timer: sends them when due
 * @agg: aggregator state (aggregator.c, stage.c, plan.c, cycle.c), for the
 *	node's lifetime
 * @worker: worker state (worker.c), for the node's lifetime
 * @daemon_portid: netlink port id of the registered daemon, 0 when none
 *	(daemon.c: xchg/cmpxchg to write, READ_ONCE to read)
 * @signed_resume: the registered daemon takes resumes as signed commits:
 *	a resume (ESTOP 0) comes from its socket only (daemon.c; WRITE_ONCE
 *	and READ_ONCE)
 * @errmsg: room for an extack message naming a value (written under
 *	@conf_lock; 6.1 has no formatted extack)
 * @counters: per-CPU counters, summed when read
 * @links: the remote identities (link.c), RCU, changed under @conf_lock
 * @key_index: every keypair by its local index (link.c), RCU
 * @key_lock: the keypair slots of the links and @key_index
 * @plain_lock: @plain_tokens and @plain_last, the rate of plain datagrams
 * @plain_tokens: HZ per datagram that may still go up
 * @plain_last: when the tokens were last counted
 *
 * Embedded in the namespace's pernet area: it is created when the namespace
 * (or the module) appears and freed when either goes away.
 */
struct agiswarm_node {
	struct net *net;
	struct mutex conf_lock;	/* the configuration (DOC: Locking) */
	u8 role;
	u32 node_id;
	u64 epoch;
	u64 group_id;
	u16 port;
	struct socket __rcu *sock;
	struct list_head peers;
	struct list_head faults;
	struct sk_buff_head delayq;
	struct hrtimer delay_timer;
	struct agiswarm_agg *agg;
	struct agiswarm_worker *worker;
	u32 daemon_portid;
	bool signed_resume;
	char errmsg[96];
	struct agiswarm_pcpu_counters __percpu *counters;
	struct list_head links;
	DECLARE_HASHTABLE(key_index, 6);
	spinlock_t key_lock;	/* DOC: Locking in link.c */
	spinlock_t plain_lock;	/* @plain_tokens, @plain_last */
	u64 plain_tokens;
	u64 plain_last;
};

/**
 * struct agiswarm_node_status - a consistent snapshot of a node
 * @role: enum agiswarm_role
 * @node_id: the node's id
 * @port: the UDP port, 0 when closed
 * @epoch: the node's epoch
 * @group: its group id (agiswarm_node_group())
 * @daemon_portid: the registered daemon, 0 when none
 * @cnt: counter values summed over all CPUs, by enum agiswarm_counter
 */
struct agiswarm_node_status {
	u8 role;
	u32 node_id;
	u16 port;
	u64 epoch;
	u64 group;
	u32 daemon_portid;
	u64 cnt[__AGISWARM_CNT_MAX];
};

int agiswarm_node_init(void);
void agiswarm_node_uninit(void);
struct agiswarm_node *agiswarm_node_get(const struct net *net);
void agiswarm_node_set_role(struct agiswarm_node *node, u8 role);
void agiswarm_node_set_id(struct agiswarm_node *node, u32 node_id);
void agiswarm_node_set_epoch(struct agiswarm_node *node, u64 epoch);
bool agiswarm_node_set_group(struct agiswarm_node *node, u64 group_id);
u64 agiswarm_node_group(const struct agiswarm_node *node);
void agiswarm_node_read_status(struct agiswarm_node *node,
			       struct agiswarm_node_status *st);
void agiswarm_node_count(struct agiswarm_node *node,
			 enum agiswarm_counter which, u64 n);
const char *agiswarm_node_role_name(u8 role);

#endif /* AGISWARM_NODE_H */
