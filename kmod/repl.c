// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * A replicated aggregator group, the kernel's part: the UAPI header's
 * "Replicated aggregator group" is the contract.
 *
 * Everything here runs under agg->lock: the primary's record is built in
 * finish() (cycle.c) with the cycle's output and queued with its ACTUATEs;
 * a backup's tick (agiswarm_repl_tick()) decides whether this tick starts
 * a cycle (a takeover) or only counts a missing record; records and
 * FENCED arrive in softirq from the fast path.
 *
 * The epoch is the fence. node->epoch is the member's view of the group's
 * current epoch: set by SET_NODE, raised here by a record or a FENCED of
 * a higher epoch (a backup follows, a primary is deposed) and by a
 * takeover. Each is a WRITE_ONCE under agg->lock; the lockless readers
 * (TASK, ROWS, ACTUATE stamps) take whichever they see, and a stamp one
 * cycle old is fenced by the receivers like any other stale one.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <asm/unaligned.h>
#include <crypto/blake2s.h>
#include <linux/jiffies.h>

#include "../include/core/group.h"
#include "agg.h"
#include "cycle.h"
#include "node.h"
#include "peer.h"
#include "plan.h"
#include "repl.h"
#include "stage.h"

static const char binding_domain[16] = "AGISWARM-PLAN-v1";

/* A new backup term: no record yet, nothing missed, no cycle in flight. */
static void become(struct agiswarm_agg *agg, u8 mode)
{
	struct agiswarm_repl *r = &agg->repl;

	lockdep_assert_held(&agg->lock);
	if (mode == AGISWARM_GROUP_BACKUP && r->mode != AGISWARM_GROUP_BACKUP) {
		r->have_rec = false;
		r->rec_tick = false;
		r->miss_run = 0;
		r->parts.filled = 0;
		r->shadow_ok = false;
		r->shadow_cycle = 0;
		r->watch_cycle = 0;
		/* The deadline timer then ends nothing. */
		if (agg->phase == PHASE_WAITING)
			agg->phase = PHASE_IDLE;
	}
	if (mode != AGISWARM_GROUP_BACKUP) {
		/* Its law state is its own cycles' from now on. */
		r->state_cycle = 0;
		/* Rows a backup kept pending go out now. */
		if (r->mode == AGISWARM_GROUP_BACKUP && agg->plan &&
		    !bitmap_empty(agg->rows_pending, agg->plan->nworkers))
			agiswarm_plan_send_rows(agg);
	}
	r->mode = mode;
}

/* The failure threshold in effect now: the set one, plus the backoff. */
static u8 threshold_now(struct agiswarm_repl *r)
{
	return agi_group_threshold_now(&r->backoff, r->threshold,
				       ktime_to_ms(ktime_get()));
}

/* A change of epoch seen: the backoff judges it by what comes next. */
static void epoch_changed(struct agiswarm_agg *agg)
{
	lockdep_assert_held(&agg->lock);
	agi_group_backoff_change(&agg->repl.backoff, ktime_to_ms(ktime_get()));
}

/*
 * A sign, @ago_ms old, that the primary the last change of epoch deposed
 * was alive (@sign says which): near enough the change, the takeover was
 * premature, and the backoff goes up.
 */
static void premature(struct agiswarm_agg *agg, u64 ago_ms, const char *sign)
{
	struct agiswarm_repl *r = &agg->repl;
	u8 t;

	lockdep_assert_held(&agg->lock);
	if (!agi_group_backoff_premature(&r->backoff,
					 ktime_to_ms(ktime_get()), ago_ms,
					 agg->period_us))
		return;
	t = threshold_now(r);
	if (t == r->threshold)
		return;
	pr_info_ratelimited("netns %u: the primary that epoch %llu replaced was alive (%s): rank %u's failure threshold is %u ticks now (%u set), a tick less for each %u s without such a takeover\n",
			    agg->node->net->ns.inum, r->max_epoch, sign,
			    r->rank, t, r->threshold,
			    AGI_GROUP_SETTLE_MS / 1000);
}

/**
 * agiswarm_repl_init() - no group: the node drives its cycle alone
 * @agg: the aggregator
 */
void agiswarm_repl_init(struct agiswarm_agg *agg)
{
	agg->repl.size = 1;
	agg->repl.threshold = AGISWARM_FAILURE_THRESHOLD_DEFAULT;
	agg->repl.mode = AGISWARM_GROUP_SOLO;
}

/**
 * agiswarm_repl_configure() - SET_NODE's group settings, or a new epoch
 * @node: the node
 * @rank: the member's rank, or NULL to keep it
 * @size: the group's size, or NULL
 * @threshold: the failure threshold, or NULL
 *
 * The mode follows from the epoch as set: the owner of node->epoch is the
 * primary. Called after any of these or EPOCH changed.
 *
 * Context: process, node->conf_lock held.
 */
void agiswarm_repl_configure(struct agiswarm_node *node, const u8 *rank,
			     const u8 *size, const u8 *threshold)
{
	struct agiswarm_agg *agg = agg_of(node);
	struct agiswarm_repl *r = &agg->repl;
	u64 epoch;

	lockdep_assert_held(&node->conf_lock);
	spin_lock_bh(&agg->lock);
	if (rank)
		r->rank = *rank;
	if (size)
		r->size = *size;
	/* A threshold set is the one in effect: no backoff left over. */
	if (threshold) {
		r->threshold = *threshold;
		memset(&r->backoff, 0, sizeof(r->backoff));
	}
	epoch = READ_ONCE(node->epoch);
	/*
	 * The fence never goes down in a member: one set below the highest
	 * epoch it has seen (its daemon restarted with the group's first
	 * epoch, its module not reloaded) would make it the owner of an old
	 * epoch, whose records and FENCED it then takes as nothing new, and
	 * it would stay a primary that nobody follows. It follows the
	 * highest instead.
	 */
	if (r->size > 1 && epoch < r->max_epoch) {
		pr_info("netns %u: epoch %llu set below the group's epoch %llu seen here: rank %u follows %llu\n",
			node->net->ns.inum, epoch, r->max_epoch, r->rank,
			r->max_epoch);
		epoch = r->max_epoch;
		WRITE_ONCE(node->epoch, epoch);
	}
	r->max_epoch = max(r->max_epoch, epoch);
	become(agg, agi_group_mode(r->rank, r->size, epoch));
	spin_unlock_bh(&agg->lock);
}

/**
 * agiswarm_repl_read_status() - the group part of GET_STATUS
 * @node: the node
 * @st: filled in
 *
 * Context: process.
 */
void agiswarm_repl_read_status(struct agiswarm_node *node,
			       struct agiswarm_repl_status *st)
{
	struct agiswarm_agg *agg = agg_of(node);
	struct agiswarm_repl *r = &agg->repl;

	spin_lock_bh(&agg->lock);
	st->rank = r->rank;
	st->size = r->size;
	st->threshold = r->threshold;
	st->threshold_now = threshold_now(r);
	st->mode = r->mode;
	st->rec_cycle = r->rec_cycle;
	spin_unlock_bh(&agg->lock);
}

/**
 * agiswarm_repl_drives() - whether this member sends TASKs, ROWS, ACTUATE
 * @agg: the aggregator
 *
 * Context: agg->lock held.
 * Return: false for a backup.
 */
bool agiswarm_repl_drives(const struct agiswarm_agg *agg)
{
	lockdep_assert_held(&agg->lock);
	return agg->repl.mode != AGISWARM_GROUP_BACKUP;
}

/* The binding digest of @plan (the UAPI header's CYCLE_RECORD). */
static void plan_binding(const struct agiswarm_plan *plan,
			 u8 out[AGISWARM_WIRE_HASH_LEN])
{
	struct blake2s_state b;
	u8 buf[6];
	u32 i;

	memset(out, 0, AGISWARM_WIRE_HASH_LEN);
	if (!plan)
		return;
	blake2s_init(&b, AGISWARM_WIRE_HASH_LEN);
	blake2s_update(&b, binding_domain, sizeof(binding_domain));
	for (i = 0; i < plan->nworkers; i++) {
		put_unaligned_be32(plan->w[i].id, buf);
		put_unaligned_be16(plan->w[i].nrows, buf + 4);
		blake2s_update(&b, buf, sizeof(buf));
		blake2s_update(&b, plan->w[i].hash, sizeof(plan->w[i].hash));
	}
	blake2s_final(&b, out);
}

/* The one epoch every worker's rows were sent in, 0 when there is none. */
static u64 plan_rows_epoch(const struct agiswarm_agg *agg)
{
	const struct agiswarm_plan *plan = agg->plan;
	u64 e = 0;
	u32 i;

	if (!plan)
		return 0;
	for (i = 0; i < plan->nworkers; i++) {
		if (!plan->w[i].nrows)
			continue;
		if (test_bit(i, agg->rows_pending) || !plan->w[i].rows_epoch ||
		    (e && plan->w[i].rows_epoch != e))
			return 0;
		e = plan->w[i].rows_epoch;
	}
	return e;
}

/**
 * agiswarm_repl_send_record() - the primary's CYCLE record of this cycle
 * @agg: the aggregator, the cycle just finished (finish() in cycle.c)
 * @status: its ACTUATE's status
 * @ok: it decoded: agg->y is its y
 * @out: where the datagrams go, sent once agg->lock is dropped
 *
 * One record to every member (an AGGREGATOR peer with a rank), in as many
 * parts as its vector takes.
 *
 * Context: softirq, agg->lock held.
 */
void agiswarm_repl_send_record(struct agiswarm_agg *agg, u8 status, bool ok,
			       struct sk_buff_head *out)
{
	struct agiswarm_repl *r = &agg->repl;
	struct agiswarm_node *node = agg->node;
	struct agi_wire_record rec = {
		.epoch = READ_ONCE(node->epoch),
		.cycle = agg->cycle_id,
		.status = status,
		.fmt = agg->cfmt,
		.ufmt = agg->fmt_u,
		.nx = agg->ncx,
		.nu = agg->nu,
		.flags = (agg->have_u ? AGISWARM_RECORD_F_HAVE_U : 0) |
			 (ok ? AGISWARM_RECORD_F_Y : 0) |
			 (agg->applied ? AGISWARM_RECORD_F_APPLIED : 0) |
			 (agg->estop ? AGISWARM_RECORD_F_ESTOP : 0),
		.period_us = agg->period_us,
		.deadline_us = agg->deadline_us,
		.gen = agg->plan ? agg->plan->gen : 0,
		.rows_epoch = plan_rows_epoch(agg),
	};
	s32 *v = r->parts.v, *y, *u, *in, *ep;
	struct agiswarm_peer *p;
	struct sk_buff *skb;
	u32 total, off, i;
	size_t len;

	lockdep_assert_held(&agg->lock);
	if (r->mode != AGISWARM_GROUP_PRIMARY)
		return;
	r->drove_cycle = max(r->drove_cycle, agg->cycle_id);
	if (ok)
		r->ok_at = ktime_get();
	total = rec.nx + 4 * rec.nu;
	if (!total || !rec.fmt || !rec.ufmt)
		return;
	plan_binding(agg->plan, rec.binding);
	y = v + rec.nx;
	u = y + rec.nu;
	in = u + rec.nu;
	ep = in + rec.nu;
	memcpy(v, agg->cx, rec.nx * sizeof(s32));
	memcpy(y, agg->y, rec.nu * sizeof(s32));
	memcpy(u, agg->u, rec.nu * sizeof(s32));
	for (i = 0; i < rec.nu; i++) {
		in[i] = agg->pid_state[i].integ;
		ep[i] = agg->pid_state[i].e_prev;
	}
	for (off = 0; off < total; off += rec.values.n) {
		rec.offset = off;
		rec.values.n = min_t(u32, total - off,
				     AGISWARM_RECORD_CHUNK_MAX);
		rec.values.host.s32 = v + off;
		len = agi_wire_put_record(agg->task_buf,
					  AGISWARM_WIRE_PLAIN_MAX, &rec);
		if (WARN_ON_ONCE(!len))
			return;
		/* In softirq: an RCU reader of the peers. */
		list_for_each_entry_rcu(p, &node->peers, list) {
			if (p->kind != AGISWARM_PEER_AGGREGATOR ||
			    !READ_ONCE(p->rank) || !p->link)
				continue;
			skb = agiswarm_cycle_skb(agg->task_buf, len, &p->ep);
			if (!skb) {
				agiswarm_node_count(node,
						    AGISWARM_CNT_TX_ERRORS, 1);
				continue;
			}
			__skb_queue_tail(out, skb);
			if (!off)
				agiswarm_node_count(node,
						    AGISWARM_CNT_RECORDS_SENT, 1);
		}
	}
}

/* A primary that saw a higher epoch: it stops driving now. */
static void depose(struct agiswarm_agg *agg, u64 epoch, const char *by)
{
	lockdep_assert_held(&agg->lock);
	become(agg, AGISWARM_GROUP_BACKUP);
	agiswarm_node_count(agg->node, AGISWARM_CNT_DEPOSED, 1);
	pr_warn_ratelimited("netns %u: epoch %llu seen in %s: rank %u stops driving at cycle %llu and follows as a backup\n",
			    agg->node->net->ns.inum, epoch, by, agg->repl.rank,
			    agg->cycle_id);
}

/*
 * A higher epoch than any seen: the member follows it; a primary is
 * deposed. Returns false when @epoch is below the highest seen.
 */
static bool see_epoch(struct agiswarm_agg *agg, u64 epoch, const char *by)
{
	struct agiswarm_repl *r = &agg->repl;

	lockdep_assert_held(&agg->lock);
	if (epoch < r->max_epoch)
		return false;
	if (epoch == r->max_epoch)
		return true;
	r->max_epoch = epoch;
	WRITE_ONCE(agg->node->epoch, epoch);
	epoch_changed(agg);
	if (r->mode != AGISWARM_GROUP_PRIMARY)
		return true;
	/* A stopped cycle is a primary that failed, its module alive. */
	if (agg->running && r->ok_at)
		premature(agg, ktime_ms_delta(ktime_get(), r->ok_at),
			  "its own output came just before");
	depose(agg, epoch, by);
	return true;
}

/*
 * Whether this backup's own step of cycle @h from its state after the
 * cycle before gives the record's u and law state.
 */
static bool diverges(struct agiswarm_agg *agg,
		     const struct agi_wire_record *h, const s32 *y,
		     const s32 *u, const s32 *in, const s32 *ep)
{
	struct agi_pid_state *st = agg->repl.chk_state;
	s32 *mine = agg->repl.chk_u;
	u16 i;

	lockdep_assert_held(&agg->lock);
	memcpy(st, agg->pid_state, h->nu * sizeof(st[0]));
	if (agiswarm_cycle_law(agg, y, h->nu, h->fmt, mine, st) != h->ufmt)
		return true;
	for (i = 0; i < h->nu; i++)
		if (mine[i] != u[i] || st[i].integ != in[i] ||
		    st[i].e_prev != ep[i])
			return true;
	return false;
}

/* Whether the node has a sensor of its own. Context: RCU read side. */
static bool has_sensor(struct agiswarm_node *node)
{
	struct agiswarm_peer *p;

	list_for_each_entry_rcu(p, &node->peers, list)
		if (p->kind == AGISWARM_PEER_SENSOR)
			return true;
	return false;
}

/* Whether this backup's assignment is the one the record being adopted names. */
static bool shadow_bound(struct agiswarm_agg *agg)
{
	u8 binding[AGISWARM_WIRE_HASH_LEN];

	lockdep_assert_held(&agg->lock);
	if (!agg->plan)
		return false;
	plan_binding(agg->plan, binding);
	return !memcmp(binding, agg->repl.parts.hdr.binding, sizeof(binding));
}

/*
 * A record of a cycle this backup decoded itself from the workers' copies:
 * its own output and law state, stepped from the state after the cycle
 * before, must be the record's.
 */
static void shadow_check(struct agiswarm_agg *agg,
			 const struct agi_wire_record *h, const s32 *u,
			 const s32 *in, const s32 *ep)
{
	struct agiswarm_repl *r = &agg->repl;
	u16 i;

	lockdep_assert_held(&agg->lock);
	if (r->shadow_cycle != h->cycle || r->shadow_base + 1 != h->cycle ||
	    h->status != AGISWARM_ACTUATE_OK || agg->nu != h->nu)
		return;
	r->shadow_cycle = 0;
	if (r->shadow_ufmt == h->ufmt) {
		for (i = 0; i < h->nu; i++)
			if (r->shadow_u[i] != u[i] ||
			    r->shadow_state[i].integ != in[i] ||
			    r->shadow_state[i].e_prev != ep[i])
				break;
		if (i == h->nu)
			return;
	}
	agiswarm_node_count(agg->node, AGISWARM_CNT_DIVERGENCES, 1);
	pr_warn_ratelimited("netns %u: cycle %llu: the primary's output or law state (epoch %llu) differs from this backup's own decode of the workers' results\n",
			    agg->node->net->ns.inum, h->cycle, h->epoch);
}

/* A complete record: check this backup's own step against it, adopt it. */
static void adopt(struct agiswarm_agg *agg)
{
	struct agiswarm_repl *r = &agg->repl;
	const struct agi_wire_record *h = &r->parts.hdr;
	struct agiswarm_node *node = agg->node;
	const s32 *x = r->parts.v, *y = x + h->nx, *u = y + h->nu;
	const s32 *in = u + h->nu, *ep = in + h->nu;
	u16 i;

	lockdep_assert_held(&agg->lock);
	/* Reordered: one newer of this epoch was adopted already. */
	if (r->have_rec && h->epoch == r->rec_epoch && h->cycle <= r->rec_cycle)
		return;
	shadow_check(agg, h, u, in, ep);
	/* A shadow in flight is this cycle's, or one the record overtook. */
	agg->phase = PHASE_IDLE;
	agg->cycle_id = h->cycle;
	/* What was staged for this cycle or before, as the primary did. */
	agiswarm_stage_apply(agg);
	if (r->state_cycle && r->state_cycle + 1 == h->cycle &&
	    h->status == AGISWARM_ACTUATE_OK &&
	    (h->flags & AGISWARM_RECORD_F_Y) && agg->nu == h->nu &&
	    diverges(agg, h, y, u, in, ep)) {
		agiswarm_node_count(node, AGISWARM_CNT_DIVERGENCES, 1);
		pr_warn_ratelimited("netns %u: cycle %llu: the primary's output or law state (epoch %llu) differs from this backup's own step: the record's is adopted\n",
				    node->net->ns.inum, h->cycle, h->epoch);
	}
	agg->nu = h->nu;
	agg->fmt_u = h->ufmt;
	agg->have_u = h->flags & AGISWARM_RECORD_F_HAVE_U;
	memcpy(agg->u, u, h->nu * sizeof(s32));
	if (h->flags & AGISWARM_RECORD_F_Y)
		memcpy(agg->y, y, h->nu * sizeof(s32));
	for (i = 0; i < h->nu; i++) {
		agg->pid_state[i].integ = in[i];
		agg->pid_state[i].e_prev = ep[i];
	}
	/* A member without its own sensor goes on from the primary's input. */
	if (h->nx && h->nx == agg->cols && !has_sensor(node)) {
		agg->fmt_x = h->fmt;
		agg->nx = h->nx;
		memcpy(agg->x, x, h->nx * sizeof(s32));
		agg->x_cycle = h->cycle;
	}
	agg->period_us = h->period_us;
	agg->deadline_us = h->deadline_us;
	/* The emergency stop, and its end, follow the primary's. */
	agg->estop = h->flags & AGISWARM_RECORD_F_ESTOP;
	r->state_cycle = h->cycle;
	r->rec_cycle = h->cycle;
	r->rec_epoch = h->epoch;
	r->rec_gen = h->gen;
	r->rec_rows_epoch = h->rows_epoch;
	memcpy(r->rec_binding, h->binding, sizeof(r->rec_binding));
	/* The workers' copies of the next cycle decode with this plan. */
	agg->cfmt = h->fmt;
	r->shadow_ok = shadow_bound(agg);
	r->have_rec = true;
	r->rec_tick = true;
	r->rec_at = ktime_get();
	r->miss_run = 0;
	agiswarm_node_count(node, AGISWARM_CNT_RECORDS_RECEIVED, 1);
}

/* Whether @link is the member of @rank. Context: RCU read side. */
static bool link_has_rank(struct agiswarm_node *node,
			  const struct agiswarm_link *link, u8 rank)
{
	struct agiswarm_peer *p;

	list_for_each_entry_rcu(p, &node->peers, list)
		if (p->link == link && p->kind == AGISWARM_PEER_AGGREGATOR &&
		    READ_ONCE(p->rank) == rank + 1)
			return true;
	return false;
}

/**
 * agiswarm_repl_rx_record() - a part of a member's CYCLE record arrived
 * @node: the node
 * @rec: the part, opened from an AGGREGATOR peer's link
 * @link: that link
 * @reason: where the counter of a refusal goes
 *
 * Context: softirq.
 * Return: 0 when taken; -EOPNOTSUPP (DROP_TYPE) on a node in no group;
 * -EPERM (DROP_NOT_ALLOWED) when the sender is not the member whose rank
 * owns the record's epoch; -ESTALE (DROP_STALE) for an epoch below the
 * highest seen, or one of this member's own rank; -EINVAL (DROP_BADVALUE)
 * for a part out of order.
 */
int agiswarm_repl_rx_record(struct agiswarm_node *node,
			    const struct agi_wire_record *rec,
			    const struct agiswarm_link *link,
			    enum agiswarm_counter *reason)
{
	struct agiswarm_agg *agg = agg_of(node);
	struct agiswarm_repl *r = &agg->repl;
	int ret = 0;

	lockdep_assert_in_softirq();
	if (!link_has_rank(node, link, agi_group_owner(rec->epoch))) {
		*reason = AGISWARM_CNT_DROP_NOT_ALLOWED;
		return -EPERM;
	}
	spin_lock(&agg->lock);
	if (r->size < 2) {
		*reason = AGISWARM_CNT_DROP_TYPE;
		ret = -EOPNOTSUPP;
		goto out;
	}
	if (agi_group_owner(rec->epoch) == r->rank)
		goto stale;
	if (!see_epoch(agg, rec->epoch, "a CYCLE record")) {
		premature(agg, 0, "a record of its epoch came after");
		goto stale;
	}
	if (r->mode != AGISWARM_GROUP_BACKUP)
		goto stale;
	ret = agi_group_assemble(&r->parts, rec);
	if (ret < 0) {
		*reason = AGISWARM_CNT_DROP_BADVALUE;
		goto out;
	}
	if (ret)
		adopt(agg);
	ret = 0;
	goto out;
stale:
	*reason = AGISWARM_CNT_DROP_STALE;
	ret = -ESTALE;
out:
	spin_unlock(&agg->lock);
	return ret;
}

/**
 * agiswarm_repl_rx_fenced() - a worker refused this node's TASK as stale
 * @node: the node
 * @f: the FENCED, opened from a WORKER peer's link
 * @reason: where the counter of a refusal goes
 *
 * A primary learns of a higher epoch and becomes a backup at once.
 *
 * Context: softirq.
 * Return: 0 when it raised the epoch seen; -ESTALE (DROP_STALE) when it
 * says nothing new or the node is in no group.
 */
int agiswarm_repl_rx_fenced(struct agiswarm_node *node,
			    const struct agi_wire_fenced *f,
			    enum agiswarm_counter *reason)
{
	struct agiswarm_agg *agg = agg_of(node);
	struct agiswarm_repl *r = &agg->repl;
	int ret = 0;

	lockdep_assert_in_softirq();
	spin_lock(&agg->lock);
	if (r->size < 2 || f->epoch <= r->max_epoch) {
		*reason = AGISWARM_CNT_DROP_STALE;
		ret = -ESTALE;
	} else {
		see_epoch(agg, f->epoch, "a FENCED from a worker");
	}
	spin_unlock(&agg->lock);
	return ret;
}

/*
 * A backup's decision on its shadow: at shadow_at, or @now (a takeover).
 * True when agg->u is now the shadow's output, to be sent.
 */
static bool shadow_decide(struct agiswarm_agg *agg, bool now)
{
	struct agiswarm_repl *r = &agg->repl;
	bool send;

	lockdep_assert_held(&agg->lock);
	if (agg->phase == PHASE_IDLE ||
	    (!now && ktime_before(ktime_get(), r->shadow_at)))
		return false;
	send = agg->phase == PHASE_DONE && r->shadow_cycle == agg->cycle_id &&
	       r->rec_cycle < agg->cycle_id && !agg->estop;
	agg->phase = PHASE_IDLE;
	if (!send)
		return false;
	memcpy(agg->u, r->shadow_u, agg->nu * sizeof(s32));
	memcpy(agg->pid_state, r->shadow_state,
	       agg->nu * sizeof(r->shadow_state[0]));
	agg->fmt_u = r->shadow_ufmt;
	agg->have_u = true;
	r->state_cycle = agg->cycle_id;
	r->shadow_sent = agg->cycle_id;
	agiswarm_node_count(agg->node, AGISWARM_CNT_SHADOW_OUTPUTS, 1);
	pr_info_ratelimited("netns %u: cycle %llu: no record of epoch %llu by its deadline: rank %u sends the output it decoded itself\n",
			    agg->node->net->ns.inum, agg->cycle_id,
			    READ_ONCE(agg->node->epoch), r->rank);
	return true;
}

/* The backup takes the group over: new epoch, the last record's state. */
static void take_over(struct agiswarm_agg *agg, u64 e)
{
	struct agiswarm_repl *r = &agg->repl;
	struct agiswarm_plan *plan = agg->plan;
	u8 binding[AGISWARM_WIRE_HASH_LEN];
	u32 i;

	lockdep_assert_held(&agg->lock);
	r->max_epoch = e;
	WRITE_ONCE(agg->node->epoch, e);
	epoch_changed(agg);
	r->mode = AGISWARM_GROUP_PRIMARY;
	r->state_cycle = 0;
	agiswarm_node_count(agg->node, AGISWARM_CNT_TAKEOVERS, 1);
	pr_info_ratelimited("netns %u: rank %u takes over with epoch %llu after cycle %llu (%u ticks without a record)\n",
			    agg->node->net->ns.inum, r->rank, e, r->rec_cycle,
			    r->miss_run);
	/*
	 * Cycle ids stay on the period's grid: the ticks without a record
	 * were cycles without output, and a primary cut off from this member
	 * but not from the plant went on through them (start_cycle() adds
	 * the 1 of this tick's cycle). Never one the primary was seen to
	 * run: its output may be at the plant.
	 */
	agg->cycle_id = max3(r->rec_cycle + r->miss_run - 1, r->shadow_sent,
			     r->watch_cycle);
	/*
	 * Nor one this member drove itself in an earlier term: a primary
	 * that ran ahead of the records its successor had (late on a loaded
	 * host) and takes over again soon after would otherwise send ids
	 * the plant already applied, which it drops.
	 */
	agg->cycle_id = max(agg->cycle_id, r->drove_cycle);
	agg->last_tick = 0;	/* no jitter against a tick of its backup term */
	if (!plan)
		return;
	plan_binding(plan, binding);
	if (r->rec_rows_epoch &&
	    !memcmp(binding, r->rec_binding, sizeof(binding))) {
		/* The workers hold these rows: name them as they are bound. */
		WRITE_ONCE(plan->gen, r->rec_gen);
		for (i = 0; i < plan->nworkers; i++) {
			plan->w[i].rows_epoch = r->rec_rows_epoch;
			plan->w[i].rows_sent = agg->cycle_id;
			plan->w[i].rows_sent_j = jiffies;
		}
		bitmap_zero(agg->rows_pending, AGISWARM_AGG_WORKERS_MAX);
	} else if (!bitmap_empty(agg->rows_pending, plan->nworkers)) {
		agiswarm_plan_send_rows(agg);
	}
}

/*
 * A first backup's watch is armed on the primary's next cycle, the last
 * record in hand: its tick leaves that cycle to the watch, which knows
 * the primary's phase (a tick's is its own, so a record a little late
 * would look missing to it).
 */
static bool watching(struct agiswarm_agg *agg)
{
	struct agiswarm_repl *r = &agg->repl;

	return threshold_now(r) == 1 && r->watch_cycle &&
	       r->rec_cycle + 1 >= r->watch_cycle &&
	       agi_group_patience(1, r->rank, r->size, r->max_epoch) == 1 &&
	       ktime_before(ktime_get(), r->watch_at) &&
	       hrtimer_is_queued(&agg->watch);
}

/*
 * With threshold 1, the primary's next record is missing only half a
 * period after it was due (a period after the last one came): a tick's
 * phase is this member's own, and to a tick that came just before it a
 * record a little late would look missing.
 */
static bool just_missing(struct agiswarm_agg *agg)
{
	struct agiswarm_repl *r = &agg->repl;

	return threshold_now(r) == 1 &&
	       ktime_us_delta(ktime_get(), r->rec_at) <
	       agg->period_us + agg->period_us / 2;
}

/**
 * agiswarm_repl_tick() - a tick of the cycle timer: whether it starts one
 * @agg: the aggregator
 * @stalled: the tick fired more than half a period late
 * @shadow: set when the caller is to send the output of agg->cycle_id
 *	first (a takeover's last shadow)
 *
 * A backup counts a tick without a record and, past its patience (the
 * failure threshold in effect, threshold_now(), as many again for each
 * member ahead of it in the succession), takes over: this tick then starts its first cycle. With
 * threshold 0 it counts and never takes over on its own (an operator
 * promotes a member: SET_NODE EPOCH). A backup
 * that has adopted no record in its term counts nothing, nor does a tick
 * that fired late (a stalled host).
 *
 * A shadow of the cycle before that has decoded but not yet reached its
 * shadow_at is decided now, in its favour: *@shadow then says to send its
 * output, in the old epoch, and call agiswarm_repl_take_over() before the
 * first cycle (no record came, and none will be waited for); one still
 * decoding is dropped.
 *
 * Context: softirq, agg->lock held.
 * Return: true when this tick starts a cycle.
 */
bool agiswarm_repl_tick(struct agiswarm_agg *agg, bool stalled, bool *shadow)
{
	struct agiswarm_repl *r = &agg->repl;
	u32 wait;
	u64 e;

	lockdep_assert_held(&agg->lock);
	if (r->mode != AGISWARM_GROUP_BACKUP)
		return true;
	if (r->rec_tick) {
		r->rec_tick = false;
		r->miss_run = 0;
		return false;
	}
	/*
	 * No record yet in this term; or this member's own tick came late:
	 * the host stalled, the primary with it, and a missing record says
	 * nothing of the primary.
	 */
	if (!r->have_rec || stalled || watching(agg) || just_missing(agg))
		return false;
	r->miss_run++;
	agiswarm_node_count(agg->node, AGISWARM_CNT_RECORDS_MISSED, 1);
	if (!r->threshold) {
		if (r->miss_run == 1)
			pr_info_ratelimited("netns %u: no record after cycle %llu (epoch %llu): failure threshold 0, rank %u does not take over on its own\n",
					    agg->node->net->ns.inum,
					    r->rec_cycle, r->max_epoch, r->rank);
		return false;
	}
	wait = agi_group_patience(threshold_now(r), r->rank, r->size,
				  r->max_epoch);
	e = agi_group_next_epoch(r->max_epoch, r->rank);
	if (r->miss_run < wait || !e)
		return false;
	*shadow = shadow_decide(agg, true);
	if (!*shadow)
		take_over(agg, e);
	return true;
}

/**
 * agiswarm_repl_watch() - the first backup's watch: the primary's next
 *	cycle is overdue
 * @agg: the aggregator
 * @stalled: the watch fired more than half a period late
 * @shadow: set when the caller is to send the output of agg->cycle_id
 *	first, and then call agiswarm_repl_take_over()
 *
 * With a failure threshold of 1 in effect, the first backup (the member
 * after the epoch's owner in rank order, the one the workers copy their
 * RESULTs to) watches for the primary's next cycle, due a period after the first
 * copy of the last one. When the watch's patience after that (half a
 * period on a quiet host, up to a period where the primary's cycles come
 * late: watch_patience()) nothing of it has come, no copy and no record,
 * the primary sent no TASK for it: it stopped between two cycles. Waiting
 * for a tick would cost that cycle; this backup takes over at once
 * instead and runs the overdue cycle itself, that late, so that the
 * plant's cycle ids go on without a gap. A primary that was only slow is
 * deposed like any other (the higher epoch wins; the two outputs of that
 * cycle are the same): on a host where cycles come late at random, more
 * takeovers, which is why it is not the default. No watch fires on a
 * stalled host (its own timer late), nor before a copy in this backup
 * term.
 *
 * Context: softirq, agg->lock held.
 * Return: true when this member takes over now, its first cycle to be
 * started at once.
 */
bool agiswarm_repl_watch(struct agiswarm_agg *agg, bool stalled, bool *shadow)
{
	struct agiswarm_repl *r = &agg->repl;
	u64 e;

	lockdep_assert_held(&agg->lock);
	/*
	 * Nothing of the cycle after watch_cycle came: a copy of it moves
	 * watch_cycle and the timer, a record of it rec_cycle.
	 */
	if (r->mode != AGISWARM_GROUP_BACKUP || threshold_now(r) != 1 ||
	    !r->have_rec || !r->watch_cycle || r->rec_cycle > r->watch_cycle ||
	    stalled || agg->estop || ktime_before(ktime_get(), r->watch_at))
		return false;
	/* The first backup only: the others wait their ticks. */
	if (agi_group_patience(1, r->rank, r->size, r->max_epoch) != 1)
		return false;
	e = agi_group_next_epoch(r->max_epoch, r->rank);
	if (!e)
		return false;
	agiswarm_node_count(agg->node, AGISWARM_CNT_RECORDS_MISSED, 1);
	pr_info_ratelimited("netns %u: nothing of the cycle after %llu (epoch %llu) %lld us after it was due: rank %u takes over now\n",
			    agg->node->net->ns.inum, r->watch_cycle,
			    r->max_epoch,
			    ktime_us_delta(ktime_get(), r->watch_seen) -
			    agg->period_us, r->rank);
	*shadow = shadow_decide(agg, true);
	if (!*shadow)
		take_over(agg, e);
	return true;
}

/**
 * agiswarm_repl_take_over() - the takeover agiswarm_repl_tick() deferred
 * @agg: the aggregator, its last shadow's output queued
 *
 * Context: softirq, agg->lock held.
 */
void agiswarm_repl_take_over(struct agiswarm_agg *agg)
{
	struct agiswarm_repl *r = &agg->repl;

	lockdep_assert_held(&agg->lock);
	take_over(agg, agi_group_next_epoch(r->max_epoch, r->rank));
}

/**
 * agiswarm_repl_shadow_gen() - the generation of the RESULTs a member uses
 * @agg: the aggregator
 * @gen: the generation its assignment's RESULTs carry
 *
 * A primary's own; a backup's shadow decoding takes the primary's, when
 * its assignment is the one the last record named (the workers hold those
 * rows and send the first backup a copy of each RESULT).
 *
 * Context: agg->lock held.
 * Return: false for a backup that cannot decode the primary's cycles.
 */
bool agiswarm_repl_shadow_gen(const struct agiswarm_agg *agg, u32 *gen)
{
	const struct agiswarm_repl *r = &agg->repl;

	lockdep_assert_held(&agg->lock);
	if (r->mode != AGISWARM_GROUP_BACKUP) {
		*gen = agg->plan ? agg->plan->gen : 0;
		return true;
	}
	*gen = r->rec_gen;
	return r->have_rec && r->shadow_ok;
}

/*
 * How long past its due time the watch waits for the primary's cycle after
 * @cycle, whose first copy came @now: twice how late the primary's cycles
 * came lately (a maximum that decays by 1/32 a cycle), at least half a
 * period and at most a period. A quiet host keeps half a period, a primary
 * that stops costs no cycle and its overdue one comes half a period late;
 * on a host whose cycles come late the watch waits up to a period rather
 * than depose a primary that was only late, and a primary that stops then
 * makes the plant hold an output up to a period longer. A new primary's
 * pace is not known yet (its first cycles may come late: rows to send,
 * keys to agree): the watch begins at its most patient with it.
 */
static u32 watch_patience(struct agiswarm_repl *r, u32 period_us, ktime_t now,
			  u64 cycle)
{
	s64 late;

	if (r->watch_epoch != r->rec_epoch) {
		r->watch_epoch = r->rec_epoch;
		r->watch_late_us = max(r->watch_late_us, period_us / 2);
	} else if (r->watch_cycle && cycle == r->watch_cycle + 1) {
		late = ktime_us_delta(now, r->watch_seen) - period_us;
		r->watch_late_us -= r->watch_late_us >> 5;
		if (late > r->watch_late_us)
			r->watch_late_us = min_t(s64, late, period_us);
	}
	return clamp_t(u32, 2 * r->watch_late_us, period_us / 2, period_us);
}

/**
 * agiswarm_repl_shadow_start() - a backup begins to decode cycle @cycle
 * @agg: the aggregator, a backup
 * @cycle: the cycle of the first copy of a RESULT of the primary's
 *
 * Shadow decoding: the cycle after the last record (or one of those its
 * ticks missed) is decoded from the workers' copies into the decoder a
 * backup does not otherwise use; agiswarm_repl_shadow_due() decides at
 * shadow_at, midway between the deadline and the next tick as seen from
 * the first copy, whether the primary's record came.
 *
 * Context: softirq, agg->lock held.
 * Return: true when @cycle is now the cycle being decoded.
 */
bool agiswarm_repl_shadow_start(struct agiswarm_agg *agg, u64 cycle)
{
	struct agiswarm_repl *r = &agg->repl;
	ktime_t now = ktime_get();

	lockdep_assert_held(&agg->lock);
	if (r->mode != AGISWARM_GROUP_BACKUP || !r->have_rec ||
	    !r->shadow_ok || !agg->plan || agg->estop ||
	    cycle <= r->rec_cycle || cycle > r->rec_cycle + r->miss_run + 2)
		return false;
	agg->cycle_id = cycle;
	agg->results_used = 0;
	bitmap_zero(agg->answered, AGISWARM_AGG_WORKERS_MAX);
	agi_code_decoder_reset(agg->plan->dec);
	agg->t0 = now;
	agg->deadline_at = ktime_add_us(now, agg->deadline_us);
	r->shadow_at = ktime_add_us(agg->deadline_at,
				    (agg->period_us - agg->deadline_us) / 2);
	agg->phase = PHASE_WAITING;
	hrtimer_start(&agg->deadline, r->shadow_at, HRTIMER_MODE_ABS_SOFT);
	/* The next cycle is due a period from now: watched a while more. */
	if (cycle > r->watch_cycle) {
		r->watch_at = ktime_add_us(now, agg->period_us +
					   watch_patience(r, agg->period_us,
							  now, cycle));
		r->watch_cycle = cycle;
		r->watch_seen = now;
		if (agg->running && threshold_now(r) == 1)
			hrtimer_start(&agg->watch, r->watch_at,
				      HRTIMER_MODE_ABS_SOFT);
	}
	return true;
}

/**
 * agiswarm_repl_shadow_step() - the shadow decoded: its output, kept
 * @agg: the aggregator, a backup, agg->y decoded for agg->cycle_id
 *
 * The law is stepped on a copy of the state: the record, when it comes,
 * is the state.
 *
 * Context: softirq, agg->lock held.
 */
void agiswarm_repl_shadow_step(struct agiswarm_agg *agg)
{
	struct agiswarm_repl *r = &agg->repl;

	lockdep_assert_held(&agg->lock);
	memcpy(r->shadow_state, agg->pid_state,
	       agg->nu * sizeof(r->shadow_state[0]));
	r->shadow_ufmt = agiswarm_cycle_law(agg, agg->y, agg->nu, agg->cfmt,
					    r->shadow_u, r->shadow_state);
	r->shadow_cycle = agg->cycle_id;
	r->shadow_base = r->state_cycle;
}

/**
 * agiswarm_repl_shadow_due() - a backup decides on its shadow
 * @agg: the aggregator
 * @now: decide before shadow_at: a copy of the primary's next cycle came
 *	before its record of this one (which is then a period late)
 *
 * At shadow_at (its timer), or @now: when the cycle decoded and no record
 * of it came, the shadow's output and law state become this backup's, and
 * the caller sends its ACTUATE (the actuators take one per cycle id: if
 * the primary's comes too, the first wins, and both are the same).
 *
 * Context: softirq, agg->lock held.
 * Return: true when the caller is to send the output of agg->cycle_id.
 */
bool agiswarm_repl_shadow_due(struct agiswarm_agg *agg, bool now)
{
	return shadow_decide(agg, now);
}
