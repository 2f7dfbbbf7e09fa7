/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 */
#ifndef AGISWARM_AGGREGATOR_H
#define AGISWARM_AGGREGATOR_H

#include <linux/netlink.h>
#include <linux/types.h>

#include "../include/core/fixed.h"
#include "../include/core/wire.h"

struct agiswarm_node;
struct agiswarm_peer;

#define AGISWARM_METRICS_MAX 1024	/* records kept per aggregator */
#define AGISWARM_AGG_WORKERS_MAX 256	/* workers in one assignment */

/**
 * struct agiswarm_metric - what one cycle did (a metrics record)
 * @cycle: the cycle id
 * @epoch: the epoch it ran in
 * @timestamp_ns: CLOCK_REALTIME at its tick
 * @latency_us: tick to output
 * @jitter_us: |actual tick spacing - period|, 0 for the first cycle
 * @workers: workers that answered before completion or the deadline
 * @tasks: TASKs sent
 * @error_ppm: tasks unanswered / tasks sent, in parts per million
 * @results_used: results fed to the decoder
 * @status: enum agiswarm_cycle_status
 * @applied: a staged change took effect at this cycle's start
 */
struct agiswarm_metric {
	u64 cycle;
	u64 epoch;
	u64 timestamp_ns;
	u32 latency_us;
	u32 jitter_us;
	u32 workers;
	u32 tasks;
	u32 error_ppm;
	u32 results_used;
	u8 status;
	bool applied;
};

/**
 * struct agiswarm_agg_status - the aggregator part of GET_STATUS
 */
struct agiswarm_agg_status {
	u32 period_us;
	u32 deadline_us;
	u8 miss;
	u8 law;
	u8 running;
	u8 redundancy;
	u64 cycle_id;
	u64 staged_cycle;
};

/**
 * struct agiswarm_node_stage - a SET_NODE change to stage, checked already
 * @timing: it sets @period_us and @deadline_us (both, consistent)
 * @period_us: the cycle period
 * @deadline_us: the deadline
 * @miss_set: it sets @miss
 * @miss: enum agiswarm_miss_policy
 * @law_set: it sets @law
 * @law: enum agiswarm_control_law
 * @pid: the whole PID configuration, NULL when unchanged
 * @sp: @nsp setpoints, NULL when unchanged
 * @nsp: how many
 */
struct agiswarm_node_stage {
	bool timing;
	u32 period_us;
	u32 deadline_us;
	bool miss_set;
	u8 miss;
	bool law_set;
	u8 law;
	const struct agi_pid_cfg *pid;
	const s32 *sp;
	u16 nsp;
};

/**
 * struct agiswarm_matrix_info - GET_MATRIX
 * @rows: source rows m (0: no matrix)
 * @cols: columns n
 * @fmt: enum agiswarm_qformat of the entries
 * @seed: the code seed in use (the configured one when nothing is assigned)
 * @n_coded: coded rows of the current assignment, 0 when none
 * @gen: the assignment generation, 0 before the first
 */
struct agiswarm_matrix_info {
	u32 rows;
	u32 cols;
	u8 fmt;
	u64 seed;
	u32 n_coded;
	u32 gen;
};

/**
 * struct agiswarm_peer_stats - a worker's statistics, for GET_PEERS
 */
struct agiswarm_peer_stats {
	u32 rows;
	u32 gen;
	u64 results;
	u64 missed;
	u64 last_cycle;
};

int agiswarm_aggregator_init(struct agiswarm_node *node);
/* Stops the cycle and the ROWS work; process context, no lock held. */
void agiswarm_aggregator_stop(struct agiswarm_node *node);
/*
 * After agiswarm_aggregator_stop() and the socket's close: frees the
 * matrix and the assignment.
 */
void agiswarm_aggregator_uninit(struct agiswarm_node *node);

/*
 * Configuration. Every function below must be called with node->conf_lock
 * held, in process context; values are checked by the caller.
 */
void agiswarm_aggregator_set_timing(struct agiswarm_node *node, u32 period_us,
				    u32 deadline_us);
void agiswarm_aggregator_set_miss(struct agiswarm_node *node, u8 miss);
void agiswarm_aggregator_set_law(struct agiswarm_node *node, u8 law,
				 const struct agi_pid_cfg *pid, const s32 *sp,
				 u16 nsp);
/* Reassigns rows when anything changed. */
int agiswarm_aggregator_set_code(struct agiswarm_node *node, u8 redundancy,
				 u64 seed);
void agiswarm_aggregator_set_running(struct agiswarm_node *node, bool run);
/* The PID configuration in use. */
void agiswarm_aggregator_get_pid(struct agiswarm_node *node,
				 struct agi_pid_cfg *pid);
/* The configured code seed. */
u64 agiswarm_aggregator_seed(struct agiswarm_node *node);
/* Rebuilds the row assignment (after peers changed). */
int agiswarm_aggregator_reassign(struct agiswarm_node *node);
/*
 * Stages @n rows from @first_row of a @rows x @cols matrix (@data, s32 host
 * order, checked by the caller); first_row 0 starts a new one. Swaps it in
 * and reassigns when complete; with @at (not 0) the complete matrix is
 * assigned now and swapped in at the start of cycle @at. Returns 0 or a
 * negative errno with @extack (-EINVAL: cycle @at already started, -EBUSY:
 * a matrix is staged already).
 */
int agiswarm_aggregator_stage_matrix(struct agiswarm_node *node, u8 fmt,
				     u32 rows, u32 cols, u32 first_row,
				     const s32 *data, u32 n, u64 at,
				     struct netlink_ext_ack *extack);
/* Columns of the current matrix, or of the staged one; 0 when none. */
u32 agiswarm_aggregator_cols(struct agiswarm_node *node, bool staged);
/*
 * Stage a change for the start of cycle @at (stage.c). Must be called with
 * node->conf_lock held. Returns 0, or with @extack -EINVAL when cycle @at
 * has started, -EBUSY when a change of the kind is staged already.
 */
int agiswarm_aggregator_stage_node(struct agiswarm_node *node,
				   const struct agiswarm_node_stage *ch,
				   u64 at, struct netlink_ext_ack *extack);
int agiswarm_aggregator_stage_input(struct agiswarm_node *node, u8 fmt,
				    const s32 *x, u16 n, u64 at,
				    struct netlink_ext_ack *extack);
void agiswarm_aggregator_set_input(struct agiswarm_node *node, u8 fmt,
				   const s32 *x, u16 n);

void agiswarm_aggregator_matrix_info(struct agiswarm_node *node,
				     struct agiswarm_matrix_info *info);
/* Any process context; takes the cycle lock. */
void agiswarm_aggregator_read_status(struct agiswarm_node *node,
				     struct agiswarm_agg_status *st);
/* Under node->conf_lock, for a peer of the list. */
void agiswarm_aggregator_peer_stats(struct agiswarm_node *node,
				    const struct agiswarm_peer *peer,
				    struct agiswarm_peer_stats *st);
/*
 * Copies up to @max records of cycles after @after, oldest first, into
 * @out. Returns how many.
 */
unsigned int agiswarm_aggregator_metrics(struct agiswarm_node *node,
					 u64 after, struct agiswarm_metric *out,
					 unsigned int max);

/* Fast path (cycle.c). */
int agiswarm_cycle_rx_result(struct agiswarm_node *node,
			     const struct agi_wire_result *r, __be32 saddr,
			     __be16 sport, enum agiswarm_counter *reason);
int agiswarm_cycle_rx_sensor(struct agiswarm_node *node,
			     const struct agi_wire_sensor *s, __be32 saddr,
			     __be16 sport, enum agiswarm_counter *reason);

#endif /* AGISWARM_AGGREGATOR_H */
