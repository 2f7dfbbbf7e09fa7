// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agictl job: on-demand coded jobs of the aggregator (the UAPI header's
 * "Jobs"): run one (AGISWARM_CMD_JOB_SUBMIT and JOB_DATA) and wait for its
 * result, or not; show, list and cancel jobs (JOB_GET, JOB_CANCEL).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/fixed.h"
#include "user/job.h"
#include "user/matrix_json.h"
#include "user/names.h"
#include "agictl.h"

/* How often a waiting "job run" asks for its job. */
#define POLL_NS (10 * 1000 * 1000)

static void job_usage(void)
{
	printf("Usage: agictl [-j] job run matmul --a FILE.json --b FILE.json\n"
	       "                   [ --timeout DURATION ] [ --priority N ] [ --detach ]\n"
	       "                   [ --csv ]\n"
	       "       agictl [-j] job status ID [ --csv ]\n"
	       "       agictl [-j] job list\n"
	       "       agictl job cancel ID\n"
	       "A job runs on the aggregator's workers beside the cycle, coded like\n"
	       "it: stalled or dead workers cost nothing while enough answer, and\n"
	       "the cycle comes first. The result is exact by the fixed-point\n"
	       "specification.\n"
	       "  run matmul  result = A B. Each FILE.json holds one matrix:\n"
	       "              {\"matrix\": [[1, 2], [3, 4]], \"precision\": \"Q16.16\"}\n"
	       "              (precision Q1.31 when absent), A m x n and B n x k,\n"
	       "              each at most 256 x 256; the result is m x k in B's\n"
	       "              format. Waits for the result and prints it, one row\n"
	       "              per line (--csv: comma-separated); --detach prints\n"
	       "              the job's id instead. --timeout (\"10s\", \"500ms\")\n"
	       "              fails the job that long after it starts; --priority\n"
	       "              0..255, higher first (default 0)\n"
	       "  status      a job: state, size, columns decoded, workers, time,\n"
	       "              and its result once done\n"
	       "  list        every job the aggregator keeps (the last 16)\n"
	       "  cancel      stops a job, on the workers too\n"
	       "JSON: {\"id\", \"op\", \"state\", \"priority\", \"rows\", \"cols\",\n"
	       "\"inner\", \"format\", \"done\", \"workers\", \"elapsed_ms\", \"error\",\n"
	       "\"result\": [[...], ...]}; the result's entries are exact decimals.\n"
	       "A failed or cancelled job exits 1.\n");
}

/**
 * struct run_args - the command line of "job run"
 */
struct run_args {
	const char *op, *a, *b;
	u32 timeout_ms;
	u32 prio;
	bool detach, csv;
};

/* "--opt VALUE" or "--opt=VALUE" at argv[*i]; NULL when not @opt. */
static const char *opt_value(int argc, char **argv, int *i, const char *opt,
			     bool *missing)
{
	size_t n = strlen(opt);

	*missing = false;
	if (strncmp(argv[*i], opt, n))
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n])
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

static int parse_run(int argc, char **argv, struct run_args *r)
{
	static const char *const opts[] = { "--a", "--b", "--timeout",
					    "--priority" };
	const char *v;
	bool missing;
	size_t k;
	u32 us;
	int i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--detach")) {
			r->detach = true;
			continue;
		}
		if (!strcmp(argv[i], "--csv")) {
			r->csv = true;
			continue;
		}
		for (k = 0; k < ARRAY_SIZE(opts); k++) {
			v = opt_value(argc, argv, &i, opts[k], &missing);
			if (missing)
				return agictl_usage_error("job run: \"%s\" needs a value",
							  opts[k]);
			if (v)
				break;
		}
		if (k == 0) {
			r->a = v;
		} else if (k == 1) {
			r->b = v;
		} else if (k == 2) {
			if (agi_parse_duration_us(v, &us) || us < 1000)
				return agictl_usage_error("job run: bad timeout \"%s\" (allowed: 1ms to 4294s, e.g. \"10s\", \"500ms\")",
							  v);
			r->timeout_ms = us / 1000;
		} else if (k == 3) {
			if (agi_parse_u32(v, &r->prio) || r->prio > 255)
				return agictl_usage_error("job run: bad priority \"%s\" (allowed: 0..255)",
							  v);
		} else if (!strncmp(argv[i], "--", 2)) {
			return agictl_usage_error("unknown job run option \"%s\"",
						  argv[i]);
		} else if (!r->op) {
			r->op = argv[i];
		} else {
			return agictl_usage_error("job run takes one operation, \"%s\" is one too many",
						  argv[i]);
		}
	}
	if (!r->op)
		return agictl_usage_error("job run needs an operation (matmul)");
	if (strcmp(r->op, "matmul"))
		return agictl_usage_error("job run: unknown operation \"%s\" (allowed: matmul)",
					  r->op);
	if (!r->a || !r->b)
		return agictl_usage_error("job run matmul needs --a FILE.json and --b FILE.json");
	if (r->csv && agi_print_is_json())
		return agictl_usage_error("job: choose one of -j and --csv");
	return AGICTL_OK;
}

/* The job file @file's matrix, every failure reported in "job run"'s name. */
static int read_job_matrix(const char *file, struct agi_matrix *m)
{
	char err[1024];

	if (agi_matrix_read(file, "matrix", m, err, sizeof(err)))
		return agictl_fail("job run failed: %s", err);
	return AGICTL_OK;
}

static void print_result(const struct agi_job *j, bool csv)
{
	char dec[64];
	u32 i, c;

	if (csv) {
		for (i = 0; i < j->rows; i++) {
			for (c = 0; c < j->bcols; c++) {
				agi_q_to_decimal(j->result[(size_t)i * j->bcols + c],
						 j->fmt, dec, sizeof(dec));
				printf("%s%s", c ? "," : "", dec);
			}
			printf("\n");
		}
		return;
	}
	agi_open_array("result");
	for (i = 0; i < j->rows; i++) {
		agi_open_array(NULL);
		for (c = 0; c < j->bcols; c++) {
			agi_q_to_decimal(j->result[(size_t)i * j->bcols + c],
					 j->fmt, dec, sizeof(dec));
			agi_print_number(AGI_PRINT_ANY, NULL, c ? " %s" : "%s",
					 dec);
		}
		agi_print_text("\n");
		agi_close_array();
	}
	agi_close_array();
}

/* The job's members of the current JSON object, or its text line. */
static void print_job_fields(const struct agi_job *j)
{
	const struct agi_qinfo *q = agi_q_info(j->fmt);
	char ms[32];

	snprintf(ms, sizeof(ms), "%llu.%03llu",
		 (unsigned long long)(j->elapsed_ns / 1000000),
		 (unsigned long long)(j->elapsed_ns / 1000 % 1000));
	agi_print_u64(AGI_PRINT_ANY, "id", "job %llu", j->id);
	agi_print_string(AGI_PRINT_ANY, "op", " %s",
			 agi_name(&agi_job_op_names, j->op));
	agi_print_string(AGI_PRINT_ANY, "state", " %s", agi_name(&agi_job_state_names,
								j->state));
	agi_print_u64(AGI_PRINT_ANY, "rows", " %llu", j->rows);
	agi_print_u64(AGI_PRINT_ANY, "cols", "x%llu", j->bcols);
	agi_print_u64(AGI_PRINT_ANY, "inner", " (inner %llu)", j->cols);
	agi_print_string(AGI_PRINT_ANY, "format", " %s", q ? q->name : "none");
	agi_print_u64(AGI_PRINT_ANY, "priority", " priority %llu", j->prio);
	agi_print_u64(AGI_PRINT_ANY, "done", " columns %llu", j->done);
	agi_print_u64(AGI_PRINT_TEXT, NULL, "/%llu", j->bcols);
	agi_print_u64(AGI_PRINT_ANY, "workers", " workers %llu", j->workers);
	agi_print_number(AGI_PRINT_ANY, "elapsed_ms", " %s ms", ms);
	if (j->state == AGISWARM_JOB_FAILED)
		agi_print_string(AGI_PRINT_ANY, "error", " error: %s",
				 strerror((int)j->err));
	else
		agi_print_null(AGI_PRINT_JSON, "error", NULL);
	agi_print_text("\n");
}

static void print_job(const struct agi_job *j, bool csv)
{
	if (csv) {
		if (j->result)
			print_result(j, true);
		return;
	}
	agi_print_begin();
	print_job_fields(j);
	if (j->result)
		print_result(j, false);
	agi_print_end();
}

/* A job that ended other than done is a failure (exit 1). */
static int job_verdict(const struct agi_job *j)
{
	if (j->state == AGISWARM_JOB_FAILED)
		return agictl_fail("job %u failed: %s", j->id,
				   strerror((int)j->err));
	if (j->state == AGISWARM_JOB_CANCELLED)
		return agictl_fail("job %u was cancelled", j->id);
	return AGICTL_OK;
}

static int wait_job(struct agi_nl *nl, u32 id, struct agi_job *j)
{
	const struct timespec ts = { 0, POLL_NS };
	int err;

	for (;;) {
		err = agi_job_get(nl, id, true, j);
		if (err || j->state >= AGISWARM_JOB_DONE)
			return err;
		nanosleep(&ts, NULL);
	}
}

static int job_run(int argc, char **argv)
{
	struct agi_matrix a = { 0 }, b = { 0 };
	struct agi_job_req req = { .op = AGISWARM_JOB_OP_MATMUL };
	struct agi_job j = { 0 };
	struct run_args r;
	struct agi_nl nl;
	u32 id = 0;
	int ret;

	ret = parse_run(argc, argv, &r);
	if (!ret)
		ret = read_job_matrix(r.a, &a);
	if (!ret)
		ret = read_job_matrix(r.b, &b);
	if (!ret && a.cols != b.rows)
		ret = agictl_fail("job run failed: A (%s) is %ux%u and B (%s) %ux%u: A's columns must be B's rows",
				  r.a, a.rows, a.cols, r.b, b.rows, b.cols);
	if (!ret)
		ret = agictl_open(&nl, "job run");
	if (ret)
		goto out;
	req.a = &a;
	req.b = &b;
	req.prio = (u8)r.prio;
	req.timeout_ms = r.timeout_ms;
	ret = agi_job_submit(&nl, &req, &id);
	if (!ret && !r.detach)
		ret = wait_job(&nl, id, &j);
	ret = agictl_close(&nl, "job run", ret);
	if (ret)
		goto out;
	if (r.detach) {
		agi_print_begin();
		agi_print_u64(AGI_PRINT_ANY, "id", "%llu\n", id);
		agi_print_end();
	} else {
		ret = job_verdict(&j);
		if (!ret)
			print_job(&j, r.csv);
	}
out:
	free(j.result);
	agi_matrix_free(&a);
	agi_matrix_free(&b);
	return ret;
}

/*
 * "ID" into @id, as a usage error in @action's name when it is none; with
 * @csv, "--csv" is allowed too.
 */
static int parse_id(const char *action, int argc, char **argv, u32 *id,
		    bool *csv)
{
	bool want_csv = false;
	int i, n = 0;

	for (i = 0; i < argc; i++) {
		if (csv && !strcmp(argv[i], "--csv")) {
			want_csv = true;
		} else if (n++ || agi_parse_u32(argv[i], id) || !*id) {
			return agictl_usage_error("%s: bad job id \"%s\" (a job's number, from 1)",
						  action, argv[i]);
		}
	}
	if (!n)
		return agictl_usage_error("%s needs a job id", action);
	if (want_csv && agi_print_is_json())
		return agictl_usage_error("job: choose one of -j and --csv");
	if (csv)
		*csv = want_csv;
	return AGICTL_OK;
}

static int job_status(int argc, char **argv)
{
	struct agi_job j = { 0 };
	struct agi_nl nl;
	bool csv;
	u32 id;
	int ret;

	ret = parse_id("job status", argc, argv, &id, &csv);
	if (!ret)
		ret = agictl_open(&nl, "job status");
	if (!ret)
		ret = agictl_close(&nl, "job status",
				   agi_job_get(&nl, id, true, &j));
	if (!ret)
		print_job(&j, csv);
	free(j.result);
	return ret;
}

static int job_list(int argc, char **argv)
{
	struct agi_job *jobs = NULL;
	struct agi_nl nl;
	size_t n = 0, i;
	int ret;

	ret = agictl_max_args("job list", argc, argv, 0);
	if (!ret)
		ret = agictl_open(&nl, "job list");
	if (!ret)
		ret = agictl_close(&nl, "job list",
				   agi_job_list(&nl, &jobs, &n));
	if (ret)
		return ret;
	agi_print_begin_list();
	for (i = 0; i < n; i++) {
		agi_open_object(NULL);
		print_job_fields(&jobs[i]);
		agi_close_object();
	}
	agi_print_end_list();
	free(jobs);
	return AGICTL_OK;
}

static int job_cancel(int argc, char **argv)
{
	struct agi_nl nl;
	u32 id;
	int ret;

	ret = parse_id("job cancel", argc, argv, &id, NULL);
	if (!ret)
		ret = agictl_open(&nl, "job cancel");
	if (!ret)
		ret = agictl_close(&nl, "job cancel", agi_job_cancel(&nl, id));
	return ret;
}

int agictl_job(int argc, char **argv)
{
	static const struct agictl_verb verbs[] = {
		{ "run", job_run },
		{ "status", job_status },
		{ "list", job_list },
		{ "cancel", job_cancel },
	};

	if (argc < 2)
		return job_list(0, NULL);
	return agictl_run_verb(argc, argv, verbs, ARRAY_SIZE(verbs),
			       job_usage);
}
