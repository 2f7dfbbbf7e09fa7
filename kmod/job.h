/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * On-demand coded jobs beside the cycle (job.c), for the aggregator.
 */
#ifndef AGISWARM_JOB_H
#define AGISWARM_JOB_H

#include <linux/skbuff.h>
#include <linux/types.h>

#include "../include/uapi/linux/agiswarm.h"

struct agiswarm_agg;
struct agiswarm_job;
struct agiswarm_node;
struct genl_info;
struct netlink_callback;

int agiswarm_job_init(struct agiswarm_agg *agg);
void agiswarm_job_stop(struct agiswarm_agg *agg);
void agiswarm_job_uninit(struct agiswarm_agg *agg);
void agiswarm_job_kick(struct agiswarm_agg *agg);
struct agiswarm_job *agiswarm_job_probe_alloc(struct agiswarm_node *node,
					      u32 worker);
void agiswarm_job_probe_queue(struct agiswarm_node *node,
			      struct agiswarm_job *job);
void agiswarm_job_probe_free(struct agiswarm_job *job);
void agiswarm_job_set_probe_join(struct agiswarm_node *node, bool on);
bool agiswarm_job_probe_join(struct agiswarm_node *node);
int agiswarm_job_queue_result(struct agiswarm_node *node, struct sk_buff *skb,
			      enum agiswarm_counter *reason);

int agiswarm_job_submit_doit(struct sk_buff *skb, struct genl_info *info);
int agiswarm_job_data_doit(struct sk_buff *skb, struct genl_info *info);
int agiswarm_job_get_doit(struct sk_buff *skb, struct genl_info *info);
int agiswarm_job_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int agiswarm_job_cancel_doit(struct sk_buff *skb, struct genl_info *info);

#endif /* AGISWARM_JOB_H */
