// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The control plane's datagrams: see msg.h. HEARTBEAT and STATUS are flat
 * maps of small unsigned integers, shapes of the core's wire code like
 * the fast path's (one table per message drives both directions);
 * COMMIT and COMMIT_ACK hold strings, read with the core's cursor.
 */
#include <errno.h>
#include <string.h>

#include "core/cbor.h"
#include "core/wire.h"
#include "msg.h"

/* --- HEARTBEAT and STATUS --------------------------------------------- */

#define HB(member, lo, hi) AGI_WIRE_UINT(struct agi_heartbeat, member, lo, hi)
#define ST(member, lo, hi) AGI_WIRE_UINT(struct agi_status_msg, member, lo, hi)

/* In key order: entry k - 1 is key k. */
static const struct agi_wire_field heartbeat_fields[] = {
	HB(worker, 0, UINT32_MAX),
	HB(seq, 0, UINT64_MAX),
	HB(port, 0, UINT16_MAX),
	HB(status, 0, AGISWARM_HEALTH_MAX),
	HB(cpu_permille, 0, 1000),
	HB(mem_permille, 0, 1000),
	HB(latency_us, 0, UINT32_MAX),
	HB(queue, 0, UINT32_MAX),
};

static const struct agi_wire_field status_fields[] = {
	ST(node, 0, UINT32_MAX),
	ST(seq, 0, UINT64_MAX),
	ST(epoch, 0, UINT64_MAX),
	ST(cycle, 0, UINT64_MAX),
	ST(health, 0, AGISWARM_HEALTH_MAX),
	ST(member, 0, 1),
};

static const struct agi_wire_shape heartbeat_shape = {
	AGISWARM_MSG_HEARTBEAT, ARRAY_SIZE(heartbeat_fields), 0,
	heartbeat_fields,
};

static const struct agi_wire_shape status_shape = {
	AGISWARM_MSG_STATUS, ARRAY_SIZE(status_fields), 0, status_fields,
};

static int put_as(const struct agi_wire_shape *s, const void *msg, u8 *out,
		  size_t size)
{
	size_t n = agi_wire_put_as(out, size, s, msg);

	return n ? (int)n : -EMSGSIZE;
}

int agi_heartbeat_encode(const struct agi_heartbeat *h, uint8_t *out,
			 size_t size)
{
	return put_as(&heartbeat_shape, h, out, size);
}

int agi_status_msg_encode(const struct agi_status_msg *s, uint8_t *out,
			  size_t size)
{
	return put_as(&status_shape, s, out, size);
}

int agi_heartbeat_decode(const uint8_t *dgram, size_t len,
			 struct agi_heartbeat *h)
{
	enum agiswarm_counter why;

	memset(h, 0, sizeof(*h));
	return agi_wire_parse_as(dgram, len, &heartbeat_shape, h, &why);
}

int agi_status_msg_decode(const uint8_t *dgram, size_t len,
			  struct agi_status_msg *s)
{
	enum agiswarm_counter why;

	memset(s, 0, sizeof(*s));
	return agi_wire_parse_as(dgram, len, &status_shape, s, &why);
}

/* --- COMMIT and COMMIT_ACK -------------------------------------------- */

/* The payload map of a datagram of @type, checked whole, into @c. */
static int open_payload(const u8 *dgram, size_t len, u8 type,
			struct agi_cbor_cursor *c)
{
	enum agiswarm_counter why;

	if (agi_wire_check_header(dgram, len, &why) || dgram[1] != type ||
	    agi_cbor_open(c, dgram + AGISWARM_WIRE_HDR_LEN,
			  (u16)(len - AGISWARM_WIRE_HDR_LEN), AGI_CBOR_MAP))
		return -EBADMSG;
	return 0;
}

/* Room for the payload of a datagram in @out. */
static void start_dgram(struct agi_cbor_writer *w, u8 *out, size_t size)
{
	w->buf = out;
	w->pos = AGISWARM_WIRE_HDR_LEN;
	w->cap = size < AGISWARM_WIRE_MAX ? size : AGISWARM_WIRE_MAX;
}

/* The header in front of what @w wrote: the datagram's length or -errno. */
static int end_dgram(struct agi_cbor_writer *w, u8 type)
{
	if (!agi_cbor_fits(w))
		return -EMSGSIZE;
	agi_wire_put_header(w->buf, type, (u16)(w->pos - AGISWARM_WIRE_HDR_LEN));
	return (int)w->pos;
}

int agi_commit_dgram_encode(const uint8_t *body, size_t len,
			    const uint8_t sig[AGI_SIG_LEN], uint8_t *out,
			    size_t size)
{
	struct agi_cbor_writer w;

	if (!len || len > AGI_COMMIT_BODY_MAX)
		return -EMSGSIZE;
	start_dgram(&w, out, size);
	agi_cbor_put_head(&w, AGI_CBOR_MAP, 2);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, AGISWARM_COMMIT_BODY);
	agi_cbor_put_bytes(&w, body, len);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, AGISWARM_COMMIT_SIGNATURE);
	agi_cbor_put_bytes(&w, sig, AGI_SIG_LEN);
	return end_dgram(&w, AGISWARM_MSG_COMMIT);
}

int agi_commit_dgram_decode(const uint8_t *dgram, size_t len,
			    uint8_t body[AGI_COMMIT_BODY_MAX], size_t *body_len,
			    uint8_t sig[AGI_SIG_LEN])
{
	bool has_body = false, has_sig = false;
	struct agi_cbor_item key, v;
	struct agi_cbor_cursor c;
	const u8 *b;
	u16 n;
	u64 k;

	if (open_payload(dgram, len, AGISWARM_MSG_COMMIT, &c))
		return -EBADMSG;
	while (agi_cbor_next_entry(&c, &key, &v) == 1) {
		if (agi_cbor_get_uint(&key, AGISWARM_COMMIT_MAX, &k))
			continue;	/* a key we do not know */
		if (k == AGISWARM_COMMIT_BODY &&
		    !agi_cbor_get_bytes(&c, &v, 1, AGI_COMMIT_BODY_MAX, &b, &n)) {
			memcpy(body, b, n);
			*body_len = n;
			has_body = true;
		} else if (k == AGISWARM_COMMIT_SIGNATURE &&
			   !agi_cbor_get_bytes(&c, &v, AGI_SIG_LEN, AGI_SIG_LEN,
					       &b, &n)) {
			memcpy(sig, b, n);
			has_sig = true;
		}
	}
	return has_body && has_sig ? 0 : -EBADMSG;
}

int agi_commit_ack_encode(const struct agi_commit_ack *ack, uint8_t *out,
			  size_t size)
{
	struct agi_cbor_writer w;

	start_dgram(&w, out, size);
	agi_cbor_put_head(&w, AGI_CBOR_MAP, 4);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, AGISWARM_COMMIT_ACK_SEQ);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, ack->seq);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, AGISWARM_COMMIT_ACK_STATUS);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, ack->status);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, AGISWARM_COMMIT_ACK_REASON);
	agi_cbor_put_text(&w, ack->reason, strnlen(ack->reason,
						   sizeof(ack->reason)));
	agi_cbor_put_head(&w, AGI_CBOR_UINT, AGISWARM_COMMIT_ACK_APPLY_AT);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, ack->apply_at_cycle);
	return end_dgram(&w, AGISWARM_MSG_COMMIT_ACK);
}

static int get_ack_field(const struct agi_cbor_cursor *c,
			 const struct agi_cbor_item *v, u64 key,
			 struct agi_commit_ack *ack)
{
	const char *s;
	u64 status;
	u16 n;

	switch (key) {
	case AGISWARM_COMMIT_ACK_SEQ:
		return agi_cbor_get_uint(v, UINT64_MAX, &ack->seq);
	case AGISWARM_COMMIT_ACK_STATUS:
		if (agi_cbor_get_uint(v, AGI_COMMIT_REJECTED, &status))
			return -EBADMSG;
		ack->status = (u8)status;
		return 0;
	case AGISWARM_COMMIT_ACK_REASON:
		if (agi_cbor_get_text(c, v, UINT16_MAX, &s, &n))
			return -EBADMSG;
		if (n >= sizeof(ack->reason))
			n = sizeof(ack->reason) - 1;
		memcpy(ack->reason, s, n);
		ack->reason[n] = '\0';
		return 0;
	case AGISWARM_COMMIT_ACK_APPLY_AT:
		return agi_cbor_get_uint(v, UINT64_MAX, &ack->apply_at_cycle);
	}
	return 0;	/* a key we do not know */
}

int agi_commit_ack_decode(const uint8_t *dgram, size_t len,
			  struct agi_commit_ack *ack)
{
	struct agi_cbor_item key, v;
	struct agi_cbor_cursor c;
	unsigned int seen = 0;
	u64 k;

	memset(ack, 0, sizeof(*ack));
	if (open_payload(dgram, len, AGISWARM_MSG_COMMIT_ACK, &c))
		return -EBADMSG;
	while (agi_cbor_next_entry(&c, &key, &v) == 1) {
		if (agi_cbor_get_uint(&key, UINT64_MAX, &k))
			continue;	/* not a key of ours */
		if (get_ack_field(&c, &v, k, ack))
			return -EBADMSG;
		if (k <= AGISWARM_COMMIT_ACK_APPLY_AT)
			seen |= 1U << k;
	}
	/* Seq and status are required; an accepted commit has a cycle. */
	if (!(seen & 1U << AGISWARM_COMMIT_ACK_SEQ) ||
	    !(seen & 1U << AGISWARM_COMMIT_ACK_STATUS))
		return -EBADMSG;
	return 0;
}
