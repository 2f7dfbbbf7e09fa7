/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * A daemon's requests: AGISWARM_CMD_REGISTER_DAEMON makes a socket the
 * node's daemon, to which the module then unicasts every datagram its
 * fast path does not take (AGISWARM_CMD_UPCALL, Open vSwitch style), and
 * AGISWARM_CMD_SEND sends a datagram from the node's own socket, so that
 * answers leave from the node's port.
 */
#ifndef AGISWARM_USER_UPCALL_H
#define AGISWARM_USER_UPCALL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/compat.h"
#include "uapi/linux/agiswarm.h"
#include "nl.h"
#include "parse.h"

struct nlmsghdr;

/*
 * Makes @nl the node's daemon socket: 0 or the module's -errno. With
 * @signed_resume, the module takes a resume (ESTOP 0) from @nl only, for
 * as long as it is registered: resumes are signed commits.
 */
int agi_daemon_register(struct agi_nl *nl, bool signed_resume);

/**
 * struct agi_upcall - one datagram the module passed up
 * @from: its sender, address and port
 * @dgram: the whole datagram, header included (at least the header's 4
 *	bytes), pointing into the netlink message
 * @pubkey: the public key of the link the module opened it with
 *	(AGISWARM_PUBKEY_LEN bytes, in the netlink message), NULL when the
 *	datagram came plain: then nothing vouches for its sender
 */
struct agi_upcall {
	struct agi_endpoint from;
	const u8 *dgram;
	size_t len;
	const u8 *pubkey;
};

/*
 * The upcalls in @buf, what one recv() of the registered socket returned:
 * @cb gets each in order, with @err 0, or -EBADMSG for an upcall without a
 * usable sender or datagram (@u then holds nothing). Other messages are
 * skipped. Returns 0, or -EBADMSG when @buf is not netlink messages.
 */
typedef void (*agi_upcall_cb)(const struct agi_upcall *u, int err,
			      void *data);
int agi_upcalls(const void *buf, size_t len, agi_upcall_cb cb, void *data);

/* Sends @len bytes from the node's socket to @to: 0 or -errno. */
int agi_send(struct agi_nl *nl, const struct agi_endpoint *to, const u8 *dgram,
	     size_t len);
/*
 * Sends @dgram (a plain message) sealed by the module for the link of
 * @pubkey, to that link's endpoint (@to when it has none yet).
 */
int agi_send_sealed(struct agi_nl *nl, const u8 *pubkey,
		    const struct agi_endpoint *to, const u8 *dgram, size_t len);

#endif /* AGISWARM_USER_UPCALL_H */
