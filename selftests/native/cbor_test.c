// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The core's generic CBOR reader and writer (include/core/cbor.c) against
 * libcbor 0.8, the independent oracle: what our writer emits is byte for
 * byte what libcbor's shortest-form encoders emit; random nested items
 * that libcbor encodes deterministically are walked by our cursor to the
 * same types, values and strings that libcbor decodes; and what is not
 * one deterministic item filling its buffer is refused for the right
 * reason. Rerun a failure with AGI_SEED=<seed>.
 */
#include <cbor.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/cbor.h"
#include "../lib/cbor_oracle.h"
#include "../lib/rng.h"
#include <kselftest_harness.h>

#define DROP(reason) (-AGISWARM_CNT_DROP_##reason)
#define BUF 1400

/* A number of a random width class, so that every head length occurs. */
static u64 random_arg(void)
{
	static const u64 limits[] = { 23, 0xff, 0xffff, 0xffffffff, ~0ULL };
	u64 lim = limits[test_rng_below(ARRAY_SIZE(limits))];

	return lim == ~0ULL ? test_rng() : test_rng() % (lim + 1);
}

static s64 random_int(void)
{
	u64 a = random_arg();

	return test_rng_below(2) ? (s64)(a >> 1) : -1 - (s64)(a >> 1);
}

TEST(writer_matches_libcbor)
{
	u8 ours[BUF], theirs[BUF], bytes[300];
	struct agi_cbor_writer w;
	size_t n, len, i, k;
	s64 v;

	TEST_RNG_BEGIN(1);
	for (i = 0; i < 100000; i++) {
		w = (struct agi_cbor_writer){ .buf = ours, .cap = sizeof(ours) };
		n = 0;
		switch (test_rng_below(4)) {
		case 0:
			v = random_int();
			agi_cbor_put_int(&w, v);
			n = v >= 0 ? cbor_encode_uint((u64)v, theirs, BUF) :
				     cbor_encode_negint((u64)(-1 - v), theirs, BUF);
			break;
		case 1:
			len = test_rng_below(sizeof(bytes));
			for (k = 0; k < len; k++)
				bytes[k] = (u8)test_rng();
			agi_cbor_put_bytes(&w, bytes, len);
			n = cbor_encode_bytestring_start(len, theirs, BUF);
			memcpy(theirs + n, bytes, len);
			n += len;
			break;
		case 2:
			len = test_rng_below(sizeof(bytes));
			for (k = 0; k < len; k++)
				bytes[k] = 'a' + test_rng_below(26);
			agi_cbor_put_text(&w, (char *)bytes, len);
			n = cbor_encode_string_start(len, theirs, BUF);
			memcpy(theirs + n, bytes, len);
			n += len;
			break;
		default:
			len = test_rng_below(1000);
			agi_cbor_put_head(&w, AGI_CBOR_MAP, len);
			n = cbor_encode_map_start(len, theirs, BUF);
		}
		ASSERT_TRUE(agi_cbor_fits(&w));
		ASSERT_EQ(n, w.pos) TH_LOG("case %zu", i);
		ASSERT_EQ(0, memcmp(ours, theirs, n)) TH_LOG("case %zu", i);
	}
}

TEST(writer_stops_at_its_capacity)
{
	u8 buf[8] = { 0 };
	struct agi_cbor_writer w = { .buf = buf, .cap = 4 };

	agi_cbor_put_bytes(&w, "abcdef", 6);
	EXPECT_FALSE(agi_cbor_fits(&w));
	EXPECT_EQ(7, w.pos);
	EXPECT_EQ(0, buf[4]);	/* nothing past the capacity */
	w.pos = 0;
	agi_cbor_put_int(&w, -25);
	EXPECT_TRUE(agi_cbor_fits(&w));
	EXPECT_EQ(2, w.pos);
	EXPECT_EQ(0x38, buf[0]);
	EXPECT_EQ(0x18, buf[1]);
}

/* ---- random items, deterministic, built with libcbor ----------------- */

static cbor_item_t *random_item(int depth);

/* A map with strictly increasing small keys: deterministic order. */
static cbor_item_t *random_map(int depth)
{
	size_t n = test_rng_below(6), i;
	cbor_item_t *m = cbor_new_definite_map(n), *k, *v;
	u64 key = test_rng_below(4);

	for (i = 0; i < n; i++) {
		k = oracle_uint(key);
		v = random_item(depth + 1);
		cbor_map_add(m, (struct cbor_pair){ .key = k, .value = v });
		cbor_decref(&k);
		cbor_decref(&v);
		key += 1 + test_rng_below(30);
	}
	return m;
}

static cbor_item_t *random_item(int depth)
{
	u8 bytes[40];
	size_t n = test_rng_below(sizeof(bytes)), i;
	cbor_item_t *it, *el;

	switch (test_rng_below(depth < 4 ? 6 : 4)) {
	case 0:
		return oracle_uint(random_arg());
	case 1:
		return oracle_negint(random_arg());
	case 2:
		for (i = 0; i < n; i++)
			bytes[i] = (u8)test_rng();
		return cbor_build_bytestring(bytes, n);
	case 3:
		for (i = 0; i < n; i++)
			bytes[i] = 'A' + test_rng_below(26);
		return cbor_build_stringn((char *)bytes, n);
	case 4:
		it = cbor_new_definite_array(n % 6);
		for (i = 0; i < n % 6; i++) {
			el = random_item(depth + 1);
			cbor_array_push(it, el);
			cbor_decref(&el);
		}
		return it;
	}
	return random_map(depth);
}

/* Walks our item @it of @c alongside libcbor's @ref; false at a difference. */
static bool same(const struct agi_cbor_cursor *c, const struct agi_cbor_item *it,
		 cbor_item_t *ref)
{
	struct agi_cbor_cursor in;
	struct agi_cbor_item a, b;
	const u8 *bytes;
	const char *text;
	size_t i;
	u64 u;
	s64 s;
	u16 n;

	switch (cbor_typeof(ref)) {
	case CBOR_TYPE_UINT:
		return !agi_cbor_get_uint(it, ~0ULL, &u) && u == cbor_get_int(ref);
	case CBOR_TYPE_NEGINT:
		if (cbor_get_int(ref) > (u64)S64_MAX)
			return it->head.major == AGI_CBOR_NINT &&
			       it->head.arg == cbor_get_int(ref);
		return !agi_cbor_get_int(it, S64_MIN, S64_MAX, &s) &&
		       s == -1 - (s64)cbor_get_int(ref);
	case CBOR_TYPE_BYTESTRING:
		return !agi_cbor_get_bytes(c, it, 0, U16_MAX, &bytes, &n) &&
		       n == cbor_bytestring_length(ref) &&
		       !memcmp(bytes, cbor_bytestring_handle(ref), n);
	case CBOR_TYPE_STRING:
		return !agi_cbor_get_text(c, it, U16_MAX, &text, &n) &&
		       n == cbor_string_length(ref) &&
		       !memcmp(text, cbor_string_handle(ref), n);
	case CBOR_TYPE_ARRAY:
		if (agi_cbor_enter(c, it, AGI_CBOR_ARRAY, &in))
			return false;
		for (i = 0; i < cbor_array_size(ref); i++)
			if (agi_cbor_next(&in, &a) != 1 ||
			    !same(&in, &a, cbor_array_handle(ref)[i]))
				return false;
		return agi_cbor_next(&in, &a) == 0;
	case CBOR_TYPE_MAP:
		if (agi_cbor_enter(c, it, AGI_CBOR_MAP, &in))
			return false;
		for (i = 0; i < cbor_map_size(ref); i++)
			if (agi_cbor_next_entry(&in, &a, &b) != 1 ||
			    !same(&in, &a, cbor_map_handle(ref)[i].key) ||
			    !same(&in, &b, cbor_map_handle(ref)[i].value))
				return false;
		return agi_cbor_next_entry(&in, &a, &b) == 0;
	default:
		return false;
	}
}

TEST(cursor_reads_what_libcbor_decodes)
{
	struct agi_cbor_cursor c, top;
	struct agi_cbor_item it;
	unsigned char *buf;
	size_t len, size, i;
	cbor_item_t *ref;

	TEST_RNG_BEGIN(2);
	for (i = 0; i < 20000; i++) {
		ref = random_map(0);
		len = cbor_serialize_alloc(ref, &buf, &size);
		ASSERT_GT(len, 0);
		if (len > BUF) {
			free(buf);
			cbor_decref(&ref);
			continue;
		}
		ASSERT_EQ(0, agi_cbor_open(&c, buf, (u16)len, AGI_CBOR_MAP))
			TH_LOG("item %zu", i);
		/* The whole buffer as an item of a one-item "container". */
		top = (struct agi_cbor_cursor){ .p = buf, .len = (u16)len,
						.left = 1 };
		ASSERT_EQ(1, agi_cbor_next(&top, &it));
		ASSERT_EQ(len, it.end);
		ASSERT_TRUE(same(&top, &it, ref)) TH_LOG("item %zu", i);
		free(buf);
		cbor_decref(&ref);
	}
}

static int open_hex(const char *hex, u8 major)
{
	struct agi_cbor_cursor c;
	u8 buf[64];
	size_t i, n = strlen(hex) / 2;

	for (i = 0; i < n; i++)
		sscanf(hex + 2 * i, "%2hhx", &buf[i]);
	return agi_cbor_open(&c, buf, (u16)n, major);
}

TEST(open_refuses_for_the_right_reason)
{
	EXPECT_EQ(0, open_hex("a20101020a", AGI_CBOR_MAP));
	EXPECT_EQ(0, open_hex("a0", AGI_CBOR_MAP));
	EXPECT_EQ(0, open_hex("8101", AGI_CBOR_ARRAY));
	/* not a map, trailing bytes, truncated */
	EXPECT_EQ(DROP(MALFORMED), open_hex("8101", AGI_CBOR_MAP));
	EXPECT_EQ(DROP(MALFORMED), open_hex("a0ff", AGI_CBOR_MAP));
	EXPECT_EQ(DROP(MALFORMED), open_hex("a20101", AGI_CBOR_MAP));
	/* a count no payload could hold */
	EXPECT_EQ(DROP(MALFORMED), open_hex("bb00000000ffffffff01", AGI_CBOR_MAP));
	/* a key in two bytes, keys out of order, a repeated key */
	EXPECT_EQ(DROP(NONCANONICAL), open_hex("a1180101", AGI_CBOR_MAP));
	EXPECT_EQ(DROP(NONCANONICAL), open_hex("a202010101", AGI_CBOR_MAP));
	EXPECT_EQ(DROP(NONCANONICAL), open_hex("a201010101", AGI_CBOR_MAP));
	/* indefinite length; malformed wins over non-canonical */
	EXPECT_EQ(DROP(NONCANONICAL), open_hex("bf0101ff", AGI_CBOR_MAP));
	EXPECT_EQ(DROP(MALFORMED), open_hex("bf0101", AGI_CBOR_MAP));
	/* 17 nested arrays: deeper than AGISWARM_WIRE_DEPTH_MAX */
	EXPECT_EQ(DROP(MALFORMED),
		  open_hex("818181818181818181818181818181818100", AGI_CBOR_ARRAY));
	EXPECT_EQ(0, open_hex("8181818181818181818181818181818100", AGI_CBOR_ARRAY));
}

TEST(values_within_their_bounds)
{
	struct agi_cbor_item it = { .head = { .major = AGI_CBOR_NINT } };
	s64 v;
	u64 u;

	it.head.arg = (u64)S32_MAX;		/* -2^31 */
	EXPECT_EQ(0, agi_cbor_get_int(&it, S32_MIN, S32_MAX, &v));
	EXPECT_EQ(S32_MIN, v);
	it.head.arg++;
	EXPECT_EQ(DROP(BADVALUE), agi_cbor_get_int(&it, S32_MIN, S32_MAX, &v));
	EXPECT_EQ(DROP(BADVALUE), agi_cbor_get_uint(&it, ~0ULL, &u));
	it.head.arg = (u64)S64_MAX;		/* -2^63 */
	EXPECT_EQ(0, agi_cbor_get_int(&it, S64_MIN, S64_MAX, &v));
	EXPECT_EQ(S64_MIN, v);
	it.head.major = AGI_CBOR_UINT;
	it.head.arg = (u64)S32_MAX + 1;
	EXPECT_EQ(DROP(BADVALUE), agi_cbor_get_int(&it, S32_MIN, S32_MAX, &v));
	EXPECT_EQ(DROP(BADVALUE), agi_cbor_get_uint(&it, S32_MAX, &u));
	EXPECT_EQ(0, agi_cbor_get_uint(&it, ~0ULL, &u));
	EXPECT_EQ((u64)S32_MAX + 1, u);
	EXPECT_EQ(DROP(BADVALUE), agi_cbor_get_int(&it, -5, -1, &v));
}

TEST_HARNESS_MAIN
