// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * How agictl recognises "help", runs an object's verb and tells a usage
 * error or a failed operation, the module's refusals included, in
 * iproute2's words. The library below (include/user/) only returns -errno
 * and the text that explains it; telling the operator is the tool's job.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fixed.h"
#include "agictl.h"

bool agictl_is_help(const char *arg)
{
	return !strcmp(arg, "help") || !strcmp(arg, "-h") ||
	       !strcmp(arg, "--help");
}

int agictl_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("agictl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return AGICTL_USAGE;
}

int agictl_max_args(const char *action, int argc, char **argv, int max)
{
	if (argc <= max)
		return AGICTL_OK;
	if (!max)
		return agictl_usage_error("%s takes no argument, \"%s\" given",
					  action, argv[0]);
	return agictl_usage_error("%s: \"%s\" is one argument too many",
				  action, argv[max]);
}

int agictl_run_verb(int argc, char **argv, const struct agictl_verb *verbs,
		    size_t n, void (*usage)(void))
{
	size_t i;

	if (agictl_is_help(argv[1])) {
		usage();
		return AGICTL_OK;
	}
	for (i = 0; i < n; i++)
		if (!strcmp(argv[1], verbs[i].name))
			return verbs[i].fn(argc - 2, argv + 2);
	return agictl_usage_error("unknown %s command \"%s\", try \"agictl %s help\".",
				  argv[0], argv[1], argv[0]);
}

/*
 * A failed operation: one line on stderr, or under -j one JSON object on
 * stdout so that a script reading the JSON learns why. Returns the exit code.
 */
int agictl_fail(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (agi_print_is_json()) {
		fputs("{\"error\": ", stdout);
		agi_print_json_string(stdout, msg);
		fputs("}\n", stdout);
	} else {
		fprintf(stderr, "%s\n", msg);
	}
	return AGICTL_FAILED;
}

int agictl_nl_fail(const struct agi_nl *nl, const char *action, int err)
{
	if (!nl->family && err == -ENOENT)
		return agictl_fail("Failed to reach the agiswarm module (not loaded?)");
	if (nl->extack[0])
		return agictl_fail("Error: %s", nl->extack);
	if (nl->reply_error[0])
		return agictl_fail("%s failed: %s", action, nl->reply_error);
	return agictl_fail("%s failed: %s", action, strerror(-err));
}

int agictl_open(struct agi_nl *nl, const char *action)
{
	int err = agi_nl_open(nl);

	return err ? agictl_nl_fail(nl, action, err) : AGICTL_OK;
}

int agictl_close(struct agi_nl *nl, const char *action, int err)
{
	int ret = err ? agictl_nl_fail(nl, action, err) : AGICTL_OK;

	agi_nl_close(nl);
	return ret;
}

int agictl_parse_list(const char *action, const char *list,
		      enum agiswarm_qformat fmt, bool raw, u32 max,
		      s32 **out, u32 *n)
{
	struct agi_span bad = { 0 };
	char range[160];
	int err;

	err = agi_parse_q_list(list, fmt, raw, max, out, n, &bad);
	switch (err) {
	case 0:
		return AGICTL_OK;
	case -E2BIG:
		return agictl_usage_error("%s: %u values given, at most %u allowed",
					  action, *n, max);
	case -ENOMEM:
		return agictl_fail("%s failed: %s", action, strerror(ENOMEM));
	case -ERANGE:
		agi_q_range_text(fmt, raw, range, sizeof(range));
		return agictl_usage_error("%s: \"%.*s\" is outside %s", action,
					  (int)bad.len, list + bad.off, range);
	}
	return agictl_usage_error("%s: bad number \"%.*s\"", action,
				  (int)bad.len, list + bad.off);
}

int agictl_parse_format(const char *name, enum agiswarm_qformat *fmt)
{
	if (agi_q_parse_name(name, fmt))
		return agictl_usage_error("unknown format \"%s\" (expected Q1.31, Q1.15, Q8.24 or Q16.16)",
					  name);
	return AGICTL_OK;
}
