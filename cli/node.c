// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agictl node: what this node (this network namespace) is: its role and id,
 * its socket, epoch and cycle; and starting or stopping its cycle.
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
	return agi_name_of(role_names, ARRAY_SIZE(role_names), role);
}

static void node_usage(void)
{
	printf("Usage: agictl [-j] node show\n"
	       "       agictl node set [ role { none | worker | aggregator } ] [ id ID ]\n"
	       "                       [ port PORT ] [ epoch E ] [ cycle TIME ]\n"
	       "                       [ deadline TIME ] [ miss { hold | zero } ]\n"
	       "                       [ redundancy F ] [ seed S ]\n"
	       "       agictl node { start | stop }\n"
	       "       agictl node help\n"
	       "\"show\" prints this node's role and id (JSON: {\"role\", "
	       "\"node_id\"});\n"
	       "\"agictl status\" shows everything else.\n"
	       "\"set\" changes what is given and leaves the rest as it was:\n"
	       "  role        what this node is\n"
	       "  id          its id, 0..4294967295\n"
	       "  port        its UDP port, 0..65535; 0 closes the socket\n"
	       "  epoch       the fencing epoch, 0..2^64-1 (lower epochs are ignored)\n"
	       "  cycle       the aggregator's period, 1ms..10s (default 50ms)\n"
	       "  deadline    how long a cycle may take, at most the period\n"
	       "              (default 40ms)\n"
	       "  miss        on a missed deadline hold the last output (default)\n"
	       "              or output zeros\n"
	       "  redundancy  how many workers may fail, 0..255 (default 2)\n"
	       "  seed        the code's generator seed, 0..2^64-1\n"
	       "TIME is a number with a unit, 50ms, 500us or 1s; a bare number is\n"
	       "milliseconds. \"start\" starts the aggregator's cycle, \"stop\" stops\n"
	       "it. Changing the node needs CAP_NET_ADMIN; the module checks the\n"
	       "values and explains a refusal. Nothing is printed on success.\n");
}

enum node_key {
	KEY_ROLE, KEY_ID, KEY_PORT, KEY_EPOCH, KEY_CYCLE, KEY_DEADLINE,
	KEY_MISS, KEY_REDUNDANCY, KEY_SEED, NR_KEYS
};

static const char *const key_names[NR_KEYS] = {
	[KEY_ROLE] = "role", [KEY_ID] = "id", [KEY_PORT] = "port",
	[KEY_EPOCH] = "epoch", [KEY_CYCLE] = "cycle",
	[KEY_DEADLINE] = "deadline", [KEY_MISS] = "miss",
	[KEY_REDUNDANCY] = "redundancy", [KEY_SEED] = "seed",
};

struct node_set {
	bool has[NR_KEYS];
	uint64_t val[NR_KEYS];
};

static int parse_miss(const char *s, uint64_t *v)
{
	if (!strcmp(s, "hold"))
		*v = AGISWARM_MISS_HOLD;
	else if (!strcmp(s, "zero"))
		*v = AGISWARM_MISS_ZERO;
	else
		return -EINVAL;
	return 0;
}

/* One value; a usage error quoting it when it is not what @key takes. */
static int parse_value(enum node_key key, const char *s, uint64_t *v)
{
	int role;
	uint32_t us;

	switch (key) {
	case KEY_ROLE:
		role = agi_name_find(role_names, ARRAY_SIZE(role_names), s);
		if (role < 0)
			return agictl_usage_error("invalid role \"%s\" (expected none, worker or aggregator)",
						  s);
		*v = role;
		return AGICTL_OK;
	case KEY_MISS:
		if (parse_miss(s, v))
			return agictl_usage_error("invalid miss policy \"%s\" (expected hold or zero)",
						  s);
		return AGICTL_OK;
	case KEY_CYCLE:
	case KEY_DEADLINE:
		if (agi_parse_duration_us(s, &us))
			return agictl_usage_error("invalid %s \"%s\" (expected a time like 50ms, 500us or 1s)",
						  key_names[key], s);
		*v = us;
		return AGICTL_OK;
	case KEY_ID:
		if (agi_parse_u64(s, UINT32_MAX, v))
			return agictl_usage_error("invalid node id \"%s\" (expected 0..4294967295)",
						  s);
		return AGICTL_OK;
	case KEY_PORT:
		if (agi_parse_u64(s, UINT16_MAX, v))
			return agictl_usage_error("invalid port \"%s\" (expected 0..65535)",
						  s);
		return AGICTL_OK;
	case KEY_REDUNDANCY:
		if (agi_parse_u64(s, UINT8_MAX, v))
			return agictl_usage_error("invalid redundancy \"%s\" (expected 0..255)",
						  s);
		return AGICTL_OK;
	default:
		if (agi_parse_u64(s, UINT64_MAX, v))
			return agictl_usage_error("invalid %s \"%s\" (expected 0..18446744073709551615)",
						  key_names[key], s);
		return AGICTL_OK;
	}
}

static int parse_set(int argc, char **argv, struct node_set *ns)
{
	bool any = false;
	int i, key, ret;

	for (i = 0; i < argc; i += 2) {
		key = agi_name_find(key_names, NR_KEYS, argv[i]);
		if (key < 0)
			return agictl_usage_error("unknown node set argument \"%s\", try \"agictl node help\".",
						  argv[i]);
		if (ns->has[key])
			return agictl_usage_error("\"%s\" given twice", argv[i]);
		if (i + 1 >= argc)
			return agictl_usage_error("\"%s\" needs a value", argv[i]);
		ret = parse_value(key, argv[i + 1], &ns->val[key]);
		if (ret)
			return ret;
		ns->has[key] = true;
		any = true;
	}
	if (!any)
		return agictl_usage_error("node set needs at least one thing to set, try \"agictl node help\".");
	return AGICTL_OK;
}

static void put_set(struct nlmsghdr *nlh, const struct node_set *ns)
{
	const uint64_t *v = ns->val;

	if (ns->has[KEY_ROLE])
		mnl_attr_put_u8(nlh, AGISWARM_A_ROLE, v[KEY_ROLE]);
	if (ns->has[KEY_ID])
		mnl_attr_put_u32(nlh, AGISWARM_A_NODE_ID, v[KEY_ID]);
	if (ns->has[KEY_PORT])
		mnl_attr_put_u16(nlh, AGISWARM_A_PORT, v[KEY_PORT]);
	if (ns->has[KEY_EPOCH])
		mnl_attr_put_u64(nlh, AGISWARM_A_EPOCH, v[KEY_EPOCH]);
	if (ns->has[KEY_CYCLE])
		mnl_attr_put_u32(nlh, AGISWARM_A_CYCLE_PERIOD_US, v[KEY_CYCLE]);
	if (ns->has[KEY_DEADLINE])
		mnl_attr_put_u32(nlh, AGISWARM_A_CYCLE_DEADLINE_US,
				 v[KEY_DEADLINE]);
	if (ns->has[KEY_MISS])
		mnl_attr_put_u8(nlh, AGISWARM_A_MISS_POLICY, v[KEY_MISS]);
	if (ns->has[KEY_REDUNDANCY])
		mnl_attr_put_u8(nlh, AGISWARM_A_REDUNDANCY, v[KEY_REDUNDANCY]);
	if (ns->has[KEY_SEED])
		mnl_attr_put_u64(nlh, AGISWARM_A_CODE_SEED, v[KEY_SEED]);
}

static void fill_set(struct nlmsghdr *nlh, const void *arg)
{
	put_set(nlh, arg);
}

static int node_set(int argc, char **argv)
{
	struct node_set ns = { 0 };
	int ret;

	ret = parse_set(argc, argv, &ns);
	if (ret)
		return ret;
	return agi_nl_send("node set", AGISWARM_CMD_SET_NODE, fill_set, &ns);
}

static void fill_running(struct nlmsghdr *nlh, const void *arg)
{
	mnl_attr_put_u8(nlh, AGISWARM_A_RUNNING, *(const uint8_t *)arg);
}

static int node_run(const char *verb, int argc, char **argv)
{
	uint8_t running = !strcmp(verb, "start");
	char action[16];
	int ret;

	snprintf(action, sizeof(action), "node %s", verb);
	ret = agictl_max_args(action, argc, argv, 0);
	if (ret)
		return ret;
	return agi_nl_send(action, AGISWARM_CMD_SET_NODE, fill_running,
			   &running);
}

static int node_start(int argc, char **argv)
{
	return node_run("start", argc, argv);
}

static int node_stop(int argc, char **argv)
{
	return node_run("stop", argc, argv);
}

static int node_show(int argc, char **argv)
{
	struct agi_status st;
	int ret;

	ret = agictl_max_args("node show", argc, argv, 0);
	if (ret)
		return ret;
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
	static const struct agictl_verb verbs[] = {
		{ "show", node_show },
		{ "set", node_set },
		{ "start", node_start },
		{ "stop", node_stop },
	};

	if (argc < 2)
		return node_show(0, NULL);
	return agictl_run_verb(argc, argv, verbs, ARRAY_SIZE(verbs),
			       node_usage);
}
