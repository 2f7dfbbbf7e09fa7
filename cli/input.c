// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agictl input: the aggregator's input vector x (AGISWARM_CMD_SET_INPUT),
 * which stands until a newer SENSOR datagram or SET_INPUT replaces it.
 */
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "core/fixed.h"
#include "agictl.h"

static void input_usage(void)
{
	printf("Usage: agictl input set V[,V...] [ --raw ] [ --format Qi.f ]\n"
	       "Sets x, one value per column of the matrix, comma-separated.\n"
	       "Values are decimals converted as round_half_away(v * 2^f), or\n"
	       "raw integers with --raw, in --format (Q1.31 by default, Q1.15 or\n"
	       "Q8.24). A value outside the format is a usage error quoting it;\n"
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
			ret = agi_parse_format(val, &in->fmt);
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
	char buf[AGI_NL_BUF_SIZE];
	struct input_set in = { 0 };
	struct nlmsghdr *nlh;
	struct agi_nl nl = { 0 };
	s32 *x = NULL;
	uint32_t n;
	int err, ret;

	ret = parse_input(argc, argv, &in);
	if (ret)
		return ret;
	ret = agi_parse_list("input set", in.list, in.fmt, in.raw,
			     AGISWARM_WIRE_VEC_MAX, &x, &n);
	if (ret)
		return ret;
	err = agi_nl_open(&nl);
	if (err) {
		ret = agi_nl_report(&nl, "input set", err);
		goto cleanup;
	}
	nlh = agi_nl_request(&nl, buf, AGISWARM_CMD_SET_INPUT);
	mnl_attr_put_u8(nlh, AGISWARM_A_INPUT_FMT, in.fmt);
	mnl_attr_put(nlh, AGISWARM_A_INPUT_X, n * sizeof(*x), x);
	err = agi_nl_talk(&nl, nlh, NULL, NULL);
	if (err)
		ret = agi_nl_report(&nl, "input set", err);
cleanup:
	agi_nl_close(&nl);
	free(x);
	return ret;
}

int agictl_input(int argc, char **argv)
{
	if (argc < 2)
		return agictl_usage_error("input needs a command, try \"agictl input help\".");
	if (agictl_is_help(argv[1])) {
		input_usage();
		return AGICTL_OK;
	}
	if (!strcmp(argv[1], "set"))
		return input_set(argc - 2, argv + 2);
	return agictl_usage_error("unknown input command \"%s\", try \"agictl input help\".",
				  argv[1]);
}
