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

#include "user/metrics.h"
#include "agictl.h"

/* The ring keeps 1024 records; "last N" larger than that is no error. */
#define METRICS_LAST_MAX 1000000

struct record_list {
	struct agi_cycle *rec;
	size_t n, cap;
};

/* Keeps each record, without its vectors (they live in the message). */
static int keep_record(const struct agi_cycle *c, void *data)
{
	struct record_list *l = data;
	struct agi_cycle *grown;

	grown = agi_grow_rows(l->rec, l->n, &l->cap, sizeof(*grown), 256);
	if (!grown)
		return -ENOMEM;
	l->rec = grown;
	l->rec[l->n] = *c;
	l->rec[l->n].x = (struct agi_vec){ 0 };
	l->rec[l->n].y = (struct agi_vec){ 0 };
	l->rec[l->n].u = (struct agi_vec){ 0 };
	l->n++;
	return 0;
}

static void print_csv(const struct agi_cycle *c, size_t n,
		      const struct agictl_producer *p)
{
	char rank[8];
	size_t i;

	fputs(agi_metrics_csv_header, stdout);
	for (i = 0; i < n; i++)
		agi_metrics_csv_row(stdout, &c[i],
				    agictl_producer(p, c[i].epoch, rank,
						    sizeof(rank)));
}

static void print_record(const struct agi_cycle *c,
			 const struct agictl_producer *p)
{
	char lat[32], jit[32], rate[32], rank[8];
	const char *by = agictl_producer(p, c->epoch, rank, sizeof(rank));

	agi_us_as_ms(c->latency_us, lat, sizeof(lat));
	agi_us_as_ms(c->jitter_us, jit, sizeof(jit));
	agi_ppm_as_rate(c->error_ppm, rate, sizeof(rate));
	agi_open_object(NULL);
	agi_print_u64(AGI_PRINT_ANY, "cycle", "%-10llu", c->cycle);
	agi_print_u64(AGI_PRINT_JSON, "epoch", NULL, c->epoch);
	agi_print_string(AGI_PRINT_ANY, "status", " %-6s", c->missed ? "missed" : "ok");
	agi_print_u64(AGI_PRINT_JSON, "timestamp_ns", NULL, c->timestamp_ns);
	agi_print_u64(AGI_PRINT_JSON, "latency_us", NULL, c->latency_us);
	agi_print_u64(AGI_PRINT_JSON, "jitter_us", NULL, c->jitter_us);
	agi_print_text(" %10s %10s", lat, jit);
	agi_print_u64(AGI_PRINT_ANY, "worker_count", " %7llu", c->workers);
	agi_print_u64(AGI_PRINT_ANY, "task_count", " %5llu", c->tasks);
	agi_print_u64(AGI_PRINT_JSON, "error_ppm", NULL, c->error_ppm);
	agi_print_text(" %10s", rate);
	agi_print_u64(AGI_PRINT_ANY, "results_used", " %7llu", c->results_used);
	if (by)
		agi_print_string(AGI_PRINT_ANY, "producer", " %s", by);
	agi_print_text("\n");
	agi_close_object();
}

static void print_records(const struct agi_cycle *c, size_t n,
			  const struct agictl_producer *p)
{
	size_t i;

	agi_print_text("%-10s %-6s %10s %10s %7s %5s %10s %7s%s\n", "cycle",
		   "status", "latency_ms", "jitter_ms", "workers", "tasks",
		   "error_rate", "results", p->size > 1 ? " producer" : "");
	agi_print_begin_list();
	for (i = 0; i < n; i++)
		print_record(&c[i], p);
	agi_print_end_list();
}

static void metrics_usage(void)
{
	printf("Usage: agictl [-j] metrics [ last N ] [ --csv ]\n"
	       "The aggregator's records of its last cycles (at most 1024),\n"
	       "oldest first; \"last N\" keeps the newest N.\n"
	       "Text: one line per cycle: id, ok or missed, latency (tick to\n"
	       "output) and jitter (|tick spacing - period|) in ms, workers that\n"
	       "answered in time, tasks sent, the fraction of tasks unanswered,\n"
	       "results used; in a replicated group, the producer: the member\n"
	       "that owns the cycle's epoch, by its name when this node's\n"
	       "agiswarmd answers (agictl group status), else by its rank.\n"
	       "JSON: [{\"cycle\", \"epoch\", \"status\": \"ok\"|\"missed\",\n"
	       "\"timestamp_ns\", \"latency_us\", \"jitter_us\", \"worker_count\",\n"
	       "\"task_count\", \"error_ppm\", \"results_used\",\n"
	       "\"producer\" (in a group)}, ...]\n"
	       "--csv: the header\n"
	       "  timestamp,cycle_id,latency_ms,jitter_ms,worker_count,task_count,error_rate,epoch,producer\n"
	       "then one line per cycle: the tick's wall-clock time in seconds\n"
	       "with 6 decimals, latency and jitter in ms with 3 decimals, the\n"
	       "error rate as a fraction with 4 decimals (rounded half up), the\n"
	       "epoch, the producer (empty outside a group).\n"
	       "--csv and -j exclude each other.\n"
	       "agictl metrics plot --out FILE.png|FILE.svg [ --last N ] ...\n"
	       "draws them with gnuplot (\"agictl metrics plot help\").\n");
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
	if (*csv && agi_print_is_json())
		return agictl_usage_error("metrics: choose one of -j and --csv");
	return AGICTL_OK;
}

int agictl_metrics(int argc, char **argv)
{
	struct record_list l = { 0 };
	struct agictl_producer p;
	struct agi_nl nl;
	bool csv = false;
	u64 last = 0;
	size_t from;
	int ret;

	if (argc > 1 && agictl_is_help(argv[1])) {
		metrics_usage();
		return AGICTL_OK;
	}
	if (argc > 1 && !strcmp(argv[1], "plot"))
		return agictl_metrics_plot(argc - 1, argv + 1);
	ret = parse_metrics(argc - 1, argv + 1, &last, &csv);
	if (!ret)
		ret = agictl_open(&nl, "metrics");
	if (ret)
		return ret;
	ret = agi_metrics_get(&nl, 0, keep_record, &l);
	if (!ret)
		agictl_producer_init(&nl, &p);
	ret = agictl_close(&nl, "metrics", ret);
	if (ret)
		goto cleanup;
	from = last && last < l.n ? l.n - last : 0;
	if (csv)
		print_csv(l.rec + from, l.n - from, &p);
	else
		print_records(l.rec + from, l.n - from, &p);
cleanup:
	free(l.rec);
	return ret;
}
