// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The aggregator's configuration: the matrix (staged over several netlink
 * messages, then swapped in), the row assignment over the workers (a code
 * that survives the loss of any `redundancy` workers), and sending each
 * worker its rows. All in process context; the cycle itself is cycle.c.
 *
 * Who may still hold an assignment (struct agiswarm_plan) when it is
 * replaced: the cycle (tick, deadline, RESULT handlers, all under agg->lock)
 * and the ROWS work and GET_MATRIX (under node->conf_lock). Process context
 * replaces it holding both locks, so it frees the old one at once. The
 * cycle replaces it too, when a staged matrix takes effect (stage.c), with
 * agg->lock only: it parks the old plan and the new matrix in agg->done_*
 * for settle(), which frees and swaps them under node->conf_lock, so a
 * conf_lock holder never sees them freed either.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>

#include "agg.h"
#include "node.h"
#include "objects.h"
#include "peer.h"
#include "socket.h"

#define SEED_TRIES 64

static void plan_free(struct agiswarm_plan *plan)
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

/*
 * The first seed from agg->seed on whose code every worker_of_row pattern
 * survives the loss of any @f workers. Checked only for up to
 * AGI_CODE_MAX_WORKERS workers (the check is exhaustive over the loss
 * patterns); past that, or when no seed passes, the configured seed.
 */
static int choose_seed(struct agiswarm_agg *agg, struct agiswarm_plan *plan,
		       u32 m, u32 n_coded, u32 f)
{
	struct agi_code_gf2 *scratch;
	u8 *wor;
	u32 j, t;
	int ret = -ENOMEM;

	ret = agi_code_init(&plan->code, m, n_coded, agg->seed);
	if (ret || plan->nworkers > AGI_CODE_MAX_WORKERS)
		return ret;
	scratch = kvmalloc(sizeof(*scratch), GFP_KERNEL);
	wor = kmalloc(n_coded, GFP_KERNEL);
	if (!scratch || !wor)
		goto out;
	for (j = 0; j < n_coded; j++)
		wor[j] = plan->owner[j];
	for (t = 0; t < SEED_TRIES; t++) {
		agi_code_init(&plan->code, m, n_coded, agg->seed + t);
		if (agi_code_tolerates(&plan->code, wor, plan->nworkers, f,
				       scratch))
			break;
	}
	if (t == SEED_TRIES) {
		pr_warn_ratelimited("netns %u: no seed in %llu..+%d survives %u lost workers; using %llu\n",
				    agg->node->net->ns.inum, agg->seed,
				    SEED_TRIES, f, agg->seed);
		agi_code_init(&plan->code, m, n_coded, agg->seed);
	}
	ret = 0;
out:
	kfree(wor);
	kvfree(scratch);
	return ret;
}

/* 0 healthy or not judged, 1 degraded, 2 unhealthy (a static worker). */
static u32 health_rank(const struct agiswarm_peer *p)
{
	if (p->health == AGISWARM_HEALTH_DEGRADED + 1)
		return 1;
	return p->health == AGISWARM_HEALTH_UNHEALTHY + 1 ? 2 : 0;
}

/*
 * The workers in order of health, then of addition: the rows are dealt
 * round by round in this order, so the systematic rows (dealt first) go
 * to the healthy workers and a degraded one gets its rows after them.
 * Called with node->conf_lock held (the daemon's health changes under it).
 */
static void plan_fill_workers(struct agiswarm_node *node,
			      struct agiswarm_plan *plan, u32 n_coded)
{
	struct agiswarm_peer *p;
	u32 i = 0, j, rank;

	for (rank = 0; rank < 3; rank++) {
		list_for_each_entry(p, &node->peers, list) {
			if (p->kind != AGISWARM_PEER_WORKER ||
			    health_rank(p) != rank)
				continue;
			plan->w[i].peer = p;
			plan->w[i].id = p->id;
			plan->w[i].addr = p->ep.sin_addr.s_addr;
			plan->w[i].port = p->ep.sin_port;
			i++;
		}
	}
	/* Row j to worker j mod W: the systematic rows spread first. */
	for (j = 0; j < n_coded; j++) {
		struct agiswarm_plan_worker *w = &plan->w[j % plan->nworkers];

		plan->owner[j] = j % plan->nworkers;
		w->rows[w->nrows++] = j;
	}
}

/*
 * An assignment of @mx over the workers, with the next generation. Returns
 * NULL with *err 0 when there is nothing to assign.
 */
static struct agiswarm_plan *plan_build(struct agiswarm_agg *agg,
					const struct agiswarm_matrix *mx,
					int *err)
{
	struct agiswarm_node *node = agg->node;
	struct agiswarm_plan *plan = NULL;
	u32 nw, f, k, m, n_coded;
	size_t size;

	*err = 0;
	nw = agiswarm_peer_count(node, AGISWARM_PEER_WORKER);
	if (!mx || !nw)
		return NULL;
	*err = -E2BIG;
	if (nw > AGISWARM_AGG_WORKERS_MAX)
		return NULL;
	m = mx->rows;
	f = min_t(u32, agg->redundancy, nw - 1);
	k = DIV_ROUND_UP(m + 2, max_t(u32, nw - f, 1));
	/*
	 * Redundancy 0 is uncoded: only the systematic rows, so a cycle
	 * waits for every worker (the baseline the coded cycle is measured
	 * against).
	 */
	if (!agg->redundancy)
		k = DIV_ROUND_UP(m, nw);
	k = min_t(u32, k, AGISWARM_WIRE_ROWS_MAX);
	n_coded = min_t(u32, k * nw, AGI_CODE_MAX_CODED_ROWS);
	if (!agg->redundancy)
		n_coded = min_t(u32, n_coded, m);
	if (n_coded < m)
		return NULL;
	*err = plan_alloc(&plan, nw, mx, n_coded);
	if (*err)
		goto fail;
	plan_fill_workers(node, plan, n_coded);
	*err = choose_seed(agg, plan, m, n_coded, f);
	if (*err)
		goto fail;
	size = agi_code_decoder_size(&plan->code);
	plan->dec = kvmalloc(size, GFP_KERNEL);
	*err = -ENOMEM;
	if (!plan->dec)
		goto fail;
	*err = -EINVAL;
	if (WARN_ON_ONCE(agi_code_decoder_init(plan->dec, size, &plan->code) !=
			 plan->dec))
		goto fail;
	*err = 0;
	plan->gen = ++agg->gen;
	return plan;
fail:
	plan_free(plan);
	return NULL;
}

/* Called with agg->lock held. */
static void set_peer_rows(struct agiswarm_agg *agg, struct agiswarm_plan *plan)
{
	struct agiswarm_peer *p;
	u32 i;

	list_for_each_entry(p, &agg->node->peers, list)
		p->rows = 0;
	for (i = 0; plan && i < plan->nworkers; i++)
		plan->w[i].peer->rows = plan->w[i].nrows;
}

static void log_plan(struct agiswarm_node *node,
		     const struct agiswarm_plan *plan)
{
	pr_info_ratelimited("netns %u: gen %u: %u coded rows of %u over %u workers, code seed %llu\n",
			    node->net->ns.inum, plan->gen,
			    plan->code.n_coded, plan->code.m, plan->nworkers,
			    plan->code.seed);
}

void agg_install_plan(struct agiswarm_agg *agg, struct agiswarm_plan *plan,
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

/*
 * Called with node->conf_lock held: once the cycle has applied a staged
 * matrix, it becomes agg->matrix, and what it replaced is freed.
 */
static void settle(struct agiswarm_agg *agg)
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
	plan_free(old);
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
	settle(agg);
	mutex_unlock(&agg->node->conf_lock);
}

/*
 * Called with node->conf_lock held: a staged matrix gets a new assignment
 * as well, since the workers (or the code) changed. Returns the staged
 * matrix, NULL when none; *@next its new plan.
 */
static struct agiswarm_matrix *rebuild_staged(struct agiswarm_agg *agg,
					      struct agiswarm_plan **next,
					      int *err)
{
	struct agiswarm_matrix *mx;

	spin_lock_bh(&agg->lock);
	mx = agg->stage.matrix;
	spin_unlock_bh(&agg->lock);
	/* Only settle(), under conf_lock like us, frees it. */
	*next = mx ? plan_build(agg, mx, err) : NULL;
	return mx;
}

int agiswarm_aggregator_reassign(struct agiswarm_node *node)
{
	struct agiswarm_agg *agg = agg_of(node);
	struct agiswarm_plan *plan, *old, *next;
	struct agiswarm_matrix *next_mx;
	u32 cols;
	int err, next_err = 0;

	lockdep_assert_held(&node->conf_lock);
	settle(agg);
	plan = plan_build(agg, agg->matrix, &err);
	cols = agg->matrix ? agg->matrix->cols : 0;
	next_mx = rebuild_staged(agg, &next, &next_err);

	/* On failure the old plan goes too: it may name a removed peer. */
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
	agg_install_plan(agg, plan, cols);
	spin_unlock_bh(&agg->lock);
	plan_free(old);
	plan_free(next);
	settle(agg);

	if (plan) {
		log_plan(node, plan);
		schedule_work(&agg->rows_work);
	}
	return err ?: next_err;
}

static void send_row(struct agiswarm_agg *agg, const struct agiswarm_plan *plan,
		     const struct agiswarm_plan_worker *w, u16 row, s64 *buf)
{
	struct agi_wire_rows r = {
		.epoch = READ_ONCE(agg->node->epoch),
		.gen = plan->gen,
		.row = row,
		.ncols = plan->cols,
		.nrows = w->nrows,
	};
	struct sk_buff *skb;
	size_t len;
	u32 off;

	if (agi_code_encode_row(&plan->code, row, plan->A, plan->cols, buf))
		return;
	for (off = 0; off < plan->cols; off += r.entries.n) {
		r.offset = off;
		r.entries.n = min_t(u32, plan->cols - off,
				    AGISWARM_WIRE_CHUNK_MAX);
		r.entries.host.s64 = buf + off;
		skb = agiswarm_socket_alloc(GFP_KERNEL);
		if (!skb)
			return;
		len = agi_wire_put_rows(skb->data, AGISWARM_WIRE_MAX, &r);
		if (WARN_ON_ONCE(!len)) {
			kfree_skb(skb);
			return;
		}
		skb_put(skb, len);
		AGISWARM_SKB_CB(skb)->daddr = w->addr;
		AGISWARM_SKB_CB(skb)->dport = w->port;
		agiswarm_socket_send(agg->node, skb);
	}
}

/* Sends every worker marked in rows_pending its rows, in process context. */
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
		/* A staged matrix took effect: the work runs again for it. */
		if (agg->plan != plan) {
			spin_unlock_bh(&agg->lock);
			break;
		}
		pending = __test_and_clear_bit(i, agg->rows_pending);
		if (pending)
			plan->w[i].rows_sent = agg->cycle_id;
		spin_unlock_bh(&agg->lock);
		for (r = 0; pending && r < plan->w[i].nrows; r++)
			send_row(agg, plan, &plan->w[i], plan->w[i].rows[r],
				 buf);
		cond_resched();
	}
	mutex_unlock(&node->conf_lock);
	kfree(buf);
}

/*
 * Called with node->conf_lock held: the complete matrix in agg->staging
 * waits for cycle @at, already assigned to the workers.
 */
static int stage_for_cycle(struct agiswarm_agg *agg, u64 at,
			   struct netlink_ext_ack *extack)
{
	struct agiswarm_matrix *mx = agg->staging;
	struct agiswarm_plan *plan;
	int ret;

	settle(agg);
	plan = plan_build(agg, mx, &ret);
	if (ret) {
		NL_SET_ERR_MSG_MOD(extack, "cannot assign the matrix rows to the workers");
		return ret;
	}
	spin_lock_bh(&agg->lock);
	ret = agg_stage_check(agg, agg->stage.matrix_at, at, "matrix", extack);
	if (!ret) {
		agg->stage.matrix_at = at;
		agg->stage.matrix = mx;
		agg->stage.plan = plan;
		agg->staging = NULL;
		plan = NULL;
	}
	spin_unlock_bh(&agg->lock);
	plan_free(plan);
	return ret;
}

int agiswarm_aggregator_stage_matrix(struct agiswarm_node *node, u8 fmt,
				     u32 rows, u32 cols, u32 first_row,
				     const s32 *data, u32 n, u64 at,
				     struct netlink_ext_ack *extack)
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
		NL_SET_ERR_MSG_MOD(extack, "no matrix is being staged (send FIRST_ROW 0 first)");
		return -EINVAL;
	}
	if (st->fmt != fmt || st->rows != rows || st->cols != cols) {
		NL_SET_ERR_MSG_MOD(extack, "format or dimensions differ from the matrix being staged");
		return -EINVAL;
	}
	if (first_row != st->staged || n > rows - first_row) {
		NL_SET_ERR_MSG_MOD(extack, "rows out of order or past the last row");
		return -EINVAL;
	}
	if (at && st->staged + n < rows) {
		NL_SET_ERR_MSG_MOD(extack, "APPLY_AT_CYCLE belongs on the chunk that completes the matrix");
		return -EINVAL;
	}
	/* Refused before the chunk is taken, so it may be sent again. */
	ret = at ? agg_stage_check(agg, agg->stage.matrix_at, at, "matrix",
				      extack) : 0;
	if (ret)
		return ret;
	memcpy(st->data + (size_t)first_row * cols, data,
	       (size_t)n * cols * sizeof(s32));
	st->staged += n;
	if (st->staged < rows)
		return 0;
	if (at) {
		ret = stage_for_cycle(agg, at, extack);
		if (ret)
			st->staged -= n;
		return ret;
	}

	settle(agg);
	matrix_free(agg->matrix);
	agg->matrix = st;
	agg->staging = NULL;
	return agiswarm_aggregator_reassign(node);
}

u32 agiswarm_aggregator_cols(struct agiswarm_node *node, bool staged)
{
	struct agiswarm_agg *agg = agg_of(node);

	lockdep_assert_held(&node->conf_lock);
	settle(agg);
	if (staged)
		return agg->stage.matrix ? agg->stage.matrix->cols : 0;
	return agg->matrix ? agg->matrix->cols : 0;
}

void agiswarm_aggregator_set_input(struct agiswarm_node *node, u8 fmt,
				   const s32 *x, u16 n)
{
	struct agiswarm_agg *agg = agg_of(node);

	spin_lock_bh(&agg->lock);
	agg->fmt_x = fmt;
	agg->nx = n;
	memcpy(agg->x, x, n * sizeof(*x));
	spin_unlock_bh(&agg->lock);
}

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

void agiswarm_aggregator_set_miss(struct agiswarm_node *node, u8 miss)
{
	struct agiswarm_agg *agg = agg_of(node);

	spin_lock_bh(&agg->lock);
	agg->miss = miss;
	spin_unlock_bh(&agg->lock);
}

void agg_set_law(struct agiswarm_agg *agg, u8 law,
		 const struct agi_pid_cfg *pid, const s32 *sp, u16 nsp)
{
	lockdep_assert_held(&agg->lock);
	agg->law = law;
	if (pid)
		agg->pid = *pid;
	if (sp) {
		agg->nsp = nsp;
		memcpy(agg->sp, sp, nsp * sizeof(*sp));
	}
	/* A new law starts from rest: no integral, no derivative kick. */
	memset(agg->pid_state, 0, sizeof(agg->pid_state));
}

void agiswarm_aggregator_set_law(struct agiswarm_node *node, u8 law,
				 const struct agi_pid_cfg *pid, const s32 *sp,
				 u16 nsp)
{
	struct agiswarm_agg *agg = agg_of(node);

	lockdep_assert_held(&node->conf_lock);
	spin_lock_bh(&agg->lock);
	agg_set_law(agg, law, pid, sp, nsp);
	spin_unlock_bh(&agg->lock);
}

int agiswarm_aggregator_set_code(struct agiswarm_node *node, u8 redundancy,
				 u64 seed)
{
	struct agiswarm_agg *agg = agg_of(node);

	lockdep_assert_held(&node->conf_lock);
	if (agg->redundancy == redundancy && agg->seed == seed)
		return 0;
	agg->redundancy = redundancy;
	agg->seed = seed;
	return agiswarm_aggregator_reassign(node);
}

void agiswarm_aggregator_get_pid(struct agiswarm_node *node,
				 struct agi_pid_cfg *pid)
{
	struct agiswarm_agg *agg = agg_of(node);

	spin_lock_bh(&agg->lock);
	*pid = agg->pid;
	spin_unlock_bh(&agg->lock);
}

u64 agiswarm_aggregator_seed(struct agiswarm_node *node)
{
	lockdep_assert_held(&node->conf_lock);
	return agg_of(node)->seed;
}

void agiswarm_aggregator_set_running(struct agiswarm_node *node, bool run)
{
	lockdep_assert_held(&node->conf_lock);
	if (run)
		agiswarm_cycle_start(agg_of(node));
	else
		agiswarm_cycle_stop(agg_of(node));
}

void agiswarm_aggregator_matrix_info(struct agiswarm_node *node,
				     struct agiswarm_matrix_info *info)
{
	struct agiswarm_agg *agg = agg_of(node);

	lockdep_assert_held(&node->conf_lock);
	settle(agg);
	memset(info, 0, sizeof(*info));
	info->seed = agg->seed;
	info->gen = agg->gen;
	if (agg->matrix) {
		info->rows = agg->matrix->rows;
		info->cols = agg->matrix->cols;
		info->fmt = agg->matrix->fmt;
	}
	spin_lock_bh(&agg->lock);
	if (agg->plan) {
		info->seed = agg->plan->code.seed;
		info->n_coded = agg->plan->code.n_coded;
	}
	spin_unlock_bh(&agg->lock);
}

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
	st->staged_cycle = agg_staged_cycle(agg);
	spin_unlock_bh(&agg->lock);
	st->redundancy = READ_ONCE(agg->redundancy);
}

void agiswarm_aggregator_peer_stats(struct agiswarm_node *node,
				    const struct agiswarm_peer *peer,
				    struct agiswarm_peer_stats *st)
{
	struct agiswarm_agg *agg = agg_of(node);

	spin_lock_bh(&agg->lock);
	st->rows = peer->rows;
	st->gen = peer->gen;
	st->results = peer->results;
	st->missed = peer->missed;
	st->last_cycle = peer->last_cycle;
	spin_unlock_bh(&agg->lock);
}

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

int agiswarm_aggregator_init(struct agiswarm_node *node)
{
	struct agiswarm_agg *agg;

	agg = kvzalloc(sizeof(*agg), GFP_KERNEL);
	if (!agg)
		return -ENOMEM;
	agiswarm_objects_get();
	agg->node = node;
	spin_lock_init(&agg->lock);
	INIT_WORK(&agg->rows_work, rows_work);
	INIT_WORK(&agg->settle_work, settle_work);
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
	node->agg = agg;
	return 0;
}

void agiswarm_aggregator_stop(struct agiswarm_node *node)
{
	agiswarm_cycle_stop(agg_of(node));
	cancel_work_sync(&agg_of(node)->rows_work);
	cancel_work_sync(&agg_of(node)->settle_work);
}

void agiswarm_aggregator_uninit(struct agiswarm_node *node)
{
	struct agiswarm_agg *agg = agg_of(node);

	if (!agg)
		return;
	agiswarm_aggregator_stop(node);
	plan_free(agg->plan);
	plan_free(agg->done_plan);
	plan_free(agg->stage.plan);
	matrix_free(agg->matrix);
	matrix_free(agg->done_matrix);
	matrix_free(agg->stage.matrix);
	matrix_free(agg->staging);
	kvfree(agg);
	agiswarm_objects_put();
	node->agg = NULL;
}
