/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Reading and writing an unsigned struct member of 1, 2, 4 or 8 bytes
 * through its offset and size, so that one table of fields can drive both
 * a decoder and an encoder (the wire core's fast-path shapes, the daemon's
 * HEARTBEAT and STATUS). memcpy keeps it free of alignment and aliasing
 * assumptions.
 */
#ifndef AGISWARM_CORE_FIELD_H
#define AGISWARM_CORE_FIELD_H

#include "compat.h"

static inline u64 agi_field_load(const void *base, size_t off, size_t size)
{
	const u8 *p = (const u8 *)base + off;
	u16 v16;
	u32 v32;
	u64 v64;

	switch (size) {
	case 1:
		return *p;
	case 2:
		memcpy(&v16, p, 2);
		return v16;
	case 4:
		memcpy(&v32, p, 4);
		return v32;
	}
	memcpy(&v64, p, 8);
	return v64;
}

/* @v must fit in @size bytes: callers range-check it against the member. */
static inline void agi_field_store(void *base, size_t off, size_t size, u64 v)
{
	u8 *p = (u8 *)base + off;
	u16 v16 = (u16)v;
	u32 v32 = (u32)v;

	switch (size) {
	case 1:
		*p = (u8)v;
		return;
	case 2:
		memcpy(p, &v16, 2);
		return;
	case 4:
		memcpy(p, &v32, 4);
		return;
	}
	memcpy(p, &v, 8);
}

#endif /* AGISWARM_CORE_FIELD_H */
