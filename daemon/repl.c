// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The aggregator group's replicated log on libraft (repl.h). One raft
 * node per daemon: raft_uv keeps the log and the term under
 * replication.data_dir; repl_transport.c carries the messages. Pre-vote is
 * on (a member cut off and back does not depose a working leader), and the
 * election timeout is replication.election_timeout_ms (heartbeats at a
 * tenth of it).
 *
 * No snapshots yet: the log keeps every entry (the snapshot threshold is
 * out of reach), and a restarted replica gets every entry again through
 * @apply, which recognizes what it applied before.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <raft.h>
#include <raft/uv.h>

#include "repl.h"

struct agid_repl {
	struct raft raft;
	struct raft_io io;
	struct raft_uv_transport transport;
	struct raft_fsm fsm;
	struct agid_repl_ops ops;
	struct agid_repl_peer peers[AGI_CONFIG_MAX_GROUP];
	char datagram_addr[AGI_CONFIG_MAX_GROUP][80];
	unsigned n;
	unsigned self;
	bool started;
	/* raft_uv's send, which io.send (send_message()) wraps */
	int (*uv_send)(struct raft_io *io, struct raft_io_send *req,
		       const struct raft_message *message,
		       raft_io_send_cb cb);
	/* raft_uv's append, which io.append (append_entries()) wraps */
	int (*uv_append)(struct raft_io *io, struct raft_io_append *req,
			 const struct raft_entry entries[], unsigned n,
			 raft_io_append_cb cb);
	/* raft_uv's start, which io.start (start_io()) wraps, and the
	 * receive callback libraft gave it, which recv_message() filters */
	int (*uv_start)(struct raft_io *io, unsigned msecs,
			raft_io_tick_cb tick, raft_io_recv_cb recv);
	raft_io_recv_cb raft_recv;
	/* the newest term of an entry this member wrote (append_entries()
	 * reported), and of the barrier a leader appended (recv_message()) */
	raft_term stored_term;
	raft_term barrier_term;
	raft_term held_term;	/* a follower's progress held back, logged */
	struct raft_barrier barrier;
	bool barrier_pending;
	struct propose *proposals;	/* in flight, newest first */
	struct raft_transfer transfer;	/* agid_repl_transfer() */
	bool transferring;
	unsigned transfer_to;
	void (*closed)(void *arg);
	void *closed_arg;
};

/* One proposal in flight. */
struct propose {
	struct raft_apply req;
	struct agid_repl *r;
	struct propose *next;	/* r->proposals */
	bool lost;		/* its entry's write failed: never a success */
	agid_repl_done done;
	void *arg;
};

static struct agid_repl *repl_of_io(struct raft_io *io)
{
	return (struct agid_repl *)((char *)io - offsetof(struct agid_repl, io));
}

/*
 * libraft 0.15 (Debian's; fixed upstream by 35479fc "replication: Don't
 * respond to AppendEntries if role/term has changed", v0.17.1) answers
 * the entries a follower persisted to "the current leader" once the write
 * is done, even when the term changed meanwhile: a member that stepped
 * down, or that heard of a new term while its disk was slow, knows no
 * leader then (id 0, address NULL), and raft_uv's send strlen()s the
 * NULL address: a SIGSEGV, within seconds when leaderships are handed on
 * (selftests/native/repl_stress.sh; the likely one of agiswarmd on a slow
 * debug kernel, right after its leader lost its majority, as group.c
 * hands the leadership to the module's primary). A message to no one
 * goes nowhere: libraft takes the error as a lost message, which the
 * next leader's AppendEntries makes up for.
 */
static int send_message(struct raft_io *io, struct raft_io_send *req,
			const struct raft_message *message, raft_io_send_cb cb)
{
	struct agid_repl *r = repl_of_io(io);

	if (!message->server_id || !message->server_address)
		return RAFT_NOCONNECTION;
	return r->uv_send(io, req, message, cb);
}

/*
 * One write of log entries to raft_uv, on behalf of libraft, and the
 * index of its first entry (libraft writes the tail of its log: the
 * entries are its last @n at the time of the call).
 */
struct append {
	struct raft_io_append req;	/* to raft_uv */
	struct raft_io_append *orig;	/* libraft's */
	raft_io_append_cb cb;
	struct agid_repl *r;
	raft_index index;
	unsigned n;
	raft_term term;			/* of its last entry */
};

/*
 * A failed write in libraft 0.15 (Debian's; fixed upstream by 8b9c95c
 * "replication: Tweak applyLeaderCb cleanup", v0.17.1) makes the
 * leader's append callback truncate its in-memory log from the write's
 * first entry, whether or not the log still goes that far. When two
 * writes fail together, as every write in flight does when the node is
 * closed (raft_close() cancels them), the first truncates the entries of
 * the second, and the second's truncation runs past the end of the log:
 * a NULL dereference in removeSuffix(), agiswarmd's SIGSEGV. A write
 * whose entries are no longer in the log is reported to libraft as done:
 * libraft then counts none of them as stored (updateLastStored() stops at
 * the first index it no longer has) and only releases them. A proposal
 * of those entries may still be answered "applied" later, for another
 * entry at its index: it is marked lost, and answered as lost instead.
 */
static void appended(struct raft_io_append *req, int status)
{
	struct append *a = req->data;
	struct agid_repl *r = a->r;
	struct raft_io_append *orig = a->orig;
	raft_io_append_cb cb = a->cb;
	raft_index last = raft_last_index(&r->raft);
	struct propose *p;

	if (!status && a->term > r->stored_term)
		r->stored_term = a->term;	/* recv_message() */
	if (status && a->index > last) {
		agid_repl_logf(&r->ops, status == RAFT_CANCELED ? AGI_LOG_INFO :
			       AGI_LOG_WARNING,
			       "writing entries %llu..%llu failed (%s), and libraft dropped them already",
			       (unsigned long long)a->index,
			       (unsigned long long)(a->index + a->n - 1),
			       raft_strerror(status));
		for (p = r->proposals; p; p = p->next)
			if (p->req.index >= a->index &&
			    p->req.index < a->index + a->n)
				p->lost = true;
		status = 0;
	}
	free(a);
	cb(orig, status);
}

static int append_entries(struct raft_io *io, struct raft_io_append *req,
			  const struct raft_entry entries[], unsigned n,
			  raft_io_append_cb cb)
{
	struct agid_repl *r = repl_of_io(io);
	struct append *a = malloc(sizeof(*a));
	int rv;

	if (!a)
		return RAFT_NOMEM;
	a->req.data = a;
	a->orig = req;
	a->cb = cb;
	a->r = r;
	a->n = n;
	a->term = n ? entries[n - 1].term : 0;
	a->index = raft_last_index(&r->raft) - n + 1;
	rv = r->uv_append(io, &a->req, entries, n, appended);
	if (rv)
		free(a);
	return rv;
}

/*
 * libraft 0.15 (Debian's; still so upstream in 0.18.1, the last release:
 * electionVote() in src/election.c, from 9e6f7aa "Grant out vote to the
 * transferee if we're currently the leader", v0.9.22) gives its vote to
 * the target of its leadership transfer even when it voted for another
 * candidate in that term already, and a transfer stays pending when its
 * leader steps down (until the target leads, or an election timeout after
 * it began). A leader that hands its leadership on and loses its majority
 * right then (a stalled loop; group.c hands the leadership to the module's
 * primary right after a failover) can vote twice in the next term: two
 * leaders of one term, a Raft safety violation (repl_stress, churn: the
 * former leader votes for a candidate, then for its transfer's target, in
 * the same term). The first AppendEntries one sends the other makes libraft
 * note the sender as "the current leader" in its follower state, which
 * shares a union with the leader's: its promotion state then holds the
 * sender's id and address, and the next tick takes the address for a
 * promotion under way and the id for its struct raft_change pointer: a
 * SIGSEGV in tickLeader() (libraft.so.2+0x11078). Such a request (the transfer's target asks for the vote of the
 * current term, cast for another already) is dropped here, as a lost
 * message: libraft would answer no to anyone else, and a transfer's own
 * election is of a newer term than its leader's, where the vote is free.
 *
 * Should a leader hear another leader of its own term all the same, its
 * AppendEntries is dropped too (logged as the error it is) rather than
 * let libraft write a follower's state over the leader's.
 */
static void free_entries(struct raft_entry *entries, unsigned n)
{
	void *batch = NULL;
	unsigned i;

	for (i = 0; i < n; i++) {
		if (entries[i].batch != batch) {
			batch = entries[i].batch;
			raft_free(batch);
		}
	}
	raft_free(entries);
}

/*
 * libraft 0.15 (Debian's; fixed upstream by 524f735 "replication: Don't
 * commit entries from old terms by counting", v0.17.1) commits an entry of
 * an earlier term by counting its replicas (replicationQuorum(), run with
 * the leader's last stored index on its own writes and on each follower's
 * AppendEntries result): the Raft paper's Figure 8. A new leader whose
 * newest stored entry is of an older term commits it once a majority holds
 * it, and a member whose log ends in a newer term without it may still win
 * the next election with the others' votes and write another entry at its
 * index: two members apply different entries at one index (repl_stress,
 * stop: leaders stopped with writes in flight, several times a run).
 * Until a leader wrote an entry of its own term (stored_term, from
 * append_entries()), a follower's successful result reaches libraft with
 * last_log_index 0: a contact (the leader keeps its majority) and no
 * progress, and libraft returns before counting (progressMaybeUpdate());
 * the followers' match indexes stay at 0, so the leader's own writes count
 * itself alone. Once its entry of its term is stored, the followers' next
 * results (heartbeats) carry their progress, and libraft counts at that
 * entry, as upstream does. So that this needs no proposal, a new leader
 * appends a barrier of its term at once (libraft 0.15 does not), which
 * commits the entries of older terms before it with it.
 */
static void barrier_done(struct raft_barrier *req, int status)
{
	struct agid_repl *r = req->data;

	(void)status;
	r->barrier_pending = false;
}

static void hold_progress(struct agid_repl *r, struct raft_message *m)
{
	struct raft_append_entries_result *res = &m->append_entries_result;

	if (m->type != RAFT_IO_APPEND_ENTRIES_RESULT || res->rejected ||
	    raft_state(&r->raft) != RAFT_LEADER ||
	    res->term != r->raft.current_term ||
	    r->stored_term >= r->raft.current_term)
		return;
	if (r->held_term != r->raft.current_term) {
		r->held_term = r->raft.current_term;
		agid_repl_logf(&r->ops, AGI_LOG_DEBUG,
			       "leader of term %llu, none of its entries written yet: the followers' progress held back (Figure 8)",
			       (unsigned long long)r->raft.current_term);
	}
	res->last_log_index = 0;
}

static void append_barrier(struct agid_repl *r)
{
	int rv;

	if (raft_state(&r->raft) != RAFT_LEADER || r->barrier_pending ||
	    r->barrier_term == r->raft.current_term)
		return;
	r->barrier.data = r;
	rv = raft_barrier(&r->raft, &r->barrier, barrier_done);
	if (rv)	/* a transfer pending still, say: the next message retries */
		return;
	r->barrier_pending = true;
	r->barrier_term = r->raft.current_term;
}

static void recv_message(struct raft_io *io, struct raft_message *m)
{
	struct agid_repl *r = repl_of_io(io);
	const struct raft_request_vote *v = &m->request_vote;
	struct raft_append_entries *ae = &m->append_entries;

	if (m->type == RAFT_IO_REQUEST_VOTE && !v->pre_vote &&
	    v->term == r->raft.current_term && r->raft.voted_for &&
	    r->raft.voted_for != v->candidate_id && r->raft.transfer &&
	    r->raft.transfer->id == v->candidate_id) {
		agid_repl_logf(&r->ops, AGI_LOG_INFO,
			       "vote of term %llu asked by %llu, this member's transfer target, but cast for %llu already: not given twice",
			       (unsigned long long)v->term,
			       (unsigned long long)v->candidate_id,
			       (unsigned long long)r->raft.voted_for);
		return;
	}
	if (m->type == RAFT_IO_APPEND_ENTRIES &&
	    raft_state(&r->raft) == RAFT_LEADER &&
	    ae->term == r->raft.current_term) {
		agid_repl_logf(&r->ops, AGI_LOG_ERROR,
			       "member %llu is a leader of term %llu too: its entries dropped",
			       (unsigned long long)m->server_id,
			       (unsigned long long)ae->term);
		if (ae->entries)
			free_entries(ae->entries, ae->n_entries);
		return;
	}
	hold_progress(r, m);
	r->raft_recv(io, m);
	append_barrier(r);
}

static int start_io(struct raft_io *io, unsigned msecs, raft_io_tick_cb tick,
		    raft_io_recv_cb recv)
{
	struct agid_repl *r = repl_of_io(io);

	r->raft_recv = recv;
	return r->uv_start(io, msecs, tick, recv_message);
}

void agid_repl_logf(const struct agid_repl_ops *ops, enum agi_log_level level,
		    const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	n = snprintf(line, sizeof(line), "raft: ");
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	if (ops->log)
		ops->log(ops->arg, level, line);
}

static int fsm_apply(struct raft_fsm *fsm, const struct raft_buffer *buf,
		     void **result)
{
	struct agid_repl *r = fsm->data;
	struct agi_repl_entry *e = malloc(sizeof(*e));
	intptr_t ret;

	/* Never fail here: libraft would stop applying the log. */
	if (!e) {
		ret = -ENOMEM;
	} else if (agi_repl_entry_decode(buf->base, buf->len, e)) {
		agid_repl_logf(&r->ops, AGI_LOG_ERROR,
			       "entry %llu of %zu bytes is not an entry of this version: skipped",
			       (unsigned long long)raft_last_applied(&r->raft) + 1,
			       buf->len);
		ret = -EBADMSG;
	} else {
		ret = r->ops.apply(r->ops.arg, raft_last_applied(&r->raft) + 1,
				   e);
	}
	free(e);
	*result = (void *)ret;
	return 0;
}

/* Snapshots are off (see above); libraft needs the callbacks. */
static int fsm_snapshot(struct raft_fsm *fsm, struct raft_buffer *bufs[],
			unsigned *n)
{
	(void)fsm;
	(void)bufs;
	(void)n;
	return RAFT_NOTFOUND;
}

static int fsm_restore(struct raft_fsm *fsm, struct raft_buffer *buf)
{
	(void)fsm;
	(void)buf;
	return RAFT_NOTFOUND;
}

/* The data dir and its parent, 0700, when missing. */
static int make_dirs(const char *path, char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	char *slash;

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (slash = strchr(tmp + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(tmp, 0700) && errno != EEXIST)
			goto fail;
		*slash = '/';
	}
	if (mkdir(tmp, 0700) && errno != EEXIST)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "creating the raft data dir %s failed: %s", tmp,
		 strerror(errno));
	return -errno;
}

static int peers_from_config(struct agid_repl *r, const struct agi_config *cfg,
			     char *err, size_t errlen)
{
	const struct agi_config_member *m;
	unsigned i;

	r->n = cfg->n_group;
	r->self = r->n;
	for (i = 0; i < r->n; i++) {
		m = &cfg->group[i];
		r->peers[i].id = m->priority;
		snprintf(r->peers[i].name, sizeof(r->peers[i].name), "%s",
			 m->name);
		agi_config_member_addr(m, m->raft_port, r->peers[i].addr,
				       sizeof(r->peers[i].addr));
		agi_config_member_addr(m, m->port, r->datagram_addr[i],
				       sizeof(r->datagram_addr[i]));
		if (!m->key.set) {
			snprintf(err, errlen, "aggregators.%s.key is missing",
				 m->name);
			return -EINVAL;
		}
		memcpy(r->peers[i].pk, m->key.pk, AGI_PK_LEN);
		if (!strcmp(m->name, cfg->repl_member))
			r->self = i;
	}
	if (r->self == r->n) {
		snprintf(err, errlen, "replication.member '%s' is not in aggregators:",
			 cfg->repl_member);
		return -EINVAL;
	}
	return 0;
}

static int bootstrap(struct agid_repl *r, char *err, size_t errlen)
{
	struct raft_configuration conf;
	unsigned i;
	int rv = 0;

	raft_configuration_init(&conf);
	for (i = 0; i < r->n && !rv; i++)
		rv = raft_configuration_add(&conf, r->peers[i].id,
					    r->peers[i].addr, RAFT_VOTER);
	if (!rv)
		rv = raft_bootstrap(&r->raft, &conf);
	raft_configuration_close(&conf);
	/* A log that exists already keeps its own configuration. */
	if (rv && rv != RAFT_CANTBOOTSTRAP) {
		snprintf(err, errlen, "bootstrapping the raft log failed: %s",
			 raft_strerror(rv));
		return -EIO;
	}
	return 0;
}

int agid_repl_start(struct agid_repl **rp, uv_loop_t *loop,
		    const struct agi_config *cfg, const struct agi_keypair *self,
		    const struct agid_repl_ops *ops, char *err, size_t errlen)
{
	struct agid_repl *r = calloc(1, sizeof(*r));
	int rv;

	if (!r) {
		snprintf(err, errlen, "starting the replicated log failed: out of memory");
		return -ENOMEM;
	}
	r->ops = *ops;
	rv = peers_from_config(r, cfg, err, errlen);
	if (!rv)
		rv = make_dirs(cfg->repl_data_dir, err, errlen);
	if (rv)
		goto free;
	rv = agid_repl_transport_init(&r->transport, loop, self, r->peers,
				      r->n, &r->ops);
	if (rv) {
		snprintf(err, errlen, "starting the raft transport failed: %s",
			 strerror(-rv));
		goto free;
	}
	rv = raft_uv_init(&r->io, loop, cfg->repl_data_dir, &r->transport);
	if (rv) {
		snprintf(err, errlen, "opening the raft log in %s failed: %s",
			 cfg->repl_data_dir, r->io.errmsg);
		goto transport;
	}
	r->uv_send = r->io.send;
	r->io.send = send_message;
	r->uv_append = r->io.append;
	r->io.append = append_entries;
	r->uv_start = r->io.start;
	r->io.start = start_io;
	r->fsm.version = 1;
	r->fsm.data = r;
	r->fsm.apply = fsm_apply;
	r->fsm.snapshot = fsm_snapshot;
	r->fsm.restore = fsm_restore;
	rv = raft_init(&r->raft, &r->io, &r->fsm, r->peers[r->self].id,
		       r->peers[r->self].addr);
	if (rv) {
		snprintf(err, errlen, "starting raft failed: %s",
			 raft_errmsg(&r->raft));
		goto io;
	}
	raft_set_pre_vote(&r->raft, true);
	raft_set_election_timeout(&r->raft, cfg->repl_election_ms);
	raft_set_heartbeat_timeout(&r->raft, cfg->repl_election_ms / 10 ?: 1);
	raft_set_snapshot_threshold(&r->raft, UINT_MAX);
	rv = bootstrap(r, err, errlen);
	if (!rv) {
		rv = raft_start(&r->raft);
		if (rv)
			snprintf(err, errlen, "starting raft failed: %s",
				 raft_errmsg(&r->raft));
	}
	if (rv) {
		/* raft_close() releases the io and the transport's users. */
		raft_close(&r->raft, NULL);
		*rp = NULL;
		return -EIO;
	}
	r->started = true;
	agid_repl_logf(&r->ops, AGI_LOG_INFO,
		       "member %s (id %u) of %u, listening on %s, log in %s",
		       r->peers[r->self].name, r->peers[r->self].id, r->n,
		       r->peers[r->self].addr, cfg->repl_data_dir);
	*rp = r;
	return 0;
io:
	raft_uv_close(&r->io);
transport:
	agid_repl_transport_close(&r->transport);
free:
	free(r);
	*rp = NULL;
	return rv < 0 ? rv : -EIO;
}

static void applied(struct raft_apply *req, int status, void *result)
{
	struct propose *p = req->data;
	struct propose **pp;

	for (pp = &p->r->proposals; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	if (!status && p->lost)
		status = RAFT_IOERR;	/* another entry's success */
	if (status) {
		agid_repl_logf(&p->r->ops, AGI_LOG_INFO,
			       "entry %llu proposed here not held: %s",
			       (unsigned long long)req->index,
			       raft_strerror(status));
		/* Not the leader any more, or its log not written. */
		p->done(p->arg, status == RAFT_CANCELED ? -ECANCELED :
				status == RAFT_LEADERSHIPLOST ||
				status == RAFT_NOTLEADER ? -ENOTCONN : -EIO,
			0, req->index);
	} else
		p->done(p->arg, 0, (int)(intptr_t)result, req->index);
	free(p);
}

int agid_repl_propose(struct agid_repl *r, const struct agi_repl_entry *e,
		      agid_repl_done done, void *arg)
{
	struct raft_buffer buf;
	struct propose *p;
	int n, rv;

	if (raft_state(&r->raft) != RAFT_LEADER)
		return -ENOTCONN;
	p = calloc(1, sizeof(*p));
	buf.base = raft_malloc(AGI_REPL_ENTRY_MAX);
	if (!p || !buf.base) {
		free(p);
		raft_free(buf.base);
		return -ENOMEM;
	}
	n = agi_repl_entry_encode(e, buf.base, AGI_REPL_ENTRY_MAX);
	if (n < 0) {
		free(p);
		raft_free(buf.base);
		return n;
	}
	buf.len = (size_t)n;
	p->r = r;
	p->done = done;
	p->arg = arg;
	p->req.data = p;
	p->next = r->proposals;
	r->proposals = p;
	rv = raft_apply(&r->raft, &p->req, &buf, 1, applied);
	if (rv) {
		r->proposals = p->next;
		free(p);
		raft_free(buf.base);
		return rv == RAFT_NOTLEADER ? -ENOTCONN : -EIO;
	}
	return 0;
}

bool agid_repl_is_leader(struct agid_repl *r)
{
	return raft_state(&r->raft) == RAFT_LEADER;
}

void agid_repl_status(struct agid_repl *r, struct agid_repl_status *st)
{
	static const char *const states[] = {
		[RAFT_UNAVAILABLE] = "unavailable", [RAFT_FOLLOWER] = "follower",
		[RAFT_CANDIDATE] = "candidate", [RAFT_LEADER] = "leader",
	};
	const char *addr;
	raft_id id;
	unsigned i;
	int s = raft_state(&r->raft);

	memset(st, 0, sizeof(*st));
	st->state = s >= 0 && s < (int)ARRAY_SIZE(states) ? states[s] : "?";
	st->term = r->raft.current_term;
	st->commit_index = r->raft.commit_index;
	st->last_applied = raft_last_applied(&r->raft);
	raft_leader(&r->raft, &id, &addr);
	st->leader = (u32)id;
	st->members = r->n;
	st->connected = agid_repl_transport_connected(&r->transport, st->open);
	for (i = 0; i < r->n; i++) {
		if (r->peers[i].id != id)
			continue;
		snprintf(st->leader_name, sizeof(st->leader_name), "%s",
			 r->peers[i].name);
		snprintf(st->leader_addr, sizeof(st->leader_addr), "%s",
			 r->datagram_addr[i]);
	}
}

/*
 * The transfer ended: the target leads, another member does (an election
 * overtook it), or no one yet; or this member still leads.
 */
static void transferred(struct raft_transfer *req)
{
	struct agid_repl *r = req->data;
	const char *to = r->peers[r->transfer_to].name;
	const char *addr;
	raft_id id = 0;
	unsigned i;

	r->transferring = false;
	if (raft_state(&r->raft) == RAFT_LEADER) {
		agid_repl_logf(&r->ops, AGI_LOG_WARNING,
			       "leadership to %s: not taken in time; this member stays the leader",
			       to);
		return;
	}
	raft_leader(&r->raft, &id, &addr);
	if (id == r->peers[r->transfer_to].id) {
		agid_repl_logf(&r->ops, AGI_LOG_INFO,
			       "leadership to %s: handed over", to);
		return;
	}
	for (i = 0; i < r->n && r->peers[i].id != id; i++)
		;
	if (i < r->n)
		agid_repl_logf(&r->ops, AGI_LOG_INFO,
			       "leadership to %s: %s leads instead (an election overtook the transfer)",
			       to, r->peers[i].name);
	else
		agid_repl_logf(&r->ops, AGI_LOG_INFO,
			       "leadership to %s: this member no longer leads; no leader is known yet",
			       to);
}

int agid_repl_transfer(struct agid_repl *r, unsigned i, const char *why)
{
	int rv;

	if (!agid_repl_is_leader(r) || r->transferring)
		return -EALREADY;
	if (i >= r->n || i == r->self)
		return -EINVAL;
	r->transfer.data = r;
	rv = raft_transfer(&r->raft, &r->transfer, r->peers[i].id, transferred);
	if (rv) {
		agid_repl_logf(&r->ops, AGI_LOG_WARNING,
			       "handing leadership to %s failed: %s",
			       r->peers[i].name, raft_strerror(rv));
		return -EIO;
	}
	r->transferring = true;
	r->transfer_to = i;
	agid_repl_logf(&r->ops, AGI_LOG_INFO, "handing leadership to %s: %s",
		       r->peers[i].name, why);
	return 0;
}

void agid_repl_not_leader(struct agid_repl *r, char *buf, size_t size)
{
	struct agid_repl_status st;

	agid_repl_status(r, &st);
	if (st.leader_name[0])
		snprintf(buf, size, "not the group's leader; the leader is %s at %s",
			 st.leader_name, st.leader_addr);
	else
		snprintf(buf, size, "not the group's leader; no leader is known (no majority of the group is reachable)");
}

static void raft_closed(struct raft *raft)
{
	struct agid_repl *r = raft->data;
	void (*cb)(void *arg) = r->closed;
	void *arg = r->closed_arg;

	raft_uv_close(&r->io);
	agid_repl_transport_close(&r->transport);
	free(r);
	if (cb)
		cb(arg);
}

void agid_repl_stop(struct agid_repl *r, void (*closed)(void *arg), void *arg)
{
	r->closed = closed;
	r->closed_arg = arg;
	r->raft.data = r;
	raft_close(&r->raft, raft_closed);
}
