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
#include "core/probe.h"
#include "user/job.h"
#include "user/matrix_json.h"
#include "user/names.h"
#include "user/status.h"
#include "agictl.h"

/* How often a waiting "job run" asks for its job. */
#define POLL_NS (10 * 1000 * 1000)

static void job_usage(void)
{
	printf("Usage: agictl [-j] job run matmul --a FILE.json --b FILE.json [ RUN ]\n"
	       "       agictl [-j] job run fixed-probe --worker ID [ --timeout DURATION ]\n"
	       "       agictl [-j] job run control-update --setpoint V --feedback V ...\n"
	       "       agictl [-j] job run fir --taps FILE.json --signal FILE.json [ RUN ]\n"
	       "       agictl [-j] job run mlp --model FILE.json --input FILE.json [ RUN ]\n"
	       "       RUN := [ --timeout DURATION ] [ --priority N ] [ --detach ] [ --csv ]\n"
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
	       "  run fir     y[i] = sum of h[t] x[i - t] (x[j] = 0 for j < 0), as\n"
	       "              the matmul of the taps' Toeplitz matrix and the signal:\n"
	       "              {\"taps\": [[h0, h1, ...]]} and {\"signal\": [[x0, ...]]},\n"
	       "              each with its \"precision\"; at most 256 samples; y in the\n"
	       "              signal's format, printed as one row\n"
	       "  run mlp     layers of W x + b, ReLU between them, each W x a job:\n"
	       "              {\"layer1\": {\"weights\": {\"matrix\": ..., \"precision\": ...},\n"
	       "              \"bias\": {\"matrix\": [[b0, ...]], \"precision\": ...}}, \"layer2\":\n"
	       "              ...} and {\"input\": [[x0, ...]]}; bias and activations in\n"
	       "              the input's format; the output printed as one row\n"
	       "  run fixed-probe --worker ID [ --timeout DURATION ]: known-answer\n"
	       "              exact dot products (extremes, sums past 64 bits, signs)\n"
	       "              on that worker alone, each compared bit for bit with\n"
	       "              the aggregator's own; a worker that differs is refused\n"
	       "              (assigned no rows until a probe passes) and this\n"
	       "              exits 1\n"
	       "  run control-update --setpoint V --feedback V [ --integral V ]\n"
	       "              [ --prev-error V ]: one PID step of the law the\n"
	       "              aggregator runs (its gains and limits), with the\n"
	       "              cycle's arithmetic (gains Q8.24, signals Q1.31): u,\n"
	       "              e and the next step's integral; a tuning aid, computed\n"
	       "              here, nothing sent to the workers or the plant\n"
	       "  status      a job: state, size, columns decoded, workers, time,\n"
	       "              and its result once done\n"
	       "  list        every job the aggregator keeps (the last 16)\n"
	       "  cancel      stops a job, on the workers too\n"
	       "JSON: {\"id\", \"op\", \"state\", \"priority\", \"rows\", \"cols\",\n"
	       "\"inner\", \"format\", \"done\", \"workers\", \"elapsed_ms\", \"error\",\n"
	       "\"result\": [[...], ...]} (and a probe's \"worker\"); the result's\n"
	       "entries are exact decimals. With \"node set probe-join on\" the\n"
	       "module probes every worker that joins itself: those probes are\n"
	       "listed too.\n"
	       "A failed or cancelled job exits 1.\n");
}

/**
 * struct run_args - the command line of "job run"
 * @op: "matmul", "fir" or "mlp"
 * @a: --a, --taps or --model
 * @b: --b, --signal or --input
 */
struct run_args {
	const char *op, *a, *b;
	u8 code;
	u32 timeout_ms;
	u32 prio;
	bool detach, csv;
};

/* Each operation's two files: the options that name them. */
static const struct {
	const char *op, *a, *b;
	u8 code;
} ops[] = {
	{ "matmul", "--a", "--b", AGISWARM_JOB_OP_MATMUL },
	{ "fir", "--taps", "--signal", AGISWARM_JOB_OP_FIR },
	{ "mlp", "--model", "--input", AGISWARM_JOB_OP_MLP },
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

/*
 * Which of @opts ("--name VALUE" or "--name=VALUE") argv[*i] is: *@k its
 * index (@n for none) and *@v its value, *@i moved past what was used.
 * A usage error, in @action's name, for a name without its value.
 */
static int match_opt(const char *action, int argc, char **argv, int *i,
		     const char *const *opts, size_t n, size_t *k,
		     const char **v)
{
	bool missing;

	for (*k = 0; *k < n; (*k)++) {
		*v = opt_value(argc, argv, i, opts[*k], &missing);
		if (missing)
			return agictl_usage_error("%s: \"%s\" needs a value",
						  action, opts[*k]);
		if (*v)
			break;
	}
	return AGICTL_OK;
}

static int parse_run(int argc, char **argv, struct run_args *r)
{
	static const char *const opts[] = { "--a", "--b", "--timeout",
					    "--priority", "--taps", "--signal",
					    "--model", "--input" };
	const char *files[ARRAY_SIZE(opts)] = { NULL };
	const char *v = NULL;
	size_t o;
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
		if (match_opt("job run", argc, argv, &i, opts,
			      ARRAY_SIZE(opts), &k, &v))
			return AGICTL_USAGE;
		if (k < ARRAY_SIZE(opts) && k != 2 && k != 3) {
			files[k] = v;
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
		return agictl_usage_error("job run needs an operation (matmul, fir, mlp, fixed-probe or control-update)");
	for (o = 0; o < ARRAY_SIZE(ops); o++)
		if (!strcmp(r->op, ops[o].op))
			break;
	if (o == ARRAY_SIZE(ops))
		return agictl_usage_error("job run: unknown operation \"%s\" (allowed: matmul, fir, mlp, fixed-probe, control-update)",
					  r->op);
	for (k = 0; k < ARRAY_SIZE(opts); k++) {
		if (!files[k])
			continue;
		if (!strcmp(opts[k], ops[o].a))
			r->a = files[k];
		else if (!strcmp(opts[k], ops[o].b))
			r->b = files[k];
		else
			return agictl_usage_error("job run %s takes %s and %s, not %s",
						  r->op, ops[o].a, ops[o].b,
						  opts[k]);
	}
	if (!r->a || !r->b)
		return agictl_usage_error("job run %s needs %s FILE.json and %s FILE.json",
					  r->op, ops[o].a, ops[o].b);
	r->code = ops[o].code;
	if (r->csv && agi_print_is_json())
		return agictl_usage_error("job: choose one of -j and --csv");
	return AGICTL_OK;
}

/*
 * The matrix at key path @path of @file, every failure reported in "job
 * run"'s name; with @one_row, it must be one row (a vector). With
 * @optional, a missing key is -ENOKEY, not reported.
 */
static int read_job_matrix(const char *file, const char *path, bool one_row,
			   bool optional, struct agi_matrix *m)
{
	char err[1024];
	int ret;

	ret = agi_matrix_read(file, path, m, err, sizeof(err));
	if (ret == -ENOKEY && optional)
		return ret;
	if (ret)
		return agictl_fail("job run failed: %s", err);
	if (one_row && m->rows != 1) {
		agi_matrix_free(m);
		return agictl_fail("job run failed: %s: %s: %u rows; one row [[v0, v1, ...]] allowed",
				   file, path, m->rows);
	}
	return AGICTL_OK;
}

/*
 * The result as @rows rows of @cols exact decimals: text (blank-separated),
 * JSON ("result": [[...], ...]) or CSV.
 */
static void print_result(const struct agi_job *j, u32 rows, u32 cols,
			 bool csv)
{
	char dec[64];
	u32 i, c;

	if (!csv)
		agi_open_array("result");
	for (i = 0; i < rows; i++) {
		if (!csv)
			agi_open_array(NULL);
		for (c = 0; c < cols; c++) {
			agi_q_to_decimal(j->result[(size_t)i * cols + c],
					 j->fmt, dec, sizeof(dec));
			if (csv)
				printf("%s%s", c ? "," : "", dec);
			else
				agi_print_number(AGI_PRINT_ANY, NULL,
						 c ? " %s" : "%s", dec);
		}
		if (csv) {
			printf("\n");
		} else {
			agi_print_text("\n");
			agi_close_array();
		}
	}
	if (!csv)
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
	if (j->op == AGISWARM_JOB_OP_PROBE)
		agi_print_u64(AGI_PRINT_ANY, "worker", " worker %llu", j->worker);
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

/*
 * A job, and its result when fetched: a matmul's as a matrix, an FIR's or
 * an MLP's (an m x 1 column) as one row, the shape of a signal or input.
 */
static void print_job(const struct agi_job *j, bool csv)
{
	bool row = j->op != AGISWARM_JOB_OP_MATMUL;
	u32 rows = row ? 1 : j->rows, cols = row ? j->rows * j->bcols : j->bcols;

	if (csv) {
		if (j->result)
			print_result(j, rows, cols, true);
		return;
	}
	agi_print_begin();
	print_job_fields(j);
	if (j->result)
		print_result(j, rows, cols, false);
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

/* One job of @a times @b: submitted, and waited for unless @r->detach. */
static int run_one(struct agi_nl *nl, const struct run_args *r,
		   const struct agi_matrix *a, const struct agi_matrix *b,
		   u32 *id, struct agi_job *j)
{
	struct agi_job_req req = {
		.op = r->code, .a = a, .b = b, .prio = (u8)r->prio,
		.timeout_ms = r->timeout_ms,
	};
	int ret;

	ret = agi_job_submit(nl, &req, id);
	if (!ret && !r->detach)
		ret = wait_job(nl, *id, j);
	return ret;
}

/* An FIR: A the taps' Toeplitz matrix (agi_job_fir_matrix), B the signal. */
static int fir_matrices(const struct run_args *r, struct agi_matrix *a,
			struct agi_matrix *b)
{
	struct agi_matrix taps;
	int ret;

	ret = read_job_matrix(r->a, "taps", true, false, &taps);
	if (!ret)
		ret = read_job_matrix(r->b, "signal", true, false, b);
	if (ret)
		goto out;
	a->fmt = taps.fmt;
	a->rows = a->cols = b->cols;
	a->data = calloc((size_t)a->rows * a->cols, sizeof(s32));
	if (!a->data) {
		ret = agictl_fail("job run failed: %s", strerror(ENOMEM));
		goto out;
	}
	agi_job_fir_matrix(taps.data, taps.cols, b->cols, a->data);
	/* One row of n samples is the n x 1 column B, entry for entry. */
	b->rows = b->cols;
	b->cols = 1;
out:
	agi_matrix_free(&taps);
	return ret;
}

/*
 * Layer @l of the model: its weights (in x 1 -> out x 1 for an input of
 * @in values in @fmt) and its bias (one row of out values in @fmt).
 * -ENOKEY, unreported, when the model has no layer @l (past the first).
 */
static int mlp_layer(const char *file, u32 l, u32 in, enum agiswarm_qformat fmt,
		     struct agi_matrix *w, struct agi_matrix *bias)
{
	char path[64];
	int ret;

	snprintf(path, sizeof(path), "layer%u.weights.matrix", l);
	ret = read_job_matrix(file, path, false, l > 1, w);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "layer%u.bias.matrix", l);
	ret = read_job_matrix(file, path, true, false, bias);
	if (!ret && w->cols != in)
		ret = agictl_fail("job run failed: %s: layer%u.weights: %u columns; the layer's input has %u values",
				  file, l, w->cols, in);
	else if (!ret && bias->cols != w->rows)
		ret = agictl_fail("job run failed: %s: layer%u.bias: %u values; the layer's weights have %u rows",
				  file, l, bias->cols, w->rows);
	else if (!ret && bias->fmt != fmt)
		ret = agictl_fail("job run failed: %s: layer%u.bias.precision: %s; the input's %s allowed",
				  file, l, agi_q_info(bias->fmt)->name,
				  agi_q_info(fmt)->name);
	if (ret) {
		agi_matrix_free(w);
		agi_matrix_free(bias);
	}
	return ret;
}

/* The whole model, checked before anything is sent: layer1, layer2, ... */
static int mlp_check(const char *file, u32 in, enum agiswarm_qformat fmt)
{
	struct agi_matrix w, bias;
	u32 l;
	int ret;

	for (l = 1;; l++) {
		ret = mlp_layer(file, l, in, fmt, &w, &bias);
		if (ret)
			return ret == -ENOKEY ? AGICTL_OK : ret;
		in = w.rows;
		agi_matrix_free(&w);
		agi_matrix_free(&bias);
	}
}

/*
 * The model's layers, one job each: z = W x, then x = relu(z + b) (no
 * ReLU after the last layer). @j ends as the last layer's job (or the
 * first that did not end done), its result the output as one row, its
 * time the sum of the layers'. Returns 0, a netlink -errno, or
 * AGICTL_FAILED when a file was wrong (reported).
 */
static int run_mlp(struct agi_nl *nl, const struct run_args *r,
		   struct agi_matrix *x, struct agi_job *j)
{
	struct agi_matrix w = { 0 }, bias = { 0 }, nw = { 0 }, nb = { 0 };
	u64 elapsed = 0;
	u32 l = 1, id;
	int ret;

	/* The input, one row of n values, is the n x 1 column x. */
	x->rows = x->cols;
	x->cols = 1;
	ret = mlp_layer(r->a, l, x->rows, x->fmt, &w, &bias);
	while (!ret) {
		ret = mlp_layer(r->a, l + 1, w.rows, x->fmt, &nw, &nb);
		if (ret && ret != -ENOKEY)
			break;
		free(j->result);
		ret = run_one(nl, r, &w, x, &id, j);
		if (ret || j->state != AGISWARM_JOB_DONE)
			break;
		elapsed += j->elapsed_ns;
		agi_job_mlp_post(j->result, bias.data, w.rows, x->fmt,
				 nw.data != NULL);
		free(x->data);
		x->data = j->result;
		x->rows = w.rows;
		j->result = NULL;
		agi_matrix_free(&w);
		agi_matrix_free(&bias);
		if (!nw.data) {
			j->result = x->data;
			x->data = NULL;
			j->elapsed_ns = elapsed;
			break;
		}
		w = nw;
		bias = nb;
		memset(&nw, 0, sizeof(nw));
		memset(&nb, 0, sizeof(nb));
		l++;
	}
	agi_matrix_free(&w);
	agi_matrix_free(&bias);
	agi_matrix_free(&nw);
	agi_matrix_free(&nb);
	return ret;
}

/* "--name V" of control-update: a Q1.31 decimal into @v. */
static int parse_signal(const char *name, const char *text, s32 *v)
{
	if (agi_q_from_decimal(text, AGISWARM_Q1_31, false, v))
		return agictl_usage_error("job run control-update: %s \"%s\" is not a decimal in [-1, 1) (Q1.31)",
					  name, text);
	return AGICTL_OK;
}

static void print_signal(const char *key, const char *text, s32 raw)
{
	char dec[64];

	agi_q_to_decimal(raw, AGISWARM_Q1_31, dec, sizeof(dec));
	agi_print_number(AGI_PRINT_ANY, key, text, dec);
}

/*
 * One PID step on the aggregator's gains and limits: agi_pid_step(), the
 * very step the cycle takes (kmod/aggregator.c: gains Q8.24, signals
 * Q1.31).
 */
static int control_update(int argc, char **argv)
{
	static const char *const names[] = { "--setpoint", "--feedback",
					     "--integral", "--prev-error" };
	s32 vals[ARRAY_SIZE(names)] = { 0 };
	bool have[ARRAY_SIZE(names)] = { false };
	struct agi_pid_state st;
	struct agi_pid_cfg cfg;
	struct agi_status s;
	struct agi_nl nl;
	const char *v;
	size_t k;
	int i, ret;
	s32 u;

	for (i = 0; i < argc; i++) {
		if (match_opt("job run control-update", argc, argv, &i, names,
			      ARRAY_SIZE(names), &k, &v))
			return AGICTL_USAGE;
		if (k == ARRAY_SIZE(names))
			return agictl_usage_error("unknown job run control-update option \"%s\"",
						  argv[i]);
		ret = parse_signal(names[k] + 2, v, &vals[k]);
		if (ret)
			return ret;
		have[k] = true;
	}
	if (!have[0] || !have[1])
		return agictl_usage_error("job run control-update needs --setpoint V and --feedback V");
	ret = agictl_open(&nl, "job run control-update");
	if (!ret)
		ret = agictl_close(&nl, "job run control-update",
				   agi_status_get(&nl, &s));
	if (ret)
		return ret;
	if (s.role != AGISWARM_ROLE_AGGREGATOR || !s.has_pid)
		return agictl_fail("job run control-update failed: this node is no aggregator reporting its PID");
	cfg = (struct agi_pid_cfg){
		.kp = s.pid.kp, .ki = s.pid.ki, .kd = s.pid.kd,
		.lo = s.pid.lo, .hi = s.pid.hi,
		.gain_fmt = AGISWARM_Q8_24, .sig_fmt = AGISWARM_Q1_31,
	};
	st = (struct agi_pid_state){ .integ = vals[2], .e_prev = vals[3] };
	u = agi_pid_step(&cfg, &st, vals[0], vals[1]);
	agi_print_begin();
	agi_print_string(AGI_PRINT_ANY, "op", "%s", "control-update");
	print_signal("u", " u %s", u);
	print_signal("error", " (e %s,", st.e_prev);
	print_signal("integral", " next integral %s)\n", st.integ);
	agi_print_end();
	return AGICTL_OK;
}

/*
 * A fixed-point probe of one worker: the known answers of
 * agi_probe_matrices() on it alone, checked by the module.
 */
static int fixed_probe(int argc, char **argv)
{
	static const char *const names[] = { "--worker", "--timeout" };
	struct agi_matrix a = { .fmt = AGISWARM_Q1_31, .rows = AGI_PROBE_ROWS,
				.cols = AGI_PROBE_COLS };
	struct agi_matrix b = { .fmt = AGISWARM_Q1_31, .rows = AGI_PROBE_COLS,
				.cols = AGI_PROBE_BCOLS };
	static s32 A[AGI_PROBE_ROWS * AGI_PROBE_COLS];
	static s32 B[AGI_PROBE_COLS * AGI_PROBE_BCOLS];
	struct agi_job_req req = { .op = AGISWARM_JOB_OP_PROBE, .a = &a,
				   .b = &b };
	struct agi_job j = { 0 };
	struct agi_nl nl;
	const char *v;
	bool have = false;
	u32 id, us;
	size_t k;
	int i, ret;

	for (i = 0; i < argc; i++) {
		if (match_opt("job run fixed-probe", argc, argv, &i, names,
			      ARRAY_SIZE(names), &k, &v))
			return AGICTL_USAGE;
		if (k == 0 && !agi_parse_u32(v, &req.worker) && req.worker) {
			have = true;
		} else if (k == 0) {
			return agictl_usage_error("job run fixed-probe: bad worker id \"%s\" (a worker's node id, from 1)",
						  v);
		} else if (k == 1) {
			if (agi_parse_duration_us(v, &us) || us < 1000)
				return agictl_usage_error("job run: bad timeout \"%s\" (allowed: 1ms to 4294s, e.g. \"10s\", \"500ms\")",
							  v);
			req.timeout_ms = us / 1000;
		} else {
			return agictl_usage_error("unknown job run fixed-probe option \"%s\"",
						  argv[i]);
		}
	}
	if (!have)
		return agictl_usage_error("job run fixed-probe needs --worker ID");
	agi_probe_matrices(A, B);
	a.data = A;
	b.data = B;
	ret = agictl_open(&nl, "job run fixed-probe");
	if (!ret) {
		ret = agi_job_submit(&nl, &req, &id);
		if (!ret)
			ret = wait_job(&nl, id, &j);
		ret = agictl_close(&nl, "job run fixed-probe", ret);
	}
	free(j.result);
	if (ret)
		return ret;
	if (j.state == AGISWARM_JOB_FAILED && j.err == EPROTO)
		return agictl_fail("job %u failed: worker %u computes differently from the aggregator: refused, its rows reassigned",
				   j.id, req.worker);
	ret = job_verdict(&j);
	if (ret)
		return ret;
	agi_print_begin();
	agi_print_u64(AGI_PRINT_ANY, "id", "job %llu", j.id);
	agi_print_string(AGI_PRINT_ANY, "op", " %s", "fixed-probe");
	agi_print_u64(AGI_PRINT_ANY, "worker", ": worker %llu", req.worker);
	agi_print_string(AGI_PRINT_ANY, "verdict", " %s", "pass");
	agi_print_u64(AGI_PRINT_ANY, "sums", " (%llu exact sums bit for bit)\n",
		      (u64)AGI_PROBE_ROWS * AGI_PROBE_BCOLS);
	agi_print_end();
	return AGICTL_OK;
}

static int job_run(int argc, char **argv)
{
	struct agi_matrix a = { 0 }, b = { 0 };
	struct agi_job j = { 0 };
	struct run_args r;
	struct agi_nl nl;
	u32 id = 0;
	int ret;

	if (argc > 0 && !strcmp(argv[0], "control-update"))
		return control_update(argc - 1, argv + 1);
	if (argc > 0 && !strcmp(argv[0], "fixed-probe"))
		return fixed_probe(argc - 1, argv + 1);
	ret = parse_run(argc, argv, &r);
	if (ret)
		return ret;
	if (r.code == AGISWARM_JOB_OP_MLP && r.detach)
		return agictl_usage_error("job run mlp waits for each layer: --detach is not allowed");
	if (r.code == AGISWARM_JOB_OP_MATMUL) {
		ret = read_job_matrix(r.a, "matrix", false, false, &a);
		if (!ret)
			ret = read_job_matrix(r.b, "matrix", false, false, &b);
		if (!ret && a.cols != b.rows)
			ret = agictl_fail("job run failed: A (%s) is %ux%u and B (%s) %ux%u: A's columns must be B's rows",
					  r.a, a.rows, a.cols, r.b, b.rows,
					  b.cols);
	} else if (r.code == AGISWARM_JOB_OP_FIR) {
		ret = fir_matrices(&r, &a, &b);
	} else {
		ret = read_job_matrix(r.b, "input", true, false, &b);
		if (!ret)
			ret = mlp_check(r.a, b.cols, b.fmt);
	}
	if (!ret)
		ret = agictl_open(&nl, "job run");
	if (ret)
		goto out;
	if (r.code == AGISWARM_JOB_OP_MLP)
		ret = run_mlp(&nl, &r, &b, &j);
	else
		ret = run_one(&nl, &r, &a, &b, &id, &j);
	if (ret > 0)
		agi_nl_close(&nl);	/* a file's error, reported */
	else
		ret = agictl_close(&nl, "job run", ret);
	if (ret)
		goto out;
	if (r.detach) {
		agi_print_begin();
		agi_print_u64(AGI_PRINT_ANY, "id", "%llu\n", id);
		agi_print_end();
		goto out;
	}
	ret = job_verdict(&j);
	if (ret)
		goto out;
	print_job(&j, r.csv);
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
