// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The aggregator's configuration: timing, miss policy, control law, code,
 * input, starting and stopping the cycle, and what GET_STATUS, GET_MATRIX,
 * GET_PEERS and GET_METRICS read of it. In process context. The matrix
 * belongs to stage.c, the row assignment to plan.c, the cycle to cycle.c.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "agg.h"
#include "cycle.h"
#include "job.h"
#include "node.h"
#include "objects.h"
#include "peer.h"
#include "plan.h"
#include "repl.h"
#include "stage.h"

/*
 * A staged matrix gets a new assignment too, since the workers (or the
 * code) changed. Returns the staged matrix, NULL when none, with its new
 * plan in *@next, or the error of building it in *@err.
 */
static struct agiswarm_matrix *rebuild_staged(struct agiswarm_agg *agg,
					      struct agiswarm_plan **next,
					      int *err)
{
	struct agiswarm_matrix *mx;

	lockdep_assert_held(&agg->node->conf_lock);
	spin_lock_bh(&agg->lock);
	mx = agg->stage.matrix;
	spin_unlock_bh(&agg->lock);
	/*
	 * The cycle may apply it meanwhile, but only agiswarm_stage_settle(),
	 * under conf_lock like us, frees a matrix.
	 */
	*next = NULL;
	*err = mx ? agiswarm_plan_build(agg, mx, next) : 0;
	return mx;
}

static void log_plan(struct agiswarm_node *node,
		     const struct agiswarm_plan *plan)
{
	pr_info_ratelimited("netns %u: gen %u: %u coded rows of %u over %u workers, any %u may be lost, built in %llu us\n",
			    node->net->ns.inum, plan->gen,
			    plan->code.n_coded, plan->code.m, plan->nworkers,
			    plan->code.lost,
			    div_u64(plan->build_ns, NSEC_PER_USEC));
}

/**
 * agiswarm_aggregator_reassign() - assign the rows anew, after peers changed
 * @node: the aggregator's node
 *
 * Builds a plan for the matrix in use and one for a staged matrix, each
 * with the workers there are now, installs the first and sends the workers
 * their rows. When a plan cannot be built, none is in use after: the old
 * one may name a removed peer.
 *
 * Context: process, node->conf_lock held.
 * Return: 0, or the error of building a plan (agiswarm_plan_build()).
 */
int agiswarm_aggregator_reassign(struct agiswarm_node *node)
{
	struct agiswarm_agg *agg = agg_of(node);
	struct agiswarm_plan *plan, *old, *next;
	struct agiswarm_matrix *next_mx;
	int err, next_err;
	u32 cols;

	lockdep_assert_held(&node->conf_lock);
	agiswarm_stage_settle(agg);
	err = agiswarm_plan_build(agg, agg->matrix, &plan);
	cols = agg->matrix ? agg->matrix->cols : 0;
	next_mx = rebuild_staged(agg, &next, &next_err);

	spin_lock_bh(&agg->lock);
	if (next_mx && agg->stage.matrix != next_mx) {
		/* The cycle applied the staged matrix meanwhile. */
		swap(plan, next);
		cols = next_mx->cols;
		err = next_err;
	} else if (next_mx) {
		swap(agg->stage.plan, next);
	}
	old = agg->plan;
	agiswarm_plan_install(agg, plan, cols);
	spin_unlock_bh(&agg->lock);
	agiswarm_plan_free(old);
	agiswarm_plan_free(next);
	agiswarm_stage_settle(agg);

	if (plan) {
		log_plan(node, plan);
		agiswarm_plan_send_rows(agg);
	}
	return err ?: next_err;
}

/**
 * agiswarm_aggregator_cols() - the columns of the matrix in use, or staged
 * @node: the aggregator's node
 * @staged: the matrix staged for a cycle rather than the one in use
 *
 * Context: process, node->conf_lock held.
 * Return: its columns, 0 when there is no such matrix.
 */
u32 agiswarm_aggregator_cols(struct agiswarm_node *node, bool staged)
{
	struct agiswarm_agg *agg = agg_of(node);

	lockdep_assert_held(&node->conf_lock);
	agiswarm_stage_settle(agg);
	if (staged)
		return agg->stage.matrix ? agg->stage.matrix->cols : 0;
	return agg->matrix ? agg->matrix->cols : 0;
}

/**
 * agiswarm_aggregator_set_input() - set the input x, checked already
 * @node: the aggregator's node
 * @fmt: its format
 * @x: its values
 * @n: how many
 *
 * Context: process, node->conf_lock held.
 */
void agiswarm_aggregator_set_input(struct agiswarm_node *node, u8 fmt,
				   const s32 *x, u16 n)
{
	struct agiswarm_agg *agg = agg_of(node);

	lockdep_assert_held(&node->conf_lock);
	spin_lock_bh(&agg->lock);
	agg->fmt_x = fmt;
	agg->nx = n;
	memcpy(agg->x, x, n * sizeof(*x));
	agg->x_cycle = agg->cycle_id;
	spin_unlock_bh(&agg->lock);
}

/**
 * agiswarm_aggregator_set_timing() - set the period and the deadline
 * @node: the aggregator's node
 * @period_us: the period, checked already
 * @deadline_us: the deadline, at most @period_us
 *
 * Context: process, node->conf_lock held.
 */
void agiswarm_aggregator_set_timing(struct agiswarm_node *node, u32 period_us,
				    u32 deadline_us)
{
	struct agiswarm_agg *agg = agg_of(node);

	lockdep_assert_held(&node->conf_lock);
	spin_lock_bh(&agg->lock);
	agg->period_us = period_us;
	agg->deadline_us = deadline_us;
	spin_unlock_bh(&agg->lock);
}

/**
 * agiswarm_aggregator_set_miss() - set what a missed cycle outputs
 * @node: the aggregator's node
 * @miss: enum agiswarm_miss_policy, checked already
 *
 * Context: process, node->conf_lock held.
 */
void agiswarm_aggregator_set_miss(struct agiswarm_node *node, u8 miss)
{
	struct agiswarm_agg *agg = agg_of(node);

	lockdep_assert_held(&node->conf_lock);
	spin_lock_bh(&agg->lock);
	agg->miss = miss;
	spin_unlock_bh(&agg->lock);
}

/**
 * agiswarm_aggregator_apply_law() - put a control law in use
 * @agg: the aggregator
 * @law: enum agiswarm_control_law
 * @pid: the whole PID configuration, NULL to keep it
 * @sp: @nsp setpoints, NULL to keep them
 * @nsp: how many
 *
 * The law starts from rest: no integral, no derivative kick.
 *
 * Context: agg->lock held.
 */
void agiswarm_aggregator_apply_law(struct agiswarm_agg *agg, u8 law,
				   const struct agi_pid_cfg *pid, const s32 *sp,
				   u16 nsp)
{
	lockdep_assert_held(&agg->lock);
	agg->law = law;
	if (pid)
		agg->pid = *pid;
	if (sp) {
		agg->nsp = nsp;
		memcpy(agg->sp, sp, nsp * sizeof(*sp));
	}
	memset(agg->pid_state, 0, sizeof(agg->pid_state));
}

/**
 * agiswarm_aggregator_set_law() - set the control law now
 * @node: the aggregator's node
 * @law: enum agiswarm_control_law
 * @pid: the whole PID configuration, NULL to keep it
 * @sp: @nsp setpoints, NULL to keep them
 * @nsp: how many
 *
 * Context: process, node->conf_lock held.
 */
void agiswarm_aggregator_set_law(struct agiswarm_node *node, u8 law,
				 const struct agi_pid_cfg *pid, const s32 *sp,
				 u16 nsp)
{
	struct agiswarm_agg *agg = agg_of(node);

	lockdep_assert_held(&node->conf_lock);
	spin_lock_bh(&agg->lock);
	agiswarm_aggregator_apply_law(agg, law, pid, sp, nsp);
	spin_unlock_bh(&agg->lock);
}

/**
 * agiswarm_aggregator_set_code() - set the redundancy and the code seed
 * @node: the aggregator's node
 * @redundancy: how many workers may be lost
 * @seed: the code seed
 *
 * A change reassigns the rows.
 *
 * Context: process, node->conf_lock held.
 * Return: 0, or agiswarm_aggregator_reassign()'s error.
 */
int agiswarm_aggregator_set_code(struct agiswarm_node *node, u8 redundancy,
				 u64 seed)
{
	struct agiswarm_agg *agg = agg_of(node);

	lockdep_assert_held(&node->conf_lock);
	if (agg->redundancy == redundancy && agg->seed == seed)
		return 0;
	WRITE_ONCE(agg->redundancy, redundancy);
	agg->seed = seed;
	return agiswarm_aggregator_reassign(node);
}

/**
 * agiswarm_aggregator_get_pid() - the PID configuration in use
 * @node: the aggregator's node
 * @pid: where it goes
 *
 * Context: process, node->conf_lock held (so that it is still the one in
 * use when the caller changes it).
 */
void agiswarm_aggregator_get_pid(struct agiswarm_node *node,
				 struct agi_pid_cfg *pid)
{
	struct agiswarm_agg *agg = agg_of(node);

	lockdep_assert_held(&node->conf_lock);
	spin_lock_bh(&agg->lock);
	*pid = agg->pid;
	spin_unlock_bh(&agg->lock);
}

/**
 * agiswarm_aggregator_seed() - the configured code seed
 * @node: the aggregator's node
 *
 * Context: node->conf_lock held.
 * Return: the seed.
 */
u64 agiswarm_aggregator_seed(struct agiswarm_node *node)
{
	lockdep_assert_held(&node->conf_lock);
	return agg_of(node)->seed;
}

/**
 * agiswarm_aggregator_outputs() - the outputs of the matrix in use
 * @node: the aggregator's node
 *
 * Context: process, node->conf_lock held.
 * Return: its rows, 0 when no matrix is loaded.
 */
u32 agiswarm_aggregator_outputs(struct agiswarm_node *node)
{
	struct agiswarm_agg *agg = agg_of(node);

	lockdep_assert_held(&node->conf_lock);
	agiswarm_stage_settle(agg);
	return agg->matrix ? agg->matrix->rows : 0;
}

/**
 * agiswarm_aggregator_set_safety() - the sensor timeout and safe output
 * @node: the aggregator's node
 * @sf: what changes, checked already
 *
 * Context: process, node->conf_lock held.
 */
void agiswarm_aggregator_set_safety(struct agiswarm_node *node,
				    const struct agiswarm_agg_safety *sf)
{
	struct agiswarm_agg *agg = agg_of(node);

	lockdep_assert_held(&node->conf_lock);
	spin_lock_bh(&agg->lock);
	if (sf->timeout_set) {
		agg->sensor_timeout_us = sf->timeout_us;
		/* A new timeout counts from now, not from the last input. */
		agg->x_cycle = agg->cycle_id;
	}
	if (sf->safe) {
		agg->nsafe = sf->nsafe;
		memcpy(agg->safe, sf->safe, sf->nsafe * sizeof(*sf->safe));
	}
	spin_unlock_bh(&agg->lock);
}

/**
 * agiswarm_aggregator_get_safe() - the safe output and the PID, for status
 * @node: the aggregator's node
 * @safe: AGISWARM_WIRE_VEC_MAX values, @nsafe of them filled
 * @nsafe: how many
 * @pid: the PID configuration in use
 * @sp: AGISWARM_WIRE_VEC_MAX values, @nsp setpoints filled
 * @nsp: how many
 *
 * Context: process; takes agg->lock.
 */
void agiswarm_aggregator_get_safe(struct agiswarm_node *node, s32 *safe,
				  u16 *nsafe, struct agi_pid_cfg *pid,
				  s32 *sp, u16 *nsp)
{
	struct agiswarm_agg *agg = agg_of(node);

	spin_lock_bh(&agg->lock);
	*nsafe = agg->nsafe;
	memcpy(safe, agg->safe, agg->nsafe * sizeof(*safe));
	*pid = agg->pid;
	*nsp = agg->nsp;
	memcpy(sp, agg->sp, agg->nsp * sizeof(*sp));
	spin_unlock_bh(&agg->lock);
}

/**
 * agiswarm_aggregator_estop() - emergency stop, or resume
 * @node: the aggregator's node
 * @on: stop (the safe output at once, and held), or resume
 *
 * Context: process, node->conf_lock held.
 */
void agiswarm_aggregator_estop(struct agiswarm_node *node, bool on)
{
	lockdep_assert_held(&node->conf_lock);
	agiswarm_cycle_estop(agg_of(node), on);
}

/**
 * agiswarm_aggregator_check_audit() - whether a watermark may be set
 * @node: the aggregator's node
 * @seq: the daemon's last decided seq
 * @records: the records in its audit log
 *
 * Context: process, node->conf_lock held.
 * Return: 0, or -EINVAL when either is below the one the module holds.
 */
int agiswarm_aggregator_check_audit(struct agiswarm_node *node, u64 seq,
				    u64 records)
{
	struct agiswarm_agg *agg = agg_of(node);
	int ret = 0;

	lockdep_assert_held(&node->conf_lock);
	spin_lock_bh(&agg->lock);
	if (seq < agg->audit_seq || records < agg->audit_records)
		ret = -EINVAL;
	spin_unlock_bh(&agg->lock);
	return ret;
}

/**
 * agiswarm_aggregator_set_audit() - set the audit watermark
 * @node: the aggregator's node
 * @seq: the daemon's last decided seq, checked already
 * @records: the records in its audit log, checked already
 *
 * Context: process, node->conf_lock held.
 */
void agiswarm_aggregator_set_audit(struct agiswarm_node *node, u64 seq,
				   u64 records)
{
	struct agiswarm_agg *agg = agg_of(node);

	lockdep_assert_held(&node->conf_lock);
	spin_lock_bh(&agg->lock);
	agg->audit_seq = seq;
	agg->audit_records = records;
	spin_unlock_bh(&agg->lock);
}

/**
 * agiswarm_aggregator_set_running() - start or stop the cycle
 * @node: the aggregator's node
 * @run: start it (a running cycle goes on), or stop it
 *
 * Context: process, node->conf_lock held.
 */
void agiswarm_aggregator_set_running(struct agiswarm_node *node, bool run)
{
	lockdep_assert_held(&node->conf_lock);
	if (run)
		agiswarm_cycle_start(agg_of(node));
	else
		agiswarm_cycle_stop(agg_of(node));
}

/**
 * agiswarm_aggregator_matrix_info() - what GET_MATRIX reports
 * @node: the aggregator's node
 * @info: where it goes; rows 0 when there is no matrix
 *
 * Context: process, node->conf_lock held.
 */
void agiswarm_aggregator_matrix_info(struct agiswarm_node *node,
				     struct agiswarm_matrix_info *info)
{
	struct agiswarm_agg *agg = agg_of(node);

	lockdep_assert_held(&node->conf_lock);
	agiswarm_stage_settle(agg);
	memset(info, 0, sizeof(*info));
	info->seed = agg->seed;
	if (agg->matrix) {
		info->rows = agg->matrix->rows;
		info->cols = agg->matrix->cols;
		info->fmt = agg->matrix->fmt;
	}
	/* The cycle's: a job's assignment takes a generation too. */
	spin_lock_bh(&agg->lock);
	if (agg->plan) {
		info->n_coded = agg->plan->code.n_coded;
		info->gen = agg->plan->gen;
	}
	spin_unlock_bh(&agg->lock);
}

/**
 * agiswarm_aggregator_read_status() - the aggregator's part of GET_STATUS
 * @node: the node
 * @st: where it goes
 *
 * Context: process; takes agg->lock.
 */
void agiswarm_aggregator_read_status(struct agiswarm_node *node,
				     struct agiswarm_agg_status *st)
{
	struct agiswarm_agg *agg = agg_of(node);

	spin_lock_bh(&agg->lock);
	st->period_us = agg->period_us;
	st->deadline_us = agg->deadline_us;
	st->miss = agg->miss;
	st->law = agg->law;
	st->running = agg->running;
	st->cycle_id = agg->cycle_id;
	st->staged_cycle = agiswarm_stage_first_cycle(agg);
	st->held_cycle = agiswarm_stage_held_cycle(agg);
	st->sensor_timeout_us = agg->sensor_timeout_us;
	st->safe_state = agg->safe_state;
	st->nsafe = agg->nsafe;
	st->audit_seq = agg->audit_seq;
	st->audit_records = agg->audit_records;
	spin_unlock_bh(&agg->lock);
	st->redundancy = READ_ONCE(agg->redundancy);
}

/**
 * agiswarm_aggregator_peer_stats() - a worker's statistics, for GET_PEERS
 * @node: the aggregator's node
 * @peer: a peer of @node's list
 * @st: where they go
 *
 * Context: process, node->conf_lock held (so that @peer stays in the list).
 */
void agiswarm_aggregator_peer_stats(struct agiswarm_node *node,
				    const struct agiswarm_peer *peer,
				    struct agiswarm_peer_stats *st)
{
	struct agiswarm_agg *agg = agg_of(node);

	lockdep_assert_held(&node->conf_lock);
	spin_lock_bh(&agg->lock);
	st->rows = peer->rows;
	st->gen = peer->gen;
	st->results = peer->results;
	st->missed = peer->missed;
	st->last_cycle = peer->last_cycle;
	st->inconsistent = peer->inconsistent;
	spin_unlock_bh(&agg->lock);
}

/**
 * agiswarm_aggregator_metrics() - metrics records after a cycle
 * @node: the aggregator's node
 * @after: the cycle the records follow
 * @out: where they go, oldest first
 * @max: room in @out
 *
 * Context: process; takes agg->lock.
 * Return: how many records were copied; fewer than @max when there are no
 * more.
 */
unsigned int agiswarm_aggregator_metrics(struct agiswarm_node *node,
					 u64 after, struct agiswarm_metric *out,
					 unsigned int max)
{
	struct agiswarm_agg *agg = agg_of(node);
	unsigned int i, n = 0;
	u32 idx;

	spin_lock_bh(&agg->lock);
	idx = (agg->ring_head + AGISWARM_METRICS_MAX - agg->ring_count) %
	      AGISWARM_METRICS_MAX;
	for (i = 0; i < agg->ring_count && n < max; i++) {
		const struct agiswarm_metric *rec = &agg->ring[idx];

		if (rec->cycle > after)
			out[n++] = *rec;
		idx = (idx + 1) % AGISWARM_METRICS_MAX;
	}
	spin_unlock_bh(&agg->lock);
	return n;
}

/**
 * agiswarm_aggregator_init() - a node's aggregator state, at its defaults
 * @node: the node, at its creation
 *
 * Return: 0 or -ENOMEM.
 */
int agiswarm_aggregator_init(struct agiswarm_node *node)
{
	struct agiswarm_agg *agg;

	agg = kvzalloc(sizeof(*agg), GFP_KERNEL);
	if (!agg)
		return -ENOMEM;
	agiswarm_objects_get();
	agg->node = node;
	spin_lock_init(&agg->lock);
	agiswarm_plan_init(agg);
	agiswarm_stage_init(agg);
	agg->period_us = 50000;
	agg->deadline_us = 40000;
	agg->miss = AGISWARM_MISS_HOLD;
	agg->law = AGISWARM_LAW_FEEDBACK;
	agg->redundancy = 2;
	agg->fmt_x = AGISWARM_Q1_31;
	agg->pid = (struct agi_pid_cfg){
		.lo = S32_MIN,
		.hi = S32_MAX,
		.gain_fmt = AGISWARM_Q8_24,
		.sig_fmt = AGISWARM_Q1_31,
	};
	agiswarm_cycle_init(agg);
	agiswarm_repl_init(agg);
	if (agiswarm_job_init(agg)) {
		kvfree(agg);
		agiswarm_objects_put();
		return -ENOMEM;
	}
	node->agg = agg;
	return 0;
}

/**
 * agiswarm_aggregator_stop() - stop the cycle and the work items
 * @node: the node
 *
 * Context: process, no lock held: it waits for the timers and the work.
 */
void agiswarm_aggregator_stop(struct agiswarm_node *node)
{
	struct agiswarm_agg *agg = agg_of(node);

	agiswarm_cycle_stop(agg);
	cancel_work_sync(&agg->rows_work);
	cancel_work_sync(&agg->settle_work);
	agiswarm_job_stop(agg);
}

/**
 * agiswarm_aggregator_uninit() - free the aggregator state
 * @node: the node, its socket closed
 *
 * Context: process, no lock held.
 */
void agiswarm_aggregator_uninit(struct agiswarm_node *node)
{
	struct agiswarm_agg *agg = agg_of(node);

	if (!agg)
		return;
	agiswarm_aggregator_stop(node);
	agiswarm_job_uninit(agg);
	agiswarm_plan_free(agg->plan);
	agiswarm_stage_uninit(agg);
	kvfree(agg);
	agiswarm_objects_put();
	node->agg = NULL;
}
