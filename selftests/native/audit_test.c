// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The audit log (daemon/audit.c): four signed commits appended and
 * verified; then a record edited, the last one removed (caught by the
 * head), one removed from the middle, two swapped, a signature from a key
 * that is not authorized: each refused naming its line. Reopening
 * continues the chain, cuts a torn last line and brings a lagging head
 * forward, and nothing else.
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "user/audit.h"
#include <kselftest_harness.h>

#define N_RECORDS 4
#define LINE_BUF 4096

static const char seed_hex[] =
	"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7";

FIXTURE(audit)
{
	char dir[64], log[128], head[160];
	struct agi_keypair op;
	struct agi_keyring kr;
	char err[512];
	unsigned int bad;
	char lines[N_RECORDS + 1][LINE_BUF];
	int n_lines;
	char heads[N_RECORDS + 1][256];	/* LOG.head after each record */
};

/* Commit number @i, signed by @self->op, appended to @a. */
static int append_commit(FIXTURE_DATA(audit) *self, struct agi_audit *a,
			 uint64_t seq)
{
	uint8_t body[AGI_COMMIT_BODY_MAX], sig[AGI_SIG_LEN];
	struct agi_commit c;
	int n;

	memset(&c, 0, sizeof(c));
	c.version = AGI_COMMIT_VERSION;
	c.seq = seq;
	c.epoch = 1;
	c.swarm = 1;
	agi_key_id(self->op.pk, c.key_id);
	c.not_before = 1700000000 + seq;
	c.not_after = c.not_before + 60;
	memset(c.nonce, (int)seq, sizeof(c.nonce));
	c.changes.present = AGI_CH_BIT(AGI_CH_SETPOINT);
	c.changes.n_setpoint = 1;
	c.changes.setpoint[0] = (int32_t)(seq * 1000);
	n = agi_commit_encode(&c, body, sizeof(body));
	if (n < 0)
		return n;
	agi_commit_sign(body, (size_t)n, self->op.sk, sig);
	return agi_audit_append(a, seq, c.not_before + 1, c.key_id, 100 + seq,
				NULL, body, (size_t)n, sig, self->err,
				sizeof(self->err));
}

static void read_text(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, size - 1, f) : 0;

	buf[n] = '\0';
	if (f)
		fclose(f);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void load_lines(FIXTURE_DATA(audit) *self)
{
	FILE *f = fopen(self->log, "r");

	self->n_lines = 0;
	while (f && self->n_lines <= N_RECORDS &&
	       fgets(self->lines[self->n_lines], LINE_BUF, f))
		self->n_lines++;
	if (f)
		fclose(f);
}

/* Writes the log back as the lines listed in @order (1-based), @n of them. */
static void store_lines(FIXTURE_DATA(audit) *self, const int *order, int n)
{
	FILE *f = fopen(self->log, "w");
	int i;

	for (i = 0; f && i < n; i++)
		fputs(self->lines[order[i] - 1], f);
	if (f)
		fclose(f);
}

static int verify(FIXTURE_DATA(audit) *self)
{
	return agi_audit_verify(self->log, &self->kr, &self->bad, self->err,
				sizeof(self->err));
}

FIXTURE_SETUP(audit)
{
	uint8_t seed[AGI_SEED_LEN];
	struct agi_audit a;
	uint64_t seq;

	ASSERT_EQ(0, agi_keys_init());
	strcpy(self->dir, "/tmp/audit_test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->log, sizeof(self->log), "%s/audit.log", self->dir);
	snprintf(self->head, sizeof(self->head), "%s.head", self->log);
	ASSERT_EQ(0, agi_hex_decode(seed_hex, 64, seed, sizeof(seed)));
	agi_key_from_seed(&self->op, seed);
	memset(&self->kr, 0, sizeof(self->kr));
	memcpy(self->kr.keys[0].pk, self->op.pk, AGI_PK_LEN);
	agi_key_id(self->op.pk, self->kr.keys[0].id);
	self->kr.n = 1;

	ASSERT_EQ(0, agi_audit_open(&a, self->log, self->err, sizeof(self->err)));
	/* Seqs need not be consecutive, only increasing. */
	for (seq = 10; seq < 10 + 2 * N_RECORDS; seq += 2) {
		ASSERT_EQ(0, append_commit(self, &a, seq)) TH_LOG("%s", self->err);
		read_text(self->head, self->heads[(seq - 10) / 2 + 1],
			  sizeof(self->heads[0]));
	}
	ASSERT_EQ(-EINVAL, append_commit(self, &a, 16));
	agi_audit_close(&a);
	load_lines(self);
	ASSERT_EQ(N_RECORDS, self->n_lines);
}

FIXTURE_TEARDOWN(audit)
{
	agi_key_wipe(&self->op);
	nftw(self->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* The error names @line of the log first. */
static void expect_line(struct __test_metadata *_metadata,
			FIXTURE_DATA(audit) *self, unsigned int line,
			const char *why)
{
	char want[256];

	snprintf(want, sizeof(want), "%s:%u: ", self->log, line);
	EXPECT_EQ(line, self->bad);
	EXPECT_EQ(0, strncmp(want, self->err, strlen(want))) TH_LOG("%s", self->err);
	EXPECT_NE(NULL, strstr(self->err, why)) TH_LOG("%s", self->err);
}

struct count {
	unsigned int n;
	uint64_t seqs[N_RECORDS + 2];
};

static int count_cb(const struct agi_audit_record *r, void *data)
{
	struct count *c = data;

	c->seqs[c->n++] = r->seq;
	return 0;
}

TEST_F(audit, intact_log_verifies)
{
	struct count c = { 0 };
	struct stat st;

	ASSERT_EQ(0, verify(self)) TH_LOG("%s", self->err);
	ASSERT_EQ(0, self->bad);
	ASSERT_EQ(0, agi_audit_read(self->log, count_cb, &c, self->err,
				    sizeof(self->err)));
	ASSERT_EQ(N_RECORDS, c.n);
	ASSERT_EQ(10, c.seqs[0]);
	ASSERT_EQ(16, c.seqs[3]);
	/* The first record chains to the genesis. */
	ASSERT_NE(NULL, strstr(self->lines[0],
			       " 0000000000000000000000000000000000000000000000000000000000000000 "));
	ASSERT_EQ(0, stat(self->log, &st));
	ASSERT_EQ(0600, st.st_mode & 07777);
}

TEST_F(audit, edited_record)
{
	/* Line 2 claims another time: "10 1700000011" -> "...12 1700000013". */
	char *sp = strchr(self->lines[1], ' ');

	sp[strlen(" 170000001")] ^= 1;
	store_lines(self, (const int[]){ 1, 2, 3, 4 }, 4);
	ASSERT_EQ(-EBADMSG, verify(self));
	expect_line(_metadata, self, 2, "hash does not match");
}

TEST_F(audit, last_record_removed)
{
	store_lines(self, (const int[]){ 1, 2, 3 }, 3);
	ASSERT_EQ(-EBADMSG, verify(self));
	expect_line(_metadata, self, 4, "missing");
	/* Reopening refuses it too: the head is more than one behind. */
	store_lines(self, (const int[]){ 1, 2 }, 2);
	{
		struct agi_audit a;

		ASSERT_EQ(-EBADMSG, agi_audit_open(&a, self->log, self->err,
						   sizeof(self->err)));
	}
}

TEST_F(audit, middle_record_removed)
{
	store_lines(self, (const int[]){ 1, 3, 4 }, 3);
	ASSERT_EQ(-EBADMSG, verify(self));
	expect_line(_metadata, self, 2, "removed or reordered");
}

TEST_F(audit, records_reordered)
{
	store_lines(self, (const int[]){ 1, 3, 2, 4 }, 4);
	ASSERT_EQ(-EBADMSG, verify(self));
	expect_line(_metadata, self, 2, "removed or reordered");
	store_lines(self, (const int[]){ 2, 1, 3, 4 }, 4);
	ASSERT_EQ(-EBADMSG, verify(self));
	expect_line(_metadata, self, 1, "genesis");
}

TEST_F(audit, signatures_checked)
{
	/* Verified against a keyring without the operator's key. */
	self->kr.keys[0].id[0] ^= 1;
	ASSERT_EQ(-EBADMSG, verify(self));
	expect_line(_metadata, self, 1, "not in the authorized keys");
	/* Without keys only the chain is checked. */
	ASSERT_EQ(0, agi_audit_verify(self->log, NULL, NULL, self->err,
				      sizeof(self->err)));
	self->kr.keys[0].id[0] ^= 1;
	/* A different (valid) key with the operator's id: bad signature. */
	self->kr.keys[0].pk[0] ^= 1;
	ASSERT_EQ(-EBADMSG, verify(self));
	expect_line(_metadata, self, 1, "bad signature");
}

TEST_F(audit, garbage_line)
{
	strcpy(self->lines[2], "17 not a record\n");
	store_lines(self, (const int[]){ 1, 2, 3, 4 }, 4);
	ASSERT_EQ(-EBADMSG, verify(self));
	expect_line(_metadata, self, 3, "not an audit record");
}

TEST_F(audit, reopen_continues_the_chain)
{
	struct agi_audit a;
	FILE *f;

	ASSERT_EQ(0, agi_audit_open(&a, self->log, self->err, sizeof(self->err)));
	ASSERT_EQ(N_RECORDS, a.n_records);
	ASSERT_EQ(16, a.last_seq);
	ASSERT_EQ(-EINVAL, append_commit(self, &a, 16));
	ASSERT_EQ(0, append_commit(self, &a, 17));
	agi_audit_close(&a);
	ASSERT_EQ(0, verify(self)) TH_LOG("%s", self->err);

	/* A crash mid-write leaves a line without its newline: cut off. */
	f = fopen(self->log, "a");
	ASSERT_NE(NULL, f);
	fputs("18 1700000019 0011", f);
	fclose(f);
	ASSERT_EQ(-EBADMSG, verify(self));
	expect_line(_metadata, self, 6, "incomplete line");
	ASSERT_EQ(0, agi_audit_open(&a, self->log, self->err, sizeof(self->err)));
	ASSERT_EQ(17, a.last_seq);
	agi_audit_close(&a);
	ASSERT_EQ(0, verify(self)) TH_LOG("%s", self->err);
}

TEST_F(audit, lagging_head_brought_forward)
{
	const char *hash3 = self->lines[2] + strlen(self->lines[2]) - 65;
	struct agi_audit a;

	/* The head as it was after record 3: a crash before its rename. */
	write_text(self->head, self->heads[3]);
	ASSERT_NE(NULL, memmem(self->heads[3], strlen(self->heads[3]), hash3, 64));
	ASSERT_EQ(-EBADMSG, verify(self));
	expect_line(_metadata, self, 4, "head not updated");
	ASSERT_EQ(0, agi_audit_open(&a, self->log, self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
	ASSERT_EQ(16, a.last_seq);
	agi_audit_close(&a);
	ASSERT_EQ(0, verify(self)) TH_LOG("%s", self->err);

	/* Two behind is not a crash: refused. */
	write_text(self->head, self->heads[2]);
	ASSERT_EQ(-EBADMSG, agi_audit_open(&a, self->log, self->err,
					   sizeof(self->err)));
}

/* A refused commit is recorded with its reason, and listed as refused. */
static int outcome_cb(const struct agi_audit_record *r, void *data)
{
	struct agi_audit_record *last = data;

	last->seq = r->seq;
	last->apply_cycle = r->apply_cycle;
	last->not_applied = r->not_applied;
	strcpy(last->reason, r->reason);
	return 0;
}

TEST_F(audit, refused_commit_recorded_with_its_reason)
{
	static struct agi_audit_record last;
	uint8_t body[4] = { 0xa0 }, sig[AGI_SIG_LEN] = { 0 };
	struct agi_audit a;

	ASSERT_EQ(0, agi_audit_open(&a, self->log, self->err, sizeof(self->err)));
	ASSERT_EQ(0, agi_audit_append(&a, 20, 1700000020, self->kr.keys[0].id,
				      0, "cycle 500 already started", body, 1,
				      sig, self->err, sizeof(self->err)));
	agi_audit_close(&a);
	ASSERT_EQ(0, agi_audit_read(self->log, outcome_cb, &last, self->err,
				    sizeof(self->err)));
	EXPECT_EQ(20, last.seq);
	EXPECT_EQ(0, last.apply_cycle);
	EXPECT_STREQ("cycle 500 already started", last.reason);
	/* The chain and the head hold (the body is no commit: keys off). */
	EXPECT_EQ(0, agi_audit_verify(self->log, NULL, NULL, self->err,
				      sizeof(self->err))) TH_LOG("%s", self->err);
}

/*
 * Two-phase staging: "applied at cycle N" is written before the daemon
 * arms the change; when arming fails, a not-applied record of the same
 * commit follows. The log then verifies (signatures too), reads back as
 * not applied, and the next commit continues the chain.
 */
TEST_F(audit, not_applied_follows_its_applied_record)
{
	static struct agi_audit_record last, again;
	struct agi_audit a;

	ASSERT_EQ(0, agi_audit_open(&a, self->log, self->err, sizeof(self->err)));
	EXPECT_EQ(116, a.last_applied);
	ASSERT_EQ(0, agi_audit_last(&a, &last, self->err, sizeof(self->err)));
	ASSERT_EQ(16, last.seq);
	ASSERT_EQ(116, last.apply_cycle);
	ASSERT_EQ(0, agi_audit_not_applied(&a, 16, 1700000100, last.key_id,
					   "cycle 116 already started", last.body,
					   last.body_len, last.sig, self->err,
					   sizeof(self->err))) TH_LOG("%s", self->err);
	EXPECT_EQ(0, a.last_applied);
	EXPECT_EQ(N_RECORDS + 1, a.n_records);
	EXPECT_EQ(16, a.last_seq);
	/* Once only, and only after an applied record of that seq. */
	EXPECT_EQ(-EINVAL, agi_audit_not_applied(&a, 16, 1700000101,
						 last.key_id, "again",
						 last.body, last.body_len,
						 last.sig, self->err,
						 sizeof(self->err)));
	agi_audit_close(&a);
	ASSERT_EQ(0, verify(self)) TH_LOG("%s", self->err);
	ASSERT_EQ(0, agi_audit_read(self->log, outcome_cb, &again, self->err,
				    sizeof(self->err)));
	EXPECT_EQ(16, again.seq);
	EXPECT_TRUE(again.not_applied);
	EXPECT_EQ(0, again.apply_cycle);
	EXPECT_STREQ("cycle 116 already started", again.reason);

	/* Reopened: the last record is not an applied one any more. */
	ASSERT_EQ(0, agi_audit_open(&a, self->log, self->err, sizeof(self->err)));
	EXPECT_EQ(0, a.last_applied);
	EXPECT_EQ(N_RECORDS + 1, a.n_records);
	EXPECT_EQ(-EINVAL, agi_audit_not_applied(&a, 16, 1700000102,
						 last.key_id, "again",
						 last.body, last.body_len,
						 last.sig, self->err,
						 sizeof(self->err)));
	/* The seq stays used: the commit cannot come back as new. */
	EXPECT_EQ(-EINVAL, append_commit(self, &a, 16));
	ASSERT_EQ(0, append_commit(self, &a, 18)) TH_LOG("%s", self->err);
	agi_audit_close(&a);
	ASSERT_EQ(0, verify(self)) TH_LOG("%s", self->err);
}

/* A refused commit, or another seq, cannot be followed by not-applied. */
TEST_F(audit, not_applied_needs_the_applied_record)
{
	uint8_t body[4] = { 0xa0 }, sig[AGI_SIG_LEN] = { 0 };
	struct agi_audit a;

	ASSERT_EQ(0, agi_audit_open(&a, self->log, self->err, sizeof(self->err)));
	EXPECT_EQ(-EINVAL, agi_audit_not_applied(&a, 14, 1700000100,
						 self->kr.keys[0].id, "why",
						 body, 1, sig, self->err,
						 sizeof(self->err)));
	ASSERT_EQ(0, agi_audit_append(&a, 20, 1700000020, self->kr.keys[0].id,
				      0, "refused", body, 1, sig, self->err,
				      sizeof(self->err)));
	EXPECT_EQ(-EINVAL, agi_audit_not_applied(&a, 20, 1700000100,
						 self->kr.keys[0].id, "why",
						 body, 1, sig, self->err,
						 sizeof(self->err)));
	agi_audit_close(&a);
}

/*
 * A not-applied line moved after another record: the chain is re-hashed
 * by a forger without the rules in mind, and the verifier names the line.
 */
TEST_F(audit, misplaced_not_applied_refused)
{
	char text[LINE_BUF * (N_RECORDS + 1)];
	FILE *f;
	int i;

	/* A hand-made line 5: seq 12 (not the last, 16) claims not-applied. */
	text[0] = '\0';
	for (i = 0; i < N_RECORDS; i++)
		strcat(text, self->lines[i]);
	strcat(text, "12 1700000100 ");
	strncat(text, self->lines[1] + strlen("12 1700000013 "),
		2 * AGI_KEYID_LEN);
	strcat(text, " not-applied:77 a0 ");
	for (i = 0; i < AGI_SIG_LEN; i++)
		strcat(text, "00");
	strcat(text, " ");
	strncat(text, self->lines[3] + strlen(self->lines[3]) - 65, 64);
	strcat(text, " ");
	{
		/* Its own hash, so that only the placement is wrong. */
		const char *start = text;
		size_t off = 0;
		char hash[AGI_HASH_HEX_LEN];
		uint8_t h[32];

		for (i = 0; i < N_RECORDS; i++)
			off += strlen(self->lines[i]);
		start = text + off;
		crypto_hash_sha256(h, (const uint8_t *)start, strlen(start) - 1);
		agi_hex_encode(h, sizeof(h), hash);
		strcat(text, hash);
		strcat(text, "\n");
	}
	write_text(self->log, text);
	f = fopen(self->log, "r");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(-EBADMSG, agi_audit_verify_stream(f, self->log, NULL,
						    &self->bad, self->err,
						    sizeof(self->err)));
	fclose(f);
	expect_line(_metadata, self, 5,
		    "a not-applied record must follow the applied record of its seq 12");
}

/* "0 records ... verified" for a log that is not there was a lie. */
TEST_F(audit, missing_or_empty_log_fails)
{
	char want[256];

	unlink(self->log);
	EXPECT_EQ(-ENOENT, verify(self));
	snprintf(want, sizeof(want),
		 "%s: no such file: there is no audit log to verify", self->log);
	EXPECT_STREQ(want, self->err);
	write_text(self->log, "");
	EXPECT_EQ(-ENODATA, verify(self));
	snprintf(want, sizeof(want), "%s: empty: no records to verify",
		 self->log);
	EXPECT_STREQ(want, self->err);
}

/* Truncated log and a head rewritten to match, without the key: caught. */
TEST_F(audit, forged_head_detected)
{
	const char *hash2 = self->lines[1] + strlen(self->lines[1]) - 65;
	char head[256], want[256];
	struct agi_audit a;

	store_lines(self, (const int[]){ 1, 2 }, 2);
	snprintf(head, sizeof(head), "2 12 %.64s %.64s\n", hash2, hash2);
	write_text(self->head, head);
	ASSERT_EQ(-EBADMSG, verify(self));
	snprintf(want, sizeof(want),
		 "%s:1: the MAC is not this log's key's: the head was forged or replaced",
		 self->head);
	EXPECT_STREQ(want, self->err);
	ASSERT_EQ(-EBADMSG, agi_audit_open(&a, self->log, self->err,
					   sizeof(self->err)));
	EXPECT_STREQ(want, self->err);
}

/* Without the key the head cannot be checked: verify says so, and fails. */
TEST_F(audit, missing_key_fails)
{
	char key[200], want[400];
	struct agi_audit a;

	snprintf(key, sizeof(key), "%s.key", self->log);
	ASSERT_EQ(0, unlink(key));
	ASSERT_EQ(-ENOENT, verify(self));
	snprintf(want, sizeof(want),
		 "%s is missing: the head of %s cannot be authenticated", key,
		 self->log);
	EXPECT_STREQ(want, self->err);
	/* The daemon does not make a new key for a log with records. */
	ASSERT_EQ(-ENOENT, agi_audit_open(&a, self->log, self->err,
					  sizeof(self->err)));
}

TEST_HARNESS_MAIN
