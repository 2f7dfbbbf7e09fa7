/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * AGISWARM_CMD_SET_INPUT: the aggregator's input vector x, which stands
 * until a newer SENSOR datagram or SET_INPUT replaces it.
 */
#ifndef AGISWARM_USER_INPUT_H
#define AGISWARM_USER_INPUT_H

#include "core/compat.h"
#include "uapi/linux/agiswarm.h"
#include "nl.h"

/**
 * struct agi_input_req - one SET_INPUT
 * @x: @n raw values of @fmt, one per column of the matrix
 * @apply_at: 0 now; N from cycle N on (staged)
 */
struct agi_input_req {
	enum agiswarm_qformat fmt;
	const s32 *x;
	u32 n;
	u64 apply_at;
};

/* 0, or the module's -errno (its reason in nl->extack). */
int agi_input_set(struct agi_nl *nl, const struct agi_input_req *in);

#endif /* AGISWARM_USER_INPUT_H */
