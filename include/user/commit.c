// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Signed operator commits: see commit.h.
 *
 * The body is written with the core's CBOR writer (include/core/cbor.c),
 * which puts every head in its shortest form; keys go out in ascending
 * order: together RFC 8949's deterministic encoding. It is read with the
 * core's bounded cursor, which refuses anything that is not one
 * deterministic map before a value is looked at, and then re-encoded: a
 * body that does not come back byte for byte (an unknown key, a key
 * missing or out of place, a value out of its range) is malformed, so one
 * commit has exactly one signed form.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/cbor.h"
#include "commit.h"

/* --- encoding --------------------------------------------------------- */

static void put_matrix(struct agi_cbor_writer *w,
		       const struct agi_commit_changes *ch)
{
	u32 i, n = ch->matrix.rows * ch->matrix.cols;
	u8 be[4];

	agi_cbor_put_head(w, AGI_CBOR_MAP, 4);
	agi_cbor_put_head(w, AGI_CBOR_UINT, AGI_MX_FMT);
	agi_cbor_put_head(w, AGI_CBOR_UINT, ch->matrix.fmt);
	agi_cbor_put_head(w, AGI_CBOR_UINT, AGI_MX_ROWS);
	agi_cbor_put_head(w, AGI_CBOR_UINT, ch->matrix.rows);
	agi_cbor_put_head(w, AGI_CBOR_UINT, AGI_MX_COLS);
	agi_cbor_put_head(w, AGI_CBOR_UINT, ch->matrix.cols);
	agi_cbor_put_head(w, AGI_CBOR_UINT, AGI_MX_DATA);
	/* Big-endian s32s, the wire's packing of vectors. */
	agi_cbor_put_head(w, AGI_CBOR_BSTR, 4 * (u64)n);
	for (i = 0; i < n; i++) {
		agi_put_be32((u32)ch->matrix.data[i], be);
		agi_cbor_put_raw(w, be, sizeof(be));
	}
}

static void put_change(struct agi_cbor_writer *w,
		       const struct agi_commit_changes *ch, int key)
{
	u32 i;

	switch (key) {
	case AGI_CH_SETPOINT:
		agi_cbor_put_head(w, AGI_CBOR_ARRAY, ch->n_setpoint);
		for (i = 0; i < ch->n_setpoint; i++)
			agi_cbor_put_int(w, ch->setpoint[i]);
		break;
	case AGI_CH_KP:
		agi_cbor_put_int(w, ch->kp);
		break;
	case AGI_CH_KI:
		agi_cbor_put_int(w, ch->ki);
		break;
	case AGI_CH_KD:
		agi_cbor_put_int(w, ch->kd);
		break;
	case AGI_CH_LO:
		agi_cbor_put_int(w, ch->lo);
		break;
	case AGI_CH_HI:
		agi_cbor_put_int(w, ch->hi);
		break;
	case AGI_CH_CYCLE_US:
		agi_cbor_put_head(w, AGI_CBOR_UINT, ch->cycle_us);
		break;
	case AGI_CH_DEADLINE_US:
		agi_cbor_put_head(w, AGI_CBOR_UINT, ch->deadline_us);
		break;
	case AGI_CH_MISS:
		agi_cbor_put_head(w, AGI_CBOR_UINT, ch->miss);
		break;
	case AGI_CH_LAW:
		agi_cbor_put_head(w, AGI_CBOR_UINT, ch->law);
		break;
	case AGI_CH_MATRIX:
		put_matrix(w, ch);
		break;
	case AGI_CH_RESUME:
		agi_cbor_put_head(w, AGI_CBOR_UINT, 1);
		break;
	}
}

static void put_changes(struct agi_cbor_writer *w,
			const struct agi_commit_changes *ch)
{
	int k;

	agi_cbor_put_head(w, AGI_CBOR_MAP, __builtin_popcount(ch->present));
	for (k = 1; k < __AGI_CH_MAX; k++) {
		if (!(ch->present & AGI_CH_BIT(k)))
			continue;
		agi_cbor_put_head(w, AGI_CBOR_UINT, (u64)k);
		put_change(w, ch, k);
	}
}

static bool in_format(int32_t v, uint8_t fmt)
{
	return fmt != AGISWARM_Q1_15 || (v >= INT16_MIN && v <= INT16_MAX);
}

/* The ranges of commit.h: what a daemon could actually apply. */
static bool changes_valid(const struct agi_commit_changes *ch)
{
	uint32_t all = 0, i, n;
	int k;

	for (k = 1; k < __AGI_CH_MAX; k++)
		all |= AGI_CH_BIT(k);
	if (!ch->present || (ch->present & ~all))
		return false;
	if ((ch->present & AGI_CH_BIT(AGI_CH_SETPOINT)) &&
	    (!ch->n_setpoint || ch->n_setpoint > AGI_COMMIT_SETPOINT_MAX))
		return false;
	if ((ch->present & AGI_CH_BIT(AGI_CH_LO)) &&
	    (ch->present & AGI_CH_BIT(AGI_CH_HI)) && ch->lo > ch->hi)
		return false;
	if ((ch->present & AGI_CH_BIT(AGI_CH_CYCLE_US)) &&
	    (!ch->cycle_us || ch->cycle_us > 10000000))
		return false;
	if ((ch->present & AGI_CH_BIT(AGI_CH_DEADLINE_US)) &&
	    (!ch->deadline_us ||
	     ((ch->present & AGI_CH_BIT(AGI_CH_CYCLE_US)) &&
	      ch->deadline_us > ch->cycle_us)))
		return false;
	if ((ch->present & AGI_CH_BIT(AGI_CH_MISS)) && ch->miss > AGISWARM_MISS_MAX)
		return false;
	if ((ch->present & AGI_CH_BIT(AGI_CH_LAW)) && ch->law > AGISWARM_LAW_MAX)
		return false;
	if (!(ch->present & AGI_CH_BIT(AGI_CH_MATRIX)))
		return true;
	if (ch->matrix.fmt == AGISWARM_Q_UNSPEC || ch->matrix.fmt > AGISWARM_Q_MAX ||
	    !ch->matrix.rows || !ch->matrix.cols ||
	    ch->matrix.rows > AGI_COMMIT_MATRIX_MAX ||
	    ch->matrix.cols > AGI_COMMIT_MATRIX_MAX / ch->matrix.rows)
		return false;
	n = ch->matrix.rows * ch->matrix.cols;
	for (i = 0; i < n; i++)
		if (!in_format(ch->matrix.data[i], ch->matrix.fmt))
			return false;
	return true;
}

int agi_commit_encode(const struct agi_commit *c, uint8_t *buf, size_t size)
{
	struct agi_cbor_writer w = { .buf = buf, .cap = size };

	if (c->version != AGI_COMMIT_VERSION || !c->swarm ||
	    !changes_valid(&c->changes))
		return -EINVAL;
	if (w.cap > AGI_COMMIT_BODY_MAX)
		w.cap = AGI_COMMIT_BODY_MAX;
	agi_cbor_put_head(&w, AGI_CBOR_MAP, AGI_COMMIT_K_NODE);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, AGI_COMMIT_K_VERSION);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, c->version);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, AGI_COMMIT_K_SEQ);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, c->seq);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, AGI_COMMIT_K_EPOCH);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, c->epoch);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, AGI_COMMIT_K_KEYID);
	agi_cbor_put_bytes(&w, c->key_id, AGI_KEYID_LEN);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, AGI_COMMIT_K_NOT_BEFORE);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, c->not_before);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, AGI_COMMIT_K_NOT_AFTER);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, c->not_after);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, AGI_COMMIT_K_NONCE);
	agi_cbor_put_bytes(&w, c->nonce, AGI_NONCE_LEN);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, AGI_COMMIT_K_CHANGES);
	put_changes(&w, &c->changes);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, AGI_COMMIT_K_APPLY_AT);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, c->apply_at_cycle);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, AGI_COMMIT_K_SWARM);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, c->swarm);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, AGI_COMMIT_K_NODE);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, c->node);
	return agi_cbor_fits(&w) ? (int)w.pos : -EMSGSIZE;
}

/* --- decoding --------------------------------------------------------- */

/* Any failure below is just a malformed body. */
#define BAD(x) ((x) ? -EBADMSG : 0)

static int get_u32(const struct agi_cbor_item *it, u32 max, u32 *v)
{
	u64 w;

	if (agi_cbor_get_uint(it, max, &w))
		return -EBADMSG;
	*v = (u32)w;
	return 0;
}

static int get_u8(const struct agi_cbor_item *it, u8 max, u8 *v)
{
	u64 w;

	if (agi_cbor_get_uint(it, max, &w))
		return -EBADMSG;
	*v = (u8)w;
	return 0;
}

static int get_s32(const struct agi_cbor_item *it, s32 *v)
{
	s64 w;

	if (agi_cbor_get_int(it, S32_MIN, S32_MAX, &w))
		return -EBADMSG;
	*v = (s32)w;
	return 0;
}

static int get_setpoint(const struct agi_cbor_cursor *c,
			const struct agi_cbor_item *it,
			struct agi_commit_changes *ch)
{
	struct agi_cbor_cursor a;
	struct agi_cbor_item el;
	u32 n = 0;

	if (agi_cbor_enter(c, it, AGI_CBOR_ARRAY, &a) || !a.left ||
	    a.left > AGI_COMMIT_SETPOINT_MAX)
		return -EBADMSG;
	while (agi_cbor_next(&a, &el) == 1)
		if (get_s32(&el, &ch->setpoint[n++]))
			return -EBADMSG;
	ch->n_setpoint = n;
	return 0;
}

static int get_matrix_data(const struct agi_cbor_cursor *c,
			   const struct agi_cbor_item *it,
			   struct agi_commit_changes *ch)
{
	const u8 *b;
	u16 len, i;

	if (agi_cbor_get_bytes(c, it, 4, 4 * AGI_COMMIT_MATRIX_MAX, &b, &len) ||
	    len % 4)
		return -EBADMSG;
	for (i = 0; i < len / 4; i++)
		ch->matrix.data[i] = (s32)agi_get_be32(b + 4 * i);
	/* rows * cols must match: checked by get_matrix. */
	return (u64)ch->matrix.rows * ch->matrix.cols == len / 4 ? 0 : -EBADMSG;
}

/* {1 fmt, 2 rows, 3 cols, 4 data}, every key, in order. */
static int get_matrix(const struct agi_cbor_cursor *c,
		      const struct agi_cbor_item *it,
		      struct agi_commit_changes *ch)
{
	struct agi_cbor_item key, v;
	struct agi_cbor_cursor m;
	u64 k, want = AGI_MX_FMT;
	int err = 0;

	if (agi_cbor_enter(c, it, AGI_CBOR_MAP, &m) || m.left != 2 * 4)
		return -EBADMSG;
	while (!err && agi_cbor_next_entry(&m, &key, &v) == 1) {
		if (agi_cbor_get_uint(&key, AGI_MX_DATA, &k) || k != want++)
			return -EBADMSG;
		if (k == AGI_MX_FMT)
			err = get_u8(&v, AGISWARM_Q_MAX, &ch->matrix.fmt);
		else if (k == AGI_MX_ROWS)
			err = get_u32(&v, AGI_COMMIT_MATRIX_MAX, &ch->matrix.rows);
		else if (k == AGI_MX_COLS)
			err = get_u32(&v, AGI_COMMIT_MATRIX_MAX, &ch->matrix.cols);
		else
			err = get_matrix_data(&m, &v, ch);
	}
	return err;
}

static int get_change(const struct agi_cbor_cursor *c,
		      const struct agi_cbor_item *v, int key,
		      struct agi_commit_changes *ch)
{
	switch (key) {
	case AGI_CH_SETPOINT:
		return get_setpoint(c, v, ch);
	case AGI_CH_KP:
		return get_s32(v, &ch->kp);
	case AGI_CH_KI:
		return get_s32(v, &ch->ki);
	case AGI_CH_KD:
		return get_s32(v, &ch->kd);
	case AGI_CH_LO:
		return get_s32(v, &ch->lo);
	case AGI_CH_HI:
		return get_s32(v, &ch->hi);
	case AGI_CH_CYCLE_US:
		return get_u32(v, UINT32_MAX, &ch->cycle_us);
	case AGI_CH_DEADLINE_US:
		return get_u32(v, UINT32_MAX, &ch->deadline_us);
	case AGI_CH_MISS:
		return get_u8(v, UINT8_MAX, &ch->miss);
	case AGI_CH_LAW:
		return get_u8(v, UINT8_MAX, &ch->law);
	case AGI_CH_MATRIX:
		return get_matrix(c, v, ch);
	case AGI_CH_RESUME: {
		u8 one;

		return get_u8(v, 1, &one) || one != 1 ? -EBADMSG : 0;
	}
	}
	return -EBADMSG;
}

static int get_changes(const struct agi_cbor_cursor *c,
		       const struct agi_cbor_item *it,
		       struct agi_commit_changes *ch)
{
	struct agi_cbor_item key, v;
	struct agi_cbor_cursor m;
	u64 k;

	if (agi_cbor_enter(c, it, AGI_CBOR_MAP, &m))
		return -EBADMSG;
	while (agi_cbor_next_entry(&m, &key, &v) == 1) {
		if (agi_cbor_get_uint(&key, __AGI_CH_MAX - 1, &k) || !k ||
		    (ch->present & AGI_CH_BIT(k)) ||
		    get_change(&m, &v, (int)k, ch))
			return -EBADMSG;
		ch->present |= AGI_CH_BIT(k);
	}
	return changes_valid(ch) ? 0 : -EBADMSG;
}

static int get_body_field(const struct agi_cbor_cursor *c,
			  const struct agi_cbor_item *v, u64 key,
			  struct agi_commit *cm)
{
	switch (key) {
	case AGI_COMMIT_K_VERSION:
		return BAD(agi_cbor_get_uint(v, AGI_COMMIT_VERSION,
					     &cm->version));
	case AGI_COMMIT_K_SEQ:
		return BAD(agi_cbor_get_uint(v, UINT64_MAX, &cm->seq));
	case AGI_COMMIT_K_EPOCH:
		return BAD(agi_cbor_get_uint(v, UINT64_MAX, &cm->epoch));
	case AGI_COMMIT_K_NOT_BEFORE:
		return BAD(agi_cbor_get_uint(v, UINT64_MAX, &cm->not_before));
	case AGI_COMMIT_K_NOT_AFTER:
		return BAD(agi_cbor_get_uint(v, UINT64_MAX, &cm->not_after));
	case AGI_COMMIT_K_CHANGES:
		return get_changes(c, v, &cm->changes);
	case AGI_COMMIT_K_APPLY_AT:
		return BAD(agi_cbor_get_uint(v, UINT64_MAX,
					     &cm->apply_at_cycle));
	case AGI_COMMIT_K_SWARM:
		return BAD(agi_cbor_get_uint(v, UINT64_MAX, &cm->swarm));
	case AGI_COMMIT_K_NODE:
		return get_u32(v, UINT32_MAX, &cm->node);
	case AGI_COMMIT_K_KEYID:
		return BAD(agi_cbor_get_fixed(c, v, cm->key_id, AGI_KEYID_LEN));
	case AGI_COMMIT_K_NONCE:
		return BAD(agi_cbor_get_fixed(c, v, cm->nonce, AGI_NONCE_LEN));
	}
	return -EBADMSG;
}

/* Every key 1..11 exactly once, in order; canonicity is checked after. */
int agi_commit_decode(const uint8_t *body, size_t len, struct agi_commit *c)
{
	uint8_t again[AGI_COMMIT_BODY_MAX];
	struct agi_cbor_item key, v;
	struct agi_cbor_cursor m;
	u64 k, want = AGI_COMMIT_K_VERSION;
	int n;

	if (!len || len > AGI_COMMIT_BODY_MAX)
		return -EBADMSG;
	memset(c, 0, sizeof(*c));
	if (agi_cbor_open(&m, body, (u16)len, AGI_CBOR_MAP) ||
	    m.left != 2 * AGI_COMMIT_K_NODE)
		return -EBADMSG;
	while (agi_cbor_next_entry(&m, &key, &v) == 1) {
		if (agi_cbor_get_uint(&key, AGI_COMMIT_K_NODE, &k) ||
		    k != want++ || get_body_field(&m, &v, k, c))
			return -EBADMSG;
	}
	if (c->version != AGI_COMMIT_VERSION)
		return -EBADMSG;
	n = agi_commit_encode(c, again, sizeof(again));
	if (n != (int)len || memcmp(again, body, len))
		return -EBADMSG;
	return 0;
}

/* --- signatures ------------------------------------------------------- */

/* "AGISWARM-COMMIT-v1" || 0x00 || body into @msg; its length or 0. */
static size_t signed_message(const uint8_t *body, size_t len, uint8_t *msg)
{
	if (len > AGI_COMMIT_BODY_MAX)
		return 0;
	memcpy(msg, AGI_COMMIT_DOMAIN, sizeof(AGI_COMMIT_DOMAIN));
	memcpy(msg + sizeof(AGI_COMMIT_DOMAIN), body, len);
	return sizeof(AGI_COMMIT_DOMAIN) + len;
}

void agi_commit_sign(const uint8_t *body, size_t len,
		     const uint8_t sk[AGI_SK_LEN], uint8_t sig[AGI_SIG_LEN])
{
	uint8_t msg[sizeof(AGI_COMMIT_DOMAIN) + AGI_COMMIT_BODY_MAX];
	size_t n = signed_message(body, len, msg);

	/* An oversized body gets a signature no verifier accepts. */
	if (!n) {
		memset(sig, 0, AGI_SIG_LEN);
		return;
	}
	agi_ed25519_sign(msg, n, sk, sig);
}

bool agi_commit_sig_ok(const uint8_t *body, size_t len,
		       const uint8_t pk[AGI_PK_LEN],
		       const uint8_t sig[AGI_SIG_LEN])
{
	uint8_t msg[sizeof(AGI_COMMIT_DOMAIN) + AGI_COMMIT_BODY_MAX];
	size_t n = signed_message(body, len, msg);

	return n && agi_ed25519_verify(msg, n, pk, sig);
}

/* --- what a commit does to the node -------------------------------- */

void agi_commit_node_req(const struct agi_commit_changes *ch,
			 struct agi_node_req *r)
{
	static const struct {
		int key;
		u32 bit;
	} pid_keys[] = {
		{ AGI_CH_KP, AGI_PID_KP }, { AGI_CH_KI, AGI_PID_KI },
		{ AGI_CH_KD, AGI_PID_KD }, { AGI_CH_LO, AGI_PID_LO },
		{ AGI_CH_HI, AGI_PID_HI }, { AGI_CH_SETPOINT, AGI_PID_SETPOINT },
	};
	u32 p = ch->present;
	size_t i;

	memset(r, 0, sizeof(*r));
	if (p & AGI_CH_BIT(AGI_CH_CYCLE_US)) {
		r->present |= AGI_NODE_CYCLE;
		r->cycle_us = ch->cycle_us;
	}
	if (p & AGI_CH_BIT(AGI_CH_DEADLINE_US)) {
		r->present |= AGI_NODE_DEADLINE;
		r->deadline_us = ch->deadline_us;
	}
	if (p & AGI_CH_BIT(AGI_CH_MISS)) {
		r->present |= AGI_NODE_MISS;
		r->miss = ch->miss;
	}
	if (p & AGI_CH_BIT(AGI_CH_LAW)) {
		r->present |= AGI_NODE_LAW;
		r->law = ch->law;
	}
	if (p & AGI_CH_BIT(AGI_CH_RESUME)) {
		r->present |= AGI_NODE_ESTOP;
		r->estop = 0;
	}
	for (i = 0; i < ARRAY_SIZE(pid_keys); i++)
		if (p & AGI_CH_BIT(pid_keys[i].key))
			r->pid.present |= pid_keys[i].bit;
	if (!r->pid.present)
		return;
	r->present |= AGI_NODE_PID;
	r->pid.kp = ch->kp;
	r->pid.ki = ch->ki;
	r->pid.kd = ch->kd;
	r->pid.lo = ch->lo;
	r->pid.hi = ch->hi;
	r->pid.n_setpoint = ch->n_setpoint;
	memcpy(r->pid.setpoint, ch->setpoint,
	       ch->n_setpoint * sizeof(*ch->setpoint));
}

/* --- verification ----------------------------------------------------- */

enum agi_verdict agi_commit_verify(const struct agi_verify_ctx *ctx,
				   const uint8_t *body, size_t len,
				   const uint8_t sig[AGI_SIG_LEN],
				   struct agi_commit *c, char *reason)
{
	const struct agi_authkey *key;
	char id[AGI_KEYID_HEX_LEN];
	struct agi_commit local;
	uint64_t base;

	if (!c)
		c = &local;
	if (agi_commit_decode(body, len, c)) {
		snprintf(reason, AGI_REASON_MAX, "malformed commit");
		return AGI_V_MALFORMED;
	}
	if (ctx->skip_signature)
		goto checked;
	key = agi_keyring_find(ctx->keys, c->key_id);
	if (!key) {
		agi_key_id_hex(c->key_id, id);
		snprintf(reason, AGI_REASON_MAX, "unknown key %s", id);
		return AGI_V_UNKNOWN_KEY;
	}
	if (!agi_commit_sig_ok(body, len, key->pk, sig)) {
		snprintf(reason, AGI_REASON_MAX, "bad signature");
		return AGI_V_BAD_SIGNATURE;
	}
checked:
	if (ctx->now < c->not_before || ctx->now > c->not_after) {
		snprintf(reason, AGI_REASON_MAX,
			 "stale: window %" PRIu64 "..%" PRIu64
			 " does not contain now %" PRIu64,
			 c->not_before, c->not_after, ctx->now);
		return AGI_V_STALE;
	}
	if (c->not_after - c->not_before > ctx->max_window) {
		snprintf(reason, AGI_REASON_MAX,
			 "window too long: %" PRIu64 "..%" PRIu64 " is %" PRIu64
			 " s, at most %" PRIu64 " s",
			 c->not_before, c->not_after,
			 c->not_after - c->not_before, ctx->max_window);
		return AGI_V_WINDOW_TOO_LONG;
	}
	if (c->epoch != ctx->epoch) {
		snprintf(reason, AGI_REASON_MAX,
			 "epoch %" PRIu64 " is not the current epoch %" PRIu64,
			 c->epoch, ctx->epoch);
		return AGI_V_EPOCH;
	}
	if (c->swarm != ctx->swarm || (c->node && c->node != ctx->node)) {
		snprintf(reason, AGI_REASON_MAX,
			 "commit for swarm %" PRIu64 " node %" PRIu32
			 ", this is swarm %" PRIu64 " node %" PRIu32,
			 c->swarm, c->node, ctx->swarm, ctx->node);
		return AGI_V_TARGET;
	}
	if (c->seq <= ctx->last_seq) {
		snprintf(reason, AGI_REASON_MAX,
			 "replayed: seq %" PRIu64 " is not above the last applied %"
			 PRIu64, c->seq, ctx->last_seq);
		return AGI_V_REPLAYED;
	}
	base = ctx->now * 1000 > ctx->last_seq ? ctx->now * 1000 :
						  ctx->last_seq;
	if (c->seq - base > AGI_COMMIT_SEQ_WINDOW && c->seq > base) {
		snprintf(reason, AGI_REASON_MAX,
			 "seq %" PRIu64 " is more than %llu past %" PRIu64
			 " (the larger of the last applied seq and the clock in ms)",
			 c->seq, AGI_COMMIT_SEQ_WINDOW, base);
		return AGI_V_SEQ_JUMP;
	}
	reason[0] = '\0';
	return AGI_V_OK;
}
