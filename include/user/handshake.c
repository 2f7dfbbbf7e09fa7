// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The session handshake: see handshake.h. Every secret (ephemeral keys,
 * the shared secret, the derived keys) lives on the stack or in the
 * caller's struct and is wiped with sodium_memzero once it is not needed.
 */
#include <errno.h>
#include <string.h>
#include <sodium.h>

#include "core/cbor.h"
#include "core/wire.h"
#include "handshake.h"

#define LABEL_INIT "AGISWARM-HS-INIT-v1"
#define LABEL_RESP "AGISWARM-HS-RESP-v1"
/* The label and its NUL, then the map that is signed. */
#define SIGNED_MAX 192

/* The keys of the two maps: enum agiswarm_handshake_{init,resp}_key. */

static void put_uint(struct agi_cbor_writer *w, u64 key, u64 v)
{
	agi_cbor_put_head(w, AGI_CBOR_UINT, key);
	agi_cbor_put_head(w, AGI_CBOR_UINT, v);
}

static void put_bytes(struct agi_cbor_writer *w, u64 key, const u8 *b,
		      size_t n)
{
	agi_cbor_put_head(w, AGI_CBOR_UINT, key);
	agi_cbor_put_bytes(w, b, n);
}

/* The map of INIT's keys 1..@nkeys (5: what is signed; 6: the payload). */
static void put_init(struct agi_cbor_writer *w, const struct agi_hs_init *m,
		     unsigned int nkeys)
{
	agi_cbor_put_head(w, AGI_CBOR_MAP, nkeys);
	put_uint(w, AGISWARM_HS_INIT_SENDER, m->sender);
	put_bytes(w, AGISWARM_HS_INIT_EPHEMERAL, m->eph, sizeof(m->eph));
	put_uint(w, AGISWARM_HS_INIT_TIMESTAMP, m->timestamp);
	put_bytes(w, AGISWARM_HS_INIT_INITIATOR, m->initiator, sizeof(m->initiator));
	put_bytes(w, AGISWARM_HS_INIT_RESPONDER, m->responder, sizeof(m->responder));
	if (nkeys == AGISWARM_HS_INIT_SIGNATURE)
		put_bytes(w, AGISWARM_HS_INIT_SIGNATURE, m->sig, sizeof(m->sig));
}

static void put_resp(struct agi_cbor_writer *w, const struct agi_hs_resp *m,
		     unsigned int nkeys)
{
	agi_cbor_put_head(w, AGI_CBOR_MAP, nkeys);
	put_uint(w, AGISWARM_HS_RESP_SENDER, m->sender);
	put_uint(w, AGISWARM_HS_RESP_RECEIVER, m->receiver);
	put_bytes(w, AGISWARM_HS_RESP_EPHEMERAL, m->eph, sizeof(m->eph));
	put_bytes(w, AGISWARM_HS_RESP_INIT_HASH, m->init_hash, sizeof(m->init_hash));
	if (nkeys == AGISWARM_HS_RESP_SIGNATURE)
		put_bytes(w, AGISWARM_HS_RESP_SIGNATURE, m->sig, sizeof(m->sig));
}

/* Header, then the payload the writer @w holds after it. */
static int finish(u8 *buf, size_t cap, u8 type, struct agi_cbor_writer *w)
{
	if (!agi_cbor_fits(w) || w->pos > AGISWARM_WIRE_MAX - AGISWARM_WIRE_HDR_LEN)
		return -ENOSPC;
	if (cap < AGISWARM_WIRE_HDR_LEN)
		return -ENOSPC;
	agi_wire_put_header(buf, type, (u16)w->pos);
	return (int)(AGISWARM_WIRE_HDR_LEN + w->pos);
}

/* A writer of the payload, after the header's room in @buf. */
static struct agi_cbor_writer payload(u8 *buf, size_t cap)
{
	struct agi_cbor_writer w = {
		.buf = buf + AGISWARM_WIRE_HDR_LEN,
		.cap = cap > AGISWARM_WIRE_HDR_LEN ? cap - AGISWARM_WIRE_HDR_LEN : 0,
	};

	return w;
}

int agi_hs_init_encode(const struct agi_hs_init *m, u8 *buf, size_t cap)
{
	struct agi_cbor_writer w = payload(buf, cap);

	put_init(&w, m, AGISWARM_HS_INIT_SIGNATURE);
	return finish(buf, cap, AGI_HS_MSG_INIT, &w);
}

int agi_hs_resp_encode(const struct agi_hs_resp *m, u8 *buf, size_t cap)
{
	struct agi_cbor_writer w = payload(buf, cap);

	put_resp(&w, m, AGISWARM_HS_RESP_SIGNATURE);
	return finish(buf, cap, AGI_HS_MSG_RESP, &w);
}

/* What a signature covers: @label, its NUL, then the map the writer gets. */
static size_t signed_init(const struct agi_hs_init *m, u8 out[SIGNED_MAX])
{
	struct agi_cbor_writer w = { .buf = out, .cap = SIGNED_MAX };

	agi_cbor_put_raw(&w, LABEL_INIT, sizeof(LABEL_INIT));
	put_init(&w, m, AGISWARM_HS_INIT_SIGNATURE - 1);
	return agi_cbor_fits(&w) ? w.pos : 0;
}

static size_t signed_resp(const struct agi_hs_resp *m, u8 out[SIGNED_MAX])
{
	struct agi_cbor_writer w = { .buf = out, .cap = SIGNED_MAX };

	agi_cbor_put_raw(&w, LABEL_RESP, sizeof(LABEL_RESP));
	put_resp(&w, m, AGISWARM_HS_RESP_SIGNATURE - 1);
	return agi_cbor_fits(&w) ? w.pos : 0;
}

/*
 * The map of a handshake datagram of @type with exactly @nkeys entries,
 * keys 1..@nkeys in order: the cursor on its first entry.
 */
static int open_map(const u8 *dgram, size_t len, u8 type, unsigned int nkeys,
		    struct agi_cbor_cursor *m)
{
	enum agiswarm_counter why;

	if (agi_wire_check_header(dgram, len, &why) || dgram[1] != type)
		return -EBADMSG;
	if (agi_cbor_open(m, dgram + AGISWARM_WIRE_HDR_LEN,
			  (u16)(len - AGISWARM_WIRE_HDR_LEN), AGI_CBOR_MAP) ||
	    m->left != 2 * (u64)nkeys)
		return -EBADMSG;
	return 0;
}

/* The next entry, which must have key @want; its value into @v. */
static int next_key(struct agi_cbor_cursor *m, u64 want,
		    struct agi_cbor_item *v)
{
	struct agi_cbor_item key;
	u64 k;

	if (agi_cbor_next_entry(m, &key, v) != 1 ||
	    agi_cbor_get_uint(&key, want, &k) || k != want)
		return -EBADMSG;
	return 0;
}

static int get_u32(struct agi_cbor_cursor *m, u64 key, bool nonzero, u32 *out)
{
	struct agi_cbor_item v;
	u64 x;

	if (next_key(m, key, &v) || agi_cbor_get_uint(&v, UINT32_MAX, &x) ||
	    (nonzero && !x))
		return -EBADMSG;
	*out = (u32)x;
	return 0;
}

static int get_fixed(struct agi_cbor_cursor *m, u64 key, u8 *out, u16 n)
{
	struct agi_cbor_item v;
	const u8 *b;
	u16 got;

	if (next_key(m, key, &v) || agi_cbor_get_bytes(m, &v, n, n, &b, &got))
		return -EBADMSG;
	memcpy(out, b, n);
	return 0;
}

int agi_hs_init_parse(const u8 *dgram, size_t len, struct agi_hs_init *m)
{
	struct agi_cbor_cursor c;
	struct agi_cbor_item v;

	memset(m, 0, sizeof(*m));
	if (open_map(dgram, len, AGI_HS_MSG_INIT, AGISWARM_HS_INIT_SIGNATURE, &c) ||
	    get_u32(&c, AGISWARM_HS_INIT_SENDER, true, &m->sender) ||
	    get_fixed(&c, AGISWARM_HS_INIT_EPHEMERAL, m->eph, sizeof(m->eph)) ||
	    next_key(&c, AGISWARM_HS_INIT_TIMESTAMP, &v) ||
	    agi_cbor_get_uint(&v, UINT64_MAX, &m->timestamp) ||
	    get_fixed(&c, AGISWARM_HS_INIT_INITIATOR, m->initiator, sizeof(m->initiator)) ||
	    get_fixed(&c, AGISWARM_HS_INIT_RESPONDER, m->responder, sizeof(m->responder)) ||
	    get_fixed(&c, AGISWARM_HS_INIT_SIGNATURE, m->sig, sizeof(m->sig)))
		return -EBADMSG;
	return 0;
}

int agi_hs_resp_parse(const u8 *dgram, size_t len, struct agi_hs_resp *m)
{
	struct agi_cbor_cursor c;

	memset(m, 0, sizeof(*m));
	if (open_map(dgram, len, AGI_HS_MSG_RESP, AGISWARM_HS_RESP_SIGNATURE, &c) ||
	    get_u32(&c, AGISWARM_HS_RESP_SENDER, true, &m->sender) ||
	    get_u32(&c, AGISWARM_HS_RESP_RECEIVER, true, &m->receiver) ||
	    get_fixed(&c, AGISWARM_HS_RESP_EPHEMERAL, m->eph, sizeof(m->eph)) ||
	    get_fixed(&c, AGISWARM_HS_RESP_INIT_HASH, m->init_hash, sizeof(m->init_hash)) ||
	    get_fixed(&c, AGISWARM_HS_RESP_SIGNATURE, m->sig, sizeof(m->sig)))
		return -EBADMSG;
	return 0;
}

/* BLAKE2b-256 of the INIT datagram, which the RESP names. */
static void init_hash(const u8 *init, size_t len, u8 out[AGI_HS_HASH_LEN])
{
	crypto_generichash(out, AGI_HS_HASH_LEN, init, len, NULL, 0);
}

/*
 * The two direction keys: BLAKE2b-512 keyed with X25519(@sk, @peer_eph)
 * over BLAKE2b-256(INIT || RESP). The first half seals initiator ->
 * responder.
 */
static int derive(const u8 sk[AGI_HS_EPH_LEN], const u8 peer_eph[AGI_HS_EPH_LEN],
		  const u8 *init, size_t init_len, const u8 *resp,
		  size_t resp_len, bool initiator, struct agi_hs_keys *k)
{
	crypto_generichash_state st;
	u8 dh[crypto_scalarmult_BYTES], th[AGI_HS_HASH_LEN], out[64];
	int ret = 0;

	/* libsodium refuses a result of all zeroes (a low-order point). */
	if (crypto_scalarmult(dh, sk, peer_eph)) {
		ret = -EKEYREJECTED;
		goto wipe;
	}
	crypto_generichash_init(&st, NULL, 0, sizeof(th));
	crypto_generichash_update(&st, init, init_len);
	crypto_generichash_update(&st, resp, resp_len);
	crypto_generichash_final(&st, th, sizeof(th));
	crypto_generichash(out, sizeof(out), th, sizeof(th), dh, sizeof(dh));
	memcpy(initiator ? k->tx : k->rx, out, AGI_HS_KEY_LEN);
	memcpy(initiator ? k->rx : k->tx, out + AGI_HS_KEY_LEN, AGI_HS_KEY_LEN);
	k->initiator = initiator;
wipe:
	sodium_memzero(dh, sizeof(dh));
	sodium_memzero(out, sizeof(out));
	sodium_memzero(&st, sizeof(st));
	return ret;
}

/* A fresh ephemeral pair, or the one of a given secret (known answers). */
static void ephemeral(const u8 *given, u8 sk[AGI_HS_EPH_LEN],
		      u8 pk[AGI_HS_EPH_LEN])
{
	if (!given) {
		crypto_box_keypair(pk, sk);
		return;
	}
	memcpy(sk, given, AGI_HS_EPH_LEN);
	crypto_scalarmult_base(pk, sk);
}

int agi_hs_initiate(struct agi_hs_pending *p, const struct agi_keypair *self,
		    const u8 peer[AGI_PK_LEN], u32 local_index, u64 timestamp,
		    u8 *buf, size_t cap)
{
	return agi_hs_initiate_eph(p, self, peer, local_index, timestamp, NULL,
				   buf, cap);
}

int agi_hs_initiate_eph(struct agi_hs_pending *p, const struct agi_keypair *self,
			const u8 peer[AGI_PK_LEN], u32 local_index,
			u64 timestamp, const u8 *eph_sk, u8 *buf, size_t cap)
{
	struct agi_hs_init m = { .sender = local_index, .timestamp = timestamp };
	u8 msg[SIGNED_MAX];
	size_t n;
	int len;

	agi_hs_pending_wipe(p);
	if (!local_index)
		return -EINVAL;
	if (agi_keys_init())
		return -EIO;
	ephemeral(eph_sk, p->eph_sk, m.eph);
	memcpy(m.initiator, self->pk, AGI_PK_LEN);
	memcpy(m.responder, peer, AGI_PK_LEN);
	n = signed_init(&m, msg);
	agi_ed25519_sign(msg, n, self->sk, m.sig);
	len = agi_hs_init_encode(&m, p->init, sizeof(p->init));
	if (len < 0 || (size_t)len > cap) {
		agi_hs_pending_wipe(p);
		return -ENOSPC;
	}
	memcpy(buf, p->init, (size_t)len);
	p->init_len = (size_t)len;
	p->local_index = local_index;
	memcpy(p->peer, peer, AGI_PK_LEN);
	p->active = true;
	return len;
}

int agi_hs_init_check(const u8 *dgram, size_t len, const u8 self_pk[AGI_PK_LEN],
		      struct agi_hs_init *m)
{
	u8 msg[SIGNED_MAX];
	size_t n;

	if (agi_hs_init_parse(dgram, len, m))
		return -EBADMSG;
	if (sodium_memcmp(m->responder, self_pk, AGI_PK_LEN))
		return -EXDEV;
	n = signed_init(m, msg);
	if (!n || !agi_ed25519_verify(msg, n, m->initiator, m->sig))
		return -EKEYREJECTED;
	return 0;
}

int agi_hs_respond(const struct agi_keypair *self, const u8 *init,
		   size_t init_len, const struct agi_hs_init *m,
		   u32 local_index, u8 *buf, size_t cap, size_t *out_len,
		   struct agi_hs_keys *k)
{
	return agi_hs_respond_eph(self, init, init_len, m, local_index, NULL,
				  buf, cap, out_len, k);
}

int agi_hs_respond_eph(const struct agi_keypair *self, const u8 *init,
		       size_t init_len, const struct agi_hs_init *m,
		       u32 local_index, const u8 *given_sk, u8 *buf,
		       size_t cap, size_t *out_len, struct agi_hs_keys *k)
{
	struct agi_hs_resp r = { .sender = local_index, .receiver = m->sender };
	u8 eph_sk[AGI_HS_EPH_LEN], msg[SIGNED_MAX];
	size_t n;
	int len, ret;

	memset(k, 0, sizeof(*k));
	if (!local_index)
		return -EINVAL;
	if (agi_keys_init())
		return -EIO;
	ephemeral(given_sk, eph_sk, r.eph);
	init_hash(init, init_len, r.init_hash);
	n = signed_resp(&r, msg);
	agi_ed25519_sign(msg, n, self->sk, r.sig);
	len = agi_hs_resp_encode(&r, buf, cap);
	if (len < 0) {
		ret = len;
		goto out;
	}
	ret = derive(eph_sk, m->eph, init, init_len, buf, (size_t)len, false,
		     k);
	if (ret)
		goto out;
	k->local_index = local_index;
	k->remote_index = m->sender;
	*out_len = (size_t)len;
out:
	sodium_memzero(eph_sk, sizeof(eph_sk));
	if (ret)
		agi_hs_keys_wipe(k);
	return ret;
}

int agi_hs_complete(struct agi_hs_pending *p, const u8 *dgram, size_t len,
		    struct agi_hs_keys *k)
{
	struct agi_hs_resp r;
	u8 h[AGI_HS_HASH_LEN], msg[SIGNED_MAX];
	size_t n;
	int ret;

	memset(k, 0, sizeof(*k));
	if (agi_hs_resp_parse(dgram, len, &r))
		return -EBADMSG;
	if (!p->active || r.receiver != p->local_index)
		return -ENOENT;
	init_hash(p->init, p->init_len, h);
	if (sodium_memcmp(h, r.init_hash, sizeof(h)))
		return -ENOENT;
	n = signed_resp(&r, msg);
	if (!n || !agi_ed25519_verify(msg, n, p->peer, r.sig))
		return -EKEYREJECTED;
	ret = derive(p->eph_sk, r.eph, p->init, p->init_len, dgram, len, true,
		     k);
	if (ret)
		return ret;
	k->local_index = p->local_index;
	k->remote_index = r.sender;
	agi_hs_pending_wipe(p);
	return 0;
}

bool agi_hs_fresh(u64 *last, u64 ts)
{
	if (ts <= *last)
		return false;
	*last = ts;
	return true;
}

void agi_hs_pending_wipe(struct agi_hs_pending *p)
{
	sodium_memzero(p, sizeof(*p));
}

void agi_hs_keys_wipe(struct agi_hs_keys *k)
{
	sodium_memzero(k, sizeof(*k));
}
