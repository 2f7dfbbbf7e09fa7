// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agictl [OPTIONS] OBJECT { COMMAND | help }
 *
 * This file is only option parsing and the table of objects; each object
 * lives in its own file. To add one, write agictl_<object>() and give it a
 * line in objects[] below.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "agictl.h"

static int agictl_help(int argc, char **argv);

static const struct agictl_cmd objects[] = {
	{ "status", agictl_status,
	  "the module's version, this node's role and id, its counters" },
	{ "node", agictl_node,
	  "show or set this node (role, id, port, cycle...), start, stop" },
	{ "law", agictl_law, "set the control law: feedback or pid" },
	{ "peer", agictl_peer, "add, delete, list workers, actuators, sensors" },
	{ "group", agictl_group,
	  "the replicated aggregator group: members, roles, epoch, raft" },
	{ "workers", agictl_workers, "list workers with their health and stats" },
	{ "matrix", agictl_matrix, "check, load or show the matrix A" },
	{ "config", agictl_config, "show the running configuration as YAML" },
	{ "input", agictl_input, "set the input vector x" },
	{ "fault", agictl_fault, "inject or clear faults on workers" },
	{ "metrics", agictl_metrics, "per-cycle records, as a table, JSON or CSV" },
	{ "monitor", agictl_monitor, "follow cycles as they complete" },
	{ "fixed", agictl_fixed,
	  "fixed-point calculator on the portable core (no module needed)" },
	{ "keygen", agictl_keygen, "make an operator key pair for signed commits" },
	{ "commit", agictl_commit, "sign a change and send it to the aggregator" },
	{ "audit", agictl_audit, "list or verify the log of applied commits" },
	{ "job", agictl_job, "run coded jobs (matmul) beside the cycle" },
	{ "help", agictl_help, "this text" },
};

static void usage(void)
{
	size_t i;

	printf(
		"Usage: agictl [OPTIONS] OBJECT { COMMAND | help }\n"
		"       agictl [OPTIONS]          same as \"agictl status\"\n"
		"\n"
		"OPTIONS:\n"
		"  -j, --json      print JSON on stdout\n"
		"  -p, --pretty    print indented JSON (implies -j)\n"
		"  -V, --version   print the version and exit\n"
		"  -h, --help      print this help and exit\n"
		"\n"
		"OBJECT:\n");
	for (i = 0; i < ARRAY_SIZE(objects); i++)
		printf("  %-8s %s\n", objects[i].name, objects[i].help);
	printf(
		"\n"
		"\"agictl OBJECT help\" lists the commands of OBJECT.\n"
		"\n"
		"Exit status: 0 success, 1 the operation failed, 2 usage error\n"
		"(nothing was tried).\n"
		"Errors: a failed operation prints \"<action> failed: <reason>\",\n"
		"or \"Error: <text>\" with the module's own words, on stderr; with\n"
		"-j it prints {\"error\": \"<that same line>\"} on stdout instead,\n"
		"and nothing on stderr. When the module is not loaded the line is\n"
		"\"Failed to reach the agiswarm module (not loaded?)\". Usage errors\n"
		"always go to stderr and print nothing on stdout.\n");
}

static int agictl_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage();
	return AGICTL_OK;
}

static int run_object(int argc, char **argv)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(objects); i++)
		if (!strcmp(argv[0], objects[i].name))
			return objects[i].fn(argc, argv);
	return agictl_usage_error("Object \"%s\" is unknown, try \"agictl help\".",
				  argv[0]);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static char *status_argv[] = { "status", NULL };
	bool json = false, pretty = false;
	int c, ret;

	opterr = 0;
	/* "+": options end at OBJECT, so "fixed from -1" keeps its "-1". */
	while ((c = getopt_long(argc, argv, "+jpVh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'p':
			pretty = true;
			break;
		case 'V':
			printf("agictl %s\n", AGISWARM_VERSION);
			return AGICTL_OK;
		case 'h':
			usage();
			return AGICTL_OK;
		default:
			return agictl_usage_error("unknown option \"%s\", try \"agictl -h\".",
						  argv[optind - 1]);
		}
	}
	agi_print_init(json, pretty);
	if (optind == argc)
		ret = run_object(1, status_argv);
	else
		ret = run_object(argc - optind, argv + optind);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "write failed: %s\n", strerror(errno));
		ret = AGICTL_FAILED;
	}
	return ret;
}
