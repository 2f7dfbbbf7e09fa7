// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The VM tests' raw generic netlink: see nltest.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nltest.h"

struct table {
	const struct nlattr **tb;
	unsigned int max;
};

static int table_cb(const struct nlattr *attr, void *data)
{
	struct table *t = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (type <= t->max)
		t->tb[type] = attr;
	return MNL_CB_OK;
}

void nlt_nested(const struct nlattr *nest, const struct nlattr **tb,
		unsigned int max)
{
	struct table t = { tb, max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	mnl_attr_parse_nested(nest, table_cb, &t);
}

void nlt_msg_attrs(const struct nlmsghdr *nlh, const struct nlattr **tb,
		   unsigned int max)
{
	struct table t = { tb, max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	mnl_attr_parse(nlh, GENL_HDRLEN, table_cb, &t);
}

void nlt_reply_attrs(const struct nlt_reply *r, const struct nlattr **tb,
		     unsigned int max)
{
	if (r->len) {
		nlt_msg_attrs(&r->data.nlh, tb, max);
		return;
	}
	memset(tb, 0, (max + 1) * sizeof(*tb));
}

uint64_t nlt_u64(const struct nlattr *a)
{
	return a ? mnl_attr_get_u64(a) : 0;
}

/* Where nlt_error() puts the extack. */
struct extack {
	char *msg;
	size_t size;
	long *offs;
};

static int extack_cb(const struct nlattr *attr, void *data)
{
	struct extack *x = data;

	switch (mnl_attr_get_type(attr)) {
	case NLMSGERR_ATTR_MSG:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			break;
		snprintf(x->msg, x->size, "%s", mnl_attr_get_str(attr));
		break;
	case NLMSGERR_ATTR_OFFS:
		if (x->offs && mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
			*x->offs = mnl_attr_get_u32(attr);
		break;
	}
	return MNL_CB_OK;
}

int nlt_error(const struct nlmsghdr *nlh, char *msg, size_t size, long *offs)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	struct extack x = { .msg = msg, .size = size, .offs = offs };
	size_t off = sizeof(*e);

	msg[0] = 0;
	if (offs)
		*offs = -1;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return e->error;
	/* The TLVs follow the echoed request, unless it was capped. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	mnl_attr_parse(nlh, off, extack_cb, &x);
	return e->error;
}

int nlt_transact_each(struct nlt *nl, struct nlmsghdr *req,
		      struct nlt_reply *r, nlt_msg_fn fn, void *arg)
{
	static char buf[NLT_BUF_SIZE] __attribute__((aligned(8)));

	memset(r, 0, sizeof(*r));
	r->offs = -1;
	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		const struct nlmsghdr *nlh = (void *)buf;
		int n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));

		if (n < 0)
			return -errno;
		for (; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
			if (nlh->nlmsg_seq != req->nlmsg_seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				r->err = nlt_error(nlh, r->msg, sizeof(r->msg),
						   &r->offs);
				return 0;
			}
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (fn)
				fn(nlh, arg);
			if (nlh->nlmsg_len <= sizeof(r->data)) {
				memcpy(r->data.buf, nlh, nlh->nlmsg_len);
				r->len = nlh->nlmsg_len;
			}
		}
	}
}

int nlt_transact(struct nlt *nl, struct nlmsghdr *req, struct nlt_reply *r)
{
	return nlt_transact_each(nl, req, r, NULL, NULL);
}

int nlt_call(struct nlt *nl, struct nlmsghdr *req, struct nlt_reply *r)
{
	int err = nlt_transact_each(nl, req, r, NULL, NULL);

	return err ? err : r->err;
}

struct nlmsghdr *nlt_request(struct nlt *nl, char *buf, uint16_t type,
			     uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++nl->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

struct nlmsghdr *nlt_agi(struct nlt *nl, char *buf, uint8_t cmd)
{
	return nlt_request(nl, buf, nl->family, cmd, AGISWARM_GENL_VERSION);
}

static void learn_ops(struct nlt *nl, const struct nlattr *ops)
{
	const struct nlattr *op;

	mnl_attr_for_each_nested(op, ops) {
		const struct nlattr *tb[CTRL_ATTR_OP_MAX + 1];
		uint32_t id;

		nlt_nested(op, tb, CTRL_ATTR_OP_MAX);
		if (!tb[CTRL_ATTR_OP_ID])
			continue;
		id = mnl_attr_get_u32(tb[CTRL_ATTR_OP_ID]);
		if (id > AGISWARM_CMD_MAX)
			continue;
		nl->has_op[id] = true;
		if (tb[CTRL_ATTR_OP_FLAGS])
			nl->op_flags[id] = mnl_attr_get_u32(tb[CTRL_ATTR_OP_FLAGS]);
	}
}

static void learn_groups(struct nlt *nl, const struct nlattr *groups)
{
	const struct nlattr *g;

	mnl_attr_for_each_nested(g, groups) {
		const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1];

		nlt_nested(g, tb, CTRL_ATTR_MCAST_GRP_MAX);
		if (tb[CTRL_ATTR_MCAST_GRP_NAME] && tb[CTRL_ATTR_MCAST_GRP_ID] &&
		    !strcmp(mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]),
			    AGISWARM_MCGRP_CYCLES))
			nl->cycles_group =
				mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
	}
}

/* Asks the controller about "agiswarm". Returns 0, or the failing errno. */
static int resolve(struct nlt *nl)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	char buf[NLT_BUF_SIZE] __attribute__((aligned(8)));
	static struct nlt_reply r;
	struct nlmsghdr *req;
	int err;

	req = nlt_request(nl, buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	mnl_attr_put_strz(req, CTRL_ATTR_FAMILY_NAME, AGISWARM_GENL_NAME);
	err = nlt_call(nl, req, &r);
	if (err)
		return err;
	nlt_reply_attrs(&r, tb, CTRL_ATTR_MAX);
	if (!tb[CTRL_ATTR_FAMILY_ID] || !tb[CTRL_ATTR_VERSION])
		return -EPROTO;
	nl->family = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	nl->version = mnl_attr_get_u32(tb[CTRL_ATTR_VERSION]);
	if (tb[CTRL_ATTR_OPS])
		learn_ops(nl, tb[CTRL_ATTR_OPS]);
	if (tb[CTRL_ATTR_MCAST_GROUPS])
		learn_groups(nl, tb[CTRL_ATTR_MCAST_GROUPS]);
	return 0;
}

void nlt_close(struct nlt *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

int nlt_open(struct nlt *nl)
{
	int one = 1, err;

	memset(nl, 0, sizeof(*nl));
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock)
		return -errno;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one,
				  sizeof(one)) < 0) {
		err = -errno;
		nlt_close(nl);
		return err;
	}
	err = resolve(nl);
	if (err)
		nlt_close(nl);
	return err;
}

static int load_module(void)
{
	const char *ko = getenv("AGISWARM_KO");
	int fd, err = 0;

	if (!ko)
		return -ENOENT;
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST)
		err = -errno;
	close(fd);
	return err;
}

static int lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int err = 0;

	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		err = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (!err && ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		err = -errno;
	close(fd);
	return err;
}

int nlt_enter_netns(struct nlt *nl)
{
	int err;

	if (unshare(CLONE_NEWNET))
		return -EPERM;
	err = lo_up();
	if (err)
		return err;
	err = nlt_open(nl);
	if (err == -ENOENT && load_module() == 0)
		err = nlt_open(nl);
	return err;
}
