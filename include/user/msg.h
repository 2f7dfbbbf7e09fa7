/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The daemons' membership messages, HEARTBEAT (worker -> aggregator) and
 * STATUS (the aggregator's answer), encoded and decoded with libcbor. The
 * shapes and keys are documented in include/uapi/linux/agiswarm.h (wire
 * section). Every value is a CBOR unsigned integer; the encoder writes
 * deterministic CBOR (shortest integers, keys ascending), the decoder
 * ignores keys it does not know and refuses a missing or out-of-range one.
 */
#ifndef AGISWARM_USER_MSG_H
#define AGISWARM_USER_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "names.h"
#include "uapi/linux/agiswarm.h"

/**
 * struct agi_heartbeat - what a worker's daemon reports
 * @worker: the worker's node id
 * @seq: increases with every heartbeat
 * @port: the worker's UDP port (its endpoint is the source address with it)
 * @status: enum agiswarm_health, the worker's view of itself
 * @cpu_permille, @mem_permille: 0..1000 of the host
 * @latency_us: the round trip of the last answered heartbeat, 0 if none
 * @queue: bytes waiting in the node's UDP receive queue
 */
struct agi_heartbeat {
	uint32_t worker;
	uint64_t seq;
	uint16_t port;
	uint8_t status;
	uint32_t cpu_permille, mem_permille, latency_us, queue;
};

/**
 * struct agi_status_msg - the aggregator's answer to a heartbeat
 * @node: the aggregator's node id
 * @seq: the heartbeat's seq, echoed
 * @epoch, @cycle: the aggregator's epoch and last cycle
 * @health: enum agiswarm_health the aggregator gives the worker
 * @member: 1 when the worker is a peer of the aggregator's module
 */
struct agi_status_msg {
	uint32_t node;
	uint64_t seq, epoch, cycle;
	uint8_t health, member;
};

/* A datagram, header included: its length or -EMSGSIZE. */
int agi_heartbeat_encode(const struct agi_heartbeat *h, uint8_t *out,
			 size_t size);
int agi_status_msg_encode(const struct agi_status_msg *s, uint8_t *out,
			  size_t size);
/* 0, or -EBADMSG: a bad header, not a CBOR map, a key missing or bad. */
int agi_heartbeat_decode(const uint8_t *dgram, size_t len,
			 struct agi_heartbeat *h);
int agi_status_msg_decode(const uint8_t *dgram, size_t len,
			  struct agi_status_msg *s);

#endif /* AGISWARM_USER_MSG_H */
