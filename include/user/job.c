// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * JOB_SUBMIT, JOB_DATA, JOB_GET and JOB_CANCEL: see job.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "core/fixed.h"
#include "job.h"

/* Room for one JOB_DATA: AGISWARM_JOB_DATA_MAX entries and the header. */
#define DATA_MSG_MAX (AGISWARM_JOB_DATA_MAX * sizeof(s32) + 256)

static int send_part(struct agi_nl *nl, void *buf, u32 id, u8 part,
		     const s32 *data, u32 total)
{
	struct nlmsghdr *nlh;
	u32 off, cnt;
	int err = 0;

	for (off = 0; off < total && !err; off += cnt) {
		cnt = total - off < AGISWARM_JOB_DATA_MAX ?
		      total - off : AGISWARM_JOB_DATA_MAX;
		nlh = agi_nl_request(nl, buf, AGISWARM_CMD_JOB_DATA);
		mnl_attr_put_u32(nlh, AGISWARM_A_JOB_ID, id);
		mnl_attr_put_u8(nlh, AGISWARM_A_JOB_PART, part);
		mnl_attr_put_u32(nlh, AGISWARM_A_JOB_OFFSET, off);
		mnl_attr_put(nlh, AGISWARM_A_JOB_DATA, (size_t)cnt * sizeof(s32),
			     data + off);
		err = agi_nl_talk(nl, nlh, NULL, NULL);
	}
	return err;
}

static int id_cb(const struct nlattr *attr, void *data)
{
	u64 v = 0;
	int ret = MNL_CB_OK;

	if (mnl_attr_get_type(attr) == AGISWARM_A_JOB_ID) {
		ret = agi_attr_get_uint(attr, MNL_TYPE_U32, &v);
		*(u32 *)data = (u32)v;
	}
	return ret;
}

int agi_job_submit(struct agi_nl *nl, const struct agi_job_req *req, u32 *id)
{
	struct agi_nl_attrs attrs = { id_cb, id };
	const struct agi_matrix *a = req->a, *b = req->b;
	struct nlmsghdr *nlh;
	void *buf;
	int err;

	if (a->cols != b->rows) {
		snprintf(nl->reply_error, sizeof(nl->reply_error),
			 "A has %u columns and B %u rows: they must be equal",
			 a->cols, b->rows);
		return -EINVAL;
	}
	buf = calloc(1, DATA_MSG_MAX);
	if (!buf)
		return -ENOMEM;
	*id = 0;
	nlh = agi_nl_request(nl, buf, AGISWARM_CMD_JOB_SUBMIT);
	mnl_attr_put_u8(nlh, AGISWARM_A_JOB_OP, req->op);
	mnl_attr_put_u8(nlh, AGISWARM_A_MATRIX_FMT, a->fmt);
	mnl_attr_put_u8(nlh, AGISWARM_A_INPUT_FMT, b->fmt);
	mnl_attr_put_u32(nlh, AGISWARM_A_JOB_ROWS, a->rows);
	mnl_attr_put_u32(nlh, AGISWARM_A_JOB_COLS, a->cols);
	mnl_attr_put_u32(nlh, AGISWARM_A_JOB_BCOLS, b->cols);
	mnl_attr_put_u8(nlh, AGISWARM_A_JOB_PRIORITY, req->prio);
	mnl_attr_put_u32(nlh, AGISWARM_A_JOB_TIMEOUT_MS, req->timeout_ms);
	if (req->op == AGISWARM_JOB_OP_PROBE)
		mnl_attr_put_u32(nlh, AGISWARM_A_JOB_WORKER, req->worker);
	err = agi_nl_talk(nl, nlh, agi_nl_attrs_cb, &attrs);
	if (!err && !*id) {
		snprintf(nl->reply_error, sizeof(nl->reply_error),
			 "the module's reply lacks the job id");
		err = -EBADMSG;
	}
	if (!err)
		err = send_part(nl, buf, *id, AGISWARM_JOB_PART_A, a->data,
				a->rows * a->cols);
	if (!err)
		err = send_part(nl, buf, *id, AGISWARM_JOB_PART_B, b->data,
				b->rows * b->cols);
	free(buf);
	return err;
}

/**
 * struct get_reply - one JOB_GET reply being read
 * @job: where the job goes
 * @has_id: the reply named the job
 * @off: JOB_OFFSET of its result chunk (before the chunk, as the module
 *	puts them)
 * @result: where the chunk is copied (m x k entries), or NULL
 * @n: entries in the chunk
 * @bad: the chunk lay outside the result
 */
struct get_reply {
	struct agi_job *job;
	bool has_id;
	u32 off;
	s32 *result;
	u32 n;
	bool bad;
};

static int job_attr_cb(const struct nlattr *attr, void *data)
{
	struct get_reply *r = data;
	struct agi_job *j = r->job;
	int ret = MNL_CB_OK;
	u64 v = 0;

	switch (mnl_attr_get_type(attr)) {
	case AGISWARM_A_JOB_ID:
		ret = agi_attr_get_uint(attr, MNL_TYPE_U32, &v);
		j->id = (u32)v;
		r->has_id = true;
		break;
	case AGISWARM_A_JOB_OP:
		ret = agi_attr_get_uint(attr, MNL_TYPE_U8, &v);
		j->op = (u8)v;
		break;
	case AGISWARM_A_JOB_STATE:
		ret = agi_attr_get_uint(attr, MNL_TYPE_U8, &v);
		j->state = (u8)v;
		break;
	case AGISWARM_A_JOB_PRIORITY:
		ret = agi_attr_get_uint(attr, MNL_TYPE_U8, &v);
		j->prio = (u8)v;
		break;
	case AGISWARM_A_INPUT_FMT:
		ret = agi_attr_get_uint(attr, MNL_TYPE_U8, &v);
		j->fmt = (u8)v;
		break;
	case AGISWARM_A_JOB_TIMEOUT_MS:
		ret = agi_attr_get_uint(attr, MNL_TYPE_U32, &v);
		j->timeout_ms = (u32)v;
		break;
	case AGISWARM_A_JOB_ROWS:
		ret = agi_attr_get_uint(attr, MNL_TYPE_U32, &v);
		j->rows = (u32)v;
		break;
	case AGISWARM_A_JOB_COLS:
		ret = agi_attr_get_uint(attr, MNL_TYPE_U32, &v);
		j->cols = (u32)v;
		break;
	case AGISWARM_A_JOB_BCOLS:
		ret = agi_attr_get_uint(attr, MNL_TYPE_U32, &v);
		j->bcols = (u32)v;
		break;
	case AGISWARM_A_JOB_DONE:
		ret = agi_attr_get_uint(attr, MNL_TYPE_U32, &v);
		j->done = (u32)v;
		break;
	case AGISWARM_A_JOB_ERROR:
		ret = agi_attr_get_uint(attr, MNL_TYPE_U32, &v);
		j->err = (u32)v;
		break;
	case AGISWARM_A_JOB_WORKERS:
		ret = agi_attr_get_uint(attr, MNL_TYPE_U32, &v);
		j->workers = (u32)v;
		break;
	case AGISWARM_A_JOB_WORKER:
		ret = agi_attr_get_uint(attr, MNL_TYPE_U32, &v);
		j->worker = (u32)v;
		break;
	case AGISWARM_A_JOB_ELAPSED_NS:
		ret = agi_attr_get_uint(attr, MNL_TYPE_U64, &v);
		j->elapsed_ns = v;
		break;
	case AGISWARM_A_JOB_OFFSET:
		ret = agi_attr_get_uint(attr, MNL_TYPE_U32, &v);
		r->off = (u32)v;
		break;
	case AGISWARM_A_JOB_DATA:
		if (mnl_attr_get_payload_len(attr) % sizeof(s32))
			return MNL_CB_ERROR;
		r->n = mnl_attr_get_payload_len(attr) / sizeof(s32);
		if (!r->result)
			break;
		if (r->off + (u64)r->n > (u64)j->rows * j->bcols) {
			r->bad = true;
			break;
		}
		memcpy(r->result + r->off, mnl_attr_get_payload(attr),
		       (size_t)r->n * sizeof(s32));
		break;
	}
	return ret;
}

/*
 * One JOB_GET of job @id from result entry @off, the chunk into
 * r->result when it is set (in the callback: the chunk lives in the
 * receive buffer).
 */
static int get_once(struct agi_nl *nl, u32 id, u32 off, struct get_reply *r)
{
	struct agi_nl_attrs attrs = { job_attr_cb, r };
	char buf[AGI_NL_BUF_SIZE];
	struct nlmsghdr *nlh = agi_nl_request(nl, buf, AGISWARM_CMD_JOB_GET);
	int err;

	mnl_attr_put_u32(nlh, AGISWARM_A_JOB_ID, id);
	mnl_attr_put_u32(nlh, AGISWARM_A_JOB_OFFSET, off);
	r->n = 0;
	r->off = U32_MAX;
	r->bad = false;
	err = agi_nl_talk(nl, nlh, agi_nl_attrs_cb, &attrs);
	if (err)
		return err;
	if (!r->has_id) {
		snprintf(nl->reply_error, sizeof(nl->reply_error),
			 "the module's reply lacks the job id");
		return -EBADMSG;
	}
	if (r->result && r->n && (r->bad || r->off != off)) {
		snprintf(nl->reply_error, sizeof(nl->reply_error),
			 "the module's result chunk lies outside the result");
		return -EBADMSG;
	}
	return 0;
}

int agi_job_get(struct agi_nl *nl, u32 id, bool fetch, struct agi_job *job)
{
	struct get_reply r = { .job = job };
	u32 off = 0, total;
	s32 *result;
	int err;

	memset(job, 0, sizeof(*job));
	err = get_once(nl, id, 0, &r);
	if (err || !fetch || job->state != AGISWARM_JOB_DONE)
		return err;
	total = job->rows * job->bcols;
	result = calloc(total ? total : 1, sizeof(s32));
	if (!result)
		return -ENOMEM;
	r.result = result;
	while (off < total) {
		err = get_once(nl, id, off, &r);
		if (!err && !r.n) {
			snprintf(nl->reply_error, sizeof(nl->reply_error),
				 "the module sent no result from entry %u", off);
			err = -EBADMSG;
		}
		if (err) {
			free(result);
			return err;
		}
		off += r.n;
	}
	job->result = result;
	return 0;
}

struct list_reply {
	struct agi_job *jobs;
	size_t n, cap;
};

static int list_cb(const struct nlmsghdr *nlh, void *data)
{
	struct list_reply *l = data;
	struct agi_job *grown;
	struct get_reply r;

	grown = agi_grow_rows(l->jobs, l->n, &l->cap, sizeof(*l->jobs), 16);
	if (!grown)
		return MNL_CB_ERROR;
	l->jobs = grown;
	memset(&r, 0, sizeof(r));
	r.job = &l->jobs[l->n];
	memset(r.job, 0, sizeof(*r.job));
	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), job_attr_cb, &r) !=
	    MNL_CB_OK || !r.has_id)
		return MNL_CB_ERROR;
	l->n++;
	return MNL_CB_OK;
}

int agi_job_list(struct agi_nl *nl, struct agi_job **jobs, size_t *n)
{
	struct list_reply l = { 0 };
	char buf[AGI_NL_BUF_SIZE];
	int err;

	err = agi_nl_talk(nl, agi_nl_dump(nl, buf, AGISWARM_CMD_JOB_GET),
			  list_cb, &l);
	if (err) {
		free(l.jobs);
		return err;
	}
	*jobs = l.jobs;
	*n = l.n;
	return 0;
}

int agi_job_cancel(struct agi_nl *nl, u32 id)
{
	char buf[AGI_NL_BUF_SIZE];
	struct nlmsghdr *nlh = agi_nl_request(nl, buf, AGISWARM_CMD_JOB_CANCEL);

	mnl_attr_put_u32(nlh, AGISWARM_A_JOB_ID, id);
	return agi_nl_talk(nl, nlh, NULL, NULL);
}

void agi_job_fir_matrix(const s32 *h, u32 ntaps, u32 n, s32 *A)
{
	u32 i, t;

	memset(A, 0, (size_t)n * n * sizeof(*A));
	for (i = 0; i < n; i++)
		for (t = 0; t < ntaps && t <= i; t++)
			A[(size_t)i * n + (i - t)] = h[t];
}

void agi_job_mlp_post(s32 *z, const s32 *b, u32 n, enum agiswarm_qformat fmt,
		      bool relu)
{
	u32 i;

	for (i = 0; i < n; i++) {
		z[i] = agi_q_add(z[i], b[i], fmt);
		if (relu && z[i] < 0)
			z[i] = 0;
	}
}
