// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * On-demand coded jobs beside the cycle (the UAPI header's "Jobs"): a
 * matrix product A B computed by the workers the cycle uses, coded like the
 * cycle, so that stalled or dead workers cost nothing while enough answer.
 *
 * A job's A gets its own plan (agiswarm_plan_build(): the core's MDS
 * assignment, the same hashing and binding), sent to the workers as
 * JOB_ROWS, a second row set beside the cycle's. Each column of B is then
 * one JOB_TASK per worker, and the workers' JOB_RESULTs decode that column
 * of the result exactly, with the core's decoder and rounding.
 *
 * The cycle comes first. Everything here runs in process context, in one
 * work item (the job work) under node->conf_lock: building the plan,
 * sending rows and tasks, decoding. Softirq only queues the JOB_RESULTs
 * (a bounded queue). The work sends tasks only while no cycle is waiting
 * for its results (agg->phase), and the cycle kicks it when it completes;
 * workers compute job tasks in process context too (worker.c). At most
 * JOB_WINDOW columns are in flight; a column not decoded JOB_RESEND after
 * its tasks went out is asked again, and every JOB_ROWS_AGAIN-th time the
 * rows are sent again too (a worker holding them ignores them). One job
 * runs at a time, the highest priority first, then the oldest.
 *
 * Locking: the job list and every job under node->conf_lock; the result
 * queue has its own lock. Jobs outlive their end for status and result
 * (at most JOB_KEEP, the oldest ended one makes room for a new one).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "../include/core/fixed.h"
#include "../include/core/probe.h"
#include "agg.h"
#include "aggregator.h"
#include "fault.h"
#include "job.h"
#include "netlink.h"
#include "node.h"
#include "objects.h"
#include "peer.h"
#include "plan.h"
#include "socket.h"

#define JOB_KEEP 16			/* jobs kept, ended ones included */
#define JOB_WINDOW 8			/* result columns in flight */
#define JOB_RESULTS_MAX 8192		/* JOB_RESULTs waiting for the work */
#define JOB_RESULTS_PER_RUN 1024	/* taken per run of the work */
#define JOB_RESEND (HZ / 2)		/* a column's tasks asked again */
#define JOB_ROWS_AGAIN 2		/* and its rows, every this many times */
#define JOB_POLL (HZ / 100)
#define JOB_GET_CHUNK 1024		/* result entries per JOB_GET reply */

/**
 * struct job_col - one result column in flight
 * @col: the column of B, U32_MAX when the slot is free
 * @sent_j: jiffies when its tasks last went out
 * @tries: how many times they were sent again
 * @dec: its decoder, over the job's plan
 */
struct job_col {
	u32 col;
	unsigned long sent_j;
	u32 tries;
	struct agi_code_decoder *dec;
};

/**
 * struct agiswarm_job - one job
 * @list: in agiswarm_jobs.list, oldest first
 * @id: its id, nonzero
 * @op: enum agiswarm_job_op
 * @state: enum agiswarm_job_state
 * @prio: its priority, higher first
 * @fx: B's format, and the result's
 * @timeout_ms: from its start; 0 for none
 * @m: rows of A and of the result
 * @n: columns of A, rows of B
 * @k: columns of B and of the result
 * @A: A (its format in A->fmt), until the job ends
 * @B: B, n x k row-major, until the job ends
 * @Y: the result, m x k row-major
 * @a_have: entries of A received
 * @b_have: entries of B received
 * @plan: A's plan while it runs
 * @win: the columns in flight
 * @next_col: the next column to send
 * @done: columns decoded
 * @workers: workers its plan spans
 * @worker: a probe's worker (AGISWARM_JOB_OP_PROBE), else 0
 * @t_start: when it started (ktime ns), 0 before
 * @t_end: when it ended, 0 before
 * @err: why it failed (positive errno)
 */
struct agiswarm_job {
	struct list_head list;
	u32 id;
	u8 op;
	u8 state;
	u8 prio;
	u8 fx;
	u32 timeout_ms;
	u32 m, n, k;
	struct agiswarm_matrix *A;
	s32 *B;
	s32 *Y;
	u32 a_have;
	u32 b_have;
	struct agiswarm_plan *plan;
	struct job_col win[JOB_WINDOW];
	u32 next_col;
	u32 done;
	u32 workers;
	u32 worker;
	u64 t_start;
	u64 t_end;
	u32 err;
};

/**
 * struct agiswarm_jobs - an aggregator's jobs
 * @agg: the aggregator
 * @list: the jobs, oldest first (node->conf_lock)
 * @count: how many
 * @next_id: the last id given
 * @running: the job whose tasks are out, or NULL (node->conf_lock; read
 *	without it by agiswarm_job_kick())
 * @results: JOB_RESULTs waiting for the work
 * @work: the job work
 * @probe_join: a worker added is refused until its probe passes
 *	(SET_NODE PROBE_JOIN; node->conf_lock, read without it by status)
 */
struct agiswarm_jobs {
	struct agiswarm_agg *agg;
	struct list_head list;
	u32 count;
	u32 next_id;
	bool probe_join;
	struct agiswarm_job *running;
	struct sk_buff_head results;
	struct delayed_work work;
};

static bool job_ended(const struct agiswarm_job *job)
{
	return job->state >= AGISWARM_JOB_DONE;
}

static void job_free_run(struct agiswarm_job *job)
{
	u32 i;

	for (i = 0; i < JOB_WINDOW; i++) {
		kvfree(job->win[i].dec);
		job->win[i].dec = NULL;
	}
	agiswarm_plan_free(job->plan);
	job->plan = NULL;
	kvfree(job->A);
	job->A = NULL;
	kvfree(job->B);
	job->B = NULL;
}

static void job_free(struct agiswarm_job *job)
{
	job_free_run(job);
	kvfree(job->Y);
	kfree(job);
	agiswarm_objects_put();
}

static struct agiswarm_job *job_find(struct agiswarm_jobs *jobs, u32 id)
{
	struct agiswarm_job *job;

	list_for_each_entry(job, &jobs->list, list)
		if (job->id == id)
			return job;
	return NULL;
}

/* One datagram of @m to a worker of @plan; bh off for the faults. */
static void send_to(struct agiswarm_node *node, const struct agi_wire_msg *m,
		    const struct agiswarm_plan_worker *w, bool faults)
{
	struct sk_buff *skb = agiswarm_plan_msg_skb(m, w, GFP_KERNEL);

	if (!skb) {
		agiswarm_node_count(node, AGISWARM_CNT_TX_ERRORS, 1);
		return;
	}
	local_bh_disable();
	if (!faults || !agiswarm_fault_apply(node, skb))
		agiswarm_socket_send(node, skb);
	local_bh_enable();
}

/* Every worker of the job's plan drops its work and rows of the job. */
static void send_cancel(struct agiswarm_agg *agg, struct agiswarm_job *job)
{
	struct agi_wire_msg m = {
		.type = AGISWARM_MSG_JOB_CANCEL,
		.u.job_cancel = {
			.epoch = READ_ONCE(agg->node->epoch),
			.job = job->id,
		},
	};
	u32 i;

	for (i = 0; job->plan && i < job->plan->nworkers; i++)
		if (job->plan->w[i].nrows)
			send_to(agg->node, &m, &job->plan->w[i], false);
}

static void job_end(struct agiswarm_jobs *jobs, struct agiswarm_job *job,
		    u8 state, u32 err)
{
	lockdep_assert_held(&jobs->agg->node->conf_lock);
	if (job == jobs->running) {
		send_cancel(jobs->agg, job);
		WRITE_ONCE(jobs->running, NULL);
	}
	job->state = state;
	job->err = err;
	job->t_end = ktime_get_ns();
	job_free_run(job);
}

/* Column @c's JOB_TASKs, one per worker holding rows of the plan. */
static void send_column(struct agiswarm_agg *agg, struct agiswarm_job *job,
			u32 c, s32 *x)
{
	const struct agiswarm_plan *plan = job->plan;
	struct agi_wire_msg m = {
		.type = AGISWARM_MSG_JOB_TASK,
		.u.task = {
			.epoch = READ_ONCE(agg->node->epoch),
			.cycle = c,
			.gen = plan->gen,
			.fmt = job->fx,
			.x = { .host.s32 = x, .n = job->n },
			.group = plan->group,
			.job = job->id,
		},
	};
	u32 i;

	for (i = 0; i < job->n; i++)
		x[i] = job->B[(size_t)i * job->k + c];
	for (i = 0; i < plan->nworkers; i++) {
		if (!plan->w[i].nrows)
			continue;
		m.u.task.rows_epoch = plan->w[i].rows_epoch;
		memcpy(m.u.task.hash, plan->w[i].hash, sizeof(m.u.task.hash));
		send_to(agg->node, &m, &plan->w[i], true);
	}
}

/* Whether the cycle is waiting for its results now: no job tasks then. */
static bool cycle_busy(struct agiswarm_agg *agg)
{
	bool busy;

	spin_lock_bh(&agg->lock);
	busy = agg->running && agg->phase == PHASE_WAITING;
	spin_unlock_bh(&agg->lock);
	return busy;
}

/* New columns into free slots, and columns overdue asked again. */
static void dispatch(struct agiswarm_agg *agg, struct agiswarm_job *job)
{
	bool rows_again = false;
	s32 *x = NULL;
	u32 i;

	for (i = 0; i < JOB_WINDOW; i++) {
		struct job_col *w = &job->win[i];
		bool resend = w->col != U32_MAX &&
			      time_after(jiffies, w->sent_j + JOB_RESEND);

		if (w->col == U32_MAX && job->next_col >= job->k)
			continue;
		if (w->col != U32_MAX && !resend)
			continue;
		if (cycle_busy(agg))
			break;
		if (!x) {
			x = kmalloc_array(AGISWARM_WIRE_VEC_MAX, sizeof(*x),
					  GFP_KERNEL);
			if (!x)
				return;
		}
		if (w->col == U32_MAX) {
			w->col = job->next_col++;
			w->tries = 0;
			agi_code_decoder_reset(w->dec);
		} else if (++w->tries % JOB_ROWS_AGAIN == 0 && !rows_again) {
			/* Lost rows, perhaps: sent again, once per run. */
			agiswarm_plan_send_job_rows(agg, job->plan, job->id);
			rows_again = true;
		}
		w->sent_j = jiffies;
		send_column(agg, job, w->col, x);
	}
	kfree(x);
}

/* Column of slot @w decoded: into the result; the slot is free. */
static void column_done(struct agiswarm_job *job, struct job_col *w)
{
	const struct agiswarm_plan *plan = job->plan;
	struct agi_i128 z;
	u32 i;

	for (i = 0; i < job->m; i++) {
		if (WARN_ON_ONCE(agi_code_decoder_get(w->dec, i, &z)))
			z = (struct agi_i128){};
		job->Y[(size_t)i * job->k + w->col] =
			agi_q_round_sum(z, plan->fa, job->fx);
	}
	w->col = U32_MAX;
	job->done++;
}

/*
 * A probe's check of value @v of column @c: the exact sum the aggregator
 * computes itself from the same row and column. @buf holds AGI_CODE_MAX_COLS
 * s64 and AGISWARM_WIRE_VEC_MAX s32 after them.
 */
static bool probe_ok(const struct agiswarm_job *job, u32 c,
		     const struct agi_wire_value *v, s64 *buf)
{
	const struct agiswarm_plan *plan = job->plan;
	s32 *x = (s32 *)(buf + AGI_CODE_MAX_COLS);
	u32 i;

	if (agi_code_encode_row(&plan->code, v->row, plan->A, plan->cols, buf))
		return false;
	for (i = 0; i < job->n; i++)
		x[i] = job->B[(size_t)i * job->k + c];
	return agi_i128_eq(agi_code_dot(buf, x, job->n), v->sum);
}

/*
 * A probe's worker computed differently: refused, and the rows of the
 * cycle reassigned without it.
 */
static void probe_refuse(struct agiswarm_jobs *jobs, struct agiswarm_job *job)
{
	struct agiswarm_node *node = jobs->agg->node;
	struct agiswarm_peer *p;

	p = agiswarm_peer_find(node, AGISWARM_PEER_WORKER, job->worker);
	job_end(jobs, job, AGISWARM_JOB_FAILED, EPROTO);
	if (!p)
		return;
	pr_warn_ratelimited("netns %u: worker %u computes differently from this aggregator: refused\n",
			    node->net->ns.inum, job->worker);
	/* A worker that joined holds no rows yet. */
	if (p->refused)
		return;
	p->refused = true;
	agiswarm_aggregator_reassign(node);
}

/* A probe passed: its worker is no longer refused. */
static void probe_pass(struct agiswarm_jobs *jobs, struct agiswarm_job *job)
{
	struct agiswarm_node *node = jobs->agg->node;
	struct agiswarm_peer *p;

	p = agiswarm_peer_find(node, AGISWARM_PEER_WORKER, job->worker);
	if (!p || !p->refused)
		return;
	p->refused = false;
	agiswarm_aggregator_reassign(node);
}

/*
 * One JOB_RESULT of the running job into its column's decoder; a probe's
 * values are each checked first. Returns false when a probe failed (the
 * job has ended).
 */
static bool take_result(struct agiswarm_jobs *jobs, struct agiswarm_job *job,
			const struct agi_wire_result *r, s64 *buf)
{
	struct agiswarm_agg *agg = jobs->agg;
	const struct agiswarm_plan *plan = job->plan;
	struct job_col *w = NULL;
	u32 i;

	if (r->job != job->id || r->gen != plan->gen ||
	    r->epoch != READ_ONCE(agg->node->epoch))
		return true;
	for (i = 0; i < JOB_WINDOW; i++)
		if (job->win[i].col == r->cycle)
			w = &job->win[i];
	if (!w)
		return true;	/* late: decoded already */
	for (i = 0; i < r->values.n; i++) {
		struct agi_wire_value v = agi_wire_vec_value(&r->values, i);

		/* Only the rows of the worker that answers. */
		if (v.row >= plan->code.n_coded ||
		    plan->w[plan->owner[v.row]].id != r->worker)
			continue;
		if (job->op == AGISWARM_JOB_OP_PROBE &&
		    !probe_ok(job, w->col, &v, buf)) {
			probe_refuse(jobs, job);
			return false;
		}
		if (agi_code_decoder_add(w->dec, v.row, v.sum) == 1) {
			column_done(job, w);
			return true;
		}
	}
	return true;
}

/* The queued JOB_RESULTs, at most JOB_RESULTS_PER_RUN. */
static void take_results(struct agiswarm_jobs *jobs)
{
	enum agiswarm_counter reason;
	struct agi_wire_msg msg;
	struct sk_buff *skb;
	s64 *buf = NULL;
	u32 n;

	if (jobs->running && jobs->running->op == AGISWARM_JOB_OP_PROBE) {
		buf = kmalloc(AGI_CODE_MAX_COLS * sizeof(s64) +
			      AGISWARM_WIRE_VEC_MAX * sizeof(s32), GFP_KERNEL);
		if (!buf)
			return;		/* the work runs again */
	}
	for (n = 0; n < JOB_RESULTS_PER_RUN; n++) {
		skb = skb_dequeue(&jobs->results);
		if (!skb)
			break;
		/* The job may end on a result: read it anew each time. */
		if (jobs->running &&
		    !agi_wire_parse(skb->data, skb->len, &msg, &reason) &&
		    msg.type == AGISWARM_MSG_JOB_RESULT)
			take_result(jobs, jobs->running, &msg.u.result, buf);
		consume_skb(skb);
	}
	kfree(buf);
}

/*
 * Starts @job: its plan over the workers now, a decoder per slot of the
 * window, its rows out. A job that cannot start fails.
 */
static void job_start(struct agiswarm_jobs *jobs, struct agiswarm_job *job)
{
	struct agiswarm_agg *agg = jobs->agg;
	struct agiswarm_plan *plan;
	size_t size;
	int ret;
	u32 i;

	job->t_start = ktime_get_ns();
	if (job->op == AGISWARM_JOB_OP_PROBE)
		ret = agiswarm_plan_build_probe(agg, job->A, job->worker, &plan);
	else
		ret = agiswarm_plan_build(agg, job->A, &plan);
	if (!ret && !plan)
		ret = -ENODEV;		/* no worker */
	if (ret)
		goto fail;
	job->plan = plan;
	job->workers = plan->nworkers;
	size = agi_code_decoder_size(&plan->code);
	for (i = 0; i < JOB_WINDOW; i++) {
		job->win[i].col = U32_MAX;
		job->win[i].dec = kvmalloc(size, GFP_KERNEL);
		ret = -ENOMEM;
		if (!job->win[i].dec)
			goto fail;
		ret = -EINVAL;
		if (WARN_ON_ONCE(agi_code_decoder_init(job->win[i].dec, size,
						       &plan->code) !=
				 job->win[i].dec))
			goto fail;
	}
	ret = agiswarm_plan_send_job_rows(agg, plan, job->id);
	if (ret)
		goto fail;
	job->state = AGISWARM_JOB_RUNNING;
	WRITE_ONCE(jobs->running, job);
	return;
fail:
	job_end(jobs, job, AGISWARM_JOB_FAILED, -ret);
}

/* The queued job to run next: the highest priority, then the oldest. */
static struct agiswarm_job *job_next(struct agiswarm_jobs *jobs)
{
	struct agiswarm_job *job, *best = NULL;

	list_for_each_entry(job, &jobs->list, list)
		if (job->state == AGISWARM_JOB_QUEUED &&
		    (!best || job->prio > best->prio))
			best = job;
	return best;
}

static void job_work(struct work_struct *work)
{
	struct agiswarm_jobs *jobs = container_of(to_delayed_work(work),
						  struct agiswarm_jobs, work);
	struct agiswarm_node *node = jobs->agg->node;
	struct agiswarm_job *job;

	mutex_lock(&node->conf_lock);
	take_results(jobs);
	job = jobs->running;
	if (job && job->done == job->k) {
		job_end(jobs, job, AGISWARM_JOB_DONE, 0);
		if (job->op == AGISWARM_JOB_OP_PROBE)
			probe_pass(jobs, job);
		job = NULL;
	} else if (job && job->timeout_ms &&
		   ktime_get_ns() - job->t_start >
		   (u64)job->timeout_ms * NSEC_PER_MSEC) {
		job_end(jobs, job, AGISWARM_JOB_FAILED, ETIMEDOUT);
		if (job->op == AGISWARM_JOB_OP_PROBE)
			pr_warn_ratelimited("netns %u: worker %u did not answer its probe (job %u) in time: it stays as it was\n",
					    node->net->ns.inum, job->worker,
					    job->id);
		job = NULL;
	}
	while (!job && (job = job_next(jobs))) {
		job_start(jobs, job);
		job = jobs->running;
	}
	if (job)
		dispatch(jobs->agg, job);
	if (jobs->running || !skb_queue_empty(&jobs->results))
		schedule_delayed_work(&jobs->work,
				      skb_queue_empty(&jobs->results) ?
				      JOB_POLL : 0);
	mutex_unlock(&node->conf_lock);
}

/**
 * agiswarm_job_kick() - let the job work run now
 * @agg: the aggregator
 *
 * The cycle calls it when it completes: the time until the next tick is
 * the jobs'.
 *
 * Context: any but hard interrupts.
 */
void agiswarm_job_kick(struct agiswarm_agg *agg)
{
	struct agiswarm_jobs *jobs = agg->jobs;

	if (jobs && READ_ONCE(jobs->running))
		mod_delayed_work(system_wq, &jobs->work, 0);
}

/**
 * agiswarm_job_queue_result() - take a JOB_RESULT for the job work
 * @node: the aggregator's node
 * @skb: the datagram, skb->data at its wire header
 * @reason: where the counter of a refusal goes
 *
 * Context: softirq.
 * Return: 0 when @skb was taken; -ESTALE (DROP_STALE) when no job runs;
 * -ENOBUFS (DROP_BACKLOG) when JOB_RESULTS_MAX wait. Then @skb is still
 * the caller's.
 */
int agiswarm_job_queue_result(struct agiswarm_node *node, struct sk_buff *skb,
			      enum agiswarm_counter *reason)
{
	struct agiswarm_jobs *jobs = node->agg->jobs;

	if (!READ_ONCE(jobs->running)) {
		*reason = AGISWARM_CNT_DROP_STALE;
		return -ESTALE;
	}
	if (skb_queue_len(&jobs->results) >= JOB_RESULTS_MAX) {
		*reason = AGISWARM_CNT_DROP_BACKLOG;
		return -ENOBUFS;
	}
	skb_queue_tail(&jobs->results, skb);
	mod_delayed_work(system_wq, &jobs->work, 0);
	return 0;
}

/* ---- netlink ------------------------------------------------------------ */

static bool need(struct genl_info *info, int attr, const char *msg)
{
	if (info->attrs[attr])
		return true;
	info->extack->_msg = msg;
	return false;
}

static struct agiswarm_jobs *jobs_of(struct genl_info *info)
{
	struct agiswarm_node *node = agiswarm_node_get(genl_info_net(info));

	return node->agg->jobs;
}

/* Room for one more job: the oldest ended one goes. */
static int make_room(struct agiswarm_jobs *jobs)
{
	struct agiswarm_job *job;

	if (jobs->count < JOB_KEEP)
		return 0;
	list_for_each_entry(job, &jobs->list, list) {
		if (job_ended(job)) {
			list_del(&job->list);
			jobs->count--;
			job_free(job);
			return 0;
		}
	}
	return -EBUSY;
}

static struct agiswarm_job *job_alloc(u32 m, u32 n, u32 k, u8 fa)
{
	struct agiswarm_job *job = kzalloc(sizeof(*job), GFP_KERNEL);

	if (!job)
		return NULL;
	agiswarm_objects_get();
	job->A = kvzalloc(struct_size(job->A, data, (size_t)m * n), GFP_KERNEL);
	job->B = kvmalloc_array((size_t)n * k, sizeof(s32), GFP_KERNEL);
	job->Y = kvzalloc(array_size((size_t)m * k, sizeof(s32)), GFP_KERNEL);
	if (!job->A || !job->B || !job->Y) {
		job_free(job);
		return NULL;
	}
	job->A->fmt = fa;
	job->A->rows = m;
	job->A->cols = n;
	job->m = m;
	job->n = n;
	job->k = k;
	return job;
}

/* @job joins the list, under the next id; returns the id. */
static u32 job_add(struct agiswarm_jobs *jobs, struct agiswarm_job *job)
{
	lockdep_assert_held(&jobs->agg->node->conf_lock);
	if (!++jobs->next_id)
		jobs->next_id = 1;
	job->id = jobs->next_id;
	list_add_tail(&job->list, &jobs->list);
	jobs->count++;
	return job->id;
}

/*
 * How long a worker that joins has to answer its probe: a live worker on
 * a LAN answers its 8 columns in milliseconds, an emulated one in well
 * under a second.
 */
#define PROBE_JOIN_TIMEOUT_MS 10000

/**
 * agiswarm_job_probe_alloc() - the probe of a worker that joins, if due
 * @node: the node
 * @worker: the worker's node id
 *
 * With PROBE_JOIN set on an aggregator, a worker added (not one whose
 * health or key changes in place) is refused until a fixed-point probe of
 * it passes: this prepares that probe (agi_probe_matrices()), before the
 * worker is added, so that a request that fails changes nothing.
 *
 * Context: process, node->conf_lock held.
 * Return: the job, for agiswarm_job_probe_queue() or _free(); NULL when
 * no probe is due; ERR_PTR(-EBUSY) when 16 jobs are kept and none has
 * ended, ERR_PTR(-ENOMEM).
 */
struct agiswarm_job *agiswarm_job_probe_alloc(struct agiswarm_node *node,
					      u32 worker)
{
	struct agiswarm_jobs *jobs = node->agg->jobs;
	struct agiswarm_job *job;

	lockdep_assert_held(&node->conf_lock);
	if (!jobs || !jobs->probe_join ||
	    READ_ONCE(node->role) != AGISWARM_ROLE_AGGREGATOR)
		return NULL;
	if (make_room(jobs))
		return ERR_PTR(-EBUSY);
	job = job_alloc(AGI_PROBE_ROWS, AGI_PROBE_COLS, AGI_PROBE_BCOLS,
			AGISWARM_Q1_31);
	if (!job)
		return ERR_PTR(-ENOMEM);
	agi_probe_matrices(job->A->data, job->B);
	job->A->staged = job->m;
	job->a_have = job->m * job->n;
	job->b_have = job->n * job->k;
	job->op = AGISWARM_JOB_OP_PROBE;
	job->fx = AGISWARM_Q1_31;
	job->worker = worker;
	job->prio = U8_MAX;
	job->timeout_ms = PROBE_JOIN_TIMEOUT_MS;
	job->state = AGISWARM_JOB_QUEUED;
	return job;
}

/**
 * agiswarm_job_probe_queue() - refuse the worker added, and queue its probe
 * @node: the node
 * @job: from agiswarm_job_probe_alloc(), taken
 *
 * Context: process, node->conf_lock held, the worker added.
 */
void agiswarm_job_probe_queue(struct agiswarm_node *node,
			      struct agiswarm_job *job)
{
	struct agiswarm_jobs *jobs = node->agg->jobs;
	struct agiswarm_peer *p;
	u32 id;

	lockdep_assert_held(&node->conf_lock);
	p = agiswarm_peer_find(node, AGISWARM_PEER_WORKER, job->worker);
	if (p)
		p->refused = true;
	id = job_add(jobs, job);
	pr_info_ratelimited("netns %u: worker %u joins: no rows until its probe (job %u) passes\n",
			    node->net->ns.inum, job->worker, id);
	mod_delayed_work(system_wq, &jobs->work, 0);
}

/**
 * agiswarm_job_probe_free() - a probe prepared but not queued
 * @job: from agiswarm_job_probe_alloc()
 */
void agiswarm_job_probe_free(struct agiswarm_job *job)
{
	job_free(job);
}

/**
 * agiswarm_job_set_probe_join() - SET_NODE PROBE_JOIN
 * @node: the node
 * @on: whether workers added from now on are probed first
 *
 * Context: process, node->conf_lock held.
 */
void agiswarm_job_set_probe_join(struct agiswarm_node *node, bool on)
{
	lockdep_assert_held(&node->conf_lock);
	if (node->agg->jobs)
		WRITE_ONCE(node->agg->jobs->probe_join, on);
}

/**
 * agiswarm_job_probe_join() - whether workers added are probed first
 * @node: the node
 *
 * Context: any.
 */
bool agiswarm_job_probe_join(struct agiswarm_node *node)
{
	const struct agiswarm_jobs *jobs = READ_ONCE(node->agg->jobs);

	return jobs && READ_ONCE(jobs->probe_join);
}

static int reply_id(struct genl_info *info, u8 cmd, u32 id)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	void *hdr;

	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &agiswarm_netlink_family, 0, cmd);
	if (!hdr || nla_put_u32(msg, AGISWARM_A_JOB_ID, id)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/**
 * agiswarm_job_submit_doit() - JOB_SUBMIT: a new job, its data to follow
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0 with the reply (JOB_ID), or -errno with the extack, as the
 * UAPI header documents.
 */
int agiswarm_job_submit_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct agiswarm_node *node = agiswarm_node_get(genl_info_net(info));
	struct agiswarm_jobs *jobs = jobs_of(info);
	struct nlattr **a = info->attrs;
	struct agiswarm_job *job;
	u32 id = 0;
	int ret;

	if (!need(info, AGISWARM_A_JOB_OP, "missing JOB_OP") ||
	    !need(info, AGISWARM_A_MATRIX_FMT, "missing MATRIX_FMT") ||
	    !need(info, AGISWARM_A_INPUT_FMT, "missing INPUT_FMT") ||
	    !need(info, AGISWARM_A_JOB_ROWS, "missing JOB_ROWS") ||
	    !need(info, AGISWARM_A_JOB_COLS, "missing JOB_COLS") ||
	    !need(info, AGISWARM_A_JOB_BCOLS, "missing JOB_BCOLS"))
		return -EINVAL;
	if (nla_get_u8(a[AGISWARM_A_JOB_OP]) == AGISWARM_JOB_OP_PROBE &&
	    !need(info, AGISWARM_A_JOB_WORKER, "a probe needs JOB_WORKER"))
		return -EINVAL;
	if (READ_ONCE(node->role) != AGISWARM_ROLE_AGGREGATOR) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "jobs run on an aggregator; this node is not one");
		return -EOPNOTSUPP;
	}
	mutex_lock(&node->conf_lock);
	ret = make_room(jobs);
	if (ret) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "too many jobs not ended: cancel one or wait");
		goto out;
	}
	job = job_alloc(nla_get_u32(a[AGISWARM_A_JOB_ROWS]),
			nla_get_u32(a[AGISWARM_A_JOB_COLS]),
			nla_get_u32(a[AGISWARM_A_JOB_BCOLS]),
			nla_get_u8(a[AGISWARM_A_MATRIX_FMT]));
	ret = -ENOMEM;
	if (!job)
		goto out;
	job->op = nla_get_u8(a[AGISWARM_A_JOB_OP]);
	job->fx = nla_get_u8(a[AGISWARM_A_INPUT_FMT]);
	if (a[AGISWARM_A_JOB_PRIORITY])
		job->prio = nla_get_u8(a[AGISWARM_A_JOB_PRIORITY]);
	if (a[AGISWARM_A_JOB_TIMEOUT_MS])
		job->timeout_ms = nla_get_u32(a[AGISWARM_A_JOB_TIMEOUT_MS]);
	if (a[AGISWARM_A_JOB_WORKER])
		job->worker = nla_get_u32(a[AGISWARM_A_JOB_WORKER]);
	job->state = AGISWARM_JOB_LOADING;
	id = job_add(jobs, job);
	ret = 0;
out:
	mutex_unlock(&node->conf_lock);
	return ret ? ret : reply_id(info, AGISWARM_CMD_JOB_SUBMIT, id);
}

/**
 * agiswarm_job_data_doit() - JOB_DATA: the next entries of A or B
 * @skb: the request
 * @info: its attributes
 *
 * Entries arrive in order: JOB_OFFSET must be the count received so far.
 * The job is queued once A and B are complete.
 *
 * Return: 0, or -errno with the extack, as the UAPI header documents.
 */
int agiswarm_job_data_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct agiswarm_node *node = agiswarm_node_get(genl_info_net(info));
	struct agiswarm_jobs *jobs = jobs_of(info);
	struct nlattr **a = info->attrs;
	struct agiswarm_job *job;
	u32 off, cnt, total, i, *have;
	const s32 *src;
	u8 part, fmt;
	s32 *dst;
	int ret = -EINVAL;

	if (!need(info, AGISWARM_A_JOB_ID, "missing JOB_ID") ||
	    !need(info, AGISWARM_A_JOB_PART, "missing JOB_PART") ||
	    !need(info, AGISWARM_A_JOB_OFFSET, "missing JOB_OFFSET") ||
	    !need(info, AGISWARM_A_JOB_DATA, "missing JOB_DATA"))
		return -EINVAL;
	if (nla_len(a[AGISWARM_A_JOB_DATA]) % sizeof(s32) ||
	    nla_len(a[AGISWARM_A_JOB_DATA]) >
	    AGISWARM_JOB_DATA_MAX * sizeof(s32)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "JOB_DATA is not a whole number of s32, or more than AGISWARM_JOB_DATA_MAX");
		return -EINVAL;
	}
	part = nla_get_u8(a[AGISWARM_A_JOB_PART]);
	off = nla_get_u32(a[AGISWARM_A_JOB_OFFSET]);
	cnt = nla_len(a[AGISWARM_A_JOB_DATA]) / sizeof(s32);
	src = nla_data(a[AGISWARM_A_JOB_DATA]);
	mutex_lock(&node->conf_lock);
	job = job_find(jobs, nla_get_u32(a[AGISWARM_A_JOB_ID]));
	if (!job) {
		NL_SET_ERR_MSG_MOD(info->extack, "no such job");
		ret = -ENOENT;
		goto out;
	}
	if (job->state != AGISWARM_JOB_LOADING) {
		NL_SET_ERR_MSG_MOD(info->extack, "the job has all its data");
		ret = -EALREADY;
		goto out;
	}
	if (part == AGISWARM_JOB_PART_A) {
		have = &job->a_have;
		total = job->m * job->n;
		dst = job->A->data;
		fmt = job->A->fmt;
	} else {
		have = &job->b_have;
		total = job->n * job->k;
		dst = job->B;
		fmt = job->fx;
	}
	if (off != *have || cnt > total - off) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "JOB_OFFSET is not the next entry, or the data runs past the matrix");
		goto out;
	}
	for (i = 0; i < cnt; i++) {
		if (agi_q_sat(src[i], fmt) != src[i]) {
			NL_SET_ERR_MSG_MOD(info->extack,
					   "an entry lies outside its format");
			goto out;
		}
	}
	memcpy(dst + off, src, cnt * sizeof(s32));
	*have += cnt;
	if (job->a_have == job->m * job->n && job->b_have == job->n * job->k) {
		job->A->staged = job->m;
		job->state = AGISWARM_JOB_QUEUED;
		mod_delayed_work(system_wq, &jobs->work, 0);
	}
	ret = 0;
out:
	mutex_unlock(&node->conf_lock);
	return ret;
}

static int put_job(struct sk_buff *msg, const struct agiswarm_job *job)
{
	u64 end = job->t_end ? job->t_end : ktime_get_ns();

	return nla_put_u32(msg, AGISWARM_A_JOB_ID, job->id) ||
	       nla_put_u8(msg, AGISWARM_A_JOB_OP, job->op) ||
	       nla_put_u8(msg, AGISWARM_A_JOB_STATE, job->state) ||
	       nla_put_u8(msg, AGISWARM_A_JOB_PRIORITY, job->prio) ||
	       nla_put_u32(msg, AGISWARM_A_JOB_TIMEOUT_MS, job->timeout_ms) ||
	       nla_put_u8(msg, AGISWARM_A_INPUT_FMT, job->fx) ||
	       nla_put_u32(msg, AGISWARM_A_JOB_ROWS, job->m) ||
	       nla_put_u32(msg, AGISWARM_A_JOB_COLS, job->n) ||
	       nla_put_u32(msg, AGISWARM_A_JOB_BCOLS, job->k) ||
	       nla_put_u32(msg, AGISWARM_A_JOB_DONE, job->done) ||
	       nla_put_u32(msg, AGISWARM_A_JOB_ERROR, job->err) ||
	       nla_put_u32(msg, AGISWARM_A_JOB_WORKERS, job->workers) ||
	       nla_put_u32(msg, AGISWARM_A_JOB_WORKER, job->worker) ||
	       nla_put_u64_64bit(msg, AGISWARM_A_JOB_ELAPSED_NS,
				 job->t_start ? end - job->t_start : 0,
				 AGISWARM_A_PAD);
}

/**
 * agiswarm_job_get_doit() - JOB_GET: one job, and a chunk of its result
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0 with the reply, or -errno with the extack.
 */
int agiswarm_job_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct agiswarm_node *node = agiswarm_node_get(genl_info_net(info));
	struct agiswarm_jobs *jobs = jobs_of(info);
	struct nlattr **a = info->attrs;
	struct agiswarm_job *job;
	struct sk_buff *msg;
	u32 off = 0, cnt = 0;
	void *hdr;
	int ret;

	if (!need(info, AGISWARM_A_JOB_ID, "missing JOB_ID"))
		return -EINVAL;
	if (a[AGISWARM_A_JOB_OFFSET])
		off = nla_get_u32(a[AGISWARM_A_JOB_OFFSET]);
	msg = genlmsg_new(NLMSG_GOODSIZE + JOB_GET_CHUNK * sizeof(s32),
			  GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&node->conf_lock);
	job = job_find(jobs, nla_get_u32(a[AGISWARM_A_JOB_ID]));
	ret = -ENOENT;
	if (!job) {
		NL_SET_ERR_MSG_MOD(info->extack, "no such job");
		goto fail;
	}
	if (job->state == AGISWARM_JOB_DONE && off < job->m * job->k)
		cnt = min_t(u32, JOB_GET_CHUNK, job->m * job->k - off);
	hdr = genlmsg_put_reply(msg, info, &agiswarm_netlink_family, 0,
				AGISWARM_CMD_JOB_GET);
	ret = -EMSGSIZE;
	if (!hdr || put_job(msg, job) ||
	    (cnt && (nla_put_u32(msg, AGISWARM_A_JOB_OFFSET, off) ||
		     nla_put(msg, AGISWARM_A_JOB_DATA, cnt * sizeof(s32),
			     job->Y + off))))
		goto fail;
	mutex_unlock(&node->conf_lock);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
fail:
	mutex_unlock(&node->conf_lock);
	nlmsg_free(msg);
	return ret;
}

/**
 * agiswarm_job_get_dumpit() - JOB_GET dump: every job, without results
 * @skb: the reply being filled
 * @cb: cb->args[0] is the last job id dumped
 *
 * Return: the length filled, 0 at the end, or -errno.
 */
int agiswarm_job_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct agiswarm_node *node = agiswarm_node_get(sock_net(skb->sk));
	struct agiswarm_jobs *jobs = node->agg->jobs;
	struct agiswarm_job *job;
	void *hdr;

	mutex_lock(&node->conf_lock);
	list_for_each_entry(job, &jobs->list, list) {
		if (job->id <= cb->args[0])
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &agiswarm_netlink_family,
				  NLM_F_MULTI, AGISWARM_CMD_JOB_GET);
		if (!hdr)
			break;
		if (put_job(skb, job)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = job->id;
	}
	mutex_unlock(&node->conf_lock);
	return skb->len;
}

/**
 * agiswarm_job_cancel_doit() - JOB_CANCEL: stop a job, on the workers too
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0; -ENOENT for no such job; -EALREADY when it has ended.
 */
int agiswarm_job_cancel_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct agiswarm_node *node = agiswarm_node_get(genl_info_net(info));
	struct agiswarm_jobs *jobs = jobs_of(info);
	struct agiswarm_job *job;
	int ret = 0;

	if (!need(info, AGISWARM_A_JOB_ID, "missing JOB_ID"))
		return -EINVAL;
	mutex_lock(&node->conf_lock);
	job = job_find(jobs, nla_get_u32(info->attrs[AGISWARM_A_JOB_ID]));
	if (!job) {
		NL_SET_ERR_MSG_MOD(info->extack, "no such job");
		ret = -ENOENT;
	} else if (job_ended(job)) {
		NL_SET_ERR_MSG_MOD(info->extack, "the job has ended already");
		ret = -EALREADY;
	} else {
		job_end(jobs, job, AGISWARM_JOB_CANCELLED, 0);
	}
	mutex_unlock(&node->conf_lock);
	return ret;
}

/* ---- life --------------------------------------------------------------- */

/**
 * agiswarm_job_init() - an aggregator's jobs: none
 * @agg: the aggregator, at its creation
 *
 * Return: 0 or -ENOMEM.
 */
int agiswarm_job_init(struct agiswarm_agg *agg)
{
	struct agiswarm_jobs *jobs = kzalloc(sizeof(*jobs), GFP_KERNEL);

	if (!jobs)
		return -ENOMEM;
	agiswarm_objects_get();
	jobs->agg = agg;
	INIT_LIST_HEAD(&jobs->list);
	skb_queue_head_init(&jobs->results);
	INIT_DELAYED_WORK(&jobs->work, job_work);
	agg->jobs = jobs;
	return 0;
}

/**
 * agiswarm_job_stop() - no more job work
 * @agg: the aggregator
 *
 * Context: process, no lock held: waits for the work.
 */
void agiswarm_job_stop(struct agiswarm_agg *agg)
{
	if (agg->jobs)
		cancel_delayed_work_sync(&agg->jobs->work);
}

/**
 * agiswarm_job_uninit() - free every job
 * @agg: the aggregator, its socket closed and its work stopped
 */
void agiswarm_job_uninit(struct agiswarm_agg *agg)
{
	struct agiswarm_jobs *jobs = agg->jobs;
	struct agiswarm_job *job, *tmp;

	if (!jobs)
		return;
	cancel_delayed_work_sync(&jobs->work);
	skb_queue_purge(&jobs->results);
	list_for_each_entry_safe(job, tmp, &jobs->list, list) {
		list_del(&job->list);
		job_free(job);
	}
	kfree(jobs);
	agiswarm_objects_put();
	agg->jobs = NULL;
}
