/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The portable core (fixed point, coding, wire shapes) is compiled both into
 * agiswarm.ko and into the userspace programs. This header is the only place
 * that knows which of the two it is being built for: it maps the kernel's
 * fixed-width types, byte-order helpers and errno values onto their userspace
 * equivalents. Core code includes nothing else from libc or the kernel.
 *
 * The core never uses floating point, never allocates, never sleeps and takes
 * no locks: callers own all memory and all serialisation.
 */
#ifndef AGISWARM_CORE_COMPAT_H
#define AGISWARM_CORE_COMPAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/kernel.h>
#include <asm/byteorder.h>
#include <asm/unaligned.h>
#include <linux/math64.h>
#include <linux/build_bug.h>

/* 64-by-32 division; a plain '/' on u64 does not link on 32-bit kernels. */
#define agi_div_u64_rem(n, d, rem) div_u64_rem(n, d, rem)

#define agi_get_be16(p) get_unaligned_be16(p)
#define agi_get_be32(p) get_unaligned_be32(p)
#define agi_get_be64(p) get_unaligned_be64(p)
#define agi_put_be16(v, p) put_unaligned_be16(v, p)
#define agi_put_be32(v, p) put_unaligned_be32(v, p)
#define agi_put_be64(v, p) put_unaligned_be64(v, p)

#else /* userspace */
#include <assert.h>
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <errno.h>

typedef int8_t s8;
typedef uint8_t u8;
typedef int16_t s16;
typedef uint16_t u16;
typedef int32_t s32;
typedef uint32_t u32;
typedef int64_t s64;
typedef uint64_t u64;

#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#define S8_MIN INT8_MIN
#define S16_MIN INT16_MIN
#define S16_MAX INT16_MAX
#define S32_MIN INT32_MIN
#define S32_MAX INT32_MAX
#define S64_MIN INT64_MIN
#define S64_MAX INT64_MAX
#define U16_MAX UINT16_MAX
#define U32_MAX UINT32_MAX
#define U64_MAX UINT64_MAX

static inline u16 agi_get_be16(const void *p)
{
	const u8 *b = p;

	return (u16)(b[0] << 8 | b[1]);
}

static inline u32 agi_get_be32(const void *p)
{
	const u8 *b = p;

	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

static inline u64 agi_get_be64(const void *p)
{
	const u8 *b = p;

	return (u64)agi_get_be32(b) << 32 | agi_get_be32(b + 4);
}

static inline void agi_put_be16(u16 v, void *p)
{
	u8 *b = p;

	b[0] = v >> 8;
	b[1] = v;
}

static inline void agi_put_be32(u32 v, void *p)
{
	u8 *b = p;

	b[0] = v >> 24;
	b[1] = v >> 16;
	b[2] = v >> 8;
	b[3] = v;
}

static inline void agi_put_be64(u64 v, void *p)
{
	agi_put_be32(v >> 32, p);
	agi_put_be32((u32)v, (u8 *)p + 4);
}

static inline u64 agi_div_u64_rem(u64 n, u32 d, u32 *rem)
{
	*rem = (u32)(n % d);
	return n / d;
}
#endif /* __KERNEL__ */

#endif /* AGISWARM_CORE_COMPAT_H */
