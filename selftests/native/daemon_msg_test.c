// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * HEARTBEAT and STATUS (include/user/msg.c): the UAPI header's hex
 * examples are what the encoder writes, every message round-trips, a
 * receiver ignores keys it does not know, and a message with a key
 * missing, out of range or of another type, or with a bad header, is
 * refused. Random messages are written exactly as libcbor, the oracle,
 * writes them, and no declared length makes a decoder allocate.
 */
#include <cbor.h>
#include <errno.h>
#include <string.h>
#include <sys/resource.h>

#include "user/msg.h"
#include "../lib/rng.h"
#include <kselftest_harness.h>

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

/* HEARTBEAT's fields in key order, as libcbor would write them. */
static size_t libcbor_heartbeat(const struct agi_heartbeat *h, u8 *out)
{
	const u64 v[] = { h->worker, h->seq, h->port, h->status,
			  h->cpu_permille, h->mem_permille, h->latency_us,
			  h->queue };
	size_t n = AGISWARM_WIRE_HDR_LEN, k;

	n += cbor_encode_map_start(ARRAY_SIZE(v), out + n, 64);
	for (k = 0; k < ARRAY_SIZE(v); k++) {
		n += cbor_encode_uint(k + 1, out + n, 64);
		n += cbor_encode_uint(v[k], out + n, 64);
	}
	out[0] = AGISWARM_WIRE_VERSION;
	out[1] = AGISWARM_MSG_HEARTBEAT;
	out[2] = (u8)((n - 4) >> 8);
	out[3] = (u8)(n - 4);
	return n;
}

/* Values of every width, within their ranges. */
static u64 random_below(u64 max)
{
	static const u64 widths[] = { 24, 0x100, 0x10000, 0x100000000ULL, 0 };
	u64 w = widths[test_rng_below(ARRAY_SIZE(widths))];
	u64 v = w ? test_rng() % w : test_rng();

	return max == UINT64_MAX ? v : v % (max + 1);
}

TEST(heartbeats_as_libcbor_writes_them)
{
	u8 ours[AGISWARM_WIRE_MAX], theirs[AGISWARM_WIRE_MAX];
	struct agi_heartbeat h, back;
	size_t n;
	int i, len;

	TEST_RNG_BEGIN(1);
	for (i = 0; i < 20000; i++) {
		h = (struct agi_heartbeat){
			.worker = (u32)random_below(UINT32_MAX),
			.seq = random_below(UINT64_MAX),
			.port = (u16)random_below(UINT16_MAX),
			.status = (u8)random_below(AGISWARM_HEALTH_MAX),
			.cpu_permille = (u32)random_below(1000),
			.mem_permille = (u32)random_below(1000),
			.latency_us = (u32)random_below(UINT32_MAX),
			.queue = (u32)random_below(UINT32_MAX),
		};
		len = agi_heartbeat_encode(&h, ours, sizeof(ours));
		n = libcbor_heartbeat(&h, theirs);
		ASSERT_EQ((int)n, len);
		ASSERT_EQ(0, memcmp(ours, theirs, n));
		ASSERT_EQ(0, agi_heartbeat_decode(theirs, n, &back));
		EXPECT_SAME_HEARTBEAT(h, back);
	}
}

/*
 * What libcbor 0.8 turned into gigabytes (cbor_load() allocates the
 * declared array length before reading it): every decoder refuses them
 * at once, and the process grows by nothing.
 */
TEST(declared_lengths_allocate_nothing)
{
	static const u8 array_2_26[] = {
		0x01, 0x03, 0x00, 0x05, 0x9a, 0x04, 0x00, 0x00, 0x00,
	};
	static const u8 array_2_32[] = {
		0x01, 0x03, 0x00, 0x0f, 0xa1, 0x01, 0x9b, 0x00, 0x00, 0x00,
		0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	const struct { const u8 *d; size_t n; } in[] = {
		{ array_2_26, sizeof(array_2_26) },
		{ array_2_32, sizeof(array_2_32) },
	};
	u8 body[AGI_COMMIT_BODY_MAX], sig[AGI_SIG_LEN], d[32];
	struct agi_commit_ack ack;
	struct agi_status_msg st;
	struct agi_heartbeat h;
	struct rusage before, after;
	size_t i, len;
	int type;

	getrusage(RUSAGE_SELF, &before);
	for (i = 0; i < ARRAY_SIZE(in); i++) {
		for (type = AGISWARM_MSG_HEARTBEAT; type <= AGISWARM_MSG_COMMIT_ACK;
		     type++) {
			memcpy(d, in[i].d, in[i].n);
			d[1] = (u8)type;
			EXPECT_EQ(-EBADMSG, agi_heartbeat_decode(d, in[i].n, &h));
			EXPECT_EQ(-EBADMSG, agi_status_msg_decode(d, in[i].n, &st));
			EXPECT_EQ(-EBADMSG, agi_commit_dgram_decode(d, in[i].n,
								    body, &len,
								    sig));
			EXPECT_EQ(-EBADMSG, agi_commit_ack_decode(d, in[i].n,
								  &ack));
		}
	}
	getrusage(RUSAGE_SELF, &after);
	EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 1024)
		TH_LOG("max RSS grew by %ld KiB", after.ru_maxrss - before.ru_maxrss);
}

TEST_HARNESS_MAIN
