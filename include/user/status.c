// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * AGISWARM_CMD_GET_STATUS: see status.h.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "status.h"

static const char *const counter_names[AGISWARM_CNT_MAX + 1] = {
	[AGISWARM_CNT_RX_PACKETS] = "rx_packets",
	[AGISWARM_CNT_RX_BYTES] = "rx_bytes",
	[AGISWARM_CNT_TX_PACKETS] = "tx_packets",
	[AGISWARM_CNT_TX_BYTES] = "tx_bytes",
	[AGISWARM_CNT_TX_ERRORS] = "tx_errors",
	[AGISWARM_CNT_DROP_SHORT] = "drop_short",
	[AGISWARM_CNT_DROP_VERSION] = "drop_version",
	[AGISWARM_CNT_DROP_LENGTH] = "drop_length",
	[AGISWARM_CNT_DROP_OVERSIZE] = "drop_oversize",
	[AGISWARM_CNT_DROP_MALFORMED] = "drop_malformed",
	[AGISWARM_CNT_DROP_NONCANONICAL] = "drop_noncanonical",
	[AGISWARM_CNT_DROP_MISSING] = "drop_missing",
	[AGISWARM_CNT_DROP_BADVALUE] = "drop_badvalue",
	[AGISWARM_CNT_DROP_TYPE] = "drop_type",
	[AGISWARM_CNT_DROP_STALE] = "drop_stale",
	[AGISWARM_CNT_CYCLES] = "cycles",
	[AGISWARM_CNT_CYCLES_OK] = "cycles_ok",
	[AGISWARM_CNT_CYCLES_MISSED] = "cycles_missed",
	[AGISWARM_CNT_TASKS_SENT] = "tasks_sent",
	[AGISWARM_CNT_RESULTS_USED] = "results_used",
	[AGISWARM_CNT_RESULTS_LATE] = "results_late",
	[AGISWARM_CNT_FAULTS_APPLIED] = "faults_applied",
	[AGISWARM_CNT_DECODE_FAILED] = "decode_failed",
	[AGISWARM_CNT_UPCALLS] = "upcalls",
	[AGISWARM_CNT_UPCALL_DROPS] = "upcall_drops",
	[AGISWARM_CNT_DROP_NOMEM] = "drop_nomem",
	[AGISWARM_CNT_DROP_BACKLOG] = "drop_backlog",
	[AGISWARM_CNT_DROP_UNKNOWN_PEER] = "drop_unknown_peer",
	[AGISWARM_CNT_DROP_NO_ROWS] = "drop_no_rows",
	[AGISWARM_CNT_DROP_AUTH] = "drop_auth",
	[AGISWARM_CNT_DROP_REPLAY] = "drop_replay",
	[AGISWARM_CNT_DROP_RATELIMIT] = "drop_ratelimit",
	[AGISWARM_CNT_DROP_NOT_ALLOWED] = "drop_not_allowed",
	[AGISWARM_CNT_TX_NO_KEY] = "tx_no_key",
	[AGISWARM_CNT_SENSOR_TIMEOUTS] = "sensor_timeouts",
	[AGISWARM_CNT_ESTOPS] = "estops",
	[AGISWARM_CNT_SAFE_CYCLES] = "safe_cycles",
	[AGISWARM_CNT_ROWS_BINDING_MISMATCH] = "rows_binding_mismatch",
	[AGISWARM_CNT_RESULTS_CHECKED] = "results_checked",
	[AGISWARM_CNT_RESULTS_INCONSISTENT] = "results_inconsistent",
	[AGISWARM_CNT_RECORDS_SENT] = "records_sent",
	[AGISWARM_CNT_RECORDS_RECEIVED] = "records_received",
	[AGISWARM_CNT_RECORDS_MISSED] = "records_missed",
	[AGISWARM_CNT_TAKEOVERS] = "takeovers",
	[AGISWARM_CNT_DIVERGENCES] = "divergences",
	[AGISWARM_CNT_DEPOSED] = "deposed",
	[AGISWARM_CNT_FENCED_SENT] = "fenced_sent",
	[AGISWARM_CNT_SHADOW_OUTPUTS] = "shadow_outputs",
};

/* The node's settings and state: attribute and type. */
static const struct {
	u16 attr;
	enum mnl_attr_data_type type;
} fields[AGI_NR_ST_FIELDS] = {
	[AGI_ST_PORT] = { AGISWARM_A_PORT, MNL_TYPE_U16 },
	[AGI_ST_EPOCH] = { AGISWARM_A_EPOCH, MNL_TYPE_U64 },
	[AGI_ST_PERIOD_US] = { AGISWARM_A_CYCLE_PERIOD_US, MNL_TYPE_U32 },
	[AGI_ST_DEADLINE_US] = { AGISWARM_A_CYCLE_DEADLINE_US, MNL_TYPE_U32 },
	[AGI_ST_MISS] = { AGISWARM_A_MISS_POLICY, MNL_TYPE_U8 },
	[AGI_ST_LAW] = { AGISWARM_A_CONTROL_LAW, MNL_TYPE_U8 },
	[AGI_ST_RUNNING] = { AGISWARM_A_RUNNING, MNL_TYPE_U8 },
	[AGI_ST_CYCLE_ID] = { AGISWARM_A_CYCLE_ID, MNL_TYPE_U64 },
	[AGI_ST_REDUNDANCY] = { AGISWARM_A_REDUNDANCY, MNL_TYPE_U8 },
	[AGI_ST_DECODE_MAX_NS] = { AGISWARM_A_DECODE_MAX_NS, MNL_TYPE_U64 },
	[AGI_ST_DAEMON_PORTID] = { AGISWARM_A_DAEMON_PORTID, MNL_TYPE_U32 },
	[AGI_ST_STAGED_CYCLE] = { AGISWARM_A_STAGED_CYCLE, MNL_TYPE_U64 },
	[AGI_ST_SENSOR_TIMEOUT_US] = { AGISWARM_A_SENSOR_TIMEOUT_US,
				       MNL_TYPE_U32 },
	[AGI_ST_SAFE_STATE] = { AGISWARM_A_SAFE_STATE, MNL_TYPE_U8 },
	[AGI_ST_AUDIT_SEQ] = { AGISWARM_A_AUDIT_SEQ, MNL_TYPE_U64 },
	[AGI_ST_AUDIT_RECORDS] = { AGISWARM_A_AUDIT_RECORDS, MNL_TYPE_U64 },
	[AGI_ST_HELD_CYCLE] = { AGISWARM_A_HELD_CYCLE, MNL_TYPE_U64 },
	[AGI_ST_GROUP_ID] = { AGISWARM_A_GROUP_ID, MNL_TYPE_U64 },
	[AGI_ST_GROUP_RANK] = { AGISWARM_A_GROUP_RANK, MNL_TYPE_U8 },
	[AGI_ST_GROUP_SIZE] = { AGISWARM_A_GROUP_SIZE, MNL_TYPE_U8 },
	[AGI_ST_FAILURE_THRESHOLD] = { AGISWARM_A_FAILURE_THRESHOLD, MNL_TYPE_U8 },
	[AGI_ST_THRESHOLD_NOW] = { AGISWARM_A_THRESHOLD_NOW, MNL_TYPE_U8 },
	[AGI_ST_GROUP_MODE] = { AGISWARM_A_GROUP_MODE, MNL_TYPE_U8 },
	[AGI_ST_EPOCH_OWNER] = { AGISWARM_A_EPOCH_OWNER, MNL_TYPE_U8 },
	[AGI_ST_RECORD_CYCLE] = { AGISWARM_A_RECORD_CYCLE, MNL_TYPE_U64 },
	[AGI_ST_PROBE_JOIN] = { AGISWARM_A_PROBE_JOIN, MNL_TYPE_U8 },
};

const char *agi_counter_name(unsigned int counter)
{
	return counter <= AGISWARM_CNT_MAX ? counter_names[counter] : NULL;
}

static int parse_field(const struct nlattr *attr, struct agi_status *st)
{
	u16 type = mnl_attr_get_type(attr);
	unsigned int i;

	for (i = 0; i < AGI_NR_ST_FIELDS; i++) {
		if (fields[i].attr != type)
			continue;
		if (agi_attr_get_uint(attr, fields[i].type, &st->field[i]) != MNL_CB_OK)
			return MNL_CB_ERROR;
		st->has[i] = true;
	}
	return MNL_CB_OK;
}

/* What the reply carried, to tell a short reply from a zero value. */
struct status_reply {
	struct agi_status *st;
	bool has_version, has_role, has_node_id;
};

/* Counters without a name here (a newer module's) are skipped. */
static int parse_counters(const struct nlattr *nest, struct agi_status *st)
{
	const struct nlattr *attr;
	unsigned int type;

	mnl_attr_for_each_nested(attr, nest) {
		type = mnl_attr_get_type(attr);
		if (!agi_counter_name(type))
			continue;
		if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0)
			return MNL_CB_ERROR;
		st->counter[type] = mnl_attr_get_u64(attr);
		st->has_counter[type] = true;
	}
	return MNL_CB_OK;
}

/* @n raw s32 values of a binary attribute, at most AGISWARM_WIRE_VEC_MAX. */
static int get_vector(const struct nlattr *attr, s32 *out, u32 *n)
{
	u16 len = mnl_attr_get_payload_len(attr);

	if (!len || len % sizeof(s32) || len / sizeof(s32) > AGISWARM_WIRE_VEC_MAX)
		return MNL_CB_ERROR;
	memcpy(out, mnl_attr_get_payload(attr), len);
	*n = len / sizeof(s32);
	return MNL_CB_OK;
}

/* The PID in use: its gains, clamps and setpoints. */
static int parse_pid(const struct nlattr *nest, struct agi_status *st)
{
	static const struct {
		u16 attr;
		u32 bit;
		size_t off;
	} gains[] = {
		{ AGISWARM_PID_A_KP, AGI_PID_KP, offsetof(struct agi_pid, kp) },
		{ AGISWARM_PID_A_KI, AGI_PID_KI, offsetof(struct agi_pid, ki) },
		{ AGISWARM_PID_A_KD, AGI_PID_KD, offsetof(struct agi_pid, kd) },
		{ AGISWARM_PID_A_LO, AGI_PID_LO, offsetof(struct agi_pid, lo) },
		{ AGISWARM_PID_A_HI, AGI_PID_HI, offsetof(struct agi_pid, hi) },
	};
	struct agi_pid *p = &st->pid;
	const struct nlattr *attr;
	size_t i;
	u64 v;

	mnl_attr_for_each_nested(attr, nest) {
		u16 type = mnl_attr_get_type(attr);

		if (type == AGISWARM_PID_A_SETPOINT) {
			if (get_vector(attr, p->setpoint, &p->n_setpoint) !=
			    MNL_CB_OK)
				return MNL_CB_ERROR;
			p->present |= AGI_PID_SETPOINT;
			continue;
		}
		for (i = 0; i < ARRAY_SIZE(gains); i++) {
			if (gains[i].attr != type)
				continue;
			if (agi_attr_get_uint(attr, MNL_TYPE_U32, &v) != MNL_CB_OK)
				return MNL_CB_ERROR;
			*(s32 *)((char *)p + gains[i].off) = (s32)(u32)v;
			p->present |= gains[i].bit;
		}
	}
	st->has_pid = true;
	return MNL_CB_OK;
}

static int status_attr_cb(const struct nlattr *attr, void *data)
{
	struct status_reply *r = data;
	struct agi_status *st = r->st;
	u64 v;

	switch (mnl_attr_get_type(attr)) {
	case AGISWARM_A_VERSION:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			return MNL_CB_ERROR;
		snprintf(st->version, sizeof(st->version), "%s",
			 mnl_attr_get_str(attr));
		r->has_version = true;
		break;
	case AGISWARM_A_ROLE:
		if (agi_attr_get_uint(attr, MNL_TYPE_U8, &v) != MNL_CB_OK)
			return MNL_CB_ERROR;
		st->role = (u8)v;
		r->has_role = true;
		break;
	case AGISWARM_A_NODE_ID:
		if (agi_attr_get_uint(attr, MNL_TYPE_U32, &v) != MNL_CB_OK)
			return MNL_CB_ERROR;
		st->node_id = (u32)v;
		r->has_node_id = true;
		break;
	case AGISWARM_A_DECODE_HIST:
		/* A newer module may have more buckets: the first ones. */
		if (mnl_attr_get_payload_len(attr) < sizeof(st->decode_hist))
			return MNL_CB_ERROR;
		memcpy(st->decode_hist, mnl_attr_get_payload(attr),
		       sizeof(st->decode_hist));
		st->has_decode = true;
		break;
	case AGISWARM_A_COUNTERS:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
			return MNL_CB_ERROR;
		return parse_counters(attr, st);
	case AGISWARM_A_PID:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
			return MNL_CB_ERROR;
		return parse_pid(attr, st);
	case AGISWARM_A_SAFE_OUTPUT:
		return get_vector(attr, st->safe, &st->n_safe);
	default:
		return parse_field(attr, st);
	}
	return MNL_CB_OK;
}

int agi_status_get(struct agi_nl *nl, struct agi_status *st)
{
	struct status_reply r = { .st = st };
	struct agi_nl_attrs attrs = { status_attr_cb, &r };
	char buf[AGI_NL_BUF_SIZE];
	int err;

	memset(st, 0, sizeof(*st));
	err = agi_nl_talk(nl, agi_nl_request(nl, buf, AGISWARM_CMD_GET_STATUS),
			  agi_nl_attrs_cb, &attrs);
	if (err)
		return err;
	if (r.has_version && r.has_role && r.has_node_id)
		return 0;
	snprintf(nl->reply_error, sizeof(nl->reply_error),
		 "the module's reply lacks its %s",
		 !r.has_version ? "version" : !r.has_role ? "role" : "node id");
	return -EBADMSG;
}
