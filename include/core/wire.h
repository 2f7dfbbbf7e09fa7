/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The wire protocol's fast-path shapes: parser and encoders.
 *
 * A datagram is a 4-byte header (version, type, be16 payload length) and one
 * CBOR map in deterministic encoding (RFC 8949 section 4.2.1) whose keys are
 * small unsigned integers; include/uapi/linux/agiswarm.h documents every
 * shape with a hex example. The kernel parses TASK, RESULT, SENSOR, ACTUATE
 * and ROWS in softirq with this code; userspace uses the same code, so both
 * sides accept and emit exactly the same bytes.
 *
 * The parser is zero-copy (vectors point into the datagram), iterative (the
 * generic CBOR checker in cbor.h keeps AGISWARM_WIRE_DEPTH_MAX levels in
 * about 200 bytes of stack) and never allocates. It checks the whole
 * payload, unknown keys included, and
 * classifies a refused datagram under exactly one enum agiswarm_counter
 * reason, in this order of precedence:
 *
 *   SHORT, OVERSIZE, VERSION, LENGTH, TYPE      header checks, in that order
 *   MALFORMED     not one well-formed CBOR map filling the payload exactly,
 *                 text that is not UTF-8, or nesting deeper than
 *                 AGISWARM_WIRE_DEPTH_MAX
 *   NONCANONICAL  well-formed but not deterministic anywhere in the payload
 *   BADVALUE      a known key holds the wrong major type or is out of range
 *   MISSING       a required key is absent
 *
 * so that a datagram that is both non-canonical and short of a key counts as
 * non-canonical, whatever the order of its bytes.
 */
#ifndef AGISWARM_CORE_WIRE_H
#define AGISWARM_CORE_WIRE_H

#include "compat.h"
#include "wide.h"
#include "../uapi/linux/agiswarm.h"

/*
 * agi_wire_parse(): a well-formed header of a type the fast path leaves to
 * the daemon; only type, payload and payload_len are set.
 */
#define AGI_WIRE_PASS_UP 1

/**
 * struct agi_wire_value - one coded result of a worker
 * @row: the coded row index
 * @sum: the exact dot product of that row with the task's x (mod 2^128)
 */
struct agi_wire_value {
	u16 row;
	struct agi_i128 sum;
};

/**
 * struct agi_wire_vec - a vector of a message, in either of two homes
 * @be: the elements as they travel (big-endian); set by agi_wire_parse() to
 *      point into the datagram, so it lives as long as the datagram does
 * @host: the elements in host form; the encoders use @host when it is not
 *        NULL and @be otherwise, so a parsed message re-encodes as it is.
 *        Which member applies depends on the field: s32 for x and u, s64
 *        for ROWS entries, value for RESULT values.
 * @n: number of elements
 *
 * Read elements with agi_wire_vec_s32(), _s64() or _value(), which work for
 * both homes.
 */
struct agi_wire_vec {
	const u8 *be;
	union {
		const s32 *s32;
		const s64 *s64;
		const struct agi_wire_value *value;
	} host;
	u16 n;
};

/*
 * AGISWARM_MSG_TASK: aggregator -> worker, compute your rows with @x; the
 * last three fields and @gen name the row set binding the aggregator
 * expects the worker to hold (the UAPI header's "Bound row sets").
 */
struct agi_wire_task {
	u64 epoch;
	u64 cycle;
	u32 gen;
	u8 fmt;				/* enum agiswarm_qformat of @x */
	struct agi_wire_vec x;		/* s32 */
	u64 group;			/* the aggregator group's id */
	u64 rows_epoch;			/* epoch the rows were sent in */
	u8 hash[AGISWARM_WIRE_HASH_LEN];	/* of the whole row set */
	u32 job;			/* JOB_TASK only: the job; 0 in TASK */
};

/*
 * AGISWARM_MSG_RESULT: worker -> aggregator, some of the worker's rows.
 * JOB_RESULT is the same with @job; @cycle is then the job's column.
 */
struct agi_wire_result {
	u64 epoch;
	u64 cycle;
	u32 gen;
	u32 worker;
	struct agi_wire_vec values;	/* struct agi_wire_value */
	u32 job;			/* JOB_RESULT only; 0 in RESULT */
};

/* AGISWARM_MSG_SENSOR: plant -> aggregator, a new input vector. */
struct agi_wire_sensor {
	u64 seq;
	u8 fmt;
	struct agi_wire_vec x;		/* s32 */
};

/* AGISWARM_MSG_ACTUATE: aggregator -> actuator, the output of a cycle. */
struct agi_wire_actuate {
	u64 epoch;
	u64 cycle;
	u8 fmt;
	u8 status;			/* enum agiswarm_actuate_status */
	struct agi_wire_vec u;		/* s32 */
};

/* AGISWARM_MSG_ROWS: aggregator -> worker, a chunk of one coded row. */
struct agi_wire_rows {
	u64 epoch;
	u32 gen;
	u16 row;
	u16 ncols;
	u16 offset;			/* column of entries[0] */
	u8 nrows;			/* coded rows the worker holds in @gen */
	struct agi_wire_vec entries;	/* s64, columns offset.. */
	u64 group;			/* the aggregator group's id */
	u8 hash[AGISWARM_WIRE_HASH_LEN];	/* of the whole row set */
	u32 job;			/* JOB_ROWS only: the job; 0 in ROWS */
};

/* AGISWARM_MSG_JOB_CANCEL: aggregator -> worker, drop a job's work. */
struct agi_wire_job_cancel {
	u64 epoch;
	u32 job;
};

/*
 * AGISWARM_MSG_NEED_ROWS: worker -> aggregator, a TASK named a row set the
 * worker does not hold; what it holds (gen 0 and a zero hash: nothing).
 */
struct agi_wire_need_rows {
	u64 epoch;			/* the TASK's */
	u32 gen;
	u8 hash[AGISWARM_WIRE_HASH_LEN];
};

/*
 * AGISWARM_MSG_CYCLE_RECORD: primary -> backup, one part of a cycle's
 * record; @values is the part of x || y || u || I || e_prev at @offset.
 */
struct agi_wire_record {
	u64 epoch;
	u64 cycle;
	u8 status;			/* enum agiswarm_actuate_status */
	u8 fmt;				/* of x and y */
	u8 ufmt;			/* of u */
	u16 nx;
	u16 nu;
	u8 flags;			/* AGISWARM_RECORD_F_* */
	u32 period_us;
	u32 deadline_us;
	u32 gen;
	u64 rows_epoch;
	u16 offset;
	struct agi_wire_vec values;	/* s32 */
	u8 binding[AGISWARM_WIRE_HASH_LEN];
};

/* AGISWARM_MSG_FENCED: worker -> aggregator, a TASK refused as stale. */
struct agi_wire_fenced {
	u64 epoch;			/* the highest the worker has seen */
	u64 stale;			/* the refused TASK's */
	u32 worker;
};

/**
 * struct agi_wire_msg - a parsed datagram, or one to encode
 * @type: enum agiswarm_msg_type
 * @payload: the CBOR payload inside the datagram (set by the parser only)
 * @payload_len: its length in bytes
 * @u: the shape named by @type, for the fast-path types
 */
struct agi_wire_msg {
	u8 type;
	u16 payload_len;
	const u8 *payload;
	union {
		struct agi_wire_task task;
		struct agi_wire_result result;
		struct agi_wire_sensor sensor;
		struct agi_wire_actuate actuate;
		struct agi_wire_rows rows;
		struct agi_wire_need_rows need_rows;
		struct agi_wire_record record;
		struct agi_wire_fenced fenced;
		struct agi_wire_job_cancel job_cancel;
	} u;
};

/**
 * agi_wire_parse() - check and parse one datagram
 * @buf: the datagram, header included
 * @len: its length in bytes
 * @out: the message; its vectors point into @buf
 * @reason: where the drop reason goes when the datagram is refused
 *
 * Checks the header (agi_wire_check_header(), then the type) and, for a
 * fast-path type, the whole payload. Any context; uses no locks and under
 * 512 bytes of stack.
 *
 * Return:
 *  0 when @out holds a fast-path message (TASK, RESULT, SENSOR, ACTUATE,
 *    ROWS, NEED_ROWS, CYCLE_RECORD, FENCED, and a job's JOB_ROWS,
 *    JOB_TASK, JOB_RESULT, JOB_CANCEL)
 *  AGI_WIRE_PASS_UP (>0) when the header is valid and the type is one the
 *    daemon handles; only @out's type, payload and payload_len are set
 *  -EBADMSG when the datagram is refused; *@reason is then its one
 *    AGISWARM_CNT_DROP_* reason (the precedence above), and is written on
 *    no other path
 */
int agi_wire_parse(const u8 *buf, size_t len, struct agi_wire_msg *out,
		   enum agiswarm_counter *reason);

/**
 * agi_wire_sender() - who may send a sealed message of a type
 * @type: an enum agiswarm_msg_type
 *
 * The UAPI header's sender table ("Sealed datagrams"): the kind of peer
 * whose link may send @type. A RESULT or JOB_RESULT moreover only from
 * the WORKER peer whose id it names.
 *
 * Return: an enum agiswarm_peer_kind; AGISWARM_PEER_UNSPEC when no peer
 * may (ACTUATE, and the plain or unknown types).
 */
u8 agi_wire_sender(u8 type);

/**
 * agi_wire_check_header() - check the framing of a datagram
 * @buf: the datagram, header included
 * @len: its length in bytes
 * @reason: where the drop reason goes when the framing is wrong
 *
 * The first checks of agi_wire_parse(), in its order: at least
 * AGISWARM_WIRE_HDR_LEN and at most AGISWARM_WIRE_MAX bytes, version
 * AGISWARM_WIRE_VERSION, and a payload length that is the datagram's
 * length less the header. Not the type: a datagram of any type may be
 * well framed, and a caller that expects one compares buf[1] itself.
 *
 * Return: 0 when the framing is valid; -EBADMSG otherwise, with *@reason
 * AGISWARM_CNT_DROP_SHORT, _OVERSIZE, _VERSION or _LENGTH.
 */
int agi_wire_check_header(const u8 *buf, size_t len,
			  enum agiswarm_counter *reason);

/*
 * The shapes. Every message is a map of small unsigned keys 1..nkeys, all
 * required; each field is an unsigned integer in [min, max] or a vector
 * (a byte string of min..max elements of elem bytes, at most one per
 * shape) living at offset off of the message's struct, size bytes wide
 * (struct agi_wire_vec for a vector). The fast-path shapes live in wire.c;
 * the daemon's flat ones (HEARTBEAT, STATUS) are defined the same way
 * where they are used and go through agi_wire_parse_as() and
 * agi_wire_put_as(), the very code the kernel runs.
 */
#define AGI_WIRE_KEYS_MAX 15

enum agi_wire_field_kind {
	AGI_WIRE_F_UINT,
	AGI_WIRE_F_VEC,
	/* A byte string of exactly @size bytes, held in the message's
	 * struct; at most one per shape.
	 */
	AGI_WIRE_F_BYTES,
};

struct agi_wire_field {
	u8 kind;
	u8 elem;
	u8 off;
	u8 size;
	u64 min;
	u64 max;
};

/*
 * @fields[k - 1] is key k; @fmt_key names the field holding the Q format
 * of the vector (0: none), whose elements are then range-checked.
 */
struct agi_wire_shape {
	u8 type;
	u8 nkeys;
	u8 fmt_key;
	const struct agi_wire_field *fields;
};

#define AGI_WIRE_UINT(type, member, lo, hi) {				\
	.kind = AGI_WIRE_F_UINT, .off = offsetof(type, member),		\
	.size = sizeof(((type *)0)->member), .min = (lo), .max = (hi) }
#define AGI_WIRE_VEC(type, member, elem_size, lo, hi) {			\
	.kind = AGI_WIRE_F_VEC, .elem = (elem_size),			\
	.off = offsetof(type, member),					\
	.size = sizeof(((type *)0)->member), .min = (lo), .max = (hi) }
#define AGI_WIRE_BYTES(type, member) {					\
	.kind = AGI_WIRE_F_BYTES, .off = offsetof(type, member),	\
	.size = sizeof(((type *)0)->member),				\
	.min = sizeof(((type *)0)->member),				\
	.max = sizeof(((type *)0)->member) }

/*
 * Parse @buf as a datagram of @s: the framing checks of
 * agi_wire_check_header(), AGISWARM_CNT_DROP_TYPE unless its type is @s's,
 * then the payload as agi_wire_parse() reads a fast-path one, into the
 * struct at @msg. Returns 0, or -EBADMSG with the drop reason in *@reason.
 */
int agi_wire_parse_as(const u8 *buf, size_t len,
		      const struct agi_wire_shape *s, void *msg,
		      enum agiswarm_counter *reason);
/* Encode the struct at @msg as a datagram of @s; like agi_wire_put(). */
size_t agi_wire_put_as(u8 *buf, size_t cap, const struct agi_wire_shape *s,
		       const void *msg);

/* The header of a datagram of @type whose payload is @payload_len bytes. */
void agi_wire_put_header(u8 *buf, u8 type, u16 payload_len);

/* Whether the kernel's fast path parses messages of @type. */
bool agi_wire_is_fast_path(u8 type);

/*
 * Encoders: write the whole datagram (header included) into @buf and return
 * its length, or 0 when the message breaks a limit the parser enforces (so
 * nothing is ever sent that a peer would drop) or does not fit in @cap.
 */
size_t agi_wire_put_task(u8 *buf, size_t cap, const struct agi_wire_task *t);
size_t agi_wire_put_result(u8 *buf, size_t cap,
			   const struct agi_wire_result *r);
size_t agi_wire_put_sensor(u8 *buf, size_t cap,
			   const struct agi_wire_sensor *s);
size_t agi_wire_put_actuate(u8 *buf, size_t cap,
			    const struct agi_wire_actuate *a);
size_t agi_wire_put_rows(u8 *buf, size_t cap, const struct agi_wire_rows *r);
size_t agi_wire_put_need_rows(u8 *buf, size_t cap,
			      const struct agi_wire_need_rows *n);
size_t agi_wire_put_record(u8 *buf, size_t cap,
			   const struct agi_wire_record *r);
size_t agi_wire_put_fenced(u8 *buf, size_t cap,
			   const struct agi_wire_fenced *f);

/* Encode @m by its @type (fast-path types only; 0 for the others). */
size_t agi_wire_put(u8 *buf, size_t cap, const struct agi_wire_msg *m);

/* Element @i of @v; the caller keeps @i < @v->n. */
static inline s32 agi_wire_vec_s32(const struct agi_wire_vec *v, u16 i)
{
	if (v->host.s32)
		return v->host.s32[i];
	return (s32)agi_get_be32(v->be + 4 * i);
}

static inline s64 agi_wire_vec_s64(const struct agi_wire_vec *v, u16 i)
{
	if (v->host.s64)
		return v->host.s64[i];
	return (s64)agi_get_be64(v->be + 8 * i);
}

static inline struct agi_wire_value agi_wire_vec_value(
	const struct agi_wire_vec *v, u16 i)
{
	struct agi_wire_value val;
	const u8 *p;

	if (v->host.value)
		return v->host.value[i];
	p = v->be + AGISWARM_WIRE_VALUE_LEN * i;
	val.row = agi_get_be16(p);
	val.sum = agi_i128_get_be(p + 2);
	return val;
}

#endif /* AGISWARM_CORE_WIRE_H */
