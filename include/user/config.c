// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Loading agiswarmd's YAML configuration: libyaml composes the document
 * (keeping each node's line), then the mappings are walked against the key
 * table of config_keys.c. The first problem found ends the load with one
 * line naming the file, the line, the key path, the value and what would be
 * allowed; nothing is ever half-applied because the caller only uses a
 * configuration whose load returned 0.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fixed.h"
#include "audit.h"
#include "config_keys.h"
#include "keys.h"
#include "parse.h"

#define KEY_PATH_LEN 300
#define MAX_DEPTH 8

u64 agi_config_group_id(const struct agi_config *cfg)
{
	if (cfg->group_id)
		return cfg->group_id;
	return cfg->n_group ? cfg->swarm_id : 0;
}

bool agi_config_in_group(const struct agi_config *cfg)
{
	return cfg->n_group >= 2 && cfg->role == AGISWARM_ROLE_AGGREGATOR &&
	       cfg->repl_member[0];
}

u8 agi_config_member_rank(const struct agi_config *cfg, u32 i)
{
	u8 rank = 0;
	u32 j;

	for (j = 0; j < cfg->n_group; j++)
		rank += cfg->group[j].priority < cfg->group[i].priority;
	return rank;
}

void agi_config_member_addr(const struct agi_config_member *m, u16 port,
			    char *buf, size_t size)
{
	snprintf(buf, size, strchr(m->ip, ':') ? "[%s]:%u" : "%s:%u", m->ip,
		 port);
}

int agi_config_self_member(const struct agi_config *cfg)
{
	u32 i;

	for (i = 0; i < cfg->n_group; i++)
		if (!strcmp(cfg->group[i].name, cfg->repl_member))
			return (int)i;
	return -1;
}

u64 agi_config_group_epoch(const struct agi_config *cfg)
{
	/* aggregator.epoch is at most 2^64 - 1: rounding up stays below. */
	u64 e = (cfg->epoch + 7) & ~(u64)7;

	if (cfg->epoch > UINT64_MAX - 7)
		e = UINT64_MAX & ~(u64)7;
	return e ? e : 8;
}

void agi_config_defaults(struct agi_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->node_id = 1;
	cfg->role = AGISWARM_ROLE_AGGREGATOR;
	cfg->udp_port = AGISWARM_DEFAULT_PORT;
	strcpy(cfg->bind_address, "0.0.0.0");
	cfg->cycle_time_us = 50000;
	cfg->timeout_us = 40000;
	cfg->fault_tolerance = 2;
	cfg->max_workers = 16;
	cfg->miss_policy = AGISWARM_MISS_HOLD;
	cfg->control_law = AGISWARM_LAW_FEEDBACK;
	cfg->kp = 1 << 24;		/* 1.0 in Q8.24 */
	cfg->lo = INT32_MIN;		/* -1 in Q1.31 */
	cfg->hi = INT32_MAX;		/* 1 - 2^-31 */
	cfg->epoch = 1;
	cfg->worker_port = AGISWARM_DEFAULT_PORT;
	cfg->heartbeat_us = 1000000;
	cfg->degraded_latency_ms = 100;
	cfg->degraded_cpu_percent = 90;
	cfg->unhealthy_after_missed = 3;
	strcpy(cfg->matrix_file, AGI_CONFIG_DEFAULT_MATRIX);
	cfg->require_signatures = true;
	strcpy(cfg->authorized_keys, AGI_AUTHORIZED_KEYS_DEFAULT);
	cfg->commit_window_s = 300;
	cfg->rekey_after_s = 120;
	strcpy(cfg->node_key_file, AGI_CONFIG_DEFAULT_NODE_KEY);
	cfg->alert_miss_rate = 20;
	cfg->swarm_id = 1;
	strcpy(cfg->audit_log, AGI_AUDIT_DEFAULT_LOG);
	strcpy(cfg->metrics_file, "metrics.csv");
	cfg->metrics_max_size = 10ULL << 20;
	cfg->metrics_backup_count = 5;
	cfg->log_level = AGI_LOG_INFO;
	cfg->failover_heartbeat_ms = 1000;
	cfg->failover_failure_threshold = 1;
	cfg->failover_auto_promotion = true;
	strcpy(cfg->node_key_file, AGI_CONFIG_DEFAULT_NODE_KEY);
	strcpy(cfg->repl_data_dir, AGI_CONFIG_DEFAULT_RAFT_DIR);
	cfg->repl_election_ms = 1000;
}

const char *agi_config_node_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "a scalar";
	}
}

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* "~", "null" or nothing at all: an empty section or list. */
bool agi_config_is_null(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE &&
	       n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (!*scalar(n) || !strcmp(scalar(n), "~") ||
		!strcmp(scalar(n), "null") || !strcmp(scalar(n), "Null") ||
		!strcmp(scalar(n), "NULL"));
}

int agi_config_fail(struct agi_config_ctx *c, const yaml_node_t *n, const char *path,
	      const char *fmt, ...)
{
	size_t len = 0;
	char *err = c->err;
	size_t err_size = c->err_size;
	va_list ap;

	/* Each error on a line of its own, after the ones found before. */
	if (c->nerr++) {
		len = strlen(c->err);
		if (len + 2 >= c->err_size)
			return -EINVAL;
		c->err[len++] = '\n';
		c->err[len] = '\0';
		err += len;
		err_size -= len;
	}
	if (n)
		len = (size_t)snprintf(err, err_size, "%s:%zu: ", c->file,
				       n->start_mark.line + 1);
	else
		len = (size_t)snprintf(err, err_size, "%s: ", c->file);
	if (len < err_size && *path)
		len += (size_t)snprintf(err + len, err_size - len, "%s: ",
					path);
	if (len < err_size) {
		va_start(ap, fmt);
		vsnprintf(err + len, err_size - len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

int agi_config_bad_value(struct agi_config_ctx *c, const yaml_node_t *n,
		   const char *path, const struct agi_config_key *k)
{
	char allowed[256], value[72];

	snprintf(value, sizeof(value), "%s", scalar(n));
	if (strlen(scalar(n)) >= sizeof(value))
		strcpy(value + sizeof(value) - 4, "...");
	agi_config_allowed_text(k, allowed, sizeof(allowed));
	return agi_config_fail(c, n, path, "bad value '%s': allowed %s", value,
			 allowed);
}

static const char *expected_kind(const struct agi_config_key *k)
{
	switch (k->type) {
	case KT_QLIST:
	case KT_PEERS:
		return "a list";
	case KT_GROUP:
		return "a mapping";
	default:
		return "a scalar";
	}
}

int agi_config_wrong_kind(struct agi_config_ctx *c, const yaml_node_t *n,
		    const char *path, const struct agi_config_key *k)
{
	char allowed[256];

	agi_config_allowed_text(k, allowed, sizeof(allowed));
	return agi_config_fail(c, n, path, "%s where %s is expected (allowed: %s)",
			 agi_config_node_kind(n), expected_kind(k), allowed);
}

/* Optimal string alignment distance: a swap of two letters counts 1. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, best;
	size_t d[3][65];	/* rows i-2, i-1, i of the table */

	if (la > 64 || lb > 64)
		return 64;
	for (j = 0; j <= lb; j++)
		d[1][j] = j;
	for (i = 1; i <= la; i++) {
		size_t *cur = d[(i + 1) % 3], *up = d[i % 3];
		size_t *up2 = d[(i + 2) % 3];

		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			best = up[j - 1] + (a[i - 1] != b[j - 1]);
			if (up[j] + 1 < best)
				best = up[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && up2[j - 2] + 1 < best)
				best = up2[j - 2] + 1;
			cur[j] = best;
		}
	}
	return d[(la + 1) % 3][lb];
}

/* The component of @path after @prefix ("" = top level), into @out. */
static bool child_of(const char *path, const char *prefix, char *out,
		     size_t size)
{
	size_t plen = strlen(prefix), len;

	if (plen && (strncmp(path, prefix, plen) || path[plen] != '.'))
		return false;
	path += plen ? plen + 1 : 0;
	len = strcspn(path, ".");
	if (len >= size)
		return false;
	memcpy(out, path, len);
	out[len] = '\0';
	return true;
}

static bool is_section(const char *path)
{
	char name[64];
	size_t i;

	for (i = 0; i < agi_config_nkeys; i++)
		if (child_of(agi_config_keys[i].path, path, name, sizeof(name)) &&
		    strcmp(agi_config_keys[i].path, path))
			return true;
	return false;
}

/* "udp_port, bind_address, ...": the names directly under @prefix. */
static void children_text(const char *prefix, char *buf, size_t size)
{
	char name[64], last[64] = "";
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < agi_config_nkeys; i++) {
		if (!child_of(agi_config_keys[i].path, prefix, name, sizeof(name)) ||
		    !strcmp(name, last))
			continue;
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s",
			 *buf ? ", " : "", name);
		strcpy(last, name);
	}
}

static bool close_enough(const char *typed, const char *known)
{
	size_t limit = 1 + strlen(typed) / 4;

	return edit_distance(typed, known) <= (limit > 3 ? 3 : limit);
}

/*
 * A sibling spelled nearly like @name, else a key of the same name in
 * another section (heartbeat_interval written under aggregator:).
 */
static bool suggest(const char *prefix, const char *name, char *out,
		    size_t size)
{
	char child[64];
	size_t i, best = 64, d;
	const char *leaf;

	for (i = 0; i < agi_config_nkeys; i++) {
		if (!child_of(agi_config_keys[i].path, prefix, child, sizeof(child)))
			continue;
		d = edit_distance(name, child);
		if (d < best && close_enough(name, child)) {
			best = d;
			snprintf(out, size, "%s%s%s", prefix,
				 *prefix ? "." : "", child);
		}
	}
	if (best < 64)
		return true;
	for (i = 0; i < agi_config_nkeys; i++) {
		leaf = strrchr(agi_config_keys[i].path, '.');
		leaf = leaf ? leaf + 1 : agi_config_keys[i].path;
		if (close_enough(name, leaf)) {
			snprintf(out, size, "%s", agi_config_keys[i].path);
			return true;
		}
	}
	return false;
}

static int unknown_key(struct agi_config_ctx *c, const yaml_node_t *key,
		       const char *prefix, const char *path)
{
	char hint[KEY_PATH_LEN], keys[512];
	size_t i;

	for (i = 0; i < agi_config_nretired; i++)
		if (!strcmp(agi_config_retired[i].path, path))
			return agi_config_fail(c, key, path,
					 "a key of the seeds that agiswarmd does not take: %s",
					 agi_config_retired[i].instead);
	if (suggest(prefix, scalar(key), hint, sizeof(hint)))
		return agi_config_fail(c, key, path,
				 "unknown key; did you mean %s?", hint);
	children_text(prefix, keys, sizeof(keys));
	if (!*prefix)
		return agi_config_fail(c, key, path,
				 "unknown key; the top-level keys are %s",
				 keys);
	return agi_config_fail(c, key, path, "unknown key; the keys of %s are %s",
			 prefix, keys);
}

/* Keys must be scalars and appear once per mapping. */
int agi_config_check_key(struct agi_config_ctx *c, yaml_node_t *map,
		     yaml_node_pair_t *pair, const char *prefix)
{
	yaml_node_t *key = yaml_document_get_node(c->doc, pair->key);
	yaml_node_pair_t *p;
	yaml_node_t *other;

	if (key->type != YAML_SCALAR_NODE)
		return agi_config_fail(c, key, prefix,
				 "%s as a key: keys are plain names",
				 agi_config_node_kind(key));
	for (p = map->data.mapping.pairs.start; p < pair; p++) {
		other = yaml_document_get_node(c->doc, p->key);
		if (other->type == YAML_SCALAR_NODE &&
		    !strcmp(scalar(other), scalar(key)))
			return agi_config_fail(c, key, "", "%s%s%s: duplicate key (first at line %zu)",
					 prefix, *prefix ? "." : "",
					 scalar(key),
					 other->start_mark.line + 1);
	}
	return 0;
}

static const struct agi_config_key *find_key(const char *path, size_t *index)
{
	size_t i;

	for (i = 0; i < agi_config_nkeys; i++) {
		if (!strcmp(agi_config_keys[i].path, path)) {
			*index = i;
			return &agi_config_keys[i];
		}
	}
	return NULL;
}

static int walk(struct agi_config_ctx *c, yaml_node_t *map, const char *prefix,
		int depth);

static int walk_pair(struct agi_config_ctx *c, yaml_node_t *map,
		     yaml_node_pair_t *pair, const char *prefix, int depth)
{
	yaml_node_t *key = yaml_document_get_node(c->doc, pair->key);
	yaml_node_t *val = yaml_document_get_node(c->doc, pair->value);
	char path[KEY_PATH_LEN], keys[512];
	const struct agi_config_key *k;
	size_t index;

	if (agi_config_check_key(c, map, pair, prefix))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "." : "",
		 scalar(key));
	k = find_key(path, &index);
	if (k) {
		c->given[index] = (u32)key->start_mark.line + 1;
		if (agi_config_is_null(val) && (k->type == KT_PEERS ||
				     k->type == KT_QLIST ||
				     k->type == KT_GROUP)) {
			*(u32 *)((char *)c->cfg + k->off) = 0;
			return 0;
		}
		return agi_config_parse_value(c, k, val, path, c->cfg);
	}
	if (!is_section(path))
		return unknown_key(c, key, prefix, path);
	if (agi_config_is_null(val))
		return 0;
	if (val->type != YAML_MAPPING_NODE) {
		children_text(path, keys, sizeof(keys));
		return agi_config_fail(c, val, path,
				 "%s where a mapping is expected (a section with the keys %s)",
				 agi_config_node_kind(val), keys);
	}
	return walk(c, val, path, depth + 1);
}

static int walk(struct agi_config_ctx *c, yaml_node_t *map, const char *prefix,
		int depth)
{
	yaml_node_pair_t *pair;
	int ret = 0;

	if (depth > MAX_DEPTH)
		return agi_config_fail(c, map, prefix, "nested too deep");
	/* Every key is checked: an operator sees all errors at once. */
	for (pair = map->data.mapping.pairs.start;
	     pair < map->data.mapping.pairs.top; pair++)
		if (walk_pair(c, map, pair, prefix, depth))
			ret = -EINVAL;
	return ret;
}

/* One entry of a list or group against a flat key table. */
int agi_config_parse_object(struct agi_config_ctx *c, yaml_node_t *n, const char *path,
		      const struct agi_config_key *keys, size_t nkeys, void *base)
{
	char where[KEY_PATH_LEN], names[256] = "";
	bool seen[8] = { false };
	yaml_node_pair_t *pair;
	yaml_node_t *key;
	size_t i;

	for (i = 0; i < nkeys; i++)
		snprintf(names + strlen(names), sizeof(names) - strlen(names),
			 "%s%s", i ? ", " : "", keys[i].path);
	if (n->type != YAML_MAPPING_NODE)
		return agi_config_fail(c, n, path,
				 "%s where a mapping is expected (with the keys %s)",
				 agi_config_node_kind(n), names);
	for (pair = n->data.mapping.pairs.start;
	     pair < n->data.mapping.pairs.top; pair++) {
		if (agi_config_check_key(c, n, pair, path))
			return -EINVAL;
		key = yaml_document_get_node(c->doc, pair->key);
		snprintf(where, sizeof(where), "%s.%s", path, scalar(key));
		for (i = 0; i < nkeys; i++)
			if (!strcmp(keys[i].path, scalar(key)))
				break;
		if (i == nkeys) {
			for (i = 0; i < nkeys; i++)
				if (close_enough(scalar(key), keys[i].path))
					return agi_config_fail(c, key, where,
							 "unknown key; did you mean %s.%s?",
							 path, keys[i].path);
			return agi_config_fail(c, key, where,
					 "unknown key; the keys here are %s",
					 names);
		}
		seen[i] = true;
		if (agi_config_parse_value(c, &keys[i],
				     yaml_document_get_node(c->doc, pair->value),
				     where, base))
			return -EINVAL;
	}
	for (i = 0; i < nkeys; i++)
		if (keys[i].required && !seen[i])
			return agi_config_fail(c, n, path, "%s is missing (the keys here are %s)",
					 keys[i].path, names);
	return 0;
}

static size_t key_index(const char *path)
{
	size_t i = 0;

	find_key(path, &i);
	return i;
}

/* The line of @path when given, else of @other (one of them was). */
static yaml_node_t *line_node(struct agi_config_ctx *c, const char *path,
			      const char *other, yaml_node_t *fake)
{
	u32 line = c->given[key_index(path)];

	if (!line)
		line = c->given[key_index(other)];
	memset(fake, 0, sizeof(*fake));
	fake->start_mark.line = line ? line - 1 : 0;
	return line ? fake : NULL;
}

/* A node at @line, for a message about a member. */
static yaml_node_t *at_line(u32 line, yaml_node_t *fake)
{
	memset(fake, 0, sizeof(*fake));
	fake->start_mark.line = line ? line - 1 : 0;
	return fake;
}

/*
 * A group the module runs (an aggregator of a group of 2 or more that
 * names itself in replication.member, or a worker given the group's
 * aggregators: section): every member is a peer of the module with a
 * sealed link, so each needs its key and its own address.
 */
static int check_group(struct agi_config_ctx *c)
{
	struct agi_config *cfg = c->cfg;
	const struct agi_config_member *m, *o;
	const char *why;
	char path[128];
	yaml_node_t fake;
	u32 i, j;

	if (cfg->n_group < 2)
		return 0;
	if (cfg->role == AGISWARM_ROLE_WORKER)
		why = "on a worker, every member of aggregators: is an aggregator it takes TASKs from over a sealed session, so each needs its node public key (64 hex digits, its node.pub)";
	else if (cfg->repl_member[0])
		why = "with replication.member set, every member needs its node public key (64 hex digits, its node.pub)";
	else
		return 0;
	for (i = 0; i < cfg->n_group; i++) {
		m = &cfg->group[i];
		snprintf(path, sizeof(path), "aggregators.%s", m->name);
		if (!m->key.set)
			return agi_config_fail(c, at_line(m->line, &fake), path,
					 "key is missing: %s", why);
		for (j = 0; j < i; j++) {
			o = &cfg->group[j];
			if (!strcmp(o->ip, m->ip) && o->port == m->port)
				return agi_config_fail(c, at_line(m->line, &fake), path,
						 "address %s port %u is also aggregators.%s's (line %u): every member needs its own ip and port",
						 m->ip, m->port, o->name, o->line);
		}
	}
	return 0;
}

/*
 * replication.member names a member of aggregators:, and then every member
 * has a key and its own IP:RAFT_PORT.
 */
static int check_replication(struct agi_config_ctx *c)
{
	struct agi_config *cfg = c->cfg;
	const struct agi_config_member *m, *o;
	char path[128];
	yaml_node_t fake;
	u32 i, j;
	bool found = false;

	if (!cfg->repl_member[0])
		return 0;
	for (i = 0; i < cfg->n_group; i++) {
		m = &cfg->group[i];
		found |= !strcmp(m->name, cfg->repl_member);
		snprintf(path, sizeof(path), "aggregators.%s", m->name);
		if (!m->key.set)
			return agi_config_fail(c, at_line(m->line, &fake), path,
					 "key is missing: with replication.member set, every member needs its node public key (64 hex digits, its node.pub)");
		for (j = 0; j < i; j++) {
			o = &cfg->group[j];
			if (!strcmp(o->ip, m->ip) && o->raft_port == m->raft_port)
				return agi_config_fail(c, at_line(m->line, &fake), path,
						 "raft_port %u on %s is also aggregators.%s's (line %u): every member needs its own",
						 m->raft_port, m->ip, o->name, o->line);
			if (!memcmp(o->key.pk, m->key.pk, sizeof(m->key.pk)))
				return agi_config_fail(c, at_line(m->line, &fake), path,
						 "key is also aggregators.%s's (line %u): every member needs its own",
						 o->name, o->line);
		}
	}
	if (!found)
		return agi_config_fail(c, line_node(c, "replication.member",
					      "replication.member", &fake),
				 "replication.member",
				 "bad value '%s': allowed the NAME of one of the aggregators: (%u listed)",
				 cfg->repl_member, cfg->n_group);
	return 0;
}

/*
 * The Prometheus outputs: node_exporter reads only *.prom files, and a
 * metrics port must be given (the swarm's port would be taken).
 */
static int check_prometheus(struct agi_config_ctx *c)
{
	const struct agi_config *cfg = c->cfg;
	const char *tf = cfg->metrics_textfile, *l = cfg->metrics_listen;
	size_t n = strlen(tf);
	struct agi_endpoint ep;
	yaml_node_t fake;

	if (n && (n < 6 || strcmp(tf + n - 5, ".prom") || tf[n - 6] == '/'))
		return agi_config_fail(c, line_node(c, "metrics.textfile",
					      "metrics.textfile", &fake),
				 "metrics.textfile",
				 "bad value '%s': allowed a path ending in \"NAME.prom\" (node_exporter's textfile collector reads only *.prom)",
				 tf);
	if (*l && (agi_parse_endpoint(l, &ep) || !strrchr(l, ':') ||
		   (*l == '[' && !strstr(l, "]:"))))
		return agi_config_fail(c, line_node(c, "metrics.listen",
					      "metrics.listen", &fake),
				 "metrics.listen",
				 "bad value '%s': allowed \"A.B.C.D:PORT\" or \"[IPv6]:PORT\" (PORT 1..65535, required), e.g. \"0.0.0.0:9464\"",
				 l);
	return 0;
}

/* Keys that bound one another. */
static int cross_check(struct agi_config_ctx *c)
{
	struct agi_config *cfg = c->cfg;
	char lo[64], hi[64];
	yaml_node_t fake;

	/* 80 % of the cycle, in whole microseconds, never under the floor. */
	if (!c->given[key_index("aggregator.timeout_ms")] &&
	    cfg->timeout_us > cfg->cycle_time_us / 5 * 4)
		cfg->timeout_us = cfg->cycle_time_us / 5 * 4 < AGISWARM_PERIOD_US_MIN ?
			AGISWARM_PERIOD_US_MIN : cfg->cycle_time_us / 5 * 4;
	if (cfg->timeout_us > cfg->cycle_time_us) {
		agi_format_ms(cfg->timeout_us, lo, sizeof(lo));
		agi_format_ms(cfg->cycle_time_us, hi, sizeof(hi));
		return agi_config_fail(c, line_node(c, "aggregator.timeout_ms",
					      "aggregator.cycle_time_ms", &fake),
				 "aggregator.timeout_ms",
				 "bad value '%s': allowed milliseconds, a decimal in 0.1..%s (at most aggregator.cycle_time_ms)",
				 lo, hi);
	}
	if (cfg->lo > cfg->hi) {
		agi_q_to_decimal(cfg->lo, AGISWARM_Q1_31, lo, sizeof(lo));
		agi_q_to_decimal(cfg->hi, AGISWARM_Q1_31, hi, sizeof(hi));
		return agi_config_fail(c, line_node(c, "aggregator.pid.lo",
					      "aggregator.pid.hi", &fake),
				 "aggregator.pid.lo",
				 "bad value '%s': allowed a decimal not above aggregator.pid.hi (%s)",
				 lo, hi);
	}
	if (cfg->workers.n > cfg->max_workers)
		return agi_config_fail(c, line_node(c, "aggregator.workers",
					      "aggregator.max_workers", &fake),
				 "aggregator.workers",
				 "%u workers: allowed at most aggregator.max_workers (%u)",
				 cfg->workers.n, cfg->max_workers);
	return check_replication(c) ?: check_group(c) ?: check_prometheus(c);
}

static int syntax_error(struct agi_config_ctx *c, const yaml_parser_t *p)
{
	if (p->error == YAML_READER_ERROR)
		return agi_config_fail(c, NULL, "", "YAML syntax error: %s at byte %zu",
				 p->problem ? p->problem : "unreadable input",
				 p->problem_offset);
	if (p->error == YAML_MEMORY_ERROR)
		return agi_config_fail(c, NULL, "", "out of memory");
	snprintf(c->err, c->err_size, "%s:%zu:%zu: YAML syntax error: %s",
		 c->file, p->problem_mark.line + 1, p->problem_mark.column + 1,
		 p->problem ? p->problem : "unknown problem");
	if (p->context)
		snprintf(c->err + strlen(c->err), c->err_size - strlen(c->err),
			 " (%s at line %zu)", p->context,
			 p->context_mark.line + 1);
	return -EINVAL;
}

/* The configuration's top level; an empty document keeps every default. */
static int config_root(struct agi_config_ctx *c, yaml_node_t *root, void *arg)
{
	char keys[512];
	int ret;

	(void)arg;
	if (!root || agi_config_is_null(root))
		return 0;
	if (root->type != YAML_MAPPING_NODE) {
		children_text("", keys, sizeof(keys));
		return agi_config_fail(c, root, "",
				"the top level is %s; expected a mapping with the keys %s",
				agi_config_node_kind(root), keys);
	}
	ret = walk(c, root, "", 0);
	if (!ret)
		ret = cross_check(c);
	return ret;
}

/* Exactly one document, its root (NULL: empty) handed to @fn. */
static int load_document(struct agi_config_ctx *c, yaml_parser_t *p,
			 agi_config_root_fn fn, void *arg)
{
	yaml_document_t doc, extra;
	yaml_node_t *root, *second;
	int ret = 0;

	if (!yaml_parser_load(p, &doc))
		return syntax_error(c, p);
	c->doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (root && !yaml_parser_load(p, &extra)) {
		ret = syntax_error(c, p);
		goto cleanup;
	}
	if (root) {
		second = yaml_document_get_root_node(&extra);
		if (second)
			ret = agi_config_fail(c, second, "",
					"a second YAML document: one file holds one configuration");
		yaml_document_delete(&extra);
		if (ret)
			goto cleanup;
	}
	ret = fn(c, root && !agi_config_is_null(root) ? root : NULL, arg);
cleanup:
	yaml_document_delete(&doc);
	c->doc = NULL;
	return ret;
}

int agi_config_load_yaml(const char *name, FILE *f, const char *text,
			 agi_config_root_fn fn, void *arg, char *err,
			 size_t err_size)
{
	struct agi_config_ctx c = {
		.file = name, .err = err, .err_size = err_size,
	};
	yaml_parser_t parser;
	int ret;

	err[0] = '\0';
	if (!yaml_parser_initialize(&parser))
		return agi_config_fail(&c, NULL, "", "out of memory");
	if (f)
		yaml_parser_set_input_file(&parser, f);
	else
		yaml_parser_set_input_string(&parser,
					     (const unsigned char *)text,
					     strlen(text));
	ret = load_document(&c, &parser, fn, arg);
	yaml_parser_delete(&parser);
	return ret;
}

static int config_start(struct agi_config_ctx *c, yaml_node_t *root, void *arg)
{
	c->cfg = arg;
	return config_root(c, root, NULL);
}

static int load(struct agi_config *cfg, const char *name, FILE *f,
		const char *text, char *err, size_t err_size)
{
	agi_config_defaults(cfg);
	snprintf(cfg->file, sizeof(cfg->file), "%s", name);
	return agi_config_load_yaml(name, f, text, config_start, cfg, err,
				    err_size);
}

int agi_config_load(struct agi_config *cfg, const char *file, char *err,
		     size_t err_size)
{
	FILE *f = fopen(file, "r");
	int ret;

	if (!f) {
		ret = -errno;
		agi_config_defaults(cfg);
		snprintf(err, err_size, "%s: %s", file, strerror(-ret));
		return ret;
	}
	ret = load(cfg, file, f, NULL, err, err_size);
	fclose(f);
	return ret;
}

int agi_config_load_string(struct agi_config *cfg, const char *name,
			    const char *text, char *err, size_t err_size)
{
	return load(cfg, name, NULL, text, err, err_size);
}

int agi_config_check_matrix(const struct agi_config *cfg, u32 rows,
			     char *err, size_t err_size)
{
	if (cfg->n_setpoint && cfg->n_setpoint != rows) {
		snprintf(err, err_size,
			 "%s: aggregator.pid.setpoint: %u values, but the matrix has %u rows (one setpoint per output)",
			 cfg->file, cfg->n_setpoint, rows);
		return -EINVAL;
	}
	if (cfg->n_safe_output && cfg->n_safe_output != rows) {
		snprintf(err, err_size,
			 "%s: aggregator.safe_output: %u values, but the matrix has %u rows (one safe value per output)",
			 cfg->file, cfg->n_safe_output, rows);
		return -EINVAL;
	}
	return 0;
}

/* Splits "a.b.c" into its components; returns how many. */
static int split(const char *path, char parts[][64], int max)
{
	int n = 0;

	while (n < max && child_of(path, "", parts[n], 64)) {
		path += strlen(parts[n++]);
		if (*path++ != '.')
			break;
	}
	return n;
}

void agi_config_print(FILE *f, const struct agi_config *cfg)
{
	char prev[4][64], cur[4][64];
	int nprev = 0, ncur, same, d;
	size_t i;

	fprintf(f, "# agiswarmd %s: the effective configuration%s%s\n",
		AGISWARM_VERSION, *cfg->file ? " from " : " (defaults)",
		cfg->file);
	for (i = 0; i < agi_config_nkeys; i++) {
		ncur = split(agi_config_keys[i].path, cur, 4);
		for (same = 0; same < ncur - 1 && same < nprev - 1; same++)
			if (strcmp(cur[same], prev[same]))
				break;
		for (d = same; d < ncur - 1; d++)
			fprintf(f, "%*s%s:\n", 2 * d, "", cur[d]);
		fprintf(f, "%*s%s:", 2 * (ncur - 1), "", cur[ncur - 1]);
		agi_config_print_block(f, &agi_config_keys[i], cfg, 2 * ncur);
		fputc('\n', f);
		memcpy(prev, cur, sizeof(prev));
		nprev = ncur;
	}
}

/* @k's value in @cfg as text, malloc'd; NULL without memory. */
static char *value_text(const struct agi_config_key *k,
			const struct agi_config *cfg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	agi_config_print_value(f, k, cfg);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

unsigned int agi_config_diff(const struct agi_config *was,
			     const struct agi_config *now,
			     agi_config_diff_cb cb, void *data)
{
	unsigned int n = 0;
	char *a, *b;
	size_t i;

	for (i = 0; i < agi_config_nkeys; i++) {
		a = value_text(&agi_config_keys[i], was);
		b = value_text(&agi_config_keys[i], now);
		if (a && b && strcmp(a, b)) {
			n++;
			cb(agi_config_keys[i].path, a, b, data);
		}
		free(a);
		free(b);
	}
	return n;
}
