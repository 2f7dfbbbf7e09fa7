/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * An authenticated, encrypted byte stream between two nodes that know each
 * other's static Ed25519 key (agiswarmd's replicated log runs over it,
 * daemon/repl_transport.c). libsodium only; no allocation.
 *
 * On the stream everything is a frame: a 2-byte big-endian length
 * (1..AGI_CHAN_FRAME_MAX) and that many bytes. The first frames are the
 * handshake (SIGMA: each side signs its X25519 ephemeral key), each one
 * deterministic CBOR map read with the core's bounded cursor:
 *
 *   HELLO, initiator -> responder:
 *     1 version    uint 1
 *     2 initiator  bytes 32: its Ed25519 public key
 *     3 responder  bytes 32: the Ed25519 public key it expects to reach
 *     4 ephemeral  bytes 32: X25519 public key
 *     5 signature  bytes 64: Ed25519 by the initiator over
 *                  "AGISWARM-CHAN-HELLO-v1" 0x00 || the map of keys 1..4
 *   REPLY, responder -> initiator:
 *     1 ephemeral  bytes 32: X25519 public key
 *     2 hello hash bytes 32: BLAKE2b-256 of the HELLO frame's payload
 *     3 signature  bytes 64: Ed25519 by the responder over
 *                  "AGISWARM-CHAN-REPLY-v1" 0x00 || the map of keys 1..2
 *
 * Keys: K = BLAKE2b-512 keyed with X25519(e_i, e_r) over BLAKE2b-256(HELLO
 * || REPLY); the first 32 bytes encrypt initiator -> responder, the last
 * 32 responder -> initiator, each direction one libsodium
 * crypto_secretstream_xchacha20poly1305 stream whose 24-byte header is
 * the next frame each side sends. Every later frame is one sealed message
 * (at most AGI_CHAN_CHUNK_MAX bytes of plaintext); one that does not open
 * ends the stream. A shared secret of all zeroes (a low-order ephemeral)
 * is refused; ephemeral secrets are wiped once the keys exist.
 *
 * Whether the initiator's key belongs to a known peer is the caller's to
 * decide (agi_chan_accept() names it in ch->peer_pk); a responder should
 * trust the stream only once the first sealed frame from the initiator has
 * opened (key confirmation), since a replayed HELLO gets a REPLY too.
 *
 * Functions that can fail return a negative errno: -EBADMSG (not a
 * message of this shape), -EKEYREJECTED (a signature, the key exchange or
 * a sealed frame failed), -EXDEV (a HELLO addressed to another key, a
 * REPLY to another HELLO), -EPROTO (called out of order).
 */
#ifndef AGISWARM_USER_CHANNEL_H
#define AGISWARM_USER_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sodium.h>

#include "keys.h"

#define AGI_CHAN_LEN_BYTES 2
#define AGI_CHAN_CHUNK_MAX 16384
#define AGI_CHAN_ABYTES crypto_secretstream_xchacha20poly1305_ABYTES
#define AGI_CHAN_HEADER_LEN crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define AGI_CHAN_FRAME_MAX (AGI_CHAN_CHUNK_MAX + AGI_CHAN_ABYTES)
#define AGI_CHAN_HELLO_MAX 200
#define AGI_CHAN_REPLY_MAX 140

struct agi_chan {
	bool initiator;
	bool keyed;			/* keys derived, tx header made */
	bool rx_open;			/* the peer's header was taken */
	uint8_t self_pk[AGI_PK_LEN];
	uint8_t peer_pk[AGI_PK_LEN];
	uint8_t eph_sk[32];
	uint8_t hello[AGI_CHAN_HELLO_MAX];
	size_t hello_len;
	uint8_t tx_header[AGI_CHAN_HEADER_LEN];
	uint8_t rx_key[32];
	crypto_secretstream_xchacha20poly1305_state tx, rx;
};

/*
 * The next frame of @buf (@len bytes so far): its size on the stream
 * (length bytes included) with *@payload and *@plen set, 0 when more bytes
 * are needed, or -EBADMSG for a length of 0 or above AGI_CHAN_FRAME_MAX.
 */
int agi_chan_frame_next(const uint8_t *buf, size_t len,
			const uint8_t **payload, size_t *plen);
/* The length prefix of a frame of @plen bytes into @out[0..1]. */
void agi_chan_frame_len(size_t plen, uint8_t out[AGI_CHAN_LEN_BYTES]);

/* Initiator: a HELLO from @self to @peer_pk into @out; its length. */
int agi_chan_hello(struct agi_chan *ch, const struct agi_keypair *self,
		   const uint8_t peer_pk[AGI_PK_LEN], uint8_t *out, size_t cap);
/*
 * Responder: checks the HELLO @msg (addressed to @self, signed by the key
 * it names, which goes to ch->peer_pk), writes the REPLY into @out and
 * derives the keys; the REPLY's length.
 */
int agi_chan_accept(struct agi_chan *ch, const struct agi_keypair *self,
		    const uint8_t *msg, size_t len, uint8_t *out, size_t cap);
/* Initiator: checks the REPLY @msg to its HELLO and derives the keys. */
int agi_chan_finish(struct agi_chan *ch, const uint8_t *msg, size_t len);
/* Either side, once keyed: the peer's stream header frame. */
int agi_chan_rx_header(struct agi_chan *ch, const uint8_t *hdr, size_t len);

/* @n (1..AGI_CHAN_CHUNK_MAX) bytes sealed into @out (n + ABYTES bytes). */
int agi_chan_seal(struct agi_chan *ch, const uint8_t *in, size_t n,
		  uint8_t *out);
/* A sealed frame of @n bytes opened into @out; the plaintext's length. */
int agi_chan_open(struct agi_chan *ch, const uint8_t *in, size_t n,
		  uint8_t *out);

void agi_chan_wipe(struct agi_chan *ch);

#endif /* AGISWARM_USER_CHANNEL_H */
