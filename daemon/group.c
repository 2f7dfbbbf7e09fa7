// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agiswarmd's place in the aggregator group's replicated log (repl.c),
 * when replication.member is set: the node key, the raft node, and every
 * committed entry handed to the piece that owns it (commits.c for
 * operator commits). Without replication.member the daemon runs alone, as
 * before.
 */
#include <errno.h>
#include <string.h>

#include "repl.h"
#include "runtime.h"

static void group_log(void *arg, enum agi_log_level level, const char *line)
{
	agid_log(arg, level, "%s", line);
}

static int group_apply(void *arg, u64 index, const struct agi_repl_entry *e)
{
	struct agid *d = arg;

	switch (e->type) {
	case AGI_REPL_COMMIT:
		return agid_commits_apply(d, index, &e->commit);
	case AGI_REPL_WORKER:
		/* Written by no one yet: worker membership stays local. */
		agid_log(d, AGI_LOG_WARNING, "raft: entry %llu (a worker change) is not applied by this version",
			 (unsigned long long)index);
		return -EOPNOTSUPP;
	}
	return -EINVAL;
}

int agid_group_init(struct agid *d)
{
	const struct agid_repl_ops ops = {
		.apply = group_apply, .log = group_log, .arg = d,
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
	if (ret)
		agid_log(d, AGI_LOG_ERROR, "%s", err);
	return ret;
}

void agid_group_close(struct agid *d)
{
	if (d->repl)
		agid_repl_stop(d->repl, NULL, NULL);
	d->repl = NULL;
	agi_key_wipe(&d->node_key);
}
