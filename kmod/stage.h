/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Changes on their way in (stage.c): a matrix received in chunks, and
 * changes staged for the start of a cycle (APPLY_AT_CYCLE).
 */
#ifndef AGISWARM_STAGE_H
#define AGISWARM_STAGE_H

#include <linux/netlink.h>
#include <linux/types.h>

#include "../include/core/fixed.h"

struct agiswarm_agg;
struct agiswarm_node;

/**
 * struct agiswarm_node_stage - a SET_NODE change to stage, checked already
 * @timing: it sets @period_us and @deadline_us (both, consistent)
 * @period_us: the cycle period
 * @deadline_us: the deadline
 * @miss_set: it sets @miss
 * @miss: enum agiswarm_miss_policy
 * @law_set: it sets @law
 * @law: enum agiswarm_control_law
 * @pid: the whole PID configuration, NULL when unchanged
 * @sp: @nsp setpoints, NULL when unchanged
 * @nsp: how many
 * @resume: it ends an emergency stop (AGISWARM_A_ESTOP 0)
 */
struct agiswarm_node_stage {
	bool timing;
	u32 period_us;
	u32 deadline_us;
	bool miss_set;
	u8 miss;
	bool law_set;
	u8 law;
	const struct agi_pid_cfg *pid;
	const s32 *sp;
	u16 nsp;
	bool resume;
};

/* For the netlink commands. */
int agiswarm_stage_node(struct agiswarm_node *node,
			const struct agiswarm_node_stage *ch, u64 at,
			bool arm_held, bool hold,
			struct netlink_ext_ack *extack);
int agiswarm_stage_arm(struct agiswarm_node *node,
		       struct netlink_ext_ack *extack);
u64 agiswarm_stage_held_cycle(struct agiswarm_agg *agg);
u32 agiswarm_stage_held_rows(struct agiswarm_node *node);
void agiswarm_stage_drop_held(struct agiswarm_node *node);
int agiswarm_stage_input(struct agiswarm_node *node, u8 fmt, const s32 *x,
			 u16 n, u64 at, struct netlink_ext_ack *extack);
int agiswarm_stage_matrix(struct agiswarm_node *node, u8 fmt, u32 rows,
			  u32 cols, u32 first_row, const s32 *data, u32 n,
			  u64 at, struct netlink_ext_ack *extack);

/* For the aggregator's files. */
void agiswarm_stage_init(struct agiswarm_agg *agg);
void agiswarm_stage_uninit(struct agiswarm_agg *agg);
void agiswarm_stage_settle(struct agiswarm_agg *agg);
u64 agiswarm_stage_first_cycle(struct agiswarm_agg *agg);
bool agiswarm_stage_apply(struct agiswarm_agg *agg);

#endif /* AGISWARM_STAGE_H */
