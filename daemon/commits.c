// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Operator commits on an aggregator. A COMMIT datagram comes up from the
 * module; the daemon checks it (agi_commit_verify: authorized_keys as it
 * is on disk now, the module's epoch, the audit log's last seq, the clock,
 * security.commit_window_s, security.swarm_id and node.id), picks the
 * cycle it takes effect at and answers COMMIT_ACK through the node's
 * socket once it decided.
 *
 * Two phases, so that the audit record is written with the decision: the
 * commit is staged held for its cycle (the module checks all of it; a
 * held change takes effect at no cycle), the outcome is appended to the
 * audit log (fsync'd), and only then is the held change armed, which the
 * module does only while its cycle has not started. A refused staging is
 * recorded as refused. When arming fails, a not-applied record follows
 * the applied one. A daemon that stops between the record and the arm
 * leaves a held change that never takes effect: the next daemon finds it
 * (GET_STATUS HELD_CYCLE), appends the not-applied record when the log's
 * last record is that change, and drops it (reconcile()).
 *
 * A commit that resumes from an emergency stop is staged from the socket
 * the daemon registered with: with security.require_signatures the module
 * takes a resume from that socket only (REGISTER_DAEMON SIGNED_RESUME).
 *
 * The cycle: the commit's own apply_at_cycle is signed, so it is honoured
 * or the commit refused ("cycle N already started", "cycle N is too far
 * ahead"), never moved. A commit with apply_at_cycle 0 leaves the choice
 * to the daemon: the module's last cycle + APPLY_MARGIN, so that the
 * change reaches the module well before its cycle starts. In a group the
 * margin is at least replication.election_timeout_ms in cycles: the entry
 * must reach every replica's module before that cycle, through the log's
 * round trips. A replica that gets it only after that cycle started (it
 * was down or cut off, or the group took longer than that to hold it)
 * records the group's decision all the same and applies it at once, at
 * the earliest cycle its module can still stage (apply_late()): the log
 * is the group's history, and a member whose module missed a change must
 * not drive the plant without it after a failover.
 *
 * In a replicated group (replication.member, group.c) the verified commit
 * and its cycle become an entry of the group's log instead: the leader
 * proposes it and answers COMMIT_ACK only once a majority holds it and it
 * was applied here; every replica applies it (agid_commits_apply: the
 * same audit record, staged at the same cycle). A follower refuses it,
 * naming the leader's address.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "user/commit.h"
#include "user/msg.h"
#include "user/matrix.h"
#include "user/node.h"
#include "user/status.h"
#include "user/repl_entry.h"
#include "repl.h"
#include "runtime.h"

#define APPLY_MARGIN 10
#define LATE_MARGIN 2	/* cycles ahead for an entry that came late */
#define LATE_TRIES 3

/* Everything one commit needs, off the stack (a commit is ~3 KiB). */
struct commit_job {
	struct agid *d;
	struct agi_endpoint from;
	bool sealed;			/* came in the operator's session: */
	u8 pk[AGI_PK_LEN];		/* its key, for the answer */
	u8 body[AGI_COMMIT_BODY_MAX];
	size_t body_len;
	u8 sig[AGI_SIG_LEN];
	struct agi_commit c;
	struct agi_keyring keys;
	struct agi_commit_ack ack;
	char from_text[64];
	struct agi_repl_entry entry;	/* in a group */
};

/* The audit log's directory, made 0700 when missing (one level). */
static void make_parent(const char *path)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", path);
	mkdir(dirname(dir), 0700);
}

/* Tells the module how far the audit log goes: it never goes back. */
static void set_watermark(struct agid *d)
{
	static struct agi_node_req r;
	int err;

	memset(&r, 0, sizeof(r));
	r.present = AGI_NODE_AUDIT;
	r.audit_seq = d->commits.audit.last_seq;
	r.audit_records = d->commits.audit.n_records;
	err = agi_node_set(d->nl, &r);
	if (err)
		agid_log(d, AGI_LOG_ERROR, "setting the module's audit watermark failed: %s",
			 d->nl->extack[0] ? d->nl->extack : strerror(-err));
}

/* What is held (change and matrix) is dropped; nothing held is fine. */
static void drop_held(struct agid *d)
{
	static struct agi_node_req r;

	memset(&r, 0, sizeof(r));
	r.present = AGI_NODE_HELD_MATRIX;
	r.held_matrix = 0;
	agi_node_set(d->nl, &r);
}

/*
 * A change the module holds was never armed: the daemon before this one
 * stopped between staging and arming it. When the log's last record is
 * that change, "applied" at its cycle, a not-applied record follows it.
 * Whatever is held is dropped: it never takes effect.
 */
static void reconcile(struct agid *d)
{
	struct agid_commits *cm = &d->commits;
	static struct agi_status st;
	static struct agi_audit_record last;
	char err[AGI_CONFIG_ERR_LEN], why[AGI_REASON_MAX];
	u64 held;

	if (agi_status_get(d->nl, &st) || !st.has[AGI_ST_HELD_CYCLE])
		return;
	held = st.field[AGI_ST_HELD_CYCLE];
	if (held && cm->audit_open && cm->audit.last_applied == held &&
	    !agi_audit_last(&cm->audit, &last, err, sizeof(err))) {
		snprintf(why, sizeof(why), "never armed for cycle %llu: agiswarmd stopped between recording and arming it; dropped",
			 (unsigned long long)held);
		if (agi_audit_not_applied(&cm->audit, last.seq, (u64)time(NULL),
					  last.key_id, why, last.body,
					  last.body_len, last.sig, err,
					  sizeof(err)))
			agid_log(d, AGI_LOG_ERROR, "%s", err);
		else
			agid_log(d, AGI_LOG_WARNING, "commit seq %llu was recorded as applied at cycle %llu but never armed (the daemon stopped in between): recorded as not applied",
				 (unsigned long long)last.seq,
				 (unsigned long long)held);
	} else if (held) {
		agid_log(d, AGI_LOG_WARNING, "the module held a change for cycle %llu that the audit log does not have (the daemon stopped before recording it): dropped",
			 (unsigned long long)held);
	}
	if (held)
		drop_held(d);
}

/*
 * The module remembers the last seq and record count the daemon wrote (its
 * watermark, for as long as it is loaded). A log behind it was truncated,
 * rolled back or deleted: commits are refused until it is restored, and
 * replay protection holds meanwhile.
 */
static bool log_behind_module(struct agid *d)
{
	struct agid_commits *cm = &d->commits;
	static struct agi_status st;

	if (agi_status_get(d->nl, &st) || !st.has[AGI_ST_AUDIT_SEQ])
		return false;
	if (st.field[AGI_ST_AUDIT_SEQ] <= cm->audit.last_seq &&
	    st.field[AGI_ST_AUDIT_RECORDS] <= cm->audit.n_records)
		return false;
	agid_log(d, AGI_LOG_ERROR, "%s has %u records up to seq %llu, but this node's module saw %llu records up to seq %llu: the log was truncated, rolled back or deleted; every commit is refused until it is restored",
		 d->cfg->audit_log, cm->audit.n_records,
		 (unsigned long long)cm->audit.last_seq,
		 (unsigned long long)st.field[AGI_ST_AUDIT_RECORDS],
		 (unsigned long long)st.field[AGI_ST_AUDIT_SEQ]);
	return true;
}

int agid_commits_init(struct agid *d)
{
	const struct agi_config *cfg = d->cfg;
	struct agid_commits *cm = &d->commits;
	char err[AGI_CONFIG_ERR_LEN];

	make_parent(cfg->audit_log);
	if (agi_audit_open(&cm->audit, cfg->audit_log, err, sizeof(err))) {
		agid_log(d, AGI_LOG_ERROR, "%s: every commit will be refused until the audit log can be opened",
			 err);
	} else if (flock(cm->audit.fd, LOCK_EX | LOCK_NB)) {
		int e = errno;

		/* Two daemons would write metrics.csv twice and race the log. */
		if (e == EWOULDBLOCK)
			agid_log(d, AGI_LOG_ERROR, "%s is locked: another agiswarmd runs for this node",
				 cfg->audit_log);
		else	/* ENOSYS: a kernel without CONFIG_FILE_LOCKING */
			agid_log(d, AGI_LOG_ERROR, "locking %s failed: %s (one agiswarmd per node cannot be ensured)",
				 cfg->audit_log, strerror(e));
		agi_audit_close(&cm->audit);
		return e == EWOULDBLOCK ? -EBUSY : -e;
	} else if (log_behind_module(d)) {
		agi_audit_close(&cm->audit);
	} else {
		cm->audit_open = true;
		agid_log(d, AGI_LOG_INFO, "audit log %s: %u records, last seq %llu",
			 cfg->audit_log, cm->audit.n_records,
			 (unsigned long long)cm->audit.last_seq);
	}
	reconcile(d);
	if (cm->audit_open)
		set_watermark(d);
	if (!cfg->require_signatures)
		agid_log(d, AGI_LOG_WARNING, "security.require_signatures is false: commits are applied WITHOUT checking who signed them (they must still be well-formed, in their window, of this epoch and not replayed)");
	return 0;
}

void agid_commits_close(struct agid *d)
{
	if (d->commits.audit_open)
		agi_audit_close(&d->commits.audit);
	d->commits.audit_open = false;
}

static void answer(struct agid *d, struct commit_job *j)
{
	u8 out[AGISWARM_WIRE_MAX];
	int n = agi_commit_ack_encode(&j->ack, out, sizeof(out));

	if (n < 0) {
		agid_log(d, AGI_LOG_ERROR, "encoding COMMIT_ACK failed: %s",
			 strerror(-n));
		return;
	}
	/*
	 * Sealed for the operator's session when the COMMIT came in one: the
	 * key kept with the job, since in a group the answer comes later,
	 * while another upcall (or none) is being handled.
	 */
	agid_send_to(d, j->sealed ? j->pk : NULL, &j->from, out, (size_t)n);
}

static void reject(struct agid *d, struct commit_job *j, const char *reason)
{
	j->ack.status = AGI_COMMIT_REJECTED;
	snprintf(j->ack.reason, sizeof(j->ack.reason), "%s", reason);
	d->commits.rejected++;
	agid_log(d, AGI_LOG_INFO, "commit seq %llu from %s rejected: %s",
		 (unsigned long long)j->ack.seq, j->from_text, reason);
	answer(d, j);
}

/* The keys as the file says now, so adding an operator needs no restart. */
static void load_keys(struct agid *d, struct commit_job *j)
{
	char err[AGI_CONFIG_ERR_LEN];

	if (!d->cfg->require_signatures)
		return;
	if (agi_keyring_load(d->cfg->authorized_keys, &j->keys, err,
			     sizeof(err))) {
		agid_log(d, AGI_LOG_WARNING, "%s: no operator is authorized",
			 err);
		j->keys.n = 0;
	}
}

/* The module's words for a refused request, after @what. */
static int refused(struct agid *d, const char *what, int ret, char *err,
		   size_t errlen)
{
	if (ret)
		snprintf(err, errlen, "%s: %s", what,
			 d->nl->extack[0] ? d->nl->extack : strerror(-ret));
	return ret;
}

/*
 * The socket a commit is staged from: a resume goes from the registered
 * one, the only one the module takes it from while signatures are
 * required. (An upcall that arrives while that socket waits for the
 * module's answer is not handled: resumes are rare.)
 */
static struct agi_nl *stage_socket(struct agid *d,
				   const struct agi_commit_changes *ch)
{
	if ((ch->present & AGI_CH_BIT(AGI_CH_RESUME)) && d->up.open)
		return &d->up.nl;
	return d->nl;
}

/*
 * Holds the commit's changes in the module for cycle @at, all or nothing:
 * the matrix is held first (checked and assigned, for no cycle), then one
 * SET_NODE with HOLD holds the node's settings, with the held matrix,
 * after the module checked both together (the setpoints against the new
 * matrix's outputs). Nothing takes effect until arm(). Any refusal drops
 * what is held: the module keeps its state.
 */
static int stage(struct agid *d, const struct agi_commit_changes *ch, u64 at,
		 char *err, size_t errlen)
{
	static struct agi_node_req r;
	struct agi_nl *nl = stage_socket(d, ch);
	struct agi_matrix m = {
		.fmt = ch->matrix.fmt, .rows = ch->matrix.rows,
		.cols = ch->matrix.cols, .data = (s32 *)ch->matrix.data,
	};
	bool matrix = ch->present & AGI_CH_BIT(AGI_CH_MATRIX);
	int ret = 0;

	drop_held(d);	/* what a crashed daemon may have left */
	if (matrix) {
		ret = refused(d, "staging the matrix",
			      agi_matrix_set(d->nl, &m, AGISWARM_STAGE_HOLD),
			      err, errlen);
		if (ret)
			return ret;
	}
	agi_commit_node_req(ch, &r);
	if (matrix) {
		r.present |= AGI_NODE_HELD_MATRIX;
		r.held_matrix = 1;
	}
	r.present |= AGI_NODE_HOLD;
	r.apply_at = at;
	ret = agi_node_set(nl, &r);
	if (ret) {
		snprintf(err, errlen, "staging the commit: %s",
			 nl->extack[0] ? nl->extack : strerror(-ret));
		if (matrix)
			drop_held(d);
	}
	return ret;
}

/*
 * For tests only: AGISWARMD_TEST_PAUSE_BEFORE_ARM=S makes the daemon
 * sleep S seconds between recording a commit and arming it, so that a
 * test can kill it there.
 */
static void test_pause(struct agid *d)
{
	const char *v = getenv("AGISWARMD_TEST_PAUSE_BEFORE_ARM");
	unsigned int s = v ? (unsigned int)strtoul(v, NULL, 10) : 0;

	if (!s)
		return;
	agid_log(d, AGI_LOG_WARNING, "AGISWARMD_TEST_PAUSE_BEFORE_ARM: pausing %u s before arming",
		 s);
	sleep(s);
}

/*
 * Arms what stage() held for its cycle: 0, or the module's refusal (its
 * cycle started: the module dropped it) in @err.
 */
static int arm(struct agid *d, const struct agi_commit_changes *ch, char *err,
	       size_t errlen)
{
	static struct agi_node_req r;
	struct agi_nl *nl = stage_socket(d, ch);
	int ret;

	test_pause(d);
	memset(&r, 0, sizeof(r));
	r.present = AGI_NODE_ARM;
	ret = agi_node_set(nl, &r);
	if (ret)
		snprintf(err, errlen, "arming it: %s",
			 nl->extack[0] ? nl->extack : strerror(-ret));
	return ret;
}

/*
 * The record of @seq said applied at its cycle but arming failed: a
 * not-applied record follows, so that the log tells the truth.
 */
static void record_not_applied(struct agid *d, u64 seq,
			       const u8 key_id[AGI_KEYID_LEN], const u8 *body,
			       size_t body_len, const u8 sig[AGI_SIG_LEN],
			       const char *why)
{
	char err[AGI_CONFIG_ERR_LEN];

	if (agi_audit_not_applied(&d->commits.audit, seq, (u64)time(NULL),
				  key_id, why, body, body_len, sig, err,
				  sizeof(err)))
		agid_log(d, AGI_LOG_ERROR, "%s (commit seq %llu is recorded as applied but was NOT)",
			 err, (unsigned long long)seq);
	else
		set_watermark(d);
}

/*
 * The cycle @c takes effect at, or 0 with the reason in @reason; without
 * one of its own, @margin cycles after @current.
 */
static u64 pick_cycle(const struct agi_commit *c, u64 current, u64 margin,
		      char *reason)
{
	u64 at = c->apply_at_cycle;

	if (!at)
		return current + margin;
	if (at <= current) {
		snprintf(reason, AGI_REASON_MAX,
			 "cycle %llu already started (the module is at cycle %llu)",
			 (unsigned long long)at, (unsigned long long)current);
		return 0;
	}
	if (at - current > AGI_COMMIT_APPLY_AHEAD_MAX) {
		snprintf(reason, AGI_REASON_MAX,
			 "cycle %llu is too far ahead (the module is at cycle %llu, at most %llu ahead)",
			 (unsigned long long)at, (unsigned long long)current,
			 AGI_COMMIT_APPLY_AHEAD_MAX);
		return 0;
	}
	return at;
}

/*
 * A verified commit: its cycle picked, staged in the module (which checks
 * it), and the outcome, applied at cycle N or refused and why, appended
 * to the audit log before the operator hears of it. A refused commit uses
 * up its seq like an applied one: it cannot be replayed later.
 */
static void decide(struct agid *d, struct commit_job *j, u64 current)
{
	char err[AGI_CONFIG_ERR_LEN], why[AGI_REASON_MAX], id[AGI_KEYID_HEX_LEN];
	const char *refused_for = NULL;
	u64 at = pick_cycle(&j->c, current, APPLY_MARGIN, why);
	unsigned int records = d->commits.audit.n_records;

	if (!d->commits.audit_open) {
		reject(d, j, "the aggregator's audit log is unavailable");
		return;
	}
	if (!at) {
		refused_for = why;
	} else if (stage(d, &j->c.changes, at, err, sizeof(err))) {
		snprintf(why, sizeof(why), "the module refused it: %.120s", err);
		refused_for = why;
	}
	if (agi_audit_append(&d->commits.audit, j->c.seq, (u64)time(NULL),
			     j->c.key_id, at, refused_for, j->body, j->body_len,
			     j->sig, err, sizeof(err))) {
		agid_log(d, AGI_LOG_ERROR, "%s", err);
		/*
		 * A line that is durable (only the head failed: the next
		 * open brings it forward) is the decision: it goes on.
		 */
		if (d->commits.audit.n_records == records) {
			if (!refused_for)
				drop_held(d);	/* never armed: never applied */
			reject(d, j, "the aggregator could not write its audit log");
			return;
		}
	}
	set_watermark(d);
	if (refused_for) {
		reject(d, j, refused_for);
		return;
	}
	if (arm(d, &j->c.changes, err, sizeof(err))) {
		snprintf(why, sizeof(why), "not applied: the module refused %.120s",
			 err);
		record_not_applied(d, j->c.seq, j->c.key_id, j->body,
				   j->body_len, j->sig, why);
		reject(d, j, why);
		return;
	}
	agi_key_id_hex(j->c.key_id, id);
	j->ack.status = AGI_COMMIT_ACCEPTED;
	j->ack.apply_at_cycle = at;
	d->commits.accepted++;
	agid_log(d, AGI_LOG_INFO, "commit seq %llu by key %s from %s accepted: applies at cycle %llu",
		 (unsigned long long)j->c.seq, id, j->from_text,
		 (unsigned long long)at);
	answer(d, j);
}

/* The group's answer to the leader's proposal of @arg. */
static void committed(void *arg, int status, int result, u64 index)
{
	struct commit_job *j = arg;
	struct agid *d = j->d;
	const struct agi_repl_commit *c = &j->entry.commit;
	char reason[AGI_REASON_MAX], id[AGI_KEYID_HEX_LEN];

	if (status || result) {
		if (status == -EIO)
			snprintf(reason, sizeof(reason), "not acknowledged: the leader could not write it to its log (see its agiswarmd log); it may still apply (see the audit log)");
		else if (status)
			snprintf(reason, sizeof(reason), "not acknowledged: the group's leader lost its majority before the group held it (it may still apply; see the audit log)");
		else if (result == -EALREADY)
			snprintf(reason, sizeof(reason), "replayed: seq %llu is not above the last applied",
				 (unsigned long long)c->seq);
		else if (result == -ETIME)
			snprintf(reason, sizeof(reason), "not at cycle %llu: the group held it only after that cycle started; each member applies it as soon as it has it (see their logs)",
				 (unsigned long long)c->apply_cycle);
		else
			snprintf(reason, sizeof(reason), "the aggregator could not apply it (see its log)");
		reject(d, j, reason);
	} else {
		agi_key_id_hex(c->key_id, id);
		j->ack.status = AGI_COMMIT_ACCEPTED;
		j->ack.apply_at_cycle = c->apply_cycle;
		d->commits.accepted++;
		agid_log(d, AGI_LOG_INFO, "commit seq %llu by key %s from %s held by the group (entry %llu): applies at cycle %llu",
			 (unsigned long long)c->seq, id, j->from_text,
			 (unsigned long long)index,
			 (unsigned long long)c->apply_cycle);
		answer(d, j);
	}
	free(j);
}

/*
 * In a group the default margin covers an election timeout of cycles at
 * the period @period_us: the time the entry may take to reach every
 * replica before a lost leader is even noticed.
 */
static u64 group_margin(const struct agid *d, u64 period_us)
{
	u64 n = period_us ? ((u64)d->cfg->repl_election_ms * 1000 +
			     period_us - 1) / period_us : 0;

	return n > APPLY_MARGIN ? n : APPLY_MARGIN;
}

/* In a group: the leader proposes @j; true when the group has it now. */
static bool propose(struct agid *d, struct commit_job *j, u64 current,
		    u64 period_us)
{
	struct agi_repl_commit *c = &j->entry.commit;
	char reason[AGI_REASON_MAX];
	int ret;

	j->entry.type = AGI_REPL_COMMIT;
	c->seq = j->c.seq;
	c->apply_cycle = pick_cycle(&j->c, current,
				    group_margin(d, period_us), reason);
	if (!c->apply_cycle) {
		reject(d, j, reason);
		return false;
	}
	c->time = (u64)time(NULL);
	memcpy(c->key_id, j->c.key_id, AGI_KEYID_LEN);
	memcpy(c->body, j->body, j->body_len);
	c->body_len = j->body_len;
	memcpy(c->sig, j->sig, AGI_SIG_LEN);
	j->d = d;
	ret = agid_repl_propose(d->repl, &j->entry, committed, j);
	if (!ret)
		return true;
	if (ret == -ENOTCONN)
		agid_repl_not_leader(d->repl, reason, sizeof(reason));
	else
		snprintf(reason, sizeof(reason), "the group could not take it: %s",
			 strerror(-ret));
	reject(d, j, reason);
	return false;
}

/*
 * An entry that reached this replica after its cycle started here: staged
 * LATE_MARGIN cycles after @current (again, from the module's new cycle,
 * when its cycle overtook the staging) and armed. Return: the cycle it
 * takes effect at, or 0 with the module's refusal in @err.
 */
static u64 apply_late(struct agid *d, const struct agi_commit_changes *ch,
		      u64 current, char *err, size_t errlen)
{
	struct agi_status st;
	unsigned int i;
	u64 at;

	for (i = 0; i < LATE_TRIES; i++) {
		at = current + LATE_MARGIN;
		if (!stage(d, ch, at, err, errlen) &&
		    !arm(d, ch, err, errlen))
			return at;
		/* Another refusal than a cycle that started meanwhile. */
		if (agi_status_get(d->nl, &st) ||
		    st.field[AGI_ST_CYCLE_ID] < at)
			return 0;
		current = st.field[AGI_ST_CYCLE_ID];
	}
	return 0;
}

int agid_commits_apply(struct agid *d, u64 index,
		       const struct agi_repl_commit *c)
{
	u64 late;
	struct agi_commit *cm = NULL;
	char err[AGI_CONFIG_ERR_LEN];
	struct agi_status st;
	int ret;

	if (!d->commits.audit_open) {
		agid_log(d, AGI_LOG_ERROR, "raft: entry %llu (commit seq %llu) cannot be recorded: the audit log is unavailable",
			 (unsigned long long)index, (unsigned long long)c->seq);
		return -EIO;
	}
	ret = agi_repl_commit_audit(&d->commits.audit, c, err, sizeof(err));
	if (ret == -EALREADY)
		return ret;
	if (ret) {
		agid_log(d, AGI_LOG_ERROR, "raft: entry %llu: %s",
			 (unsigned long long)index, err);
		return ret;
	}
	set_watermark(d);
	ret = -EREMOTEIO;
	cm = malloc(sizeof(*cm));
	if (!cm || agi_commit_decode(c->body, c->body_len, cm)) {
		agid_log(d, AGI_LOG_ERROR, "raft: entry %llu (commit seq %llu): recorded, but it cannot be read back",
			 (unsigned long long)index, (unsigned long long)c->seq);
	} else if (agi_status_get(d->nl, &st)) {
		agid_log(d, AGI_LOG_ERROR, "raft: entry %llu (commit seq %llu): recorded, but the module's state cannot be read: NOT applied here",
			 (unsigned long long)index, (unsigned long long)c->seq);
	} else if (st.field[AGI_ST_CYCLE_ID] >= c->apply_cycle) {
		late = apply_late(d, &cm->changes, st.field[AGI_ST_CYCLE_ID],
				  err, sizeof(err));
		if (late) {
			agid_log(d, AGI_LOG_WARNING, "raft: entry %llu (commit seq %llu) reached this replica at cycle %llu, after the group's cycle %llu started: applied late, from cycle %llu here",
				 (unsigned long long)index,
				 (unsigned long long)c->seq,
				 (unsigned long long)st.field[AGI_ST_CYCLE_ID],
				 (unsigned long long)c->apply_cycle,
				 (unsigned long long)late);
			ret = -ETIME;
		} else {
			agid_log(d, AGI_LOG_ERROR, "raft: entry %llu (commit seq %llu) came after its cycle %llu started, and the module refused it: %s",
				 (unsigned long long)index,
				 (unsigned long long)c->seq,
				 (unsigned long long)c->apply_cycle, err);
		}
	} else if (stage(d, &cm->changes, c->apply_cycle, err, sizeof(err)) ||
		   arm(d, &cm->changes, err, sizeof(err))) {
		agid_log(d, AGI_LOG_ERROR, "raft: entry %llu (commit seq %llu) is in the audit log but the module refused it: %s",
			 (unsigned long long)index, (unsigned long long)c->seq,
			 err);
	} else {
		agid_log(d, AGI_LOG_INFO, "raft: entry %llu (commit seq %llu) staged at cycle %llu",
			 (unsigned long long)index, (unsigned long long)c->seq,
			 (unsigned long long)c->apply_cycle);
		ret = 0;
	}
	free(cm);
	return ret;
}

/* Checks the commit and answers it; true when @j lives on (a proposal). */
static bool handle(struct agid *d, struct commit_job *j, const u8 *dgram,
		   size_t len)
{
	struct agi_verify_ctx ctx = { .keys = &j->keys };
	char reason[AGI_REASON_MAX];
	enum agi_verdict verdict;
	struct agi_status st;

	if (agi_commit_dgram_decode(dgram, len, j->body, &j->body_len,
				    j->sig)) {
		reject(d, j, "malformed commit");
		return false;
	}
	if (agi_status_get(d->nl, &st)) {
		reject(d, j, "the aggregator cannot read its module's state");
		return false;
	}
	load_keys(d, j);
	ctx.epoch = st.field[AGI_ST_EPOCH];
	ctx.last_seq = d->commits.audit.last_seq;
	ctx.now = (u64)time(NULL);
	ctx.max_window = d->cfg->commit_window_s;
	ctx.skip_signature = !d->cfg->require_signatures;
	ctx.swarm = d->cfg->swarm_id;
	ctx.node = d->cfg->node_id;
	verdict = agi_commit_verify(&ctx, j->body, j->body_len, j->sig, &j->c,
				    reason);
	if (verdict != AGI_V_OK) {
		j->ack.seq = verdict == AGI_V_MALFORMED ? 0 : j->c.seq;
		reject(d, j, reason);
		return false;
	}
	j->ack.seq = j->c.seq;
	if (d->repl)
		return propose(d, j, st.field[AGI_ST_CYCLE_ID],
			       st.field[AGI_ST_PERIOD_US]);
	decide(d, j, st.field[AGI_ST_CYCLE_ID]);
	return false;
}

void agid_commits_receive(struct agid *d, const struct agi_endpoint *from,
			  const u8 *dgram, size_t len)
{
	struct commit_job *j = calloc(1, sizeof(*j));

	if (!j) {
		agid_log(d, AGI_LOG_ERROR, "a commit was dropped: out of memory");
		return;
	}
	j->from = *from;
	j->sealed = d->up.pubkey != NULL;
	if (j->sealed)
		memcpy(j->pk, d->up.pubkey, AGI_PK_LEN);
	agi_format_endpoint(&from->addr, from->len, j->from_text,
			    sizeof(j->from_text));
	if (!handle(d, j, dgram, len))
		free(j);
}
