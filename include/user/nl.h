/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Generic netlink with the agiswarm family (libmnl): a socket that knows
 * the family's id and multicast groups, and conversations on it. Every
 * request carries NLM_F_ACK, so a conversation ends at the kernel's ack
 * (or error) whether or not it also sent replies; one socket serves any
 * number of conversations, one after the other.
 *
 * A failed conversation returns a negative errno and leaves in the socket
 * what a user should read: the kernel's extended-ACK text (@extack, shown
 * verbatim, as iproute2 does), or, when the kernel's reply itself made no
 * sense, what was wrong with it (@reply_error, written by the typed
 * requests of status.c, matrix.c ...). agi_nl_open() fails with -ENOENT
 * and leaves @family 0 when the module is not loaded.
 *
 * The typed requests (node.h, peer.h, matrix.h, input.h, fault.h,
 * status.h, metrics.h, upcall.h) are built on this; few callers need it
 * directly.
 */
#ifndef AGISWARM_USER_NL_H
#define AGISWARM_USER_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mnl_socket;
struct nlmsghdr;
struct nlattr;

/* Room for one request or one receive; MNL_SOCKET_BUFFER_SIZE at most. */
#define AGI_NL_BUF_SIZE 8192

struct agi_nl {
	struct mnl_socket *sock;
	unsigned int portid;
	unsigned int seq;
	uint16_t family;
	char extack[256];	/* the kernel's extack text, "" when none */
	bool has_offset;
	uint32_t extack_offset;	/* of the attribute at fault, in the request */
	bool has_range;		/* the policy of the attribute at fault: */
	uint64_t range_min;	/* the values it allows */
	uint64_t range_max;
	char reply_error[128];	/* what was wrong with a reply, "" when none */
	unsigned int n_groups;	/* the family's multicast groups */
	struct {
		char name[32];
		uint32_t id;
	} groups[4];
};

typedef int (*agi_nl_reply_cb)(const struct nlmsghdr *nlh, void *data);

int agi_nl_open(struct agi_nl *nl);
void agi_nl_close(struct agi_nl *nl);
/* A request (or dump) of @cmd in @buf (AGI_NL_BUF_SIZE bytes). */
struct nlmsghdr *agi_nl_request(struct agi_nl *nl, void *buf, uint8_t cmd);
struct nlmsghdr *agi_nl_dump(struct agi_nl *nl, void *buf, uint8_t cmd);
/*
 * Sends @req and hands every reply to @cb (may be NULL) until the ack.
 * Returns 0 or a negative errno (see above for what the socket keeps).
 */
int agi_nl_talk(struct agi_nl *nl, struct nlmsghdr *req, agi_nl_reply_cb cb,
		void *data);
/*
 * A reply callback for agi_nl_talk() that hands every attribute of each
 * reply to @attrs->cb (libmnl's mnl_attr_cb_t) with @attrs->data; an
 * attribute it refuses fails the conversation with -EBADMSG.
 */
struct agi_nl_attrs {
	int (*cb)(const struct nlattr *a, void *data);
	void *data;
};

int agi_nl_attrs_cb(const struct nlmsghdr *nlh, void *attrs);

/* Joins the multicast group @name; -ENOENT when the family has none. */
int agi_nl_subscribe(struct agi_nl *nl, const char *name);
/* The socket's descriptor, for poll() and libuv. */
int agi_nl_fd(const struct agi_nl *nl);

/*
 * An unsigned attribute of libmnl type @type (MNL_TYPE_U8, _U16, _U32 or
 * _U64), widened into @v: MNL_CB_OK, or MNL_CB_ERROR for a wrong length.
 */
int agi_attr_get_uint(const struct nlattr *a, int type, uint64_t *v);
/*
 * Room for one more of a dump's rows in @rows (@n used, @cap allocated,
 * @size bytes each), doubling from @first: the array, moved or not, or
 * NULL with errno ENOMEM, @rows then still the caller's to free.
 */
void *agi_grow_rows(void *rows, size_t n, size_t *cap, size_t size,
		    size_t first);

#endif /* AGISWARM_USER_NL_H */
