// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The "agiswarm" generic netlink family, spoken raw (no agictl): what the
 * kernel accepts, what it refuses and how it says so (errno, extack text and
 * offset), who may change a node, and that every namespace is its own node.
 *
 * Needs root, and agiswarm.ko loaded or at $AGISWARM_KO. Every test runs in
 * a fresh network namespace of its own (the fixture unshares one), so tests
 * never see each other's nodes and leave the caller's namespace untouched.
 */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <kselftest_harness.h>

#include "uapi/linux/agiswarm.h"
#include "lib/nltest.h"

#define BUF_SIZE 8192
#define FIRST_COUNTER (AGISWARM_CNT_PAD + 1)

/*
 * This harness runs the test body even when the fixture setup skipped:
 * every test starts with this.
 */
#define NEED_SETUP() do {					\
	if (!self->nl.sock)					\
		SKIP(return, "fixture setup skipped");		\
} while (0)

/* A decoded GET_STATUS reply. */
struct status {
	int role;		/* -1 when absent */
	long long node_id;	/* -1 when absent */
};

/* GET_STATUS. Returns the request's errno (0 = a reply was decoded). */
static int get_status(struct nlt *nl, struct status *st, struct nlt_reply *r)
{
	const struct nlattr *tb[AGISWARM_A_MAX + 1];
	char buf[BUF_SIZE] __attribute__((aligned(8)));
	int err;

	st->role = -1;
	st->node_id = -1;
	err = nlt_transact(nl, nlt_agi(nl, buf, AGISWARM_CMD_GET_STATUS), r);
	if (err)
		return err;
	if (r->err)
		return r->err;
	nlt_reply_attrs(r, tb, AGISWARM_A_MAX);
	if (tb[AGISWARM_A_ROLE])
		st->role = mnl_attr_get_u8(tb[AGISWARM_A_ROLE]);
	if (tb[AGISWARM_A_NODE_ID])
		st->node_id = mnl_attr_get_u32(tb[AGISWARM_A_NODE_ID]);
	return 0;
}

/* SET_NODE; a negative @role or @node_id leaves that attribute out. */
static int set_node(struct nlt *nl, int role, long long node_id,
		    struct nlt_reply *r)
{
	char buf[BUF_SIZE] __attribute__((aligned(8)));
	struct nlmsghdr *req = nlt_agi(nl, buf, AGISWARM_CMD_SET_NODE);
	int err;

	if (role >= 0)
		mnl_attr_put_u8(req, AGISWARM_A_ROLE, role);
	if (node_id >= 0)
		mnl_attr_put_u32(req, AGISWARM_A_NODE_ID, node_id);
	err = nlt_transact(nl, req, r);
	return err ? err : r->err;
}

/* Drops CAP_NET_ADMIN from the effective and permitted sets. */
static int drop_net_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[CAP_TO_INDEX(CAP_NET_ADMIN)].effective &= ~CAP_TO_MASK(CAP_NET_ADMIN);
	data[CAP_TO_INDEX(CAP_NET_ADMIN)].permitted &= ~CAP_TO_MASK(CAP_NET_ADMIN);
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return 0;
}

/*
 * What a forked child saw. Children cannot use the harness's asserts (those
 * belong to the test process), so they record errnos here and the parent
 * asserts on them.
 */
struct child_report {
	int setup_err;		/* unshare/open/capset failure, 0 if none */
	int set_err;
	int status_err;
	int matrix_err;		/* GET_MATRIX: plant data, admin only */
	struct status seen;
};

static struct child_report *report_map(void)
{
	void *p = mmap(NULL, sizeof(struct child_report),
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		       -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Runs @fn in a child; returns its exit status (-1 if it did not exit). */
static int run_child(void (*fn)(struct child_report *), struct child_report *rep)
{
	int wstatus;
	pid_t pid;

	memset(rep, 0, sizeof(*rep));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		fn(rep);
		_exit(0);
	}
	if (waitpid(pid, &wstatus, 0) != pid || !WIFEXITED(wstatus))
		return -1;
	return WEXITSTATUS(wstatus);
}

/* Reads the first line of @path without its newline. Returns 0 or -errno. */
static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int err = 0;

	if (!f)
		return -errno;
	buf[0] = '\0';
	if (!fgets(buf, len, f))
		err = -EIO;
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return err;
}

/* ---------------------------------------------------------------------- */

FIXTURE(genl) {
	struct nlt nl;
	struct nlt_reply r;
};

FIXTURE_SETUP(genl)
{
	NLT_SETUP_NODE(&self->nl);
}

FIXTURE_TEARDOWN(genl)
{
	nlt_close(&self->nl);
}

/* The family exists with version 1 and says which commands are admin. */
TEST_F(genl, family_resolves)
{
	uint32_t admin = GENL_ADMIN_PERM | GENL_UNS_ADMIN_PERM;

	NEED_SETUP();
	ASSERT_NE(0, self->nl.family);
	ASSERT_EQ(AGISWARM_GENL_VERSION, self->nl.version);
	ASSERT_TRUE(self->nl.has_op[AGISWARM_CMD_GET_STATUS]);
	ASSERT_TRUE(self->nl.has_op[AGISWARM_CMD_SET_NODE]);
	/* Anyone may read the status; only a namespace admin may change it. */
	EXPECT_EQ(0, self->nl.op_flags[AGISWARM_CMD_GET_STATUS] & admin);
	EXPECT_EQ(GENL_UNS_ADMIN_PERM,
		  self->nl.op_flags[AGISWARM_CMD_SET_NODE] & admin);
}

/* Every attribute of the reply has the documented type and length. */
TEST_F(genl, status_attributes)
{
	const struct nlattr *tb[AGISWARM_A_MAX + 1];
	bool seen[AGISWARM_CNT_MAX + 1] = { false };
	const struct nlattr *cnt;
	char sysfs_version[64];
	struct status st;
	const char *version;
	int i;

	NEED_SETUP();
	ASSERT_EQ(0, get_status(&self->nl, &st, &self->r));
	nlt_reply_attrs(&self->r, tb, AGISWARM_A_MAX);

	ASSERT_NE(NULL, tb[AGISWARM_A_VERSION]);
	ASSERT_EQ(0, mnl_attr_validate(tb[AGISWARM_A_VERSION], MNL_TYPE_NUL_STRING));
	version = mnl_attr_get_str(tb[AGISWARM_A_VERSION]);
	ASSERT_LT(0, strlen(version));
	/* The same version modinfo and sysfs show. */
	if (read_line("/sys/module/agiswarm/version", sysfs_version,
		      sizeof(sysfs_version)) == 0)
		EXPECT_STREQ(sysfs_version, version);

	/* A node is born with no role and id 0. */
	ASSERT_NE(NULL, tb[AGISWARM_A_ROLE]);
	ASSERT_EQ(0, mnl_attr_validate(tb[AGISWARM_A_ROLE], MNL_TYPE_U8));
	EXPECT_EQ(AGISWARM_ROLE_NONE, mnl_attr_get_u8(tb[AGISWARM_A_ROLE]));
	ASSERT_NE(NULL, tb[AGISWARM_A_NODE_ID]);
	ASSERT_EQ(0, mnl_attr_validate(tb[AGISWARM_A_NODE_ID], MNL_TYPE_U32));
	EXPECT_EQ(0, mnl_attr_get_u32(tb[AGISWARM_A_NODE_ID]));

	ASSERT_NE(NULL, tb[AGISWARM_A_COUNTERS]);
	ASSERT_EQ(0, mnl_attr_validate(tb[AGISWARM_A_COUNTERS], MNL_TYPE_NESTED));
	mnl_attr_for_each_nested(cnt, tb[AGISWARM_A_COUNTERS]) {
		unsigned int type = mnl_attr_get_type(cnt);

		if (type == AGISWARM_CNT_PAD)
			continue;
		ASSERT_LE(FIRST_COUNTER, type);
		ASSERT_GE(AGISWARM_CNT_MAX, type);
		ASSERT_FALSE(seen[type]) TH_LOG("counter %u twice", type);
		seen[type] = true;
		ASSERT_EQ(0, mnl_attr_validate(cnt, MNL_TYPE_U64));
		/* Nothing was ever sent to this brand-new namespace. */
		EXPECT_EQ(0, mnl_attr_get_u64(cnt)) TH_LOG("counter %u", type);
	}
	for (i = FIRST_COUNTER; i <= AGISWARM_CNT_MAX; i++)
		EXPECT_TRUE(seen[i]) TH_LOG("counter %d missing", i);
}

/* What is set is what status shows; an absent attribute keeps its value. */
TEST_F(genl, set_node_round_trip)
{
	struct status st;

	NEED_SETUP();
	ASSERT_EQ(0, set_node(&self->nl, AGISWARM_ROLE_WORKER, 7, &self->r));
	ASSERT_EQ(0, get_status(&self->nl, &st, &self->r));
	EXPECT_EQ(AGISWARM_ROLE_WORKER, st.role);
	EXPECT_EQ(7, st.node_id);

	ASSERT_EQ(0, set_node(&self->nl, -1, 0xfffffffeLL, &self->r));
	ASSERT_EQ(0, get_status(&self->nl, &st, &self->r));
	EXPECT_EQ(AGISWARM_ROLE_WORKER, st.role);
	EXPECT_EQ(0xfffffffeLL, st.node_id);

	ASSERT_EQ(0, set_node(&self->nl, AGISWARM_ROLE_AGGREGATOR, -1, &self->r));
	ASSERT_EQ(0, get_status(&self->nl, &st, &self->r));
	EXPECT_EQ(AGISWARM_ROLE_AGGREGATOR, st.role);
	EXPECT_EQ(0xfffffffeLL, st.node_id);
}

/* A request without attributes is refused, so a typo never passes. */
TEST_F(genl, nothing_to_set)
{
	NEED_SETUP();
	ASSERT_EQ(-EINVAL, set_node(&self->nl, -1, -1, &self->r));
	EXPECT_NE(NULL, strstr(self->r.msg, "nothing to set"))
		TH_LOG("extack: \"%s\"", self->r.msg);
}

/* GET_STATUS takes no attribute, and says so rather than ignoring it. */
TEST_F(genl, status_refuses_attributes)
{
	char buf[BUF_SIZE] __attribute__((aligned(8)));
	struct nlmsghdr *req;

	NEED_SETUP();
	req = nlt_agi(&self->nl, buf, AGISWARM_CMD_GET_STATUS);
	mnl_attr_put_u32(req, AGISWARM_A_NODE_ID, 1);
	ASSERT_EQ(0, nlt_transact(&self->nl, req, &self->r));
	EXPECT_EQ(-EINVAL, self->r.err);
}

TEST_F(genl, unknown_command)
{
	char buf[BUF_SIZE] __attribute__((aligned(8)));

	NEED_SETUP();
	ASSERT_EQ(0, nlt_transact(&self->nl, nlt_agi(&self->nl, buf, 99),
			      &self->r));
	EXPECT_EQ(-EOPNOTSUPP, self->r.err);
	ASSERT_EQ(0, nlt_transact(&self->nl,
			      nlt_agi(&self->nl, buf, AGISWARM_CMD_UNSPEC),
			      &self->r));
	EXPECT_EQ(-EOPNOTSUPP, self->r.err);
}

/* The reserved genl header byte is checked, so it can get a meaning later. */
TEST_F(genl, reserved_header_checked)
{
	char buf[BUF_SIZE] __attribute__((aligned(8)));
	struct nlmsghdr *req;
	struct genlmsghdr *g;

	NEED_SETUP();
	req = nlt_agi(&self->nl, buf, AGISWARM_CMD_GET_STATUS);
	g = mnl_nlmsg_get_payload(req);
	g->reserved = 1;
	ASSERT_EQ(0, nlt_transact(&self->nl, req, &self->r));
	EXPECT_EQ(-EINVAL, self->r.err);
}

static void unprivileged_child(struct child_report *rep)
{
	struct nlt_reply r;
	struct nlt nl;

	rep->setup_err = drop_net_admin();
	if (rep->setup_err)
		return;
	/* A socket opened before and one opened after the drop. */
	rep->setup_err = nlt_open(&nl);
	if (rep->setup_err)
		return;
	rep->set_err = set_node(&nl, AGISWARM_ROLE_WORKER, 3, &r);
	rep->status_err = get_status(&nl, &rep->seen, &r);
	{
		char buf[256] __attribute__((aligned(8)));

		rep->matrix_err = nlt_call(&nl, nlt_agi(&nl, buf,
					   AGISWARM_CMD_GET_MATRIX), &r);
	}
	nlt_close(&nl);
}

/*
 * Without CAP_NET_ADMIN a node's status can be read, but the node not
 * changed, nor its plant data (the matrix) read.
 */
TEST_F(genl, set_needs_net_admin)
{
	struct child_report *rep;
	struct status st;

	NEED_SETUP();
	rep = report_map();
	ASSERT_NE(NULL, rep);
	ASSERT_EQ(0, set_node(&self->nl, AGISWARM_ROLE_AGGREGATOR, 1, &self->r));
	ASSERT_EQ(0, run_child(unprivileged_child, rep));
	ASSERT_EQ(0, rep->setup_err) TH_LOG("%s", strerror(-rep->setup_err));
	EXPECT_EQ(-EPERM, rep->set_err);
	EXPECT_EQ(0, rep->status_err);
	EXPECT_EQ(-EPERM, rep->matrix_err);
	EXPECT_EQ(AGISWARM_ROLE_AGGREGATOR, rep->seen.role);
	EXPECT_EQ(1, rep->seen.node_id);

	/* And the refused request changed nothing. */
	ASSERT_EQ(0, get_status(&self->nl, &st, &self->r));
	EXPECT_EQ(AGISWARM_ROLE_AGGREGATOR, st.role);
	EXPECT_EQ(1, st.node_id);
	munmap(rep, sizeof(*rep));
}

static void fresh_netns_child(struct child_report *rep)
{
	struct nlt_reply r;
	struct nlt nl;

	if (unshare(CLONE_NEWNET)) {
		rep->setup_err = -errno;
		return;
	}
	rep->setup_err = nlt_open(&nl);
	if (rep->setup_err)
		return;
	rep->status_err = get_status(&nl, &rep->seen, &r);
	rep->set_err = set_node(&nl, AGISWARM_ROLE_WORKER, 42, &r);
	nlt_close(&nl);
}

/* A new namespace is a new node; changing it leaves the others alone. */
TEST_F(genl, fresh_namespace_is_independent)
{
	struct child_report *rep;
	struct status st;

	NEED_SETUP();
	rep = report_map();
	ASSERT_NE(NULL, rep);
	ASSERT_EQ(0, set_node(&self->nl, AGISWARM_ROLE_AGGREGATOR, 5, &self->r));
	ASSERT_EQ(0, run_child(fresh_netns_child, rep));
	ASSERT_EQ(0, rep->setup_err) TH_LOG("%s", strerror(-rep->setup_err));
	EXPECT_EQ(0, rep->status_err);
	EXPECT_EQ(AGISWARM_ROLE_NONE, rep->seen.role);
	EXPECT_EQ(0, rep->seen.node_id);
	EXPECT_EQ(0, rep->set_err);

	ASSERT_EQ(0, get_status(&self->nl, &st, &self->r));
	EXPECT_EQ(AGISWARM_ROLE_AGGREGATOR, st.role);
	EXPECT_EQ(5, st.node_id);
	munmap(rep, sizeof(*rep));
}

/* Becomes "nobody": no capability left in the initial user namespace. */
static int become_nobody(void)
{
	if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
		return -errno;
	return 0;
}

static void userns_owner_child(struct child_report *rep)
{
	struct nlt_reply r;
	struct nlt nl;

	if (become_nobody() || unshare(CLONE_NEWUSER | CLONE_NEWNET)) {
		rep->setup_err = -errno;
		return;
	}
	rep->setup_err = nlt_open(&nl);
	if (rep->setup_err)
		return;
	rep->set_err = set_node(&nl, AGISWARM_ROLE_WORKER, 11, &r);
	rep->status_err = get_status(&nl, &rep->seen, &r);
	nlt_close(&nl);
}

static void userns_intruder_child(struct child_report *rep)
{
	struct nlt_reply r;
	struct nlt nl;

	/* Full capabilities, but in a user namespace that owns no netns. */
	if (become_nobody() || unshare(CLONE_NEWUSER)) {
		rep->setup_err = -errno;
		return;
	}
	rep->setup_err = nlt_open(&nl);
	if (rep->setup_err)
		return;
	rep->set_err = set_node(&nl, AGISWARM_ROLE_WORKER, 11, &r);
	nlt_close(&nl);
}

/*
 * GENL_UNS_ADMIN_PERM: an unprivileged user who creates a user and a
 * network namespace runs that node, but no one else's.
 */
TEST_F(genl, namespace_admin_owns_only_its_node)
{
	struct child_report *rep;
	struct status st;

	NEED_SETUP();
	rep = report_map();
	ASSERT_NE(NULL, rep);
	ASSERT_EQ(0, run_child(userns_owner_child, rep));
	if (rep->setup_err == -EPERM || rep->setup_err == -EINVAL ||
	    rep->setup_err == -ENOSPC)
		SKIP(return, "no unprivileged user namespaces: %s",
		     strerror(-rep->setup_err));
	ASSERT_EQ(0, rep->setup_err) TH_LOG("%s", strerror(-rep->setup_err));
	EXPECT_EQ(0, rep->set_err);
	EXPECT_EQ(0, rep->status_err);
	EXPECT_EQ(AGISWARM_ROLE_WORKER, rep->seen.role);
	EXPECT_EQ(11, rep->seen.node_id);

	ASSERT_EQ(0, run_child(userns_intruder_child, rep));
	ASSERT_EQ(0, rep->setup_err) TH_LOG("%s", strerror(-rep->setup_err));
	EXPECT_EQ(-EPERM, rep->set_err);

	ASSERT_EQ(0, get_status(&self->nl, &st, &self->r));
	EXPECT_EQ(AGISWARM_ROLE_NONE, st.role);
	EXPECT_EQ(0, st.node_id);
	munmap(rep, sizeof(*rep));
}

/* ---------------------------------------------------------------------- */

/*
 * Malformed SET_NODE requests. Each carries a valid NODE_ID first and then
 * one bad attribute: the request must fail as a whole with -EINVAL, point
 * at the bad attribute, explain itself, and change nothing.
 */
FIXTURE(bad_set) {
	struct nlt nl;
	struct nlt_reply r;
};

FIXTURE_VARIANT(bad_set) {
	uint16_t type;
	uint16_t len;
	uint32_t value;
};

/* ROLE is a u8: four bytes are a wrong length, not a bigger role. */
FIXTURE_VARIANT_ADD(bad_set, role_as_u32) {
	.type = AGISWARM_A_ROLE, .len = 4, .value = AGISWARM_ROLE_WORKER,
};

FIXTURE_VARIANT_ADD(bad_set, role_out_of_range) {
	.type = AGISWARM_A_ROLE, .len = 1, .value = 99,
};

FIXTURE_VARIANT_ADD(bad_set, role_past_max) {
	.type = AGISWARM_A_ROLE, .len = 1, .value = AGISWARM_ROLE_MAX + 1,
};

FIXTURE_VARIANT_ADD(bad_set, node_id_as_u8) {
	.type = AGISWARM_A_NODE_ID, .len = 1, .value = 3,
};

FIXTURE_VARIANT_ADD(bad_set, unknown_attribute) {
	.type = 200, .len = 4, .value = 1,
};

/* VERSION exists, but is read-only: SET_NODE has no use for it. */
FIXTURE_VARIANT_ADD(bad_set, read_only_attribute) {
	.type = AGISWARM_A_VERSION, .len = 4, .value = 0x302e31,
};

FIXTURE_SETUP(bad_set)
{
	NLT_SETUP_NODE(&self->nl);
}

FIXTURE_TEARDOWN(bad_set)
{
	nlt_close(&self->nl);
}

TEST_F(bad_set, refused_with_extack)
{
	char buf[BUF_SIZE] __attribute__((aligned(8)));
	struct nlmsghdr *req;
	struct nlattr *bad;
	struct status st;
	long bad_offs;

	NEED_SETUP();
	req = nlt_agi(&self->nl, buf, AGISWARM_CMD_SET_NODE);
	mnl_attr_put_u32(req, AGISWARM_A_NODE_ID, 77);
	bad = mnl_nlmsg_get_payload_tail(req);
	bad_offs = (char *)bad - (char *)req;
	mnl_attr_put(req, variant->type, variant->len, &variant->value);

	ASSERT_EQ(0, nlt_transact(&self->nl, req, &self->r));
	EXPECT_EQ(-EINVAL, self->r.err);
	EXPECT_NE(0, strlen(self->r.msg)) TH_LOG("no extack message");
	EXPECT_EQ(bad_offs, self->r.offs) TH_LOG("extack: \"%s\"", self->r.msg);

	ASSERT_EQ(0, get_status(&self->nl, &st, &self->r));
	EXPECT_EQ(AGISWARM_ROLE_NONE, st.role);
	EXPECT_EQ(0, st.node_id);
}

TEST_HARNESS_MAIN
