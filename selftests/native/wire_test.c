// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The fast-path wire shapes (include/core/wire.c) against libcbor 0.8:
 * random valid messages of every shape go through our encoder into libcbor
 * and through libcbor's encoder (with random unknown keys holding arbitrary
 * nested items) into our parser; broken datagrams of every kind must be
 * refused for the right reason; the UAPI header's hex examples must parse
 * as documented. Rerun a failure with AGI_SEED=<seed>.
 *
 * libcbor and RFC 8949 disagree in a few places, where we follow the RFC:
 * libcbor 0.8 rejects the unassigned simple values 0..19 (0xe0..0xf3), all
 * two-byte simple values (0xf8 0x20..0xff) and the tags 6..20 in their
 * one-byte form (0xc6..0xd4), which are all well-formed, and it accepts any
 * nesting depth, where we refuse more than AGISWARM_WIRE_DEPTH_MAX levels.
 */
#include <cbor.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "core/wire.h"
#include "wire_compare.h"
#include "../lib/cbor_oracle.h"
#include "../lib/rng.h"
#include <kselftest_harness.h>

#define RANDOM_MESSAGES 3000
#define MUTATIONS 20000

static const u8 fast_types[] = {
	AGISWARM_MSG_TASK, AGISWARM_MSG_RESULT, AGISWARM_MSG_SENSOR,
	AGISWARM_MSG_ACTUATE, AGISWARM_MSG_ROWS, AGISWARM_MSG_NEED_ROWS,
};

/* ---- random numbers ---------------------------------------------------- */

static u64 rnd_below(u64 n)
{
	return test_rng() % n;
}

/* Values in [lo, hi], often an end, so every head width and limit shows. */
static u64 rnd_range(u64 lo, u64 hi)
{
	static const u64 widths[] = { 0, 23, 24, 255, 256, 65535, 65536,
				      0xffffffffULL, 0x100000000ULL };
	u64 v;

	switch (rnd_below(6)) {
	case 0:
		return lo;
	case 1:
		return hi;
	case 2:
		v = widths[rnd_below(ARRAY_SIZE(widths))];
		break;
	default:
		v = test_rng() >> rnd_below(64);
	}
	if (v < lo || v > hi)
		v = hi - lo == U64_MAX ? v : lo + v % (hi - lo + 1);
	return v;
}

/* ---- expected maps, independent of the core's encoder ----------------- */

enum { E_UINT, E_BYTES, E_OTHER };

/* One map entry with a small unsigned key, as a test expects it. */
struct entry {
	u64 key;
	int kind;
	u64 uint;
	u8 data[AGISWARM_WIRE_MAX];
	size_t len;
};

struct sample {
	struct agi_wire_msg m;
	s32 s32v[AGISWARM_WIRE_VEC_MAX + 1];
	s64 s64v[AGISWARM_WIRE_CHUNK_MAX + 1];
	struct agi_wire_value vals[AGISWARM_WIRE_VALUES_MAX + 1];
};

static struct entry want[10], got[10];
static struct sample sample;
static char why[256];

static void be_put(u8 *p, u64 v, int n)
{
	while (n--) {
		p[n] = (u8)v;
		v >>= 8;
	}
}

static void entry_uint(struct entry *e, u64 key, u64 v)
{
	e->key = key;
	e->kind = E_UINT;
	e->uint = v;
}

/* Vector @v as the wire carries it: elements of @elem bytes, big-endian. */
static void entry_vec(struct entry *e, u64 key, const struct agi_wire_vec *v,
		      int elem)
{
	struct agi_wire_value val;
	u16 i;

	e->key = key;
	e->kind = E_BYTES;
	e->len = (size_t)v->n * elem;
	for (i = 0; i < v->n; i++) {
		u8 *p = e->data + (size_t)i * elem;

		if (elem == 4) {
			be_put(p, (u32)agi_wire_vec_s32(v, i), 4);
		} else if (elem == 8) {
			be_put(p, (u64)agi_wire_vec_s64(v, i), 8);
		} else {
			val = agi_wire_vec_value(v, i);
			be_put(p, val.row, 2);
			be_put(p + 2, val.sum.hi, 8);
			be_put(p + 10, val.sum.lo, 8);
		}
	}
}

static void entry_hash(struct entry *e, u64 key, const u8 *hash)
{
	e->key = key;
	e->kind = E_BYTES;
	e->len = AGISWARM_WIRE_HASH_LEN;
	memcpy(e->data, hash, AGISWARM_WIRE_HASH_LEN);
}

/* The map a message stands for, in key order; returns the entry count. */
static size_t entries_of(const struct agi_wire_msg *m, struct entry *e)
{
	const struct agi_wire_task *t = &m->u.task;
	const struct agi_wire_result *r = &m->u.result;
	const struct agi_wire_sensor *s = &m->u.sensor;
	const struct agi_wire_actuate *a = &m->u.actuate;
	const struct agi_wire_rows *w = &m->u.rows;
	const struct agi_wire_need_rows *nr = &m->u.need_rows;

	switch (m->type) {
	case AGISWARM_MSG_TASK:
		entry_uint(&e[0], 1, t->epoch);
		entry_uint(&e[1], 2, t->cycle);
		entry_uint(&e[2], 3, t->gen);
		entry_uint(&e[3], 4, t->fmt);
		entry_vec(&e[4], 5, &t->x, 4);
		entry_uint(&e[5], 6, t->group);
		entry_uint(&e[6], 7, t->rows_epoch);
		entry_hash(&e[7], 8, t->hash);
		return 8;
	case AGISWARM_MSG_RESULT:
		entry_uint(&e[0], 1, r->epoch);
		entry_uint(&e[1], 2, r->cycle);
		entry_uint(&e[2], 3, r->gen);
		entry_uint(&e[3], 4, r->worker);
		entry_vec(&e[4], 5, &r->values, AGISWARM_WIRE_VALUE_LEN);
		return 5;
	case AGISWARM_MSG_SENSOR:
		entry_uint(&e[0], 1, s->seq);
		entry_uint(&e[1], 2, s->fmt);
		entry_vec(&e[2], 3, &s->x, 4);
		return 3;
	case AGISWARM_MSG_ACTUATE:
		entry_uint(&e[0], 1, a->epoch);
		entry_uint(&e[1], 2, a->cycle);
		entry_uint(&e[2], 3, a->fmt);
		entry_vec(&e[3], 4, &a->u, 4);
		entry_uint(&e[4], 5, a->status);
		return 5;
	case AGISWARM_MSG_ROWS:
		entry_uint(&e[0], 1, w->epoch);
		entry_uint(&e[1], 2, w->gen);
		entry_uint(&e[2], 3, w->row);
		entry_uint(&e[3], 4, w->ncols);
		entry_uint(&e[4], 5, w->offset);
		entry_vec(&e[5], 6, &w->entries, 8);
		entry_uint(&e[6], 7, w->nrows);
		entry_uint(&e[7], 8, w->group);
		entry_hash(&e[8], 9, w->hash);
		return 9;
	case AGISWARM_MSG_NEED_ROWS:
		entry_uint(&e[0], 1, nr->epoch);
		entry_uint(&e[1], 2, nr->gen);
		entry_hash(&e[2], 3, nr->hash);
		return 3;
	}
	return 0;
}

static const char *hex(const u8 *p, size_t n)
{
	static char out[2 * AGISWARM_WIRE_MAX + 1];
	size_t i;

	for (i = 0; i < n && i < AGISWARM_WIRE_MAX; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * i] = 0;
	return out;
}

/* Whether @p holds a byte that may start an item libcbor 0.8 refuses. */
static bool has_libcbor_gap(const u8 *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((p[i] >= 0xe0 && p[i] <= 0xf3) || p[i] == 0xf8 ||
		    (p[i] >= 0xc6 && p[i] <= 0xd4))
			return true;
	return false;
}

/*
 * libcbor 0.8 keeps a string's length and an array's or map's count in a
 * size_t: where that has 32 bits (armhf), an 8-byte argument of 2^32 or
 * more wraps, and a datagram we refuse as malformed (it claims more than
 * it holds) may read as well-formed to it. Ours reads the 64 bits.
 */
static bool has_libcbor_wrap(const u8 *p, size_t n)
{
	size_t i;

	if (SIZE_MAX > UINT32_MAX)
		return false;
	for (i = 0; i + 9 <= n; i++)
		if ((p[i] & 0x1f) == 27 && p[i] >> 5 >= 2 && p[i] >> 5 <= 5 &&
		    (p[i + 1] | p[i + 2] | p[i + 3] | p[i + 4]))
			return true;
	return false;
}

static int entries_differ(const struct entry *a, const struct entry *b,
			  size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (a[i].key != b[i].key || a[i].kind != b[i].kind ||
		    (a[i].kind == E_UINT && a[i].uint != b[i].uint) ||
		    (a[i].kind == E_BYTES && (a[i].len != b[i].len ||
		     memcmp(a[i].data, b[i].data, a[i].len)))) {
			snprintf(why, sizeof(why), "key %" PRIu64 " differs",
				 a[i].key);
			return 1;
		}
	}
	return 0;
}

/* ---- random valid messages --------------------------------------------- */

static void random_q_vec(struct agi_wire_vec *v, u8 fmt)
{
	u16 i;

	v->n = (u16)rnd_range(1, AGISWARM_WIRE_VEC_MAX);
	v->host.s32 = sample.s32v;
	for (i = 0; i < v->n; i++)
		sample.s32v[i] = fmt == AGISWARM_Q1_15 ?
			(s16)rnd_range(0, U16_MAX) : (s32)rnd_range(0, U32_MAX);
}

static void random_rows(struct agi_wire_rows *w)
{
	u16 i;

	w->epoch = rnd_range(0, U64_MAX);
	w->gen = (u32)rnd_range(0, U32_MAX);
	w->row = (u16)rnd_range(0, U16_MAX);
	w->ncols = (u16)rnd_range(1, AGISWARM_WIRE_VEC_MAX);
	w->offset = (u16)rnd_range(0, w->ncols - 1);
	w->entries.n = (u16)rnd_range(1, w->ncols - w->offset <
				     AGISWARM_WIRE_CHUNK_MAX ?
				     w->ncols - w->offset :
				     AGISWARM_WIRE_CHUNK_MAX);
	w->entries.host.s64 = sample.s64v;
	for (i = 0; i < w->entries.n; i++)
		sample.s64v[i] = (s64)rnd_range(0, U64_MAX);
	w->nrows = (u8)rnd_range(1, AGISWARM_WIRE_ROWS_MAX);
}

static void random_hash(u8 *hash)
{
	u16 i;

	for (i = 0; i < AGISWARM_WIRE_HASH_LEN; i++)
		hash[i] = (u8)test_rng();
}

static void random_sample(u8 type)
{
	struct agi_wire_msg *m = &sample.m;
	u16 i;

	memset(m, 0, sizeof(*m));
	m->type = type;
	switch (type) {
	case AGISWARM_MSG_TASK:
		m->u.task.epoch = rnd_range(0, U64_MAX);
		m->u.task.cycle = rnd_range(0, U64_MAX);
		m->u.task.gen = (u32)rnd_range(0, U32_MAX);
		m->u.task.fmt = (u8)rnd_range(1, AGISWARM_Q_MAX);
		random_q_vec(&m->u.task.x, m->u.task.fmt);
		m->u.task.group = rnd_range(0, U64_MAX);
		m->u.task.rows_epoch = rnd_range(0, U64_MAX);
		random_hash(m->u.task.hash);
		break;
	case AGISWARM_MSG_RESULT:
		m->u.result.epoch = rnd_range(0, U64_MAX);
		m->u.result.cycle = rnd_range(0, U64_MAX);
		m->u.result.gen = (u32)rnd_range(0, U32_MAX);
		m->u.result.worker = (u32)rnd_range(0, U32_MAX);
		m->u.result.values.n = (u16)rnd_range(1, AGISWARM_WIRE_VALUES_MAX);
		m->u.result.values.host.value = sample.vals;
		for (i = 0; i < m->u.result.values.n; i++) {
			sample.vals[i].row = (u16)rnd_range(0, U16_MAX);
			sample.vals[i].sum.hi = rnd_range(0, U64_MAX);
			sample.vals[i].sum.lo = rnd_range(0, U64_MAX);
		}
		break;
	case AGISWARM_MSG_SENSOR:
		m->u.sensor.seq = rnd_range(0, U64_MAX);
		m->u.sensor.fmt = (u8)rnd_range(1, AGISWARM_Q_MAX);
		random_q_vec(&m->u.sensor.x, m->u.sensor.fmt);
		break;
	case AGISWARM_MSG_ACTUATE:
		m->u.actuate.epoch = rnd_range(0, U64_MAX);
		m->u.actuate.cycle = rnd_range(0, U64_MAX);
		m->u.actuate.fmt = (u8)rnd_range(1, AGISWARM_Q_MAX);
		random_q_vec(&m->u.actuate.u, m->u.actuate.fmt);
		m->u.actuate.status = (u8)rnd_range(0, AGISWARM_ACTUATE_STATUS_MAX);
		break;
	case AGISWARM_MSG_ROWS:
		random_rows(&m->u.rows);
		m->u.rows.group = rnd_range(0, U64_MAX);
		random_hash(m->u.rows.hash);
		break;
	case AGISWARM_MSG_NEED_ROWS:
		m->u.need_rows.epoch = rnd_range(0, U64_MAX);
		m->u.need_rows.gen = (u32)rnd_range(0, U32_MAX);
		random_hash(m->u.need_rows.hash);
		break;
	}
}

/* ---- libcbor: decode a payload, build a payload -------------------------- */

/* A definite array or map counts more items than there are bytes left. */
struct count_check {
	size_t left;
	bool too_many;
};

static void check_array_count(void *ctx, size_t n)
{
	struct count_check *c = ctx;

	c->too_many |= n > c->left;
}

static void check_map_count(void *ctx, size_t n)
{
	struct count_check *c = ctx;

	c->too_many |= n > c->left / 2;
}

/*
 * libcbor 0.8 allocates a definite array or map before reading its items,
 * so a damaged count asks malloc for up to 2^64 bytes. Walk the heads with
 * libcbor's own streaming decoder and report such a count: cbor_load()
 * would fail on it too, from lack of data if not of memory.
 */
static bool libcbor_would_overallocate(const u8 *p, size_t len)
{
	struct cbor_callbacks cbs = cbor_empty_callbacks;
	struct cbor_decoder_result res;
	struct count_check c = { 0 };
	size_t off = 0;

	cbs.array_start = check_array_count;
	cbs.map_start = check_map_count;
	while (off < len && !c.too_many) {
		c.left = len - off;
		res = cbor_stream_decode(p + off, len - off, &cbs, &c);
		if (res.status != CBOR_DECODER_FINISHED)
			break;
		off += res.read;
	}
	return c.too_many;
}

/*
 * Decode @payload with libcbor into its entries with small unsigned keys
 * (1..nkeys, others skipped). Returns the count, or -1 when libcbor refuses
 * the payload or finds no map filling it.
 */
static int libcbor_entries(const u8 *payload, size_t len, struct entry *e,
			   u64 nkeys)
{
	struct cbor_load_result res;
	struct cbor_pair *pairs;
	cbor_item_t *map;
	size_t i, n = 0;

	if (libcbor_would_overallocate(payload, len))
		return -1;
	map = cbor_load(payload, len, &res);
	if (!map)
		return -1;
	if (res.read != len || !cbor_isa_map(map)) {
		cbor_decref(&map);
		return -1;
	}
	pairs = cbor_map_handle(map);
	for (i = 0; i < cbor_map_size(map); i++) {
		cbor_item_t *k = pairs[i].key, *v = pairs[i].value;

		if (!cbor_isa_uint(k) || cbor_get_int(k) < 1 ||
		    cbor_get_int(k) > nkeys)
			continue;
		e[n].key = cbor_get_int(k);
		e[n].kind = E_OTHER;
		if (cbor_isa_uint(v)) {
			e[n].kind = E_UINT;
			e[n].uint = cbor_get_int(v);
		} else if (cbor_isa_bytestring(v) &&
			   cbor_bytestring_is_definite(v)) {
			e[n].kind = E_BYTES;
			e[n].len = cbor_bytestring_length(v);
			memcpy(e[n].data, cbor_bytestring_handle(v), e[n].len);
		}
		n++;
	}
	cbor_decref(&map);
	return (int)n;
}

struct lc_pair {
	cbor_item_t *key;
	cbor_item_t *value;
	unsigned char *enc;	/* the key's encoding, to sort by */
	size_t len;
};

static int lc_pair_cmp(const void *pa, const void *pb)
{
	const struct lc_pair *a = pa, *b = pb;
	int r = memcmp(a->enc, b->enc, a->len < b->len ? a->len : b->len);

	return r ? r : (int)a->len - (int)b->len;
}

/* A map in deterministic order; of pairs with equal keys, one is kept. */
static cbor_item_t *lc_map(struct lc_pair *p, size_t n)
{
	cbor_item_t *map;
	size_t i, size, out = 0;

	for (i = 0; i < n; i++)
		p[i].len = cbor_serialize_alloc(p[i].key, &p[i].enc, &size);
	qsort(p, n, sizeof(*p), lc_pair_cmp);
	for (i = 0; i < n; i++)
		out += !i || lc_pair_cmp(&p[i - 1], &p[i]);
	map = cbor_new_definite_map(out);
	for (i = 0; i < n; i++) {
		if (!i || lc_pair_cmp(&p[i - 1], &p[i]))
			cbor_map_add(map, (struct cbor_pair){ p[i].key,
							      p[i].value });
	}
	for (i = 0; i < n; i++) {
		cbor_decref(&p[i].key);
		cbor_decref(&p[i].value);
		free(p[i].enc);
	}
	return map;
}

/* Floats that need exactly the width they are built with. */
static cbor_item_t *lc_float(void)
{
	static const float halves[] = { 0.0f, -0.0f, 1.5f, 65504.0f,
					5.9604645e-8f, -2.0f, __builtin_inff() };
	static const float singles[] = { 1.00000095f, 1e30f, -3.4028235e38f,
					 2.9802322e-8f, 1e-40f };
	static const double doubles[] = { 0.1, 1e300, -2.5e-310,
					  1.0000000000009095, 7.00649e-46 };

	switch (rnd_below(4)) {
	case 0:
		return cbor_build_float2(halves[rnd_below(ARRAY_SIZE(halves))]);
	case 1:
		return cbor_build_float2(__builtin_nanf(""));
	case 2:
		return cbor_build_float4(singles[rnd_below(ARRAY_SIZE(singles))]);
	}
	return cbor_build_float8(doubles[rnd_below(ARRAY_SIZE(doubles))]);
}

static cbor_item_t *lc_string(bool text)
{
	char s[24];
	size_t i, n = rnd_below(sizeof(s));

	for (i = 0; i < n; i++)
		s[i] = text ? 'a' + (char)rnd_below(26) : (char)test_rng();
	if (text)
		return cbor_build_stringn(s, n);
	return cbor_build_bytestring((const u8 *)s, n);
}

/* Any item, nested up to @depth more levels. */
static cbor_item_t *lc_item(int depth)
{
	struct lc_pair p[4];
	cbor_item_t *item;
	size_t i, n;

	switch (rnd_below(depth > 0 ? 11 : 8)) {
	case 0:
		return oracle_uint(rnd_range(0, U64_MAX));
	case 1:
		return oracle_negint(rnd_range(0, U64_MAX));
	case 2:
	case 3:
		return lc_string(rnd_below(2));
	case 4:
		return cbor_build_ctrl((u8)(20 + rnd_below(4)));
	case 5:
	case 6:
		return lc_float();
	case 7:
	case 8:
		n = rnd_below(5);
		item = cbor_new_definite_array(n);
		for (i = 0; i < n; i++) {
			cbor_item_t *el = lc_item(depth - 1);

			cbor_array_push(item, el);
			cbor_decref(&el);
		}
		return item;
	case 9:
		n = rnd_below(ARRAY_SIZE(p));
		for (i = 0; i < n; i++) {
			p[i].key = lc_item(0);
			p[i].value = lc_item(depth - 1);
		}
		return lc_map(p, n);
	}
	item = lc_item(depth - 1);
	return cbor_build_tag(rnd_range(0, U64_MAX), cbor_move(item));
}

/*
 * The datagram of @type whose map holds @n known entries and up to
 * @unknown random unknown keys (above the known ones, negative, text or
 * bytes), all built and serialised by libcbor. Returns its length, which
 * may exceed AGISWARM_WIRE_MAX.
 */
static size_t libcbor_datagram(u8 type, const struct entry *e, size_t n,
			       int unknown, u8 *out, size_t cap)
{
	struct lc_pair p[16];
	unsigned char *buf;
	cbor_item_t *map;
	size_t i, len, size;

	for (i = 0; i < n; i++) {
		p[i].key = oracle_uint(e[i].key);
		p[i].value = e[i].kind == E_UINT ? oracle_uint(e[i].uint) :
			cbor_build_bytestring(e[i].data, e[i].len);
	}
	for (; unknown > 0; unknown--, i++) {
		switch (rnd_below(4)) {
		case 0:
			p[i].key = oracle_uint(rnd_range(n + 1, U64_MAX));
			break;
		case 1:
			p[i].key = oracle_negint(rnd_range(0, U64_MAX));
			break;
		default:
			p[i].key = lc_string(rnd_below(2));
		}
		p[i].value = lc_item(3);
	}
	map = lc_map(p, i);
	len = cbor_serialize_alloc(map, &buf, &size);
	cbor_decref(&map);
	out[0] = AGISWARM_WIRE_VERSION;
	out[1] = type;
	be_put(out + 2, len, 2);
	if (len + 4 <= cap)
		memcpy(out + 4, buf, len);
	free(buf);
	return len + 4;
}

/* ---- differential tests ------------------------------------------------ */

static u8 dgram[4 * AGISWARM_WIRE_MAX], again[AGISWARM_WIRE_MAX];

/* Our encoder -> libcbor and our parser; re-encoding what we parsed. */
TEST(encode_decode_against_libcbor)
{
	struct agi_wire_msg parsed;
	size_t len, n, t;
	int i, r;

	TEST_RNG_BEGIN(0);
	for (t = 0; t < ARRAY_SIZE(fast_types); t++) {
		for (i = 0; i < RANDOM_MESSAGES; i++) {
			random_sample(fast_types[t]);
			n = entries_of(&sample.m, want);
			len = agi_wire_put(dgram, sizeof(dgram), &sample.m);
			ASSERT_NE(0, len) TH_LOG("type %zu: encoder refused", t);
			ASSERT_GE(AGISWARM_WIRE_MAX, len);
			ASSERT_EQ(n, libcbor_entries(dgram + 4, len - 4, got, n));
			ASSERT_EQ(0, entries_differ(want, got, n))
				TH_LOG("libcbor: %s", why);
			r = wire_verdict(dgram, len, &parsed);
			ASSERT_EQ(0, r);
			ASSERT_EQ(fast_types[t], parsed.type);
			ASSERT_EQ(n, entries_of(&parsed, got));
			ASSERT_EQ(0, entries_differ(want, got, n))
				TH_LOG("ours: %s", why);
			/* A parsed message re-encodes from the datagram. */
			ASSERT_EQ(len, agi_wire_put(again, sizeof(again),
						    &parsed));
			ASSERT_EQ(0, memcmp(dgram, again, len));
		}
	}
}

/* libcbor's encoder, with unknown keys of any shape -> our parser. */
TEST(libcbor_encoded_with_unknown_keys)
{
	struct agi_wire_msg parsed;
	size_t len, n, t;
	int i, r, accepted = 0, oversize = 0;

	TEST_RNG_BEGIN(0);
	for (t = 0; t < ARRAY_SIZE(fast_types); t++) {
		for (i = 0; i < RANDOM_MESSAGES; i++) {
			random_sample(fast_types[t]);
			n = entries_of(&sample.m, want);
			len = libcbor_datagram(fast_types[t], want, n,
					       (int)rnd_below(6), dgram,
					       sizeof(dgram));
			r = wire_verdict(dgram, len, &parsed);
			if (len > AGISWARM_WIRE_MAX) {
				ASSERT_EQ(DROP(OVERSIZE), r);
				oversize++;
				continue;
			}
			ASSERT_EQ(0, r) TH_LOG("type %u, %zu bytes",
					       fast_types[t], len);
			ASSERT_EQ(0, entries_differ(want, got,
						    entries_of(&parsed, got)))
				TH_LOG("%s", why);
			accepted++;
		}
	}
	TH_LOG("%d accepted, %d oversize", accepted, oversize);
	ASSERT_LT(oversize, accepted);
}

/* Random damage: whatever libcbor refuses, we call malformed; whatever we
 * accept, libcbor reads as the same map.
 */
TEST(mutations_against_libcbor)
{
	struct agi_wire_msg parsed;
	size_t len, n, plen, pos;
	int i, j, r, lc;
	int counts[AGISWARM_CNT_MAX + 2] = { 0 };

	TEST_RNG_BEGIN(0);
	for (i = 0; i < MUTATIONS; i++) {
		random_sample(fast_types[rnd_below(ARRAY_SIZE(fast_types))]);
		n = entries_of(&sample.m, want);
		len = agi_wire_put(dgram, sizeof(dgram), &sample.m);
		plen = len - 4;
		for (j = (int)rnd_below(3); j >= 0; j--) {
			pos = 4 + rnd_below(plen);
			switch (rnd_below(3)) {
			case 0:
				dgram[pos] ^= (u8)(1 << rnd_below(8));
				break;
			case 1:
				dgram[pos] = (u8)test_rng();
				break;
			default:	/* drop a byte */
				memmove(dgram + pos, dgram + pos + 1,
					len - pos - 1);
				len--;
				plen--;
			}
		}
		be_put(dgram + 2, plen, 2);
		r = wire_verdict(dgram, len, &parsed);
		ASSERT_NE(WIRE_BROKEN, r) TH_LOG("%s", hex(dgram, len));
		lc = libcbor_entries(dgram + 4, plen, got, n);
		counts[r > 0 ? 0 : -r]++;
		if (r == DROP(MALFORMED)) {
			ASSERT_TRUE(lc == -1 || has_libcbor_wrap(dgram + 4, plen))
				TH_LOG("libcbor read %d entries of what we call malformed: %s",
				       lc, hex(dgram, len));
		} else if (lc < 0) {
			ASSERT_TRUE(has_libcbor_gap(dgram + 4, plen))
				TH_LOG("ours %d: %s", r, hex(dgram, len));
		}
		if (r == 0) {
			ASSERT_EQ(n, lc);
			entries_of(&parsed, want);
			ASSERT_EQ(0, entries_differ(want, got, n))
				TH_LOG("%s", why);
		}
		if (r == DROP(MISSING) && lc >= 0)
			ASSERT_GT(n, lc);
	}
	TH_LOG("accepted %d, malformed %d, noncanonical %d, missing %d, "
	       "badvalue %d", counts[0], counts[AGISWARM_CNT_DROP_MALFORMED],
	       counts[AGISWARM_CNT_DROP_NONCANONICAL],
	       counts[AGISWARM_CNT_DROP_MISSING],
	       counts[AGISWARM_CNT_DROP_BADVALUE]);
}

/* Every proper prefix of a payload is truncated CBOR, for libcbor too. */
TEST(every_prefix_is_malformed)
{
	struct agi_wire_msg parsed;
	size_t len, cut, t;
	int i;

	TEST_RNG_BEGIN(0);
	for (t = 0; t < ARRAY_SIZE(fast_types); t++) {
		for (i = 0; i < 20; i++) {
			random_sample(fast_types[t]);
			len = agi_wire_put(dgram, sizeof(dgram), &sample.m);
			for (cut = 0; cut < len; cut++) {
				ASSERT_EQ(cut < 4 ? DROP(SHORT) : DROP(LENGTH),
					  wire_verdict(dgram, cut, &parsed));
				if (cut < 4)
					continue;
				memcpy(again, dgram, cut);
				be_put(again + 2, cut - 4, 2);
				ASSERT_EQ(DROP(MALFORMED),
					  wire_verdict(again, cut, &parsed))
					TH_LOG("cut at %zu of %zu", cut, len);
				ASSERT_EQ(-1, libcbor_entries(again + 4,
					  cut - 4, got, 10));
			}
		}
	}
}

TEST_HARNESS_MAIN
