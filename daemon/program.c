// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agiswarmd programs the module with the library's typed requests, the
 * very ones agictl sends (include/user/node.h, peer.h, matrix.h), filled
 * from the configuration: one implementation of every netlink message and
 * of its checks. The log shows each step as the agictl command that
 * repeats it by hand, and a refusal with the module's own words.
 *
 * A module that already runs as this node (a daemon restarted after a
 * crash or an upgrade) is adopted as it is, not programmed again: the
 * cycle is not restarted and changes applied since the configuration was
 * read (signed commits, workers that joined) stay; every key where it
 * differs from the file plus the signed commits is logged. A module that
 * does not run (after `agictl node stop`, a reload, a reboot) is
 * programmed with the file and then the signed commits of the audit log
 * (intent.c): a signed value is never lost to the file. See
 * agid_program().
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/fixed.h"
#include "user/keys.h"
#include "user/matrix_json.h"
#include "user/names.h"
#include "user/node.h"
#include "user/peer.h"
#include "user/status.h"
#include "intent.h"
#include "program.h"

/* logging.level info or debug: each step is logged. */
static bool log_steps = true;

/*
 * The step being taken, as the agictl command that repeats it by hand
 * ("node set role aggregator ..."); long enough for 256 setpoints.
 */
static struct {
	char text[16384];
	size_t len;
} step;

static void step_add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void step_add(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (step.len >= sizeof(step.text))
		return;
	va_start(ap, fmt);
	n = vsnprintf(step.text + step.len, sizeof(step.text) - step.len, fmt,
		      ap);
	va_end(ap);
	if (n > 0)
		step.len += (size_t)n;
}

#define step_begin(...) do { step.len = 0; step_add(__VA_ARGS__); } while (0)

static void step_add_q(const char *name, s32 raw, enum agiswarm_qformat fmt)
{
	char buf[64];

	agi_q_to_decimal(raw, fmt, buf, sizeof(buf));
	step_add(" %s %s", name, buf);
}

/*
 * The outcome of the step: logged as the command it is (below
 * logging.level info only when it failed), with the module's words when
 * it failed. Returns 0 or 1.
 */
static int step_done(const struct agi_nl *nl, int err)
{
	const char *why = nl->extack[0] ? nl->extack :
			  nl->reply_error[0] ? nl->reply_error : strerror(-err);

	if (log_steps)
		fprintf(stderr, "agiswarmd: agictl %s\n", step.text);
	if (!err)
		return 0;
	if (!log_steps)
		fprintf(stderr, "agiswarmd: the step that failed: agictl %s\n",
			step.text);
	fprintf(stderr, "agiswarmd: %s failed: %s\n", step.text, why);
	return 1;
}

static void add_safe_output(const struct agi_config *cfg,
			    struct agi_node_req *r)
{
	char buf[64];
	u32 i;

	if (!cfg->n_safe_output)
		return;
	r->present |= AGI_NODE_SAFE_OUTPUT;
	r->n_safe = cfg->n_safe_output;
	memcpy(r->safe, cfg->safe_output,
	       cfg->n_safe_output * sizeof(*cfg->safe_output));
	step_add(" safe-output ");
	for (i = 0; i < cfg->n_safe_output; i++) {
		agi_q_to_decimal(cfg->safe_output[i], AGISWARM_Q1_31, buf,
				 sizeof(buf));
		step_add("%s%s", i ? "," : "", buf);
	}
}

int agid_member_peer(const struct agi_config *cfg, u32 i, bool with_rank,
		     struct agi_peer_req *p)
{
	const struct agi_config_member *m = &cfg->group[i];
	char addr[96];
	u8 rank = agi_config_member_rank(cfg, i);

	agi_config_member_addr(m, m->port, addr, sizeof(addr));
	*p = (struct agi_peer_req){
		.kind = AGISWARM_PEER_AGGREGATOR, .id = AGID_MEMBER_ID(rank),
		.health = -1, .has_rank = with_rank, .rank = rank,
		.has_pubkey = m->key.set,
	};
	memcpy(p->pubkey, m->key.pk, AGISWARM_PUBKEY_LEN);
	return agi_parse_endpoint(addr, &p->ep) ? -EINVAL : 0;
}

/*
 * The group's part of SET_NODE: this member's rank, the group's size and
 * failure threshold, and the group's first epoch (rank 0's) in place of
 * aggregator.epoch.
 */
static void add_group(const struct agi_config *cfg, struct agi_node_req *r)
{
	int self = agi_config_self_member(cfg);

	if (!agi_config_in_group(cfg) || self < 0)
		return;
	r->present |= AGI_NODE_GROUP_RANK | AGI_NODE_GROUP_SIZE |
		      AGI_NODE_FAILURE_THRESHOLD;
	r->group_rank = agi_config_member_rank(cfg, (u32)self);
	r->group_size = (u8)cfg->n_group;
	/* failover.auto_promotion false: no backup takes over on its own. */
	r->failure_threshold = cfg->failover_auto_promotion ?
			       (u8)cfg->failover_failure_threshold : 0;
	r->epoch = agi_config_group_epoch(cfg);
	step_add(" group-size %u group-rank %u failure-threshold %u",
		 r->group_size, r->group_rank, r->failure_threshold);
}

static int set_node(const struct agi_config *cfg, struct agi_nl *nl)
{
	static struct agi_node_req r;
	bool group = agi_config_in_group(cfg);

	memset(&r, 0, sizeof(r));
	r = (struct agi_node_req){
		.present = AGI_NODE_ROLE | AGI_NODE_ID | AGI_NODE_PORT |
			   AGI_NODE_EPOCH,
		.role = cfg->role, .id = cfg->node_id, .port = cfg->udp_port,
		.epoch = group ? agi_config_group_epoch(cfg) : cfg->epoch,
	};
	char cycle[16], deadline[16];

	step_begin("node set role %s id %u port %u epoch %llu",
		   agi_role_name(cfg->role), cfg->node_id, cfg->udp_port,
		   (unsigned long long)r.epoch);
	if (cfg->role == AGISWARM_ROLE_AGGREGATOR) {
		r.present |= AGI_NODE_CYCLE | AGI_NODE_DEADLINE |
			     AGI_NODE_MISS | AGI_NODE_REDUNDANCY | AGI_NODE_SEED;
		r.cycle_us = cfg->cycle_time_us;
		r.deadline_us = cfg->timeout_us;
		r.miss = cfg->miss_policy;
		r.redundancy = (u8)cfg->fault_tolerance;
		r.seed = cfg->code_seed;
		agi_format_ms(cfg->cycle_time_us, cycle, sizeof(cycle));
		agi_format_ms(cfg->timeout_us, deadline, sizeof(deadline));
		step_add(" cycle %sms deadline %sms miss %s redundancy %u seed %llu",
			 cycle, deadline,
			 agi_name(&agi_miss_names, cfg->miss_policy),
			 cfg->fault_tolerance,
			 (unsigned long long)cfg->code_seed);
		r.present |= AGI_NODE_GROUP;
		r.group_id = agi_config_group_id(cfg);
		step_add(" group-id %llu", (unsigned long long)r.group_id);
		add_group(cfg, &r);
		r.present |= AGI_NODE_SENSOR_TIMEOUT;
		r.sensor_timeout_us = cfg->sensor_timeout_ms * 1000;
		step_add(" sensor-timeout %ums", cfg->sensor_timeout_ms);
		r.present |= AGI_NODE_PROBE_JOIN;
		r.probe_join = cfg->probe_workers;
		step_add(" probe-join %s", cfg->probe_workers ? "on" : "off");
		add_safe_output(cfg, &r);
	}
	return step_done(nl, agi_node_set(nl, &r));
}

static void fill_pid(const struct agi_config *cfg, struct agi_pid *pid)
{
	char buf[64];
	u32 i;

	pid->present = AGI_PID_KP | AGI_PID_KI | AGI_PID_KD | AGI_PID_LO |
		       AGI_PID_HI;
	pid->kp = cfg->kp;
	pid->ki = cfg->ki;
	pid->kd = cfg->kd;
	pid->lo = cfg->lo;
	pid->hi = cfg->hi;
	step_add_q("kp", cfg->kp, AGISWARM_Q8_24);
	step_add_q("ki", cfg->ki, AGISWARM_Q8_24);
	step_add_q("kd", cfg->kd, AGISWARM_Q8_24);
	step_add_q("lo", cfg->lo, AGISWARM_Q1_31);
	step_add_q("hi", cfg->hi, AGISWARM_Q1_31);
	if (!cfg->n_setpoint)
		return;
	pid->present |= AGI_PID_SETPOINT;
	pid->n_setpoint = cfg->n_setpoint;
	memcpy(pid->setpoint, cfg->setpoint,
	       cfg->n_setpoint * sizeof(*cfg->setpoint));
	step_add(" setpoint ");
	for (i = 0; i < cfg->n_setpoint; i++) {
		agi_q_to_decimal(cfg->setpoint[i], AGISWARM_Q1_31, buf,
				 sizeof(buf));
		step_add("%s%s", i ? "," : "", buf);
	}
}

static int set_law(const struct agi_config *cfg, struct agi_nl *nl)
{
	static struct agi_node_req r;

	memset(&r, 0, sizeof(r));
	r.present = AGI_NODE_LAW;
	r.law = cfg->control_law;
	step_begin("law set %s", agi_name(&agi_law_names, cfg->control_law));
	if (cfg->control_law == AGISWARM_LAW_PID) {
		r.present |= AGI_NODE_PID;
		fill_pid(cfg, &r.pid);
	}
	return step_done(nl, agi_node_set(nl, &r));
}

static int add_peers(struct agi_nl *nl, u8 kind,
		     const struct agi_config_peers *l)
{
	struct agi_peer_req p = { .kind = kind, .health = -1 };
	char addr[64], key[2 * AGISWARM_PUBKEY_LEN + 1];
	u32 i;

	for (i = 0; i < l->n; i++) {
		p.id = l->p[i].id;
		p.ep = l->p[i].ep;
		p.has_pubkey = l->p[i].key.set;
		memcpy(p.pubkey, l->p[i].key.pk, AGISWARM_PUBKEY_LEN);
		agi_format_endpoint(&p.ep.addr, p.ep.len, addr, sizeof(addr));
		step_begin("peer add %s %u %s",
			   agi_name(&agi_peer_kind_names, kind), p.id, addr);
		if (p.has_pubkey) {
			agi_hex_encode(p.pubkey, AGISWARM_PUBKEY_LEN, key);
			step_add(" key %s", key);
		}
		if (step_done(nl, agi_peer_add(nl, &p)))
			return 1;
	}
	return 0;
}

/* The other members of the group, each an AGGREGATOR peer with its rank. */
static int add_members(const struct agi_config *cfg, struct agi_nl *nl)
{
	int self = agi_config_self_member(cfg);
	char addr[64], key[2 * AGISWARM_PUBKEY_LEN + 1];
	struct agi_peer_req p;
	u32 i;

	if (!agi_config_in_group(cfg))
		return 0;
	for (i = 0; i < cfg->n_group; i++) {
		if ((int)i == self)
			continue;
		step_begin("peer add aggregator (aggregators.%s)",
			   cfg->group[i].name);
		if (agid_member_peer(cfg, i, true, &p)) {
			fprintf(stderr, "agiswarmd: %s failed: aggregators.%s: '%s' port %u is not an address the module takes\n",
				step.text, cfg->group[i].name, cfg->group[i].ip,
				cfg->group[i].port);
			return 1;
		}
		agi_format_endpoint(&p.ep.addr, p.ep.len, addr, sizeof(addr));
		agi_hex_encode(p.pubkey, AGISWARM_PUBKEY_LEN, key);
		step_begin("peer add aggregator %u %s key %s rank %u", p.id,
			   addr, key, p.rank);
		if (step_done(nl, agi_peer_add(nl, &p)))
			return 1;
	}
	return 0;
}

/* The file was read and checked before: read it again to send it. */
static int load_matrix(const struct agi_config *cfg, struct agi_nl *nl,
		       const char *file)
{
	const char *path = *cfg->matrix_path ? cfg->matrix_path : NULL;
	struct agi_matrix m;
	char err[1024];
	int ret;

	step_begin("matrix load %s", file);
	if (path)
		step_add(" --matrix %s", path);
	if (agi_matrix_read(file, path, &m, err, sizeof(err))) {
		fprintf(stderr, "agiswarmd: matrix load failed: %s\n", err);
		return 1;
	}
	ret = step_done(nl, agi_matrix_set(nl, &m, 0));
	agi_matrix_free(&m);
	return ret;
}

static int start(struct agi_nl *nl)
{
	struct agi_node_req r = { .present = AGI_NODE_RUNNING, .running = 1 };

	step_begin("node start");
	return step_done(nl, agi_node_set(nl, &r));
}

/* An adopted module that does not run the file's group is not changed. */
static void warn_group(const struct agi_config *cfg,
		       const struct agi_status *st)
{
	int self = agi_config_self_member(cfg);
	u64 size = agi_config_in_group(cfg) ? cfg->n_group : 1;
	u64 rank = size > 1 && self >= 0 ?
		   agi_config_member_rank(cfg, (u32)self) : 0;
	u64 now_size = st->field[AGI_ST_GROUP_SIZE] ?: 1;

	if (cfg->role != AGISWARM_ROLE_AGGREGATOR ||
	    (now_size == size && (size < 2 || st->field[AGI_ST_GROUP_RANK] == rank)))
		return;
	fprintf(stderr, "agiswarmd: warning: the module runs as rank %llu of a group of %llu, the file says rank %llu of %llu: adopted as it runs (agictl node stop, then start agiswarmd again, to program the file's group)\n",
		(unsigned long long)st->field[AGI_ST_GROUP_RANK],
		(unsigned long long)now_size, (unsigned long long)rank,
		(unsigned long long)size);
}

/*
 * The module already is this node: same role, id and port, and an
 * aggregator's cycle running. Everything else it holds is newer than the
 * configuration or equal to it; where it differs from the file plus the
 * signed commits (@in), each key is logged.
 */
static bool already_running(const struct agi_config *cfg, struct agi_nl *nl,
			    const struct agid_intent *in)
{
	static struct agi_status st;

	if (agi_status_get(nl, &st))
		return false;
	if (st.role != cfg->role || st.node_id != cfg->node_id ||
	    st.field[AGI_ST_PORT] != cfg->udp_port)
		return false;
	if (cfg->role == AGISWARM_ROLE_AGGREGATOR && !st.field[AGI_ST_RUNNING])
		return false;
	fprintf(stderr, "agiswarmd: the module already runs as %s %u on port %u (cycle %llu, epoch %llu): adopting it as it is, nothing reprogrammed\n",
		agi_role_name(cfg->role), cfg->node_id, cfg->udp_port,
		(unsigned long long)st.field[AGI_ST_CYCLE_ID],
		(unsigned long long)st.field[AGI_ST_EPOCH]);
	if (cfg->role == AGISWARM_ROLE_AGGREGATOR)
		agid_intent_compare(cfg, in, &st);
	warn_group(cfg, &st);
	return true;
}

/* The signed matrix, in place of the file's. */
static int load_signed_matrix(const struct agid_intent *in, struct agi_nl *nl)
{
	const struct agi_commit_changes *ch = &in->ch;
	struct agi_matrix m = {
		.fmt = ch->matrix.fmt, .rows = ch->matrix.rows,
		.cols = ch->matrix.cols, .data = (s32 *)ch->matrix.data,
	};

	step_begin("commit matrix (signed commit seq %llu, %u x %u)",
		   (unsigned long long)in->seq[AGI_CH_MATRIX], m.rows, m.cols);
	return step_done(nl, agi_matrix_set(nl, &m, 0));
}

/* What the signed commits set of the node, over the file's values. */
static int set_signed(const struct agid_intent *in, struct agi_nl *nl)
{
	static struct agi_node_req r;

	agi_commit_node_req(&in->ch, &r);
	if (!r.present)
		return 0;
	step_begin("the node's settings of the signed commits (%u applied, up to seq %llu)",
		   in->applied, (unsigned long long)in->last_seq);
	return step_done(nl, agi_node_set(nl, &r));
}

int agid_program(const struct agi_config *cfg, struct agi_nl *nl,
		 const char *matrix_file)
{
	static struct agid_intent in;
	char err[1024];
	bool signed_ok = true;
	int ret;

	log_steps = cfg->log_level >= AGI_LOG_INFO;
	if (cfg->role == AGISWARM_ROLE_AGGREGATOR &&
	    agid_intent_load(cfg, &in, err, sizeof(err))) {
		fprintf(stderr, "agiswarmd: reading the signed commits failed: %s\n",
			err);
		signed_ok = false;
	}
	if (already_running(cfg, nl, &in))
		return 0;
	if (!signed_ok) {
		fprintf(stderr, "agiswarmd: programming the module from the file alone could undo signed commits: nothing programmed (restore %s, or move it and its .head and .key away to start from the file)\n",
			cfg->audit_log);
		return 1;
	}
	ret = set_node(cfg, nl);
	if (ret || cfg->role != AGISWARM_ROLE_AGGREGATOR)
		return ret;
	agid_intent_log_signed(cfg, &in);
	ret = set_law(cfg, nl);
	if (!ret)
		ret = add_peers(nl, AGISWARM_PEER_WORKER, &cfg->workers);
	if (!ret)
		ret = add_peers(nl, AGISWARM_PEER_ACTUATOR, &cfg->actuators);
	if (!ret)
		ret = add_peers(nl, AGISWARM_PEER_SENSOR, &cfg->sensors);
	if (!ret)
		ret = add_members(cfg, nl);
	if (!ret && (in.ch.present & AGI_CH_BIT(AGI_CH_MATRIX)))
		ret = load_signed_matrix(&in, nl);
	else if (!ret)
		ret = load_matrix(cfg, nl, matrix_file);
	if (!ret)
		ret = set_signed(&in, nl);
	if (!ret)
		ret = start(nl);
	return ret;
}
