// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The generic netlink family "agiswarm"; include/uapi/linux/agiswarm.h
 * documents every command and attribute. This file holds the family, the
 * node commands and the cycle event; nl_data.c the data-path commands.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/printk.h>
#include <net/genetlink.h>

#include "../include/core/code.h"
#include "aggregator.h"
#include "cycle.h"
#include "daemon.h"
#include "job.h"
#include "link.h"
#include "netlink.h"
#include "node.h"
#include "plan.h"
#include "repl.h"
#include "socket.h"
#include "stage.h"

/* Counters below this are not counters (UNSPEC, PAD) and are never sent. */
#define FIRST_COUNTER (AGISWARM_CNT_PAD + 1)

/*
 * Periods and deadlines: 100 us to 10 s. Below 100 us a cycle's own work
 * in softirq (a TASK to every worker, the decode, the output) and the
 * timer's wake-up latency on a kernel without PREEMPT_RT take most of the
 * period; the policy's range goes back in the extack, for agictl to show.
 */
static struct netlink_range_validation period_range = {
	.min = AGISWARM_PERIOD_US_MIN,
	.max = AGISWARM_PERIOD_US_MAX,
};

static struct netlink_range_validation sensor_timeout_range = {
	.min = 0,
	.max = 60000000,
};

static const struct nla_policy pid_policy[AGISWARM_PID_A_MAX + 1] = {
	[AGISWARM_PID_A_KP] = { .type = NLA_U32 },
	[AGISWARM_PID_A_KI] = { .type = NLA_U32 },
	[AGISWARM_PID_A_KD] = { .type = NLA_U32 },
	[AGISWARM_PID_A_LO] = { .type = NLA_U32 },
	[AGISWARM_PID_A_HI] = { .type = NLA_U32 },
	[AGISWARM_PID_A_SETPOINT] = NLA_POLICY_RANGE(NLA_BINARY, sizeof(s32),
						     AGISWARM_WIRE_VEC_MAX *
						     sizeof(s32)),
};

/*
 * ROLE is a plain NLA_U8 whose range set_node_doit() checks: NLA_POLICY_MAX
 * would answer -ERANGE where the UAPI promises -EINVAL, and on 6.1 a
 * function validator on an integer makes the policy dump in an extack WARN.
 */
static const struct nla_policy set_node_policy[AGISWARM_A_MAX + 1] = {
	[AGISWARM_A_ROLE] = { .type = NLA_U8 },
	[AGISWARM_A_NODE_ID] = { .type = NLA_U32 },
	[AGISWARM_A_PORT] = { .type = NLA_U16 },
	[AGISWARM_A_EPOCH] = { .type = NLA_U64 },
	[AGISWARM_A_CYCLE_PERIOD_US] = NLA_POLICY_FULL_RANGE(NLA_U32,
							     &period_range),
	[AGISWARM_A_CYCLE_DEADLINE_US] = NLA_POLICY_FULL_RANGE(NLA_U32,
							       &period_range),
	[AGISWARM_A_MISS_POLICY] = NLA_POLICY_MAX(NLA_U8, AGISWARM_MISS_MAX),
	[AGISWARM_A_CONTROL_LAW] = NLA_POLICY_MAX(NLA_U8, AGISWARM_LAW_MAX),
	[AGISWARM_A_PID] = NLA_POLICY_NESTED(pid_policy),
	[AGISWARM_A_REDUNDANCY] = { .type = NLA_U8 },
	[AGISWARM_A_CODE_SEED] = { .type = NLA_U64 },
	[AGISWARM_A_RUNNING] = NLA_POLICY_MAX(NLA_U8, 1),
	[AGISWARM_A_APPLY_AT_CYCLE] = { .type = NLA_U64 },
	[AGISWARM_A_SENSOR_TIMEOUT_US] = NLA_POLICY_FULL_RANGE(NLA_U32,
							&sensor_timeout_range),
	[AGISWARM_A_SAFE_OUTPUT] = NLA_POLICY_RANGE(NLA_BINARY, sizeof(s32),
						    AGISWARM_WIRE_VEC_MAX *
						    sizeof(s32)),
	[AGISWARM_A_ESTOP] = NLA_POLICY_MAX(NLA_U8, 1),
	[AGISWARM_A_AUDIT_SEQ] = { .type = NLA_U64 },
	[AGISWARM_A_AUDIT_RECORDS] = { .type = NLA_U64 },
	[AGISWARM_A_HELD_MATRIX] = NLA_POLICY_MAX(NLA_U8, 1),
	[AGISWARM_A_HOLD] = { .type = NLA_FLAG },
	[AGISWARM_A_ARM] = { .type = NLA_FLAG },
	[AGISWARM_A_GROUP_ID] = { .type = NLA_U64 },
	[AGISWARM_A_GROUP_RANK] = NLA_POLICY_MAX(NLA_U8, AGISWARM_GROUP_MAX - 1),
	[AGISWARM_A_GROUP_SIZE] = NLA_POLICY_RANGE(NLA_U8, 1, AGISWARM_GROUP_MAX),
	[AGISWARM_A_FAILURE_THRESHOLD] =
		NLA_POLICY_RANGE(NLA_U8, 0, AGISWARM_FAILURE_THRESHOLD_MAX),
	[AGISWARM_A_PROBE_JOIN] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* What a staged SET_NODE may change (besides APPLY_AT_CYCLE itself). */
static const bool stageable[AGISWARM_A_MAX + 1] = {
	[AGISWARM_A_CYCLE_PERIOD_US] = true,
	[AGISWARM_A_CYCLE_DEADLINE_US] = true,
	[AGISWARM_A_MISS_POLICY] = true,
	[AGISWARM_A_CONTROL_LAW] = true,
	[AGISWARM_A_PID] = true,
	[AGISWARM_A_APPLY_AT_CYCLE] = true,
	[AGISWARM_A_HELD_MATRIX] = true,
	[AGISWARM_A_HOLD] = true,
	[AGISWARM_A_ESTOP] = true,	/* 0 only: a resume */
};

static size_t status_msg_size(void)
{
	return nla_total_size(sizeof(AGISWARM_VERSION)) +
	       nla_total_size(sizeof(u8)) * 7 +	/* ROLE .. PROBE_JOIN */
	       nla_total_size(sizeof(u32)) * 4 +	/* NODE_ID .. DAEMON_PORTID */
	       nla_total_size(sizeof(u16)) +		/* PORT */
	       nla_total_size_64bit(sizeof(u64)) * 5 +	/* EPOCH .. GROUP_ID */
	       nla_total_size(sizeof(u8)) * 6 +	/* GROUP_RANK .. OWNER */
	       nla_total_size_64bit(sizeof(u64)) +	/* RECORD_CYCLE */
	       nla_total_size(sizeof(u64) * AGISWARM_DECODE_BUCKETS) +
	       nla_total_size_64bit(sizeof(u64)) +	/* DECODE_MAX_NS */
	       nla_total_size(sizeof(u32)) +		/* SENSOR_TIMEOUT_US */
	       nla_total_size(sizeof(u8)) +		/* SAFE_STATE */
	       nla_total_size_64bit(sizeof(u64)) * 2 +	/* AUDIT_SEQ, _RECORDS */
	       nla_total_size(AGISWARM_WIRE_VEC_MAX * sizeof(s32)) + /* SAFE */
	       nla_total_size(0) +			/* PID nest */
	       nla_total_size(sizeof(u32)) * 5 +	/* KP .. HI */
	       nla_total_size(AGISWARM_WIRE_VEC_MAX * sizeof(s32)) + /* SP */
	       nla_total_size(0) +			/* COUNTERS nest */
	       (__AGISWARM_CNT_MAX - FIRST_COUNTER) *
	       nla_total_size_64bit(sizeof(u64));
}

/* The COUNTERS nest; 0, or -EMSGSIZE when @msg is full. */
static int put_counters(struct sk_buff *msg,
			const struct agiswarm_node_status *st)
{
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(msg, AGISWARM_A_COUNTERS);
	if (!nest)
		return -EMSGSIZE;
	for (i = FIRST_COUNTER; i < __AGISWARM_CNT_MAX; i++) {
		if (nla_put_u64_64bit(msg, i, st->cnt[i], AGISWARM_CNT_PAD)) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* The decode-time histogram; 0, or -EMSGSIZE when @msg is full. */
static int put_decode(struct sk_buff *msg, struct agiswarm_node *node)
{
	u64 hist[AGISWARM_DECODE_BUCKETS], max_ns;

	agiswarm_cycle_read_decode(node, hist, &max_ns);
	if (nla_put(msg, AGISWARM_A_DECODE_HIST, sizeof(hist), hist) ||
	    nla_put_u64_64bit(msg, AGISWARM_A_DECODE_MAX_NS, max_ns,
			      AGISWARM_A_PAD))
		return -EMSGSIZE;
	return 0;
}

/**
 * struct status_vectors - GET_STATUS's PID and safe output
 * @pid: the PID configuration in use
 * @nsp: setpoints in @sp
 * @sp: the setpoints
 * @nsafe: values in @safe
 * @safe: the safe output
 */
struct status_vectors {
	struct agi_pid_cfg pid;
	u16 nsp;
	s32 sp[AGISWARM_WIRE_VEC_MAX];
	u16 nsafe;
	s32 safe[AGISWARM_WIRE_VEC_MAX];
};

/* The PID nest and the safety; 0, or -EMSGSIZE when @msg is full. */
static int put_safety(struct sk_buff *msg, const struct agiswarm_agg_status *ag,
		      const struct status_vectors *v)
{
	struct nlattr *nest;

	if (nla_put_u32(msg, AGISWARM_A_SENSOR_TIMEOUT_US,
			ag->sensor_timeout_us) ||
	    nla_put_u8(msg, AGISWARM_A_SAFE_STATE, ag->safe_state) ||
	    nla_put_u64_64bit(msg, AGISWARM_A_AUDIT_SEQ, ag->audit_seq,
			      AGISWARM_A_PAD) ||
	    nla_put_u64_64bit(msg, AGISWARM_A_AUDIT_RECORDS, ag->audit_records,
			      AGISWARM_A_PAD) ||
	    (v->nsafe && nla_put(msg, AGISWARM_A_SAFE_OUTPUT,
				 v->nsafe * sizeof(s32), v->safe)))
		return -EMSGSIZE;
	nest = nla_nest_start(msg, AGISWARM_A_PID);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(msg, AGISWARM_PID_A_KP, (u32)v->pid.kp) ||
	    nla_put_u32(msg, AGISWARM_PID_A_KI, (u32)v->pid.ki) ||
	    nla_put_u32(msg, AGISWARM_PID_A_KD, (u32)v->pid.kd) ||
	    nla_put_u32(msg, AGISWARM_PID_A_LO, (u32)v->pid.lo) ||
	    nla_put_u32(msg, AGISWARM_PID_A_HI, (u32)v->pid.hi) ||
	    (v->nsp && nla_put(msg, AGISWARM_PID_A_SETPOINT,
			       v->nsp * sizeof(s32), v->sp))) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* The replicated group's part; 0, or -EMSGSIZE when @msg is full. */
static int put_group(struct sk_buff *msg, struct agiswarm_node *node,
		     const struct agiswarm_node_status *st)
{
	struct agiswarm_repl_status rs;

	agiswarm_repl_read_status(node, &rs);
	if (nla_put_u8(msg, AGISWARM_A_GROUP_RANK, rs.rank) ||
	    nla_put_u8(msg, AGISWARM_A_GROUP_SIZE, rs.size) ||
	    nla_put_u8(msg, AGISWARM_A_FAILURE_THRESHOLD, rs.threshold) ||
	    nla_put_u8(msg, AGISWARM_A_THRESHOLD_NOW, rs.threshold_now) ||
	    nla_put_u8(msg, AGISWARM_A_GROUP_MODE, rs.mode) ||
	    nla_put_u8(msg, AGISWARM_A_EPOCH_OWNER, st->epoch & 7) ||
	    nla_put_u64_64bit(msg, AGISWARM_A_RECORD_CYCLE, rs.rec_cycle,
			      AGISWARM_A_PAD))
		return -EMSGSIZE;
	return 0;
}

/* GET_STATUS's attributes; 0, or -EMSGSIZE when @msg is full. */
static int put_status(struct sk_buff *msg, struct agiswarm_node *node,
		      const struct agiswarm_node_status *st,
		      const struct agiswarm_agg_status *ag,
		      const struct status_vectors *v)
{
	if (nla_put_string(msg, AGISWARM_A_VERSION, AGISWARM_VERSION) ||
	    nla_put_u8(msg, AGISWARM_A_ROLE, st->role) ||
	    nla_put_u32(msg, AGISWARM_A_NODE_ID, st->node_id) ||
	    nla_put_u16(msg, AGISWARM_A_PORT, st->port) ||
	    nla_put_u64_64bit(msg, AGISWARM_A_EPOCH, st->epoch,
			      AGISWARM_A_PAD) ||
	    nla_put_u32(msg, AGISWARM_A_CYCLE_PERIOD_US, ag->period_us) ||
	    nla_put_u32(msg, AGISWARM_A_CYCLE_DEADLINE_US, ag->deadline_us) ||
	    nla_put_u8(msg, AGISWARM_A_MISS_POLICY, ag->miss) ||
	    nla_put_u8(msg, AGISWARM_A_CONTROL_LAW, ag->law) ||
	    nla_put_u8(msg, AGISWARM_A_RUNNING, ag->running) ||
	    nla_put_u64_64bit(msg, AGISWARM_A_CYCLE_ID, ag->cycle_id,
			      AGISWARM_A_PAD) ||
	    nla_put_u8(msg, AGISWARM_A_REDUNDANCY, ag->redundancy) ||
	    nla_put_u32(msg, AGISWARM_A_DAEMON_PORTID, st->daemon_portid) ||
	    nla_put_u64_64bit(msg, AGISWARM_A_STAGED_CYCLE, ag->staged_cycle,
			      AGISWARM_A_PAD) ||
	    nla_put_u64_64bit(msg, AGISWARM_A_HELD_CYCLE, ag->held_cycle,
			      AGISWARM_A_PAD) ||
	    nla_put_u64_64bit(msg, AGISWARM_A_GROUP_ID, st->group,
			      AGISWARM_A_PAD) ||
	    nla_put_u8(msg, AGISWARM_A_PROBE_JOIN,
		       agiswarm_job_probe_join(node)) ||
	    put_group(msg, node, st) ||
	    put_decode(msg, node) ||
	    put_safety(msg, ag, v))
		return -EMSGSIZE;
	return put_counters(msg, st);
}

/* GET_STATUS: 0, -ENOMEM, or -EMSGSIZE (a bug: status_msg_size() is short). */
static int get_status_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct agiswarm_node *node = agiswarm_node_get(genl_info_net(info));
	struct agiswarm_node_status st;
	struct agiswarm_agg_status ag;
	struct status_vectors *v;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	agiswarm_node_read_status(node, &st);
	agiswarm_aggregator_read_status(node, &ag);
	agiswarm_aggregator_get_safe(node, v->safe, &v->nsafe, &v->pid, v->sp,
				     &v->nsp);

	msg = genlmsg_new(status_msg_size(), GFP_KERNEL);
	if (!msg) {
		kfree(v);
		return -ENOMEM;
	}
	hdr = genlmsg_put_reply(msg, info, &agiswarm_netlink_family, 0,
				AGISWARM_CMD_GET_STATUS);
	/* Only a status_msg_size() that undercounts fails here: a bug. */
	ret = !hdr || put_status(msg, node, &st, &ag, v);
	kfree(v);
	if (WARN_ON_ONCE(ret)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/**
 * struct node_change - a SET_NODE request, checked before anything applies
 * @period_us: the cycle period after the request
 * @deadline_us: the deadline after the request
 * @pid_set: the request carries a PID nest
 * @pid: the PID configuration after the request (when @pid_set)
 * @nsp: number of setpoints in the request, 0 when none
 * @sp: setpoints of the request (when @nsp > 0)
 */
struct node_change {
	u32 period_us;
	u32 deadline_us;
	bool pid_set;
	struct agi_pid_cfg pid;
	u16 nsp;
	const s32 *sp;
};

/* SET_NODE arms the held matrix with its staged change. */
static bool arm_held(const struct genl_info *info)
{
	const struct nlattr *a = info->attrs[AGISWARM_A_HELD_MATRIX];

	return a && nla_get_u8(a);
}

/*
 * The PID configuration after the request: the one in use, changed.
 * Returns 0, or -EINVAL (-ERANGE from the policy) with the extack.
 */
static int check_pid(struct genl_info *info, struct agiswarm_node *node,
		     struct node_change *c)
{
	struct nlattr *tb[AGISWARM_PID_A_MAX + 1];
	struct nlattr *pid = info->attrs[AGISWARM_A_PID];
	struct agi_pid_cfg *p = &c->pid;
	u32 outputs;
	int ret;

	ret = nla_parse_nested(tb, AGISWARM_PID_A_MAX, pid, pid_policy,
			       info->extack);
	if (ret)
		return ret;
	c->pid_set = true;
	agiswarm_aggregator_get_pid(node, p);
	if (tb[AGISWARM_PID_A_KP])
		p->kp = (s32)nla_get_u32(tb[AGISWARM_PID_A_KP]);
	if (tb[AGISWARM_PID_A_KI])
		p->ki = (s32)nla_get_u32(tb[AGISWARM_PID_A_KI]);
	if (tb[AGISWARM_PID_A_KD])
		p->kd = (s32)nla_get_u32(tb[AGISWARM_PID_A_KD]);
	if (tb[AGISWARM_PID_A_LO])
		p->lo = (s32)nla_get_u32(tb[AGISWARM_PID_A_LO]);
	if (tb[AGISWARM_PID_A_HI])
		p->hi = (s32)nla_get_u32(tb[AGISWARM_PID_A_HI]);
	if (p->lo > p->hi) {
		NL_SET_ERR_MSG_ATTR(info->extack, pid, "PID lo is above hi");
		return -EINVAL;
	}
	if (tb[AGISWARM_PID_A_SETPOINT]) {
		struct nlattr *a = tb[AGISWARM_PID_A_SETPOINT];

		if (nla_len(a) % sizeof(s32)) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "setpoint is not a whole number of s32");
			return -EINVAL;
		}
		c->nsp = nla_len(a) / sizeof(s32);
		c->sp = nla_data(a);
		/* Armed with a held matrix: that matrix's outputs count. */
		outputs = arm_held(info) ?
			  agiswarm_stage_held_rows(node) : 0;
		if (!outputs)
			outputs = agiswarm_aggregator_outputs(node);
		if (outputs && c->nsp != outputs) {
			snprintf(node->errmsg, sizeof(node->errmsg),
				 "setpoint has %u values, the matrix has %u outputs: give one per output",
				 c->nsp, outputs);
			/* 6.1 has no formatted extack. */
			if (info->extack)
				info->extack->_msg = node->errmsg;
			NL_SET_BAD_ATTR(info->extack, a);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * HOLD needs a cycle to hold the change for; ARM goes alone; a SET_NODE's
 * APPLY_AT_CYCLE is a cycle (AGISWARM_STAGE_HOLD is SET_MATRIX's). Returns
 * 0 or -EINVAL with the extack.
 */
static int check_hold(struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct nlattr *at = a[AGISWARM_A_APPLY_AT_CYCLE];
	int i;

	if (a[AGISWARM_A_HOLD] && !at) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[AGISWARM_A_HOLD],
				    "HOLD holds the change for APPLY_AT_CYCLE: give it");
		return -EINVAL;
	}
	if (at && nla_get_u64(at) == AGISWARM_STAGE_HOLD) {
		NL_SET_ERR_MSG_ATTR(info->extack, at,
				    "SET_NODE holds a change for a cycle with HOLD and APPLY_AT_CYCLE N");
		return -EINVAL;
	}
	if (!a[AGISWARM_A_ARM])
		return 0;
	for (i = 1; i <= AGISWARM_A_MAX; i++) {
		if (a[i] && i != AGISWARM_A_ARM) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[i],
					    "ARM goes alone");
			return -EINVAL;
		}
	}
	return 0;
}

/* The value of an optional u64 attribute, 0 when absent. */
static u64 u64_or_zero(const struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

/*
 * Checks what SET_NODE may refuse, before anything changes. Returns 0, or
 * -EINVAL (-ERANGE from a policy) with the extack.
 */
/* The rank must stay below the group's size; 0, or -EINVAL. */
static int check_group(struct genl_info *info, struct agiswarm_node *node)
{
	struct nlattr **a = info->attrs;
	struct agiswarm_repl_status rs;
	u8 rank, size;

	agiswarm_repl_read_status(node, &rs);
	rank = a[AGISWARM_A_GROUP_RANK] ?
		nla_get_u8(a[AGISWARM_A_GROUP_RANK]) : rs.rank;
	size = a[AGISWARM_A_GROUP_SIZE] ?
		nla_get_u8(a[AGISWARM_A_GROUP_SIZE]) : rs.size;
	if (rank < size)
		return 0;
	snprintf(node->errmsg, sizeof(node->errmsg),
		 "group rank %u is not below the group size %u", rank, size);
	/* 6.1 has no formatted extack. */
	if (info->extack)
		info->extack->_msg = node->errmsg;
	NL_SET_BAD_ATTR(info->extack, a[AGISWARM_A_GROUP_RANK] ?:
			a[AGISWARM_A_GROUP_SIZE]);
	return -EINVAL;
}

static int check_node_change(struct genl_info *info,
			     struct agiswarm_node *node, struct node_change *c)
{
	struct nlattr **a = info->attrs;
	u8 role = a[AGISWARM_A_ROLE] ? nla_get_u8(a[AGISWARM_A_ROLE]) :
					node->role;
	struct agiswarm_agg_status ag;
	int ret;

	lockdep_assert_held(&node->conf_lock);
	if (role > AGISWARM_ROLE_MAX) {
		NL_SET_ERR_MSG_MOD(info->extack, "unknown role");
		NL_SET_BAD_ATTR(info->extack, a[AGISWARM_A_ROLE]);
		return -EINVAL;
	}
	if (a[AGISWARM_A_RUNNING] && nla_get_u8(a[AGISWARM_A_RUNNING]) &&
	    role != AGISWARM_ROLE_AGGREGATOR) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[AGISWARM_A_RUNNING],
				    "only an aggregator runs a cycle");
		return -EINVAL;
	}
	ret = check_group(info, node);
	if (ret)
		return ret;
	agiswarm_aggregator_read_status(node, &ag);
	c->period_us = a[AGISWARM_A_CYCLE_PERIOD_US] ?
		nla_get_u32(a[AGISWARM_A_CYCLE_PERIOD_US]) : ag.period_us;
	c->deadline_us = a[AGISWARM_A_CYCLE_DEADLINE_US] ?
		nla_get_u32(a[AGISWARM_A_CYCLE_DEADLINE_US]) : ag.deadline_us;
	if (c->deadline_us > c->period_us) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "the deadline would exceed the cycle period");
		NL_SET_BAD_ATTR(info->extack,
				a[AGISWARM_A_CYCLE_DEADLINE_US] ?:
				a[AGISWARM_A_CYCLE_PERIOD_US]);
		return -EINVAL;
	}
	if (a[AGISWARM_A_REDUNDANCY]) {
		ret = agiswarm_plan_check_redundancy(node,
						     nla_get_u8(a[AGISWARM_A_REDUNDANCY]),
						     a[AGISWARM_A_REDUNDANCY],
						     info->extack);
		if (ret)
			return ret;
	}
	if (arm_held(info) && !a[AGISWARM_A_APPLY_AT_CYCLE]) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[AGISWARM_A_HELD_MATRIX],
				    "HELD_MATRIX 1 arms the held matrix at APPLY_AT_CYCLE: give it");
		return -EINVAL;
	}
	if (a[AGISWARM_A_HELD_MATRIX] && !arm_held(info) &&
	    a[AGISWARM_A_APPLY_AT_CYCLE]) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[AGISWARM_A_HELD_MATRIX],
				    "HELD_MATRIX 0 drops the held matrix now: no APPLY_AT_CYCLE");
		return -EINVAL;
	}
	ret = check_hold(info);
	if (ret)
		return ret;
	if (a[AGISWARM_A_ESTOP] && !nla_get_u8(a[AGISWARM_A_ESTOP]) &&
	    !agiswarm_daemon_may_resume(node, info->snd_portid)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[AGISWARM_A_ESTOP],
				    "agiswarmd requires signatures: resume with a signed commit (agictl commit ... resume)");
		return -EPERM;
	}
	if (a[AGISWARM_A_SAFE_OUTPUT] &&
	    nla_len(a[AGISWARM_A_SAFE_OUTPUT]) % sizeof(s32)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[AGISWARM_A_SAFE_OUTPUT],
				    "safe output is not a whole number of s32");
		return -EINVAL;
	}
	if ((a[AGISWARM_A_AUDIT_SEQ] || a[AGISWARM_A_AUDIT_RECORDS]) &&
	    agiswarm_aggregator_check_audit(node,
					    u64_or_zero(a[AGISWARM_A_AUDIT_SEQ]),
					    u64_or_zero(a[AGISWARM_A_AUDIT_RECORDS]))) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "the audit watermark never goes down while the module is loaded");
		NL_SET_BAD_ATTR(info->extack, a[AGISWARM_A_AUDIT_SEQ] ?:
				a[AGISWARM_A_AUDIT_RECORDS]);
		return -EINVAL;
	}
	if (a[AGISWARM_A_PID])
		return check_pid(info, node, c);
	return 0;
}

/* GROUP_RANK, _SIZE, FAILURE_THRESHOLD, checked; the mode of the epoch. */
static void set_group(struct agiswarm_node *node, struct nlattr **a)
{
	u8 v[3];
	const u8 *p[3] = {};
	static const int attr[3] = {
		AGISWARM_A_GROUP_RANK, AGISWARM_A_GROUP_SIZE,
		AGISWARM_A_FAILURE_THRESHOLD,
	};
	int i;

	for (i = 0; i < 3; i++) {
		if (!a[attr[i]])
			continue;
		v[i] = nla_get_u8(a[attr[i]]);
		p[i] = &v[i];
	}
	agiswarm_repl_configure(node, p[0], p[1], p[2]);
}

/* SENSOR_TIMEOUT_US and SAFE_OUTPUT, checked by the policy. */
static void set_safety(struct agiswarm_node *node, struct nlattr **a)
{
	struct agiswarm_agg_safety sf = {
		.timeout_set = a[AGISWARM_A_SENSOR_TIMEOUT_US],
	};

	if (sf.timeout_set)
		sf.timeout_us = nla_get_u32(a[AGISWARM_A_SENSOR_TIMEOUT_US]);
	if (a[AGISWARM_A_SAFE_OUTPUT]) {
		sf.safe = nla_data(a[AGISWARM_A_SAFE_OUTPUT]);
		sf.nsafe = nla_len(a[AGISWARM_A_SAFE_OUTPUT]) / sizeof(s32);
	}
	agiswarm_aggregator_set_safety(node, &sf);
}

static bool any_node_attr(struct nlattr **a)
{
	int i;

	for (i = 1; i <= AGISWARM_A_MAX; i++)
		if (a[i] && i != AGISWARM_A_APPLY_AT_CYCLE)
			return true;
	return false;
}

/*
 * Applies a checked SET_NODE request now. Returns 0, or the error of what
 * failed at run time: opening the port (before anything changed), or
 * reassigning the rows, or starting a node that is not an aggregator.
 */
static int apply_node_change(struct genl_info *info,
			     struct agiswarm_node *node,
			     const struct node_change *c)
{
	struct nlattr **a = info->attrs;
	struct agiswarm_agg_status ag;
	int ret;

	lockdep_assert_held(&node->conf_lock);
	/* First what may fail at run time, so a failure changes nothing. */
	if (a[AGISWARM_A_PORT]) {
		ret = agiswarm_socket_set_port(node,
					       nla_get_u16(a[AGISWARM_A_PORT]));
		if (ret) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[AGISWARM_A_PORT],
					    "cannot open the UDP port");
			return ret;
		}
	}
	if (a[AGISWARM_A_ROLE]) {
		agiswarm_node_set_role(node, nla_get_u8(a[AGISWARM_A_ROLE]));
		if (node->role != AGISWARM_ROLE_AGGREGATOR)
			agiswarm_aggregator_set_running(node, false);
	}
	if (a[AGISWARM_A_NODE_ID])
		agiswarm_node_set_id(node, nla_get_u32(a[AGISWARM_A_NODE_ID]));
	if (a[AGISWARM_A_EPOCH])
		agiswarm_node_set_epoch(node, nla_get_u64(a[AGISWARM_A_EPOCH]));
	/* Rows already sent are bound to the old group: bind them anew. */
	if (a[AGISWARM_A_GROUP_ID] &&
	    agiswarm_node_set_group(node, nla_get_u64(a[AGISWARM_A_GROUP_ID]))) {
		ret = agiswarm_aggregator_reassign(node);
		if (ret) {
			NL_SET_ERR_MSG_MOD(info->extack,
					   "cannot assign the matrix rows to the workers");
			return ret;
		}
	}
	if (a[AGISWARM_A_EPOCH] || a[AGISWARM_A_GROUP_RANK] ||
	    a[AGISWARM_A_GROUP_SIZE] || a[AGISWARM_A_FAILURE_THRESHOLD])
		set_group(node, a);
	if (a[AGISWARM_A_PROBE_JOIN])
		agiswarm_job_set_probe_join(node,
					    nla_get_u8(a[AGISWARM_A_PROBE_JOIN]));
	agiswarm_aggregator_set_timing(node, c->period_us, c->deadline_us);
	if (a[AGISWARM_A_MISS_POLICY])
		agiswarm_aggregator_set_miss(node,
					     nla_get_u8(a[AGISWARM_A_MISS_POLICY]));
	agiswarm_aggregator_read_status(node, &ag);
	if (a[AGISWARM_A_CONTROL_LAW] || c->pid_set)
		agiswarm_aggregator_set_law(node,
					    a[AGISWARM_A_CONTROL_LAW] ?
					    nla_get_u8(a[AGISWARM_A_CONTROL_LAW]) :
					    ag.law, c->pid_set ? &c->pid : NULL,
					    c->sp, c->nsp);
	if (a[AGISWARM_A_SENSOR_TIMEOUT_US] || a[AGISWARM_A_SAFE_OUTPUT])
		set_safety(node, a);
	if (a[AGISWARM_A_AUDIT_SEQ] || a[AGISWARM_A_AUDIT_RECORDS])
		agiswarm_aggregator_set_audit(node,
					      u64_or_zero(a[AGISWARM_A_AUDIT_SEQ]),
					      u64_or_zero(a[AGISWARM_A_AUDIT_RECORDS]));
	if (a[AGISWARM_A_ESTOP])
		agiswarm_aggregator_estop(node, nla_get_u8(a[AGISWARM_A_ESTOP]));
	if (a[AGISWARM_A_HELD_MATRIX])
		agiswarm_stage_drop_held(node);
	if (a[AGISWARM_A_RUNNING] && !nla_get_u8(a[AGISWARM_A_RUNNING]))
		agiswarm_aggregator_set_running(node, false);
	if (a[AGISWARM_A_REDUNDANCY] || a[AGISWARM_A_CODE_SEED]) {
		u8 redundancy = a[AGISWARM_A_REDUNDANCY] ?
			nla_get_u8(a[AGISWARM_A_REDUNDANCY]) : ag.redundancy;
		u64 seed = a[AGISWARM_A_CODE_SEED] ?
			nla_get_u64(a[AGISWARM_A_CODE_SEED]) :
			agiswarm_aggregator_seed(node);

		ret = agiswarm_aggregator_set_code(node, redundancy, seed);
		if (ret) {
			NL_SET_ERR_MSG_MOD(info->extack,
					   "cannot assign the matrix rows to the workers");
			return ret;
		}
	}
	/* check_node_change() saw to the role. */
	if (a[AGISWARM_A_RUNNING] && nla_get_u8(a[AGISWARM_A_RUNNING]))
		agiswarm_aggregator_set_running(node, true);
	return 0;
}

/*
 * Stages a checked SET_NODE request for its APPLY_AT_CYCLE. Returns 0;
 * -EINVAL for an attribute that cannot be staged; agiswarm_stage_node()'s
 * refusal.
 */
static int stage_node_change(struct genl_info *info,
			     struct agiswarm_node *node,
			     const struct node_change *c)
{
	struct nlattr **a = info->attrs;
	struct agiswarm_node_stage ch = {
		.timing = a[AGISWARM_A_CYCLE_PERIOD_US] ||
			  a[AGISWARM_A_CYCLE_DEADLINE_US],
		.period_us = c->period_us,
		.deadline_us = c->deadline_us,
		.miss_set = a[AGISWARM_A_MISS_POLICY],
		.law_set = a[AGISWARM_A_CONTROL_LAW],
		.pid = c->pid_set ? &c->pid : NULL,
		.sp = c->sp,
		.nsp = c->nsp,
	};
	struct nlattr *at = a[AGISWARM_A_APPLY_AT_CYCLE];
	int i, ret;

	lockdep_assert_held(&node->conf_lock);
	for (i = 1; i <= AGISWARM_A_MAX; i++) {
		if (a[i] && !stageable[i]) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[i],
					    "only period, deadline, miss policy, law, PID and a resume can be staged");
			return -EINVAL;
		}
	}
	if (ch.miss_set)
		ch.miss = nla_get_u8(a[AGISWARM_A_MISS_POLICY]);
	if (ch.law_set)
		ch.law = nla_get_u8(a[AGISWARM_A_CONTROL_LAW]);
	if (a[AGISWARM_A_ESTOP] && nla_get_u8(a[AGISWARM_A_ESTOP])) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[AGISWARM_A_ESTOP],
				    "an emergency stop is immediate: it cannot be staged");
		return -EINVAL;
	}
	ch.resume = a[AGISWARM_A_ESTOP];
	ret = agiswarm_stage_node(node, &ch, nla_get_u64(at), arm_held(info),
				  a[AGISWARM_A_HOLD], info->extack);
	if (ret)
		NL_SET_BAD_ATTR(info->extack, at);
	return ret;
}

/* SET_NODE: 0, or -errno with the extack, as the UAPI header documents. */
static int set_node_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct agiswarm_node *node = agiswarm_node_get(net);
	struct node_change c = {};
	u32 node_id;
	u8 role;
	int ret;

	if (!any_node_attr(info->attrs)) {
		NL_SET_ERR_MSG_MOD(info->extack, "nothing to set");
		return -EINVAL;
	}
	mutex_lock(&node->conf_lock);
	ret = check_node_change(info, node, &c);
	if (!ret && info->attrs[AGISWARM_A_ARM])
		ret = agiswarm_stage_arm(node, info->extack);
	else if (!ret && info->attrs[AGISWARM_A_APPLY_AT_CYCLE])
		ret = stage_node_change(info, node, &c);
	else if (!ret)
		ret = apply_node_change(info, node, &c);
	role = node->role;
	node_id = node->node_id;
	mutex_unlock(&node->conf_lock);

	/* Any namespace admin can trigger this: never let them flood the log. */
	if (!ret && (info->attrs[AGISWARM_A_ROLE] ||
		     info->attrs[AGISWARM_A_NODE_ID]))
		pr_info_ratelimited("netns %u: node %u is now %s\n",
				    net->ns.inum, node_id,
				    agiswarm_node_role_name(role));
	return ret;
}

/**
 * agiswarm_netlink_parse_endpoint() - an IPv4 endpoint from an attribute
 * @info: the request, for its extack
 * @a: the attribute, a struct sockaddr_in of at least its size (policy)
 * @sin: where the endpoint goes
 *
 * Return: 0; -EAFNOSUPPORT for an IPv6 endpoint; -EINVAL for another
 * family, or without an address or a port. Errors are worded in @info's
 * extack.
 */
int agiswarm_netlink_parse_endpoint(struct genl_info *info, struct nlattr *a,
				    struct sockaddr_in *sin)
{
	const struct sockaddr *sa = nla_data(a);

	if (sa->sa_family == AF_INET6 &&
	    nla_len(a) >= sizeof(struct sockaddr_in6)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a,
				    "IPv6 endpoints are not supported yet");
		return -EAFNOSUPPORT;
	}
	if (sa->sa_family != AF_INET) {
		NL_SET_ERR_MSG_ATTR(info->extack, a,
				    "endpoint is not a struct sockaddr_in");
		return -EINVAL;
	}
	memcpy(sin, sa, sizeof(*sin));
	if (!sin->sin_port || !sin->sin_addr.s_addr) {
		NL_SET_ERR_MSG_ATTR(info->extack, a,
				    "endpoint needs an address and a port");
		return -EINVAL;
	}
	return 0;
}

/**
 * agiswarm_netlink_put_metric() - a metrics record's attributes
 * @msg: the message
 * @rec: the record
 *
 * Return: 0, or -EMSGSIZE when @msg is full.
 */
int agiswarm_netlink_put_metric(struct sk_buff *msg,
				const struct agiswarm_metric *rec)
{
	if (nla_put_u64_64bit(msg, AGISWARM_A_CYCLE_ID, rec->cycle,
			      AGISWARM_A_PAD) ||
	    nla_put_u64_64bit(msg, AGISWARM_A_EPOCH, rec->epoch,
			      AGISWARM_A_PAD) ||
	    nla_put_u8(msg, AGISWARM_A_STATUS, rec->status) ||
	    nla_put_u64_64bit(msg, AGISWARM_A_TIMESTAMP_NS, rec->timestamp_ns,
			      AGISWARM_A_PAD) ||
	    nla_put_u32(msg, AGISWARM_A_LATENCY_US, rec->latency_us) ||
	    nla_put_u32(msg, AGISWARM_A_JITTER_US, rec->jitter_us) ||
	    nla_put_u32(msg, AGISWARM_A_WORKER_COUNT, rec->workers) ||
	    nla_put_u32(msg, AGISWARM_A_TASK_COUNT, rec->tasks) ||
	    nla_put_u32(msg, AGISWARM_A_ERROR_PPM, rec->error_ppm) ||
	    nla_put_u32(msg, AGISWARM_A_RESULTS_USED, rec->results_used) ||
	    (rec->applied && nla_put_flag(msg, AGISWARM_A_APPLIED)))
		return -EMSGSIZE;
	return 0;
}

/**
 * agiswarm_netlink_cycle_msg() - a cycle's event, to send once unlocked
 * @node: the node
 * @rec: the cycle's metrics record
 * @fmt: the format of @x, @y and @u
 * @x: the cycle's input
 * @nx: its length
 * @y: y = A x, or NULL for a missed cycle
 * @ny: its length
 * @u: the output
 * @nu: its length
 *
 * Context: any but hard interrupts (GFP_ATOMIC).
 * Return: the event for agiswarm_netlink_cycle_send(), or NULL when nobody
 * listens or memory is short.
 */
struct sk_buff *agiswarm_netlink_cycle_msg(struct agiswarm_node *node,
					   const struct agiswarm_metric *rec,
					   u8 fmt, const s32 *x, u16 nx,
					   const s32 *y, u16 ny, const s32 *u,
					   u16 nu)
{
	struct sk_buff *msg;
	void *hdr;

	/* The common case at 1 kHz: nobody runs agictl monitor. */
	if (!genl_has_listeners(&agiswarm_netlink_family, node->net, 0))
		return NULL;
	msg = genlmsg_new(NLMSG_GOODSIZE + (nx + ny + nu) * sizeof(s32),
			  GFP_ATOMIC);
	if (!msg)
		return NULL;
	hdr = genlmsg_put(msg, 0, 0, &agiswarm_netlink_family, 0,
			  AGISWARM_CMD_CYCLE);
	if (!hdr || agiswarm_netlink_put_metric(msg, rec) ||
	    nla_put_u8(msg, AGISWARM_A_FMT, fmt) ||
	    nla_put(msg, AGISWARM_A_X, nx * sizeof(s32), x) ||
	    (y && nla_put(msg, AGISWARM_A_Y, ny * sizeof(s32), y)) ||
	    nla_put(msg, AGISWARM_A_U, nu * sizeof(s32), u)) {
		nlmsg_free(msg);
		return NULL;
	}
	genlmsg_end(msg, hdr);
	return msg;
}

/**
 * agiswarm_netlink_cycle_send() - multicast a cycle event
 * @node: the node
 * @msg: an event of agiswarm_netlink_cycle_msg(); consumed
 *
 * Context: any but hard interrupts.
 */
void agiswarm_netlink_cycle_send(struct agiswarm_node *node,
				 struct sk_buff *msg)
{
	genlmsg_multicast_netns(&agiswarm_netlink_family, node->net, msg, 0, 0,
				GFP_ATOMIC);
}

static const struct nla_policy peer_nest_policy[AGISWARM_A_MAX + 1] = {
	[AGISWARM_A_PEER] = NLA_POLICY_NESTED(agiswarm_nl_data_peer_policy),
};

static const struct nla_policy set_matrix_policy[AGISWARM_A_MAX + 1] = {
	[AGISWARM_A_MATRIX_FMT] = NLA_POLICY_RANGE(NLA_U8, AGISWARM_Q1_31,
						   AGISWARM_Q_MAX),
	[AGISWARM_A_MATRIX_ROWS] = NLA_POLICY_RANGE(NLA_U32, 1,
						    AGI_CODE_MAX_SOURCE_ROWS),
	[AGISWARM_A_MATRIX_COLS] = NLA_POLICY_RANGE(NLA_U32, 1,
						    AGI_CODE_MAX_COLS),
	[AGISWARM_A_MATRIX_FIRST_ROW] = { .type = NLA_U32 },
	[AGISWARM_A_MATRIX_DATA] = NLA_POLICY_MIN_LEN(sizeof(s32)),
	[AGISWARM_A_APPLY_AT_CYCLE] = { .type = NLA_U64 },
};

static const struct nla_policy set_input_policy[AGISWARM_A_MAX + 1] = {
	[AGISWARM_A_INPUT_FMT] = NLA_POLICY_RANGE(NLA_U8, AGISWARM_Q1_31,
						  AGISWARM_Q_MAX),
	[AGISWARM_A_INPUT_X] = NLA_POLICY_RANGE(NLA_BINARY, sizeof(s32),
						AGISWARM_WIRE_VEC_MAX *
						sizeof(s32)),
	[AGISWARM_A_APPLY_AT_CYCLE] = { .type = NLA_U64 },
};

static const struct nla_policy metrics_policy[AGISWARM_A_MAX + 1] = {
	[AGISWARM_A_CYCLE_ID] = { .type = NLA_U64 },
};

static const struct nla_policy send_policy[AGISWARM_A_MAX + 1] = {
	[AGISWARM_A_PEER_ENDPOINT] = NLA_POLICY_MIN_LEN(sizeof(struct sockaddr_in)),
	[AGISWARM_A_DATAGRAM] = { .type = NLA_BINARY },
	[AGISWARM_A_PEER] = NLA_POLICY_NESTED(agiswarm_nl_data_peer_policy),
};

static const struct nla_policy register_policy[AGISWARM_A_MAX + 1] = {
	[AGISWARM_A_SIGNED_RESUME] = NLA_POLICY_MAX(NLA_U8, 1),
};

static const struct nla_policy set_key_policy[AGISWARM_A_MAX + 1] = {
	[AGISWARM_A_PEER] = NLA_POLICY_NESTED(agiswarm_nl_data_peer_policy),
	[AGISWARM_A_KEY] = NLA_POLICY_NESTED(agiswarm_link_key_policy),
};

static const struct nla_policy job_policy[AGISWARM_A_MAX + 1] = {
	[AGISWARM_A_JOB_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[AGISWARM_A_JOB_OP] = NLA_POLICY_RANGE(NLA_U8, AGISWARM_JOB_OP_MATMUL,
					       AGISWARM_JOB_OP_MAX),
	[AGISWARM_A_MATRIX_FMT] = NLA_POLICY_RANGE(NLA_U8, AGISWARM_Q1_31,
						   AGISWARM_Q_MAX),
	[AGISWARM_A_INPUT_FMT] = NLA_POLICY_RANGE(NLA_U8, AGISWARM_Q1_31,
						  AGISWARM_Q_MAX),
	[AGISWARM_A_JOB_ROWS] = NLA_POLICY_RANGE(NLA_U32, 1,
						 AGI_CODE_MAX_SOURCE_ROWS),
	[AGISWARM_A_JOB_COLS] = NLA_POLICY_RANGE(NLA_U32, 1,
						 AGISWARM_WIRE_VEC_MAX),
	[AGISWARM_A_JOB_BCOLS] = NLA_POLICY_RANGE(NLA_U32, 1,
						  AGISWARM_JOB_BCOLS_MAX),
	[AGISWARM_A_JOB_PRIORITY] = { .type = NLA_U8 },
	[AGISWARM_A_JOB_WORKER] = { .type = NLA_U32 },
	[AGISWARM_A_JOB_TIMEOUT_MS] = { .type = NLA_U32 },
	[AGISWARM_A_JOB_PART] = NLA_POLICY_MAX(NLA_U8, AGISWARM_JOB_PART_MAX),
	[AGISWARM_A_JOB_OFFSET] = { .type = NLA_U32 },
	/* Its maximum is checked by the handler: the policy's is an s16. */
	[AGISWARM_A_JOB_DATA] = NLA_POLICY_MIN_LEN(sizeof(s32)),
};

static const struct nla_policy fault_policy[AGISWARM_A_MAX + 1] = {
	[AGISWARM_A_FAULT_WORKER] = { .type = NLA_U32 },
	[AGISWARM_A_FAULT_KIND] = NLA_POLICY_RANGE(NLA_U8, AGISWARM_FAULT_DROP,
						   AGISWARM_FAULT_MAX),
	[AGISWARM_A_FAULT_VALUE] = { .type = NLA_U32 },
};

/*
 * Every command that changes state is GENL_UNS_ADMIN_PERM: admin of the
 * user namespace owning the network namespace, not of the host, so that a
 * container that owns its namespace may run its own node but cannot
 * reconfigure anyone else's. Commands without a policy take no attribute
 * (the core refuses any, since they are at or above resv_start_op).
 */
static const struct genl_ops agiswarm_genl_ops[] = {
	{
		.cmd = AGISWARM_CMD_GET_STATUS,
		.doit = get_status_doit,
	},
	{
		.cmd = AGISWARM_CMD_SET_NODE,
		.doit = set_node_doit,
		.policy = set_node_policy,
		.maxattr = AGISWARM_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = AGISWARM_CMD_ADD_PEER,
		.doit = agiswarm_nl_data_add_peer_doit,
		.policy = peer_nest_policy,
		.maxattr = AGISWARM_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = AGISWARM_CMD_DEL_PEER,
		.doit = agiswarm_nl_data_del_peer_doit,
		.policy = peer_nest_policy,
		.maxattr = AGISWARM_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = AGISWARM_CMD_GET_PEERS,
		.dumpit = agiswarm_nl_data_get_peers_dumpit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = AGISWARM_CMD_SET_MATRIX,
		.doit = agiswarm_nl_data_set_matrix_doit,
		.policy = set_matrix_policy,
		.maxattr = AGISWARM_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = AGISWARM_CMD_GET_MATRIX,
		.doit = agiswarm_nl_data_get_matrix_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = AGISWARM_CMD_SET_INPUT,
		.doit = agiswarm_nl_data_set_input_doit,
		.policy = set_input_policy,
		.maxattr = AGISWARM_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = AGISWARM_CMD_SET_FAULT,
		.doit = agiswarm_nl_data_set_fault_doit,
		.policy = fault_policy,
		.maxattr = AGISWARM_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = AGISWARM_CMD_CLEAR_FAULT,
		.doit = agiswarm_nl_data_clear_fault_doit,
		.policy = fault_policy,
		.maxattr = AGISWARM_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = AGISWARM_CMD_GET_METRICS,
		.dumpit = agiswarm_nl_data_get_metrics_dumpit,
		.policy = metrics_policy,
		.maxattr = AGISWARM_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		/*
		 * Admin: the daemon receives every control datagram of the
		 * node, COMMITs included.
		 */
		.cmd = AGISWARM_CMD_REGISTER_DAEMON,
		.doit = agiswarm_daemon_register_doit,
		.policy = register_policy,
		.maxattr = AGISWARM_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = AGISWARM_CMD_SEND,
		.doit = agiswarm_daemon_send_doit,
		.policy = send_policy,
		.maxattr = AGISWARM_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = AGISWARM_CMD_SET_KEY,
		.doit = agiswarm_link_set_key_doit,
		.policy = set_key_policy,
		.maxattr = AGISWARM_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = AGISWARM_CMD_JOB_SUBMIT,
		.doit = agiswarm_job_submit_doit,
		.policy = job_policy,
		.maxattr = AGISWARM_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = AGISWARM_CMD_JOB_DATA,
		.doit = agiswarm_job_data_doit,
		.policy = job_policy,
		.maxattr = AGISWARM_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		/* Admin: a job's matrices and result are the operator's. */
		.cmd = AGISWARM_CMD_JOB_GET,
		.doit = agiswarm_job_get_doit,
		.dumpit = agiswarm_job_get_dumpit,
		.policy = job_policy,
		.maxattr = AGISWARM_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = AGISWARM_CMD_JOB_CANCEL,
		.doit = agiswarm_job_cancel_doit,
		.policy = job_policy,
		.maxattr = AGISWARM_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group agiswarm_mcgrps[] = {
	/* x, y and u of every cycle: plant data, admin only. */
	{ .name = AGISWARM_MCGRP_CYCLES, .flags = GENL_UNS_ADMIN_PERM },
};

struct genl_family agiswarm_netlink_family __ro_after_init = {
	.name = AGISWARM_GENL_NAME,
	.version = AGISWARM_GENL_VERSION,
	.module = THIS_MODULE,
	.ops = agiswarm_genl_ops,
	.n_ops = ARRAY_SIZE(agiswarm_genl_ops),
	.mcgrps = agiswarm_mcgrps,
	.n_mcgrps = ARRAY_SIZE(agiswarm_mcgrps),
	/* Each namespace is a node and configures itself. */
	.netnsok = true,
	/* Handlers lock their own node (DOC: Locking in node.c). */
	.parallel_ops = true,
	/*
	 * Every command is new: the core checks the reserved header field
	 * and the flags of all of them, and refuses attributes to a command
	 * without a policy.
	 */
	.resv_start_op = AGISWARM_CMD_GET_STATUS,
};

/**
 * agiswarm_netlink_init() - register the family; requests may arrive
 *
 * Return: 0, or genl_register_family()'s error.
 */
int __init agiswarm_netlink_init(void)
{
	return genl_register_family(&agiswarm_netlink_family);
}

/**
 * agiswarm_netlink_uninit() - unregister the family, after its last request
 */
void agiswarm_netlink_uninit(void)
{
	genl_unregister_family(&agiswarm_netlink_family);
}
