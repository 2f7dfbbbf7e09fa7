/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The operator's intent: the configuration file plus the signed commits
 * of the audit log, signed values winning (see intent.c).
 */
#ifndef AGISWARMD_INTENT_H
#define AGISWARMD_INTENT_H

#include "user/commit.h"
#include "user/config.h"
#include "user/status.h"

/**
 * struct agid_intent - what the applied commits of the audit log set
 * @ch: the merged changes, the later commit winning per key
 * @seq: the seq of the commit that set each key (AGI_CH_*), 0 for none
 * @records: records in the log (applied, refused and not-applied)
 * @applied: commits that applied (not followed by a not-applied record)
 * @last_seq: the seq of the last record
 */
struct agid_intent {
	struct agi_commit_changes ch;
	u64 seq[__AGI_CH_MAX];
	unsigned int records, applied;
	u64 last_seq;
};

/*
 * The audit log of @cfg (security.audit_log), verified (chain and head
 * MAC), merged into @in. A log
 * that does not exist or is empty is no commit. 0, or -errno with the
 * verifier's words in @err: then the signed values cannot be known.
 */
int agid_intent_load(const struct agi_config *cfg, struct agid_intent *in,
		     char *err, size_t errlen);

/* Logs each key whose signed value differs from the file's. */
void agid_intent_log_signed(const struct agi_config *cfg,
			    const struct agid_intent *in);

/* Logs each key where the running module differs from file + commits. */
void agid_intent_compare(const struct agi_config *cfg,
			 const struct agid_intent *in,
			 const struct agi_status *st);

#endif /* AGISWARMD_INTENT_H */
