/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * What a node's agiswarmd knows of the aggregator group and the module
 * does not: the members' names and addresses from aggregators:, and the
 * replicated log's state (raft role, term, commit index, leader, which
 * members it is connected to). agictl group status reads it from the
 * daemon of its own network namespace over the abstract unix socket
 * "@agiswarmd" (SOCK_SEQPACKET), which is also the daemon's one-per-node
 * lock: connecting is the request, and the daemon answers with one
 * struct agi_group_info and closes. agictl and agiswarmd come from the
 * same build; a reply of another size or magic is refused, never guessed
 * at.
 */
#ifndef AGISWARM_USER_GROUP_INFO_H
#define AGISWARM_USER_GROUP_INFO_H

#include <stdbool.h>
#include <stddef.h>

#include "core/compat.h"
#include "config.h"

/* The abstract socket's name, without its leading NUL. */
#define AGI_DAEMON_SOCKET "agiswarmd"
#define AGI_GROUP_INFO_MAGIC 0x41474731u	/* "AGG1" */

/**
 * struct agi_group_member_info - one member of aggregators:
 * @name: its NAME
 * @addr: "IP:PORT" of its datagrams
 * @raft_id: its raft id (its priority)
 * @rank: its rank (priority order)
 * @self: this node is that member
 * @raft_connected: an authenticated raft connection to it is open
 */
struct agi_group_member_info {
	char name[64];
	char addr[80];
	u32 raft_id;
	u8 rank;
	u8 self;
	u8 raft_connected;
	u8 pad;
};

/**
 * struct agi_group_info - the daemon's answer
 * @magic: AGI_GROUP_INFO_MAGIC
 * @size: sizeof(struct agi_group_info)
 * @pid: the daemon's process id
 * @role: enum agiswarm_role of its configuration
 * @replicated: the daemon runs the group's log (replication.member set);
 *	the raft fields below are zero otherwise
 * @raft_state: "follower", "candidate", "leader", "unavailable"
 * @term, @commit_index, @last_applied: the raft node's
 * @leader: the leader's raft id, 0 when none is known
 * @n: members in @m, in aggregators: order (0 without the section)
 */
struct agi_group_info {
	u32 magic;
	u32 size;
	u32 pid;
	u8 role;
	u8 replicated;
	u8 n;
	u8 pad;
	char raft_state[16];
	u64 term, commit_index, last_applied;
	u32 leader;
	u32 pad2;
	struct agi_group_member_info m[AGI_CONFIG_MAX_GROUP];
};

/*
 * Who produced a cycle of @epoch in a group of @size (the module's group
 * size): the owner of the epoch (its low 3 bits are the rank), as its
 * NAME when @gi (may be NULL) names it, else as the rank's number in
 * @buf; NULL outside a group (@size below 2).
 */
const char *agi_group_producer(const struct agi_group_info *gi, u64 size,
			       u64 epoch, char *buf, size_t len);

/*
 * Checks @len bytes received as @gi: 0, or -EBADMSG for a wrong size,
 * magic, member count or rank, or a string without its NUL.
 */
int agi_group_info_check(const struct agi_group_info *gi, size_t len);

/*
 * Asks this network namespace's agiswarmd: 0 with @gi filled in and
 * checked, -ECONNREFUSED or -ENOENT when no daemon runs, -ETIMEDOUT when
 * it did not answer within a second, -EBADMSG for an answer
 * agi_group_info_check() refuses, or another -errno.
 */
int agi_group_info_fetch(struct agi_group_info *gi);

#endif /* AGISWARM_USER_GROUP_INFO_H */
