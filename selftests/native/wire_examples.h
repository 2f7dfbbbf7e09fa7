/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The wire format's documented examples (the hex of
 * include/uapi/linux/agiswarm.h) as lists of map entries, and a small
 * builder that writes them back into datagrams, whole or damaged in one
 * precise way. Shared by wire_doc_test.c and wire_reject_test.c.
 */
#ifndef AGISWARM_SELFTESTS_WIRE_EXAMPLES_H
#define AGISWARM_SELFTESTS_WIRE_EXAMPLES_H

#ifndef AGI_NO_LIBCBOR
#include <cbor.h>
#endif
#include <stdio.h>
#include <stdlib.h>

#include "core/wire.h"
#include "wire_compare.h"

/* One map entry of an example: a uint, or a byte string given in hex. */
struct ex_entry {
	u8 key;
	u64 uint;
	const char *bytes;
};

struct example {
	const char *name;
	u8 type;
	struct ex_entry e[16];
	u8 n;
	const char *doc;	/* the datagram, as the UAPI header shows it */
};

/* The row set hash of the TASK, ROWS and NEED_ROWS examples. */
#define EX_HASH "000102030405060708090a0b0c0d0e0f"

static const struct example examples[] = {
	{ "TASK", AGISWARM_MSG_TASK,
	  { { 1, 7 }, { 2, 42 }, { 3, 1 }, { 4, AGISWARM_Q1_31 },
	    { 5, 0, "40000000c0000000" }, { 6, 1 }, { 7, 7 },
	    { 8, 0, EX_HASH } }, 8,
	  "01 01 00 2a a8 01 07 02 18 2a 03 01 04 01 05 48\n"
	  " *        40 00 00 00 c0 00 00 00 06 01 07 07 08 50 00 01\n"
	  " *        02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f" },
	{ "RESULT", AGISWARM_MSG_RESULT,
	  { { 1, 7 }, { 2, 42 }, { 3, 1 }, { 4, 3 },
	    { 5, 0, "0002ffffffffffffffffffffffffffffffff"
		    "000400000000000000000000000040000000" } }, 5,
	  "01 02 00 31 a5 01 07 02 18 2a 03 01 04 03 05 58\n"
	  " *        24 00 02 ff ff ff ff ff ff ff ff ff ff ff ff ff\n"
	  " *        ff ff ff 00 04 00 00 00 00 00 00 00 00 00 00 00\n"
	  " *        00 40 00 00 00" },
	{ "SENSOR", AGISWARM_MSG_SENSOR,
	  { { 1, 1000 }, { 2, AGISWARM_Q1_15 }, { 3, 0, "00004000ffffe000" } },
	  3,
	  "01 07 00 11 a3 01 19 03 e8 02 02 03 48 00 00 40\n"
	  " *        00 ff ff e0 00" },
	{ "ACTUATE", AGISWARM_MSG_ACTUATE,
	  { { 1, 7 }, { 2, 42 }, { 3, AGISWARM_Q1_31 }, { 4, 0, "20000000" },
	    { 5, AGISWARM_ACTUATE_OK } }, 5,
	  "01 08 00 10 a5 01 07 02 18 2a 03 01 04 44 20 00\n"
	  " *        00 00 05 00" },
	{ "ROWS", AGISWARM_MSG_ROWS,
	  { { 1, 7 }, { 2, 1 }, { 3, 5 }, { 4, 3 }, { 5, 0 },
	    { 6, 0, "0000000000000001fffffffffffffffe0000000080000000" },
	    { 7, 2 }, { 8, 1 }, { 9, 0, EX_HASH } }, 9,
	  "01 09 00 3c a9 01 07 02 01 03 05 04 03 05 00 06\n"
	  " *        58 18 00 00 00 00 00 00 00 01 ff ff ff ff ff ff\n"
	  " *        ff fe 00 00 00 00 80 00 00 00 07 02 08 01 09 50\n"
	  " *        00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f" },
	{ "NEED_ROWS", AGISWARM_MSG_NEED_ROWS,
	  { { 1, 7 }, { 2, 1 }, { 3, 0, EX_HASH } }, 3,
	  "01 0d 00 17 a3 01 07 02 01 03 50 00 01 02 03 04\n"
	  " *        05 06 07 08 09 0a 0b 0c 0d 0e 0f" },
	{ "CYCLE_RECORD", AGISWARM_MSG_CYCLE_RECORD,
	  { { 1, 8 }, { 2, 42 }, { 3, AGISWARM_ACTUATE_OK },
	    { 4, AGISWARM_Q1_31 }, { 5, AGISWARM_Q1_31 }, { 6, 1 }, { 7, 1 },
	    { 8, 3 }, { 9, 50000 }, { 10, 40000 }, { 11, 1 }, { 12, 8 },
	    { 13, 0 },
	    { 14, 0, "4000000020000000200000000000000000000000" },
	    { 15, 0, EX_HASH } }, 15,
	  "01 0e 00 48 af 01 08 02 18 2a 03 00 04 01 05 01\n"
	  " *        06 01 07 01 08 03 09 19 c3 50 0a 19 9c 40 0b 01\n"
	  " *        0c 08 0d 00 0e 54 40 00 00 00 20 00 00 00 20 00\n"
	  " *        00 00 00 00 00 00 00 00 00 00 0f 50 00 01 02 03\n"
	  " *        04 05 06 07 08 09 0a 0b 0c 0d 0e 0f" },
	{ "FENCED", AGISWARM_MSG_FENCED,
	  { { 1, 9 }, { 2, 8 }, { 3, 3 } }, 3,
	  "01 0f 00 07 a3 01 09 02 08 03 03" },
	{ "JOB_ROWS", AGISWARM_MSG_JOB_ROWS,
	  { { 1, 7 }, { 2, 1 }, { 3, 5 }, { 4, 3 }, { 5, 0 },
	    { 6, 0, "0000000000000001fffffffffffffffe0000000080000000" },
	    { 7, 2 }, { 8, 1 }, { 9, 0, EX_HASH }, { 10, 3 } }, 10,
	  "01 20 00 3e aa 01 07 02 01 03 05 04 03 05 00 06\n"
	  " *        58 18 00 00 00 00 00 00 00 01 ff ff ff ff ff ff\n"
	  " *        ff fe 00 00 00 00 80 00 00 00 07 02 08 01 09 50\n"
	  " *        00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f\n"
	  " *        0a 03" },
	{ "JOB_TASK", AGISWARM_MSG_JOB_TASK,
	  { { 1, 7 }, { 2, 42 }, { 3, 1 }, { 4, AGISWARM_Q1_31 },
	    { 5, 0, "40000000c0000000" }, { 6, 1 }, { 7, 7 },
	    { 8, 0, EX_HASH }, { 9, 3 } }, 9,
	  "01 21 00 2c a9 01 07 02 18 2a 03 01 04 01 05 48\n"
	  " *        40 00 00 00 c0 00 00 00 06 01 07 07 08 50 00 01\n"
	  " *        02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 09 03" },
	{ "JOB_RESULT", AGISWARM_MSG_JOB_RESULT,
	  { { 1, 7 }, { 2, 42 }, { 3, 1 }, { 4, 3 },
	    { 5, 0, "0002ffffffffffffffffffffffffffffffff"
		    "000400000000000000000000000040000000" }, { 6, 3 } }, 6,
	  "01 22 00 33 a6 01 07 02 18 2a 03 01 04 03 05 58\n"
	  " *        24 00 02 ff ff ff ff ff ff ff ff ff ff ff ff ff\n"
	  " *        ff ff ff 00 04 00 00 00 00 00 00 00 00 00 00 00\n"
	  " *        00 40 00 00 00 06 03" },
	{ "JOB_CANCEL", AGISWARM_MSG_JOB_CANCEL,
	  { { 1, 7 }, { 2, 3 } }, 2,
	  "01 23 00 05 a2 01 07 02 03" },
};

/* ---- building datagrams by hand --------------------------------------- */

struct raw {
	u8 b[2 * AGISWARM_WIRE_MAX];
	size_t n;
};

static void raw_bytes(struct raw *r, const void *p, size_t n)
{
	memcpy(r->b + r->n, p, n);
	r->n += n;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Append the bytes written in @hex; anything but digit pairs is skipped. */
static void raw_hex(struct raw *r, const char *hex)
{
	for (; *hex; hex++) {
		if (hex_digit(hex[0]) < 0 || hex_digit(hex[1]) < 0)
			continue;
		r->b[r->n++] = (u8)(hex_digit(hex[0]) << 4 | hex_digit(hex[1]));
		hex++;
	}
}

/* A head: @width 0 is the shortest form, 1/2/4/8 forces that many argument
 * bytes, -1 makes it indefinite.
 */
static void raw_head(struct raw *r, u8 major, u64 arg, int width)
{
	u8 b[9];
	int n = width;

	if (width < 0) {
		b[0] = major << 5 | 31;
		raw_bytes(r, b, 1);
		return;
	}
	if (!width)
		n = arg < 24 ? 0 : arg <= 0xff ? 1 : arg <= 0xffff ? 2 :
			arg <= 0xffffffff ? 4 : 8;
	b[0] = major << 5 | (n == 0 ? (u8)arg : n == 1 ? 24 : n == 2 ? 25 :
			     n == 4 ? 26 : 27);
	for (int i = 0; i < n; i++)
		b[1 + i] = (u8)(arg >> (8 * (n - 1 - i)));
	raw_bytes(r, b, 1 + n);
}

/* How to damage one entry while writing it. */
struct damage {
	int key_width;		/* raw_head width of the key */
	int value_width;	/* of a uint value or a byte string's length */
	bool chunked;		/* byte string as two indefinite chunks */
	const char *value;	/* replace the value with this hex */
	bool use_uint;		/* replace a uint value with @uint */
	u64 uint;
};

static void raw_entry(struct raw *r, const struct ex_entry *e,
		      const struct damage *d)
{
	struct raw bytes = { .n = 0 };

	raw_head(r, 0, e->key, d ? d->key_width : 0);
	if (d && d->value) {
		raw_hex(r, d->value);
		return;
	}
	if (!e->bytes) {
		raw_head(r, 0, d && d->use_uint ? d->uint : e->uint,
			 d ? d->value_width : 0);
		return;
	}
	raw_hex(&bytes, e->bytes);
	if (d && d->chunked) {
		raw_head(r, 2, 0, -1);
		raw_head(r, 2, 1, 0);
		raw_bytes(r, bytes.b, 1);
		raw_head(r, 2, bytes.n - 1, 0);
		raw_bytes(r, bytes.b + 1, bytes.n - 1);
		raw_hex(r, "ff");
		return;
	}
	raw_head(r, 2, bytes.n, d ? d->value_width : 0);
	raw_bytes(r, bytes.b, bytes.n);
}

/* Header + map head (@map_width as raw_head) + pre-built entries. */
static void raw_datagram(struct raw *out, u8 type, const struct raw *entries,
			 size_t count, int map_width)
{
	out->n = 4;
	raw_head(out, 5, count, map_width);
	raw_bytes(out, entries->b, entries->n);
	if (map_width < 0)
		raw_hex(out, "ff");
	out->b[0] = AGISWARM_WIRE_VERSION;
	out->b[1] = type;
	out->b[2] = (u8)((out->n - 4) >> 8);
	out->b[3] = (u8)(out->n - 4);
}

/*
 * Example @x with entry @skip left out (-1: none), entry @hit written with
 * @d, and @extra (hex of a whole key + value) appended as the last entry.
 */
static struct raw *build(const struct example *x, int skip, int hit,
			 const struct damage *d, const char *extra)
{
	static struct raw entries, out;
	size_t count = 0;
	int i;

	entries.n = 0;
	for (i = 0; i < x->n; i++) {
		if (i == skip)
			continue;
		raw_entry(&entries, &x->e[i], i == hit ? d : NULL);
		count++;
	}
	if (extra) {
		raw_hex(&entries, extra);
		count++;
	}
	raw_datagram(&out, x->type, &entries, count, 0);
	return &out;
}

#ifndef AGI_NO_LIBCBOR
/* libcbor's verdict: does the payload hold one well-formed item exactly? */
static bool libcbor_well_formed(const struct raw *r)
{
	struct cbor_load_result res;
	cbor_item_t *item = cbor_load(r->b + 4, r->n - 4, &res);
	bool ok = item && res.read == r->n - 4;

	if (item)
		cbor_decref(&item);
	return ok;
}
#endif /* AGI_NO_LIBCBOR: the cross builds (selftests/cross) have no libcbor */

static int parse(const struct raw *r)
{
	struct agi_wire_msg m;

	return wire_verdict(r->b, r->n, &m);
}


#endif /* AGISWARM_SELFTESTS_WIRE_EXAMPLES_H */
