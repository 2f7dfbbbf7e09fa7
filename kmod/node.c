// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * One node per network namespace: its role, its id and its counters.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/lockdep.h>
#include <linux/percpu.h>
#include <net/netns/generic.h>

#include "aggregator.h"
#include "fault.h"
#include "link.h"
#include "node.h"
#include "objects.h"
#include "peer.h"
#include "socket.h"
#include "worker.h"

/**
 * DOC: Locking
 *
 * Locks, outermost first. Process context takes only the mutexes; the
 * fast path (softirq) takes only agg->lock and the two queue locks.
 *
 * node->conf_lock, a mutex per namespace, serialises every change of the
 * node's configuration: role, id, epoch and port (written with WRITE_ONCE,
 * so that the fast path may READ_ONCE them without it), the socket, the
 * peers and their health, the faults, the matrices (agg->matrix,
 * agg->staging), agg->gen, agg->redundancy and agg->seed, and the
 * building and sending of row assignments. Its holders read a consistent
 * configuration, and status replies are snapshots. The generic netlink
 * handlers take it (the family has parallel_ops: the genl mutex does not
 * serialise them), and so do the aggregator's ROWS work (plan.c) and
 * settle work (stage.c).
 *
 * agg->lock, a spinlock per aggregator (struct agiswarm_agg), is the cycle
 * lock: the cycle's state, the configuration it reads (timing, miss
 * policy, law, PID, setpoints), the input and output, the metrics ring,
 * the changes staged for a cycle (agg->stage), the pointer to the row
 * assignment in use (agg->plan) with its decoder and rows_sent marks,
 * what the cycle leaves to settle (agg->done_*), and the per-worker
 * statistics in the peers (rows, gen, results, missed, last_cycle). The
 * tick, deadline, RESULT and SENSOR handlers take it in softirq
 * (spin_lock); process context takes it with spin_lock_bh(), inside
 * conf_lock when it holds that. Under it, only counters, hrtimer_start(),
 * schedule_work() and GFP_ATOMIC allocations: datagrams and events built
 * under it are sent once it is dropped. No timer is cancelled with it
 * held, since the callbacks take it.
 *
 * The assignment is replaced holding both locks, and the old one freed at
 * once, since each of its users (the cycle: agg->lock; the ROWS work and
 * GET_MATRIX: conf_lock) holds one of them. The cycle also replaces it,
 * when a staged matrix takes effect, holding agg->lock only; it then parks
 * the old assignment and the new matrix in agg->done_*, and
 * agiswarm_stage_settle() frees and swaps them under conf_lock.
 *
 * worker->lock, a mutex (worker.c), serialises the worker's ROWS work: the
 * row set being staged and the publication of a complete one.
 *
 * worker->rows_q.lock (the ROWS waiting for that work) and
 * node->delayq.lock (the datagrams of delay faults, fault.c) are the
 * queues' own spinlocks, taken in softirq or with bh disabled.
 *
 * Order: conf_lock, then agg->lock. worker->lock and the two queue locks
 * nest in nothing of the module's and nothing nests in them.
 *
 * RCU, for the fast path's readers in softirq; writers hold conf_lock
 * (worker->rows: worker->lock) and free after a grace period:
 *  - node->sock, read by every sender (rcu_read_lock_bh()) and recv();
 *    closed after synchronize_net();
 *  - node->peers, read by the SENSOR lookup, the ACTUATE fan-out and a
 *    staged matrix taking effect; a peer is freed only once the
 *    assignment was rebuilt without it (peer.c);
 *  - node->faults, read by every TASK and RESULT sent;
 *  - worker->rows, the complete row set TASKs use.
 *
 * Without a lock: node->daemon_portid (daemon.c: xchg and cmpxchg to
 * write, READ_ONCE to read); worker->max_epoch and each fault's applied
 * count (atomic64); the counters (each CPU adds to its own copy with
 * interrupts off inside a u64_stats_sync section; readers sum the copies,
 * retrying one that changed while read, only ever on 32-bit hosts); the
 * object-leak count (objects.c, an atomic_t); the TASK handler's per-CPU
 * scratch space (bh disabled: nothing else on the CPU runs it meanwhile).
 *
 * node->errmsg holds an extack message built at run time (6.1 has no
 * formatted extack). It is written under conf_lock, but the reply is
 * built from it after the handler returns, so two admin requests racing
 * in one namespace may see each other's text; never each other's error.
 */

static unsigned int agiswarm_net_id __read_mostly;

/**
 * agiswarm_node_get() - the node of a namespace
 * @net: the namespace
 *
 * Return: its node, valid while @net is alive and the module loaded.
 */
struct agiswarm_node *agiswarm_node_get(const struct net *net)
{
	return net_generic(net, agiswarm_net_id);
}

/**
 * agiswarm_node_set_role() - set the node's role
 * @node: the node
 * @role: an enum agiswarm_role, checked already
 *
 * Context: node->conf_lock held.
 */
void agiswarm_node_set_role(struct agiswarm_node *node, u8 role)
{
	lockdep_assert_held(&node->conf_lock);
	WRITE_ONCE(node->role, role);
}

/**
 * agiswarm_node_set_id() - set the node's id
 * @node: the node
 * @node_id: the id
 *
 * Context: node->conf_lock held.
 */
void agiswarm_node_set_id(struct agiswarm_node *node, u32 node_id)
{
	lockdep_assert_held(&node->conf_lock);
	WRITE_ONCE(node->node_id, node_id);
}

/**
 * agiswarm_node_set_epoch() - set the node's epoch
 * @node: the node
 * @epoch: the epoch
 *
 * Context: node->conf_lock held.
 */
void agiswarm_node_set_epoch(struct agiswarm_node *node, u64 epoch)
{
	lockdep_assert_held(&node->conf_lock);
	WRITE_ONCE(node->epoch, epoch);
}

/**
 * agiswarm_node_set_group() - set the aggregator group's id
 * @node: the node
 * @group_id: the id, 0 for the node id
 *
 * Context: node->conf_lock held.
 * Return: true when the group (agiswarm_node_group()) changed.
 */
bool agiswarm_node_set_group(struct agiswarm_node *node, u64 group_id)
{
	u64 before = agiswarm_node_group(node);

	lockdep_assert_held(&node->conf_lock);
	WRITE_ONCE(node->group_id, group_id);
	return agiswarm_node_group(node) != before;
}

/**
 * agiswarm_node_group() - the group id row sets are bound to
 * @node: the node
 *
 * Context: any.
 * Return: the group id set, or the node id while none is.
 */
u64 agiswarm_node_group(const struct agiswarm_node *node)
{
	return READ_ONCE(node->group_id) ?: READ_ONCE(node->node_id);
}

static u64 read_counter(struct agiswarm_node *node, enum agiswarm_counter which)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct agiswarm_pcpu_counters *c;
		unsigned int start;
		u64 v;

		c = per_cpu_ptr(node->counters, cpu);
		do {
			start = u64_stats_fetch_begin(&c->syncp);
			v = u64_stats_read(&c->cnt[which]);
		} while (u64_stats_fetch_retry(&c->syncp, start));
		sum += v;
	}
	return sum;
}

/**
 * agiswarm_node_read_status() - a snapshot of the node and its counters
 * @node: the node
 * @st: where it goes
 *
 * Context: process, conf_lock not held: it takes it.
 */
void agiswarm_node_read_status(struct agiswarm_node *node,
			       struct agiswarm_node_status *st)
{
	unsigned int i;

	mutex_lock(&node->conf_lock);
	st->role = node->role;
	st->node_id = node->node_id;
	st->port = node->port;
	st->epoch = node->epoch;
	st->group = agiswarm_node_group(node);
	st->daemon_portid = READ_ONCE(node->daemon_portid);
	mutex_unlock(&node->conf_lock);

	for (i = 0; i < ARRAY_SIZE(st->cnt); i++)
		st->cnt[i] = read_counter(node, i);
}

/**
 * agiswarm_node_count() - add to one of the node's counters
 * @node: the node
 * @which: the counter
 * @n: how much
 *
 * Context: any, hard interrupts included.
 */
void agiswarm_node_count(struct agiswarm_node *node,
			 enum agiswarm_counter which, u64 n)
{
	struct agiswarm_pcpu_counters *c;
	unsigned long flags;

	if (WARN_ON_ONCE(which >= __AGISWARM_CNT_MAX))
		return;
	c = get_cpu_ptr(node->counters);
	flags = u64_stats_update_begin_irqsave(&c->syncp);
	u64_stats_add(&c->cnt[which], n);
	u64_stats_update_end_irqrestore(&c->syncp, flags);
	put_cpu_ptr(node->counters);
}

/**
 * agiswarm_node_role_name() - a role's name, for the log
 * @role: an enum agiswarm_role
 *
 * Return: "none", "worker" or "aggregator"; "?" for a value out of range.
 */
const char *agiswarm_node_role_name(u8 role)
{
	static const char *const names[] = {
		[AGISWARM_ROLE_NONE] = "none",
		[AGISWARM_ROLE_WORKER] = "worker",
		[AGISWARM_ROLE_AGGREGATOR] = "aggregator",
	};

	return role < ARRAY_SIZE(names) ? names[role] : "?";
}

/* A namespace's node, at its creation: 0 or -ENOMEM. */
static int __net_init node_net_init(struct net *net)
{
	struct agiswarm_node *node = agiswarm_node_get(net);
	int cpu, ret;

	/* The pernet area arrives zeroed: role none, id 0. */
	node->net = net;
	mutex_init(&node->conf_lock);
	node->counters = alloc_percpu(struct agiswarm_pcpu_counters);
	if (!node->counters) {
		mutex_destroy(&node->conf_lock);
		return -ENOMEM;
	}
	agiswarm_objects_get();
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(node->counters, cpu)->syncp);
	agiswarm_socket_init(node);
	agiswarm_peer_init(node);
	agiswarm_link_init(node);
	agiswarm_fault_init(node);
	ret = agiswarm_worker_init(node);
	if (ret)
		goto err_worker;
	ret = agiswarm_aggregator_init(node);
	if (ret)
		goto err_agg;
	return 0;

err_agg:
	agiswarm_worker_uninit(node);
err_worker:
	free_percpu(node->counters);
	agiswarm_objects_put();
	mutex_destroy(&node->conf_lock);
	return ret;
}

/*
 * Runs when the namespace dies or the module unloads. No netlink request can
 * still be running here: a request holds its socket's namespace alive, and
 * the family is unregistered before the pernet operations at unload.
 *
 * The order matters: stop the cycle first (no more timers sending), close
 * the socket (no more fast path; it waits for senders), then the work items
 * and the delay queue, then free what they all used.
 */
static void __net_exit node_net_exit(struct net *net)
{
	struct agiswarm_node *node = agiswarm_node_get(net);

	agiswarm_aggregator_stop(node);
	agiswarm_socket_uninit(node);
	agiswarm_aggregator_uninit(node);
	agiswarm_worker_uninit(node);
	agiswarm_fault_uninit(node);
	agiswarm_peer_uninit(node);
	agiswarm_link_uninit(node);
	free_percpu(node->counters);
	node->counters = NULL;
	agiswarm_objects_put();
	mutex_destroy(&node->conf_lock);
}

static struct pernet_operations node_net_ops = {
	.init = node_net_init,
	.exit = node_net_exit,
	.id = &agiswarm_net_id,
	.size = sizeof(struct agiswarm_node),
};

/*
 * A device rather than a subsystem: a node will own a UDP socket, and device
 * exits run before the subsystems' (UDP's among them) in a dying namespace.
 */
/**
 * agiswarm_node_init() - every namespace gets a node, now and when created
 *
 * Return: 0, or register_pernet_device()'s error.
 */
int agiswarm_node_init(void)
{
	return register_pernet_device(&node_net_ops);
}

/**
 * agiswarm_node_uninit() - every node goes, and what RCU still held of them
 */
void agiswarm_node_uninit(void)
{
	unregister_pernet_device(&node_net_ops);
	/* RCU callbacks (peers, row sets) run module code: wait for them. */
	rcu_barrier();
}
