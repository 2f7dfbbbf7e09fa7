// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agiswarmd's configuration: every invalid case in config_cases/ fails with
 * its exact one-line message, the seeds' keys name what replaces them, the
 * shipped configs load, decimals follow the fixed-point rounding rule, the
 * printed effective configuration reads back to itself, and the agiswarmd
 * binary exits 0/1/2 as documented, with agictl's matrix messages.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/fixed.h"
#include "user/config_keys.h"
#include <kselftest_harness.h>

#define CASES "selftests/native/config_cases/"
#define ERR_LEN AGI_CONFIG_ERR_LEN

/* Each file in config_cases/ and the message after "FILE:". */
static const struct {
	const char *file;
	const char *msg;
} cases[] = {
	{ "bad_bind_address", "3: aggregator.bind_address: bad value '192.0.2.300': allowed an IPv4 or IPv6 address literal" },
	{ "bad_bool", "3: security.require_signatures: bad value 'maybe': allowed true or false" },
	{ "bad_enum", "3: aggregator.miss_policy: bad value 'repeat': allowed hold or zero" },
	{ "bad_peer_address", "5: aggregator.workers[1].address: bad value '192.0.2.12:99999': allowed \"A.B.C.D[:PORT]\" or \"[IPv6]:PORT\" (PORT 1..65535, default 6000)" },
	{ "bad_size_unit", "3: metrics.max_size: bad value '10XB': allowed a size in bytes, or with KB, MB, GB, TB (1024-based), 1KB..1TB" },
	{ "duplicate_key", "5: aggregator.udp_port: duplicate key (first at line 3)" },
	{ "duplicate_peer_id", "5: aggregator.workers[1].id: bad value '11': allowed an id that no other entry has (aggregator.workers[0] has it, line 4)" },
	{ "gain_out_of_q8_24", "5: aggregator.pid.kp: bad value '200': allowed a decimal in [-128, 128) (Q8.24)" },
	{ "group_too_many", "10: aggregators: too many members: at most 7" },
	{ "group_same_address", "4: aggregators.b: address 192.0.2.1 port 6000 is also aggregators.a's (line 3): every member needs its own ip and port" },
	{ "group_worker_key_missing", "7: aggregators.b: key is missing: on a worker, every member of aggregators: is an aggregator it takes TASKs from over a sealed session, so each needs its node public key (64 hex digits, its node.pub)" },
	{ "group_worker_same_address", "7: aggregators.b: address 192.0.2.1 port 6000 is also aggregators.a's (line 6): every member needs its own ip and port" },
	{ "ha_same_priority", "4: aggregators.backup_1.priority: bad value '1': allowed a priority that no other entry has (aggregators.primary has it, line 3)" },
	{ "cpu_percent_above_100", "4: worker.health.degraded_cpu_percent: bad value '101': allowed an integer in 1..100" },
	{ "heartbeat_too_short", "3: worker.heartbeat_interval: bad value '0.05': allowed seconds, a decimal in 0.1..60" },
	{ "list_for_scalar", "3: aggregator.cycle_time_ms: a list where a scalar is expected (allowed: milliseconds, a decimal in 0.1..10000 (at most 3 decimals))" },
	{ "lo_above_hi", "4: aggregator.pid.lo: bad value '0.5': allowed a decimal not above aggregator.pid.hi (0.25)" },
	{ "group_id_not_an_integer", "3: aggregator.group_id: bad value 'primary': allowed an integer in 0..18446744073709551615" },
	{ "negative_integer", "3: aggregator.fault_tolerance: bad value '-1': allowed an integer in 0..63" },
	{ "peer_bad_key", "4: aggregator.workers[0].key: bad value 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f70751': allowed an Ed25519 public key, 64 hex digits (node.pub), or \"\"" },
	{ "peer_duplicate_key", "5: aggregator.workers[1].key: bad value 'D75A980182B10AB7D54BFED3C964073A0EE172F3DAA62325AF021A68F707511A': allowed a key that no other entry has (aggregator.workers[0] has it, line 4)" },
	{ "peer_missing_address", "4: aggregator.actuators[0]: address is missing (the keys here are id, address, key)" },
	{ "bad_metrics_textfile", "3: metrics.textfile: bad value '/var/lib/node_exporter/agiswarm.txt': allowed a path ending in \"NAME.prom\" (node_exporter's textfile collector reads only *.prom)" },
	{ "metrics_listen_without_port", "4: metrics.listen: bad value '0.0.0.0': allowed \"A.B.C.D:PORT\" or \"[IPv6]:PORT\" (PORT 1..65535, required), e.g. \"0.0.0.0:9464\"" },
	{ "port_out_of_range", "3: aggregator.udp_port: bad value '70000': allowed an integer in 1..65535" },
	{ "scalar_for_section", "2: aggregator: a scalar where a mapping is expected (a section with the keys udp_port, bind_address, cycle_time_ms, timeout_ms, fault_tolerance, max_workers, miss_policy, control_law, pid, sensor_timeout_ms, safe_output, alert_miss_rate, probe_workers, epoch, code_seed, group_id, workers, actuators, sensors)" },
	{ "seed_key_fountain_codes", "2: fountain_codes: a key of the seeds that agiswarmd does not take: coding is always on: aggregator.fault_tolerance sets the redundancy" },
	{ "seed_key_worker_id", "3: worker.worker_id: a key of the seeds that agiswarmd does not take: use node.id (a number)" },
	{ "repl_bad_key", "4: aggregators.b.key: bad value 'not-a-key': allowed an Ed25519 public key, 64 hex digits (node.pub), or \"\"" },
	{ "repl_key_missing", "4: aggregators.b: key is missing: with replication.member set, every member needs its node public key (64 hex digits, its node.pub)" },
	{ "repl_member_unknown", "6: replication.member: bad value 'c': allowed the NAME of one of the aggregators: (2 listed)" },
	{ "repl_same_raft_port", "4: aggregators.b: raft_port 6001 on 127.0.0.1 is also aggregators.a's (line 3): every member needs its own" },
	{ "setpoint_out_of_q1_31", "4: aggregator.pid.setpoint[1]: bad value '1.2': allowed a decimal in [-1, 1) (Q1.31)" },
	{ "syntax_indent", "4:2: YAML syntax error: did not find expected key (while parsing a block mapping at line 2)" },
	{ "timeout_above_cycle", "4: aggregator.timeout_ms: bad value '30': allowed milliseconds, a decimal in 0.1..20 (at most aggregator.cycle_time_ms)" },
	{ "cycle_too_short", "3: aggregator.cycle_time_ms: bad value '0.05': allowed milliseconds, a decimal in 0.1..10000 (at most 3 decimals)" },
	{ "cycle_too_precise", "3: aggregator.cycle_time_ms: bad value '0.1005': allowed milliseconds, a decimal in 0.1..10000 (at most 3 decimals)" },
	{ "too_many_workers", "4: aggregator.workers: 2 workers: allowed at most aggregator.max_workers (1)" },
	{ "top_level_list", "2: the top level is a list; expected a mapping with the keys node, aggregator, worker, matrix, security, metrics, logging, aggregators, failover, replication" },
	{ "worker_aggregator_key_not_hex", "4: worker.aggregator.key: bad value '@/etc/agiswarm/aggregator.pub': allowed an Ed25519 public key, 64 hex digits (node.pub), or \"\"" },
	{ "two_documents", "5: a second YAML document: one file holds one configuration" },
	{ "unknown_key_misplaced", "3: aggregator.heartbeat_interval: unknown key; did you mean worker.heartbeat_interval?" },
	{ "unknown_key_nothing_close", "3: metrics.colour: unknown key; the keys of metrics are file, max_size, backup_count, textfile, listen" },
	{ "unknown_key_typo", "4: aggregator.udp_prot: unknown key; did you mean aggregator.udp_port?" },
};

static struct agi_config *new_config(void)
{
	struct agi_config *cfg = calloc(1, sizeof(*cfg));

	if (!cfg)
		abort();
	return cfg;
}

static int load_text(struct agi_config *cfg, const char *text, char *err)
{
	return agi_config_load_string(cfg, "t.yaml", text, err, ERR_LEN);
}

/* The effective configuration as text, without its first (comment) line. */
static char *printed(const struct agi_config *cfg)
{
	char *buf = NULL, *body;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	agi_config_print(f, cfg);
	fclose(f);
	body = strdup(strchr(buf, '\n') + 1);
	free(buf);
	return body;
}

TEST(every_invalid_case_has_its_exact_message)
{
	struct agi_config *cfg = new_config();
	char path[256], want[ERR_LEN], err[ERR_LEN];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(path, sizeof(path), CASES "%s.yaml", cases[i].file);
		snprintf(want, sizeof(want), "%s:%s", path, cases[i].msg);
		EXPECT_EQ(-EINVAL, agi_config_load(cfg, path, err, sizeof(err)))
			TH_LOG("%s loaded", path);
		EXPECT_STREQ(want, err);
	}
	free(cfg);
}

/* The seeds' config took 26 runs to migrate: every error comes at once. */
TEST(every_error_reported_at_once)
{
	struct agi_config *cfg = new_config();
	char err[ERR_LEN];

	EXPECT_EQ(-EINVAL, load_text(cfg,
		"aggregator:\n"
		"  cycle_time_ms: 0\n"
		"  miss_policy: sometimes\n"
		"  pid:\n"
		"    kp: 200\n"
		"security:\n"
		"  commit_window_s: 7200\n", err));
	EXPECT_STREQ("t.yaml:2: aggregator.cycle_time_ms: bad value '0': allowed milliseconds, a decimal in 0.1..10000 (at most 3 decimals)\n"
		     "t.yaml:3: aggregator.miss_policy: bad value 'sometimes': allowed hold or zero\n"
		     "t.yaml:5: aggregator.pid.kp: bad value '200': allowed a decimal in [-128, 128) (Q8.24)\n"
		     "t.yaml:7: security.commit_window_s: bad value '7200': allowed an integer in 1..3600",
		     err);
	free(cfg);
}

struct diffs {
	unsigned int n;
	char text[4][160];
};

static void on_diff(const char *key, const char *was, const char *now,
		    void *data)
{
	struct diffs *d = data;

	if (d->n < 4)
		snprintf(d->text[d->n], sizeof(d->text[0]), "%s: %s -> %s",
			 key, was, now);
	d->n++;
}

/* What SIGHUP logs and sorts by key: every difference, by its path. */
TEST(diff_names_each_changed_key)
{
	struct agi_config *a = new_config(), *b = new_config();
	struct diffs d = { 0 };
	char err[ERR_LEN];

	ASSERT_EQ(0, load_text(a, "aggregator:\n  timeout_ms: 40\n", err));
	ASSERT_EQ(0, load_text(b, "aggregator:\n  timeout_ms: 30\n"
				  "  pid:\n    setpoint: [0.5, 0.25]\n"
				  "node:\n  id: 4\n", err)) TH_LOG("%s", err);
	EXPECT_EQ(3, agi_config_diff(a, b, on_diff, &d));
	EXPECT_STREQ("node.id: 1 -> 4", d.text[0]);
	EXPECT_STREQ("aggregator.timeout_ms: 40 -> 30", d.text[1]);
	EXPECT_STREQ("aggregator.pid.setpoint: [] -> [0.5, 0.25]", d.text[2]);
	EXPECT_EQ(0, agi_config_diff(a, a, on_diff, &d));
	free(a);
	free(b);
}

/* A case file without an expected message would test nothing. */
TEST(every_case_file_is_listed)
{
	struct dirent *e;
	DIR *d = opendir(CASES);
	size_t i, n = 0;
	char name[256];

	ASSERT_NE(NULL, d);
	while ((e = readdir(d))) {
		if (!strstr(e->d_name, ".yaml"))
			continue;
		snprintf(name, sizeof(name), "%s", e->d_name);
		*strstr(name, ".yaml") = '\0';
		for (i = 0; i < ARRAY_SIZE(cases); i++)
			if (!strcmp(cases[i].file, name))
				break;
		EXPECT_LT(i, ARRAY_SIZE(cases)) TH_LOG("%s is not in cases[]", name);
		n++;
	}
	closedir(d);
	EXPECT_EQ(ARRAY_SIZE(cases), n);
}

/* Builds "a:\n  b:\n    c: 1\n" from "a.b.c". */
static void nested_yaml(const char *path, char *buf, size_t size)
{
	const char *p = path, *dot;
	int depth = 0;

	buf[0] = '\0';
	while ((dot = strchr(p, '.'))) {
		snprintf(buf + strlen(buf), size - strlen(buf), "%*s%.*s:\n",
			 2 * depth++, "", (int)(dot - p), p);
		p = dot + 1;
	}
	snprintf(buf + strlen(buf), size - strlen(buf), "%*s%s: 1\n",
		 2 * depth, "", p);
}

TEST(seed_keys_name_what_replaces_them)
{
	struct agi_config *cfg = new_config();
	char text[512], want[ERR_LEN], err[ERR_LEN];
	size_t i;

	for (i = 0; i < agi_config_nretired; i++) {
		nested_yaml(agi_config_retired[i].path, text, sizeof(text));
		snprintf(want, sizeof(want),
			 "%s: a key of the seeds that agiswarmd does not take: %s",
			 agi_config_retired[i].path, agi_config_retired[i].instead);
		EXPECT_EQ(-EINVAL, load_text(cfg, text, err));
		EXPECT_NE(NULL, strstr(err, want)) TH_LOG("%s", err);
	}
	free(cfg);
}

/* The default file sets every key, each to its default. */
TEST(app_config_sets_every_key_to_its_default)
{
	struct agi_config *cfg = new_config(), *def = new_config();
	char err[ERR_LEN], text[16384], leaf[80];
	char *got, *want;
	const char *l;
	size_t i, n;
	int depth;
	FILE *f;

	ASSERT_EQ(0, agi_config_load(cfg, "configs/app_config.yaml", err,
				      sizeof(err))) TH_LOG("%s", err);
	agi_config_defaults(def);
	got = printed(cfg);
	want = printed(def);
	EXPECT_STREQ(want, got);
	f = fopen("configs/app_config.yaml", "r");
	ASSERT_NE(NULL, f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	for (i = 0; i < agi_config_nkeys; i++) {
		for (depth = 0, l = agi_config_keys[i].path; strchr(l, '.');
		     depth++)
			l = strchr(l, '.') + 1;
		snprintf(leaf, sizeof(leaf), "\n%*s%s:", 2 * depth, "", l);
		EXPECT_NE(NULL, strstr(text, leaf))
			TH_LOG("%s is not in app_config.yaml", agi_config_keys[i].path);
	}
	free(got);
	free(want);
	free(cfg);
	free(def);
}

TEST(ha_config_is_a_group_of_three)
{
	struct agi_config *cfg = new_config();
	char err[ERR_LEN];

	ASSERT_EQ(0, agi_config_load(cfg, "configs/ha_config.yaml", err,
				      sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(3, cfg->n_group);
	EXPECT_STREQ("primary", cfg->group[0].name);
	EXPECT_EQ(1, cfg->group[0].priority);
	EXPECT_STREQ("192.0.2.3", cfg->group[2].ip);
	EXPECT_EQ(3, cfg->group[2].priority);
	EXPECT_EQ(4, cfg->workers.n);
	EXPECT_EQ(6001, ntohs(cfg->actuators.p[0].ep.addr.sin.sin_port));
	free(cfg);
}

/*
 * The group id an aggregator binds its rows to: its node id (0 to the
 * module) alone, security.swarm_id for every member of a replicated
 * group, aggregator.group_id when set.
 */
TEST(group_id_is_shared_by_a_replicated_group)
{
	struct agi_config *cfg = new_config();
	char err[ERR_LEN];

	ASSERT_EQ(0, load_text(cfg, "node: {id: 5}\n", err)) TH_LOG("%s", err);
	EXPECT_EQ(0, agi_config_group_id(cfg));
	ASSERT_EQ(0, load_text(cfg, "aggregator: {group_id: 4242}\n", err));
	EXPECT_EQ(4242, agi_config_group_id(cfg));
	ASSERT_EQ(0, agi_config_load(cfg, "configs/ha_config.yaml", err,
				      sizeof(err))) TH_LOG("%s", err);
	ASSERT_NE(0, cfg->swarm_id);
	EXPECT_EQ(cfg->swarm_id, agi_config_group_id(cfg));
	cfg->swarm_id = 77;
	EXPECT_EQ(77, agi_config_group_id(cfg));
	cfg->group_id = 9;
	EXPECT_EQ(9, agi_config_group_id(cfg));
	free(cfg);
}

/*
 * Ranks follow priority, not the order the members are written in, so
 * every member computes the same ones; the group's first epoch is rank
 * 0's; only an aggregator that names itself runs the group.
 */
TEST(ranks_follow_priority_and_rank_0_owns_the_first_epoch)
{
	struct agi_config *cfg = new_config();
	char err[ERR_LEN];
	static const char *group =
		"aggregators:\n"
		"  c: {ip: 192.0.2.3, priority: 30, key: \"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\"}\n"
		"  a: {ip: 192.0.2.1, priority: 5, key: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}\n"
		"  b: {ip: 192.0.2.2, priority: 7, key: \"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"}\n";
	char text[1024];

	snprintf(text, sizeof(text), "%sreplication: {member: b}\n", group);
	ASSERT_EQ(0, load_text(cfg, text, err)) TH_LOG("%s", err);
	ASSERT_EQ(3, cfg->n_group);
	EXPECT_EQ(2, agi_config_member_rank(cfg, 0));
	EXPECT_EQ(0, agi_config_member_rank(cfg, 1));
	EXPECT_EQ(1, agi_config_member_rank(cfg, 2));
	EXPECT_EQ(2, agi_config_self_member(cfg));
	EXPECT_TRUE(agi_config_in_group(cfg));
	EXPECT_EQ(8, agi_config_group_epoch(cfg));
	cfg->epoch = 8;
	EXPECT_EQ(8, agi_config_group_epoch(cfg));
	cfg->epoch = 17;
	EXPECT_EQ(24, agi_config_group_epoch(cfg));
	cfg->epoch = UINT64_MAX;
	EXPECT_EQ(0, agi_config_group_epoch(cfg) & 7);
	EXPECT_LE(UINT64_MAX - 7, agi_config_group_epoch(cfg));

	/* Without replication.member, or on a worker: no group of its own. */
	ASSERT_EQ(0, load_text(cfg, group, err)) TH_LOG("%s", err);
	EXPECT_FALSE(agi_config_in_group(cfg));
	EXPECT_EQ(-1, agi_config_self_member(cfg));
	snprintf(text, sizeof(text), "node: {id: 11, role: worker}\n%s", group);
	ASSERT_EQ(0, load_text(cfg, text, err)) TH_LOG("%s", err);
	EXPECT_FALSE(agi_config_in_group(cfg));
	free(cfg);
}

/* What --check-config prints is a configuration that means the same. */
TEST(printed_configuration_reads_back_to_itself)
{
	struct agi_config *cfg = new_config(), *again = new_config();
	char err[ERR_LEN];
	char *first, *second;

	ASSERT_EQ(0, agi_config_load(cfg, "configs/ha_config.yaml", err,
				      sizeof(err))) TH_LOG("%s", err);
	cfg->n_setpoint = 2;
	cfg->setpoint[0] = INT32_MIN;
	cfg->setpoint[1] = 12345;
	cfg->kd = -7;
	cfg->heartbeat_us = 100001;
	cfg->metrics_max_size = 3 << 20 | 1;
	first = printed(cfg);
	ASSERT_EQ(0, load_text(again, first, err)) TH_LOG("%s\n%s", err, first);
	second = printed(again);
	EXPECT_STREQ(first, second);
	EXPECT_EQ(12345, again->setpoint[1]);
	EXPECT_EQ(100001, again->heartbeat_us);
	free(first);
	free(second);
	free(cfg);
	free(again);
}

/* include/core/fixed.h: raw = round_half_away_from_zero(strtod(text) * 2^f). */
TEST(decimals_round_as_the_fixed_point_spec_says)
{
	struct agi_config *cfg = new_config();
	char err[ERR_LEN];

	ASSERT_EQ(0, load_text(cfg,
		"aggregator:\n"
		"  pid:\n"
		"    kp: 0.1\n"
		"    ki: -0.5\n"
		"    kd: -0.0000000298023223876953125\n"
		"    hi: 0.75\n"
		"    setpoint: [0.5, -0.25, 0.00000000023283064365386962890625]\n"
		"worker:\n"
		"  heartbeat_interval: 0.25\n"
		"metrics:\n"
		"  max_size: 512KB\n", err)) TH_LOG("%s", err);
	EXPECT_EQ(1677722, cfg->kp);		/* 1677721.6 */
	EXPECT_EQ(-(1 << 23), cfg->ki);
	EXPECT_EQ(-1, cfg->kd);			/* -0.5 LSB: away from zero */
	EXPECT_EQ(1610612736, cfg->hi);
	ASSERT_EQ(3, cfg->n_setpoint);
	EXPECT_EQ(1 << 30, cfg->setpoint[0]);
	EXPECT_EQ(-(1 << 29), cfg->setpoint[1]);
	EXPECT_EQ(1, cfg->setpoint[2]);		/* 0.5 LSB: away from zero */
	EXPECT_EQ(250000, cfg->heartbeat_us);
	EXPECT_EQ(524288, cfg->metrics_max_size);
	free(cfg);
}

TEST(deadline_default_fits_a_short_cycle)
{
	struct agi_config *cfg = new_config();
	char err[ERR_LEN];

	ASSERT_EQ(0, load_text(cfg, "aggregator: {cycle_time_ms: 20}\n", err));
	EXPECT_EQ(16000, cfg->timeout_us);
	ASSERT_EQ(0, load_text(cfg, "aggregator: {cycle_time_ms: 1}\n", err));
	EXPECT_EQ(800, cfg->timeout_us);
	ASSERT_EQ(0, load_text(cfg, "aggregator: {cycle_time_ms: 0.5}\n", err));
	EXPECT_EQ(500, cfg->cycle_time_us);
	EXPECT_EQ(400, cfg->timeout_us);
	/* 80 % of the floor is under it: the deadline is the floor. */
	ASSERT_EQ(0, load_text(cfg, "aggregator: {cycle_time_ms: 0.1}\n", err));
	EXPECT_EQ(100, cfg->timeout_us);
	ASSERT_EQ(0, load_text(cfg, "aggregator: {cycle_time_ms: 100}\n", err));
	EXPECT_EQ(40000, cfg->timeout_us);
	ASSERT_EQ(0, load_text(cfg, "aggregator: {cycle_time_ms: 2.5, timeout_ms: 2.125}\n", err));
	EXPECT_EQ(2500, cfg->cycle_time_us);
	EXPECT_EQ(2125, cfg->timeout_us);
	free(cfg);
}

TEST(empty_or_missing_input)
{
	struct agi_config *cfg = new_config();
	char err[ERR_LEN];

	EXPECT_EQ(0, load_text(cfg, "", err));
	EXPECT_EQ(0, load_text(cfg, "# nothing but a comment\n", err));
	EXPECT_EQ(0, load_text(cfg, "aggregator:\nworker: ~\n", err));
	EXPECT_EQ(50000, cfg->cycle_time_us);
	EXPECT_EQ(-ENOENT, agi_config_load(cfg, "/nonexistent/agi.yaml", err,
					    sizeof(err)));
	EXPECT_STREQ("/nonexistent/agi.yaml: No such file or directory", err);
	free(cfg);
}

TEST(setpoint_needs_one_value_per_row)
{
	struct agi_config *cfg = new_config();
	char err[ERR_LEN];

	ASSERT_EQ(0, load_text(cfg, "aggregator: {pid: {setpoint: [0.5, 0.25]}}\n",
			       err));
	EXPECT_EQ(0, agi_config_check_matrix(cfg, 2, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, agi_config_check_matrix(cfg, 8, err, sizeof(err)));
	EXPECT_STREQ("t.yaml: aggregator.pid.setpoint: 2 values, but the matrix has 8 rows (one setpoint per output)",
		     err);
	free(cfg);
}

/* Runs agiswarmd (next to agictl in the build) with stdout and stderr. */
static int run(char *const argv[], char *out, char *err, size_t size)
{
	FILE *o = tmpfile(), *e = tmpfile();
	int status;
	size_t n;
	pid_t pid;

	if (!o || !e)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fileno(o), 1);
		dup2(fileno(e), 2);
		execv(argv[0], argv);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	rewind(o);
	rewind(e);
	n = fread(out, 1, size - 1, o);
	out[n] = '\0';
	n = fread(err, 1, size - 1, e);
	err[n] = '\0';
	fclose(o);
	fclose(e);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void daemon_path(char *buf, size_t size)
{
	const char *agictl = getenv("AGICTL");
	const char *slash = agictl ? strrchr(agictl, '/') : NULL;

	if (slash)
		snprintf(buf, size, "%.*s/agiswarmd", (int)(slash - agictl),
			 agictl);
	else
		snprintf(buf, size, "build/agiswarmd");
}

TEST(agiswarmd_exit_status_and_messages)
{
	static char out[16384], err[16384];
	char bin[512];

	daemon_path(bin, sizeof(bin));
	if (access(bin, X_OK))
		SKIP(return, "%s is not built", bin);
	{
		char *argv[] = { bin, "--check-config", "--config",
				 "configs/app_config.yaml", NULL };

		EXPECT_EQ(0, run(argv, out, err, sizeof(out))) TH_LOG("%s", err);
		EXPECT_NE(NULL, strstr(out, "\n# matrix: control_matrices.state_feedback.matrix in configs/swarm_matrix.json: 8 x 8, Q1.31\n"));
	}
	{
		char *argv[] = { bin, "-t", "-c", "configs/app_config.yaml",
				 "--matrix", "configs/example_matrix.json", NULL };

		EXPECT_EQ(2, run(argv, out, err, sizeof(out)));
		EXPECT_STREQ("reading the matrix failed: configs/example_matrix.json: control_matrices.state_feedback.matrix[0][0]: 1.2 does not fit Q1.31 [-1, 0.9999999995]; Q8.24 holds it\n",
			     err);
		EXPECT_STREQ("", out);
	}
	{
		char *argv[] = { bin, "-t", "-c",
				 CASES "port_out_of_range.yaml", NULL };

		EXPECT_EQ(2, run(argv, out, err, sizeof(out)));
		EXPECT_STREQ(CASES "port_out_of_range.yaml:3: aggregator.udp_port: bad value '70000': allowed an integer in 1..65535\n",
			     err);
	}
	{
		char *argv[] = { bin, "--config", "/nonexistent.yaml", NULL };

		EXPECT_EQ(2, run(argv, out, err, sizeof(out)));
	}
	{
		char *argv[] = { bin, "--bogus", NULL };

		EXPECT_EQ(2, run(argv, out, err, sizeof(out)));
		EXPECT_NE(NULL, strstr(err, "\"--bogus\""));
	}
}

TEST_HARNESS_MAIN
