// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The control cycle of an aggregator, all in softirq: a tick sends the
 * TASKs, RESULTs feed the decoder, and whichever comes first, a decoded
 * y or the deadline, produces the cycle's single output (ACTUATE, the
 * netlink event, a metrics record).
 *
 * Both timers are HRTIMER_MODE_ABS_SOFT, so every callback here runs in
 * softirq, like the RESULT and SENSOR handlers; they serialise on
 * agg->lock. Datagrams are built under the lock and sent after it is
 * dropped (struct cycle_out), so that no lock of the UDP stack nests
 * inside it. The cycle event alone is multicast under it, to keep the
 * events in cycle order: netlink's broadcast takes only its table lock
 * and the listeners' queue locks, none of which is ever held while
 * agg->lock is taken.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ktime.h>
#include <linux/timekeeping.h>

#include "agg.h"
#include "cycle.h"
#include "job.h"
#include "netlink.h"
#include "node.h"
#include "peer.h"
#include "plan.h"
#include "repl.h"
#include "socket.h"
#include "stage.h"

/**
 * struct cycle_out - what a handler sends once agg->lock is dropped
 * @tasks: TASKs (worker faults apply)
 * @other: ACTUATEs
 *
 * The cycle event is not here: finish() multicasts it under agg->lock, so
 * that listeners get the events in cycle order. Sent after the unlock, a
 * missed cycle finished late by tick() on one CPU could follow the next
 * cycle's event, completed by a RESULT on another (seen under TCG: "cycle
 * 993 after cycle 994"). An actuator drops an ACTUATE older than the last
 * one it applied, so the ACTUATEs may stay outside the lock.
 */
struct cycle_out {
	struct sk_buff_head tasks;
	struct sk_buff_head other;
};

static void out_init(struct cycle_out *out)
{
	__skb_queue_head_init(&out->tasks);
	__skb_queue_head_init(&out->other);
}

static void out_flush(struct agiswarm_node *node, struct cycle_out *out)
{
	agiswarm_socket_send_list(node, &out->tasks, true);
	agiswarm_socket_send_list(node, &out->other, false);
}

static u32 us_since(ktime_t t, ktime_t now)
{
	s64 us = ktime_us_delta(now, t);

	return us < 0 ? 0 : min_t(s64, us, U32_MAX);
}

/* A datagram of @len bytes of @buf to @ep, or to @addr:@port; atomic. */
static struct sk_buff *build(const void *buf, size_t len,
			     const struct sockaddr_in *ep, __be32 addr,
			     __be16 port, u32 worker)
{
	struct sk_buff *skb = agiswarm_socket_alloc(GFP_ATOMIC);

	if (unlikely(!skb))
		return NULL;
	skb_put_data(skb, buf, len);
	AGISWARM_SKB_CB(skb)->daddr = ep ? ep->sin_addr.s_addr : addr;
	AGISWARM_SKB_CB(skb)->dport = ep ? ep->sin_port : port;
	AGISWARM_SKB_CB(skb)->worker = worker;
	return skb;
}

/**
 * agiswarm_cycle_skb() - a datagram of @len bytes of @buf to @ep
 * @buf: the message
 * @len: its length
 * @ep: its destination
 *
 * Context: any (atomic allocation).
 * Return: the datagram, or NULL without memory.
 */
struct sk_buff *agiswarm_cycle_skb(const void *buf, size_t len,
				   const struct sockaddr_in *ep)
{
	return build(buf, len, ep, 0, 0, 0);
}

/* ACTUATE to every actuator peer. */
static void actuate(struct agiswarm_agg *agg, u8 status, struct cycle_out *out)
{
	struct agi_wire_actuate a = {
		.epoch = READ_ONCE(agg->node->epoch),
		.cycle = agg->cycle_id,
		.fmt = agg->fmt_u,
		.status = status,
		.u = { .host.s32 = agg->u, .n = agg->nu },
	};
	struct agiswarm_peer *p;
	struct sk_buff *skb;
	size_t len;

	lockdep_assert_held(&agg->lock);
	if (!agg->nu)
		return;
	len = agi_wire_put_actuate(agg->task_buf, sizeof(agg->task_buf), &a);
	if (WARN_ON_ONCE(!len))
		return;
	/* In softirq: an RCU reader of the peers. */
	list_for_each_entry_rcu(p, &agg->node->peers, list) {
		if (p->kind != AGISWARM_PEER_ACTUATOR)
			continue;
		skb = build(agg->task_buf, len, &p->ep, 0, 0, 0);
		if (skb)
			__skb_queue_tail(&out->other, skb);
		else
			agiswarm_node_count(agg->node, AGISWARM_CNT_TX_ERRORS, 1);
	}
}

/* y from the decoder. */
static void compute_y(struct agiswarm_agg *agg)
{
	const struct agiswarm_plan *plan = agg->plan;
	struct agi_i128 z;
	u32 i;

	lockdep_assert_held(&agg->lock);
	for (i = 0; i < plan->code.m; i++) {
		if (WARN_ON_ONCE(agi_code_decoder_get(plan->dec, i, &z)))
			z = (struct agi_i128){};
		agg->y[i] = agi_q_round_sum(z, plan->fa, agg->cfmt);
	}
	agg->nu = plan->code.m;
}

/**
 * agiswarm_cycle_law() - u from y by the law in use
 * @agg: the aggregator
 * @y: @n values of y, in @yfmt
 * @n: how many
 * @yfmt: their format
 * @u: the output, @n values
 * @st: the PID state per output, stepped (agg->pid_state, or a backup's
 *	copy of it to check a record with)
 *
 * The one implementation of the law: the cycle's output and a backup's
 * check of the primary's (repl.c).
 *
 * Context: agg->lock held.
 * Return: the format of @u.
 */
u8 agiswarm_cycle_law(const struct agiswarm_agg *agg, const s32 *y, u16 n,
		      u8 yfmt, s32 *u, struct agi_pid_state *st)
{
	u32 i;

	lockdep_assert_held(&agg->lock);
	if (agg->law == AGISWARM_LAW_FEEDBACK) {
		memcpy(u, y, n * sizeof(s32));
		return yfmt;
	}
	for (i = 0; i < n; i++)
		u[i] = agi_pid_step(&agg->pid, &st[i],
				    i < agg->nsp ? agg->sp[i] : 0, y[i]);
	return agg->pid.sig_fmt;
}

/* u from y by the law. */
static void compute_output(struct agiswarm_agg *agg)
{
	lockdep_assert_held(&agg->lock);
	agg->fmt_u = agiswarm_cycle_law(agg, agg->y, agg->nu, agg->cfmt,
					agg->u, agg->pid_state);
}

/* The u of a missed cycle, and the ACTUATE status that says what it is. */
static u8 missed_output(struct agiswarm_agg *agg)
{
	lockdep_assert_held(&agg->lock);
	if (!agg->nu && agg->plan) {
		agg->nu = agg->plan->code.m;
		agg->fmt_u = agg->cfmt;
	}
	if (agg->miss == AGISWARM_MISS_HOLD && agg->have_u)
		return AGISWARM_ACTUATE_HOLD;
	memset(agg->u, 0, agg->nu * sizeof(s32));
	return AGISWARM_ACTUATE_ZERO;
}

/*
 * Whether this cycle's output must be the safe one: the emergency stop, or
 * no input for sensor_timeout_us, counted in whole cycles at the current
 * period.
 */
static u8 safe_state(const struct agiswarm_agg *agg)
{
	u64 cycles;

	lockdep_assert_held(&agg->lock);
	if (agg->estop)
		return AGISWARM_SAFE_ESTOP;
	if (!agg->sensor_timeout_us || !agg->period_us)
		return AGISWARM_SAFE_NONE;
	cycles = DIV_ROUND_UP(agg->sensor_timeout_us, agg->period_us);
	return agg->cycle_id - agg->x_cycle >= cycles ?
	       AGISWARM_SAFE_SENSOR_TIMEOUT : AGISWARM_SAFE_NONE;
}

/* u is the safe output, Q1.31, one value per output. */
static void safe_output(struct agiswarm_agg *agg)
{
	u32 i;

	lockdep_assert_held(&agg->lock);
	if (!agg->nu && agg->plan)
		agg->nu = agg->plan->code.m;
	for (i = 0; i < agg->nu; i++)
		agg->u[i] = i < agg->nsafe ? agg->safe[i] : 0;
	agg->fmt_u = AGISWARM_Q1_31;
}

/* Counts and says when the sensor falls silent; the new state. */
static u8 enter_safe_state(struct agiswarm_agg *agg)
{
	u8 state = safe_state(agg);

	lockdep_assert_held(&agg->lock);
	if (state == AGISWARM_SAFE_SENSOR_TIMEOUT &&
	    agg->safe_state != AGISWARM_SAFE_SENSOR_TIMEOUT) {
		agiswarm_node_count(agg->node, AGISWARM_CNT_SENSOR_TIMEOUTS, 1);
		pr_warn_ratelimited("netns %u: no input since cycle %llu (%u us): outputs safe\n",
				    agg->node->net->ns.inum, agg->x_cycle,
				    agg->sensor_timeout_us);
	} else if (state == AGISWARM_SAFE_NONE &&
		   agg->safe_state == AGISWARM_SAFE_SENSOR_TIMEOUT) {
		pr_info_ratelimited("netns %u: input again at cycle %llu: outputs follow the law\n",
				    agg->node->net->ns.inum, agg->cycle_id);
	}
	agg->safe_state = state;
	return state;
}

static u32 error_ppm(u32 tasks, u32 answered)
{
	if (!tasks)
		return 0;
	return div_u64((u64)(tasks - min(answered, tasks)) * 1000000, tasks);
}

/* The metrics record of the current cycle. */
static struct agiswarm_metric *record(struct agiswarm_agg *agg, bool ok,
				      ktime_t now)
{
	struct agiswarm_metric *rec = &agg->ring[agg->ring_head];
	u32 workers = bitmap_weight(agg->answered, AGISWARM_AGG_WORKERS_MAX);

	lockdep_assert_held(&agg->lock);
	agg->ring_head = (agg->ring_head + 1) % AGISWARM_METRICS_MAX;
	if (agg->ring_count < AGISWARM_METRICS_MAX)
		agg->ring_count++;
	*rec = (struct agiswarm_metric){
		.cycle = agg->cycle_id,
		.epoch = READ_ONCE(agg->node->epoch),
		.timestamp_ns = agg->t0_real_ns,
		.latency_us = us_since(agg->t0, now),
		.jitter_us = agg->jitter_us,
		.workers = workers,
		.tasks = agg->tasks,
		.results_used = agg->results_used,
		.status = ok ? AGISWARM_CYCLE_OK : AGISWARM_CYCLE_MISSED,
		.error_ppm = error_ppm(agg->tasks, workers),
		.applied = agg->applied,
	};
	return rec;
}

/* Ends the current cycle, ok or missed: its output, record and event. */
static void finish(struct agiswarm_agg *agg, bool ok, struct cycle_out *out)
{
	struct agiswarm_node *node = agg->node;
	const struct agiswarm_metric *rec;
	struct sk_buff *event;
	u8 status;

	lockdep_assert_held(&agg->lock);
	if (!agiswarm_repl_drives(agg)) {
		/* A backup's shadow: decoded; sent, or not, at shadow_at. */
		if (ok) {
			compute_y(agg);
			agiswarm_repl_shadow_step(agg);
		}
		agg->phase = ok ? PHASE_DONE : PHASE_IDLE;
		return;
	}
	if (enter_safe_state(agg) != AGISWARM_SAFE_NONE) {
		/* y is still decoded and reported; the law is not stepped. */
		if (ok)
			compute_y(agg);
		safe_output(agg);
		status = AGISWARM_ACTUATE_SAFE;
		agiswarm_node_count(node, AGISWARM_CNT_SAFE_CYCLES, 1);
	} else if (ok) {
		compute_y(agg);
		compute_output(agg);
		agg->have_u = true;
		status = AGISWARM_ACTUATE_OK;
	} else {
		status = missed_output(agg);
	}
	agg->phase = ok ? PHASE_DONE : PHASE_MISSED;
	actuate(agg, status, out);
	agiswarm_repl_send_record(agg, status, ok, &out->other);
	rec = record(agg, ok, ktime_get());
	agiswarm_node_count(node, ok ? AGISWARM_CNT_CYCLES_OK :
				       AGISWARM_CNT_CYCLES_MISSED, 1);
	event = agiswarm_netlink_cycle_msg(node, rec, agg->cfmt, agg->cx,
					   agg->ncx, ok ? agg->y : NULL,
					   ok ? agg->nu : 0, agg->u, agg->nu);
	if (event)
		agiswarm_netlink_cycle_send(node, event);
	if (ok)
		hrtimer_try_to_cancel(&agg->deadline);
	/* Until the next tick the time is the jobs'. */
	agiswarm_job_kick(agg);
}

/*
 * When the cycle's window ends: who was tasked and sent nothing before the
 * deadline. The cycle's metrics record gets its
 * final error rate here (the event, sent at completion, had the rate at
 * completion time: a cycle usually completes before every worker answers).
 */
static void account_silent_workers(struct agiswarm_agg *agg)
{
	const struct agiswarm_plan *plan = agg->plan;
	struct agiswarm_metric *rec;
	u32 i, heard = 0;

	lockdep_assert_held(&agg->lock);
	if (!plan)
		goto out;
	for_each_set_bit(i, agg->tasked, plan->nworkers) {
		if (test_bit(i, agg->heard))
			heard++;
		else
			plan->w[i].peer->missed++;
	}
	rec = &agg->ring[(agg->ring_head + AGISWARM_METRICS_MAX - 1) %
			 AGISWARM_METRICS_MAX];
	if (agg->ring_count && rec->cycle == agg->cycle_id)
		rec->error_ppm = error_ppm(agg->tasks, heard);
out:
	bitmap_zero(agg->tasked, AGISWARM_AGG_WORKERS_MAX);
	bitmap_zero(agg->heard, AGISWARM_AGG_WORKERS_MAX);
}

/* Marks the workers still without rows; true when any. */
static bool rows_stale(struct agiswarm_agg *agg)
{
	struct agiswarm_plan *plan = agg->plan;
	bool any = false;
	u32 i;

	lockdep_assert_held(&agg->lock);
	for (i = 0; i < plan->nworkers; i++) {
		struct agiswarm_plan_worker *w = &plan->w[i];

		if (w->peer->gen == plan->gen ||
		    agg->cycle_id - w->rows_sent < 20 ||
		    test_bit(i, agg->rows_pending))
			continue;
		__set_bit(i, agg->rows_pending);
		any = true;
	}
	return any;
}

/*
 * The TASKs of a new cycle. Each names the row set binding its worker is
 * to hold (the group, the epoch its rows were sent in, the generation and
 * their hash), so it is encoded per worker.
 */
static void send_tasks(struct agiswarm_agg *agg, struct cycle_out *out)
{
	struct agiswarm_plan *plan = agg->plan;
	struct agi_wire_task t = {
		.epoch = READ_ONCE(agg->node->epoch),
		.cycle = agg->cycle_id,
		.fmt = agg->cfmt,
		.x = { .host.s32 = agg->cx, .n = agg->ncx },
	};
	struct sk_buff *skb;
	size_t len;
	u32 i;

	lockdep_assert_held(&agg->lock);
	if (!plan || agg->ncx != plan->cols)
		return;
	agi_code_decoder_reset(plan->dec);
	t.gen = plan->gen;
	t.group = plan->group;
	for (i = 0; i < plan->nworkers; i++) {
		if (!plan->w[i].nrows)
			continue;	/* fewer source rows than workers */
		t.rows_epoch = plan->w[i].rows_epoch;
		memcpy(t.hash, plan->w[i].hash, sizeof(t.hash));
		len = agi_wire_put_task(agg->task_buf, AGISWARM_WIRE_PLAIN_MAX,
					&t);
		if (WARN_ON_ONCE(!len))
			return;
		skb = build(agg->task_buf, len, NULL, plan->w[i].addr,
			    plan->w[i].port, plan->w[i].id);
		if (unlikely(!skb)) {
			agiswarm_node_count(agg->node, AGISWARM_CNT_TX_ERRORS, 1);
			continue;
		}
		__skb_queue_tail(&out->tasks, skb);
		__set_bit(i, agg->tasked);
		agg->tasks++;
	}
	agiswarm_node_count(agg->node, AGISWARM_CNT_TASKS_SENT, agg->tasks);
	if (rows_stale(agg))
		agiswarm_plan_send_rows(agg);
}

/* A new cycle: what is staged for it, its input, its TASKs, its deadline. */
static void start_cycle(struct agiswarm_agg *agg, ktime_t now,
			struct cycle_out *out)
{
	s64 spacing;

	lockdep_assert_held(&agg->lock);
	account_silent_workers(agg);
	if (agg->last_tick) {
		spacing = ktime_us_delta(now, agg->last_tick);
		agg->jitter_us = min_t(u64, abs(spacing - agg->period_us),
				       U32_MAX);
	}
	agg->last_tick = now;
	agg->cycle_id++;
	/* Before anything of the cycle: its deadline, x, TASKs, law. */
	agg->applied = agiswarm_stage_apply(agg);
	agg->t0 = now;
	agg->t0_real_ns = ktime_get_real_ns();
	agg->deadline_at = ktime_add_us(now, agg->deadline_us);
	agg->tasks = 0;
	agg->results_used = 0;
	/* The input this cycle's TASKs, y, u and event all use. */
	agg->cfmt = agg->fmt_x;
	agg->ncx = agg->nx;
	memcpy(agg->cx, agg->x, agg->nx * sizeof(s32));
	bitmap_zero(agg->answered, AGISWARM_AGG_WORKERS_MAX);
	agg->phase = PHASE_WAITING;
	agiswarm_node_count(agg->node, AGISWARM_CNT_CYCLES, 1);
	send_tasks(agg, out);
	hrtimer_start(&agg->deadline, agg->deadline_at, HRTIMER_MODE_ABS_SOFT);
}

/*
 * A cycle of a tick or a watch: a takeover's last shadow output (@shadow)
 * goes first, in the old epoch, then the takeover, then the cycle.
 */
static void begin_cycle(struct agiswarm_agg *agg, bool shadow, ktime_t now,
			struct cycle_out *out)
{
	lockdep_assert_held(&agg->lock);
	if (shadow) {
		actuate(agg, AGISWARM_ACTUATE_OK, out);
		agiswarm_repl_take_over(agg);
	}
	/* A deadline that TCG delayed past the next tick. */
	if (agg->phase == PHASE_WAITING)
		finish(agg, false, out);
	start_cycle(agg, now, out);
}

/* @timer fired more than half a period late: this host stalled. */
static bool stalled(const struct agiswarm_agg *agg, struct hrtimer *timer,
		    ktime_t now)
{
	return ktime_us_delta(now, hrtimer_get_expires(timer)) >
	       agg->period_us / 2;
}

/* A watch's takeover started a cycle less than half a period ago. */
static bool just_started(struct agiswarm_agg *agg, ktime_t now)
{
	bool watched = agg->watched;

	lockdep_assert_held(&agg->lock);
	agg->watched = false;
	return watched &&
	       ktime_us_delta(now, agg->last_tick) < agg->period_us / 2;
}

static enum hrtimer_restart tick(struct hrtimer *timer)
{
	struct agiswarm_agg *agg = container_of(timer, struct agiswarm_agg,
						tick);
	ktime_t now = ktime_get();
	struct cycle_out out;
	bool running, shadow = false;

	out_init(&out);
	spin_lock(&agg->lock);
	running = agg->running;
	/*
	 * A backup's tick starts no cycle, unless it takes over; one that
	 * fired more than half a period late (stalled()) says nothing of the
	 * primary. A watch that took over just now started this period's
	 * cycle.
	 */
	if (running && !just_started(agg, now) &&
	    agiswarm_repl_tick(agg, stalled(agg, timer, now), &shadow))
		begin_cycle(agg, shadow, now, &out);
	/*
	 * Skips the ticks that were missed: ids stay increasing. Unless a
	 * watch's takeover set the timer to its own grid meanwhile.
	 */
	if (running && !hrtimer_is_queued(timer))
		hrtimer_forward(timer, now, ns_to_ktime((u64)agg->period_us * NSEC_PER_USEC));
	spin_unlock(&agg->lock);
	out_flush(agg->node, &out);
	return running ? HRTIMER_RESTART : HRTIMER_NORESTART;
}

static enum hrtimer_restart deadline(struct hrtimer *timer)
{
	struct agiswarm_agg *agg = container_of(timer, struct agiswarm_agg,
						deadline);
	struct cycle_out out;

	out_init(&out);
	spin_lock(&agg->lock);
	/* It may have been re-armed for a newer cycle while waiting. */
	if (!agiswarm_repl_drives(agg)) {
		if (agiswarm_repl_shadow_due(agg, false))
			actuate(agg, AGISWARM_ACTUATE_OK, &out);
	} else if (agg->phase == PHASE_WAITING &&
		   !ktime_before(ktime_get(), agg->deadline_at)) {
		finish(agg, false, &out);
	}
	spin_unlock(&agg->lock);
	out_flush(agg->node, &out);
	return HRTIMER_NORESTART;
}

/*
 * A first backup's watch (agiswarm_repl_watch()): the primary's next cycle
 * is overdue. It takes over and starts that cycle now; the cycle timer
 * ticks a period from now on.
 */
static enum hrtimer_restart watch(struct hrtimer *timer)
{
	struct agiswarm_agg *agg = container_of(timer, struct agiswarm_agg,
						watch);
	ktime_t now = ktime_get();
	struct cycle_out out;
	bool shadow = false;

	out_init(&out);
	spin_lock(&agg->lock);
	if (agg->running &&
	    agiswarm_repl_watch(agg, stalled(agg, timer, now), &shadow)) {
		begin_cycle(agg, shadow, now, &out);
		agg->watched = true;
		/* A tick waiting for the lock sees just_started(). */
		if (!hrtimer_callback_running(&agg->tick))
			hrtimer_start(&agg->tick,
				      ktime_add_us(now, agg->period_us),
				      HRTIMER_MODE_ABS_SOFT);
	}
	spin_unlock(&agg->lock);
	out_flush(agg->node, &out);
	return HRTIMER_NORESTART;
}

/* The plan slot of worker @id, or -1 when it has none. */
static int find_worker(const struct agiswarm_plan *plan, u32 id)
{
	u32 i;

	for (i = 0; i < plan->nworkers; i++)
		if (plan->w[i].id == id)
			return i;
	return -1;
}

static bool rows_belong(const struct agiswarm_plan *plan,
			const struct agi_wire_result *r, int slot)
{
	u16 i;

	for (i = 0; i < r->values.n; i++) {
		u16 row = agi_wire_vec_value(&r->values, i).row;

		if (row >= plan->code.n_coded || plan->owner[row] != slot)
			return false;
	}
	return true;
}

/* One decode's time into the histogram GET_STATUS reports. */
static void decode_time(struct agiswarm_agg *agg, u64 ns)
{
	u64 us = div_u64(ns, NSEC_PER_USEC);

	lockdep_assert_held(&agg->lock);
	agg->decode_hist[min_t(u32, us ? fls64(us) : 0,
			       AGISWARM_DECODE_BUCKETS - 1)]++;
	agg->decode_max_ns = max(agg->decode_max_ns, ns);
}

/*
 * The cross-check of what the decoder did not need ("Cross-check" in the
 * UAPI header): counts the values the decoder checked since @checked and
 * @bad were read, and @peer's RESULT once when any disagreed.
 */
static void count_checks(struct agiswarm_agg *agg, struct agiswarm_peer *peer,
			 u32 checked, u32 bad)
{
	const struct agi_code_stats *st = agi_code_decoder_stats(agg->plan->dec);
	struct agiswarm_node *node = agg->node;

	lockdep_assert_held(&agg->lock);
	if (st->checked != checked)
		agiswarm_node_count(node, AGISWARM_CNT_RESULTS_CHECKED,
				    st->checked - checked);
	if (st->inconsistent == bad)
		return;
	peer->inconsistent++;
	agiswarm_node_count(node, AGISWARM_CNT_RESULTS_INCONSISTENT, 1);
	pr_warn_ratelimited("netns %u: cycle %llu: a RESULT of worker %u disagrees with the decoded y\n",
			    node->net->ns.inum, agg->cycle_id, peer->id);
}

/*
 * Feeds @r's values to the decoder; the cycle ends when they decode. The
 * values after the one that completed it are cross-checked. The lock is
 * held for at most one RESULT's values (AGISWARM_WIRE_VALUES_MAX), and the
 * solving they trigger is bounded by the MDS layers they complete
 * (include/core/code.h, "DOC: Decoder"), a check by m additions;
 * decode_time() records how long.
 */
static void decode(struct agiswarm_agg *agg, const struct agi_wire_result *r,
		   struct agiswarm_peer *peer, struct cycle_out *out)
{
	const struct agi_code_stats *st = agi_code_decoder_stats(agg->plan->dec);
	u32 checked = st->checked, bad = st->inconsistent;
	struct agiswarm_node *node = agg->node;
	u64 t0 = ktime_get_ns();
	bool done = false;
	u16 i;
	int ret;

	lockdep_assert_held(&agg->lock);
	for (i = 0; i < r->values.n; i++) {
		struct agi_wire_value v = agi_wire_vec_value(&r->values, i);

		if (done) {	/* not used: checked, and counted late */
			agi_code_decoder_add(agg->plan->dec, v.row, v.sum);
			continue;
		}
		ret = agi_code_decoder_add(agg->plan->dec, v.row, v.sum);
		if (unlikely(ret < 0)) {
			agiswarm_node_count(node, AGISWARM_CNT_DECODE_FAILED, 1);
			continue;
		}
		agg->results_used++;
		agiswarm_node_count(node, AGISWARM_CNT_RESULTS_USED, 1);
		done = ret == 1;
	}
	decode_time(agg, ktime_get_ns() - t0);
	count_checks(agg, peer, checked, bad);
	if (done)
		finish(agg, true, out);
}

/*
 * A RESULT of the current cycle after it decoded, before its deadline:
 * every value is cross-checked (m additions at most each, as many values
 * as a RESULT holds), none is used.
 */
static void cross_check(struct agiswarm_agg *agg,
			const struct agi_wire_result *r,
			struct agiswarm_peer *peer)
{
	const struct agi_code_stats *st = agi_code_decoder_stats(agg->plan->dec);
	u32 checked = st->checked, bad = st->inconsistent;
	u16 i;

	lockdep_assert_held(&agg->lock);
	for (i = 0; i < r->values.n; i++) {
		struct agi_wire_value v = agi_wire_vec_value(&r->values, i);

		agi_code_decoder_check(agg->plan->dec, v.row, v.sum);
	}
	count_checks(agg, peer, checked, bad);
}

/**
 * use_result() - feed a RESULT to the cycle, if it belongs to it
 * @agg: the aggregator
 * @r: the RESULT
 * @saddr: its source address
 * @sport: its source port
 * @out: what to send once agg->lock is dropped (the cycle may finish)
 * @reason: where the counter of a refusal goes
 *
 * Context: agg->lock held.
 * Return: 0 when its values went to the decoder; -ETIME
 * (AGISWARM_CNT_RESULTS_LATE) for a RESULT of an earlier cycle, or of this
 * one once it is decided (cross-checked when that was before the
 * deadline); -ESTALE (DROP_STALE) for another epoch or
 * generation, or when nothing is assigned; -ENOENT (DROP_UNKNOWN_PEER)
 * when its worker is not in the assignment or sent from another endpoint;
 * -EINVAL (DROP_BADVALUE) for a future cycle or rows not the worker's.
 *
 * A backup takes the workers' copies of the primary's RESULTs, of the
 * generation its last record named (shadow decoding): one of a later
 * cycle than the one it decodes begins the shadow of that cycle
 * (agiswarm_repl_shadow_start()); one it cannot decode is DROP_STALE.
 */
static int use_result(struct agiswarm_agg *agg, const struct agi_wire_result *r,
		      __be32 saddr, __be16 sport, struct cycle_out *out,
		      enum agiswarm_counter *reason)
{
	struct agiswarm_plan *plan = agg->plan;
	struct agiswarm_peer *peer;
	int slot;
	u32 gen;

	lockdep_assert_held(&agg->lock);
	if (r->epoch != READ_ONCE(agg->node->epoch) || !plan)
		goto stale;
	slot = find_worker(plan, r->worker);
	if (slot < 0 || plan->w[slot].addr != saddr ||
	    plan->w[slot].port != sport) {
		*reason = AGISWARM_CNT_DROP_UNKNOWN_PEER;
		return -ENOENT;
	}
	peer = plan->w[slot].peer;
	peer->gen = r->gen;
	if (!agiswarm_repl_shadow_gen(agg, &gen) || r->gen != gen)
		goto stale;
	if (!rows_belong(plan, r, slot))
		goto badvalue;
	if (r->cycle > agg->cycle_id) {
		if (agiswarm_repl_drives(agg))
			goto badvalue;
		/*
		 * A backup's copy of the primary's next cycle: the shadow of
		 * this one is decided now, the next one's begins.
		 */
		if (agiswarm_repl_shadow_due(agg, true))
			actuate(agg, AGISWARM_ACTUATE_OK, out);
		if (!agiswarm_repl_shadow_start(agg, r->cycle))
			goto badvalue;
	}
	if (r->cycle < agg->cycle_id)
		goto late;
	peer->results++;
	peer->last_cycle = r->cycle;
	if (agg->phase != PHASE_MISSED)
		__set_bit(slot, agg->heard);	/* before the deadline */
	if (agg->phase == PHASE_DONE &&
	    ktime_before(ktime_get(), agg->deadline_at))
		cross_check(agg, r, peer);
	if (agg->phase != PHASE_WAITING)
		goto late;
	__set_bit(slot, agg->answered);
	decode(agg, r, peer, out);
	return 0;
late:
	*reason = AGISWARM_CNT_RESULTS_LATE;
	return -ETIME;
stale:
	*reason = AGISWARM_CNT_DROP_STALE;
	return -ESTALE;
badvalue:
	*reason = AGISWARM_CNT_DROP_BADVALUE;
	return -EINVAL;
}

/**
 * agiswarm_cycle_rx_result() - a worker's RESULT arrived
 * @node: the aggregator's node
 * @r: the RESULT
 * @saddr: its source address
 * @sport: its source port
 * @reason: where the counter of a refusal goes
 *
 * When it completes the decoding, the cycle's output is sent from here.
 *
 * Context: softirq, or bh disabled.
 * Return: 0 when used, else -errno with *@reason, as use_result().
 */
int agiswarm_cycle_rx_result(struct agiswarm_node *node,
			     const struct agi_wire_result *r, __be32 saddr,
			     __be16 sport, enum agiswarm_counter *reason)
{
	struct agiswarm_agg *agg = agg_of(node);
	struct cycle_out out;
	int ret;

	lockdep_assert_in_softirq();
	out_init(&out);
	spin_lock(&agg->lock);
	ret = use_result(agg, r, saddr, sport, &out, reason);
	spin_unlock(&agg->lock);
	out_flush(node, &out);
	return ret;
}

/**
 * agiswarm_cycle_read_decode() - the decode-time histogram
 * @node: the node
 * @hist: AGISWARM_DECODE_BUCKETS counts (see the UAPI header)
 * @max_ns: the longest decode of one RESULT, in ns
 *
 * Context: process.
 */
void agiswarm_cycle_read_decode(struct agiswarm_node *node, u64 *hist,
				u64 *max_ns)
{
	struct agiswarm_agg *agg = agg_of(node);

	spin_lock_bh(&agg->lock);
	memcpy(hist, agg->decode_hist, sizeof(agg->decode_hist));
	*max_ns = agg->decode_max_ns;
	spin_unlock_bh(&agg->lock);
}

/**
 * agiswarm_cycle_rx_sensor() - a sensor's reading arrived: the new input
 * @node: the aggregator's node
 * @s: the SENSOR
 * @saddr: its source address
 * @sport: its source port
 * @reason: where the counter of a refusal goes
 *
 * The next cycle to start computes with it.
 *
 * Context: softirq, or bh disabled.
 * Return: 0 when it is the input now; -ENOENT (DROP_UNKNOWN_PEER) when
 * @saddr:@sport is no sensor peer's endpoint; -EINVAL (DROP_BADVALUE) when
 * its length is not the matrix's columns.
 */
int agiswarm_cycle_rx_sensor(struct agiswarm_node *node,
			     const struct agi_wire_sensor *s, __be32 saddr,
			     __be16 sport, enum agiswarm_counter *reason)
{
	struct agiswarm_agg *agg = agg_of(node);
	int ret = 0;
	u16 i;

	lockdep_assert_in_softirq();
	if (!agiswarm_peer_find_addr(node, AGISWARM_PEER_SENSOR, saddr, sport)) {
		*reason = AGISWARM_CNT_DROP_UNKNOWN_PEER;
		return -ENOENT;
	}
	spin_lock(&agg->lock);
	if (s->x.n != agg->cols) {
		*reason = AGISWARM_CNT_DROP_BADVALUE;
		ret = -EINVAL;
	} else {
		agg->fmt_x = s->fmt;
		agg->nx = s->x.n;
		for (i = 0; i < s->x.n; i++)
			agg->x[i] = agi_wire_vec_s32(&s->x, i);
		agg->x_cycle = agg->cycle_id;
	}
	spin_unlock(&agg->lock);
	return ret;
}

/**
 * agiswarm_cycle_start() - start the cycle, unless it runs
 * @agg: the aggregator
 *
 * The first tick is now; cycle ids go on from the last.
 *
 * Context: process, node->conf_lock held.
 */
void agiswarm_cycle_start(struct agiswarm_agg *agg)
{
	lockdep_assert_held(&agg->node->conf_lock);
	spin_lock_bh(&agg->lock);
	if (agg->running) {
		spin_unlock_bh(&agg->lock);
		return;
	}
	agg->running = true;
	agg->phase = PHASE_IDLE;
	agg->last_tick = 0;
	/* Starting counts as an input: the timeout runs from here. */
	agg->x_cycle = agg->cycle_id;
	spin_unlock_bh(&agg->lock);
	hrtimer_start(&agg->tick, ktime_get(), HRTIMER_MODE_ABS_SOFT);
}

/**
 * agiswarm_cycle_stop() - stop the cycle and wait for its timers
 * @agg: the aggregator
 *
 * A cycle in progress ends without output; its silent workers are counted.
 *
 * Context: process, agg->lock not held: the timer callbacks take it.
 */
void agiswarm_cycle_stop(struct agiswarm_agg *agg)
{
	lockdep_assert_not_held(&agg->lock);
	spin_lock_bh(&agg->lock);
	agg->running = false;
	spin_unlock_bh(&agg->lock);
	hrtimer_cancel(&agg->tick);
	hrtimer_cancel(&agg->deadline);
	hrtimer_cancel(&agg->watch);
	spin_lock_bh(&agg->lock);
	account_silent_workers(agg);
	agg->phase = PHASE_IDLE;
	spin_unlock_bh(&agg->lock);
}

/**
 * agiswarm_cycle_estop() - emergency stop, or resume
 * @agg: the aggregator
 * @on: stop: ACTUATE with the safe output to every actuator now, and in
 *	every cycle until resumed; or resume
 *
 * The cycle keeps running (y is decoded and reported) but the law is not
 * stepped while stopped, so a resume continues from the PID's state before
 * the stop. A resume while the input is silent keeps the outputs safe.
 *
 * Context: process, agg->lock not held.
 */
void agiswarm_cycle_estop(struct agiswarm_agg *agg, bool on)
{
	struct cycle_out out;

	lockdep_assert_not_held(&agg->lock);
	out_init(&out);
	spin_lock_bh(&agg->lock);
	if (on && !agg->estop)
		agiswarm_node_count(agg->node, AGISWARM_CNT_ESTOPS, 1);
	if (on != agg->estop)
		pr_info_ratelimited("netns %u: %s at cycle %llu\n",
				    agg->node->net->ns.inum,
				    on ? "emergency stop" : "resumed",
				    agg->cycle_id);
	agg->estop = on;
	if (on) {
		agg->safe_state = AGISWARM_SAFE_ESTOP;
		safe_output(agg);
		actuate(agg, AGISWARM_ACTUATE_SAFE, &out);
	} else if (agg->safe_state == AGISWARM_SAFE_ESTOP) {
		agg->safe_state = safe_state(agg);
	}
	spin_unlock_bh(&agg->lock);
	/* The senders run in softirq elsewhere: keep them in bh context. */
	local_bh_disable();
	out_flush(agg->node, &out);
	local_bh_enable();
}

/**
 * agiswarm_cycle_init() - prepare an aggregator's timers
 * @agg: the aggregator
 */
void agiswarm_cycle_init(struct agiswarm_agg *agg)
{
	hrtimer_init(&agg->tick, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_SOFT);
	agg->tick.function = tick;
	hrtimer_init(&agg->deadline, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_SOFT);
	agg->deadline.function = deadline;
	hrtimer_init(&agg->watch, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_SOFT);
	agg->watch.function = watch;
}
