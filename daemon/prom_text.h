/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Pieces of Prometheus' text exposition format (version 0.0.4) shared by
 * prometheus.c and the group test's harness (selftests/native/repl), so
 * the group's metrics it checks are the text the daemon serves.
 */
#ifndef AGISWARMD_PROM_TEXT_H
#define AGISWARMD_PROM_TEXT_H

#include <stdio.h>

#include "core/compat.h"

struct agid_repl;

/* The HELP and TYPE lines of family @name. */
void prom_family(FILE *f, const char *name, const char *type,
		 const char *help);
/* A family of one unlabelled gauge sample. */
void prom_gauge(FILE *f, const char *name, const char *help, u64 v);

/*
 * The aggregator group's state: agiswarm_group_members (@n_group, when
 * aggregators: lists any), agiswarm_group_role{role=...} (1 for this
 * node's role, 0 for the others; "standalone" without a replicated log,
 * @r NULL) and, with @r, the raft term, commit and last applied index,
 * the leader's raft id and the members connected.
 */
void prom_group(FILE *f, struct agid_repl *r, unsigned n_group);

#endif /* AGISWARMD_PROM_TEXT_H */
