/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * A replicated aggregator group, the kernel's part (repl.c): the mode of
 * this member, the CYCLE record the primary sends after every cycle, a
 * backup's adoption of it and its takeover when the records stop, and the
 * fencing of a deposed primary. The UAPI header's "Replicated aggregator
 * group" says what it does; this is the aggregator's files' interface.
 */
#ifndef AGISWARM_REPL_H
#define AGISWARM_REPL_H

#include <linux/ktime.h>
#include <linux/skbuff.h>
#include <linux/types.h>

#include "../include/core/fixed.h"
#include "../include/core/group.h"
#include "../include/core/wire.h"

struct agiswarm_agg;
struct agiswarm_link;
struct agiswarm_node;

/**
 * struct agiswarm_repl - a member's replication state (under agg->lock)
 * @rank: this member's rank, 0..AGISWARM_GROUP_MAX - 1
 * @size: the group's size, 1 for no group
 * @threshold: consecutive ticks without a record before a takeover
 * @mode: enum agiswarm_group_mode
 * @max_epoch: the highest epoch seen (own, records, FENCED)
 * @have_rec: a record was adopted in this backup term (takeover needs it)
 * @rec_tick: a record arrived since the last tick
 * @miss_run: consecutive ticks without one
 * @rec_at: when the last record was adopted
 * @rec_cycle: the cycle of the last record adopted, 0 before any
 * @rec_epoch: its epoch (a new primary's ids may start below it)
 * @rec_gen: its row assignment's generation
 * @rec_rows_epoch: the epoch its rows were sent in, 0 when not one
 * @rec_binding: its assignment's binding digest
 * @state_cycle: the cycle the law state (agg->pid_state) is after, 0 when
 *	this backup has none of its own yet
 * @parts: the record being reassembled (include/core/group.h)
 * @chk_state: scratch of the backup's own step (too large for a stack)
 * @chk_u: its output
 * @shadow_ok: this backup's assignment is the one the last record names:
 *	it decodes the primary's cycles from the workers' copies (shadow)
 * @shadow_at: when a backup decides on its shadow of cycle agg->cycle_id
 * @shadow_sent: the last cycle this backup actuated from its shadow
 * @shadow_cycle: the cycle @shadow_u and @shadow_state are of, 0 for none
 * @shadow_base: the cycle of the law state that shadow stepped from
 * @shadow_ufmt: the format of @shadow_u
 * @shadow_state: the law state after the shadow's step
 * @shadow_u: the shadow's output, sent if the record is late
 * @watch_cycle: the newest cycle of the primary's this backup had a copy
 *	of a RESULT of, 0 for none in this term
 * @watch_seen: when the first copy of @watch_cycle came
 * @watch_at: when nothing of the cycle after it has come, the watch's
 *	patience after it was due, this backup takes over (if it is the
 *	first)
 * @watch_epoch: the epoch of the records @watch_late_us is of
 * @watch_late_us: how late the primary's cycles came lately: a decaying
 *	maximum of the time between two of its cycles' first copies beyond
 *	a period (agiswarm_repl_shadow_start())
 * @drove_cycle: the last cycle this member drove, in any of its terms
 *	as primary: its cycles as primary again come after it
 * @ok_at: when it last sent an ok output as primary (0: never)
 * @backoff: the ticks it adds to @threshold after a premature takeover
 *	(include/core/group.h)
 */
struct agiswarm_repl {
	u8 rank;
	u8 size;
	u8 threshold;
	u8 mode;
	u64 max_epoch;
	bool have_rec;
	bool rec_tick;
	u32 miss_run;
	ktime_t rec_at;
	u64 rec_cycle;
	u64 rec_epoch;
	u32 rec_gen;
	u64 rec_rows_epoch;
	u8 rec_binding[AGISWARM_WIRE_HASH_LEN];
	u64 state_cycle;
	struct agi_group_asm parts;
	struct agi_pid_state chk_state[AGISWARM_WIRE_VEC_MAX];
	s32 chk_u[AGISWARM_WIRE_VEC_MAX];
	bool shadow_ok;
	ktime_t shadow_at;
	u64 shadow_sent;
	u64 shadow_cycle;
	u64 shadow_base;
	u8 shadow_ufmt;
	struct agi_pid_state shadow_state[AGISWARM_WIRE_VEC_MAX];
	s32 shadow_u[AGISWARM_WIRE_VEC_MAX];
	u64 watch_cycle;
	ktime_t watch_seen;
	ktime_t watch_at;
	u64 watch_epoch;
	u32 watch_late_us;
	u64 drove_cycle;
	ktime_t ok_at;
	struct agi_group_backoff backoff;
};

/**
 * struct agiswarm_repl_status - what GET_STATUS reports of it
 * @rank: as set
 * @size: as set
 * @threshold: as set
 * @mode: enum agiswarm_group_mode
 * @rec_cycle: the last record adopted
 * @threshold_now: the failure threshold in effect (with the backoff)
 */
struct agiswarm_repl_status {
	u8 rank;
	u8 size;
	u8 threshold;
	u8 threshold_now;
	u8 mode;
	u64 rec_cycle;
};

void agiswarm_repl_init(struct agiswarm_agg *agg);
/* SET_NODE (node->conf_lock): any of rank, size, threshold; NULL keeps. */
void agiswarm_repl_configure(struct agiswarm_node *node, const u8 *rank,
			     const u8 *size, const u8 *threshold);
void agiswarm_repl_read_status(struct agiswarm_node *node,
			       struct agiswarm_repl_status *st);

/* The cycle (cycle.c), under agg->lock. */
bool agiswarm_repl_tick(struct agiswarm_agg *agg, bool stalled, bool *shadow);
void agiswarm_repl_take_over(struct agiswarm_agg *agg);
bool agiswarm_repl_drives(const struct agiswarm_agg *agg);
void agiswarm_repl_send_record(struct agiswarm_agg *agg, u8 status, bool ok,
			       struct sk_buff_head *out);
bool agiswarm_repl_shadow_gen(const struct agiswarm_agg *agg, u32 *gen);
bool agiswarm_repl_shadow_start(struct agiswarm_agg *agg, u64 cycle);
void agiswarm_repl_shadow_step(struct agiswarm_agg *agg);
bool agiswarm_repl_shadow_due(struct agiswarm_agg *agg, bool now);
bool agiswarm_repl_watch(struct agiswarm_agg *agg, bool stalled, bool *shadow);

/* The fast path (socket.c). */
int agiswarm_repl_rx_record(struct agiswarm_node *node,
			    const struct agi_wire_record *r,
			    const struct agiswarm_link *link,
			    enum agiswarm_counter *reason);
int agiswarm_repl_rx_fenced(struct agiswarm_node *node,
			    const struct agi_wire_fenced *f,
			    enum agiswarm_counter *reason);

#endif /* AGISWARM_REPL_H */
