// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The daemon's membership decisions (include/user/membership.c): alone it
 * changes its module itself, exactly as before groups; in a replicated
 * group only the raft leader proposes, one proposal at a time, a follower
 * never adds or removes, and the health told to a module stays local.
 * Applying a WORKER entry is idempotent, and a sealed member without the
 * worker's key refuses an ADD. Named cases first, then every view against
 * the rules written out here once more.
 */
#include <stdbool.h>

#include "uapi/linux/agiswarm.h"
#include "user/membership.h"
#include "user/repl_entry.h"
#include <kselftest_harness.h>

#define H AGISWARM_HEALTH_HEALTHY
#define D AGISWARM_HEALTH_DEGRADED
#define U AGISWARM_HEALTH_UNHEALTHY
#define X AGI_MEMBER_HEALTH_UNKNOWN

static enum agi_member_act step(uint8_t health, bool in_module,
				bool is_static, bool in_group, bool leader,
				bool proposing)
{
	const struct agi_member_view v = {
		.health = health, .in_module = in_module,
		.is_static = is_static, .health_told = true,
		.in_group = in_group, .leader = leader, .proposing = proposing,
	};

	return agi_member_step(&v);
}

TEST(alone_as_before)
{
	/* a healthy newcomer is added, an unhealthy dynamic one removed */
	ASSERT_EQ(AGI_MEMBER_ADD, step(H, false, false, false, false, false));
	ASSERT_EQ(AGI_MEMBER_REMOVE, step(U, true, false, false, false, false));
	/* static workers stay; degraded or unknown ones change nothing,
	 * a static one the module lacks waits for a healthy heartbeat */
	ASSERT_EQ(AGI_MEMBER_KEEP, step(U, true, true, false, false, false));
	ASSERT_EQ(AGI_MEMBER_KEEP, step(D, false, false, false, false, false));
	ASSERT_EQ(AGI_MEMBER_KEEP, step(X, false, true, false, false, false));
	ASSERT_EQ(AGI_MEMBER_ADD, step(H, false, true, false, false, false));
}

TEST(group_leader_proposes)
{
	ASSERT_EQ(AGI_MEMBER_PROPOSE_ADD,
		  step(H, false, false, true, true, false));
	ASSERT_EQ(AGI_MEMBER_PROPOSE_ADD,
		  step(H, false, true, true, true, false));
	/* a static worker the module lacks: whatever its health */
	ASSERT_EQ(AGI_MEMBER_PROPOSE_ADD,
		  step(X, false, true, true, true, false));
	ASSERT_EQ(AGI_MEMBER_PROPOSE_ADD,
		  step(U, false, true, true, true, false));
	ASSERT_EQ(AGI_MEMBER_KEEP, step(X, false, true, true, false, false));
	ASSERT_EQ(AGI_MEMBER_PROPOSE_REMOVE,
		  step(U, true, false, true, true, false));
	/* never a static worker's removal, never a second proposal */
	ASSERT_EQ(AGI_MEMBER_KEEP, step(U, true, true, true, true, false));
	ASSERT_EQ(AGI_MEMBER_KEEP, step(H, false, false, true, true, true));
	ASSERT_EQ(AGI_MEMBER_KEEP, step(U, true, false, true, true, true));
}

TEST(group_follower_changes_nothing)
{
	ASSERT_EQ(AGI_MEMBER_KEEP, step(H, false, false, true, false, false));
	ASSERT_EQ(AGI_MEMBER_KEEP, step(U, true, false, true, false, false));
}

TEST(health_told_locally)
{
	struct agi_member_view v = {
		.health = U, .in_module = true, .in_group = true,
	};

	/* a follower tells its module what it judged; so does a leader
	 * whose proposal is under way, or alone for a static worker */
	ASSERT_EQ(AGI_MEMBER_TELL, agi_member_step(&v));
	v.leader = true;
	v.proposing = true;
	ASSERT_EQ(AGI_MEMBER_TELL, agi_member_step(&v));
	v.in_group = false;
	v.is_static = true;
	ASSERT_EQ(AGI_MEMBER_TELL, agi_member_step(&v));
	/* told already, unknown, or not in the module: nothing */
	v.health_told = true;
	ASSERT_EQ(AGI_MEMBER_KEEP, agi_member_step(&v));
	v.health_told = false;
	v.health = X;
	ASSERT_EQ(AGI_MEMBER_KEEP, agi_member_step(&v));
	v.health = D;
	v.in_module = false;
	ASSERT_EQ(AGI_MEMBER_KEEP, agi_member_step(&v));
}

/* Every view: the rules once more, as a reader of members.c states them. */
TEST(every_view)
{
	static const uint8_t healths[] = { H, D, U, X };
	unsigned int bits, i, n = 0;

	for (i = 0; i < 4; i++) {
		for (bits = 0; bits < 64; bits++) {
			struct agi_member_view v = {
				.health = healths[i],
				.in_module = bits & 1, .is_static = bits & 2,
				.health_told = bits & 4, .in_group = bits & 8,
				.leader = bits & 16, .proposing = bits & 32,
			};
			bool change = ((v.health == H ||
					(v.in_group && v.is_static)) &&
				       !v.in_module) ||
				      (v.health == U && v.in_module &&
				       !v.is_static);
			enum agi_member_act want = AGI_MEMBER_KEEP;
			enum agi_member_act got = agi_member_step(&v);

			if (change && !v.in_group)
				want = v.in_module ? AGI_MEMBER_REMOVE :
						     AGI_MEMBER_ADD;
			else if (change && v.leader && !v.proposing)
				want = v.in_module ? AGI_MEMBER_PROPOSE_REMOVE :
						     AGI_MEMBER_PROPOSE_ADD;
			else if (v.in_module && !v.health_told && v.health != X)
				want = AGI_MEMBER_TELL;
			if (want != got)
				TH_LOG("health %u bits %#x: %d, not %d",
				       v.health, bits, got, want);
			EXPECT_EQ(want, got);
			/* a follower never changes the set on its own */
			if (v.in_group && !v.leader)
				EXPECT_TRUE(got == AGI_MEMBER_KEEP ||
					    got == AGI_MEMBER_TELL);
			n++;
		}
	}
	ASSERT_EQ(256, n);
}

TEST(apply_idempotent)
{
	const uint8_t add = AGI_REPL_WORKER_ADD, rm = AGI_REPL_WORKER_REMOVE;

	ASSERT_EQ(AGI_APPLY_ADD, agi_member_apply_step(add, false, false, false, false));
	ASSERT_EQ(AGI_APPLY_NOTHING, agi_member_apply_step(add, true, true, false, false));
	/* at another endpoint: added again there */
	ASSERT_EQ(AGI_APPLY_ADD, agi_member_apply_step(add, true, false, true, true));
	ASSERT_EQ(AGI_APPLY_REMOVE, agi_member_apply_step(rm, true, true, true, false));
	ASSERT_EQ(AGI_APPLY_NOTHING, agi_member_apply_step(rm, false, false, true, false));
	ASSERT_EQ(AGI_APPLY_INVALID, agi_member_apply_step(0, true, true, false, false));
	ASSERT_EQ(AGI_APPLY_INVALID, agi_member_apply_step(3, false, false, false, false));
}

TEST(apply_needs_the_key_when_sealed)
{
	const uint8_t add = AGI_REPL_WORKER_ADD;

	ASSERT_EQ(AGI_APPLY_NO_KEY, agi_member_apply_step(add, false, false, true, false));
	ASSERT_EQ(AGI_APPLY_ADD, agi_member_apply_step(add, false, false, true, true));
	/* one it has there already needs nothing */
	ASSERT_EQ(AGI_APPLY_NOTHING, agi_member_apply_step(add, true, true, true, false));
}

/* A replay of ADD, REMOVE, ADD, ADD, twice over, ends with the worker in. */
TEST(replay_same_set)
{
	const uint8_t add = AGI_REPL_WORKER_ADD;
	const uint8_t ops[] = { add, AGI_REPL_WORKER_REMOVE, add, add };
	unsigned int i, pass, changes = 0;
	bool in = false;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < 4; i++) {
			enum agi_member_apply a =
				agi_member_apply_step(ops[i], in, in, true, true);

			if (a == AGI_APPLY_ADD)
				in = true;
			else if (a == AGI_APPLY_REMOVE)
				in = false;
			changes += a != AGI_APPLY_NOTHING;
		}
		ASSERT_TRUE(in);
	}
	/* add, remove, add; then remove, add: the duplicate ADDs did nothing */
	ASSERT_EQ(5, changes);
}

TEST_HARNESS_MAIN
