// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agictl status: the module's version, this node's role and id, and the
 * counters of this network namespace (AGISWARM_CMD_GET_STATUS).
 */
#include <stdio.h>
#include <string.h>

#include "user/names.h"
#include "user/status.h"
#include "agictl.h"

static void print_counters(const struct agi_status *st)
{
	unsigned int i;

	agi_print_text("counters:\n");
	agi_open_object("counters");
	for (i = 0; i <= AGISWARM_CNT_MAX; i++) {
		if (!st->has_counter[i])
			continue;
		agi_print_text("    %-18s ", agi_counter_name(i));
		agi_print_u64(AGI_PRINT_ANY, agi_counter_name(i), "%llu\n",
			      st->counter[i]);
	}
	agi_close_object();
}

/* A duration in microseconds as "50ms", "500us" or "1.5ms" (text only). */
static void print_duration(const char *label, const char *key, uint64_t us)
{
	agi_print_u64(AGI_PRINT_JSON, key, NULL, us);
	if (us % 1000 == 0)
		agi_print_text(" %s %llums", label, (unsigned long long)us / 1000);
	else
		agi_print_text(" %s %lluus", label, (unsigned long long)us);
}

static const char *const safe_names[] = {
	[AGISWARM_SAFE_NONE] = "no",
	[AGISWARM_SAFE_SENSOR_TIMEOUT] = "sensor-timeout",
	[AGISWARM_SAFE_ESTOP] = "estop",
};

/* Daemon, staged change, safety, audit watermark: what was reported. */
static void print_intent(const struct agi_status *st)
{
	const uint64_t *f = st->field;
	const bool *has = st->has;
	u64 safe = f[AGI_ST_SAFE_STATE];

	if (has[AGI_ST_DAEMON_PORTID]) {
		agi_print_bool(AGI_PRINT_JSON, "daemon", NULL,
			       f[AGI_ST_DAEMON_PORTID] != 0);
		agi_print_text("daemon %s", f[AGI_ST_DAEMON_PORTID] ?
			       "attached" : "none");
	}
	if (has[AGI_ST_STAGED_CYCLE]) {
		if (f[AGI_ST_STAGED_CYCLE])
			agi_print_u64(AGI_PRINT_ANY, "staged_cycle",
				      " staged for cycle %llu",
				      f[AGI_ST_STAGED_CYCLE]);
		else
			agi_print_null(AGI_PRINT_ANY, "staged_cycle",
				       " nothing staged");
	}
	if (has[AGI_ST_DAEMON_PORTID] || has[AGI_ST_STAGED_CYCLE])
		agi_print_text("\n");
	if (has[AGI_ST_SAFE_STATE])
		agi_print_string(AGI_PRINT_ANY, "safe", "safe output %s",
				 safe < ARRAY_SIZE(safe_names) ? safe_names[safe] :
								 "unknown");
	if (has[AGI_ST_SENSOR_TIMEOUT_US]) {
		if (f[AGI_ST_SENSOR_TIMEOUT_US])
			print_duration("sensor timeout", "sensor_timeout_us",
				       f[AGI_ST_SENSOR_TIMEOUT_US]);
		else
			agi_print_u64(AGI_PRINT_ANY, "sensor_timeout_us",
				      " sensor timeout off", 0);
	}
	if (has[AGI_ST_SAFE_STATE] || has[AGI_ST_SENSOR_TIMEOUT_US])
		agi_print_text("\n");
	if (has[AGI_ST_AUDIT_SEQ] && has[AGI_ST_AUDIT_RECORDS]) {
		agi_print_u64(AGI_PRINT_ANY, "audit_seq", "audit watermark seq %llu",
			      f[AGI_ST_AUDIT_SEQ]);
		agi_print_u64(AGI_PRINT_ANY, "audit_records", " records %llu\n",
			      f[AGI_ST_AUDIT_RECORDS]);
	}
}

/* Port, epoch, cycle: only what the module reported. */
static void print_fields(const struct agi_status *st)
{
	const uint64_t *f = st->field;
	const bool *has = st->has;

	if (has[AGI_ST_PORT])
		agi_print_u64(AGI_PRINT_ANY, "port", "port %llu", f[AGI_ST_PORT]);
	if (has[AGI_ST_EPOCH])
		agi_print_u64(AGI_PRINT_ANY, "epoch", " epoch %llu", f[AGI_ST_EPOCH]);
	if (has[AGI_ST_GROUP_ID])
		agi_print_u64(AGI_PRINT_ANY, "group_id", " group %llu",
			      f[AGI_ST_GROUP_ID]);
	if (has[AGI_ST_REDUNDANCY])
		agi_print_u64(AGI_PRINT_ANY, "redundancy", " redundancy %llu",
			  f[AGI_ST_REDUNDANCY]);
	if (has[AGI_ST_PROBE_JOIN] && f[AGI_ST_PROBE_JOIN]) {
		agi_print_bool(AGI_PRINT_JSON, "probe_join", NULL, true);
		agi_print_text(" probe-join on");
	}
	if (has[AGI_ST_PORT] || has[AGI_ST_EPOCH] || has[AGI_ST_GROUP_ID] ||
	    has[AGI_ST_REDUNDANCY])
		agi_print_text("\n");
	if (has[AGI_ST_RUNNING]) {
		agi_print_bool(AGI_PRINT_JSON, "running", NULL, f[AGI_ST_RUNNING]);
		agi_print_text("cycle %s", f[AGI_ST_RUNNING] ? "running" : "stopped");
	}
	if (has[AGI_ST_PERIOD_US])
		print_duration("period", "cycle_us", f[AGI_ST_PERIOD_US]);
	if (has[AGI_ST_DEADLINE_US])
		print_duration("deadline", "deadline_us", f[AGI_ST_DEADLINE_US]);
	if (has[AGI_ST_MISS])
		agi_print_string(AGI_PRINT_ANY, "miss", " miss %s",
				 agi_name(&agi_miss_names, f[AGI_ST_MISS]));
	if (has[AGI_ST_LAW])
		agi_print_string(AGI_PRINT_ANY, "law", " law %s",
				 agi_name(&agi_law_names, f[AGI_ST_LAW]));
	if (has[AGI_ST_CYCLE_ID])
		agi_print_u64(AGI_PRINT_ANY, "cycle_id", " last cycle %llu",
			  f[AGI_ST_CYCLE_ID]);
	if (has[AGI_ST_RUNNING] || has[AGI_ST_PERIOD_US] || has[AGI_ST_CYCLE_ID])
		agi_print_text("\n");
	print_intent(st);
}

/*
 * How long decoding one RESULT held the aggregator's cycle lock: the
 * longest, and the non-empty log2 buckets ("<1us 40, 1-2us 12, ...").
 */
static void print_decode(const struct agi_status *st)
{
	const char *sep = ":";
	unsigned int k;
	u64 n = 0;

	agi_open_array("decode_hist");
	for (k = 0; k < AGISWARM_DECODE_BUCKETS; k++) {
		agi_print_u64(AGI_PRINT_JSON, NULL, NULL, st->decode_hist[k]);
		n += st->decode_hist[k];
	}
	agi_close_array();
	if (st->has[AGI_ST_DECODE_MAX_NS])
		agi_print_u64(AGI_PRINT_JSON, "decode_max_ns", NULL,
			      st->field[AGI_ST_DECODE_MAX_NS]);
	agi_print_text("decode per result");
	if (!n) {
		agi_print_text(": none yet\n");
		return;
	}
	if (st->has[AGI_ST_DECODE_MAX_NS]) {
		agi_print_text(": max %lluus",
			       (unsigned long long)st->field[AGI_ST_DECODE_MAX_NS] / 1000);
		sep = ",";
	}
	for (k = 0; k < AGISWARM_DECODE_BUCKETS; k++) {
		if (!st->decode_hist[k])
			continue;
		if (k == 0)
			agi_print_text("%s <1us", sep);
		else if (k == AGISWARM_DECODE_BUCKETS - 1)
			agi_print_text("%s >=%uus", sep, 1U << (k - 1));
		else
			agi_print_text("%s %u-%uus", sep, 1U << (k - 1), 1U << k);
		agi_print_text(" %llu", (unsigned long long)st->decode_hist[k]);
		sep = ",";
	}
	agi_print_text("\n");
}

void agictl_print_threshold(const struct agi_status *st, const char *text)
{
	const uint64_t *f = st->field;

	agi_print_u64(AGI_PRINT_ANY, "failure_threshold", text,
		      f[AGI_ST_FAILURE_THRESHOLD]);
	if (st->has[AGI_ST_THRESHOLD_NOW]) {
		agi_print_u64(AGI_PRINT_JSON, "failure_threshold_now", NULL,
			      f[AGI_ST_THRESHOLD_NOW]);
		if (f[AGI_ST_THRESHOLD_NOW] != f[AGI_ST_FAILURE_THRESHOLD])
			agi_print_u64(AGI_PRINT_TEXT, NULL, " (%llu in effect)",
				      f[AGI_ST_THRESHOLD_NOW]);
	}
	agi_print_text("\n");
}

/*
 * A member of a replicated group: its rank, mode, the epoch's owner, the
 * last cycle record it adopted, its failure threshold (text and JSON only
 * in a group of two or more).
 */
static void print_group(const struct agi_status *st)
{
	const uint64_t *f = st->field;
	u64 mode = f[AGI_ST_GROUP_MODE];

	if (!st->has[AGI_ST_GROUP_SIZE] || f[AGI_ST_GROUP_SIZE] < 2)
		return;
	agi_open_object("group");
	agi_print_u64(AGI_PRINT_ANY, "rank", "group rank %llu", f[AGI_ST_GROUP_RANK]);
	agi_print_u64(AGI_PRINT_ANY, "size", " of %llu", f[AGI_ST_GROUP_SIZE]);
	agi_print_string(AGI_PRINT_ANY, "mode", " %s",
			 agi_name(&agi_group_mode_names, (unsigned int)mode));
	agi_print_u64(AGI_PRINT_ANY, "epoch_owner", " epoch owner rank %llu",
		      f[AGI_ST_EPOCH_OWNER]);
	agi_print_u64(AGI_PRINT_ANY, "record_cycle", " last record %llu",
		      f[AGI_ST_RECORD_CYCLE]);
	agictl_print_threshold(st, " failure threshold %llu");
	agi_close_object();
}

/*
 * What only an aggregator's status means. A worker's module reports them
 * too (the node's cycle settings, kept across a change of role), but a
 * worker runs no cycle, stages nothing, drives no outputs and belongs to
 * no aggregator group: its status leaves them out.
 */
static const unsigned int aggregator_only[] = {
	AGI_ST_PERIOD_US, AGI_ST_DEADLINE_US, AGI_ST_MISS, AGI_ST_LAW,
	AGI_ST_RUNNING, AGI_ST_CYCLE_ID, AGI_ST_REDUNDANCY,
	AGI_ST_DECODE_MAX_NS, AGI_ST_STAGED_CYCLE, AGI_ST_SENSOR_TIMEOUT_US,
	AGI_ST_SAFE_STATE, AGI_ST_HELD_CYCLE, AGI_ST_GROUP_ID,
	AGI_ST_GROUP_RANK, AGI_ST_GROUP_SIZE, AGI_ST_FAILURE_THRESHOLD,
	AGI_ST_THRESHOLD_NOW, AGI_ST_GROUP_MODE, AGI_ST_EPOCH_OWNER, AGI_ST_RECORD_CYCLE,
	AGI_ST_PROBE_JOIN,
};

static void print_status(struct agi_status *st)
{
	unsigned int i;

	if (st->role == AGISWARM_ROLE_WORKER)
		for (i = 0; i < ARRAY_SIZE(aggregator_only); i++)
			st->has[aggregator_only[i]] = false;
	agi_print_begin();
	agi_print_string(AGI_PRINT_ANY, "version", "agiswarm %s", st->version);
	agi_print_string(AGI_PRINT_ANY, "agictl_version", " (agictl %s)\n",
		     AGISWARM_VERSION);
	agi_print_string(AGI_PRINT_ANY, "role", "role %s", agi_role_name(st->role));
	agi_print_u64(AGI_PRINT_ANY, "node_id", " node id %llu\n", st->node_id);
	print_fields(st);
	print_group(st);
	if (st->has_decode && st->role == AGISWARM_ROLE_AGGREGATOR)
		print_decode(st);
	print_counters(st);
	agi_print_end();
}

static void status_usage(void)
{
	printf("Usage: agictl [-j] status [ show ]\n"
		"Shows the module's version, this node's role and id and every\n"
		"counter the module reports for this network namespace and,\n"
		"from a module with the data path, its port and epoch.\n"
		"An aggregator also shows its group id (the group row sets are\n"
		"bound to: as set with \"node set group-id\", else the node id),\n"
		"redundancy, \"probe-join on\" when workers that join are probed\n"
		"first, whether its cycle runs, period, deadline, miss policy,\n"
		"control law and last cycle id, whether a daemon is attached,\n"
		"the earliest cycle a staged change waits for, whether the\n"
		"outputs are safe (no, sensor-timeout, estop), the sensor\n"
		"timeout, the daemon's audit watermark (last seq, records) and\n"
		"how long decoding one worker's result held the cycle lock: the\n"
		"longest and a histogram in powers of two of microseconds. A\n"
		"member of a replicated aggregator group (group size 2 or more)\n"
		"shows its rank, the group's size, its mode (primary: drives the\n"
		"cycle; backup: follows the primary's cycle records), the rank\n"
		"owning the epoch, the last cycle record it adopted and its\n"
		"failure threshold (\"(N in effect)\" while a takeover of a\n"
		"primary that was alive has raised it); the counters\n"
		"records_missed, takeovers, divergences and deposed say how the\n"
		"group fared. A worker shows whether a daemon is attached and\n"
		"the audit watermark.\n"
		"JSON: {\"version\", \"agictl_version\", \"role\", \"node_id\",\n"
		"       \"port\", \"epoch\", \"group_id\", \"redundancy\",\n"
		"       \"probe_join\": true (when on),\n"
		"       \"running\": true|false,\n"
		"       \"cycle_us\", \"deadline_us\", \"miss\": \"hold\"|\n"
		"       \"zero\", \"law\": \"feedback\"|\"pid\", \"cycle_id\",\n"
		"       \"daemon\": true|false, \"staged_cycle\": N|null,\n"
		"       \"safe\": \"no\"|\"sensor-timeout\"|\"estop\",\n"
		"       \"sensor_timeout_us\", \"audit_seq\", \"audit_records\",\n"
		"       \"decode_hist\": [N <1us, N 1-2us, N 2-4us, ...,\n"
		"       N >=16384us], \"decode_max_ns\",\n"
		"       \"group\": {\"rank\", \"size\", \"mode\": \"primary\"|\n"
		"       \"backup\", \"epoch_owner\", \"record_cycle\",\n"
		"       \"failure_threshold\", \"failure_threshold_now\"}\n"
		"       (in a group only),\n"
		"       \"counters\": {\"rx_packets\": N, ...}}\n"
		"(keys the module does not report are left out, and on a worker\n"
		"all but version, role, node_id, port, epoch, daemon, the audit\n"
		"watermark and the counters).\n");
}

int agictl_status(int argc, char **argv)
{
	struct agi_status st;
	struct agi_nl nl;
	int ret;

	if (argc > 1 && agictl_is_help(argv[1])) {
		status_usage();
		return AGICTL_OK;
	}
	if (argc > 1 && strcmp(argv[1], "show"))
		return agictl_usage_error("unknown status command \"%s\", try \"agictl status help\".",
					  argv[1]);
	if (argc > 2)
		return agictl_max_args("status", argc - 2, argv + 2, 0);
	ret = agictl_open(&nl, "status");
	if (!ret)
		ret = agictl_close(&nl, "status", agi_status_get(&nl, &st));
	if (ret == AGICTL_OK)
		print_status(&st);
	return ret;
}
