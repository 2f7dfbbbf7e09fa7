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
};

static const char *const health[] = {
	[AGISWARM_HEALTH_HEALTHY] = "healthy",
	[AGISWARM_HEALTH_DEGRADED] = "degraded",
	[AGISWARM_HEALTH_UNHEALTHY] = "unhealthy",
};

const struct agi_names agi_role_names = NAMES(role);
const struct agi_names agi_law_names = NAMES(law);
const struct agi_names agi_miss_names = NAMES(miss);
const struct agi_names agi_peer_kind_names = NAMES(peer_kind);
const struct agi_names agi_fault_names = NAMES(fault);
const struct agi_names agi_health_names = NAMES(health);

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
