// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * HEARTBEAT and STATUS: flat maps of small unsigned integers. Both
 * directions go through one table per message (key, largest value, where
 * the value lives), so the encoder and decoder cannot disagree.
 */
#include <errno.h>
#include <string.h>
#include <cbor.h>

#include "core/field.h"
#include "msg.h"

/* One key of a message: its value is a u8, u16, u32 or u64 field. */
struct field {
	uint64_t key;
	uint64_t max;
	size_t offset, size;
};

#define F(type, key, member, max) \
	{ key, max, offsetof(type, member), sizeof(((type *)0)->member) }

static const struct field heartbeat_fields[] = {
	F(struct agi_heartbeat, AGISWARM_HEARTBEAT_WORKER, worker, UINT32_MAX),
	F(struct agi_heartbeat, AGISWARM_HEARTBEAT_SEQ, seq, UINT64_MAX),
	F(struct agi_heartbeat, AGISWARM_HEARTBEAT_PORT, port, UINT16_MAX),
	F(struct agi_heartbeat, AGISWARM_HEARTBEAT_STATUS, status,
	  AGISWARM_HEALTH_MAX),
	F(struct agi_heartbeat, AGISWARM_HEARTBEAT_CPU, cpu_permille, 1000),
	F(struct agi_heartbeat, AGISWARM_HEARTBEAT_MEMORY, mem_permille, 1000),
	F(struct agi_heartbeat, AGISWARM_HEARTBEAT_LATENCY, latency_us,
	  UINT32_MAX),
	F(struct agi_heartbeat, AGISWARM_HEARTBEAT_QUEUE, queue, UINT32_MAX),
};

static const struct field status_fields[] = {
	F(struct agi_status_msg, AGISWARM_STATUS_NODE, node, UINT32_MAX),
	F(struct agi_status_msg, AGISWARM_STATUS_SEQ, seq, UINT64_MAX),
	F(struct agi_status_msg, AGISWARM_STATUS_EPOCH, epoch, UINT64_MAX),
	F(struct agi_status_msg, AGISWARM_STATUS_CYCLE, cycle, UINT64_MAX),
	F(struct agi_status_msg, AGISWARM_STATUS_HEALTH, health,
	  AGISWARM_HEALTH_MAX),
	F(struct agi_status_msg, AGISWARM_STATUS_MEMBER, member, 1),
};

#define NFIELDS_MAX 16

/*
 * libcbor's cbor_encode_uint() writes the shortest form, and the tables
 * list keys in ascending order: the result is deterministic CBOR.
 */
static int encode(uint8_t type, const void *msg, const struct field *fields,
		  size_t n, uint8_t *out, size_t size)
{
	size_t pos = AGISWARM_WIRE_HDR_LEN, w, i;

	if (size > AGISWARM_WIRE_MAX)
		size = AGISWARM_WIRE_MAX;
	if (size < pos)
		return -EMSGSIZE;
	w = cbor_encode_map_start(n, out + pos, size - pos);
	for (i = 0; w && i < n; i++) {
		pos += w;
		w = cbor_encode_uint(fields[i].key, out + pos, size - pos);
		if (!w)
			break;
		pos += w;
		w = cbor_encode_uint(agi_field_load(msg, fields[i].offset,
						    fields[i].size),
				     out + pos, size - pos);
	}
	if (!w)
		return -EMSGSIZE;
	pos += w;
	out[0] = AGISWARM_WIRE_VERSION;
	out[1] = type;
	out[2] = (uint8_t)((pos - AGISWARM_WIRE_HDR_LEN) >> 8);
	out[3] = (uint8_t)(pos - AGISWARM_WIRE_HDR_LEN);
	return (int)pos;
}

static const struct field *find(const struct field *fields, size_t n,
				uint64_t key, size_t *idx)
{
	for (*idx = 0; *idx < n; (*idx)++)
		if (fields[*idx].key == key)
			return &fields[*idx];
	return NULL;
}

static int decode_pairs(const cbor_item_t *map, void *msg,
			const struct field *fields, size_t n)
{
	struct cbor_pair *pairs = cbor_map_handle(map);
	bool seen[NFIELDS_MAX] = { false };
	const struct field *f;
	size_t i, idx;
	uint64_t v;

	for (i = 0; i < cbor_map_size(map); i++) {
		if (!cbor_isa_uint(pairs[i].key))
			continue;	/* not one of ours: ignored */
		f = find(fields, n, cbor_get_int(pairs[i].key), &idx);
		if (!f)
			continue;
		if (seen[idx] || !cbor_isa_uint(pairs[i].value))
			return -EBADMSG;
		v = cbor_get_int(pairs[i].value);
		if (v > f->max)
			return -EBADMSG;
		agi_field_store(msg, f->offset, f->size, v);
		seen[idx] = true;
	}
	for (i = 0; i < n; i++)
		if (!seen[i])
			return -EBADMSG;
	return 0;
}

static int decode(uint8_t type, const uint8_t *d, size_t len, void *msg,
		  const struct field *fields, size_t n)
{
	struct cbor_load_result res;
	cbor_item_t *map;
	int ret = -EBADMSG;

	if (len < AGISWARM_WIRE_HDR_LEN || len > AGISWARM_WIRE_MAX ||
	    d[0] != AGISWARM_WIRE_VERSION || d[1] != type ||
	    ((size_t)d[2] << 8 | d[3]) != len - AGISWARM_WIRE_HDR_LEN)
		return -EBADMSG;
	map = cbor_load(d + AGISWARM_WIRE_HDR_LEN, len - AGISWARM_WIRE_HDR_LEN,
			&res);
	if (!map)
		return -EBADMSG;
	if (res.error.code == CBOR_ERR_NONE &&
	    res.read == len - AGISWARM_WIRE_HDR_LEN && cbor_isa_map(map) &&
	    cbor_map_is_definite(map))
		ret = decode_pairs(map, msg, fields, n);
	cbor_decref(&map);
	return ret;
}

int agi_heartbeat_encode(const struct agi_heartbeat *h, uint8_t *out,
			 size_t size)
{
	return encode(AGISWARM_MSG_HEARTBEAT, h, heartbeat_fields,
		      sizeof(heartbeat_fields) / sizeof(heartbeat_fields[0]),
		      out, size);
}

int agi_status_msg_encode(const struct agi_status_msg *s, uint8_t *out,
			  size_t size)
{
	return encode(AGISWARM_MSG_STATUS, s, status_fields,
		      sizeof(status_fields) / sizeof(status_fields[0]), out,
		      size);
}

int agi_heartbeat_decode(const uint8_t *dgram, size_t len,
			 struct agi_heartbeat *h)
{
	memset(h, 0, sizeof(*h));
	return decode(AGISWARM_MSG_HEARTBEAT, dgram, len, h, heartbeat_fields,
		      sizeof(heartbeat_fields) / sizeof(heartbeat_fields[0]));
}

int agi_status_msg_decode(const uint8_t *dgram, size_t len,
			  struct agi_status_msg *s)
{
	memset(s, 0, sizeof(*s));
	return decode(AGISWARM_MSG_STATUS, dgram, len, s, status_fields,
		      sizeof(status_fields) / sizeof(status_fields[0]));
}
