// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agictl fault: faults injected into the real data path, per worker id
 * (AGISWARM_CMD_SET_FAULT, _CLEAR_FAULT). On an aggregator they hit the
 * TASKs it sends to that worker; on the worker itself its RESULTs.
 */
#include <stdio.h>
#include <string.h>

#include "user/fault.h"
#include "agictl.h"

static void fault_usage(void)
{
	printf("Usage: agictl fault inject worker ID { drop PERCENT | delay MS | stall | corrupt }\n"
	       "       agictl fault clear [ worker ID ]\n"
	       "On an aggregator, the fault applies to the TASKs it sends to\n"
	       "worker ID; on the worker whose node id is ID, to the RESULTs it\n"
	       "sends. drop loses each with probability PERCENT (0..100), delay\n"
	       "holds each back MS milliseconds (1..10000), stall sends none.\n"
	       "corrupt (set on the worker itself; on an aggregator it changes\n"
	       "nothing) makes the first value of each RESULT 2^64 too large:\n"
	       "the aggregator's cross-check counts RESULTs that disagree with\n"
	       "the decoded outputs (\"inconsistent\" in \"agictl workers list\").\n"
	       "A new fault replaces the worker's old one. \"clear\" removes the\n"
	       "worker's fault, or every fault of this node without \"worker ID\".\n"
	       "\"agictl workers list\" shows the faults set. Needs CAP_NET_ADMIN;\n"
	       "nothing is printed on success.\n");
}

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

static int parse_kind(int argc, char **argv, struct agi_fault_req *f)
{
	if (argc < 1)
		return agictl_usage_error("fault inject needs drop PERCENT, delay MS, stall or corrupt");
	if (!strcmp(argv[0], "stall") || !strcmp(argv[0], "corrupt")) {
		f->kind = argv[0][0] == 's' ? AGISWARM_FAULT_STALL :
					      AGISWARM_FAULT_CORRUPT;
		if (argc > 1)
			return agictl_usage_error("%s takes no value, \"%s\" given",
						  argv[0], argv[1]);
		return AGICTL_OK;
	}
	if (!strcmp(argv[0], "drop"))
		f->kind = AGISWARM_FAULT_DROP;
	else if (!strcmp(argv[0], "delay"))
		f->kind = AGISWARM_FAULT_DELAY;
	else
		return agictl_usage_error("unknown fault \"%s\" (expected drop, delay, stall or corrupt)",
					  argv[0]);
	if (argc < 2)
		return agictl_usage_error("\"%s\" needs a value", argv[0]);
	if (agi_parse_u32(argv[1], &f->value) ||
	    (f->kind == AGISWARM_FAULT_DROP && f->value > 100) ||
	    (f->kind == AGISWARM_FAULT_DELAY &&
	     (f->value < 1 || f->value > AGI_FAULT_DELAY_MAX_MS)))
		return agictl_usage_error("invalid %s value \"%s\" (expected %s)",
					  argv[0], argv[1],
					  f->kind == AGISWARM_FAULT_DROP ?
					  "a percentage 0..100" :
					  "milliseconds 1..10000");
	return agictl_max_args("fault inject", argc, argv, 2);
}

static int fault_inject(int argc, char **argv)
{
	struct agi_fault_req f = { 0 };
	struct agi_nl nl;
	int ret;

	ret = parse_worker(argc, argv, "fault inject", &f.worker);
	if (!ret)
		ret = parse_kind(argc - 2, argv + 2, &f);
	if (!ret)
		ret = agictl_open(&nl, "fault inject");
	if (ret)
		return ret;
	return agictl_close(&nl, "fault inject", agi_fault_set(&nl, &f));
}

static int fault_clear(int argc, char **argv)
{
	struct agi_nl nl;
	u32 worker = 0;
	int ret;

	if (argc > 0) {
		ret = parse_worker(argc, argv, "fault clear", &worker);
		if (!ret)
			ret = agictl_max_args("fault clear", argc, argv, 2);
		if (ret)
			return ret;
	}
	ret = agictl_open(&nl, "fault clear");
	if (ret)
		return ret;
	return agictl_close(&nl, "fault clear",
			    agi_fault_clear(&nl, argc > 0, worker));
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
