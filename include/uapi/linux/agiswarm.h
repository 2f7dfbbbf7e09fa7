/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Documentation
 * =============
 *
 * agiswarm.ko is configured and queried over generic netlink, family
 * AGISWARM_GENL_NAME ("agiswarm"), version AGISWARM_GENL_VERSION. All state
 * is per network namespace: a request acts on the namespace of the netlink
 * socket it arrives on, and one namespace is one node of the swarm.
 *
 * Errors come back as a negative errno in the NLMSG_ERROR message, with an
 * extended-ACK text (NLMSGERR_ATTR_MSG) and, where one attribute is at fault,
 * its offset (NLMSGERR_ATTR_OFFS). Every command validates strictly: unknown
 * attributes and attributes of the wrong type or length are refused with
 * -EINVAL. Commands marked "admin" need CAP_NET_ADMIN in the user namespace
 * that owns the network namespace (GENL_UNS_ADMIN_PERM) and fail with -EPERM
 * otherwise. An unknown command fails with -EOPNOTSUPP.
 *
 * AGISWARM_CMD_GET_STATUS
 * -----------------------
 *
 * May be called by any user, NLM_F_REQUEST only (no dump). Takes no
 * attributes. Replies with one AGISWARM_CMD_GET_STATUS message:
 *
 *    AGISWARM_A_VERSION: NLA_NUL_STRING, the module's version, "0.1.0"
 *    AGISWARM_A_ROLE: NLA_U8, an enum agiswarm_role
 *    AGISWARM_A_NODE_ID: NLA_U32, this node's id (0 until set)
 *    AGISWARM_A_COUNTERS: NLA_NESTED
 *        0 or more of enum agiswarm_counter, each NLA_U64 (padded with
 *        AGISWARM_CNT_PAD): counters of this namespace since its node was
 *        created; a reader ignores counter types it does not know.
 *
 * AGISWARM_CMD_SET_NODE (admin)
 * -----------------------------
 *
 * NLM_F_REQUEST, usually with NLM_F_ACK. Changes what this node is; each
 * attribute is optional, and one that is absent leaves its value as it was:
 *
 *    AGISWARM_A_ROLE: NLA_U8, an enum agiswarm_role; anything above
 *                     AGISWARM_ROLE_MAX is refused with -EINVAL
 *    AGISWARM_A_NODE_ID: NLA_U32
 *
 * A request with no attribute at all is refused with -EINVAL ("nothing to
 * set"), so that a typo never passes for a change.
 */
#ifndef _UAPI_LINUX_AGISWARM_H
#define _UAPI_LINUX_AGISWARM_H

#define AGISWARM_GENL_NAME "agiswarm"
#define AGISWARM_GENL_VERSION 1

/* The default UDP port of a node. */
#define AGISWARM_DEFAULT_PORT 6000

enum agiswarm_cmd {
	AGISWARM_CMD_UNSPEC,
	AGISWARM_CMD_GET_STATUS,
	AGISWARM_CMD_SET_NODE,
	__AGISWARM_CMD_MAX
};
#define AGISWARM_CMD_MAX (__AGISWARM_CMD_MAX - 1)

enum agiswarm_role {
	AGISWARM_ROLE_NONE,		/* created, not yet told what to be */
	AGISWARM_ROLE_WORKER,		/* computes coded rows for a task */
	AGISWARM_ROLE_AGGREGATOR,	/* drives the cycle and decodes */
	__AGISWARM_ROLE_MAX
};
#define AGISWARM_ROLE_MAX (__AGISWARM_ROLE_MAX - 1)

/* Fixed-point formats (DESIGN.md, "Fixed-point specification"). */
enum agiswarm_qformat {
	AGISWARM_Q_UNSPEC,
	AGISWARM_Q1_31,
	AGISWARM_Q1_15,
	AGISWARM_Q8_24,
	__AGISWARM_Q_MAX
};
#define AGISWARM_Q_MAX (__AGISWARM_Q_MAX - 1)

enum agiswarm_attr {
	AGISWARM_A_UNSPEC,
	AGISWARM_A_VERSION,
	AGISWARM_A_ROLE,
	AGISWARM_A_NODE_ID,
	AGISWARM_A_COUNTERS,
	__AGISWARM_A_LAST
};
#define AGISWARM_A_MAX (__AGISWARM_A_LAST - 1)

/*
 * Counters of one node. The drop counters say why a datagram at the node's
 * port was refused; each datagram counts under exactly one reason.
 */
enum agiswarm_counter {
	AGISWARM_CNT_UNSPEC,
	AGISWARM_CNT_PAD,
	AGISWARM_CNT_RX_PACKETS,	/* datagrams accepted on the fast path */
	AGISWARM_CNT_RX_BYTES,
	AGISWARM_CNT_TX_PACKETS,	/* datagrams sent by the module */
	AGISWARM_CNT_TX_BYTES,
	AGISWARM_CNT_TX_ERRORS,		/* sends that failed (no route, no memory) */
	AGISWARM_CNT_DROP_SHORT,	/* shorter than the 4-byte header */
	AGISWARM_CNT_DROP_VERSION,	/* header version is not 1 */
	AGISWARM_CNT_DROP_LENGTH,	/* header length disagrees with the datagram */
	AGISWARM_CNT_DROP_OVERSIZE,	/* larger than AGISWARM_WIRE_MAX */
	AGISWARM_CNT_DROP_MALFORMED,	/* payload is not well-formed CBOR */
	AGISWARM_CNT_DROP_NONCANONICAL,	/* well-formed, not deterministic CBOR */
	AGISWARM_CNT_DROP_MISSING,	/* a required key is absent */
	AGISWARM_CNT_DROP_BADVALUE,	/* a known key has a wrong type or range */
	AGISWARM_CNT_DROP_TYPE,		/* message type unknown or not for this role */
	AGISWARM_CNT_DROP_STALE,	/* epoch or cycle older than the current one */
	__AGISWARM_CNT_MAX
};
#define AGISWARM_CNT_MAX (__AGISWARM_CNT_MAX - 1)

#endif /* _UAPI_LINUX_AGISWARM_H */
