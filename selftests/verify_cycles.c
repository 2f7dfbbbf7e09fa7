// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * verify_cycles: an independent check of what the swarm computed.
 *
 * Reads `agictl -j monitor` lines on stdin (one JSON object per cycle) and
 * checks every "ok" cycle's y against y = A x computed here, deliberately
 * without the portable core: the matrix's decimal entries are converted
 * with exact integer arithmetic (not strtod), the sum is a plain __int128
 * and rounded the textbook way, round half up of the exact sum, then
 * saturated to x's format. A shared bug in the core therefore cannot hide
 * itself. With the feedback law it also checks u == y; on a missed cycle,
 * u == the previous cycle's u (policy hold) or zeros (policy zero).
 *
 * The decimal conversion is exact, where the specification
 * (include/core/fixed.h) goes through strtod(); the two differ only for a
 * decimal within a double's rounding error of a half-step of the format,
 * which none of the shipped matrices has.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIM_MAX 256
#define LINE_MAX_LEN 65536

typedef __int128 i128;

struct qfmt {
	const char *name;
	int frac;
	int64_t min, max;
};

static const struct qfmt formats[] = {
	{ "Q1.31", 31, INT32_MIN, INT32_MAX },
	{ "Q1.15", 15, INT16_MIN, INT16_MAX },
	{ "Q8.24", 24, INT32_MIN, INT32_MAX },
	{ "Q16.16", 16, INT32_MIN, INT32_MAX },
};

struct matrix {
	const struct qfmt *fmt;
	unsigned int rows, cols;
	int32_t a[DIM_MAX * DIM_MAX];
};

struct cycle {
	uint64_t id;
	bool has_id, ok, missed;
	int32_t x[DIM_MAX], y[DIM_MAX], u[DIM_MAX];
	int nx, ny, nu;			/* -1: key absent */
};

struct tally {
	uint64_t cycles, ok, missed, exact, mismatches, gaps, order_errors;
	uint64_t hold_checked;
	bool have_prev;
	uint64_t prev_id;
	int32_t prev_u[DIM_MAX];
	int prev_nu;
};

static const struct qfmt *find_format(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcasecmp(name, formats[i].name))
			return &formats[i];
	return NULL;
}

/*
 * Exact round_half_away_from_zero(decimal * 2^frac). Returns 0, -EINVAL
 * for text that is not a plain decimal, -ERANGE outside the format.
 */
static int decimal_to_raw(const char *s, const struct qfmt *f, int32_t *out)
{
	i128 mant = 0, num, den = 1, q;
	int exp10 = 0, sig = 0;
	bool neg = false, any = false, point = false;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	for (; isdigit((unsigned char)*s) || (*s == '.' && !point); s++) {
		if (*s == '.') {
			point = true;
			continue;
		}
		any = true;
		if (point)
			exp10--;
		if (mant || *s != '0')
			sig++;
		if (sig > 27)		/* mant stays far below 2^95 */
			return -EINVAL;
		mant = mant * 10 + (*s - '0');
	}
	if (!any)
		return -EINVAL;
	if (*s == 'e' || *s == 'E') {
		char *end;
		long e = strtol(s + 1, &end, 10);

		if (end == s + 1 || e < -40 || e > 40)
			return -EINVAL;
		exp10 += (int)e;
		s = end;
	}
	if (*s)
		return -EINVAL;
	num = mant << (f->frac + 1);
	for (; exp10 > 0; exp10--) {
		if (num > ((i128)1 << 120))
			return -ERANGE;
		num *= 10;
	}
	for (; exp10 < 0; exp10++) {
		if (den > ((i128)1 << 120))
			return -EINVAL;
		den *= 10;
	}
	/* num / den is 2 * value * 2^frac: add one half step, truncate. */
	q = (num + den) / (2 * den);
	if (neg)
		q = -q;
	if (q < f->min || q > f->max)
		return -ERANGE;
	*out = (int32_t)q;
	return 0;
}

/*
 * The matrix file: its format's name on the first line, then one row a
 * line of decimals separated by commas or blanks (brackets ignored), which
 * is what `jq -c '.control_matrices.state_feedback.matrix[]'` prints.
 */
static int load_matrix(const char *path, struct matrix *m)
{
	char line[LINE_MAX_LEN], *tok, *save;
	unsigned int lineno = 1, cols;
	FILE *fp = fopen(path, "r");
	int err;

	if (!fp) {
		fprintf(stderr, "verify_cycles: open %s failed: %s\n", path,
			strerror(errno));
		return -1;
	}
	if (!fgets(line, sizeof(line), fp) ||
	    !(m->fmt = find_format(strtok(line, " \t\r\n") ?: ""))) {
		fprintf(stderr, "verify_cycles: %s:1: no format name\n", path);
		fclose(fp);
		return -1;
	}
	while (fgets(line, sizeof(line), fp)) {
		lineno++;
		cols = 0;
		for (tok = strtok_r(line, "[], \t\r\n", &save); tok;
		     tok = strtok_r(NULL, "[], \t\r\n", &save)) {
			if (m->rows >= DIM_MAX || cols >= DIM_MAX)
				goto too_big;
			err = decimal_to_raw(tok, m->fmt,
					     &m->a[m->rows * DIM_MAX + cols]);
			if (err) {
				fprintf(stderr, "verify_cycles: %s:%u: \"%s\" %s %s\n",
					path, lineno, tok, err == -ERANGE ?
					"is out of the range of" : "is not a decimal in",
					m->fmt->name);
				fclose(fp);
				return -1;
			}
			cols++;
		}
		if (!cols)
			continue;
		if (m->rows && cols != m->cols) {
			fprintf(stderr, "verify_cycles: %s:%u: %u columns, row 0 has %u\n",
				path, lineno, cols, m->cols);
			fclose(fp);
			return -1;
		}
		m->cols = cols;
		m->rows++;
	}
	fclose(fp);
	if (!m->rows) {
		fprintf(stderr, "verify_cycles: %s: no rows\n", path);
		return -1;
	}
	return 0;
too_big:
	fprintf(stderr, "verify_cycles: %s:%u: more than %d rows or columns\n",
		path, lineno, DIM_MAX);
	fclose(fp);
	return -1;
}

/* --- a small JSON reader for one flat monitor object ------------------- */

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	return p;
}

static const char *skip_string(const char *p)
{
	for (p++; *p && *p != '"'; p++)
		if (*p == '\\' && p[1])
			p++;
	return *p == '"' ? p + 1 : NULL;
}

/* Any JSON value; NULL when malformed. */
static const char *skip_value(const char *p, int depth)
{
	p = skip_ws(p);
	if (*p == '"')
		return skip_string(p);
	if (*p == '[' || *p == '{') {
		char close = *p == '[' ? ']' : '}';

		if (depth > 16)
			return NULL;
		p = skip_ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (close == '}') {
				if (*p != '"' || !(p = skip_string(p)))
					return NULL;
				p = skip_ws(p);
				if (*p++ != ':')
					return NULL;
			}
			if (!(p = skip_value(p, depth + 1)))
				return NULL;
			p = skip_ws(p);
			if (*p == close)
				return p + 1;
			if (*p++ != ',')
				return NULL;
			p = skip_ws(p);
		}
	}
	if (*p == '-' || isdigit((unsigned char)*p) || isalpha((unsigned char)*p)) {
		while (*p == '-' || *p == '+' || *p == '.' ||
		       isalnum((unsigned char)*p))
			p++;
		return p;
	}
	return NULL;
}

static const char *parse_s32_array(const char *p, int32_t *v, int *n)
{
	char *end;
	long long x;

	*n = 0;
	p = skip_ws(p);
	if (*p++ != '[')
		return NULL;
	p = skip_ws(p);
	if (*p == ']')
		return p + 1;
	for (;;) {
		errno = 0;
		x = strtoll(p, &end, 10);
		if (end == p || errno || x < INT32_MIN || x > INT32_MAX ||
		    *n >= DIM_MAX)
			return NULL;
		v[(*n)++] = (int32_t)x;
		p = skip_ws(end);
		if (*p == ']')
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static const char *parse_member(const char *p, const char *key, size_t klen,
				struct cycle *c)
{
	char *end;

	if (klen == 5 && !strncmp(key, "cycle", 5)) {
		errno = 0;
		c->id = strtoull(p, &end, 10);
		if (end == p || errno || *p == '-')
			return NULL;
		c->has_id = true;
		return end;
	}
	if (klen == 6 && !strncmp(key, "status", 6)) {
		c->ok = !strncmp(p, "\"ok\"", 4);
		c->missed = !strncmp(p, "\"missed\"", 8);
		return skip_value(p, 0);
	}
	if (klen == 1 && (*key == 'x' || *key == 'y' || *key == 'u'))
		return parse_s32_array(p, *key == 'x' ? c->x : *key == 'y' ?
				       c->y : c->u, *key == 'x' ? &c->nx :
				       *key == 'y' ? &c->ny : &c->nu);
	return skip_value(p, 0);
}

static int parse_cycle(const char *line, struct cycle *c)
{
	const char *p = skip_ws(line), *key;
	size_t klen;

	memset(c, 0, sizeof(*c));
	c->nx = c->ny = c->nu = -1;
	if (*p++ != '{')
		return -1;
	p = skip_ws(p);
	if (*p == '}')
		return -1;
	for (;;) {
		if (*p != '"')
			return -1;
		key = p + 1;
		if (!(p = skip_string(p)))
			return -1;
		klen = (size_t)(p - key - 1);
		p = skip_ws(p);
		if (*p++ != ':')
			return -1;
		if (!(p = parse_member(skip_ws(p), key, klen, c)))
			return -1;
		p = skip_ws(p);
		if (*p == '}')
			break;
		if (*p++ != ',')
			return -1;
		p = skip_ws(p);
	}
	return *skip_ws(p + 1) ? -1 : 0;
}

/* --- the checks -------------------------------------------------------- */

struct options {
	const char *matrix;
	const struct qfmt *xfmt;
	bool law_feedback;
	bool miss_zero;
	uint64_t min_cycles;
	unsigned int min_ok_pct;
	bool verbose;
};

/* sat((sum + 2^(fa-1)) >> fa): floor division, written out. */
static int32_t reference_row(const struct matrix *m, unsigned int i,
			     const int32_t *x, const struct qfmt *xfmt)
{
	i128 sum = 0, t, q, scale = (i128)1 << m->fmt->frac;
	unsigned int k;

	for (k = 0; k < m->cols; k++)
		sum += (i128)m->a[i * DIM_MAX + k] * x[k];
	t = sum + scale / 2;
	q = t / scale;
	if (t % scale < 0)
		q -= 1;
	if (q < xfmt->min)
		return (int32_t)xfmt->min;
	if (q > xfmt->max)
		return (int32_t)xfmt->max;
	return (int32_t)q;
}

static bool check_ok_cycle(const struct options *o, const struct matrix *m,
			   const struct cycle *c)
{
	bool good = true;
	unsigned int i;

	if (c->nx != (int)m->cols || c->ny != (int)m->rows) {
		fprintf(stderr, "cycle %" PRIu64 ": %d x, %d y for a %ux%u matrix\n",
			c->id, c->nx, c->ny, m->rows, m->cols);
		return false;
	}
	for (i = 0; i < m->rows; i++) {
		int32_t want = reference_row(m, i, c->x, o->xfmt);

		if (c->y[i] != want) {
			fprintf(stderr, "cycle %" PRIu64 ": y[%u] = %" PRId32
				", reference %" PRId32 "\n", c->id, i, c->y[i], want);
			good = false;
		}
	}
	if (!o->law_feedback)
		return good;
	if (c->nu != c->ny || memcmp(c->u, c->y, sizeof(int32_t) * m->rows)) {
		fprintf(stderr, "cycle %" PRIu64 ": u differs from y (feedback law)\n",
			c->id);
		good = false;
	}
	return good;
}

/* Missed: u must be the held output (or zeros); checkable only without a gap. */
static bool check_missed_cycle(const struct options *o, struct tally *t,
			       const struct cycle *c)
{
	int i;

	if (c->nu < 0)
		return true;
	if (o->miss_zero) {
		for (i = 0; i < c->nu; i++)
			if (c->u[i])
				goto bad;
		return true;
	}
	if (!t->have_prev || t->prev_id + 1 != c->id || t->prev_nu != c->nu)
		return true;
	t->hold_checked++;
	if (!memcmp(c->u, t->prev_u, sizeof(int32_t) * c->nu))
		return true;
bad:
	fprintf(stderr, "cycle %" PRIu64 ": missed, but u is not the %s output\n",
		c->id, o->miss_zero ? "zero" : "held");
	return false;
}

static void account(const struct options *o, const struct matrix *m,
		    struct tally *t, const struct cycle *c)
{
	bool good = true;

	t->cycles++;
	if (t->have_prev && c->id <= t->prev_id) {
		fprintf(stderr, "cycle %" PRIu64 " after cycle %" PRIu64
			": ids must strictly increase\n", c->id, t->prev_id);
		t->order_errors++;
	} else if (t->have_prev && c->id != t->prev_id + 1) {
		t->gaps++;
	}
	if (c->ok) {
		t->ok++;
		good = check_ok_cycle(o, m, c);
		t->exact += good;
	} else if (c->missed) {
		t->missed++;
		good = check_missed_cycle(o, t, c);
	} else {
		fprintf(stderr, "cycle %" PRIu64 ": status neither ok nor missed\n",
			c->id);
		good = false;
	}
	t->mismatches += !good;
	if (o->verbose)
		printf("# cycle %" PRIu64 " %s%s\n", c->id, c->ok ? "ok" : "missed",
		       good ? "" : " MISMATCH");
	t->have_prev = true;
	t->prev_id = c->id;
	t->prev_nu = c->nu;
	if (c->nu > 0)
		memcpy(t->prev_u, c->u, sizeof(int32_t) * c->nu);
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: agictl -j monitor --count N | verify_cycles --matrix FILE [OPTIONS]\n"
		"\n"
		"Checks every cycle against a reference computed here with 128-bit\n"
		"integers: y == A x (round half up, then saturate to x's format),\n"
		"u == y for the feedback law, u held (or zero) on missed cycles, and\n"
		"cycle ids strictly increasing.\n"
		"\n"
		"  --matrix FILE        line 1: the matrix's format (Q1.31...), then one\n"
		"                       row a line of decimals (commas, blanks, brackets)\n"
		"  --x-format Qi.f      format of x and y (default Q1.31)\n"
		"  --law feedback|pid   pid: skip the u == y check (default feedback)\n"
		"  --miss hold|zero     the aggregator's miss policy (default hold)\n"
		"  --min-cycles N       fail with fewer cycles (default 1)\n"
		"  --min-ok PERCENT     fail when fewer cycles are ok (default 0)\n"
		"  -v, --verbose        one line per cycle\n"
		"  -h, --help           this text\n"
		"\n"
		"Prints one summary line \"# verify_cycles: cycles=N ok=N missed=N\n"
		"exact=N mismatches=N gaps=N order_errors=N bad_lines=N\".\n"
		"Exit status: 0 all good, 1 a check failed, 2 usage error.\n");
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option opts[] = {
		{ "matrix", required_argument, NULL, 'm' },
		{ "x-format", required_argument, NULL, 'x' },
		{ "law", required_argument, NULL, 'l' },
		{ "miss", required_argument, NULL, 'p' },
		{ "min-cycles", required_argument, NULL, 'c' },
		{ "min-ok", required_argument, NULL, 'o' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int opt;

	while ((opt = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (opt) {
		case 'm': o->matrix = optarg; break;
		case 'v': o->verbose = true; break;
		case 'h': usage(stdout); exit(0);
		case 'x':
			if (!(o->xfmt = find_format(optarg)))
				goto bad;
			break;
		case 'l':
			if (strcmp(optarg, "feedback") && strcmp(optarg, "pid"))
				goto bad;
			o->law_feedback = !strcmp(optarg, "feedback");
			break;
		case 'p':
			if (strcmp(optarg, "hold") && strcmp(optarg, "zero"))
				goto bad;
			o->miss_zero = !strcmp(optarg, "zero");
			break;
		case 'c':
			o->min_cycles = strtoull(optarg, &end, 10);
			if (*end || !isdigit((unsigned char)*optarg))
				goto bad;
			break;
		case 'o':
			o->min_ok_pct = (unsigned int)strtoul(optarg, &end, 10);
			if (*end || !isdigit((unsigned char)*optarg) ||
			    o->min_ok_pct > 100)
				goto bad;
			break;
		default:
			return -1;
		}
	}
	if (!o->matrix || optind < argc) {
		fprintf(stderr, "verify_cycles: --matrix FILE is required and nothing else\n");
		return -1;
	}
	return 0;
bad:
	fprintf(stderr, "verify_cycles: bad value \"%s\", try --help\n", optarg);
	return -1;
}

int main(int argc, char **argv)
{
	static struct matrix m;
	static char line[LINE_MAX_LEN];
	static struct cycle c;
	struct options o = { .xfmt = &formats[0], .law_feedback = true,
			     .min_cycles = 1 };
	struct tally t = { 0 };
	uint64_t bad_lines = 0;
	bool fail;

	if (parse_args(argc, argv, &o))
		return 2;
	if (load_matrix(o.matrix, &m))
		return 2;
	while (fgets(line, sizeof(line), stdin)) {
		if (!*skip_ws(line))
			continue;
		if (parse_cycle(line, &c) || !c.has_id) {
			fprintf(stderr, "not a monitor line: %.120s", line);
			bad_lines++;
			continue;
		}
		account(&o, &m, &t, &c);
	}
	printf("# verify_cycles: cycles=%" PRIu64 " ok=%" PRIu64 " missed=%"
	       PRIu64 " exact=%" PRIu64 " mismatches=%" PRIu64 " gaps=%" PRIu64
	       " order_errors=%" PRIu64 " bad_lines=%" PRIu64 " hold_checked=%"
	       PRIu64 "\n", t.cycles, t.ok, t.missed, t.exact, t.mismatches,
	       t.gaps, t.order_errors, bad_lines, t.hold_checked);
	fail = t.mismatches || t.order_errors || bad_lines;
	if (t.cycles < o.min_cycles) {
		printf("# verify_cycles: %" PRIu64 " cycles, fewer than %" PRIu64 "\n",
		       t.cycles, o.min_cycles);
		fail = true;
	}
	if (t.ok * 100 < (uint64_t)o.min_ok_pct * t.cycles) {
		printf("# verify_cycles: %" PRIu64 " of %" PRIu64
		       " cycles ok, under %u%%\n", t.ok, t.cycles, o.min_ok_pct);
		fail = true;
	}
	return fail ? 1 : 0;
}
