// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Changes on their way in: a matrix received over several SET_MATRIX
 * messages, and changes staged for a cycle (APPLY_AT_CYCLE).
 *
 * A matrix arrives in chunks of rows into agg->staging (node->conf_lock).
 * Complete, it replaces agg->matrix and is assigned to the workers at
 * once; or, with APPLY_AT_CYCLE, it is assigned now and waits in agg->stage
 * for its cycle.
 *
 * A staged SET_NODE change, SET_INPUT or complete SET_MATRIX is checked
 * when it arrives and applied by the cycle at the start of the cycle it
 * names, before that cycle's TASKs, so that every aggregator of a group
 * given the same change at the same cycle computes that cycle, and every
 * later one, alike. The staged values live in agg->stage under agg->lock:
 * netlink stores them there after checking, in process context; the tick
 * applies and clears them in softirq. One change per kind at a time.
 *
 * Two-phase staging: a change may be staged held (SET_NODE with HOLD, and
 * the held matrix with it): checked and stored with the cycle it is for,
 * it takes effect at no cycle until ARM arms it for that cycle, which
 * works only while that cycle has not started. agiswarmd holds a commit,
 * writes its audit record, then arms it: a change the log does not have
 * never takes effect. A held change that was not armed in time is
 * dropped by the ARM that comes too late, or by the next daemon.
 *
 * The cycle cannot free what a staged matrix replaces (it holds agg->lock
 * only, and conf_lock holders may be using the old plan and matrix): it
 * parks them in agg->done_plan and agg->done_matrix, and
 * agiswarm_stage_settle() frees and swaps them under node->conf_lock.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>

#include "agg.h"
#include "objects.h"
#include "plan.h"
#include "stage.h"

static void matrix_free(struct agiswarm_matrix *mx)
{
	if (!mx)
		return;
	kvfree(mx);
	agiswarm_objects_put();
}

static struct agiswarm_matrix *matrix_alloc(u8 fmt, u32 rows, u32 cols)
{
	struct agiswarm_matrix *mx;

	mx = kvzalloc(struct_size(mx, data, (size_t)rows * cols), GFP_KERNEL);
	if (!mx)
		return NULL;
	agiswarm_objects_get();
	mx->fmt = fmt;
	mx->rows = rows;
	mx->cols = cols;
	return mx;
}

/**
 * check() - whether a change may be staged for a cycle
 * @agg: the aggregator
 * @busy_at: the cycle a change of the same kind is staged for, 0 for none
 * @at: the cycle the new change is for
 * @kind: "node", "matrix" or "input", for the message
 * @extack: where the refusal is worded (in node->errmsg)
 *
 * The verdict holds for as long as agg->lock is held, if it is.
 *
 * Context: node->conf_lock held (node->errmsg is written under it).
 * Return: 0; -EINVAL when cycle @at has already started; -EBUSY when a
 * change of @kind is staged already.
 */
static int check(struct agiswarm_agg *agg, u64 busy_at, u64 at,
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
	if (busy_at == AGISWARM_STAGE_HOLD) {
		snprintf(node->errmsg, sizeof(node->errmsg),
			 "a %s change is held already", kind);
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
	/* 6.1 has no formatted extack. */
	if (extack)
		extack->_msg = node->errmsg;
	return at <= started ? -EINVAL : -EBUSY;
}

/**
 * agiswarm_stage_first_cycle() - the earliest cycle a change is staged for
 * @agg: the aggregator
 *
 * Context: agg->lock held.
 * Return: that cycle, or 0 when nothing is staged.
 */
u64 agiswarm_stage_first_cycle(struct agiswarm_agg *agg)
{
	const struct agiswarm_stage *st = &agg->stage;
	u64 first = 0;

	lockdep_assert_held(&agg->lock);
	/* Held changes wait for no cycle. */
	if (st->node_at && st->node_at != AGISWARM_STAGE_HOLD)
		first = st->node_at;
	if (st->input_at && (!first || st->input_at < first))
		first = st->input_at;
	if (st->matrix_at && st->matrix_at != AGISWARM_STAGE_HOLD &&
	    (!first || st->matrix_at < first))
		first = st->matrix_at;
	return first;
}

/**
 * agiswarm_stage_node() - stage a SET_NODE change for the start of a cycle
 * @node: the aggregator's node
 * @ch: the change, checked already
 * @at: the cycle
 * @arm_held: arm the held matrix for @at too, in the same step (with
 *	@hold: make it part of the held change)
 * @hold: hold the change for @at instead: it takes effect at no cycle
 *	until agiswarm_stage_arm()
 * @extack: where a refusal is worded
 *
 * Context: process, node->conf_lock held.
 * Return: 0; -EINVAL when cycle @at has already started; -EBUSY when a
 * SET_NODE change is staged or held already; -ENOENT with @arm_held when
 * no matrix is held. Nothing is staged or armed on a refusal.
 */
int agiswarm_stage_node(struct agiswarm_node *node,
			const struct agiswarm_node_stage *ch, u64 at,
			bool arm_held, bool hold,
			struct netlink_ext_ack *extack)
{
	struct agiswarm_agg *agg = agg_of(node);
	struct agiswarm_stage *st = &agg->stage;
	int ret;

	spin_lock_bh(&agg->lock);
	ret = check(agg, st->node_at, at, "node", extack);
	if (!ret && arm_held && st->matrix_at != AGISWARM_STAGE_HOLD) {
		NL_SET_ERR_MSG_MOD(extack,
				   "no matrix is held (SET_MATRIX with APPLY_AT_CYCLE AGISWARM_STAGE_HOLD first)");
		ret = -ENOENT;
	}
	if (ret)
		goto out;
	if (hold) {
		st->node_at = AGISWARM_STAGE_HOLD;
		st->hold_at = at;
		st->hold_matrix = arm_held;
	} else {
		if (arm_held)
			st->matrix_at = at;
		st->node_at = at;
	}
	st->resume = ch->resume;
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

/* Takes the held change and matrix out of @st; the caller frees them. */
static void unhold(struct agiswarm_stage *st, struct agiswarm_matrix **mx,
		   struct agiswarm_plan **plan)
{
	if (st->node_at == AGISWARM_STAGE_HOLD) {
		st->node_at = 0;
		st->hold_at = 0;
		st->hold_matrix = false;
		st->resume = false;
	}
	if (st->matrix_at == AGISWARM_STAGE_HOLD) {
		*mx = st->matrix;
		*plan = st->plan;
		st->matrix = NULL;
		st->plan = NULL;
		st->matrix_at = 0;
	}
}

/**
 * agiswarm_stage_arm() - arm the held change for its cycle
 * @node: the aggregator's node
 * @extack: where a refusal is worded
 *
 * The held SET_NODE change, and the held matrix when it was held with it,
 * take effect at the start of the cycle they were held for, as if staged
 * for it now. When that cycle has started already, the held change and
 * matrix are dropped instead: a held change never takes effect at another
 * cycle.
 *
 * Context: process, node->conf_lock held.
 * Return: 0; -ENOENT when nothing is held; -ETIME when its cycle started
 * (it is dropped).
 */
int agiswarm_stage_arm(struct agiswarm_node *node,
		       struct netlink_ext_ack *extack)
{
	struct agiswarm_agg *agg = agg_of(node);
	struct agiswarm_stage *st = &agg->stage;
	struct agiswarm_matrix *mx = NULL;
	struct agiswarm_plan *plan = NULL;
	u64 started;
	int ret = 0;

	lockdep_assert_held(&node->conf_lock);
	spin_lock_bh(&agg->lock);
	started = agg->cycle_id;
	if (st->node_at != AGISWARM_STAGE_HOLD) {
		NL_SET_ERR_MSG_MOD(extack,
				   "nothing is held (SET_NODE with APPLY_AT_CYCLE and HOLD first)");
		ret = -ENOENT;
	} else if (st->hold_at <= started) {
		snprintf(node->errmsg, sizeof(node->errmsg),
			 "cycle %llu already started (the last is %llu): the held change is dropped",
			 st->hold_at, started);
		/* 6.1 has no formatted extack. */
		if (extack)
			extack->_msg = node->errmsg;
		unhold(st, &mx, &plan);
		ret = -ETIME;
	} else {
		if (st->hold_matrix)
			st->matrix_at = st->hold_at;
		st->node_at = st->hold_at;
		st->hold_at = 0;
		st->hold_matrix = false;
	}
	spin_unlock_bh(&agg->lock);
	agiswarm_plan_free(plan);
	matrix_free(mx);
	return ret;
}

/**
 * agiswarm_stage_held_cycle() - the cycle the held change is for
 * @agg: the aggregator
 *
 * Context: agg->lock held.
 * Return: that cycle, 0 when no change is held.
 */
u64 agiswarm_stage_held_cycle(struct agiswarm_agg *agg)
{
	lockdep_assert_held(&agg->lock);
	return agg->stage.node_at == AGISWARM_STAGE_HOLD ?
	       agg->stage.hold_at : 0;
}

/**
 * agiswarm_stage_held_rows() - the outputs of the held matrix
 * @node: the aggregator's node
 *
 * Context: process; takes agg->lock.
 * Return: its rows, 0 when no matrix is held.
 */
u32 agiswarm_stage_held_rows(struct agiswarm_node *node)
{
	struct agiswarm_agg *agg = agg_of(node);
	u32 rows = 0;

	spin_lock_bh(&agg->lock);
	if (agg->stage.matrix_at == AGISWARM_STAGE_HOLD)
		rows = agg->stage.matrix->rows;
	spin_unlock_bh(&agg->lock);
	return rows;
}

/**
 * agiswarm_stage_drop_held() - forget the held change and matrix, if any
 * @node: the aggregator's node
 *
 * Context: process, node->conf_lock held.
 */
void agiswarm_stage_drop_held(struct agiswarm_node *node)
{
	struct agiswarm_agg *agg = agg_of(node);
	struct agiswarm_matrix *mx = NULL;
	struct agiswarm_plan *plan = NULL;

	lockdep_assert_held(&node->conf_lock);
	spin_lock_bh(&agg->lock);
	unhold(&agg->stage, &mx, &plan);
	spin_unlock_bh(&agg->lock);
	agiswarm_plan_free(plan);
	matrix_free(mx);
}

/**
 * agiswarm_stage_input() - stage an input for the start of a cycle
 * @node: the aggregator's node
 * @fmt: its format
 * @x: its values, checked already
 * @n: how many
 * @at: the cycle
 * @extack: where a refusal is worded
 *
 * Context: process, node->conf_lock held.
 * Return: 0; -EINVAL when cycle @at has already started; -EBUSY when an
 * input is staged already.
 */
int agiswarm_stage_input(struct agiswarm_node *node, u8 fmt, const s32 *x,
			 u16 n, u64 at, struct netlink_ext_ack *extack)
{
	struct agiswarm_agg *agg = agg_of(node);
	struct agiswarm_stage *st = &agg->stage;
	int ret;

	spin_lock_bh(&agg->lock);
	ret = check(agg, st->input_at, at, "input", extack);
	if (!ret) {
		st->input_at = at;
		st->fmt_x = fmt;
		st->nx = n;
		memcpy(st->x, x, n * sizeof(*x));
	}
	spin_unlock_bh(&agg->lock);
	return ret;
}

/**
 * agiswarm_stage_settle() - finish what the cycle's staged matrix began
 * @agg: the aggregator
 *
 * Once the cycle has applied a staged matrix, it becomes agg->matrix, and
 * what it replaced is freed. Every conf_lock holder that reads agg->matrix
 * settles first.
 *
 * Context: process, node->conf_lock held.
 */
void agiswarm_stage_settle(struct agiswarm_agg *agg)
{
	struct agiswarm_matrix *mx;
	struct agiswarm_plan *old;

	lockdep_assert_held(&agg->node->conf_lock);
	spin_lock_bh(&agg->lock);
	mx = agg->done_matrix;
	old = agg->done_plan;
	agg->done_matrix = NULL;
	agg->done_plan = NULL;
	spin_unlock_bh(&agg->lock);
	agiswarm_plan_free(old);
	if (mx) {
		matrix_free(agg->matrix);
		agg->matrix = mx;
	}
}

static void settle_work(struct work_struct *work)
{
	struct agiswarm_agg *agg = container_of(work, struct agiswarm_agg,
						settle_work);

	mutex_lock(&agg->node->conf_lock);
	agiswarm_stage_settle(agg);
	mutex_unlock(&agg->node->conf_lock);
}

/*
 * The complete matrix in agg->staging waits for cycle @at, assigned.
 * Returns 0, agiswarm_plan_build()'s error, or check()'s refusal.
 */
static int stage_for_cycle(struct agiswarm_agg *agg, u64 at,
			   struct netlink_ext_ack *extack)
{
	struct agiswarm_matrix *mx = agg->staging;
	struct agiswarm_plan *plan;
	int ret;

	lockdep_assert_held(&agg->node->conf_lock);
	agiswarm_stage_settle(agg);
	ret = agiswarm_plan_build(agg, mx, &plan);
	if (ret) {
		NL_SET_ERR_MSG_MOD(extack,
				   "cannot assign the matrix rows to the workers");
		return ret;
	}
	spin_lock_bh(&agg->lock);
	ret = check(agg, agg->stage.matrix_at, at, "matrix", extack);
	if (!ret) {
		agg->stage.matrix_at = at;
		agg->stage.matrix = mx;
		agg->stage.plan = plan;
		agg->staging = NULL;
		plan = NULL;
	}
	spin_unlock_bh(&agg->lock);
	agiswarm_plan_free(plan);
	return ret;
}

/*
 * agg->staging is complete: it is the matrix in use from now on. Returns
 * 0 or agiswarm_aggregator_reassign()'s error.
 */
static int swap_in(struct agiswarm_node *node, struct agiswarm_agg *agg)
{
	agiswarm_stage_settle(agg);
	matrix_free(agg->matrix);
	agg->matrix = agg->staging;
	agg->staging = NULL;
	return agiswarm_aggregator_reassign(node);
}

/**
 * agiswarm_stage_matrix() - take a chunk of rows of a matrix
 * @node: the aggregator's node
 * @fmt: the matrix's format
 * @rows: its rows m
 * @cols: its columns n
 * @first_row: the chunk's first row; 0 starts a new matrix
 * @data: the chunk, @n rows of @cols entries, s32 host order, checked
 * @n: how many rows it holds
 * @at: the cycle the complete matrix takes effect at, 0 for at once
 * @extack: where a refusal is worded
 *
 * The chunk that completes the matrix swaps it in and reassigns the rows
 * to the workers; with @at, the matrix is assigned now and swapped in at
 * the start of cycle @at. A refused chunk is not taken and may be sent
 * again.
 *
 * Context: process, node->conf_lock held.
 * Return: 0; -EINVAL for a chunk of another matrix, out of order, past the
 * last row, with @at on a chunk that does not complete the matrix, or
 * (staged) when cycle @at has started; -EBUSY when a matrix is staged
 * already; -E2BIG or -ENOMEM when its rows cannot be assigned.
 */
int agiswarm_stage_matrix(struct agiswarm_node *node, u8 fmt, u32 rows,
			  u32 cols, u32 first_row, const s32 *data, u32 n,
			  u64 at, struct netlink_ext_ack *extack)
{
	struct agiswarm_agg *agg = agg_of(node);
	struct agiswarm_matrix *st;
	int ret;

	lockdep_assert_held(&node->conf_lock);
	if (first_row == 0) {
		matrix_free(agg->staging);
		agg->staging = matrix_alloc(fmt, rows, cols);
		if (!agg->staging)
			return -ENOMEM;
	}
	st = agg->staging;
	if (!st) {
		NL_SET_ERR_MSG_MOD(extack,
				   "no matrix is being staged (send FIRST_ROW 0 first)");
		return -EINVAL;
	}
	if (st->fmt != fmt || st->rows != rows || st->cols != cols) {
		NL_SET_ERR_MSG_MOD(extack,
				   "format or dimensions differ from the matrix being staged");
		return -EINVAL;
	}
	if (first_row != st->staged || n > rows - first_row) {
		NL_SET_ERR_MSG_MOD(extack, "rows out of order or past the last row");
		return -EINVAL;
	}
	if (at && st->staged + n < rows) {
		NL_SET_ERR_MSG_MOD(extack,
				   "APPLY_AT_CYCLE belongs on the chunk that completes the matrix");
		return -EINVAL;
	}
	/* Refused before the chunk is taken, so it may be sent again. */
	if (at) {
		spin_lock_bh(&agg->lock);
		ret = check(agg, agg->stage.matrix_at, at, "matrix", extack);
		spin_unlock_bh(&agg->lock);
		if (ret)
			return ret;
	}
	memcpy(st->data + (size_t)first_row * cols, data,
	       (size_t)n * cols * sizeof(s32));
	st->staged += n;
	if (st->staged < rows)
		return 0;
	if (!at)
		return swap_in(node, agg);
	ret = stage_for_cycle(agg, at, extack);
	if (ret)
		st->staged -= n;
	return ret;
}

static void apply_node(struct agiswarm_agg *agg)
{
	struct agiswarm_stage *st = &agg->stage;

	lockdep_assert_held(&agg->lock);
	if (st->timing) {
		agg->period_us = st->period_us;
		agg->deadline_us = st->deadline_us;
	}
	if (st->miss_set)
		agg->miss = st->miss;
	if (st->law_set || st->pid_set)
		agiswarm_aggregator_apply_law(agg,
					      st->law_set ? st->law : agg->law,
					      st->pid_set ? &st->pid : NULL,
					      st->sp_set ? st->sp : NULL,
					      st->nsp);
	if (st->resume && agg->estop) {
		agg->estop = false;
		pr_info_ratelimited("netns %u: resumed at cycle %llu (staged)\n",
				    agg->node->net->ns.inum, agg->cycle_id);
	}
	st->resume = false;
	st->node_at = 0;
}

/*
 * The staged matrix and its plan take effect. The replaced plan and the
 * new matrix wait for agiswarm_stage_settle() in process context; the
 * workers are sent their rows of the new plan from now.
 */
static void apply_matrix(struct agiswarm_agg *agg)
{
	struct agiswarm_stage *st = &agg->stage;

	lockdep_assert_held(&agg->lock);
	/* A settle always runs before the next matrix can be staged. */
	WARN_ON_ONCE(agg->done_plan || agg->done_matrix);
	agg->done_plan = agg->plan;
	agg->done_matrix = st->matrix;
	agiswarm_plan_install(agg, st->plan, st->matrix->cols);
	st->plan = NULL;
	st->matrix = NULL;
	st->matrix_at = 0;
	schedule_work(&agg->settle_work);
	if (agg->plan)
		agiswarm_plan_send_rows(agg);
}

static void apply_input(struct agiswarm_agg *agg)
{
	struct agiswarm_stage *st = &agg->stage;

	lockdep_assert_held(&agg->lock);
	agg->fmt_x = st->fmt_x;
	agg->nx = st->nx;
	memcpy(agg->x, st->x, st->nx * sizeof(*st->x));
	agg->x_cycle = agg->cycle_id;
	st->input_at = 0;
}

/**
 * agiswarm_stage_apply() - apply what is staged for the cycle starting now
 * @agg: the aggregator, agg->cycle_id already the new cycle's
 *
 * Context: agg->lock held (the tick, in softirq).
 * Return: true when anything was applied.
 */
bool agiswarm_stage_apply(struct agiswarm_agg *agg)
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

/**
 * agiswarm_stage_init() - prepare an aggregator's staging
 * @agg: the aggregator
 */
void agiswarm_stage_init(struct agiswarm_agg *agg)
{
	INIT_WORK(&agg->settle_work, settle_work);
}

/**
 * agiswarm_stage_uninit() - free every matrix and what is staged
 * @agg: the aggregator, its cycle and work items stopped
 *
 * The matrix in use, the one being received, the staged one and its plan,
 * and what the cycle left for agiswarm_stage_settle().
 */
void agiswarm_stage_uninit(struct agiswarm_agg *agg)
{
	agiswarm_plan_free(agg->done_plan);
	agiswarm_plan_free(agg->stage.plan);
	matrix_free(agg->matrix);
	matrix_free(agg->done_matrix);
	matrix_free(agg->stage.matrix);
	matrix_free(agg->staging);
}
