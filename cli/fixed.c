// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agictl fixed: a calculator on the portable core's fixed point, the same
 * code the module runs, so an operator can see exactly what a gain or a
 * setpoint becomes before committing it. Needs no module.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fixed.h"
#include "agictl.h"

enum fixed_op { OP_FROM, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_DOT };

static const struct {
	const char *name;
	int operands;
} ops[] = {
	[OP_FROM] = { "from", 1 },
	[OP_ADD] = { "add", 2 },
	[OP_SUB] = { "sub", 2 },
	[OP_MUL] = { "mul", 2 },
	[OP_DIV] = { "div", 2 },
	[OP_DOT] = { "dot", 2 },
};

/**
 * struct calc - one parsed command line
 * @op: what to compute
 * @action: "fixed mul" and so on, for error messages
 * @fa: the first operand's format
 * @fb: the second operand's format
 * @raw: operands are raw integers rather than decimals
 * @arg: the operand tokens, @n of them
 */
struct calc {
	enum fixed_op op;
	char action[16];
	enum agiswarm_qformat fa, fb;
	bool raw;
	const char *arg[2];
	int n;
};

static void fixed_usage(void)
{
	printf("Usage: agictl [-j] fixed OP [ OPTIONS ] ARG...\n"
	       "OP := { from | add | sub | mul | div | dot }\n"
	       "OPTIONS := { --format Qi.f | --format-b Qi.f | --raw },"
	       " anywhere after \"fixed\"\n"
	       "  from A      the raw value of A\n"
	       "  add A B     sat(a + b); A and B in one format\n"
	       "  sub A B     sat(a - b); A and B in one format\n"
	       "  mul A B     sat((a*b + 2^(fa-1)) >> fa), in B's format\n"
	       "  div A B     sat(round_half_away(a * 2^fb / b)), in A's format;\n"
	       "              B = 0 fails\n"
	       "  dot A B     A and B are comma-separated lists of one length\n"
	       "              (\"0.5,-0.25\"): exact sum of products, one rounding\n"
	       "              and one saturation, in B's format\n"
	       "  --format    A's format: Q1.31 (default), Q1.15, Q8.24 or Q16.16\n"
	       "  --format-b  B's format (default: A's)\n"
	       "  --raw       operands are raw integers, not decimals\n"
	       "Decimals become round_half_away(value * 2^f); a value outside\n"
	       "the format fails, as do a bad number and a zero divisor.\n"
	       "Prints the raw result and its exact decimal value; with -j\n"
	       "{\"format\": \"Q1.31\", \"raw\": N, \"value\": exact decimal as a"
	       " JSON number},\n"
	       "or {\"error\": \"...\"} when the calculation fails.\n");
}

/* "--format Q8.24" or "--format=Q8.24"; *@i moves past what was used. */
static int parse_option(struct calc *c, bool *has_fb, int argc, char **argv,
			int *i)
{
	const char *opt = argv[*i], *eq = strchr(opt, '=');
	size_t len = eq ? (size_t)(eq - opt) : strlen(opt);
	bool second;
	const char *val;

	if (!strcmp(opt, "--raw")) {
		c->raw = true;
		return AGICTL_OK;
	}
	if (len == 8 && !strncmp(opt, "--format", len))
		second = false;
	else if (len == 10 && !strncmp(opt, "--format-b", len))
		second = true;
	else
		return agictl_usage_error("unknown fixed option \"%s\"", opt);
	if (eq)
		val = eq + 1;
	else if (*i + 1 < argc)
		val = argv[++*i];
	else
		return agictl_usage_error("\"%s\" needs a format", opt);
	if (!second)
		return agictl_parse_format(val, &c->fa);
	*has_fb = true;
	return agictl_parse_format(val, &c->fb);
}

static int find_op(const char *name, struct calc *c)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		if (!strcmp(name, ops[i].name)) {
			c->op = i;
			snprintf(c->action, sizeof(c->action), "fixed %s", name);
			return AGICTL_OK;
		}
	}
	return agictl_usage_error("unknown fixed operation \"%s\", try \"agictl fixed help\".",
				  name);
}

/* The operand count, and which formats the operation accepts. */
static int check_calc(struct calc *c, bool has_fb, const char *extra)
{
	int want = ops[c->op].operands;
	const char *s = want > 1 ? "s" : "";

	if (extra)
		return agictl_usage_error("%s takes %d operand%s, \"%s\" is one too many",
					  c->action, want, s, extra);
	if (c->n < want)
		return agictl_usage_error("%s takes %d operand%s", c->action,
					  want, s);
	if (c->op == OP_FROM && has_fb)
		return agictl_usage_error("fixed from has no second operand for --format-b");
	if (!has_fb)
		c->fb = c->fa;
	if ((c->op == OP_ADD || c->op == OP_SUB) && c->fa != c->fb)
		return agictl_usage_error("%s needs both operands in one format (%s and %s given)",
					  c->action, agi_q_info(c->fa)->name,
					  agi_q_info(c->fb)->name);
	return AGICTL_OK;
}

/*
 * Every "--" token is an option, wherever it stands; of the others, "-1"
 * included, the first names the operation and the rest are operands.
 */
static int parse_calc(int argc, char **argv, struct calc *c)
{
	const char *op = NULL, *extra = NULL;
	bool has_fb = false;
	int i, ret;

	c->fa = AGISWARM_Q1_31;
	for (i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--", 2)) {
			ret = parse_option(c, &has_fb, argc, argv, &i);
			if (ret)
				return ret;
		} else if (!op) {
			op = argv[i];
		} else if (c->n < 2) {
			c->arg[c->n++] = argv[i];
		} else if (!extra) {
			extra = argv[i];
		}
	}
	if (!op)
		return agictl_usage_error("fixed needs an operation, try \"agictl fixed help\".");
	ret = find_op(op, c);
	if (ret)
		return ret;
	if (c->n > ops[c->op].operands)
		extra = c->arg[ops[c->op].operands];
	return check_calc(c, has_fb, extra);
}

/* A failed parse of the operand @text (@len bytes) in @fmt. */
static int bad_operand(const struct calc *c, int err, const char *text,
		       size_t len, enum agiswarm_qformat fmt)
{
	char range[160];

	if (err == -ENOMEM)
		return agictl_fail("%s failed: %s", c->action, strerror(ENOMEM));
	if (err == -ERANGE) {
		agi_q_range_text(fmt, c->raw, range, sizeof(range));
		return agictl_fail("%s failed: %.*s is outside %s", c->action,
				   (int)len, text, range);
	}
	return agictl_fail("%s failed: bad number \"%.*s\"", c->action,
			   (int)len, text);
}

/* One operand in @fmt; failures are reported here, quoting the token. */
static int parse_value(const struct calc *c, const char *text,
		       enum agiswarm_qformat fmt, s32 *out)
{
	int err = agi_parse_q(text, fmt, c->raw, out);

	return err ? bad_operand(c, err, text, strlen(text), fmt) : AGICTL_OK;
}

/* A comma-separated @list of exactly @n values into a new array. */
static int parse_list(const struct calc *c, const char *list,
		      enum agiswarm_qformat fmt, s32 **out, u32 n)
{
	struct agi_span bad = { 0 };
	int err;

	err = agi_parse_q_list(list, fmt, c->raw, n, out, &n, &bad);
	return err ? bad_operand(c, err, list + bad.off, bad.len, fmt) :
		     AGICTL_OK;
}

static int compute_dot(const struct calc *c, s32 *result)
{
	u32 n = agi_list_count(c->arg[0]), nb = agi_list_count(c->arg[1]);
	s32 *a = NULL, *x = NULL;
	int ret;

	if (n != nb)
		return agictl_usage_error("%s needs two lists of one length (%u and %u items given)",
					  c->action, n, nb);
	ret = parse_list(c, c->arg[0], c->fa, &a, n);
	if (!ret)
		ret = parse_list(c, c->arg[1], c->fb, &x, n);
	if (!ret)
		*result = agi_q_dot(a, c->fa, x, c->fb, n);
	free(a);
	free(x);
	return ret;
}

/* Computes the result and says which format it is in. */
static int compute(const struct calc *c, s32 *result,
		   enum agiswarm_qformat *rfmt)
{
	s32 a, b = 0;
	int ret;

	*rfmt = (c->op == OP_MUL || c->op == OP_DOT) ? c->fb : c->fa;
	if (c->op == OP_DOT)
		return compute_dot(c, result);
	ret = parse_value(c, c->arg[0], c->fa, &a);
	if (!ret && c->n > 1)
		ret = parse_value(c, c->arg[1], c->fb, &b);
	if (ret)
		return ret;
	switch (c->op) {
	case OP_ADD:
		*result = agi_q_add(a, b, c->fa);
		break;
	case OP_SUB:
		*result = agi_q_sub(a, b, c->fa);
		break;
	case OP_MUL:
		*result = agi_q_mul(a, c->fa, b, c->fb);
		break;
	case OP_DIV:
		if (agi_q_div(a, c->fa, b, c->fb, result))
			return agictl_fail("%s failed: division by zero",
					   c->action);
		break;
	default:
		*result = a;
	}
	return AGICTL_OK;
}

static int print_result(const struct calc *c, s32 raw,
			enum agiswarm_qformat fmt)
{
	char value[64];

	if (agi_q_to_decimal(raw, fmt, value, sizeof(value)) < 0)
		return agictl_fail("%s failed: cannot write %d in %s",
				   c->action, raw, agi_q_info(fmt)->name);
	agi_print_begin();
	agi_print_string(AGI_PRINT_ANY, "format", "%s", agi_q_info(fmt)->name);
	agi_print_s64(AGI_PRINT_ANY, "raw", " raw %lld", raw);
	agi_print_number(AGI_PRINT_ANY, "value", " value %s\n", value);
	agi_print_end();
	return AGICTL_OK;
}

int agictl_fixed(int argc, char **argv)
{
	struct calc c = { 0 };
	enum agiswarm_qformat rfmt;
	s32 result;
	int ret;

	if (argc > 1 && agictl_is_help(argv[1])) {
		fixed_usage();
		return AGICTL_OK;
	}
	ret = parse_calc(argc, argv, &c);
	if (!ret)
		ret = compute(&c, &result, &rfmt);
	if (!ret)
		ret = print_result(&c, result, rfmt);
	return ret;
}
