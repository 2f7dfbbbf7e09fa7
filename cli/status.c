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
};

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
	char buf[AGI_NL_BUF_SIZE];
	struct status_reply r = { .st = st };
	struct agi_nl nl;
	int err, ret = AGICTL_OK;

	memset(st, 0, sizeof(*st));
	err = agi_nl_open(&nl);
	if (err)
		return agi_nl_report(&nl, action, err);
	err = agi_nl_talk(&nl, agi_nl_request(&nl, buf, AGISWARM_CMD_GET_STATUS),
			  status_cb, &r);
	if (err) {
		ret = agi_nl_report(&nl, action, err);
		goto cleanup;
	}
	if (!r.has_version || !r.has_role || !r.has_node_id)
		ret = agictl_fail("%s failed: the module's reply lacks its %s",
				  action, !r.has_version ? "version" :
				  !r.has_role ? "role" : "node id");
cleanup:
	agi_nl_close(&nl);
	return ret;
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

static void print_status(const struct agi_status *st)
{
	print_begin();
	print_string(PRINT_ANY, "version", "agiswarm %s", st->version);
	print_string(PRINT_ANY, "agictl_version", " (agictl %s)\n",
		     AGISWARM_VERSION);
	print_string(PRINT_ANY, "role", "role %s", agi_role_name(st->role));
	print_u64(PRINT_ANY, "node_id", " node id %llu\n", st->node_id);
	print_counters(st);
	print_end();
}

static void status_usage(void)
{
	printf("Usage: agictl [-j] status [ show ]\n"
		"Shows the module's version, this node's role and id and every\n"
		"counter the module reports for this network namespace.\n"
		"JSON: {\"version\", \"agictl_version\", \"role\", \"node_id\",\n"
		"       \"counters\": {\"rx_packets\": N, ...}}\n");
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
		return agictl_usage_error("status takes no argument, \"%s\" given",
					  argv[2]);
	ret = agi_status_fetch(&st, "status");
	if (ret == AGICTL_OK)
		print_status(&st);
	return ret;
}
