// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Generic netlink with the agiswarm family: see nl.h. A socket finds the
 * family, sends requests and reads until the kernel's ack, keeping the
 * extack the kernel attached to an error so that it can be shown verbatim.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "core/compat.h"
#include "uapi/linux/agiswarm.h"
#include "names.h"
#include "nl.h"

/*
 * Large enough for any single message the kernel sends in one datagram
 * (dumps fill up to 32 KiB); mnl_socket_recvfrom() reports truncation.
 */
#define RECV_SIZE 32768

struct talk {
	struct agi_nl *nl;
	agi_nl_reply_cb cb;
	void *data;
};

static struct nlmsghdr *put_header(struct agi_nl *nl, void *buf,
				   uint16_t type, uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++nl->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

struct nlmsghdr *agi_nl_request(struct agi_nl *nl, void *buf, uint8_t cmd)
{
	return put_header(nl, buf, nl->family, cmd, AGISWARM_GENL_VERSION);
}

/* A dump: the kernel ends it with NLMSG_DONE rather than an ack. */
struct nlmsghdr *agi_nl_dump(struct agi_nl *nl, void *buf, uint8_t cmd)
{
	struct nlmsghdr *nlh = agi_nl_request(nl, buf, cmd);

	nlh->nlmsg_flags |= NLM_F_DUMP;
	return nlh;
}

/* NLMSGERR_ATTR_POLICY: the range of an integer attribute. */
static int policy_attr_cb(const struct nlattr *attr, void *data)
{
	struct agi_nl *nl = data;

	if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0)
		return MNL_CB_OK;
	switch (mnl_attr_get_type(attr)) {
	case NL_POLICY_TYPE_ATTR_MIN_VALUE_U:
		nl->range_min = mnl_attr_get_u64(attr);
		nl->has_range = true;
		break;
	case NL_POLICY_TYPE_ATTR_MAX_VALUE_U:
		nl->range_max = mnl_attr_get_u64(attr);
		break;
	}
	return MNL_CB_OK;
}

static int extack_attr_cb(const struct nlattr *attr, void *data)
{
	struct agi_nl *nl = data;

	switch (mnl_attr_get_type(attr)) {
	case NLMSGERR_ATTR_POLICY:
		mnl_attr_parse_nested(attr, policy_attr_cb, nl);
		break;
	case NLMSGERR_ATTR_MSG:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			snprintf(nl->extack, sizeof(nl->extack), "%s",
				 mnl_attr_get_str(attr));
		break;
	case NLMSGERR_ATTR_OFFS:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0) {
			nl->has_offset = true;
			nl->extack_offset = mnl_attr_get_u32(attr);
		}
		break;
	}
	return MNL_CB_OK;
}

/*
 * libmnl's own NLMSG_ERROR handler drops the extack, so errors and acks come
 * here. The TLVs follow the echoed request, which NETLINK_CAP_ACK cuts down
 * to its header (NLM_F_CAPPED says whether the kernel did).
 */
static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	unsigned int hlen = sizeof(*err);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		hlen += mnl_nlmsg_get_payload_len(&err->msg);
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		mnl_attr_parse(nlh, hlen, extack_attr_cb, t->nl);
	if (err->error == 0)
		return MNL_CB_STOP;
	errno = err->error < 0 ? -err->error : EPROTO;
	return MNL_CB_ERROR;
}

/*
 * The end of a dump carries the dump's own error, if any, and then the same
 * extack TLVs as an error message.
 */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;
	int err = 0;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(err))
		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		mnl_attr_parse(nlh, sizeof(err), extack_attr_cb, t->nl);
	if (err == 0)
		return MNL_CB_STOP;
	errno = err < 0 ? -err : EPROTO;
	return MNL_CB_ERROR;
}

/*
 * An attribute refused by its policy's range: the extack says "integer out
 * of range" and points at it; add which attribute, its value and the
 * range, so that every reader of nl->extack shows them.
 */
static void describe_range(struct agi_nl *nl, const struct nlmsghdr *req)
{
	const struct nlattr *a;
	size_t len = strlen(nl->extack);
	const char *name = NULL;
	int mnl_type;
	uint64_t v = 0;
	uint16_t type;

	if (!nl->has_offset || !nl->has_range ||
	    nl->extack_offset < mnl_nlmsg_size(sizeof(struct genlmsghdr)) ||
	    nl->extack_offset > req->nlmsg_len - sizeof(*a))
		return;
	a = (const struct nlattr *)((const char *)req + nl->extack_offset);
	if (a->nla_len < sizeof(*a) ||
	    a->nla_len > req->nlmsg_len - nl->extack_offset)
		return;
	type = mnl_attr_get_type(a);
	mnl_attr_for_each(a, req, sizeof(struct genlmsghdr))
		if ((size_t)((const char *)a - (const char *)req) ==
		    nl->extack_offset)
			name = agi_name(&agi_attr_names, type);
	a = (const struct nlattr *)((const char *)req + nl->extack_offset);
	switch (mnl_attr_get_payload_len(a)) {
	case 1:
		mnl_type = MNL_TYPE_U8;
		break;
	case 2:
		mnl_type = MNL_TYPE_U16;
		break;
	case 4:
		mnl_type = MNL_TYPE_U32;
		break;
	default:
		mnl_type = MNL_TYPE_U64;
	}
	if (agi_attr_get_uint(a, mnl_type, &v) != MNL_CB_OK)
		return;
	snprintf(nl->extack + len, sizeof(nl->extack) - len,
		 "%s%s is %llu, allowed %llu..%llu", len ? ": " : "",
		 name ? name : "the attribute",
		 (unsigned long long)v, (unsigned long long)nl->range_min,
		 (unsigned long long)nl->range_max);
}

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;

	return t->cb ? t->cb(nlh, t->data) : MNL_CB_OK;
}

int agi_nl_talk(struct agi_nl *nl, struct nlmsghdr *req, agi_nl_reply_cb cb,
		void *data)
{
	static char buf[RECV_SIZE];
	struct talk t = { .nl = nl, .cb = cb, .data = data };
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = error_cb,
		[NLMSG_DONE] = done_cb,
	};
	ssize_t n;
	int ret;

	nl->extack[0] = '\0';
	nl->reply_error[0] = '\0';
	nl->has_offset = false;
	nl->has_range = false;
	nl->range_min = 0;
	nl->range_max = 0;
	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		errno = 0;
		ret = mnl_cb_run2(buf, n, req->nlmsg_seq, nl->portid, data_cb,
				  &t, ctl, MNL_ARRAY_SIZE(ctl));
	} while (ret > 0);
	if (ret < 0) {
		ret = errno ? -errno : -EPROTO;
		describe_range(nl, req);
		return ret;
	}
	return 0;
}

static void parse_group(const struct nlattr *nest, struct agi_nl *nl)
{
	const struct nlattr *a;
	const char *name = NULL;
	uint32_t id = 0;

	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			name = mnl_attr_get_str(a);
		else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
			 mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			id = mnl_attr_get_u32(a);
	}
	if (!name || !id || nl->n_groups >= ARRAY_SIZE(nl->groups))
		return;
	snprintf(nl->groups[nl->n_groups].name,
		 sizeof(nl->groups[nl->n_groups].name), "%s", name);
	nl->groups[nl->n_groups++].id = id;
}

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	struct agi_nl *nl = data;
	const struct nlattr *grp;

	switch (mnl_attr_get_type(attr)) {
	case CTRL_ATTR_FAMILY_ID:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) == 0)
			nl->family = mnl_attr_get_u16(attr);
		break;
	case CTRL_ATTR_MCAST_GROUPS:
		mnl_attr_for_each_nested(grp, attr)
			parse_group(grp, nl);
		break;
	}
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr_cb, data);
	return MNL_CB_OK;
}

/* -ENOENT when the module is not loaded: the family does not exist. */
static int resolve_family(struct agi_nl *nl)
{
	char buf[AGI_NL_BUF_SIZE];
	struct nlmsghdr *nlh;
	int err;

	nlh = put_header(nl, buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, AGISWARM_GENL_NAME);
	err = agi_nl_talk(nl, nlh, family_cb, nl);
	if (err) {
		nl->family = 0;
		return err;
	}
	return nl->family ? 0 : -EPROTO;
}

int agi_nl_open(struct agi_nl *nl)
{
	int one = 1;
	int err = 0;

	memset(nl, 0, sizeof(*nl));
	nl->sock = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!nl->sock)
		return -errno;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto cleanup;
	}
	/*
	 * Both options only improve the error report; a kernel without them
	 * still answers with a plain errno, so their failure is not fatal.
	 */
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (unsigned int)time(NULL);
	err = resolve_family(nl);
cleanup:
	if (err)
		agi_nl_close(nl);
	return err;
}

void agi_nl_close(struct agi_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

int agi_nl_subscribe(struct agi_nl *nl, const char *name)
{
	unsigned int i;
	int id;

	for (i = 0; i < nl->n_groups; i++) {
		if (strcmp(nl->groups[i].name, name))
			continue;
		id = (int)nl->groups[i].id;
		if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP,
					  &id, sizeof(id)) < 0)
			return -errno;
		return 0;
	}
	return -ENOENT;
}

int agi_nl_attrs_cb(const struct nlmsghdr *nlh, void *attrs)
{
	const struct agi_nl_attrs *a = attrs;

	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), a->cb, a->data) < 0) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

int agi_nl_fd(const struct agi_nl *nl)
{
	return mnl_socket_get_fd(nl->sock);
}

/* Replies carry their numbers as u8..u64 attributes; one reader for all. */
int agi_attr_get_uint(const struct nlattr *a, int type, uint64_t *v)
{
	if (mnl_attr_validate(a, type) < 0)
		return MNL_CB_ERROR;
	switch (type) {
	case MNL_TYPE_U8:
		*v = mnl_attr_get_u8(a);
		break;
	case MNL_TYPE_U16:
		*v = mnl_attr_get_u16(a);
		break;
	case MNL_TYPE_U32:
		*v = mnl_attr_get_u32(a);
		break;
	default:
		*v = mnl_attr_get_u64(a);
	}
	return MNL_CB_OK;
}

void *agi_grow_rows(void *rows, size_t n, size_t *cap, size_t size,
		    size_t first)
{
	size_t want = *cap ? 2 * *cap : first;
	void *grown;

	if (n < *cap)
		return rows;
	grown = realloc(rows, want * size);
	if (!grown) {
		errno = ENOMEM;
		return NULL;
	}
	*cap = want;
	return grown;
}
