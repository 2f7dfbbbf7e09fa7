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

/*
 * Wire protocol
 * =============
 *
 * Nodes exchange UDP datagrams (port AGISWARM_DEFAULT_PORT by default):
 *
 *    offset 0  u8    version, AGISWARM_WIRE_VERSION
 *           1  u8    type, an enum agiswarm_msg_type
 *           2  be16  payload length, exactly the number of bytes after the
 *                    header
 *           4        payload: one CBOR map (RFC 8949)
 *
 * A datagram is at most AGISWARM_WIRE_MAX bytes, header included, to stay
 * under the path MTU; what does not fit is split (a worker sends several
 * RESULTs, a long coded row travels as several ROWS chunks).
 *
 * The map is in deterministic encoding (RFC 8949 section 4.2.1): every
 * integer, length and tag argument in its shortest form, every float in
 * the shortest of half, single and double precision that keeps its value,
 * no indefinite lengths, map keys ordered bytewise by their encodings and
 * never repeated; text strings are UTF-8. The keys of a message are small
 * unsigned integers, listed below for each type. A receiver ignores keys
 * it does not know: they may hold any item, nested at most
 * AGISWARM_WIRE_DEPTH_MAX arrays, maps and strings deep (the payload map
 * counts as one), but they must be as deterministic and as ordered as the
 * rest. So a sender that adds a key sorts it among the others, and old
 * receivers still read the message.
 *
 * The module parses TASK, RESULT, SENSOR, ACTUATE and ROWS itself (the fast
 * path) and hands every other type to the daemon (libcbor) after checking
 * its header only. It drops a datagram for exactly one reason, the first
 * of these that applies, and counts it:
 *
 *    AGISWARM_CNT_DROP_SHORT         fewer than AGISWARM_WIRE_HDR_LEN bytes
 *    AGISWARM_CNT_DROP_OVERSIZE      more than AGISWARM_WIRE_MAX bytes
 *    AGISWARM_CNT_DROP_VERSION       version is not AGISWARM_WIRE_VERSION
 *    AGISWARM_CNT_DROP_LENGTH        payload length != datagram length - 4
 *    AGISWARM_CNT_DROP_TYPE          type not in enum agiswarm_msg_type
 *    AGISWARM_CNT_DROP_MALFORMED     the payload is not one well-formed,
 *                                    valid CBOR map filling it exactly:
 *                                    truncated, trailing bytes, reserved
 *                                    or misplaced codes, text that is not
 *                                    UTF-8, nested too deep, not a map
 *    AGISWARM_CNT_DROP_NONCANONICAL  well-formed, but not deterministic
 *                                    anywhere in the payload
 *    AGISWARM_CNT_DROP_BADVALUE      a known key holds another major type
 *                                    than its own, or a value out of range
 *    AGISWARM_CNT_DROP_MISSING       a required key is absent
 *
 * Fast-path messages. "uint" is CBOR major type 0 and "bytes" major type 2;
 * every key is required. Vectors are packed in one byte string, each
 * element big-endian two's complement: s32 takes 4 bytes, s64 8 and a sum
 * (i128) 16. A vector in Q1.15 keeps every element in [-2^15, 2^15 - 1].
 *
 * AGISWARM_MSG_TASK (0x01), aggregator -> worker: compute your rows.
 *    1 epoch   uint, u64: the aggregator group's term
 *    2 cycle   uint, u64
 *    3 gen     uint, u32: generation of the row assignment to use
 *    4 fmt     uint, an enum agiswarm_qformat other than UNSPEC: x's format
 *    5 x       bytes, n s32, 1 <= n <= AGISWARM_WIRE_VEC_MAX
 *    Epoch 7, cycle 42, gen 1, Q1.31, x = (0.5, -0.5):
 *        01 01 00 14 a5 01 07 02 18 2a 03 01 04 01 05 48
 *        40 00 00 00 c0 00 00 00
 *
 * AGISWARM_MSG_RESULT (0x02), worker -> aggregator: some of its rows.
 *    1 epoch   uint, u64
 *    2 cycle   uint, u64
 *    3 gen     uint, u32
 *    4 worker  uint, u32: the worker's node id
 *    5 values  bytes, k * AGISWARM_WIRE_VALUE_LEN, 1 <= k <=
 *              AGISWARM_WIRE_VALUES_MAX; each value is a be16 coded-row
 *              index and that row's exact dot product with x, an i128
 *    Epoch 7, cycle 42, gen 1, worker 3, row 2 = -1, row 4 = 2^30:
 *        01 02 00 31 a5 01 07 02 18 2a 03 01 04 03 05 58
 *        24 00 02 ff ff ff ff ff ff ff ff ff ff ff ff ff
 *        ff ff ff 00 04 00 00 00 00 00 00 00 00 00 00 00
 *        00 40 00 00 00
 *
 * AGISWARM_MSG_SENSOR (0x07), plant -> aggregator: a new input.
 *    1 seq     uint, u64: increases with every reading
 *    2 fmt     uint, an enum agiswarm_qformat other than UNSPEC
 *    3 x       bytes, n s32, 1 <= n <= AGISWARM_WIRE_VEC_MAX
 *    Seq 1000, Q1.15, x = (0.5, -0.25):
 *        01 07 00 11 a3 01 19 03 e8 02 02 03 48 00 00 40
 *        00 ff ff e0 00
 *
 * AGISWARM_MSG_ACTUATE (0x08), aggregator -> actuator: a cycle's output.
 *    1 epoch   uint, u64
 *    2 cycle   uint, u64
 *    3 fmt     uint, an enum agiswarm_qformat other than UNSPEC
 *    4 u       bytes, p s32, 1 <= p <= AGISWARM_WIRE_VEC_MAX
 *    5 status  uint, an enum agiswarm_actuate_status
 *    Epoch 7, cycle 42, Q1.31, u = (0.25), status OK:
 *        01 08 00 10 a5 01 07 02 18 2a 03 01 04 44 20 00
 *        00 00 05 00
 *
 * AGISWARM_MSG_ROWS (0x09), aggregator -> worker: a chunk of a coded row.
 *    1 epoch   uint, u64
 *    2 gen     uint, u32: the row assignment's generation
 *    3 row     uint, u16: the coded row index
 *    4 ncols   uint, the row's length n, 1..AGISWARM_WIRE_VEC_MAX
 *    5 offset  uint, the column of the chunk's first entry
 *    6 entries bytes, k s64 (exact sums of entries of A), 1 <= k <=
 *              AGISWARM_WIRE_CHUNK_MAX, offset + k <= ncols
 *    7 nrows   uint, how many coded rows the worker holds in this
 *              generation, 1..AGISWARM_WIRE_ROWS_MAX
 *    Epoch 7, gen 1, row 5 of 2 rows, 3 columns from 0, (1, -2, 2^31):
 *        01 09 00 28 a7 01 07 02 01 03 05 04 03 05 00 06
 *        58 18 00 00 00 00 00 00 00 01 ff ff ff ff ff ff
 *        ff fe 00 00 00 00 80 00 00 00 07 02
 */
#define AGISWARM_WIRE_VERSION 1
#define AGISWARM_WIRE_HDR_LEN 4
#define AGISWARM_WIRE_MAX 1400		/* whole datagram, header included */
#define AGISWARM_WIRE_DEPTH_MAX 16	/* nesting of arrays, maps, strings */
#define AGISWARM_WIRE_VEC_MAX 256	/* elements of x and u; columns */
#define AGISWARM_WIRE_VALUES_MAX 64	/* values in one RESULT */
#define AGISWARM_WIRE_ROWS_MAX 64	/* coded rows of a worker */
#define AGISWARM_WIRE_CHUNK_MAX 160	/* entries in one ROWS message */
#define AGISWARM_WIRE_VALUE_LEN 18	/* be16 row + 16-byte sum */

enum agiswarm_msg_type {
	AGISWARM_MSG_TASK = 0x01,	/* fast path */
	AGISWARM_MSG_RESULT = 0x02,	/* fast path */
	AGISWARM_MSG_HEARTBEAT = 0x03,
	AGISWARM_MSG_STATUS = 0x04,
	AGISWARM_MSG_CONFIG = 0x05,
	AGISWARM_MSG_COMMIT = 0x06,
	AGISWARM_MSG_SENSOR = 0x07,	/* fast path */
	AGISWARM_MSG_ACTUATE = 0x08,	/* fast path */
	AGISWARM_MSG_ROWS = 0x09,	/* fast path */
	AGISWARM_MSG_ERROR = 0xff,
};

enum agiswarm_task_key {
	AGISWARM_TASK_UNSPEC,
	AGISWARM_TASK_EPOCH,
	AGISWARM_TASK_CYCLE,
	AGISWARM_TASK_GEN,
	AGISWARM_TASK_FMT,
	AGISWARM_TASK_X,
	__AGISWARM_TASK_MAX
};
#define AGISWARM_TASK_MAX (__AGISWARM_TASK_MAX - 1)

enum agiswarm_result_key {
	AGISWARM_RESULT_UNSPEC,
	AGISWARM_RESULT_EPOCH,
	AGISWARM_RESULT_CYCLE,
	AGISWARM_RESULT_GEN,
	AGISWARM_RESULT_WORKER,
	AGISWARM_RESULT_VALUES,
	__AGISWARM_RESULT_MAX
};
#define AGISWARM_RESULT_MAX (__AGISWARM_RESULT_MAX - 1)

enum agiswarm_sensor_key {
	AGISWARM_SENSOR_UNSPEC,
	AGISWARM_SENSOR_SEQ,
	AGISWARM_SENSOR_FMT,
	AGISWARM_SENSOR_X,
	__AGISWARM_SENSOR_MAX
};
#define AGISWARM_SENSOR_MAX (__AGISWARM_SENSOR_MAX - 1)

enum agiswarm_actuate_key {
	AGISWARM_ACTUATE_UNSPEC,
	AGISWARM_ACTUATE_EPOCH,
	AGISWARM_ACTUATE_CYCLE,
	AGISWARM_ACTUATE_FMT,
	AGISWARM_ACTUATE_U,
	AGISWARM_ACTUATE_STATUS,
	__AGISWARM_ACTUATE_MAX
};
#define AGISWARM_ACTUATE_MAX (__AGISWARM_ACTUATE_MAX - 1)

enum agiswarm_actuate_status {
	AGISWARM_ACTUATE_OK,		/* u is this cycle's output */
	AGISWARM_ACTUATE_HOLD,		/* deadline missed: u repeats the last */
	AGISWARM_ACTUATE_ZERO,		/* deadline missed: u is zero */
	__AGISWARM_ACTUATE_STATUS_MAX
};
#define AGISWARM_ACTUATE_STATUS_MAX (__AGISWARM_ACTUATE_STATUS_MAX - 1)

enum agiswarm_rows_key {
	AGISWARM_ROWS_UNSPEC,
	AGISWARM_ROWS_EPOCH,
	AGISWARM_ROWS_GEN,
	AGISWARM_ROWS_ROW,
	AGISWARM_ROWS_NCOLS,
	AGISWARM_ROWS_OFFSET,
	AGISWARM_ROWS_ENTRIES,
	AGISWARM_ROWS_NROWS,
	__AGISWARM_ROWS_MAX
};
#define AGISWARM_ROWS_MAX (__AGISWARM_ROWS_MAX - 1)

#endif /* _UAPI_LINUX_AGISWARM_H */
