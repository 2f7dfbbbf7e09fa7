// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * libFuzzer target: the daemon's answer about the group
 * (include/user/group_info.c), which agictl group status reads from the
 * node's abstract unix socket: any local process may bind that name
 * when no daemon holds it. What the check accepts must be safe to print:
 * every string ends within its array, every rank is below the member
 * count and taken once, at most one member is this node.
 */
#include <stdlib.h>
#include <string.h>

#include "user/group_info.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct agi_group_info gi;
	bool seen[AGI_CONFIG_MAX_GROUP] = { false };
	unsigned int i, self = 0;

	memset(&gi, 0, sizeof(gi));
	memcpy(&gi, data, size < sizeof(gi) ? size : sizeof(gi));
	if (agi_group_info_check(&gi, size))
		return 0;
	if (size != sizeof(gi) || gi.n > AGI_CONFIG_MAX_GROUP ||
	    strnlen(gi.raft_state, sizeof(gi.raft_state)) == sizeof(gi.raft_state))
		abort();
	for (i = 0; i < gi.n; i++) {
		const struct agi_group_member_info *m = &gi.m[i];

		if (strnlen(m->name, sizeof(m->name)) == sizeof(m->name) ||
		    strnlen(m->addr, sizeof(m->addr)) == sizeof(m->addr) ||
		    m->rank >= gi.n || seen[m->rank])
			abort();
		seen[m->rank] = true;
		self += m->self;
	}
	if (self > 1)
		abort();
	return 0;
}
