// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * libFuzzer target: libagiplant's receive path (agiplant_input(): find the
 * member's keypair, open, check the replay window, parse, deduplicate) on
 * a sequence of datagrams to one plant of two aggregators. The input is
 * records of [mode][length][bytes]: mode 0 sends the bytes as they are;
 * mode 1 and 2 seal them with member 0's or 1's real session, as an
 * ACTUATE payload (mode & 4 clear: the 4-byte header is built) or as a
 * whole message. Never a crash; every delivery has 1..256 elements, a
 * known format, a cycle above the last delivered and an epoch not below
 * it; nothing unsealed or sealed under another key is ever delivered.
 */
#include <stdlib.h>
#include <string.h>

#include "core/seal.h"
#include "core/wire.h"
#include "user/agiplant_int.h"
#include "user/seal.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static const u8 psk[AGI_SECRET_LEN] = "agiplant fuzz pre-shared key..";

static void keys(u8 plant[AGI_PK_LEN], u8 agg[2][AGI_PK_LEN])
{
	struct agi_keypair kp;
	u8 seed[AGI_SEED_LEN];
	int i;

	for (i = 0; i < 3; i++) {
		memset(seed, 'a' + i, sizeof(seed));
		agi_key_from_seed(&kp, seed);
		memcpy(i ? agg[i - 1] : plant, kp.pk, AGI_PK_LEN);
	}
}

static void check(const struct agiplant_actuation *a, bool *have, u64 *cycle,
		  u64 *epoch)
{
	if (!a->n || a->n > AGIPLANT_VEC_MAX || a->format < AGIPLANT_Q1_31 ||
	    a->format > AGIPLANT_Q16_16)
		abort();
	if (*have && (a->cycle <= *cycle || a->epoch < *epoch))
		abort();
	*have = true;
	*cycle = a->cycle;
	*epoch = a->epoch;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static u8 buf[AGISWARM_WIRE_MAX + AGISWARM_SEAL_OVERHEAD + 8];
	static struct agiplant_actuation a;
	u8 plant_pk[AGI_PK_LEN], agg_pk[2][AGI_PK_LEN];
	struct agi_session agg[2];
	struct agi_endpoint ep = { .len = sizeof(struct sockaddr_in) };
	struct agiplant *p = agiplant_alloc();
	bool have = false;
	u64 cycle = 0, epoch = 0;
	size_t len, off = 0;
	int i;

	if (!p)
		return 0;
	keys(plant_pk, agg_pk);
	for (i = 0; i < 2; i++) {
		if (agiplant_add_member(p, &ep, psk, plant_pk, agg_pk[i]) ||
		    agi_psk_session(&agg[i], psk, agg_pk[i], plant_pk))
			abort();
		agg[i].tx_counter = 1;	/* reproducible runs */
	}
	while (off + 2 <= size) {
		u8 mode = data[off];
		size_t n = data[off + 1] | (size_t)(mode & 0xf0) << 4;
		const u8 *b = data + off + 2;
		bool sealed = mode & 3;

		if (n > size - off - 2)
			n = size - off - 2;
		off += 2 + n;
		if (!sealed) {
			memcpy(buf, b, n);
			len = n;
		} else if (mode & 4) {
			memcpy(buf + AGI_SEAL_PUSH, b, n);
			len = agi_session_seal(&agg[(mode & 3) - 1 ? 1 : 0],
					       buf, n);
		} else {
			buf[AGI_SEAL_PUSH] = AGISWARM_WIRE_VERSION;
			buf[AGI_SEAL_PUSH + 1] = AGISWARM_MSG_ACTUATE;
			agi_put_be16((u16)n, buf + AGI_SEAL_PUSH + 2);
			memcpy(buf + AGISWARM_SEAL_HDR_LEN, b, n);
			len = agi_session_seal(&agg[(mode & 3) - 1 ? 1 : 0],
					       buf, n + AGISWARM_WIRE_HDR_LEN);
		}
		if (!len)
			continue;
		if (agiplant_input(p, buf, len, &a)) {
			/* Only what a member sealed is ever delivered. */
			if (!sealed)
				abort();
			check(&a, &have, &cycle, &epoch);
		}
	}
	agiplant_close(p);
	return 0;
}
