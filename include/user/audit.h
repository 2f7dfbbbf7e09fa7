/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The audit log: one text line per signed commit the daemon decided on,
 *
 *    seq time keyid outcome body_hex sig_hex prev_hash hash
 *
 * where outcome is the cycle it applied at (decimal), "refused:" and the
 * hex of the reason, or "not-applied:" and the hex of the reason. A
 * not-applied record follows the record of the same commit (same seq,
 * body and signature) that said "applied at cycle N", and says that it
 * did not take effect after all: the daemon records a commit as applied
 * before it arms it in the module (two-phase staging), and when arming
 * fails, or the daemon stopped before arming, it appends this record
 * (at once, or when it starts again). Any other record's seq is above
 * the previous one's. hash is the hex SHA-256 of the line's text before it
 * ("seq ... prev_hash", single spaces) and prev_hash the previous line's
 * hash (64 zeros for the first line). A line is appended with O_APPEND and
 * fsync'd before the commit is acknowledged; then LOG.head,
 *
 *    count seq hash mac
 *
 * is replaced atomically (write, fsync, rename, fsync of the directory).
 * mac is keyed BLAKE2b-256 over "AGISWARM-AUDIT-HEAD-v1" || 0x00 || "count
 * seq hash", under the 32-byte key in LOG.key (hex, 0600, made by the
 * daemon when it creates the log; agi_keyfile_open(AGI_KEYFILE_SECRET)):
 * removing the last lines of the log, or replacing log and head by an
 * older or forged pair, is detected by anyone who holds the key.
 *
 * Failures return a negative errno and write one line into @err; the
 * verifier's lines start with "FILE:LINE: " naming the first bad line.
 */
#ifndef AGISWARM_USER_AUDIT_H
#define AGISWARM_USER_AUDIT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "commit.h"
#include "keys.h"

#define AGI_HASH_HEX_LEN 65	/* 64 hex digits and a NUL */
/* Where the daemon keeps it unless security.audit_log says otherwise. */
#define AGI_AUDIT_DEFAULT_LOG "/var/lib/agiswarm/audit.log"
#define AGI_AUDIT_HEAD_SUFFIX ".head"
#define AGI_AUDIT_KEY_SUFFIX ".key"
#define AGI_AUDIT_KEY_LEN 32

/**
 * struct agi_audit_record - one parsed line
 * @line: its line number, from 1
 * @apply_cycle: the cycle it applied at; 0 when refused
 * @reason: why it was refused or not applied, "" when it applied
 * @not_applied: a not-applied record: the previous record (the same
 *	commit, "applied at cycle N") did not take effect, for @reason
 * @text: the line without its newline; valid during the callback only
 * @hashed_len: how much of @text the hash covers
 */
struct agi_audit_record {
	unsigned int line;
	uint64_t seq, time;
	uint8_t key_id[AGI_KEYID_LEN];
	uint64_t apply_cycle;
	char reason[AGI_REASON_MAX];
	bool not_applied;
	uint8_t body[AGI_COMMIT_BODY_MAX];
	size_t body_len;
	uint8_t sig[AGI_SIG_LEN];
	char prev_hash[AGI_HASH_HEX_LEN];
	char hash[AGI_HASH_HEX_LEN];
	const char *text;
	size_t hashed_len;
};

/*
 * An open log, as the daemon appends to it. @last_applied is the cycle the
 * last record says its commit applies at, 0 when it was refused or is a
 * not-applied record.
 */
struct agi_audit {
	int fd;
	char path[PATH_MAX];
	unsigned int n_records;
	uint64_t last_seq;
	uint64_t last_applied;
	char last_hash[AGI_HASH_HEX_LEN];
	uint8_t key[AGI_AUDIT_KEY_LEN];
};

/*
 * Opens (creating it 0600, and LOG.key with a fresh key when the log is
 * new) the log at @path for appending. The head's MAC is checked. The chain is
 * checked (not the signatures: that is agi_audit_verify()'s job, which
 * needs the keys); a torn last line (a crash during a write that was never
 * acknowledged) is cut off, and a head one record behind (a crash between
 * the log's fsync and the head's rename) is brought forward. Any other
 * disagreement between log and head is refused.
 */
int agi_audit_open(struct agi_audit *a, const char *path, char *err,
		   size_t errlen);
/*
 * The outcome of one commit: applied at @apply_cycle (@refused NULL) or
 * refused for @refused (at most AGI_REASON_MAX - 1 bytes). -EINVAL when
 * @seq is not above the last; the line is durable on 0.
 */
int agi_audit_append(struct agi_audit *a, uint64_t seq, uint64_t time,
		     const uint8_t key_id[AGI_KEYID_LEN], uint64_t apply_cycle,
		     const char *refused, const uint8_t *body, size_t body_len,
		     const uint8_t sig[AGI_SIG_LEN], char *err, size_t errlen);
/*
 * The last record's commit, "applied at cycle N", did not take effect
 * after all, for @why: a not-applied record with the same @seq, @key_id,
 * @body and @sig. -EINVAL when the last record is not an applied one of
 * @seq; the line is durable on 0.
 */
int agi_audit_not_applied(struct agi_audit *a, uint64_t seq, uint64_t time,
			  const uint8_t key_id[AGI_KEYID_LEN], const char *why,
			  const uint8_t *body, size_t body_len,
			  const uint8_t sig[AGI_SIG_LEN], char *err,
			  size_t errlen);
void agi_audit_close(struct agi_audit *a);

/*
 * Calls @cb for every line of the log at @path, in order, stopping at the
 * first non-zero return (which it returns). A line that does not parse is
 * -EBADMSG naming it. A log that does not exist has no lines.
 */
typedef int (*agi_audit_cb)(const struct agi_audit_record *r, void *data);
int agi_audit_read(const char *path, agi_audit_cb cb, void *data, char *err,
		   size_t errlen);
/* The same from an open stream, named @name in messages. */
int agi_audit_read_stream(FILE *f, const char *name, agi_audit_cb cb,
			  void *data, char *err, size_t errlen);

/*
 * The last record of @a into @r (its @text is not kept): 0, -ENODATA for
 * an empty log, or the reader's error.
 */
int agi_audit_last(const struct agi_audit *a, struct agi_audit_record *r,
		   char *err, size_t errlen);

/*
 * Every hash, the chain, strictly increasing seqs, every body (canonical,
 * agreeing with its line's seq and key id) and signature against @keys
 * (skipped when NULL), and the head file with its MAC (LOG.key). 0, or
 * -EBADMSG with the first bad line in @bad_line (may be NULL) and
 * "FILE:LINE: why" in @err. A log that is missing or empty fails too
 * (-ENOENT, -ENODATA): there is nothing to vouch for.
 */
int agi_audit_verify(const char *path, const struct agi_keyring *keys,
		     unsigned int *bad_line, char *err, size_t errlen);
/* The records' checks alone (not the head) on an open stream. */
int agi_audit_verify_stream(FILE *f, const char *name,
			    const struct agi_keyring *keys,
			    unsigned int *bad_line, char *err, size_t errlen);

#endif /* AGISWARM_USER_AUDIT_H */
