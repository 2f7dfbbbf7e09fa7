// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The replicated log's two parsers of peer bytes and what they protect:
 * entries (include/user/repl_entry.c) round-trip, are padded to 8 bytes
 * as libraft needs and refuse anything else; the channel between members
 * (include/user/channel.c) agrees keys only between the two members the
 * HELLO names, refuses a HELLO meant for another member, a REPLY from an
 * impostor and any altered sealed frame, and its frame parser bounds
 * every length.
 */
#include <errno.h>
#include <string.h>

#include "../lib/repl_example.h"
#include <kselftest_harness.h>

static int encode(const struct agi_repl_entry *e, uint8_t *buf)
{
	return agi_repl_entry_encode(e, buf, AGI_REPL_ENTRY_MAX);
}

TEST(entries_round_trip_padded_to_8_bytes)
{
	static struct agi_repl_entry e, d;
	static uint8_t buf[AGI_REPL_ENTRY_MAX];
	int n;

	repl_example_commit(&e);
	n = encode(&e, buf);
	ASSERT_GT(n, 0);
	EXPECT_EQ(0, n % 8);
	ASSERT_EQ(0, agi_repl_entry_decode(buf, (size_t)n, &d));
	EXPECT_EQ(AGI_REPL_COMMIT, d.type);
	EXPECT_EQ(e.commit.seq, d.commit.seq);
	EXPECT_EQ(1234, d.commit.apply_cycle);
	EXPECT_EQ(1700000001, d.commit.time);
	EXPECT_EQ(e.commit.body_len, d.commit.body_len);
	EXPECT_EQ(0, memcmp(e.commit.body, d.commit.body, e.commit.body_len));
	EXPECT_EQ(0, memcmp(e.commit.sig, d.commit.sig, AGI_SIG_LEN));

	repl_example_worker(&e);
	n = encode(&e, buf);
	ASSERT_GT(n, 0);
	EXPECT_EQ(0, n % 8);
	ASSERT_EQ(0, agi_repl_entry_decode(buf, (size_t)n, &d));
	EXPECT_EQ(AGI_REPL_WORKER, d.type);
	EXPECT_EQ(11, d.worker.id);
	EXPECT_STREQ("192.0.2.11:6000", d.worker.address);
}

TEST(entries_refuse_what_a_leader_never_writes)
{
	static struct agi_repl_entry e, d;
	static uint8_t buf[AGI_REPL_ENTRY_MAX + 8];
	int n, i;

	repl_example_commit(&e);
	n = encode(&e, buf);
	ASSERT_GT(n, 0);
	/* the map without its padding, 8 bytes more of it, a non-zero pad */
	EXPECT_EQ(-EBADMSG, agi_repl_entry_decode(buf, (size_t)n - 1, &d));
	memset(buf + n, 0, 8);
	EXPECT_EQ(-EBADMSG, agi_repl_entry_decode(buf, (size_t)n + 8, &d));
	for (i = n - 1; i >= 0 && !buf[i]; i--)
		;
	if (i < n - 1) {
		buf[n - 1] = 1;
		EXPECT_EQ(-EBADMSG, agi_repl_entry_decode(buf, (size_t)n, &d));
		buf[n - 1] = 0;
	}
	/* every single-bit change of the map is refused or decodes otherwise */
	for (i = 0; i < n; i++) {
		buf[i] ^= 0x01;
		if (!agi_repl_entry_decode(buf, (size_t)n, &d))
			EXPECT_NE(0, memcmp(&d.commit, &e.commit, sizeof(d.commit)));
		buf[i] ^= 0x01;
	}
	/* an entry whose seq is not its body's is not written */
	e.commit.seq = 2;
	EXPECT_EQ(-EINVAL, encode(&e, buf));
	repl_example_worker(&e);
	e.worker.op = AGI_REPL_WORKER_REMOVE;	/* with an address */
	EXPECT_EQ(-EINVAL, encode(&e, buf));
	e.type = 9;
	EXPECT_EQ(-EINVAL, encode(&e, buf));
	EXPECT_EQ(-EBADMSG, agi_repl_entry_decode(buf, 0, &d));
}

FIXTURE(chan) {
	struct agi_keypair a, b, c;
	struct agi_chan ca, cb;
	uint8_t hello[AGI_CHAN_HELLO_MAX], reply[AGI_CHAN_REPLY_MAX];
	int hello_len, reply_len;
};

FIXTURE_SETUP(chan)
{
	ASSERT_EQ(0, agi_keys_init());
	agi_key_from_seed(&self->a, repl_seed_a);
	agi_key_from_seed(&self->b, repl_seed_b);
	ASSERT_EQ(0, agi_key_generate(&self->c));
	self->hello_len = agi_chan_hello(&self->ca, &self->a, self->b.pk, 1,
					 self->hello, sizeof(self->hello));
	ASSERT_GT(self->hello_len, 0);
}

FIXTURE_TEARDOWN(chan)
{
	agi_chan_wipe(&self->ca);
	agi_chan_wipe(&self->cb);
}

/* Both sides keyed: headers exchanged. */
static int handshake(struct __test_metadata *_metadata,
		     FIXTURE_DATA(chan) *self)
{
	self->reply_len = agi_chan_accept(&self->cb, &self->b, self->hello,
					  (size_t)self->hello_len, self->reply,
					  sizeof(self->reply));
	ASSERT_GT(self->reply_len, 0);
	EXPECT_EQ(0, memcmp(self->cb.peer_pk, self->a.pk, AGI_PK_LEN));
	ASSERT_EQ(0, agi_chan_finish(&self->ca, self->reply,
				     (size_t)self->reply_len));
	ASSERT_EQ(0, agi_chan_rx_header(&self->ca, self->cb.tx_header,
					AGI_CHAN_HEADER_LEN));
	ASSERT_EQ(0, agi_chan_rx_header(&self->cb, self->ca.tx_header,
					AGI_CHAN_HEADER_LEN));
	return 0;
}

TEST_F(chan, members_agree_and_seal_both_ways)
{
	uint8_t ct[64], pt[64];
	int n;

	handshake(_metadata, self);
	n = agi_chan_seal(&self->ca, (const uint8_t *)"append entries", 14, ct);
	ASSERT_EQ(14 + AGI_CHAN_ABYTES, n);
	ASSERT_EQ(14, agi_chan_open(&self->cb, ct, (size_t)n, pt));
	EXPECT_EQ(0, memcmp(pt, "append entries", 14));
	n = agi_chan_seal(&self->cb, (const uint8_t *)"result", 6, ct);
	ASSERT_EQ(6, agi_chan_open(&self->ca, ct, (size_t)n, pt));
	/* the same frame again (a replay) does not open */
	EXPECT_EQ(-EKEYREJECTED, agi_chan_open(&self->ca, ct, (size_t)n, pt));
}

TEST_F(chan, an_altered_frame_ends_the_stream)
{
	uint8_t ct[64], pt[64];
	int n;

	handshake(_metadata, self);
	n = agi_chan_seal(&self->ca, (const uint8_t *)"vote", 4, ct);
	ct[n - 1] ^= 1;
	EXPECT_EQ(-EKEYREJECTED, agi_chan_open(&self->cb, ct, (size_t)n, pt));
}

TEST_F(chan, a_hello_for_another_member_is_refused)
{
	struct agi_chan cc;

	EXPECT_EQ(-EXDEV, agi_chan_accept(&cc, &self->c, self->hello,
					  (size_t)self->hello_len, self->reply,
					  sizeof(self->reply)));
	/* a HELLO whose signature does not match its initiator key */
	self->hello[self->hello_len - 1] ^= 1;
	EXPECT_EQ(-EKEYREJECTED,
		  agi_chan_accept(&self->cb, &self->b, self->hello,
				  (size_t)self->hello_len, self->reply,
				  sizeof(self->reply)));
	agi_chan_wipe(&cc);
}

TEST_F(chan, an_impostor_cannot_answer_for_the_member)
{
	uint8_t hello_to_c[AGI_CHAN_HELLO_MAX], reply[AGI_CHAN_REPLY_MAX];
	struct agi_chan ax, cc;
	int n, r;

	/* C answers A's HELLO to B as if it were B: its REPLY is not B's */
	n = agi_chan_hello(&ax, &self->a, self->c.pk, 2, hello_to_c,
			   sizeof(hello_to_c));
	r = agi_chan_accept(&cc, &self->c, hello_to_c, (size_t)n, reply,
			    sizeof(reply));
	ASSERT_GT(r, 0);
	EXPECT_NE(0, agi_chan_finish(&self->ca, reply, (size_t)r));
	EXPECT_FALSE(self->ca.keyed);
	agi_chan_wipe(&ax);
	agi_chan_wipe(&cc);
}

TEST(frames_are_bounded)
{
	uint8_t buf[AGI_CHAN_LEN_BYTES + 3] = { 0, 3, 'a', 'b', 'c' };
	const uint8_t *p;
	size_t n;

	EXPECT_EQ(5, agi_chan_frame_next(buf, 5, &p, &n));
	EXPECT_EQ(3, n);
	EXPECT_EQ(buf + 2, p);
	EXPECT_EQ(0, agi_chan_frame_next(buf, 4, &p, &n));
	EXPECT_EQ(0, agi_chan_frame_next(buf, 1, &p, &n));
	buf[1] = 0;
	EXPECT_EQ(-EBADMSG, agi_chan_frame_next(buf, 5, &p, &n));
	agi_chan_frame_len(AGI_CHAN_FRAME_MAX + 1, buf);
	EXPECT_EQ(-EBADMSG, agi_chan_frame_next(buf, 5, &p, &n));
	agi_chan_frame_len(AGI_CHAN_FRAME_MAX, buf);
	EXPECT_EQ(0, agi_chan_frame_next(buf, 5, &p, &n));
}

TEST_HARNESS_MAIN
