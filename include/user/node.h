/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * AGISWARM_CMD_SET_NODE as a typed request: what a node is (role, id,
 * port, epoch, aggregator group), its cycle (period, deadline, miss policy, redundancy,
 * code seed, running or not) and its control law with the PID's
 * parameters. Only what @present names is sent; the module leaves the
 * rest as it was. agictl fills one from its command line, agiswarmd from
 * its configuration or a signed commit (then with @apply_at: staged at
 * that cycle). The UAPI header documents every value's range and the
 * module's checks; the request returns the module's -errno and leaves
 * its words in nl->extack.
 */
#ifndef AGISWARM_USER_NODE_H
#define AGISWARM_USER_NODE_H

#include "core/compat.h"
#include "uapi/linux/agiswarm.h"
#include "nl.h"

/* Bits of struct agi_pid.present. */
#define AGI_PID_KP		(1U << 0)
#define AGI_PID_KI		(1U << 1)
#define AGI_PID_KD		(1U << 2)
#define AGI_PID_LO		(1U << 3)
#define AGI_PID_HI		(1U << 4)
#define AGI_PID_SETPOINT	(1U << 5)

/**
 * struct agi_pid - the PID's parameters (AGISWARM_A_PID)
 * @kp, @ki, @kd: gains, raw Q8.24
 * @lo, @hi: clamps of the integral and of the output, raw Q1.31
 * @setpoint: one raw Q1.31 value per output, @n_setpoint of them
 */
struct agi_pid {
	u32 present;
	s32 kp, ki, kd, lo, hi;
	u32 n_setpoint;
	s32 setpoint[AGISWARM_WIRE_VEC_MAX];
};

/* Bits of struct agi_node_req.present. */
#define AGI_NODE_ROLE		(1U << 0)
#define AGI_NODE_ID		(1U << 1)
#define AGI_NODE_PORT		(1U << 2)
#define AGI_NODE_EPOCH		(1U << 3)
#define AGI_NODE_CYCLE		(1U << 4)
#define AGI_NODE_DEADLINE	(1U << 5)
#define AGI_NODE_MISS		(1U << 6)
#define AGI_NODE_LAW		(1U << 7)
#define AGI_NODE_PID		(1U << 8)	/* pid.present says which */
#define AGI_NODE_REDUNDANCY	(1U << 9)
#define AGI_NODE_SEED		(1U << 10)
#define AGI_NODE_RUNNING	(1U << 11)
#define AGI_NODE_SENSOR_TIMEOUT	(1U << 12)
#define AGI_NODE_SAFE_OUTPUT	(1U << 13)
#define AGI_NODE_ESTOP		(1U << 14)
#define AGI_NODE_AUDIT		(1U << 15)	/* audit_seq and _records */
#define AGI_NODE_HELD_MATRIX	(1U << 16)
#define AGI_NODE_HOLD		(1U << 17)	/* with @apply_at */
#define AGI_NODE_ARM		(1U << 18)	/* alone */
#define AGI_NODE_GROUP		(1U << 19)
#define AGI_NODE_GROUP_RANK	(1U << 20)
#define AGI_NODE_GROUP_SIZE	(1U << 21)
#define AGI_NODE_FAILURE_THRESHOLD (1U << 22)
#define AGI_NODE_PROBE_JOIN	(1U << 23)

/**
 * struct agi_node_req - one SET_NODE
 * @present: AGI_NODE_* bits: what to change; at least one
 * @role: enum agiswarm_role
 * @cycle_us, @deadline_us: the cycle's period and deadline
 * @miss: enum agiswarm_miss_policy
 * @law: enum agiswarm_control_law
 * @running: 1 starts the aggregator's cycle, 0 stops it
 * @sensor_timeout_us: no input for this long: safe outputs (0 off)
 * @safe: the safe output, @n_safe raw Q1.31 values
 * @estop: 1 emergency stop, 0 resume
 * @audit_seq, @audit_records: the daemon's audit log watermark
 * @group_id: the aggregator group's id row sets are bound to, 0 for the
 *	node id (AGISWARM_A_GROUP_ID)
 * @group_rank, @group_size: this member's rank in its replicated group and
 *	the group's size (AGISWARM_A_GROUP_RANK, _SIZE)
 * @failure_threshold: ticks without a cycle record before a backup takes
 *	over (AGISWARM_A_FAILURE_THRESHOLD)
 * @probe_join: 1: a worker added holds no rows until its probe passes
 *	(AGISWARM_A_PROBE_JOIN)
 * @held_matrix: 1 arms the held matrix at @apply_at with this change, 0
 *	drops it (see AGISWARM_STAGE_HOLD)
 * @apply_at: 0 changes now; N stages the change for cycle N (only the
 *	cycle, deadline, miss policy, law, PID and a resume may be staged)
 *
 * AGI_NODE_HOLD holds the staged change for @apply_at (with the held
 * matrix when @held_matrix is 1): it takes effect at no cycle until a
 * request with AGI_NODE_ARM alone arms it (AGISWARM_A_HOLD, _ARM).
 */
struct agi_node_req {
	u32 present;
	u8 role;
	u32 id;
	u16 port;
	u64 epoch;
	u32 cycle_us, deadline_us;
	u8 miss, law, redundancy, running;
	u64 seed;
	struct agi_pid pid;
	u32 sensor_timeout_us;
	u32 n_safe;
	s32 safe[AGISWARM_WIRE_VEC_MAX];
	u8 estop;
	u64 audit_seq, audit_records;
	u8 held_matrix;
	u64 group_id;
	u8 group_rank, group_size, failure_threshold;
	u8 probe_join;
	u64 apply_at;
};

/* 0, or the module's -errno (its reason in nl->extack). */
int agi_node_set(struct agi_nl *nl, const struct agi_node_req *req);

#endif /* AGISWARM_USER_NODE_H */
