/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The sealed envelope: every datagram between nodes except the plain ones
 * (agi_seal_is_plain()) travels as
 *
 *    0   u8    AGISWARM_SEAL_VERSION (2)
 *    1   u8    type, enum agiswarm_msg_type (in clear, authenticated)
 *    2   be16  length of everything after these 4 bytes
 *    4   be32  receiver index: the receiver's local index of the keypair
 *    8   be64  counter: the nonce, per keypair and direction
 *    16  ...   the message's CBOR payload, ChaCha20-Poly1305 encrypted,
 *              then the 16-byte tag
 *
 * with the 16 header bytes as associated data and the RFC 8439 nonce
 * 00 00 00 00 || le64(counter). The message inside is the plain datagram
 * of the wire format (wire.h): its 4-byte header (version
 * AGISWARM_WIRE_VERSION, type, payload length) is not sent but rebuilt by
 * agi_seal_open() in front of the payload, so the opened message is parsed
 * by agi_wire_parse() exactly as before.
 *
 * The AEAD itself is a hook (struct agi_aead): the kernel passes lib/crypto's
 * chacha20poly1305_encrypt() and _decrypt(), userspace libsodium's IETF
 * construction (include/user/seal.c). The core only builds and checks
 * bytes; it holds no key and no state.
 */
#ifndef AGISWARM_CORE_SEAL_H
#define AGISWARM_CORE_SEAL_H

#include "compat.h"
#include "../uapi/linux/agiswarm.h"

/* Bytes a sealed datagram has in front of the message's payload. */
#define AGI_SEAL_PUSH (AGISWARM_SEAL_HDR_LEN - AGISWARM_WIRE_HDR_LEN)
/* The shortest sealed datagram: a header, an empty payload and the tag. */
#define AGI_SEAL_MIN (AGISWARM_SEAL_HDR_LEN + AGISWARM_SEAL_TAG_LEN)

/**
 * struct agi_aead - an RFC 8439 ChaCha20-Poly1305 implementation
 * @encrypt: writes @len bytes of ciphertext and the 16-byte tag to @dst
 *	(which may be @src)
 * @decrypt: checks the tag of @len bytes (ciphertext and tag) at @src and
 *	writes @len - 16 bytes of plaintext to @dst (which may be @src);
 *	true when the tag verified, and then only
 *
 * The 96-bit nonce is 32 zero bits followed by @nonce in little-endian
 * order: the kernel's chacha20poly1305_encrypt() and _decrypt() have
 * exactly these types.
 */
struct agi_aead {
	void (*encrypt)(u8 *dst, const u8 *src, const size_t len,
			const u8 *ad, const size_t ad_len, const u64 nonce,
			const u8 key[AGISWARM_SEAL_KEY_LEN]);
	bool (*decrypt)(u8 *dst, const u8 *src, const size_t len,
			const u8 *ad, const size_t ad_len, const u64 nonce,
			const u8 key[AGISWARM_SEAL_KEY_LEN]);
};

/**
 * struct agi_seal_hdr - the clear part of a sealed datagram
 * @type: enum agiswarm_msg_type
 * @index: the receiver's local index of the keypair
 * @counter: the nonce
 */
struct agi_seal_hdr {
	u8 type;
	u32 index;
	u64 counter;
};

/* agi_seal_parse(): a well-framed plain datagram of a plain type. */
#define AGI_SEAL_PLAIN 1

/**
 * agi_seal_is_plain() - whether datagrams of a type travel unsealed
 * @type: an enum agiswarm_msg_type
 *
 * The handshake types, which carry their own signatures, and (until the
 * daemons seal them) the daemon's own types HEARTBEAT, STATUS, CONFIG,
 * COMMIT (signed by the operator), COMMIT_ACK and ERROR. A node never
 * lets a plain datagram move its own state: it passes them up to its
 * daemon. The fast-path types TASK, RESULT, SENSOR, ACTUATE, ROWS,
 * NEED_ROWS, CYCLE_RECORD and FENCED are never plain.
 *
 * Return: true for a plain type.
 */
bool agi_seal_is_plain(u8 type);

/**
 * agi_seal_parse() - check the framing of a datagram from the network
 * @buf: the datagram
 * @len: its length
 * @h: the clear header of a sealed datagram
 * @reason: the drop reason when it is refused
 *
 * Every datagram from the network goes through here first. A datagram of
 * version AGISWARM_SEAL_VERSION must be framed (the length field is
 * @len - 4) and at least AGI_SEAL_MIN bytes, of a type that is not plain.
 * A datagram of version AGISWARM_WIRE_VERSION must be well framed and of a
 * plain type; a message of any other type that arrives unsealed counts in
 * AGISWARM_CNT_DROP_AUTH.
 *
 * Return: 0 for a sealed datagram (@h filled), AGI_SEAL_PLAIN for a plain
 * one (its header checked, nothing else; only @h's type set), -EBADMSG
 * with *@reason one of
 * AGISWARM_CNT_DROP_SHORT, _OVERSIZE, _VERSION, _LENGTH, _TYPE, _AUTH.
 */
int agi_seal_parse(const u8 *buf, size_t len, struct agi_seal_hdr *h,
		   enum agiswarm_counter *reason);

/**
 * agi_seal() - seal a message in place
 * @buf: the message (a plain datagram: 4-byte header and payload) at
 *	@buf + AGI_SEAL_PUSH, with AGISWARM_SEAL_TAG_LEN bytes of room after
 *	it; the sealed datagram is written from @buf
 * @msg_len: the message's length, header included
 * @index: the receiver's index of the keypair
 * @counter: the nonce, never used before with @key
 * @key: the transmit key
 * @aead: the AEAD
 *
 * Return: the sealed datagram's length (@msg_len + AGISWARM_SEAL_OVERHEAD),
 * or 0 when the message is not a well-framed one of a type that is sealed,
 * or when the sealed datagram would exceed AGISWARM_WIRE_MAX.
 */
size_t agi_seal(u8 *buf, size_t msg_len, u32 index, u64 counter,
		const u8 key[AGISWARM_SEAL_KEY_LEN], const struct agi_aead *aead);

/**
 * agi_seal_open() - open a sealed datagram in place
 * @buf: the datagram, checked by agi_seal_parse()
 * @len: its length
 * @h: its header, from agi_seal_parse()
 * @key: the receive key of the keypair @h names
 * @aead: the AEAD
 *
 * On success the message (4-byte header and payload, of @h's type) is at
 * @buf + AGI_SEAL_PUSH; the counter is then authentic and the caller
 * checks it against its replay window (replay.h) before using anything.
 * On failure @buf's payload is unspecified and must not be used.
 *
 * Return: the message's length (@len - AGISWARM_SEAL_OVERHEAD), or
 * -EBADMSG when the tag does not verify.
 */
int agi_seal_open(u8 *buf, size_t len, const struct agi_seal_hdr *h,
		  const u8 key[AGISWARM_SEAL_KEY_LEN],
		  const struct agi_aead *aead);

/*
 * Known answers (seal_selftest.c): the UAPI header's sealed example, its
 * message and key, and a self-test of @aead and the envelope against them
 * and RFC 8439 appendix A.5. @scratch holds AGI_SEAL_SELFTEST_SCRATCH
 * bytes. Returns 0, or a negative step number that failed.
 */
#define AGI_SEAL_EXAMPLE_MSG_LEN 53
#define AGI_SEAL_EXAMPLE_LEN (AGI_SEAL_EXAMPLE_MSG_LEN + AGISWARM_SEAL_OVERHEAD)
#define AGI_SEAL_SELFTEST_SCRATCH 320
extern const u8 agi_seal_example_msg[AGI_SEAL_EXAMPLE_MSG_LEN];
extern const u8 agi_seal_example[AGI_SEAL_EXAMPLE_LEN];
void agi_seal_example_key(u8 key[AGISWARM_SEAL_KEY_LEN]);
int agi_seal_selftest(const struct agi_aead *aead, u8 *scratch);

#endif /* AGISWARM_CORE_SEAL_H */
