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

#endif /* AGISWARM_CORE_CBOR_H */
