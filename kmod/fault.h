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
void agiswarm_fault_uninit(struct agiswarm_node *node);
int agiswarm_fault_set(struct agiswarm_node *node, u32 worker, u8 kind,
		       u32 value);
int agiswarm_fault_clear(struct agiswarm_node *node, bool all, u32 worker);
bool agiswarm_fault_get(struct agiswarm_node *node, u32 worker, u8 *kind,
			u32 *value);
bool agiswarm_fault_apply(struct agiswarm_node *node, struct sk_buff *skb);
bool agiswarm_fault_corrupt(struct agiswarm_node *node, u32 worker);

#endif /* AGISWARM_FAULT_H */
