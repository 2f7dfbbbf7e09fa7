// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Sealed datagrams: the envelope and the AEAD against RFC 8439 A.5 and the
 * UAPI header's example (the core's own code over libsodium, the same
 * self-test the module runs over lib/crypto at load), every bit of a
 * sealed datagram authenticated, the framing's drop reasons, the
 * pre-shared-key mode's derivation and the replay window (in the manner
 * of WireGuard's counter self-test).
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/replay.h"
#include "core/seal.h"
#include "core/wire.h"
#include "user/seal.h"
#include <kselftest_harness.h>

#define UAPI_HEADER "include/uapi/linux/agiswarm.h"

TEST(known_answers)
{
	u8 scratch[AGI_SEAL_SELFTEST_SCRATCH];

	ASSERT_EQ(0, agi_seal_selftest(&agi_sodium_aead, scratch));
}

/* The example's bytes as the header prints them, 16 a line. */
TEST(example_in_header)
{
	static char text[1 << 17], want[1024];
	FILE *f = fopen(UAPI_HEADER, "r");
	size_t n, i, w = 0;

	if (!f)
		SKIP(return, "%s not found", UAPI_HEADER);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = 0;
	for (i = 0; i < AGI_SEAL_EXAMPLE_LEN; i++)
		w += (size_t)snprintf(want + w, sizeof(want) - w, "%s%02x",
				      !i ? "" : i % 16 ? " " : "\n *        ",
				      agi_seal_example[i]);
	ASSERT_NE(NULL, strstr(text, want)) TH_LOG("want:\n%s", want);
}

/* Every single bit flipped anywhere in a sealed datagram is refused. */
TEST(every_bit_authenticated)
{
	u8 key[AGISWARM_SEAL_KEY_LEN], buf[AGI_SEAL_EXAMPLE_LEN];
	struct agi_seal_hdr h;
	enum agiswarm_counter why;
	size_t bit;

	agi_seal_example_key(key);
	for (bit = 0; bit < 8 * sizeof(buf); bit++) {
		memcpy(buf, agi_seal_example, sizeof(buf));
		buf[bit / 8] ^= (u8)(1 << (bit % 8));
		if (agi_seal_parse(buf, sizeof(buf), &h, &why))
			continue;	/* framing refused it */
		ASSERT_GT(0, agi_seal_open(buf, sizeof(buf), &h, key,
					   &agi_sodium_aead))
			TH_LOG("bit %zu opened", bit);
	}
}

static int verdict(const u8 *buf, size_t len)
{
	enum agiswarm_counter why = AGISWARM_CNT_UNSPEC;
	struct agi_seal_hdr h;
	int ret = agi_seal_parse(buf, len, &h, &why);

	return ret < 0 ? (int)why : -ret;
}

TEST(framing)
{
	u8 b[AGI_SEAL_EXAMPLE_LEN];
	static u8 big[AGISWARM_WIRE_MAX + 1];
	/* The documented TASK, in clear: must be sealed. */
	static const u8 task[] = {
		0x01, 0x01, 0x00, 0x14, 0xa5, 0x01, 0x07, 0x02, 0x18, 0x2a,
		0x03, 0x01, 0x04, 0x01, 0x05, 0x48, 0x40, 0x00, 0x00, 0x00,
		0xc0, 0x00, 0x00, 0x00,
	};
	static const u8 heartbeat[] = { 0x01, 0x03, 0x00, 0x01, 0xa0 };
	static const u8 hs[] = { 0x01, 0x0b, 0x00, 0x01, 0xa0 };

	ASSERT_EQ(0, verdict(agi_seal_example, sizeof(b)));
	ASSERT_EQ(AGISWARM_CNT_DROP_AUTH, verdict(task, sizeof(task)));
	ASSERT_EQ(-AGI_SEAL_PLAIN, verdict(heartbeat, sizeof(heartbeat)));
	ASSERT_EQ(-AGI_SEAL_PLAIN, verdict(hs, sizeof(hs)));
	ASSERT_EQ(AGISWARM_CNT_DROP_SHORT, verdict(task, 3));
	ASSERT_EQ(AGISWARM_CNT_DROP_LENGTH, verdict(task, sizeof(task) - 1));
	memcpy(b, agi_seal_example, sizeof(b));
	b[0] = 3;
	ASSERT_EQ(AGISWARM_CNT_DROP_VERSION, verdict(b, sizeof(b)));
	b[0] = 2;
	b[1] = AGISWARM_MSG_HANDSHAKE_INIT;	/* never sealed */
	ASSERT_EQ(AGISWARM_CNT_DROP_TYPE, verdict(b, sizeof(b)));
	b[1] = 0x77;
	ASSERT_EQ(AGISWARM_CNT_DROP_TYPE, verdict(b, sizeof(b)));
	/* A sealed datagram shorter than header and tag. */
	b[1] = AGISWARM_MSG_RESULT;
	b[2] = 0;
	b[3] = AGI_SEAL_MIN - 5;
	ASSERT_EQ(AGISWARM_CNT_DROP_SHORT, verdict(b, AGI_SEAL_MIN - 1));
	big[0] = 2;
	ASSERT_EQ(AGISWARM_CNT_DROP_OVERSIZE, verdict(big, sizeof(big)));
}

TEST(seal_limits)
{
	static u8 buf[AGISWARM_WIRE_MAX + 64];
	u8 key[AGISWARM_SEAL_KEY_LEN] = { 0 };
	size_t plain = AGISWARM_WIRE_PLAIN_MAX;

	/* The largest message seals to exactly AGISWARM_WIRE_MAX bytes. */
	buf[AGI_SEAL_PUSH] = AGISWARM_WIRE_VERSION;
	buf[AGI_SEAL_PUSH + 1] = AGISWARM_MSG_ROWS;
	buf[AGI_SEAL_PUSH + 2] = (u8)((plain - 4) >> 8);
	buf[AGI_SEAL_PUSH + 3] = (u8)(plain - 4);
	ASSERT_EQ(AGISWARM_WIRE_MAX,
		  agi_seal(buf, plain, 1, 0, key, &agi_sodium_aead));
	/* One byte more does not fit; a handshake type is never sealed. */
	buf[AGI_SEAL_PUSH] = AGISWARM_WIRE_VERSION;
	buf[AGI_SEAL_PUSH + 2] = (u8)((plain - 3) >> 8);
	buf[AGI_SEAL_PUSH + 3] = (u8)(plain - 3);
	ASSERT_EQ(0, agi_seal(buf, plain + 1, 1, 0, key, &agi_sodium_aead));
	memcpy(buf + AGI_SEAL_PUSH, agi_seal_example_msg,
	       AGI_SEAL_EXAMPLE_MSG_LEN);
	buf[AGI_SEAL_PUSH + 1] = AGISWARM_MSG_HANDSHAKE_RESP;
	ASSERT_EQ(0, agi_seal(buf, AGI_SEAL_EXAMPLE_MSG_LEN, 1, 0, key,
			      &agi_sodium_aead));
}

/* Every fast-path type travels sealed: a node sends no other way. */
TEST(fast_path_types_seal)
{
	static u8 buf[AGISWARM_WIRE_MAX + 64];
	u8 key[AGISWARM_SEAL_KEY_LEN] = { 0 };
	unsigned int t;

	for (t = 0; t < 256; t++) {
		if (!agi_wire_is_fast_path((u8)t))
			continue;
		memcpy(buf + AGI_SEAL_PUSH, agi_seal_example_msg,
		       AGI_SEAL_EXAMPLE_MSG_LEN);
		buf[AGI_SEAL_PUSH + 1] = (u8)t;
		ASSERT_EQ(AGI_SEAL_EXAMPLE_LEN,
			  agi_seal(buf, AGI_SEAL_EXAMPLE_MSG_LEN, 1, 0, key,
				   &agi_sodium_aead)) TH_LOG("type 0x%02x", t);
	}
}

TEST(psk_sessions)
{
	u8 psk[32], other[32], pa[32], pb[32];
	struct agi_session a, b, c;
	u8 buf[AGI_SEAL_EXAMPLE_LEN], copy[AGI_SEAL_EXAMPLE_LEN];
	enum agiswarm_counter why;
	size_t n;
	int ret;

	memset(psk, 0x5a, sizeof(psk));
	memset(other, 0xa5, sizeof(other));
	memset(pa, 1, sizeof(pa));
	memset(pb, 2, sizeof(pb));
	ASSERT_EQ(0, agi_psk_session(&a, psk, pa, pb));
	ASSERT_EQ(0, agi_psk_session(&b, psk, pb, pa));
	ASSERT_EQ(-EINVAL, agi_psk_session(&c, psk, pa, pa));
	ASSERT_EQ(0, memcmp(a.tx, b.rx, 32));
	ASSERT_EQ(0, memcmp(a.rx, b.tx, 32));
	ASSERT_NE(0, memcmp(a.tx, a.rx, 32));
	ASSERT_EQ(a.local_index, b.remote_index);
	ASSERT_EQ(a.remote_index, b.local_index);
	ASSERT_NE(0, a.local_index);
	/* Counters start at the clock: after 2020, before 2100. */
	ASSERT_LT(1577836800ULL * 1000000000ULL, a.tx_counter);

	/* a -> b opens once; the replay is refused. */
	memcpy(buf + AGI_SEAL_PUSH, agi_seal_example_msg,
	       AGI_SEAL_EXAMPLE_MSG_LEN);
	n = agi_session_seal(&a, buf, AGI_SEAL_EXAMPLE_MSG_LEN);
	ASSERT_EQ(sizeof(buf), n);
	memcpy(copy, buf, n);
	ret = agi_session_open(&b, buf, n, &why);
	ASSERT_EQ(AGI_SEAL_EXAMPLE_MSG_LEN, ret);
	ret = memcmp(buf + AGI_SEAL_PUSH, agi_seal_example_msg, (size_t)ret);
	ASSERT_EQ(0, ret);
	ret = agi_session_open(&b, copy, n, &why);
	ASSERT_EQ(-EBADMSG, ret);
	ASSERT_EQ(AGISWARM_CNT_DROP_REPLAY, why);
	/* Another PSK derives other keys: refused (other index or tag). */
	ASSERT_EQ(0, agi_psk_session(&c, other, pb, pa));
	memcpy(buf + AGI_SEAL_PUSH, agi_seal_example_msg,
	       AGI_SEAL_EXAMPLE_MSG_LEN);
	n = agi_session_seal(&a, buf, AGI_SEAL_EXAMPLE_MSG_LEN);
	ASSERT_EQ(-EBADMSG, agi_session_open(&c, buf, n, &why));
	ASSERT_TRUE(why == AGISWARM_CNT_DROP_UNKNOWN_PEER ||
		    why == AGISWARM_CNT_DROP_AUTH);
	agi_session_wipe(&a);
	agi_session_wipe(&b);
	agi_session_wipe(&c);
}

/* ---- the replay window --------------------------------------------------- */

#define W AGI_REPLAY_WINDOW

TEST(replay_window)
{
	struct agi_replay r;
	u64 i;

	agi_replay_init(&r);
	/* In order, with duplicates. */
	ASSERT_TRUE(agi_replay_check(&r, 0));
	ASSERT_FALSE(agi_replay_check(&r, 0));
	ASSERT_TRUE(agi_replay_check(&r, 1));
	ASSERT_FALSE(agi_replay_check(&r, 1));
	ASSERT_TRUE(agi_replay_check(&r, 9));
	ASSERT_TRUE(agi_replay_check(&r, 8));
	ASSERT_TRUE(agi_replay_check(&r, 7));
	ASSERT_FALSE(agi_replay_check(&r, 7));
	ASSERT_TRUE(agi_replay_check(&r, W + 10));
	/* W behind the highest is the window's edge: 10 is in, 9 taken. */
	ASSERT_TRUE(agi_replay_check(&r, 10));
	ASSERT_FALSE(agi_replay_check(&r, 10));
	ASSERT_FALSE(agi_replay_check(&r, 6));
	ASSERT_FALSE(agi_replay_check(&r, 2));
	ASSERT_TRUE(agi_replay_check(&r, W + 12));
	ASSERT_FALSE(agi_replay_check(&r, 11));	/* W + 1 behind */
	ASSERT_TRUE(agi_replay_check(&r, 12));	/* W behind */
	ASSERT_TRUE(agi_replay_check(&r, W + 11));
	ASSERT_FALSE(agi_replay_check(&r, 12));
	/* A jump of more than the whole ring clears it. */
	ASSERT_TRUE(agi_replay_check(&r, 10 * W));
	ASSERT_TRUE(agi_replay_check(&r, 10 * W - W));
	ASSERT_FALSE(agi_replay_check(&r, 10 * W - W - 1));
	ASSERT_FALSE(agi_replay_check(&r, W + 12));
	/* The limit. */
	ASSERT_TRUE(agi_replay_check(&r, AGI_REPLAY_LIMIT - 1));
	ASSERT_FALSE(agi_replay_check(&r, AGI_REPLAY_LIMIT));
	ASSERT_FALSE(agi_replay_check(&r, U64_MAX));
	ASSERT_FALSE(agi_replay_check(&r, AGI_REPLAY_LIMIT - 1));

	/* Every counter of a window, backwards: each once. */
	agi_replay_init(&r);
	for (i = W; i > 0; i--)
		ASSERT_TRUE(agi_replay_check(&r, i));
	ASSERT_TRUE(agi_replay_check(&r, 0));
	for (i = 0; i <= W; i++)
		ASSERT_FALSE(agi_replay_check(&r, i));

	/* Reordering inside the window loses nothing: evens then odds. */
	agi_replay_init(&r);
	for (i = 0; i < 4000; i += 2)
		ASSERT_TRUE(agi_replay_check(&r, 100000 + i));
	for (i = 4001 - W; i < 4000; i += 2)
		ASSERT_TRUE(agi_replay_check(&r, 100000 + i)) TH_LOG("%llu",
			(unsigned long long)i);
	ASSERT_FALSE(agi_replay_check(&r, 100000 + 4000 - W - 3));

	/* Words the top passes are cleared: bit positions reused later. */
	agi_replay_init(&r);
	for (i = 0; i < 20 * W; i += 63)
		ASSERT_TRUE(agi_replay_check(&r, i));
	for (i = 20 * W - W / 2; i < 20 * W; i++) {
		bool fresh = agi_replay_check(&r, i);

		ASSERT_EQ(i % 63 != 0, fresh) TH_LOG("%llu",
						     (unsigned long long)i);
	}
}

TEST_HARNESS_MAIN
