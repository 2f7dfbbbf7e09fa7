// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * libFuzzer target: the signed commit body (include/user/commit.c), which
 * an operator's datagram carries and the audit log keeps. Whatever the
 * decoder accepts is canonical: it re-encodes to exactly the input (one
 * commit, one signed form), libcbor reads the same header fields from it,
 * and verification of it never crashes, whether signatures are checked
 * (an empty keyring: "unknown key") or not.
 */
#include <cbor.h>
#include <stdlib.h>
#include <string.h>

#include "user/commit.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static void oracle(const u8 *d, size_t n, const struct agi_commit *c)
{
	struct cbor_load_result res;
	struct cbor_pair *p;
	cbor_item_t *m;

	m = cbor_load(d, n, &res);
	if (!m)
		return;	/* libcbor refuses a few well-formed items */
	if (res.error.code != CBOR_ERR_NONE || res.read != n ||
	    !cbor_isa_map(m) || cbor_map_size(m) != AGI_COMMIT_K_NODE)
		abort();
	p = cbor_map_handle(m);
	if (cbor_get_int(p[AGI_COMMIT_K_SEQ - 1].value) != c->seq ||
	    cbor_get_int(p[AGI_COMMIT_K_EPOCH - 1].value) != c->epoch ||
	    cbor_get_int(p[AGI_COMMIT_K_NOT_AFTER - 1].value) != c->not_after ||
	    cbor_get_int(p[AGI_COMMIT_K_APPLY_AT - 1].value) != c->apply_at_cycle ||
	    cbor_get_int(p[AGI_COMMIT_K_SWARM - 1].value) != c->swarm ||
	    cbor_get_int(p[AGI_COMMIT_K_NODE - 1].value) != c->node)
		abort();
	cbor_decref(&m);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct agi_commit c, v;
	static u8 again[AGI_COMMIT_BODY_MAX];
	static struct agi_keyring keys;
	struct agi_verify_ctx ctx = { .keys = &keys, .epoch = 1, .now = 1,
				      .max_window = 300 };
	u8 sig[AGI_SIG_LEN] = { 0 };
	char reason[AGI_REASON_MAX];
	enum agi_verdict verdict;
	int n;

	if (agi_commit_decode(data, size, &c)) {
		if (agi_commit_verify(&ctx, data, size, sig, NULL, reason) !=
		    AGI_V_MALFORMED)
			abort();
		return 0;
	}
	n = agi_commit_encode(&c, again, sizeof(again));
	if (n != (int)size || memcmp(again, data, size))
		abort();
	oracle(data, size, &c);
	if (agi_commit_verify(&ctx, data, size, sig, &v, reason) !=
	    AGI_V_UNKNOWN_KEY || memcmp(&c, &v, sizeof(c)))
		abort();
	ctx.skip_signature = true;
	verdict = agi_commit_verify(&ctx, data, size, sig, NULL, reason);
	if (verdict == AGI_V_MALFORMED || verdict == AGI_V_UNKNOWN_KEY ||
	    verdict == AGI_V_BAD_SIGNATURE)
		abort();
	return 0;
}
