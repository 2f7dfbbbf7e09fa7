// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The upcall socket: a generic netlink socket of its own, registered with
 * AGISWARM_CMD_REGISTER_DAEMON, on which the module unicasts every datagram
 * its fast path does not take (Open vSwitch style). It is polled by the
 * loop; each datagram is handed to its type's handler. Answers go back
 * out through the module's own socket (AGISWARM_CMD_SEND, on the daemon's
 * request socket), so that they leave from the node's port.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "user/names.h"
#include "user/upcall.h"
#include "runtime.h"

/* Bursts of heartbeats and commits must not overrun the socket. */
#define UPCALL_RCVBUF (1 << 20)
#define UPCALL_RECV_SIZE 65536

static void dispatch(struct agid *d, const struct agi_upcall *u)
{
	bool agg = d->cfg->role == AGISWARM_ROLE_AGGREGATOR;
	const u8 *pk = u->pubkey;

	switch (u->dgram[1]) {
	case AGI_HS_MSG_INIT:
	case AGI_HS_MSG_RESP:
		agid_session_receive(d, &u->from, u->dgram, u->len);
		return;
	case AGISWARM_MSG_COMMIT:
		if (agg) {
			agid_commits_receive(d, &u->from, u->dgram, u->len);
			return;
		}
		break;
	case AGISWARM_MSG_HEARTBEAT:
		if (agg) {
			agid_members_heartbeat(d, &u->from, pk, u->dgram,
					       u->len);
			return;
		}
		break;
	case AGISWARM_MSG_STATUS:
		if (!agg) {
			agid_heartbeat_status(d, &u->from, pk, u->dgram,
					      u->len);
			return;
		}
		break;
	}
	agid_log(d, AGI_LOG_DEBUG, "ignored a datagram of type 0x%02x (not for a %s)",
		 u->dgram[1], agi_role_name(d->cfg->role));
}

static void upcall_cb(const struct agi_upcall *u, int err, void *data)
{
	struct agid *d = data;

	d->up.received++;
	if (err) {
		d->up.malformed++;
		agid_log(d, AGI_LOG_WARNING, "an upcall without sender or datagram (%llu so far)",
			 (unsigned long long)d->up.malformed);
		return;
	}
	d->up.pubkey = u->pubkey;	/* for answers made while handling it */
	dispatch(d, u);
	d->up.pubkey = NULL;
}

static void on_readable(uv_poll_t *h, int status, int events)
{
	struct agid *d = h->data;
	static u8 buf[UPCALL_RECV_SIZE];
	ssize_t n;

	if (status < 0 || !(events & UV_READABLE))
		return;
	for (;;) {
		n = recv(agi_nl_fd(&d->up.nl), buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == ENOBUFS) {
			agid_log(d, AGI_LOG_WARNING, "upcalls were lost: the receive buffer overflowed (the module counts them in upcall_drops)");
			continue;
		}
		if (n <= 0)
			break;
		agi_upcalls(buf, (size_t)n, upcall_cb, d);
	}
}

static int register_daemon(struct agid *d)
{
	int size = UPCALL_RCVBUF, err;

	setsockopt(agi_nl_fd(&d->up.nl), SOL_SOCKET, SO_RCVBUF, &size,
		   sizeof(size));
	err = agi_daemon_register(&d->up.nl, d->cfg->require_signatures);
	if (err)
		agid_log(d, AGI_LOG_ERROR, "registering with the module failed: %s",
			 d->up.nl.extack[0] ? d->up.nl.extack : strerror(-err));
	return err;
}

int agid_upcall_init(struct agid *d)
{
	int err;

	err = agi_nl_open(&d->up.nl);
	if (err) {
		agid_log(d, AGI_LOG_ERROR, "opening the upcall socket failed: %s",
			 err == -ENOENT ? "the agiswarm module is not loaded" :
					  strerror(-err));
		return err;
	}
	d->up.open = true;
	err = register_daemon(d);
	if (!err)
		err = uv_poll_init(&d->loop, &d->up.poll, agi_nl_fd(&d->up.nl));
	if (err)
		return err;
	d->up.poll.data = d;
	uv_poll_start(&d->up.poll, UV_READABLE, on_readable);
	agid_log(d, AGI_LOG_INFO, "registered with the module as its daemon (netlink port %u)",
		 d->up.nl.portid);
	return 0;
}

void agid_upcall_close(struct agid *d)
{
	agid_close(&d->up.poll);
}

void agid_upcall_close_socket(struct agid *d)
{
	if (d->up.open)
		agi_nl_close(&d->up.nl);
	d->up.open = false;
}

int agid_send(struct agid *d, const struct agi_endpoint *to, const u8 *dgram,
	      size_t len)
{
	char addr[64];
	int err;

	err = agi_send(d->nl, to, dgram, len);
	if (err) {
		agi_format_endpoint(&to->addr, to->len, addr, sizeof(addr));
		agid_log(d, AGI_LOG_WARNING, "sending to %s failed: %s", addr,
			 d->nl->extack[0] ? d->nl->extack : strerror(-err));
	}
	return err;
}

int agid_send_to(struct agid *d, const u8 *pk, const struct agi_endpoint *to,
		 const u8 *dgram, size_t len)
{
	char addr[64];
	int err;

	if (!pk)
		return agid_send(d, to, dgram, len);
	err = agi_send_sealed(d->nl, pk, to, dgram, len);
	if (err) {
		agi_format_endpoint(&to->addr, to->len, addr, sizeof(addr));
		agid_log(d, AGI_LOG_DEBUG, "sending sealed to %s failed: %s", addr,
			 d->nl->extack[0] ? d->nl->extack : strerror(-err));
	}
	return err;
}
