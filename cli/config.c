// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agictl config show: the node's running configuration, read back from the
 * module (GET_STATUS, the GET_PEERS dump, GET_MATRIX) and printed in the
 * keys agiswarmd reads (daemon/config_keys.c), so that what an operator set
 * up by hand can become agiswarmd's configuration file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "core/fixed.h"
#include "agictl.h"

struct cfg_matrix {
	bool loaded;
	u8 fmt;
	u32 rows, cols, gen;
	u64 seed;
};

static void config_usage(void)
{
	printf("Usage: agictl [-j] config show\n"
	       "Prints this node's running configuration, as the module\n"
	       "holds it, in agiswarmd's YAML keys (node.id, node.role,\n"
	       "aggregator.udp_port, cycle_time_ms, timeout_ms,\n"
	       "fault_tolerance, miss_policy, control_law, epoch,\n"
	       "code_seed, workers, actuators, sensors), so that\n"
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
	       "       \"miss_policy\", \"control_law\", \"epoch\",\n"
	       "       \"code_seed\", \"workers\": [{\"id\", \"address\"}],\n"
	       "       \"actuators\", \"sensors\"},\n"
	       "       \"matrix\": {\"rows\", \"cols\", \"format\", \"gen\"}\n"
	       "       or null}\n");
}

static int cfg_matrix_attr_cb(const struct nlattr *a, void *data)
{
	struct cfg_matrix *m = data;
	u64 v = 0;
	int ret = MNL_CB_OK;

	switch (mnl_attr_get_type(a)) {
	case AGISWARM_A_MATRIX_FMT:
		ret = agi_attr_get_uint(a, MNL_TYPE_U8, &v);
		m->fmt = v;
		break;
	case AGISWARM_A_MATRIX_ROWS:
		ret = agi_attr_get_uint(a, MNL_TYPE_U32, &v);
		m->rows = v;
		m->loaded = true;
		break;
	case AGISWARM_A_MATRIX_COLS:
		ret = agi_attr_get_uint(a, MNL_TYPE_U32, &v);
		m->cols = v;
		break;
	case AGISWARM_A_MATRIX_GEN:
		ret = agi_attr_get_uint(a, MNL_TYPE_U32, &v);
		m->gen = v;
		break;
	case AGISWARM_A_CODE_SEED:
		ret = agi_attr_get_uint(a, MNL_TYPE_U64, &m->seed);
		break;
	}
	return ret;
}

static int cfg_matrix_cb(const struct nlmsghdr *nlh, void *data)
{
	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), cfg_matrix_attr_cb,
			   data) < 0) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

/*
 * GET_MATRIX, where "no matrix loaded" (ENOENT from a reachable module) is
 * part of the configuration rather than a failure.
 */
static int cfg_matrix_fetch(struct cfg_matrix *m)
{
	char buf[AGI_NL_BUF_SIZE];
	struct nlmsghdr *nlh;
	struct agi_nl nl;
	int err, ret = AGICTL_OK;

	memset(m, 0, sizeof(*m));
	err = agi_nl_open(&nl);
	if (err)
		return agi_nl_report(&nl, "config show", err);
	nlh = agi_nl_request(&nl, buf, AGISWARM_CMD_GET_MATRIX);
	err = agi_nl_talk(&nl, nlh, cfg_matrix_cb, m);
	if (err == -ENOENT)
		m->loaded = false;
	else if (err)
		ret = agi_nl_report(&nl, "config show", err);
	agi_nl_close(&nl);
	return ret;
}

/* A duration agiswarmd takes in whole ms; the exact µs when it is not. */
static void print_ms(const char *key, const char *json_key, u64 us)
{
	u64 ms = us / 1000 ? us / 1000 : 1;

	print_text("  %s: ", key);
	print_u64(PRINT_ANY, key, "%llu", ms);
	print_u64(PRINT_JSON, json_key, NULL, us);
	if (us % 1000)
		print_text("  # exactly %lluus, not whole ms",
			   (unsigned long long)us);
	print_text("\n");
}

static void print_peers(const char *key, u8 kind, const struct peer_list *l)
{
	size_t i, n = 0;

	for (i = 0; i < l->n; i++)
		n += l->peers[i].kind == kind;
	print_text("  %s:%s\n", key, n ? "" : " []");
	open_array(key);
	for (i = 0; i < l->n; i++) {
		if (l->peers[i].kind != kind)
			continue;
		open_object(NULL);
		print_u64(PRINT_ANY, "id", "    - {id: %llu", l->peers[i].id);
		print_string(PRINT_ANY, "address", ", address: \"%s\"}\n",
			     l->peers[i].endpoint);
		close_object();
	}
	close_array();
}

static void print_node(const struct agi_status *st)
{
	const char *role = st->role == AGISWARM_ROLE_NONE ? "" :
			   agi_role_name(st->role);

	print_text("node:\n");
	open_object("node");
	if (st->node_id)
		print_u64(PRINT_ANY, "id", "  id: %llu\n", st->node_id);
	else
		print_text("  # id: 0, not set (agiswarmd needs 1 or above)\n");
	print_string(PRINT_ANY, "role", "  role: \"%s\"\n", role);
	close_object();
}

/* Port, period, deadline, redundancy, miss policy, law: as reported. */
static void print_cycle(const struct agi_status *st)
{
	const u64 *f = st->field;
	const bool *has = st->has;

	if (has[ST_PORT] && f[ST_PORT])
		print_u64(PRINT_ANY, "udp_port", "  udp_port: %llu\n",
			  f[ST_PORT]);
	else if (has[ST_PORT])
		print_text("  # udp_port: the socket is closed (port 0)\n");
	if (has[ST_PERIOD_US])
		print_ms("cycle_time_ms", "cycle_time_us", f[ST_PERIOD_US]);
	if (has[ST_DEADLINE_US])
		print_ms("timeout_ms", "timeout_us", f[ST_DEADLINE_US]);
	if (has[ST_REDUNDANCY])
		print_u64(PRINT_ANY, "fault_tolerance",
			  "  fault_tolerance: %llu\n", f[ST_REDUNDANCY]);
	if (has[ST_MISS])
		print_string(PRINT_ANY, "miss_policy", "  miss_policy: %s\n",
			     f[ST_MISS] == AGISWARM_MISS_ZERO ? "zero" : "hold");
	if (has[ST_LAW])
		print_string(PRINT_ANY, "control_law", "  control_law: %s\n",
			     f[ST_LAW] == AGISWARM_LAW_PID ? "pid" : "feedback");
}

static void print_aggregator(const struct agi_status *st,
			     const struct cfg_matrix *m,
			     const struct peer_list *l)
{
	print_text("aggregator:\n");
	open_object("aggregator");
	print_cycle(st);
	if (st->has[ST_EPOCH] && st->field[ST_EPOCH])
		print_u64(PRINT_ANY, "epoch", "  epoch: %llu\n",
			  st->field[ST_EPOCH]);
	else if (st->has[ST_EPOCH])
		print_text("  # epoch: 0 (agiswarmd starts at 1 or above)\n");
	if (m->loaded)
		print_u64(PRINT_ANY, "code_seed", "  code_seed: %llu\n",
			  m->seed);
	else
		print_text("  # code_seed: unknown, no matrix loaded\n");
	print_peers("workers", AGISWARM_PEER_WORKER, l);
	print_peers("actuators", AGISWARM_PEER_ACTUATOR, l);
	print_peers("sensors", AGISWARM_PEER_SENSOR, l);
	close_object();
}

static void print_matrix_comment(const struct cfg_matrix *m)
{
	const struct agi_qinfo *q = agi_q_info(m->fmt);

	if (!m->loaded) {
		print_null(PRINT_ANY, "matrix", "# matrix: none loaded\n");
		return;
	}
	open_object("matrix");
	print_u64(PRINT_ANY, "rows", "# matrix: %llu", m->rows);
	print_u64(PRINT_ANY, "cols", "x%llu", m->cols);
	print_string(PRINT_ANY, "format", " %s", q ? q->name : "unknown");
	print_u64(PRINT_ANY, "gen", " generation %llu\n", m->gen);
	print_text("# (the module's replies do not carry its entries: give\n"
		   "# agiswarmd the matrix file, matrix.file or --matrix)\n");
	close_object();
}

static int config_show(int argc, char **argv)
{
	struct peer_list l = { 0 };
	struct agi_status st;
	struct cfg_matrix m;
	int ret;

	ret = agictl_max_args("config show", argc, argv, 0);
	if (!ret)
		ret = agi_status_fetch(&st, "config show");
	if (!ret)
		ret = agi_nl_get_dump("config show", AGISWARM_CMD_GET_PEERS,
				      agi_peers_cb, &l);
	if (!ret)
		ret = cfg_matrix_fetch(&m);
	if (!ret) {
		print_begin();
		print_text("# agictl %s: the running configuration of the "
			   "agiswarm module %s\n", AGISWARM_VERSION,
			   st.version);
		print_node(&st);
		print_aggregator(&st, &m, &l);
		print_matrix_comment(&m);
		print_end();
	}
	free(l.peers);
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
