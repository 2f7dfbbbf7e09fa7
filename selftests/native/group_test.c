// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * A replicated aggregator group's rules (include/core/group.c), as the
 * module runs them: who owns an epoch, the epoch each member takes over
 * with (never the same for two members, always above what was seen), the
 * order in which backups take over, and a CYCLE record of the largest
 * shape split into parts by the encoder, parsed back and reassembled bit
 * for bit, while parts out of order, of another cycle, or repeated are
 * refused and leave nothing half-adopted.
 */
#include <string.h>

#include "core/group.h"
#include <kselftest_harness.h>

TEST(epoch_owner_and_mode)
{
	u8 rank, size;

	for (size = 2; size <= AGISWARM_GROUP_MAX; size++)
		for (rank = 0; rank < size; rank++) {
			ASSERT_EQ(AGISWARM_GROUP_PRIMARY,
				  agi_group_mode(rank, size, 8 * 5 + rank));
			ASSERT_EQ(AGISWARM_GROUP_BACKUP,
				  agi_group_mode(rank, size,
						 8 * 5 + (rank + 1) % size));
		}
	/* No group: the node drives alone whatever the epoch. */
	ASSERT_EQ(AGISWARM_GROUP_SOLO, agi_group_mode(0, 1, 9));
	ASSERT_EQ(AGISWARM_GROUP_SOLO, agi_group_mode(0, 0, 8));
}

TEST(next_epoch_is_own_above_all_seen_and_unique)
{
	u64 seen, e[AGISWARM_GROUP_MAX];
	u8 r, q;

	for (seen = 0; seen < 200; seen++) {
		for (r = 0; r < AGISWARM_GROUP_MAX; r++) {
			e[r] = agi_group_next_epoch(seen, r);
			ASSERT_GT(e[r], seen);
			ASSERT_EQ(r, agi_group_owner(e[r]));
			/* The smallest such: 8 below it is not above seen. */
			ASSERT_TRUE(e[r] < 8 || e[r] - 8 <= seen);
			for (q = 0; q < r; q++)
				ASSERT_NE(e[q], e[r]);
		}
	}
	/* The UAPI header's examples: 8 is rank 0's, so rank 1 takes 9. */
	ASSERT_EQ(9, agi_group_next_epoch(8, 1));
	ASSERT_EQ(10, agi_group_next_epoch(9, 2));
	ASSERT_EQ(16, agi_group_next_epoch(10, 0));
	ASSERT_EQ(U64_MAX - 7 + 1, agi_group_next_epoch(U64_MAX - 8, 1));
	/* None left: no takeover rather than a wrapped, lower epoch. */
	ASSERT_EQ(0, agi_group_next_epoch(U64_MAX, 0));
	ASSERT_EQ(U64_MAX, agi_group_next_epoch(U64_MAX - 1, 7));
}

TEST(succession_is_ordered_after_the_owner)
{
	u8 size, owner, r;

	for (size = 2; size <= AGISWARM_GROUP_MAX; size++)
		for (owner = 0; owner < size; owner++) {
			u32 seen[AGISWARM_GROUP_MAX] = { 0 };

			for (r = 0; r < size; r++) {
				u32 p = agi_group_patience(3, r, size, owner);
				u32 k = (r + size - owner - 1) % size;

				if (r == owner)
					continue;
				/* The k-th after the owner waits 3k more. */
				ASSERT_EQ(3 + 3 * k, p);
				ASSERT_EQ(0, seen[k]++);
			}
		}
	/* 3 members, rank 0 failed: rank 1 first, then rank 2. */
	ASSERT_EQ(3, agi_group_patience(3, 1, 3, 8));
	ASSERT_EQ(6, agi_group_patience(3, 2, 3, 8));
}

/* A record of @nx inputs and @nu outputs, values i * 7919 - 2^30. */
static void fill(s32 *v, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		v[i] = (s32)(i * 7919u) - (1 << 30);
}

/* Encode every part of @rec's shape with @v, parse each, into @out. */
static int split(const struct agi_wire_record *shape, const s32 *v,
		 u8 dgram[][AGISWARM_WIRE_MAX], size_t *len, int max)
{
	struct agi_wire_record rec = *shape;
	u32 total = agi_group_record_len(shape), off;
	int n = 0;

	for (off = 0; off < total; off += rec.values.n) {
		if (n == max)
			return -1;
		rec.offset = (u16)off;
		rec.values.n = (u16)(total - off < AGISWARM_RECORD_CHUNK_MAX ?
				     total - off : AGISWARM_RECORD_CHUNK_MAX);
		rec.values.host.s32 = v + off;
		rec.values.be = NULL;
		len[n] = agi_wire_put_record(dgram[n], AGISWARM_WIRE_PLAIN_MAX,
					     &rec);
		if (!len[n])
			return -1;
		n++;
	}
	return n;
}

static int feed(struct agi_group_asm *a, const u8 *dgram, size_t len)
{
	enum agiswarm_counter reason;
	struct agi_wire_msg m;

	if (agi_wire_parse(dgram, len, &m, &reason) ||
	    m.type != AGISWARM_MSG_CYCLE_RECORD)
		return -100;
	return agi_group_assemble(a, &m.u.record);
}

static const struct agi_wire_record largest = {
	.epoch = U64_MAX, .cycle = U64_MAX, .status = AGISWARM_ACTUATE_OK,
	.fmt = AGISWARM_Q1_31, .ufmt = AGISWARM_Q1_31,
	.nx = AGISWARM_WIRE_VEC_MAX, .nu = AGISWARM_WIRE_VEC_MAX,
	.flags = AGISWARM_RECORD_F_ALL, .period_us = 50000,
	.deadline_us = 40000, .gen = 7, .rows_epoch = 8,
};

TEST(largest_record_in_parts_reassembles_bit_for_bit)
{
	static u8 d[8][AGISWARM_WIRE_MAX];
	static struct agi_group_asm a;
	static s32 v[AGISWARM_RECORD_VALUES_MAX];
	size_t len[8];
	int n, i;

	fill(v, AGISWARM_RECORD_VALUES_MAX);
	n = split(&largest, v, d, len, 8);
	/* 1280 values in parts of 300, each datagram under the sealed limit. */
	ASSERT_EQ(5, n);
	for (i = 0; i < n; i++) {
		ASSERT_LE(len[i], AGISWARM_WIRE_PLAIN_MAX);
		ASSERT_EQ(i == n - 1 ? 1 : 0, feed(&a, d[i], len[i]));
	}
	ASSERT_EQ(0, memcmp(a.v, v, sizeof(v)));
	ASSERT_EQ(largest.cycle, a.hdr.cycle);
	ASSERT_EQ(largest.rows_epoch, a.hdr.rows_epoch);
	ASSERT_EQ(AGISWARM_RECORD_F_ALL, a.hdr.flags);
	/* A part repeated after the record completed starts nothing. */
	ASSERT_EQ(-EINVAL, feed(&a, d[1], len[1]));
}

TEST(parts_out_of_order_or_mixed_are_refused)
{
	static u8 d[8][AGISWARM_WIRE_MAX], e[8][AGISWARM_WIRE_MAX];
	static struct agi_group_asm a;
	static s32 v[AGISWARM_RECORD_VALUES_MAX];
	struct agi_wire_record next = largest;
	size_t len[8], elen[8];

	fill(v, AGISWARM_RECORD_VALUES_MAX);
	ASSERT_EQ(5, split(&largest, v, d, len, 8));
	next.cycle = 42;
	ASSERT_EQ(5, split(&next, v, e, elen, 8));
	/* A later part first: nothing under way. */
	ASSERT_EQ(-EINVAL, feed(&a, d[2], len[2]));
	/* A skipped part drops the record. */
	ASSERT_EQ(0, feed(&a, d[0], len[0]));
	ASSERT_EQ(-EINVAL, feed(&a, d[2], len[2]));
	ASSERT_EQ(-EINVAL, feed(&a, d[1], len[1]));
	/* Another cycle's part in the middle drops it too. */
	ASSERT_EQ(0, feed(&a, d[0], len[0]));
	ASSERT_EQ(-EINVAL, feed(&a, e[1], elen[1]));
	/* A new first part restarts: the other cycle completes alone. */
	ASSERT_EQ(0, feed(&a, d[0], len[0]));
	ASSERT_EQ(0, feed(&a, e[0], elen[0]));
	ASSERT_EQ(0, feed(&a, e[1], elen[1]));
	ASSERT_EQ(0, feed(&a, e[2], elen[2]));
	ASSERT_EQ(0, feed(&a, e[3], elen[3]));
	ASSERT_EQ(1, feed(&a, e[4], elen[4]));
	ASSERT_EQ(42, a.hdr.cycle);
}

TEST(one_part_record_and_parser_bound)
{
	static struct agi_group_asm a;
	struct agi_wire_record r = largest;
	s32 v[5] = { 1, 2, 3, 4, 5 };
	u8 buf[AGISWARM_WIRE_MAX];
	size_t len;

	r.nx = 1;
	r.nu = 1;
	r.values.host.s32 = v;
	r.values.n = 5;
	len = agi_wire_put_record(buf, sizeof(buf), &r);
	ASSERT_NE(0, len);
	ASSERT_EQ(1, feed(&a, buf, len));
	ASSERT_EQ(0, memcmp(a.v, v, sizeof(v)));
	/* Past the record's vector: the encoder refuses to write it... */
	r.offset = 1;
	ASSERT_EQ(0, agi_wire_put_record(buf, sizeof(buf), &r));
	/* ... and the reassembly refuses it as given. */
	ASSERT_EQ(0, agi_group_assemble(&a, &(struct agi_wire_record){
		.epoch = 1, .cycle = 1, .nx = 1, .nu = 1,
		.values = { .host.s32 = v, .n = 1 } }));
	ASSERT_EQ(-EINVAL, agi_group_assemble(&a, &(struct agi_wire_record){
		.epoch = 1, .cycle = 1, .nx = 1, .nu = 1, .offset = 1,
		.values = { .host.s32 = v, .n = 5 } }));
}

/*
 * Failovers in a row leave the threshold as configured: a primary that
 * failed leaves no sign of life. A premature takeover (the deposed
 * primary's own output shortly before, or its record shortly after)
 * adds a tick, once a change, up to the maximum, which holds while they
 * go on and steps down one tick per settling time after the last. Never
 * beyond the cap: a threshold at or above it is as set; 0 (no takeover on
 * its own) stays 0.
 */
TEST(backoff_after_premature_takeovers)
{
	struct agi_group_backoff b = { 0 };
	const u64 s = AGI_GROUP_SETTLE_MS, p = 50000;	/* 50 ms period */
	u64 t = 1000;
	int i;

	/* No change seen yet: nothing to judge. */
	ASSERT_FALSE(agi_group_backoff_premature(&b, t, 0, p));
	for (i = 0; i < 20; i++, t += 2000) {
		agi_group_backoff_change(&b, t);
		ASSERT_EQ(1, agi_group_threshold_now(&b, 1, t + 1));
	}
	/* Signs outside the window, after or before the change: none. */
	agi_group_backoff_change(&b, t);
	ASSERT_FALSE(agi_group_backoff_premature(&b, t + AGI_GROUP_ALIVE_MS,
						 0, p));
	ASSERT_FALSE(agi_group_backoff_premature(&b, t + 1,
						 AGI_GROUP_ALIVE_MS, p));
	ASSERT_EQ(1, agi_group_threshold_now(&b, 1, t + 1));
	/* Inside: a tick more, once for this change. */
	ASSERT_TRUE(agi_group_backoff_premature(&b, t + 10, 0, p));
	ASSERT_FALSE(agi_group_backoff_premature(&b, t + 11, 0, p));
	ASSERT_EQ(2, agi_group_threshold_now(&b, 1, t + 11));
	/* The next premature one: two; more: still two. */
	t += 1000;
	agi_group_backoff_change(&b, t);
	ASSERT_TRUE(agi_group_backoff_premature(&b, t, 120, p));
	ASSERT_EQ(3, agi_group_threshold_now(&b, 1, t));
	ASSERT_EQ(3, agi_group_threshold_now(&b, 2, t));
	ASSERT_EQ(0, agi_group_threshold_now(&b, 0, t));
	ASSERT_EQ(3, agi_group_threshold_now(&b, 3, t));
	ASSERT_EQ(100, agi_group_threshold_now(&b, 100, t));
	/* At the maximum, another keeps it there a while longer. */
	t += s - 2;
	agi_group_backoff_change(&b, t);
	ASSERT_FALSE(agi_group_backoff_premature(&b, t + 1, 0, p));
	t += 1;
	ASSERT_EQ(AGI_GROUP_BACKOFF_MAX, b.level);
	/* It holds a settling time after the last one, then steps down. */
	ASSERT_EQ(3, agi_group_threshold_now(&b, 1, t + s - 1));
	ASSERT_EQ(2, agi_group_threshold_now(&b, 1, t + s));
	/* A failover meanwhile changes nothing. */
	agi_group_backoff_change(&b, t + s + 5);
	ASSERT_EQ(2, agi_group_threshold_now(&b, 1, t + 2 * s - 1));
	ASSERT_EQ(1, agi_group_threshold_now(&b, 1, t + 2 * s));
	ASSERT_EQ(1, agi_group_threshold_now(&b, 1, t + 10 * s));
	ASSERT_EQ(0, b.level);
}

/* The window: 500 ms, or 4 periods when they are longer. */
TEST(backoff_window)
{
	ASSERT_EQ(AGI_GROUP_ALIVE_MS, agi_group_alive_ms(500));
	ASSERT_EQ(AGI_GROUP_ALIVE_MS, agi_group_alive_ms(50000));
	ASSERT_EQ(AGI_GROUP_ALIVE_MS, agi_group_alive_ms(125000));
	ASSERT_EQ(4000, agi_group_alive_ms(1000000));
	ASSERT_EQ(40000, agi_group_alive_ms(10000000));
}

TEST_HARNESS_MAIN
