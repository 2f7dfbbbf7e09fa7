// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agictl config show: the node's running configuration, read back from the
 * module (GET_STATUS, the GET_PEERS dump, GET_MATRIX) and printed in the
 * keys agiswarmd reads (include/user/config_keys.c), so that what an
 * operator set up by hand can become agiswarmd's configuration file.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/fixed.h"
#include "user/matrix.h"
#include "user/names.h"
#include "user/parse.h"
#include "user/peer.h"
#include "user/status.h"
#include "agictl.h"

/* The matrix in use, when the module has one. */
struct cfg_matrix {
	bool loaded;
	struct agi_matrix_info info;
};

static void config_usage(void)
{
	printf("Usage: agictl [-j] config show\n"
	       "Prints this node's running configuration, as the module\n"
	       "holds it, in agiswarmd's YAML keys (node.id, node.role,\n"
	       "aggregator.udp_port, cycle_time_ms, timeout_ms,\n"
	       "fault_tolerance, miss_policy, control_law, pid (kp, ki,\n"
	       "kd, lo, hi, setpoint), sensor_timeout_ms, safe_output,\n"
	       "epoch, code_seed, workers, actuators, sensors), so that\n"
	       "\"agiswarmd --check-config --config FILE\" accepts it.\n"
	       "The matrix entries are not in the module's replies: a\n"
	       "comment gives its shape, format and generation only; give\n"
	       "agiswarmd the matrix file (matrix.file or --matrix).\n"
	       "What agiswarmd cannot express (a time that is not whole\n"
	       "ms, node id 0, a closed port, epoch 0) is said in a comment.\n"
	       "JSON: {\"node\": {\"id\", \"role\"},\n"
	       "       \"aggregator\": {\"udp_port\", \"cycle_time_ms\",\n"
	       "       \"cycle_time_us\" (exact), \"timeout_ms\",\n"
	       "       \"timeout_us\" (exact), \"fault_tolerance\",\n"
	       "       \"miss_policy\", \"control_law\", \"pid\": {\"kp\",\n"
	       "       \"ki\", \"kd\", \"lo\", \"hi\", \"setpoint\": [...]},\n"
	       "       \"sensor_timeout_ms\", \"sensor_timeout_us\" (exact),\n"
	       "       \"safe_output\": [...], \"epoch\",\n"
	       "       \"code_seed\", \"workers\": [{\"id\", \"address\"}],\n"
	       "       \"actuators\", \"sensors\"},\n"
	       "       \"matrix\": {\"rows\", \"cols\", \"format\", \"gen\"}\n"
	       "       or null}\n");
}

/*
 * GET_MATRIX, where "no matrix loaded" (ENOENT from a reachable module) is
 * part of the configuration rather than a failure.
 */
static int cfg_matrix_get(struct agi_nl *nl, struct cfg_matrix *m)
{
	int err = agi_matrix_get(nl, &m->info);

	m->loaded = !err;
	return err == -ENOENT ? 0 : err;
}

/* A duration as agiswarmd takes it: decimal ms, exact to the µs. */
static void print_ms(const char *key, const char *json_key, u64 us)
{
	char ms[16];

	agi_format_ms((u32)us, ms, sizeof(ms));
	agi_print_text("  %s: ", key);
	agi_print_number(AGI_PRINT_ANY, key, "%s\n", ms);
	agi_print_u64(AGI_PRINT_JSON, json_key, NULL, us);
}

static void print_peers(const char *key, u8 kind,
			const struct agi_peer_list *l)
{
	size_t i, n = 0;
	char ep[64];

	for (i = 0; i < l->n; i++)
		n += l->peers[i].kind == kind;
	agi_print_text("  %s:%s\n", key, n ? "" : " []");
	agi_open_array(key);
	for (i = 0; i < l->n; i++) {
		if (l->peers[i].kind != kind)
			continue;
		agi_format_endpoint(&l->peers[i].ep.addr, l->peers[i].ep.len,
				    ep, sizeof(ep));
		agi_open_object(NULL);
		agi_print_u64(AGI_PRINT_ANY, "id", "    - {id: %llu",
			      l->peers[i].id);
		agi_print_string(AGI_PRINT_ANY, "address",
				 ", address: \"%s\"}\n", ep);
		agi_close_object();
	}
	agi_close_array();
}

static void print_node(const struct agi_status *st)
{
	const char *role = st->role == AGISWARM_ROLE_NONE ? "" :
			   agi_role_name(st->role);

	agi_print_text("node:\n");
	agi_open_object("node");
	if (st->node_id)
		agi_print_u64(AGI_PRINT_ANY, "id", "  id: %llu\n", st->node_id);
	else
		agi_print_text("  # id: 0, not set (agiswarmd needs 1 or above)\n");
	agi_print_string(AGI_PRINT_ANY, "role", "  role: \"%s\"\n", role);
	agi_close_object();
}

/* Port, period, deadline, redundancy, miss policy, law: as reported. */
static void print_cycle(const struct agi_status *st)
{
	const u64 *f = st->field;
	const bool *has = st->has;

	if (has[AGI_ST_PORT] && f[AGI_ST_PORT])
		agi_print_u64(AGI_PRINT_ANY, "udp_port", "  udp_port: %llu\n",
			  f[AGI_ST_PORT]);
	else if (has[AGI_ST_PORT])
		agi_print_text("  # udp_port: the socket is closed (port 0)\n");
	if (has[AGI_ST_PERIOD_US])
		print_ms("cycle_time_ms", "cycle_time_us", f[AGI_ST_PERIOD_US]);
	if (has[AGI_ST_DEADLINE_US])
		print_ms("timeout_ms", "timeout_us", f[AGI_ST_DEADLINE_US]);
	if (has[AGI_ST_REDUNDANCY])
		agi_print_u64(AGI_PRINT_ANY, "fault_tolerance",
			  "  fault_tolerance: %llu\n", f[AGI_ST_REDUNDANCY]);
	if (has[AGI_ST_MISS])
		agi_print_string(AGI_PRINT_ANY, "miss_policy",
				 "  miss_policy: %s\n",
				 agi_name(&agi_miss_names, f[AGI_ST_MISS]));
	if (has[AGI_ST_LAW])
		agi_print_string(AGI_PRINT_ANY, "control_law",
				 "  control_law: %s\n",
				 agi_name(&agi_law_names, f[AGI_ST_LAW]));
}

/* A YAML list of Q1.31 decimals; JSON: numbers. */
static void print_qlist(const char *indent, const char *key, const s32 *v,
			u32 n)
{
	char dec[64];
	u32 i;

	agi_print_text("%s%s: [", indent, key);
	agi_open_array(key);
	for (i = 0; i < n; i++) {
		agi_q_to_decimal(v[i], AGISWARM_Q1_31, dec, sizeof(dec));
		agi_print_number(AGI_PRINT_ANY, NULL, i ? ", %s" : "%s", dec);
	}
	agi_close_array();
	agi_print_text("]\n");
}

static void print_q(const char *key, s32 raw, enum agiswarm_qformat fmt)
{
	char dec[64], text[32];

	agi_q_to_decimal(raw, fmt, dec, sizeof(dec));
	snprintf(text, sizeof(text), "    %s: %%s\n", key);
	agi_print_number(AGI_PRINT_ANY, key, text, dec);
}

/* The PID in use: gains, limits, setpoints (aggregator.pid). */
static void print_pid(const struct agi_status *st)
{
	const struct agi_pid *p = &st->pid;

	if (!st->has_pid)
		return;
	agi_print_text("  pid:\n");
	agi_open_object("pid");
	print_q("kp", p->kp, AGISWARM_Q8_24);
	print_q("ki", p->ki, AGISWARM_Q8_24);
	print_q("kd", p->kd, AGISWARM_Q8_24);
	print_q("lo", p->lo, AGISWARM_Q1_31);
	print_q("hi", p->hi, AGISWARM_Q1_31);
	print_qlist("    ", "setpoint", p->setpoint, p->n_setpoint);
	agi_close_object();
}

/*
 * Sensor timeout and safe output, when the module reports them. The module
 * takes 0 past the last safe value; agiswarmd wants one per row, or [] for
 * all zeros: the output is padded to the matrix's rows.
 */
static void print_safety(const struct agi_status *st,
			 const struct cfg_matrix *m)
{
	u64 us = st->field[AGI_ST_SENSOR_TIMEOUT_US];
	static s32 safe[AGISWARM_WIRE_VEC_MAX];
	u32 i, n = st->n_safe;
	bool zero = true;

	if (!st->has[AGI_ST_SENSOR_TIMEOUT_US])
		return;
	agi_print_u64(AGI_PRINT_ANY, "sensor_timeout_ms",
		      "  sensor_timeout_ms: %llu", us / 1000);
	agi_print_u64(AGI_PRINT_JSON, "sensor_timeout_us", NULL, us);
	if (us % 1000)
		agi_print_text("  # exactly %lluus, not whole ms",
			       (unsigned long long)us);
	agi_print_text("\n");
	memcpy(safe, st->safe, n * sizeof(*safe));
	for (i = 0; i < n; i++)
		zero &= !safe[i];
	if (zero)
		n = 0;
	for (; n && m->loaded && n < m->info.rows &&
	       n < AGISWARM_WIRE_VEC_MAX; n++)
		safe[n] = 0;
	print_qlist("  ", "safe_output", safe, n);
}

static void print_aggregator(const struct agi_status *st,
			     const struct cfg_matrix *m,
			     const struct agi_peer_list *l)
{
	agi_print_text("aggregator:\n");
	agi_open_object("aggregator");
	print_cycle(st);
	print_pid(st);
	print_safety(st, m);
	if (st->has[AGI_ST_EPOCH] && st->field[AGI_ST_EPOCH])
		agi_print_u64(AGI_PRINT_ANY, "epoch", "  epoch: %llu\n",
			  st->field[AGI_ST_EPOCH]);
	else if (st->has[AGI_ST_EPOCH])
		agi_print_text("  # epoch: 0 (agiswarmd starts at 1 or above)\n");
	/* The row sets' group: an aggregator's only, 0 when not set. */
	if (st->role == AGISWARM_ROLE_AGGREGATOR && st->has[AGI_ST_GROUP_ID] &&
	    st->field[AGI_ST_GROUP_ID])
		agi_print_u64(AGI_PRINT_ANY, "group_id", "  group_id: %llu\n",
			      st->field[AGI_ST_GROUP_ID]);
	if (m->loaded)
		agi_print_u64(AGI_PRINT_ANY, "code_seed", "  code_seed: %llu\n",
			      m->info.seed);
	else
		agi_print_text("  # code_seed: unknown, no matrix loaded\n");
	print_peers("workers", AGISWARM_PEER_WORKER, l);
	print_peers("actuators", AGISWARM_PEER_ACTUATOR, l);
	print_peers("sensors", AGISWARM_PEER_SENSOR, l);
	agi_close_object();
}

static void print_matrix_comment(const struct cfg_matrix *m)
{
	const struct agi_qinfo *q = agi_q_info(m->info.fmt);

	if (!m->loaded) {
		agi_print_null(AGI_PRINT_ANY, "matrix", "# matrix: none loaded\n");
		return;
	}
	agi_open_object("matrix");
	agi_print_u64(AGI_PRINT_ANY, "rows", "# matrix: %llu", m->info.rows);
	agi_print_u64(AGI_PRINT_ANY, "cols", "x%llu", m->info.cols);
	agi_print_string(AGI_PRINT_ANY, "format", " %s", q ? q->name : "unknown");
	agi_print_u64(AGI_PRINT_ANY, "gen", " generation %llu\n",
		      m->info.gen);
	agi_print_text("# (the module's replies do not carry its entries: give\n"
		   "# agiswarmd the matrix file, matrix.file or --matrix)\n");
	agi_close_object();
}

static int config_show(int argc, char **argv)
{
	struct agi_peer_list l = { 0 };
	struct agi_status st;
	struct cfg_matrix m;
	struct agi_nl nl;
	int ret, err;

	ret = agictl_max_args("config show", argc, argv, 0);
	if (!ret)
		ret = agictl_open(&nl, "config show");
	if (ret)
		return ret;
	err = agi_status_get(&nl, &st);
	if (!err)
		err = agi_peers_get(&nl, &l);
	if (!err)
		err = cfg_matrix_get(&nl, &m);
	ret = agictl_close(&nl, "config show", err);
	if (!ret) {
		agi_print_begin();
		agi_print_text("# agictl %s: the running configuration of the "
			       "agiswarm module %s\n", AGISWARM_VERSION,
			       st.version);
		print_node(&st);
		print_aggregator(&st, &m, &l);
		print_matrix_comment(&m);
		agi_print_end();
	}
	agi_peer_list_free(&l);
	return ret;
}

int agictl_config(int argc, char **argv)
{
	static const struct agictl_verb verbs[] = {
		{ "show", config_show },
	};

	if (argc < 2)
		return config_show(0, NULL);
	return agictl_run_verb(argc, argv, verbs, ARRAY_SIZE(verbs),
			       config_usage);
}
