// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agiswarmd [--config FILE] [--matrix FILE] [--check-config]
 *
 * Reads the configuration and the matrix and checks both whole; with
 * --check-config prints the effective configuration and exits, otherwise
 * programs the local module and waits for SIGTERM or SIGINT. Exit status:
 * 0 success, 1 the module refused or could not be reached, 2 an invalid
 * input or command line (nothing was changed).
 */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/fixed.h"
#include "user/config.h"
#include "user/group_info.h"
#include "user/matrix_json.h"
#include "user/nl.h"
#include "program.h"
#include "runtime.h"

enum {
	EXIT_INVALID = 2,
};

struct options {
	const char *config;	/* NULL: the default file, when it exists */
	const char *matrix;	/* NULL: matrix.file of the configuration */
	bool check_only;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: agiswarmd [OPTIONS]\n"
		"\n"
		"The AGISWARM control-plane daemon: reads the configuration and the\n"
		"matrix and programs the local agiswarm module.\n"
		"\n"
		"OPTIONS:\n"
		"  -c, --config FILE   the YAML configuration (default %s;\n"
		"                      built-in defaults when that file does not exist)\n"
		"  -m, --matrix FILE   the matrix JSON (default: matrix.file of the\n"
		"                      configuration, %s)\n"
		"  -t, --check-config  validate both files, print the effective\n"
		"                      configuration and exit\n"
		"  -V, --version       print the version and exit\n"
		"  -h, --help          print this help and exit\n"
		"\n"
		"Exit status: 0 success, 1 the daemon failed, 2 an invalid configuration,\n"
		"matrix or command line (the error names FILE:LINE, the key path, the\n"
		"value and what is allowed). See agiswarmd(8).\n",
		AGI_CONFIG_DEFAULT_FILE, AGI_CONFIG_DEFAULT_MATRIX);
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "matrix", required_argument, NULL, 'm' },
		{ "check-config", no_argument, NULL, 't' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":c:m:tVh", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'c':
			o->config = optarg;
			break;
		case 'm':
			o->matrix = optarg;
			break;
		case 't':
			o->check_only = true;
			break;
		case 'V':
			printf("agiswarmd %s\n", AGISWARM_VERSION);
			exit(EXIT_SUCCESS);
		case 'h':
			usage(stdout);
			exit(EXIT_SUCCESS);
		case ':':
			fprintf(stderr, "agiswarmd: option \"%s\" needs a value, try \"agiswarmd -h\".\n",
				argv[optind - 1]);
			return EXIT_INVALID;
		default:
			fprintf(stderr, "agiswarmd: unknown option \"%s\", try \"agiswarmd -h\".\n",
				argv[optind - 1]);
			return EXIT_INVALID;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "agiswarmd: unexpected argument \"%s\", try \"agiswarmd -h\".\n",
			argv[optind]);
		return EXIT_INVALID;
	}
	return 0;
}

/* The named file must exist; the default one may be absent. */
static int load_config(const struct options *o, struct agi_config *cfg)
{
	const char *file = o->config ? o->config : AGI_CONFIG_DEFAULT_FILE;
	char err[AGI_CONFIG_ERR_LEN];
	int ret;

	ret = agi_config_load(cfg, file, err, sizeof(err));
	if (ret == -ENOENT && !o->config) {
		agi_config_defaults(cfg);
		fprintf(stderr, "agiswarmd: %s does not exist: using the built-in defaults\n",
			file);
		return 0;
	}
	if (ret) {
		fprintf(stderr, "%s\n", err);
		return EXIT_INVALID;
	}
	return 0;
}

/*
 * The matrix goes through the library's reader, as agictl's does, so a
 * file agictl accepts is exactly a file agiswarmd accepts, with the same
 * messages. Workers take their rows from the aggregator: theirs is read
 * only when named.
 */
static int load_matrix(const struct options *o, struct agi_config *cfg,
		       struct agi_matrix *m)
{
	const char *file = o->matrix ? o->matrix : cfg->matrix_file;
	char err[AGI_CONFIG_ERR_LEN];

	if (cfg->role != AGISWARM_ROLE_AGGREGATOR && !o->matrix)
		return 0;
	if (agi_matrix_read(file, *cfg->matrix_path ? cfg->matrix_path : NULL,
			    m, err, sizeof(err))) {
		fprintf(stderr, "reading the matrix failed: %s\n", err);
		return EXIT_INVALID;
	}
	if (o->matrix)
		snprintf(cfg->matrix_file, sizeof(cfg->matrix_file), "%s",
			 o->matrix);
	if (agi_config_check_matrix(cfg, m->rows, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return EXIT_INVALID;
	}
	return 0;
}

static void print_effective(const struct agi_config *cfg,
			    const struct agi_matrix *m)
{
	agi_config_print(stdout, cfg);
	if (m->data)
		printf("# matrix: %s in %s: %u x %u, %s\n", m->path,
		       cfg->matrix_file, m->rows, m->cols,
		       agi_q_info(m->fmt)->name);
	else
		printf("# matrix: not read (a worker takes its rows from the aggregator)\n");
}

/*
 * One agiswarmd per node, and a node is a network namespace: an abstract
 * unix socket name is one per namespace, taken before anything touches the
 * module and released by the kernel however the daemon ends (kill -9
 * included). Returns the socket (kept open for the daemon's life, where
 * control.c answers agictl group status) or -1 after saying why.
 */
static int take_node(void)
{
	static const char name[] = AGI_DAEMON_SOCKET;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	/* sun_path[0] = '\0': the abstract namespace, no file. */
	memcpy(sun.sun_path + 1, name, sizeof(name) - 1);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "agiswarmd: starting failed: socket: %s\n",
			strerror(errno));
		return -1;
	}
	if (!bind(fd, (struct sockaddr *)&sun,
		  offsetof(struct sockaddr_un, sun_path) + sizeof(name)))
		return fd;
	if (errno == EADDRINUSE)
		fprintf(stderr, "agiswarmd: starting failed: another agiswarmd already runs for this node (network namespace); nothing was changed\n");
	else
		fprintf(stderr, "agiswarmd: starting failed: taking the node's lock: %s\n",
			strerror(errno));
	close(fd);
	return -1;
}

/* Programs the module and runs the loop, on one netlink socket. */
static int run(const struct agi_config *cfg)
{
	struct agi_nl nl;
	int err, ret, lock;

	lock = take_node();
	if (lock < 0)
		return EXIT_FAILURE;
	err = agi_nl_open(&nl);
	if (err) {
		fprintf(stderr, "agiswarmd: opening netlink failed: %s\n",
			err == -ENOENT ? "the agiswarm module is not loaded" :
					 strerror(-err));
		close(lock);
		return EXIT_FAILURE;
	}
	if (agid_program(cfg, &nl, cfg->matrix_file)) {
		fprintf(stderr, "agiswarmd: programming the module failed at the step above; later steps were not tried\n");
		ret = EXIT_FAILURE;
	} else {
		ret = agid_run(cfg, &nl, lock);
	}
	agi_nl_close(&nl);
	close(lock);
	return ret;
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct agi_matrix m = { 0 };
	struct agi_config *cfg;
	int ret;

	ret = parse_options(argc, argv, &o);
	if (ret)
		return ret;
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg) {
		fprintf(stderr, "agiswarmd: starting failed: %s\n",
			strerror(ENOMEM));
		return EXIT_FAILURE;
	}
	ret = load_config(&o, cfg);
	if (!ret)
		ret = load_matrix(&o, cfg, &m);
	if (ret)
		goto cleanup;
	if (o.check_only) {
		print_effective(cfg, &m);
		goto cleanup;
	}
	ret = run(cfg);
cleanup:
	agi_matrix_free(&m);
	free(cfg);
	return ret;
}
