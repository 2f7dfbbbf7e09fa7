// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Fault injection through the real data path: per worker id, drop a share
 * of its datagrams, delay them, or stall it entirely. On an aggregator the
 * faults hit the TASKs it sends to that worker; on a worker whose own id
 * is the fault's, the RESULTs it sends.
 *
 * Who may still hold a fault when it is cleared: agiswarm_fault_apply() in
 * softirq, under RCU, until a grace period has passed (kfree_rcu).
 * Delayed datagrams are owned by the node's delay queue until they are
 * sent, or freed by agiswarm_fault_uninit().
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "fault.h"
#include "node.h"
#include "objects.h"
#include "socket.h"

/* Beyond this many delayed datagrams, more are dropped (and counted). */
#define DELAY_QUEUE_MAX 4096

/**
 * struct agiswarm_fault - one worker's fault
 * @list: in node->faults (RCU; changed under node->conf_lock)
 * @rcu: frees it after a grace period
 * @worker: the worker id
 * @kind: enum agiswarm_fault_kind
 * @value: percent for drop, milliseconds for delay
 * @applied: datagrams this fault took
 */
struct agiswarm_fault {
	struct list_head list;
	struct rcu_head rcu;
	u32 worker;
	u8 kind;
	u32 value;
	atomic64_t applied;
};

static struct agiswarm_fault *find(struct agiswarm_node *node, u32 worker)
{
	struct agiswarm_fault *f;

	list_for_each_entry_rcu(f, &node->faults, list,
				lockdep_is_held(&node->conf_lock)) {
		if (f->worker == worker)
			return f;
	}
	return NULL;
}

bool agiswarm_fault_get(struct agiswarm_node *node, u32 worker, u8 *kind,
			u32 *value)
{
	struct agiswarm_fault *f = find(node, worker);

	if (!f)
		return false;
	*kind = f->kind;
	*value = f->value;
	return true;
}

static void unlink_fault(struct agiswarm_fault *f)
{
	list_del_rcu(&f->list);
	kfree_rcu(f, rcu);
	agiswarm_objects_put();
}

int agiswarm_fault_set(struct agiswarm_node *node, u32 worker, u8 kind,
		       u32 value)
{
	struct agiswarm_fault *f, *old;

	lockdep_assert_held(&node->conf_lock);
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	agiswarm_objects_get();
	f->worker = worker;
	f->kind = kind;
	f->value = value;
	old = find(node, worker);
	if (old) {
		list_replace_rcu(&old->list, &f->list);
		kfree_rcu(old, rcu);
		agiswarm_objects_put();
	} else {
		list_add_tail_rcu(&f->list, &node->faults);
	}
	return 0;
}

int agiswarm_fault_clear(struct agiswarm_node *node, bool all, u32 worker)
{
	struct agiswarm_fault *f, *tmp;

	lockdep_assert_held(&node->conf_lock);
	if (!all) {
		f = find(node, worker);
		if (!f)
			return -ENOENT;
		unlink_fault(f);
		return 0;
	}
	list_for_each_entry_safe(f, tmp, &node->faults, list)
		unlink_fault(f);
	return 0;
}

/* Called with node->delayq.lock held. */
static void arm_delay_timer(struct agiswarm_node *node, ktime_t due)
{
	struct hrtimer *t = &node->delay_timer;

	if (!hrtimer_is_queued(t) || ktime_before(due, hrtimer_get_expires(t)))
		hrtimer_start(t, due, HRTIMER_MODE_ABS_SOFT);
}

static bool delay(struct agiswarm_node *node, struct sk_buff *skb, u32 ms)
{
	struct sk_buff_head *q = &node->delayq;
	ktime_t due = ktime_add_ms(ktime_get(), ms);
	bool queued = false;

	AGISWARM_SKB_CB(skb)->due = due;
	spin_lock(&q->lock);
	if (likely(skb_queue_len(q) < DELAY_QUEUE_MAX)) {
		__skb_queue_tail(q, skb);
		arm_delay_timer(node, due);
		queued = true;
	}
	spin_unlock(&q->lock);
	if (unlikely(!queued))
		kfree_skb(skb);
	return true;
}

bool agiswarm_fault_apply(struct agiswarm_node *node, struct sk_buff *skb)
{
	struct agiswarm_fault *f;
	u8 kind = AGISWARM_FAULT_NONE;
	u32 value = 0;

	rcu_read_lock_bh();
	f = find(node, AGISWARM_SKB_CB(skb)->worker);
	if (f) {
		kind = f->kind;
		value = f->value;
		if (kind == AGISWARM_FAULT_DROP &&
		    get_random_u32() % 100 >= value)
			kind = AGISWARM_FAULT_NONE;	/* this one passes */
		if (kind != AGISWARM_FAULT_NONE)
			atomic64_inc(&f->applied);
	}
	rcu_read_unlock_bh();

	switch (kind) {
	case AGISWARM_FAULT_DROP:
	case AGISWARM_FAULT_STALL:
		agiswarm_node_count(node, AGISWARM_CNT_FAULTS_APPLIED, 1);
		kfree_skb(skb);
		return true;
	case AGISWARM_FAULT_DELAY:
		agiswarm_node_count(node, AGISWARM_CNT_FAULTS_APPLIED, 1);
		return delay(node, skb, value);
	}
	return false;
}

/* Softirq: sends what is due, re-arms itself for the rest. */
static enum hrtimer_restart delay_expired(struct hrtimer *t)
{
	struct agiswarm_node *node = container_of(t, struct agiswarm_node,
						  delay_timer);
	struct sk_buff_head *q = &node->delayq, due;
	struct sk_buff *skb, *tmp;
	ktime_t now = ktime_get(), next = KTIME_MAX;

	__skb_queue_head_init(&due);
	spin_lock(&q->lock);
	skb_queue_walk_safe(q, skb, tmp) {
		ktime_t when = AGISWARM_SKB_CB(skb)->due;

		if (!ktime_after(when, now)) {
			__skb_unlink(skb, q);
			__skb_queue_tail(&due, skb);
		} else if (ktime_before(when, next)) {
			next = when;
		}
	}
	if (next != KTIME_MAX)
		hrtimer_start(t, next, HRTIMER_MODE_ABS_SOFT);
	spin_unlock(&q->lock);
	agiswarm_socket_send_list(node, &due, false);
	return HRTIMER_NORESTART;
}

void agiswarm_fault_init(struct agiswarm_node *node)
{
	INIT_LIST_HEAD(&node->faults);
	skb_queue_head_init(&node->delayq);
	hrtimer_init(&node->delay_timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_SOFT);
	node->delay_timer.function = delay_expired;
}

void agiswarm_fault_uninit(struct agiswarm_node *node)
{
	struct agiswarm_fault *f, *tmp;

	hrtimer_cancel(&node->delay_timer);
	skb_queue_purge(&node->delayq);
	list_for_each_entry_safe(f, tmp, &node->faults, list) {
		list_del(&f->list);
		kfree(f);
		agiswarm_objects_put();
	}
}
