/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Signed operator commits: the canonical CBOR body, the signature and the
 * daemon's verification (the COMMIT and COMMIT_ACK datagrams that carry
 * them are in msg.h). The shapes are documented in
 * include/uapi/linux/agiswarm.h (wire section).
 *
 * The body is encoded deterministically (RFC 8949 section 4.2.1: shortest
 * integers and lengths, definite lengths, integer keys in ascending order),
 * and the decoder accepts only bodies that re-encode to the same bytes, so
 * one commit has exactly one signed form. The signature is Ed25519 over
 * "AGISWARM-COMMIT-v1" || 0x00 || body: a signature made for another
 * purpose with the same key can never pass for a commit.
 */
#ifndef AGISWARM_USER_COMMIT_H
#define AGISWARM_USER_COMMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keys.h"
#include "node.h"
#include "uapi/linux/agiswarm.h"

#define AGI_COMMIT_VERSION 2
/*
 * How far one commit may move the sequence: seq must be above the last
 * applied seq and at most AGI_COMMIT_SEQ_WINDOW past the larger of that
 * seq and the daemon's clock in milliseconds (agictl's default seq). A
 * commit with seq 2^64 - 1 (or any huge seq) therefore cannot use up the
 * space and block every later one; the space lasts ~584 million years of
 * milliseconds.
 */
#define AGI_COMMIT_SEQ_WINDOW 86400000ULL	/* one day of milliseconds */
/*
 * How far ahead a signed apply_at_cycle may be: further than this is
 * refused ("too far ahead") rather than parked for days.
 */
#define AGI_COMMIT_APPLY_AHEAD_MAX 1000000ULL
#define AGI_COMMIT_DOMAIN "AGISWARM-COMMIT-v1"
#define AGI_NONCE_LEN 16
/*
 * The largest body that still fits one COMMIT datagram: the wire header,
 * the map head, two keys, a 3-byte bytes head for the body and a 2-byte
 * one for the signature.
 */
#define AGI_COMMIT_BODY_MAX (AGISWARM_WIRE_MAX - AGISWARM_WIRE_HDR_LEN - \
			     1 - 1 - 3 - 1 - 2 - AGI_SIG_LEN)
#define AGI_COMMIT_SETPOINT_MAX AGISWARM_WIRE_VEC_MAX
#define AGI_COMMIT_MATRIX_MAX (AGI_COMMIT_BODY_MAX / 4)
#define AGI_REASON_MAX 160

/* Keys of the body map. */
enum agi_commit_key {
	AGI_COMMIT_K_VERSION = 1,
	AGI_COMMIT_K_SEQ,
	AGI_COMMIT_K_EPOCH,
	AGI_COMMIT_K_KEYID,
	AGI_COMMIT_K_NOT_BEFORE,
	AGI_COMMIT_K_NOT_AFTER,
	AGI_COMMIT_K_NONCE,
	AGI_COMMIT_K_CHANGES,
	AGI_COMMIT_K_APPLY_AT,
	AGI_COMMIT_K_SWARM,
	AGI_COMMIT_K_NODE,
};

/* Keys of the changes map; bit (1 << key) in agi_commit_changes.present. */
enum agi_change_key {
	AGI_CH_SETPOINT = 1,
	AGI_CH_KP,
	AGI_CH_KI,
	AGI_CH_KD,
	AGI_CH_LO,
	AGI_CH_HI,
	AGI_CH_CYCLE_US,
	AGI_CH_DEADLINE_US,
	AGI_CH_MISS,
	AGI_CH_LAW,
	AGI_CH_MATRIX,
	AGI_CH_RESUME,		/* uint 1: end the emergency stop */
	__AGI_CH_MAX
};
#define AGI_CH_BIT(k) (1U << (k))

/* Keys of the matrix map inside the changes. */
enum agi_matrix_key {
	AGI_MX_FMT = 1,
	AGI_MX_ROWS,
	AGI_MX_COLS,
	AGI_MX_DATA,
};

/**
 * struct agi_commit_changes - what a commit sets
 * @present: AGI_CH_BIT(k) for every key k the commit carries; at least one
 * @setpoint: raw Q1.31 values, @n_setpoint of them (1..SETPOINT_MAX)
 * @kp, @ki, @kd: raw Q8.24 gains
 * @lo, @hi: raw Q1.31 clamps
 * @cycle_us, @deadline_us: the cycle period and deadline, microseconds
 * @miss: enum agiswarm_miss_policy
 * @law: enum agiswarm_control_law
 * @matrix: format (enum agiswarm_qformat), shape and raw row-major values
 * (AGI_CH_RESUME carries no value here: its presence is the resume, the
 * body's value is always 1)
 */
struct agi_commit_changes {
	uint32_t present;
	uint32_t n_setpoint;
	int32_t setpoint[AGI_COMMIT_SETPOINT_MAX];
	int32_t kp, ki, kd, lo, hi;
	uint32_t cycle_us, deadline_us;
	uint8_t miss, law;
	struct {
		uint8_t fmt;
		uint32_t rows, cols;
		int32_t data[AGI_COMMIT_MATRIX_MAX];
	} matrix;
};

/**
 * struct agi_commit - a decoded commit body
 * @apply_at_cycle: the cycle the change takes effect at; 0 lets the
 *                  daemon choose
 * @swarm: the swarm it is for (security.swarm_id of its aggregators)
 * @node: the aggregator's node id it is for, 0 for any of the swarm
 * (the other fields are the body keys of the same names)
 */
struct agi_commit {
	uint64_t version;
	uint64_t seq;
	uint64_t epoch;
	uint8_t key_id[AGI_KEYID_LEN];
	uint64_t not_before, not_after;
	uint8_t nonce[AGI_NONCE_LEN];
	struct agi_commit_changes changes;
	uint64_t apply_at_cycle;
	uint64_t swarm;
	uint32_t node;
};

/*
 * What @ch sets of the node (cycle, deadline, miss policy, law, the PID's
 * parameters, a resume) as one SET_NODE request into @r, its @apply_at
 * left 0; r->present is 0 when @ch changes only the matrix.
 */
void agi_commit_node_req(const struct agi_commit_changes *ch,
			 struct agi_node_req *r);

/*
 * The canonical body of @c into @buf. Returns the length, -EINVAL when @c
 * is not a commit (nothing to change, a value out of its range), -EMSGSIZE
 * when it does not fit @size or AGI_COMMIT_BODY_MAX, -ENOMEM.
 */
int agi_commit_encode(const struct agi_commit *c, uint8_t *buf, size_t size);
/* 0, or -EBADMSG for anything but a canonical, complete, valid body. */
int agi_commit_decode(const uint8_t *body, size_t len, struct agi_commit *c);

void agi_commit_sign(const uint8_t *body, size_t len,
		     const uint8_t sk[AGI_SK_LEN], uint8_t sig[AGI_SIG_LEN]);
bool agi_commit_sig_ok(const uint8_t *body, size_t len,
		       const uint8_t pk[AGI_PK_LEN],
		       const uint8_t sig[AGI_SIG_LEN]);

/**
 * struct agi_verify_ctx - what a commit is checked against
 * @keys: the authorized operators
 * @epoch: the current epoch
 * @last_seq: the seq of the last applied commit (0 before the first)
 * @now: unix time, seconds
 * @max_window: the longest not_before..not_after accepted, seconds
 * @skip_signature: security.require_signatures false: the key and the
 *                  signature are not checked (everything else is)
 * @swarm: this aggregator's security.swarm_id
 * @node: this aggregator's node id
 */
struct agi_verify_ctx {
	const struct agi_keyring *keys;
	uint64_t epoch;
	uint64_t last_seq;
	uint64_t now;
	uint64_t max_window;
	bool skip_signature;
	uint64_t swarm;
	uint32_t node;
};

enum agi_verdict {
	AGI_V_OK,
	AGI_V_MALFORMED,
	AGI_V_UNKNOWN_KEY,
	AGI_V_BAD_SIGNATURE,
	AGI_V_STALE,
	AGI_V_WINDOW_TOO_LONG,
	AGI_V_EPOCH,
	AGI_V_REPLAYED,
	AGI_V_SEQ_JUMP,
	AGI_V_TARGET,
};

/*
 * Checks a signed body in the order below and stops at the first failure,
 * whose reason it writes into @reason (AGI_REASON_MAX bytes):
 *   "malformed commit"
 *   "unknown key <keyid>"
 *   "bad signature"
 *   "stale: window <nb>..<na> does not contain now <t>"
 *   "window too long: <nb>..<na> is <d> s, at most <max> s"
 *   "epoch <e> is not the current epoch <c>"
 *   "commit for swarm <s> node <n>, this is swarm <S> node <N>"
 *   "replayed: seq <s> is not above the last applied <l>"
 *   "seq <s> is more than <W> past <base> (the larger of the last applied
 *    seq and the clock in ms)"
 * Unless the body is malformed, @c (which may be NULL) gets it decoded,
 * so that a rejection can still be acknowledged with the commit's seq.
 */
enum agi_verdict agi_commit_verify(const struct agi_verify_ctx *ctx,
				   const uint8_t *body, size_t len,
				   const uint8_t sig[AGI_SIG_LEN],
				   struct agi_commit *c, char *reason);

#endif /* AGISWARM_USER_COMMIT_H */
