// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * A checker for deterministic CBOR (RFC 8949 section 4.2.1), the part of the
 * wire parser that knows nothing of our message shapes. See cbor.h.
 */
#include "cbor.h"

#define DROP(reason) (-AGISWARM_CNT_DROP_##reason)

/*
 * Read one item head at *@pos. Sets *@noncanon when an integer or length
 * argument is longer than it needs to be (floats have their own rule).
 */
int agi_cbor_read_head(const u8 *p, u16 len, u16 *pos, struct agi_cbor_head *h,
		       bool *noncanon)
{
	u16 i, n;

	if (*pos >= len)
		return DROP(MALFORMED);
	h->major = p[*pos] >> 5;
	h->ai = p[*pos] & 0x1f;
	(*pos)++;
	if (h->ai < 24 || h->ai == AGI_CBOR_INDEFINITE) {
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
	if (h->major != AGI_CBOR_SIMPLE &&
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

static bool float_noncanonical(const struct agi_cbor_head *h)
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
int agi_cbor_key_cmp(const u8 *p, u16 a, u16 a_end, u16 b, u16 b_end)
{
	u16 alen = a_end - a, blen = b_end - b;
	int r = memcmp(p + a, p + b, alen < blen ? alen : blen);

	if (r)
		return r;
	return (int)alen - (int)blen;
}

/*
 * An item ended at sc->pos: count it in the enclosing containers, closing
 * those it completes. Returns true when the scanned item itself is done.
 */
static bool scan_complete(struct agi_cbor_scanner *sc)
{
	while (sc->sp) {
		struct agi_cbor_level *top = &sc->st[sc->sp - 1];

		if (top->kind == AGI_CBOR_LV_MAP && !(top->count & 1)) {
			if (top->count &&
			    agi_cbor_key_cmp(sc->p, top->prev_key,
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

static int scan_push(struct agi_cbor_scanner *sc, u8 kind,
		     const struct agi_cbor_head *h)
{
	struct agi_cbor_level *lv;
	u64 items = kind == AGI_CBOR_LV_MAP ? h->arg * 2 : h->arg;

	if (sc->depth + sc->sp >= AGISWARM_WIRE_DEPTH_MAX)
		return DROP(MALFORMED);
	/* Every item takes a byte: a longer count is a truncation. */
	if (h->ai != AGI_CBOR_INDEFINITE &&
	    (h->arg > sc->len || items > (u64)(sc->len - sc->pos)))
		return DROP(MALFORMED);
	lv = &sc->st[sc->sp++];
	lv->kind = kind;
	lv->total = (u16)items;
	lv->count = 0;
	lv->indefinite = h->ai == AGI_CBOR_INDEFINITE;
	lv->chunk_major = h->major;
	if (lv->indefinite)
		sc->noncanon = true;
	return 0;
}

/* A break (0xff) closes the innermost indefinite container. */
static int scan_break(struct agi_cbor_scanner *sc, bool in_tag)
{
	struct agi_cbor_level *top = sc->sp ? &sc->st[sc->sp - 1] : NULL;

	if (!top || !top->indefinite || in_tag ||
	    (top->kind == AGI_CBOR_LV_MAP && (top->count & 1)))
		return DROP(MALFORMED);
	sc->sp--;
	return 0;
}

/*
 * Consume one head. Returns 1 when the head opens nothing (the item is
 * complete or, for a tag, its content follows), 0 when it opened a
 * container, 2 when it was a break, or a drop reason.
 */
static int scan_head(struct agi_cbor_scanner *sc, const struct agi_cbor_head *h,
		     bool in_tag)
{
	struct agi_cbor_level *top = sc->sp ? &sc->st[sc->sp - 1] : NULL;

	if (top && top->kind == AGI_CBOR_LV_CHUNKS &&
	    !(h->major == AGI_CBOR_SIMPLE && h->ai == AGI_CBOR_INDEFINITE) &&
	    (h->major != top->chunk_major || h->ai == AGI_CBOR_INDEFINITE))
		return DROP(MALFORMED);
	switch (h->major) {
	case AGI_CBOR_UINT:
	case AGI_CBOR_NINT:
	case AGI_CBOR_TAG:
		return h->ai == AGI_CBOR_INDEFINITE ? DROP(MALFORMED) : 1;
	case AGI_CBOR_BSTR:
	case AGI_CBOR_TSTR:
		if (h->ai == AGI_CBOR_INDEFINITE)
			return scan_push(sc, AGI_CBOR_LV_CHUNKS, h);
		if (h->arg > (u64)(sc->len - sc->pos))
			return DROP(MALFORMED);
		if (h->major == AGI_CBOR_TSTR &&
		    !utf8_valid(sc->p + sc->pos, (u16)h->arg))
			return DROP(MALFORMED);
		sc->pos += (u16)h->arg;
		return 1;
	case AGI_CBOR_ARRAY:
		return h->arg || h->ai == AGI_CBOR_INDEFINITE ?
			scan_push(sc, AGI_CBOR_LV_ARRAY, h) : 1;
	case AGI_CBOR_MAP:
		return h->arg || h->ai == AGI_CBOR_INDEFINITE ?
			scan_push(sc, AGI_CBOR_LV_MAP, h) : 1;
	}
	if (h->ai == AGI_CBOR_INDEFINITE)
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
int agi_cbor_scan_item(struct agi_cbor_scanner *sc)
{
	struct agi_cbor_head h;
	bool in_tag = false;
	int r;

	sc->sp = 0;
	sc->noncanon = false;
	for (;;) {
		struct agi_cbor_level *top = sc->sp ? &sc->st[sc->sp - 1] :
					       NULL;
		u16 start = sc->pos;

		r = agi_cbor_read_head(sc->p, sc->len, &sc->pos, &h,
				       &sc->noncanon);
		if (r)
			return r;
		if (top && top->kind == AGI_CBOR_LV_MAP && !(top->count & 1) && !in_tag)
			top->key = start;
		r = scan_head(sc, &h, in_tag);
		if (r < 0)
			return r;
		in_tag = h.major == AGI_CBOR_TAG;
		if (r == 0 || in_tag)
			continue;
		if (scan_complete(sc))
			return sc->noncanon ? DROP(NONCANONICAL) : 0;
	}
}

/* ---- reading item by item -------------------------------------------- */

int agi_cbor_open(struct agi_cbor_cursor *c, const u8 *p, u16 len, u8 major)
{
	struct agi_cbor_scanner sc;
	struct agi_cbor_head h;
	bool ignored = false;
	u16 pos = 0;
	int r;

	if (agi_cbor_read_head(p, len, &pos, &h, &ignored) || h.major != major)
		return DROP(MALFORMED);
	sc.p = p;
	sc.len = len;
	sc.pos = 0;
	sc.depth = 0;
	r = agi_cbor_scan_item(&sc);
	if (r == DROP(MALFORMED) || sc.pos != len)
		return DROP(MALFORMED);
	if (r)
		return r;
	/* Deterministic, so definite: the count is the head's argument. */
	c->p = p;
	c->len = len;
	c->pos = pos;
	c->left = major == AGI_CBOR_MAP ? 2 * h.arg : h.arg;
	c->depth = 1;
	return 0;
}

int agi_cbor_next(struct agi_cbor_cursor *c, struct agi_cbor_item *it)
{
	struct agi_cbor_scanner sc;
	bool ignored = false;
	u16 pos = c->pos;

	if (!c->left)
		return 0;
	/* The container was checked whole: these cannot fail, but stay safe. */
	if (agi_cbor_read_head(c->p, c->len, &pos, &it->head, &ignored))
		return DROP(MALFORMED);
	it->start = c->pos;
	it->data = pos;
	sc.p = c->p;
	sc.len = c->len;
	sc.pos = c->pos;
	sc.depth = c->depth;
	if (agi_cbor_scan_item(&sc) == DROP(MALFORMED))
		return DROP(MALFORMED);
	it->end = sc.pos;
	c->pos = sc.pos;
	c->left--;
	return 1;
}

int agi_cbor_next_entry(struct agi_cbor_cursor *c, struct agi_cbor_item *key,
			struct agi_cbor_item *value)
{
	int r = agi_cbor_next(c, key);

	if (r <= 0)
		return r;
	r = agi_cbor_next(c, value);
	return r == 1 ? 1 : DROP(MALFORMED);
}

int agi_cbor_enter(const struct agi_cbor_cursor *c,
		   const struct agi_cbor_item *it, u8 major,
		   struct agi_cbor_cursor *in)
{
	if (it->head.major != major || it->head.ai == AGI_CBOR_INDEFINITE)
		return DROP(BADVALUE);
	in->p = c->p;
	in->len = it->end;
	in->pos = it->data;
	in->left = major == AGI_CBOR_MAP ? 2 * it->head.arg : it->head.arg;
	in->depth = c->depth + 1;
	return 0;
}

int agi_cbor_get_uint(const struct agi_cbor_item *it, u64 max, u64 *v)
{
	if (it->head.major != AGI_CBOR_UINT || it->head.arg > max)
		return DROP(BADVALUE);
	*v = it->head.arg;
	return 0;
}

int agi_cbor_get_int(const struct agi_cbor_item *it, s64 min, s64 max,
		     s64 *v)
{
	u64 a = it->head.arg;

	if (it->head.major == AGI_CBOR_UINT && max >= 0 && a <= (u64)max) {
		*v = (s64)a;
		return 0;
	}
	/* -1 - a >= min, computed without overflow: a <= -1 - min */
	if (it->head.major == AGI_CBOR_NINT && min < 0 && a <= (u64)(-1 - min)) {
		*v = -1 - (s64)a;
		return 0;
	}
	return DROP(BADVALUE);
}

static int get_string(const struct agi_cbor_cursor *c,
		      const struct agi_cbor_item *it, u8 major, u16 min,
		      u16 max, const u8 **b, u16 *n)
{
	if (it->head.major != major || it->head.ai == AGI_CBOR_INDEFINITE ||
	    it->head.arg < min || it->head.arg > max)
		return DROP(BADVALUE);
	*b = c->p + it->data;
	*n = (u16)it->head.arg;
	return 0;
}

int agi_cbor_get_bytes(const struct agi_cbor_cursor *c,
		       const struct agi_cbor_item *it, u16 min, u16 max,
		       const u8 **b, u16 *n)
{
	return get_string(c, it, AGI_CBOR_BSTR, min, max, b, n);
}

int agi_cbor_get_fixed(const struct agi_cbor_cursor *c,
		       const struct agi_cbor_item *it, u8 *out, u16 len)
{
	const u8 *b;
	u16 n;
	int ret = get_string(c, it, AGI_CBOR_BSTR, len, len, &b, &n);

	if (!ret)
		memcpy(out, b, n);
	return ret;
}

int agi_cbor_get_text(const struct agi_cbor_cursor *c,
		      const struct agi_cbor_item *it, u16 max, const char **s,
		      u16 *n)
{
	return get_string(c, it, AGI_CBOR_TSTR, 0, max, (const u8 **)s, n);
}

/* ---- writing ----------------------------------------------------------- */

void agi_cbor_put_raw(struct agi_cbor_writer *w, const void *src, size_t n)
{
	if (w->pos <= w->cap && n <= w->cap - w->pos)
		memcpy(w->buf + w->pos, src, n);
	w->pos += n;
}

void agi_cbor_put_head(struct agi_cbor_writer *w, u8 major, u64 arg)
{
	u8 b[9];
	u8 n;

	if (arg < 24) {
		b[0] = major << 5 | (u8)arg;
		agi_cbor_put_raw(w, b, 1);
		return;
	}
	n = arg <= 0xff ? 1 : arg <= 0xffff ? 2 : arg <= 0xffffffff ? 4 : 8;
	b[0] = major << 5 | (n == 1 ? 24 : n == 2 ? 25 : n == 4 ? 26 : 27);
	agi_put_be64(arg, b + 1);
	b[8 - n] = b[0];
	agi_cbor_put_raw(w, b + 8 - n, n + 1);
}

void agi_cbor_put_int(struct agi_cbor_writer *w, s64 v)
{
	if (v >= 0)
		agi_cbor_put_head(w, AGI_CBOR_UINT, (u64)v);
	else
		agi_cbor_put_head(w, AGI_CBOR_NINT, (u64)(-1 - v));
}

void agi_cbor_put_bytes(struct agi_cbor_writer *w, const void *b, size_t n)
{
	agi_cbor_put_head(w, AGI_CBOR_BSTR, n);
	agi_cbor_put_raw(w, b, n);
}

void agi_cbor_put_text(struct agi_cbor_writer *w, const char *s, size_t n)
{
	agi_cbor_put_head(w, AGI_CBOR_TSTR, n);
	agi_cbor_put_raw(w, s, n);
}
