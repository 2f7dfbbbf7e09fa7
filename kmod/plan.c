// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The row assignment (struct agiswarm_plan, one generation): which coded
 * rows of the matrix each worker holds, the core's MDS assignment, so that
 * any `redundancy` workers may be lost, and sending each worker its rows
 * (ROWS).
 *
 * Who may still hold a plan when it is replaced: the cycle (tick, deadline,
 * RESULT handlers, all under agg->lock) and the ROWS work and GET_MATRIX
 * (under node->conf_lock). Process context replaces it holding both locks
 * and frees the old one at once; the cycle replaces it holding agg->lock
 * only (a staged matrix taking effect), and stage.c frees the old one
 * later under node->conf_lock. A plan names peers; it is rebuilt without
 * a peer before that peer is freed.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <net/netlink.h>

#include "agg.h"
#include "node.h"
#include "objects.h"
#include "peer.h"
#include "plan.h"
#include "repl.h"
#include "rowhash.h"
#include "socket.h"

static_assert(AGI_CODE_MAX_GROUP_WORKERS <= AGISWARM_AGG_WORKERS_MAX);

/*
 * The refusal of a redundancy above what the rows allow, naming the largest
 * that works (an extack is a constant string on the kernels we build for).
 */
#define LOST_MSG(f) \
	"redundancy above what the rows allow: at most " #f " workers may be lost"
static const char *const lost_msg[AGI_CODE_MAX_GROUP_WORKERS] = {
	LOST_MSG(0), LOST_MSG(1), LOST_MSG(2), LOST_MSG(3),
	LOST_MSG(4), LOST_MSG(5), LOST_MSG(6), LOST_MSG(7),
	LOST_MSG(8), LOST_MSG(9), LOST_MSG(10), LOST_MSG(11),
	LOST_MSG(12), LOST_MSG(13), LOST_MSG(14), LOST_MSG(15),
	LOST_MSG(16), LOST_MSG(17), LOST_MSG(18), LOST_MSG(19),
	LOST_MSG(20), LOST_MSG(21), LOST_MSG(22), LOST_MSG(23),
	LOST_MSG(24), LOST_MSG(25), LOST_MSG(26), LOST_MSG(27),
	LOST_MSG(28), LOST_MSG(29), LOST_MSG(30), LOST_MSG(31),
	LOST_MSG(32), LOST_MSG(33), LOST_MSG(34), LOST_MSG(35),
	LOST_MSG(36), LOST_MSG(37), LOST_MSG(38), LOST_MSG(39),
	LOST_MSG(40), LOST_MSG(41), LOST_MSG(42), LOST_MSG(43),
	LOST_MSG(44), LOST_MSG(45), LOST_MSG(46), LOST_MSG(47),
	LOST_MSG(48), LOST_MSG(49), LOST_MSG(50), LOST_MSG(51),
	LOST_MSG(52), LOST_MSG(53), LOST_MSG(54), LOST_MSG(55),
	LOST_MSG(56), LOST_MSG(57), LOST_MSG(58), LOST_MSG(59),
	LOST_MSG(60), LOST_MSG(61), LOST_MSG(62), LOST_MSG(63),
};

/**
 * agiswarm_plan_free() - free a plan nothing uses any more
 * @plan: the plan, or NULL
 */
void agiswarm_plan_free(struct agiswarm_plan *plan)
{
	if (!plan)
		return;
	kvfree(plan->dec);
	kvfree(plan->A);
	kfree(plan->owner);
	kfree(plan->w);
	kfree(plan);
	agiswarm_objects_put();
}

/*
 * Returns 0 or -ENOMEM. *@planp is set as soon as the plan itself is
 * allocated, so that the caller frees what was allocated when a later
 * part fails.
 */
static int plan_alloc(struct agiswarm_plan **planp, u32 nworkers,
		      const struct agiswarm_matrix *mx, u32 n_coded)
{
	struct agiswarm_plan *plan;

	plan = kzalloc(sizeof(*plan), GFP_KERNEL);
	if (!plan)
		return -ENOMEM;
	agiswarm_objects_get();
	*planp = plan;
	plan->w = kcalloc(nworkers, sizeof(*plan->w), GFP_KERNEL);
	plan->owner = kcalloc(n_coded, sizeof(*plan->owner), GFP_KERNEL);
	plan->A = kvmalloc_array((size_t)mx->rows * mx->cols, sizeof(s32),
				 GFP_KERNEL);
	if (!plan->w || !plan->owner || !plan->A)
		return -ENOMEM;
	memcpy(plan->A, mx->data, (size_t)mx->rows * mx->cols * sizeof(s32));
	plan->nworkers = nworkers;
	plan->fa = mx->fmt;
	plan->cols = mx->cols;
	return 0;
}

/* 0 healthy or not judged, 1 degraded, 2 unhealthy (a static worker). */
static u32 health_rank(const struct agiswarm_peer *p)
{
	if (p->health == AGISWARM_HEALTH_DEGRADED + 1)
		return 1;
	return p->health == AGISWARM_HEALTH_UNHEALTHY + 1 ? 2 : 0;
}

/*
 * Whether a plan takes peer @p: a worker not refused, or, for a probe's
 * plan (@only nonzero), the worker @only, refused or not.
 */
static bool plan_takes(const struct agiswarm_peer *p, u32 only)
{
	if (p->kind != AGISWARM_PEER_WORKER)
		return false;
	return only ? p->id == only : !p->refused;
}

static u32 plan_count(struct agiswarm_node *node, u32 only)
{
	struct agiswarm_peer *p;
	u32 n = 0;

	lockdep_assert_held(&node->conf_lock);
	list_for_each_entry(p, &node->peers, list)
		n += plan_takes(p, only);
	return n;
}

/*
 * The workers in order of health, then of addition: worker slot i holds
 * the MDS code's rows of worker i, so the systematic rows (slots 0..K-1)
 * go to the healthy workers and a degraded one gets parity rows.
 */
static void fill_workers(struct agiswarm_node *node, struct agiswarm_plan *plan,
			 u32 only)
{
	struct agiswarm_peer *p;
	u32 i = 0, j, rank;

	/* The peers, and the daemon's judgement of their health. */
	lockdep_assert_held(&node->conf_lock);
	for (rank = 0; rank < 3; rank++) {
		list_for_each_entry(p, &node->peers, list) {
			if (!plan_takes(p, only) || health_rank(p) != rank)
				continue;
			plan->w[i].peer = p;
			plan->w[i].id = p->id;
			plan->w[i].addr = p->ep.sin_addr.s_addr;
			plan->w[i].port = p->ep.sin_port;
			i++;
		}
	}
	for (i = 0; i < plan->nworkers; i++)
		plan->w[i].nrows = agi_code_worker_rows(&plan->code, i,
							plan->w[i].rows);
	for (j = 0; j < plan->code.n_coded; j++)
		plan->owner[j] = agi_code_row_worker(&plan->code, j);
}

/*
 * Each worker's content hash (rowhash.h): its coded rows encoded in
 * ascending index order. Returns 0 or -ENOMEM.
 */
static int hash_workers(struct agiswarm_plan *plan)
{
	struct agiswarm_rowhash h;
	u16 order[AGISWARM_WIRE_ROWS_MAX];
	struct agiswarm_plan_worker *w;
	s64 *buf;
	u32 i, r;

	buf = kmalloc_array(plan->cols, sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < plan->nworkers; i++) {
		w = &plan->w[i];
		agiswarm_rowhash_order(w->rows, w->nrows, order);
		agiswarm_rowhash_init(&h, w->nrows, plan->cols);
		for (r = 0; r < w->nrows; r++) {
			if (agi_code_encode_row(&plan->code, w->rows[order[r]],
						plan->A, plan->cols, buf))
				memset(buf, 0, plan->cols * sizeof(*buf));
			agiswarm_rowhash_row(&h, w->rows[order[r]], buf,
					     plan->cols);
		}
		agiswarm_rowhash_final(&h, w->hash);
		cond_resched();
	}
	kfree(buf);
	return 0;
}

/*
 * The workers an assignment of @m source rows over @nw workers may lose:
 * the configured redundancy, at most @nw - 1, at most what the rows allow
 * (*@max_lost, agi_code_max_lost()). Returns it, or -E2BIG when there are
 * too many workers for the code or the workers cannot hold the rows.
 */
static int plan_lost(const struct agiswarm_agg *agg, u32 m, u32 nw,
		     int *max_lost)
{
	u32 f = min_t(u32, agg->redundancy, nw - 1);

	*max_lost = -E2BIG;
	if (nw > AGI_CODE_MAX_GROUP_WORKERS)
		return -E2BIG;
	*max_lost = agi_code_max_lost(m, nw);
	if (*max_lost < 0)
		return -E2BIG;
	return min_t(u32, f, *max_lost);
}

/**
 * plan_build() - assign the coded rows of a matrix to the workers
 * @agg: the aggregator: its workers and redundancy
 * @mx: the matrix, or NULL
 * @only: 0 for every worker not refused; else the one worker of a probe
 * @planp: the new plan, or NULL when there is nothing to assign
 *
 * The MDS assignment (include/core/code.h): any W - f of the W workers
 * decode, by construction, with no search. f is the redundancy, at most
 * W - 1 and at most what the rows allow (a change of workers or matrix may
 * lower it: logged; SET_NODE refuses a redundancy above it, see
 * agiswarm_plan_check_redundancy()). A worker may hold no row (fewer
 * source rows than W - f): it is sent no TASK. O(n_coded * W) plus the
 * decoder's set-up: well under a millisecond for m = 256 over 16 workers.
 * A new plan takes the next generation; nothing is installed.
 *
 * Context: process, node->conf_lock held.
 * Return: 0, with *@planp NULL when there is no matrix or no worker;
 * -E2BIG when there are more than AGI_CODE_MAX_GROUP_WORKERS workers or
 * they cannot hold the rows (more than AGISWARM_WIRE_ROWS_MAX each);
 * -ENOMEM.
 */
static int plan_build(struct agiswarm_agg *agg,
		      const struct agiswarm_matrix *mx, u32 only,
		      struct agiswarm_plan **planp)
{
	struct agiswarm_node *node = agg->node;
	struct agiswarm_plan *plan = NULL;
	u64 t0 = ktime_get_ns();
	struct agi_code code;
	int f, max_lost;
	size_t size;
	u32 nw;
	int ret;

	lockdep_assert_held(&node->conf_lock);
	*planp = NULL;
	nw = plan_count(node, only);
	if (!mx || !nw)
		return 0;
	f = plan_lost(agg, mx->rows, nw, &max_lost);
	if (f < 0)
		return f;
	if (f < min_t(u32, agg->redundancy, nw - 1))
		pr_warn_ratelimited("netns %u: redundancy %u: %u rows over %u workers allow at most %d lost\n",
				    node->net->ns.inum, agg->redundancy,
				    mx->rows, nw, max_lost);
	ret = agi_code_init_mds(&code, mx->rows, nw, f);
	if (WARN_ON_ONCE(ret))
		return ret;
	ret = plan_alloc(&plan, nw, mx, code.n_coded);
	if (ret)
		goto fail;
	plan->code = code;
	fill_workers(node, plan, only);
	ret = hash_workers(plan);
	if (ret)
		goto fail;
	size = agi_code_decoder_size(&plan->code);
	plan->dec = kvmalloc(size, GFP_KERNEL);
	ret = -ENOMEM;
	if (!plan->dec)
		goto fail;
	ret = -EINVAL;
	if (WARN_ON_ONCE(agi_code_decoder_init(plan->dec, size, &plan->code) !=
			 plan->dec))
		goto fail;
	plan->gen = ++agg->gen;
	plan->group = agiswarm_node_group(node);
	plan->build_ns = ktime_get_ns() - t0;
	*planp = plan;
	return 0;
fail:
	agiswarm_plan_free(plan);
	return ret;
}

/**
 * agiswarm_plan_build() - assign the coded rows of a matrix to the workers
 * @agg: the aggregator: its workers and redundancy
 * @mx: the matrix, or NULL
 * @planp: the new plan, or NULL when there is nothing to assign
 *
 * plan_build() over every worker not refused. Context and return: as
 * plan_build().
 */
int agiswarm_plan_build(struct agiswarm_agg *agg,
			const struct agiswarm_matrix *mx,
			struct agiswarm_plan **planp)
{
	return plan_build(agg, mx, 0, planp);
}

/**
 * agiswarm_plan_build_probe() - every row of a matrix on one worker
 * @agg: the aggregator
 * @mx: the matrix
 * @worker: the worker's node id
 * @planp: the new plan, NULL when there is no such worker
 *
 * A fixed-point probe's plan: all the rows, uncoded, on @worker alone
 * (refused or not). Context and return: as plan_build().
 */
int agiswarm_plan_build_probe(struct agiswarm_agg *agg,
			      const struct agiswarm_matrix *mx, u32 worker,
			      struct agiswarm_plan **planp)
{
	return plan_build(agg, mx, worker, planp);
}

/* The largest redundancy @mx allows over @nw workers, or -E2BIG. */
static int matrix_max_lost(const struct agiswarm_agg *agg,
			   const struct agiswarm_matrix *mx, u32 nw)
{
	int max_lost;

	if (!mx)
		return AGI_CODE_MAX_GROUP_WORKERS - 1;
	return plan_lost(agg, mx->rows, nw, &max_lost) < 0 ? -E2BIG : max_lost;
}

/**
 * agiswarm_plan_check_redundancy() - whether the rows allow a redundancy
 * @node: the aggregator's node: its workers, matrix and staged matrix
 * @redundancy: the redundancy asked for
 * @attr: the attribute that asks for it
 * @extack: where a refusal is worded
 *
 * A redundancy of W - 1 or more means "as many as the workers allow", as
 * ever; past what the rows allow (agi_code_max_lost()) it is refused with
 * the largest that works, for the matrix in use and a staged one. Nothing
 * is checked without a matrix or a worker: the rows are assigned once both
 * are there.
 *
 * Context: process, node->conf_lock held.
 * Return: 0, or -E2BIG with the extack.
 */
int agiswarm_plan_check_redundancy(struct agiswarm_node *node, u8 redundancy,
				   const struct nlattr *attr,
				   struct netlink_ext_ack *extack)
{
	struct agiswarm_agg *agg = agg_of(node);
	struct agiswarm_matrix *staged;
	int most, other;
	u32 nw;

	lockdep_assert_held(&node->conf_lock);
	nw = plan_count(node, 0);
	if (!nw)
		return 0;
	spin_lock_bh(&agg->lock);
	staged = agg->stage.matrix;
	spin_unlock_bh(&agg->lock);
	/* Only agiswarm_stage_settle(), under conf_lock, frees @staged. */
	most = matrix_max_lost(agg, agg->matrix, nw);
	other = matrix_max_lost(agg, staged, nw);
	if (most < 0 || other < 0)
		return 0;	/* no f fits at all: the matrix's own error */
	most = min(most, other);
	if (min_t(u32, redundancy, nw - 1) <= most)
		return 0;
	/* NL_SET_ERR_MSG_ATTR() takes a literal only; the table is static. */
	if (extack) {
		extack->_msg = lost_msg[most];
		extack->bad_attr = attr;
	}
	return -E2BIG;
}

/* The peers' row counts as @plan deals them; 0 for peers outside it. */
static void set_peer_rows(struct agiswarm_agg *agg, struct agiswarm_plan *plan)
{
	struct agiswarm_node *node = agg->node;
	struct agiswarm_peer *p;
	u32 i;

	lockdep_assert_held(&agg->lock);
	/* In softirq too (a staged matrix taking effect): an RCU reader. */
	list_for_each_entry_rcu(p, &node->peers, list,
				lockdep_is_held(&node->conf_lock))
		p->rows = 0;
	for (i = 0; plan && i < plan->nworkers; i++)
		plan->w[i].peer->rows = plan->w[i].nrows;
}

/**
 * agiswarm_plan_install() - put a plan in use
 * @agg: the aggregator
 * @plan: the plan, or NULL for none
 * @cols: the columns of its matrix, 0 for none
 *
 * The next cycle computes with @plan; every worker is marked to be sent
 * its rows (agiswarm_plan_send_rows()). The input keeps its values when
 * its width is @cols, and becomes zeros of that width otherwise. The plan
 * that was in use is the caller's to free once no one can hold it.
 *
 * Context: agg->lock held.
 */
void agiswarm_plan_install(struct agiswarm_agg *agg, struct agiswarm_plan *plan,
			   u32 cols)
{
	lockdep_assert_held(&agg->lock);
	agg->plan = plan;
	agg->cols = cols;
	if (agg->nx != agg->cols) {
		/* Zeros until an input of the new width arrives. */
		memset(agg->x, 0, sizeof(agg->x));
		agg->nx = agg->cols;
	}
	set_peer_rows(agg, plan);
	bitmap_zero(agg->rows_pending, AGISWARM_AGG_WORKERS_MAX);
	if (plan)
		bitmap_fill(agg->rows_pending, plan->nworkers);
}

/**
 * agiswarm_plan_msg_skb() - a datagram of a message to a worker of a plan
 * @m: the message
 * @w: the worker
 * @gfp: how to allocate it
 *
 * Context: any that @gfp allows.
 * Return: the datagram, ready to send (AGISWARM_SKB_CB() names the worker
 * for the faults), or NULL without memory.
 */
struct sk_buff *agiswarm_plan_msg_skb(const struct agi_wire_msg *m,
				      const struct agiswarm_plan_worker *w,
				      gfp_t gfp)
{
	struct sk_buff *skb = agiswarm_socket_msg(m, w->addr, w->port, gfp);

	if (skb)
		AGISWARM_SKB_CB(skb)->worker = w->id;
	return skb;
}

/*
 * One coded row to one worker, in as many ROWS chunks as it takes (JOB_ROWS
 * of job @job when it is nonzero).
 */
static void send_row(struct agiswarm_agg *agg, const struct agiswarm_plan *plan,
		     const struct agiswarm_plan_worker *w, u16 row, s64 *buf,
		     u32 job)
{
	struct agi_wire_msg m = {
		.type = job ? AGISWARM_MSG_JOB_ROWS : AGISWARM_MSG_ROWS,
		.u.rows = {
			.epoch = w->rows_epoch,
			.gen = plan->gen,
			.row = row,
			.ncols = plan->cols,
			.nrows = w->nrows,
			.group = plan->group,
			.job = job,
		},
	};
	struct agi_wire_rows *r = &m.u.rows;
	struct sk_buff *skb;
	u32 off;

	memcpy(r->hash, w->hash, sizeof(r->hash));

	if (agi_code_encode_row(&plan->code, row, plan->A, plan->cols, buf))
		return;
	for (off = 0; off < plan->cols; off += r->entries.n) {
		r->offset = off;
		r->entries.n = min_t(u32, plan->cols - off,
				     AGISWARM_WIRE_CHUNK_MAX);
		r->entries.host.s64 = buf + off;
		skb = agiswarm_plan_msg_skb(&m, w, GFP_KERNEL);
		if (!skb)
			return;
		agiswarm_socket_send(agg->node, skb);
	}
}

/*
 * The ROWS work: every worker marked in rows_pending is sent its rows of
 * the plan in use. It holds node->conf_lock throughout, so the plan cannot
 * be freed under it; only the cycle may replace it meanwhile (a staged
 * matrix), and then the work stops, to run again for the new plan.
 */
static void rows_work(struct work_struct *work)
{
	struct agiswarm_agg *agg = container_of(work, struct agiswarm_agg,
						rows_work);
	struct agiswarm_node *node = agg->node;
	struct agiswarm_plan *plan;
	s64 *buf;
	u32 i, r;
	bool pending;

	buf = kmalloc_array(AGI_CODE_MAX_COLS, sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return;
	mutex_lock(&node->conf_lock);
	spin_lock_bh(&agg->lock);
	plan = agg->plan;
	spin_unlock_bh(&agg->lock);
	for (i = 0; plan && i < plan->nworkers; i++) {
		spin_lock_bh(&agg->lock);
		if (agg->plan != plan) {
			spin_unlock_bh(&agg->lock);
			break;
		}
		/* A backup's rows stay pending until it takes over. */
		if (!agiswarm_repl_drives(agg)) {
			spin_unlock_bh(&agg->lock);
			break;
		}
		pending = __test_and_clear_bit(i, agg->rows_pending);
		if (pending) {
			plan->w[i].rows_sent = agg->cycle_id;
			plan->w[i].rows_sent_j = jiffies;
			plan->w[i].rows_epoch = READ_ONCE(node->epoch);
		}
		spin_unlock_bh(&agg->lock);
		for (r = 0; pending && r < plan->w[i].nrows; r++)
			send_row(agg, plan, &plan->w[i], plan->w[i].rows[r],
				 buf, 0);
		cond_resched();
	}
	mutex_unlock(&node->conf_lock);
	kfree(buf);
}

/**
 * agiswarm_plan_send_rows() - send the marked workers their rows, soon
 * @agg: the aggregator
 *
 * The rows are encoded and sent by a work item, in process context.
 *
 * Context: any.
 */
void agiswarm_plan_send_rows(struct agiswarm_agg *agg)
{
	schedule_work(&agg->rows_work);
}

/**
 * agiswarm_plan_send_job_rows() - send a job's plan to its workers
 * @agg: the aggregator
 * @plan: the job's own plan (agiswarm_plan_build() of the job's matrix)
 * @job: the job's id
 *
 * Every worker of @plan is sent its coded rows as JOB_ROWS, bound to the
 * epoch now (which its JOB_TASKs then name).
 *
 * Context: process; @plan is the caller's.
 * Return: 0 or -ENOMEM.
 */
int agiswarm_plan_send_job_rows(struct agiswarm_agg *agg,
				struct agiswarm_plan *plan, u32 job)
{
	u64 epoch = READ_ONCE(agg->node->epoch);
	s64 *buf;
	u32 i, r;

	buf = kmalloc_array(AGI_CODE_MAX_COLS, sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < plan->nworkers; i++) {
		plan->w[i].rows_epoch = epoch;
		plan->w[i].rows_sent_j = jiffies;
		for (r = 0; r < plan->w[i].nrows; r++)
			send_row(agg, plan, &plan->w[i], plan->w[i].rows[r],
				 buf, job);
		cond_resched();
	}
	kfree(buf);
	return 0;
}

/**
 * agiswarm_plan_rx_need_rows() - a worker asks for its rows again
 * @node: the aggregator's node
 * @n: the NEED_ROWS, opened
 * @link: the link it was opened on (a WORKER peer's, checked already)
 * @reason: where the counter of a refusal goes
 *
 * A TASK named a row set binding the worker does not hold: its rows of
 * the plan in use are sent again at once, at most every 100 ms per worker
 * (and not while a sending is pending). A NEED_ROWS of another epoch than
 * the node's, or from a link that is no worker of the plan, changes
 * nothing.
 *
 * Context: softirq, or bh disabled.
 * Return: 0 when a resend was scheduled, is pending, or its rows went out
 * less than 100 ms ago; -ESTALE (DROP_STALE) for another epoch or no plan;
 * -ENOENT (DROP_UNKNOWN_PEER) when the link is no worker of the plan.
 */
int agiswarm_plan_rx_need_rows(struct agiswarm_node *node,
			       const struct agi_wire_need_rows *n,
			       const struct agiswarm_link *link,
			       enum agiswarm_counter *reason)
{
	struct agiswarm_agg *agg = agg_of(node);
	struct agiswarm_plan *plan;
	struct agiswarm_plan_worker *w;
	bool send = false;
	int ret = 0;
	u32 i;

	spin_lock_bh(&agg->lock);
	plan = agg->plan;
	if (!plan || n->epoch != READ_ONCE(node->epoch)) {
		*reason = AGISWARM_CNT_DROP_STALE;
		ret = -ESTALE;
		goto out;
	}
	for (i = 0; i < plan->nworkers; i++)
		if (plan->w[i].peer->link == link)
			break;
	if (i == plan->nworkers) {
		*reason = AGISWARM_CNT_DROP_UNKNOWN_PEER;
		ret = -ENOENT;
		goto out;
	}
	w = &plan->w[i];
	if (test_bit(i, agg->rows_pending))
		goto out;
	/* Sent moments ago: on their way still (the worker asks again). */
	if (w->rows_sent_j && time_before(jiffies, w->rows_sent_j + HZ / 10))
		goto out;
	__set_bit(i, agg->rows_pending);
	send = true;
out:
	spin_unlock_bh(&agg->lock);
	if (send)
		agiswarm_plan_send_rows(agg);
	return ret;
}

/**
 * agiswarm_plan_init() - prepare the aggregator's ROWS work
 * @agg: the aggregator
 */
void agiswarm_plan_init(struct agiswarm_agg *agg)
{
	INIT_WORK(&agg->rows_work, rows_work);
}
