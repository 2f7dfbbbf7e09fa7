// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Every way of breaking the documented examples (wire_examples.h): entries
 * dropped, reordered, repeated, widened, retyped, pushed out of range,
 * unknown keys added with items that are canonical, non-canonical or
 * malformed. Each datagram must be refused for its documented reason, in
 * the documented order of precedence, and libcbor 0.8 must agree on which
 * payloads are well-formed (apart from the gaps listed in wire_test.c).
 */
#include "wire_examples.h"
#include <kselftest_harness.h>

TEST(missing_key)
{
	const struct example *x;
	struct raw *r;
	size_t i;
	int k;

	for (i = 0; i < ARRAY_SIZE(examples); i++) {
		x = &examples[i];
		for (k = 0; k < x->n; k++) {
			r = build(x, k, -1, NULL, NULL);
			ASSERT_EQ(DROP(MISSING), parse(r))
				TH_LOG("%s without key %d", x->name, k + 1);
			ASSERT_TRUE(libcbor_well_formed(r));
		}
		/* An unknown key does not stand in for a known one. */
		r = build(x, x->n - 1, -1, NULL, "1864 00");
		ASSERT_EQ(DROP(MISSING), parse(r));
	}
}

/* Items that are well-formed but not deterministic, under unknown key 100. */
static const char *const noncanonical_items[] = {
	"1800", "1817", "190017", "1900ff", "1a000000ff", "1a0000ffff",
	"1b00000000ffffffff", "3800", "3817", "d81700",
	"5817" "0000000000000000000000000000000000000000000000",
	"7817" "6161616161616161616161616161616161616161616161",
	"5800", "780161", "9800", "b800", "d80100", "d9000100",
	"9f01ff", "5f4101ff", "7f6161ff", "bf0100ff",
	"fa3fc00000",			/* 1.5 fits a half */
	"fb3ff8000000000000",		/* 1.5 */
	"fa7fc00000",			/* NaN */
	"fb7ff8000000000000",		/* NaN */
	"fa00000000",			/* 0.0 */
	"fb3e70000000000000",		/* 2^-24, a half subnormal */
	"fb36a0000000000000",		/* 2^-149, a single subnormal */
	"a2020001 00", "a2010001 00",	/* keys unsorted, repeated */
	"a2 6161 00 01 00",		/* a text key sorts after 1 */
	"a2 20 00 19 0100 00",		/* 0x20 sorts after 0x19 */
	"81 a2 0200 0100",		/* deeper down */
};

TEST(noncanonical)
{
	struct damage d = { 0 };
	const struct example *x;
	char extra[96];
	struct raw *r;
	size_t i, j;
	int k;

	for (i = 0; i < ARRAY_SIZE(examples); i++) {
		x = &examples[i];
		for (k = 0; k < x->n; k++) {
			d = (struct damage){ .key_width = 1 };
			r = build(x, -1, k, &d, NULL);
			ASSERT_EQ(DROP(NONCANONICAL), parse(r));
			ASSERT_TRUE(libcbor_well_formed(r));
			/* One width up from the shortest, and the widest. */
			d = (struct damage){
				.value_width = x->e[k].bytes ? 2 :
					x->e[k].uint < 24 ? 1 : 8 };
			if (x->e[k].uint >> 32 == 0 || x->e[k].bytes) {
				r = build(x, -1, k, &d, NULL);
				ASSERT_EQ(DROP(NONCANONICAL), parse(r))
					TH_LOG("%s key %d widened", x->name,
					       k + 1);
				ASSERT_TRUE(libcbor_well_formed(r));
			}
			if (x->e[k].bytes) {
				d = (struct damage){ .chunked = true };
				r = build(x, -1, k, &d, NULL);
				ASSERT_EQ(DROP(NONCANONICAL), parse(r));
				ASSERT_TRUE(libcbor_well_formed(r));
			}
		}
		for (j = 0; j < ARRAY_SIZE(noncanonical_items); j++) {
			snprintf(extra, sizeof(extra), "1864 %s",
				 noncanonical_items[j]);
			r = build(x, -1, -1, NULL, extra);
			ASSERT_EQ(DROP(NONCANONICAL), parse(r))
				TH_LOG("%s + %s", x->name, extra);
			ASSERT_TRUE(libcbor_well_formed(r))
				TH_LOG("%s", extra);
		}
		/* Even when a key is missing too, wherever it is. */
		d = (struct damage){ .key_width = 2 };
		r = build(x, 0, x->n - 1, &d, NULL);
		ASSERT_EQ(DROP(NONCANONICAL), parse(r));
		r = build(x, x->n - 1, 0, &d, NULL);
		ASSERT_EQ(DROP(NONCANONICAL), parse(r));
	}
}

/* Order: entries swapped or repeated, the map head widened or indefinite. */
TEST(noncanonical_map)
{
	static struct raw entries, out;
	const struct example *x;
	size_t i;
	int k, j, swap, dup;

	for (i = 0; i < ARRAY_SIZE(examples); i++) {
		x = &examples[i];
		for (swap = -1; swap < x->n - 1; swap++) {
			for (dup = -1; dup < x->n; dup++) {
				entries.n = 0;
				for (k = 0; k < x->n; k++) {
					j = k == swap ? k + 1 :
						k == swap + 1 && swap >= 0 ?
						k - 1 : k;
					raw_entry(&entries, &x->e[j], NULL);
					if (k == dup)
						raw_entry(&entries, &x->e[j],
							  NULL);
				}
				raw_datagram(&out, x->type, &entries,
					     x->n + (dup >= 0), 0);
				ASSERT_EQ(swap < 0 && dup < 0 ? 0 :
					  DROP(NONCANONICAL), parse(&out))
					TH_LOG("%s swap %d dup %d", x->name,
					       swap, dup);
				ASSERT_TRUE(libcbor_well_formed(&out));
			}
		}
		entries.n = 0;
		for (k = 0; k < x->n; k++)
			raw_entry(&entries, &x->e[k], NULL);
		raw_datagram(&out, x->type, &entries, x->n, 1);
		ASSERT_EQ(DROP(NONCANONICAL), parse(&out));
		ASSERT_TRUE(libcbor_well_formed(&out));
		raw_datagram(&out, x->type, &entries, x->n, -1);
		ASSERT_EQ(DROP(NONCANONICAL), parse(&out));
		ASSERT_TRUE(libcbor_well_formed(&out));
	}
}

/* Items of the wrong major type, for every key. */
static const char *const wrong_type_for_uint[] = {
	"6131", "20", "40", "c101", "f5", "80", "a0", "f97c00", "f6",
};

static const char *const wrong_type_for_bytes[] = {
	"00", "60", "40", "43000000", "80", "c24400000001",
	"680000000000000000",
};

TEST(wrong_type)
{
	struct damage d = { 0 };
	const struct example *x;
	struct raw *r;
	size_t i, j;
	int k;

	for (i = 0; i < ARRAY_SIZE(examples); i++) {
		x = &examples[i];
		for (k = 0; k < x->n; k++) {
			const char *const *bad = x->e[k].bytes ?
				wrong_type_for_bytes : wrong_type_for_uint;
			size_t nbad = x->e[k].bytes ?
				ARRAY_SIZE(wrong_type_for_bytes) :
				ARRAY_SIZE(wrong_type_for_uint);

			for (j = 0; j < nbad; j++) {
				d = (struct damage){ .value = bad[j] };
				r = build(x, -1, k, &d, NULL);
				ASSERT_EQ(DROP(BADVALUE), parse(r))
					TH_LOG("%s key %d = %s", x->name, k + 1,
					       bad[j]);
				ASSERT_TRUE(libcbor_well_formed(r));
				/* A bad value outranks a missing key. */
				r = build(x, k ? 0 : 1, k, &d, NULL);
				ASSERT_EQ(DROP(BADVALUE), parse(r))
					TH_LOG("%s key %d = %s", x->name, k + 1,
					       bad[j]);
			}
		}
	}
}

/* Values just outside and just inside each limit. */
static const struct {
	int example, key;
	u64 value;
	int want;
} limits[] = {
	{ 0, 3, 0xffffffffULL, 0 }, { 0, 3, 0x100000000ULL, DROP(BADVALUE) },
	{ 0, 4, 0, DROP(BADVALUE) }, { 0, 4, 4, 0 }, { 0, 4, 5, DROP(BADVALUE) },
	{ 0, 1, U64_MAX, 0 }, { 0, 2, U64_MAX, 0 },
	{ 1, 3, 0x100000000ULL, DROP(BADVALUE) },
	{ 1, 4, 0xffffffffULL, 0 }, { 1, 4, 0x100000000ULL, DROP(BADVALUE) },
	{ 2, 2, 0, DROP(BADVALUE) }, { 2, 2, 5, DROP(BADVALUE) },
	{ 2, 2, 1, 0 }, { 2, 2, 4, 0 },
	{ 3, 3, 0, DROP(BADVALUE) }, { 3, 5, 3, 0 }, { 3, 5, 4, DROP(BADVALUE) },
	{ 4, 2, 0x100000000ULL, DROP(BADVALUE) },
	{ 4, 3, 0xffff, 0 }, { 4, 3, 0x10000, DROP(BADVALUE) },
	{ 4, 4, 0, DROP(BADVALUE) }, { 4, 4, 2, DROP(BADVALUE) },
	{ 4, 4, 256, 0 }, { 4, 4, 257, DROP(BADVALUE) },
	{ 4, 5, 1, DROP(BADVALUE) },	/* 1 + 3 entries > 3 columns */
	{ 4, 7, 0, DROP(BADVALUE) }, { 4, 7, 64, 0 }, { 4, 7, 65, DROP(BADVALUE) },
};

TEST(value_limits)
{
	struct damage d = { .use_uint = true };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(limits); i++) {
		d.uint = limits[i].value;
		ASSERT_EQ(limits[i].want,
			  parse(build(&examples[limits[i].example], -1,
				      limits[i].key - 1, &d, NULL)))
			TH_LOG("limit %zu", i);
	}
}

/* Vectors: empty, ragged, one element too many, out of their Q format. */
TEST(vector_limits)
{
	static const struct { int example, key, elem, max; } vecs[] = {
		{ 0, 5, 4, AGISWARM_WIRE_VEC_MAX },
		{ 1, 5, AGISWARM_WIRE_VALUE_LEN, AGISWARM_WIRE_VALUES_MAX },
		{ 2, 3, 4, AGISWARM_WIRE_VEC_MAX },
		{ 3, 4, 4, AGISWARM_WIRE_VEC_MAX },
		{ 4, 6, 8, AGISWARM_WIRE_CHUNK_MAX },
	};
	static char hex[2 * AGISWARM_WIRE_MAX + 1];
	struct example x;
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(vecs); i++) {
		x = examples[vecs[i].example];
		if (x.type == AGISWARM_MSG_ROWS)
			x.e[3].uint = AGISWARM_WIRE_VEC_MAX;	/* ncols */
		for (n = 0; n <= (size_t)(vecs[i].max + 1) * vecs[i].elem; n++) {
			if (n % vecs[i].elem && n > 2 * (size_t)vecs[i].elem &&
			    n + 1 < (size_t)vecs[i].max * vecs[i].elem)
				continue;	/* a sample of ragged lengths */
			memset(hex, '0', 2 * n);
			hex[2 * n] = 0;
			x.e[vecs[i].key - 1].bytes = hex;
			ASSERT_EQ(n && !(n % vecs[i].elem) &&
				  n <= (size_t)vecs[i].max * vecs[i].elem ?
				  0 : DROP(BADVALUE),
				  parse(build(&x, -1, -1, NULL, NULL)))
				TH_LOG("%s: %zu bytes", x.name, n);
		}
	}
	/* Q1.15 values travel as s32 but must fit 16 bits. */
	x = examples[2];
	x.e[2].bytes = "00007fffffff8000";
	ASSERT_EQ(0, parse(build(&x, -1, -1, NULL, NULL)));
	x.e[2].bytes = "0000800000000000";
	ASSERT_EQ(DROP(BADVALUE), parse(build(&x, -1, -1, NULL, NULL)));
	x.e[2].bytes = "ffff7fff00000000";
	ASSERT_EQ(DROP(BADVALUE), parse(build(&x, -1, -1, NULL, NULL)));
	x = examples[0];
	x.e[3].uint = AGISWARM_Q1_15;
	ASSERT_EQ(DROP(BADVALUE), parse(build(&x, -1, -1, NULL, NULL)));
	x.e[3].uint = AGISWARM_Q8_24;
	ASSERT_EQ(0, parse(build(&x, -1, -1, NULL, NULL)));
}

/* The row set hash of TASK, ROWS and NEED_ROWS: exactly 16 bytes. */
TEST(hash_length)
{
	static const struct { int example, key; } hashes[] = {
		{ 0, 8 }, { 4, 9 }, { 5, 3 },
	};
	static char hex[2 * 40 + 1];
	struct example x;
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(hashes); i++) {
		x = examples[hashes[i].example];
		ASSERT_EQ(hashes[i].key, x.e[hashes[i].key - 1].key);
		for (n = 0; n <= 40; n++) {
			memset(hex, 'a', 2 * n);
			hex[2 * n] = 0;
			x.e[hashes[i].key - 1].bytes = hex;
			ASSERT_EQ(n == AGISWARM_WIRE_HASH_LEN ? 0 : DROP(BADVALUE),
				  parse(build(&x, -1, -1, NULL, NULL)))
				TH_LOG("%s: a hash of %zu bytes", x.name, n);
		}
	}
}

/* Not well-formed: libcbor refuses these too. */
static const char *const malformed_items[] = {
	"1c", "1d", "1e", "ff", "1f", "3f", "df00", "5f6141ff", "5f5f40ffff",
	"5f00ff", "bf01ff", "9fc1ff", "f810", "f81f", "9bffffffffffffffff",
	"5b0000000000010000", "61ff", "62c0af", "62c1bf", "63eda080",
	"63edbfbf", "64f4900000", "64f5808080",
	"6180", "63e282", "5f40", "c1", "81", "a1 01", "18", "fa0000", "9f",
	"bf",
};

TEST(malformed)
{
	struct damage d = { 0 };
	const struct example *x;
	char extra[96];
	struct raw *r;
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(examples); i++) {
		x = &examples[i];
		for (j = 0; j < ARRAY_SIZE(malformed_items); j++) {
			snprintf(extra, sizeof(extra), "1864 %s",
				 malformed_items[j]);
			r = build(x, -1, -1, NULL, extra);
			ASSERT_EQ(DROP(MALFORMED), parse(r))
				TH_LOG("%s + %s", x->name, extra);
			ASSERT_FALSE(libcbor_well_formed(r)) TH_LOG("%s", extra);
			/* Malformed outranks non-canonical and missing. */
			d = (struct damage){ .key_width = 1 };
			r = build(x, 0, 1, &d, extra);
			ASSERT_EQ(DROP(MALFORMED), parse(r));
		}
		/* Trailing bytes; a count that promises one entry more. */
		r = build(x, -1, -1, NULL, NULL);
		r->b[r->n++] = 0;
		r->b[3]++;
		ASSERT_EQ(DROP(MALFORMED), parse(r));
		r = build(x, -1, -1, NULL, NULL);
		r->b[4]++;
		ASSERT_EQ(DROP(MALFORMED), parse(r));
		ASSERT_FALSE(libcbor_well_formed(r));
	}
}

TEST(payload_not_a_map)
{
	static const char *const payloads[] = {
		"", "00", "80", "40", "60", "a0 a0", "c1 a0", "f6", "ff",
	};
	struct raw r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(payloads); i++) {
		r.n = 0;
		raw_hex(&r, "01010000");
		raw_hex(&r, payloads[i]);
		r.b[3] = (u8)(r.n - 4);
		ASSERT_EQ(DROP(MALFORMED), parse(&r)) TH_LOG("%s", payloads[i]);
	}
	/* A map, but empty: every key is missing. */
	r.n = 0;
	raw_hex(&r, "01010001a0");
	ASSERT_EQ(DROP(MISSING), parse(&r));
}

/* Unknown keys may hold any well-formed, canonical item: all accepted. */
static const char *const canonical_items[] = {
	"f820", "f8ff", "c600", "d4 00", "f97e00", "f90001", "f97c00",
	"fa47800000", "fa33000000", "fb3ff0000000000001", "fb0000000000000001",
	"60", "62c3a9", "63e282ac", "64f09f9880", "80", "a0",
	"a2 01 00 6161 80", "a2 20 00 6161 00", "c1 c1 c1 00", "3bffffffffffffffff",
	"1bffffffffffffffff", "d8ff 00", "1818", "3818", "d81800", "190100",
	"1a00010000", "1b0000000100000000",
};

/* The example's entries, then more written in @hex, counted as @more. */
static struct raw *build_more(const struct example *x, const char *hex,
			      int more)
{
	static struct raw entries, out;
	int k;

	entries.n = 0;
	for (k = 0; k < x->n; k++)
		raw_entry(&entries, &x->e[k], NULL);
	raw_hex(&entries, hex);
	raw_datagram(&out, x->type, &entries, x->n + more, 0);
	return &out;
}

TEST(canonical_unknown_keys_accepted)
{
	static char deep[128];
	const struct example *x;
	char extra[96];
	struct raw *r;
	size_t i, j;
	int depth;

	for (i = 0; i < ARRAY_SIZE(examples); i++) {
		x = &examples[i];
		for (j = 0; j < ARRAY_SIZE(canonical_items); j++) {
			snprintf(extra, sizeof(extra), "1864 %s",
				 canonical_items[j]);
			ASSERT_EQ(0, parse(build(x, -1, -1, NULL, extra)))
				TH_LOG("%s + %s", x->name, extra);
		}
		/* Negative, byte-string and text keys sort after small ones. */
		r = build_more(x, "1864 00 20 00 38ff 00 4100 00 6161 00", 5);
		ASSERT_EQ(0, parse(r));
		ASSERT_TRUE(libcbor_well_formed(r));
	}
	/* Nesting: the payload map and 15 more levels pass, 16 do not. */
	for (depth = 14; depth <= 16; depth++) {
		strcpy(deep, "1864");
		for (i = 0; i < (size_t)depth; i++)
			strcat(deep, i % 2 ? "81" : "a100");
		strcat(deep, "00");
		r = build_more(&examples[0], deep, 1);
		ASSERT_EQ(depth < AGISWARM_WIRE_DEPTH_MAX ? 0 : DROP(MALFORMED),
			  parse(r)) TH_LOG("depth %d", depth);
		ASSERT_TRUE(libcbor_well_formed(r));
	}
}

TEST_HARNESS_MAIN
