// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The one text/JSON printing path: see print.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "print.h"

#define MAX_DEPTH 16

static struct {
	bool json;
	bool pretty;
	int depth;
	bool empty[MAX_DEPTH];	/* nothing written yet at this level */
	bool in_array[MAX_DEPTH];
} out;

void agi_print_init(bool json, bool pretty)
{
	memset(&out, 0, sizeof(out));
	out.json = json || pretty;
	out.pretty = pretty;
}

bool agi_print_is_json(void)
{
	return out.json;
}

static void indent(void)
{
	int i;

	putchar('\n');
	for (i = 0; i < out.depth; i++)
		fputs("    ", stdout);
}

/* Length of the valid UTF-8 sequence at @s, 0 when it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned int cp, n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates and values past U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/* Writes the JSON form of the character at @p; returns the bytes used. */
static size_t put_json_char(FILE *f, const unsigned char *p)
{
	size_t n;

	switch (*p) {
	case '"':
	case '\\':
		fputc('\\', f);
		fputc(*p, f);
		return 1;
	case '\n':
		fputs("\\n", f);
		return 1;
	case '\t':
		fputs("\\t", f);
		return 1;
	}
	if (*p < 0x20) {
		fprintf(f, "\\u%04x", *p);
		return 1;
	}
	/*
	 * JSON text must be UTF-8: a byte that is not part of a valid
	 * sequence (an operator's mistyped argument, say) becomes U+FFFD
	 * instead of breaking every consumer of the output.
	 */
	n = utf8_len(p);
	if (!n) {
		fputs("\\ufffd", f);
		return 1;
	}
	fwrite(p, 1, n, f);
	return n;
}

void agi_print_json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	while (*p)
		p += put_json_char(f, p);
	fputc('"', f);
}

/* Separator, indentation and key of the next member or element. */
static void json_key(const char *key)
{
	if (!out.empty[out.depth])
		fputs(out.pretty ? "," : ", ", stdout);
	out.empty[out.depth] = false;
	if (out.pretty && out.depth > 0)
		indent();
	if (!out.in_array[out.depth] && key) {
		agi_print_json_string(stdout, key);
		fputs(": ", stdout);
	}
}

static void json_open(const char *key, char bracket, bool array)
{
	if (out.depth > 0)
		json_key(key);
	putchar(bracket);
	if (out.depth + 1 < MAX_DEPTH)
		out.depth++;
	out.empty[out.depth] = true;
	out.in_array[out.depth] = array;
}

static void json_close(char bracket)
{
	bool empty = out.empty[out.depth];

	if (out.depth > 0)
		out.depth--;
	if (out.pretty && !empty)
		indent();
	putchar(bracket);
}

void agi_print_begin(void)
{
	if (out.json)
		json_open(NULL, '{', false);
}

void agi_print_end(void)
{
	if (!out.json)
		return;
	json_close('}');
	putchar('\n');
}

void agi_print_begin_list(void)
{
	if (out.json)
		json_open(NULL, '[', true);
}

void agi_print_end_list(void)
{
	if (!out.json)
		return;
	json_close(']');
	putchar('\n');
}

void agi_open_object(const char *key)
{
	if (out.json)
		json_open(key, '{', false);
}

void agi_close_object(void)
{
	if (out.json)
		json_close('}');
}

void agi_open_array(const char *key)
{
	if (out.json)
		json_open(key, '[', true);
}

void agi_close_array(void)
{
	if (out.json)
		json_close(']');
}

/* Whether this call prints in text mode, with @fmt. */
static bool as_text(enum agi_print_type t, const char *fmt)
{
	return !out.json && t != AGI_PRINT_JSON && fmt;
}

static bool as_json(enum agi_print_type t)
{
	return out.json && t != AGI_PRINT_TEXT;
}

void agi_print_string(enum agi_print_type t, const char *key, const char *fmt,
		  const char *value)
{
	if (as_json(t)) {
		json_key(key);
		agi_print_json_string(stdout, value);
	} else if (as_text(t, fmt)) {
		printf(fmt, value);
	}
}

/* Text formats take the value as unsigned long long ("%llu"). */
void agi_print_u64(enum agi_print_type t, const char *key, const char *fmt,
	       uint64_t value)
{
	if (as_json(t)) {
		json_key(key);
		printf("%llu", (unsigned long long)value);
	} else if (as_text(t, fmt)) {
		printf(fmt, (unsigned long long)value);
	}
}

/* Text formats take the value as long long ("%lld"). */
void agi_print_s64(enum agi_print_type t, const char *key, const char *fmt,
	       int64_t value)
{
	if (as_json(t)) {
		json_key(key);
		printf("%lld", (long long)value);
	} else if (as_text(t, fmt)) {
		printf(fmt, (long long)value);
	}
}

/* JSON null; @fmt (no conversion) is the text shown instead. */
void agi_print_null(enum agi_print_type t, const char *key, const char *fmt)
{
	if (as_json(t)) {
		json_key(key);
		fputs("null", stdout);
	} else if (as_text(t, fmt)) {
		fputs(fmt, stdout);
	}
}

/* JSON true/false; text formats take the value as "true" or "false". */
void agi_print_bool(enum agi_print_type t, const char *key, const char *fmt,
		bool value)
{
	if (as_json(t)) {
		json_key(key);
		fputs(value ? "true" : "false", stdout);
	} else if (as_text(t, fmt)) {
		printf(fmt, value ? "true" : "false");
	}
}

/* The JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool json_number_ok(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		s += strspn(s, "0123456789");
	else
		return false;
	if (*s == '.') {
		if (!strchr("0123456789", *++s) || !*s)
			return false;
		s += strspn(s, "0123456789");
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!strchr("0123456789", *s) || !*s)
			return false;
		s += strspn(s, "0123456789");
	}
	return *s == '\0';
}

/*
 * Exact decimals go out as JSON numbers digit for digit (no round trip
 * through double); text that is not a JSON number is quoted instead, so the
 * output stays valid whatever the caller passes.
 */
void agi_print_number(enum agi_print_type t, const char *key, const char *fmt,
		       const char *value)
{
	if (as_json(t)) {
		json_key(key);
		if (json_number_ok(value))
			fputs(value, stdout);
		else
			agi_print_json_string(stdout, value);
	} else if (as_text(t, fmt)) {
		printf(fmt, value);
	}
}

/* Free text, shown in text mode only. */
void agi_print_text(const char *fmt, ...)
{
	va_list ap;

	if (out.json)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}
