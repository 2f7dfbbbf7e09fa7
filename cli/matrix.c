// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agictl matrix: check a matrix file, load it into the aggregator
 * (AGISWARM_CMD_SET_MATRIX, in chunks of whole rows) and show what the
 * aggregator holds (AGISWARM_CMD_GET_MATRIX).
 */
#include <stdio.h>
#include <string.h>

#include "core/fixed.h"
#include "user/matrix_json.h"
#include "agictl.h"

static void matrix_usage(void)
{
	printf("Usage: agictl [-j] matrix check FILE.json [ --matrix PATH ]\n"
	       "       agictl matrix load FILE.json [ --matrix PATH ]\n"
	       "       agictl [-j] matrix show\n"
	       "FILE.json holds matrices as the seeds write them:\n"
	       "  {\"control_matrices\": {\"state_feedback\": {\"matrix\": [[1.0, 0.5], ...],\n"
	       "                                          \"precision\": \"Q1.31\"}}}\n"
	       "PATH names one by its keys, e.g. control_matrices.state_feedback.matrix;\n"
	       "by default it is the first array named \"matrix\" under\n"
	       "control_matrices (depth first, in file order). \"precision\" (a\n"
	       "sibling of the matrix) is Q1.31, Q1.15, Q8.24 or Q16.16, Q1.31 when\n"
	       "absent.\n"
	       "Entries are decimals, converted as round_half_away(v * 2^f); one\n"
	       "outside the format, a non-number, a ragged or empty matrix or one\n"
	       "past 256 rows or columns is an error naming the file, the key path\n"
	       "with indices and the value (exit 1).\n"
	       "  check  validates only (no module needed) and prints the raw\n"
	       "         matrix; JSON: {\"file\", \"path\", \"format\", \"rows\",\n"
	       "         \"cols\", \"matrix\": [[raw, ...], ...]}\n"
	       "  load   validates the whole file first, then sends it to the\n"
	       "         aggregator, which stages it and swaps it in when complete\n"
	       "         and reassigns the coded rows to its workers\n"
	       "  show   what the aggregator holds: dimensions, format, code seed,\n"
	       "         coded rows and assignment generation (not the entries);\n"
	       "         JSON: {\"rows\", \"cols\", \"format\", \"seed\", \"n_coded\",\n"
	       "         \"gen\"}\n");
}

/* FILE.json [--matrix PATH], in either order. */
static int parse_file_args(const char *action, int argc, char **argv,
			   const char **file, const char **path)
{
	int i;

	*file = NULL;
	*path = NULL;
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--matrix")) {
			if (i + 1 >= argc)
				return agictl_usage_error("\"--matrix\" needs a key path");
			*path = argv[++i];
		} else if (!strncmp(argv[i], "--matrix=", 9)) {
			*path = argv[i] + 9;
		} else if (!strncmp(argv[i], "--", 2) && strlen(argv[i]) > 2) {
			return agictl_usage_error("unknown %s option \"%s\"",
						  action, argv[i]);
		} else if (*file) {
			return agictl_usage_error("%s takes one file, \"%s\" is one too many",
						  action, argv[i]);
		} else {
			*file = argv[i];
		}
	}
	if (!*file)
		return agictl_usage_error("%s needs a FILE.json", action);
	if (*path && !**path)
		return agictl_usage_error("\"--matrix\" needs a key path");
	return AGICTL_OK;
}

static void print_matrix(const char *file, const struct agi_matrix *m)
{
	u32 i, j;

	agi_print_begin();
	agi_print_string(AGI_PRINT_ANY, "file", "%s", file);
	agi_print_string(AGI_PRINT_ANY, "path", ": %s", m->path);
	agi_print_u64(AGI_PRINT_ANY, "rows", " %llu", m->rows);
	agi_print_u64(AGI_PRINT_ANY, "cols", "x%llu", m->cols);
	agi_print_string(AGI_PRINT_ANY, "format", " %s raw\n", agi_q_info(m->fmt)->name);
	agi_open_array("matrix");
	for (i = 0; i < m->rows; i++) {
		agi_open_array(NULL);
		for (j = 0; j < m->cols; j++)
			agi_print_s64(AGI_PRINT_ANY, NULL, j ? " %lld" : "%lld",
				  m->data[i * m->cols + j]);
		agi_print_text("\n");
		agi_close_array();
	}
	agi_close_array();
	agi_print_end();
}

/* The matrix of @file, every failure reported in @action's name. */
static int read_matrix(const char *action, const char *file, const char *path,
		       struct agi_matrix *m)
{
	char err[1024];

	if (agi_matrix_read(file, path, m, err, sizeof(err)))
		return agictl_fail("%s failed: %s", action, err);
	return AGICTL_OK;
}

static int matrix_check(int argc, char **argv)
{
	const char *file, *path;
	struct agi_matrix m;
	int ret;

	ret = parse_file_args("matrix check", argc, argv, &file, &path);
	if (!ret)
		ret = read_matrix("matrix check", file, path, &m);
	if (ret)
		return ret;
	print_matrix(file, &m);
	agi_matrix_free(&m);
	return AGICTL_OK;
}

static int matrix_load(int argc, char **argv)
{
	const char *file, *path;
	struct agi_matrix m;
	struct agi_nl nl;
	int ret;

	ret = parse_file_args("matrix load", argc, argv, &file, &path);
	if (!ret)
		ret = read_matrix("matrix load", file, path, &m);
	if (ret)
		return ret;
	ret = agictl_open(&nl, "matrix load");
	if (!ret)
		ret = agictl_close(&nl, "matrix load", agi_matrix_set(&nl, &m, 0));
	agi_matrix_free(&m);
	return ret;
}

static void print_info(const struct agi_matrix_info *mi)
{
	const struct agi_qinfo *q = agi_q_info(mi->fmt);

	agi_print_begin();
	agi_print_u64(AGI_PRINT_ANY, "rows", "matrix %llu", mi->rows);
	agi_print_u64(AGI_PRINT_ANY, "cols", "x%llu", mi->cols);
	agi_print_string(AGI_PRINT_ANY, "format", " %s\n", q ? q->name : "none");
	agi_print_u64(AGI_PRINT_ANY, "seed", "code seed %llu", mi->seed);
	agi_print_u64(AGI_PRINT_ANY, "n_coded", " coded rows %llu", mi->n_coded);
	agi_print_u64(AGI_PRINT_ANY, "gen", " generation %llu\n", mi->gen);
	agi_print_end();
}

static int matrix_show(int argc, char **argv)
{
	struct agi_matrix_info mi;
	struct agi_nl nl;
	int ret;

	ret = agictl_max_args("matrix show", argc, argv, 0);
	if (!ret)
		ret = agictl_open(&nl, "matrix show");
	if (!ret)
		ret = agictl_close(&nl, "matrix show", agi_matrix_get(&nl, &mi));
	if (ret)
		return ret;
	print_info(&mi);
	return AGICTL_OK;
}

int agictl_matrix(int argc, char **argv)
{
	static const struct agictl_verb verbs[] = {
		{ "check", matrix_check },
		{ "load", matrix_load },
		{ "show", matrix_show },
	};

	if (argc < 2)
		return matrix_show(0, NULL);
	return agictl_run_verb(argc, argv, verbs, ARRAY_SIZE(verbs),
			       matrix_usage);
}
