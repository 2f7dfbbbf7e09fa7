// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agiswarmd programs the module with agictl's verbs themselves (node, law,
 * peer, matrix: node.c, law.c, peer.c, matrix.c, through libagiuser.a), with
 * words an operator would type. There is then one implementation of every
 * netlink message, of its checks and of its error reports, and the log
 * shows each step as the agictl command that reproduces it by hand.
 *
 * A module that already runs as this node (a daemon restarted after a
 * crash or an upgrade) is adopted as it is, not programmed again: the
 * cycle is not restarted and changes applied since the configuration was
 * read (signed commits, workers that joined) stay. See agid_program().
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fixed.h"
#include "msg.h"
#include "program.h"

#define MAX_WORDS 24
#define WORD_LEN 64

/* logging.level info or debug: each step is logged. */
static bool log_steps = true;

/* One agictl command line being built. */
struct words {
	int n;
	char *argv[MAX_WORDS + 1];
	char store[MAX_WORDS][WORD_LEN];
	char *long_word;	/* a setpoint list, freed after the command */
};

static void add(struct words *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add(struct words *w, const char *fmt, ...)
{
	va_list ap;

	if (w->n >= MAX_WORDS)
		abort();	/* the commands below are at most 22 words */
	va_start(ap, fmt);
	vsnprintf(w->store[w->n], WORD_LEN, fmt, ap);
	va_end(ap);
	w->argv[w->n] = w->store[w->n];
	w->argv[++w->n] = NULL;
}

/* A word kept where it is (paths, a setpoint list): not copied or cut. */
static void add_ref(struct words *w, char *s)
{
	if (w->n >= MAX_WORDS)
		abort();
	w->argv[w->n] = s;
	w->argv[++w->n] = NULL;
}

static void add_q(struct words *w, s32 raw, enum agiswarm_qformat fmt)
{
	char buf[WORD_LEN];

	agi_q_to_decimal(raw, fmt, buf, sizeof(buf));
	add(w, "%s", buf);
}

static void log_words(const char *prefix, const struct words *w)
{
	int i;

	fputs(prefix, stderr);
	for (i = 0; i < w->n; i++)
		fprintf(stderr, " %s", w->argv[i]);
	fputc('\n', stderr);
}

/*
 * Runs the verb; returns its exit code. The step is logged as the agictl
 * command it is (below logging.level info, only when it fails).
 */
static int run(struct words *w, int (*verb)(int argc, char **argv))
{
	int ret;

	if (log_steps)
		log_words("agiswarmd: agictl", w);
	ret = verb(w->n, w->argv);
	if (ret && !log_steps)
		log_words("agiswarmd: the step that failed: agictl", w);
	free(w->long_word);
	memset(w, 0, sizeof(*w));
	return ret;
}

static int set_node(const struct agid_config *cfg)
{
	struct words w = { 0 };

	add(&w, "node");
	add(&w, "set");
	add(&w, "role");
	add(&w, cfg->role == AGISWARM_ROLE_WORKER ? "worker" : "aggregator");
	add(&w, "id");
	add(&w, "%u", cfg->node_id);
	add(&w, "port");
	add(&w, "%u", cfg->udp_port);
	add(&w, "epoch");
	add(&w, "%llu", (unsigned long long)cfg->epoch);
	if (cfg->role == AGISWARM_ROLE_AGGREGATOR) {
		add(&w, "cycle");
		add(&w, "%ums", cfg->cycle_time_ms);
		add(&w, "deadline");
		add(&w, "%ums", cfg->timeout_ms);
		add(&w, "miss");
		add(&w, cfg->miss_policy == AGISWARM_MISS_ZERO ? "zero" : "hold");
		add(&w, "redundancy");
		add(&w, "%u", cfg->fault_tolerance);
		add(&w, "seed");
		add(&w, "%llu", (unsigned long long)cfg->code_seed);
	}
	return run(&w, agictl_node);
}

/* "0.5,-0.25,...": as long as the setpoint needs. */
static char *setpoint_list(const struct agid_config *cfg)
{
	size_t size = (size_t)cfg->n_setpoint * 48 + 1;
	char *s = calloc(1, size), buf[48];
	u32 i;

	if (!s)
		return NULL;
	for (i = 0; i < cfg->n_setpoint; i++) {
		agi_q_to_decimal(cfg->setpoint[i], AGISWARM_Q1_31, buf,
				 sizeof(buf));
		snprintf(s + strlen(s), size - strlen(s), "%s%s", i ? "," : "",
			 buf);
	}
	return s;
}

static int set_law(const struct agid_config *cfg)
{
	struct words w = { 0 };

	add(&w, "law");
	add(&w, "set");
	if (cfg->control_law != AGISWARM_LAW_PID) {
		add(&w, "feedback");
		return run(&w, agictl_law);
	}
	add(&w, "pid");
	add(&w, "kp");
	add_q(&w, cfg->kp, AGISWARM_Q8_24);
	add(&w, "ki");
	add_q(&w, cfg->ki, AGISWARM_Q8_24);
	add(&w, "kd");
	add_q(&w, cfg->kd, AGISWARM_Q8_24);
	add(&w, "lo");
	add_q(&w, cfg->lo, AGISWARM_Q1_31);
	add(&w, "hi");
	add_q(&w, cfg->hi, AGISWARM_Q1_31);
	if (cfg->n_setpoint) {
		add(&w, "setpoint");
		w.long_word = setpoint_list(cfg);
		if (!w.long_word) {
			fprintf(stderr, "agiswarmd: law set failed: out of memory\n");
			return AGICTL_FAILED;
		}
		add_ref(&w, w.long_word);
	}
	return run(&w, agictl_law);
}

static int add_peers(const char *kind, const struct agid_peer_list *l)
{
	struct words w = { 0 };
	char addr[WORD_LEN];
	int ret;
	u32 i;

	for (i = 0; i < l->n; i++) {
		agi_format_endpoint(&l->p[i].ep.addr, l->p[i].ep.len, addr,
				    sizeof(addr));
		add(&w, "peer");
		add(&w, "add");
		add(&w, "%s", kind);
		add(&w, "%u", l->p[i].id);
		add(&w, "%s", addr);
		ret = run(&w, agictl_peer);
		if (ret)
			return ret;
	}
	return AGICTL_OK;
}

static int load_matrix(const struct agid_config *cfg, const char *file)
{
	struct words w = { 0 };

	add(&w, "matrix");
	add(&w, "load");
	add_ref(&w, (char *)file);
	if (*cfg->matrix_path) {
		add(&w, "--matrix");
		add_ref(&w, (char *)cfg->matrix_path);
	}
	return run(&w, agictl_matrix);
}

static int start(void)
{
	struct words w = { 0 };

	add(&w, "node");
	add(&w, "start");
	return run(&w, agictl_node);
}

int agid_peer_change(bool adding, u32 id, const struct agi_endpoint *ep,
		     int health)
{
	struct words w = { 0 };
	char addr[WORD_LEN];

	add(&w, "peer");
	add(&w, adding ? "add" : "del");
	add(&w, "worker");
	add(&w, "%u", id);
	if (adding) {
		agi_format_endpoint(&ep->addr, ep->len, addr, sizeof(addr));
		add(&w, "%s", addr);
		if (health >= 0) {
			add(&w, "health");
			add(&w, "%s", agi_health_name(health));
		}
	}
	return run(&w, agictl_peer);
}

/*
 * The module already is this node: same role, id and port, and an
 * aggregator's cycle running. Everything else it holds is newer than the
 * configuration or equal to it.
 */
static bool already_running(const struct agid_config *cfg)
{
	struct agi_status st;

	if (agi_status_fetch(&st, "reading the module's state"))
		return false;
	if (st.role != cfg->role || st.node_id != cfg->node_id ||
	    st.field[ST_PORT] != cfg->udp_port)
		return false;
	if (cfg->role == AGISWARM_ROLE_AGGREGATOR && !st.field[ST_RUNNING])
		return false;
	fprintf(stderr, "agiswarmd: the module already runs as %s %u on port %u (cycle %llu, epoch %llu): adopting it as it is, nothing reprogrammed\n",
		agi_role_name(cfg->role), cfg->node_id, cfg->udp_port,
		(unsigned long long)st.field[ST_CYCLE_ID],
		(unsigned long long)st.field[ST_EPOCH]);
	return true;
}

int agid_program(const struct agid_config *cfg, const char *matrix_file)
{
	int ret;

	log_steps = cfg->log_level >= AGID_LOG_INFO;
	if (already_running(cfg))
		return 0;
	ret = set_node(cfg);
	if (ret || cfg->role != AGISWARM_ROLE_AGGREGATOR)
		return ret;
	ret = set_law(cfg);
	if (!ret)
		ret = add_peers("worker", &cfg->workers);
	if (!ret)
		ret = add_peers("actuator", &cfg->actuators);
	if (!ret)
		ret = add_peers("sensor", &cfg->sensors);
	if (!ret)
		ret = load_matrix(cfg, matrix_file);
	if (!ret)
		ret = start();
	return ret;
}
