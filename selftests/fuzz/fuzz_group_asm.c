// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * libFuzzer target: a backup's reassembly of CYCLE records
 * (agi_group_assemble(), include/core/group.c) from a stream of datagrams
 * as a member could send them: be16 length, then that many bytes, again
 * and again. Each goes through agi_wire_parse() as in the module; a
 * CYCLE_RECORD part is fed to the reassembly. It must never write past
 * its buffer (ASan watches), never report more values than a record of
 * the declared shape has, and a complete record must be exactly the values
 * of its parts, in order: checked against a copy kept here.
 */
#include <stdlib.h>
#include <string.h>

#include "core/group.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static struct agi_group_asm a;
static s32 mirror[AGISWARM_RECORD_VALUES_MAX];

static void take(const struct agi_wire_record *rec)
{
	u32 total = agi_group_record_len(rec);
	int r = agi_group_assemble(&a, rec);
	u16 i;

	if (r != -EINVAL && r != 0 && r != 1)
		abort();
	if (r < 0)
		return;
	/* The parser bounds a part by its declared shape. */
	if (rec->offset + rec->values.n > total ||
	    total > AGISWARM_RECORD_VALUES_MAX)
		abort();
	for (i = 0; i < rec->values.n; i++)
		mirror[rec->offset + i] = agi_wire_vec_s32(&rec->values, i);
	if (r == 1 && (a.hdr.nx != rec->nx || a.hdr.nu != rec->nu ||
		       memcmp(a.v, mirror, total * sizeof(s32))))
		abort();
	if (r == 0 && a.filled != (u32)rec->offset + rec->values.n)
		abort();
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	enum agiswarm_counter why;
	struct agi_wire_msg m;
	size_t n;

	memset(&a, 0, sizeof(a));
	while (size >= 2) {
		n = (size_t)data[0] << 8 | data[1];
		data += 2;
		size -= 2;
		if (n > size)
			n = size;
		if (!agi_wire_parse(data, n, &m, &why) &&
		    m.type == AGISWARM_MSG_CYCLE_RECORD)
			take(&m.u.record);
		data += n;
		size -= n;
	}
	return 0;
}
