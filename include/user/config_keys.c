// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The keys of agiswarmd's configuration: one table with each key's type,
 * range and place, the seeds' keys that are not taken (and what replaces
 * them), and reading and printing one value of each type. Defaults live in
 * agi_config_defaults() in config.c.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <strings.h>

#include "core/fixed.h"
#include "keys.h"
#include "config_keys.h"
#include "keys.h"

#define OFF(field) offsetof(struct agi_config, field)
#define STR_MAX(field) (sizeof(((struct agi_config *)0)->field) - 1)

/* Besides the UAPI's enums (names.h), two of the configuration's own. */
static const char *const algo[] = { "Ed25519" };
static const char *const level[] = {
	[AGI_LOG_ERROR] = "error", [AGI_LOG_WARNING] = "warning",
	[AGI_LOG_INFO] = "info", [AGI_LOG_DEBUG] = "debug",
};
static const struct agi_names algo_names = { algo, ARRAY_SIZE(algo) };
static const struct agi_names level_names = { level, ARRAY_SIZE(level) };

#define KEY_STR(name, field, min_len) \
	{ name, KT_STR, OFF(field), min_len, STR_MAX(field) }

_Static_assert(sizeof(((struct agi_config_pubkey *)0)->pk) == AGI_PK_LEN,
	       "a configured key is a public key");
/* parse_qlist() and parse_group() find the array right after its count. */
_Static_assert(OFF(setpoint) == OFF(n_setpoint) + sizeof(u32),
	       "setpoint follows n_setpoint");
_Static_assert(OFF(group) == OFF(n_group) + sizeof(u32),
	       "group follows n_group");

/* In print order; the README and agiswarmd(8) follow it. */
const struct agi_config_key agi_config_keys[] = {
	{ "node.id", KT_U32, OFF(node_id), 1, UINT32_MAX },
	/* a node is a worker or an aggregator: "none" is not allowed */
	{ "node.role", KT_ENUM, OFF(role), AGISWARM_ROLE_WORKER,
	  .names = &agi_role_names },
	KEY_STR("node.key_file", node_key_file, 1),
	{ "aggregator.udp_port", KT_U16, OFF(udp_port), 1, 65535 },
	{ "aggregator.bind_address", KT_ADDR, OFF(bind_address) },
	{ "aggregator.cycle_time_ms", KT_MS, OFF(cycle_time_us),
	  AGISWARM_PERIOD_US_MIN, AGISWARM_PERIOD_US_MAX },
	{ "aggregator.timeout_ms", KT_MS, OFF(timeout_us),
	  AGISWARM_PERIOD_US_MIN, AGISWARM_PERIOD_US_MAX },
	{ "aggregator.fault_tolerance", KT_U32, OFF(fault_tolerance), 0,
	  AGI_CONFIG_MAX_PEERS - 1 },
	{ "aggregator.max_workers", KT_U32, OFF(max_workers), 1,
	  AGI_CONFIG_MAX_PEERS },
	{ "aggregator.miss_policy", KT_ENUM, OFF(miss_policy),
	  .names = &agi_miss_names },
	{ "aggregator.control_law", KT_ENUM, OFF(control_law),
	  .names = &agi_law_names },
	{ "aggregator.pid.kp", KT_Q, OFF(kp), .fmt = AGISWARM_Q8_24 },
	{ "aggregator.pid.ki", KT_Q, OFF(ki), .fmt = AGISWARM_Q8_24 },
	{ "aggregator.pid.kd", KT_Q, OFF(kd), .fmt = AGISWARM_Q8_24 },
	{ "aggregator.pid.lo", KT_Q, OFF(lo), .fmt = AGISWARM_Q1_31 },
	{ "aggregator.pid.hi", KT_Q, OFF(hi), .fmt = AGISWARM_Q1_31 },
	{ "aggregator.pid.setpoint", KT_QLIST, OFF(n_setpoint), 0,
	  AGI_CONFIG_MAX_SETPOINT, AGISWARM_Q1_31 },
	{ "aggregator.sensor_timeout_ms", KT_U32, OFF(sensor_timeout_ms), 0,
	  60000 },
	{ "aggregator.safe_output", KT_QLIST, OFF(n_safe_output), 0,
	  AGI_CONFIG_MAX_SETPOINT, AGISWARM_Q1_31 },
	{ "aggregator.alert_miss_rate", KT_U32, OFF(alert_miss_rate), 0, 100 },
	{ "aggregator.probe_workers", KT_BOOL, OFF(probe_workers) },
	{ "aggregator.epoch", KT_U64, OFF(epoch), 1, UINT64_MAX },
	{ "aggregator.code_seed", KT_U64, OFF(code_seed), 0, UINT64_MAX },
	{ "aggregator.group_id", KT_U64, OFF(group_id), 0, UINT64_MAX },
	{ "aggregator.workers", KT_PEERS, OFF(workers) },
	{ "aggregator.actuators", KT_PEERS, OFF(actuators) },
	{ "aggregator.sensors", KT_PEERS, OFF(sensors) },
	KEY_STR("worker.aggregator.host", worker_host, 0),
	{ "worker.aggregator.port", KT_U16, OFF(worker_port), 1, 65535 },
	{ "worker.aggregator.key", KT_PUBKEY, OFF(worker_aggregator_key) },
	{ "worker.heartbeat_interval", KT_SECONDS, OFF(heartbeat_us),
	  100000, 60000000 },
	{ "worker.health.degraded_latency_ms", KT_U32,
	  OFF(degraded_latency_ms), 1, 60000 },
	{ "worker.health.degraded_cpu_percent", KT_U32,
	  OFF(degraded_cpu_percent), 1, 100 },
	{ "worker.health.unhealthy_after_missed", KT_U32,
	  OFF(unhealthy_after_missed), 1, 1000 },
	KEY_STR("matrix.file", matrix_file, 1),
	KEY_STR("matrix.path", matrix_path, 0),
	{ "security.require_signatures", KT_BOOL, OFF(require_signatures) },
	{ "security.signature_algorithm", KT_ENUM, OFF(signature_algorithm),
	  .names = &algo_names },
	KEY_STR("security.authorized_keys", authorized_keys, 1),
	{ "security.commit_window_s", KT_U32, OFF(commit_window_s), 1, 3600 },
	{ "security.swarm_id", KT_U64, OFF(swarm_id), 1, UINT64_MAX },
	KEY_STR("security.audit_log", audit_log, 1),
	/* below the module's 180 s after which a session key is refused */
	{ "security.rekey_after_s", KT_U32, OFF(rekey_after_s), 1, 170 },
	KEY_STR("metrics.file", metrics_file, 1),
	{ "metrics.max_size", KT_SIZE, OFF(metrics_max_size), 1024,
	  1ULL << 40 },
	{ "metrics.backup_count", KT_U32, OFF(metrics_backup_count), 0, 100 },
	KEY_STR("metrics.textfile", metrics_textfile, 0),
	KEY_STR("metrics.listen", metrics_listen, 0),
	{ "logging.level", KT_ENUM, OFF(log_level), .names = &level_names },
	{ "aggregators", KT_GROUP, OFF(n_group) },
	{ "failover.heartbeat_interval_ms", KT_U32,
	  OFF(failover_heartbeat_ms), 10, 60000 },
	{ "failover.failure_threshold", KT_U32,
	  OFF(failover_failure_threshold), 1, 100 },
	{ "failover.auto_promotion", KT_BOOL, OFF(failover_auto_promotion) },
	KEY_STR("replication.member", repl_member, 0),
	KEY_STR("replication.data_dir", repl_data_dir, 1),
	{ "replication.election_timeout_ms", KT_U32, OFF(repl_election_ms),
	  100, 60000 },
};
const size_t agi_config_nkeys = ARRAY_SIZE(agi_config_keys);

#define PEER_OFF(field) offsetof(struct agi_config_peer, field)
const struct agi_config_key agi_config_peer_keys[] = {
	{ "id", KT_U32, PEER_OFF(id), 1, UINT32_MAX, .required = true },
	{ "address", KT_ENDPOINT, PEER_OFF(ep), .required = true },
	{ "key", KT_PUBKEY, PEER_OFF(key) },
};
const size_t agi_config_npeer_keys = ARRAY_SIZE(agi_config_peer_keys);

#define MEMBER_OFF(field) offsetof(struct agi_config_member, field)
const struct agi_config_key agi_config_member_keys[] = {
	{ "ip", KT_ADDR, MEMBER_OFF(ip), .required = true },
	{ "port", KT_U16, MEMBER_OFF(port), 1, 65535 },
	{ "priority", KT_U32, MEMBER_OFF(priority), 1, 255, .required = true },
	{ "raft_port", KT_U16, MEMBER_OFF(raft_port), 1, 65535 },
	{ "key", KT_PUBKEY, MEMBER_OFF(key) },
};
const size_t agi_config_nmember_keys = ARRAY_SIZE(agi_config_member_keys);

#define CODING "coding is always on: aggregator.fault_tolerance sets the " \
	"redundancy"
#define GROUP "the replicated aggregator group is the top-level " \
	"aggregators: and failover: sections (see configs/ha_config.yaml)"
#define NETNS "the network (namespaces, veth, mesh, firewall) is set up " \
	"by the netns/ scripts, not by agiswarmd"
#define FORMATS "formats are fixed: gains Q8.24, signals Q1.31, the " \
	"matrix's own \"precision\" in the matrix file"
#define ROTATE "operators' keys change by editing security.authorized_keys;" \
	" nothing rotates them on a timer"

const struct agi_config_retired agi_config_retired[] = {
	{ "aggregator.max_message_size",
	  "datagrams are at most 1400 bytes, a fixed limit of the wire format" },
	{ "aggregator.fountain_codes", CODING },
	{ "aggregator.leader_election", GROUP },
	{ "aggregator.logging", "use logging.level at the top level "
	  "(agiswarmd logs to stderr, which systemd's journal keeps)" },
	{ "aggregator.security", "use the top-level security: section "
	  "(security.require_signatures, security.authorized_keys)" },
	{ "worker.worker_id", "use node.id (a number)" },
	{ "worker.max_concurrent_tasks",
	  "workers compute in the kernel's softirq, one task per cycle" },
	{ "worker.task_timeout", "use aggregator.timeout_ms (the deadline)" },
	{ "worker.precision", FORMATS },
	{ "worker.saturation", "saturation is fixed by the fixed-point "
	  "specification (one rounding and saturation per result)" },
	{ "worker.cache_size", "workers keep only their coded rows" },
	{ "worker.cache_ttl", "workers keep only their coded rows" },
	{ "worker.metrics_interval", "metrics are recorded once per cycle "
	  "by the aggregator (metrics.file)" },
	{ "worker.require_message_verification",
	  "use security.require_signatures (operator commits); fast-path "
	  "encryption is a later step" },
	{ "operator", "agictl is the operator tool: agictl keygen, "
	  "agictl commit --key FILE --to HOST:PORT" },
	{ "network", NETNS },
	{ "fixed_point", FORMATS },
	{ "fountain_codes", CODING },
	{ "optimization", CODING },
	{ "leader", GROUP },
	{ "leader_election", GROUP },
	{ "scaling", "workers are listed in aggregator.workers or added with "
	  "agictl peer add; aggregator.max_workers bounds them" },
	{ "development", "there are no development switches; faults are "
	  "injected with agictl fault" },
	{ "metrics.enabled", "metrics are always written (metrics.file)" },
	{ "metrics.interval", "metrics are recorded once per cycle" },
	{ "metrics.collect", "the columns are fixed: timestamp, cycle_id, "
	  "latency_ms, jitter_ms, worker_count, task_count, error_rate" },
	{ "metrics.storage", "use metrics.file, metrics.max_size and "
	  "metrics.backup_count" },
	{ "metrics.reporting", "use agictl monitor or agictl metrics" },
	{ "security.require_signature_verification",
	  "use security.require_signatures" },
	{ "security.allowed_operators", "use security.authorized_keys (a file "
	  "of operators' public keys)" },
	{ "security.allowed_sources", "use security.authorized_keys (a file "
	  "of operators' public keys)" },
	{ "security.key_rotation_interval", ROTATE },
	{ "security.key_rotation_interval_hours", ROTATE },
	{ "security.crypto", "Ed25519 is the algorithm "
	  "(security.signature_algorithm); " ROTATE },
	{ "security.access_control", "every key in security.authorized_keys "
	  "may commit; there are no roles" },
	{ "security.audit", "use security.audit_log" },
	{ "security.network_isolation", NETNS },
	{ "logging.file", "agiswarmd logs to stderr, which systemd's journal "
	  "keeps" },
	{ "logging.max_size", "agiswarmd logs to stderr, which systemd's "
	  "journal keeps and rotates" },
	{ "logging.backup_count", "agiswarmd logs to stderr, which systemd's "
	  "journal keeps and rotates" },
};
const size_t agi_config_nretired = ARRAY_SIZE(agi_config_retired);

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* Decimal digits only: no sign, no blanks, no base prefix. */
static int parse_uint(const char *s, u64 *v)
{
	u64 acc = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		if (acc > (UINT64_MAX - (u64)(*s - '0')) / 10)
			return -ERANGE;
		acc = acc * 10 + (u64)(*s - '0');
	}
	*v = acc;
	return 0;
}

static int parse_int(struct agi_config_ctx *c, const struct agi_config_key *k,
		     yaml_node_t *n, const char *path, void *dst)
{
	u64 v;

	if (parse_uint(scalar(n), &v) || v < k->min || v > k->max)
		return agi_config_bad_value(c, n, path, k);
	if (k->type == KT_U16)
		*(u16 *)dst = (u16)v;
	else if (k->type == KT_U32)
		*(u32 *)dst = (u32)v;
	else
		*(u64 *)dst = v;
	return 0;
}

/* YAML 1.1's spellings, as the seeds' Python loader took them. */
static int parse_bool(struct agi_config_ctx *c, const struct agi_config_key *k,
		      yaml_node_t *n, const char *path, bool *dst)
{
	static const char *const yes[] = { "true", "yes", "on" };
	static const char *const no[] = { "false", "no", "off" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(scalar(n), yes[i])) {
			*dst = true;
			return 0;
		}
		if (!strcasecmp(scalar(n), no[i])) {
			*dst = false;
			return 0;
		}
	}
	return agi_config_bad_value(c, n, path, k);
}

static int parse_enum(struct agi_config_ctx *c, const struct agi_config_key *k,
		      yaml_node_t *n, const char *path, u8 *dst)
{
	u8 i;

	for (i = (u8)k->min; i < k->names->n; i++) {
		if (k->names->name[i] &&
		    !strcasecmp(scalar(n), k->names->name[i])) {
			*dst = i;
			return 0;
		}
	}
	return agi_config_bad_value(c, n, path, k);
}

static int parse_q(struct agi_config_ctx *c, const struct agi_config_key *k,
		   yaml_node_t *n, const char *path, s32 *dst)
{
	if (agi_q_from_decimal(scalar(n), k->fmt, false, dst))
		return agi_config_bad_value(c, n, path, k);
	return 0;
}

static int parse_qlist(struct agi_config_ctx *c, const struct agi_config_key *k,
		       yaml_node_t *n, const char *path, u32 *count)
{
	struct agi_config_key one = { k->path, KT_Q, 0, .fmt = k->fmt };
	s32 *values = (s32 *)(count + 1);
	char where[300];
	yaml_node_item_t *it;
	yaml_node_t *item;
	u32 i = 0;

	if (n->type != YAML_SEQUENCE_NODE)
		return agi_config_wrong_kind(c, n, path, k);
	for (it = n->data.sequence.items.start;
	     it < n->data.sequence.items.top; it++, i++) {
		item = yaml_document_get_node(c->doc, *it);
		snprintf(where, sizeof(where), "%s[%u]", path, i);
		if (i >= k->max)
			return agi_config_fail(c, item, where,
					 "too many values: at most %" PRIu64,
					 k->max);
		if (item->type != YAML_SCALAR_NODE)
			return agi_config_wrong_kind(c, item, where, &one);
		if (agi_q_from_decimal(scalar(item), k->fmt, false,
				       &values[i]))
			return agi_config_bad_value(c, item, where, &one);
	}
	*count = i;
	return 0;
}

static int parse_str(struct agi_config_ctx *c, const struct agi_config_key *k,
		     yaml_node_t *n, const char *path, char *dst)
{
	size_t len = n->data.scalar.length;

	if (len < k->min || len > k->max || strlen(scalar(n)) != len)
		return agi_config_bad_value(c, n, path, k);
	memcpy(dst, scalar(n), len + 1);
	return 0;
}

static int parse_addr(struct agi_config_ctx *c, const struct agi_config_key *k,
		      yaml_node_t *n, const char *path, char *dst)
{
	unsigned char buf[sizeof(struct in6_addr)];
	const char *s = scalar(n);

	if (strlen(s) >= 64 || (inet_pton(AF_INET, s, buf) != 1 &&
				inet_pton(AF_INET6, s, buf) != 1))
		return agi_config_bad_value(c, n, path, k);
	strcpy(dst, s);
	return 0;
}

static int parse_endpoint(struct agi_config_ctx *c, const struct agi_config_key *k,
			  yaml_node_t *n, const char *path,
			  struct agi_endpoint *dst)
{
	if (agi_parse_endpoint(scalar(n), dst))
		return agi_config_bad_value(c, n, path, k);
	return 0;
}

/* "10MB": KB, MB, GB and TB count in 1024s, as the seeds' "100MB" did. */
static int parse_size(struct agi_config_ctx *c, const struct agi_config_key *k,
		      yaml_node_t *n, const char *path, u64 *dst)
{
	static const char *const units[] = { "B", "KB", "MB", "GB", "TB" };
	const char *s = scalar(n);
	char digits[32];
	size_t len = strspn(s, "0123456789"), i;
	u64 v;

	if (len == 0 || len >= sizeof(digits))
		return agi_config_bad_value(c, n, path, k);
	memcpy(digits, s, len);
	digits[len] = '\0';
	if (parse_uint(digits, &v))
		return agi_config_bad_value(c, n, path, k);
	for (i = 0; s[len] && i < ARRAY_SIZE(units); i++)
		if (!strcasecmp(s + len, units[i]))
			break;
	if (i == ARRAY_SIZE(units) || v > (k->max >> (10 * i)))
		return agi_config_bad_value(c, n, path, k);
	v <<= 10 * i;
	if (v < k->min || v > k->max)
		return agi_config_bad_value(c, n, path, k);
	*dst = v;
	return 0;
}

/*
 * Decimal seconds through the same decimal reader as every other decimal
 * (Q8.24, exact to 60 ns), then rounded to whole microseconds.
 */
static int parse_seconds(struct agi_config_ctx *c, const struct agi_config_key *k,
			 yaml_node_t *n, const char *path, u32 *dst)
{
	s32 raw;
	u64 us;

	if (agi_q_from_decimal(scalar(n), AGISWARM_Q8_24, false, &raw) ||
	    raw < 0)
		return agi_config_bad_value(c, n, path, k);
	us = ((u64)raw * 1000000 + (1U << 23)) >> 24;
	if (us < k->min || us > k->max)
		return agi_config_bad_value(c, n, path, k);
	*dst = (u32)us;
	return 0;
}

/* Decimal milliseconds, to whole microseconds. */
static int parse_ms(struct agi_config_ctx *c, const struct agi_config_key *k,
		    yaml_node_t *n, const char *path, u32 *dst)
{
	u32 us;

	if (agi_parse_ms_us(scalar(n), &us) || us < k->min || us > k->max)
		return agi_config_bad_value(c, n, path, k);
	*dst = us;
	return 0;
}

yaml_node_t *agi_config_find(struct agi_config_ctx *c, yaml_node_t *map,
			     const char *name)
{
	yaml_node_pair_t *pair;
	yaml_node_t *key;

	for (pair = map->data.mapping.pairs.start;
	     pair < map->data.mapping.pairs.top; pair++) {
		key = yaml_document_get_node(c->doc, pair->key);
		if (key->type == YAML_SCALAR_NODE && !strcmp(scalar(key), name))
			return yaml_document_get_node(c->doc, pair->value);
	}
	return NULL;
}

/* The value of @name in the mapping @map (which has it). */
static yaml_node_t *value_of(struct agi_config_ctx *c, yaml_node_t *map,
			     const char *name)
{
	return agi_config_find(c, map, name) ?: map;
}

static int taken(struct agi_config_ctx *c, yaml_node_t *entry, const char *where,
		 const char *name, const char *what, const char *other,
		 u32 line)
{
	yaml_node_t *v = value_of(c, entry, name);
	char at[320];

	snprintf(at, sizeof(at), "%s.%s", where, name);
	return agi_config_fail(c, v, at,
			 "bad value '%s': allowed %s that no other entry has (%s has it, line %u)",
			 scalar(v), what, other, line);
}

static int parse_peers(struct agi_config_ctx *c, const struct agi_config_key *k,
		       yaml_node_t *n, const char *path,
		       struct agi_config_peers *list)
{
	char where[300], other[300];
	yaml_node_item_t *it;
	yaml_node_t *item;
	struct agi_config_peer *p;
	u32 i, j;

	if (n->type != YAML_SEQUENCE_NODE)
		return agi_config_wrong_kind(c, n, path, k);
	list->n = 0;
	for (it = n->data.sequence.items.start;
	     it < n->data.sequence.items.top; it++) {
		item = yaml_document_get_node(c->doc, *it);
		i = list->n;
		snprintf(where, sizeof(where), "%s[%u]", path, i);
		if (i >= AGI_CONFIG_MAX_PEERS)
			return agi_config_fail(c, item, where,
					 "too many entries: at most %d",
					 AGI_CONFIG_MAX_PEERS);
		p = &list->p[i];
		memset(p, 0, sizeof(*p));
		if (agi_config_parse_object(c, item, where, agi_config_peer_keys,
				      agi_config_npeer_keys, p))
			return -EINVAL;
		p->line = (u32)item->start_mark.line + 1;
		for (j = 0; j < i; j++) {
			snprintf(other, sizeof(other), "%s[%u]", path, j);
			if (list->p[j].id == p->id)
				return taken(c, item, where, "id", "an id",
					     other, list->p[j].line);
			/* one key, one peer: it may speak only for itself */
			if (p->key.set && list->p[j].key.set &&
			    !memcmp(p->key.pk, list->p[j].key.pk, AGI_PK_LEN))
				return taken(c, item, where, "key", "a key",
					     other, list->p[j].line);
		}
		list->n++;
	}
	return 0;
}

static int member_name_ok(const char *s)
{
	size_t len = strlen(s);

	return len > 0 && len < 64 &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789_-") == len;
}

static int parse_member(struct agi_config_ctx *c, yaml_node_pair_t *pair,
			const char *path, struct agi_config_member *m)
{
	yaml_node_t *key = yaml_document_get_node(c->doc, pair->key);
	yaml_node_t *val = yaml_document_get_node(c->doc, pair->value);
	char where[300];

	snprintf(where, sizeof(where), "%s.%s", path,
		 key->type == YAML_SCALAR_NODE ? scalar(key) : "?");
	if (key->type != YAML_SCALAR_NODE || !member_name_ok(scalar(key)))
		return agi_config_fail(c, key, where,
				 "bad member name: allowed letters, digits, '_' and '-', at most 63");
	memset(m, 0, sizeof(*m));
	strcpy(m->name, scalar(key));
	m->port = AGISWARM_DEFAULT_PORT;
	m->raft_port = AGI_CONFIG_DEFAULT_RAFT_PORT;
	m->line = (u32)key->start_mark.line + 1;
	return agi_config_parse_object(c, val, where, agi_config_member_keys,
				 agi_config_nmember_keys, m);
}

static int parse_group(struct agi_config_ctx *c, const struct agi_config_key *k,
		       yaml_node_t *n, const char *path, u32 *count)
{
	struct agi_config_member *g = (struct agi_config_member *)(count + 1);
	char where[300], other[300];
	yaml_node_pair_t *pair;
	u32 i = 0, j;

	if (n->type != YAML_MAPPING_NODE)
		return agi_config_wrong_kind(c, n, path, k);
	for (pair = n->data.mapping.pairs.start;
	     pair < n->data.mapping.pairs.top; pair++, i++) {
		if (i >= AGI_CONFIG_MAX_GROUP)
			return agi_config_fail(c, yaml_document_get_node(c->doc, pair->key),
					 path, "too many members: at most %d",
					 AGI_CONFIG_MAX_GROUP);
		if (parse_member(c, pair, path, &g[i]))
			return -EINVAL;
		for (j = 0; j < i; j++) {
			if (!strcmp(g[j].name, g[i].name))
				return agi_config_fail(c, yaml_document_get_node(c->doc, pair->key),
						 path, "duplicate member '%s' (first at line %u)",
						 g[i].name, g[j].line);
			snprintf(where, sizeof(where), "%s.%s", path, g[i].name);
			snprintf(other, sizeof(other), "%s.%s", path, g[j].name);
			if (g[j].priority == g[i].priority)
				return taken(c, yaml_document_get_node(c->doc, pair->value),
					     where, "priority", "a priority",
					     other, g[j].line);
		}
	}
	*count = i;
	return 0;
}

static int parse_pubkey(struct agi_config_ctx *c, const struct agi_config_key *k,
			yaml_node_t *n, const char *path,
			struct agi_config_pubkey *dst)
{
	const char *s = scalar(n);

	memset(dst, 0, sizeof(*dst));
	if (!*s)
		return 0;
	if (agi_hex_decode(s, strlen(s), dst->pk, AGI_PK_LEN))
		return agi_config_bad_value(c, n, path, k);
	dst->set = true;
	return 0;
}

/* Reads @n into @base + @k->off; an error names @path. */
int agi_config_parse_value(struct agi_config_ctx *c, const struct agi_config_key *k,
		     yaml_node_t *n, const char *path, void *base)
{
	void *dst = (char *)base + k->off;

	switch (k->type) {
	case KT_QLIST:
		return parse_qlist(c, k, n, path, dst);
	case KT_PEERS:
		return parse_peers(c, k, n, path, dst);
	case KT_GROUP:
		return parse_group(c, k, n, path, dst);
	default:
		break;
	}
	if (n->type != YAML_SCALAR_NODE)
		return agi_config_wrong_kind(c, n, path, k);
	switch (k->type) {
	case KT_U16:
	case KT_U32:
	case KT_U64:
		return parse_int(c, k, n, path, dst);
	case KT_BOOL:
		return parse_bool(c, k, n, path, dst);
	case KT_ENUM:
		return parse_enum(c, k, n, path, dst);
	case KT_Q:
		return parse_q(c, k, n, path, dst);
	case KT_STR:
		return parse_str(c, k, n, path, dst);
	case KT_ADDR:
		return parse_addr(c, k, n, path, dst);
	case KT_ENDPOINT:
		return parse_endpoint(c, k, n, path, dst);
	case KT_SIZE:
		return parse_size(c, k, n, path, dst);
	case KT_SECONDS:
		return parse_seconds(c, k, n, path, dst);
	case KT_MS:
		return parse_ms(c, k, n, path, dst);
	case KT_PUBKEY:
		return parse_pubkey(c, k, n, path, dst);
	default:
		return agi_config_fail(c, n, path, "internal error: key type %d",
				 k->type);
	}
}

/* "worker or aggregator": the allowed names, from k->min on. */
static void names_text(const struct agi_config_key *k, char *buf, size_t size)
{
	const struct agi_names *t = k->names;
	size_t i, n = 0, used = 0;

	for (i = k->min; i < t->n; i++)
		n += t->name[i] != NULL;
	buf[0] = '\0';
	for (i = k->min; i < t->n; i++) {
		if (!t->name[i])
			continue;
		used++;
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s",
			 used == 1 ? "" : used == n ? " or " : ", ", t->name[i]);
	}
}

/* "[-1, 1) (Q1.31)": from the format's integer bits. */
static void q_text(enum agiswarm_qformat fmt, char *buf, size_t size)
{
	const struct agi_qinfo *q = agi_q_info(fmt);
	unsigned long half = 1UL << (q->int_bits - 1);

	snprintf(buf, size, "a decimal in [-%lu, %lu) (%s)", half, half,
		 q->name);
}

/* What @k allows, for "bad value 'V': allowed ...". */
void agi_config_allowed_text(const struct agi_config_key *k, char *buf, size_t size)
{
	char q[64], lo[16], hi[16];

	switch (k->type) {
	case KT_U16:
	case KT_U32:
	case KT_U64:
		snprintf(buf, size, "an integer in %" PRIu64 "..%" PRIu64,
			 k->min, k->max);
		break;
	case KT_BOOL:
		snprintf(buf, size, "true or false");
		break;
	case KT_ENUM:
		names_text(k, buf, size);
		break;
	case KT_Q:
		q_text(k->fmt, buf, size);
		break;
	case KT_QLIST:
		q_text(k->fmt, q, sizeof(q));
		snprintf(buf, size, "a list of at most %" PRIu64 " values, each %s",
			 k->max, q);
		break;
	case KT_STR:
		snprintf(buf, size, "a string of %" PRIu64 "..%" PRIu64 " bytes",
			 k->min, k->max);
		break;
	case KT_ADDR:
		snprintf(buf, size, "an IPv4 or IPv6 address literal");
		break;
	case KT_ENDPOINT:
		snprintf(buf, size, "\"A.B.C.D[:PORT]\" or \"[IPv6]:PORT\" (PORT 1..65535, default %d)",
			 AGISWARM_DEFAULT_PORT);
		break;
	case KT_SIZE:
		snprintf(buf, size, "a size in bytes, or with KB, MB, GB, TB (1024-based), 1KB..1TB");
		break;
	case KT_SECONDS:
		snprintf(buf, size, "seconds, a decimal in 0.1..60");
		break;
	case KT_MS:
		agi_format_ms((u32)k->min, lo, sizeof(lo));
		agi_format_ms((u32)k->max, hi, sizeof(hi));
		snprintf(buf, size, "milliseconds, a decimal in %s..%s (at most 3 decimals)",
			 lo, hi);
		break;
	case KT_PEERS:
		snprintf(buf, size, "a list of {id: N, address: \"A.B.C.D[:PORT]\", key: PUBKEY}");
		break;
	case KT_GROUP:
		snprintf(buf, size, "a mapping of NAME: {ip: ADDRESS, port: N, priority: N, raft_port: N, key: PUBKEY}");
		break;
	case KT_PUBKEY:
		snprintf(buf, size, "an Ed25519 public key, 64 hex digits (node.pub), or \"\"");
		break;
	}
}

/* A YAML double-quoted string. */
static void print_quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\x%02x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void print_q(FILE *f, s32 raw, enum agiswarm_qformat fmt)
{
	char buf[64];

	agi_q_to_decimal(raw, fmt, buf, sizeof(buf));
	fputs(buf, f);
}

static void print_size(FILE *f, u64 v)
{
	static const char *const units[] = { "B", "KB", "MB", "GB", "TB" };
	size_t i = 0;

	while (i + 1 < ARRAY_SIZE(units) && v && !(v & 1023)) {
		v >>= 10;
		i++;
	}
	fprintf(f, "%" PRIu64 "%s", v, i ? units[i] : "");
}

/* A list entry's keys; an optional key that is not set is left out. */
static void print_object(FILE *f, const struct agi_config_key *keys, size_t n,
			 const void *base)
{
	const struct agi_config_pubkey *pk;
	size_t i;

	fputc('{', f);
	for (i = 0; i < n; i++) {
		pk = (const void *)((const char *)base + keys[i].off);
		if (keys[i].type == KT_PUBKEY && !pk->set)
			continue;
		fprintf(f, "%s%s: ", i ? ", " : "", keys[i].path);
		agi_config_print_value(f, &keys[i], base);
	}
	fputc('}', f);
}

static void print_list(FILE *f, const struct agi_config_key *k, const void *v)
{
	const struct agi_config_peers *l = v;
	const u32 *count = v;
	const struct agi_config_member *g = (const void *)(count + 1);
	const s32 *q = (const s32 *)(count + 1);
	u32 i;

	fputs(k->type == KT_GROUP ? "{" : "[", f);
	for (i = 0; i < *count; i++) {
		fputs(i ? ", " : "", f);
		if (k->type == KT_QLIST) {
			print_q(f, q[i], k->fmt);
		} else if (k->type == KT_PEERS) {
			print_object(f, agi_config_peer_keys, agi_config_npeer_keys,
				     &l->p[i]);
		} else {
			fprintf(f, "%s: ", g[i].name);
			print_object(f, agi_config_member_keys, agi_config_nmember_keys,
				     &g[i]);
		}
	}
	fputs(k->type == KT_GROUP ? "}" : "]", f);
}

/* @k's value in @base, as YAML that agi_config_parse_value() reads back. */
void agi_config_print_value(FILE *f, const struct agi_config_key *k, const void *base)
{
	const void *v = (const char *)base + k->off;
	char buf[80];

	switch (k->type) {
	case KT_U16:
		fprintf(f, "%u", *(const u16 *)v);
		break;
	case KT_U32:
		fprintf(f, "%u", *(const u32 *)v);
		break;
	case KT_U64:
		fprintf(f, "%" PRIu64, *(const u64 *)v);
		break;
	case KT_BOOL:
		fputs(*(const bool *)v ? "true" : "false", f);
		break;
	case KT_ENUM:
		fputs(agi_name(k->names, *(const u8 *)v), f);
		break;
	case KT_Q:
		print_q(f, *(const s32 *)v, k->fmt);
		break;
	case KT_STR:
	case KT_ADDR:
		print_quoted(f, v);
		break;
	case KT_ENDPOINT:
		agi_format_endpoint(v, ((const struct agi_endpoint *)v)->len,
				    buf, sizeof(buf));
		print_quoted(f, buf);
		break;
	case KT_SIZE:
		print_size(f, *(const u64 *)v);
		break;
	case KT_SECONDS:
		snprintf(buf, sizeof(buf), "%u.%06u", *(const u32 *)v / 1000000,
			 *(const u32 *)v % 1000000);
		while (buf[strlen(buf) - 1] == '0')
			buf[strlen(buf) - 1] = '\0';
		if (buf[strlen(buf) - 1] == '.')
			buf[strlen(buf) - 1] = '\0';
		fputs(buf, f);
		break;
	case KT_MS:
		agi_format_ms(*(const u32 *)v, buf, sizeof(buf));
		fputs(buf, f);
		break;
	case KT_QLIST:
	case KT_PEERS:
	case KT_GROUP:
		print_list(f, k, v);
		break;
	case KT_PUBKEY:
		buf[0] = '\0';
		if (((const struct agi_config_pubkey *)v)->set)
			agi_hex_encode(((const struct agi_config_pubkey *)v)->pk,
				       AGI_PK_LEN, buf);
		print_quoted(f, buf);
		break;
	}
}

/*
 * Lists of peers and the group one entry per line, indented by @indent;
 * everything else (and empty lists) as agi_config_print_value() does.
 */
void agi_config_print_block(FILE *f, const struct agi_config_key *k, const void *base,
		      int indent)
{
	const void *v = (const char *)base + k->off;
	const struct agi_config_peers *l = v;
	const u32 *count = v;
	const struct agi_config_member *g = (const void *)(count + 1);
	u32 i;

	if ((k->type != KT_PEERS && k->type != KT_GROUP) || !*count) {
		fputc(' ', f);
		agi_config_print_value(f, k, base);
		return;
	}
	for (i = 0; i < *count; i++) {
		if (k->type == KT_PEERS) {
			fprintf(f, "\n%*s- ", indent, "");
			print_object(f, agi_config_peer_keys, agi_config_npeer_keys,
				     &l->p[i]);
		} else {
			fprintf(f, "\n%*s%s: ", indent, "", g[i].name);
			print_object(f, agi_config_member_keys, agi_config_nmember_keys,
				     &g[i]);
		}
	}
}
