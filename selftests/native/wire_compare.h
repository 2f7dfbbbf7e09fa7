/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Field-by-field equality of two wire messages, whichever home (datagram
 * or host arrays) their vectors live in, and the parser's verdict as one
 * number. Used by the native wire tests and the fuzz targets.
 */
#ifndef AGISWARM_SELFTESTS_WIRE_COMPARE_H
#define AGISWARM_SELFTESTS_WIRE_COMPARE_H

#include <limits.h>

#include "core/wire.h"

/* wire_verdict() of a datagram refused for @reason (SHORT, MISSING, ...). */
#define DROP(reason) (-AGISWARM_CNT_DROP_##reason)
/* wire_verdict() of a parser that broke its contract: no test expects it. */
#define WIRE_BROKEN INT_MIN

/*
 * agi_wire_parse() as one number a test can compare: 0 for a fast-path
 * message, AGI_WIRE_PASS_UP, or DROP(reason). The parser itself returns
 * -EBADMSG and hands the reason out apart; any other combination (a
 * reason that is not a parse reason, a reason written on success) is
 * WIRE_BROKEN.
 */
static inline int wire_verdict(const u8 *buf, size_t len,
			       struct agi_wire_msg *m)
{
	enum agiswarm_counter why = AGISWARM_CNT_UNSPEC;
	int r = agi_wire_parse(buf, len, m, &why);

	if (r == -EBADMSG && why >= AGISWARM_CNT_DROP_SHORT &&
	    why <= AGISWARM_CNT_DROP_TYPE)
		return -(int)why;
	if ((r == 0 || r == AGI_WIRE_PASS_UP) && why == AGISWARM_CNT_UNSPEC)
		return r;
	return WIRE_BROKEN;
}

static inline bool same_vec(const struct agi_wire_vec *a,
			    const struct agi_wire_vec *b, int elem)
{
	struct agi_wire_value va, vb;
	u16 i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++) {
		if (elem == 4 && agi_wire_vec_s32(a, i) != agi_wire_vec_s32(b, i))
			return false;
		if (elem == 8 && agi_wire_vec_s64(a, i) != agi_wire_vec_s64(b, i))
			return false;
		if (elem != AGISWARM_WIRE_VALUE_LEN)
			continue;
		va = agi_wire_vec_value(a, i);
		vb = agi_wire_vec_value(b, i);
		if (va.row != vb.row || !agi_i128_eq(va.sum, vb.sum))
			return false;
	}
	return true;
}

/* Whether two messages of one type carry the same values. */
static inline bool same_record(const struct agi_wire_record *a,
			       const struct agi_wire_record *b)
{
	return a->epoch == b->epoch && a->cycle == b->cycle &&
		a->status == b->status && a->fmt == b->fmt &&
		a->ufmt == b->ufmt && a->nx == b->nx && a->nu == b->nu &&
		a->flags == b->flags && a->period_us == b->period_us &&
		a->deadline_us == b->deadline_us && a->gen == b->gen &&
		a->rows_epoch == b->rows_epoch && a->offset == b->offset &&
		!memcmp(a->binding, b->binding, sizeof(a->binding)) &&
		same_vec(&a->values, &b->values, 4);
}

static inline bool same_msg(const struct agi_wire_msg *a,
			    const struct agi_wire_msg *b)
{
	const struct agi_wire_task *ta = &a->u.task, *tb = &b->u.task;
	const struct agi_wire_result *ra = &a->u.result, *rb = &b->u.result;
	const struct agi_wire_sensor *sa = &a->u.sensor, *sb = &b->u.sensor;
	const struct agi_wire_actuate *aa = &a->u.actuate, *ab = &b->u.actuate;
	const struct agi_wire_rows *wa = &a->u.rows, *wb = &b->u.rows;
	const struct agi_wire_need_rows *na = &a->u.need_rows,
					*nb = &b->u.need_rows;
	const struct agi_wire_job_cancel *ca = &a->u.job_cancel,
					 *cb = &b->u.job_cancel;

	if (a->type != b->type)
		return false;
	switch (a->type) {
	case AGISWARM_MSG_TASK:
	case AGISWARM_MSG_JOB_TASK:
		return ta->job == tb->job && ta->epoch == tb->epoch && ta->cycle == tb->cycle &&
			ta->gen == tb->gen && ta->fmt == tb->fmt &&
			ta->group == tb->group &&
			ta->rows_epoch == tb->rows_epoch &&
			!memcmp(ta->hash, tb->hash, sizeof(ta->hash)) &&
			same_vec(&ta->x, &tb->x, 4);
	case AGISWARM_MSG_RESULT:
	case AGISWARM_MSG_JOB_RESULT:
		return ra->job == rb->job && ra->epoch == rb->epoch && ra->cycle == rb->cycle &&
			ra->gen == rb->gen && ra->worker == rb->worker &&
			same_vec(&ra->values, &rb->values,
				 AGISWARM_WIRE_VALUE_LEN);
	case AGISWARM_MSG_SENSOR:
		return sa->seq == sb->seq && sa->fmt == sb->fmt &&
			same_vec(&sa->x, &sb->x, 4);
	case AGISWARM_MSG_ACTUATE:
		return aa->epoch == ab->epoch && aa->cycle == ab->cycle &&
			aa->fmt == ab->fmt && aa->status == ab->status &&
			same_vec(&aa->u, &ab->u, 4);
	case AGISWARM_MSG_ROWS:
	case AGISWARM_MSG_JOB_ROWS:
		return wa->job == wb->job && wa->epoch == wb->epoch && wa->gen == wb->gen &&
			wa->row == wb->row && wa->ncols == wb->ncols &&
			wa->offset == wb->offset && wa->nrows == wb->nrows &&
			wa->group == wb->group &&
			!memcmp(wa->hash, wb->hash, sizeof(wa->hash)) &&
			same_vec(&wa->entries, &wb->entries, 8);
	case AGISWARM_MSG_NEED_ROWS:
		return na->epoch == nb->epoch && na->gen == nb->gen &&
			!memcmp(na->hash, nb->hash, sizeof(na->hash));
	case AGISWARM_MSG_CYCLE_RECORD:
		return same_record(&a->u.record, &b->u.record);
	case AGISWARM_MSG_FENCED:
		return a->u.fenced.epoch == b->u.fenced.epoch &&
			a->u.fenced.stale == b->u.fenced.stale &&
			a->u.fenced.worker == b->u.fenced.worker;
	case AGISWARM_MSG_JOB_CANCEL:
		return ca->epoch == cb->epoch && ca->job == cb->job;
	}
	return false;
}

#endif /* AGISWARM_SELFTESTS_WIRE_COMPARE_H */
