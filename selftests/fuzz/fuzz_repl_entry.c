// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * libFuzzer target: the entries of the group's replicated log
 * (include/user/repl_entry.c), which a follower reads from the leader's
 * log. Whatever the decoder accepts is canonical: it re-encodes to exactly
 * the input, padding included.
 */
#include <stdlib.h>
#include <string.h>

#include "user/repl_entry.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct agi_repl_entry e;
	static u8 again[AGI_REPL_ENTRY_MAX];
	int n;

	if (agi_repl_entry_decode(data, size, &e))
		return 0;
	n = agi_repl_entry_encode(&e, again, sizeof(again));
	if (n != (int)size || memcmp(again, data, size))
		abort();
	return 0;
}
