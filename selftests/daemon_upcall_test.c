// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The module's side of the daemon, spoken raw over generic netlink (no
 * agiswarmd): a registered socket gets the control datagrams sent to the
 * node's port (UPCALL) and sends through that port (SEND); closing it makes
 * the module forget it; changes staged with APPLY_AT_CYCLE take effect at
 * exactly that cycle; GET_METRICS resumes from a given cycle.
 *
 * Needs root, and agiswarm.ko loaded or at $AGISWARM_KO. Every test runs in
 * a network namespace of its own, with only loopback: the node's port is
 * NODE_PORT on 127.0.0.1, the "remote peer" a UDP socket beside it.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <kselftest_harness.h>

#include "uapi/linux/agiswarm.h"
#include "core/seal.h"
#include "user/seal.h"
#include "lib/nltest.h"

#define BUF_SIZE 16384
#define NODE_PORT 6000
#define WAIT_MS 5000		/* generous: TCG timers are slow */

#define NEED_SETUP() do {					\
	if (!self->ctl.sock)					\
		SKIP(return, "fixture setup skipped");		\
} while (0)

/* What GET_STATUS said. */
struct status {
	uint32_t daemon_portid;
	uint64_t staged_cycle;
	uint64_t cycle_id;
	int law;
	uint64_t upcalls;
	uint64_t upcall_drops;
	uint64_t drop_auth, drop_replay, drop_unknown_peer, drop_not_allowed;
};

/* One cycle record (event or metrics). */
struct cycle_rec {
	uint64_t cycle;
	bool applied;
	int nx;
	int32_t x[4];
};

static int get_status(struct nlt *nl, struct status *st)
{
	const struct nlattr *tb[AGISWARM_A_MAX + 1];
	const struct nlattr *cnt[AGISWARM_CNT_MAX + 1];
	char buf[512] __attribute__((aligned(8)));
	static struct nlt_reply r;
	int err;

	memset(st, 0, sizeof(*st));
	err = nlt_call(nl, nlt_agi(nl, buf, AGISWARM_CMD_GET_STATUS), &r);
	if (err)
		return err;
	nlt_msg_attrs(&r.data.nlh, tb, AGISWARM_A_MAX);
	if (!tb[AGISWARM_A_DAEMON_PORTID] || !tb[AGISWARM_A_STAGED_CYCLE] ||
	    !tb[AGISWARM_A_COUNTERS])
		return -EPROTO;
	st->daemon_portid = mnl_attr_get_u32(tb[AGISWARM_A_DAEMON_PORTID]);
	st->staged_cycle = nlt_u64(tb[AGISWARM_A_STAGED_CYCLE]);
	st->cycle_id = nlt_u64(tb[AGISWARM_A_CYCLE_ID]);
	st->law = tb[AGISWARM_A_CONTROL_LAW] ?
		  mnl_attr_get_u8(tb[AGISWARM_A_CONTROL_LAW]) : -1;
	nlt_nested(tb[AGISWARM_A_COUNTERS], cnt, AGISWARM_CNT_MAX);
	st->upcalls = nlt_u64(cnt[AGISWARM_CNT_UPCALLS]);
	st->upcall_drops = nlt_u64(cnt[AGISWARM_CNT_UPCALL_DROPS]);
	st->drop_auth = nlt_u64(cnt[AGISWARM_CNT_DROP_AUTH]);
	st->drop_replay = nlt_u64(cnt[AGISWARM_CNT_DROP_REPLAY]);
	st->drop_unknown_peer = nlt_u64(cnt[AGISWARM_CNT_DROP_UNKNOWN_PEER]);
	st->drop_not_allowed = nlt_u64(cnt[AGISWARM_CNT_DROP_NOT_ALLOWED]);
	return 0;
}

/* A plain SET_NODE; @at 0 means now. */
static int set_node_u8(struct nlt *nl, int attr, uint8_t v, uint64_t at,
		       struct nlt_reply *r)
{
	char buf[512] __attribute__((aligned(8)));
	struct nlmsghdr *req = nlt_agi(nl, buf, AGISWARM_CMD_SET_NODE);

	mnl_attr_put_u8(req, attr, v);
	if (at)
		mnl_attr_put_u64(req, AGISWARM_A_APPLY_AT_CYCLE, at);
	return nlt_call(nl, req, r);
}

static int set_input(struct nlt *nl, const int32_t *x, int n, uint64_t at,
		     struct nlt_reply *r)
{
	char buf[512] __attribute__((aligned(8)));
	struct nlmsghdr *req = nlt_agi(nl, buf, AGISWARM_CMD_SET_INPUT);

	mnl_attr_put_u8(req, AGISWARM_A_INPUT_FMT, AGISWARM_Q1_31);
	mnl_attr_put(req, AGISWARM_A_INPUT_X, n * sizeof(*x), x);
	if (at)
		mnl_attr_put_u64(req, AGISWARM_A_APPLY_AT_CYCLE, at);
	return nlt_call(nl, req, r);
}

/* An n x n identity/2 in Q1.31, in one chunk. */
static int set_matrix(struct nlt *nl, int n, uint64_t at, struct nlt_reply *r)
{
	char buf[1024] __attribute__((aligned(8)));
	struct nlmsghdr *req = nlt_agi(nl, buf, AGISWARM_CMD_SET_MATRIX);
	int32_t a[16] = { 0 };
	int i;

	for (i = 0; i < n; i++)
		a[i * n + i] = 1 << 30;
	mnl_attr_put_u8(req, AGISWARM_A_MATRIX_FMT, AGISWARM_Q1_31);
	mnl_attr_put_u32(req, AGISWARM_A_MATRIX_ROWS, n);
	mnl_attr_put_u32(req, AGISWARM_A_MATRIX_COLS, n);
	mnl_attr_put_u32(req, AGISWARM_A_MATRIX_FIRST_ROW, 0);
	mnl_attr_put(req, AGISWARM_A_MATRIX_DATA, n * n * sizeof(int32_t), a);
	if (at)
		mnl_attr_put_u64(req, AGISWARM_A_APPLY_AT_CYCLE, at);
	return nlt_call(nl, req, r);
}

static int matrix_cols(struct nlt *nl)
{
	const struct nlattr *tb[AGISWARM_A_MAX + 1];
	char buf[512] __attribute__((aligned(8)));
	static struct nlt_reply r;

	if (nlt_call(nl, nlt_agi(nl, buf, AGISWARM_CMD_GET_MATRIX), &r))
		return -1;
	nlt_msg_attrs(&r.data.nlh, tb, AGISWARM_A_MAX);
	return tb[AGISWARM_A_MATRIX_COLS] ?
	       (int)mnl_attr_get_u32(tb[AGISWARM_A_MATRIX_COLS]) : -1;
}

/* A 1x1 aggregator with no workers: every cycle misses, but cycles run. */
static int start_aggregator(struct nlt *nl, struct nlt_reply *r)
{
	char buf[512] __attribute__((aligned(8)));
	struct nlmsghdr *req = nlt_agi(nl, buf, AGISWARM_CMD_SET_NODE);
	int err;

	mnl_attr_put_u8(req, AGISWARM_A_ROLE, AGISWARM_ROLE_AGGREGATOR);
	mnl_attr_put_u32(req, AGISWARM_A_CYCLE_PERIOD_US, 20000);
	mnl_attr_put_u32(req, AGISWARM_A_CYCLE_DEADLINE_US, 10000);
	err = nlt_call(nl, req, r);
	if (!err)
		err = set_matrix(nl, 1, 0, r);
	if (!err)
		err = set_node_u8(nl, AGISWARM_A_RUNNING, 1, 0, r);
	return err;
}

static void rec_of(const struct nlmsghdr *nlh, struct cycle_rec *c)
{
	const struct nlattr *tb[AGISWARM_A_MAX + 1];

	memset(c, 0, sizeof(*c));
	nlt_msg_attrs(nlh, tb, AGISWARM_A_MAX);
	c->cycle = nlt_u64(tb[AGISWARM_A_CYCLE_ID]);
	c->applied = tb[AGISWARM_A_APPLIED];
	if (tb[AGISWARM_A_X]) {
		c->nx = mnl_attr_get_payload_len(tb[AGISWARM_A_X]) / 4;
		if (c->nx > 4)
			c->nx = 4;
		memcpy(c->x, mnl_attr_get_payload(tb[AGISWARM_A_X]),
		       c->nx * 4);
	}
}

/*
 * Waits for the event of cycle @want on @ev (a socket in the cycles group)
 * and stores it in *@c; every earlier event must lack APPLIED (else
 * -EEXIST). Returns 0, -ETIMEDOUT, or -errno.
 */
static int wait_cycle(struct nlt *ev, uint64_t want, struct cycle_rec *c)
{
	static char buf[BUF_SIZE] __attribute__((aligned(8)));
	struct pollfd p = { .fd = mnl_socket_get_fd(ev->sock), .events = POLLIN };
	int n;

	for (;;) {
		const struct nlmsghdr *nlh = (void *)buf;

		if (poll(&p, 1, WAIT_MS) != 1)
			return -ETIMEDOUT;
		n = mnl_socket_recvfrom(ev->sock, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		for (; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
			rec_of(nlh, c);
			if (c->cycle == want)
				return 0;
			if (c->applied)
				return -EEXIST;
		}
	}
}

static void collect_rec(const struct nlmsghdr *nlh, void *arg)
{
	struct cycle_rec *recs = arg;
	int i;

	/* recs[0].nx counts the records kept (up to 63) after it. */
	i = ++recs[0].nx;
	if (i < 64)
		rec_of(nlh, &recs[i]);
}

/* GET_METRICS from @from (0: no attribute). recs[0].nx = how many. */
static int dump_metrics(struct nlt *nl, uint64_t from, struct cycle_rec *recs)
{
	char buf[512] __attribute__((aligned(8)));
	struct nlmsghdr *req = nlt_agi(nl, buf, AGISWARM_CMD_GET_METRICS);
	static struct nlt_reply r;
	int err;

	req->nlmsg_flags |= NLM_F_DUMP;
	if (from)
		mnl_attr_put_u64(req, AGISWARM_A_CYCLE_ID, from);
	memset(recs, 0, sizeof(recs[0]));
	err = nlt_transact_each(nl, req, &r, collect_rec, recs);
	return err ? err : r.err;
}

/* A UDP socket on 127.0.0.1, standing for a remote peer. */
static int udp_peer(struct sockaddr_in *self_addr)
{
	socklen_t len = sizeof(*self_addr);
	struct timeval tv = { .tv_sec = WAIT_MS / 1000 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	memset(self_addr, 0, sizeof(*self_addr));
	self_addr->sin_family = AF_INET;
	self_addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (void *)self_addr, sizeof(*self_addr)) ||
	    getsockname(fd, (void *)self_addr, &len) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		close(fd);
		return -errno;
	}
	return fd;
}

static ssize_t to_node(int fd, const uint8_t *d, size_t n)
{
	struct sockaddr_in node = {
		.sin_family = AF_INET,
		.sin_port = htons(NODE_PORT),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};

	return sendto(fd, d, n, 0, (void *)&node, sizeof(node));
}

/* Waits (polling GET_STATUS) until *@field of the status reaches @want. */
static int wait_counter(struct nlt *nl, size_t field, uint64_t want)
{
	struct status st;
	int i;

	for (i = 0; i < WAIT_MS / 10; i++) {
		if (get_status(nl, &st))
			return -EIO;
		if (*(uint64_t *)((char *)&st + field) >= want)
			return 0;
		usleep(10000);
	}
	return -ETIMEDOUT;
}

/* HEARTBEAT {1: 7}; a COMMIT_ACK as in the UAPI header's example. */
static const uint8_t heartbeat[] = { 0x01, 0x03, 0x00, 0x03, 0xa1, 0x01, 0x07 };
static const uint8_t commit_ack[] = {
	0x01, 0x0a, 0x00, 0x16, 0xa4, 0x01, 0x05, 0x02, 0x01, 0x03, 0x6d,
	0x62, 0x61, 0x64, 0x20, 0x73, 0x69, 0x67, 0x6e, 0x61, 0x74, 0x75,
	0x72, 0x65, 0x04, 0x00,
};

FIXTURE(daemon) {
	struct nlt ctl;		/* configuration and status */
	struct nlt dmn;		/* the would-be daemon */
	struct nlt_reply r;
	int udp;
	struct sockaddr_in peer;
};

FIXTURE_SETUP(daemon)
{
	self->udp = -1;
	NLT_SETUP_NODE(&self->ctl);
	ASSERT_EQ(0, nlt_open(&self->dmn));
	ASSERT_NE(0, self->ctl.cycles_group);
	ASSERT_EQ(0, set_node_u8(&self->ctl, AGISWARM_A_ROLE,
				 AGISWARM_ROLE_WORKER, 0, &self->r));
	{
		char buf[256] __attribute__((aligned(8)));
		struct nlmsghdr *req = nlt_agi(&self->ctl, buf,
					   AGISWARM_CMD_SET_NODE);

		mnl_attr_put_u16(req, AGISWARM_A_PORT, NODE_PORT);
		ASSERT_EQ(0, nlt_call(&self->ctl, req, &self->r))
			TH_LOG("open port: %s", self->r.msg);
	}
	self->udp = udp_peer(&self->peer);
	ASSERT_LE(0, self->udp);
}

FIXTURE_TEARDOWN(daemon)
{
	if (self->udp >= 0)
		close(self->udp);
	nlt_close(&self->dmn);
	nlt_close(&self->ctl);
}

static int register_daemon(struct nlt *nl, struct nlt_reply *r)
{
	char buf[256] __attribute__((aligned(8)));

	return nlt_call(nl, nlt_agi(nl, buf, AGISWARM_CMD_REGISTER_DAEMON), r);
}

/* Receives one UPCALL on @nl and checks it is @d from @from. */
static int expect_upcall(struct __test_metadata *_metadata, struct nlt *nl,
			 const struct sockaddr_in *from, const uint8_t *d,
			 size_t n)
{
	static char buf[BUF_SIZE] __attribute__((aligned(8)));
	struct pollfd p = { .fd = mnl_socket_get_fd(nl->sock), .events = POLLIN };
	const struct nlattr *tb[AGISWARM_A_MAX + 1];
	const struct nlmsghdr *nlh = (void *)buf;
	const struct genlmsghdr *g;
	const struct sockaddr_in *ep;
	int len;

	if (poll(&p, 1, WAIT_MS) != 1)
		return -ETIMEDOUT;
	len = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
	EXPECT_LT(0, len);
	if (len <= 0)
		return -EIO;
	EXPECT_EQ(nl->family, nlh->nlmsg_type);
	g = mnl_nlmsg_get_payload(nlh);
	EXPECT_EQ(AGISWARM_CMD_UPCALL, g->cmd);
	nlt_msg_attrs(nlh, tb, AGISWARM_A_MAX);
	if (!tb[AGISWARM_A_PEER_ENDPOINT] || !tb[AGISWARM_A_DATAGRAM])
		return -EPROTO;
	ep = mnl_attr_get_payload(tb[AGISWARM_A_PEER_ENDPOINT]);
	EXPECT_EQ(sizeof(*ep),
		  mnl_attr_get_payload_len(tb[AGISWARM_A_PEER_ENDPOINT]));
	EXPECT_EQ(AF_INET, ep->sin_family);
	EXPECT_EQ(from->sin_addr.s_addr, ep->sin_addr.s_addr);
	EXPECT_EQ(from->sin_port, ep->sin_port);
	EXPECT_EQ(n, mnl_attr_get_payload_len(tb[AGISWARM_A_DATAGRAM]));
	EXPECT_EQ(0, memcmp(d, mnl_attr_get_payload(tb[AGISWARM_A_DATAGRAM]),
			    n));
	return 0;
}

TEST_F(daemon, upcall_and_send)
{
	char buf[2048] __attribute__((aligned(8)));
	struct sockaddr_in src;
	socklen_t slen = sizeof(src);
	struct nlmsghdr *req;
	struct status st;
	uint8_t got[64];
	ssize_t n;

	NEED_SETUP();
	ASSERT_EQ(0, register_daemon(&self->dmn, &self->r));
	ASSERT_EQ(0, get_status(&self->ctl, &st));
	EXPECT_EQ(mnl_socket_get_portid(self->dmn.sock), st.daemon_portid);

	/* Up: a HEARTBEAT, then a COMMIT_ACK, whole and from the peer. */
	ASSERT_EQ(sizeof(heartbeat),
		  to_node(self->udp, heartbeat, sizeof(heartbeat)));
	ASSERT_EQ(0, expect_upcall(_metadata, &self->dmn, &self->peer,
				   heartbeat, sizeof(heartbeat)));
	ASSERT_EQ(sizeof(commit_ack),
		  to_node(self->udp, commit_ack, sizeof(commit_ack)));
	ASSERT_EQ(0, expect_upcall(_metadata, &self->dmn, &self->peer,
				   commit_ack, sizeof(commit_ack)));
	ASSERT_EQ(0, get_status(&self->ctl, &st));
	EXPECT_EQ(2, st.upcalls);
	EXPECT_EQ(0, st.upcall_drops);

	/* Down: SEND reaches the peer from the node's port. */
	req = nlt_agi(&self->ctl, buf, AGISWARM_CMD_SEND);
	mnl_attr_put(req, AGISWARM_A_PEER_ENDPOINT, sizeof(self->peer),
		     &self->peer);
	mnl_attr_put(req, AGISWARM_A_DATAGRAM, sizeof(commit_ack), commit_ack);
	ASSERT_EQ(0, nlt_call(&self->ctl, req, &self->r)) TH_LOG("%s", self->r.msg);
	n = recvfrom(self->udp, got, sizeof(got), 0, (void *)&src, &slen);
	ASSERT_EQ(sizeof(commit_ack), n) TH_LOG("recv: %s", strerror(errno));
	EXPECT_EQ(0, memcmp(commit_ack, got, n));
	EXPECT_EQ(htons(NODE_PORT), src.sin_port);
}

TEST_F(daemon, send_refuses_bad_datagrams)
{
	char buf[2048] __attribute__((aligned(8)));
	uint8_t bad[sizeof(heartbeat)];
	struct nlmsghdr *req;

	NEED_SETUP();
	memcpy(bad, heartbeat, sizeof(bad));
	bad[0] = 2;
	req = nlt_agi(&self->ctl, buf, AGISWARM_CMD_SEND);
	mnl_attr_put(req, AGISWARM_A_PEER_ENDPOINT, sizeof(self->peer),
		     &self->peer);
	mnl_attr_put(req, AGISWARM_A_DATAGRAM, sizeof(bad), bad);
	EXPECT_EQ(-EINVAL, nlt_call(&self->ctl, req, &self->r));
	EXPECT_STREQ("DATAGRAM header version is not 1", self->r.msg);

	bad[0] = 1;
	bad[3] = 4;		/* one more payload byte than there is */
	req = nlt_agi(&self->ctl, buf, AGISWARM_CMD_SEND);
	mnl_attr_put(req, AGISWARM_A_PEER_ENDPOINT, sizeof(self->peer),
		     &self->peer);
	mnl_attr_put(req, AGISWARM_A_DATAGRAM, sizeof(bad), bad);
	EXPECT_EQ(-EINVAL, nlt_call(&self->ctl, req, &self->r));
	EXPECT_STREQ("DATAGRAM header length is not the payload's",
		     self->r.msg);

	/* The port closed: nothing to send from. */
	req = nlt_agi(&self->ctl, buf, AGISWARM_CMD_SET_NODE);
	mnl_attr_put_u16(req, AGISWARM_A_PORT, 0);
	ASSERT_EQ(0, nlt_call(&self->ctl, req, &self->r));
	req = nlt_agi(&self->ctl, buf, AGISWARM_CMD_SEND);
	mnl_attr_put(req, AGISWARM_A_PEER_ENDPOINT, sizeof(self->peer),
		     &self->peer);
	mnl_attr_put(req, AGISWARM_A_DATAGRAM, sizeof(heartbeat), heartbeat);
	EXPECT_EQ(-ENOTCONN, nlt_call(&self->ctl, req, &self->r));
}

TEST_F(daemon, closing_the_daemon_socket_forgets_it)
{
	struct status st;

	NEED_SETUP();
	/* No daemon yet: a control datagram is a drop. */
	ASSERT_EQ(sizeof(heartbeat),
		  to_node(self->udp, heartbeat, sizeof(heartbeat)));
	ASSERT_EQ(0, wait_counter(&self->ctl,
				  offsetof(struct status, upcall_drops), 1));

	ASSERT_EQ(0, register_daemon(&self->dmn, &self->r));
	nlt_close(&self->dmn);
	ASSERT_EQ(0, get_status(&self->ctl, &st));
	EXPECT_EQ(0, st.daemon_portid);
	ASSERT_EQ(sizeof(heartbeat),
		  to_node(self->udp, heartbeat, sizeof(heartbeat)));
	ASSERT_EQ(0, wait_counter(&self->ctl,
				  offsetof(struct status, upcall_drops), 2));
	ASSERT_EQ(0, get_status(&self->ctl, &st));
	EXPECT_EQ(0, st.upcalls);
}

/* A second daemon never steals the first one's upcalls (issue #10). */
TEST_F(daemon, second_daemon_refused_while_the_first_lives)
{
	struct nlt other;
	struct status st;

	NEED_SETUP();
	ASSERT_EQ(0, register_daemon(&self->dmn, &self->r));
	ASSERT_EQ(0, nlt_open(&other));
	EXPECT_EQ(-EBUSY, register_daemon(&other, &self->r));
	EXPECT_NE(NULL, strstr(self->r.msg, "another daemon is registered"))
		TH_LOG("%s", self->r.msg);
	ASSERT_EQ(0, get_status(&self->ctl, &st));
	EXPECT_EQ(mnl_socket_get_portid(self->dmn.sock), st.daemon_portid);
	/* Registering again is harmless; once its socket is gone, free. */
	EXPECT_EQ(0, register_daemon(&self->dmn, &self->r));
	nlt_close(&self->dmn);
	EXPECT_EQ(0, register_daemon(&other, &self->r)) TH_LOG("%s", self->r.msg);
	ASSERT_EQ(0, get_status(&self->ctl, &st));
	EXPECT_EQ(mnl_socket_get_portid(other.sock), st.daemon_portid);
	nlt_close(&other);
}

/* Joins @ev to the cycles group of @ctl's family. */
static int join_cycles(struct nlt *ev, const struct nlt *ctl)
{
	int grp = ctl->cycles_group;
	int size = 1 << 20;

	setsockopt(mnl_socket_get_fd(ev->sock), SOL_SOCKET, SO_RCVBUF, &size,
		   sizeof(size));
	return mnl_socket_setsockopt(ev->sock, NETLINK_ADD_MEMBERSHIP, &grp,
				     sizeof(grp)) ? -errno : 0;
}

/*
 * Stages CONTROL_LAW pid 50 cycles ahead (a second at 20 ms: the test's
 * next requests must come while it is still staged, also on a slow debug
 * kernel under TCG, where 5 cycles were not enough); retried when the
 * cycle raced past it. Returns the cycle, 0 on failure.
 */
static uint64_t stage_law(struct nlt *nl, struct nlt_reply *r)
{
	struct status st;
	int tries;

	for (tries = 0; tries < 5; tries++) {
		if (get_status(nl, &st))
			return 0;
		if (!set_node_u8(nl, AGISWARM_A_CONTROL_LAW, AGISWARM_LAW_PID,
				 st.cycle_id + 50, r))
			return st.cycle_id + 50;
		if (r->err != -EINVAL)
			return 0;
	}
	return 0;
}

TEST_F(daemon, staged_law_applies_at_its_cycle)
{
	struct cycle_rec c, recs[64];
	struct status st;
	char want[128];
	uint64_t at;
	int i;

	NEED_SETUP();
	ASSERT_EQ(0, join_cycles(&self->dmn, &self->ctl));
	ASSERT_EQ(0, start_aggregator(&self->ctl, &self->r))
		TH_LOG("%s", self->r.msg);
	at = stage_law(&self->ctl, &self->r);
	ASSERT_NE(0, at) TH_LOG("stage: %d %s", self->r.err, self->r.msg);

	/* Checked at once: one per kind, nothing else than the law & co. */
	ASSERT_EQ(0, get_status(&self->ctl, &st));
	EXPECT_EQ(at, st.staged_cycle);
	EXPECT_EQ(AGISWARM_LAW_FEEDBACK, st.law);
	EXPECT_EQ(-EBUSY, set_node_u8(&self->ctl, AGISWARM_A_MISS_POLICY,
				      AGISWARM_MISS_ZERO, at + 1, &self->r));
	EXPECT_EQ(-EINVAL, set_node_u8(&self->ctl, AGISWARM_A_REDUNDANCY, 1,
				       at + 1, &self->r));

	ASSERT_EQ(0, wait_cycle(&self->dmn, at, &c));
	EXPECT_TRUE(c.applied);
	ASSERT_EQ(0, get_status(&self->ctl, &st));
	EXPECT_EQ(AGISWARM_LAW_PID, st.law);
	EXPECT_EQ(0, st.staged_cycle);

	/* A cycle already started is refused, and says which. */
	EXPECT_EQ(-EINVAL, set_node_u8(&self->ctl, AGISWARM_A_CONTROL_LAW,
				       AGISWARM_LAW_FEEDBACK, at, &self->r));
	snprintf(want, sizeof(want), "cycle %llu already started",
		 (unsigned long long)at);
	EXPECT_EQ(0, strncmp(want, self->r.msg, strlen(want)))
		TH_LOG("extack: \"%s\"", self->r.msg);

	/* The metrics record of that cycle, and only that one, says so. */
	ASSERT_EQ(0, dump_metrics(&self->ctl, 1, recs));
	ASSERT_LE(at, recs[0].nx);
	for (i = 1; i <= recs[0].nx && i < 64; i++)
		EXPECT_EQ(recs[i].cycle == at, recs[i].applied)
			TH_LOG("cycle %llu", (unsigned long long)recs[i].cycle);
}

TEST_F(daemon, staged_input_and_matrix)
{
	int32_t x1[1] = { 1 << 29 }, x2[2] = { 1 << 28, -(1 << 28) };
	struct cycle_rec c;
	struct status st;
	uint64_t at;

	NEED_SETUP();
	ASSERT_EQ(0, join_cycles(&self->dmn, &self->ctl));
	ASSERT_EQ(0, start_aggregator(&self->ctl, &self->r));
	ASSERT_EQ(0, set_input(&self->ctl, x1, 1, 0, &self->r));
	ASSERT_EQ(0, get_status(&self->ctl, &st));
	/*
	 * 50 cycles (a second) ahead, as stage_law(): the four requests below
	 * must all come before it, also on the debug kernel under TCG, where
	 * 10 were not enough ("cycle 11 already started").
	 */
	at = st.cycle_id + 50;

	/* A 2x2 matrix and a 2-element x, both for cycle at. */
	ASSERT_EQ(0, set_matrix(&self->ctl, 2, at, &self->r))
		TH_LOG("%s", self->r.msg);
	ASSERT_EQ(-EBUSY, set_matrix(&self->ctl, 2, at + 1, &self->r));
	EXPECT_EQ(-EINVAL, set_input(&self->ctl, x2, 2, 0, &self->r));
	ASSERT_EQ(0, set_input(&self->ctl, x2, 2, at, &self->r))
		TH_LOG("%s", self->r.msg);
	EXPECT_EQ(1, matrix_cols(&self->ctl));

	ASSERT_EQ(0, wait_cycle(&self->dmn, at - 1, &c));
	EXPECT_FALSE(c.applied);
	EXPECT_EQ(1, c.nx);
	EXPECT_EQ(x1[0], c.x[0]);
	ASSERT_EQ(0, wait_cycle(&self->dmn, at, &c));
	EXPECT_TRUE(c.applied);
	ASSERT_EQ(2, c.nx);
	EXPECT_EQ(x2[0], c.x[0]);
	EXPECT_EQ(x2[1], c.x[1]);
	EXPECT_EQ(2, matrix_cols(&self->ctl));
}

TEST_F(daemon, metrics_dump_from_a_cycle)
{
	struct cycle_rec c, recs[64];
	int i;

	NEED_SETUP();
	ASSERT_EQ(0, join_cycles(&self->dmn, &self->ctl));
	ASSERT_EQ(0, start_aggregator(&self->ctl, &self->r));
	ASSERT_EQ(0, wait_cycle(&self->dmn, 12, &c));
	ASSERT_EQ(0, set_node_u8(&self->ctl, AGISWARM_A_RUNNING, 0, 0,
				 &self->r));

	ASSERT_EQ(0, dump_metrics(&self->ctl, 0, recs));
	ASSERT_LE(12, recs[0].nx);
	EXPECT_EQ(1, recs[1].cycle);

	ASSERT_EQ(0, dump_metrics(&self->ctl, 7, recs));
	ASSERT_LE(6, recs[0].nx);
	for (i = 1; i <= recs[0].nx && i < 64; i++)
		EXPECT_EQ(6 + i, recs[i].cycle);

	/* Past the last: nothing, not an error. */
	ASSERT_EQ(0, dump_metrics(&self->ctl, 1000000, recs));
	EXPECT_EQ(0, recs[0].nx);
}

/* ---- sealed datagrams through the module --------------------------------- */

#define SEAL_INDEX 0x1234
/* The UAPI header's TASK example. */
static const uint8_t task[] = {
	0x01, 0x01, 0x00, 0x2a, 0xa8, 0x01, 0x07, 0x02, 0x18, 0x2a, 0x03, 0x01,
	0x04, 0x01, 0x05, 0x48, 0x40, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00,
	0x06, 0x01, 0x07, 0x07, 0x08, 0x50, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05,
	0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
};
static const uint8_t worker_pk[AGISWARM_PUBKEY_LEN] = { 0x11, 0x22 };
static const uint8_t key_in[AGISWARM_SEAL_KEY_LEN] = { 0xa1, 0xa2 };
static const uint8_t key_out[AGISWARM_SEAL_KEY_LEN] = { 0xb1, 0xb2 };

static int add_keyed_peer(struct nlt *nl, const struct sockaddr_in *ep,
			  struct nlt_reply *r)
{
	char buf[512] __attribute__((aligned(8)));
	struct nlmsghdr *req = nlt_agi(nl, buf, AGISWARM_CMD_ADD_PEER);
	struct nlattr *nest = mnl_attr_nest_start(req, AGISWARM_A_PEER);

	mnl_attr_put_u8(req, AGISWARM_PEER_A_KIND, AGISWARM_PEER_WORKER);
	mnl_attr_put_u32(req, AGISWARM_PEER_A_ID, 7);
	mnl_attr_put(req, AGISWARM_PEER_A_ENDPOINT, sizeof(*ep), ep);
	mnl_attr_put(req, AGISWARM_PEER_A_PUBKEY, sizeof(worker_pk), worker_pk);
	mnl_attr_nest_end(req, nest);
	return nlt_call(nl, req, r);
}

static int set_key(struct nlt *nl, const uint8_t *pk, uint32_t index,
		   bool with_key, struct nlt_reply *r)
{
	char buf[512] __attribute__((aligned(8)));
	struct nlmsghdr *req = nlt_agi(nl, buf, AGISWARM_CMD_SET_KEY);
	struct nlattr *nest = mnl_attr_nest_start(req, AGISWARM_A_PEER);

	mnl_attr_put(req, AGISWARM_PEER_A_PUBKEY, AGISWARM_PUBKEY_LEN, pk);
	mnl_attr_nest_end(req, nest);
	if (with_key) {
		nest = mnl_attr_nest_start(req, AGISWARM_A_KEY);
		mnl_attr_put_u32(req, AGISWARM_KEY_A_LOCAL_INDEX, index);
		mnl_attr_put_u32(req, AGISWARM_KEY_A_REMOTE_INDEX, 0x5678);
		mnl_attr_put(req, AGISWARM_KEY_A_RX, sizeof(key_in), key_in);
		mnl_attr_put(req, AGISWARM_KEY_A_TX, sizeof(key_out), key_out);
		mnl_attr_put_u64(req, AGISWARM_KEY_A_TX_COUNTER, 100);
		mnl_attr_put_u8(req, AGISWARM_KEY_A_MODE, AGISWARM_KEY_STATIC);
		mnl_attr_nest_end(req, nest);
	}
	return nlt_call(nl, req, r);
}

/* The HEARTBEAT, sealed by the peer with @counter; its length. */
static size_t sealed_heartbeat(uint8_t *buf, uint64_t counter)
{
	memcpy(buf + AGI_SEAL_PUSH, heartbeat, sizeof(heartbeat));
	return agi_seal(buf, sizeof(heartbeat), SEAL_INDEX, counter, key_in,
			&agi_sodium_aead);
}

TEST_F(daemon, sealed_link)
{
	char buf[2048] __attribute__((aligned(8)));
	uint8_t d[128], got[128], other_pk[AGISWARM_PUBKEY_LEN] = { 0x99 };
	struct agi_seal_hdr h;
	enum agiswarm_counter why;
	struct nlmsghdr *req;
	struct nlattr *nest;
	struct status st0, st;
	size_t n;
	ssize_t len;

	NEED_SETUP();
	ASSERT_EQ(0, register_daemon(&self->dmn, &self->r));
	/* SET_KEY names a link by its key, and needs one. */
	EXPECT_EQ(-ENOENT, set_key(&self->ctl, worker_pk, SEAL_INDEX, true,
				   &self->r));
	ASSERT_EQ(0, add_keyed_peer(&self->ctl, &self->peer, &self->r))
		TH_LOG("%s", self->r.msg);
	EXPECT_EQ(-EINVAL, set_key(&self->ctl, worker_pk, SEAL_INDEX, false,
				   &self->r));
	EXPECT_EQ(-ENOENT, set_key(&self->ctl, other_pk, SEAL_INDEX, true,
				   &self->r));
	ASSERT_EQ(0, set_key(&self->ctl, worker_pk, SEAL_INDEX, true,
			     &self->r)) TH_LOG("%s", self->r.msg);
	ASSERT_EQ(0, get_status(&self->ctl, &st0));

	/* Sealed: opened, passed up in clear. */
	n = sealed_heartbeat(d, 5);
	ASSERT_EQ(sizeof(heartbeat) + AGISWARM_SEAL_OVERHEAD, n);
	ASSERT_EQ(n, to_node(self->udp, d, n));
	ASSERT_EQ(0, expect_upcall(_metadata, &self->dmn, &self->peer,
				   heartbeat, sizeof(heartbeat)));
	/* Again: a replay. One bit flipped: a forgery. Another index. */
	ASSERT_EQ(n, to_node(self->udp, d, n));
	n = sealed_heartbeat(d, 6);
	d[n - 1] ^= 0x80;
	ASSERT_EQ(n, to_node(self->udp, d, n));
	n = sealed_heartbeat(d, 7);
	d[7] ^= 1;		/* the receiver index */
	ASSERT_EQ(n, to_node(self->udp, d, n));
	ASSERT_EQ(0, wait_counter(&self->ctl, offsetof(struct status,
				  drop_unknown_peer), st0.drop_unknown_peer + 1));
	ASSERT_EQ(0, get_status(&self->ctl, &st));
	EXPECT_EQ(st0.drop_replay + 1, st.drop_replay);
	EXPECT_EQ(st0.drop_auth + 1, st.drop_auth);
	EXPECT_EQ(st0.upcalls + 1, st.upcalls);

	/* A TASK opened from a worker: not allowed (TASKs are aggregators'). */
	memcpy(d + AGI_SEAL_PUSH, task, sizeof(task));
	n = agi_seal(d, sizeof(task), SEAL_INDEX, 8, key_in, &agi_sodium_aead);
	ASSERT_EQ(n, to_node(self->udp, d, n));
	ASSERT_EQ(0, wait_counter(&self->ctl,
				  offsetof(struct status, drop_not_allowed),
				  st0.drop_not_allowed + 1));

	/* SEND: a sealed type needs PEER; with it, the module seals. */
	req = nlt_agi(&self->ctl, buf, AGISWARM_CMD_SEND);
	mnl_attr_put(req, AGISWARM_A_PEER_ENDPOINT, sizeof(self->peer),
		     &self->peer);
	mnl_attr_put(req, AGISWARM_A_DATAGRAM, agi_seal_example_msg[3] + 4,
		     agi_seal_example_msg);
	EXPECT_EQ(-EPERM, nlt_call(&self->ctl, req, &self->r));
	req = nlt_agi(&self->ctl, buf, AGISWARM_CMD_SEND);
	nest = mnl_attr_nest_start(req, AGISWARM_A_PEER);
	mnl_attr_put(req, AGISWARM_PEER_A_PUBKEY, sizeof(worker_pk), worker_pk);
	mnl_attr_nest_end(req, nest);
	mnl_attr_put(req, AGISWARM_A_DATAGRAM, sizeof(heartbeat), heartbeat);
	ASSERT_EQ(0, nlt_call(&self->ctl, req, &self->r)) TH_LOG("%s", self->r.msg);
	len = recv(self->udp, got, sizeof(got), 0);
	ASSERT_EQ((ssize_t)(sizeof(heartbeat) + AGISWARM_SEAL_OVERHEAD), len);
	ASSERT_EQ(0, agi_seal_parse(got, (size_t)len, &h, &why));
	EXPECT_EQ(0x5678, h.index);
	EXPECT_EQ(100, h.counter);	/* the TX_COUNTER given */
	ASSERT_EQ(sizeof(heartbeat),
		  agi_seal_open(got, (size_t)len, &h, key_out, &agi_sodium_aead));
	EXPECT_EQ(0, memcmp(got + AGI_SEAL_PUSH, heartbeat, sizeof(heartbeat)));
}

/* A keypair of the worker's link: @index, keys of byte @k, @mode. */
static int set_keypair(struct nlt *nl, uint32_t index, uint8_t k,
		       uint8_t mode, struct nlt_reply *r)
{
	char buf[512] __attribute__((aligned(8)));
	struct nlmsghdr *req = nlt_agi(nl, buf, AGISWARM_CMD_SET_KEY);
	struct nlattr *nest = mnl_attr_nest_start(req, AGISWARM_A_PEER);
	uint8_t key[AGISWARM_SEAL_KEY_LEN];

	memset(key, k, sizeof(key));
	mnl_attr_put(req, AGISWARM_PEER_A_PUBKEY, AGISWARM_PUBKEY_LEN, worker_pk);
	mnl_attr_nest_end(req, nest);
	nest = mnl_attr_nest_start(req, AGISWARM_A_KEY);
	mnl_attr_put_u32(req, AGISWARM_KEY_A_LOCAL_INDEX, index);
	mnl_attr_put_u32(req, AGISWARM_KEY_A_REMOTE_INDEX, index + 1);
	mnl_attr_put(req, AGISWARM_KEY_A_RX, sizeof(key), key);
	mnl_attr_put(req, AGISWARM_KEY_A_TX, sizeof(key), key);
	mnl_attr_put_u8(req, AGISWARM_KEY_A_MODE, mode);
	mnl_attr_nest_end(req, nest);
	return nlt_call(nl, req, r);
}

/* The HEARTBEAT sealed under keypair @index (keys of byte @k), sent. */
static int send_under(int fd, uint32_t index, uint8_t k, uint64_t counter)
{
	uint8_t d[128], key[AGISWARM_SEAL_KEY_LEN];
	size_t n;

	memset(key, k, sizeof(key));
	memcpy(d + AGI_SEAL_PUSH, heartbeat, sizeof(heartbeat));
	n = agi_seal(d, sizeof(heartbeat), index, counter, key,
		     &agi_sodium_aead);
	return to_node(fd, d, n) == (ssize_t)n ? 0 : -EIO;
}

/* The HEARTBEAT sealed under @index opens: it reaches the daemon. */
#define OPENS(index, k, counter) do {					\
	ASSERT_EQ(0, send_under(self->udp, index, k, counter));		\
	ASSERT_EQ(0, expect_upcall(_metadata, &self->dmn, &self->peer,	\
				   heartbeat, sizeof(heartbeat)));	\
} while (0)

/* The daemon registered, the worker's link keyed with A (0x100, 0xa0). */
#define KEYED_WITH_A() do {						\
	NEED_SETUP();							\
	ASSERT_EQ(0, register_daemon(&self->dmn, &self->r));		\
	ASSERT_EQ(0, add_keyed_peer(&self->ctl, &self->peer, &self->r));	\
	ASSERT_EQ(0, set_keypair(&self->ctl, 0x100, 0xa0,		\
				 AGISWARM_KEY_INITIATOR, &self->r))	\
		TH_LOG("%s", self->r.msg);				\
} while (0)

/* The receiver index of what the module seals for the worker now. */
static uint32_t tx_index(struct __test_metadata *_metadata, struct nlt *nl,
			 int fd, struct nlt_reply *r)
{
	char buf[512] __attribute__((aligned(8)));
	struct nlmsghdr *req = nlt_agi(nl, buf, AGISWARM_CMD_SEND);
	struct nlattr *nest = mnl_attr_nest_start(req, AGISWARM_A_PEER);
	enum agiswarm_counter why;
	struct agi_seal_hdr h;
	uint8_t got[128];
	ssize_t len;

	mnl_attr_put(req, AGISWARM_PEER_A_PUBKEY, sizeof(worker_pk), worker_pk);
	mnl_attr_nest_end(req, nest);
	mnl_attr_put(req, AGISWARM_A_DATAGRAM, sizeof(heartbeat), heartbeat);
	EXPECT_EQ(0, nlt_call(nl, req, r));
	len = recv(fd, got, sizeof(got), 0);
	EXPECT_LT(0, len);
	if (len <= 0 || agi_seal_parse(got, (size_t)len, &h, &why))
		return 0;
	return h.index;
}

/*
 * Rekeying: an INITIATOR keypair seals at once while the one before still
 * opens; a RESPONDER one waits for the first datagram it opens; the third
 * keypair on pushes the oldest out.
 */
TEST_F(daemon, rekey_keeps_both_keys)
{
	struct status st0, st;

	KEYED_WITH_A();
	EXPECT_EQ(-EEXIST, set_keypair(&self->ctl, 0x100, 0xa1,
				       AGISWARM_KEY_INITIATOR, &self->r));
	OPENS(0x100, 0xa0, 1);
	EXPECT_EQ(0x101, tx_index(_metadata, &self->ctl, self->udp, &self->r));

	/* B: current at once; A still opens. */
	ASSERT_EQ(0, set_keypair(&self->ctl, 0x200, 0xb0, AGISWARM_KEY_INITIATOR,
				 &self->r));
	EXPECT_EQ(0x201, tx_index(_metadata, &self->ctl, self->udp, &self->r));
	OPENS(0x100, 0xa0, 2);
	OPENS(0x200, 0xb0, 1);

	/* C, a responder's: B seals until C opened a datagram. */
	ASSERT_EQ(0, set_keypair(&self->ctl, 0x300, 0xc0, AGISWARM_KEY_RESPONDER,
				 &self->r));
	EXPECT_EQ(0x201, tx_index(_metadata, &self->ctl, self->udp, &self->r));
	OPENS(0x300, 0xc0, 1);
	EXPECT_EQ(0x301, tx_index(_metadata, &self->ctl, self->udp, &self->r));

	/* Confirmed, C made B previous and pushed A out, wiped. */
	ASSERT_EQ(0, get_status(&self->ctl, &st0));
	OPENS(0x200, 0xb0, 2);
	ASSERT_EQ(0, send_under(self->udp, 0x100, 0xa0, 3));
	ASSERT_EQ(0, wait_counter(&self->ctl, offsetof(struct status,
				  drop_unknown_peer), st0.drop_unknown_peer + 1));
	ASSERT_EQ(0, get_status(&self->ctl, &st));
	EXPECT_EQ(st0.upcalls + 1, st.upcalls);
}

/*
 * Two handshakes close together, the answer to the second late: the
 * initiator seals with the first's keys (D) while this responder holds
 * the second's (E) as next. D, no longer next, still opens (it went to
 * previous), and the first datagram under E makes E current and A
 * previous, D gone.
 */
TEST_F(daemon, responder_keeps_an_unconfirmed_next)
{
	struct status st0, st;

	KEYED_WITH_A();
	ASSERT_EQ(0, set_keypair(&self->ctl, 0x400, 0xd0, AGISWARM_KEY_RESPONDER,
				 &self->r));
	ASSERT_EQ(0, set_keypair(&self->ctl, 0x500, 0xe0, AGISWARM_KEY_RESPONDER,
				 &self->r));
	/* Not confirmed: A still seals. */
	EXPECT_EQ(0x101, tx_index(_metadata, &self->ctl, self->udp, &self->r));
	ASSERT_EQ(0, get_status(&self->ctl, &st0));
	OPENS(0x400, 0xd0, 1);
	/* D opened but is not next: nothing confirmed, A still seals. */
	EXPECT_EQ(0x101, tx_index(_metadata, &self->ctl, self->udp, &self->r));
	OPENS(0x100, 0xa0, 1);
	OPENS(0x500, 0xe0, 1);
	EXPECT_EQ(0x501, tx_index(_metadata, &self->ctl, self->udp, &self->r));
	/* E current, A previous, D pushed out at the confirm. */
	OPENS(0x100, 0xa0, 2);
	ASSERT_EQ(0, send_under(self->udp, 0x400, 0xd0, 2));
	ASSERT_EQ(0, wait_counter(&self->ctl, offsetof(struct status,
				  drop_unknown_peer), st0.drop_unknown_peer + 1));
	ASSERT_EQ(0, get_status(&self->ctl, &st));
	EXPECT_EQ(st0.upcalls + 4, st.upcalls);
}

TEST_HARNESS_MAIN
