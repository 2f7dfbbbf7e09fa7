// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * libFuzzer target: the handshake datagrams (include/user/handshake.c),
 * the only bytes a node reads from a sender it has no session with.
 * Whatever a parser accepts is canonical (re-encodes to exactly the
 * input); the responder's check never crashes and accepts only an INIT
 * signed by the key it names; the initiator, holding a pending INIT from
 * a fixed key pair to another, completes only on the one genuine RESP.
 */
#include <stdlib.h>
#include <string.h>

#include "core/wire.h"
#include "user/handshake.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

/* RFC 8032 TEST 1 and TEST 2 seeds, as in the native test. */
static const u8 seed_i[AGI_SEED_LEN] = {
	0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a,
	0xf4, 0x92, 0xec, 0x2c, 0xc4, 0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32,
	0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
};
static const u8 seed_r[AGI_SEED_LEN] = {
	0x4c, 0xcd, 0x08, 0x9b, 0x28, 0xff, 0x96, 0xda, 0x9d, 0xb6, 0xc3,
	0x46, 0xec, 0x11, 0x4e, 0x0f, 0x5b, 0x8a, 0x31, 0x9f, 0x35, 0xab,
	0xa6, 0x24, 0xda, 0x8c, 0xf6, 0xed, 0x4f, 0xb8, 0xa6, 0xfb,
};
static const u8 eph[32] = { 1, 2, 3, 4, 5, 6, 7, 8 };

static struct agi_keypair ki, kr;
static struct agi_hs_pending pending;
static u8 genuine[AGI_HS_RESP_MAX];
static size_t genuine_len;

static void setup(void)
{
	u8 init[AGI_HS_INIT_MAX];
	struct agi_hs_keys k;
	struct agi_hs_init m;
	int n;

	if (agi_keys_init())
		abort();
	agi_key_from_seed(&ki, seed_i);
	agi_key_from_seed(&kr, seed_r);
	n = agi_hs_initiate_eph(&pending, &ki, kr.pk, 7, 1000, eph, init,
				sizeof(init));
	if (n < 0 || agi_hs_init_check(init, (size_t)n, kr.pk, &m) ||
	    agi_hs_respond_eph(&kr, init, (size_t)n, &m, 9, eph, genuine,
			       sizeof(genuine), &genuine_len, &k))
		abort();
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static bool ready;
	struct agi_hs_pending p;
	struct agi_hs_init mi;
	struct agi_hs_resp mr;
	struct agi_hs_keys k;
	u8 again[AGISWARM_WIRE_MAX];
	int n;

	if (!ready) {
		setup();
		ready = true;
	}
	if (!agi_hs_init_parse(data, size, &mi)) {
		n = agi_hs_init_encode(&mi, again, sizeof(again));
		if (n != (int)size || memcmp(again, data, size))
			abort();
		if (!agi_hs_init_check(data, size, kr.pk, &mi) &&
		    memcmp(mi.responder, kr.pk, AGI_PK_LEN))
			abort();
	}
	if (!agi_hs_resp_parse(data, size, &mr)) {
		n = agi_hs_resp_encode(&mr, again, sizeof(again));
		if (n != (int)size || memcmp(again, data, size))
			abort();
	}
	p = pending;
	if (!agi_hs_complete(&p, data, size, &k) &&
	    (size != genuine_len || memcmp(data, genuine, size)))
		abort();
	agi_hs_pending_wipe(&p);
	agi_hs_keys_wipe(&k);
	return 0;
}
