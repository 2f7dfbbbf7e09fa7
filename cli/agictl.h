/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agictl, the operator tool: what its per-object files share. Each object
 * turns its command line into a typed request of the userspace library
 * (include/user/) and prints the answer through the library's printer;
 * this header adds only what makes agictl a command-line tool: exit codes,
 * the verb tables, and how usage errors and failures are told.
 */
#ifndef AGICTL_H
#define AGICTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/compat.h"
#include "uapi/linux/agiswarm.h"
#include "user/group_info.h"
#include "user/nl.h"
#include "user/parse.h"
#include "user/print.h"
#include "user/status.h"

struct agi_commit_changes;

/* Exit codes, as iproute2 uses them. */
enum {
	AGICTL_OK = 0,
	AGICTL_FAILED = 1,	/* the operation was tried and failed */
	AGICTL_USAGE = 2,	/* the command line was wrong; nothing was tried */
};

/* One object of "agictl OBJECT ...": argv[0] is the object's name. */
struct agictl_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

/* One verb of "agictl OBJECT VERB ARGS...": @fn gets ARGS only. */
struct agictl_verb {
	const char *name;
	int (*fn)(int argc, char **argv);
};

/* Objects, one file each. */
int agictl_status(int argc, char **argv);
int agictl_node(int argc, char **argv);
int agictl_law(int argc, char **argv);
int agictl_peer(int argc, char **argv);
int agictl_workers(int argc, char **argv);
int agictl_matrix(int argc, char **argv);
int agictl_input(int argc, char **argv);
int agictl_fault(int argc, char **argv);
int agictl_metrics(int argc, char **argv);
int agictl_metrics_plot(int argc, char **argv);	/* plot.c */
int agictl_monitor(int argc, char **argv);
int agictl_fixed(int argc, char **argv);
int agictl_config(int argc, char **argv);
int agictl_keygen(int argc, char **argv);
int agictl_commit(int argc, char **argv);
int agictl_audit(int argc, char **argv);
int agictl_job(int argc, char **argv);
int agictl_group(int argc, char **argv);

/* --- group.c: which member of a replicated group produced a cycle ------- */

/* The group's size (the module's) and its names (the daemon's, if any). */
struct agictl_producer {
	u64 size;
	bool named;
	struct agi_group_info gi;
};
/* Reads both through @nl and the node's daemon; outside a group, size 1. */
void agictl_producer_init(struct agi_nl *nl, struct agictl_producer *p);
/* The producer of a cycle of @epoch (NAME, or rank), NULL outside a group. */
const char *agictl_producer(const struct agictl_producer *p, u64 epoch,
			    char *buf, size_t len);

/* --- report.c: how agictl tells what went wrong ------------------------- */

bool agictl_is_help(const char *arg);
/* "agictl: <text>" on stderr; returns AGICTL_USAGE. */
int agictl_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/*
 * A failed operation: one line on stderr, or under -j one JSON object
 * {"error": "<line>"} on stdout; returns AGICTL_FAILED.
 */
int agictl_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * A usage error when more than @max arguments are given, quoting the first
 * one too many in @action's name; else AGICTL_OK.
 */
int agictl_max_args(const char *action, int argc, char **argv, int max);
/*
 * "agictl OBJECT VERB ARGS..." with a VERB (argc >= 2): help prints @usage,
 * a verb of @verbs runs, anything else is a usage error naming OBJECT
 * (argv[0]). Returns the exit code.
 */
int agictl_run_verb(int argc, char **argv, const struct agictl_verb *verbs,
		    size_t n, void (*usage)(void));

/*
 * The module, for one command: agictl_open() opens the socket (reporting,
 * in @action's name, a module that is not loaded); agictl_close() closes
 * it after reporting @err, the result of the command's requests, in
 * iproute2's words: the kernel's extack verbatim as "Error: <text>", else
 * "<action> failed: <reason>". Both return the exit code.
 */
int agictl_open(struct agi_nl *nl, const char *action);
int agictl_close(struct agi_nl *nl, const char *action, int err);
/* The report of agictl_close() alone, the socket left open. */
int agictl_nl_fail(const struct agi_nl *nl, const char *action, int err);

/*
 * Command-line values that report their own usage errors, quoting the
 * token in @action's name: a comma-separated list of at most @max values
 * of @fmt (decimals, or raw integers with @raw) into a new array the
 * caller frees, and a format name ("Q1.31").
 */
int agictl_parse_list(const char *action, const char *list,
		      enum agiswarm_qformat fmt, bool raw, u32 max,
		      s32 **out, u32 *n);
int agictl_parse_format(const char *name, enum agiswarm_qformat *fmt);

/* --- the operator's key, commits (keygen.c, commit.c) ------------------- */

/* Where keygen writes and commit reads the operator's key by default. */
#define AGICTL_KEY_DIR ".agiswarm"
#define AGICTL_KEY_PRIVATE "operator.key"
#define AGICTL_KEY_PUBLIC "operator.pub"
#define AGICTL_NODE_PRIVATE "node.key"
#define AGICTL_NODE_PUBLIC "node.pub"
#define AGICTL_PSK_FILE "swarm.psk"

/* $HOME/.agiswarm, or "." without a home; into @buf. */
void agictl_key_dir(char *buf, size_t size);

/*
 * The changes of a commit, each as " name value" in text ("kp 1.5",
 * "setpoint 0.5,-0.25", "cycle 50ms", "matrix 2x3 Q1.31") and as members
 * of the current JSON object, values as exact decimals.
 */
void agictl_print_changes(const struct agi_commit_changes *ch);

/*
 * status.c: a group member's failure threshold, as set (@text is its
 * printf format, one %llu) and, when the module reports it, the one in
 * effect: "failure_threshold_now" in JSON, "(N in effect)" in text when
 * the backoff raised it; then a newline.
 */
void agictl_print_threshold(const struct agi_status *st, const char *text);

#endif /* AGICTL_H */
