/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agictl, the operator tool: what the per-object files share.
 */
#ifndef AGICTL_H
#define AGICTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <netinet/in.h>

#include "core/compat.h"
#include "uapi/linux/agiswarm.h"

struct nlmsghdr;

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

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

/* report.c: shared by every object (and agiswarmd, which has no agictl.c). */
bool agictl_is_help(const char *arg);
int agictl_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
int agictl_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * A usage error when more than @max arguments are given, quoting the first
 * one too many in @action's name; else AGICTL_OK.
 */
int agictl_max_args(const char *action, int argc, char **argv, int max);

/* One verb of "agictl OBJECT VERB ARGS...": @fn gets ARGS only. */
struct agictl_verb {
	const char *name;
	int (*fn)(int argc, char **argv);
};

/*
 * "agictl OBJECT VERB ARGS..." with a VERB (argc >= 2): help prints @usage,
 * a verb of @verbs runs, anything else is a usage error naming OBJECT
 * (argv[0]). Returns the exit code.
 */
int agictl_run_verb(int argc, char **argv, const struct agictl_verb *verbs,
		    size_t n, void (*usage)(void));

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
int agictl_monitor(int argc, char **argv);
int agictl_fixed(int argc, char **argv);
int agictl_config(int argc, char **argv);

/* parse.c: command-line values; 0 or -EINVAL/-ERANGE, nothing printed. */
struct agi_endpoint {
	union {
		struct sockaddr_in sin;
		struct sockaddr_in6 sin6;
	} addr;
	size_t len;
};

int agi_parse_u64(const char *s, uint64_t max, uint64_t *v);
int agi_parse_u32(const char *s, uint32_t *v);
int agi_parse_duration_us(const char *s, uint32_t *us);
int agi_parse_endpoint(const char *s, struct agi_endpoint *ep);
void agi_format_endpoint(const void *sa, size_t len, char *buf, size_t size);
/* @names[v], "unknown" past the table or in a hole (NULL) of it. */
const char *agi_name_of(const char *const *names, size_t n, unsigned int v);
/* The value @names gives @s, or -EINVAL. */
int agi_name_find(const char *const *names, size_t n, const char *s);
/* These two report their own errors and return an exit code. */
int agi_parse_list(const char *action, const char *list,
		   enum agiswarm_qformat fmt, bool raw, uint32_t max,
		   s32 **out, uint32_t *n);
int agi_parse_format(const char *name, enum agiswarm_qformat *fmt);

/* matrix_json.c: a matrix from the seeds' JSON, validated whole. */
struct agi_matrix {
	char path[256];			/* key path it was found at */
	enum agiswarm_qformat fmt;	/* its "precision" */
	u32 rows, cols;
	s32 *data;			/* row-major raw values */
};

/* Returns an exit code; every failure is reported, in @action's name. */
int agi_matrix_read(const char *action, const char *file, const char *want,
		    struct agi_matrix *m);
void agi_matrix_free(struct agi_matrix *m);

/* status.c: AGISWARM_CMD_GET_STATUS, decoded. */
enum agi_status_field {
	ST_PORT, ST_EPOCH, ST_PERIOD_US, ST_DEADLINE_US, ST_MISS, ST_LAW,
	ST_RUNNING, ST_CYCLE_ID, ST_REDUNDANCY, NR_ST_FIELDS
};

struct agi_status {
	char version[32];
	uint8_t role;
	uint32_t node_id;
	bool has[NR_ST_FIELDS];		/* what the module reported */
	uint64_t field[NR_ST_FIELDS];
	bool has_counter[AGISWARM_CNT_MAX + 1];
	uint64_t counter[AGISWARM_CNT_MAX + 1];
};

/* Returns an exit code; failures are reported, in @action's name. */
int agi_status_fetch(struct agi_status *st, const char *action);

/* peer.c: "drop", "delay", "stall"; "unknown" otherwise. */
const char *agi_fault_name(unsigned int kind);

/* metrics.c: one metrics record or cycle event. */
struct agi_vec {
	const s32 *raw;		/* host order, points into the message */
	u32 n;
};

struct agi_cycle {
	bool has_cycle;
	bool missed;
	u8 fmt;
	u64 cycle, epoch, timestamp_ns;
	u64 latency_us, jitter_us, workers, tasks, error_ppm, results_used;
	struct agi_vec x, y, u;
};

/* 0 or -EBADMSG (no cycle id, or an attribute of the wrong size). */
int agi_cycle_parse(const struct nlmsghdr *nlh, struct agi_cycle *c);
/*
 * metrics.csv: the header line (with its newline) and one row per record,
 * exactly as `agictl metrics --csv` prints them and agiswarmd writes them.
 */
extern const char agi_metrics_csv_header[];
void agi_metrics_csv_row(FILE *f, const struct agi_cycle *c);

/* node.c: "none", "worker", "aggregator"; "unknown" past the enum. */
const char *agi_role_name(unsigned int role);

/*
 * print.c: the one printing path. Each call names a JSON key and a text
 * format; which of the two is used depends on the mode chosen at
 * print_init(), so text and JSON never drift apart. Keys are ignored in text
 * mode, formats in JSON mode (NULL format = nothing in text mode).
 */
enum print_type {
	PRINT_ANY,	/* text or JSON, whichever is active */
	PRINT_TEXT,	/* text mode only */
	PRINT_JSON,	/* JSON mode only */
};

void print_init(bool json, bool pretty);
bool print_is_json(void);
void print_begin(void);		/* opens the top-level JSON object */
void print_end(void);		/* closes it and ends the line */
void print_begin_list(void);	/* opens a top-level JSON array */
void print_end_list(void);	/* closes it and ends the line */
void open_object(const char *key);
void close_object(void);
void open_array(const char *key);
void close_array(void);
void print_string(enum print_type t, const char *key, const char *fmt,
		  const char *value);
void print_u64(enum print_type t, const char *key, const char *fmt,
	       uint64_t value);
void print_s64(enum print_type t, const char *key, const char *fmt,
	       int64_t value);
void print_null(enum print_type t, const char *key, const char *fmt);
void print_bool(enum print_type t, const char *key, const char *fmt,
		bool value);
/* @value is decimal text ("0.5", "-1"); JSON gets it as a number. */
void print_number_text(enum print_type t, const char *key, const char *fmt,
		       const char *value);
void print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes @s as a quoted JSON string; shared with the error path. */
void print_json_string(FILE *f, const char *s);

/*
 * nl.c: one generic netlink conversation with the agiswarm family. Every
 * request carries NLM_F_ACK, so a conversation ends at the kernel's ack (or
 * error) whether or not it also sent a reply.
 */
struct mnl_socket;

/* Room for one request or one receive; MNL_SOCKET_BUFFER_SIZE at most. */
#define AGI_NL_BUF_SIZE 8192

struct agi_nl {
	struct mnl_socket *sock;
	unsigned int portid;
	unsigned int seq;
	uint16_t family;
	char extack[256];	/* the kernel's extack text, "" when none */
	bool has_offset;
	uint32_t extack_offset;	/* of the attribute at fault, in the request */
	unsigned int n_groups;	/* the family's multicast groups */
	struct {
		char name[32];
		uint32_t id;
	} groups[4];
};

typedef int (*agi_nl_reply_cb)(const struct nlmsghdr *nlh, void *data);
/* Puts a request's attributes; @arg is the caller's. */
typedef void (*agi_nl_fill_cb)(struct nlmsghdr *nlh, const void *arg);
struct nlattr;

int agi_nl_open(struct agi_nl *nl);
void agi_nl_close(struct agi_nl *nl);
struct nlmsghdr *agi_nl_request(struct agi_nl *nl, void *buf, uint8_t cmd);
struct nlmsghdr *agi_nl_dump(struct agi_nl *nl, void *buf, uint8_t cmd);
int agi_nl_talk(struct agi_nl *nl, struct nlmsghdr *req, agi_nl_reply_cb cb,
		void *data);
int agi_nl_subscribe(struct agi_nl *nl, const char *name);
int agi_nl_report(const struct agi_nl *nl, const char *action, int err);
/*
 * A whole conversation with a socket of its own, every failure reported in
 * @action's name; they return an exit code. agi_nl_send: a request of @cmd
 * whose attributes @fill puts (no reply expected); agi_nl_get: a request
 * without attributes whose replies go to @cb; agi_nl_get_dump: the same as
 * a dump.
 */
int agi_nl_send(const char *action, uint8_t cmd, agi_nl_fill_cb fill,
		const void *arg);
int agi_nl_get(const char *action, uint8_t cmd, agi_nl_reply_cb cb,
	       void *data);
int agi_nl_get_dump(const char *action, uint8_t cmd, agi_nl_reply_cb cb,
		    void *data);
/*
 * An unsigned attribute of libmnl type @type (MNL_TYPE_U8, _U16, _U32 or
 * _U64), widened into @v: MNL_CB_OK, or MNL_CB_ERROR for a wrong length.
 */
int agi_attr_get_uint(const struct nlattr *a, int type, uint64_t *v);
void *agi_grow_rows(void *rows, size_t n, size_t *cap, size_t size,
		    size_t first);

/**
 * struct peer_info - one peer of the GET_PEERS dump
 * @has: which optional attributes came (a worker's stats, a fault, the
 *	daemon's health)
 */
struct peer_info {
	u8 kind;
	u32 id;
	char endpoint[64];
	u32 rows, gen;
	u64 results, missed, last_cycle;
	bool has_stats, has_fault, has_health;
	u8 health;
	u8 fault_kind;
	u32 fault_value;
};

struct peer_list {
	struct peer_info *peers;
	size_t n, cap;
};

/* GET_PEERS dump callback: appends each peer to a struct peer_list. */
int agi_peers_cb(const struct nlmsghdr *nlh, void *data);

#endif /* AGICTL_H */
