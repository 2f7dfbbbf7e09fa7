// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * libFuzzer target: the daemons' control datagrams (include/user/msg.c),
 * what agiswarmd reads from any host on the network and agictl from the
 * aggregator: HEARTBEAT, STATUS, COMMIT and COMMIT_ACK. Every decoder sees
 * every input. None may crash or allocate what the input declares
 * (ASan/UBSan and libFuzzer's -rss_limit_mb watch); what one accepts must
 * re-encode into a datagram that decodes to the same, byte for byte the
 * input when it had no unknown key; and libcbor, the independent oracle,
 * must read the same values from it whenever libcbor can load it at all
 * (it refuses a few well-formed items RFC 8949 allows, see wire_test.c).
 */
#include <cbor.h>
#include <stdlib.h>
#include <string.h>

#include "user/msg.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

/* libcbor's reading of the payload, or NULL when it cannot load it. */
static cbor_item_t *oracle(const u8 *d, size_t n)
{
	struct cbor_load_result res;
	cbor_item_t *it;

	if (n <= AGISWARM_WIRE_HDR_LEN)
		return NULL;
	it = cbor_load(d + AGISWARM_WIRE_HDR_LEN, n - AGISWARM_WIRE_HDR_LEN,
		       &res);
	if (it && (res.error.code != CBOR_ERR_NONE ||
		   res.read != n - AGISWARM_WIRE_HDR_LEN || !cbor_isa_map(it)))
		cbor_decref(&it);
	return it;
}

/* The value of the unsigned key @key in @map, or NULL. */
static cbor_item_t *value_of(cbor_item_t *map, u64 key)
{
	struct cbor_pair *p = cbor_map_handle(map);
	size_t i;

	for (i = 0; i < cbor_map_size(map); i++)
		if (cbor_isa_uint(p[i].key) && cbor_get_int(p[i].key) == key)
			return p[i].value;
	return NULL;
}

static void same_uint(cbor_item_t *map, u64 key, u64 want)
{
	cbor_item_t *v = value_of(map, key);

	if (!v || !cbor_isa_uint(v) || cbor_get_int(v) != want)
		abort();
}

static void check_heartbeat(const u8 *d, size_t n)
{
	struct agi_heartbeat h, h2;
	u8 out[AGISWARM_WIRE_MAX];
	cbor_item_t *m;
	int len;

	if (agi_heartbeat_decode(d, n, &h))
		return;
	len = agi_heartbeat_encode(&h, out, sizeof(out));
	if (len <= 0 || (size_t)len > n ||
	    ((size_t)len == n && memcmp(out, d, n)) ||
	    agi_heartbeat_decode(out, (size_t)len, &h2) ||
	    memcmp(&h, &h2, sizeof(h)))
		abort();
	m = oracle(d, n);
	if (!m)
		return;
	same_uint(m, AGISWARM_HEARTBEAT_WORKER, h.worker);
	same_uint(m, AGISWARM_HEARTBEAT_SEQ, h.seq);
	same_uint(m, AGISWARM_HEARTBEAT_PORT, h.port);
	same_uint(m, AGISWARM_HEARTBEAT_STATUS, h.status);
	same_uint(m, AGISWARM_HEARTBEAT_CPU, h.cpu_permille);
	same_uint(m, AGISWARM_HEARTBEAT_MEMORY, h.mem_permille);
	same_uint(m, AGISWARM_HEARTBEAT_LATENCY, h.latency_us);
	same_uint(m, AGISWARM_HEARTBEAT_QUEUE, h.queue);
	cbor_decref(&m);
}

static void check_status(const u8 *d, size_t n)
{
	struct agi_status_msg s, s2;
	u8 out[AGISWARM_WIRE_MAX];
	cbor_item_t *m;
	int len;

	if (agi_status_msg_decode(d, n, &s))
		return;
	len = agi_status_msg_encode(&s, out, sizeof(out));
	if (len <= 0 || (size_t)len > n ||
	    ((size_t)len == n && memcmp(out, d, n)) ||
	    agi_status_msg_decode(out, (size_t)len, &s2) ||
	    memcmp(&s, &s2, sizeof(s)))
		abort();
	m = oracle(d, n);
	if (!m)
		return;
	same_uint(m, AGISWARM_STATUS_NODE, s.node);
	same_uint(m, AGISWARM_STATUS_SEQ, s.seq);
	same_uint(m, AGISWARM_STATUS_EPOCH, s.epoch);
	same_uint(m, AGISWARM_STATUS_CYCLE, s.cycle);
	same_uint(m, AGISWARM_STATUS_HEALTH, s.health);
	same_uint(m, AGISWARM_STATUS_MEMBER, s.member);
	cbor_decref(&m);
}

static void same_bytes(cbor_item_t *map, u64 key, const u8 *b, size_t n)
{
	cbor_item_t *v = value_of(map, key);

	if (!v || !cbor_isa_bytestring(v) || cbor_bytestring_length(v) != n ||
	    memcmp(cbor_bytestring_handle(v), b, n))
		abort();
}

static void check_commit(const u8 *d, size_t n)
{
	static u8 body[AGI_COMMIT_BODY_MAX], body2[AGI_COMMIT_BODY_MAX];
	u8 sig[AGI_SIG_LEN], sig2[AGI_SIG_LEN], out[AGISWARM_WIRE_MAX];
	size_t blen, blen2;
	cbor_item_t *m;
	int len;

	if (agi_commit_dgram_decode(d, n, body, &blen, sig))
		return;
	len = agi_commit_dgram_encode(body, blen, sig, out, sizeof(out));
	if (len <= 0 || (size_t)len > n ||
	    ((size_t)len == n && memcmp(out, d, n)) ||
	    agi_commit_dgram_decode(out, (size_t)len, body2, &blen2, sig2) ||
	    blen != blen2 || memcmp(body, body2, blen) ||
	    memcmp(sig, sig2, sizeof(sig)))
		abort();
	m = oracle(d, n);
	if (!m)
		return;
	same_bytes(m, AGISWARM_COMMIT_BODY, body, blen);
	same_bytes(m, AGISWARM_COMMIT_SIGNATURE, sig, sizeof(sig));
	cbor_decref(&m);
}

static void check_ack(const u8 *d, size_t n)
{
	struct agi_commit_ack a, a2;
	u8 out[AGISWARM_WIRE_MAX];
	cbor_item_t *m;
	int len;

	if (agi_commit_ack_decode(d, n, &a))
		return;
	/* The reason is text: what follows a NUL in it is not part of it. */
	len = agi_commit_ack_encode(&a, out, sizeof(out));
	if (len <= 0 || agi_commit_ack_decode(out, (size_t)len, &a2) ||
	    a.seq != a2.seq || a.status != a2.status ||
	    a.apply_at_cycle != a2.apply_at_cycle || strcmp(a.reason, a2.reason))
		abort();
	m = oracle(d, n);
	if (!m)
		return;
	same_uint(m, AGISWARM_COMMIT_ACK_SEQ, a.seq);
	same_uint(m, AGISWARM_COMMIT_ACK_STATUS, a.status);
	cbor_decref(&m);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	check_heartbeat(data, size);
	check_status(data, size);
	check_commit(data, size);
	check_ack(data, size);
	return 0;
}
