// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Command-line values shared by the objects: integers, durations with units,
 * endpoints and comma-separated lists of fixed-point values. The parsers only
 * say yes or no; the caller reports, quoting the token, because only it knows
 * which word of the command line the token was.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "core/fixed.h"
#include "agictl.h"

/*
 * Enums named by a table indexed by value; a table may have holes (NULL)
 * where the UAPI skips a value.
 */
const char *agi_name_of(const char *const *names, size_t n, unsigned int v)
{
	return v < n && names[v] ? names[v] : "unknown";
}

int agi_name_find(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcmp(s, names[i]))
			return i;
	return -EINVAL;
}

/* Plain decimal only: no sign, no base prefix, nothing after the digits. */
int agi_parse_u64(const char *s, uint64_t max, uint64_t *v)
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

int agi_parse_u32(const char *s, uint32_t *v)
{
	uint64_t n;
	int err = agi_parse_u64(s, UINT32_MAX, &n);

	if (!err)
		*v = (uint32_t)n;
	return err;
}

/*
 * "50ms", "500us", "1s"; a bare number is milliseconds, the unit operators
 * think of cycles in. The result must fit a u32 of microseconds.
 */
int agi_parse_duration_us(const char *s, uint32_t *us)
{
	static const struct {
		const char *suffix;
		uint64_t scale;
	} units[] = { { "us", 1 }, { "ms", 1000 }, { "s", 1000000 },
		      { "", 1000 } };
	size_t digits = strspn(s, "0123456789");
	char num[24];
	uint64_t n;
	size_t i;

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
		*us = (uint32_t)(n * units[i].scale);
		return 0;
	}
	return -EINVAL;
}

static int parse_port(const char *s, uint16_t *port)
{
	uint64_t n;

	if (agi_parse_u64(s, UINT16_MAX, &n) || !n)
		return -EINVAL;
	*port = (uint16_t)n;
	return 0;
}

/* "[2001:db8::1]:6000", "[2001:db8::1]" or a bare "2001:db8::1". */
static int parse_endpoint6(const char *s, struct agi_endpoint *ep)
{
	struct sockaddr_in6 *sin6 = &ep->addr.sin6;
	char host[INET6_ADDRSTRLEN];
	const char *port = NULL, *close;
	size_t len;

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
		uint16_t p;

		if (parse_port(port, &p))
			return -EINVAL;
		sin6->sin6_port = htons(p);
	}
	ep->len = sizeof(*sin6);
	return 0;
}

/* ADDR[:PORT]; PORT defaults to AGISWARM_DEFAULT_PORT. */
int agi_parse_endpoint(const char *s, struct agi_endpoint *ep)
{
	struct sockaddr_in *sin = &ep->addr.sin;
	const char *colon = strchr(s, ':');
	char host[INET_ADDRSTRLEN];
	size_t len;
	uint16_t port = AGISWARM_DEFAULT_PORT;

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

/* "192.0.2.11:6000" or "[2001:db8::1]:6000"; "?" for anything else. */
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

/*
 * A comma-separated list ("0.5,-0.25") of decimals (or raw integers with
 * @raw) in @fmt, at most @max items, into a new array the caller frees.
 * Failures are reported here, quoting the item; returns an exit code.
 */
int agi_parse_list(const char *action, const char *list,
		   enum agiswarm_qformat fmt, bool raw, uint32_t max,
		   s32 **out, uint32_t *n)
{
	const struct agi_qinfo *q = agi_q_info(fmt);
	char *copy = strdup(list), *rest = copy, *item;
	uint32_t count = 1, i;
	s32 *vals = NULL;
	int ret = AGICTL_OK, err;
	char lo[64], hi[64];
	const char *p;

	for (p = list; (p = strchr(p, ',')); p++)
		count++;
	if (count > max) {
		ret = agictl_usage_error("%s: %u values given, at most %u allowed",
					 action, count, max);
		goto cleanup;
	}
	vals = calloc(count, sizeof(*vals));
	if (!copy || !vals) {
		ret = agictl_fail("%s failed: %s", action, strerror(ENOMEM));
		goto cleanup;
	}
	agi_q_to_decimal(q->min, fmt, lo, sizeof(lo));
	agi_q_to_decimal(q->max, fmt, hi, sizeof(hi));
	for (i = 0; i < count; i++) {
		item = strsep(&rest, ",");
		err = raw ? parse_raw(item, fmt, &vals[i]) :
			    agi_q_from_decimal(item, fmt, false, &vals[i]);
		if (err == -ERANGE && raw) {
			ret = agictl_usage_error("%s: \"%s\" is outside %s [%d, %d]",
						 action, item, q->name, q->min,
						 q->max);
			goto cleanup;
		}
		if (err == -ERANGE) {
			ret = agictl_usage_error("%s: \"%s\" is outside %s [%s, %s]",
						 action, item, q->name, lo, hi);
			goto cleanup;
		}
		if (err) {
			ret = agictl_usage_error("%s: bad number \"%s\"", action,
						 item);
			goto cleanup;
		}
	}
	*out = vals;
	*n = count;
	vals = NULL;
cleanup:
	free(vals);
	free(copy);
	return ret;
}

/* "Q1.31"; a usage error quoting @name otherwise. */
int agi_parse_format(const char *name, enum agiswarm_qformat *fmt)
{
	if (agi_q_parse_name(name, fmt))
		return agictl_usage_error("unknown format \"%s\" (expected Q1.31, Q1.15 or Q8.24)",
					  name);
	return AGICTL_OK;
}
