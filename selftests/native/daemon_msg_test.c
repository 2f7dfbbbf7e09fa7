// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * HEARTBEAT and STATUS (daemon/msg.c): the UAPI header's hex examples are
 * what the encoder writes, every message round-trips, a receiver ignores
 * keys it does not know, and a message with a key missing, out of range or
 * of another type, or with a bad header, is refused.
 */
#include <errno.h>
#include <string.h>
#include <kselftest_harness.h>

#include "user/msg.h"

/* include/uapi/linux/agiswarm.h, AGISWARM_MSG_HEARTBEAT's example. */
static const uint8_t heartbeat_doc[] = {
	0x01, 0x03, 0x00, 0x18, 0xa8, 0x01, 0x03, 0x02, 0x07, 0x03, 0x19,
	0x17, 0x70, 0x04, 0x00, 0x05, 0x18, 0x7d, 0x06, 0x19, 0x01, 0xf4,
	0x07, 0x19, 0x05, 0xdc, 0x08, 0x00,
};

/* ... and AGISWARM_MSG_STATUS's. */
static const uint8_t status_doc[] = {
	0x01, 0x04, 0x00, 0x0f, 0xa6, 0x01, 0x01, 0x02, 0x07, 0x03, 0x01,
	0x04, 0x19, 0x03, 0xe8, 0x05, 0x00, 0x06, 0x01,
};

/* Field by field: the structs have padding. */
#define EXPECT_SAME_HEARTBEAT(a, b) do {				\
	EXPECT_EQ((a).worker, (b).worker);				\
	EXPECT_EQ((a).seq, (b).seq);					\
	EXPECT_EQ((a).port, (b).port);					\
	EXPECT_EQ((a).status, (b).status);				\
	EXPECT_EQ((a).cpu_permille, (b).cpu_permille);			\
	EXPECT_EQ((a).mem_permille, (b).mem_permille);			\
	EXPECT_EQ((a).latency_us, (b).latency_us);			\
	EXPECT_EQ((a).queue, (b).queue);				\
} while (0)

static const struct agi_heartbeat heartbeat_example = {
	.worker = 3, .seq = 7, .port = 6000,
	.status = AGISWARM_HEALTH_HEALTHY, .cpu_permille = 125,
	.mem_permille = 500, .latency_us = 1500, .queue = 0,
};

TEST(heartbeat_example_is_documented_bytes)
{
	uint8_t out[AGISWARM_WIRE_MAX];
	int n = agi_heartbeat_encode(&heartbeat_example, out, sizeof(out));

	ASSERT_EQ(sizeof(heartbeat_doc), n);
	EXPECT_EQ(0, memcmp(heartbeat_doc, out, sizeof(heartbeat_doc)));
}

TEST(status_example_is_documented_bytes)
{
	struct agi_status_msg s = {
		.node = 1, .seq = 7, .epoch = 1, .cycle = 1000,
		.health = AGISWARM_HEALTH_HEALTHY, .member = 1,
	}, back;
	uint8_t out[AGISWARM_WIRE_MAX];
	int n = agi_status_msg_encode(&s, out, sizeof(out));

	ASSERT_EQ(sizeof(status_doc), n);
	EXPECT_EQ(0, memcmp(status_doc, out, sizeof(status_doc)));
	ASSERT_EQ(0, agi_status_msg_decode(out, n, &back));
	EXPECT_EQ(s.node, back.node);
	EXPECT_EQ(s.seq, back.seq);
	EXPECT_EQ(s.epoch, back.epoch);
	EXPECT_EQ(s.cycle, back.cycle);
	EXPECT_EQ(s.health, back.health);
	EXPECT_EQ(s.member, back.member);
}

/* The widest values of every field come back as they went. */
TEST(heartbeat_round_trip_at_the_limits)
{
	struct agi_heartbeat h = {
		.worker = UINT32_MAX, .seq = UINT64_MAX, .port = UINT16_MAX,
		.status = AGISWARM_HEALTH_UNHEALTHY, .cpu_permille = 1000,
		.mem_permille = 1000, .latency_us = UINT32_MAX,
		.queue = UINT32_MAX,
	}, back;
	uint8_t out[AGISWARM_WIRE_MAX];
	int n = agi_heartbeat_encode(&h, out, sizeof(out));

	ASSERT_GT(n, 0);
	ASSERT_EQ(0, agi_heartbeat_decode(out, n, &back));
	EXPECT_SAME_HEARTBEAT(h, back);
}

/* The documented heartbeat with key 9 (a text "x") added at the end. */
TEST(unknown_key_is_ignored)
{
	uint8_t d[sizeof(heartbeat_doc) + 3];
	struct agi_heartbeat back;

	memcpy(d, heartbeat_doc, sizeof(heartbeat_doc));
	d[3] += 3;
	d[4] = 0xa9;
	d[sizeof(heartbeat_doc)] = 0x09;
	d[sizeof(heartbeat_doc) + 1] = 0x61;
	d[sizeof(heartbeat_doc) + 2] = 'x';
	ASSERT_EQ(0, agi_heartbeat_decode(d, sizeof(d), &back));
	EXPECT_SAME_HEARTBEAT(heartbeat_example, back);
}

TEST(missing_key_is_refused)
{
	uint8_t d[sizeof(heartbeat_doc)];
	struct agi_heartbeat back;

	/* drop the last pair (8 queue: 0x08 0x00) */
	memcpy(d, heartbeat_doc, sizeof(d));
	d[3] -= 2;
	d[4] = 0xa7;
	EXPECT_EQ(-EBADMSG, agi_heartbeat_decode(d, sizeof(d) - 2, &back));
}

TEST(out_of_range_or_wrong_type_is_refused)
{
	uint8_t d[sizeof(heartbeat_doc)];
	struct agi_heartbeat back;

	/* status 0 -> 3, above AGISWARM_HEALTH_MAX */
	memcpy(d, heartbeat_doc, sizeof(d));
	d[14] = 0x03;
	EXPECT_EQ(-EBADMSG, agi_heartbeat_decode(d, sizeof(d), &back));
	/* queue 0 -> a negative integer (major type 1) */
	memcpy(d, heartbeat_doc, sizeof(d));
	d[sizeof(d) - 1] = 0x20;
	EXPECT_EQ(-EBADMSG, agi_heartbeat_decode(d, sizeof(d), &back));
}

TEST(bad_header_is_refused)
{
	uint8_t d[sizeof(heartbeat_doc)];
	struct agi_heartbeat back;

	memcpy(d, heartbeat_doc, sizeof(d));
	d[1] = AGISWARM_MSG_STATUS;		/* another type */
	EXPECT_EQ(-EBADMSG, agi_heartbeat_decode(d, sizeof(d), &back));
	memcpy(d, heartbeat_doc, sizeof(d));
	d[3]++;					/* length disagrees */
	EXPECT_EQ(-EBADMSG, agi_heartbeat_decode(d, sizeof(d), &back));
	EXPECT_EQ(-EBADMSG, agi_heartbeat_decode(d, 3, &back));
}

TEST(health_names)
{
	EXPECT_STREQ("healthy", agi_health_name(AGISWARM_HEALTH_HEALTHY));
	EXPECT_STREQ("degraded", agi_health_name(AGISWARM_HEALTH_DEGRADED));
	EXPECT_STREQ("unhealthy", agi_health_name(AGISWARM_HEALTH_UNHEALTHY));
	EXPECT_STREQ("unknown", agi_health_name(AGISWARM_HEALTH_MAX + 1));
}

TEST_HARNESS_MAIN
