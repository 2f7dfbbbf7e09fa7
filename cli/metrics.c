// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agictl metrics: the aggregator's per-cycle records (the GET_METRICS dump,
 * oldest first) as a table, JSON or the seeds' metrics.csv columns. Every
 * number is printed with integer arithmetic so that the CSV is exact.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "agictl.h"

/* The ring keeps 1024 records; "last N" larger than that is no error. */
#define METRICS_LAST_MAX 1000000

/* A vector attribute: whole s32s only, pointing into the message. */
static int get_vec(const struct nlattr *a, struct agi_vec *v)
{
	uint16_t len = mnl_attr_get_payload_len(a);

	if (len % sizeof(s32))
		return MNL_CB_ERROR;
	v->n = len / sizeof(s32);
	v->raw = mnl_attr_get_payload(a);
	return MNL_CB_OK;
}

static int cycle_attr_cb(const struct nlattr *a, void *data)
{
	struct agi_cycle *c = data;
	u64 v = 0;
	int ret = MNL_CB_OK;

	switch (mnl_attr_get_type(a)) {
	case AGISWARM_A_CYCLE_ID:
		ret = agi_attr_get_uint(a, MNL_TYPE_U64, &c->cycle);
		c->has_cycle = true;
		break;
	case AGISWARM_A_EPOCH:
		ret = agi_attr_get_uint(a, MNL_TYPE_U64, &c->epoch);
		break;
	case AGISWARM_A_STATUS:
		ret = agi_attr_get_uint(a, MNL_TYPE_U8, &v);
		c->missed = v == AGISWARM_CYCLE_MISSED;
		break;
	case AGISWARM_A_TIMESTAMP_NS:
		ret = agi_attr_get_uint(a, MNL_TYPE_U64, &c->timestamp_ns);
		break;
	case AGISWARM_A_LATENCY_US:
		ret = agi_attr_get_uint(a, MNL_TYPE_U32, &c->latency_us);
		break;
	case AGISWARM_A_JITTER_US:
		ret = agi_attr_get_uint(a, MNL_TYPE_U32, &c->jitter_us);
		break;
	case AGISWARM_A_WORKER_COUNT:
		ret = agi_attr_get_uint(a, MNL_TYPE_U32, &c->workers);
		break;
	case AGISWARM_A_TASK_COUNT:
		ret = agi_attr_get_uint(a, MNL_TYPE_U32, &c->tasks);
		break;
	case AGISWARM_A_ERROR_PPM:
		ret = agi_attr_get_uint(a, MNL_TYPE_U32, &c->error_ppm);
		break;
	case AGISWARM_A_RESULTS_USED:
		ret = agi_attr_get_uint(a, MNL_TYPE_U32, &c->results_used);
		break;
	case AGISWARM_A_FMT:
		ret = agi_attr_get_uint(a, MNL_TYPE_U8, &v);
		c->fmt = v;
		break;
	case AGISWARM_A_X:
		ret = get_vec(a, &c->x);
		break;
	case AGISWARM_A_Y:
		ret = get_vec(a, &c->y);
		break;
	case AGISWARM_A_U:
		ret = get_vec(a, &c->u);
		break;
	}
	return ret;
}

/* One metrics record or cycle event; vectors point into @nlh. */
int agi_cycle_parse(const struct nlmsghdr *nlh, struct agi_cycle *c)
{
	memset(c, 0, sizeof(*c));
	c->fmt = AGISWARM_Q1_31;
	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), cycle_attr_cb,
			   c) < 0 || !c->has_cycle)
		return -EBADMSG;
	return 0;
}

struct record_list {
	struct agi_cycle *rec;
	size_t n, cap;
};

static int record_cb(const struct nlmsghdr *nlh, void *data)
{
	struct record_list *l = data;
	struct agi_cycle *grown;

	grown = agi_grow_rows(l->rec, l->n, &l->cap, sizeof(*grown), 256);
	if (!grown)
		return MNL_CB_ERROR;
	l->rec = grown;
	if (agi_cycle_parse(nlh, &l->rec[l->n])) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	/* Kept past this message: nothing may point into its buffer. */
	l->rec[l->n].x = (struct agi_vec){ 0 };
	l->rec[l->n].y = (struct agi_vec){ 0 };
	l->rec[l->n].u = (struct agi_vec){ 0 };
	l->n++;
	return MNL_CB_OK;
}

/* "1.234" from microseconds: milliseconds with three decimals, exact. */
static void us_as_ms(u64 us, char *buf, size_t size)
{
	snprintf(buf, size, "%llu.%03llu", (unsigned long long)us / 1000,
		 (unsigned long long)us % 1000);
}

/* "0.0125" from parts per million: a fraction rounded half up to 1e-4. */
static void ppm_as_rate(u64 ppm, char *buf, size_t size)
{
	u64 q = (ppm + 50) / 100;

	snprintf(buf, size, "%llu.%04llu", (unsigned long long)q / 10000,
		 (unsigned long long)q % 10000);
}

const char agi_metrics_csv_header[] =
	"timestamp,cycle_id,latency_ms,jitter_ms,worker_count,task_count,error_rate\n";

/* One metrics.csv row; agiswarmd writes its file with it too. */
void agi_metrics_csv_row(FILE *f, const struct agi_cycle *c)
{
	char lat[32], jit[32], rate[32];

	us_as_ms(c->latency_us, lat, sizeof(lat));
	us_as_ms(c->jitter_us, jit, sizeof(jit));
	ppm_as_rate(c->error_ppm, rate, sizeof(rate));
	fprintf(f, "%llu.%06llu,%llu,%s,%s,%llu,%llu,%s\n",
		(unsigned long long)c->timestamp_ns / 1000000000,
		(unsigned long long)c->timestamp_ns % 1000000000 / 1000,
		(unsigned long long)c->cycle, lat, jit,
		(unsigned long long)c->workers, (unsigned long long)c->tasks,
		rate);
}

static void print_csv(const struct agi_cycle *c, size_t n)
{
	size_t i;

	fputs(agi_metrics_csv_header, stdout);
	for (i = 0; i < n; i++)
		agi_metrics_csv_row(stdout, &c[i]);
}

static void print_record(const struct agi_cycle *c)
{
	char lat[32], jit[32], rate[32];

	us_as_ms(c->latency_us, lat, sizeof(lat));
	us_as_ms(c->jitter_us, jit, sizeof(jit));
	ppm_as_rate(c->error_ppm, rate, sizeof(rate));
	open_object(NULL);
	print_u64(PRINT_ANY, "cycle", "%-10llu", c->cycle);
	print_u64(PRINT_JSON, "epoch", NULL, c->epoch);
	print_string(PRINT_ANY, "status", " %-6s", c->missed ? "missed" : "ok");
	print_u64(PRINT_JSON, "timestamp_ns", NULL, c->timestamp_ns);
	print_u64(PRINT_JSON, "latency_us", NULL, c->latency_us);
	print_u64(PRINT_JSON, "jitter_us", NULL, c->jitter_us);
	print_text(" %10s %10s", lat, jit);
	print_u64(PRINT_ANY, "worker_count", " %7llu", c->workers);
	print_u64(PRINT_ANY, "task_count", " %5llu", c->tasks);
	print_u64(PRINT_JSON, "error_ppm", NULL, c->error_ppm);
	print_text(" %10s", rate);
	print_u64(PRINT_ANY, "results_used", " %7llu\n", c->results_used);
	close_object();
}

static void print_records(const struct agi_cycle *c, size_t n)
{
	size_t i;

	print_text("%-10s %-6s %10s %10s %7s %5s %10s %7s\n", "cycle",
		   "status", "latency_ms", "jitter_ms", "workers", "tasks",
		   "error_rate", "results");
	print_begin_list();
	for (i = 0; i < n; i++)
		print_record(&c[i]);
	print_end_list();
}

static void metrics_usage(void)
{
	printf("Usage: agictl [-j] metrics [ last N ] [ --csv ]\n"
	       "The aggregator's records of its last cycles (at most 1024),\n"
	       "oldest first; \"last N\" keeps the newest N.\n"
	       "Text: one line per cycle: id, ok or missed, latency (tick to\n"
	       "output) and jitter (|tick spacing - period|) in ms, workers that\n"
	       "answered in time, tasks sent, the fraction of tasks unanswered,\n"
	       "results used.\n"
	       "JSON: [{\"cycle\", \"epoch\", \"status\": \"ok\"|\"missed\",\n"
	       "\"timestamp_ns\", \"latency_us\", \"jitter_us\", \"worker_count\",\n"
	       "\"task_count\", \"error_ppm\", \"results_used\"}, ...]\n"
	       "--csv: the header\n"
	       "  timestamp,cycle_id,latency_ms,jitter_ms,worker_count,task_count,error_rate\n"
	       "then one line per cycle: the tick's wall-clock time in seconds\n"
	       "with 6 decimals, latency and jitter in ms with 3 decimals, the\n"
	       "error rate as a fraction with 4 decimals (rounded half up).\n"
	       "--csv and -j exclude each other.\n");
}

static int parse_metrics(int argc, char **argv, u64 *last, bool *csv)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--csv")) {
			*csv = true;
		} else if (!strcmp(argv[i], "last")) {
			if (i + 1 >= argc)
				return agictl_usage_error("\"last\" needs a count");
			if (agi_parse_u64(argv[i + 1], METRICS_LAST_MAX, last) ||
			    !*last)
				return agictl_usage_error("invalid count \"%s\" (expected 1..%d)",
							  argv[i + 1],
							  METRICS_LAST_MAX);
			i++;
		} else {
			return agictl_usage_error("unknown metrics argument \"%s\", try \"agictl metrics help\".",
						  argv[i]);
		}
	}
	if (*csv && print_is_json())
		return agictl_usage_error("metrics: choose one of -j and --csv");
	return AGICTL_OK;
}

int agictl_metrics(int argc, char **argv)
{
	struct record_list l = { 0 };
	bool csv = false;
	u64 last = 0;
	size_t from;
	int ret;

	if (argc > 1 && agictl_is_help(argv[1])) {
		metrics_usage();
		return AGICTL_OK;
	}
	ret = parse_metrics(argc - 1, argv + 1, &last, &csv);
	if (ret)
		return ret;
	ret = agi_nl_get_dump("metrics", AGISWARM_CMD_GET_METRICS, record_cb,
			      &l);
	if (ret)
		goto cleanup;
	from = last && last < l.n ? l.n - last : 0;
	if (csv)
		print_csv(l.rec + from, l.n - from);
	else
		print_records(l.rec + from, l.n - from);
cleanup:
	free(l.rec);
	return ret;
}
