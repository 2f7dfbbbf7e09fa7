/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * 128-bit two's complement integers for exact accumulation.
 *
 * The fixed-point and coding specifications (fixed.h, code.h) require dot
 * products and coded results to be computed exactly
 * (at least 64 + ceil(log2 n) bits) with a single rounding at the end. The
 * core must also build for 32-bit, FPU-less routers where the compiler has no
 * __int128, so the value is kept as two u64 words and every operation below
 * is the ring Z/2^128. Only the 64x64->128 primitive has a fast path when the
 * compiler offers a native 128-bit type; AGI_WIDE_PORTABLE forces the
 * portable path so the native tests exercise both.
 */
#ifndef AGISWARM_CORE_WIDE_H
#define AGISWARM_CORE_WIDE_H

#include "compat.h"

/**
 * struct agi_i128 - an element of Z/2^128, read as two's complement
 * @lo: bits 0..63
 * @hi: bits 64..127; bit 127 is the sign when the value is read as signed
 */
struct agi_i128 {
	u64 lo;
	u64 hi;
};

static inline struct agi_i128 agi_i128_from_s64(s64 v)
{
	struct agi_i128 r = { .lo = (u64)v, .hi = v < 0 ? U64_MAX : 0 };

	return r;
}

static inline struct agi_i128 agi_i128_add(struct agi_i128 a, struct agi_i128 b)
{
	struct agi_i128 r;

	r.lo = a.lo + b.lo;
	r.hi = a.hi + b.hi + (r.lo < a.lo);
	return r;
}

static inline struct agi_i128 agi_i128_sub(struct agi_i128 a, struct agi_i128 b)
{
	struct agi_i128 r;

	r.lo = a.lo - b.lo;
	r.hi = a.hi - b.hi - (a.lo < b.lo);
	return r;
}

static inline struct agi_i128 agi_i128_neg(struct agi_i128 a)
{
	struct agi_i128 zero = { 0, 0 };

	return agi_i128_sub(zero, a);
}

/* Full unsigned product of two u64 words. */
static inline struct agi_i128 agi_u64_mul_wide(u64 a, u64 b)
{
	struct agi_i128 r;
#if defined(__SIZEOF_INT128__) && !defined(AGI_WIDE_PORTABLE)
	unsigned __int128 p = (unsigned __int128)a * b;

	r.lo = (u64)p;
	r.hi = (u64)(p >> 64);
#else
	u64 a_lo = (u32)a, a_hi = a >> 32, b_lo = (u32)b, b_hi = b >> 32;
	u64 ll = a_lo * b_lo, lh = a_lo * b_hi, hl = a_hi * b_lo, hh = a_hi * b_hi;
	u64 mid = (ll >> 32) + (u32)lh + (u32)hl;

	r.lo = (mid << 32) | (u32)ll;
	r.hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
#endif
	return r;
}

/* Product in Z/2^128 (exact whenever the true product fits in 128 bits). */
static inline struct agi_i128 agi_i128_mul(struct agi_i128 a, struct agi_i128 b)
{
	struct agi_i128 r = agi_u64_mul_wide(a.lo, b.lo);

	r.hi += a.hi * b.lo + a.lo * b.hi;
	return r;
}

/* Exact product of two s64 (|a*b| <= 2^126 always fits). */
static inline struct agi_i128 agi_i128_mul_s64(s64 a, s64 b)
{
	return agi_i128_mul(agi_i128_from_s64(a), agi_i128_from_s64(b));
}

static inline bool agi_i128_is_neg(struct agi_i128 a)
{
	return (s64)a.hi < 0;
}

static inline bool agi_i128_eq(struct agi_i128 a, struct agi_i128 b)
{
	return a.lo == b.lo && a.hi == b.hi;
}

/* Signed comparison: negative, zero or positive like memcmp. */
static inline int agi_i128_cmp(struct agi_i128 a, struct agi_i128 b)
{
	if (a.hi != b.hi)
		return (s64)a.hi < (s64)b.hi ? -1 : 1;
	if (a.lo != b.lo)
		return a.lo < b.lo ? -1 : 1;
	return 0;
}

/* Arithmetic (flooring) shift right by 0..127 bits. */
static inline struct agi_i128 agi_i128_sar(struct agi_i128 a, unsigned int s)
{
	struct agi_i128 r;
	u64 sign = agi_i128_is_neg(a) ? U64_MAX : 0;

	if (s == 0)
		return a;
	if (s < 64) {
		r.lo = (a.lo >> s) | (a.hi << (64 - s));
		r.hi = (a.hi >> s) | (sign << (64 - s));
	} else {
		r.lo = s == 64 ? a.hi : (a.hi >> (s - 64)) | (sign << (128 - s));
		r.hi = sign;
	}
	return r;
}

/* Clamp a signed value into [min, max] (both s64) and return it as s64. */
static inline s64 agi_i128_clamp(struct agi_i128 a, s64 min, s64 max)
{
	if (agi_i128_cmp(a, agi_i128_from_s64(min)) < 0)
		return min;
	if (agi_i128_cmp(a, agi_i128_from_s64(max)) > 0)
		return max;
	return (s64)a.lo;
}

static inline void agi_i128_put_be(struct agi_i128 a, u8 out[16])
{
	agi_put_be64(a.hi, out);
	agi_put_be64(a.lo, out + 8);
}

static inline struct agi_i128 agi_i128_get_be(const u8 in[16])
{
	struct agi_i128 r = { .lo = agi_get_be64(in + 8), .hi = agi_get_be64(in) };

	return r;
}

#endif /* AGISWARM_CORE_WIDE_H */
