// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The replicated log's entries (repl_entry.h): encoding and the bounded
 * decoder that reads what a peer's Raft log hands over.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/cbor.h"
#include "audit.h"
#include "parse.h"
#include "repl_entry.h"

enum {
	K_TYPE = 1,
	/* COMMIT */
	K_SEQ = 2, K_CYCLE, K_TIME, K_KEYID, K_BODY, K_SIG,
	/* WORKER */
	K_OP = 2, K_ID, K_ADDR,
};

static bool worker_valid(const struct agi_repl_worker *w)
{
	struct agi_endpoint ep;
	size_t n = strnlen(w->address, AGI_REPL_ADDR_MAX);

	if (!w->id || n >= AGI_REPL_ADDR_MAX)
		return false;
	if (w->op == AGI_REPL_WORKER_REMOVE)
		return n == 0;
	return w->op == AGI_REPL_WORKER_ADD && n &&
	       !agi_parse_endpoint(w->address, &ep);
}

static bool commit_valid(const struct agi_repl_commit *c)
{
	struct agi_commit *cm;
	bool ok;

	if (!c->body_len || c->body_len > AGI_COMMIT_BODY_MAX)
		return false;
	/* The body is a canonical commit body with this seq and key id. */
	cm = malloc(sizeof(*cm));
	if (!cm)
		return false;
	ok = !agi_commit_decode(c->body, c->body_len, cm) &&
	     cm->seq == c->seq &&
	     !memcmp(cm->key_id, c->key_id, AGI_KEYID_LEN);
	free(cm);
	return ok;
}

int agi_repl_entry_encode(const struct agi_repl_entry *e, uint8_t *buf,
			  size_t cap)
{
	struct agi_cbor_writer w = { .buf = buf, .cap = cap };
	const struct agi_repl_commit *c = &e->commit;
	const struct agi_repl_worker *wk = &e->worker;

	switch (e->type) {
	case AGI_REPL_COMMIT:
		if (!commit_valid(c))
			return -EINVAL;
		agi_cbor_put_head(&w, AGI_CBOR_MAP, K_SIG);
		agi_cbor_put_head(&w, AGI_CBOR_UINT, K_TYPE);
		agi_cbor_put_head(&w, AGI_CBOR_UINT, e->type);
		agi_cbor_put_head(&w, AGI_CBOR_UINT, K_SEQ);
		agi_cbor_put_head(&w, AGI_CBOR_UINT, c->seq);
		agi_cbor_put_head(&w, AGI_CBOR_UINT, K_CYCLE);
		agi_cbor_put_head(&w, AGI_CBOR_UINT, c->apply_cycle);
		agi_cbor_put_head(&w, AGI_CBOR_UINT, K_TIME);
		agi_cbor_put_head(&w, AGI_CBOR_UINT, c->time);
		agi_cbor_put_head(&w, AGI_CBOR_UINT, K_KEYID);
		agi_cbor_put_bytes(&w, c->key_id, AGI_KEYID_LEN);
		agi_cbor_put_head(&w, AGI_CBOR_UINT, K_BODY);
		agi_cbor_put_bytes(&w, c->body, c->body_len);
		agi_cbor_put_head(&w, AGI_CBOR_UINT, K_SIG);
		agi_cbor_put_bytes(&w, c->sig, AGI_SIG_LEN);
		break;
	case AGI_REPL_WORKER:
		if (!worker_valid(wk))
			return -EINVAL;
		agi_cbor_put_head(&w, AGI_CBOR_MAP, K_ADDR);
		agi_cbor_put_head(&w, AGI_CBOR_UINT, K_TYPE);
		agi_cbor_put_head(&w, AGI_CBOR_UINT, e->type);
		agi_cbor_put_head(&w, AGI_CBOR_UINT, K_OP);
		agi_cbor_put_head(&w, AGI_CBOR_UINT, wk->op);
		agi_cbor_put_head(&w, AGI_CBOR_UINT, K_ID);
		agi_cbor_put_head(&w, AGI_CBOR_UINT, wk->id);
		agi_cbor_put_head(&w, AGI_CBOR_UINT, K_ADDR);
		agi_cbor_put_text(&w, wk->address, strlen(wk->address));
		break;
	default:
		return -EINVAL;
	}
	/* libraft keeps entries whose length is a multiple of 8. */
	while (w.pos % 8)
		agi_cbor_put_raw(&w, "", 1);
	if (!agi_cbor_fits(&w) || w.pos > AGI_REPL_ENTRY_MAX)
		return -EMSGSIZE;
	return (int)w.pos;
}

static int commit_field(const struct agi_cbor_cursor *m,
			const struct agi_cbor_item *v, u64 key,
			struct agi_repl_commit *c)
{
	const u8 *b;
	u16 n;

	switch (key) {
	case K_SEQ:
		return agi_cbor_get_uint(v, UINT64_MAX, &c->seq) ? -EBADMSG : 0;
	case K_CYCLE:
		return agi_cbor_get_uint(v, UINT64_MAX, &c->apply_cycle) ?
		       -EBADMSG : 0;
	case K_TIME:
		return agi_cbor_get_uint(v, UINT64_MAX, &c->time) ? -EBADMSG : 0;
	case K_KEYID:
		return agi_cbor_get_fixed(m, v, c->key_id, AGI_KEYID_LEN) ? -EBADMSG : 0;
	case K_BODY:
		if (agi_cbor_get_bytes(m, v, 1, AGI_COMMIT_BODY_MAX, &b, &n))
			return -EBADMSG;
		memcpy(c->body, b, n);
		c->body_len = n;
		return 0;
	case K_SIG:
		return agi_cbor_get_fixed(m, v, c->sig, AGI_SIG_LEN) ? -EBADMSG : 0;
	}
	return -EBADMSG;
}

static int worker_field(const struct agi_cbor_cursor *m,
			const struct agi_cbor_item *v, u64 key,
			struct agi_repl_worker *w)
{
	const char *s;
	u64 x;
	u16 n;

	switch (key) {
	case K_OP:
		if (agi_cbor_get_uint(v, AGI_REPL_WORKER_REMOVE, &x))
			return -EBADMSG;
		w->op = (u8)x;
		return 0;
	case K_ID:
		if (agi_cbor_get_uint(v, UINT32_MAX, &x))
			return -EBADMSG;
		w->id = (u32)x;
		return 0;
	case K_ADDR:
		if (agi_cbor_get_text(m, v, AGI_REPL_ADDR_MAX - 1, &s, &n) ||
		    memchr(s, '\0', n))
			return -EBADMSG;
		memcpy(w->address, s, n);
		w->address[n] = '\0';
		return 0;
	}
	return -EBADMSG;
}

int agi_repl_entry_decode(const uint8_t *buf, size_t len,
			  struct agi_repl_entry *e)
{
	struct agi_cbor_cursor m;
	struct agi_cbor_item key, v;
	u64 k, type, want = K_TYPE + 1, last;

	struct agi_cbor_scanner sc = { .p = buf, .len = (u16)len };
	size_t i;

	if (!len || len > AGI_REPL_ENTRY_MAX || len % 8)
		return -EBADMSG;
	memset(e, 0, sizeof(*e));
	/* The map, then zero bytes up to the next multiple of 8. */
	if (agi_cbor_scan_item(&sc) || len - sc.pos >= 8)
		return -EBADMSG;
	for (i = sc.pos; i < len; i++)
		if (buf[i])
			return -EBADMSG;
	if (agi_cbor_open(&m, buf, sc.pos, AGI_CBOR_MAP))
		return -EBADMSG;
	/* The type comes first and fixes how many keys follow. */
	if (agi_cbor_next_entry(&m, &key, &v) != 1 ||
	    agi_cbor_get_uint(&key, K_TYPE, &k) || k != K_TYPE ||
	    agi_cbor_get_uint(&v, AGI_REPL_WORKER, &type) || !type)
		return -EBADMSG;
	e->type = (u8)type;
	last = type == AGI_REPL_COMMIT ? K_SIG : K_ADDR;
	if (m.left != 2 * (last - K_TYPE))
		return -EBADMSG;
	while (agi_cbor_next_entry(&m, &key, &v) == 1) {
		if (agi_cbor_get_uint(&key, last, &k) || k != want++)
			return -EBADMSG;
		if (type == AGI_REPL_COMMIT ?
		    commit_field(&m, &v, k, &e->commit) :
		    worker_field(&m, &v, k, &e->worker))
			return -EBADMSG;
	}
	if (type == AGI_REPL_COMMIT ? !commit_valid(&e->commit) :
	    !worker_valid(&e->worker))
		return -EBADMSG;
	return 0;
}

int agi_repl_commit_audit(struct agi_audit *a, const struct agi_repl_commit *c,
			  char *err, size_t errlen)
{
	if (a->n_records && c->seq <= a->last_seq)
		return -EALREADY;
	/*
	 * The group's decision: applied at the group's cycle. A replica whose
	 * module then refuses it says so in its log; the record stays the
	 * group's, identical on every replica.
	 */
	if (agi_audit_append(a, c->seq, c->time, c->key_id, c->apply_cycle,
			     NULL, c->body, c->body_len, c->sig, err, errlen))
		return -EIO;
	return 0;
}
