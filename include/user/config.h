/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agiswarmd's configuration: configs/app_config.yaml read with libyaml.
 *
 * Every key has a type, a range and a default (the table in config_keys.c
 * is the one place they are written down; README and agiswarmd(8) copy it).
 * It lives in the shared library so that every program reads the file
 * with the same words.
 * Loading stops at the first invalid input and describes it in one line:
 *
 *   FILE:LINE: KEY.PATH: bad value 'V': allowed WHAT
 *
 * with the line taken from libyaml's marks. Unknown keys get a "did you
 * mean", keys of the seeds that agiswarmd does not use name what replaces
 * them, and duplicate keys and wrong node types are errors too.
 */
#ifndef AGISWARM_USER_CONFIG_H
#define AGISWARM_USER_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

#include "core/compat.h"
#include "parse.h"

#define AGI_CONFIG_PATH_LEN 512		/* file names kept in the config */
#define AGI_CONFIG_MAX_PEERS 64		/* per kind: workers, actuators, sensors */
#define AGI_CONFIG_MAX_SETPOINT AGISWARM_WIRE_VEC_MAX
#define AGI_CONFIG_MAX_GROUP 7		/* aggregators in the replicated group */
#define AGI_CONFIG_ERR_LEN 4096	/* every error of a file, one a line */

/* The default files, relative to the working directory. */
#define AGI_CONFIG_DEFAULT_FILE "configs/app_config.yaml"
#define AGI_CONFIG_DEFAULT_MATRIX "configs/swarm_matrix.json"
#define AGI_CONFIG_DEFAULT_NODE_KEY "/var/lib/agiswarm/node.key"
#define AGI_CONFIG_DEFAULT_RAFT_DIR "/var/lib/agiswarm/raft"
#define AGI_CONFIG_DEFAULT_RAFT_PORT 6001

/* A node's Ed25519 public key (64 hex digits); unset: "" or absent. */
struct agi_config_pubkey {
	bool set;
	u8 pk[32];
};

/* A worker, actuator or sensor of aggregator.workers/actuators/sensors. */
struct agi_config_peer {
	u32 id;
	struct agi_endpoint ep;
	struct agi_config_pubkey key;	/* its identity; sealed sessions */
	u32 line;			/* where it was written, for errors */
};

struct agi_config_peers {
	u32 n;
	struct agi_config_peer p[AGI_CONFIG_MAX_PEERS];
};

/* One aggregator of the replicated group (aggregators.NAME). */
struct agi_config_member {
	char name[64];
	char ip[64];
	u16 port;
	u32 priority;
	u16 raft_port;			/* its replicated log (TCP) */
	struct agi_config_pubkey key;
	u32 line;
};

enum agi_log_level {
	AGI_LOG_ERROR,
	AGI_LOG_WARNING,
	AGI_LOG_INFO,
	AGI_LOG_DEBUG,
};

/*
 * struct agi_config - the effective configuration
 *
 * Durations are kept in the units the module takes (microseconds), decimals
 * as raw fixed-point values (gains Q8.24, signals Q1.31).
 */
struct agi_config {
	char file[AGI_CONFIG_PATH_LEN];	/* "" when only defaults were used */

	u32 node_id;
	u8 role;			/* enum agiswarm_role */
	char node_key_file[AGI_CONFIG_PATH_LEN];	/* node.key_file */

	u16 udp_port;
	char bind_address[64];		/* IPv4 or IPv6 literal */
	u32 cycle_time_us;		/* written in ms: cycle_time_ms */
	u32 timeout_us;			/* written in ms: timeout_ms */
	u32 fault_tolerance;
	u32 max_workers;
	u8 miss_policy;			/* enum agiswarm_miss_policy */
	u8 control_law;			/* enum agiswarm_control_law */
	s32 kp, ki, kd;			/* Q8.24 */
	s32 lo, hi;			/* Q1.31 */
	u32 n_setpoint;
	s32 setpoint[AGI_CONFIG_MAX_SETPOINT];	/* Q1.31 */
	u32 sensor_timeout_ms;		/* 0: never safe on silence */
	u32 n_safe_output;		/* 0: all zeros */
	s32 safe_output[AGI_CONFIG_MAX_SETPOINT];	/* Q1.31 */
	u32 alert_miss_rate;		/* percent of the last second's cycles; 0 off */
	bool probe_workers;		/* SET_NODE PROBE_JOIN */
	u64 epoch;
	u64 code_seed;
	u64 group_id;			/* 0: agi_config_group_id() derives it */
	struct agi_config_peers workers, actuators, sensors;

	char worker_host[256];		/* worker.aggregator.host */
	u16 worker_port;		/* worker.aggregator.port */
	struct agi_config_pubkey worker_aggregator_key;
	u32 heartbeat_us;		/* worker.heartbeat_interval */
	u32 degraded_latency_ms;
	u32 degraded_cpu_percent;
	u32 unhealthy_after_missed;

	char matrix_file[AGI_CONFIG_PATH_LEN];
	char matrix_path[256];		/* "" = the first "matrix" array */

	bool require_signatures;
	u8 signature_algorithm;		/* 0 = Ed25519, the only one */
	char authorized_keys[AGI_CONFIG_PATH_LEN];
	u32 commit_window_s;
	u64 swarm_id;			/* commits must name it */
	char audit_log[AGI_CONFIG_PATH_LEN];
	u32 rekey_after_s;		/* security.rekey_after_s */

	char metrics_file[AGI_CONFIG_PATH_LEN];
	u64 metrics_max_size;		/* bytes */
	u32 metrics_backup_count;
	char metrics_textfile[AGI_CONFIG_PATH_LEN];	/* "" = none */
	char metrics_listen[64];	/* "ADDRESS:PORT", "" = none */

	u8 log_level;			/* enum agi_log_level */

	u32 n_group;			/* 0: no replicated group configured */
	struct agi_config_member group[AGI_CONFIG_MAX_GROUP];
	u32 failover_heartbeat_ms;
	u32 failover_failure_threshold;
	bool failover_auto_promotion;

	char repl_member[64];		/* "" = no replicated log */
	char repl_data_dir[AGI_CONFIG_PATH_LEN];
	u32 repl_election_ms;
};

/* Fills @cfg with every default. */
void agi_config_defaults(struct agi_config *cfg);

/*
 * The aggregator group's id an aggregator binds its rows to (the module's
 * AGISWARM_A_GROUP_ID): aggregator.group_id when set; else, with an
 * aggregators: section, security.swarm_id, which every member of the
 * replicated group shares (commits must name it), so that all members
 * bind to one group; else 0, the node id.
 */
u64 agi_config_group_id(const struct agi_config *cfg);

/*
 * The replicated aggregator group the module runs (its group-size,
 * group-rank and the other members as AGGREGATOR peers with their rank):
 * aggregators: lists 2 or more members and this aggregator names itself
 * in replication.member.
 */
bool agi_config_in_group(const struct agi_config *cfg);

/*
 * The rank of member @i (group[@i]): how many members have a lower
 * priority. Priorities are unique (the loader refuses a repeated one),
 * so ranks are 0..n_group - 1 and every member that reads the same
 * aggregators: section computes the same ranks: priority 1 (the preferred
 * primary) is rank 0, the next priority rank 1, and so on, whatever the
 * order the members are written in.
 */
u8 agi_config_member_rank(const struct agi_config *cfg, u32 i);

/* "IP:PORT" of member @m at @port ("[IP]:PORT" for IPv6), into @buf. */
void agi_config_member_addr(const struct agi_config_member *m, u16 port,
			    char *buf, size_t size);

/* The index in group[] of replication.member, or -1. */
int agi_config_self_member(const struct agi_config *cfg);

/*
 * The epoch a group starts in: aggregator.epoch rounded up to a multiple
 * of 8 (at least 8), so that its owner (the low 3 bits) is rank 0.
 */
u64 agi_config_group_epoch(const struct agi_config *cfg);

/*
 * Reads @file over the defaults and checks the keys against each other.
 * Returns 0, or -EINVAL with every error found in @err, one a line (no
 * newline after the last; the checks between keys only when each key was
 * valid); -ENOENT when @file does not exist (also described).
 */
int agi_config_load(struct agi_config *cfg, const char *file, char *err,
		     size_t err_size);

/* The same from a string (tests); @name stands for the file in messages. */
int agi_config_load_string(struct agi_config *cfg, const char *name,
			    const char *text, char *err, size_t err_size);

/*
 * The checks between keys and the matrix: the setpoint and the safe output
 * need one value per row. Returns 0 or -EINVAL with @err filled.
 */
int agi_config_check_matrix(const struct agi_config *cfg, u32 rows,
			     char *err, size_t err_size);

/*
 * Writes every key with its effective value as YAML that
 * agi_config_load() reads back to the same configuration.
 */
void agi_config_print(FILE *f, const struct agi_config *cfg);

/*
 * Calls @cb for every key whose value differs between @was and @now, with
 * its path and both values as agi_config_print() spells them; returns how
 * many differ.
 */
typedef void (*agi_config_diff_cb)(const char *key, const char *was,
				   const char *now, void *data);
unsigned int agi_config_diff(const struct agi_config *was,
			     const struct agi_config *now,
			     agi_config_diff_cb cb, void *data);

#endif /* AGISWARM_USER_CONFIG_H */
