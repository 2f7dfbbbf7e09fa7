/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * AGISWARM_CMD_SET_FAULT and _CLEAR_FAULT: faults injected into the real
 * data path, per worker id. On an aggregator they hit the TASKs it sends
 * to that worker; on the worker itself its RESULTs.
 */
#ifndef AGISWARM_USER_FAULT_H
#define AGISWARM_USER_FAULT_H

#include <stdbool.h>

#include "core/compat.h"
#include "uapi/linux/agiswarm.h"
#include "nl.h"

/* The module's limit on a delay, in ms (enum agiswarm_fault_kind). */
#define AGI_FAULT_DELAY_MAX_MS 10000

/**
 * struct agi_fault_req - one SET_FAULT
 * @kind: enum agiswarm_fault_kind other than NONE
 * @value: drop: percent 0..100; delay: ms 1..AGI_FAULT_DELAY_MAX_MS
 */
struct agi_fault_req {
	u32 worker;
	u8 kind;
	u32 value;
};

/* Replaces the worker's fault: 0, or the module's -errno. */
int agi_fault_set(struct agi_nl *nl, const struct agi_fault_req *f);
/*
 * Removes worker @worker's fault (-ENOENT when it has none), or with
 * !@one every fault of this node.
 */
int agi_fault_clear(struct agi_nl *nl, bool one, u32 worker);

#endif /* AGISWARM_USER_FAULT_H */
