// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agictl audit: the daemon's audit log of applied commits, listed (what
 * changed, when, by whom) or verified end to end: every hash, the chain,
 * seq order, every signature against authorized_keys and the head file.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "user/audit.h"
#include "user/commit.h"
#include "user/keys.h"
#include "agictl.h"

struct audit_opts {
	const char *log;
	const char *keys;
};

static void audit_usage(void)
{
	printf("Usage: agictl [-j] audit [ list ] [ --log FILE ]\n"
	       "       agictl [-j] audit verify [ --log FILE ] [ --keys FILE ]\n"
	       "list    one line per commit the daemon decided on: seq, time\n"
	       "        (UTC), operator key id, \"applied at cycle N\" or\n"
	       "        \"REFUSED (why)\", and what it changed\n"
	       "verify  checks every record's hash, the chain, increasing seqs,\n"
	       "        every signature against the authorized keys and the head\n"
	       "        file with its MAC (LOG.key: so a removed last record, or a\n"
	       "        log and head rewritten together, is caught); exit 1\n"
	       "        naming the first bad line. A missing or empty log, or a\n"
	       "        missing LOG.key, fails: there is nothing to vouch for.\n"
	       "  --log   default " AGI_AUDIT_DEFAULT_LOG "\n"
	       "  --keys  default " AGI_AUTHORIZED_KEYS_DEFAULT "\n");
}

static int parse_opts(int argc, char **argv, struct audit_opts *o)
{
	static const struct option opts[] = {
		{ "log", required_argument, NULL, 'l' },
		{ "keys", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 0;	/* glibc: start over, after main()'s own parsing */
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			o->log = optarg;
			break;
		case 'k':
			o->keys = optarg;
			break;
		default:
			return agictl_usage_error("audit: bad option \"%s\", try \"agictl audit help\"",
						  argv[optind - 1]);
		}
	}
	if (optind < argc)
		return agictl_usage_error("audit: unexpected \"%s\"", argv[optind]);
	return AGICTL_OK;
}

static void utc(uint64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "%llu", (unsigned long long)t);
}

static int print_record(const struct agi_audit_record *r, void *data)
{
	char id[AGI_KEYID_HEX_LEN], when[32];
	struct agi_commit *c = data;

	agi_key_id_hex(r->key_id, id);
	utc(r->time, when, sizeof(when));
	agi_open_object(NULL);
	agi_print_u64(AGI_PRINT_ANY, "seq", "%llu", r->seq);
	agi_print_u64(AGI_PRINT_JSON, "time", NULL, r->time);
	agi_print_string(AGI_PRINT_ANY, "utc", " %s", when);
	agi_print_string(AGI_PRINT_ANY, "key_id", " key %s", id);
	if (r->not_applied) {
		agi_print_null(AGI_PRINT_JSON, "apply_cycle", NULL);
		agi_print_string(AGI_PRINT_ANY, "not_applied",
				 " NOT APPLIED after all (%s)", r->reason);
	} else if (r->reason[0]) {
		agi_print_null(AGI_PRINT_JSON, "apply_cycle", NULL);
		agi_print_string(AGI_PRINT_ANY, "refused", " REFUSED (%s)",
				 r->reason);
	} else {
		agi_print_u64(AGI_PRINT_ANY, "apply_cycle",
			      " applied at cycle %llu", r->apply_cycle);
	}
	/* List what it changed; a body that does not decode says so. */
	if (!agi_commit_decode(r->body, r->body_len, c)) {
		agi_print_u64(AGI_PRINT_JSON, "epoch", NULL, c->epoch);
		agi_print_text(":");
		agictl_print_changes(&c->changes);
	} else {
		agi_print_null(AGI_PRINT_ANY, "changes", ": (body does not decode)");
	}
	agi_print_string(AGI_PRINT_JSON, "hash", NULL, r->hash);
	agi_close_object();
	agi_print_text("\n");
	return 0;
}

static int audit_list(const struct audit_opts *o)
{
	struct agi_commit *c = calloc(1, sizeof(*c));
	char err[PATH_MAX + 256];
	int ret;

	if (!c)
		return agictl_fail("audit failed: %s", strerror(ENOMEM));
	agi_print_begin_list();
	ret = agi_audit_read(o->log, print_record, c, err, sizeof(err));
	agi_print_end_list();
	free(c);
	/* The records before the bad line are listed; then the failure. */
	return ret ? agictl_fail("audit failed: %s", err) : AGICTL_OK;
}

static int count_record(const struct agi_audit_record *r, void *data)
{
	(void)r;
	(*(unsigned int *)data)++;
	return 0;
}

static int audit_verify(const struct audit_opts *o)
{
	struct agi_keyring *kr = calloc(1, sizeof(*kr));
	char err[PATH_MAX + 256];
	unsigned int bad = 0, n = 0;
	int ret;

	if (!kr)
		return agictl_fail("audit verify failed: %s", strerror(ENOMEM));
	if (agi_keyring_load(o->keys, kr, err, sizeof(err))) {
		free(kr);
		return agictl_fail("audit verify failed: %s", err);
	}
	ret = agi_audit_verify(o->log, kr, &bad, err, sizeof(err));
	free(kr);
	if (ret)
		return agictl_fail("audit verify failed: %s", err);
	agi_audit_read(o->log, count_record, &n, err, sizeof(err));
	agi_print_begin();
	agi_print_string(AGI_PRINT_ANY, "log", "%s:", o->log);
	agi_print_u64(AGI_PRINT_ANY, "records", " %llu records", n);
	agi_print_bool(AGI_PRINT_JSON, "verified", NULL, true);
	agi_print_text(", hashes, chain, seqs, signatures and head verified\n");
	agi_print_end();
	return AGICTL_OK;
}

int agictl_audit(int argc, char **argv)
{
	struct audit_opts o = { .log = AGI_AUDIT_DEFAULT_LOG,
				.keys = AGI_AUTHORIZED_KEYS_DEFAULT };
	bool verify = false;
	int ret;

	if (argc > 1 && agictl_is_help(argv[1])) {
		audit_usage();
		return AGICTL_OK;
	}
	if (argc > 1 && (!strcmp(argv[1], "verify") || !strcmp(argv[1], "list"))) {
		verify = !strcmp(argv[1], "verify");
		argc--;
		argv++;
	}
	ret = parse_opts(argc, argv, &o);
	if (ret)
		return ret;
	return verify ? audit_verify(&o) : audit_list(&o);
}
