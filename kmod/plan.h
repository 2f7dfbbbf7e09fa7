/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The row assignment (plan.c), for the aggregator's files.
 */
#ifndef AGISWARM_PLAN_H
#define AGISWARM_PLAN_H

#include <linux/gfp.h>
#include <linux/types.h>

#include "../include/uapi/linux/agiswarm.h"

struct agi_wire_msg;
struct agi_wire_need_rows;
struct agiswarm_plan_worker;
struct sk_buff;
struct agiswarm_agg;
struct agiswarm_link;
struct agiswarm_matrix;
struct agiswarm_node;
struct agiswarm_plan;
struct netlink_ext_ack;
struct nlattr;

void agiswarm_plan_init(struct agiswarm_agg *agg);
int agiswarm_plan_build(struct agiswarm_agg *agg,
			const struct agiswarm_matrix *mx,
			struct agiswarm_plan **planp);
int agiswarm_plan_build_probe(struct agiswarm_agg *agg,
			      const struct agiswarm_matrix *mx, u32 worker,
			      struct agiswarm_plan **planp);
int agiswarm_plan_check_redundancy(struct agiswarm_node *node, u8 redundancy,
				   const struct nlattr *attr,
				   struct netlink_ext_ack *extack);
void agiswarm_plan_free(struct agiswarm_plan *plan);
void agiswarm_plan_install(struct agiswarm_agg *agg, struct agiswarm_plan *plan,
			   u32 cols);
void agiswarm_plan_send_rows(struct agiswarm_agg *agg);
int agiswarm_plan_send_job_rows(struct agiswarm_agg *agg,
				struct agiswarm_plan *plan, u32 job);
struct sk_buff *agiswarm_plan_msg_skb(const struct agi_wire_msg *m,
				      const struct agiswarm_plan_worker *w,
				      gfp_t gfp);
int agiswarm_plan_rx_need_rows(struct agiswarm_node *node,
			       const struct agi_wire_need_rows *n,
			       const struct agiswarm_link *link,
			       enum agiswarm_counter *reason);

#endif /* AGISWARM_PLAN_H */
