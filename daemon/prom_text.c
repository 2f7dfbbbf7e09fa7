// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Prometheus text format pieces, and the aggregator group's metrics: what
 * repl.c's raft node says of itself when the daemon renders (prometheus.c)
 * or the group test's harness writes its --metrics file.
 */
#include <inttypes.h>
#include <string.h>

#include "prom_text.h"
#include "repl.h"

void prom_family(FILE *f, const char *name, const char *type,
		 const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void prom_gauge(FILE *f, const char *name, const char *help, u64 v)
{
	prom_family(f, name, "gauge", help);
	fprintf(f, "%s %" PRIu64 "\n", name, v);
}

void prom_group(FILE *f, struct agid_repl *r, unsigned n_group)
{
	static const char *const roles[] = {
		"leader", "follower", "candidate", "standalone",
	};
	struct agid_repl_status st = { .state = "standalone" };
	size_t i;

	if (r)
		agid_repl_status(r, &st);
	if (n_group)
		prom_gauge(f, "agiswarm_group_members",
			   "Aggregators of the replicated group (aggregators: in the configuration).",
			   n_group);
	prom_family(f, "agiswarm_group_role", "gauge",
		    "1 for this node's role in the replicated group, 0 for the others (standalone: no replication.member; all 0 while raft is starting or stopping).");
	for (i = 0; i < ARRAY_SIZE(roles); i++)
		fprintf(f, "agiswarm_group_role{role=\"%s\"} %d\n", roles[i],
			!strcmp(st.state, roles[i]));
	if (!r)
		return;
	prom_gauge(f, "agiswarm_group_term", "The raft term this node is in.",
		   st.term);
	prom_gauge(f, "agiswarm_group_commit_index",
		   "Index of the last entry of the group's log this node knows a majority holds.",
		   st.commit_index);
	prom_gauge(f, "agiswarm_group_last_applied_index",
		   "Index of the last entry of the group's log this node applied.",
		   st.last_applied);
	prom_gauge(f, "agiswarm_group_leader_id",
		   "Raft id (aggregators: priority) of the leader this node knows, 0 when it knows none.",
		   st.leader);
	prom_gauge(f, "agiswarm_group_members_connected",
		   "Other members with an authenticated raft connection open to or from this node (a leader keeps one to every member it reaches).",
		   st.connected);
}
