// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * libFuzzer target: our parser against libcbor 0.8 on any payload. The
 * first input byte picks a fast-path type, the rest is the CBOR payload
 * (a valid header is added). Whatever we accept or call merely
 * non-canonical, missing a key or out of range, libcbor must read as one
 * map filling the payload; whatever libcbor does not read so, we must
 * call malformed. Exceptions are libcbor 0.8's known gaps (see
 * selftests/native/wire_test.c): unassigned simple values, two-byte simple
 * values and one-byte tags 6..20 it refuses although they are well-formed,
 * and any nesting depth it accepts.
 */
#include <cbor.h>
#include <stdlib.h>

#include "core/wire.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static const u8 fast_types[] = {
	AGISWARM_MSG_TASK, AGISWARM_MSG_RESULT, AGISWARM_MSG_SENSOR,
	AGISWARM_MSG_ACTUATE, AGISWARM_MSG_ROWS, AGISWARM_MSG_NEED_ROWS,
};

/* A byte that may start an item libcbor refuses though it is fine. */
static bool has_libcbor_gap(const u8 *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((p[i] >= 0xe0 && p[i] <= 0xf3) || p[i] == 0xf8 ||
		    (p[i] >= 0xc6 && p[i] <= 0xd4))
			return true;
	return false;
}

/* Whether a container nests deeper than we allow (libcbor does not care). */
static bool may_be_deep(const u8 *p, size_t n)
{
	size_t i, opens = 0;

	for (i = 0; i < n; i++)
		opens += (p[i] >= 0x80 && p[i] <= 0xbf) ||
			 p[i] == 0x5f || p[i] == 0x7f;
	return opens >= AGISWARM_WIRE_DEPTH_MAX;
}

/* libcbor allocates a container before reading it: skip absurd counts. */
static bool large_count(const u8 *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((p[i] & 0xdf) >= 0x99 && (p[i] & 0xdf) <= 0x9b)
			return true;
	return false;
}

/* libcbor reads one map filling the payload. */
static bool libcbor_reads(const u8 *p, size_t n)
{
	struct cbor_load_result res;
	cbor_item_t *item = cbor_load(p, n, &res);
	bool ok = item && res.read == n && cbor_isa_map(item);

	if (item)
		cbor_decref(&item);
	return ok;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static u8 dgram[AGISWARM_WIRE_MAX];
	enum agiswarm_counter why = AGISWARM_CNT_UNSPEC;
	struct agi_wire_msg m;
	size_t plen;
	int r;

	if (size < 1 || size > AGISWARM_WIRE_MAX - 3)
		return 0;
	plen = size - 1;
	dgram[0] = AGISWARM_WIRE_VERSION;
	dgram[1] = fast_types[data[0] % sizeof(fast_types)];
	agi_put_be16((u16)plen, dgram + 2);
	memcpy(dgram + 4, data + 1, plen);
	r = agi_wire_parse(dgram, plen + 4, &m, &why);
	if (r > 0 || (r && r != -EBADMSG))
		abort();
	if (large_count(data + 1, plen))
		return 0;
	if (r && why == AGISWARM_CNT_DROP_MALFORMED) {
		if (libcbor_reads(data + 1, plen) && !may_be_deep(data + 1, plen))
			abort();
	} else if (!libcbor_reads(data + 1, plen) &&
		   !has_libcbor_gap(data + 1, plen)) {
		abort();
	}
	return 0;
}
