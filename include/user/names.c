// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The words for the UAPI's enums: see names.h.
 */
#include <string.h>

#include "names.h"

#define NAMES(table) { table, ARRAY_SIZE(table) }

static const char *const role[] = {
	[AGISWARM_ROLE_NONE] = "none",
	[AGISWARM_ROLE_WORKER] = "worker",
	[AGISWARM_ROLE_AGGREGATOR] = "aggregator",
};

static const char *const law[] = {
	[AGISWARM_LAW_FEEDBACK] = "feedback",
	[AGISWARM_LAW_PID] = "pid",
};

static const char *const miss[] = {
	[AGISWARM_MISS_HOLD] = "hold",
	[AGISWARM_MISS_ZERO] = "zero",
};

static const char *const peer_kind[] = {
	[AGISWARM_PEER_WORKER] = "worker",
	[AGISWARM_PEER_ACTUATOR] = "actuator",
	[AGISWARM_PEER_SENSOR] = "sensor",
	[AGISWARM_PEER_AGGREGATOR] = "aggregator",
	[AGISWARM_PEER_OPERATOR] = "operator",
};

static const char *const fault[] = {
	[AGISWARM_FAULT_DROP] = "drop",
	[AGISWARM_FAULT_DELAY] = "delay",
	[AGISWARM_FAULT_STALL] = "stall",
	[AGISWARM_FAULT_CORRUPT] = "corrupt",
};

static const char *const health[] = {
	[AGISWARM_HEALTH_HEALTHY] = "healthy",
	[AGISWARM_HEALTH_DEGRADED] = "degraded",
	[AGISWARM_HEALTH_UNHEALTHY] = "unhealthy",
};

static const char *const group_mode[] = {
	[AGISWARM_GROUP_SOLO] = "solo",
	[AGISWARM_GROUP_PRIMARY] = "primary",
	[AGISWARM_GROUP_BACKUP] = "backup",
};

static const char *const job_op[] = {
	[AGISWARM_JOB_OP_MATMUL] = "matmul",
	[AGISWARM_JOB_OP_FIR] = "fir",
	[AGISWARM_JOB_OP_MLP] = "mlp",
	[AGISWARM_JOB_OP_PROBE] = "fixed-probe",
};

static const char *const job_state[] = {
	[AGISWARM_JOB_LOADING] = "loading",
	[AGISWARM_JOB_QUEUED] = "queued",
	[AGISWARM_JOB_RUNNING] = "running",
	[AGISWARM_JOB_DONE] = "done",
	[AGISWARM_JOB_FAILED] = "failed",
	[AGISWARM_JOB_CANCELLED] = "cancelled",
};

static const char *const attr[] = {
	[AGISWARM_A_VERSION] = "version",
	[AGISWARM_A_ROLE] = "role",
	[AGISWARM_A_NODE_ID] = "node_id",
	[AGISWARM_A_COUNTERS] = "counters",
	[AGISWARM_A_PORT] = "port",
	[AGISWARM_A_EPOCH] = "epoch",
	[AGISWARM_A_CYCLE_PERIOD_US] = "cycle_period_us",
	[AGISWARM_A_CYCLE_DEADLINE_US] = "cycle_deadline_us",
	[AGISWARM_A_MISS_POLICY] = "miss_policy",
	[AGISWARM_A_CONTROL_LAW] = "control_law",
	[AGISWARM_A_PID] = "pid",
	[AGISWARM_A_REDUNDANCY] = "redundancy",
	[AGISWARM_A_CODE_SEED] = "code_seed",
	[AGISWARM_A_RUNNING] = "running",
	[AGISWARM_A_CYCLE_ID] = "cycle_id",
	[AGISWARM_A_PEER] = "peer",
	[AGISWARM_A_MATRIX_FMT] = "matrix_fmt",
	[AGISWARM_A_MATRIX_ROWS] = "matrix_rows",
	[AGISWARM_A_MATRIX_COLS] = "matrix_cols",
	[AGISWARM_A_MATRIX_FIRST_ROW] = "matrix_first_row",
	[AGISWARM_A_MATRIX_DATA] = "matrix_data",
	[AGISWARM_A_MATRIX_N_CODED] = "matrix_n_coded",
	[AGISWARM_A_MATRIX_GEN] = "matrix_gen",
	[AGISWARM_A_INPUT_FMT] = "input_fmt",
	[AGISWARM_A_INPUT_X] = "input_x",
	[AGISWARM_A_FAULT_WORKER] = "fault_worker",
	[AGISWARM_A_FAULT_KIND] = "fault_kind",
	[AGISWARM_A_FAULT_VALUE] = "fault_value",
	[AGISWARM_A_STATUS] = "status",
	[AGISWARM_A_TIMESTAMP_NS] = "timestamp_ns",
	[AGISWARM_A_LATENCY_US] = "latency_us",
	[AGISWARM_A_JITTER_US] = "jitter_us",
	[AGISWARM_A_WORKER_COUNT] = "worker_count",
	[AGISWARM_A_TASK_COUNT] = "task_count",
	[AGISWARM_A_ERROR_PPM] = "error_ppm",
	[AGISWARM_A_RESULTS_USED] = "results_used",
	[AGISWARM_A_FMT] = "fmt",
	[AGISWARM_A_X] = "x",
	[AGISWARM_A_Y] = "y",
	[AGISWARM_A_U] = "u",
	[AGISWARM_A_DAEMON_PORTID] = "daemon_portid",
	[AGISWARM_A_PEER_ENDPOINT] = "peer_endpoint",
	[AGISWARM_A_DATAGRAM] = "datagram",
	[AGISWARM_A_APPLY_AT_CYCLE] = "apply_at_cycle",
	[AGISWARM_A_STAGED_CYCLE] = "staged_cycle",
	[AGISWARM_A_APPLIED] = "applied",
};

const struct agi_names agi_role_names = NAMES(role);
const struct agi_names agi_law_names = NAMES(law);
const struct agi_names agi_miss_names = NAMES(miss);
const struct agi_names agi_peer_kind_names = NAMES(peer_kind);
const struct agi_names agi_fault_names = NAMES(fault);
const struct agi_names agi_health_names = NAMES(health);
const struct agi_names agi_group_mode_names = NAMES(group_mode);
const struct agi_names agi_job_op_names = NAMES(job_op);
const struct agi_names agi_job_state_names = NAMES(job_state);
const struct agi_names agi_attr_names = NAMES(attr);

const char *agi_name(const struct agi_names *t, unsigned int v)
{
	return v < t->n && t->name[v] ? t->name[v] : "unknown";
}

int agi_name_find(const struct agi_names *t, const char *s)
{
	unsigned int i;

	for (i = 0; i < t->n; i++)
		if (t->name[i] && !strcmp(s, t->name[i]))
			return (int)i;
	return -EINVAL;
}
