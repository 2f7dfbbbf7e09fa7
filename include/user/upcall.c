// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * REGISTER_DAEMON, UPCALL and SEND: see upcall.h.
 */
#include <errno.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "upcall.h"

int agi_daemon_register(struct agi_nl *nl, bool signed_resume)
{
	char buf[AGI_NL_BUF_SIZE];
	struct nlmsghdr *nlh = agi_nl_request(nl, buf,
					      AGISWARM_CMD_REGISTER_DAEMON);

	if (signed_resume)
		mnl_attr_put_u8(nlh, AGISWARM_A_SIGNED_RESUME, 1);
	return agi_nl_talk(nl, nlh, NULL, NULL);
}

struct upcall_attrs {
	struct agi_upcall *u;
	bool has_from;
};

/* The sender's key in the AGISWARM_A_PEER nest of an opened datagram. */
static int upcall_peer_cb(const struct nlattr *a, void *data)
{
	struct agi_upcall *u = data;

	if (mnl_attr_get_type(a) != AGISWARM_PEER_A_PUBKEY)
		return MNL_CB_OK;
	if (mnl_attr_get_payload_len(a) != AGISWARM_PUBKEY_LEN)
		return MNL_CB_ERROR;
	u->pubkey = mnl_attr_get_payload(a);
	return MNL_CB_OK;
}

static int upcall_attr_cb(const struct nlattr *a, void *data)
{
	struct upcall_attrs *ua = data;
	struct agi_upcall *u = ua->u;
	size_t len = mnl_attr_get_payload_len(a);

	switch (mnl_attr_get_type(a)) {
	case AGISWARM_A_PEER_ENDPOINT:
		if (len != sizeof(struct sockaddr_in) &&
		    len != sizeof(struct sockaddr_in6))
			return MNL_CB_ERROR;
		memcpy(&u->from.addr, mnl_attr_get_payload(a), len);
		u->from.len = len;
		ua->has_from = true;
		break;
	case AGISWARM_A_DATAGRAM:
		u->dgram = mnl_attr_get_payload(a);
		u->len = len;
		break;
	case AGISWARM_A_PEER:
		if (mnl_attr_parse_nested(a, upcall_peer_cb, u) < 0)
			return MNL_CB_ERROR;
		break;
	}
	return MNL_CB_OK;
}

/* 0; -ENOENT: not an upcall; -EBADMSG: an upcall without what it needs. */
static int upcall_parse(const struct nlmsghdr *nlh, struct agi_upcall *u)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	struct upcall_attrs ua = { .u = u };

	memset(u, 0, sizeof(*u));
	if (nlh->nlmsg_type < NLMSG_MIN_TYPE ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*g) ||
	    g->cmd != AGISWARM_CMD_UPCALL)
		return -ENOENT;
	if (mnl_attr_parse(nlh, sizeof(*g), upcall_attr_cb, &ua) < 0 ||
	    !ua.has_from || !u->dgram || u->len < AGISWARM_WIRE_HDR_LEN)
		return -EBADMSG;
	return 0;
}

struct upcalls {
	agi_upcall_cb cb;
	void *data;
};

static int upcall_cb(const struct nlmsghdr *nlh, void *data)
{
	struct upcalls *w = data;
	struct agi_upcall u;
	int err = upcall_parse(nlh, &u);

	if (err != -ENOENT)
		w->cb(&u, err, w->data);
	return MNL_CB_OK;
}

int agi_upcalls(const void *buf, size_t len, agi_upcall_cb cb, void *data)
{
	struct upcalls w = { .cb = cb, .data = data };

	return mnl_cb_run(buf, len, 0, 0, upcall_cb, &w) < 0 ? -EBADMSG : 0;
}

static int send_dgram(struct agi_nl *nl, const u8 *pubkey,
		      const struct agi_endpoint *to, const u8 *dgram,
		      size_t len)
{
	char buf[AGI_NL_BUF_SIZE];
	struct nlmsghdr *nlh = agi_nl_request(nl, buf, AGISWARM_CMD_SEND);
	struct nlattr *nest;

	if (to && to->len)
		mnl_attr_put(nlh, AGISWARM_A_PEER_ENDPOINT, to->len, &to->addr);
	if (pubkey) {
		nest = mnl_attr_nest_start(nlh, AGISWARM_A_PEER);
		mnl_attr_put(nlh, AGISWARM_PEER_A_PUBKEY, AGISWARM_PUBKEY_LEN,
			     pubkey);
		mnl_attr_nest_end(nlh, nest);
	}
	mnl_attr_put(nlh, AGISWARM_A_DATAGRAM, len, dgram);
	return agi_nl_talk(nl, nlh, NULL, NULL);
}

int agi_send(struct agi_nl *nl, const struct agi_endpoint *to, const u8 *dgram,
	     size_t len)
{
	return send_dgram(nl, NULL, to, dgram, len);
}

int agi_send_sealed(struct agi_nl *nl, const u8 *pubkey,
		    const struct agi_endpoint *to, const u8 *dgram, size_t len)
{
	return send_dgram(nl, pubkey, to, dgram, len);
}
