// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Staged changes (APPLY_AT_CYCLE): a SET_NODE change, a SET_INPUT or a
 * complete SET_MATRIX is checked when it arrives and applied by the cycle
 * at the start of the cycle it names, before that cycle's TASKs, so that
 * every aggregator of a group given the same change at the same cycle
 * computes that cycle, and every later one, alike.
 *
 * The staged values live in agg->stage under agg->lock (the cycle lock):
 * netlink stores them there after checking, in process context; the tick
 * applies and clears them in softirq. One change per kind at a time.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "agg.h"

int agg_stage_check(struct agiswarm_agg *agg, u64 busy_at, u64 at,
		    const char *kind, struct netlink_ext_ack *extack)
{
	struct agiswarm_node *node = agg->node;
	u64 started = READ_ONCE(agg->cycle_id);

	lockdep_assert_held(&node->conf_lock);
	if (at <= started) {
		snprintf(node->errmsg, sizeof(node->errmsg),
			 "cycle %llu already started (the last is %llu)", at,
			 started);
		goto refuse;
	}
	if (busy_at) {
		snprintf(node->errmsg, sizeof(node->errmsg),
			 "a %s change is staged for cycle %llu already", kind,
			 busy_at);
		goto refuse;
	}
	return 0;
refuse:
	/* 6.1 has no formatted extack; errmsg lives under conf_lock. */
	if (extack)
		extack->_msg = node->errmsg;
	return at <= started ? -EINVAL : -EBUSY;
}

u64 agg_staged_cycle(struct agiswarm_agg *agg)
{
	const struct agiswarm_stage *st = &agg->stage;
	u64 first = 0;

	lockdep_assert_held(&agg->lock);
	if (st->node_at)
		first = st->node_at;
	if (st->input_at && (!first || st->input_at < first))
		first = st->input_at;
	if (st->matrix_at && (!first || st->matrix_at < first))
		first = st->matrix_at;
	return first;
}

int agiswarm_aggregator_stage_node(struct agiswarm_node *node,
				   const struct agiswarm_node_stage *ch,
				   u64 at, struct netlink_ext_ack *extack)
{
	struct agiswarm_agg *agg = agg_of(node);
	struct agiswarm_stage *st = &agg->stage;
	int ret;

	spin_lock_bh(&agg->lock);
	ret = agg_stage_check(agg, st->node_at, at, "node", extack);
	if (ret)
		goto out;
	st->node_at = at;
	st->timing = ch->timing;
	st->period_us = ch->period_us;
	st->deadline_us = ch->deadline_us;
	st->miss_set = ch->miss_set;
	st->miss = ch->miss;
	st->law_set = ch->law_set;
	st->law = ch->law;
	st->pid_set = ch->pid;
	if (ch->pid)
		st->pid = *ch->pid;
	st->sp_set = ch->sp;
	st->nsp = ch->sp ? ch->nsp : 0;
	if (ch->sp)
		memcpy(st->sp, ch->sp, ch->nsp * sizeof(*ch->sp));
out:
	spin_unlock_bh(&agg->lock);
	return ret;
}

int agiswarm_aggregator_stage_input(struct agiswarm_node *node, u8 fmt,
				    const s32 *x, u16 n, u64 at,
				    struct netlink_ext_ack *extack)
{
	struct agiswarm_agg *agg = agg_of(node);
	struct agiswarm_stage *st = &agg->stage;
	int ret;

	spin_lock_bh(&agg->lock);
	ret = agg_stage_check(agg, st->input_at, at, "input", extack);
	if (!ret) {
		st->input_at = at;
		st->fmt_x = fmt;
		st->nx = n;
		memcpy(st->x, x, n * sizeof(*x));
	}
	spin_unlock_bh(&agg->lock);
	return ret;
}

/* Called with agg->lock held. */
static void apply_node(struct agiswarm_agg *agg)
{
	struct agiswarm_stage *st = &agg->stage;

	if (st->timing) {
		agg->period_us = st->period_us;
		agg->deadline_us = st->deadline_us;
	}
	if (st->miss_set)
		agg->miss = st->miss;
	if (st->law_set || st->pid_set)
		agg_set_law(agg, st->law_set ? st->law : agg->law,
			    st->pid_set ? &st->pid : NULL,
			    st->sp_set ? st->sp : NULL, st->nsp);
	st->node_at = 0;
}

/*
 * Called with agg->lock held. The replaced plan and the new matrix wait
 * for settle() (aggregator.c) in process context; the workers are sent
 * their rows of the new assignment from now.
 */
static void apply_matrix(struct agiswarm_agg *agg)
{
	struct agiswarm_stage *st = &agg->stage;

	/* A settle() always runs before the next matrix can be staged. */
	WARN_ON_ONCE(agg->done_plan || agg->done_matrix);
	agg->done_plan = agg->plan;
	agg->done_matrix = st->matrix;
	agg_install_plan(agg, st->plan, st->matrix->cols);
	st->plan = NULL;
	st->matrix = NULL;
	st->matrix_at = 0;
	schedule_work(&agg->settle_work);
	if (agg->plan)
		schedule_work(&agg->rows_work);
}

/* Called with agg->lock held. */
static void apply_input(struct agiswarm_agg *agg)
{
	struct agiswarm_stage *st = &agg->stage;

	agg->fmt_x = st->fmt_x;
	agg->nx = st->nx;
	memcpy(agg->x, st->x, st->nx * sizeof(*st->x));
	st->input_at = 0;
}

bool agg_stage_apply(struct agiswarm_agg *agg)
{
	struct agiswarm_stage *st = &agg->stage;
	u64 now = agg->cycle_id;
	bool any = false;

	lockdep_assert_held(&agg->lock);
	/* The matrix first: an input staged with it has its width. */
	if (st->matrix_at && st->matrix_at <= now) {
		apply_matrix(agg);
		any = true;
	}
	if (st->node_at && st->node_at <= now) {
		apply_node(agg);
		any = true;
	}
	if (st->input_at && st->input_at <= now) {
		apply_input(agg);
		any = true;
	}
	return any;
}
