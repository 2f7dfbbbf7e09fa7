// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * libFuzzer target: the encoders on any message. The input is read as the
 * fields of a message (type, integers, vector length and elements, all
 * unchecked); the encoder must refuse it exactly when a field breaks a
 * documented limit, and what it encodes must fit AGISWARM_WIRE_MAX and
 * parse back to the same fields.
 */
#include <stdlib.h>

#include "core/wire.h"
#include "../native/wire_compare.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

struct input {
	const u8 *p;
	size_t left;
};

static u64 take(struct input *in, int bytes)
{
	u64 v = 0;

	while (bytes--) {
		v = v << 8 | (in->left ? *in->p : 0);
		if (in->left) {
			in->p++;
			in->left--;
		}
	}
	return v;
}

/* The limits as the UAPI header states them, written out independently. */
static void take_hash(struct input *in, u8 *hash)
{
	int i;

	for (i = 0; i < AGISWARM_WIRE_HASH_LEN; i++)
		hash[i] = (u8)take(in, 1);
}

static bool q_ok(u8 fmt, const s32 *x, u16 n)
{
	u16 i;

	if (fmt < AGISWARM_Q1_31 || fmt > AGISWARM_Q_MAX)
		return false;
	for (i = 0; i < n && fmt == AGISWARM_Q1_15; i++)
		if (x[i] < -32768 || x[i] > 32767)
			return false;
	return n >= 1 && n <= AGISWARM_WIRE_VEC_MAX;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static s32 x[AGISWARM_WIRE_VEC_MAX + 2];
	static s64 e[AGISWARM_WIRE_VEC_MAX + 2];
	static struct agi_wire_value v[AGISWARM_WIRE_VEC_MAX + 2];
	static u8 buf[AGISWARM_WIRE_MAX];
	struct input in = { data, size };
	enum agiswarm_counter why;
	struct agi_wire_msg m = { 0 }, got;
	struct agi_wire_vec vec = { .n = 0 };
	bool valid = false;
	size_t len;
	u16 i;

	m.type = (u8)(1 + take(&in, 1) % 10);
	if (m.type == 10)
		m.type = AGISWARM_MSG_NEED_ROWS;
	vec.n = (u16)(take(&in, 2) % (AGISWARM_WIRE_VEC_MAX + 2));
	for (i = 0; i < vec.n; i++) {
		x[i] = (s32)take(&in, 4);
		e[i] = (s64)take(&in, in.left % 8 + 1);
		v[i].row = (u16)take(&in, 2);
		v[i].sum.lo = take(&in, 8);
		v[i].sum.hi = take(&in, 1) ? U64_MAX : 0;
	}
	switch (m.type) {
	case AGISWARM_MSG_TASK:
		m.u.task = (struct agi_wire_task){ take(&in, 8), take(&in, 8),
			(u32)take(&in, 4), (u8)take(&in, 1) % 5, vec };
		m.u.task.x.host.s32 = x;
		m.u.task.group = take(&in, 8);
		m.u.task.rows_epoch = take(&in, 8);
		take_hash(&in, m.u.task.hash);
		valid = q_ok(m.u.task.fmt, x, vec.n);
		break;
	case AGISWARM_MSG_RESULT:
		m.u.result = (struct agi_wire_result){ take(&in, 8),
			take(&in, 8), (u32)take(&in, 4), (u32)take(&in, 4), vec };
		m.u.result.values.host.value = v;
		valid = vec.n >= 1 && vec.n <= AGISWARM_WIRE_VALUES_MAX;
		break;
	case AGISWARM_MSG_SENSOR:
		m.u.sensor = (struct agi_wire_sensor){ take(&in, 8),
			(u8)take(&in, 1) % 5, vec };
		m.u.sensor.x.host.s32 = x;
		valid = q_ok(m.u.sensor.fmt, x, vec.n);
		break;
	case AGISWARM_MSG_ACTUATE:
		m.u.actuate = (struct agi_wire_actuate){ take(&in, 8),
			take(&in, 8), (u8)take(&in, 1) % 5,
			(u8)take(&in, 1) % 5, vec };
		m.u.actuate.u.host.s32 = x;
		valid = q_ok(m.u.actuate.fmt, x, vec.n) &&
			m.u.actuate.status <= AGISWARM_ACTUATE_STATUS_MAX;
		break;
	case AGISWARM_MSG_ROWS:
		m.u.rows = (struct agi_wire_rows){ take(&in, 8),
			(u32)take(&in, 4), (u16)take(&in, 2),
			(u16)(take(&in, 2) % 300), (u16)(take(&in, 2) % 300),
			(u8)(take(&in, 1) % 70), vec };
		m.u.rows.entries.host.s64 = e;
		m.u.rows.group = take(&in, 8);
		take_hash(&in, m.u.rows.hash);
		valid = vec.n >= 1 && vec.n <= 160 && m.u.rows.ncols >= 1 &&
			m.u.rows.ncols <= 256 &&
			m.u.rows.offset + vec.n <= m.u.rows.ncols &&
			m.u.rows.nrows >= 1 && m.u.rows.nrows <= 64;
		break;
	case AGISWARM_MSG_NEED_ROWS:
		m.u.need_rows.epoch = take(&in, 8);
		m.u.need_rows.gen = (u32)take(&in, 4);
		take_hash(&in, m.u.need_rows.hash);
		valid = true;
		break;
	}
	len = agi_wire_put(buf, sizeof(buf), &m);
	if (!valid) {
		if (len)
			abort();
		return 0;
	}
	if (!len || len > AGISWARM_WIRE_MAX)
		abort();
	if (agi_wire_parse(buf, len, &got, &why) || !same_msg(&m, &got))
		abort();
	return 0;
}
