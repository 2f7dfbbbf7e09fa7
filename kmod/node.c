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
#include "node.h"
#include "objects.h"
#include "peer.h"
#include "socket.h"
#include "worker.h"

/**
 * DOC: Locking
 *
 * node->conf_lock (a mutex, one per namespace) serialises every change of
 * the node's configuration (role, id, epoch, port and socket, peers,
 * faults, matrix and row assignment) and makes a status reply a consistent
 * snapshot. Only process context takes it: the generic netlink handlers,
 * which run with parallel_ops, so the genl mutex does not serialise them
 * for us, and the aggregator's ROWS work. It is the outermost lock.
 *
 * agg->lock (a spinlock, aggregator.c and cycle.c) is the cycle lock: the
 * cycle state, the input x, the output u, the metrics ring, the per-worker
 * statistics in the peers, and the pointer to the current row assignment.
 * The cycle takes it in softirq (both hrtimers are _SOFT, RESULT and SENSOR
 * arrive in softirq); process context takes it with spin_lock_bh() and
 * nests it inside conf_lock. The assignment is replaced holding both, so
 * its users (cycle: agg->lock; ROWS work: conf_lock) never see it freed.
 * No timer is ever cancelled with agg->lock held: the callbacks take it.
 *
 * worker->lock (a mutex, worker.c) serialises the ROWS work's staging of
 * a row set. It nests in nothing and nothing nests in it; the row set
 * TASKs use is published with RCU.
 *
 * node->delayq.lock guards the datagrams of delay faults (fault.c); taken
 * in softirq and with bh disabled, innermost.
 *
 * The socket, the peers list and the faults list are RCU: the fast path
 * reads them in softirq; writers hold conf_lock and free after a grace
 * period (synchronize_net() for the socket).
 *
 * Fields written under conf_lock are written with WRITE_ONCE so that the
 * fast path (softirq, which must never sleep) may read single values with
 * READ_ONCE without taking it.
 *
 * node->daemon_portid takes no lock (daemon.c): one u32 changed with
 * xchg/cmpxchg, read with READ_ONCE.
 *
 * The counters take no lock: each CPU adds to its own copy with interrupts
 * off around a u64_stats_sync section, and readers sum all copies, retrying
 * a CPU whose copy changed while being read (only ever on 32-bit hosts).
 *
 * The object-leak counter (objects.c) is a single atomic_t.
 */

static unsigned int agiswarm_net_id __read_mostly;

struct agiswarm_node *agiswarm_node_get(const struct net *net)
{
	return net_generic(net, agiswarm_net_id);
}

void agiswarm_node_set_role(struct agiswarm_node *node, u8 role)
{
	lockdep_assert_held(&node->conf_lock);
	WRITE_ONCE(node->role, role);
}

void agiswarm_node_set_id(struct agiswarm_node *node, u32 node_id)
{
	lockdep_assert_held(&node->conf_lock);
	WRITE_ONCE(node->node_id, node_id);
}

void agiswarm_node_set_epoch(struct agiswarm_node *node, u64 epoch)
{
	lockdep_assert_held(&node->conf_lock);
	WRITE_ONCE(node->epoch, epoch);
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

void agiswarm_node_read_status(struct agiswarm_node *node,
			       struct agiswarm_node_status *st)
{
	unsigned int i;

	mutex_lock(&node->conf_lock);
	st->role = node->role;
	st->node_id = node->node_id;
	st->port = node->port;
	st->epoch = node->epoch;
	st->daemon_portid = READ_ONCE(node->daemon_portid);
	mutex_unlock(&node->conf_lock);

	for (i = 0; i < ARRAY_SIZE(st->cnt); i++)
		st->cnt[i] = read_counter(node, i);
}

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

const char *agiswarm_node_role_name(u8 role)
{
	static const char *const names[] = {
		[AGISWARM_ROLE_NONE] = "none",
		[AGISWARM_ROLE_WORKER] = "worker",
		[AGISWARM_ROLE_AGGREGATOR] = "aggregator",
	};

	return role < ARRAY_SIZE(names) ? names[role] : "?";
}

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
int agiswarm_node_init(void)
{
	return register_pernet_device(&node_net_ops);
}

void agiswarm_node_uninit(void)
{
	unregister_pernet_device(&node_net_ops);
	/* RCU callbacks (peers, row sets) run module code: wait for them. */
	rcu_barrier();
}
