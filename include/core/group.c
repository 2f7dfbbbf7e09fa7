// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * A replicated aggregator group's rules without kernel state: group.h.
 */
#include "group.h"

u8 agi_group_mode(u8 rank, u8 size, u64 epoch)
{
	if (size < 2)
		return AGISWARM_GROUP_SOLO;
	return agi_group_owner(epoch) == rank ? AGISWARM_GROUP_PRIMARY :
						AGISWARM_GROUP_BACKUP;
}

u64 agi_group_next_epoch(u64 max_seen, u8 rank)
{
	u64 e = (max_seen & ~(u64)7) | (rank & 7);

	if (e > max_seen)
		return e;
	return e <= U64_MAX - 8 ? e + 8 : 0;
}

u32 agi_group_patience(u8 threshold, u8 rank, u8 size, u64 epoch)
{
	u32 owner = agi_group_owner(epoch);
	u32 between;

	/* Members after the owner, in rank order, go first. */
	if (size && owner < size && rank < size)
		between = (rank + size - owner - 1) % size;
	else
		between = rank;
	return threshold * (1 + between);
}

static void backoff_decay(struct agi_group_backoff *b, u64 now_ms)
{
	while (b->level && now_ms >= b->level_ms + AGI_GROUP_SETTLE_MS) {
		b->level--;
		b->level_ms += AGI_GROUP_SETTLE_MS;
	}
}

void agi_group_backoff_change(struct agi_group_backoff *b, u64 now_ms)
{
	backoff_decay(b, now_ms);
	b->seen = true;
	b->judged = false;
	b->change_ms = now_ms;
}

u64 agi_group_alive_ms(u32 period_us)
{
	u64 periods = (u64)period_us * AGI_GROUP_ALIVE_PERIODS / 1000;

	return periods > AGI_GROUP_ALIVE_MS ? periods : AGI_GROUP_ALIVE_MS;
}

bool agi_group_backoff_premature(struct agi_group_backoff *b, u64 now_ms,
				 u64 ago_ms, u32 period_us)
{
	u64 window = agi_group_alive_ms(period_us);

	if (!b->seen || b->judged || now_ms >= b->change_ms + window ||
	    ago_ms >= window)
		return false;
	backoff_decay(b, now_ms);
	b->judged = true;
	/* At the most, another keeps it there a while longer. */
	b->level_ms = now_ms;
	if (b->level >= AGI_GROUP_BACKOFF_MAX)
		return false;
	b->level++;
	return true;
}

u8 agi_group_threshold_now(struct agi_group_backoff *b, u8 threshold,
			   u64 now_ms)
{
	u32 t;

	backoff_decay(b, now_ms);
	if (!threshold || threshold >= AGI_GROUP_BACKOFF_CAP)
		return threshold;
	t = (u32)threshold + b->level;
	return t > AGI_GROUP_BACKOFF_CAP ? AGI_GROUP_BACKOFF_CAP : (u8)t;
}

int agi_group_assemble(struct agi_group_asm *a,
		       const struct agi_wire_record *rec)
{
	const struct agi_wire_record *h = &a->hdr;
	u32 total = agi_group_record_len(rec);
	u16 i;

	if (!rec->offset) {
		a->hdr = *rec;
		a->hdr.values = (struct agi_wire_vec){ .n = 0 };
		a->epoch = rec->epoch;
		a->cycle = rec->cycle;
		a->filled = 0;
	} else if (!a->filled || rec->epoch != a->epoch ||
		   rec->cycle != a->cycle || rec->nx != h->nx ||
		   rec->nu != h->nu || rec->offset != a->filled) {
		a->filled = 0;
		return -EINVAL;
	}
	/* The parser's bound, checked again: a part is never written past. */
	if (rec->offset + (u32)rec->values.n > total ||
	    total > AGISWARM_RECORD_VALUES_MAX) {
		a->filled = 0;
		return -EINVAL;
	}
	for (i = 0; i < rec->values.n; i++)
		a->v[rec->offset + i] = agi_wire_vec_s32(&rec->values, i);
	a->filled = rec->offset + rec->values.n;
	if (a->filled < total)
		return 0;
	a->filled = 0;		/* complete: the next part starts anew */
	return 1;
}
