// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agictl matrix: check a matrix file, load it into the aggregator
 * (AGISWARM_CMD_SET_MATRIX, in chunks of whole rows) and show what the
 * aggregator holds (AGISWARM_CMD_GET_MATRIX).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "core/fixed.h"
#include "agictl.h"

/*
 * Room for one SET_MATRIX message: the spec keeps each under 60 KiB, which
 * also keeps MATRIX_DATA below the 64 KiB an attribute's u16 length allows.
 */
#define CHUNK_MSG_MAX (60 * 1024)
#define CHUNK_OVERHEAD 256

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
	       "sibling of the matrix) is Q1.31, Q1.15 or Q8.24, Q1.31 when absent.\n"
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

	print_begin();
	print_string(PRINT_ANY, "file", "%s", file);
	print_string(PRINT_ANY, "path", ": %s", m->path);
	print_u64(PRINT_ANY, "rows", " %llu", m->rows);
	print_u64(PRINT_ANY, "cols", "x%llu", m->cols);
	print_string(PRINT_ANY, "format", " %s raw\n", agi_q_info(m->fmt)->name);
	open_array("matrix");
	for (i = 0; i < m->rows; i++) {
		open_array(NULL);
		for (j = 0; j < m->cols; j++)
			print_s64(PRINT_ANY, NULL, j ? " %lld" : "%lld",
				  m->data[i * m->cols + j]);
		print_text("\n");
		close_array();
	}
	close_array();
	print_end();
}

static int matrix_check(int argc, char **argv)
{
	const char *file, *path;
	struct agi_matrix m;
	int ret;

	ret = parse_file_args("matrix check", argc, argv, &file, &path);
	if (ret)
		return ret;
	ret = agi_matrix_read("matrix check", file, path, &m);
	if (ret)
		return ret;
	print_matrix(file, &m);
	agi_matrix_free(&m);
	return AGICTL_OK;
}

/* Rows of one SET_MATRIX message, so that it stays under 60 KiB. */
static u32 rows_per_chunk(u32 cols)
{
	return (CHUNK_MSG_MAX - CHUNK_OVERHEAD) / (cols * sizeof(s32));
}

static int send_chunk(struct agi_nl *nl, void *buf, const struct agi_matrix *m,
		      u32 first, u32 count)
{
	struct nlmsghdr *nlh = agi_nl_request(nl, buf, AGISWARM_CMD_SET_MATRIX);

	mnl_attr_put_u8(nlh, AGISWARM_A_MATRIX_FMT, m->fmt);
	mnl_attr_put_u32(nlh, AGISWARM_A_MATRIX_ROWS, m->rows);
	mnl_attr_put_u32(nlh, AGISWARM_A_MATRIX_COLS, m->cols);
	mnl_attr_put_u32(nlh, AGISWARM_A_MATRIX_FIRST_ROW, first);
	mnl_attr_put(nlh, AGISWARM_A_MATRIX_DATA,
		     (size_t)count * m->cols * sizeof(s32),
		     &m->data[(size_t)first * m->cols]);
	return agi_nl_talk(nl, nlh, NULL, NULL);
}

static int send_matrix(const struct agi_matrix *m)
{
	u32 first, count, step = rows_per_chunk(m->cols);
	struct agi_nl nl = { 0 };
	void *buf = NULL;
	int err, ret = AGICTL_OK;

	buf = calloc(1, CHUNK_MSG_MAX);
	if (!buf)
		return agictl_fail("matrix load failed: %s", strerror(ENOMEM));
	err = agi_nl_open(&nl);
	if (err) {
		ret = agi_nl_report(&nl, "matrix load", err);
		goto cleanup;
	}
	for (first = 0; first < m->rows; first += count) {
		count = m->rows - first < step ? m->rows - first : step;
		err = send_chunk(&nl, buf, m, first, count);
		if (err) {
			ret = agi_nl_report(&nl, "matrix load", err);
			goto cleanup;
		}
	}
cleanup:
	agi_nl_close(&nl);
	free(buf);
	return ret;
}

static int matrix_load(int argc, char **argv)
{
	const char *file, *path;
	struct agi_matrix m;
	int ret;

	ret = parse_file_args("matrix load", argc, argv, &file, &path);
	if (ret)
		return ret;
	ret = agi_matrix_read("matrix load", file, path, &m);
	if (ret)
		return ret;
	ret = send_matrix(&m);
	agi_matrix_free(&m);
	return ret;
}

struct matrix_info {
	bool has_rows;
	u8 fmt;
	u32 rows, cols, n_coded, gen;
	u64 seed;
};

static int info_attr_cb(const struct nlattr *attr, void *data)
{
	struct matrix_info *mi = data;
	int ret = MNL_CB_OK;
	u64 v = 0;

	switch (mnl_attr_get_type(attr)) {
	case AGISWARM_A_MATRIX_FMT:
		ret = agi_attr_get_uint(attr, MNL_TYPE_U8, &v);
		mi->fmt = v;
		break;
	case AGISWARM_A_MATRIX_ROWS:
		ret = agi_attr_get_uint(attr, MNL_TYPE_U32, &v);
		mi->rows = v;
		mi->has_rows = true;
		break;
	case AGISWARM_A_MATRIX_COLS:
		ret = agi_attr_get_uint(attr, MNL_TYPE_U32, &v);
		mi->cols = v;
		break;
	case AGISWARM_A_MATRIX_N_CODED:
		ret = agi_attr_get_uint(attr, MNL_TYPE_U32, &v);
		mi->n_coded = v;
		break;
	case AGISWARM_A_MATRIX_GEN:
		ret = agi_attr_get_uint(attr, MNL_TYPE_U32, &v);
		mi->gen = v;
		break;
	case AGISWARM_A_CODE_SEED:
		ret = agi_attr_get_uint(attr, MNL_TYPE_U64, &mi->seed);
		break;
	}
	return ret;
}

static int info_cb(const struct nlmsghdr *nlh, void *data)
{
	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), info_attr_cb,
			   data) < 0) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

static void print_info(const struct matrix_info *mi)
{
	const struct agi_qinfo *q = agi_q_info(mi->fmt);

	print_begin();
	print_u64(PRINT_ANY, "rows", "matrix %llu", mi->rows);
	print_u64(PRINT_ANY, "cols", "x%llu", mi->cols);
	print_string(PRINT_ANY, "format", " %s\n", q ? q->name : "none");
	print_u64(PRINT_ANY, "seed", "code seed %llu", mi->seed);
	print_u64(PRINT_ANY, "n_coded", " coded rows %llu", mi->n_coded);
	print_u64(PRINT_ANY, "gen", " generation %llu\n", mi->gen);
	print_end();
}

static int matrix_show(int argc, char **argv)
{
	struct matrix_info mi = { 0 };
	int ret;

	ret = agictl_max_args("matrix show", argc, argv, 0);
	if (!ret)
		ret = agi_nl_get("matrix show", AGISWARM_CMD_GET_MATRIX, info_cb,
				 &mi);
	if (ret)
		return ret;
	if (!mi.has_rows)
		return agictl_fail("matrix show failed: the module's reply lacks the dimensions");
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
