// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Fault injection through the real data path: per worker id, drop a share
 * of its datagrams, delay them, or stall it entirely. On an aggregator the
 * faults hit the TASKs it sends to that worker; on a worker whose own id
 * is the fault's, the RESULTs it sends. A corrupt fault makes a worker
 * answer wrongly (agiswarm_fault_corrupt()); it never takes a datagram.
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

/**
 * agiswarm_fault_get() - the fault set for a worker
 * @node: the node
 * @worker: the worker id
 * @kind: its enum agiswarm_fault_kind, when there is one
 * @value: its percent or milliseconds, when there is one
 *
 * Context: RCU read side, or node->conf_lock held.
 * Return: true when @worker has a fault.
 */
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

/**
 * agiswarm_fault_set() - set a worker's fault, replacing any
 * @node: the node
 * @worker: the worker id
 * @kind: an enum agiswarm_fault_kind other than NONE, checked already
 * @value: percent for drop, milliseconds for delay, checked already
 *
 * Context: process, node->conf_lock held.
 * Return: 0 or -ENOMEM.
 */
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

/**
 * agiswarm_fault_clear() - clear a worker's fault, or every fault
 * @node: the node
 * @all: clear every fault (@worker is ignored)
 * @worker: the worker id
 *
 * Context: node->conf_lock held.
 * Return: 0, or -ENOENT when @worker has no fault.
 */
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

static void arm_delay_timer(struct agiswarm_node *node, ktime_t due)
{
	struct hrtimer *t = &node->delay_timer;

	lockdep_assert_held(&node->delayq.lock);
	if (!hrtimer_is_queued(t) || ktime_before(due, hrtimer_get_expires(t)))
		hrtimer_start(t, due, HRTIMER_MODE_ABS_SOFT);
}

/* Queues @skb for @ms; beyond DELAY_QUEUE_MAX it is freed. Takes @skb. */
static void delay(struct agiswarm_node *node, struct sk_buff *skb, u32 ms)
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
}

/**
 * agiswarm_fault_apply() - the fault of a datagram's worker
 * @node: the node
 * @skb: a TASK or RESULT about to be sent, AGISWARM_SKB_CB(@skb)->worker
 *	the worker it concerns
 *
 * A drop or stall fault frees @skb, a delay fault queues it; each counts
 * in AGISWARM_CNT_FAULTS_APPLIED.
 *
 * Context: softirq, or bh disabled (the delay queue's lock is taken
 * without disabling bh).
 * Return: true when a fault took @skb; false when it is to be sent now.
 */
bool agiswarm_fault_apply(struct agiswarm_node *node, struct sk_buff *skb)
{
	struct agiswarm_fault *f;
	u8 kind = AGISWARM_FAULT_NONE;
	u32 value = 0;

	lockdep_assert_in_softirq();
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
		delay(node, skb, value);
		return true;
	}
	return false;
}

/**
 * agiswarm_fault_corrupt() - whether a worker is to answer wrongly
 * @node: the worker's node
 * @worker: its own id
 *
 * Counts in AGISWARM_CNT_FAULTS_APPLIED when it is: the caller then adds
 * 2^64 to the first value (a 128-bit sum) of the RESULT it is about to
 * send.
 *
 * Context: softirq, or bh disabled.
 * Return: true when @worker has a corrupt fault.
 */
bool agiswarm_fault_corrupt(struct agiswarm_node *node, u32 worker)
{
	struct agiswarm_fault *f;
	bool corrupt = false;

	lockdep_assert_in_softirq();
	rcu_read_lock_bh();
	f = find(node, worker);
	if (f && f->kind == AGISWARM_FAULT_CORRUPT) {
		atomic64_inc(&f->applied);
		corrupt = true;
	}
	rcu_read_unlock_bh();
	if (corrupt)
		agiswarm_node_count(node, AGISWARM_CNT_FAULTS_APPLIED, 1);
	return corrupt;
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

/**
 * agiswarm_fault_init() - a node starts without faults
 * @node: the node
 */
void agiswarm_fault_init(struct agiswarm_node *node)
{
	INIT_LIST_HEAD(&node->faults);
	skb_queue_head_init(&node->delayq);
	hrtimer_init(&node->delay_timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_SOFT);
	node->delay_timer.function = delay_expired;
}

/**
 * agiswarm_fault_uninit() - free the delayed datagrams and every fault
 * @node: the node, its socket closed
 *
 * Context: process, no lock held: waits for the delay timer.
 */
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
