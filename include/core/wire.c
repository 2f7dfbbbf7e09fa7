// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Deterministic CBOR for the fast-path shapes (see wire.h for the contract
 * and the UAPI header for the format).
 *
 * Every shape is a table of fields indexed by key; parsing fills a
 * struct wire_fields from the map and encoding writes one from the message,
 * and both run the same range checks, so the encoders never emit what the
 * parser would refuse.
 */
#include "cbor.h"
#include "wire.h"
#include "field.h"

#define DROP(reason) (-AGISWARM_CNT_DROP_##reason)

#define KEYS_MAX AGISWARM_ROWS_MAX	/* the largest key of any shape */

enum field_kind { F_UINT, F_VEC };

/*
 * One key of a shape: F_UINT, a value in [min, max]; F_VEC, a byte string
 * of min..max elements of elem bytes. It lives in the message struct at
 * @off, @size bytes wide (struct agi_wire_vec for F_VEC).
 */
struct wire_field {
	u8 kind;
	u8 elem;
	u8 off;
	u8 size;
	u64 min;
	u64 max;
};

/*
 * A shape: its fields by key (fields[k - 1] is key k; one of them is a
 * vector) and the key of the Q format that vector is in (0: none).
 */
struct wire_shape {
	u8 nkeys;
	u8 fmt_key;
	const struct wire_field *fields;
};

/* The values of one message by key, between the map and the structs. */
struct wire_fields {
	u64 u[KEYS_MAX + 1];
	struct agi_wire_vec vec;
	u16 seen;		/* bit k: key k was present */
};

#define MEMBER(t, m) .off = offsetof(struct agi_wire_##t, m), \
	.size = sizeof(((struct agi_wire_##t *)0)->m)
#define UINT(t, m, lo, hi) \
	{ .kind = F_UINT, MEMBER(t, m), .min = (lo), .max = (hi) }
#define U64(t, m) UINT(t, m, 0, U64_MAX)
#define U32(t, m) UINT(t, m, 0, U32_MAX)
#define FMT(t, m) UINT(t, m, AGISWARM_Q1_31, AGISWARM_Q_MAX)
#define VEC(t, m, size, hi) \
	{ .kind = F_VEC, MEMBER(t, m), .elem = (size), .min = 1, .max = (hi) }

/* In key order: entry k - 1 is key k. */
static const struct wire_field task_fields[] = {
	U64(task, epoch), U64(task, cycle), U32(task, gen), FMT(task, fmt),
	VEC(task, x, 4, AGISWARM_WIRE_VEC_MAX),
};

static const struct wire_field result_fields[] = {
	U64(result, epoch), U64(result, cycle), U32(result, gen),
	U32(result, worker),
	VEC(result, values, AGISWARM_WIRE_VALUE_LEN, AGISWARM_WIRE_VALUES_MAX),
};

static const struct wire_field sensor_fields[] = {
	U64(sensor, seq), FMT(sensor, fmt),
	VEC(sensor, x, 4, AGISWARM_WIRE_VEC_MAX),
};

static const struct wire_field actuate_fields[] = {
	U64(actuate, epoch), U64(actuate, cycle), FMT(actuate, fmt),
	VEC(actuate, u, 4, AGISWARM_WIRE_VEC_MAX),
	UINT(actuate, status, 0, AGISWARM_ACTUATE_STATUS_MAX),
};

static const struct wire_field rows_fields[] = {
	U64(rows, epoch), U32(rows, gen), UINT(rows, row, 0, U16_MAX),
	UINT(rows, ncols, 1, AGISWARM_WIRE_VEC_MAX),
	UINT(rows, offset, 0, AGISWARM_WIRE_VEC_MAX - 1),
	VEC(rows, entries, 8, AGISWARM_WIRE_CHUNK_MAX),
	UINT(rows, nrows, 1, AGISWARM_WIRE_ROWS_MAX),
};

#define SHAPE(f, fmt) { ARRAY_SIZE(f), fmt, f }

static const struct wire_shape shape_task =
	SHAPE(task_fields, AGISWARM_TASK_FMT);
static const struct wire_shape shape_result = SHAPE(result_fields, 0);
static const struct wire_shape shape_sensor =
	SHAPE(sensor_fields, AGISWARM_SENSOR_FMT);
static const struct wire_shape shape_actuate =
	SHAPE(actuate_fields, AGISWARM_ACTUATE_FMT);
static const struct wire_shape shape_rows = SHAPE(rows_fields, 0);

/* kmod/core.c compiles the whole core as one unit: keep these local. */
#undef MEMBER
#undef UINT
#undef U64
#undef U32
#undef FMT
#undef VEC
#undef SHAPE

static const struct wire_shape *shape_of(u8 type)
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
	}
	return NULL;
}

bool agi_wire_is_fast_path(u8 type)
{
	return shape_of(type) != NULL;
}

static bool is_pass_up(u8 type)
{
	switch (type) {
	case AGISWARM_MSG_HEARTBEAT:
	case AGISWARM_MSG_STATUS:
	case AGISWARM_MSG_CONFIG:
	case AGISWARM_MSG_COMMIT:
	case AGISWARM_MSG_COMMIT_ACK:
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

static int check_vec(const struct wire_shape *s, const struct wire_fields *f)
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

/* Every field that is present lies in its range. */
static int check_ranges(const struct wire_shape *s, const struct wire_fields *f)
{
	u8 k;

	for (k = 1; k <= s->nkeys; k++) {
		const struct wire_field *fd = &s->fields[k - 1];
		u64 v = fd->kind == F_UINT ? f->u[k] : f->vec.n;

		if ((f->seen & 1U << k) && (v < fd->min || v > fd->max))
			return DROP(BADVALUE);
	}
	return 0;
}

/* With every field present: the checks that involve several. */
static int check_across(const struct wire_shape *s, const struct wire_fields *f)
{
	if (s == &shape_rows && check_rows(f))
		return DROP(BADVALUE);
	return check_vec(s, f);
}

#define ALL_KEYS(s) (((1U << (s)->nkeys) - 1) << 1)

/* ---- the top-level map ------------------------------------------------- */

/* The well-formed value of known key @k starts at @pos: interpret it. */
static int take_field(const struct wire_shape *s,
		      const struct agi_cbor_scanner *sc, u16 pos, u8 k,
		      struct wire_fields *f)
{
	const struct wire_field *fd = &s->fields[k - 1];
	struct agi_cbor_head h;
	bool ignored = false;

	if (agi_cbor_read_head(sc->p, sc->len, &pos, &h, &ignored))
		return DROP(MALFORMED);
	f->seen |= 1U << k;
	if (fd->kind == F_UINT) {
		if (h.major != AGI_CBOR_UINT)
			return DROP(BADVALUE);
		f->u[k] = h.arg;
		return 0;
	}
	/*
	 * Indefinite strings are already refused as non-canonical; a definite
	 * one was scanned, so its length fits in the payload's u16.
	 */
	if (h.major != AGI_CBOR_BSTR || h.ai == AGI_CBOR_INDEFINITE ||
	    (u16)h.arg % fd->elem)
		return DROP(BADVALUE);
	f->vec.be = sc->p + pos;
	f->vec.host.s32 = NULL;
	f->vec.n = (u16)h.arg / fd->elem;
	return 0;
}

/*
 * The key starting at @key if it is one of @s's, else 0. Only the first byte
 * matters: a longer encoding of a small key is refused as non-canonical.
 */
static u8 known_key(const struct wire_shape *s, const u8 *p, u16 key)
{
	u8 b = p[key];

	return b >= 1 && b <= s->nkeys ? b : 0;
}

/* Every entry of the canonical map at @pos with @n entries. */
static int parse_entries(struct agi_cbor_scanner *sc,
			 const struct wire_shape *s, u64 n,
			 struct wire_fields *f)
{
	u16 key, prev = 0, prev_end = 0, val;
	bool noncanon = false;
	int r, bad = 0;
	u64 i;

	for (i = 0; i < n; i++) {
		key = sc->pos;
		r = agi_cbor_scan_item(sc);
		if (r == DROP(MALFORMED))
			return r;
		noncanon |= r != 0;
		if (i && agi_cbor_key_cmp(sc->p, prev, prev_end, key,
					  sc->pos) >= 0)
			noncanon = true;
		prev = key;
		prev_end = sc->pos;
		val = sc->pos;
		r = agi_cbor_scan_item(sc);
		if (r == DROP(MALFORMED))
			return r;
		noncanon |= r != 0;
		if (!bad && known_key(s, sc->p, key))
			bad = take_field(s, sc, val, known_key(s, sc->p, key),
					 f);
	}
	if (sc->pos != sc->len)
		return DROP(MALFORMED);
	return noncanon ? DROP(NONCANONICAL) : bad;
}

static int parse_payload(const u8 *p, u16 len, const struct wire_shape *s,
			 struct wire_fields *f)
{
	struct agi_cbor_scanner sc = { .p = p, .len = len };
	struct agi_cbor_head h;
	bool noncanon = false;
	int r;

	r = agi_cbor_read_head(p, len, &sc.pos, &h, &noncanon);
	if (r || h.major != AGI_CBOR_MAP)
		return DROP(MALFORMED);
	if (h.ai == AGI_CBOR_INDEFINITE || noncanon) {
		/* Not deterministic: only whether it is well-formed matters. */
		sc.pos = 0;
		r = agi_cbor_scan_item(&sc);
		if (r == DROP(MALFORMED) || sc.pos != len)
			return DROP(MALFORMED);
		return DROP(NONCANONICAL);
	}
	if (h.arg > (u16)(len - sc.pos) / 2)
		return DROP(MALFORMED);
	sc.depth = 1;
	r = parse_entries(&sc, s, h.arg, f);
	if (r)
		return r;
	r = check_ranges(s, f);
	if (r)
		return r;
	if (f->seen != ALL_KEYS(s))
		return DROP(MISSING);
	return check_across(s, f);
}

/* ---- structs and fields ------------------------------------------------ */

static void fields_get(const struct wire_shape *s, const void *msg,
		       struct wire_fields *f)
{
	const struct wire_field *fd;
	u8 k;

	for (k = 1; k <= s->nkeys; k++) {
		fd = &s->fields[k - 1];
		if (fd->kind == F_UINT)
			f->u[k] = agi_field_load(msg, fd->off, fd->size);
		else
			memcpy(&f->vec, (const u8 *)msg + fd->off,
			       sizeof(f->vec));
	}
}

static void fields_set(const struct wire_shape *s, const struct wire_fields *f,
		       void *msg)
{
	const struct wire_field *fd;
	u8 k;

	for (k = 1; k <= s->nkeys; k++) {
		fd = &s->fields[k - 1];
		if (fd->kind == F_UINT)
			agi_field_store(msg, fd->off, fd->size, f->u[k]);
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

int agi_wire_parse(const u8 *buf, size_t len, struct agi_wire_msg *out,
		   enum agiswarm_counter *reason)
{
	const struct wire_shape *s;
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

/* ---- encode ------------------------------------------------------------ */

/* Output that stops at @cap; @pos keeps counting, so overflow shows. */
struct writer {
	u8 *buf;
	size_t cap;
	size_t pos;
};

static void put_bytes(struct writer *w, const void *src, size_t n)
{
	if (w->pos + n <= w->cap)
		memcpy(w->buf + w->pos, src, n);
	w->pos += n;
}

/* A head in its shortest form, as deterministic encoding requires. */
static void put_head(struct writer *w, u8 major, u64 arg)
{
	u8 b[9];
	u8 n;

	if (arg < 24) {
		b[0] = major << 5 | (u8)arg;
		put_bytes(w, b, 1);
		return;
	}
	n = arg <= 0xff ? 1 : arg <= 0xffff ? 2 : arg <= 0xffffffff ? 4 : 8;
	b[0] = major << 5 | (n == 1 ? 24 : n == 2 ? 25 : n == 4 ? 26 : 27);
	agi_put_be64(arg, b + 1);
	b[8 - n] = b[0];
	put_bytes(w, b + 8 - n, n + 1);
}

static void put_element(struct writer *w, const struct agi_wire_vec *v,
			u8 elem, u16 i)
{
	struct agi_wire_value val;
	u8 b[AGISWARM_WIRE_VALUE_LEN];

	if (!v->host.s32) {
		put_bytes(w, v->be + (size_t)elem * i, elem);
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
	put_bytes(w, b, elem);
}

/* Encode the struct @msg of shape @type. */
static size_t put_msg(u8 *buf, size_t cap, u8 type, const void *msg)
{
	const struct wire_shape *s = shape_of(type);
	struct writer w = { .buf = buf, .pos = AGISWARM_WIRE_HDR_LEN };
	const struct wire_field *fd;
	struct wire_fields f = { 0 };
	u16 i;
	u8 k;

	if (!s)
		return 0;
	fields_get(s, msg, &f);
	f.seen = ALL_KEYS(s);
	if ((!f.vec.be && !f.vec.host.s32) || check_ranges(s, &f) ||
	    check_across(s, &f))
		return 0;
	w.cap = cap < AGISWARM_WIRE_MAX ? cap : AGISWARM_WIRE_MAX;
	put_head(&w, AGI_CBOR_MAP, s->nkeys);
	for (k = 1; k <= s->nkeys; k++) {
		fd = &s->fields[k - 1];
		put_head(&w, AGI_CBOR_UINT, k);
		if (fd->kind == F_UINT) {
			put_head(&w, AGI_CBOR_UINT, f.u[k]);
			continue;
		}
		put_head(&w, AGI_CBOR_BSTR, (u64)f.vec.n * fd->elem);
		for (i = 0; i < f.vec.n; i++)
			put_element(&w, &f.vec, fd->elem, i);
	}
	if (w.pos > w.cap)
		return 0;
	buf[0] = AGISWARM_WIRE_VERSION;
	buf[1] = type;
	agi_put_be16((u16)(w.pos - AGISWARM_WIRE_HDR_LEN), buf + 2);
	return w.pos;
}

size_t agi_wire_put_task(u8 *buf, size_t cap, const struct agi_wire_task *t)
{
	return put_msg(buf, cap, AGISWARM_MSG_TASK, t);
}

size_t agi_wire_put_result(u8 *buf, size_t cap,
			   const struct agi_wire_result *r)
{
	return put_msg(buf, cap, AGISWARM_MSG_RESULT, r);
}

size_t agi_wire_put_sensor(u8 *buf, size_t cap,
			   const struct agi_wire_sensor *s)
{
	return put_msg(buf, cap, AGISWARM_MSG_SENSOR, s);
}

size_t agi_wire_put_actuate(u8 *buf, size_t cap,
			    const struct agi_wire_actuate *a)
{
	return put_msg(buf, cap, AGISWARM_MSG_ACTUATE, a);
}

size_t agi_wire_put_rows(u8 *buf, size_t cap, const struct agi_wire_rows *r)
{
	return put_msg(buf, cap, AGISWARM_MSG_ROWS, r);
}

size_t agi_wire_put(u8 *buf, size_t cap, const struct agi_wire_msg *m)
{
	return put_msg(buf, cap, m->type, &m->u);
}
