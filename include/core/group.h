/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * A replicated aggregator group's rules that involve no kernel state
 * (the UAPI header's "Replicated aggregator group"): whose an epoch is,
 * the epoch a member takes over with, how long it waits, and the
 * reassembly of a CYCLE record from its parts. The module's repl.c runs
 * them; the native tests and a libFuzzer target check them apart.
 */
#ifndef AGISWARM_CORE_GROUP_H
#define AGISWARM_CORE_GROUP_H

#include "compat.h"
#include "wire.h"

/* The rank that owns @epoch: its low 3 bits. */
static inline u8 agi_group_owner(u64 epoch)
{
	return (u8)(epoch & 7);
}

/*
 * The mode of the member of @rank in a group of @size in @epoch: an enum
 * agiswarm_group_mode (SOLO for a size below 2).
 */
u8 agi_group_mode(u8 rank, u8 size, u64 epoch);

/*
 * The epoch the member of @rank takes over with: the smallest above
 * @max_seen whose low 3 bits are @rank (@rank < 8). Two members that take
 * over at once get different epochs, and the higher wins everywhere.
 * 0 when there is none below 2^64: the member cannot take over.
 */
u64 agi_group_next_epoch(u64 max_seen, u8 rank);

/*
 * Ticks without a record before the member of @rank takes over from the
 * owner of @epoch: @threshold, and @threshold more for each member between
 * the owner and it in rank order (ordered succession: the next one's
 * records have as long to arrive as the failure took to notice).
 */
u32 agi_group_patience(u8 threshold, u8 rank, u8 size, u64 epoch);

/*
 * Patience after a premature takeover. A change of epoch that deposed a
 * primary that was alive (only slow: a host where records and cycles come
 * late) is premature, and a member that sees the proof (the deposed
 * primary's own output shortly before, or a record of the old epoch
 * shortly after the change: agi_group_backoff_premature()) then waits one
 * tick more than its failure threshold before it takes over, up to
 * AGI_GROUP_BACKOFF_MAX more but never beyond AGI_GROUP_BACKOFF_CAP ticks
 * (a threshold set at or above it is left as it is), and one tick less
 * again for each AGI_GROUP_SETTLE_MS after the last premature change. A
 * primary that really failed leaves no such proof: failovers, however
 * many in a row, are taken at the configured threshold; takeovers of a
 * primary that was only late cannot go on at a low one.
 */
#define AGI_GROUP_SETTLE_MS 30000
#define AGI_GROUP_BACKOFF_MAX 2
#define AGI_GROUP_BACKOFF_CAP 3
/* The proof's window, either side of a change: this long, or 4 periods. */
#define AGI_GROUP_ALIVE_MS 500
#define AGI_GROUP_ALIVE_PERIODS 4

/**
 * struct agi_group_backoff - the ticks a member adds to its threshold
 * @level: 0..AGI_GROUP_BACKOFF_MAX
 * @seen: a change of epoch was seen (@change_ms is one)
 * @judged: the last change was found premature already
 * @change_ms: when the last change was seen
 * @level_ms: when @level last went up or down
 */
struct agi_group_backoff {
	u8 level;
	bool seen;
	bool judged;
	u64 change_ms;
	u64 level_ms;
};

/* A change of epoch seen at @now_ms (a clock that never goes back). */
void agi_group_backoff_change(struct agi_group_backoff *b, u64 now_ms);
/*
 * How long around a change of epoch a sign of the old primary proves it
 * alive, for a cycle period of @period_us: AGI_GROUP_ALIVE_MS, or
 * AGI_GROUP_ALIVE_PERIODS periods when that is longer.
 */
u64 agi_group_alive_ms(u32 period_us);
/*
 * At @now_ms, a sign that the primary the last change of epoch deposed
 * was alive: the deposed primary's own ok output @ago_ms before (it learns
 * of the change itself), or a record of the old epoch (0 for @ago_ms).
 * The change was premature when the sign falls within
 * agi_group_alive_ms(@period_us) of it: the level goes up a tick, once a
 * change. Returns true when it did.
 */
bool agi_group_backoff_premature(struct agi_group_backoff *b, u64 now_ms,
				 u64 ago_ms, u32 period_us);
/*
 * The failure threshold in effect at @now_ms: @threshold plus the level,
 * at most AGI_GROUP_BACKOFF_CAP (a higher @threshold as it is; 0 stays 0:
 * no takeover on its own). The level steps down here.
 */
u8 agi_group_threshold_now(struct agi_group_backoff *b, u8 threshold,
			   u64 now_ms);

/**
 * struct agi_group_asm - a CYCLE record being reassembled
 * @epoch: its epoch
 * @cycle: its cycle
 * @hdr: its first part, but for the values
 * @filled: values received, in order; 0 when none is under way
 * @v: x || y || u || I || e_prev
 */
struct agi_group_asm {
	u64 epoch;
	u64 cycle;
	struct agi_wire_record hdr;
	u32 filled;
	s32 v[AGISWARM_RECORD_VALUES_MAX];
};

/* The values a record of @h's shape has: nx + 4 nu. */
static inline u32 agi_group_record_len(const struct agi_wire_record *h)
{
	return (u32)h->nx + 4 * (u32)h->nu;
}

/*
 * One part, parsed by agi_wire_parse() (which checked offset + its values
 * <= nx + 4 nu), into @a. A part at offset 0 starts a record; any other
 * must continue the one under way (same epoch, cycle and shape, its offset
 * the values received so far), else that record is dropped.
 * Returns 1 when the record is complete (@a->hdr and @a->v hold it), 0
 * when more is to come, -EINVAL when the part does not continue it.
 */
int agi_group_assemble(struct agi_group_asm *a,
		       const struct agi_wire_record *rec);

#endif /* AGISWARM_CORE_GROUP_H */
