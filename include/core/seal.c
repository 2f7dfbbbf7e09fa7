// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The sealed envelope (see seal.h and the UAPI header's "Sealed
 * datagrams"). Bounds first: nothing past the 16-byte header is read
 * before the tag has verified.
 */
#include "seal.h"
#include "wire.h"

bool agi_seal_is_plain(u8 type)
{
	switch (type) {
	case AGISWARM_MSG_HANDSHAKE_INIT:
	case AGISWARM_MSG_HANDSHAKE_RESP:
	/* The daemon's types, until the daemons send them sealed. */
	case AGISWARM_MSG_HEARTBEAT:
	case AGISWARM_MSG_STATUS:
	case AGISWARM_MSG_CONFIG:
	case AGISWARM_MSG_COMMIT:
	case AGISWARM_MSG_COMMIT_ACK:
	case AGISWARM_MSG_ERROR:
		return true;
	}
	return false;
}

/* The types that may travel sealed: all but the handshake's. */
static bool is_sealed_type(u8 type)
{
	switch (type) {
	case AGISWARM_MSG_TASK:
	case AGISWARM_MSG_RESULT:
	case AGISWARM_MSG_HEARTBEAT:
	case AGISWARM_MSG_STATUS:
	case AGISWARM_MSG_CONFIG:
	case AGISWARM_MSG_COMMIT:
	case AGISWARM_MSG_SENSOR:
	case AGISWARM_MSG_ACTUATE:
	case AGISWARM_MSG_ROWS:
	case AGISWARM_MSG_COMMIT_ACK:
	case AGISWARM_MSG_NEED_ROWS:
	case AGISWARM_MSG_CYCLE_RECORD:
	case AGISWARM_MSG_FENCED:
	case AGISWARM_MSG_JOB_ROWS:
	case AGISWARM_MSG_JOB_TASK:
	case AGISWARM_MSG_JOB_RESULT:
	case AGISWARM_MSG_JOB_CANCEL:
	case AGISWARM_MSG_ERROR:
		return true;
	}
	return false;
}

static int seal_refuse(enum agiswarm_counter why, enum agiswarm_counter *reason)
{
	*reason = why;
	return -EBADMSG;
}

int agi_seal_parse(const u8 *buf, size_t len, struct agi_seal_hdr *h,
		   enum agiswarm_counter *reason)
{
	if (len < AGISWARM_WIRE_HDR_LEN)
		return seal_refuse(AGISWARM_CNT_DROP_SHORT, reason);
	if (len > AGISWARM_WIRE_MAX)
		return seal_refuse(AGISWARM_CNT_DROP_OVERSIZE, reason);
	if (buf[0] == AGISWARM_WIRE_VERSION) {
		if (agi_wire_check_header(buf, len, reason))
			return -EBADMSG;
		if (agi_seal_is_plain(buf[1])) {
			h->type = buf[1];
			return AGI_SEAL_PLAIN;
		}
		/* A message that must be sealed came in clear. */
		return seal_refuse(is_sealed_type(buf[1]) ? AGISWARM_CNT_DROP_AUTH :
			      AGISWARM_CNT_DROP_TYPE, reason);
	}
	if (buf[0] != AGISWARM_SEAL_VERSION)
		return seal_refuse(AGISWARM_CNT_DROP_VERSION, reason);
	if (agi_get_be16(buf + 2) != len - AGISWARM_WIRE_HDR_LEN)
		return seal_refuse(AGISWARM_CNT_DROP_LENGTH, reason);
	if (len < AGI_SEAL_MIN)
		return seal_refuse(AGISWARM_CNT_DROP_SHORT, reason);
	if (!is_sealed_type(buf[1]))
		return seal_refuse(AGISWARM_CNT_DROP_TYPE, reason);
	h->type = buf[1];
	h->index = agi_get_be32(buf + 4);
	h->counter = agi_get_be64(buf + 8);
	return 0;
}

size_t agi_seal(u8 *buf, size_t msg_len, u32 index, u64 counter,
		const u8 key[AGISWARM_SEAL_KEY_LEN], const struct agi_aead *aead)
{
	u8 *msg = buf + AGI_SEAL_PUSH;
	size_t sealed = msg_len + AGISWARM_SEAL_OVERHEAD;
	u8 type;

	if (msg_len < AGISWARM_WIRE_HDR_LEN || sealed > AGISWARM_WIRE_MAX ||
	    msg[0] != AGISWARM_WIRE_VERSION ||
	    agi_get_be16(msg + 2) != msg_len - AGISWARM_WIRE_HDR_LEN ||
	    !is_sealed_type(msg[1]))
		return 0;
	type = msg[1];
	buf[0] = AGISWARM_SEAL_VERSION;
	buf[1] = type;
	agi_put_be16((u16)(sealed - AGISWARM_WIRE_HDR_LEN), buf + 2);
	agi_put_be32(index, buf + 4);
	agi_put_be64(counter, buf + 8);
	aead->encrypt(buf + AGISWARM_SEAL_HDR_LEN, buf + AGISWARM_SEAL_HDR_LEN,
		      msg_len - AGISWARM_WIRE_HDR_LEN, buf,
		      AGISWARM_SEAL_HDR_LEN, counter, key);
	return sealed;
}

int agi_seal_open(u8 *buf, size_t len, const struct agi_seal_hdr *h,
		  const u8 key[AGISWARM_SEAL_KEY_LEN],
		  const struct agi_aead *aead)
{
	size_t payload = len - AGI_SEAL_MIN;

	if (!aead->decrypt(buf + AGISWARM_SEAL_HDR_LEN,
			   buf + AGISWARM_SEAL_HDR_LEN,
			   len - AGISWARM_SEAL_HDR_LEN, buf,
			   AGISWARM_SEAL_HDR_LEN, h->counter, key))
		return -EBADMSG;
	buf[AGI_SEAL_PUSH] = AGISWARM_WIRE_VERSION;
	buf[AGI_SEAL_PUSH + 1] = h->type;
	agi_put_be16((u16)payload, buf + AGI_SEAL_PUSH + 2);
	return (int)(payload + AGISWARM_WIRE_HDR_LEN);
}
