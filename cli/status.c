// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agictl status: the module's version, this node's role and id, and the
 * counters of this network namespace (AGISWARM_CMD_GET_STATUS).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "agictl.h"

/* enum agiswarm_counter, lowercased, without AGISWARM_CNT_. */
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
	[AGISWARM_CNT_DROP_NOMEM] = "drop_nomem",
	[AGISWARM_CNT_DROP_BACKLOG] = "drop_backlog",
	[AGISWARM_CNT_DROP_UNKNOWN_PEER] = "drop_unknown_peer",
	[AGISWARM_CNT_DROP_NO_ROWS] = "drop_no_rows",
};

/* The node's settings and state: attribute and type. */
static const struct {
	uint16_t attr;
	enum mnl_attr_data_type type;
} fields[NR_ST_FIELDS] = {
	[ST_PORT] = { AGISWARM_A_PORT, MNL_TYPE_U16 },
	[ST_EPOCH] = { AGISWARM_A_EPOCH, MNL_TYPE_U64 },
	[ST_PERIOD_US] = { AGISWARM_A_CYCLE_PERIOD_US, MNL_TYPE_U32 },
	[ST_DEADLINE_US] = { AGISWARM_A_CYCLE_DEADLINE_US, MNL_TYPE_U32 },
	[ST_MISS] = { AGISWARM_A_MISS_POLICY, MNL_TYPE_U8 },
	[ST_LAW] = { AGISWARM_A_CONTROL_LAW, MNL_TYPE_U8 },
	[ST_RUNNING] = { AGISWARM_A_RUNNING, MNL_TYPE_U8 },
	[ST_CYCLE_ID] = { AGISWARM_A_CYCLE_ID, MNL_TYPE_U64 },
	[ST_REDUNDANCY] = { AGISWARM_A_REDUNDANCY, MNL_TYPE_U8 },
};

static int parse_field(const struct nlattr *attr, struct agi_status *st)
{
	uint16_t type = mnl_attr_get_type(attr);
	unsigned int i;

	for (i = 0; i < NR_ST_FIELDS; i++) {
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

/* Counters this agictl has no name for (a newer module) are skipped. */
static int parse_counters(const struct nlattr *nest, struct agi_status *st)
{
	const struct nlattr *attr;
	unsigned int type;

	mnl_attr_for_each_nested(attr, nest) {
		type = mnl_attr_get_type(attr);
		if (type > AGISWARM_CNT_MAX || !counter_names[type])
			continue;
		if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0)
			return MNL_CB_ERROR;
		st->counter[type] = mnl_attr_get_u64(attr);
		st->has_counter[type] = true;
	}
	return MNL_CB_OK;
}

static int status_attr_cb(const struct nlattr *attr, void *data)
{
	struct status_reply *r = data;
	struct agi_status *st = r->st;

	switch (mnl_attr_get_type(attr)) {
	case AGISWARM_A_VERSION:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			return MNL_CB_ERROR;
		snprintf(st->version, sizeof(st->version), "%s",
			 mnl_attr_get_str(attr));
		r->has_version = true;
		break;
	case AGISWARM_A_ROLE:
		if (mnl_attr_validate(attr, MNL_TYPE_U8) < 0)
			return MNL_CB_ERROR;
		st->role = mnl_attr_get_u8(attr);
		r->has_role = true;
		break;
	case AGISWARM_A_NODE_ID:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		st->node_id = mnl_attr_get_u32(attr);
		r->has_node_id = true;
		break;
	case AGISWARM_A_COUNTERS:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
			return MNL_CB_ERROR;
		return parse_counters(attr, st);
	default:
		return parse_field(attr, st);
	}
	return MNL_CB_OK;
}

static int status_cb(const struct nlmsghdr *nlh, void *data)
{
	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), status_attr_cb,
			   data) < 0) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

int agi_status_fetch(struct agi_status *st, const char *action)
{
	struct status_reply r = { .st = st };
	int ret;

	memset(st, 0, sizeof(*st));
	ret = agi_nl_get(action, AGISWARM_CMD_GET_STATUS, status_cb, &r);
	if (ret)
		return ret;
	if (!r.has_version || !r.has_role || !r.has_node_id)
		return agictl_fail("%s failed: the module's reply lacks its %s",
				   action, !r.has_version ? "version" :
				   !r.has_role ? "role" : "node id");
	return AGICTL_OK;
}

static void print_counters(const struct agi_status *st)
{
	unsigned int i;

	print_text("counters:\n");
	open_object("counters");
	for (i = 0; i <= AGISWARM_CNT_MAX; i++) {
		if (!st->has_counter[i])
			continue;
		print_text("    %-18s ", counter_names[i]);
		print_u64(PRINT_ANY, counter_names[i], "%llu\n", st->counter[i]);
	}
	close_object();
}

/* A duration in microseconds as "50ms", "500us" or "1.5ms" (text only). */
static void print_duration(const char *label, const char *key, uint64_t us)
{
	print_u64(PRINT_JSON, key, NULL, us);
	if (us % 1000 == 0)
		print_text(" %s %llums", label, (unsigned long long)us / 1000);
	else
		print_text(" %s %lluus", label, (unsigned long long)us);
}

/* Port, epoch, cycle: only what the module reported. */
static void print_fields(const struct agi_status *st)
{
	const uint64_t *f = st->field;
	const bool *has = st->has;

	if (has[ST_PORT])
		print_u64(PRINT_ANY, "port", "port %llu", f[ST_PORT]);
	if (has[ST_EPOCH])
		print_u64(PRINT_ANY, "epoch", " epoch %llu", f[ST_EPOCH]);
	if (has[ST_REDUNDANCY])
		print_u64(PRINT_ANY, "redundancy", " redundancy %llu",
			  f[ST_REDUNDANCY]);
	if (has[ST_PORT] || has[ST_EPOCH] || has[ST_REDUNDANCY])
		print_text("\n");
	if (has[ST_RUNNING]) {
		print_bool(PRINT_JSON, "running", NULL, f[ST_RUNNING]);
		print_text("cycle %s", f[ST_RUNNING] ? "running" : "stopped");
	}
	if (has[ST_PERIOD_US])
		print_duration("period", "cycle_us", f[ST_PERIOD_US]);
	if (has[ST_DEADLINE_US])
		print_duration("deadline", "deadline_us", f[ST_DEADLINE_US]);
	if (has[ST_MISS])
		print_string(PRINT_ANY, "miss", " miss %s",
			     f[ST_MISS] == AGISWARM_MISS_ZERO ? "zero" : "hold");
	if (has[ST_LAW])
		print_string(PRINT_ANY, "law", " law %s",
			     f[ST_LAW] == AGISWARM_LAW_PID ? "pid" : "feedback");
	if (has[ST_CYCLE_ID])
		print_u64(PRINT_ANY, "cycle_id", " last cycle %llu",
			  f[ST_CYCLE_ID]);
	if (has[ST_RUNNING] || has[ST_PERIOD_US] || has[ST_CYCLE_ID])
		print_text("\n");
}

static void print_status(const struct agi_status *st)
{
	print_begin();
	print_string(PRINT_ANY, "version", "agiswarm %s", st->version);
	print_string(PRINT_ANY, "agictl_version", " (agictl %s)\n",
		     AGISWARM_VERSION);
	print_string(PRINT_ANY, "role", "role %s", agi_role_name(st->role));
	print_u64(PRINT_ANY, "node_id", " node id %llu\n", st->node_id);
	print_fields(st);
	print_counters(st);
	print_end();
}

static void status_usage(void)
{
	printf("Usage: agictl [-j] status [ show ]\n"
		"Shows the module's version, this node's role and id and every\n"
		"counter the module reports for this network namespace.\n"
		"and, from a module with the data path, its port, epoch,\n"
		"redundancy, whether its cycle runs, period, deadline, miss\n"
		"policy, control law and last cycle id.\n"
		"JSON: {\"version\", \"agictl_version\", \"role\", \"node_id\",\n"
		"       \"port\", \"epoch\", \"redundancy\", \"running\": true|false,\n"
		"       \"cycle_us\", \"deadline_us\", \"miss\": \"hold\"|\n"
		"       \"zero\", \"law\": \"feedback\"|\"pid\", \"cycle_id\",\n"
		"       \"counters\": {\"rx_packets\": N, ...}}\n"
		"(keys the module does not report are left out).\n");
}

int agictl_status(int argc, char **argv)
{
	struct agi_status st;
	int ret;

	if (argc > 1 && agictl_is_help(argv[1])) {
		status_usage();
		return AGICTL_OK;
	}
	if (argc > 1 && strcmp(argv[1], "show"))
		return agictl_usage_error("unknown status command \"%s\", try \"agictl status help\".",
					  argv[1]);
	if (argc > 2)
		return agictl_max_args("status", argc - 2, argv + 2, 0);
	ret = agi_status_fetch(&st, "status");
	if (ret == AGICTL_OK)
		print_status(&st);
	return ret;
}
