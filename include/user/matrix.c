// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * SET_MATRIX and GET_MATRIX: see matrix.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "matrix.h"

/*
 * Room for one SET_MATRIX message: the UAPI keeps each under 60 KiB, which
 * also keeps MATRIX_DATA below the 64 KiB an attribute's u16 length allows.
 */
#define CHUNK_MSG_MAX (60 * 1024)
#define CHUNK_OVERHEAD 256

void agi_matrix_free(struct agi_matrix *m)
{
	free(m->data);
	m->data = NULL;
}

/* Rows of one SET_MATRIX message, so that it stays under 60 KiB. */
static u32 rows_per_chunk(u32 cols)
{
	return (CHUNK_MSG_MAX - CHUNK_OVERHEAD) / (cols * sizeof(s32));
}

static int send_chunk(struct agi_nl *nl, void *buf, const struct agi_matrix *m,
		      u32 first, u32 count, u64 apply_at)
{
	struct nlmsghdr *nlh = agi_nl_request(nl, buf, AGISWARM_CMD_SET_MATRIX);

	mnl_attr_put_u8(nlh, AGISWARM_A_MATRIX_FMT, m->fmt);
	mnl_attr_put_u32(nlh, AGISWARM_A_MATRIX_ROWS, m->rows);
	mnl_attr_put_u32(nlh, AGISWARM_A_MATRIX_COLS, m->cols);
	mnl_attr_put_u32(nlh, AGISWARM_A_MATRIX_FIRST_ROW, first);
	mnl_attr_put(nlh, AGISWARM_A_MATRIX_DATA,
		     (size_t)count * m->cols * sizeof(s32),
		     &m->data[(size_t)first * m->cols]);
	/* Only the chunk that completes the matrix may carry the cycle. */
	if (apply_at && first + count == m->rows)
		mnl_attr_put_u64(nlh, AGISWARM_A_APPLY_AT_CYCLE, apply_at);
	return agi_nl_talk(nl, nlh, NULL, NULL);
}

int agi_matrix_set(struct agi_nl *nl, const struct agi_matrix *m,
		   u64 apply_at)
{
	u32 first, count, step;
	void *buf;
	int err = 0;

	if (!m->cols)
		return -EINVAL;
	step = rows_per_chunk(m->cols);
	buf = calloc(1, CHUNK_MSG_MAX);
	if (!buf)
		return -ENOMEM;
	for (first = 0; first < m->rows && !err; first += count) {
		count = m->rows - first < step ? m->rows - first : step;
		err = send_chunk(nl, buf, m, first, count, apply_at);
	}
	free(buf);
	return err;
}

struct info_reply {
	struct agi_matrix_info *mi;
	bool has_rows;
};

static int info_attr_cb(const struct nlattr *attr, void *data)
{
	struct info_reply *r = data;
	struct agi_matrix_info *mi = r->mi;
	int ret = MNL_CB_OK;
	u64 v = 0;

	switch (mnl_attr_get_type(attr)) {
	case AGISWARM_A_MATRIX_FMT:
		ret = agi_attr_get_uint(attr, MNL_TYPE_U8, &v);
		mi->fmt = (u8)v;
		break;
	case AGISWARM_A_MATRIX_ROWS:
		ret = agi_attr_get_uint(attr, MNL_TYPE_U32, &v);
		mi->rows = (u32)v;
		r->has_rows = true;
		break;
	case AGISWARM_A_MATRIX_COLS:
		ret = agi_attr_get_uint(attr, MNL_TYPE_U32, &v);
		mi->cols = (u32)v;
		break;
	case AGISWARM_A_MATRIX_N_CODED:
		ret = agi_attr_get_uint(attr, MNL_TYPE_U32, &v);
		mi->n_coded = (u32)v;
		break;
	case AGISWARM_A_MATRIX_GEN:
		ret = agi_attr_get_uint(attr, MNL_TYPE_U32, &v);
		mi->gen = (u32)v;
		break;
	case AGISWARM_A_CODE_SEED:
		ret = agi_attr_get_uint(attr, MNL_TYPE_U64, &mi->seed);
		break;
	}
	return ret;
}

int agi_matrix_get(struct agi_nl *nl, struct agi_matrix_info *mi)
{
	struct info_reply r = { .mi = mi };
	struct agi_nl_attrs attrs = { info_attr_cb, &r };
	char buf[AGI_NL_BUF_SIZE];
	int err;

	memset(mi, 0, sizeof(*mi));
	err = agi_nl_talk(nl, agi_nl_request(nl, buf, AGISWARM_CMD_GET_MATRIX),
			  agi_nl_attrs_cb, &attrs);
	if (err)
		return err;
	if (r.has_rows)
		return 0;
	snprintf(nl->reply_error, sizeof(nl->reply_error),
		 "the module's reply lacks the dimensions");
	return -EBADMSG;
}
