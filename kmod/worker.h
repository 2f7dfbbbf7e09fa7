/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 */
#ifndef AGISWARM_WORKER_H
#define AGISWARM_WORKER_H

#include <linux/skbuff.h>
#include <linux/types.h>

#include "../include/core/wire.h"

struct agiswarm_node;

int agiswarm_worker_init(struct agiswarm_node *node);
void agiswarm_worker_uninit(struct agiswarm_node *node);
int agiswarm_worker_rx_task(struct agiswarm_node *node,
			    const struct agi_wire_task *t, __be32 saddr,
			    __be16 sport, enum agiswarm_counter *reason);
int agiswarm_worker_queue_rows(struct agiswarm_node *node, struct sk_buff *skb,
			       enum agiswarm_counter *reason);
int agiswarm_worker_queue_job_task(struct agiswarm_node *node,
				   struct sk_buff *skb,
				   const struct agi_wire_task *t, __be32 saddr,
				   __be16 sport, enum agiswarm_counter *reason);
int agiswarm_worker_rx_job_cancel(struct agiswarm_node *node,
				  const struct agi_wire_job_cancel *c,
				  enum agiswarm_counter *reason);

#endif /* AGISWARM_WORKER_H */
