// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agictl fault: faults injected into the real data path, per worker id
 * (AGISWARM_CMD_SET_FAULT, _CLEAR_FAULT). On an aggregator they hit the
 * TASKs it sends to that worker; on the worker itself its RESULTs.
 */
#include <string.h>
#include <libmnl/libmnl.h>

#include "agictl.h"

/* The module's limit on a delay (enum agiswarm_fault_kind). */
#define FAULT_DELAY_MAX_MS 10000

static void fault_usage(void)
{
	printf("Usage: agictl fault inject worker ID { drop PERCENT | delay MS | stall }\n"
	       "       agictl fault clear [ worker ID ]\n"
	       "On an aggregator, the fault applies to the TASKs it sends to\n"
	       "worker ID; on the worker whose node id is ID, to the RESULTs it\n"
	       "sends. drop loses each with probability PERCENT (0..100), delay\n"
	       "holds each back MS milliseconds (1..10000), stall sends none.\n"
	       "A new fault replaces the worker's old one. \"clear\" removes the\n"
	       "worker's fault, or every fault of this node without \"worker ID\".\n"
	       "\"agictl workers list\" shows the faults set. Needs CAP_NET_ADMIN;\n"
	       "nothing is printed on success.\n");
}

struct fault_req {
	bool has_worker, has_kind;
	u32 worker;
	u8 kind;
	u32 value;
};

static int parse_worker(int argc, char **argv, const char *action, u32 *id)
{
	if (argc < 1 || strcmp(argv[0], "worker"))
		return agictl_usage_error("%s needs \"worker ID\"%s%s%s", action,
					  argc ? ", \"" : "",
					  argc ? argv[0] : "",
					  argc ? "\" given" : "");
	if (argc < 2)
		return agictl_usage_error("\"worker\" needs an ID");
	if (agi_parse_u32(argv[1], id))
		return agictl_usage_error("invalid worker id \"%s\" (expected 0..4294967295)",
					  argv[1]);
	return AGICTL_OK;
}

static int parse_kind(int argc, char **argv, struct fault_req *f)
{
	if (argc < 1)
		return agictl_usage_error("fault inject needs drop PERCENT, delay MS or stall");
	if (!strcmp(argv[0], "stall")) {
		f->kind = AGISWARM_FAULT_STALL;
		if (argc > 1)
			return agictl_usage_error("stall takes no value, \"%s\" given",
						  argv[1]);
		return AGICTL_OK;
	}
	if (!strcmp(argv[0], "drop"))
		f->kind = AGISWARM_FAULT_DROP;
	else if (!strcmp(argv[0], "delay"))
		f->kind = AGISWARM_FAULT_DELAY;
	else
		return agictl_usage_error("unknown fault \"%s\" (expected drop, delay or stall)",
					  argv[0]);
	if (argc < 2)
		return agictl_usage_error("\"%s\" needs a value", argv[0]);
	if (agi_parse_u32(argv[1], &f->value) ||
	    (f->kind == AGISWARM_FAULT_DROP && f->value > 100) ||
	    (f->kind == AGISWARM_FAULT_DELAY &&
	     (f->value < 1 || f->value > FAULT_DELAY_MAX_MS)))
		return agictl_usage_error("invalid %s value \"%s\" (expected %s)",
					  argv[0], argv[1],
					  f->kind == AGISWARM_FAULT_DROP ?
					  "a percentage 0..100" :
					  "milliseconds 1..10000");
	return agictl_max_args("fault inject", argc, argv, 2);
}

static void fill_fault(struct nlmsghdr *nlh, const void *arg)
{
	const struct fault_req *f = arg;

	if (f->has_worker)
		mnl_attr_put_u32(nlh, AGISWARM_A_FAULT_WORKER, f->worker);
	if (f->has_kind) {
		mnl_attr_put_u8(nlh, AGISWARM_A_FAULT_KIND, f->kind);
		mnl_attr_put_u32(nlh, AGISWARM_A_FAULT_VALUE, f->value);
	}
}

static int fault_inject(int argc, char **argv)
{
	struct fault_req f = { .has_worker = true, .has_kind = true };
	int ret;

	ret = parse_worker(argc, argv, "fault inject", &f.worker);
	if (!ret)
		ret = parse_kind(argc - 2, argv + 2, &f);
	if (ret)
		return ret;
	return agi_nl_send("fault inject", AGISWARM_CMD_SET_FAULT, fill_fault,
			   &f);
}

static int fault_clear(int argc, char **argv)
{
	struct fault_req f = { 0 };
	int ret;

	if (argc > 0) {
		ret = parse_worker(argc, argv, "fault clear", &f.worker);
		if (!ret)
			ret = agictl_max_args("fault clear", argc, argv, 2);
		if (ret)
			return ret;
		f.has_worker = true;
	}
	return agi_nl_send("fault clear", AGISWARM_CMD_CLEAR_FAULT, fill_fault,
			   &f);
}

int agictl_fault(int argc, char **argv)
{
	static const struct agictl_verb verbs[] = {
		{ "inject", fault_inject },
		{ "clear", fault_clear },
	};

	if (argc < 2)
		return agictl_usage_error("fault needs a command, try \"agictl fault help\".");
	return agictl_run_verb(argc, argv, verbs, ARRAY_SIZE(verbs),
			       fault_usage);
}
