// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The worker: holds the coded rows an aggregator sent it (ROWS) and answers
 * every TASK with the exact dot product of each row with x (RESULT).
 *
 * A row set is bound to (group, epoch it was sent in, generation, content
 * hash; the UAPI header's "Bound row sets"): a TASK is answered only when
 * it names the binding of the complete row set held; otherwise it is
 * refused and counted, and the worker asks its aggregator for its rows
 * (NEED_ROWS, at most every NEED_ROWS_GAP). A completed staging whose
 * content does not hash to what its ROWS declared is discarded.
 *
 * ROWS datagrams are queued by the fast path and stored by a work item, so
 * that row storage is allocated with GFP_KERNEL; a generation's rows are
 * staged until all nrows rows are complete, then published at once (RCU),
 * so a TASK always sees one whole row set. TASKs are answered in softirq.
 *
 * Who may still hold a row set when it is replaced: TASK handlers in
 * softirq (RCU readers) until a grace period has passed; the staging area
 * belongs to the work item alone (under worker->lock).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "../include/core/code.h"
#include "fault.h"
#include "node.h"
#include "objects.h"
#include "rowhash.h"
#include "socket.h"
#include "worker.h"

#define ROWS_QUEUE_MAX 1024
#define NEED_ROWS_GAP (HZ / 10)

/**
 * struct rowset - the coded rows of one generation
 * @rcu: frees it after a grace period
 * @group: the binding: the aggregator group's id,
 * @epoch: the epoch the rows were sent in,
 * @gen: the assignment generation,
 * @hash: and the content hash the ROWS declared (checked on completion)
 * @nrows: rows held
 * @ncols: their length (the matrix's columns)
 * @row: coded row index of each slot
 * @entries: @nrows rows of @ncols exact sums, row-major by slot
 */
struct rowset {
	struct rcu_head rcu;
	u64 group;
	u64 epoch;
	u32 gen;
	u8 hash[AGISWARM_WIRE_HASH_LEN];
	u16 nrows;
	u16 ncols;
	u16 row[AGISWARM_WIRE_ROWS_MAX];
	s64 entries[];
};

/**
 * struct agiswarm_worker - a node's worker state
 * @node: the node
 * @rows: the complete row set TASKs use (RCU)
 * @max_epoch: the highest epoch seen in a TASK or ROWS (fencing)
 * @need_rows_j: jiffies of the last NEED_ROWS sent
 * @fenced_j: jiffies of the last FENCED sent
 * @rows_q: ROWS datagrams waiting for @rows_work
 * @rows_work: stores them in process context
 * @lock: serialises @rows_work's use of the staging fields and the
 *	publication of @rows
 * @stage: the row set being received, or NULL
 * @used: slots of @stage given a row index
 * @filled: columns received per slot
 * @have: which columns, per slot
 */
struct agiswarm_worker {
	struct agiswarm_node *node;
	struct rowset __rcu *rows;
	atomic64_t max_epoch;
	unsigned long need_rows_j;
	unsigned long fenced_j;
	struct sk_buff_head rows_q;
	struct work_struct rows_work;
	struct mutex lock;	/* the staging fields below, publishing @rows */
	struct rowset *stage;
	u16 used;
	u16 filled[AGISWARM_WIRE_ROWS_MAX];
	unsigned long have[AGISWARM_WIRE_ROWS_MAX]
			  [BITS_TO_LONGS(AGISWARM_WIRE_VEC_MAX)];
};

/* Softirq scratch: too large for a kernel stack. */
struct task_scratch {
	s32 x[AGISWARM_WIRE_VEC_MAX];
	struct agi_wire_value values[AGISWARM_WIRE_VALUES_MAX];
};

static DEFINE_PER_CPU(struct task_scratch, scratch);

static struct rowset *rowset_alloc(const struct agi_wire_rows *r)
{
	struct rowset *rs;

	rs = kvzalloc(struct_size(rs, entries, (size_t)r->nrows * r->ncols),
		      GFP_KERNEL);
	if (!rs)
		return NULL;
	agiswarm_objects_get();
	rs->group = r->group;
	rs->epoch = r->epoch;
	rs->gen = r->gen;
	memcpy(rs->hash, r->hash, sizeof(rs->hash));
	rs->nrows = r->nrows;
	rs->ncols = r->ncols;
	return rs;
}

/* Whether @rs is the row set a ROWS chunk belongs to. */
static bool rows_bound(const struct rowset *rs, const struct agi_wire_rows *r)
{
	return rs->group == r->group && rs->epoch == r->epoch &&
	       rs->gen == r->gen && !memcmp(rs->hash, r->hash, sizeof(rs->hash));
}

/* Whether @rs is the row set a TASK names. */
static bool task_bound(const struct rowset *rs, const struct agi_wire_task *t)
{
	return rs->group == t->group && rs->epoch == t->rows_epoch &&
	       rs->gen == t->gen && !memcmp(rs->hash, t->hash, sizeof(rs->hash));
}

/* The group and epoch of @rs sent @gen before its own generation. */
static bool gen_older(const struct rowset *rs, u64 group, u64 epoch, u32 gen)
{
	return rs->group == group && rs->epoch == epoch && gen < rs->gen;
}

static void rowset_free(struct rowset *rs)
{
	if (!rs)
		return;
	kvfree(rs);
	agiswarm_objects_put();
}

static void rowset_free_rcu(struct rcu_head *rcu)
{
	rowset_free(container_of(rcu, struct rowset, rcu));
}

/* Fencing: false when @epoch is below the highest seen (or configured). */
static bool epoch_ok(struct agiswarm_worker *w, u64 epoch)
{
	u64 seen = atomic64_read(&w->max_epoch);

	if (epoch < READ_ONCE(w->node->epoch))
		return false;
	while (epoch > seen) {
		u64 prev = atomic64_cmpxchg(&w->max_epoch, seen, epoch);

		if (prev == seen)
			break;
		seen = prev;
	}
	return epoch >= seen;
}

/*
 * A datagram of @m to @daddr:@dport, ready to send; NULL when it cannot be
 * built (counted in AGISWARM_CNT_TX_ERRORS).
 */
static struct sk_buff *reply(struct agiswarm_node *node,
			     const struct agi_wire_msg *m, __be32 daddr,
			     __be16 dport)
{
	struct sk_buff *skb;
	size_t len;

	skb = agiswarm_socket_alloc(GFP_ATOMIC);
	if (unlikely(!skb)) {
		agiswarm_node_count(node, AGISWARM_CNT_TX_ERRORS, 1);
		return NULL;
	}
	len = agi_wire_put(skb->data, AGISWARM_WIRE_PLAIN_MAX, m);
	if (WARN_ON_ONCE(!len)) {
		kfree_skb(skb);
		return NULL;
	}
	skb_put(skb, len);
	AGISWARM_SKB_CB(skb)->daddr = daddr;
	AGISWARM_SKB_CB(skb)->dport = dport;
	return skb;
}

static void send_results(struct agiswarm_node *node,
			 const struct agi_wire_task *t,
			 struct agi_wire_value *values, u16 n, __be32 daddr,
			 __be16 dport)
{
	struct agi_wire_msg m = {
		.type = AGISWARM_MSG_RESULT,
		.u.result = {
			.epoch = t->epoch,
			.cycle = t->cycle,
			.gen = t->gen,
			.worker = READ_ONCE(node->node_id),
		},
	};
	struct agi_wire_result *r = &m.u.result;
	struct sk_buff *skb;
	u16 done;

	for (done = 0; done < n; done += r->values.n) {
		r->values.n = min_t(u16, n - done, AGISWARM_WIRE_VALUES_MAX);
		r->values.host.value = values + done;
		/* Off by 2^64: far off the real value in any format. */
		if (agiswarm_fault_corrupt(node, r->worker))
			values[done].sum.hi++;
		skb = reply(node, &m, daddr, dport);
		if (!skb)
			return;
		AGISWARM_SKB_CB(skb)->worker = r->worker;
		if (!agiswarm_fault_apply(node, skb))
			agiswarm_socket_send(node, skb);
	}
}

/*
 * Whether an answer whose last was sent at *@last_j (jiffies, 0 for never)
 * may go now, at most every NEED_ROWS_GAP; this CPU then sends it.
 */
static bool answer_due(unsigned long *last_j)
{
	unsigned long last = READ_ONCE(*last_j), now = jiffies;

	if (last && time_before(now, last + NEED_ROWS_GAP))
		return false;
	/* Another CPU may have taken this one. */
	return cmpxchg(last_j, last, now ? now : 1) == last;
}

/*
 * Ask the aggregator at @daddr:@dport (the sender of an opened TASK) for
 * this worker's rows, saying what it holds; at most every NEED_ROWS_GAP.
 */
static void need_rows(struct agiswarm_node *node, const struct rowset *rs,
		      u64 epoch, __be32 daddr, __be16 dport)
{
	struct agiswarm_worker *w = node->worker;
	struct agi_wire_msg m = {
		.type = AGISWARM_MSG_NEED_ROWS,
		.u.need_rows.epoch = epoch,
	};
	struct sk_buff *skb;

	if (!answer_due(&w->need_rows_j))
		return;
	if (rs) {
		m.u.need_rows.gen = rs->gen;
		memcpy(m.u.need_rows.hash, rs->hash, sizeof(rs->hash));
	}
	skb = reply(node, &m, daddr, dport);
	if (skb)
		agiswarm_socket_send(node, skb);
}

/*
 * A TASK of a stale epoch, from an authenticated aggregator: tell it the
 * epoch this worker holds, so that a deposed primary stops driving
 * (FENCED), at most every 100 ms.
 */
static void fenced(struct agiswarm_node *node, u64 stale, __be32 daddr,
		   __be16 dport)
{
	struct agiswarm_worker *w = node->worker;
	struct agi_wire_msg m = {
		.type = AGISWARM_MSG_FENCED,
		.u.fenced = {
			.epoch = max_t(u64, atomic64_read(&w->max_epoch),
				       READ_ONCE(node->epoch)),
			.stale = stale,
			.worker = READ_ONCE(node->node_id),
		},
	};
	struct sk_buff *skb;

	if (!answer_due(&w->fenced_j))
		return;
	skb = reply(node, &m, daddr, dport);
	if (!skb)
		return;
	agiswarm_node_count(node, AGISWARM_CNT_FENCED_SENT, 1);
	agiswarm_socket_send(node, skb);
}

/**
 * agiswarm_worker_rx_task() - answer a TASK with this worker's RESULTs
 * @node: the worker's node
 * @t: the TASK
 * @saddr: the aggregator's address, where the RESULTs go
 * @sport: its port
 * @reason: where the counter of a refusal goes
 *
 * Only when @t names the binding of the complete row set held: computes
 * the exact dot product of every row with @t's x and sends them in as
 * many RESULTs as they need (each worker fault applies; a RESULT that
 * cannot be built counts in AGISWARM_CNT_TX_ERRORS). When it names
 * another, the rows it names are asked for (NEED_ROWS to the TASK's
 * sender, whose link opened it).
 *
 * Context: softirq, or bh disabled: the scratch space is per CPU.
 * Return: 0 when answered; -ESTALE (DROP_STALE) for an epoch below the
 * highest seen or a generation older than the rows held of the same
 * group and epoch; -ENODATA (DROP_NO_ROWS) when no complete row set is
 * here (yet); -EKEYREJECTED (ROWS_BINDING_MISMATCH) when the one here is
 * bound otherwise; -EINVAL (DROP_BADVALUE) for an x whose length is not
 * the rows'.
 */
int agiswarm_worker_rx_task(struct agiswarm_node *node,
			    const struct agi_wire_task *t, __be32 saddr,
			    __be16 sport, enum agiswarm_counter *reason)
{
	struct agiswarm_worker *w = node->worker;
	struct task_scratch *s;
	const struct rowset *rs;
	u16 i, nrows;

	lockdep_assert_in_softirq();
	if (unlikely(!epoch_ok(w, t->epoch))) {
		fenced(node, t->epoch, saddr, sport);
		goto stale;
	}
	rs = rcu_dereference_bh(w->rows);
	if (unlikely(!rs || !task_bound(rs, t))) {
		if (rs && gen_older(rs, t->group, t->rows_epoch, t->gen))
			goto stale;
		/* On their way, lost, or another aggregator's: ask. */
		need_rows(node, rs, t->epoch, saddr, sport);
		*reason = rs ? AGISWARM_CNT_ROWS_BINDING_MISMATCH :
			       AGISWARM_CNT_DROP_NO_ROWS;
		return rs ? -EKEYREJECTED : -ENODATA;
	}
	if (unlikely(t->x.n != rs->ncols)) {
		*reason = AGISWARM_CNT_DROP_BADVALUE;
		return -EINVAL;
	}
	s = this_cpu_ptr(&scratch);
	for (i = 0; i < t->x.n; i++)
		s->x[i] = agi_wire_vec_s32(&t->x, i);
	nrows = rs->nrows;
	for (i = 0; i < nrows; i++) {
		s->values[i].row = rs->row[i];
		s->values[i].sum = agi_code_dot(rs->entries +
						(size_t)i * rs->ncols,
						s->x, rs->ncols);
	}
	send_results(node, t, s->values, nrows, saddr, sport);
	return 0;
stale:
	*reason = AGISWARM_CNT_DROP_STALE;
	return -ESTALE;
}

/**
 * agiswarm_worker_queue_rows() - take a ROWS datagram for storing
 * @node: the worker's node
 * @skb: the datagram, skb->data at its wire header, linear
 * @reason: where the counter of a refusal goes
 *
 * The rows are stored by a work item, in process context, where their
 * memory can be allocated with GFP_KERNEL.
 *
 * Context: any but hard interrupts.
 * Return: 0 when @skb was taken (the worker frees it); -ENOBUFS
 * (DROP_BACKLOG) when ROWS_QUEUE_MAX datagrams already wait: @skb is then
 * still the caller's.
 */
int agiswarm_worker_queue_rows(struct agiswarm_node *node, struct sk_buff *skb,
			       enum agiswarm_counter *reason)
{
	struct agiswarm_worker *w = node->worker;

	if (unlikely(skb_queue_len(&w->rows_q) >= ROWS_QUEUE_MAX)) {
		*reason = AGISWARM_CNT_DROP_BACKLOG;
		return -ENOBUFS;
	}
	skb_queue_tail(&w->rows_q, skb);
	schedule_work(&w->rows_work);
	return 0;
}

/* Returns the slot of coded row @row in the stage, or -1 when full. */
static int stage_slot(struct agiswarm_worker *w, u16 row)
{
	u16 i;

	for (i = 0; i < w->used; i++)
		if (w->stage->row[i] == row)
			return i;
	if (w->used == w->stage->nrows)
		return -1;
	w->stage->row[w->used] = row;
	return w->used++;
}

static void stage_reset(struct agiswarm_worker *w, struct rowset *rs)
{
	rowset_free(w->stage);
	w->stage = rs;
	w->used = 0;
	memset(w->filled, 0, sizeof(w->filled));
	memset(w->have, 0, sizeof(w->have));
}

static bool stage_complete(const struct agiswarm_worker *w)
{
	u16 i;

	if (w->used != w->stage->nrows)
		return false;
	for (i = 0; i < w->used; i++)
		if (w->filled[i] != w->stage->ncols)
			return false;
	return true;
}

/* Whether the staging's content hashes to what its ROWS declared. */
static bool stage_hash_ok(const struct agiswarm_worker *w)
{
	const struct rowset *rs = w->stage;
	u16 order[AGISWARM_WIRE_ROWS_MAX];
	u8 hash[AGISWARM_WIRE_HASH_LEN];
	struct agiswarm_rowhash h;
	u16 i;

	agiswarm_rowhash_order(rs->row, rs->nrows, order);
	agiswarm_rowhash_init(&h, rs->nrows, rs->ncols);
	for (i = 0; i < rs->nrows; i++)
		agiswarm_rowhash_row(&h, rs->row[order[i]],
				     rs->entries + (size_t)order[i] * rs->ncols,
				     rs->ncols);
	agiswarm_rowhash_final(&h, hash);
	return !memcmp(hash, rs->hash, sizeof(hash));
}

static void publish(struct agiswarm_worker *w)
{
	struct rowset *old;

	old = rcu_replace_pointer(w->rows, w->stage,
				  lockdep_is_held(&w->lock));
	pr_debug("netns %u: worker rows of group %llu epoch %llu gen %u complete (%u rows)\n",
		 w->node->net->ns.inum, w->stage->group, w->stage->epoch,
		 w->stage->gen, w->stage->nrows);
	w->stage = NULL;
	if (old)
		call_rcu(&old->rcu, rowset_free_rcu);
}

/**
 * store_rows() - stage a ROWS chunk, publishing the row set it completes
 * @w: the worker
 * @r: the chunk
 * @reason: where the counter of a refusal goes
 *
 * A chunk of another binding than the staging's starts a new staging (an
 * aggregator restarted, or another one, with its own rows); one of the
 * binding held is taken as held already.
 *
 * Context: process, with @w->lock held.
 * Return: 0 when stored, or already held; -ESTALE (DROP_STALE) for an
 * epoch below the highest seen or a generation older than the one held or
 * staged of the same group and epoch; -ENOMEM (DROP_NOMEM) when a new
 * row set cannot be allocated; -EINVAL (DROP_BADVALUE) for a chunk whose
 * shape contradicts the earlier chunks of its row set, one row more than
 * it has, or the chunk completing a row set whose content does not hash
 * to its declared hash (the staging is discarded).
 */
static int store_rows(struct agiswarm_worker *w, const struct agi_wire_rows *r,
		      enum agiswarm_counter *reason)
{
	const struct rowset *cur;
	struct rowset *rs;
	int slot;
	u16 k;

	lockdep_assert_held(&w->lock);
	if (!epoch_ok(w, r->epoch))
		goto stale;
	cur = rcu_dereference_protected(w->rows, lockdep_is_held(&w->lock));
	if (cur && rows_bound(cur, r))
		return 0;
	if ((cur && gen_older(cur, r->group, r->epoch, r->gen)) ||
	    (w->stage && gen_older(w->stage, r->group, r->epoch, r->gen)))
		goto stale;
	if (!w->stage || !rows_bound(w->stage, r)) {
		rs = rowset_alloc(r);
		if (!rs) {
			*reason = AGISWARM_CNT_DROP_NOMEM;
			return -ENOMEM;
		}
		stage_reset(w, rs);
	}
	rs = w->stage;
	if (r->nrows != rs->nrows || r->ncols != rs->ncols)
		goto badvalue;
	slot = stage_slot(w, r->row);
	if (slot < 0)
		goto badvalue;
	/* The parser guarantees offset + n <= ncols. */
	for (k = 0; k < r->entries.n; k++) {
		u16 col = r->offset + k;

		if (__test_and_set_bit(col, w->have[slot]))
			continue;
		rs->entries[(size_t)slot * rs->ncols + col] =
			agi_wire_vec_s64(&r->entries, k);
		w->filled[slot]++;
	}
	if (!stage_complete(w))
		return 0;
	if (!stage_hash_ok(w)) {
		net_warn_ratelimited("%s: netns %u: rows of gen %u do not match their hash: discarded\n",
				     KBUILD_MODNAME, w->node->net->ns.inum,
				     rs->gen);
		stage_reset(w, NULL);
		goto badvalue;
	}
	publish(w);
	return 0;
stale:
	*reason = AGISWARM_CNT_DROP_STALE;
	return -ESTALE;
badvalue:
	*reason = AGISWARM_CNT_DROP_BADVALUE;
	return -EINVAL;
}

static void rows_work(struct work_struct *work)
{
	struct agiswarm_worker *w = container_of(work, struct agiswarm_worker,
						 rows_work);
	enum agiswarm_counter reason;
	struct agi_wire_msg msg;
	struct sk_buff *skb;
	int ret;

	while ((skb = skb_dequeue(&w->rows_q))) {
		/* Parsed in softirq already; parsing again cannot fail. */
		if (WARN_ON_ONCE(agi_wire_parse(skb->data, skb->len, &msg,
						&reason) ||
				 msg.type != AGISWARM_MSG_ROWS)) {
			kfree_skb(skb);
			continue;
		}
		mutex_lock(&w->lock);
		ret = store_rows(w, &msg.u.rows, &reason);
		mutex_unlock(&w->lock);
		if (ret) {
			agiswarm_node_count(w->node, reason, 1);
			kfree_skb(skb);
		} else {
			consume_skb(skb);
		}
	}
}

/**
 * agiswarm_worker_init() - a node's worker state, holding no rows
 * @node: the node, at its creation
 *
 * Return: 0 or -ENOMEM.
 */
int agiswarm_worker_init(struct agiswarm_node *node)
{
	struct agiswarm_worker *w;

	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	agiswarm_objects_get();
	w->node = node;
	atomic64_set(&w->max_epoch, 0);
	skb_queue_head_init(&w->rows_q);
	INIT_WORK(&w->rows_work, rows_work);
	mutex_init(&w->lock);
	node->worker = w;
	return 0;
}

/**
 * agiswarm_worker_uninit() - free the worker state and every row set
 * @node: the node, its socket closed
 *
 * Context: process, no lock held: waits for the ROWS work.
 */
void agiswarm_worker_uninit(struct agiswarm_node *node)
{
	struct agiswarm_worker *w = node->worker;

	if (!w)
		return;
	cancel_work_sync(&w->rows_work);
	skb_queue_purge(&w->rows_q);
	stage_reset(w, NULL);
	/* The socket is closed: no TASK handler can see the rows. */
	rowset_free(rcu_replace_pointer(w->rows, NULL, true));
	mutex_destroy(&w->lock);
	kfree(w);
	agiswarm_objects_put();
	node->worker = NULL;
}
