// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agiswarmd's place in the aggregator group's replicated log (repl.c),
 * when replication.member is set: the node key, the raft node, and every
 * committed entry handed to the piece that owns it: commits.c for
 * operator commits, members.c for worker membership (WORKER entries: the
 * leader's daemon proposes adding a healthy worker or removing an
 * unhealthy one, every member changes its module as the entry is
 * applied, so that the group's members hold the same workers and plan
 * the same rows). Without replication.member the daemon runs alone, as
 * before.
 *
 * The raft leader follows the module's primary: every second the leader
 * asks its module which rank owns the epoch, and when that is another
 * member whose raft connection is open, hands it the leadership (at most
 * one try every FOLLOW_RETRY_MS). A takeover in the kernel needs no
 * election; this brings the log's leader, where operators' commits are
 * proposed, to the member that drives the cycle, so that the node an
 * operator sees as primary is the one that takes commits.
 */
#include <errno.h>
#include <string.h>

#include "user/status.h"

#include "repl.h"
#include "runtime.h"

static void group_log(void *arg, enum agi_log_level level, const char *line)
{
	agid_log(arg, level, "%s", line);
}

static void group_member_up(void *arg, const u8 *pk)
{
	agid_session_member_up(arg, pk);
}

static int group_apply(void *arg, u64 index, const struct agi_repl_entry *e)
{
	struct agid *d = arg;

	switch (e->type) {
	case AGI_REPL_COMMIT:
		return agid_commits_apply(d, index, &e->commit);
	case AGI_REPL_WORKER:
		return agid_members_apply(d, index, &e->worker);
	}
	return -EINVAL;
}

#define FOLLOW_MS 1000
#define FOLLOW_RETRY_MS 5000

/* The member (aggregators: index) of @rank, or -1. */
static int member_of_rank(const struct agi_config *cfg, u64 rank)
{
	u32 i;

	for (i = 0; i < cfg->n_group; i++)
		if (agi_config_member_rank(cfg, i) == rank)
			return (int)i;
	return -1;
}

static void follow_primary(uv_timer_t *t)
{
	struct agid *d = t->data;
	struct agid_repl_status rs;
	struct agi_status st;
	char why[128];
	u64 now = agid_now_ms();
	int i;

	if (!d->repl || !agid_repl_is_leader(d->repl) ||
	    now - d->group.last_try_ms < FOLLOW_RETRY_MS ||
	    agi_status_get(d->nl, &st) || !st.has[AGI_ST_GROUP_MODE] ||
	    st.field[AGI_ST_GROUP_SIZE] < 2 ||
	    st.field[AGI_ST_GROUP_MODE] == AGISWARM_GROUP_PRIMARY)
		return;
	i = member_of_rank(d->cfg, st.field[AGI_ST_EPOCH] & 7);
	agid_repl_status(d->repl, &rs);
	if (i < 0 || !rs.open[i] || i == agi_config_self_member(d->cfg))
		return;
	d->group.last_try_ms = now;
	snprintf(why, sizeof(why), "it drives the cycle (the module's epoch %llu is its rank's)",
		 (unsigned long long)st.field[AGI_ST_EPOCH]);
	agid_repl_transfer(d->repl, (unsigned int)i, why);
}

int agid_group_init(struct agid *d)
{
	const struct agid_repl_ops ops = {
		.apply = group_apply, .log = group_log,
		.member_up = group_member_up, .arg = d,
	};
	char err[AGI_CONFIG_ERR_LEN];
	bool created;
	int ret;

	if (!d->cfg->repl_member[0])
		return 0;
	/* session.c made it at first start, when it was missing. */
	ret = agi_node_key_load(d->cfg->node_key_file, false, &d->node_key,
				&created, err, sizeof(err));
	if (ret) {
		agid_log(d, AGI_LOG_ERROR, "reading the node key failed: %s", err);
		return ret;
	}
	ret = agid_repl_start(&d->repl, &d->loop, d->cfg, &d->node_key, &ops,
			      err, sizeof(err));
	if (ret) {
		agid_log(d, AGI_LOG_ERROR, "%s", err);
		return ret;
	}
	ret = uv_timer_init(&d->loop, &d->group.timer);
	d->group.timer.data = d;
	if (!ret)
		ret = uv_timer_start(&d->group.timer, follow_primary, FOLLOW_MS,
				     FOLLOW_MS);
	return ret;
}

void agid_group_close(struct agid *d)
{
	agid_close(&d->group.timer);
	if (d->repl)
		agid_repl_stop(d->repl, NULL, NULL);
	d->repl = NULL;
	agi_key_wipe(&d->node_key);
}
