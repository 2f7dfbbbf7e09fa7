// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The daemon's answer to agictl group status (include/user/group_info.h):
 * the node's lock socket, "@agiswarmd", listens; every connection gets
 * one struct agi_group_info and is closed at once. Nothing is read from
 * it, so nothing a local process sends can move any state; the answer
 * holds what GET_STATUS would tell any user of the namespace and the
 * configuration's public parts (names, addresses, raft state), no key.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "user/group_info.h"
#include "repl.h"
#include "runtime.h"

void agid_group_info(const struct agid *d, struct agi_group_info *gi)
{
	const struct agi_config *cfg = d->cfg;
	struct agid_repl_status st = { .state = "" };
	int self = agi_config_self_member(cfg);
	unsigned int i;

	memset(gi, 0, sizeof(*gi));
	gi->magic = AGI_GROUP_INFO_MAGIC;
	gi->size = sizeof(*gi);
	gi->pid = (u32)getpid();
	gi->role = cfg->role;
	if (d->repl) {
		agid_repl_status(d->repl, &st);
		gi->replicated = 1;
		gi->term = st.term;
		gi->commit_index = st.commit_index;
		gi->last_applied = st.last_applied;
		gi->leader = st.leader;
	}
	snprintf(gi->raft_state, sizeof(gi->raft_state), "%s", st.state);
	/* One member is no group: the loader takes 2..7 or none. */
	gi->n = cfg->n_group > 1 ? (u8)cfg->n_group : 0;
	for (i = 0; i < gi->n; i++) {
		const struct agi_config_member *m = &cfg->group[i];
		struct agi_group_member_info *o = &gi->m[i];

		snprintf(o->name, sizeof(o->name), "%s", m->name);
		agi_config_member_addr(m, m->port, o->addr, sizeof(o->addr));
		o->raft_id = m->priority;
		o->rank = agi_config_member_rank(cfg, i);
		o->self = (int)i == self;
		o->raft_connected = d->repl && st.open[i];
	}
}

static void on_connect(uv_poll_t *h, int status, int events)
{
	struct agid *d = h->data;
	struct agi_group_info gi;
	int fd;

	(void)events;
	if (status < 0)
		return;
	agid_group_info(d, &gi);
	/* Every waiting connection; each answer fits the socket's buffer. */
	while ((fd = accept4(d->control.fd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		if (send(fd, &gi, sizeof(gi), MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
			d->control.failed++;
		else
			d->control.answered++;
		close(fd);
	}
	if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
	    !d->control.warned) {
		d->control.warned = true;
		agid_log(d, AGI_LOG_WARNING, "agictl's socket: accept: %s",
			 strerror(errno));
	}
}

int agid_control_init(struct agid *d)
{
	int err;

	if (fcntl(d->control.fd, F_SETFL, O_NONBLOCK) ||
	    listen(d->control.fd, 8)) {
		err = -errno;
		agid_log(d, AGI_LOG_ERROR, "listening for agictl failed: %s",
			 strerror(errno));
		return err;
	}
	err = uv_poll_init(&d->loop, &d->control.poll, d->control.fd);
	if (!err) {
		d->control.poll.data = d;
		err = uv_poll_start(&d->control.poll, UV_READABLE, on_connect);
	}
	if (err)
		agid_log(d, AGI_LOG_ERROR, "listening for agictl failed: %s",
			 uv_strerror(err));
	return err;
}

void agid_control_close(struct agid *d)
{
	agid_close(&d->control.poll);
}
