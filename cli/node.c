// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agictl node: what this node (this network namespace) is, its role and id.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "agictl.h"

static const char *const role_names[AGISWARM_ROLE_MAX + 1] = {
	[AGISWARM_ROLE_NONE] = "none",
	[AGISWARM_ROLE_WORKER] = "worker",
	[AGISWARM_ROLE_AGGREGATOR] = "aggregator",
};

const char *agi_role_name(unsigned int role)
{
	return role <= AGISWARM_ROLE_MAX ? role_names[role] : "unknown";
}

static int parse_role(const char *s, uint8_t *role)
{
	unsigned int i;

	for (i = 0; i <= AGISWARM_ROLE_MAX; i++) {
		if (!strcmp(s, role_names[i])) {
			*role = i;
			return 0;
		}
	}
	return -EINVAL;
}

/* Plain decimal only: no sign, no base prefix, nothing after the digits. */
static int parse_u32(const char *s, uint32_t *v)
{
	unsigned long long n;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (*end || errno || n > UINT32_MAX)
		return -EINVAL;
	*v = (uint32_t)n;
	return 0;
}

static void node_usage(void)
{
	printf("Usage: agictl [-j] node show\n"
		"       agictl node set [ role { none | worker | aggregator } ]"
		" [ id ID ]\n"
		"       agictl node help\n"
		"\"show\" prints this node's role and id (JSON: {\"role\", "
		"\"node_id\"}).\n"
		"\"set\" changes what is given and leaves the rest as it was; it\n"
		"needs at least one of role and id, ID is 0..4294967295, and it\n"
		"needs CAP_NET_ADMIN. It prints nothing when it succeeds.\n");
}

struct node_set {
	bool has_role, has_id;
	uint8_t role;
	uint32_t id;
};

static int parse_set(int argc, char **argv, struct node_set *ns)
{
	int i;

	for (i = 0; i < argc; i += 2) {
		const char *key = argv[i], *val = argv[i + 1];

		if (strcmp(key, "role") && strcmp(key, "id"))
			return agictl_usage_error("unknown node set argument \"%s\" (expected role or id)",
						  key);
		if ((key[0] == 'r' && ns->has_role) ||
		    (key[0] == 'i' && ns->has_id))
			return agictl_usage_error("\"%s\" given twice", key);
		if (!val)
			return agictl_usage_error("\"%s\" needs a value", key);
		if (key[0] == 'r') {
			if (parse_role(val, &ns->role))
				return agictl_usage_error("invalid role \"%s\" (expected none, worker or aggregator)",
							  val);
			ns->has_role = true;
		} else {
			if (parse_u32(val, &ns->id))
				return agictl_usage_error("invalid node id \"%s\" (expected 0..4294967295)",
							  val);
			ns->has_id = true;
		}
	}
	if (!ns->has_role && !ns->has_id)
		return agictl_usage_error("node set needs role or id (or both)");
	return AGICTL_OK;
}

static int node_set(int argc, char **argv)
{
	char buf[AGI_NL_BUF_SIZE];
	struct node_set ns = { 0 };
	struct nlmsghdr *nlh;
	struct agi_nl nl;
	int err, ret;

	ret = parse_set(argc, argv, &ns);
	if (ret)
		return ret;
	err = agi_nl_open(&nl);
	if (err)
		return agi_nl_report(&nl, "node set", err);
	nlh = agi_nl_request(&nl, buf, AGISWARM_CMD_SET_NODE);
	if (ns.has_role)
		mnl_attr_put_u8(nlh, AGISWARM_A_ROLE, ns.role);
	if (ns.has_id)
		mnl_attr_put_u32(nlh, AGISWARM_A_NODE_ID, ns.id);
	err = agi_nl_talk(&nl, nlh, NULL, NULL);
	if (err)
		ret = agi_nl_report(&nl, "node set", err);
	agi_nl_close(&nl);
	return ret;
}

static int node_show(int argc, char **argv)
{
	struct agi_status st;
	int ret;

	if (argc > 0)
		return agictl_usage_error("node show takes no argument, \"%s\" given",
					  argv[0]);
	ret = agi_status_fetch(&st, "node show");
	if (ret)
		return ret;
	print_begin();
	print_string(PRINT_ANY, "role", "role %s", agi_role_name(st.role));
	print_u64(PRINT_ANY, "node_id", " node id %llu\n", st.node_id);
	print_end();
	return AGICTL_OK;
}

int agictl_node(int argc, char **argv)
{
	if (argc < 2)
		return node_show(0, NULL);
	if (!strcmp(argv[1], "show"))
		return node_show(argc - 2, argv + 2);
	if (agictl_is_help(argv[1])) {
		node_usage();
		return AGICTL_OK;
	}
	if (!strcmp(argv[1], "set"))
		return node_set(argc - 2, argv + 2);
	return agictl_usage_error("unknown node command \"%s\", try \"agictl node help\".",
				  argv[1]);
}
