// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The daemon's answer about the group (group_info.h): checked before use,
 * fetched over the node's abstract unix socket.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "group_info.h"

static bool terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

int agi_group_info_check(const struct agi_group_info *gi, size_t len)
{
	bool rank_seen[AGI_CONFIG_MAX_GROUP] = { false };
	unsigned int i, self = 0;

	if (len != sizeof(*gi) || gi->magic != AGI_GROUP_INFO_MAGIC ||
	    gi->size != sizeof(*gi) || gi->n > AGI_CONFIG_MAX_GROUP ||
	    !terminated(gi->raft_state, sizeof(gi->raft_state)))
		return -EBADMSG;
	for (i = 0; i < gi->n; i++) {
		const struct agi_group_member_info *m = &gi->m[i];

		if (!terminated(m->name, sizeof(m->name)) ||
		    !terminated(m->addr, sizeof(m->addr)) ||
		    m->rank >= gi->n || rank_seen[m->rank] || m->self > 1 ||
		    m->raft_connected > 1)
			return -EBADMSG;
		rank_seen[m->rank] = true;
		self += m->self;
	}
	return self > 1 ? -EBADMSG : 0;
}

const char *agi_group_producer(const struct agi_group_info *gi, u64 size,
			       u64 epoch, char *buf, size_t len)
{
	unsigned int i, rank = (unsigned int)(epoch & 7);

	if (size < 2)
		return NULL;
	for (i = 0; gi && i < gi->n; i++)
		if (gi->m[i].rank == rank)
			return gi->m[i].name;
	snprintf(buf, len, "%u", rank);
	return buf;
}

int agi_group_info_fetch(struct agi_group_info *gi)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 1 };
	ssize_t n;
	int fd, err = 0;

	/* sun_path[0] = '\0': the abstract namespace. */
	memcpy(sun.sun_path + 1, AGI_DAEMON_SOCKET,
	       sizeof(AGI_DAEMON_SOCKET) - 1);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    connect(fd, (struct sockaddr *)&sun,
		    offsetof(struct sockaddr_un, sun_path) +
		    sizeof(AGI_DAEMON_SOCKET))) {
		err = -errno;
		goto out;
	}
	n = recv(fd, gi, sizeof(*gi), MSG_TRUNC);
	if (n < 0)
		err = errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT :
								-errno;
	else
		err = agi_group_info_check(gi, (size_t)n);
out:
	close(fd);
	return err;
}
