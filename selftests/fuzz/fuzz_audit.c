// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * libFuzzer target: the audit log (include/user/audit.c), a file anyone
 * with write access to the state directory could have edited, which
 * agiswarmd reads at start and `agictl audit` reads on request. Its
 * reader and verifier must never crash, must name the first bad line,
 * and must agree with each other: a log whose every line parses is
 * listed whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/audit.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static int count(const struct agi_audit_record *r, void *data)
{
	struct agi_commit c;

	agi_commit_decode(r->body, r->body_len, &c);
	if (r->line != ++*(unsigned int *)data)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct agi_keyring none;
	unsigned int bad = 0, lines = 0;
	char err[512];
	FILE *f;
	int r;

	if (!size)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	r = agi_audit_read_stream(f, "fuzz.log", count, &lines, err,
				  sizeof(err));
	if (r && strncmp(err, "fuzz.log:", 9))
		abort();
	rewind(f);
	if (agi_audit_verify_stream(f, "fuzz.log", NULL, &bad, err,
				    sizeof(err)) && (!bad || strncmp(err, "fuzz.log:", 9)))
		abort();
	rewind(f);
	if (agi_audit_verify_stream(f, "fuzz.log", &none, &bad, err,
				    sizeof(err)) && (!bad || strncmp(err, "fuzz.log:", 9)))
		abort();
	fclose(f);
	return 0;
}
