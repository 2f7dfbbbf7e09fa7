/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The VM tests' raw generic netlink (selftests/genl_test.c,
 * daemon_upcall_test.c): a socket that knows the agiswarm family (its id,
 * version, operations and multicast groups), requests built by hand and
 * their outcome as the kernel sent it (errno, extack text and offset, the
 * data replies). Deliberately not the product's library (include/user/):
 * these tests check what the kernel accepts, so they must be able to send
 * what no product code would.
 */
#ifndef AGISWARM_TEST_NLTEST_H
#define AGISWARM_TEST_NLTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "uapi/linux/agiswarm.h"

#define NLT_BUF_SIZE 16384

/* One generic netlink socket and what it learned about the family. */
struct nlt {
	struct mnl_socket *sock;
	uint32_t seq;
	uint16_t family;
	uint32_t version;
	uint32_t cycles_group;		/* AGISWARM_MCGRP_CYCLES, 0: none */
	bool has_op[AGISWARM_CMD_MAX + 1];
	uint32_t op_flags[AGISWARM_CMD_MAX + 1];
};

/* The outcome of one request. */
struct nlt_reply {
	int err;		/* from the NLMSG_ERROR: 0 or -errno */
	char msg[256];		/* extack text, "" when none */
	long offs;		/* extack offset into the request, -1: none */
	int len;		/* length of the last data reply, 0: none */
	union {
		struct nlmsghdr nlh;
		char buf[NLT_BUF_SIZE];
	} data;
};

/*
 * A socket in the caller's namespace, extended ACKs on, the family
 * resolved: 0, -ENOENT when the family does not exist, or -errno.
 */
int nlt_open(struct nlt *nl);
void nlt_close(struct nlt *nl);
/*
 * A network namespace of the caller's own (unshare; -EPERM when it may
 * not), loopback up, and @nl opened there, loading $AGISWARM_KO when the
 * family is missing (the VM runner unloads the module after every test).
 */
int nlt_enter_netns(struct nlt *nl);

/* A request in @buf (NLT_BUF_SIZE bytes): to @type, or to the family. */
struct nlmsghdr *nlt_request(struct nlt *nl, char *buf, uint16_t type,
			     uint8_t cmd, uint8_t version);
struct nlmsghdr *nlt_agi(struct nlt *nl, char *buf, uint8_t cmd);

/*
 * An NLMSG_ERROR's error (0 or -errno), its extack text into @msg ("" when
 * none) and, unless @offs is NULL, its offset into *@offs (-1 when none).
 */
int nlt_error(const struct nlmsghdr *nlh, char *msg, size_t size, long *offs);

/*
 * Sends @req and collects its replies up to the ACK or NLMSG_DONE, @fn
 * (may be NULL) called on each data message. Returns 0 when the kernel
 * answered (its errno is r->err) or the socket's -errno; nlt_call()
 * returns the kernel's errno as well.
 */
typedef void (*nlt_msg_fn)(const struct nlmsghdr *nlh, void *arg);
int nlt_transact_each(struct nlt *nl, struct nlmsghdr *req,
		      struct nlt_reply *r, nlt_msg_fn fn, void *arg);
int nlt_transact(struct nlt *nl, struct nlmsghdr *req, struct nlt_reply *r);
int nlt_call(struct nlt *nl, struct nlmsghdr *req, struct nlt_reply *r);

/* Attribute tables (tb[type], NULL when absent) of a reply or a nest. */
void nlt_reply_attrs(const struct nlt_reply *r, const struct nlattr **tb,
		     unsigned int max);
void nlt_msg_attrs(const struct nlmsghdr *nlh, const struct nlattr **tb,
		   unsigned int max);
void nlt_nested(const struct nlattr *nest, const struct nlattr **tb,
		unsigned int max);

/* The value of an optional u64 attribute, 0 when absent. */
uint64_t nlt_u64(const struct nlattr *a);

/*
 * In a FIXTURE_SETUP: nlt_enter_netns(), skipping the test when it may
 * not unshare or when the module is missing.
 */
#define NLT_SETUP_NODE(nl) do {						\
	int nlt_err_ = nlt_enter_netns(nl);				\
									\
	if (nlt_err_ == -EPERM)						\
		SKIP(return, "unshare(CLONE_NEWNET): not permitted (not root?)"); \
	if (nlt_err_ == -ENOENT)					\
		SKIP(return, "family \"agiswarm\" not found: module not loaded?"); \
	ASSERT_EQ(0, nlt_err_) TH_LOG("netlink setup: %s",		\
				      strerror(-nlt_err_));		\
} while (0)

#endif /* AGISWARM_TEST_NLTEST_H */
