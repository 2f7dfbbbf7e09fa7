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
#include "wire.h"

#define DROP(reason) (-AGISWARM_CNT_DROP_##reason)

enum { MT_UINT, MT_NINT, MT_BSTR, MT_TSTR, MT_ARRAY, MT_MAP, MT_TAG,
	MT_SIMPLE };

#define AI_INDEFINITE 31
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
 * A shape: its fields by key (fields[k - 1] is key k), the key of its one
 * vector, and the key of the Q format that vector is in (0: none).
 */
struct wire_shape {
	u8 nkeys;
	u8 vec_key;
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

#define SHAPE(f, vec, fmt) { ARRAY_SIZE(f), vec, fmt, f }

static const struct wire_shape shape_task =
	SHAPE(task_fields, AGISWARM_TASK_X, AGISWARM_TASK_FMT);
static const struct wire_shape shape_result =
	SHAPE(result_fields, AGISWARM_RESULT_VALUES, 0);
static const struct wire_shape shape_sensor =
	SHAPE(sensor_fields, AGISWARM_SENSOR_X, AGISWARM_SENSOR_FMT);
static const struct wire_shape shape_actuate =
	SHAPE(actuate_fields, AGISWARM_ACTUATE_U, AGISWARM_ACTUATE_FMT);
static const struct wire_shape shape_rows =
	SHAPE(rows_fields, AGISWARM_ROWS_ENTRIES, 0);

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

/* Every field present and in range, then the checks across fields. */
static int check_fields(const struct wire_shape *s, const struct wire_fields *f)
{
	u8 k;

	for (k = 1; k <= s->nkeys; k++) {
		const struct wire_field *fd = &s->fields[k - 1];
		u64 v = fd->kind == F_UINT ? f->u[k] : f->vec.n;

		if (v < fd->min || v > fd->max)
			return DROP(BADVALUE);
	}
	if (s == &shape_rows && check_rows(f))
		return DROP(BADVALUE);
	return check_vec(s, f);
}

/* ---- the CBOR reader --------------------------------------------------- */

struct cbor_head {
	u8 major;
	u8 ai;		/* additional information, the low 5 bits */
	u64 arg;
};

/*
 * Read one item head at *@pos. Sets *@noncanon when an integer or length
 * argument is longer than it needs to be (floats have their own rule).
 */
static int read_head(const u8 *p, u16 len, u16 *pos, struct cbor_head *h,
		     bool *noncanon)
{
	u16 i, n;

	if (*pos >= len)
		return DROP(MALFORMED);
	h->major = p[*pos] >> 5;
	h->ai = p[*pos] & 0x1f;
	(*pos)++;
	if (h->ai < 24 || h->ai == AI_INDEFINITE) {
		h->arg = h->ai < 24 ? h->ai : 0;
		return 0;
	}
	if (h->ai > 27)
		return DROP(MALFORMED);
	n = 1 << (h->ai - 24);
	if (len - *pos < n)
		return DROP(MALFORMED);
	for (h->arg = 0, i = 0; i < n; i++)
		h->arg = h->arg << 8 | p[(*pos)++];
	/* The shortest form of a value needing 2n bytes would have used n. */
	if (h->major != MT_SIMPLE &&
	    (n == 1 ? h->arg < 24 : h->arg >> (4 * n) == 0))
		*noncanon = true;
	return 0;
}

/*
 * Whether a binary float of mbits mantissa and ebits exponent bits is
 * exactly representable with tmbits and tebits: then the shorter encoding
 * was required (RFC 8949 4.2.1). Integer arithmetic only.
 */
static bool float_narrows(u64 bits, u8 mbits, u8 ebits, u8 tmbits, u8 tebits)
{
	u64 m = bits & ((1ULL << mbits) - 1);
	u64 e = (bits >> mbits) & ((1ULL << ebits) - 1);
	s32 bias = (1 << (ebits - 1)) - 1, tbias = (1 << (tebits - 1)) - 1;
	s32 exp = (s32)e - bias, need;
	u64 drop_mask = (1ULL << (mbits - tmbits)) - 1;

	if (e == (1ULL << ebits) - 1)		/* infinities and NaNs */
		return !(m & drop_mask);
	if (e == 0)				/* zeros; subnormals never fit */
		return m == 0;
	if (exp > tbias)
		return false;
	if (exp >= 1 - tbias)			/* a normal number there too */
		return !(m & drop_mask);
	/* A subnormal there: the low bits below 2^(1-tbias-tmbits) are zero. */
	need = (1 - tbias - tmbits) - (exp - mbits);
	if (need > mbits)
		return false;
	return !((m | 1ULL << mbits) & ((1ULL << need) - 1));
}

static bool float_noncanonical(const struct cbor_head *h)
{
	if (h->ai == 26)
		return float_narrows(h->arg, 23, 8, 10, 5);
	if (h->ai == 27)
		return float_narrows(h->arg, 52, 11, 23, 8);
	return false;
}

/*
 * Whether a text string is UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF). RFC 8949 calls other text invalid
 * and libcbor, which the daemon uses, refuses it; so do we.
 */
static bool utf8_valid(const u8 *s, u16 n)
{
	static const u32 min_of_len[] = { 0, 0x80, 0x800, 0x10000 };
	u16 i = 0;
	u32 cp;
	u8 more, len;

	while (i < n) {
		cp = s[i++];
		if (cp < 0x80)
			continue;
		if (cp < 0xc0 || cp > 0xf4)
			return false;
		len = cp < 0xe0 ? 1 : cp < 0xf0 ? 2 : 3;
		cp &= 0x3f >> len;
		if (n - i < len)
			return false;
		for (more = len; more; more--, i++) {
			if ((s[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i] & 0x3f);
		}
		if (cp < min_of_len[len] || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
	}
	return true;
}

/* Bytewise lexicographic order of two encoded keys (RFC 8949 4.2.1). */
static int key_cmp(const u8 *p, u16 a, u16 a_end, u16 b, u16 b_end)
{
	u16 alen = a_end - a, blen = b_end - b;
	int r = memcmp(p + a, p + b, alen < blen ? alen : blen);

	if (r)
		return r;
	return (int)alen - (int)blen;
}

enum { LV_ARRAY, LV_MAP, LV_CHUNKS };

/*
 * An open container while scanning. @count items were read of @total (or
 * until a break when @indefinite). Maps keep their last key and the start
 * of the current one to check the order; LV_CHUNKS is an indefinite string
 * whose chunks must be definite strings of @chunk_major.
 */
struct scan_level {
	u16 total;
	u16 count;
	u16 key;
	u16 prev_key;
	u16 prev_key_end;
	u8 kind;
	u8 indefinite : 1;
	u8 chunk_major : 3;
};

struct scanner {
	const u8 *p;
	u16 len;
	u16 pos;
	u8 sp;			/* open containers */
	u8 depth;		/* containers open around the scanned item */
	bool noncanon;
	struct scan_level st[AGISWARM_WIRE_DEPTH_MAX];
};

/*
 * An item ended at sc->pos: count it in the enclosing containers, closing
 * those it completes. Returns true when the scanned item itself is done.
 */
static bool scan_complete(struct scanner *sc)
{
	while (sc->sp) {
		struct scan_level *top = &sc->st[sc->sp - 1];

		if (top->kind == LV_MAP && !(top->count & 1)) {
			if (top->count && key_cmp(sc->p, top->prev_key,
						  top->prev_key_end, top->key,
						  sc->pos) >= 0)
				sc->noncanon = true;
			top->prev_key = top->key;
			top->prev_key_end = sc->pos;
		}
		top->count++;
		if (top->indefinite || top->count < top->total)
			return false;
		sc->sp--;
	}
	return true;
}

static int scan_push(struct scanner *sc, u8 kind, const struct cbor_head *h)
{
	struct scan_level *lv;
	u64 items = kind == LV_MAP ? h->arg * 2 : h->arg;

	if (sc->depth + sc->sp >= AGISWARM_WIRE_DEPTH_MAX)
		return DROP(MALFORMED);
	/* Every item takes a byte: a longer count is a truncation. */
	if (h->ai != AI_INDEFINITE &&
	    (h->arg > sc->len || items > (u64)(sc->len - sc->pos)))
		return DROP(MALFORMED);
	lv = &sc->st[sc->sp++];
	lv->kind = kind;
	lv->total = (u16)items;
	lv->count = 0;
	lv->indefinite = h->ai == AI_INDEFINITE;
	lv->chunk_major = h->major;
	if (lv->indefinite)
		sc->noncanon = true;
	return 0;
}

/* A break (0xff) closes the innermost indefinite container. */
static int scan_break(struct scanner *sc, bool in_tag)
{
	struct scan_level *top = sc->sp ? &sc->st[sc->sp - 1] : NULL;

	if (!top || !top->indefinite || in_tag ||
	    (top->kind == LV_MAP && (top->count & 1)))
		return DROP(MALFORMED);
	sc->sp--;
	return 0;
}

/*
 * Consume one head. Returns 1 when the head opens nothing (the item is
 * complete or, for a tag, its content follows), 0 when it opened a
 * container, 2 when it was a break, or a drop reason.
 */
static int scan_head(struct scanner *sc, const struct cbor_head *h,
		     bool in_tag)
{
	struct scan_level *top = sc->sp ? &sc->st[sc->sp - 1] : NULL;

	if (top && top->kind == LV_CHUNKS && !(h->major == MT_SIMPLE &&
	    h->ai == AI_INDEFINITE) && (h->major != top->chunk_major ||
	    h->ai == AI_INDEFINITE))
		return DROP(MALFORMED);
	switch (h->major) {
	case MT_UINT:
	case MT_NINT:
	case MT_TAG:
		return h->ai == AI_INDEFINITE ? DROP(MALFORMED) : 1;
	case MT_BSTR:
	case MT_TSTR:
		if (h->ai == AI_INDEFINITE)
			return scan_push(sc, LV_CHUNKS, h);
		if (h->arg > (u64)(sc->len - sc->pos))
			return DROP(MALFORMED);
		if (h->major == MT_TSTR &&
		    !utf8_valid(sc->p + sc->pos, (u16)h->arg))
			return DROP(MALFORMED);
		sc->pos += (u16)h->arg;
		return 1;
	case MT_ARRAY:
		return h->arg || h->ai == AI_INDEFINITE ?
			scan_push(sc, LV_ARRAY, h) : 1;
	case MT_MAP:
		return h->arg || h->ai == AI_INDEFINITE ?
			scan_push(sc, LV_MAP, h) : 1;
	}
	if (h->ai == AI_INDEFINITE)
		return scan_break(sc, in_tag) ?: 2;
	if (h->ai == 24 && h->arg < 32)	/* a simple value in two bytes */
		return DROP(MALFORMED);
	if (float_noncanonical(h))
		sc->noncanon = true;
	return 1;
}

/*
 * Check the one item at sc->pos, which lies inside sc->depth containers,
 * and leave sc->pos after it. Returns 0, DROP(MALFORMED) or, for a
 * well-formed item that is not deterministic, DROP(NONCANONICAL).
 * Iterative: nesting costs stack levels, never recursion.
 */
static int scan_item(struct scanner *sc)
{
	struct cbor_head h;
	bool in_tag = false;
	int r;

	sc->sp = 0;
	sc->noncanon = false;
	for (;;) {
		struct scan_level *top = sc->sp ? &sc->st[sc->sp - 1] : NULL;
		u16 start = sc->pos;

		r = read_head(sc->p, sc->len, &sc->pos, &h, &sc->noncanon);
		if (r)
			return r;
		if (top && top->kind == LV_MAP && !(top->count & 1) && !in_tag)
			top->key = start;
		r = scan_head(sc, &h, in_tag);
		if (r < 0)
			return r;
		in_tag = h.major == MT_TAG;
		if (r == 0 || in_tag)
			continue;
		if (scan_complete(sc))
			return sc->noncanon ? DROP(NONCANONICAL) : 0;
	}
}

/* ---- the top-level map ------------------------------------------------- */

/* The well-formed value of known key @k starts at @pos: interpret it. */
static int take_field(const struct wire_shape *s, const struct scanner *sc,
		      u16 pos, u8 k, struct wire_fields *f)
{
	const struct wire_field *fd = &s->fields[k - 1];
	struct cbor_head h;
	bool ignored = false;

	if (read_head(sc->p, sc->len, &pos, &h, &ignored))
		return DROP(MALFORMED);
	f->seen |= 1U << k;
	if (fd->kind == F_UINT) {
		if (h.major != MT_UINT)
			return DROP(BADVALUE);
		f->u[k] = h.arg;
		return 0;
	}
	/*
	 * Indefinite strings are already refused as non-canonical; a definite
	 * one was scanned, so its length fits in the payload's u16.
	 */
	if (h.major != MT_BSTR || h.ai == AI_INDEFINITE ||
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
static int parse_entries(struct scanner *sc, const struct wire_shape *s,
			 u64 n, struct wire_fields *f)
{
	u16 key, prev = 0, prev_end = 0, val;
	bool noncanon = false;
	int r, bad = 0;
	u64 i;

	for (i = 0; i < n; i++) {
		key = sc->pos;
		r = scan_item(sc);
		if (r == DROP(MALFORMED))
			return r;
		noncanon |= r != 0;
		if (i && key_cmp(sc->p, prev, prev_end, key, sc->pos) >= 0)
			noncanon = true;
		prev = key;
		prev_end = sc->pos;
		val = sc->pos;
		r = scan_item(sc);
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
	struct scanner sc = { .p = p, .len = len };
	struct cbor_head h;
	bool noncanon = false;
	int r;

	r = read_head(p, len, &sc.pos, &h, &noncanon);
	if (r || h.major != MT_MAP)
		return DROP(MALFORMED);
	if (h.ai == AI_INDEFINITE || noncanon) {
		/* Not deterministic: only whether it is well-formed matters. */
		sc.pos = 0;
		r = scan_item(&sc);
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
	if ((f->seen >> 1) != (1U << s->nkeys) - 1)
		return DROP(MISSING);
	return check_fields(s, f);
}

/* ---- structs and fields ------------------------------------------------ */

static u64 field_load(const void *msg, const struct wire_field *fd)
{
	const u8 *p = (const u8 *)msg + fd->off;
	u16 v16;
	u32 v32;
	u64 v64;

	switch (fd->size) {
	case 1:
		return *p;
	case 2:
		memcpy(&v16, p, 2);
		return v16;
	case 4:
		memcpy(&v32, p, 4);
		return v32;
	}
	memcpy(&v64, p, 8);
	return v64;
}

/* The value was range-checked against the member's size by the table. */
static void field_store(void *msg, const struct wire_field *fd, u64 v)
{
	u8 *p = (u8 *)msg + fd->off;
	u16 v16 = (u16)v;
	u32 v32 = (u32)v;

	switch (fd->size) {
	case 1:
		*p = (u8)v;
		return;
	case 2:
		memcpy(p, &v16, 2);
		return;
	case 4:
		memcpy(p, &v32, 4);
		return;
	}
	memcpy(p, &v, 8);
}

static void fields_get(const struct wire_shape *s, const void *msg,
		       struct wire_fields *f)
{
	const struct wire_field *fd;
	u8 k;

	for (k = 1; k <= s->nkeys; k++) {
		fd = &s->fields[k - 1];
		if (fd->kind == F_UINT)
			f->u[k] = field_load(msg, fd);
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
			field_store(msg, fd, f->u[k]);
		else
			memcpy((u8 *)msg + fd->off, &f->vec, sizeof(f->vec));
	}
}

/* ---- parse ------------------------------------------------------------- */

static int parse_header(const u8 *buf, size_t len)
{
	if (len < AGISWARM_WIRE_HDR_LEN)
		return DROP(SHORT);
	if (len > AGISWARM_WIRE_MAX)
		return DROP(OVERSIZE);
	if (buf[0] != AGISWARM_WIRE_VERSION)
		return DROP(VERSION);
	if (agi_get_be16(buf + 2) != len - AGISWARM_WIRE_HDR_LEN)
		return DROP(LENGTH);
	if (!agi_wire_is_fast_path(buf[1]) && !is_pass_up(buf[1]))
		return DROP(TYPE);
	return 0;
}

int agi_wire_parse(const u8 *buf, size_t len, struct agi_wire_msg *out)
{
	const struct wire_shape *s;
	struct wire_fields f;
	int r;

	r = parse_header(buf, len);
	if (unlikely(r))
		return r;
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
		return r;
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
	if ((!f.vec.be && !f.vec.host.s32) || check_fields(s, &f))
		return 0;
	w.cap = cap < AGISWARM_WIRE_MAX ? cap : AGISWARM_WIRE_MAX;
	put_head(&w, MT_MAP, s->nkeys);
	for (k = 1; k <= s->nkeys; k++) {
		fd = &s->fields[k - 1];
		put_head(&w, MT_UINT, k);
		if (fd->kind == F_UINT) {
			put_head(&w, MT_UINT, f.u[k]);
			continue;
		}
		put_head(&w, MT_BSTR, (u64)f.vec.n * fd->elem);
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
