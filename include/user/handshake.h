/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The session handshake between two nodes' static Ed25519 keys (SIGMA:
 * signatures over ephemeral X25519 keys), libsodium only. agiswarmd, the
 * plant library and `agictl commit` agree session keys with it and push
 * them into the module, which seals every other datagram with them.
 *
 * Two datagrams, each the 4-byte wire header and one deterministic CBOR
 * map with small unsigned keys, in ascending order, all present:
 *
 *   HANDSHAKE_INIT (0x0b), initiator -> responder:
 *     1 sender index     uint (u32, nonzero): the initiator's local index
 *     2 ephemeral        bytes 32: X25519 public key
 *     3 timestamp        uint (u64 ns): strictly increasing per initiator
 *     4 initiator        bytes 32: Ed25519 public key
 *     5 responder        bytes 32: Ed25519 public key
 *     6 signature        bytes 64: Ed25519 by the initiator over
 *                        "AGISWARM-HS-INIT-v1" 0x00 || M5, where M5 is
 *                        the deterministic map of keys 1..5
 *
 *   HANDSHAKE_RESP (0x0c), responder -> initiator:
 *     1 sender index     uint (u32, nonzero): the responder's local index
 *     2 receiver index   uint (u32): the INIT's sender index
 *     3 ephemeral        bytes 32: X25519 public key
 *     4 init hash        bytes 32: BLAKE2b-256 of the whole INIT datagram
 *     5 signature        bytes 64: Ed25519 by the responder over
 *                        "AGISWARM-HS-RESP-v1" 0x00 || M4 (keys 1..4)
 *
 * Keys: T = BLAKE2b-256(INIT datagram || RESP datagram); K = BLAKE2b-512
 * keyed with X25519(e_i, e_r) over T; the first 32 bytes of K seal
 * initiator -> responder, the last 32 responder -> initiator. A shared
 * secret of all zeroes (a low-order ephemeral) is refused. Ephemeral
 * secrets are wiped as soon as the keys exist.
 *
 * The responder answers only an INIT whose responder key is its own, whose
 * initiator key it knows (a configured peer, an authorized operator),
 * whose signature verifies and whose timestamp is newer than the last it
 * accepted from that initiator; it installs the keys as RESPONDER (the
 * first datagram opened with them confirms them). The initiator accepts
 * only a RESP that answers its pending INIT (receiver index and INIT hash)
 * signed by the peer it addressed, and installs the keys as INITIATOR.
 *
 * Parsers touch only bounded bytes through the core's CBOR cursor;
 * every function that can fail returns 0 or a negative errno:
 * -EBADMSG (not a datagram of this shape), -EKEYREJECTED (a signature or
 * the key exchange failed), -ESTALE (an old timestamp), -EXDEV (addressed
 * to another key), -ENOKEY (from a key that is not known), -ENOENT (no
 * pending INIT that this RESP answers).
 */
#ifndef AGISWARM_USER_HANDSHAKE_H
#define AGISWARM_USER_HANDSHAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/compat.h"
#include "keys.h"
#include "uapi/linux/agiswarm.h"

/* The two datagram types, plain (version 1) on the wire. */
#define AGI_HS_MSG_INIT AGISWARM_MSG_HANDSHAKE_INIT
#define AGI_HS_MSG_RESP AGISWARM_MSG_HANDSHAKE_RESP

#define AGI_HS_EPH_LEN 32
#define AGI_HS_HASH_LEN 32
#define AGI_HS_KEY_LEN 32
/* Upper bounds of the two datagrams, header included. */
#define AGI_HS_INIT_MAX 200
#define AGI_HS_RESP_MAX 160

struct agi_hs_init {
	u32 sender;
	u8 eph[AGI_HS_EPH_LEN];
	u64 timestamp;
	u8 initiator[AGI_PK_LEN];
	u8 responder[AGI_PK_LEN];
	u8 sig[AGI_SIG_LEN];
};

struct agi_hs_resp {
	u32 sender;
	u32 receiver;
	u8 eph[AGI_HS_EPH_LEN];
	u8 init_hash[AGI_HS_HASH_LEN];
	u8 sig[AGI_SIG_LEN];
};

/**
 * struct agi_hs_keys - what a finished handshake gives the module (SET_KEY)
 * @local_index: the index the peer puts in datagrams to us
 * @remote_index: the index we put in datagrams to the peer
 * @rx: opens what the peer seals
 * @tx: seals what we send to the peer
 * @initiator: true on the initiator's side (install as INITIATOR)
 */
struct agi_hs_keys {
	u32 local_index;
	u32 remote_index;
	u8 rx[AGI_HS_KEY_LEN];
	u8 tx[AGI_HS_KEY_LEN];
	bool initiator;
};

/**
 * struct agi_hs_pending - the initiator's state between INIT and RESP
 * @active: an INIT is out, waiting for its RESP
 * @local_index: the INIT's sender index
 * @eph_sk: the ephemeral secret (wiped when done)
 * @peer: the responder's public key
 * @init: the INIT datagram, for the transcript
 * @init_len: its length
 */
struct agi_hs_pending {
	bool active;
	u32 local_index;
	u8 eph_sk[AGI_HS_EPH_LEN];
	u8 peer[AGI_PK_LEN];
	u8 init[AGI_HS_INIT_MAX];
	size_t init_len;
};

/* Bounded parsers of the two datagrams (header included); 0 or -EBADMSG. */
int agi_hs_init_parse(const u8 *dgram, size_t len, struct agi_hs_init *m);
int agi_hs_resp_parse(const u8 *dgram, size_t len, struct agi_hs_resp *m);

/*
 * Encoders of a whole datagram from a message whose signature is set;
 * the length, or -ENOSPC.
 */
int agi_hs_init_encode(const struct agi_hs_init *m, u8 *buf, size_t cap);
int agi_hs_resp_encode(const struct agi_hs_resp *m, u8 *buf, size_t cap);

/*
 * Initiator: a new INIT from @self to @peer with sender index @local_index
 * and @timestamp into @buf; its state into @p. The length, or -errno.
 */
int agi_hs_initiate(struct agi_hs_pending *p, const struct agi_keypair *self,
		    const u8 peer[AGI_PK_LEN], u32 local_index, u64 timestamp,
		    u8 *buf, size_t cap);

/*
 * Responder, first step: the INIT @dgram parsed into @m, addressed to
 * @self_pk and signed by the initiator it names. Whether that initiator is
 * known and its timestamp fresh is the caller's to check, on m->initiator
 * and m->timestamp (agi_hs_fresh()).
 */
int agi_hs_init_check(const u8 *dgram, size_t len, const u8 self_pk[AGI_PK_LEN],
		      struct agi_hs_init *m);

/*
 * Responder, second step: the RESP to the checked INIT @init (@init_len
 * bytes, parsed as @m) with sender index @local_index into @buf (*@out_len
 * bytes), and the session keys into @k.
 */
int agi_hs_respond(const struct agi_keypair *self, const u8 *init,
		   size_t init_len, const struct agi_hs_init *m,
		   u32 local_index, u8 *buf, size_t cap, size_t *out_len,
		   struct agi_hs_keys *k);

/*
 * Initiator: the RESP @dgram to the pending INIT @p; on success the keys
 * into @k and @p is wiped (an INIT is answered once).
 */
int agi_hs_complete(struct agi_hs_pending *p, const u8 *dgram, size_t len,
		    struct agi_hs_keys *k);

/*
 * The same two steps with a given ephemeral secret instead of a fresh one
 * (@eph_sk NULL: fresh), for known-answer tests only: a handshake whose
 * ephemeral secret is known to anyone else has no secrecy.
 */
int agi_hs_initiate_eph(struct agi_hs_pending *p, const struct agi_keypair *self,
			const u8 peer[AGI_PK_LEN], u32 local_index,
			u64 timestamp, const u8 *eph_sk, u8 *buf, size_t cap);
int agi_hs_respond_eph(const struct agi_keypair *self, const u8 *init,
		       size_t init_len, const struct agi_hs_init *m,
		       u32 local_index, const u8 *eph_sk, u8 *buf,
		       size_t cap, size_t *out_len, struct agi_hs_keys *k);

/* The replay guard: @ts is newer than *@last (then it becomes *@last). */
bool agi_hs_fresh(u64 *last, u64 ts);

void agi_hs_pending_wipe(struct agi_hs_pending *p);
void agi_hs_keys_wipe(struct agi_hs_keys *k);

#endif /* AGISWARM_USER_HANDSHAKE_H */
