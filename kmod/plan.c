// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The row assignment (struct agiswarm_plan, one generation): which coded
 * rows of the matrix each worker holds, chosen so that any `redundancy`
 * workers may be lost, and sending each worker its rows (ROWS).
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

#include <linux/mm.h>
#include <linux/slab.h>

#include "agg.h"
#include "node.h"
#include "objects.h"
#include "peer.h"
#include "plan.h"
#include "socket.h"

/* Code seeds tried for one that survives the loss of `redundancy` workers. */
#define SEED_TRIES 64

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

/*
 * The first seed from agg->seed on whose code the plan's row owners survive
 * the loss of any @f workers. Checked only for up to AGI_CODE_MAX_WORKERS
 * workers (the check is exhaustive over the loss patterns); past that,
 * when no seed passes, or without memory for the check, the configured
 * seed. Returns 0, or agi_code_init()'s error for the configured seed.
 */
static int choose_seed(struct agiswarm_agg *agg, struct agiswarm_plan *plan,
		       u32 m, u32 n_coded, u32 f)
{
	struct agi_code_gf2 *scratch;
	u8 *wor;
	u32 j, t;
	int ret;

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
 */
static void fill_workers(struct agiswarm_node *node, struct agiswarm_plan *plan,
			 u32 n_coded)
{
	struct agiswarm_peer *p;
	u32 i = 0, j, rank;

	/* The peers, and the daemon's judgement of their health. */
	lockdep_assert_held(&node->conf_lock);
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
 * How many coded rows an assignment of @m source rows over @nw workers
 * has, or 0 when too few fit the limits to decode.
 */
static u32 coded_rows(const struct agiswarm_agg *agg, u32 m, u32 nw)
{
	u32 f = min_t(u32, agg->redundancy, nw - 1);
	u32 k = DIV_ROUND_UP(m + 2, max_t(u32, nw - f, 1));
	u32 n_coded;

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
	return n_coded < m ? 0 : n_coded;
}

/**
 * agiswarm_plan_build() - assign the coded rows of a matrix to the workers
 * @agg: the aggregator: its workers, redundancy and code seed
 * @mx: the matrix, or NULL
 * @planp: the new plan, or NULL when there is nothing to assign
 *
 * A new plan takes the next generation; nothing is installed.
 *
 * Context: process, node->conf_lock held.
 * Return: 0, with *@planp NULL when there is no matrix or no worker;
 * -E2BIG when there are more than AGISWARM_AGG_WORKERS_MAX workers or the
 * workers cannot hold enough coded rows to decode; -ENOMEM.
 */
int agiswarm_plan_build(struct agiswarm_agg *agg,
			const struct agiswarm_matrix *mx,
			struct agiswarm_plan **planp)
{
	struct agiswarm_node *node = agg->node;
	struct agiswarm_plan *plan = NULL;
	u32 nw, n_coded;
	size_t size;
	int ret;

	lockdep_assert_held(&node->conf_lock);
	*planp = NULL;
	nw = agiswarm_peer_count(node, AGISWARM_PEER_WORKER);
	if (!mx || !nw)
		return 0;
	if (nw > AGISWARM_AGG_WORKERS_MAX)
		return -E2BIG;
	n_coded = coded_rows(agg, mx->rows, nw);
	if (!n_coded)
		return -E2BIG;
	ret = plan_alloc(&plan, nw, mx, n_coded);
	if (ret)
		goto fail;
	fill_workers(node, plan, n_coded);
	ret = choose_seed(agg, plan, mx->rows, n_coded,
			  min_t(u32, agg->redundancy, nw - 1));
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
	*planp = plan;
	return 0;
fail:
	agiswarm_plan_free(plan);
	return ret;
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

/* One coded row to one worker, in as many ROWS chunks as it takes. */
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
 * agiswarm_plan_init() - prepare the aggregator's ROWS work
 * @agg: the aggregator
 */
void agiswarm_plan_init(struct agiswarm_agg *agg)
{
	INIT_WORK(&agg->rows_work, rows_work);
}
