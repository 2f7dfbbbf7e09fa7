// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * How agictl's shared code recognises "help", runs an object's verb and
 * reports a usage error or a failed operation.
 * Kept apart from agictl.c (main and the object table) so that the readers
 * agiswarmd shares with agictl (matrix_json.c, parse.c) link without main.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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
	if (print_is_json()) {
		fputs("{\"error\": ", stdout);
		print_json_string(stdout, msg);
		fputs("}\n", stdout);
	} else {
		fprintf(stderr, "%s\n", msg);
	}
	return AGICTL_FAILED;
}
