/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Deterministic CBOR (RFC 8949 section 4.2.1), checked without allocation
 * or recursion: the generic half of the wire parser (wire.c holds the
 * message shapes). Positions are u16 offsets, since a payload never
 * exceeds AGISWARM_WIRE_MAX bytes. Errors are negated enum agiswarm_counter
 * drop reasons: -AGISWARM_CNT_DROP_MALFORMED for input that is not
 * well-formed (or not valid: text that is not UTF-8, nesting deeper than
 * AGISWARM_WIRE_DEPTH_MAX) and -AGISWARM_CNT_DROP_NONCANONICAL for
 * well-formed input that is not deterministic.
 */
#ifndef AGISWARM_CORE_CBOR_H
#define AGISWARM_CORE_CBOR_H

#include "compat.h"
#include "../uapi/linux/agiswarm.h"

/* Major types. */
enum {
	AGI_CBOR_UINT,
	AGI_CBOR_NINT,
	AGI_CBOR_BSTR,
	AGI_CBOR_TSTR,
	AGI_CBOR_ARRAY,
	AGI_CBOR_MAP,
	AGI_CBOR_TAG,
	AGI_CBOR_SIMPLE,
};

/* Additional information of an indefinite length, or of a break. */
#define AGI_CBOR_INDEFINITE 31

struct agi_cbor_head {
	u8 major;
	u8 ai;		/* additional information, the low 5 bits */
	u64 arg;
};

enum agi_cbor_level_kind {
	AGI_CBOR_LV_ARRAY,
	AGI_CBOR_LV_MAP,
	AGI_CBOR_LV_CHUNKS,
};

/*
 * An open container while scanning. @count items were read of @total (or
 * until a break when @indefinite). Maps keep their last key and the start
 * of the current one to check the order; AGI_CBOR_LV_CHUNKS is an
 * indefinite string whose chunks must be definite strings of @chunk_major.
 */
struct agi_cbor_level {
	u16 total;
	u16 count;
	u16 key;
	u16 prev_key;
	u16 prev_key_end;
	u8 kind;
	u8 indefinite : 1;
	u8 chunk_major : 3;
};

/* Scanner state: about 200 bytes, all of it on the caller's stack. */
struct agi_cbor_scanner {
	const u8 *p;
	u16 len;
	u16 pos;
	u8 sp;			/* open containers */
	u8 depth;		/* containers open around the scanned item */
	bool noncanon;
	struct agi_cbor_level st[AGISWARM_WIRE_DEPTH_MAX];
};

/*
 * Read the head at *@pos of @p (@len bytes) and move *@pos past it; the
 * content of a string is not read. Sets *@noncanon when an integer,
 * length or tag argument is longer than it needs to be.
 */
int agi_cbor_read_head(const u8 *p, u16 len, u16 *pos, struct agi_cbor_head *h,
		       bool *noncanon);

/* Bytewise order of the encodings at [a, a_end) and [b, b_end) of @p. */
int agi_cbor_key_cmp(const u8 *p, u16 a, u16 a_end, u16 b, u16 b_end);

/*
 * Check the one item at sc->pos of sc->p (sc->len bytes), which lies inside
 * sc->depth containers, and move sc->pos past it. Returns 0, or
 * -AGISWARM_CNT_DROP_NONCANONICAL for a well-formed item that is not
 * deterministic (sc->pos is then past it too), or
 * -AGISWARM_CNT_DROP_MALFORMED. The caller sets p, len, pos and depth.
 */
int agi_cbor_scan_item(struct agi_cbor_scanner *sc);

/*
 * Reading a deterministic container item by item.
 *
 * agi_cbor_open() checks a whole buffer first (one item filling it
 * exactly, well-formed, valid and deterministic, nesting bounded as
 * above) and only then hands out its items, so a reader never acts on a
 * payload that turns out to be broken further on, and every count it sees
 * is bounded by the bytes that hold it. The cursor, like the scanner, lives
 * on the caller's stack and never allocates. The wire shapes (wire.c), the
 * daemon's messages and the signed commit body are all read this way.
 */

/**
 * struct agi_cbor_item - one item handed out by a cursor
 * @head: its head (a container's count, a string's length, a number)
 * @start: offset of its head
 * @data: offset right after its head: a string's bytes, a container's
 *	first item
 * @end: offset right after the whole item
 */
struct agi_cbor_item {
	struct agi_cbor_head head;
	u16 start;
	u16 data;
	u16 end;
};

/**
 * struct agi_cbor_cursor - the items of one definite array or map
 * @p: the buffer agi_cbor_open() checked
 * @len: its length
 * @pos: offset of the next item
 * @left: items still to read (a map's entries count twice: key, value)
 * @depth: containers around the items, for the nesting bound
 */
struct agi_cbor_cursor {
	const u8 *p;
	u16 len;
	u16 pos;
	u64 left;
	u8 depth;
};

/*
 * Check that @p (@len bytes) is one deterministic item of major type
 * @major (AGI_CBOR_MAP or AGI_CBOR_ARRAY) and nothing else, and set @c to
 * its items. Returns 0, -AGISWARM_CNT_DROP_MALFORMED (not well-formed or
 * valid, not of @major, trailing bytes) or -AGISWARM_CNT_DROP_NONCANONICAL,
 * the first that applies, as the wire parser classifies.
 */
int agi_cbor_open(struct agi_cbor_cursor *c, const u8 *p, u16 len, u8 major);

/* The next item into @it: 1, or 0 when none is left. */
int agi_cbor_next(struct agi_cbor_cursor *c, struct agi_cbor_item *it);

/* The next map entry: 1, or 0 when none is left. */
int agi_cbor_next_entry(struct agi_cbor_cursor *c, struct agi_cbor_item *key,
			struct agi_cbor_item *value);

/*
 * The items of @it, a container of major type @major that @c handed out,
 * into @in; -AGISWARM_CNT_DROP_BADVALUE when @it is something else.
 */
int agi_cbor_enter(const struct agi_cbor_cursor *c,
		   const struct agi_cbor_item *it, u8 major,
		   struct agi_cbor_cursor *in);

/*
 * Values of items. Each returns 0, or -AGISWARM_CNT_DROP_BADVALUE when @it
 * is of another major type or out of [@min, @max]. A key is a small
 * unsigned integer (agi_cbor_get_uint() with the shape's largest key).
 */
int agi_cbor_get_uint(const struct agi_cbor_item *it, u64 max, u64 *v);
int agi_cbor_get_int(const struct agi_cbor_item *it, s64 min, s64 max,
		     s64 *v);
/* A byte (or text) string of @min..@max bytes; *@b points into c->p. */
int agi_cbor_get_bytes(const struct agi_cbor_cursor *c,
		       const struct agi_cbor_item *it, u16 min, u16 max,
		       const u8 **b, u16 *n);
/* A byte string of exactly @len bytes, copied to @out. */
int agi_cbor_get_fixed(const struct agi_cbor_cursor *c,
		       const struct agi_cbor_item *it, u8 *out, u16 len);
int agi_cbor_get_text(const struct agi_cbor_cursor *c,
		      const struct agi_cbor_item *it, u16 max, const char **s,
		      u16 *n);

/*
 * Writing deterministic CBOR: every head in its shortest form. The caller
 * writes map keys in ascending order (small unsigned keys sort as numbers).
 * @pos keeps counting past @cap, so that one check at the end tells
 * whether everything fitted (agi_cbor_fits()); nothing is written past
 * @cap.
 */
struct agi_cbor_writer {
	u8 *buf;
	size_t cap;
	size_t pos;
};

void agi_cbor_put_raw(struct agi_cbor_writer *w, const void *src, size_t n);
void agi_cbor_put_head(struct agi_cbor_writer *w, u8 major, u64 arg);
/* An integer: major type 0 for v >= 0, 1 (carrying -1 - v) below. */
void agi_cbor_put_int(struct agi_cbor_writer *w, s64 v);
void agi_cbor_put_bytes(struct agi_cbor_writer *w, const void *b, size_t n);
/* @s must be UTF-8 (a receiver refuses other text). */
void agi_cbor_put_text(struct agi_cbor_writer *w, const char *s, size_t n);

static inline bool agi_cbor_fits(const struct agi_cbor_writer *w)
{
	return w->pos <= w->cap;
}

#endif /* AGISWARM_CORE_CBOR_H */
