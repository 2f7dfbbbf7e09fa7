/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The UAPI header's example commit (AGISWARM_MSG_COMMIT): seq 1, epoch 1,
 * key id 01..08, nonce 16 x aa, a minute's window from 1700000000,
 * kp = 1.5 (raw 0x01800000), apply_at_cycle 0, swarm 1, any node.
 * poa_test checks its 61 bytes; the fuzzers' seeds start from it.
 */
#ifndef AGISWARM_TEST_COMMIT_EXAMPLE_H
#define AGISWARM_TEST_COMMIT_EXAMPLE_H

#include <string.h>

#include "user/commit.h"

static inline void example_commit(struct agi_commit *c)
{
	static const uint8_t id[AGI_KEYID_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	memset(c, 0, sizeof(*c));
	c->version = AGI_COMMIT_VERSION;
	c->seq = 1;
	c->epoch = 1;
	memcpy(c->key_id, id, sizeof(id));
	c->not_before = 1700000000;
	c->not_after = 1700000060;
	memset(c->nonce, 0xaa, sizeof(c->nonce));
	c->changes.present = AGI_CH_BIT(AGI_CH_KP);
	c->changes.kp = 0x01800000;
	c->swarm = 1;
}

#endif /* AGISWARM_TEST_COMMIT_EXAMPLE_H */
