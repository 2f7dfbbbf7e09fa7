// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The authenticated stream between nodes (channel.h): frames, the signed
 * ephemeral handshake and libsodium's secretstream.
 */
#include <errno.h>
#include <string.h>

#include "core/cbor.h"
#include "channel.h"

#define HELLO_DOMAIN "AGISWARM-CHAN-HELLO-v1"
#define REPLY_DOMAIN "AGISWARM-CHAN-REPLY-v1"
#define CHAN_VERSION 1
#define EPH_LEN 32
#define HASH_LEN 32

int agi_chan_frame_next(const uint8_t *buf, size_t len,
			const uint8_t **payload, size_t *plen)
{
	size_t n;

	if (len < AGI_CHAN_LEN_BYTES)
		return 0;
	n = (size_t)buf[0] << 8 | buf[1];
	if (!n || n > AGI_CHAN_FRAME_MAX)
		return -EBADMSG;
	if (len - AGI_CHAN_LEN_BYTES < n)
		return 0;
	*payload = buf + AGI_CHAN_LEN_BYTES;
	*plen = n;
	return (int)(n + AGI_CHAN_LEN_BYTES);
}

void agi_chan_frame_len(size_t plen, uint8_t out[AGI_CHAN_LEN_BYTES])
{
	out[0] = (uint8_t)(plen >> 8);
	out[1] = (uint8_t)plen;
}

/*
 * The message a signature covers: @domain, 0x00, then the map of the
 * @n entries at @entries (@len bytes) as if it held only those.
 */
static size_t signed_part(const char *domain, u8 n, const u8 *entries,
			  size_t len, u8 *out, size_t cap)
{
	size_t d = strlen(domain) + 1;

	if (d + 1 + len > cap)
		return 0;
	memcpy(out, domain, d);
	out[d] = (u8)(0xa0 | n);	/* a map of n < 24 entries */
	memcpy(out + d + 1, entries, len);
	return d + 1 + len;
}

static void put_key_bytes(struct agi_cbor_writer *w, u64 key, const u8 *b,
			  size_t n)
{
	agi_cbor_put_head(w, AGI_CBOR_UINT, key);
	agi_cbor_put_bytes(w, b, n);
}

/* The X25519 secret of the two ephemerals, refused when all zero. */
static int derive(struct agi_chan *ch, const u8 peer_eph[EPH_LEN],
		  const u8 *reply, size_t reply_len)
{
	u8 shared[32], t[HASH_LEN], k[64];
	crypto_generichash_state st;
	int ret = 0;

	if (crypto_scalarmult(shared, ch->eph_sk, peer_eph)) {
		ret = -EKEYREJECTED;
		goto out;
	}
	crypto_generichash_init(&st, NULL, 0, sizeof(t));
	crypto_generichash_update(&st, ch->hello, ch->hello_len);
	crypto_generichash_update(&st, reply, reply_len);
	crypto_generichash_final(&st, t, sizeof(t));
	crypto_generichash(k, sizeof(k), t, sizeof(t), shared, sizeof(shared));
	crypto_secretstream_xchacha20poly1305_init_push(&ch->tx, ch->tx_header,
							ch->initiator ? k : k + 32);
	memcpy(ch->rx_key, ch->initiator ? k + 32 : k, sizeof(ch->rx_key));
	ch->keyed = true;
out:
	sodium_memzero(shared, sizeof(shared));
	sodium_memzero(k, sizeof(k));
	sodium_memzero(ch->eph_sk, sizeof(ch->eph_sk));
	return ret;
}

int agi_chan_hello(struct agi_chan *ch, const struct agi_keypair *self,
		   const uint8_t peer_pk[AGI_PK_LEN], uint8_t *out, size_t cap)
{
	u8 eph[EPH_LEN], msg[AGI_CHAN_HELLO_MAX + 32], sig[AGI_SIG_LEN];
	struct agi_cbor_writer w = { .buf = ch->hello, .cap = sizeof(ch->hello) };
	size_t n;

	memset(ch, 0, sizeof(*ch));
	ch->initiator = true;
	memcpy(ch->self_pk, self->pk, AGI_PK_LEN);
	memcpy(ch->peer_pk, peer_pk, AGI_PK_LEN);
	crypto_box_keypair(eph, ch->eph_sk);
	agi_cbor_put_head(&w, AGI_CBOR_MAP, 5);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, 1);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, CHAN_VERSION);
	put_key_bytes(&w, 2, self->pk, AGI_PK_LEN);
	put_key_bytes(&w, 3, peer_pk, AGI_PK_LEN);
	put_key_bytes(&w, 4, eph, EPH_LEN);
	n = signed_part(HELLO_DOMAIN, 4, ch->hello + 1, w.pos - 1, msg,
			sizeof(msg));
	if (!agi_cbor_fits(&w) || !n)
		return -EMSGSIZE;
	agi_ed25519_sign(msg, n, self->sk, sig);
	put_key_bytes(&w, 5, sig, AGI_SIG_LEN);
	if (!agi_cbor_fits(&w) || w.pos > cap)
		return -EMSGSIZE;
	ch->hello_len = w.pos;
	memcpy(out, ch->hello, w.pos);
	return (int)w.pos;
}

/* Reads the bytes of the next entry with key @key and exactly @n bytes. */
static int take_bytes(struct agi_cbor_cursor *m, u64 key, u8 *dst, u16 n)
{
	struct agi_cbor_item k, v;
	const u8 *b;
	u16 got;
	u64 kv;

	if (agi_cbor_next_entry(m, &k, &v) != 1 ||
	    agi_cbor_get_uint(&k, 16, &kv) || kv != key ||
	    agi_cbor_get_bytes(m, &v, n, n, &b, &got))
		return -EBADMSG;
	memcpy(dst, b, got);
	return 0;
}

int agi_chan_accept(struct agi_chan *ch, const struct agi_keypair *self,
		    const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	u8 to[AGI_PK_LEN], peer_eph[EPH_LEN], eph[EPH_LEN], sig[AGI_SIG_LEN];
	u8 msg[AGI_CHAN_HELLO_MAX + 32];
	struct agi_cbor_writer w = { .buf = out, .cap = cap };
	struct agi_cbor_cursor m;
	struct agi_cbor_item k, v;
	u64 kv, ver;
	size_t n, sig_at;
	int ret;

	memset(ch, 0, sizeof(*ch));
	memcpy(ch->self_pk, self->pk, AGI_PK_LEN);
	if (!len || len > AGI_CHAN_HELLO_MAX ||
	    agi_cbor_open(&m, in, (u16)len, AGI_CBOR_MAP) || m.left != 10)
		return -EBADMSG;
	if (agi_cbor_next_entry(&m, &k, &v) != 1 ||
	    agi_cbor_get_uint(&k, 16, &kv) || kv != 1 ||
	    agi_cbor_get_uint(&v, CHAN_VERSION, &ver) || ver != CHAN_VERSION ||
	    take_bytes(&m, 2, ch->peer_pk, AGI_PK_LEN) ||
	    take_bytes(&m, 3, to, AGI_PK_LEN) ||
	    take_bytes(&m, 4, peer_eph, EPH_LEN))
		return -EBADMSG;
	sig_at = m.pos;
	if (take_bytes(&m, 5, sig, AGI_SIG_LEN))
		return -EBADMSG;
	if (memcmp(to, self->pk, AGI_PK_LEN))
		return -EXDEV;
	n = signed_part(HELLO_DOMAIN, 4, in + 1, sig_at - 1, msg, sizeof(msg));
	if (!n || !agi_ed25519_verify(msg, n, ch->peer_pk, sig))
		return -EKEYREJECTED;
	memcpy(ch->hello, in, len);
	ch->hello_len = len;

	crypto_box_keypair(eph, ch->eph_sk);
	agi_cbor_put_head(&w, AGI_CBOR_MAP, 3);
	put_key_bytes(&w, 1, eph, EPH_LEN);
	crypto_generichash(to, HASH_LEN, in, len, NULL, 0);
	put_key_bytes(&w, 2, to, HASH_LEN);
	if (!agi_cbor_fits(&w))
		return -EMSGSIZE;
	n = signed_part(REPLY_DOMAIN, 2, out + 1, w.pos - 1, msg, sizeof(msg));
	if (!n)
		return -EMSGSIZE;
	agi_ed25519_sign(msg, n, self->sk, sig);
	put_key_bytes(&w, 3, sig, AGI_SIG_LEN);
	if (!agi_cbor_fits(&w))
		return -EMSGSIZE;
	ret = derive(ch, peer_eph, out, w.pos);
	return ret ? ret : (int)w.pos;
}

int agi_chan_finish(struct agi_chan *ch, const uint8_t *in, size_t len)
{
	u8 eph[EPH_LEN], hash[HASH_LEN], want[HASH_LEN], sig[AGI_SIG_LEN];
	u8 msg[AGI_CHAN_REPLY_MAX + 32];
	struct agi_cbor_cursor m;
	size_t n, sig_at;

	if (!ch->initiator || ch->keyed || !ch->hello_len)
		return -EPROTO;
	if (!len || len > AGI_CHAN_REPLY_MAX ||
	    agi_cbor_open(&m, in, (u16)len, AGI_CBOR_MAP) || m.left != 6 ||
	    take_bytes(&m, 1, eph, EPH_LEN) ||
	    take_bytes(&m, 2, hash, HASH_LEN))
		return -EBADMSG;
	sig_at = m.pos;
	if (take_bytes(&m, 3, sig, AGI_SIG_LEN))
		return -EBADMSG;
	crypto_generichash(want, HASH_LEN, ch->hello, ch->hello_len, NULL, 0);
	if (sodium_memcmp(want, hash, HASH_LEN))
		return -EXDEV;
	n = signed_part(REPLY_DOMAIN, 2, in + 1, sig_at - 1, msg, sizeof(msg));
	if (!n || !agi_ed25519_verify(msg, n, ch->peer_pk, sig))
		return -EKEYREJECTED;
	return derive(ch, eph, in, len);
}

int agi_chan_rx_header(struct agi_chan *ch, const uint8_t *hdr, size_t len)
{
	if (!ch->keyed || ch->rx_open)
		return -EPROTO;
	if (len != AGI_CHAN_HEADER_LEN ||
	    crypto_secretstream_xchacha20poly1305_init_pull(&ch->rx, hdr,
							    ch->rx_key))
		return -EBADMSG;
	sodium_memzero(ch->rx_key, sizeof(ch->rx_key));
	ch->rx_open = true;
	return 0;
}

int agi_chan_seal(struct agi_chan *ch, const uint8_t *in, size_t n,
		  uint8_t *out)
{
	if (!ch->keyed)
		return -EPROTO;
	if (!n || n > AGI_CHAN_CHUNK_MAX)
		return -EMSGSIZE;
	crypto_secretstream_xchacha20poly1305_push(&ch->tx, out, NULL, in, n,
						   NULL, 0, 0);
	return (int)(n + AGI_CHAN_ABYTES);
}

int agi_chan_open(struct agi_chan *ch, const uint8_t *in, size_t n,
		  uint8_t *out)
{
	unsigned long long got;
	unsigned char tag;

	if (!ch->rx_open)
		return -EPROTO;
	if (n <= AGI_CHAN_ABYTES || n > AGI_CHAN_FRAME_MAX)
		return -EBADMSG;
	if (crypto_secretstream_xchacha20poly1305_pull(&ch->rx, out, &got, &tag,
						       in, n, NULL, 0) ||
	    tag != 0)
		return -EKEYREJECTED;
	return (int)got;
}

void agi_chan_wipe(struct agi_chan *ch)
{
	sodium_memzero(ch, sizeof(*ch));
}
