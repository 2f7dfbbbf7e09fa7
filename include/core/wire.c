// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Deterministic CBOR for the fast-path shapes (see wire.h for the contract
 * and the UAPI header for the format).
 *
 * Every shape is a table of fields indexed by key (struct agi_wire_shape);
 * parsing fills a struct wire_fields from the map, read with cbor.c's
 * cursor, and encoding writes one from the message with cbor.c's writer,
 * and both run the same range checks, so the encoders never emit what the
 * parser would refuse. The daemon's flat messages use the same machinery
 * through agi_wire_parse_as() and agi_wire_put_as().
 */
#include "cbor.h"
#include "wire.h"
#include "field.h"

#define DROP(reason) (-AGISWARM_CNT_DROP_##reason)

/* The values of one message by key, between the map and the structs. */
struct wire_fields {
	u64 u[AGI_WIRE_KEYS_MAX + 1];
	struct agi_wire_vec vec;
	const u8 *bytes;	/* the one AGI_WIRE_F_BYTES field's */
	u16 seen;		/* bit k: key k was present */
};

#define UINT(t, m, lo, hi) AGI_WIRE_UINT(struct agi_wire_##t, m, lo, hi)
#define U64(t, m) UINT(t, m, 0, U64_MAX)
#define U32(t, m) UINT(t, m, 0, U32_MAX)
#define FMT(t, m) UINT(t, m, AGISWARM_Q1_31, AGISWARM_Q_MAX)
#define VEC(t, m, size, hi) AGI_WIRE_VEC(struct agi_wire_##t, m, size, 1, hi)
#define BYTES(t, m) AGI_WIRE_BYTES(struct agi_wire_##t, m)

/*
 * In key order: entry k - 1 is key k. TASK, RESULT and ROWS end with the
 * job id, which only their job shapes (JOB_TASK, JOB_RESULT, JOB_ROWS)
 * have: the cycle's shapes take one key less of the same table.
 */
static const struct agi_wire_field task_fields[] = {
	U64(task, epoch), U64(task, cycle), U32(task, gen), FMT(task, fmt),
	VEC(task, x, 4, AGISWARM_WIRE_VEC_MAX),
	U64(task, group), U64(task, rows_epoch), BYTES(task, hash),
	UINT(task, job, 1, U32_MAX),
};

static const struct agi_wire_field result_fields[] = {
	U64(result, epoch), U64(result, cycle), U32(result, gen),
	U32(result, worker),
	VEC(result, values, AGISWARM_WIRE_VALUE_LEN, AGISWARM_WIRE_VALUES_MAX),
	UINT(result, job, 1, U32_MAX),
};

static const struct agi_wire_field sensor_fields[] = {
	U64(sensor, seq), FMT(sensor, fmt),
	VEC(sensor, x, 4, AGISWARM_WIRE_VEC_MAX),
};

static const struct agi_wire_field actuate_fields[] = {
	U64(actuate, epoch), U64(actuate, cycle), FMT(actuate, fmt),
	VEC(actuate, u, 4, AGISWARM_WIRE_VEC_MAX),
	UINT(actuate, status, 0, AGISWARM_ACTUATE_STATUS_MAX),
};

static const struct agi_wire_field rows_fields[] = {
	U64(rows, epoch), U32(rows, gen), UINT(rows, row, 0, U16_MAX),
	UINT(rows, ncols, 1, AGISWARM_WIRE_VEC_MAX),
	UINT(rows, offset, 0, AGISWARM_WIRE_VEC_MAX - 1),
	VEC(rows, entries, 8, AGISWARM_WIRE_CHUNK_MAX),
	UINT(rows, nrows, 1, AGISWARM_WIRE_ROWS_MAX),
	U64(rows, group), BYTES(rows, hash),
	UINT(rows, job, 1, U32_MAX),
};

static const struct agi_wire_field need_rows_fields[] = {
	U64(need_rows, epoch), U32(need_rows, gen), BYTES(need_rows, hash),
};

static const struct agi_wire_field record_fields[] = {
	U64(record, epoch), U64(record, cycle),
	UINT(record, status, 0, AGISWARM_ACTUATE_STATUS_MAX),
	FMT(record, fmt), FMT(record, ufmt),
	UINT(record, nx, 0, AGISWARM_WIRE_VEC_MAX),
	UINT(record, nu, 0, AGISWARM_WIRE_VEC_MAX),
	UINT(record, flags, 0, AGISWARM_RECORD_F_ALL),
	UINT(record, period_us, AGISWARM_PERIOD_US_MIN, AGISWARM_PERIOD_US_MAX),
	UINT(record, deadline_us, AGISWARM_PERIOD_US_MIN,
	     AGISWARM_PERIOD_US_MAX),
	U32(record, gen), U64(record, rows_epoch),
	UINT(record, offset, 0, AGISWARM_RECORD_VALUES_MAX - 1),
	VEC(record, values, 4, AGISWARM_RECORD_CHUNK_MAX),
	BYTES(record, binding),
};

static const struct agi_wire_field fenced_fields[] = {
	U64(fenced, epoch), U64(fenced, stale), U32(fenced, worker),
};

static const struct agi_wire_field job_cancel_fields[] = {
	U64(job_cancel, epoch), UINT(job_cancel, job, 1, U32_MAX),
};

#define SHAPE(t, f, fmt) { t, ARRAY_SIZE(f), fmt, f }

/* The cycle's shapes: their tables less the last key, the job id. */
static const struct agi_wire_shape shape_task = {
	AGISWARM_MSG_TASK, ARRAY_SIZE(task_fields) - 1, AGISWARM_TASK_FMT,
	task_fields
};

static const struct agi_wire_shape shape_result = {
	AGISWARM_MSG_RESULT, ARRAY_SIZE(result_fields) - 1, 0, result_fields
};

static const struct agi_wire_shape shape_sensor =
	SHAPE(AGISWARM_MSG_SENSOR, sensor_fields, AGISWARM_SENSOR_FMT);
static const struct agi_wire_shape shape_actuate =
	SHAPE(AGISWARM_MSG_ACTUATE, actuate_fields, AGISWARM_ACTUATE_FMT);
static const struct agi_wire_shape shape_rows = {
	AGISWARM_MSG_ROWS, ARRAY_SIZE(rows_fields) - 1, 0, rows_fields
};

static const struct agi_wire_shape shape_need_rows =
	SHAPE(AGISWARM_MSG_NEED_ROWS, need_rows_fields, 0);
static const struct agi_wire_shape shape_record =
	SHAPE(AGISWARM_MSG_CYCLE_RECORD, record_fields, 0);
static const struct agi_wire_shape shape_fenced =
	SHAPE(AGISWARM_MSG_FENCED, fenced_fields, 0);
static const struct agi_wire_shape shape_job_rows =
	SHAPE(AGISWARM_MSG_JOB_ROWS, rows_fields, 0);
static const struct agi_wire_shape shape_job_task =
	SHAPE(AGISWARM_MSG_JOB_TASK, task_fields, AGISWARM_TASK_FMT);
static const struct agi_wire_shape shape_job_result =
	SHAPE(AGISWARM_MSG_JOB_RESULT, result_fields, 0);
static const struct agi_wire_shape shape_job_cancel =
	SHAPE(AGISWARM_MSG_JOB_CANCEL, job_cancel_fields, 0);

/* kmod/core.c compiles the whole core as one unit: keep these local. */
#undef UINT
#undef U64
#undef U32
#undef FMT
#undef VEC
#undef BYTES
#undef SHAPE

static const struct agi_wire_shape *shape_of(u8 type)
{
	switch (type) {
	case AGISWARM_MSG_TASK:
		return &shape_task;
	case AGISWARM_MSG_RESULT:
		return &shape_result;
	case AGISWARM_MSG_SENSOR:
		return &shape_sensor;
	case AGISWARM_MSG_ACTUATE:
		return &shape_actuate;
	case AGISWARM_MSG_ROWS:
		return &shape_rows;
	case AGISWARM_MSG_NEED_ROWS:
		return &shape_need_rows;
	case AGISWARM_MSG_CYCLE_RECORD:
		return &shape_record;
	case AGISWARM_MSG_FENCED:
		return &shape_fenced;
	case AGISWARM_MSG_JOB_ROWS:
		return &shape_job_rows;
	case AGISWARM_MSG_JOB_TASK:
		return &shape_job_task;
	case AGISWARM_MSG_JOB_RESULT:
		return &shape_job_result;
	case AGISWARM_MSG_JOB_CANCEL:
		return &shape_job_cancel;
	}
	return NULL;
}

bool agi_wire_is_fast_path(u8 type)
{
	return !!shape_of(type);
}

static bool is_pass_up(u8 type)
{
	switch (type) {
	case AGISWARM_MSG_HEARTBEAT:
	case AGISWARM_MSG_STATUS:
	case AGISWARM_MSG_CONFIG:
	case AGISWARM_MSG_COMMIT:
	case AGISWARM_MSG_COMMIT_ACK:
	case AGISWARM_MSG_HANDSHAKE_INIT:
	case AGISWARM_MSG_HANDSHAKE_RESP:
	case AGISWARM_MSG_ERROR:
		return true;
	}
	return false;
}

/* ---- range checks shared by parser and encoders ------------------------ */

/* A Q1.15 value travels as an s32 but must fit the format's 16 bits. */
static bool q_holds(u64 fmt, s32 v)
{
	if (fmt == AGISWARM_Q1_15)
		return v >= S16_MIN && v <= S16_MAX;
	return true;
}

static int check_vec(const struct agi_wire_shape *s, const struct wire_fields *f)
{
	const struct agi_wire_vec *v = &f->vec;
	u16 i;

	if (!s->fmt_key || f->u[s->fmt_key] != AGISWARM_Q1_15)
		return 0;
	for (i = 0; i < v->n; i++)
		if (!q_holds(f->u[s->fmt_key], agi_wire_vec_s32(v, i)))
			return DROP(BADVALUE);
	return 0;
}

/* ROWS: the chunk must lie inside the row. */
static int check_rows(const struct wire_fields *f)
{
	if (f->u[AGISWARM_ROWS_OFFSET] + f->vec.n > f->u[AGISWARM_ROWS_NCOLS])
		return DROP(BADVALUE);
	return 0;
}

/* CYCLE_RECORD: the part must lie inside the record's vector. */
static int check_record(const struct wire_fields *f)
{
	u64 total = f->u[AGISWARM_RECORD_NX] + 4 * f->u[AGISWARM_RECORD_NU];

	if (f->u[AGISWARM_RECORD_OFFSET] + f->vec.n > total)
		return DROP(BADVALUE);
	return 0;
}

/* Every field that is present lies in its range. */
static int check_ranges(const struct agi_wire_shape *s, const struct wire_fields *f)
{
	u8 k;

	for (k = 1; k <= s->nkeys; k++) {
		const struct agi_wire_field *fd = &s->fields[k - 1];
		u64 v = fd->kind == AGI_WIRE_F_UINT ? f->u[k] : f->vec.n;

		if (fd->kind == AGI_WIRE_F_BYTES)
			continue;	/* its length is checked as it is read */
		if ((f->seen & 1U << k) && (v < fd->min || v > fd->max))
			return DROP(BADVALUE);
	}
	return 0;
}

/* With every field present: the checks that involve several. */
static int check_across(const struct agi_wire_shape *s, const struct wire_fields *f)
{
	if ((s == &shape_rows || s == &shape_job_rows) && check_rows(f))
		return DROP(BADVALUE);
	if (s == &shape_record && check_record(f))
		return DROP(BADVALUE);
	return check_vec(s, f);
}

#define ALL_KEYS(s) (((1U << (s)->nkeys) - 1) << 1)

/* ---- the top-level map ------------------------------------------------- */

/* The value of known key @k: interpret it. */
static int take_field(const struct agi_wire_shape *s,
		      const struct agi_cbor_cursor *c,
		      const struct agi_cbor_item *v, u8 k,
		      struct wire_fields *f)
{
	const struct agi_wire_field *fd = &s->fields[k - 1];
	const u8 *b;
	u16 n;

	f->seen |= 1U << k;
	if (fd->kind == AGI_WIRE_F_UINT)
		return agi_cbor_get_uint(v, U64_MAX, &f->u[k]);
	if (fd->kind == AGI_WIRE_F_BYTES) {
		if (agi_cbor_get_bytes(c, v, 0, U16_MAX, &b, &n) ||
		    n != fd->size)
			return DROP(BADVALUE);
		f->bytes = b;
		return 0;
	}
	if (agi_cbor_get_bytes(c, v, 0, U16_MAX, &b, &n) || n % fd->elem)
		return DROP(BADVALUE);
	f->vec.be = b;
	f->vec.host.s32 = NULL;
	f->vec.n = n / fd->elem;
	return 0;
}

/* The key of an entry when it is one of @s's, else 0. */
static u8 known_key(const struct agi_wire_shape *s,
		    const struct agi_cbor_item *key)
{
	u64 k;

	if (agi_cbor_get_uint(key, s->nkeys, &k))
		return 0;
	return (u8)k;
}

/*
 * The payload must be one deterministic map (agi_cbor_open() classifies
 * MALFORMED before NONCANONICAL, over the whole payload); then the first
 * known key of the wrong type, a value out of range, a missing key.
 */
static int parse_payload(const u8 *p, u16 len, const struct agi_wire_shape *s,
			 struct wire_fields *f)
{
	struct agi_cbor_item key, val;
	struct agi_cbor_cursor c;
	int r, bad = 0;
	u8 k;

	r = agi_cbor_open(&c, p, len, AGI_CBOR_MAP);
	if (r)
		return r;
	while ((r = agi_cbor_next_entry(&c, &key, &val)) > 0) {
		k = known_key(s, &key);
		if (k && !bad)
			bad = take_field(s, &c, &val, k, f);
	}
	if (r)
		return r;
	if (bad)
		return bad;
	r = check_ranges(s, f);
	if (r)
		return r;
	if (f->seen != ALL_KEYS(s))
		return DROP(MISSING);
	return check_across(s, f);
}

/* ---- structs and fields ------------------------------------------------ */

static void fields_get(const struct agi_wire_shape *s, const void *msg,
		       struct wire_fields *f)
{
	const struct agi_wire_field *fd;
	u8 k;

	for (k = 1; k <= s->nkeys; k++) {
		fd = &s->fields[k - 1];
		if (fd->kind == AGI_WIRE_F_UINT)
			f->u[k] = agi_field_load(msg, fd->off, fd->size);
		else if (fd->kind == AGI_WIRE_F_BYTES)
			f->bytes = (const u8 *)msg + fd->off;
		else
			memcpy(&f->vec, (const u8 *)msg + fd->off,
			       sizeof(f->vec));
	}
}

static void fields_set(const struct agi_wire_shape *s, const struct wire_fields *f,
		       void *msg)
{
	const struct agi_wire_field *fd;
	u8 k;

	for (k = 1; k <= s->nkeys; k++) {
		fd = &s->fields[k - 1];
		if (fd->kind == AGI_WIRE_F_UINT)
			agi_field_store(msg, fd->off, fd->size, f->u[k]);
		else if (fd->kind == AGI_WIRE_F_BYTES)
			memcpy((u8 *)msg + fd->off, f->bytes, fd->size);
		else
			memcpy((u8 *)msg + fd->off, &f->vec, sizeof(f->vec));
	}
}

/* ---- parse ------------------------------------------------------------- */

/* The framing: length, version and payload length. */
static int check_frame(const u8 *buf, size_t len)
{
	if (len < AGISWARM_WIRE_HDR_LEN)
		return DROP(SHORT);
	if (len > AGISWARM_WIRE_MAX)
		return DROP(OVERSIZE);
	if (buf[0] != AGISWARM_WIRE_VERSION)
		return DROP(VERSION);
	if (agi_get_be16(buf + 2) != len - AGISWARM_WIRE_HDR_LEN)
		return DROP(LENGTH);
	return 0;
}

static int parse_header(const u8 *buf, size_t len)
{
	int r = check_frame(buf, len);

	if (r)
		return r;
	if (!agi_wire_is_fast_path(buf[1]) && !is_pass_up(buf[1]))
		return DROP(TYPE);
	return 0;
}

/*
 * Inside the core a refusal is its negated drop reason, as in cbor.h; the
 * exported functions return -EBADMSG and hand the reason out apart.
 */
static int refuse(int drop, enum agiswarm_counter *reason)
{
	*reason = (enum agiswarm_counter)-drop;
	return -EBADMSG;
}

int agi_wire_check_header(const u8 *buf, size_t len,
			  enum agiswarm_counter *reason)
{
	int r = check_frame(buf, len);

	return unlikely(r) ? refuse(r, reason) : 0;
}

u8 agi_wire_sender(u8 type)
{
	switch (type) {
	case AGISWARM_MSG_TASK:
	case AGISWARM_MSG_ROWS:
	case AGISWARM_MSG_STATUS:
	case AGISWARM_MSG_CYCLE_RECORD:
	case AGISWARM_MSG_JOB_ROWS:
	case AGISWARM_MSG_JOB_TASK:
	case AGISWARM_MSG_JOB_CANCEL:
		return AGISWARM_PEER_AGGREGATOR;
	case AGISWARM_MSG_RESULT:
	case AGISWARM_MSG_JOB_RESULT:
	case AGISWARM_MSG_HEARTBEAT:
	case AGISWARM_MSG_NEED_ROWS:
	case AGISWARM_MSG_FENCED:
		return AGISWARM_PEER_WORKER;
	case AGISWARM_MSG_SENSOR:
		return AGISWARM_PEER_SENSOR;
	case AGISWARM_MSG_COMMIT:
		return AGISWARM_PEER_OPERATOR;
	}
	return AGISWARM_PEER_UNSPEC;
}

int agi_wire_parse(const u8 *buf, size_t len, struct agi_wire_msg *out,
		   enum agiswarm_counter *reason)
{
	const struct agi_wire_shape *s;
	struct wire_fields f;
	int r;

	r = parse_header(buf, len);
	if (unlikely(r))
		return refuse(r, reason);
	memset(out, 0, sizeof(*out));
	out->type = buf[1];
	out->payload = buf + AGISWARM_WIRE_HDR_LEN;
	out->payload_len = (u16)(len - AGISWARM_WIRE_HDR_LEN);
	s = shape_of(out->type);
	if (!s)
		return AGI_WIRE_PASS_UP;
	memset(&f, 0, sizeof(f));
	r = parse_payload(out->payload, out->payload_len, s, &f);
	if (unlikely(r))
		return refuse(r, reason);
	fields_set(s, &f, &out->u);
	return 0;
}

int agi_wire_parse_as(const u8 *buf, size_t len,
		      const struct agi_wire_shape *s, void *msg,
		      enum agiswarm_counter *reason)
{
	struct wire_fields f;
	int r;

	r = check_frame(buf, len);
	if (!r && buf[1] != s->type)
		r = DROP(TYPE);
	if (r)
		return refuse(r, reason);
	memset(&f, 0, sizeof(f));
	r = parse_payload(buf + AGISWARM_WIRE_HDR_LEN,
			  (u16)(len - AGISWARM_WIRE_HDR_LEN), s, &f);
	if (r)
		return refuse(r, reason);
	fields_set(s, &f, msg);
	return 0;
}

/* ---- encode ------------------------------------------------------------ */

static void put_element(struct agi_cbor_writer *w,
			const struct agi_wire_vec *v, u8 elem, u16 i)
{
	struct agi_wire_value val;
	u8 b[AGISWARM_WIRE_VALUE_LEN];

	if (!v->host.s32) {
		agi_cbor_put_raw(w, v->be + (size_t)elem * i, elem);
		return;
	}
	if (elem == 4) {
		agi_put_be32((u32)v->host.s32[i], b);
	} else if (elem == 8) {
		agi_put_be64((u64)v->host.s64[i], b);
	} else {
		val = v->host.value[i];
		agi_put_be16(val.row, b);
		agi_i128_put_be(val.sum, b + 2);
	}
	agi_cbor_put_raw(w, b, elem);
}

static bool has_vec(const struct agi_wire_shape *s)
{
	u8 k;

	for (k = 1; k <= s->nkeys; k++)
		if (s->fields[k - 1].kind == AGI_WIRE_F_VEC)
			return true;
	return false;
}

/* Encode the struct @msg of shape @s. */
static size_t put_msg(u8 *buf, size_t cap, const struct agi_wire_shape *s,
		      const void *msg)
{
	struct agi_cbor_writer w = { .buf = buf, .pos = AGISWARM_WIRE_HDR_LEN };
	const struct agi_wire_field *fd;
	struct wire_fields f = { 0 };
	u16 i;
	u8 k;

	if (!s)
		return 0;
	fields_get(s, msg, &f);
	f.seen = ALL_KEYS(s);
	if ((has_vec(s) && !f.vec.be && !f.vec.host.s32) ||
	    check_ranges(s, &f) || check_across(s, &f))
		return 0;
	w.cap = cap < AGISWARM_WIRE_MAX ? cap : AGISWARM_WIRE_MAX;
	agi_cbor_put_head(&w, AGI_CBOR_MAP, s->nkeys);
	for (k = 1; k <= s->nkeys; k++) {
		fd = &s->fields[k - 1];
		agi_cbor_put_head(&w, AGI_CBOR_UINT, k);
		if (fd->kind == AGI_WIRE_F_UINT) {
			agi_cbor_put_head(&w, AGI_CBOR_UINT, f.u[k]);
			continue;
		}
		if (fd->kind == AGI_WIRE_F_BYTES) {
			agi_cbor_put_head(&w, AGI_CBOR_BSTR, fd->size);
			agi_cbor_put_raw(&w, f.bytes, fd->size);
			continue;
		}
		agi_cbor_put_head(&w, AGI_CBOR_BSTR, (u64)f.vec.n * fd->elem);
		for (i = 0; i < f.vec.n; i++)
			put_element(&w, &f.vec, fd->elem, i);
	}
	if (!agi_cbor_fits(&w))
		return 0;
	agi_wire_put_header(buf, s->type, (u16)(w.pos - AGISWARM_WIRE_HDR_LEN));
	return w.pos;
}

void agi_wire_put_header(u8 *buf, u8 type, u16 payload_len)
{
	buf[0] = AGISWARM_WIRE_VERSION;
	buf[1] = type;
	agi_put_be16(payload_len, buf + 2);
}

size_t agi_wire_put_as(u8 *buf, size_t cap, const struct agi_wire_shape *s,
		       const void *msg)
{
	return put_msg(buf, cap, s, msg);
}

size_t agi_wire_put_task(u8 *buf, size_t cap, const struct agi_wire_task *t)
{
	return put_msg(buf, cap, &shape_task, t);
}

size_t agi_wire_put_result(u8 *buf, size_t cap,
			   const struct agi_wire_result *r)
{
	return put_msg(buf, cap, &shape_result, r);
}

size_t agi_wire_put_sensor(u8 *buf, size_t cap,
			   const struct agi_wire_sensor *s)
{
	return put_msg(buf, cap, &shape_sensor, s);
}

size_t agi_wire_put_actuate(u8 *buf, size_t cap,
			    const struct agi_wire_actuate *a)
{
	return put_msg(buf, cap, &shape_actuate, a);
}

size_t agi_wire_put_rows(u8 *buf, size_t cap, const struct agi_wire_rows *r)
{
	return put_msg(buf, cap, &shape_rows, r);
}

size_t agi_wire_put_need_rows(u8 *buf, size_t cap,
			      const struct agi_wire_need_rows *n)
{
	return put_msg(buf, cap, &shape_need_rows, n);
}

size_t agi_wire_put_record(u8 *buf, size_t cap,
			   const struct agi_wire_record *r)
{
	return put_msg(buf, cap, &shape_record, r);
}

size_t agi_wire_put_fenced(u8 *buf, size_t cap,
			   const struct agi_wire_fenced *f)
{
	return put_msg(buf, cap, &shape_fenced, f);
}

size_t agi_wire_put(u8 *buf, size_t cap, const struct agi_wire_msg *m)
{
	return put_msg(buf, cap, shape_of(m->type), &m->u);
}
