/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * One printing path for text and JSON, in the manner of iproute2's
 * PRINT_ANY: each call names a JSON key and a text format, and which of
 * the two is used depends on the mode chosen at agi_print_init(), so text
 * and JSON never drift apart and -j always yields well-formed JSON (the
 * writer owns commas, nesting, string escaping and UTF-8). Keys are
 * ignored in text mode, formats in JSON mode (a NULL format prints
 * nothing in text mode). Everything goes to stdout.
 */
#ifndef AGISWARM_USER_PRINT_H
#define AGISWARM_USER_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum agi_print_type {
	AGI_PRINT_ANY,	/* text or JSON, whichever is active */
	AGI_PRINT_TEXT,	/* text mode only */
	AGI_PRINT_JSON,	/* JSON mode only */
};

void agi_print_init(bool json, bool pretty);
bool agi_print_is_json(void);
void agi_print_begin(void);		/* opens the top-level JSON object */
void agi_print_end(void);		/* closes it and ends the line */
void agi_print_begin_list(void);	/* opens a top-level JSON array */
void agi_print_end_list(void);		/* closes it and ends the line */
void agi_open_object(const char *key);
void agi_close_object(void);
void agi_open_array(const char *key);
void agi_close_array(void);
void agi_print_string(enum agi_print_type t, const char *key,
		      const char *fmt, const char *value);
/* Text formats take the value as unsigned long long ("%llu"). */
void agi_print_u64(enum agi_print_type t, const char *key, const char *fmt,
		   uint64_t value);
/* Text formats take the value as long long ("%lld"). */
void agi_print_s64(enum agi_print_type t, const char *key, const char *fmt,
		   int64_t value);
/* JSON null; @fmt (no conversion) is the text shown instead. */
void agi_print_null(enum agi_print_type t, const char *key, const char *fmt);
/* JSON true/false; text formats take "true" or "false". */
void agi_print_bool(enum agi_print_type t, const char *key, const char *fmt,
		    bool value);
/*
 * @value is exact decimal text ("0.5", "-1"): JSON gets it as a number,
 * digit for digit (text that is not a JSON number is quoted instead).
 */
void agi_print_number(enum agi_print_type t, const char *key,
		      const char *fmt, const char *value);
/* Free text, in text mode only. */
void agi_print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* @s as a quoted JSON string into @f; shared with the error path. */
void agi_print_json_string(FILE *f, const char *s);

#endif /* AGISWARM_USER_PRINT_H */
