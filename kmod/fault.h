/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 */
#ifndef AGISWARM_FAULT_H
#define AGISWARM_FAULT_H

#include <linux/skbuff.h>
#include <linux/types.h>

struct agiswarm_node;

void agiswarm_fault_init(struct agiswarm_node *node);
/* Cancels the delay timer, frees delayed datagrams and every fault. */
void agiswarm_fault_uninit(struct agiswarm_node *node);

/*
 * Sets the fault of @worker (enum agiswarm_fault_kind, @value percent or
 * ms), replacing any. Must be called with node->conf_lock held.
 */
int agiswarm_fault_set(struct agiswarm_node *node, u32 worker, u8 kind,
		       u32 value);

/*
 * Clears the fault of @worker, or every fault when @all. Must be called
 * with node->conf_lock held. Returns 0, or -ENOENT when @worker has none.
 */
int agiswarm_fault_clear(struct agiswarm_node *node, bool all, u32 worker);

/*
 * The fault set for @worker: true and *@kind, *@value filled when there is
 * one. Under rcu_read_lock() or node->conf_lock.
 */
bool agiswarm_fault_get(struct agiswarm_node *node, u32 worker, u8 *kind,
			u32 *value);

/*
 * Applies the fault of AGISWARM_SKB_CB(@skb)->worker to @skb, a TASK or
 * RESULT about to be sent. Returns true when the fault took the skb
 * (dropped, stalled or queued for later), false when it is to be sent now.
 * Must be called with bh disabled.
 */
bool agiswarm_fault_apply(struct agiswarm_node *node, struct sk_buff *skb);

#endif /* AGISWARM_FAULT_H */
