/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The row assignment (plan.c), for the aggregator's files.
 */
#ifndef AGISWARM_PLAN_H
#define AGISWARM_PLAN_H

#include <linux/types.h>

struct agiswarm_agg;
struct agiswarm_matrix;
struct agiswarm_plan;

void agiswarm_plan_init(struct agiswarm_agg *agg);
int agiswarm_plan_build(struct agiswarm_agg *agg,
			const struct agiswarm_matrix *mx,
			struct agiswarm_plan **planp);
void agiswarm_plan_free(struct agiswarm_plan *plan);
void agiswarm_plan_install(struct agiswarm_agg *agg, struct agiswarm_plan *plan,
			   u32 cols);
void agiswarm_plan_send_rows(struct agiswarm_agg *agg);

#endif /* AGISWARM_PLAN_H */
