// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * libFuzzer target: the receive path of a sealed datagram, as the module
 * runs it: agi_seal_parse(), then agi_seal_open() under the UAPI example's
 * key, then agi_wire_parse() on what opened. Never a crash, one known
 * reason per refusal, nothing opened that was not sealed with the key. And
 * the other way: the input taken as a message and sealed opens back to the
 * very same bytes.
 */
#include <stdlib.h>

#include "core/seal.h"
#include "core/wire.h"
#include "user/seal.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static void check_framing_reason(enum agiswarm_counter why)
{
	if (why != AGISWARM_CNT_DROP_SHORT && why != AGISWARM_CNT_DROP_VERSION &&
	    why != AGISWARM_CNT_DROP_LENGTH &&
	    why != AGISWARM_CNT_DROP_OVERSIZE &&
	    why != AGISWARM_CNT_DROP_TYPE && why != AGISWARM_CNT_DROP_AUTH)
		abort();
}

static void receive(const u8 *data, size_t size, const u8 *key)
{
	static u8 buf[AGISWARM_WIRE_MAX];
	enum agiswarm_counter why = AGISWARM_CNT_UNSPEC;
	struct agi_seal_hdr h;
	struct agi_wire_msg m;
	int r;

	r = agi_seal_parse(data, size, &h, &why);
	if (r < 0) {
		check_framing_reason(why);
		return;
	}
	if (r == AGI_SEAL_PLAIN || size > sizeof(buf))
		return;
	memcpy(buf, data, size);
	r = agi_seal_open(buf, size, &h, key, &agi_sodium_aead);
	if (r < 0)
		return;
	if ((size_t)r != size - AGISWARM_SEAL_OVERHEAD ||
	    buf[AGI_SEAL_PUSH] != AGISWARM_WIRE_VERSION ||
	    buf[AGI_SEAL_PUSH + 1] != h.type)
		abort();
	agi_wire_parse(buf + AGI_SEAL_PUSH, (size_t)r, &m, &why);
}

static void roundtrip(const u8 *data, size_t size, const u8 *key)
{
	static u8 buf[AGISWARM_WIRE_MAX + 64];
	enum agiswarm_counter why;
	struct agi_seal_hdr h;
	size_t n;
	int r;

	if (size > AGISWARM_WIRE_MAX)
		return;
	memcpy(buf + AGI_SEAL_PUSH, data, size);
	n = agi_seal(buf, size, 7, size, key, &agi_sodium_aead);
	if (!n)
		return;
	if (n != size + AGISWARM_SEAL_OVERHEAD || n > AGISWARM_WIRE_MAX)
		abort();
	if (agi_seal_parse(buf, n, &h, &why) || h.index != 7 || h.counter != size)
		abort();
	r = agi_seal_open(buf, n, &h, key, &agi_sodium_aead);
	if (r != (int)size || memcmp(buf + AGI_SEAL_PUSH, data, size))
		abort();
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u8 key[AGISWARM_SEAL_KEY_LEN];

	agi_seal_example_key(key);
	receive(data, size, key);
	roundtrip(data, size, key);
	return 0;
}
