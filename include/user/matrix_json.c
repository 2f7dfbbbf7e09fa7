// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Reading a matrix from the seeds' JSON: see matrix_json.h. Every error
 * names the file, the key path with indices, the value and what would be
 * allowed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "core/fixed.h"
#include "matrix_json.h"

#define PATH_MAX_LEN 256

/* What one read is about, for the error messages. */
struct mread {
	const char *file;
	char path[PATH_MAX_LEN];	/* key path of the matrix */
	char *err;
	size_t errlen;
};

static int mfail(const struct mread *r, const char *where, const char *what)
{
	snprintf(r->err, r->errlen, "%s: %s%s%s", r->file, where,
		 *where ? ": " : "", what);
	return -EINVAL;
}

static int nomem(const struct mread *r)
{
	snprintf(r->err, r->errlen, "%s", strerror(ENOMEM));
	return -ENOMEM;
}

/* The JSON text of @v, cut short when long; the caller frees. */
static char *json_text(const json_t *v)
{
	char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

	if (s && strlen(s) > 40)
		strcpy(s + 37, "...");
	return s;
}

static const char *json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	default:
		return "a literal";
	}
}

/*
 * The decimal text of a JSON number. Jansson keeps reals as doubles, so the
 * shortest text that reads back as the same double is used: strtod() of it
 * gives exactly what strtod() of the file's text gave, which is what the
 * fixed-point specification defines the conversion by (include/core/
 * fixed.h), and "1.2" stays "1.2" in messages.
 */
static void number_text(const json_t *v, char *buf, size_t size)
{
	double d = json_real_value(v);
	int prec;

	if (json_is_integer(v)) {
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			return;
	}
}

/*
 * A format's bound for a message: its exact decimal cut (toward zero) after
 * ten fractional digits, so that what is shown lies inside the range.
 */
static void bound_text(s32 raw, enum agiswarm_qformat fmt, char *buf,
		       size_t size)
{
	char *dot, *end;

	agi_q_to_decimal(raw, fmt, buf, size);
	dot = strchr(buf, '.');
	if (!dot)
		return;
	if (strlen(dot + 1) > 10)
		dot[11] = '\0';
	end = buf + strlen(buf) - 1;
	while (*end == '0')
		*end-- = '\0';
	if (*end == '.')
		*end = '\0';
}

/* "Q1.31 [-1, 0.9999999995]" */
static void range_text(enum agiswarm_qformat fmt, char *buf, size_t size)
{
	const struct agi_qinfo *q = agi_q_info(fmt);
	char lo[64], hi[64];

	bound_text(q->min, fmt, lo, sizeof(lo));
	bound_text(q->max, fmt, hi, sizeof(hi));
	snprintf(buf, size, "%s [%s, %s]", q->name, lo, hi);
}

/* The finest format that holds @text; AGISWARM_Q_UNSPEC when none does. */
static enum agiswarm_qformat format_holding(const char *text)
{
	static const enum agiswarm_qformat finest_first[] = {
		AGISWARM_Q1_31, AGISWARM_Q8_24, AGISWARM_Q16_16, AGISWARM_Q1_15,
	};
	size_t i;
	s32 raw;

	for (i = 0; i < ARRAY_SIZE(finest_first); i++)
		if (!agi_q_from_decimal(text, finest_first[i], false, &raw))
			return finest_first[i];
	return AGISWARM_Q_UNSPEC;
}

static int entry_out_of_range(const struct mread *r, const char *where,
			      const char *text, enum agiswarm_qformat fmt)
{
	enum agiswarm_qformat other = format_holding(text);
	char range[160], msg[512];

	range_text(fmt, range, sizeof(range));
	if (other != AGISWARM_Q_UNSPEC)
		snprintf(msg, sizeof(msg), "%s does not fit %s; %s holds it",
			 text, range, agi_q_info(other)->name);
	else
		snprintf(msg, sizeof(msg),
			 "%s does not fit %s; no format holds it", text, range);
	return mfail(r, where, msg);
}

static int parse_entry(const struct mread *r, const json_t *v,
		       enum agiswarm_qformat fmt, u32 i, u32 j, s32 *out)
{
	char where[PATH_MAX_LEN + 32], text[64], range[160], msg[512];
	char *dump;
	int err;

	snprintf(where, sizeof(where), "%s[%u][%u]", r->path, i, j);
	range_text(fmt, range, sizeof(range));
	if (!json_is_number(v)) {
		dump = json_text(v);
		snprintf(msg, sizeof(msg),
			 "%s is not a number (expected a decimal in %s)",
			 dump ? dump : "value", range);
		free(dump);
		return mfail(r, where, msg);
	}
	number_text(v, text, sizeof(text));
	err = agi_q_from_decimal(text, fmt, false, out);
	if (err == -ERANGE)
		return entry_out_of_range(r, where, text, fmt);
	if (err) {
		snprintf(msg, sizeof(msg), "%s is not a decimal in %s", text,
			 range);
		return mfail(r, where, msg);
	}
	return 0;
}

/* Shape of the array of rows: non-empty, rectangular, at most 256 x 256. */
static int check_shape(const struct mread *r, const json_t *rows, u32 *nrows,
		       u32 *ncols)
{
	char where[PATH_MAX_LEN + 32], msg[128];
	size_t i, cols = 0;
	const json_t *row;

	if (!json_is_array(rows)) {
		snprintf(msg, sizeof(msg),
			 "expected an array of rows, found %s", json_kind(rows));
		return mfail(r, r->path, msg);
	}
	if (json_array_size(rows) == 0)
		return mfail(r, r->path, "the matrix is empty (it needs at least one row)");
	if (json_array_size(rows) > AGISWARM_WIRE_VEC_MAX) {
		snprintf(msg, sizeof(msg), "%zu rows, at most %d allowed",
			 json_array_size(rows), AGISWARM_WIRE_VEC_MAX);
		return mfail(r, r->path, msg);
	}
	json_array_foreach(rows, i, row) {
		snprintf(where, sizeof(where), "%s[%zu]", r->path, i);
		if (!json_is_array(row)) {
			snprintf(msg, sizeof(msg),
				 "expected a row (an array of numbers), found %s",
				 json_kind(row));
			return mfail(r, where, msg);
		}
		if (i == 0)
			cols = json_array_size(row);
		if (json_array_size(row) != cols) {
			snprintf(msg, sizeof(msg),
				 "ragged matrix: %zu entr%s in this row, %zu in row 0",
				 json_array_size(row),
				 json_array_size(row) == 1 ? "y" : "ies", cols);
			return mfail(r, where, msg);
		}
	}
	if (cols == 0)
		return mfail(r, r->path, "the matrix is empty (its rows have no entries)");
	if (cols > AGISWARM_WIRE_VEC_MAX) {
		snprintf(msg, sizeof(msg), "%zu columns, at most %d allowed",
			 cols, AGISWARM_WIRE_VEC_MAX);
		return mfail(r, r->path, msg);
	}
	*nrows = json_array_size(rows);
	*ncols = cols;
	return 0;
}

/* The matrix's "precision", a sibling of its key; Q1.31 when absent. */
static int read_precision(const struct mread *r, const json_t *parent,
			  const char *parent_path, enum agiswarm_qformat *fmt)
{
	const json_t *p = json_object_get(parent, "precision");
	char where[PATH_MAX_LEN + 16], msg[160];
	char *dump;

	*fmt = AGISWARM_Q1_31;
	if (!p)
		return 0;
	snprintf(where, sizeof(where), "%s%sprecision", parent_path,
		 *parent_path ? "." : "");
	if (json_is_string(p) && !agi_q_parse_name(json_string_value(p), fmt))
		return 0;
	dump = json_text(p);
	snprintf(msg, sizeof(msg),
		 "%s is not a format (expected \"Q1.31\", \"Q1.15\", \"Q8.24\" or \"Q16.16\")",
		 dump ? dump : "value");
	free(dump);
	return mfail(r, where, msg);
}

/*
 * Depth first, in file order: the first member named "matrix" holding an
 * array, under @obj (whose key path is @path). Fills r->path.
 */
static const json_t *find_default(struct mread *r, const json_t *obj,
				  const char *path, const json_t **parent,
				  char *parent_path, size_t pp_size)
{
	char sub[PATH_MAX_LEN];
	const json_t *v, *found;
	const char *key;

	json_object_foreach((json_t *)obj, key, v) {
		snprintf(sub, sizeof(sub), "%s.%s", path, key);
		if (!strcmp(key, "matrix") && json_is_array(v)) {
			snprintf(r->path, sizeof(r->path), "%s", sub);
			snprintf(parent_path, pp_size, "%s", path);
			*parent = obj;
			return v;
		}
		if (json_is_object(v)) {
			found = find_default(r, v, sub, parent, parent_path,
					     pp_size);
			if (found)
				return found;
		}
	}
	return NULL;
}

/* Walks the dotted @want; reports the first key that is missing. */
static int find_path(struct mread *r, const json_t *root, const char *want,
		     const json_t **rows, const json_t **parent,
		     char *parent_path, size_t pp_size)
{
	char *copy = strdup(want), *rest = copy, *key;
	const json_t *cur = root, *up = NULL;
	int ret = 0;

	r->path[0] = '\0';
	if (!copy)
		return nomem(r);
	while ((key = strsep(&rest, "."))) {
		if (!json_is_object(cur) || !json_object_get(cur, key)) {
			if (snprintf(parent_path, pp_size, "%s%s%s", r->path,
				     *r->path ? "." : "", key) >= (int)pp_size)
				strcpy(parent_path + pp_size - 4, "...");
			mfail(r, parent_path, "no such key");
			ret = -ENOKEY;
			goto cleanup;
		}
		snprintf(parent_path, pp_size, "%s", r->path);
		up = cur;
		cur = json_object_get(cur, key);
		snprintf(r->path + strlen(r->path),
			 sizeof(r->path) - strlen(r->path), "%s%s",
			 *r->path ? "." : "", key);
	}
	*rows = cur;
	*parent = up;
cleanup:
	free(copy);
	return ret;
}

static int locate(struct mread *r, const json_t *root, const char *want,
		  const json_t **rows, enum agiswarm_qformat *fmt)
{
	const json_t *parent = NULL, *cm;
	char parent_path[PATH_MAX_LEN];
	int ret;

	if (!json_is_object(root))
		return mfail(r, "", "the top level is not a JSON object");
	if (want) {
		ret = find_path(r, root, want, rows, &parent, parent_path,
				sizeof(parent_path));
		if (ret)
			return ret;
	} else {
		cm = json_object_get(root, "control_matrices");
		if (!json_is_object(cm))
			return mfail(r, "control_matrices",
				     "no such object (name the matrix with --matrix PATH)");
		*rows = find_default(r, cm, "control_matrices", &parent,
				     parent_path, sizeof(parent_path));
		if (!*rows)
			return mfail(r, "control_matrices",
				     "no array named \"matrix\" in it (name the matrix with --matrix PATH)");
	}
	return read_precision(r, parent, parent_path, fmt);
}

static int read_entries(const struct mread *r, const json_t *rows,
			struct agi_matrix *m)
{
	const json_t *row, *v;
	size_t i, j;
	int ret;

	m->data = calloc((size_t)m->rows * m->cols, sizeof(*m->data));
	if (!m->data)
		return nomem(r);
	json_array_foreach(rows, i, row) {
		json_array_foreach(row, j, v) {
			ret = parse_entry(r, v, m->fmt, i, j,
					  &m->data[i * m->cols + j]);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* The matrix of the document @root; fills r->path. */
static int read_root(struct mread *r, const json_t *root, const char *want,
		     struct agi_matrix *m)
{
	const json_t *rows = NULL;
	int ret;

	ret = locate(r, root, want, &rows, &m->fmt);
	if (!ret)
		ret = check_shape(r, rows, &m->rows, &m->cols);
	if (!ret)
		ret = read_entries(r, rows, m);
	if (!ret)
		snprintf(m->path, sizeof(m->path), "%s", r->path);
	return ret;
}

static int json_failed(const struct mread *r, const json_error_t *jerr)
{
	snprintf(r->err, r->errlen, "%s:%d:%d: %s", r->file, jerr->line,
		 jerr->column, jerr->text);
	return -EINVAL;
}

int agi_matrix_read(const char *file, const char *want, struct agi_matrix *m,
		    char *err, size_t errlen)
{
	struct mread r = { .file = file, .err = err, .errlen = errlen };
	json_error_t jerr;
	json_t *root;
	FILE *f;
	int ret;

	memset(m, 0, sizeof(*m));
	f = fopen(file, "r");
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", file, strerror(-ret));
		return ret;
	}
	root = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
	fclose(f);
	ret = root ? read_root(&r, root, want, m) : json_failed(&r, &jerr);
	json_decref(root);
	if (ret)
		agi_matrix_free(m);
	return ret;
}

int agi_matrix_parse(const char *text, size_t len, const char *name,
		     const char *want, struct agi_matrix *m, char *err,
		     size_t errlen)
{
	struct mread r = { .file = name, .err = err, .errlen = errlen };
	json_error_t jerr;
	json_t *root;
	int ret;

	memset(m, 0, sizeof(*m));
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	ret = root ? read_root(&r, root, want, m) : json_failed(&r, &jerr);
	json_decref(root);
	if (ret)
		agi_matrix_free(m);
	return ret;
}
