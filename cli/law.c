// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agictl law: the aggregator's control law, u = y (state feedback) or one
 * PID loop per output. Gains are Q8.24 and limits and setpoints Q1.31, as
 * DESIGN.md's PID specifies, so they are converted here by the portable
 * core and the module never sees a decimal.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "core/fixed.h"
#include "agictl.h"

enum pid_key { PID_KP, PID_KI, PID_KD, PID_LO, PID_HI, PID_SP, NR_PID };

static const struct {
	const char *name;
	enum agiswarm_qformat fmt;
	uint16_t attr;
} pid_keys[NR_PID] = {
	[PID_KP] = { "kp", AGISWARM_Q8_24, AGISWARM_PID_A_KP },
	[PID_KI] = { "ki", AGISWARM_Q8_24, AGISWARM_PID_A_KI },
	[PID_KD] = { "kd", AGISWARM_Q8_24, AGISWARM_PID_A_KD },
	[PID_LO] = { "lo", AGISWARM_Q1_31, AGISWARM_PID_A_LO },
	[PID_HI] = { "hi", AGISWARM_Q1_31, AGISWARM_PID_A_HI },
	[PID_SP] = { "setpoint", AGISWARM_Q1_31, AGISWARM_PID_A_SETPOINT },
};

struct pid_set {
	bool has[NR_PID];
	s32 val[NR_PID];
	s32 *setpoint;
	u32 n_setpoint;
};

static void law_usage(void)
{
	printf("Usage: agictl law set feedback\n"
	       "       agictl law set pid kp V ki V kd V [ lo V ] [ hi V ]\n"
	       "                          [ setpoint V[,V...] ]\n"
	       "       agictl law help\n"
	       "feedback  u = y: the decoded A x goes to the actuators as it is\n"
	       "pid       per output i, DESIGN.md's PID step with setpoint sp_i\n"
	       "          and feedback y_i, its state kept across cycles:\n"
	       "  kp, ki, kd  gains, decimals in Q8.24 [-128, 127.99999994]\n"
	       "  lo, hi      clamps of the integral and the output, decimals in\n"
	       "              Q1.31 [-1, 0.9999999995]; the module's defaults\n"
	       "              when absent\n"
	       "  setpoint    one decimal per output, Q1.31, comma-separated;\n"
	       "              zeros when absent\n"
	       "A value outside its format is a usage error naming it. Needs\n"
	       "CAP_NET_ADMIN; nothing is printed on success.\n");
}

static int find_pid_key(const char *s)
{
	int i;

	for (i = 0; i < NR_PID; i++)
		if (!strcmp(s, pid_keys[i].name))
			return i;
	return -1;
}

static int parse_one(struct pid_set *ps, int key, const char *val)
{
	char action[32];
	uint32_t n;
	s32 *vals;
	int ret;

	snprintf(action, sizeof(action), "law set pid %s", pid_keys[key].name);
	ret = agi_parse_list(action, val, pid_keys[key].fmt, false,
			     key == PID_SP ? AGISWARM_WIRE_VEC_MAX : 1,
			     &vals, &n);
	if (ret)
		return ret;
	if (key == PID_SP) {
		ps->setpoint = vals;
		ps->n_setpoint = n;
	} else {
		ps->val[key] = vals[0];
		free(vals);
	}
	ps->has[key] = true;
	return AGICTL_OK;
}

static int parse_pid(int argc, char **argv, struct pid_set *ps)
{
	int i, key, ret;

	for (i = 0; i < argc; i += 2) {
		key = find_pid_key(argv[i]);
		if (key < 0)
			return agictl_usage_error("unknown pid argument \"%s\" (expected kp, ki, kd, lo, hi or setpoint)",
						  argv[i]);
		if (ps->has[key])
			return agictl_usage_error("\"%s\" given twice", argv[i]);
		if (i + 1 >= argc)
			return agictl_usage_error("\"%s\" needs a value", argv[i]);
		ret = parse_one(ps, key, argv[i + 1]);
		if (ret)
			return ret;
	}
	for (key = PID_KP; key <= PID_KD; key++)
		if (!ps->has[key])
			return agictl_usage_error("law set pid needs \"%s\"",
						  pid_keys[key].name);
	if (ps->has[PID_LO] && ps->has[PID_HI] &&
	    ps->val[PID_LO] > ps->val[PID_HI])
		return agictl_usage_error("law set pid: lo is above hi");
	return AGICTL_OK;
}

static void fill_feedback(struct nlmsghdr *nlh, const void *arg)
{
	(void)arg;
	mnl_attr_put_u8(nlh, AGISWARM_A_CONTROL_LAW, AGISWARM_LAW_FEEDBACK);
}

static void fill_pid(struct nlmsghdr *nlh, const void *arg)
{
	const struct pid_set *ps = arg;
	struct nlattr *nest;
	int key;

	mnl_attr_put_u8(nlh, AGISWARM_A_CONTROL_LAW, AGISWARM_LAW_PID);
	nest = mnl_attr_nest_start(nlh, AGISWARM_A_PID);
	for (key = PID_KP; key <= PID_HI; key++)
		if (ps->has[key])
			mnl_attr_put_u32(nlh, pid_keys[key].attr,
					 (uint32_t)ps->val[key]);
	if (ps->has[PID_SP])
		mnl_attr_put(nlh, AGISWARM_PID_A_SETPOINT,
			     ps->n_setpoint * sizeof(s32), ps->setpoint);
	mnl_attr_nest_end(nlh, nest);
}

static int law_set(int argc, char **argv)
{
	struct pid_set ps = { 0 };
	int ret;

	if (argc < 1)
		return agictl_usage_error("law set needs feedback or pid");
	if (!strcmp(argv[0], "feedback")) {
		ret = agictl_max_args("law set feedback", argc - 1, argv + 1,
				      0);
		if (ret)
			return ret;
		return agi_nl_send("law set", AGISWARM_CMD_SET_NODE,
				   fill_feedback, NULL);
	}
	if (strcmp(argv[0], "pid"))
		return agictl_usage_error("unknown law \"%s\" (expected feedback or pid)",
					  argv[0]);
	ret = parse_pid(argc - 1, argv + 1, &ps);
	if (!ret)
		ret = agi_nl_send("law set", AGISWARM_CMD_SET_NODE, fill_pid,
				  &ps);
	free(ps.setpoint);
	return ret;
}

int agictl_law(int argc, char **argv)
{
	static const struct agictl_verb verbs[] = {
		{ "set", law_set },
	};

	if (argc < 2)
		return agictl_usage_error("law needs a command, try \"agictl law help\".");
	return agictl_run_verb(argc, argv, verbs, ARRAY_SIZE(verbs),
			       law_usage);
}
