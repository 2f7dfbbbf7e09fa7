/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Values as operators write them, on agictl's command line and in
 * agiswarmd's configuration: plain decimal integers, durations with units,
 * endpoints, fixed-point decimals and lists of them. The parsers only say
 * yes or no (0, -EINVAL for a bad form, -ERANGE for a value out of range);
 * the caller reports, quoting the token, because only it knows which word
 * of the command line or which key of the file it was.
 */
#ifndef AGISWARM_USER_PARSE_H
#define AGISWARM_USER_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>

#include "core/compat.h"
#include "uapi/linux/agiswarm.h"

/* An IPv4 or IPv6 address with its port, as the kernel takes it. */
struct agi_endpoint {
	union {
		struct sockaddr_in sin;
		struct sockaddr_in6 sin6;
	} addr;
	size_t len;	/* sizeof the member in use; 0: none */
};

/* Plain decimal only: no sign, no base prefix, nothing after the digits. */
int agi_parse_u64(const char *s, u64 max, u64 *v);
int agi_parse_u32(const char *s, u32 *v);
/*
 * "50ms", "500us", "1s"; a bare number is milliseconds. The result must
 * fit a u32 of microseconds (-ERANGE).
 */
int agi_parse_duration_us(const char *s, u32 *us);
/*
 * Decimal milliseconds, "50", "0.5", "15.25", at most 3 decimals (whole
 * microseconds), into microseconds; -EINVAL when malformed, -ERANGE past
 * a u32.
 */
int agi_parse_ms_us(const char *s, u32 *us);
/* @us as decimal milliseconds, "50", "0.5", "15.25", into @buf. */
void agi_format_ms(u32 us, char *buf, size_t size);
/*
 * "A.B.C.D[:PORT]", "[IPv6][:PORT]" or a bare IPv6 literal; PORT 1..65535,
 * AGISWARM_DEFAULT_PORT when absent.
 */
int agi_parse_endpoint(const char *s, struct agi_endpoint *ep);
/* "192.0.2.11:6000" or "[2001:db8::1]:6000"; "?" for anything else. */
void agi_format_endpoint(const void *sa, size_t len, char *buf, size_t size);

/*
 * One fixed-point value of @fmt: a decimal, converted as the fixed-point
 * specification says (include/core/fixed.h), or with @raw an integer
 * (optional '-', digits) that must lie in the format's raw range.
 */
int agi_parse_q(const char *s, enum agiswarm_qformat fmt, bool raw, s32 *v);
/*
 * What @fmt holds, for messages: "Q1.31 [-1, 0.9999999995343387126922607421875]",
 * or with @raw "Q1.31 [-2147483648, 2147483647]".
 */
void agi_q_range_text(enum agiswarm_qformat fmt, bool raw, char *buf,
		      size_t size);

/* Items of a comma-separated list ("0.5,-0.25" has 2; "" has 1). */
u32 agi_list_count(const char *list);

/* Where a bad item of a list stands in it. */
struct agi_span {
	size_t off;
	size_t len;
};

/*
 * A comma-separated list of at most @max values of @fmt (agi_parse_q()),
 * into a new array the caller frees. Returns 0; -E2BIG when there are
 * more items (*@n then says how many); -ENOMEM; or -EINVAL or -ERANGE for
 * the first bad item, which @bad locates in @list.
 */
int agi_parse_q_list(const char *list, enum agiswarm_qformat fmt, bool raw,
		     u32 max, s32 **out, u32 *n, struct agi_span *bad);

#endif /* AGISWARM_USER_PARSE_H */
