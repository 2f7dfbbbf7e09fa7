// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * AGISWARM_CMD_SET_NODE: see node.h. The one place that builds it, for
 * agictl's node, law and pid verbs and for agiswarmd's programming and
 * staging alike.
 */
#include <libmnl/libmnl.h>

#include "node.h"

static void put_pid(struct nlmsghdr *nlh, const struct agi_pid *pid)
{
	static const struct {
		u32 bit;
		u16 attr;
		size_t offset;
	} values[] = {
		{ AGI_PID_KP, AGISWARM_PID_A_KP, offsetof(struct agi_pid, kp) },
		{ AGI_PID_KI, AGISWARM_PID_A_KI, offsetof(struct agi_pid, ki) },
		{ AGI_PID_KD, AGISWARM_PID_A_KD, offsetof(struct agi_pid, kd) },
		{ AGI_PID_LO, AGISWARM_PID_A_LO, offsetof(struct agi_pid, lo) },
		{ AGI_PID_HI, AGISWARM_PID_A_HI, offsetof(struct agi_pid, hi) },
	};
	struct nlattr *nest = mnl_attr_nest_start(nlh, AGISWARM_A_PID);
	unsigned int i;
	s32 v;

	for (i = 0; i < ARRAY_SIZE(values); i++) {
		if (!(pid->present & values[i].bit))
			continue;
		memcpy(&v, (const u8 *)pid + values[i].offset, sizeof(v));
		mnl_attr_put_u32(nlh, values[i].attr, (u32)v);
	}
	if (pid->present & AGI_PID_SETPOINT)
		mnl_attr_put(nlh, AGISWARM_PID_A_SETPOINT,
			     pid->n_setpoint * sizeof(s32), pid->setpoint);
	mnl_attr_nest_end(nlh, nest);
}

int agi_node_set(struct agi_nl *nl, const struct agi_node_req *r)
{
	char buf[AGI_NL_BUF_SIZE];
	struct nlmsghdr *nlh = agi_nl_request(nl, buf, AGISWARM_CMD_SET_NODE);
	u32 p = r->present;

	if (p & AGI_NODE_ROLE)
		mnl_attr_put_u8(nlh, AGISWARM_A_ROLE, r->role);
	if (p & AGI_NODE_ID)
		mnl_attr_put_u32(nlh, AGISWARM_A_NODE_ID, r->id);
	if (p & AGI_NODE_PORT)
		mnl_attr_put_u16(nlh, AGISWARM_A_PORT, r->port);
	if (p & AGI_NODE_EPOCH)
		mnl_attr_put_u64(nlh, AGISWARM_A_EPOCH, r->epoch);
	if (p & AGI_NODE_GROUP)
		mnl_attr_put_u64(nlh, AGISWARM_A_GROUP_ID, r->group_id);
	if (p & AGI_NODE_GROUP_RANK)
		mnl_attr_put_u8(nlh, AGISWARM_A_GROUP_RANK, r->group_rank);
	if (p & AGI_NODE_GROUP_SIZE)
		mnl_attr_put_u8(nlh, AGISWARM_A_GROUP_SIZE, r->group_size);
	if (p & AGI_NODE_FAILURE_THRESHOLD)
		mnl_attr_put_u8(nlh, AGISWARM_A_FAILURE_THRESHOLD,
				r->failure_threshold);
	if (p & AGI_NODE_PROBE_JOIN)
		mnl_attr_put_u8(nlh, AGISWARM_A_PROBE_JOIN, r->probe_join);
	if (p & AGI_NODE_CYCLE)
		mnl_attr_put_u32(nlh, AGISWARM_A_CYCLE_PERIOD_US, r->cycle_us);
	if (p & AGI_NODE_DEADLINE)
		mnl_attr_put_u32(nlh, AGISWARM_A_CYCLE_DEADLINE_US,
				 r->deadline_us);
	if (p & AGI_NODE_MISS)
		mnl_attr_put_u8(nlh, AGISWARM_A_MISS_POLICY, r->miss);
	if (p & AGI_NODE_LAW)
		mnl_attr_put_u8(nlh, AGISWARM_A_CONTROL_LAW, r->law);
	if ((p & AGI_NODE_PID) && r->pid.present)
		put_pid(nlh, &r->pid);
	if (p & AGI_NODE_REDUNDANCY)
		mnl_attr_put_u8(nlh, AGISWARM_A_REDUNDANCY, r->redundancy);
	if (p & AGI_NODE_SEED)
		mnl_attr_put_u64(nlh, AGISWARM_A_CODE_SEED, r->seed);
	if (p & AGI_NODE_RUNNING)
		mnl_attr_put_u8(nlh, AGISWARM_A_RUNNING, r->running);
	if (p & AGI_NODE_SENSOR_TIMEOUT)
		mnl_attr_put_u32(nlh, AGISWARM_A_SENSOR_TIMEOUT_US,
				 r->sensor_timeout_us);
	if (p & AGI_NODE_SAFE_OUTPUT)
		mnl_attr_put(nlh, AGISWARM_A_SAFE_OUTPUT,
			     r->n_safe * sizeof(*r->safe), r->safe);
	if (p & AGI_NODE_ESTOP)
		mnl_attr_put_u8(nlh, AGISWARM_A_ESTOP, r->estop);
	if (p & AGI_NODE_AUDIT) {
		mnl_attr_put_u64(nlh, AGISWARM_A_AUDIT_SEQ, r->audit_seq);
		mnl_attr_put_u64(nlh, AGISWARM_A_AUDIT_RECORDS, r->audit_records);
	}
	if (p & AGI_NODE_HELD_MATRIX)
		mnl_attr_put_u8(nlh, AGISWARM_A_HELD_MATRIX, r->held_matrix);
	if (p & AGI_NODE_HOLD)
		mnl_attr_put(nlh, AGISWARM_A_HOLD, 0, NULL);
	if (p & AGI_NODE_ARM)
		mnl_attr_put(nlh, AGISWARM_A_ARM, 0, NULL);
	if (r->apply_at)
		mnl_attr_put_u64(nlh, AGISWARM_A_APPLY_AT_CYCLE, r->apply_at);
	return agi_nl_talk(nl, nlh, NULL, NULL);
}
