// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agictl group: the replicated aggregator group as this node sees it.
 * The module says what the cycle knows (this member's rank, mode, epoch,
 * last record; the other members as aggregator peers with a rank and a
 * link); the node's agiswarmd, when one runs, adds the members' names and
 * the replicated log's state (include/user/group_info.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/group.h"

#include "agictl.h"
#include "user/group_info.h"
#include "user/names.h"
#include "user/node.h"
#include "user/peer.h"
#include "user/status.h"

/* One member, merged from the module's view and the daemon's. */
struct member {
	bool known;
	bool self;
	u32 node_id;			/* 0: unknown */
	char addr[80];
	bool link;			/* the module holds a key for it */
	const struct agi_group_member_info *d;	/* NULL: no daemon */
};

struct view {
	struct agi_status st;
	bool aggregator;
	unsigned int size;
	u64 epoch;
	int self_rank;			/* -1: a worker */
	struct member m[AGISWARM_GROUP_MAX];
	bool have_daemon;
	int daemon_err;
	struct agi_group_info gi;
};

/* The module's aggregator peers that have a rank: the other members. */
static void from_peers(struct view *v, const struct agi_peer_list *l)
{
	unsigned int i;

	for (i = 0; i < l->n; i++) {
		const struct agi_peer *p = &l->peers[i];
		struct member *m;

		if (p->kind != AGISWARM_PEER_AGGREGATOR || !p->has_rank ||
		    p->rank >= AGISWARM_GROUP_MAX)
			continue;
		m = &v->m[p->rank];
		m->known = true;
		m->node_id = p->id;
		m->link = p->has_key;
		agi_format_endpoint(&p->ep.addr, p->ep.len, m->addr,
				    sizeof(m->addr));
		if (v->size <= p->rank)
			v->size = p->rank + 1u;
	}
}

static void from_daemon(struct view *v)
{
	unsigned int i;

	v->daemon_err = agi_group_info_fetch(&v->gi);
	v->have_daemon = !v->daemon_err;
	if (!v->have_daemon)
		return;
	for (i = 0; i < v->gi.n; i++) {
		const struct agi_group_member_info *d = &v->gi.m[i];
		struct member *m = &v->m[d->rank];

		m->known = true;
		m->d = d;
		if (!m->addr[0] && !d->self)
			snprintf(m->addr, sizeof(m->addr), "%s", d->addr);
	}
	if (v->size < v->gi.n)
		v->size = v->gi.n;
}

static int gather(struct view *v)
{
	struct agi_peer_list l = { 0 };
	struct agi_nl nl;
	int ret;

	ret = agictl_open(&nl, "group status");
	if (ret)
		return ret;
	ret = agi_status_get(&nl, &v->st);
	if (!ret)
		ret = agi_peers_get(&nl, &l);
	ret = agictl_close(&nl, "group status", ret);
	if (ret) {
		agi_peer_list_free(&l);
		return ret;
	}
	v->aggregator = v->st.role == AGISWARM_ROLE_AGGREGATOR;
	v->epoch = v->st.field[AGI_ST_EPOCH];
	v->self_rank = -1;
	if (v->aggregator && v->st.has[AGI_ST_GROUP_SIZE])
		v->size = (unsigned int)v->st.field[AGI_ST_GROUP_SIZE];
	if (v->size > 1 && v->size <= AGISWARM_GROUP_MAX) {
		v->self_rank = (int)v->st.field[AGI_ST_GROUP_RANK];
		v->m[v->self_rank].known = true;
		v->m[v->self_rank].self = true;
		v->m[v->self_rank].node_id = v->st.node_id;
	}
	from_peers(v, &l);
	agi_peer_list_free(&l);
	from_daemon(v);
	return AGICTL_OK;
}

/* The member's name from the daemon, or NULL. */
static const char *name_of(const struct view *v, unsigned int rank)
{
	return v->m[rank].d ? v->m[rank].d->name : NULL;
}

static const char *leader_name(const struct view *v)
{
	unsigned int i;

	for (i = 0; i < v->gi.n; i++)
		if (v->gi.m[i].raft_id == v->gi.leader)
			return v->gi.m[i].name;
	return NULL;
}

static void print_name(const char *key, const char *fmt, const char *name)
{
	if (name)
		agi_print_string(AGI_PRINT_ANY, key, fmt, name);
	else
		agi_print_null(AGI_PRINT_ANY, key, "");
}

/* Epoch, cycle and the last record: what the module says. */
static void print_cycle(const struct view *v)
{
	const u64 *f = v->st.field;
	unsigned int owner = (unsigned int)(v->epoch & 7);

	agi_print_u64(AGI_PRINT_ANY, "epoch", "epoch %llu", v->epoch);
	agi_print_u64(AGI_PRINT_ANY, "epoch_owner", " owned by rank %llu",
		      owner);
	if (owner < AGISWARM_GROUP_MAX)
		print_name("epoch_owner_name", " (%s)", name_of(v, owner));
	if (!v->aggregator) {
		agi_print_text("\n");
		return;
	}
	agi_print_u64(AGI_PRINT_ANY, "cycle_id", ", cycle %llu",
		      f[AGI_ST_CYCLE_ID]);
	agi_print_u64(AGI_PRINT_ANY, "record_cycle", ", last record %llu",
		      f[AGI_ST_RECORD_CYCLE]);
	/* How far a backup's state trails its own timer. */
	if (f[AGI_ST_GROUP_MODE] == AGISWARM_GROUP_BACKUP &&
	    f[AGI_ST_RECORD_CYCLE] && f[AGI_ST_CYCLE_ID] >= f[AGI_ST_RECORD_CYCLE])
		agi_print_u64(AGI_PRINT_ANY, "record_lag", " (%llu behind)",
			      f[AGI_ST_CYCLE_ID] - f[AGI_ST_RECORD_CYCLE]);
	else
		agi_print_null(AGI_PRINT_JSON, "record_lag", NULL);
	agictl_print_threshold(&v->st, ", failure threshold %llu");
}

static void print_raft(const struct view *v)
{
	const struct agi_group_info *gi = &v->gi;

	if (!v->have_daemon) {
		agi_print_null(AGI_PRINT_JSON, "daemon", NULL);
		agi_print_text("daemon: none answers on this node (%s): no names, no raft state\n",
			       strerror(-v->daemon_err));
		return;
	}
	agi_open_object("daemon");
	agi_print_u64(AGI_PRINT_ANY, "pid", "daemon: agiswarmd %llu", gi->pid);
	if (!gi->replicated) {
		agi_print_null(AGI_PRINT_ANY, "raft",
			       ", runs no replicated log (no replication.member)\n");
		agi_close_object();
		return;
	}
	agi_open_object("raft");
	agi_print_string(AGI_PRINT_ANY, "state", ", raft %s", gi->raft_state);
	agi_print_u64(AGI_PRINT_ANY, "term", " term %llu", gi->term);
	agi_print_u64(AGI_PRINT_ANY, "commit_index", " commit index %llu",
		      gi->commit_index);
	agi_print_u64(AGI_PRINT_ANY, "last_applied", " applied %llu",
		      gi->last_applied);
	agi_print_u64(AGI_PRINT_ANY, "apply_lag", " (%llu behind)",
		      gi->commit_index >= gi->last_applied ?
		      gi->commit_index - gi->last_applied : 0);
	print_name("leader", " leader %s", leader_name(v));
	if (!leader_name(v))
		agi_print_text(" no leader known");
	agi_print_text("\n");
	agi_close_object();
	agi_close_object();
}

static const char *role_of(const struct view *v, unsigned int rank)
{
	if (v->m[rank].self)
		return agi_name(&agi_group_mode_names,
				(unsigned int)v->st.field[AGI_ST_GROUP_MODE]);
	return rank == (v->epoch & 7) ? "primary" : "backup";
}

static void print_member(const struct view *v, unsigned int rank)
{
	const struct member *m = &v->m[rank];
	const struct agi_group_member_info *d = m->d;
	bool leader = d && v->gi.replicated && d->raft_id == v->gi.leader;

	agi_open_object(NULL);
	agi_print_u64(AGI_PRINT_ANY, "rank", "%-5llu", rank);
	if (d)
		agi_print_string(AGI_PRINT_ANY, "name", "%-10s ", d->name);
	else
		agi_print_null(AGI_PRINT_ANY, "name", "-          ");
	if (m->node_id)
		agi_print_u64(AGI_PRINT_ANY, "node_id", "%-6llu", m->node_id);
	else
		agi_print_null(AGI_PRINT_ANY, "node_id", "-     ");
	agi_print_string(AGI_PRINT_ANY, "address", "%-22s ",
			 m->self ? "(this node)" : m->addr[0] ? m->addr : "-");
	agi_print_string(AGI_PRINT_ANY, "role", "%-8s", role_of(v, rank));
	agi_print_bool(AGI_PRINT_JSON, "self", NULL, m->self);
	if (m->self)
		agi_print_text(" -   ");
	else
		agi_print_bool(AGI_PRINT_ANY, "link", " %-4s",
			       m->link);
	if (d && v->gi.replicated && !m->self)
		agi_print_bool(AGI_PRINT_ANY, "raft_connected", " %s",
			       d->raft_connected);
	else
		agi_print_null(AGI_PRINT_ANY, "raft_connected", " -");
	if (d && v->gi.replicated)
		agi_print_bool(AGI_PRINT_JSON, "raft_leader", NULL, leader);
	if (leader)
		agi_print_text(" (raft leader)");
	agi_print_text("\n");
	agi_close_object();
}

static void print_group(const struct view *v)
{
	unsigned int i;

	agi_print_begin();
	agi_print_string(AGI_PRINT_ANY, "role", "%s", agi_role_name(v->st.role));
	agi_print_u64(AGI_PRINT_ANY, "node_id", " %llu", v->st.node_id);
	agi_print_u64(AGI_PRINT_ANY, "size", ": group of %llu", v->size);
	if (v->size < 2) {
		agi_print_text(", in no replicated aggregator group\n");
		agi_open_array("members");
		agi_close_array();
		agi_print_end();
		return;
	}
	if (v->self_rank >= 0) {
		agi_print_u64(AGI_PRINT_ANY, "rank", ", this node rank %llu",
			      (unsigned int)v->self_rank);
		agi_print_string(AGI_PRINT_ANY, "mode", " %s",
				 role_of(v, (unsigned int)v->self_rank));
	}
	agi_print_text("\n");
	print_cycle(v);
	print_raft(v);
	agi_print_text("rank name       node  address                role     link raft\n");
	agi_open_array("members");
	for (i = 0; i < v->size && i < AGISWARM_GROUP_MAX; i++)
		if (v->m[i].known)
			print_member(v, i);
	agi_close_array();
	agi_print_end();
}

void agictl_producer_init(struct agi_nl *nl, struct agictl_producer *p)
{
	struct agi_status *st = calloc(1, sizeof(*st));

	memset(p, 0, sizeof(*p));
	p->size = 1;
	if (st && !agi_status_get(nl, st) && st->has[AGI_ST_GROUP_SIZE])
		p->size = st->field[AGI_ST_GROUP_SIZE];
	free(st);
	if (p->size > 1)
		p->named = !agi_group_info_fetch(&p->gi);
}

const char *agictl_producer(const struct agictl_producer *p, u64 epoch,
			    char *buf, size_t len)
{
	return agi_group_producer(p->named ? &p->gi : NULL, p->size, epoch,
				  buf, len);
}

/* The member called @name in the daemon's aggregators:, or NULL. */
static const struct agi_group_member_info *member_named(const struct view *v,
							const char *name)
{
	unsigned int i;

	for (i = 0; i < v->gi.n; i++)
		if (!strcmp(v->gi.m[i].name, name))
			return &v->gi.m[i];
	return NULL;
}

/* Why this node cannot take the cycle over now, or NULL. */
static const char *cannot_drive(const struct view *v)
{
	const u64 *f = v->st.field;

	if (!f[AGI_ST_RUNNING])
		return "its cycle is not running";
	if (!f[AGI_ST_RECORD_CYCLE])
		return "it has adopted no cycle record of the primary yet, so it has no state to go on from";
	return NULL;
}

/*
 * Whether the primary's records still reach this backup: its last record
 * moves on within three periods (at most 3 s). @st is read again.
 */
static int records_flowing(struct agi_nl *nl, struct agi_status *st,
			   bool *flowing)
{
	u64 before = st->field[AGI_ST_RECORD_CYCLE];
	u64 us = 3 * (st->field[AGI_ST_PERIOD_US] ?: 50000);
	struct timespec ts;
	int ret;

	if (us > 3000000)
		us = 3000000;
	ts.tv_sec = (time_t)(us / 1000000);
	ts.tv_nsec = (long)(us % 1000000) * 1000;
	nanosleep(&ts, NULL);
	ret = agi_status_get(nl, st);
	*flowing = !ret && st->field[AGI_ST_RECORD_CYCLE] > before &&
		   st->field[AGI_ST_GROUP_MODE] == AGISWARM_GROUP_BACKUP;
	return ret;
}

/*
 * Polls the module until it drives a cycle past @after, for two periods
 * and a second at most: 0, -ETIMEDOUT or the request's error.
 */
static int wait_driving(struct agi_nl *nl, u64 after, struct agi_status *st)
{
	const struct timespec step = { .tv_nsec = 20 * 1000 * 1000 };
	u64 i, n = (2 * st->field[AGI_ST_PERIOD_US] + 1000000) / 20000;
	int ret = 0;

	for (i = 0; i < n; i++) {
		ret = agi_status_get(nl, st);
		if (ret || (st->field[AGI_ST_GROUP_MODE] == AGISWARM_GROUP_PRIMARY &&
			    st->field[AGI_ST_CYCLE_ID] > after))
			return ret;
		nanosleep(&step, NULL);
	}
	return -ETIMEDOUT;
}

static int group_transfer(int argc, char **argv)
{
	const struct agi_group_member_info *to;
	struct agi_node_req req = { .present = AGI_NODE_EPOCH };
	const char *why;
	struct agi_nl nl;
	struct view *v;
	u64 from_cycle;
	bool flowing, force = false;
	int ret;

	if (argc < 1)
		return agictl_usage_error("group transfer needs the NAME of the member to take over, try \"agictl group help\".");
	if (argc > 1 && !strcmp(argv[1], "force"))
		force = true;
	else if (argc > 1)
		return agictl_usage_error("group transfer: unknown argument \"%s\" after NAME (expected \"force\" or nothing)",
					  argv[1]);
	if (argc > 2)
		return agictl_max_args("group transfer", argc, argv, 2);
	v = calloc(1, sizeof(*v));
	if (!v)
		return agictl_fail("group transfer failed: %s", strerror(ENOMEM));
	ret = gather(v);
	if (ret)
		goto out;
	ret = AGICTL_FAILED;
	if (v->self_rank < 0) {
		agictl_fail("group transfer failed: this node is not a member of a replicated aggregator group");
		goto out;
	}
	if (!v->have_daemon) {
		agictl_fail("group transfer failed: no agiswarmd answers on this node (%s), so the members' names are unknown",
			    strerror(-v->daemon_err));
		goto out;
	}
	to = member_named(v, argv[0]);
	if (!to) {
		agictl_fail("group transfer failed: no member \"%s\" in the group's aggregators:",
			    argv[0]);
		goto out;
	}
	if (!to->self) {
		agictl_fail("group transfer failed: %s is not this node (this node is %s): run \"agictl group transfer %s\" on %s's node (%s)",
			    to->name, name_of(v, (unsigned int)v->self_rank) ?: "?",
			    to->name, to->name, to->addr);
		goto out;
	}
	if (v->st.field[AGI_ST_GROUP_MODE] == AGISWARM_GROUP_PRIMARY) {
		ret = AGICTL_OK;
		agi_print_begin();
		agi_print_string(AGI_PRINT_ANY, "primary", "%s already drives the cycle", to->name);
		agi_print_u64(AGI_PRINT_ANY, "epoch", " (epoch %llu)\n", v->epoch);
		agi_print_end();
		goto out;
	}
	why = cannot_drive(v);
	if (why) {
		agictl_fail("group transfer failed: %s cannot take over: %s", to->name, why);
		goto out;
	}
	ret = agictl_open(&nl, "group transfer");
	if (ret)
		goto out;
	ret = records_flowing(&nl, &v->st, &flowing);
	if (!ret && !flowing && !force) {
		agi_nl_close(&nl);
		ret = agictl_fail("group transfer failed: %s cannot take over: the primary's cycle records stopped reaching it (its last is cycle %llu); \"agictl group transfer %s force\" takes over from that record",
				  to->name, (unsigned long long)v->st.field[AGI_ST_RECORD_CYCLE],
				  to->name);
		goto out;
	}
	/* The epoch as it is now: one may have changed while we looked. */
	req.epoch = agi_group_next_epoch(v->st.field[AGI_ST_EPOCH],
					 (u8)v->self_rank);
	if (!ret && !req.epoch) {
		agi_nl_close(&nl);
		ret = agictl_fail("group transfer failed: no epoch of rank %d is left above %llu",
				  v->self_rank,
				  (unsigned long long)v->st.field[AGI_ST_EPOCH]);
		goto out;
	}
	from_cycle = v->st.field[AGI_ST_RECORD_CYCLE];
	if (!ret)
		ret = agi_node_set(&nl, &req);
	if (!ret)
		ret = wait_driving(&nl, from_cycle, &v->st);
	if (ret == -ETIMEDOUT) {
		agi_nl_close(&nl);
		ret = agictl_fail("group transfer: %s took epoch %llu but has driven no cycle yet; see \"agictl group status\"",
				  to->name, (unsigned long long)req.epoch);
		goto out;
	}
	ret = agictl_close(&nl, "group transfer", ret);
	if (ret)
		goto out;
	agi_print_begin();
	agi_print_string(AGI_PRINT_ANY, "primary", "%s drives the cycle", to->name);
	agi_print_u64(AGI_PRINT_ANY, "epoch", " in epoch %llu", req.epoch);
	agi_print_u64(AGI_PRINT_ANY, "after_cycle",
		      ", going on from cycle %llu", from_cycle);
	agi_print_u64(AGI_PRINT_ANY, "cycle_id", " (now at %llu)\n",
		      v->st.field[AGI_ST_CYCLE_ID]);
	agi_print_end();
out:
	free(v);
	return ret;
}

static int group_status(int argc, char **argv)
{
	struct view *v;
	int ret;

	if (argc > 0)
		return agictl_max_args("group status", argc, argv, 0);
	v = calloc(1, sizeof(*v));
	if (!v)
		return agictl_fail("group status failed: %s", strerror(ENOMEM));
	ret = gather(v);
	if (ret == AGICTL_OK)
		print_group(v);
	free(v);
	return ret;
}

static void group_usage(void)
{
	printf("Usage: agictl [-j] group [ status ]\n"
	       "       agictl [-j] group transfer NAME [ force ]\n"
	       "status (the default) shows the replicated aggregator group as\n"
	       "this node sees it: its size, this member's rank and mode\n"
	       "(primary: drives the cycle; backup: follows the primary's cycle\n"
	       "records), the epoch and the rank that owns it (epoch %% 8), the\n"
	       "last cycle and the last record adopted (a backup's lag: cycles\n"
	       "since that record), the failure threshold (\"(N in effect)\"\n"
	       "while a takeover of a primary that was alive has raised it);\n"
	       "then, from this\n"
	       "node's agiswarmd when one\n"
	       "runs, the replicated log: raft state, term, commit index, last\n"
	       "applied entry and its lag, the leader's name; and one line per\n"
	       "member: rank, name (from aggregators:, daemon only), node id and\n"
	       "address (the module's aggregator peer), role as this node sees\n"
	       "it (the epoch's owner is the primary), whether the module holds\n"
	       "a session key for it (link) and whether the daemon's raft\n"
	       "connection to it is open.\n"
	       "On a worker: the epoch it follows and the members it knows.\n"
	       "A node in no group says so (size 1, or 0 on a worker).\n"
	       "JSON: {\"role\", \"node_id\", \"size\", \"rank\", \"mode\" (members),\n"
	       "       \"epoch\", \"epoch_owner\", \"epoch_owner_name\",\n"
	       "       \"cycle_id\", \"record_cycle\", \"record_lag\": N|null,\n"
	       "       \"failure_threshold\", \"failure_threshold_now\"\n"
	       "       (aggregators),\n"
	       "       \"daemon\": null | {\"pid\", \"raft\": null |\n"
	       "       {\"state\", \"term\", \"commit_index\", \"last_applied\",\n"
	       "       \"apply_lag\", \"leader\": NAME|null}},\n"
	       "       \"members\": [{\"rank\", \"name\", \"node_id\", \"address\",\n"
	       "       \"role\", \"self\", \"link\", \"raft_connected\",\n"
	       "       \"raft_leader\"}, ...]}\n"
	       "Exit status 0, or 1 when the module cannot be asked; a daemon\n"
	       "that does not answer is shown, not an error.\n"
	       "transfer NAME, run on member NAME's node (CAP_NET_ADMIN), makes\n"
	       "NAME the primary for planned maintenance of the one driving\n"
	       "now: NAME's module takes the next epoch of its rank and drives\n"
	       "from its next tick, going on from the last cycle record it\n"
	       "adopted; the workers follow the higher epoch and the old\n"
	       "primary stops when it sees it (a FENCED or NAME's first\n"
	       "record) and follows as a backup. The raft leadership follows\n"
	       "within seconds (agiswarmd). Refused, changing nothing, when NAME\n"
	       "is not this node (the message names NAME's address), this node\n"
	       "has adopted no record or the primary's records stopped reaching\n"
	       "it (its last record did not move on within three periods), or\n"
	       "its cycle is not running; NAME already driving is not an\n"
	       "error. force: also when the records stopped (the primary is\n"
	       "down, and with failure threshold 0 no backup takes over on its\n"
	       "own): NAME goes on from its last record, the cycles since are\n"
	       "lost. JSON: {\"primary\": NAME, \"epoch\", \"after_cycle\",\n"
	       "\"cycle_id\"}.\n");
}

int agictl_group(int argc, char **argv)
{
	static const struct agictl_verb verbs[] = {
		{ "status", group_status },
		{ "show", group_status },
		{ "transfer", group_transfer },
	};

	if (argc < 2)
		return group_status(0, argv + 1);
	return agictl_run_verb(argc, argv, verbs, ARRAY_SIZE(verbs),
			       group_usage);
}
