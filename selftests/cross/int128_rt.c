// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The two 128-bit runtime routines the native core tests' __int128 oracles
 * need on 32-bit targets. There the tests are compiled by clang with
 * -fforce-enable-int128 (GCC has no __int128 on 32-bit machines); clang
 * expands 128-bit add, multiply and shifts inline but calls __divti3 for
 * division (__divti3, __udivti3), which neither libgcc nor an installed compiler-rt provides for
 * armhf or mips. Only the tests' reference arithmetic calls it: the core
 * itself never divides in 128 bits natively (include/core/wide.h's
 * portable path does it in 64-bit halves), so a mistake here makes the
 * oracle disagree with the core and the test fail, never pass.
 *
 * Schoolbook division in 32-bit steps when the divisor fits 32 bits (the
 * decimal references divide by 10), else restoring long division, one
 * quotient bit per step; truncating toward zero as C does.
 */
typedef __int128 i128;
typedef unsigned __int128 u128;

i128 __divti3(i128 a, i128 b);
u128 __udivti3(u128 n, u128 d);

u128 __udivti3(u128 n, u128 d)
{
	u128 q = 0, r = 0;
	int i;

	if (!(n >> 64) && !(d >> 64))	/* both fit libgcc's 64-bit division */
		return (unsigned long long)n / (unsigned long long)d;
	if (!(d >> 32)) {		/* by a 32-bit divisor: 32 bits a step */
		for (i = 96; i >= 0; i -= 32) {
			unsigned long long cur = (unsigned long long)r << 32 |
						 (unsigned int)(n >> i);

			q |= (u128)(cur / (unsigned int)d) << i;
			r = cur % (unsigned int)d;
		}
		return q;
	}
	for (i = 127; i >= 0; i--) {
		r = (r << 1) | ((n >> i) & 1);
		if (r >= d) {
			r -= d;
			q |= (u128)1 << i;
		}
	}
	return q;
}

i128 __divti3(i128 a, i128 b)
{
	int neg = (a < 0) != (b < 0);
	u128 ua = a < 0 ? -(u128)a : (u128)a;
	u128 ub = b < 0 ? -(u128)b : (u128)b;
	u128 q = __udivti3(ua, ub);

	return (i128)(neg ? -q : q);
}
