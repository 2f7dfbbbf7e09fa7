// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The netlink requests only the daemon makes: staging a commit's changes
 * at a cycle (SET_NODE and SET_MATRIX with AGISWARM_A_APPLY_AT_CYCLE) and
 * reading metrics records from a cycle id on. Everything an operator can
 * also do by hand goes through agictl's verbs instead (program.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "runtime.h"
#include "commit.h"

#define NODE_CHANGES (AGI_CH_BIT(AGI_CH_SETPOINT) | AGI_CH_BIT(AGI_CH_KP) | \
		      AGI_CH_BIT(AGI_CH_KI) | AGI_CH_BIT(AGI_CH_KD) | \
		      AGI_CH_BIT(AGI_CH_LO) | AGI_CH_BIT(AGI_CH_HI) | \
		      AGI_CH_BIT(AGI_CH_CYCLE_US) | \
		      AGI_CH_BIT(AGI_CH_DEADLINE_US) | \
		      AGI_CH_BIT(AGI_CH_MISS) | AGI_CH_BIT(AGI_CH_LAW))
#define PID_CHANGES (AGI_CH_BIT(AGI_CH_SETPOINT) | AGI_CH_BIT(AGI_CH_KP) | \
		     AGI_CH_BIT(AGI_CH_KI) | AGI_CH_BIT(AGI_CH_KD) | \
		     AGI_CH_BIT(AGI_CH_LO) | AGI_CH_BIT(AGI_CH_HI))

static bool has(const struct agi_commit_changes *ch, int key)
{
	return ch->present & AGI_CH_BIT(key);
}

static void put_pid(struct nlmsghdr *nlh, const struct agi_commit_changes *ch)
{
	static const struct {
		int key;
		u16 attr;
		size_t offset;
	} gains[] = {
		{ AGI_CH_KP, AGISWARM_PID_A_KP,
		  offsetof(struct agi_commit_changes, kp) },
		{ AGI_CH_KI, AGISWARM_PID_A_KI,
		  offsetof(struct agi_commit_changes, ki) },
		{ AGI_CH_KD, AGISWARM_PID_A_KD,
		  offsetof(struct agi_commit_changes, kd) },
		{ AGI_CH_LO, AGISWARM_PID_A_LO,
		  offsetof(struct agi_commit_changes, lo) },
		{ AGI_CH_HI, AGISWARM_PID_A_HI,
		  offsetof(struct agi_commit_changes, hi) },
	};
	struct nlattr *nest;
	unsigned int i;
	s32 v;

	if (!(ch->present & PID_CHANGES))
		return;
	nest = mnl_attr_nest_start(nlh, AGISWARM_A_PID);
	for (i = 0; i < ARRAY_SIZE(gains); i++) {
		if (!has(ch, gains[i].key))
			continue;
		memcpy(&v, (const u8 *)ch + gains[i].offset, sizeof(v));
		mnl_attr_put_u32(nlh, gains[i].attr, (u32)v);
	}
	if (has(ch, AGI_CH_SETPOINT))
		mnl_attr_put(nlh, AGISWARM_PID_A_SETPOINT,
			     ch->n_setpoint * sizeof(s32), ch->setpoint);
	mnl_attr_nest_end(nlh, nest);
}

static int talk(struct agid *d, struct nlmsghdr *nlh, const char *what,
		char *err, size_t errlen)
{
	int ret = agi_nl_talk(d->req, nlh, NULL, NULL);

	if (ret)
		snprintf(err, errlen, "%s: %s", what,
			 d->req->extack[0] ? d->req->extack : strerror(-ret));
	return ret;
}

static int stage_node(struct agid *d, const struct agi_commit_changes *ch,
		      u64 at, char *err, size_t errlen)
{
	char buf[AGI_NL_BUF_SIZE];
	struct nlmsghdr *nlh = agi_nl_request(d->req, buf,
					      AGISWARM_CMD_SET_NODE);

	if (has(ch, AGI_CH_CYCLE_US))
		mnl_attr_put_u32(nlh, AGISWARM_A_CYCLE_PERIOD_US, ch->cycle_us);
	if (has(ch, AGI_CH_DEADLINE_US))
		mnl_attr_put_u32(nlh, AGISWARM_A_CYCLE_DEADLINE_US,
				 ch->deadline_us);
	if (has(ch, AGI_CH_MISS))
		mnl_attr_put_u8(nlh, AGISWARM_A_MISS_POLICY, ch->miss);
	if (has(ch, AGI_CH_LAW))
		mnl_attr_put_u8(nlh, AGISWARM_A_CONTROL_LAW, ch->law);
	put_pid(nlh, ch);
	mnl_attr_put_u64(nlh, AGISWARM_A_APPLY_AT_CYCLE, at);
	return talk(d, nlh, "staging the node's settings", err, errlen);
}

/* A commit's matrix is at most one datagram: one chunk holds it. */
static int stage_matrix(struct agid *d, const struct agi_commit_changes *ch,
			u64 at, char *err, size_t errlen)
{
	char buf[AGI_NL_BUF_SIZE];
	struct nlmsghdr *nlh = agi_nl_request(d->req, buf,
					      AGISWARM_CMD_SET_MATRIX);

	mnl_attr_put_u8(nlh, AGISWARM_A_MATRIX_FMT, ch->matrix.fmt);
	mnl_attr_put_u32(nlh, AGISWARM_A_MATRIX_ROWS, ch->matrix.rows);
	mnl_attr_put_u32(nlh, AGISWARM_A_MATRIX_COLS, ch->matrix.cols);
	mnl_attr_put_u32(nlh, AGISWARM_A_MATRIX_FIRST_ROW, 0);
	mnl_attr_put(nlh, AGISWARM_A_MATRIX_DATA,
		     (size_t)ch->matrix.rows * ch->matrix.cols * sizeof(s32),
		     ch->matrix.data);
	mnl_attr_put_u64(nlh, AGISWARM_A_APPLY_AT_CYCLE, at);
	return talk(d, nlh, "staging the matrix", err, errlen);
}

/*
 * The matrix goes first: when the module refuses it (another one staged),
 * nothing of the commit is staged. The node's settings then fail only on
 * a staged change of their own kind.
 */
int agid_module_stage(struct agid *d, const struct agi_commit_changes *ch,
		      u64 apply_at, char *err, size_t errlen)
{
	int ret = 0;

	if (has(ch, AGI_CH_MATRIX))
		ret = stage_matrix(d, ch, apply_at, err, errlen);
	if (!ret && (ch->present & NODE_CHANGES))
		ret = stage_node(d, ch, apply_at, err, errlen);
	return ret;
}

struct record_walk {
	agid_record_cb cb;
	void *data;
};

static int record_cb(const struct nlmsghdr *nlh, void *data)
{
	struct record_walk *w = data;
	struct agi_cycle c;

	if (agi_cycle_parse(nlh, &c)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	return w->cb(&c, w->data) ? MNL_CB_ERROR : MNL_CB_OK;
}

int agid_module_metrics(struct agid *d, u64 from, agid_record_cb cb,
			void *data)
{
	struct record_walk w = { .cb = cb, .data = data };
	char buf[AGI_NL_BUF_SIZE];
	struct nlmsghdr *nlh = agi_nl_dump(d->req, buf,
					   AGISWARM_CMD_GET_METRICS);

	if (from)
		mnl_attr_put_u64(nlh, AGISWARM_A_CYCLE_ID, from);
	return agi_nl_talk(d->req, nlh, record_cb, &w);
}
