/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The aggregator's state, shared by its files: aggregator.c (its
 * configuration), stage.c (the matrix and changes on their way in), plan.c
 * (the row assignment) and cycle.c (the cycle). Not for other files.
 */
#ifndef AGISWARM_AGG_H
#define AGISWARM_AGG_H

#include <linux/bitmap.h>
#include <linux/hrtimer.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "../include/core/code.h"
#include "aggregator.h"
#include "node.h"
#include "repl.h"

struct agiswarm_jobs;
struct agiswarm_peer;

/**
 * struct agiswarm_matrix - a matrix A, staged or in use
 * @fmt: enum agiswarm_qformat of the entries
 * @rows: m
 * @cols: n
 * @staged: rows received so far (staging only)
 * @data: @rows x @cols raw entries, row-major
 */
struct agiswarm_matrix {
	u8 fmt;
	u32 rows;
	u32 cols;
	u32 staged;
	s32 data[];
};

/**
 * struct agiswarm_plan_worker - one worker in an assignment
 * @peer: its peer entry (the assignment is rebuilt before a peer is freed)
 * @id: its node id
 * @addr: its IPv4 address
 * @port: its UDP port
 * @nrows: coded rows it holds
 * @rows: their indices
 * @rows_sent: cycle id when its rows were last sent (agg->lock)
 * @rows_sent_j: jiffies then (agg->lock): NEED_ROWS resends are spaced
 * @rows_epoch: the epoch its rows were last sent in, 0 before (agg->lock;
 *	written by the ROWS work only), which its TASKs name
 * @hash: the content hash of its rows (rowhash.h)
 */
struct agiswarm_plan_worker {
	struct agiswarm_peer *peer;
	u32 id;
	__be32 addr;
	__be16 port;
	u16 nrows;
	u16 rows[AGISWARM_WIRE_ROWS_MAX];
	u64 rows_sent;
	unsigned long rows_sent_j;
	u64 rows_epoch;
	u8 hash[AGISWARM_WIRE_HASH_LEN];
};

/**
 * struct agiswarm_plan - one row assignment (a generation)
 * @code: the code (m, n_coded, W, f: an MDS assignment)
 * @gen: its generation
 * @group: the aggregator group's id its rows are bound to: the node's
 *	agiswarm_node_group() when it was built
 * @build_ns: how long building it took (assignment and decoder)
 * @fa: the matrix's format
 * @cols: n
 * @nworkers: W
 * @w: the W workers
 * @owner: worker slot of each coded row
 * @A: a copy of the matrix, to encode rows from
 * @dec: the decoder, used under the cycle lock only
 *
 * Immutable once built except @dec and @w[].rows_sent (agg->lock).
 * Replaced under both node->conf_lock and agg->lock and freed by the
 * replacer, since every user holds one of the two; or replaced by the
 * cycle under agg->lock alone (a staged matrix) and freed under
 * node->conf_lock by agiswarm_stage_settle().
 */
struct agiswarm_plan {
	struct agi_code code;
	u32 gen;
	u64 group;
	u64 build_ns;
	u8 fa;
	u32 cols;
	u32 nworkers;
	struct agiswarm_plan_worker *w;
	u16 *owner;
	s32 *A;
	struct agi_code_decoder *dec;
};

/**
 * struct agiswarm_stage - changes waiting for their cycle (stage.c)
 * @node_at: cycle of the staged SET_NODE change, 0 when none,
 *	AGISWARM_STAGE_HOLD while it is held (for no cycle, until armed)
 * @hold_at: the cycle a held change is armed for, 0 when none is held
 * @hold_matrix: the held matrix is part of the held change
 * @resume: the change ends an emergency stop
 * @timing: it sets @period_us and @deadline_us
 * @period_us: the period from then on
 * @deadline_us: the deadline from then on
 * @miss_set: it sets @miss
 * @miss: enum agiswarm_miss_policy
 * @law_set: it sets @law
 * @law: enum agiswarm_control_law
 * @pid_set: it sets @pid
 * @pid: the whole PID configuration (merged with the one in use when the
 *	change was checked)
 * @sp_set: it sets the @nsp setpoints @sp
 * @nsp: how many
 * @sp: the setpoints, Q1.31
 * @input_at: cycle of the staged SET_INPUT, 0 when none
 * @fmt_x: its format
 * @nx: its length
 * @x: its values
 * @matrix_at: cycle of the staged matrix, 0 when none
 * @matrix: the staged matrix (freed under node->conf_lock only)
 * @plan: its assignment over the current workers, NULL when there are none
 *
 * Under agg->lock: the cycle applies and clears each kind at its cycle.
 */
struct agiswarm_stage {
	u64 node_at;
	u64 hold_at;
	bool hold_matrix;
	bool resume;
	bool timing;
	u32 period_us;
	u32 deadline_us;
	bool miss_set;
	u8 miss;
	bool law_set;
	u8 law;
	bool pid_set;
	struct agi_pid_cfg pid;
	bool sp_set;
	u16 nsp;
	s32 sp[AGISWARM_WIRE_VEC_MAX];
	u64 input_at;
	u8 fmt_x;
	u16 nx;
	s32 x[AGISWARM_WIRE_VEC_MAX];
	u64 matrix_at;
	struct agiswarm_matrix *matrix;
	struct agiswarm_plan *plan;
};

enum agiswarm_phase {
	PHASE_IDLE,	/* not running, or before the first tick */
	PHASE_WAITING,	/* tasks out, waiting for results or the deadline */
	PHASE_DONE,	/* decoded and output */
	PHASE_MISSED,	/* deadline reached, held/zero output sent */
};

/**
 * struct agiswarm_agg - an aggregator node's state
 * @node: the node
 * @tick: the cycle timer (period)
 * @deadline: the deadline timer, armed at each tick
 * @watch: a first backup's watch on the primary's next cycle (repl.c)
 * @rows_work: sends ROWS to the workers marked in @rows_pending (plan.c)
 * @settle_work: settles a staged matrix the cycle applied (stage.c)
 * @matrix: the matrix in use, or NULL (node->conf_lock); a staged matrix
 *	the cycle applied waits in @done_matrix until settled
 * @staging: a matrix being received, or NULL (node->conf_lock)
 * @gen: the last generation assigned (node->conf_lock)
 * @redundancy: workers that may be lost (node->conf_lock; READ_ONCE for
 *	status)
 * @seed: the configured code seed (node->conf_lock)
 * @lock: the cycle lock (DOC: Locking in node.c): every member below it
 * @running: the cycle runs
 * @period_us: the cycle period
 * @deadline_us: the deadline, from each tick
 * @miss: enum agiswarm_miss_policy
 * @law: enum agiswarm_control_law
 * @pid: the PID configuration
 * @nsp: setpoints in @sp
 * @sp: the PID setpoints, Q1.31
 * @plan: the row assignment in use, or NULL (plan.c says who may hold it)
 * @cols: the columns of the matrix @plan assigns, 0 for none
 * @stage: changes waiting for their cycle (stage.c)
 * @applied: a staged change took effect at the start of the current cycle
 * @done_plan: the plan a staged matrix replaced, to be freed
 * @done_matrix: the staged matrix the cycle applied, to become @matrix
 * @fmt_x: the format of the input @x
 * @nx: its length
 * @x: the input, as SENSOR or SET_INPUT last set it
 * @cfmt: the format of @cx
 * @ncx: its length
 * @cx: the input of the current cycle (@x may change meanwhile)
 * @phase: where the current cycle is
 * @cycle_id: the current cycle, 0 before the first
 * @t0: its tick (monotonic)
 * @deadline_at: its deadline (monotonic)
 * @last_tick: the tick before, 0 at the first
 * @t0_real_ns: its tick (CLOCK_REALTIME), for the metrics
 * @jitter_us: |tick spacing - period| of this cycle
 * @tasks: TASKs sent in it
 * @results_used: values fed to its decoder
 * @tasked: workers sent a TASK in it, by plan slot
 * @answered: workers whose RESULT it used
 * @heard: workers heard from before its deadline
 * @rows_pending: workers to be sent their rows
 * @fmt_u: the format of @u
 * @nu: the length of @y and @u
 * @have_u: @u holds an output computed by a cycle (for miss hold)
 * @watched: the cycle in progress was started by a watch's takeover, not
 *	by a tick (the next tick, if within half a period, starts none)
 * @y: the last decoded y = A x
 * @u: the last output
 * @pid_state: the PID state per output
 * @sensor_timeout_us: no input for this long makes the outputs safe, 0 off
 * @x_cycle: the cycle of the last input (SENSOR, SET_INPUT, or the start)
 * @estop: the emergency stop holds the outputs at @safe
 * @safe_state: enum agiswarm_safe_state of the last output
 * @nsafe: values in @safe
 * @safe: the safe output, Q1.31; 0 past @nsafe
 * @audit_seq: the daemon's audit watermark: last seq decided
 * @audit_records: and the records in its log
 * @ring_head: where the next metrics record goes
 * @ring_count: records in @ring
 * @ring: the metrics of the last AGISWARM_METRICS_MAX cycles
 * @task_buf: a worker's encoded TASK of a cycle, or the cycle's ACTUATE,
 *	shared by every actuator
 * @decode_hist: time to decode one RESULT under the lock, log2 buckets
 *	of us (AGISWARM_DECODE_BUCKETS)
 * @decode_max_ns: the longest of them
 * @repl: this member's part in a replicated group (repl.c)
 * @jobs: the on-demand jobs (job.c), set at creation
 */
struct agiswarm_agg {
	struct agiswarm_node *node;
	struct hrtimer tick;
	struct hrtimer deadline;
	struct hrtimer watch;
	struct work_struct rows_work;
	struct work_struct settle_work;
	struct agiswarm_matrix *matrix;
	struct agiswarm_matrix *staging;
	u32 gen;
	u8 redundancy;
	u64 seed;

	spinlock_t lock;	/* the cycle lock: every member below */
	/* configuration the cycle reads */
	bool running;
	u32 period_us;
	u32 deadline_us;
	u8 miss;
	u8 law;
	struct agi_pid_cfg pid;
	u16 nsp;
	s32 sp[AGISWARM_WIRE_VEC_MAX];
	struct agiswarm_plan *plan;
	u32 cols;
	struct agiswarm_stage stage;
	bool applied;
	struct agiswarm_plan *done_plan;
	struct agiswarm_matrix *done_matrix;
	/* the input */
	u8 fmt_x;
	u16 nx;
	s32 x[AGISWARM_WIRE_VEC_MAX];
	/* the cycle, and the input it computes with */
	u8 cfmt;
	u16 ncx;
	s32 cx[AGISWARM_WIRE_VEC_MAX];
	enum agiswarm_phase phase;
	u64 cycle_id;
	ktime_t t0;
	ktime_t deadline_at;
	ktime_t last_tick;
	u64 t0_real_ns;
	u32 jitter_us;
	u32 tasks;
	u32 results_used;
	DECLARE_BITMAP(tasked, AGISWARM_AGG_WORKERS_MAX);
	DECLARE_BITMAP(answered, AGISWARM_AGG_WORKERS_MAX);
	DECLARE_BITMAP(heard, AGISWARM_AGG_WORKERS_MAX);
	DECLARE_BITMAP(rows_pending, AGISWARM_AGG_WORKERS_MAX);
	/* the output */
	u8 fmt_u;
	u16 nu;
	bool have_u;
	bool watched;
	s32 y[AGISWARM_WIRE_VEC_MAX];
	s32 u[AGISWARM_WIRE_VEC_MAX];
	struct agi_pid_state pid_state[AGISWARM_WIRE_VEC_MAX];
	/* safety */
	u32 sensor_timeout_us;
	u64 x_cycle;
	bool estop;
	u8 safe_state;
	u16 nsafe;
	s32 safe[AGISWARM_WIRE_VEC_MAX];
	u64 audit_seq;
	u64 audit_records;
	/* metrics ring */
	u32 ring_head;
	u32 ring_count;
	struct agiswarm_metric ring[AGISWARM_METRICS_MAX];
	u8 task_buf[AGISWARM_WIRE_MAX];
	u64 decode_hist[AGISWARM_DECODE_BUCKETS];
	u64 decode_max_ns;
	struct agiswarm_repl repl;
	struct agiswarm_jobs *jobs;
};

static inline struct agiswarm_agg *agg_of(struct agiswarm_node *node)
{
	return node->agg;
}

/* aggregator.c, for stage.c. */
void agiswarm_aggregator_apply_law(struct agiswarm_agg *agg, u8 law,
				   const struct agi_pid_cfg *pid, const s32 *sp,
				   u16 nsp);

#endif /* AGISWARM_AGG_H */
