// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Signed operator commits: see commit.h.
 *
 * The body is built as a libcbor item tree whose maps are filled in
 * ascending key order and whose integers get the narrowest width that
 * holds them; libcbor then writes every length and argument in its
 * shortest form, which together is RFC 8949's deterministic encoding for
 * the shapes we use (no floats, no tags, no indefinite lengths). The
 * decoder reads the body back into a struct and re-encodes it: a body that
 * does not come back byte for byte (non-shortest integers, keys out of
 * order or repeated, unknown keys) is malformed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <cbor.h>

#include "commit.h"

/* --- encoding --------------------------------------------------------- */

static cbor_item_t *build_uint(uint64_t v)
{
	if (v <= UINT8_MAX)
		return cbor_build_uint8((uint8_t)v);
	if (v <= UINT16_MAX)
		return cbor_build_uint16((uint16_t)v);
	if (v <= UINT32_MAX)
		return cbor_build_uint32((uint32_t)v);
	return cbor_build_uint64(v);
}

/* CBOR's negative integers carry -1 - v, always within 32 bits here. */
static cbor_item_t *build_s32(int32_t v)
{
	uint32_t m;

	if (v >= 0)
		return build_uint((uint32_t)v);
	m = (uint32_t)(-1 - (int64_t)v);
	if (m <= UINT8_MAX)
		return cbor_build_negint8((uint8_t)m);
	if (m <= UINT16_MAX)
		return cbor_build_negint16((uint16_t)m);
	return cbor_build_negint32(m);
}

/*
 * Adds key -> @value to @map and drops our reference to @value (which may
 * be NULL after a failed build: then nothing is added). False on failure.
 */
static bool map_put(cbor_item_t *map, uint64_t key, cbor_item_t *value)
{
	cbor_item_t *k;
	bool ok;

	if (!value)
		return false;
	k = build_uint(key);
	ok = k && cbor_map_add(map, (struct cbor_pair){ .key = k, .value = value });
	if (k)
		cbor_decref(&k);
	cbor_decref(&value);
	return ok;
}

static cbor_item_t *build_s32_array(const int32_t *v, uint32_t n)
{
	cbor_item_t *a = cbor_new_definite_array(n), *it;
	uint32_t i;
	bool ok;

	for (i = 0; a && i < n; i++) {
		it = build_s32(v[i]);
		ok = it && cbor_array_push(a, it);
		if (it)
			cbor_decref(&it);
		if (!ok)
			cbor_decref(&a);
	}
	return a;
}

/* Big-endian s32s, the wire's packing of vectors. */
static cbor_item_t *build_s32_bytes(const int32_t *v, uint32_t n)
{
	uint8_t buf[4 * AGI_COMMIT_MATRIX_MAX];
	uint32_t i, u;

	for (i = 0; i < n; i++) {
		u = (uint32_t)v[i];
		buf[4 * i] = (uint8_t)(u >> 24);
		buf[4 * i + 1] = (uint8_t)(u >> 16);
		buf[4 * i + 2] = (uint8_t)(u >> 8);
		buf[4 * i + 3] = (uint8_t)u;
	}
	return cbor_build_bytestring(buf, 4 * (size_t)n);
}

static cbor_item_t *build_matrix(const struct agi_commit_changes *ch)
{
	cbor_item_t *m = cbor_new_definite_map(4);

	if (m && !(map_put(m, AGI_MX_FMT, build_uint(ch->matrix.fmt)) &&
		   map_put(m, AGI_MX_ROWS, build_uint(ch->matrix.rows)) &&
		   map_put(m, AGI_MX_COLS, build_uint(ch->matrix.cols)) &&
		   map_put(m, AGI_MX_DATA,
			   build_s32_bytes(ch->matrix.data,
					   ch->matrix.rows * ch->matrix.cols))))
		cbor_decref(&m);
	return m;
}

static cbor_item_t *build_change(const struct agi_commit_changes *ch, int key)
{
	switch (key) {
	case AGI_CH_SETPOINT:
		return build_s32_array(ch->setpoint, ch->n_setpoint);
	case AGI_CH_KP:
		return build_s32(ch->kp);
	case AGI_CH_KI:
		return build_s32(ch->ki);
	case AGI_CH_KD:
		return build_s32(ch->kd);
	case AGI_CH_LO:
		return build_s32(ch->lo);
	case AGI_CH_HI:
		return build_s32(ch->hi);
	case AGI_CH_CYCLE_US:
		return build_uint(ch->cycle_us);
	case AGI_CH_DEADLINE_US:
		return build_uint(ch->deadline_us);
	case AGI_CH_MISS:
		return build_uint(ch->miss);
	case AGI_CH_LAW:
		return build_uint(ch->law);
	case AGI_CH_MATRIX:
		return build_matrix(ch);
	}
	return NULL;
}

static cbor_item_t *build_changes(const struct agi_commit_changes *ch)
{
	cbor_item_t *m = cbor_new_definite_map(__builtin_popcount(ch->present));
	int k;

	for (k = 1; m && k < __AGI_CH_MAX; k++)
		if ((ch->present & AGI_CH_BIT(k)) &&
		    !map_put(m, k, build_change(ch, k)))
			cbor_decref(&m);
	return m;
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
	if (ch->matrix.fmt == AGISWARM_Q_UNSPEC || ch->matrix.fmt > AGISWARM_Q8_24 ||
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

static cbor_item_t *build_body(const struct agi_commit *c)
{
	cbor_item_t *m = cbor_new_definite_map(9);

	if (m && !(map_put(m, AGI_COMMIT_K_VERSION, build_uint(c->version)) &&
		   map_put(m, AGI_COMMIT_K_SEQ, build_uint(c->seq)) &&
		   map_put(m, AGI_COMMIT_K_EPOCH, build_uint(c->epoch)) &&
		   map_put(m, AGI_COMMIT_K_KEYID,
			   cbor_build_bytestring(c->key_id, AGI_KEYID_LEN)) &&
		   map_put(m, AGI_COMMIT_K_NOT_BEFORE, build_uint(c->not_before)) &&
		   map_put(m, AGI_COMMIT_K_NOT_AFTER, build_uint(c->not_after)) &&
		   map_put(m, AGI_COMMIT_K_NONCE,
			   cbor_build_bytestring(c->nonce, AGI_NONCE_LEN)) &&
		   map_put(m, AGI_COMMIT_K_CHANGES, build_changes(&c->changes)) &&
		   map_put(m, AGI_COMMIT_K_APPLY_AT, build_uint(c->apply_at_cycle))))
		cbor_decref(&m);
	return m;
}

/* @item into @buf: the length, -EMSGSIZE or -ENOMEM; drops @item. */
static int serialize(cbor_item_t *item, uint8_t *buf, size_t size)
{
	size_t n;

	if (!item)
		return -ENOMEM;
	n = cbor_serialize(item, buf, size);
	cbor_decref(&item);
	return n ? (int)n : -EMSGSIZE;
}

int agi_commit_encode(const struct agi_commit *c, uint8_t *buf, size_t size)
{
	if (c->version != AGI_COMMIT_VERSION || !changes_valid(&c->changes))
		return -EINVAL;
	if (size > AGI_COMMIT_BODY_MAX)
		size = AGI_COMMIT_BODY_MAX;
	return serialize(build_body(c), buf, size);
}

/* --- decoding --------------------------------------------------------- */

static int get_u64(const cbor_item_t *it, uint64_t max, uint64_t *v)
{
	if (!cbor_isa_uint(it) || cbor_get_int(it) > max)
		return -EBADMSG;
	*v = cbor_get_int(it);
	return 0;
}

static int get_u32(const cbor_item_t *it, uint32_t max, uint32_t *v)
{
	uint64_t w;

	if (get_u64(it, max, &w))
		return -EBADMSG;
	*v = (uint32_t)w;
	return 0;
}

static int get_u8(const cbor_item_t *it, uint8_t max, uint8_t *v)
{
	uint64_t w;

	if (get_u64(it, max, &w))
		return -EBADMSG;
	*v = (uint8_t)w;
	return 0;
}

static int get_s32(const cbor_item_t *it, int32_t *v)
{
	uint64_t n;

	if (!cbor_isa_uint(it) && !cbor_isa_negint(it))
		return -EBADMSG;
	n = cbor_get_int(it);
	if (n > INT32_MAX)
		return -EBADMSG;
	*v = cbor_isa_uint(it) ? (int32_t)n : (int32_t)(-1 - (int64_t)n);
	return 0;
}

/* A definite byte string of exactly @len bytes (any length when 0). */
static const uint8_t *get_bytes(const cbor_item_t *it, size_t len)
{
	if (!cbor_isa_bytestring(it) || !cbor_bytestring_is_definite(it) ||
	    (len && cbor_bytestring_length(it) != len))
		return NULL;
	return cbor_bytestring_handle(it);
}

static int get_setpoint(const cbor_item_t *it, struct agi_commit_changes *ch)
{
	cbor_item_t **v;
	size_t n, i;

	if (!cbor_isa_array(it) || !cbor_array_is_definite(it))
		return -EBADMSG;
	n = cbor_array_size(it);
	if (!n || n > AGI_COMMIT_SETPOINT_MAX)
		return -EBADMSG;
	v = cbor_array_handle(it);
	for (i = 0; i < n; i++)
		if (get_s32(v[i], &ch->setpoint[i]))
			return -EBADMSG;
	ch->n_setpoint = (uint32_t)n;
	return 0;
}

static int get_matrix_data(const cbor_item_t *it, struct agi_commit_changes *ch)
{
	size_t len = cbor_isa_bytestring(it) ? cbor_bytestring_length(it) : 0;
	const uint8_t *b = get_bytes(it, 0);
	size_t i;

	if (!b || !len || len % 4 || len / 4 > AGI_COMMIT_MATRIX_MAX)
		return -EBADMSG;
	for (i = 0; i < len / 4; i++)
		ch->matrix.data[i] = (int32_t)((uint32_t)b[4 * i] << 24 |
					       (uint32_t)b[4 * i + 1] << 16 |
					       (uint32_t)b[4 * i + 2] << 8 |
					       b[4 * i + 3]);
	/* rows * cols must match: checked by changes_valid's caller. */
	return 0;
}

static int get_matrix(const cbor_item_t *it, struct agi_commit_changes *ch)
{
	struct cbor_pair *p;
	size_t i, n_data = 0;
	uint64_t k;
	int err = 0;

	if (!cbor_isa_map(it) || !cbor_map_is_definite(it) ||
	    cbor_map_size(it) != 4)
		return -EBADMSG;
	p = cbor_map_handle(it);
	for (i = 0; i < 4 && !err; i++) {
		if (get_u64(p[i].key, UINT8_MAX, &k) || k != i + 1)
			return -EBADMSG;
		if (k == AGI_MX_FMT)
			err = get_u8(p[i].value, AGISWARM_Q8_24, &ch->matrix.fmt);
		else if (k == AGI_MX_ROWS)
			err = get_u32(p[i].value, AGI_COMMIT_MATRIX_MAX,
				      &ch->matrix.rows);
		else if (k == AGI_MX_COLS)
			err = get_u32(p[i].value, AGI_COMMIT_MATRIX_MAX,
				      &ch->matrix.cols);
		else
			err = get_matrix_data(p[i].value, ch);
	}
	if (!err)
		n_data = cbor_bytestring_length(p[3].value) / 4;
	if (err || (uint64_t)ch->matrix.rows * ch->matrix.cols != n_data)
		return -EBADMSG;
	return 0;
}

static int get_change(const cbor_item_t *v, int key,
		      struct agi_commit_changes *ch)
{
	switch (key) {
	case AGI_CH_SETPOINT:
		return get_setpoint(v, ch);
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
		return get_matrix(v, ch);
	}
	return -EBADMSG;
}

static int get_changes(const cbor_item_t *it, struct agi_commit_changes *ch)
{
	struct cbor_pair *p;
	uint64_t k;
	size_t i;

	if (!cbor_isa_map(it) || !cbor_map_is_definite(it))
		return -EBADMSG;
	p = cbor_map_handle(it);
	for (i = 0; i < cbor_map_size(it); i++) {
		if (get_u64(p[i].key, __AGI_CH_MAX - 1, &k) || !k ||
		    (ch->present & AGI_CH_BIT(k)) ||
		    get_change(p[i].value, (int)k, ch))
			return -EBADMSG;
		ch->present |= AGI_CH_BIT(k);
	}
	return changes_valid(ch) ? 0 : -EBADMSG;
}

static int get_body_field(const cbor_item_t *v, uint64_t key,
			  struct agi_commit *c)
{
	const uint8_t *b;

	switch (key) {
	case AGI_COMMIT_K_VERSION:
		return get_u64(v, AGI_COMMIT_VERSION, &c->version);
	case AGI_COMMIT_K_SEQ:
		return get_u64(v, UINT64_MAX, &c->seq);
	case AGI_COMMIT_K_EPOCH:
		return get_u64(v, UINT64_MAX, &c->epoch);
	case AGI_COMMIT_K_NOT_BEFORE:
		return get_u64(v, UINT64_MAX, &c->not_before);
	case AGI_COMMIT_K_NOT_AFTER:
		return get_u64(v, UINT64_MAX, &c->not_after);
	case AGI_COMMIT_K_CHANGES:
		return get_changes(v, &c->changes);
	case AGI_COMMIT_K_APPLY_AT:
		return get_u64(v, UINT64_MAX, &c->apply_at_cycle);
	case AGI_COMMIT_K_KEYID:
		b = get_bytes(v, AGI_KEYID_LEN);
		if (b)
			memcpy(c->key_id, b, AGI_KEYID_LEN);
		return b ? 0 : -EBADMSG;
	case AGI_COMMIT_K_NONCE:
		b = get_bytes(v, AGI_NONCE_LEN);
		if (b)
			memcpy(c->nonce, b, AGI_NONCE_LEN);
		return b ? 0 : -EBADMSG;
	}
	return -EBADMSG;
}

/* Every key 1..9 exactly once, in order; canonicity is checked after. */
static int get_body(const cbor_item_t *it, struct agi_commit *c)
{
	struct cbor_pair *p;
	uint64_t k;
	size_t i;

	if (!cbor_isa_map(it) || !cbor_map_is_definite(it) ||
	    cbor_map_size(it) != AGI_COMMIT_K_APPLY_AT)
		return -EBADMSG;
	p = cbor_map_handle(it);
	for (i = 0; i < AGI_COMMIT_K_APPLY_AT; i++)
		if (get_u64(p[i].key, UINT8_MAX, &k) || k != i + 1 ||
		    get_body_field(p[i].value, k, c))
			return -EBADMSG;
	return c->version == AGI_COMMIT_VERSION ? 0 : -EBADMSG;
}

int agi_commit_decode(const uint8_t *body, size_t len, struct agi_commit *c)
{
	uint8_t again[AGI_COMMIT_BODY_MAX];
	struct cbor_load_result res;
	cbor_item_t *it;
	int err, n;

	if (!len || len > AGI_COMMIT_BODY_MAX)
		return -EBADMSG;
	it = cbor_load(body, len, &res);
	if (!it)
		return -EBADMSG;
	memset(c, 0, sizeof(*c));
	err = res.error.code != CBOR_ERR_NONE || res.read != len ?
		-EBADMSG : get_body(it, c);
	cbor_decref(&it);
	if (err)
		return err;
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

/* --- datagrams -------------------------------------------------------- */

static void put_header(uint8_t *out, uint8_t type, size_t payload)
{
	out[0] = AGISWARM_WIRE_VERSION;
	out[1] = type;
	out[2] = (uint8_t)(payload >> 8);
	out[3] = (uint8_t)payload;
}

/* The payload of a well-formed datagram of @type, or NULL. */
static const uint8_t *check_header(const uint8_t *dgram, size_t len,
				   uint8_t type, size_t *payload)
{
	if (len < AGISWARM_WIRE_HDR_LEN || len > AGISWARM_WIRE_MAX ||
	    dgram[0] != AGISWARM_WIRE_VERSION || dgram[1] != type ||
	    ((size_t)dgram[2] << 8 | dgram[3]) != len - AGISWARM_WIRE_HDR_LEN)
		return NULL;
	*payload = len - AGISWARM_WIRE_HDR_LEN;
	return dgram + AGISWARM_WIRE_HDR_LEN;
}

/* @item after a wire header of @type: the datagram's length or -errno. */
static int serialize_dgram(cbor_item_t *item, uint8_t type, uint8_t *out,
			   size_t size)
{
	size_t room;
	int n;

	if (size < AGISWARM_WIRE_HDR_LEN) {
		if (item)
			cbor_decref(&item);
		return -EMSGSIZE;
	}
	room = size - AGISWARM_WIRE_HDR_LEN;
	if (room > AGISWARM_WIRE_MAX - AGISWARM_WIRE_HDR_LEN)
		room = AGISWARM_WIRE_MAX - AGISWARM_WIRE_HDR_LEN;
	n = serialize(item, out + AGISWARM_WIRE_HDR_LEN, room);
	if (n < 0)
		return n;
	put_header(out, type, (size_t)n);
	return n + AGISWARM_WIRE_HDR_LEN;
}

int agi_commit_dgram_encode(const uint8_t *body, size_t len,
			    const uint8_t sig[AGI_SIG_LEN], uint8_t *out,
			    size_t size)
{
	cbor_item_t *m;

	if (!len || len > AGI_COMMIT_BODY_MAX)
		return -EMSGSIZE;
	m = cbor_new_definite_map(2);
	if (m && !(map_put(m, AGISWARM_COMMIT_BODY, cbor_build_bytestring(body, len)) &&
		   map_put(m, AGISWARM_COMMIT_SIGNATURE,
			   cbor_build_bytestring(sig, AGI_SIG_LEN))))
		cbor_decref(&m);
	return serialize_dgram(m, AGISWARM_MSG_COMMIT, out, size);
}

/*
 * The map of a datagram's payload, or NULL. The caller decrefs it. Keys
 * that are not small unsigned integers or that the reader does not know
 * are skipped by the callers, as the wire protocol asks.
 */
static cbor_item_t *load_map(const uint8_t *payload, size_t len)
{
	struct cbor_load_result res;
	cbor_item_t *it = cbor_load(payload, len, &res);

	if (it && (res.error.code != CBOR_ERR_NONE || res.read != len ||
		   !cbor_isa_map(it) || !cbor_map_is_definite(it)))
		cbor_decref(&it);
	return it;
}

int agi_commit_dgram_decode(const uint8_t *dgram, size_t len,
			    uint8_t body[AGI_COMMIT_BODY_MAX], size_t *body_len,
			    uint8_t sig[AGI_SIG_LEN])
{
	bool has_body = false, has_sig = false;
	const uint8_t *payload, *b;
	struct cbor_pair *p;
	cbor_item_t *m;
	size_t n, i;

	payload = check_header(dgram, len, AGISWARM_MSG_COMMIT, &n);
	m = payload ? load_map(payload, n) : NULL;
	if (!m)
		return -EBADMSG;
	p = cbor_map_handle(m);
	for (i = 0; i < cbor_map_size(m); i++) {
		if (!cbor_isa_uint(p[i].key))
			continue;
		if (cbor_get_int(p[i].key) == AGISWARM_COMMIT_BODY &&
		    (b = get_bytes(p[i].value, 0)) &&
		    cbor_bytestring_length(p[i].value) <= AGI_COMMIT_BODY_MAX) {
			*body_len = cbor_bytestring_length(p[i].value);
			memcpy(body, b, *body_len);
			has_body = *body_len > 0;
		} else if (cbor_get_int(p[i].key) == AGISWARM_COMMIT_SIGNATURE &&
			   (b = get_bytes(p[i].value, AGI_SIG_LEN))) {
			memcpy(sig, b, AGI_SIG_LEN);
			has_sig = true;
		}
	}
	cbor_decref(&m);
	return has_body && has_sig ? 0 : -EBADMSG;
}

int agi_commit_ack_encode(const struct agi_commit_ack *ack, uint8_t *out,
			  size_t size)
{
	cbor_item_t *m = cbor_new_definite_map(4);

	if (m && !(map_put(m, AGISWARM_COMMIT_ACK_SEQ, build_uint(ack->seq)) &&
		   map_put(m, AGISWARM_COMMIT_ACK_STATUS, build_uint(ack->status)) &&
		   map_put(m, AGISWARM_COMMIT_ACK_REASON, cbor_build_string(ack->reason)) &&
		   map_put(m, AGISWARM_COMMIT_ACK_APPLY_AT, build_uint(ack->apply_at_cycle))))
		cbor_decref(&m);
	return serialize_dgram(m, AGISWARM_MSG_COMMIT_ACK, out, size);
}

static int get_reason(const cbor_item_t *it, char *reason)
{
	size_t n;

	if (!cbor_isa_string(it) || !cbor_string_is_definite(it))
		return -EBADMSG;
	n = cbor_string_length(it);
	if (n >= AGI_REASON_MAX)
		n = AGI_REASON_MAX - 1;
	memcpy(reason, cbor_string_handle(it), n);
	reason[n] = '\0';
	return 0;
}

static int get_ack_field(const cbor_item_t *v, uint64_t key,
			 struct agi_commit_ack *ack)
{
	switch (key) {
	case AGISWARM_COMMIT_ACK_SEQ:
		return get_u64(v, UINT64_MAX, &ack->seq);
	case AGISWARM_COMMIT_ACK_STATUS:
		return get_u8(v, AGI_COMMIT_REJECTED, &ack->status);
	case AGISWARM_COMMIT_ACK_REASON:
		return get_reason(v, ack->reason);
	case AGISWARM_COMMIT_ACK_APPLY_AT:
		return get_u64(v, UINT64_MAX, &ack->apply_at_cycle);
	}
	return 0;	/* a key we do not know */
}

int agi_commit_ack_decode(const uint8_t *dgram, size_t len,
			  struct agi_commit_ack *ack)
{
	const uint8_t *payload;
	struct cbor_pair *p;
	unsigned int seen = 0;
	cbor_item_t *m;
	size_t n, i;
	int err = 0;

	payload = check_header(dgram, len, AGISWARM_MSG_COMMIT_ACK, &n);
	m = payload ? load_map(payload, n) : NULL;
	if (!m)
		return -EBADMSG;
	memset(ack, 0, sizeof(*ack));
	p = cbor_map_handle(m);
	for (i = 0; i < cbor_map_size(m) && !err; i++) {
		if (!cbor_isa_uint(p[i].key))
			continue;
		err = get_ack_field(p[i].value, cbor_get_int(p[i].key), ack);
		if (cbor_get_int(p[i].key) <= AGISWARM_COMMIT_ACK_APPLY_AT)
			seen |= 1U << cbor_get_int(p[i].key);
	}
	cbor_decref(&m);
	/* Seq and status are required; an accepted commit has a cycle. */
	if (err || !(seen & 1U << AGISWARM_COMMIT_ACK_SEQ) ||
	    !(seen & 1U << AGISWARM_COMMIT_ACK_STATUS))
		return -EBADMSG;
	return 0;
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
	if (c->seq <= ctx->last_seq) {
		snprintf(reason, AGI_REASON_MAX,
			 "replayed: seq %" PRIu64 " is not above the last applied %"
			 PRIu64, c->seq, ctx->last_seq);
		return AGI_V_REPLAYED;
	}
	reason[0] = '\0';
	return AGI_V_OK;
}
