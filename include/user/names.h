/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The words for the UAPI's enums, written once: agictl prints and parses
 * them, agiswarmd's configuration reads and prints them, and the daemon
 * logs them. A table is indexed by value; a hole (NULL) is a value the
 * UAPI skips.
 */
#ifndef AGISWARM_USER_NAMES_H
#define AGISWARM_USER_NAMES_H

#include "core/compat.h"
#include "uapi/linux/agiswarm.h"

struct agi_names {
	const char *const *name;
	unsigned int n;
};

/* enum agiswarm_role: "none", "worker", "aggregator" */
extern const struct agi_names agi_role_names;
/* enum agiswarm_control_law: "feedback", "pid" */
extern const struct agi_names agi_law_names;
/* enum agiswarm_miss_policy: "hold", "zero" */
extern const struct agi_names agi_miss_names;
/* enum agiswarm_peer_kind: "worker", "actuator", "sensor" */
extern const struct agi_names agi_peer_kind_names;
/* enum agiswarm_fault_kind: "drop", "delay", "stall", "corrupt" */
extern const struct agi_names agi_fault_names;
/* enum agiswarm_health: "healthy", "degraded", "unhealthy" */
extern const struct agi_names agi_health_names;
/* enum agiswarm_group_mode: "solo", "primary", "backup" */
extern const struct agi_names agi_group_mode_names;
/* enum agiswarm_job_op: "matmul", "fir", "mlp", "fixed-probe" */
extern const struct agi_names agi_job_op_names;
/* enum agiswarm_job_state: "loading", "queued", "running", "done", ... */
extern const struct agi_names agi_job_state_names;

/*
 * enum agiswarm_attr: "cycle_period_us", ... (lowercased, without
 * AGISWARM_A_), for errors that name the attribute at fault
 */
extern const struct agi_names agi_attr_names;

/* @t's word for @v; "unknown" past the table or in a hole. */
const char *agi_name(const struct agi_names *t, unsigned int v);
/* The value whose word is @s (exactly), or -EINVAL. */
int agi_name_find(const struct agi_names *t, const char *s);

static inline const char *agi_role_name(unsigned int v)
{
	return agi_name(&agi_role_names, v);
}

static inline const char *agi_health_name(unsigned int v)
{
	return agi_name(&agi_health_names, v);
}

#endif /* AGISWARM_USER_NAMES_H */
