// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * libFuzzer target: agi_wire_parse() on any datagram. It must never crash
 * (ASan/UBSan watch), must classify every datagram under one known reason,
 * and what it accepts must re-encode, with our encoder, into a datagram
 * that parses to the same fields; with no unknown keys the re-encoding is
 * the input itself, since the encoding is deterministic.
 */
#include <stdlib.h>

#include "core/wire.h"
#include "../native/wire_compare.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static void check_drop(int r, enum agiswarm_counter why)
{
	if (r != -EBADMSG)
		abort();
	if (why != AGISWARM_CNT_DROP_SHORT && why != AGISWARM_CNT_DROP_VERSION &&
	    why != AGISWARM_CNT_DROP_LENGTH &&
	    why != AGISWARM_CNT_DROP_OVERSIZE &&
	    why != AGISWARM_CNT_DROP_MALFORMED &&
	    why != AGISWARM_CNT_DROP_NONCANONICAL &&
	    why != AGISWARM_CNT_DROP_MISSING &&
	    why != AGISWARM_CNT_DROP_BADVALUE && why != AGISWARM_CNT_DROP_TYPE)
		abort();
}

static void check(const u8 *data, size_t size)
{
	static u8 again[AGISWARM_WIRE_MAX];
	enum agiswarm_counter why = AGISWARM_CNT_UNSPEC;
	struct agi_wire_msg m, m2;
	size_t len;
	int r;

	r = agi_wire_parse(data, size, &m, &why);
	if (r < 0) {
		check_drop(r, why);
		return;
	}
	/* The reason is written only for a refused datagram. */
	if (why != AGISWARM_CNT_UNSPEC)
		abort();
	if (m.payload != data + 4 || m.payload_len != size - 4 ||
	    m.type != data[1])
		abort();
	if (r == AGI_WIRE_PASS_UP) {
		if (agi_wire_is_fast_path(m.type))
			abort();
		return;
	}
	if (r != 0 || !agi_wire_is_fast_path(m.type))
		abort();
	len = agi_wire_put(again, sizeof(again), &m);
	if (!len || len > size)
		abort();
	if (len == size && memcmp(again, data, size))
		abort();
	if (agi_wire_parse(again, len, &m2, &why) || !same_msg(&m, &m2))
		abort();
}

/*
 * The input as it is, and again with its length field made right: most
 * mutations change the length, and the payload checks lie behind it.
 */
int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static u8 fixed[AGISWARM_WIRE_MAX];

	check(data, size);
	if (size < AGISWARM_WIRE_HDR_LEN || size > AGISWARM_WIRE_MAX)
		return 0;
	memcpy(fixed, data, size);
	agi_put_be16((u16)(size - AGISWARM_WIRE_HDR_LEN), fixed + 2);
	check(fixed, size);
	return 0;
}
