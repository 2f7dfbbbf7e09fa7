// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Sealed datagrams in userspace (see seal.h).
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "seal.h"

/* RFC 8439's 96-bit nonce: 32 zero bits, then the counter, little-endian. */
static void nonce_of(uint64_t counter, uint8_t npub[12])
{
	int i;

	memset(npub, 0, 4);
	for (i = 0; i < 8; i++)
		npub[4 + i] = (uint8_t)(counter >> (8 * i));
}

static void sodium_encrypt(u8 *dst, const u8 *src, const size_t len,
			   const u8 *ad, const size_t ad_len, const u64 nonce,
			   const u8 key[AGISWARM_SEAL_KEY_LEN])
{
	uint8_t npub[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];

	nonce_of(nonce, npub);
	crypto_aead_chacha20poly1305_ietf_encrypt_detached(dst, dst + len, NULL,
							   src, len, ad, ad_len,
							   NULL, npub, key);
}

static bool sodium_decrypt(u8 *dst, const u8 *src, const size_t len,
			   const u8 *ad, const size_t ad_len, const u64 nonce,
			   const u8 key[AGISWARM_SEAL_KEY_LEN])
{
	uint8_t npub[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];

	if (len < AGISWARM_SEAL_TAG_LEN)
		return false;
	nonce_of(nonce, npub);
	return !crypto_aead_chacha20poly1305_ietf_decrypt_detached(dst, NULL,
			src, len - AGISWARM_SEAL_TAG_LEN,
			src + len - AGISWARM_SEAL_TAG_LEN, ad, ad_len, npub, key);
}

const struct agi_aead agi_sodium_aead = {
	.encrypt = sodium_encrypt,
	.decrypt = sodium_decrypt,
};

uint64_t agi_psk_counter(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* BLAKE2b keyed with @psk over @label || 0 || lo || hi. */
static void psk_hash(uint8_t *out, size_t outlen, const uint8_t psk[32],
		     const char *label, const uint8_t *lo, const uint8_t *hi)
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, psk, 32, outlen);
	crypto_generichash_update(&st, (const uint8_t *)label,
				  strlen(label) + 1);
	crypto_generichash_update(&st, lo, AGISWARM_PUBKEY_LEN);
	crypto_generichash_update(&st, hi, AGISWARM_PUBKEY_LEN);
	crypto_generichash_final(&st, out, outlen);
	sodium_memzero(&st, sizeof(st));
}

static uint32_t index_of(const uint8_t *b)
{
	uint32_t i = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
		     (uint32_t)b[2] << 8 | b[3];

	return i ? i : 1;
}

int agi_psk_session(struct agi_session *s, const uint8_t psk[32],
		    const uint8_t self[AGISWARM_PUBKEY_LEN],
		    const uint8_t peer[AGISWARM_PUBKEY_LEN])
{
	int cmp = memcmp(self, peer, AGISWARM_PUBKEY_LEN);
	const uint8_t *lo = cmp < 0 ? self : peer, *hi = cmp < 0 ? peer : self;
	uint8_t k[64], idx[16];

	if (!cmp)
		return -EINVAL;
	if (sodium_init() < 0)
		return -EIO;
	memset(s, 0, sizeof(*s));
	psk_hash(k, sizeof(k), psk, "AGISWARM-PSK-v1", lo, hi);
	psk_hash(idx, sizeof(idx), psk, "AGISWARM-PSK-INDEX-v1", lo, hi);
	memcpy(s->tx, cmp < 0 ? k : k + 32, 32);
	memcpy(s->rx, cmp < 0 ? k + 32 : k, 32);
	s->local_index = index_of(cmp < 0 ? idx : idx + 4);
	s->remote_index = index_of(cmp < 0 ? idx + 4 : idx);
	s->tx_counter = agi_psk_counter();
	agi_replay_init(&s->replay);
	sodium_memzero(k, sizeof(k));
	return 0;
}

size_t agi_session_seal(struct agi_session *s, uint8_t *buf, size_t msg_len)
{
	size_t n = agi_seal(buf, msg_len, s->remote_index, s->tx_counter, s->tx,
			    &agi_sodium_aead);

	if (n)
		s->tx_counter++;
	return n;
}

int agi_session_open(struct agi_session *s, uint8_t *buf, size_t len,
		     enum agiswarm_counter *reason)
{
	struct agi_seal_hdr h;
	int ret;

	ret = agi_seal_parse(buf, len, &h, reason);
	if (ret < 0)
		return ret;
	if (ret == AGI_SEAL_PLAIN) {
		*reason = AGISWARM_CNT_DROP_AUTH;	/* not sealed */
		return -EBADMSG;
	}
	if (h.index != s->local_index) {
		*reason = AGISWARM_CNT_DROP_UNKNOWN_PEER;
		return -EBADMSG;
	}
	ret = agi_seal_open(buf, len, &h, s->rx, &agi_sodium_aead);
	if (ret < 0) {
		*reason = AGISWARM_CNT_DROP_AUTH;
		return ret;
	}
	if (!agi_replay_check(&s->replay, h.counter)) {
		*reason = AGISWARM_CNT_DROP_REPLAY;
		return -EBADMSG;
	}
	return ret;
}

void agi_session_wipe(struct agi_session *s)
{
	sodium_memzero(s, sizeof(*s));
}
