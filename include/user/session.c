// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * A node's sessions: see session.h.
 */
#include <errno.h>
#include <string.h>
#include <sodium.h>

#include "session.h"

void agi_sess_init(struct agi_sess *s, const struct agi_keypair *self,
		   u64 rekey_ms, u64 silence_ms)
{
	memset(s, 0, sizeof(*s));
	s->self = *self;
	s->rekey_ms = rekey_ms;
	s->silence_ms = silence_ms;
}

void agi_sess_wipe(struct agi_sess *s)
{
	sodium_memzero(s, sizeof(*s));
}

struct agi_sess_peer *agi_sess_find(struct agi_sess *s,
				    const u8 pk[AGI_PK_LEN])
{
	u32 i;

	for (i = 0; i < s->n; i++)
		if (!memcmp(s->peer[i].pk, pk, AGI_PK_LEN))
			return &s->peer[i];
	return NULL;
}

struct agi_sess_peer *agi_sess_add(struct agi_sess *s,
				   const u8 pk[AGI_PK_LEN], u8 role,
				   const struct agi_endpoint *ep, int *err)
{
	struct agi_sess_peer *p;

	*err = 0;
	if (!memcmp(pk, s->self.pk, AGI_PK_LEN)) {
		*err = -EINVAL;
		return NULL;
	}
	p = agi_sess_find(s, pk);
	if (!p) {
		if (s->n == AGI_SESS_MAX_PEERS) {
			*err = -ENOSPC;
			return NULL;
		}
		p = &s->peer[s->n++];
		memset(p, 0, sizeof(*p));
		memcpy(p->pk, pk, AGI_PK_LEN);
		p->backoff_ms = AGI_SESS_RETRY_MS;
	}
	p->role = role;
	if (ep)
		p->ep = *ep;
	return p;
}

/* When @p needs its next INIT (UINT64_MAX: not an INITIATE peer). */
static u64 due_at(const struct agi_sess *s, const struct agi_sess_peer *p)
{
	u64 at;

	if (p->role != AGI_SESS_INITIATE)
		return UINT64_MAX;
	if (p->pending.active || !p->keyed || p->rekey_now)
		return p->next_ms;
	at = p->keyed_ms + s->rekey_ms;
	if (s->silence_ms && !p->quiet) {
		u64 quiet = (p->heard_ms > p->keyed_ms ? p->heard_ms :
			     p->keyed_ms) + s->silence_ms;

		if (quiet < at)
			at = quiet;
	}
	return at > p->next_ms ? at : p->next_ms;
}

struct agi_sess_peer *agi_sess_due(struct agi_sess *s, u64 now_ms)
{
	u32 i;

	for (i = 0; i < s->n; i++)
		if (due_at(s, &s->peer[i]) <= now_ms)
			return &s->peer[i];
	return NULL;
}

u64 agi_sess_next_due(const struct agi_sess *s)
{
	u64 next = UINT64_MAX, at;
	u32 i;

	for (i = 0; i < s->n; i++) {
		at = due_at(s, &s->peer[i]);
		if (at < next)
			next = at;
	}
	return next;
}

int agi_sess_initiate(struct agi_sess *s, struct agi_sess_peer *p,
		      u64 now_ms, u64 realtime_ns, u32 local_index, u8 *buf,
		      size_t cap)
{
	u64 ts = realtime_ns > s->last_ts ? realtime_ns : s->last_ts + 1;
	int n;

	n = agi_hs_initiate(&p->pending, &s->self, p->pk, local_index, ts,
			    buf, cap);
	if (n < 0)
		return n;
	s->last_ts = ts;
	p->rekey_now = false;
	/* Unanswered, it is sent again after the backoff, which doubles. */
	p->next_ms = now_ms + p->backoff_ms;
	p->backoff_ms = p->backoff_ms * 2 > AGI_SESS_RETRY_MAX_MS ?
			AGI_SESS_RETRY_MAX_MS : p->backoff_ms * 2;
	return n;
}

int agi_sess_on_init(struct agi_sess *s, const u8 *dgram, size_t len,
		     const struct agi_endpoint *from, u32 local_index,
		     u8 *buf, size_t cap, size_t *out_len,
		     struct agi_hs_keys *k, struct agi_sess_peer **peer)
{
	struct agi_sess_peer *p;
	struct agi_hs_init m;
	int ret;

	*peer = NULL;
	ret = agi_hs_init_check(dgram, len, s->self.pk, &m);
	p = ret == -EBADMSG ? NULL : agi_sess_find(s, m.initiator);
	if (!ret && (!p || p->role != AGI_SESS_RESPOND))
		ret = -ENOKEY;
	if (!ret && !agi_hs_fresh(&p->last_ts, m.timestamp))
		ret = -ESTALE;
	if (!ret)
		ret = agi_hs_respond(&s->self, dgram, len, &m, local_index,
				     buf, cap, out_len, k);
	if (ret) {
		/* Counted only for what the peer itself signed. */
		if (ret == -ESTALE)
			p->refused++;
		return ret;
	}
	if (from)
		p->ep = *from;
	*peer = p;
	return 0;
}

int agi_sess_on_resp(struct agi_sess *s, const u8 *dgram, size_t len,
		     struct agi_hs_keys *k, struct agi_sess_peer **peer)
{
	struct agi_sess_peer *p = NULL;
	struct agi_hs_resp r;
	u32 i;
	int ret;

	*peer = NULL;
	if (agi_hs_resp_parse(dgram, len, &r))
		return -EBADMSG;
	for (i = 0; i < s->n && !p; i++)
		if (s->peer[i].pending.active &&
		    s->peer[i].pending.local_index == r.receiver)
			p = &s->peer[i];
	if (!p)
		return -ENOENT;
	ret = agi_hs_complete(&p->pending, dgram, len, k);
	if (ret)
		return ret;
	*peer = p;
	return 0;
}

void agi_sess_keyed(struct agi_sess *s, struct agi_sess_peer *p, u64 now_ms,
		    bool ok)
{
	(void)s;
	if (!ok) {
		p->next_ms = now_ms + p->backoff_ms;
		return;
	}
	p->keyed = true;
	p->keyed_ms = now_ms;
	p->heard_ms = now_ms;
	p->next_ms = now_ms;
	p->backoff_ms = AGI_SESS_RETRY_MS;
	p->handshakes++;
}

bool agi_sess_rekey(struct agi_sess_peer *p, u64 now_ms)
{
	if (p->role != AGI_SESS_INITIATE || !p->keyed || p->pending.active ||
	    p->rekey_now || now_ms < p->keyed_ms + AGI_SESS_RETRY_MS)
		return false;
	p->rekey_now = true;
	p->next_ms = now_ms;
	return true;
}

void agi_sess_heard(struct agi_sess_peer *p, u64 now_ms)
{
	if (now_ms > p->heard_ms)
		p->heard_ms = now_ms;
}

void agi_sess_unkeyed(struct agi_sess_peer *p, u64 now_ms)
{
	p->keyed = false;
	p->next_ms = now_ms;
	p->backoff_ms = AGI_SESS_RETRY_MS;
}

bool agi_sess_check_module(struct agi_sess_peer *p, u64 now_ms, bool link,
			   bool keyed)
{
	if (p->role != AGI_SESS_INITIATE || !p->keyed || p->pending.active ||
	    !link || keyed || now_ms < p->keyed_ms + AGI_SESS_RETRY_MS)
		return false;
	agi_sess_unkeyed(p, now_ms);
	return true;
}
