/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * An authenticated, encrypted byte stream between two nodes that know each
 * other's static Ed25519 key (agiswarmd's replicated log runs over it,
 * daemon/repl_transport.c). libsodium only; no allocation.
 *
 * On the stream everything is a frame: a 2-byte big-endian length
 * (1..AGI_CHAN_FRAME_MAX) and that many bytes. The first frame each way is
 * the session handshake of handshake.h, the same one the sealed datagrams
 * use (SIGMA: each side signs its X25519 ephemeral; the keys are BLAKE2b of
 * the X25519 secret over the transcript): the initiator's HANDSHAKE_INIT
 * (its HELLO here), the responder's HANDSHAKE_RESP (the REPLY). Of the
 * keys it gives, the initiator -> responder one and the responder ->
 * initiator one each key a libsodium crypto_secretstream_xchacha20poly1305
 * stream whose 24-byte header is the next frame each side sends. Every
 * later frame is one sealed message (at most AGI_CHAN_CHUNK_MAX bytes of
 * plaintext); one that does not open ends the stream.
 *
 * Whether the initiator's key belongs to a known peer, and whether its
 * HELLO is newer than the last one accepted from it (agi_hs_fresh() on
 * ch->peer_ts), is the caller's to decide (agi_chan_accept() names the key
 * in ch->peer_pk); a responder should trust the stream only once the first
 * sealed frame from the initiator has opened (key confirmation).
 *
 * Functions that can fail return a negative errno: those of handshake.h
 * for the handshake, -EBADMSG (a frame of another shape), -EKEYREJECTED
 * (a sealed frame did not open), -EPROTO (called out of order).
 */
#ifndef AGISWARM_USER_CHANNEL_H
#define AGISWARM_USER_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sodium.h>

#include "handshake.h"
#include "keys.h"

#define AGI_CHAN_LEN_BYTES 2
#define AGI_CHAN_CHUNK_MAX 16384
#define AGI_CHAN_ABYTES crypto_secretstream_xchacha20poly1305_ABYTES
#define AGI_CHAN_HEADER_LEN crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define AGI_CHAN_FRAME_MAX (AGI_CHAN_CHUNK_MAX + AGI_CHAN_ABYTES)
#define AGI_CHAN_HELLO_MAX AGI_HS_INIT_MAX
#define AGI_CHAN_REPLY_MAX AGI_HS_RESP_MAX

struct agi_chan {
	bool initiator;
	bool keyed;			/* keys derived, tx header made */
	bool rx_open;			/* the peer's header was taken */
	uint8_t peer_pk[AGI_PK_LEN];
	uint64_t peer_ts;		/* responder: the HELLO's timestamp */
	struct agi_hs_pending pending;	/* initiator, until the REPLY */
	uint8_t tx_header[AGI_CHAN_HEADER_LEN];
	uint8_t rx_key[AGI_HS_KEY_LEN];
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

/*
 * Initiator: a HELLO from @self to @peer_pk stamped @now_ns (strictly
 * increasing per initiator: CLOCK_REALTIME) into @out; its length.
 */
int agi_chan_hello(struct agi_chan *ch, const struct agi_keypair *self,
		   const uint8_t peer_pk[AGI_PK_LEN], uint64_t now_ns,
		   uint8_t *out, size_t cap);
/*
 * Responder: checks the HELLO @msg (addressed to @self, signed by the key
 * it names, which goes to ch->peer_pk, its timestamp to ch->peer_ts),
 * writes the REPLY into @out and derives the keys; the REPLY's length.
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
