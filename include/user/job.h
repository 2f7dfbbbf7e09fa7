/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * On-demand coded jobs of an aggregator (the UAPI header's "Jobs"):
 * submitting one with its matrices (AGISWARM_CMD_JOB_SUBMIT, then
 * JOB_DATA in chunks), its state and result (JOB_GET), every job
 * (JOB_GET dump) and cancelling one (JOB_CANCEL).
 */
#ifndef AGISWARM_USER_JOB_H
#define AGISWARM_USER_JOB_H

#include <stdbool.h>

#include "core/compat.h"
#include "uapi/linux/agiswarm.h"
#include "matrix.h"
#include "nl.h"

/**
 * struct agi_job - what JOB_GET tells of a job
 * @id: its id
 * @op: enum agiswarm_job_op
 * @state: enum agiswarm_job_state
 * @prio: its priority
 * @fmt: the result's format (B's)
 * @timeout_ms: 0 for none
 * @rows: m, @cols: n, @bcols: k (the result is m x k)
 * @done: result columns decoded
 * @err: why it failed (positive errno), 0 otherwise
 * @workers: the workers its rows span
 * @worker: a probe's worker
 * @elapsed_ns: from its start to its end (or now)
 * @result: m x k raw values, row-major, once DONE and fetched; the caller
 *	frees it
 */
struct agi_job {
	u32 id;
	u8 op, state, prio, fmt;
	u32 timeout_ms;
	u32 rows, cols, bcols;
	u32 done;
	u32 err;
	u32 workers;
	u32 worker;
	u64 elapsed_ns;
	s32 *result;
};

/**
 * struct agi_job_req - a job to submit: result = A B
 * @op: enum agiswarm_job_op
 * @a: A, m x n
 * @b: B, n x k; its format is the result's
 * @prio: higher runs first
 * @timeout_ms: 0 for none
 * @worker: the worker of a probe (AGISWARM_JOB_OP_PROBE)
 */
struct agi_job_req {
	u8 op;
	const struct agi_matrix *a;
	const struct agi_matrix *b;
	u8 prio;
	u32 timeout_ms;
	u32 worker;
};

/*
 * Submits @req and sends its matrices; *@id is the new job's. 0, or the
 * module's -errno (its reason in nl->extack); -EINVAL when A's columns
 * are not B's rows (nl->reply_error says so).
 */
int agi_job_submit(struct agi_nl *nl, const struct agi_job_req *req, u32 *id);
/*
 * Job @id into @job; with @fetch and the job DONE, its whole result too
 * (job->result, which the caller frees). 0, -ENOENT for no such job, or
 * -EBADMSG with nl->reply_error when a reply makes no sense.
 */
int agi_job_get(struct agi_nl *nl, u32 id, bool fetch, struct agi_job *job);
/* Every job, oldest first, into a new array the caller frees. */
int agi_job_list(struct agi_nl *nl, struct agi_job **jobs, size_t *n);
int agi_job_cancel(struct agi_nl *nl, u32 id);

/*
 * An FIR filter as the matmul the jobs run: y[i] = sum over t < @ntaps of
 * h[t] x[i - t], x[j] = 0 for j < 0 (the filter starts at rest), i < @n.
 * Fills @A (@n x @n, row-major, zeroed here) with the taps' Toeplitz
 * matrix, A[i][j] = h[i - j] for 0 <= i - j < @ntaps: then y = A x, each
 * y[i] one exact dot product, rounded once, in x's format.
 */
void agi_job_fir_matrix(const s32 *h, u32 ntaps, u32 n, s32 *A);

/*
 * After a layer's W x (@z, @n values in @fmt) of a multilayer perceptron:
 * z_i = add(z_i, b_i), then, with @relu, z_i = max(z_i, 0), in @fmt.
 */
void agi_job_mlp_post(s32 *z, const s32 *b, u32 n, enum agiswarm_qformat fmt,
		      bool relu);

#endif /* AGISWARM_USER_JOB_H */
