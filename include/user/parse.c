// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Values as operators write them: see parse.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fixed.h"
#include "parse.h"

int agi_parse_u64(const char *s, u64 max, u64 *v)
{
	unsigned long long n;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (*end || errno || n > max)
		return -EINVAL;
	*v = n;
	return 0;
}

int agi_parse_u32(const char *s, u32 *v)
{
	u64 n;
	int err = agi_parse_u64(s, UINT32_MAX, &n);

	if (!err)
		*v = (u32)n;
	return err;
}

int agi_parse_duration_us(const char *s, u32 *us)
{
	static const struct {
		const char *suffix;
		u64 scale;
	} units[] = { { "us", 1 }, { "ms", 1000 }, { "s", 1000000 },
		      { "", 1000 } };
	size_t digits = strspn(s, "0123456789");
	char num[24];
	size_t i;
	u64 n;

	if (!digits || digits >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, digits);
	num[digits] = '\0';
	for (i = 0; i < ARRAY_SIZE(units); i++) {
		if (strcmp(s + digits, units[i].suffix))
			continue;
		if (agi_parse_u64(num, UINT32_MAX, &n) ||
		    n > UINT32_MAX / units[i].scale)
			return -ERANGE;
		*us = (u32)(n * units[i].scale);
		return 0;
	}
	return -EINVAL;
}

int agi_parse_ms_us(const char *s, u32 *us)
{
	size_t digits = strspn(s, "0123456789"), frac = 0;
	char num[24];
	u64 n, f = 0;

	if (!digits || digits >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, digits);
	num[digits] = '\0';
	if (s[digits] == '.') {
		frac = strspn(s + digits + 1, "0123456789");
		if (!frac || frac > 3 || s[digits + 1 + frac])
			return -EINVAL;
		for (size_t i = 0; i < 3; i++)
			f = f * 10 + (i < frac ? (u64)(s[digits + 1 + i] - '0') : 0);
	} else if (s[digits]) {
		return -EINVAL;
	}
	if (agi_parse_u64(num, UINT32_MAX, &n) || n * 1000 + f > UINT32_MAX)
		return -ERANGE;
	*us = (u32)(n * 1000 + f);
	return 0;
}

void agi_format_ms(u32 us, char *buf, size_t size)
{
	if (us % 1000 == 0)
		snprintf(buf, size, "%u", us / 1000);
	else if (us % 100 == 0)
		snprintf(buf, size, "%u.%u", us / 1000, us % 1000 / 100);
	else if (us % 10 == 0)
		snprintf(buf, size, "%u.%02u", us / 1000, us % 1000 / 10);
	else
		snprintf(buf, size, "%u.%03u", us / 1000, us % 1000);
}

static int parse_port(const char *s, u16 *port)
{
	u64 n;

	if (agi_parse_u64(s, UINT16_MAX, &n) || !n)
		return -EINVAL;
	*port = (u16)n;
	return 0;
}

/* "[2001:db8::1]:6000", "[2001:db8::1]" or a bare "2001:db8::1". */
static int parse_endpoint6(const char *s, struct agi_endpoint *ep)
{
	struct sockaddr_in6 *sin6 = &ep->addr.sin6;
	char host[INET6_ADDRSTRLEN];
	const char *port = NULL, *close;
	size_t len;
	u16 p;

	if (*s == '[') {
		close = strchr(s, ']');
		if (!close || (close[1] && close[1] != ':'))
			return -EINVAL;
		len = close - s - 1;
		port = close[1] ? close + 2 : NULL;
		s++;
	} else {
		len = strlen(s);
	}
	if (len >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, len);
	host[len] = '\0';
	memset(sin6, 0, sizeof(*sin6));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(AGISWARM_DEFAULT_PORT);
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1)
		return -EINVAL;
	if (port) {
		if (parse_port(port, &p))
			return -EINVAL;
		sin6->sin6_port = htons(p);
	}
	ep->len = sizeof(*sin6);
	return 0;
}

int agi_parse_endpoint(const char *s, struct agi_endpoint *ep)
{
	struct sockaddr_in *sin = &ep->addr.sin;
	const char *colon = strchr(s, ':');
	char host[INET_ADDRSTRLEN];
	u16 port = AGISWARM_DEFAULT_PORT;
	size_t len;

	if (*s == '[' || (colon && strchr(colon + 1, ':')))
		return parse_endpoint6(s, ep);
	len = colon ? (size_t)(colon - s) : strlen(s);
	if (len >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, len);
	host[len] = '\0';
	if (colon && parse_port(colon + 1, &port))
		return -EINVAL;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		return -EINVAL;
	ep->len = sizeof(*sin);
	return 0;
}

void agi_format_endpoint(const void *sa, size_t len, char *buf, size_t size)
{
	const struct sockaddr_in *sin = sa;
	const struct sockaddr_in6 *sin6 = sa;
	char host[INET6_ADDRSTRLEN];

	if (len >= sizeof(*sin) && sin->sin_family == AF_INET &&
	    inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host)))
		snprintf(buf, size, "%s:%u", host, ntohs(sin->sin_port));
	else if (len >= sizeof(*sin6) && sin6->sin6_family == AF_INET6 &&
		 inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host)))
		snprintf(buf, size, "[%s]:%u", host, ntohs(sin6->sin6_port));
	else
		snprintf(buf, size, "?");
}

/* A raw operand: optional '-', decimal digits, within @fmt. */
static int parse_raw(const char *s, enum agiswarm_qformat fmt, s32 *out)
{
	const struct agi_qinfo *q = agi_q_info(fmt);
	const char *digits = s + (*s == '-');
	long long v;
	char *end;

	if (*digits < '0' || *digits > '9')
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno || v < q->min || v > q->max)
		return -ERANGE;
	*out = (s32)v;
	return 0;
}

int agi_parse_q(const char *s, enum agiswarm_qformat fmt, bool raw, s32 *v)
{
	if (raw)
		return parse_raw(s, fmt, v);
	return agi_q_from_decimal(s, fmt, false, v);
}

void agi_q_range_text(enum agiswarm_qformat fmt, bool raw, char *buf,
		      size_t size)
{
	const struct agi_qinfo *q = agi_q_info(fmt);
	char lo[64], hi[64];

	if (raw) {
		snprintf(buf, size, "%s [%d, %d]", q->name, q->min, q->max);
		return;
	}
	agi_q_to_decimal(q->min, fmt, lo, sizeof(lo));
	agi_q_to_decimal(q->max, fmt, hi, sizeof(hi));
	snprintf(buf, size, "%s [%s, %s]", q->name, lo, hi);
}

u32 agi_list_count(const char *list)
{
	u32 n = 1;

	while ((list = strchr(list, ',')))
		list++, n++;
	return n;
}

int agi_parse_q_list(const char *list, enum agiswarm_qformat fmt, bool raw,
		     u32 max, s32 **out, u32 *n, struct agi_span *bad)
{
	char *copy = NULL, *rest, *item;
	u32 count = agi_list_count(list), i;
	s32 *vals = NULL;
	int err = 0;

	*n = count;
	if (count > max)
		return -E2BIG;
	copy = strdup(list);
	vals = calloc(count, sizeof(*vals));
	if (!copy || !vals) {
		err = -ENOMEM;
		goto cleanup;
	}
	rest = copy;
	for (i = 0; i < count && !err; i++) {
		item = strsep(&rest, ",");
		err = agi_parse_q(item, fmt, raw, &vals[i]);
		if (err) {
			bad->off = (size_t)(item - copy);
			bad->len = strlen(item);
		}
	}
	if (!err) {
		*out = vals;
		vals = NULL;
	}
cleanup:
	free(vals);
	free(copy);
	return err;
}
