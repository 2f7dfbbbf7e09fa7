/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Sealed datagrams in userspace: the core's envelope (core/seal.h) over
 * libsodium's IETF ChaCha20-Poly1305, byte-identical to the module's
 * lib/crypto one, and the pre-shared-key mode's keys.
 *
 * Pre-shared-key mode. Two nodes that hold the same 32-byte secret (a PSK
 * file, `agictl keygen --psk`) and know each other's public key derive the
 * same pair of session keys and indices, with no message exchanged:
 *
 *   lo, hi = the two public keys, lo the smaller (memcmp)
 *   k      = BLAKE2b-512, keyed with the PSK, of
 *            "AGISWARM-PSK-v1" 0x00 || lo || hi
 *            k[0..32) seals lo -> hi, k[32..64) seals hi -> lo
 *   i      = BLAKE2b-128, keyed with the PSK, of
 *            "AGISWARM-PSK-INDEX-v1" 0x00 || lo || hi
 *            be32(i[0..4)) is lo's local index (what hi writes in its
 *            datagrams to lo), be32(i[4..8)) hi's; 0 becomes 1
 *
 * Each side installs them as a STATIC keypair (SET_KEY) whose first
 * transmit counter is CLOCK_REALTIME in nanoseconds, so that keys
 * installed again later never reuse a nonce while the clock moves forward.
 */
#ifndef AGISWARM_USER_SEAL_H
#define AGISWARM_USER_SEAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/replay.h"
#include "core/seal.h"

extern const struct agi_aead agi_sodium_aead;

/**
 * struct agi_session - one keypair in userspace (a plant, a test)
 * @local_index: the index the peer puts in datagrams to us
 * @remote_index: the index we put in datagrams to it
 * @rx: opens what it sends
 * @tx: seals what we send
 * @tx_counter: the next nonce
 * @replay: what was opened
 */
struct agi_session {
	uint32_t local_index;
	uint32_t remote_index;
	uint8_t rx[AGISWARM_SEAL_KEY_LEN];
	uint8_t tx[AGISWARM_SEAL_KEY_LEN];
	uint64_t tx_counter;
	struct agi_replay replay;
};

/*
 * The pre-shared-key session between @self and @peer (public keys), its
 * counter from CLOCK_REALTIME; -EINVAL when the two keys are equal, -EIO
 * when libsodium cannot start.
 */
int agi_psk_session(struct agi_session *s, const uint8_t psk[32],
		    const uint8_t self[AGISWARM_PUBKEY_LEN],
		    const uint8_t peer[AGISWARM_PUBKEY_LEN]);

/* CLOCK_REALTIME in nanoseconds: a PSK keypair's first counter. */
uint64_t agi_psk_counter(void);

/*
 * Seal the message at @buf + AGI_SEAL_PUSH (@msg_len bytes, with
 * AGISWARM_SEAL_TAG_LEN bytes of room after it) for @s's peer; the
 * datagram's length, or 0 when it cannot be sealed (agi_seal()).
 */
size_t agi_session_seal(struct agi_session *s, uint8_t *buf, size_t msg_len);

/*
 * Open a datagram from @s's peer in place: the message's length (the
 * message at @buf + AGI_SEAL_PUSH), or -EBADMSG with *@reason: the
 * framing's reason, AGISWARM_CNT_DROP_UNKNOWN_PEER (another index),
 * _AUTH or _REPLAY.
 */
int agi_session_open(struct agi_session *s, uint8_t *buf, size_t len,
		     enum agiswarm_counter *reason);

void agi_session_wipe(struct agi_session *s);

#endif /* AGISWARM_USER_SEAL_H */
