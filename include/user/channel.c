// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The authenticated stream between nodes (channel.h): frames around the
 * session handshake (handshake.c) and libsodium's secretstream.
 */
#include <errno.h>
#include <string.h>

#include "channel.h"

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

/* Keys from the handshake: our sending stream, the peer's key kept. */
static void keyed(struct agi_chan *ch, struct agi_hs_keys *k)
{
	crypto_secretstream_xchacha20poly1305_init_push(&ch->tx, ch->tx_header,
							k->tx);
	memcpy(ch->rx_key, k->rx, sizeof(ch->rx_key));
	ch->keyed = true;
	agi_hs_keys_wipe(k);
}

int agi_chan_hello(struct agi_chan *ch, const struct agi_keypair *self,
		   const uint8_t peer_pk[AGI_PK_LEN], uint64_t now_ns,
		   uint8_t *out, size_t cap)
{
	memset(ch, 0, sizeof(*ch));
	ch->initiator = true;
	memcpy(ch->peer_pk, peer_pk, AGI_PK_LEN);
	/* One handshake per stream: the index only names it. */
	return agi_hs_initiate(&ch->pending, self, peer_pk, 1, now_ns, out, cap);
}

int agi_chan_accept(struct agi_chan *ch, const struct agi_keypair *self,
		    const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	struct agi_hs_init m;
	struct agi_hs_keys k;
	size_t n;
	int ret;

	memset(ch, 0, sizeof(*ch));
	ret = agi_hs_init_check(in, len, self->pk, &m);
	if (ret)
		return ret;
	memcpy(ch->peer_pk, m.initiator, AGI_PK_LEN);
	ch->peer_ts = m.timestamp;
	ret = agi_hs_respond(self, in, len, &m, 1, out, cap, &n, &k);
	if (ret)
		return ret;
	keyed(ch, &k);
	return (int)n;
}

int agi_chan_finish(struct agi_chan *ch, const uint8_t *in, size_t len)
{
	struct agi_hs_keys k;
	int ret;

	if (!ch->initiator || ch->keyed || !ch->pending.active)
		return -EPROTO;
	ret = agi_hs_complete(&ch->pending, in, len, &k);
	if (ret)
		return ret;
	keyed(ch, &k);
	return 0;
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
	agi_hs_pending_wipe(&ch->pending);
	sodium_memzero(ch, sizeof(*ch));
}
