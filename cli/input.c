// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agictl input: the aggregator's input vector x (AGISWARM_CMD_SET_INPUT),
 * which stands until a newer SENSOR datagram or SET_INPUT replaces it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/input.h"
#include "agictl.h"

static void input_usage(void)
{
	printf("Usage: agictl input set V[,V...] [ --raw ] [ --format Qi.f ]\n"
	       "Sets x, one value per column of the matrix, comma-separated.\n"
	       "Values are decimals converted as round_half_away(v * 2^f), or\n"
	       "raw integers with --raw, in --format (Q1.31 by default, Q1.15,\n"
	       "Q8.24 or Q16.16). A value outside the format is a usage error quoting it;\n"
	       "the module refuses a count that is not the matrix's columns.\n"
	       "x stands until a newer sensor datagram or input set replaces it.\n"
	       "Needs CAP_NET_ADMIN; nothing is printed on success.\n");
}

struct input_set {
	const char *list;
	enum agiswarm_qformat fmt;
	bool raw;
};

static int parse_input(int argc, char **argv, struct input_set *in)
{
	const char *val;
	int i, ret;

	in->fmt = AGISWARM_Q1_31;
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--raw")) {
			in->raw = true;
		} else if (!strcmp(argv[i], "--format") ||
			   !strncmp(argv[i], "--format=", 9)) {
			val = argv[i][8] == '=' ? argv[i] + 9 :
			      i + 1 < argc ? argv[++i] : NULL;
			if (!val)
				return agictl_usage_error("\"--format\" needs a format");
			ret = agictl_parse_format(val, &in->fmt);
			if (ret)
				return ret;
		} else if (!strncmp(argv[i], "--", 2)) {
			return agictl_usage_error("unknown input option \"%s\"",
						  argv[i]);
		} else if (in->list) {
			return agictl_usage_error("input set takes one list, \"%s\" is one too many (separate values with commas)",
						  argv[i]);
		} else {
			in->list = argv[i];
		}
	}
	if (!in->list)
		return agictl_usage_error("input set needs values, V[,V...]");
	return AGICTL_OK;
}

static int input_set(int argc, char **argv)
{
	struct input_set in = { 0 };
	struct agi_input_req req = { 0 };
	struct agi_nl nl;
	s32 *x = NULL;
	int ret;

	ret = parse_input(argc, argv, &in);
	if (!ret)
		ret = agictl_parse_list("input set", in.list, in.fmt, in.raw,
					AGISWARM_WIRE_VEC_MAX, &x, &req.n);
	if (ret)
		return ret;
	req.fmt = in.fmt;
	req.x = x;
	ret = agictl_open(&nl, "input set");
	if (!ret)
		ret = agictl_close(&nl, "input set", agi_input_set(&nl, &req));
	free(x);
	return ret;
}

int agictl_input(int argc, char **argv)
{
	static const struct agictl_verb verbs[] = {
		{ "set", input_set },
	};

	if (argc < 2)
		return agictl_usage_error("input needs a command, try \"agictl input help\".");
	return agictl_run_verb(argc, argv, verbs, ARRAY_SIZE(verbs),
			       input_usage);
}
