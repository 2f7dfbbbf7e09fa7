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

#include "user/matrix.h"
#include "user/names.h"
#include "user/node.h"
#include "user/status.h"
#include "agictl.h"

static void node_usage(void)
{
	printf("Usage: agictl [-j] node show\n"
	       "       agictl node set [ role { none | worker | aggregator } ] [ id ID ]\n"
	       "                       [ port PORT ] [ epoch E ] [ group-id G ]\n"
	       "                       [ group-rank R ] [ group-size N ]\n"
	       "                       [ failure-threshold K ] [ probe-join { on | off } ]\n"
	       "                       [ cycle TIME ]\n"
	       "                       [ deadline TIME ] [ miss { hold | zero } ]\n"
	       "                       [ redundancy F ] [ seed S ]\n"
	       "                       [ sensor-timeout TIME ] [ safe-output V[,V...] ]\n"
	       "       agictl node start [ --force ]\n"
	       "       agictl node { stop | estop | resume }\n"
	       "       agictl node help\n"
	       "\"show\" prints this node's role and id (JSON: {\"role\", "
	       "\"node_id\"});\n"
	       "\"agictl status\" shows everything else.\n"
	       "\"set\" changes what is given and leaves the rest as it was:\n"
	       "  role        what this node is\n"
	       "  id          its id, 0..4294967295\n"
	       "  port        its UDP port, 0..65535; 0 closes the socket\n"
	       "  epoch       the fencing epoch, 0..2^64-1 (lower epochs are ignored)\n"
	       "  group-id    the aggregator group's id, 0..2^64-1: workers bind the\n"
	       "              rows they hold to it (with the epoch, generation and\n"
	       "              hash) and answer only TASKs naming that binding; the\n"
	       "              members of a replicated group share one; 0 (the\n"
	       "              default) is the node id; a change reassigns the rows\n"
	       "  group-rank  this aggregator's rank in its replicated group, 0..6\n"
	       "              (default 0); the epoch 8 * term + rank is its own\n"
	       "  group-size  the group's members, 1..7 (default 1: no group); the\n"
	       "              others are aggregator peers with a rank (agictl peer\n"
	       "              add aggregator ID ADDR ... rank R). The owner of the\n"
	       "              epoch (epoch %% 8) drives the cycle, the others follow\n"
	       "              its cycle records (start the cycle on each)\n"
	       "  failure-threshold  cycles without a record after which a backup\n"
	       "              takes over, 0..100 (default 1); 0: none takes over\n"
	       "              on its own (agictl group transfer promotes one)\n"
	       "  probe-join  on: a worker added (peer add worker) holds no rows\n"
	       "              until a fixed-point probe of it passes, which the\n"
	       "              module runs at once as a job (agictl job list shows\n"
	       "              it); one that fails or does not answer in 10s stays\n"
	       "              without rows until added again (default off)\n"
	       "  cycle       the aggregator's period, 100us..10s (default 50ms)\n"
	       "  deadline    how long a cycle may take, at most the period\n"
	       "              (default 40ms)\n"
	       "  miss        on a missed deadline hold the last output (default)\n"
	       "              or output zeros\n"
	       "  redundancy  how many workers may fail, 0..255 (default 2)\n"
	       "  seed        kept for older configurations (the rows are assigned\n"
	       "              without a seed), 0..2^64-1\n"
	       "  sensor-timeout  no input (SENSOR or input set) for this long, in\n"
	       "              whole cycles, drives the outputs to the safe output;\n"
	       "              0 (the default) never; at most 60s\n"
	       "  safe-output the safe output, one Q1.31 decimal per output,\n"
	       "              comma-separated; 0 past the last (default all 0)\n"
	       "TIME is a number with a unit, 50ms, 500us or 1s; a bare number is\n"
	       "milliseconds. \"start\" starts the aggregator's cycle; it refuses\n"
	       "(exit 1) when no matrix is loaded or no worker holds rows, where\n"
	       "every cycle would miss, unless --force. \"stop\" stops it.\n"
	       "\"estop\" sends the safe output to every actuator at once and holds\n"
	       "it every cycle until \"resume\" (the cycle keeps running; the PID\n"
	       "is not stepped while stopped). \"estop\" is never signed: it acts\n"
	       "at once. While agiswarmd runs with security.require_signatures,\n"
	       "the module refuses a plain \"resume\": resume with a signed\n"
	       "commit, \"agictl commit ... resume\". Changing the node needs\n"
	       "CAP_NET_ADMIN; the module checks the values and explains a\n"
	       "refusal. Nothing is printed on success.\n");
}

enum node_key {
	KEY_ROLE, KEY_ID, KEY_PORT, KEY_EPOCH, KEY_CYCLE, KEY_DEADLINE,
	KEY_MISS, KEY_REDUNDANCY, KEY_SEED, KEY_SENSOR_TIMEOUT, KEY_SAFE,
	KEY_GROUP, KEY_GROUP_RANK, KEY_GROUP_SIZE, KEY_THRESHOLD,
	KEY_PROBE_JOIN, NR_KEYS
};

static const char *const key_names[NR_KEYS] = {
	[KEY_ROLE] = "role", [KEY_ID] = "id", [KEY_PORT] = "port",
	[KEY_EPOCH] = "epoch", [KEY_CYCLE] = "cycle",
	[KEY_DEADLINE] = "deadline", [KEY_MISS] = "miss",
	[KEY_REDUNDANCY] = "redundancy", [KEY_SEED] = "seed",
	[KEY_SENSOR_TIMEOUT] = "sensor-timeout", [KEY_SAFE] = "safe-output",
	[KEY_GROUP] = "group-id", [KEY_GROUP_RANK] = "group-rank",
	[KEY_GROUP_SIZE] = "group-size", [KEY_THRESHOLD] = "failure-threshold",
	[KEY_PROBE_JOIN] = "probe-join",
};
static const struct agi_names keys = { key_names, NR_KEYS };

/* Each key's bit in the request. */
static const u32 key_bits[NR_KEYS] = {
	[KEY_ROLE] = AGI_NODE_ROLE, [KEY_ID] = AGI_NODE_ID,
	[KEY_PORT] = AGI_NODE_PORT, [KEY_EPOCH] = AGI_NODE_EPOCH,
	[KEY_CYCLE] = AGI_NODE_CYCLE, [KEY_DEADLINE] = AGI_NODE_DEADLINE,
	[KEY_MISS] = AGI_NODE_MISS, [KEY_REDUNDANCY] = AGI_NODE_REDUNDANCY,
	[KEY_SEED] = AGI_NODE_SEED, [KEY_SENSOR_TIMEOUT] = AGI_NODE_SENSOR_TIMEOUT,
	[KEY_SAFE] = AGI_NODE_SAFE_OUTPUT, [KEY_GROUP] = AGI_NODE_GROUP,
	[KEY_GROUP_RANK] = AGI_NODE_GROUP_RANK,
	[KEY_GROUP_SIZE] = AGI_NODE_GROUP_SIZE,
	[KEY_THRESHOLD] = AGI_NODE_FAILURE_THRESHOLD,
	[KEY_PROBE_JOIN] = AGI_NODE_PROBE_JOIN,
};

/* One value; a usage error quoting it when it is not what @key takes. */
static int parse_value(enum node_key key, const char *s, u64 *v)
{
	u32 us;
	int n;

	switch (key) {
	case KEY_ROLE:
		n = agi_name_find(&agi_role_names, s);
		if (n < 0)
			return agictl_usage_error("invalid role \"%s\" (expected none, worker or aggregator)",
						  s);
		*v = (u64)n;
		return AGICTL_OK;
	case KEY_PROBE_JOIN:
		if (strcmp(s, "on") && strcmp(s, "off"))
			return agictl_usage_error("invalid probe-join \"%s\" (expected on or off)",
						  s);
		*v = !strcmp(s, "on");
		return AGICTL_OK;
	case KEY_MISS:
		n = agi_name_find(&agi_miss_names, s);
		if (n < 0)
			return agictl_usage_error("invalid miss policy \"%s\" (expected hold or zero)",
						  s);
		*v = (u64)n;
		return AGICTL_OK;
	case KEY_SENSOR_TIMEOUT:
		if (agi_parse_duration_us(s, &us) || us > 60000000)
			return agictl_usage_error("invalid sensor-timeout \"%s\" (expected 0 or a time up to 60s, like 200ms)",
						  s);
		*v = us;
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
	case KEY_GROUP_RANK:
		if (agi_parse_u64(s, AGISWARM_GROUP_MAX - 1, v))
			return agictl_usage_error("invalid group-rank \"%s\" (expected 0..%d)",
						  s, AGISWARM_GROUP_MAX - 1);
		return AGICTL_OK;
	case KEY_GROUP_SIZE:
		if (agi_parse_u64(s, AGISWARM_GROUP_MAX, v) || !*v)
			return agictl_usage_error("invalid group-size \"%s\" (expected 1..%d)",
						  s, AGISWARM_GROUP_MAX);
		return AGICTL_OK;
	case KEY_THRESHOLD:
		if (agi_parse_u64(s, AGISWARM_FAILURE_THRESHOLD_MAX, v))
			return agictl_usage_error("invalid failure-threshold \"%s\" (expected 0..%d)",
						  s, AGISWARM_FAILURE_THRESHOLD_MAX);
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

/* A parsed value into its place in the request. */
static void set_value(struct agi_node_req *r, enum node_key key, u64 v)
{
	switch (key) {
	case KEY_ROLE:
		r->role = (u8)v;
		break;
	case KEY_ID:
		r->id = (u32)v;
		break;
	case KEY_PORT:
		r->port = (u16)v;
		break;
	case KEY_EPOCH:
		r->epoch = v;
		break;
	case KEY_CYCLE:
		r->cycle_us = (u32)v;
		break;
	case KEY_DEADLINE:
		r->deadline_us = (u32)v;
		break;
	case KEY_MISS:
		r->miss = (u8)v;
		break;
	case KEY_REDUNDANCY:
		r->redundancy = (u8)v;
		break;
	case KEY_SENSOR_TIMEOUT:
		r->sensor_timeout_us = (u32)v;
		break;
	case KEY_SAFE:
		break;
	case KEY_GROUP:
		r->group_id = v;
		break;
	case KEY_GROUP_RANK:
		r->group_rank = (u8)v;
		break;
	case KEY_GROUP_SIZE:
		r->group_size = (u8)v;
		break;
	case KEY_THRESHOLD:
		r->failure_threshold = (u8)v;
		break;
	case KEY_PROBE_JOIN:
		r->probe_join = (u8)v;
		break;
	default:
		r->seed = v;
	}
	r->present |= key_bits[key];
}

/* safe-output V[,V...]: Q1.31 decimals. */
static int parse_safe(const char *list, struct agi_node_req *r)
{
	s32 *vals;
	u32 n;
	int ret;

	ret = agictl_parse_list("node set safe-output", list, AGISWARM_Q1_31,
				false, AGISWARM_WIRE_VEC_MAX, &vals, &n);
	if (ret)
		return ret;
	memcpy(r->safe, vals, n * sizeof(*vals));
	r->n_safe = n;
	free(vals);
	r->present |= AGI_NODE_SAFE_OUTPUT;
	return AGICTL_OK;
}

static int parse_set(int argc, char **argv, struct agi_node_req *r)
{
	int i, key, ret;
	u64 v;

	for (i = 0; i < argc; i += 2) {
		key = agi_name_find(&keys, argv[i]);
		if (key < 0)
			return agictl_usage_error("unknown node set argument \"%s\", try \"agictl node help\".",
						  argv[i]);
		if (r->present & key_bits[key])
			return agictl_usage_error("\"%s\" given twice", argv[i]);
		if (i + 1 >= argc)
			return agictl_usage_error("\"%s\" needs a value", argv[i]);
		if (key == KEY_SAFE) {
			ret = parse_safe(argv[i + 1], r);
			if (ret)
				return ret;
			continue;
		}
		ret = parse_value(key, argv[i + 1], &v);
		if (ret)
			return ret;
		set_value(r, key, v);
	}
	if (!r->present)
		return agictl_usage_error("node set needs at least one thing to set, try \"agictl node help\".");
	return AGICTL_OK;
}

/* One SET_NODE, in @action's name; an exit code. */
static int send_node(const char *action, const struct agi_node_req *r)
{
	struct agi_nl nl;
	int ret;

	ret = agictl_open(&nl, action);
	if (ret)
		return ret;
	return agictl_close(&nl, action, agi_node_set(&nl, r));
}

static int node_set(int argc, char **argv)
{
	struct agi_node_req *r = calloc(1, sizeof(*r));
	int ret;

	if (!r)
		return agictl_fail("node set failed: %s", strerror(ENOMEM));
	ret = parse_set(argc, argv, r);
	if (!ret)
		ret = send_node("node set", r);
	free(r);
	return ret;
}

/*
 * Whether a cycle could compute anything: a matrix loaded and workers
 * holding its rows. Without, every cycle misses: "node start" says so and
 * refuses unless forced. An exit code; AGICTL_OK when it may start.
 */
static int check_startable(struct agi_nl *nl, bool force)
{
	struct agi_matrix_info mi;
	const char *why = NULL;
	struct agi_status st;
	int err;

	/* Only an aggregator runs a cycle: the module says so to others. */
	err = agi_status_get(nl, &st);
	if (err)
		return agictl_close(nl, "node start", err);
	if (st.role != AGISWARM_ROLE_AGGREGATOR)
		return AGICTL_OK;
	err = agi_matrix_get(nl, &mi);
	if (err == -ENOENT)
		why = "no matrix is loaded (agictl matrix load FILE)";
	else if (err)
		return agictl_close(nl, "node start", err);
	else if (!mi.n_coded)
		why = "no worker holds rows of the matrix (agictl peer add worker ...; agictl peer show)";
	if (!why)
		return AGICTL_OK;
	if (force) {
		fprintf(stderr, "agictl: warning: node start --force: %s: every cycle will miss its deadline until that changes\n",
			why);
		return AGICTL_OK;
	}
	agi_nl_close(nl);
	return agictl_fail("node start failed: %s; every cycle would miss its deadline (--force starts it anyway)",
			   why);
}

/* "node VERB" without arguments: @r as it is. */
static int node_verb(const char *verb, int argc, char **argv,
		     const struct agi_node_req *r)
{
	char action[16];
	int ret;

	snprintf(action, sizeof(action), "node %s", verb);
	ret = agictl_max_args(action, argc, argv, 0);
	if (ret)
		return ret;
	return send_node(action, r);
}

static int node_start(int argc, char **argv)
{
	struct agi_node_req r = { .present = AGI_NODE_RUNNING, .running = 1 };
	bool force = argc > 0 && !strcmp(argv[0], "--force");
	struct agi_nl nl;
	int ret;

	ret = agictl_max_args("node start", argc - force, argv + force, 0);
	if (!ret)
		ret = agictl_open(&nl, "node start");
	if (!ret)
		ret = check_startable(&nl, force);
	if (ret)
		return ret;
	return agictl_close(&nl, "node start", agi_node_set(&nl, &r));
}

/* estop / resume: the safe output now and held, or the law again. */
static int node_stop_now(int argc, char **argv)
{
	struct agi_node_req r = { .present = AGI_NODE_ESTOP, .estop = 1 };

	return node_verb("estop", argc, argv, &r);
}

static int node_resume(int argc, char **argv)
{
	struct agi_node_req r = { .present = AGI_NODE_ESTOP, .estop = 0 };

	return node_verb("resume", argc, argv, &r);
}

static int node_stop(int argc, char **argv)
{
	struct agi_node_req r = { .present = AGI_NODE_RUNNING, .running = 0 };

	return node_verb("stop", argc, argv, &r);
}

static int node_show(int argc, char **argv)
{
	struct agi_status st;
	struct agi_nl nl;
	int ret;

	ret = agictl_max_args("node show", argc, argv, 0);
	if (!ret)
		ret = agictl_open(&nl, "node show");
	if (ret)
		return ret;
	ret = agictl_close(&nl, "node show", agi_status_get(&nl, &st));
	if (ret)
		return ret;
	agi_print_begin();
	agi_print_string(AGI_PRINT_ANY, "role", "role %s",
			 agi_role_name(st.role));
	agi_print_u64(AGI_PRINT_ANY, "node_id", " node id %llu\n", st.node_id);
	agi_print_end();
	return AGICTL_OK;
}

int agictl_node(int argc, char **argv)
{
	static const struct agictl_verb verbs[] = {
		{ "show", node_show },
		{ "set", node_set },
		{ "start", node_start },
		{ "stop", node_stop },
		{ "estop", node_stop_now },
		{ "resume", node_resume },
	};

	if (argc < 2)
		return node_show(0, NULL);
	return agictl_run_verb(argc, argv, verbs, ARRAY_SIZE(verbs),
			       node_usage);
}
