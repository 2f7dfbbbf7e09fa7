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
 *
 * Jobs (the UAPI header's "Jobs"): a second slot holds the row set of one
 * job (JOB_ROWS), bound like the cycle's and staged the same way. JOB_TASKs
 * are only queued in softirq; the work item computes them in process
 * context after storing the ROWS that came before them, so that a job
 * never takes the cycle's softirq time. JOB_CANCEL drops the queued tasks
 * of its job and the job's rows.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "../include/core/code.h"
#include "../include/core/group.h"
#include "fault.h"
#include "node.h"
#include "objects.h"
#include "peer.h"
#include "rowhash.h"
#include "socket.h"
#include "worker.h"

#define ROWS_QUEUE_MAX 1024
#define JOB_QUEUE_MAX 4096
#define NEED_ROWS_GAP (HZ / 10)

/* A queued JOB_TASK's job id, where the socket left room: skb->cb. */
#define JOB_OF(skb) (AGISWARM_SKB_CB(skb)->worker)

/**
 * struct rowset - the coded rows of one generation
 * @rcu: frees it after a grace period
 * @group: the binding: the aggregator group's id,
 * @epoch: the epoch the rows were sent in,
 * @gen: the assignment generation,
 * @hash: and the content hash the ROWS declared (checked on completion)
 * @job: and the job (0: the cycle's rows)
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
	u32 job;
	u16 nrows;
	u16 ncols;
	u16 row[AGISWARM_WIRE_ROWS_MAX];
	s64 entries[];
};

/**
 * struct rowstage - a row set being received
 * @stage: the row set, or NULL
 * @used: slots of @stage given a row index
 * @filled: columns received per slot
 * @have: which columns, per slot
 */
struct rowstage {
	struct rowset *stage;
	u16 used;
	u16 filled[AGISWARM_WIRE_ROWS_MAX];
	unsigned long have[AGISWARM_WIRE_ROWS_MAX]
			  [BITS_TO_LONGS(AGISWARM_WIRE_VEC_MAX)];
};

/**
 * struct agiswarm_worker - a node's worker state
 * @node: the node
 * @rows: the complete row set TASKs use (RCU)
 * @max_epoch: the highest epoch seen in a TASK or ROWS (fencing)
 * @need_rows_j: jiffies of the last NEED_ROWS sent
 * @fenced_j: jiffies of the last FENCED sent
 * @rows_q: ROWS and JOB_ROWS datagrams waiting for @rows_work
 * @job_q: JOB_TASK datagrams waiting for @rows_work
 * @rows_work: stores rows and computes job tasks in process context
 * @cancelled: the last job cancelled (JOB_CANCEL): its tasks are dropped
 * @lock: serialises @rows_work's use of the staging fields and the
 *	publication of @rows and @job_rows
 * @cyc: the cycle's row set being received
 * @job_rows: the complete row set of the current job (RCU)
 * @job: the job's row set being received
 */
struct agiswarm_worker {
	struct agiswarm_node *node;
	struct rowset __rcu *rows;
	atomic64_t max_epoch;
	unsigned long need_rows_j;
	unsigned long fenced_j;
	struct sk_buff_head rows_q;
	struct sk_buff_head job_q;
	struct work_struct rows_work;
	u32 cancelled;
	struct mutex lock;	/* the staging fields below, publishing rows */
	struct rowstage cyc;
	struct rowset __rcu *job_rows;
	struct rowstage job;
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
	rs->job = r->job;
	memcpy(rs->hash, r->hash, sizeof(rs->hash));
	rs->nrows = r->nrows;
	rs->ncols = r->ncols;
	return rs;
}

/* Whether @rs is the row set a ROWS chunk belongs to. */
static bool rows_bound(const struct rowset *rs, const struct agi_wire_rows *r)
{
	return rs->group == r->group && rs->epoch == r->epoch &&
	       rs->gen == r->gen && rs->job == r->job &&
	       !memcmp(rs->hash, r->hash, sizeof(rs->hash));
}

/* Whether @rs is the row set a TASK (or JOB_TASK) names. */
static bool task_bound(const struct rowset *rs, const struct agi_wire_task *t)
{
	return rs->group == t->group && rs->epoch == t->rows_epoch &&
	       rs->gen == t->gen && rs->job == t->job &&
	       !memcmp(rs->hash, t->hash, sizeof(rs->hash));
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
	struct sk_buff *skb = agiswarm_socket_msg(m, daddr, dport, GFP_ATOMIC);

	if (unlikely(!skb))
		agiswarm_node_count(node, AGISWARM_CNT_TX_ERRORS, 1);
	return skb;
}

/*
 * The first backup of a TASK's epoch: the group member next after the
 * epoch's owner in rank order, which decodes the cycle too (shadow
 * decoding) and sends its output when the owner's record of the cycle is
 * late. False when the node knows no such member.
 *
 * Context: RCU read side (softirq).
 */
static bool first_backup(struct agiswarm_node *node, u64 epoch,
			 __be32 *addr, __be16 *port)
{
	u8 owner = agi_group_owner(epoch), best = 8, d, rank;
	struct agiswarm_peer *p;

	list_for_each_entry_rcu(p, &node->peers, list) {
		rank = READ_ONCE(p->rank);
		if (p->kind != AGISWARM_PEER_AGGREGATOR || !rank || !p->link)
			continue;
		d = (rank - 1 - owner - 1) & 7;
		if (rank - 1 == owner || d >= best)
			continue;
		best = d;
		*addr = p->ep.sin_addr.s_addr;
		*port = p->ep.sin_port;
	}
	return best < 8;
}

/* One RESULT datagram of @m to @daddr:@dport, the worker's faults applied. */
static void send_result(struct agiswarm_node *node,
			const struct agi_wire_msg *m, __be32 daddr,
			__be16 dport)
{
	struct sk_buff *skb = reply(node, m, daddr, dport);

	if (!skb)
		return;
	AGISWARM_SKB_CB(skb)->worker = m->u.result.worker;
	if (!agiswarm_fault_apply(node, skb))
		agiswarm_socket_send(node, skb);
}

/*
 * @values in RESULTs of at most AGISWARM_WIRE_VALUES_MAX to @daddr:@dport;
 * @faults: the corruption fault may touch them (the first send only).
 */
static void send_chunks(struct agiswarm_node *node, struct agi_wire_msg *m,
			struct agi_wire_value *values, u16 n, __be32 daddr,
			__be16 dport, bool faults)
{
	struct agi_wire_result *r = &m->u.result;
	u16 done;

	for (done = 0; done < n; done += r->values.n) {
		r->values.n = min_t(u16, n - done, AGISWARM_WIRE_VALUES_MAX);
		r->values.host.value = values + done;
		/* Off by 2^64: far off the real value in any format. */
		if (faults && agiswarm_fault_corrupt(node, r->worker))
			values[done].sum.hi++;
		send_result(node, m, daddr, dport);
	}
}

/*
 * RESULTs of a TASK, or JOB_RESULTs of a JOB_TASK (@t->job nonzero); in a
 * group each cycle RESULT goes to the first backup as well, after the
 * whole answer to the primary (whose cycle waits for none of the copies).
 */
static void send_results(struct agiswarm_node *node,
			 const struct agi_wire_task *t,
			 struct agi_wire_value *values, u16 n, __be32 daddr,
			 __be16 dport)
{
	struct agi_wire_msg m = {
		.type = t->job ? AGISWARM_MSG_JOB_RESULT : AGISWARM_MSG_RESULT,
		.u.result = {
			.epoch = t->epoch,
			.cycle = t->cycle,
			.gen = t->gen,
			.worker = READ_ONCE(node->node_id),
			.job = t->job,
		},
	};
	__be32 baddr = 0;
	__be16 bport = 0;

	send_chunks(node, &m, values, n, daddr, dport, true);
	if (!t->job && first_backup(node, t->epoch, &baddr, &bport) &&
	    (baddr != daddr || bport != dport))
		send_chunks(node, &m, values, n, baddr, bport, false);
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

/* The exact dot product of every row of @rs with @t's x; the row count. */
static u16 rows_dot(const struct rowset *rs, const struct agi_wire_task *t,
		    struct task_scratch *s)
{
	u16 i;

	for (i = 0; i < t->x.n; i++)
		s->x[i] = agi_wire_vec_s32(&t->x, i);
	for (i = 0; i < rs->nrows; i++) {
		s->values[i].row = rs->row[i];
		s->values[i].sum = agi_code_dot(rs->entries +
						(size_t)i * rs->ncols,
						s->x, rs->ncols);
	}
	return rs->nrows;
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
	u16 nrows;

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
	nrows = rows_dot(rs, t, s);
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

/**
 * agiswarm_worker_queue_job_task() - take a JOB_TASK for the work item
 * @node: the worker's node
 * @skb: the datagram, skb->data at its wire header, linear
 * @t: the JOB_TASK, parsed from @skb
 * @saddr: the aggregator's address, where the JOB_RESULTs go
 * @sport: its port
 * @reason: where the counter of a refusal goes
 *
 * Context: softirq.
 * Return: 0 when @skb was taken; -ESTALE (DROP_STALE) for an old epoch or
 * a cancelled job; -ENOBUFS (DROP_BACKLOG) when JOB_QUEUE_MAX wait. Then
 * @skb is still the caller's.
 */
int agiswarm_worker_queue_job_task(struct agiswarm_node *node,
				   struct sk_buff *skb,
				   const struct agi_wire_task *t, __be32 saddr,
				   __be16 sport, enum agiswarm_counter *reason)
{
	struct agiswarm_worker *w = node->worker;

	if (unlikely(!epoch_ok(w, t->epoch) ||
		     t->job == READ_ONCE(w->cancelled))) {
		*reason = AGISWARM_CNT_DROP_STALE;
		return -ESTALE;
	}
	if (unlikely(skb_queue_len(&w->job_q) >= JOB_QUEUE_MAX)) {
		*reason = AGISWARM_CNT_DROP_BACKLOG;
		return -ENOBUFS;
	}
	AGISWARM_SKB_CB(skb)->daddr = saddr;
	AGISWARM_SKB_CB(skb)->dport = sport;
	JOB_OF(skb) = t->job;
	skb_queue_tail(&w->job_q, skb);
	schedule_work(&w->rows_work);
	return 0;
}

/**
 * agiswarm_worker_rx_job_cancel() - a job is over: drop its work
 * @node: the worker's node
 * @c: the JOB_CANCEL
 * @reason: where the counter of a refusal goes
 *
 * Every queued JOB_TASK of the job is dropped now, later ones are refused,
 * and the job's rows are freed by the work item.
 *
 * Context: softirq.
 * Return: 0, or -ESTALE (DROP_STALE) for an old epoch.
 */
int agiswarm_worker_rx_job_cancel(struct agiswarm_node *node,
				  const struct agi_wire_job_cancel *c,
				  enum agiswarm_counter *reason)
{
	struct agiswarm_worker *w = node->worker;
	struct sk_buff *skb, *tmp;
	struct sk_buff_head drop;
	unsigned long flags;

	if (unlikely(!epoch_ok(w, c->epoch))) {
		*reason = AGISWARM_CNT_DROP_STALE;
		return -ESTALE;
	}
	WRITE_ONCE(w->cancelled, c->job);
	__skb_queue_head_init(&drop);
	spin_lock_irqsave(&w->job_q.lock, flags);
	skb_queue_walk_safe(&w->job_q, skb, tmp) {
		if (JOB_OF(skb) == c->job) {
			__skb_unlink(skb, &w->job_q);
			__skb_queue_tail(&drop, skb);
		}
	}
	spin_unlock_irqrestore(&w->job_q.lock, flags);
	agiswarm_node_count(node, AGISWARM_CNT_DROP_STALE,
			    skb_queue_len(&drop));
	__skb_queue_purge(&drop);
	schedule_work(&w->rows_work);
	return 0;
}

static void stage_reset(struct rowstage *st, struct rowset *rs);

/* Frees the rows of a cancelled job (process context, w->lock held). */
static void drop_cancelled_rows(struct agiswarm_worker *w)
{
	u32 job = READ_ONCE(w->cancelled);
	struct rowset *rs;

	lockdep_assert_held(&w->lock);
	if (!job)
		return;
	if (w->job.stage && w->job.stage->job == job)
		stage_reset(&w->job, NULL);
	rs = rcu_dereference_protected(w->job_rows, lockdep_is_held(&w->lock));
	if (rs && rs->job == job) {
		RCU_INIT_POINTER(w->job_rows, NULL);
		call_rcu(&rs->rcu, rowset_free_rcu);
	}
}

/* Returns the slot of coded row @row in the stage, or -1 when full. */
static int stage_slot(struct rowstage *st, u16 row)
{
	u16 i;

	for (i = 0; i < st->used; i++)
		if (st->stage->row[i] == row)
			return i;
	if (st->used == st->stage->nrows)
		return -1;
	st->stage->row[st->used] = row;
	return st->used++;
}

static void stage_reset(struct rowstage *st, struct rowset *rs)
{
	rowset_free(st->stage);
	st->stage = rs;
	st->used = 0;
	memset(st->filled, 0, sizeof(st->filled));
	memset(st->have, 0, sizeof(st->have));
}

static bool stage_complete(const struct rowstage *st)
{
	u16 i;

	if (st->used != st->stage->nrows)
		return false;
	for (i = 0; i < st->used; i++)
		if (st->filled[i] != st->stage->ncols)
			return false;
	return true;
}

/* Whether the staging's content hashes to what its ROWS declared. */
static bool stage_hash_ok(const struct rowstage *st)
{
	const struct rowset *rs = st->stage;
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

/* The complete staging of @st becomes the row set at @slot. */
static void publish(struct agiswarm_worker *w, struct rowstage *st,
		    struct rowset __rcu **slot)
{
	struct rowset *old;

	old = rcu_replace_pointer(*slot, st->stage, lockdep_is_held(&w->lock));
	pr_debug("netns %u: worker rows of group %llu epoch %llu gen %u job %u complete (%u rows)\n",
		 w->node->net->ns.inum, st->stage->group, st->stage->epoch,
		 st->stage->gen, st->stage->job, st->stage->nrows);
	st->stage = NULL;
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
	struct rowset __rcu **dst = r->job ? &w->job_rows : &w->rows;
	struct rowstage *st = r->job ? &w->job : &w->cyc;
	const struct rowset *cur;
	struct rowset *rs;
	int slot;
	u16 k;

	lockdep_assert_held(&w->lock);
	if (!epoch_ok(w, r->epoch))
		goto stale;
	if (r->job && r->job == READ_ONCE(w->cancelled))
		goto stale;
	cur = rcu_dereference_protected(*dst, lockdep_is_held(&w->lock));
	if (cur && rows_bound(cur, r))
		return 0;
	if ((cur && gen_older(cur, r->group, r->epoch, r->gen)) ||
	    (st->stage && gen_older(st->stage, r->group, r->epoch, r->gen)))
		goto stale;
	if (!st->stage || !rows_bound(st->stage, r)) {
		rs = rowset_alloc(r);
		if (!rs) {
			*reason = AGISWARM_CNT_DROP_NOMEM;
			return -ENOMEM;
		}
		stage_reset(st, rs);
	}
	rs = st->stage;
	if (r->nrows != rs->nrows || r->ncols != rs->ncols)
		goto badvalue;
	slot = stage_slot(st, r->row);
	if (slot < 0)
		goto badvalue;
	/* The parser guarantees offset + n <= ncols. */
	for (k = 0; k < r->entries.n; k++) {
		u16 col = r->offset + k;

		if (__test_and_set_bit(col, st->have[slot]))
			continue;
		rs->entries[(size_t)slot * rs->ncols + col] =
			agi_wire_vec_s64(&r->entries, k);
		st->filled[slot]++;
	}
	if (!stage_complete(st))
		return 0;
	if (!stage_hash_ok(st)) {
		net_warn_ratelimited("%s: netns %u: rows of gen %u do not match their hash: discarded\n",
				     KBUILD_MODNAME, w->node->net->ns.inum,
				     rs->gen);
		stage_reset(st, NULL);
		goto badvalue;
	}
	publish(w, st, dst);
	return 0;
stale:
	*reason = AGISWARM_CNT_DROP_STALE;
	return -ESTALE;
badvalue:
	*reason = AGISWARM_CNT_DROP_BADVALUE;
	return -EINVAL;
}

/*
 * One JOB_TASK, in process context: the dot products of the job's rows
 * with its x, sent as JOB_RESULTs. Returns 0, or -errno with *@reason.
 */
static int job_task(struct agiswarm_worker *w, struct sk_buff *skb,
		    struct task_scratch *s, enum agiswarm_counter *reason)
{
	__be32 daddr = AGISWARM_SKB_CB(skb)->daddr;
	__be16 dport = AGISWARM_SKB_CB(skb)->dport;
	const struct agi_wire_task *t;
	const struct rowset *rs;
	struct agi_wire_msg msg;
	u16 nrows;

	/* Parsed in softirq already; parsing again cannot fail. */
	if (WARN_ON_ONCE(agi_wire_parse(skb->data, skb->len, &msg, reason) ||
			 msg.type != AGISWARM_MSG_JOB_TASK)) {
		*reason = AGISWARM_CNT_DROP_BADVALUE;
		return -EINVAL;
	}
	t = &msg.u.task;
	if (t->job == READ_ONCE(w->cancelled)) {
		*reason = AGISWARM_CNT_DROP_STALE;
		return -ESTALE;
	}
	rcu_read_lock();
	rs = rcu_dereference(w->job_rows);
	if (!rs || !task_bound(rs, t) || t->x.n != rs->ncols) {
		rcu_read_unlock();
		*reason = rs ? AGISWARM_CNT_ROWS_BINDING_MISMATCH :
			       AGISWARM_CNT_DROP_NO_ROWS;
		return -ENODATA;
	}
	nrows = rows_dot(rs, t, s);
	rcu_read_unlock();
	/* The faults and the socket expect bh off, as in softirq. */
	local_bh_disable();
	send_results(w->node, t, s->values, nrows, daddr, dport);
	local_bh_enable();
	return 0;
}

/* The queued JOB_TASKs, one at a time, yielding the CPU between them. */
static void job_tasks(struct agiswarm_worker *w)
{
	enum agiswarm_counter reason;
	struct task_scratch *s;
	struct sk_buff *skb;

	if (skb_queue_empty(&w->job_q))
		return;
	s = kmalloc(sizeof(*s), GFP_KERNEL);
	if (!s) {
		schedule_work(&w->rows_work);
		return;
	}
	while ((skb = skb_dequeue(&w->job_q))) {
		if (job_task(w, skb, s, &reason)) {
			agiswarm_node_count(w->node, reason, 1);
			kfree_skb(skb);
		} else {
			consume_skb(skb);
		}
		cond_resched();
	}
	kfree(s);
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
				 (msg.type != AGISWARM_MSG_ROWS &&
				  msg.type != AGISWARM_MSG_JOB_ROWS))) {
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
	mutex_lock(&w->lock);
	drop_cancelled_rows(w);
	mutex_unlock(&w->lock);
	job_tasks(w);
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
	skb_queue_head_init(&w->job_q);
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
	skb_queue_purge(&w->job_q);
	stage_reset(&w->cyc, NULL);
	stage_reset(&w->job, NULL);
	/* The socket is closed: no TASK handler can see the rows. */
	rowset_free(rcu_replace_pointer(w->rows, NULL, true));
	rowset_free(rcu_replace_pointer(w->job_rows, NULL, true));
	mutex_destroy(&w->lock);
	kfree(w);
	agiswarm_objects_put();
	node->worker = NULL;
}
