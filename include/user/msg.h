/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The control plane's datagrams, those the module passes up to the
 * daemon: HEARTBEAT (worker -> aggregator) and STATUS (the aggregator's
 * answer), COMMIT (operator -> aggregator) and COMMIT_ACK (the verdict).
 * The shapes and keys are documented in include/uapi/linux/agiswarm.h
 * (wire section).
 *
 * Every one is read and written by the portable core's bounded CBOR code,
 * the code the kernel parses the fast path with (include/core/wire.c,
 * cbor.c): a payload is checked whole (one deterministic map filling it,
 * every count bounded by the bytes that hold it) before any value is
 * used, and nothing is ever allocated for what a datagram declares. A
 * receiver ignores keys it does not know; the encoders write
 * deterministic CBOR.
 */
#ifndef AGISWARM_USER_MSG_H
#define AGISWARM_USER_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "commit.h"
#include "keys.h"
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

/*
 * A datagram, header included: its length, or -EMSGSIZE when it does not
 * fit @size or a value is out of its range.
 */
int agi_heartbeat_encode(const struct agi_heartbeat *h, uint8_t *out,
			 size_t size);
int agi_status_msg_encode(const struct agi_status_msg *s, uint8_t *out,
			  size_t size);
/*
 * 0, or -EBADMSG: a bad header, not one deterministic CBOR map, a key
 * missing, out of range or of another type.
 */
int agi_heartbeat_decode(const uint8_t *dgram, size_t len,
			 struct agi_heartbeat *h);
int agi_status_msg_decode(const uint8_t *dgram, size_t len,
			  struct agi_status_msg *s);

/*
 * The COMMIT datagram, wire header included: {1: body, 2: signature}.
 * The encoder returns the length or -EMSGSIZE; the decoder 0 or -EBADMSG
 * (the body itself is checked by agi_commit_verify()).
 */
int agi_commit_dgram_encode(const uint8_t *body, size_t len,
			    const uint8_t sig[AGI_SIG_LEN], uint8_t *out,
			    size_t size);
int agi_commit_dgram_decode(const uint8_t *dgram, size_t len,
			    uint8_t body[AGI_COMMIT_BODY_MAX], size_t *body_len,
			    uint8_t sig[AGI_SIG_LEN]);

/* The daemon's verdict on a commit. */
enum agi_commit_status {
	AGI_COMMIT_ACCEPTED = AGISWARM_COMMIT_ACCEPTED,
	AGI_COMMIT_REJECTED = AGISWARM_COMMIT_REJECTED,
};

/**
 * struct agi_commit_ack - COMMIT_ACK
 * @seq: the commit's seq, 0 for a malformed one
 * @reason: "" when accepted; cut to AGI_REASON_MAX - 1 bytes when read
 * @apply_at_cycle: the cycle it takes effect at (accepted)
 */
struct agi_commit_ack {
	uint64_t seq;
	uint8_t status;		/* enum agi_commit_status */
	char reason[AGI_REASON_MAX];
	uint64_t apply_at_cycle;
};

/* The datagram, header included: its length or -EMSGSIZE. */
int agi_commit_ack_encode(const struct agi_commit_ack *ack, uint8_t *out,
			  size_t size);
/* 0, or -EBADMSG (seq and status are required). */
int agi_commit_ack_decode(const uint8_t *dgram, size_t len,
			  struct agi_commit_ack *ack);

#endif /* AGISWARM_USER_MSG_H */
