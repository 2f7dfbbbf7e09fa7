// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The upcall socket: a generic netlink socket of its own, registered with
 * AGISWARM_CMD_REGISTER_DAEMON, on which the module unicasts every datagram
 * its fast path does not take (Open vSwitch style). It is polled by the
 * loop; each datagram is handed to its type's handler. Answers go back
 * out through the module's own socket (AGISWARM_CMD_SEND), so that they
 * leave from the node's port.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "runtime.h"

/* Bursts of heartbeats and commits must not overrun the socket. */
#define UPCALL_RCVBUF (1 << 20)
#define UPCALL_RECV_SIZE 65536

struct upcall {
	struct agid_addr from;
	const u8 *dgram;
	size_t len;
	bool has_from;
};

static int upcall_attr_cb(const struct nlattr *a, void *data)
{
	struct upcall *u = data;
	size_t len = mnl_attr_get_payload_len(a);

	switch (mnl_attr_get_type(a)) {
	case AGISWARM_A_PEER_ENDPOINT:
		if (len != sizeof(struct sockaddr_in) &&
		    len != sizeof(struct sockaddr_in6))
			return MNL_CB_ERROR;
		memcpy(&u->from.sa, mnl_attr_get_payload(a), len);
		u->from.len = (socklen_t)len;
		u->has_from = true;
		break;
	case AGISWARM_A_DATAGRAM:
		u->dgram = mnl_attr_get_payload(a);
		u->len = len;
		break;
	}
	return MNL_CB_OK;
}

static void dispatch(struct agid *d, const struct upcall *u)
{
	bool agg = d->cfg->role == AGISWARM_ROLE_AGGREGATOR;

	switch (u->dgram[1]) {
	case AGISWARM_MSG_COMMIT:
		if (agg) {
			agid_commits_receive(d, &u->from, u->dgram, u->len);
			return;
		}
		break;
	case AGISWARM_MSG_HEARTBEAT:
		if (agg) {
			agid_members_heartbeat(d, &u->from, u->dgram, u->len);
			return;
		}
		break;
	case AGISWARM_MSG_STATUS:
		if (!agg) {
			agid_heartbeat_status(d, &u->from, u->dgram, u->len);
			return;
		}
		break;
	}
	agid_log(d, AGID_LOG_DEBUG, "ignored a datagram of type 0x%02x (not for a %s)",
		 u->dgram[1], agi_role_name(d->cfg->role));
}

static int upcall_cb(const struct nlmsghdr *nlh, void *data)
{
	struct agid *d = data;
	struct upcall u = { 0 };
	struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type < NLMSG_MIN_TYPE || g->cmd != AGISWARM_CMD_UPCALL)
		return MNL_CB_OK;
	d->up.received++;
	if (mnl_attr_parse(nlh, sizeof(*g), upcall_attr_cb, &u) < 0 ||
	    !u.has_from || !u.dgram || u.len < AGISWARM_WIRE_HDR_LEN) {
		d->up.malformed++;
		agid_log(d, AGID_LOG_WARNING, "an upcall without sender or datagram (%llu so far)",
			 (unsigned long long)d->up.malformed);
		return MNL_CB_OK;
	}
	dispatch(d, &u);
	return MNL_CB_OK;
}

static void on_readable(uv_poll_t *h, int status, int events)
{
	struct agid *d = h->data;
	static u8 buf[UPCALL_RECV_SIZE];
	ssize_t n;

	if (status < 0 || !(events & UV_READABLE))
		return;
	for (;;) {
		n = recv(mnl_socket_get_fd(d->up.nl->sock), buf, sizeof(buf),
			 MSG_DONTWAIT);
		if (n < 0 && errno == ENOBUFS) {
			agid_log(d, AGID_LOG_WARNING, "upcalls were lost: the receive buffer overflowed (the module counts them in upcall_drops)");
			continue;
		}
		if (n <= 0)
			break;
		mnl_cb_run(buf, (size_t)n, 0, 0, upcall_cb, d);
	}
}

static int register_daemon(struct agid *d)
{
	char buf[AGI_NL_BUF_SIZE];
	int size = UPCALL_RCVBUF, err;

	setsockopt(mnl_socket_get_fd(d->up.nl->sock), SOL_SOCKET, SO_RCVBUF,
		   &size, sizeof(size));
	err = agi_nl_talk(d->up.nl,
			  agi_nl_request(d->up.nl, buf,
					 AGISWARM_CMD_REGISTER_DAEMON),
			  NULL, NULL);
	if (err)
		agid_log(d, AGID_LOG_ERROR, "registering with the module failed: %s",
			 d->up.nl->extack[0] ? d->up.nl->extack :
					       strerror(-err));
	return err;
}

int agid_upcall_init(struct agid *d)
{
	int err;

	d->up.nl = calloc(1, sizeof(*d->up.nl));
	if (!d->up.nl)
		return -ENOMEM;
	err = agi_nl_open(d->up.nl);
	if (err) {
		agid_log(d, AGID_LOG_ERROR, "opening the upcall socket failed: %s",
			 err == -ENOENT ? "the agiswarm module is not loaded" :
					  strerror(-err));
		goto fail;
	}
	err = register_daemon(d);
	if (err)
		goto fail;
	err = uv_poll_init(&d->loop, &d->up.poll,
			   mnl_socket_get_fd(d->up.nl->sock));
	if (err)
		goto fail;
	d->up.poll.data = d;
	uv_poll_start(&d->up.poll, UV_READABLE, on_readable);
	agid_log(d, AGID_LOG_INFO, "registered with the module as its daemon (netlink port %u)",
		 d->up.nl->portid);
	return 0;
fail:
	agi_nl_close(d->up.nl);
	free(d->up.nl);
	d->up.nl = NULL;
	return err;
}

void agid_upcall_close(struct agid *d)
{
	agid_close(&d->up.poll);
}

/* After the loop has closed the poll handle. */
void agid_upcall_free(struct agid *d)
{
	if (!d->up.nl)
		return;
	agi_nl_close(d->up.nl);
	free(d->up.nl);
	d->up.nl = NULL;
}

int agid_send(struct agid *d, const struct agid_addr *to, const u8 *dgram,
	      size_t len)
{
	char buf[AGI_NL_BUF_SIZE], addr[64];
	struct nlmsghdr *nlh;
	int err;

	nlh = agi_nl_request(d->req, buf, AGISWARM_CMD_SEND);
	mnl_attr_put(nlh, AGISWARM_A_PEER_ENDPOINT, to->len, &to->sa);
	mnl_attr_put(nlh, AGISWARM_A_DATAGRAM, len, dgram);
	err = agi_nl_talk(d->req, nlh, NULL, NULL);
	if (err) {
		agi_format_endpoint(&to->sa, to->len, addr, sizeof(addr));
		agid_log(d, AGID_LOG_WARNING, "sending to %s failed: %s", addr,
			 d->req->extack[0] ? d->req->extack : strerror(-err));
	}
	return err;
}
