/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * AGISWARM_CMD_GET_STATUS, decoded: what the node is, its settings, its
 * cycle and its counters.
 */
#ifndef AGISWARM_USER_STATUS_H
#define AGISWARM_USER_STATUS_H

#include <stdbool.h>

#include "core/compat.h"
#include "uapi/linux/agiswarm.h"
#include "nl.h"
#include "node.h"

/* The node's settings and state, each reported by newer modules only. */
enum agi_status_field {
	AGI_ST_PORT,
	AGI_ST_EPOCH,
	AGI_ST_PERIOD_US,
	AGI_ST_DEADLINE_US,
	AGI_ST_MISS,
	AGI_ST_LAW,
	AGI_ST_RUNNING,
	AGI_ST_CYCLE_ID,
	AGI_ST_REDUNDANCY,
	AGI_ST_DECODE_MAX_NS,
	AGI_ST_DAEMON_PORTID,
	AGI_ST_STAGED_CYCLE,
	AGI_ST_SENSOR_TIMEOUT_US,
	AGI_ST_SAFE_STATE,
	AGI_ST_AUDIT_SEQ,
	AGI_ST_AUDIT_RECORDS,
	AGI_ST_HELD_CYCLE,
	AGI_ST_GROUP_ID,
	AGI_ST_GROUP_RANK,
	AGI_ST_GROUP_SIZE,
	AGI_ST_FAILURE_THRESHOLD,
	AGI_ST_THRESHOLD_NOW,
	AGI_ST_GROUP_MODE,
	AGI_ST_EPOCH_OWNER,
	AGI_ST_RECORD_CYCLE,
	AGI_ST_PROBE_JOIN,
	AGI_NR_ST_FIELDS
};

/**
 * struct agi_status - one GET_STATUS reply
 * @has: which of @field the module reported
 * @has_counter: which counters it reported that have a name here
 * @has_decode: the module reported @decode_hist
 * @decode_hist: how long decoding one RESULT took, in log2 buckets of
 *	microseconds (AGISWARM_DECODE_BUCKETS)
 * @has_pid: the module reported the PID in use (@pid; pid.present says
 *	which parts)
 * @n_safe: values of the safe output in @safe (0: all zeros)
 */
struct agi_status {
	char version[32];
	u8 role;
	u32 node_id;
	bool has[AGI_NR_ST_FIELDS];
	u64 field[AGI_NR_ST_FIELDS];
	bool has_counter[AGISWARM_CNT_MAX + 1];
	u64 counter[AGISWARM_CNT_MAX + 1];
	bool has_decode;
	u64 decode_hist[AGISWARM_DECODE_BUCKETS];
	bool has_pid;
	struct agi_pid pid;
	u32 n_safe;
	s32 safe[AGISWARM_WIRE_VEC_MAX];
};

/*
 * 0, or a negative errno; -EBADMSG with nl->reply_error ("the module's
 * reply lacks its version", ... its role, ... its node id) for a reply
 * without what every module sends.
 */
int agi_status_get(struct agi_nl *nl, struct agi_status *st);

/*
 * enum agiswarm_counter's name, lowercased without AGISWARM_CNT_
 * ("rx_packets"); NULL for a counter this program does not know (a newer
 * module's), which readers skip.
 */
const char *agi_counter_name(unsigned int counter);

#endif /* AGISWARM_USER_STATUS_H */
