/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 */
#ifndef AGISWARM_AGGREGATOR_H
#define AGISWARM_AGGREGATOR_H

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
 * @period_us: the cycle period
 * @deadline_us: the deadline
 * @miss: enum agiswarm_miss_policy
 * @law: enum agiswarm_control_law
 * @running: the cycle runs
 * @redundancy: workers that may be lost
 * @cycle_id: the current cycle, 0 before the first
 * @staged_cycle: the earliest cycle a change is staged for, 0 for none
 * @held_cycle: the cycle the held change is for, 0 for none
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
	u64 held_cycle;
	u32 sensor_timeout_us;
	u8 safe_state;
	u16 nsafe;
	u64 audit_seq;
	u64 audit_records;
};

/**
 * struct agiswarm_agg_safety - what SET_NODE changes of the safety
 * @timeout_set: @timeout_us is to be set
 * @timeout_us: SENSOR_TIMEOUT_US
 * @safe: @nsafe values of SAFE_OUTPUT, NULL to keep it
 * @nsafe: how many
 */
struct agiswarm_agg_safety {
	bool timeout_set;
	u32 timeout_us;
	const s32 *safe;
	u16 nsafe;
};

/**
 * struct agiswarm_matrix_info - GET_MATRIX
 * @rows: source rows m (0: no matrix)
 * @cols: columns n
 * @fmt: enum agiswarm_qformat of the entries
 * @seed: the code seed in use (the configured one when nothing is assigned)
 * @n_coded: coded rows of the current assignment, 0 when none
 * @gen: the generation of the current assignment, 0 when none
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
 * @rows: coded rows it holds in the current assignment
 * @gen: the last generation seen in its RESULTs
 * @results: RESULT datagrams used from it
 * @missed: cycles it was sent a TASK in and answered nothing in time
 * @last_cycle: the last cycle it answered
 * @inconsistent: its RESULTs that disagreed with the decoded y
 */
struct agiswarm_peer_stats {
	u32 rows;
	u32 gen;
	u64 results;
	u64 missed;
	u64 last_cycle;
	u64 inconsistent;
};

int agiswarm_aggregator_init(struct agiswarm_node *node);
void agiswarm_aggregator_stop(struct agiswarm_node *node);
void agiswarm_aggregator_uninit(struct agiswarm_node *node);

/* Configuration; values are checked by the caller. */
void agiswarm_aggregator_set_timing(struct agiswarm_node *node, u32 period_us,
				    u32 deadline_us);
void agiswarm_aggregator_set_miss(struct agiswarm_node *node, u8 miss);
void agiswarm_aggregator_set_law(struct agiswarm_node *node, u8 law,
				 const struct agi_pid_cfg *pid, const s32 *sp,
				 u16 nsp);
int agiswarm_aggregator_set_code(struct agiswarm_node *node, u8 redundancy,
				 u64 seed);
void agiswarm_aggregator_set_running(struct agiswarm_node *node, bool run);
void agiswarm_aggregator_set_input(struct agiswarm_node *node, u8 fmt,
				   const s32 *x, u16 n);
int agiswarm_aggregator_reassign(struct agiswarm_node *node);
void agiswarm_aggregator_get_pid(struct agiswarm_node *node,
				 struct agi_pid_cfg *pid);
u64 agiswarm_aggregator_seed(struct agiswarm_node *node);
u32 agiswarm_aggregator_outputs(struct agiswarm_node *node);
void agiswarm_aggregator_set_safety(struct agiswarm_node *node,
				    const struct agiswarm_agg_safety *sf);
void agiswarm_aggregator_get_safe(struct agiswarm_node *node, s32 *safe,
				  u16 *nsafe, struct agi_pid_cfg *pid,
				  s32 *sp, u16 *nsp);
void agiswarm_aggregator_estop(struct agiswarm_node *node, bool on);
int agiswarm_aggregator_check_audit(struct agiswarm_node *node, u64 seq,
				    u64 records);
void agiswarm_aggregator_set_audit(struct agiswarm_node *node, u64 seq,
				   u64 records);
u32 agiswarm_aggregator_cols(struct agiswarm_node *node, bool staged);

/* What the netlink commands read. */
void agiswarm_aggregator_matrix_info(struct agiswarm_node *node,
				     struct agiswarm_matrix_info *info);
void agiswarm_aggregator_read_status(struct agiswarm_node *node,
				     struct agiswarm_agg_status *st);
void agiswarm_aggregator_peer_stats(struct agiswarm_node *node,
				    const struct agiswarm_peer *peer,
				    struct agiswarm_peer_stats *st);
unsigned int agiswarm_aggregator_metrics(struct agiswarm_node *node,
					 u64 after, struct agiswarm_metric *out,
					 unsigned int max);

#endif /* AGISWARM_AGGREGATOR_H */
