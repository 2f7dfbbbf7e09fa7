// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agictl law: the aggregator's control law, u = y (state feedback) or one
 * PID loop per output. Gains are Q8.24 and limits and setpoints Q1.31, as
 * the fixed-point specification's PID step takes them (include/core/
 * fixed.h), so they are converted here by the portable core and the
 * module never sees a decimal.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fixed.h"
#include "user/matrix.h"
#include "user/names.h"
#include "user/node.h"
#include "user/status.h"
#include "agictl.h"

enum pid_key { PID_KP, PID_KI, PID_KD, PID_LO, PID_HI, PID_SP, NR_PID };

static const struct {
	const char *name;
	enum agiswarm_qformat fmt;
	u32 bit;
	size_t offset;
} pid_keys[NR_PID] = {
	[PID_KP] = { "kp", AGISWARM_Q8_24, AGI_PID_KP, offsetof(struct agi_pid, kp) },
	[PID_KI] = { "ki", AGISWARM_Q8_24, AGI_PID_KI, offsetof(struct agi_pid, ki) },
	[PID_KD] = { "kd", AGISWARM_Q8_24, AGI_PID_KD, offsetof(struct agi_pid, kd) },
	[PID_LO] = { "lo", AGISWARM_Q1_31, AGI_PID_LO, offsetof(struct agi_pid, lo) },
	[PID_HI] = { "hi", AGISWARM_Q1_31, AGI_PID_HI, offsetof(struct agi_pid, hi) },
	[PID_SP] = { "setpoint", AGISWARM_Q1_31, AGI_PID_SETPOINT, 0 },
};

static void law_usage(void)
{
	printf("Usage: agictl [-j] law show\n"
	       "       agictl law set feedback\n"
	       "       agictl law set pid kp V ki V kd V [ lo V ] [ hi V ]\n"
	       "                          [ setpoint V[,V...] [ --broadcast ] ]\n"
	       "       agictl law help\n"
	       "show      the law in use, the PID's gains, limits and setpoints\n"
	       "          (JSON: {\"law\", \"kp\", \"ki\", \"kd\", \"lo\", \"hi\",\n"
	       "          \"setpoint\": [...]}, decimals as JSON numbers)\n"
	       "feedback  u = y: the decoded A x goes to the actuators as it is\n"
	       "pid       per output i, the PID step of agictl(8), with setpoint sp_i\n"
	       "          and feedback y_i, its state kept across cycles:\n"
	       "  kp, ki, kd  gains, decimals in Q8.24 [-128, 127.99999994]\n"
	       "  lo, hi      clamps of the integral and the output, decimals in\n"
	       "              Q1.31 [-1, 0.9999999995]; the module's defaults\n"
	       "              when absent\n"
	       "  setpoint    one decimal per output, Q1.31, comma-separated;\n"
	       "              while a matrix is loaded the module wants exactly\n"
	       "              one per output (its rows); zeros when absent\n"
	       "  --broadcast one setpoint given to every output of the matrix\n"
	       "              loaded now\n"
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

static int parse_one(struct agi_pid *pid, int key, const char *val)
{
	char action[32];
	u32 n;
	s32 *vals;
	int ret;

	snprintf(action, sizeof(action), "law set pid %s", pid_keys[key].name);
	ret = agictl_parse_list(action, val, pid_keys[key].fmt, false,
				key == PID_SP ? AGISWARM_WIRE_VEC_MAX : 1,
				&vals, &n);
	if (ret)
		return ret;
	if (key == PID_SP) {
		memcpy(pid->setpoint, vals, n * sizeof(*vals));
		pid->n_setpoint = n;
	} else {
		memcpy((u8 *)pid + pid_keys[key].offset, vals, sizeof(*vals));
	}
	free(vals);
	pid->present |= pid_keys[key].bit;
	return AGICTL_OK;
}

static int parse_pid(int argc, char **argv, struct agi_pid *pid,
		     bool *broadcast)
{
	int i, key, ret;

	if (argc && !strcmp(argv[argc - 1], "--broadcast")) {
		*broadcast = true;
		argc--;
	}
	for (i = 0; i < argc; i += 2) {
		key = find_pid_key(argv[i]);
		if (key < 0)
			return agictl_usage_error("unknown pid argument \"%s\" (expected kp, ki, kd, lo, hi or setpoint)",
						  argv[i]);
		if (pid->present & pid_keys[key].bit)
			return agictl_usage_error("\"%s\" given twice", argv[i]);
		if (i + 1 >= argc)
			return agictl_usage_error("\"%s\" needs a value", argv[i]);
		ret = parse_one(pid, key, argv[i + 1]);
		if (ret)
			return ret;
	}
	for (key = PID_KP; key <= PID_KD; key++)
		if (!(pid->present & pid_keys[key].bit))
			return agictl_usage_error("law set pid needs \"%s\"",
						  pid_keys[key].name);
	if ((pid->present & AGI_PID_LO) && (pid->present & AGI_PID_HI) &&
	    pid->lo > pid->hi)
		return agictl_usage_error("law set pid: lo is above hi");
	if (*broadcast && pid->n_setpoint != 1)
		return agictl_usage_error("law set pid: --broadcast needs exactly one setpoint");
	return AGICTL_OK;
}

/* The one setpoint, once per output of the matrix in use. */
static int broadcast_setpoint(struct agi_nl *nl, struct agi_pid *pid)
{
	struct agi_matrix_info mi;
	int err = agi_matrix_get(nl, &mi);
	u32 i;

	if (err == -ENOENT)
		return agictl_fail("law set failed: --broadcast: no matrix is loaded, so the number of outputs is unknown");
	if (err)
		return agictl_close(nl, "law set", err);
	if (mi.rows > AGISWARM_WIRE_VEC_MAX)
		return agictl_fail("law set failed: --broadcast: %u outputs, at most %d setpoints",
				   mi.rows, AGISWARM_WIRE_VEC_MAX);
	for (i = 1; i < mi.rows; i++)
		pid->setpoint[i] = pid->setpoint[0];
	pid->n_setpoint = mi.rows;
	return AGICTL_OK;
}

static int law_set(int argc, char **argv)
{
	struct agi_node_req *r;
	bool broadcast = false;
	struct agi_nl nl;
	int ret;

	if (argc < 1)
		return agictl_usage_error("law set needs feedback or pid");
	if (strcmp(argv[0], "feedback") && strcmp(argv[0], "pid"))
		return agictl_usage_error("unknown law \"%s\" (expected feedback or pid)",
					  argv[0]);
	r = calloc(1, sizeof(*r));
	if (!r)
		return agictl_fail("law set failed: %s", strerror(ENOMEM));
	r->present = AGI_NODE_LAW;
	if (!strcmp(argv[0], "feedback")) {
		r->law = AGISWARM_LAW_FEEDBACK;
		ret = agictl_max_args("law set feedback", argc - 1, argv + 1, 0);
	} else {
		r->law = AGISWARM_LAW_PID;
		r->present |= AGI_NODE_PID;
		ret = parse_pid(argc - 1, argv + 1, &r->pid, &broadcast);
	}
	if (!ret)
		ret = agictl_open(&nl, "law set");
	if (!ret && broadcast) {
		ret = broadcast_setpoint(&nl, &r->pid);
		if (ret)
			agi_nl_close(&nl);
	}
	if (!ret)
		ret = agictl_close(&nl, "law set", agi_node_set(&nl, r));
	free(r);
	return ret;
}

static void print_q(const char *key, s32 raw, enum agiswarm_qformat fmt)
{
	char dec[64], text[32];

	agi_q_to_decimal(raw, fmt, dec, sizeof(dec));
	snprintf(text, sizeof(text), " %s %%s", key);
	agi_print_number(AGI_PRINT_ANY, key, text, dec);
}

/* The law in use and the PID's parameters, read back from the module. */
static int law_show(int argc, char **argv)
{
	struct agi_status *st;
	char dec[64];
	struct agi_nl nl;
	u32 i;
	int ret;

	ret = agictl_max_args("law show", argc, argv, 0);
	if (ret)
		return ret;
	st = calloc(1, sizeof(*st));
	if (!st)
		return agictl_fail("law show failed: %s", strerror(ENOMEM));
	ret = agictl_open(&nl, "law show");
	if (!ret)
		ret = agictl_close(&nl, "law show", agi_status_get(&nl, st));
	if (!ret && (!st->has[AGI_ST_LAW] || !st->has_pid))
		ret = agictl_fail("law show failed: the module does not report its PID (older module)");
	if (ret) {
		free(st);
		return ret;
	}
	agi_print_begin();
	agi_print_string(AGI_PRINT_ANY, "law", "law %s",
			 agi_name(&agi_law_names, st->field[AGI_ST_LAW]));
	print_q("kp", st->pid.kp, AGISWARM_Q8_24);
	print_q("ki", st->pid.ki, AGISWARM_Q8_24);
	print_q("kd", st->pid.kd, AGISWARM_Q8_24);
	print_q("lo", st->pid.lo, AGISWARM_Q1_31);
	print_q("hi", st->pid.hi, AGISWARM_Q1_31);
	agi_print_text(" setpoint ");
	agi_open_array("setpoint");
	for (i = 0; i < st->pid.n_setpoint; i++) {
		agi_q_to_decimal(st->pid.setpoint[i], AGISWARM_Q1_31, dec,
				 sizeof(dec));
		agi_print_number(AGI_PRINT_ANY, NULL, i ? ",%s" : "%s", dec);
	}
	agi_close_array();
	if (!st->pid.n_setpoint)
		agi_print_text("none (zeros)");
	agi_print_text("\n");
	agi_print_end();
	free(st);
	return AGICTL_OK;
}

int agictl_law(int argc, char **argv)
{
	static const struct agictl_verb verbs[] = {
		{ "show", law_show },
		{ "set", law_set },
	};

	if (argc < 2)
		return agictl_usage_error("law needs a command, try \"agictl law help\".");
	return agictl_run_verb(argc, argv, verbs, ARRAY_SIZE(verbs),
			       law_usage);
}
