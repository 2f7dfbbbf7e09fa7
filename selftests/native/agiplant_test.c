// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * libagiplant: the actuator's deduplication rules, the configuration and
 * arguments it refuses with their messages, and the sealed round trip over
 * real UDP sockets against aggregators played by the core's own seal code
 * (seal.h's sessions, as the module derives them): SENSORs arrive and
 * open bit for bit at every member, ACTUATEs are delivered once per
 * cycle, in order, and forged, replayed, tampered or foreign datagrams
 * never are.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <sodium.h>

#include "core/wire.h"
#include "user/agiplant.h"
#include "user/agiplant_int.h"
#include "user/keys.h"
#include "user/seal.h"
#include "user/session.h"
#include <kselftest_harness.h>

TEST(filter_one_per_cycle_in_order)
{
	struct agi_actuate_filter f = { 0 };

	EXPECT_EQ(AGI_ACTUATE_DELIVER, agi_actuate_filter(&f, 1, 10));
	EXPECT_EQ(AGI_ACTUATE_DUPLICATE, agi_actuate_filter(&f, 1, 10));
	EXPECT_EQ(AGI_ACTUATE_OLD_CYCLE, agi_actuate_filter(&f, 1, 9));
	EXPECT_EQ(AGI_ACTUATE_DELIVER, agi_actuate_filter(&f, 1, 12));
	/* A gap is fine: cycles only have to increase. */
	EXPECT_EQ(AGI_ACTUATE_DELIVER, agi_actuate_filter(&f, 1, 20));
	EXPECT_EQ(AGI_ACTUATE_OLD_CYCLE, agi_actuate_filter(&f, 1, 12));
	/* Cycle 0 first is delivered too. */
	memset(&f, 0, sizeof(f));
	EXPECT_EQ(AGI_ACTUATE_DELIVER, agi_actuate_filter(&f, 0, 0));
	EXPECT_EQ(AGI_ACTUATE_DUPLICATE, agi_actuate_filter(&f, 0, 0));
}

TEST(filter_epoch_fences)
{
	struct agi_actuate_filter f = { 0 };

	EXPECT_EQ(AGI_ACTUATE_DELIVER, agi_actuate_filter(&f, 2, 100));
	/* A deposed primary's next cycle is fenced. */
	EXPECT_EQ(AGI_ACTUATE_STALE_EPOCH, agi_actuate_filter(&f, 1, 101));
	/* The new primary's same cycle (a shadow's duplicate): once only. */
	EXPECT_EQ(AGI_ACTUATE_DUPLICATE, agi_actuate_filter(&f, 3, 100));
	/* ... yet its epoch now fences epoch 2. */
	EXPECT_EQ(AGI_ACTUATE_STALE_EPOCH, agi_actuate_filter(&f, 2, 101));
	EXPECT_EQ(AGI_ACTUATE_DELIVER, agi_actuate_filter(&f, 3, 101));
	/* A higher epoch does not take cycle ids backwards. */
	EXPECT_EQ(AGI_ACTUATE_OLD_CYCLE, agi_actuate_filter(&f, 4, 50));
	EXPECT_EQ(AGI_ACTUATE_STALE_EPOCH, agi_actuate_filter(&f, 3, 102));
	EXPECT_EQ(AGI_ACTUATE_DELIVER, agi_actuate_filter(&f, 4, 102));
	/* A fenced epoch seen before any delivery is fenced too. */
	memset(&f, 0, sizeof(f));
	EXPECT_EQ(AGI_ACTUATE_DELIVER, agi_actuate_filter(&f, 5, 1));
	EXPECT_EQ(AGI_ACTUATE_STALE_EPOCH, agi_actuate_filter(&f, 4, 2));
}

#define AGGS 2

/* A plant and AGGS aggregators, each a real UDP socket on 127.0.0.1. */
FIXTURE(plant)
{
	char dir[64], psk[96], plant_pub[96], agg_pub[AGGS][96], addr[AGGS][32];
	char listen[32];
	struct agi_keypair plant_kp, agg_kp[AGGS];
	u8 psk_bytes[AGI_SECRET_LEN];
	int agg_fd[AGGS];
	struct sockaddr_in plant_sa;
	struct agi_session agg_sess[AGGS];
	struct agiplant_aggregator ag[AGGS];
	struct agiplant_config cfg;
	struct agiplant *p;
	char err[512];
};

static void write_pub(struct __test_metadata *_metadata, const char *path,
		      const u8 *pk)
{
	char err[256];

	ASSERT_EQ(0, agi_key_write_public(path, pk, true, err, sizeof(err)))
		TH_LOG("%s", err);
}

/* A free port on 127.0.0.1 for the plant. */
static int free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM, 0), port;

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &len))
		return -1;
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

FIXTURE_SETUP(plant)
{
	struct timeval tv = { .tv_sec = 5 };
	char err[256], dir[64];
	int i, port;

	strcpy(self->dir, "/tmp/agiplant_test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	strcpy(dir, self->dir);
	snprintf(self->psk, sizeof(self->psk), "%s/swarm.psk", dir);
	snprintf(self->plant_pub, sizeof(self->plant_pub), "%s/plant.pub", dir);
	randombytes_buf(self->psk_bytes, sizeof(self->psk_bytes));
	ASSERT_EQ(0, agi_secret_write(self->psk, self->psk_bytes, true, err,
				      sizeof(err)));
	ASSERT_EQ(0, agi_key_generate(&self->plant_kp));
	write_pub(_metadata, self->plant_pub, self->plant_kp.pk);
	for (i = 0; i < AGGS; i++) {
		struct sockaddr_in a = { .sin_family = AF_INET,
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		socklen_t alen = sizeof(a);

		ASSERT_EQ(0, agi_key_generate(&self->agg_kp[i]));
		snprintf(self->agg_pub[i], sizeof(self->agg_pub[i]),
			 "%s/agg%d.pub", dir, i);
		write_pub(_metadata, self->agg_pub[i], self->agg_kp[i].pk);
		self->agg_fd[i] = socket(AF_INET, SOCK_DGRAM, 0);
		ASSERT_LE(0, self->agg_fd[i]);
		ASSERT_EQ(0, bind(self->agg_fd[i], (struct sockaddr *)&a,
				  sizeof(a)));
		ASSERT_EQ(0, getsockname(self->agg_fd[i], (struct sockaddr *)&a,
					 &alen));
		ASSERT_EQ(0, setsockopt(self->agg_fd[i], SOL_SOCKET,
					SO_RCVTIMEO, &tv, sizeof(tv)));
		snprintf(self->addr[i], sizeof(self->addr[i]), "127.0.0.1:%d",
			 ntohs(a.sin_port));
		self->ag[i].address = self->addr[i];
		self->ag[i].key_file = self->agg_pub[i];
		/* The aggregator's side, as agictl peer add ... psk keys it. */
		ASSERT_EQ(0, agi_psk_session(&self->agg_sess[i], self->psk_bytes,
					     self->agg_kp[i].pk,
					     self->plant_kp.pk));
	}
	port = free_port();
	ASSERT_LT(0, port);
	snprintf(self->listen, sizeof(self->listen), "127.0.0.1:%d", port);
	self->plant_sa.sin_family = AF_INET;
	self->plant_sa.sin_port = htons((u16)port);
	self->plant_sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	self->cfg = (struct agiplant_config){
		.listen = self->listen, .key_file = self->plant_pub,
		.psk_file = self->psk, .aggregators = self->ag,
		.n_aggregators = AGGS,
	};
}

FIXTURE_TEARDOWN(plant)
{
	char cmd[128];
	int i;

	agiplant_close(self->p);
	for (i = 0; i < AGGS; i++)
		close(self->agg_fd[i]);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		TH_LOG("could not remove %s", self->dir);
}

/* Aggregator @i seals ACTUATE{epoch, cycle, @fmt, u} and sends it. */
static size_t send_actuate_fmt(struct __test_metadata *_metadata,
			       FIXTURE_DATA(plant) *self, int i, u64 epoch,
			       u64 cycle, u8 fmt, const s32 *u, u16 n, u8 *out)
{
	u8 buf[AGISWARM_WIRE_MAX + AGISWARM_SEAL_OVERHEAD];
	struct agi_wire_actuate a = {
		.epoch = epoch, .cycle = cycle, .fmt = fmt,
		.u = { .host.s32 = u, .n = n },
	};
	size_t len = agi_wire_put_actuate(buf + AGI_SEAL_PUSH,
					  AGISWARM_WIRE_PLAIN_MAX, &a);

	EXPECT_LT(0, len);
	len = agi_session_seal(&self->agg_sess[i], buf, len);
	EXPECT_LT(0, len);
	EXPECT_EQ((ssize_t)len, sendto(self->agg_fd[i], buf, len, 0,
				       (struct sockaddr *)&self->plant_sa,
				       sizeof(self->plant_sa)));
	if (out)
		memcpy(out, buf, len);
	return len;
}

/* The same in Q1.31. */
static size_t send_actuate(struct __test_metadata *_metadata,
			   FIXTURE_DATA(plant) *self, int i, u64 epoch,
			   u64 cycle, const s32 *u, u16 n, u8 *out)
{
	return send_actuate_fmt(_metadata, self, i, epoch, cycle,
				AGISWARM_Q1_31, u, n, out);
}

static void send_raw(FIXTURE_DATA(plant) *self, int i, const u8 *buf,
		     size_t len)
{
	sendto(self->agg_fd[i], buf, len, 0, (struct sockaddr *)&self->plant_sa,
	       sizeof(self->plant_sa));
}

/*
 * What the plant delivers of what was sent: waits for the socket (the
 * datagrams come over loopback), then receives until nothing is left.
 */
static int deliver(FIXTURE_DATA(plant) *self, struct agiplant_actuation *a,
		   int want)
{
	struct pollfd pfd = { .fd = agiplant_fd(self->p), .events = POLLIN };
	int got = 0, ret;

	while (got < want && poll(&pfd, 1, 2000) > 0)
		while ((ret = agiplant_receive(self->p, &a[got], self->err,
					       sizeof(self->err))) > 0)
			if (++got == want)
				break;
	/* Then anything else that came: there should be nothing. */
	usleep(50000);
	while (agiplant_receive(self->p, &a[got], self->err,
				sizeof(self->err)) > 0)
		got++;
	return got;
}

TEST_F(plant, sensor_reaches_every_member_sealed)
{
	s32 x[3] = { 0x40000000, -0x40000000, S32_MAX };
	u8 buf[AGISWARM_WIRE_MAX + 1];
	enum agiswarm_counter why;
	struct agi_wire_msg msg;
	struct agiplant_stats st;
	int i, n;

	ASSERT_EQ(0, agiplant_open(&self->cfg, &self->p, self->err,
				   sizeof(self->err))) TH_LOG("%s", self->err);
	ASSERT_EQ(0, agiplant_send_sensor(self->p, 1000, AGIPLANT_Q1_31, x, 3,
					  self->err, sizeof(self->err)));
	for (i = 0; i < AGGS; i++) {
		n = (int)recv(self->agg_fd[i], buf, sizeof(buf), 0);
		ASSERT_LT(0, n);
		/* Sealed on the wire: version 2, type SENSOR in clear. */
		EXPECT_EQ(AGISWARM_SEAL_VERSION, buf[0]);
		EXPECT_EQ(AGISWARM_MSG_SENSOR, buf[1]);
		n = agi_session_open(&self->agg_sess[i], buf, (size_t)n, &why);
		ASSERT_LT(0, n);
		ASSERT_EQ(0, agi_wire_parse(buf + AGI_SEAL_PUSH, (size_t)n,
					    &msg, &why));
		ASSERT_EQ(AGISWARM_MSG_SENSOR, msg.type);
		EXPECT_EQ(1000, msg.u.sensor.seq);
		EXPECT_EQ(AGISWARM_Q1_31, msg.u.sensor.fmt);
		ASSERT_EQ(3, msg.u.sensor.x.n);
		EXPECT_EQ(x[0], agi_wire_vec_s32(&msg.u.sensor.x, 0));
		EXPECT_EQ(x[1], agi_wire_vec_s32(&msg.u.sensor.x, 1));
		EXPECT_EQ(x[2], agi_wire_vec_s32(&msg.u.sensor.x, 2));
	}
	agiplant_get_stats(self->p, &st);
	EXPECT_EQ(AGGS, st.sent);
	/* The PSK mode has no handshake to wait for. */
	EXPECT_EQ(-1, agiplant_timeout_ms(self->p));
}

TEST_F(plant, actuate_delivered_once_per_cycle_in_order)
{
	struct agiplant_actuation a[8];
	struct agiplant_stats st;
	s32 u[2] = { 0x20000000, -5 };

	ASSERT_EQ(0, agiplant_open(&self->cfg, &self->p, self->err,
				   sizeof(self->err))) TH_LOG("%s", self->err);
	send_actuate(_metadata, self, 0, 7, 42, u, 2, NULL);
	/* The backup's shadow of the same cycle: identical bits, dropped. */
	send_actuate(_metadata, self, 1, 7, 42, u, 2, NULL);
	ASSERT_EQ(1, deliver(self, a, 1));
	EXPECT_EQ(7, a[0].epoch);
	EXPECT_EQ(42, a[0].cycle);
	EXPECT_EQ(AGIPLANT_Q1_31, a[0].format);
	EXPECT_EQ(0, a[0].status);
	ASSERT_EQ(2, a[0].n);
	EXPECT_EQ(u[0], a[0].u[0]);
	EXPECT_EQ(u[1], a[0].u[1]);
	/* Older, then newer; a failover to epoch 8 continues the cycles. */
	send_actuate(_metadata, self, 0, 7, 41, u, 2, NULL);
	send_actuate(_metadata, self, 0, 7, 43, u, 2, NULL);
	send_actuate(_metadata, self, 1, 8, 44, u, 2, NULL);
	send_actuate(_metadata, self, 0, 7, 45, u, 2, NULL);
	ASSERT_EQ(2, deliver(self, a, 2));
	EXPECT_EQ(43, a[0].cycle);
	EXPECT_EQ(44, a[1].cycle);
	EXPECT_EQ(8, a[1].epoch);
	agiplant_get_stats(self->p, &st);
	EXPECT_EQ(3, st.delivered);
	EXPECT_EQ(1, st.duplicate);
	EXPECT_EQ(1, st.old_cycle);
	EXPECT_EQ(1, st.stale_epoch);
	EXPECT_EQ(0, st.refused);
}

TEST_F(plant, forged_replayed_tampered_refused)
{
	struct agiplant_actuation a[4];
	struct agiplant_stats st;
	struct agi_session evil;
	u8 good[AGISWARM_WIRE_MAX], bad[AGISWARM_WIRE_MAX];
	u8 other_psk[AGI_SECRET_LEN];
	struct agi_keypair stranger;
	s32 u[1] = { 1 };
	size_t len;

	ASSERT_EQ(0, agiplant_open(&self->cfg, &self->p, self->err,
				   sizeof(self->err))) TH_LOG("%s", self->err);
	/* A bit flipped anywhere, then the real one, then it again. */
	len = send_actuate(_metadata, self, 0, 1, 5, u, 1, good);
	ASSERT_EQ(1, deliver(self, a, 1));
	agiplant_get_stats(self->p, &st);
	ASSERT_EQ(1, st.delivered);
	send_raw(self, 0, good, len);			/* replay */
	memcpy(bad, good, len);
	bad[len - 1] ^= 1;				/* tag */
	send_raw(self, 0, bad, len);
	memcpy(bad, good, len);
	bad[20] ^= 0x80;				/* ciphertext */
	send_raw(self, 0, bad, len);
	memcpy(bad, good, len);
	bad[8] ^= 1;					/* counter (AD) */
	send_raw(self, 0, bad, len);
	/* Plain ACTUATE: the example of the UAPI header. */
	send_raw(self, 0, (const u8 *)"\x01\x08\x00\x10\xa5\x01\x07\x02\x18\x2a"
		 "\x03\x01\x04\x44\x20\x00\x00\x00\x05\x00", 20);
	/* Sealed by a stranger, and with another PSK under the right keys. */
	ASSERT_EQ(0, agi_key_generate(&stranger));
	ASSERT_EQ(0, agi_psk_session(&evil, self->psk_bytes, stranger.pk,
				     self->plant_kp.pk));
	memcpy(&self->agg_sess[1], &evil, sizeof(evil));
	send_actuate(_metadata, self, 1, 9, 99, u, 1, NULL);
	randombytes_buf(other_psk, sizeof(other_psk));
	ASSERT_EQ(0, agi_psk_session(&self->agg_sess[1], other_psk,
				     self->agg_kp[1].pk, self->plant_kp.pk));
	send_actuate(_metadata, self, 1, 9, 99, u, 1, NULL);
	/* Garbage and an empty datagram. */
	send_raw(self, 0, (const u8 *)"\x02\x08\x00\x00", 4);
	send_raw(self, 0, (const u8 *)"", 0);
	ASSERT_EQ(0, deliver(self, a, 1));
	agiplant_get_stats(self->p, &st);
	EXPECT_EQ(1, st.delivered);
	EXPECT_EQ(9, st.refused);
	EXPECT_EQ(0, st.stale_epoch);
	/* Still keyed: the real next cycle is delivered. */
	send_actuate(_metadata, self, 0, 1, 6, u, 1, NULL);
	ASSERT_EQ(1, deliver(self, a, 1));
	EXPECT_EQ(6, a[0].cycle);
}

/* Q16.16 (integers to 32767, as jobs' results) both ways, bit for bit. */
TEST_F(plant, q16_16_both_ways)
{
	s32 x[2] = { 138 << 16, -(1 << 16) - 1 }, u[1] = { S32_MIN };
	u8 buf[AGISWARM_WIRE_MAX + 1];
	struct agiplant_actuation a[2];
	enum agiswarm_counter why;
	struct agi_wire_msg msg;
	int n;

	ASSERT_EQ(0, agiplant_open(&self->cfg, &self->p, self->err,
				   sizeof(self->err))) TH_LOG("%s", self->err);
	ASSERT_EQ(0, agiplant_send_sensor(self->p, 5, AGIPLANT_Q16_16, x, 2,
					  self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
	n = (int)recv(self->agg_fd[0], buf, sizeof(buf), 0);
	ASSERT_LT(0, n);
	n = agi_session_open(&self->agg_sess[0], buf, (size_t)n, &why);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, agi_wire_parse(buf + AGI_SEAL_PUSH, (size_t)n, &msg,
				    &why));
	EXPECT_EQ(AGISWARM_Q16_16, msg.u.sensor.fmt);
	EXPECT_EQ(x[0], agi_wire_vec_s32(&msg.u.sensor.x, 0));
	EXPECT_EQ(x[1], agi_wire_vec_s32(&msg.u.sensor.x, 1));
	send_actuate_fmt(_metadata, self, 0, 7, 1, AGISWARM_Q16_16, u, 1, NULL);
	ASSERT_EQ(1, deliver(self, a, 1));
	EXPECT_EQ(AGIPLANT_Q16_16, a[0].format);
	EXPECT_EQ(S32_MIN, a[0].u[0]);
}

TEST_F(plant, send_refuses_bad_vectors)
{
	s32 x[AGIPLANT_VEC_MAX + 1] = { 0 };
	struct agiplant_stats st;

	ASSERT_EQ(0, agiplant_open(&self->cfg, &self->p, self->err,
				   sizeof(self->err))) TH_LOG("%s", self->err);
	EXPECT_EQ(-EINVAL, agiplant_send_sensor(self->p, 1, 0, x, 1, self->err,
						sizeof(self->err)));
	EXPECT_STREQ("send failed: format 0 is none of Q1.31 (1), Q1.15 (2), Q8.24 (3), Q16.16 (4)",
		     self->err);
	EXPECT_EQ(-EINVAL, agiplant_send_sensor(self->p, 1, AGIPLANT_Q16_16 + 1,
						x, 1, self->err,
						sizeof(self->err)));
	EXPECT_EQ(-EINVAL, agiplant_send_sensor(self->p, 1, AGIPLANT_Q1_31, x,
						0, self->err, sizeof(self->err)));
	EXPECT_STREQ("send failed: 0 elements, 1..256 allowed", self->err);
	EXPECT_EQ(-EINVAL, agiplant_send_sensor(self->p, 1, AGIPLANT_Q1_31, x,
						AGIPLANT_VEC_MAX + 1, self->err,
						sizeof(self->err)));
	x[1] = 32768;
	EXPECT_EQ(-EINVAL, agiplant_send_sensor(self->p, 1, AGIPLANT_Q1_15, x,
						2, self->err, sizeof(self->err)));
	EXPECT_STREQ("send failed: x[1] = 32768 is outside Q1.15's raw range [-32768, 32767]",
		     self->err);
	agiplant_get_stats(self->p, &st);
	EXPECT_EQ(0, st.sent);
	/* The longest vector fits one sealed datagram. */
	x[1] = 0;
	EXPECT_EQ(0, agiplant_send_sensor(self->p, 1, AGIPLANT_Q1_15, x,
					  AGIPLANT_VEC_MAX, self->err,
					  sizeof(self->err))) TH_LOG("%s", self->err);
}

TEST_F(plant, open_refuses_bad_configuration)
{
	struct agiplant_aggregator two[2];
	struct agiplant_config c = self->cfg;
	char want[300];

	c.n_aggregators = 0;
	EXPECT_EQ(-EINVAL, agiplant_open(&c, &self->p, self->err,
					 sizeof(self->err)));
	EXPECT_STREQ("open failed: 0 aggregators, 1..7 allowed", self->err);
	EXPECT_EQ(NULL, self->p);
	c.n_aggregators = 8;
	EXPECT_EQ(-EINVAL, agiplant_open(&c, &self->p, self->err,
					 sizeof(self->err)));

	c = self->cfg;
	c.listen = "localhost:6000";
	EXPECT_EQ(-EINVAL, agiplant_open(&c, &self->p, self->err,
					 sizeof(self->err)));
	EXPECT_STREQ("open failed: listen \"localhost:6000\" is not ADDR:PORT",
		     self->err);

	c = self->cfg;
	memcpy(two, self->ag, sizeof(two));
	two[1].address = "192.0.2.1:99999";
	c.aggregators = two;
	EXPECT_EQ(-EINVAL, agiplant_open(&c, &self->p, self->err,
					 sizeof(self->err)));
	EXPECT_STREQ("open failed: aggregator 1: address \"192.0.2.1:99999\" is not ADDR:PORT",
		     self->err);
	/* The plant's own key as an aggregator's. */
	two[1] = self->ag[1];
	two[1].key_file = self->plant_pub;
	EXPECT_EQ(-EINVAL, agiplant_open(&c, &self->p, self->err,
					 sizeof(self->err)));
	EXPECT_STREQ("open failed: aggregator 1: its key is the plant's own",
		     self->err);
	two[1].key_file = "/nonexistent/agg.pub";
	EXPECT_GT(0, agiplant_open(&c, &self->p, self->err, sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "/nonexistent/agg.pub")) TH_LOG("%s", self->err);

	/* A PSK that others can read is refused, naming the file. */
	c = self->cfg;
	ASSERT_EQ(0, chmod(self->psk, 0644));
	snprintf(want, sizeof(want), "open failed: %s: mode 0644 is too open; chmod 600 %s",
		 self->psk, self->psk);
	EXPECT_EQ(-EACCES, agiplant_open(&c, &self->p, self->err,
					 sizeof(self->err)));
	EXPECT_STREQ(want, self->err);
	ASSERT_EQ(0, chmod(self->psk, 0600));
	c.psk_file = NULL;
	EXPECT_EQ(-EINVAL, agiplant_open(&c, &self->p, self->err,
					 sizeof(self->err)));
	EXPECT_STREQ("open failed: psk_file or private_key_file is required",
		     self->err);
	c = self->cfg;
	c.key_file = NULL;
	EXPECT_EQ(-EINVAL, agiplant_open(&c, &self->p, self->err,
					 sizeof(self->err)));
	EXPECT_STREQ("open failed: psk_file needs key_file", self->err);

	/* An address this host does not have: the socket's errno. */
	c = self->cfg;
	c.listen = "192.0.2.77:6000";
	EXPECT_EQ(-EADDRNOTAVAIL, agiplant_open(&c, &self->p, self->err,
						sizeof(self->err)));
	EXPECT_STREQ("bind to 192.0.2.77:6000 failed: Cannot assign requested address",
		     self->err);
	EXPECT_EQ(NULL, self->p);
}

/*
 * Handshake mode: the plant's node key, each aggregator's agiswarmd played
 * by the library's responder (session.h, as the daemon runs it). No
 * SENSOR leaves before a member answered; then both directions are sealed
 * under the handshake's keys, and a replayed answer is refused.
 */
TEST_F(plant, handshake_keys_every_member)
{
	char key[128], err[256];
	struct agiplant_actuation a[2];
	struct agiplant_stats st;
	struct agi_sess *resp[AGGS];
	u8 buf[AGISWARM_WIRE_MAX + 1], out[AGI_HS_RESP_MAX];
	size_t resp_len[AGGS];
	u8 resp_dgram[AGGS][AGI_HS_RESP_MAX];
	enum agiswarm_counter why;
	struct agi_wire_msg msg;
	s32 x[2] = { 7, -7 };
	int i, n, ret;

	snprintf(key, sizeof(key), "%s/plant.key", self->dir);
	ASSERT_EQ(0, agi_key_write_private(key, &self->plant_kp, true, err,
					   sizeof(err))) TH_LOG("%s", err);
	self->cfg.psk_file = NULL;
	self->cfg.key_file = NULL;
	self->cfg.private_key_file = key;
	ASSERT_EQ(0, agiplant_open(&self->cfg, &self->p, self->err,
				   sizeof(self->err))) TH_LOG("%s", self->err);
	/* The INITs are out; the next retry is within the first backoff. */
	n = agiplant_timeout_ms(self->p);
	EXPECT_LE(0, n);
	EXPECT_GE(AGI_SESS_RETRY_MS, n);
	ASSERT_EQ(0, agiplant_send_sensor(self->p, 1, AGIPLANT_Q1_31, x, 2,
					  self->err, sizeof(self->err)));
	agiplant_get_stats(self->p, &st);
	EXPECT_EQ(0, st.sent);
	EXPECT_EQ(AGGS, st.unkeyed);

	for (i = 0; i < AGGS; i++) {
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		struct agi_endpoint ep = { .len = sizeof(from) };
		struct agi_sess_peer *peer;
		struct agi_hs_keys k;
		struct agi_session *as = &self->agg_sess[i];

		resp[i] = malloc(sizeof(*resp[i]));
		ASSERT_NE(NULL, resp[i]);
		agi_sess_init(resp[i], &self->agg_kp[i], 120000, 0);
		ASSERT_NE(NULL, agi_sess_add(resp[i], self->plant_kp.pk,
					     AGI_SESS_RESPOND, NULL, &ret));
		n = (int)recvfrom(self->agg_fd[i], buf, sizeof(buf), 0,
				  (struct sockaddr *)&from, &flen);
		ASSERT_LT(0, n);
		ASSERT_EQ(AGI_HS_MSG_INIT, buf[1]);
		memcpy(&ep.addr.sin, &from, sizeof(from));
		ASSERT_EQ(0, agi_sess_on_init(resp[i], buf, (size_t)n, &ep,
					      100 + i, out, sizeof(out),
					      &resp_len[i], &k, &peer));
		memcpy(resp_dgram[i], out, resp_len[i]);
		ASSERT_EQ((ssize_t)resp_len[i],
			  sendto(self->agg_fd[i], out, resp_len[i], 0,
				 (struct sockaddr *)&from, flen));
		memset(as, 0, sizeof(*as));
		as->local_index = k.local_index;
		as->remote_index = k.remote_index;
		memcpy(as->rx, k.rx, sizeof(as->rx));
		memcpy(as->tx, k.tx, sizeof(as->tx));
		agi_replay_init(&as->replay);
		agi_hs_keys_wipe(&k);
	}
	EXPECT_EQ(0, deliver(self, a, 0));
	agiplant_get_stats(self->p, &st);
	EXPECT_EQ(AGGS, st.handshakes);
	EXPECT_EQ(0, st.refused);

	ASSERT_EQ(0, agiplant_send_sensor(self->p, 2, AGIPLANT_Q1_31, x, 2,
					  self->err, sizeof(self->err)));
	for (i = 0; i < AGGS; i++) {
		n = (int)recv(self->agg_fd[i], buf, sizeof(buf), 0);
		ASSERT_LT(0, n);
		n = agi_session_open(&self->agg_sess[i], buf, (size_t)n, &why);
		ASSERT_LT(0, n);
		ASSERT_EQ(0, agi_wire_parse(buf + AGI_SEAL_PUSH, (size_t)n,
					    &msg, &why));
		EXPECT_EQ(2, msg.u.sensor.seq);
		EXPECT_EQ(-7, agi_wire_vec_s32(&msg.u.sensor.x, 1));
	}
	send_actuate(_metadata, self, 1, 3, 30, x, 2, NULL);
	ASSERT_EQ(1, deliver(self, a, 1));
	EXPECT_EQ(30, a[0].cycle);
	EXPECT_EQ(-7, a[0].u[1]);
	/* An answer again: no INIT is pending, so it is refused. */
	send_raw(self, 0, resp_dgram[0], resp_len[0]);
	EXPECT_EQ(0, deliver(self, a, 0));
	agiplant_get_stats(self->p, &st);
	EXPECT_EQ(AGGS, st.handshakes);
	EXPECT_EQ(1, st.refused);
	EXPECT_EQ(AGGS, st.sent);
	/* Keyed: nothing due before the silence limit (10 s). */
	EXPECT_LT(5000, agiplant_timeout_ms(self->p));
	for (i = 0; i < AGGS; i++) {
		agi_sess_wipe(resp[i]);
		free(resp[i]);
	}
}

TEST_HARNESS_MAIN
