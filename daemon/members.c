// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Worker membership on an aggregator. Workers' daemons send a HEARTBEAT
 * every worker.heartbeat_interval; this table keeps, per worker id, its
 * endpoint (the heartbeat's source address with the port it names), its
 * figures and its health:
 *
 *   unknown    a static worker not heard from since the daemon started
 *              (no agiswarmd runs there, perhaps): kept, nothing told
 *   unhealthy  no heartbeat for unhealthy_after_missed intervals
 *   degraded   its last round trip above degraded_latency_ms, or its cpu
 *              above degraded_cpu_percent
 *   healthy    otherwise
 *
 * A healthy worker that the module does not have (or has at another
 * endpoint) is added to it, an unhealthy one removed, and the module
 * rebalances the rows itself. Every change of a member's health is told
 * to the module too (a peer add at the same endpoint, which keeps the
 * rows), so "agictl workers list" shows it. Workers of aggregator.workers are static:
 * added by the configuration, never removed. Workers the module already
 * had when the daemon started are taken as heard at that moment, so a
 * restarted daemon changes nothing while heartbeats keep coming.
 *
 * In a replicated group (replication.member, group.c) every member hears
 * every worker and judges it, but the set of workers is the group's: only
 * the raft leader's daemon decides an add or a removal, and proposes it
 * as a WORKER entry of the group's log (ADD with the worker's id and
 * "ip:port", REMOVE with its id) instead of changing its module; every
 * member, the leader included, changes its module when the entry is
 * applied (agid_members_apply()), so that all hold the same workers and
 * plan the same rows. A follower's judgement is for display (agictl
 * workers list, metrics) and the health it tells its module. One
 * proposal per worker is in flight; one that fails (the leader lost its
 * role) is made again at a later judgement if this member leads then,
 * and one the leader could not apply waits PROPOSE_RETRY_MS. Applying is
 * idempotent, so that duplicates and the log's replay after a restart
 * leave the same set; the entries libraft applies in one turn of the loop
 * (a replay) are taken first and change the module once per worker, as
 * the last of them says (an ADD and a later REMOVE of a worker, replayed,
 * leave its rows alone). A static worker that the leader's module lacks
 * is proposed whatever its health: a group is sealed, and a sealed module
 * opens only the heartbeats of its peers; but not one the group's log
 * removed while this daemon runs (another member's file lacks it: members
 * whose files differ, during a rolling change of them, would otherwise
 * add and remove it in turn). A sealed member refuses an ADD
 * of a worker whose key its aggregator.workers does not give. The
 * decisions are include/user/membership.c.
 *
 * A sealed aggregator (session.c) takes a HEARTBEAT only as the module
 * opened it, from the key aggregator.workers[] gives for the worker id it
 * names: anything else adds nothing, moves nothing and gets no answer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "user/membership.h"
#include "user/msg.h"
#include "user/names.h"
#include "user/peer.h"
#include "user/repl_entry.h"
#include "user/status.h"
#include "program.h"
#include "repl.h"
#include "runtime.h"

/* Not an enum agiswarm_health: never told to the module or a worker. */
#define HEALTH_UNKNOWN AGI_MEMBER_HEALTH_UNKNOWN
/* After a proposal this member could not apply: the next one no sooner. */
#define PROPOSE_RETRY_MS 5000

static const char *health_name(u8 health)
{
	return health == HEALTH_UNKNOWN ? "unknown" : agi_health_name(health);
}

static u64 heartbeat_ms(const struct agid *d)
{
	return d->cfg->heartbeat_us / 1000 ? d->cfg->heartbeat_us / 1000 : 1;
}

static struct agid_worker *find(struct agid_members *m, u32 id)
{
	u32 i;

	for (i = 0; i < m->n; i++)
		if (m->w[i].id == id)
			return &m->w[i];
	return NULL;
}

static struct agid_worker *add_entry(struct agid *d, u32 id)
{
	struct agid_members *m = &d->members;
	struct agid_worker *w;

	if (m->n >= d->cfg->max_workers || m->n >= AGI_CONFIG_MAX_PEERS)
		return NULL;
	w = &m->w[m->n++];
	memset(w, 0, sizeof(*w));
	w->id = id;
	w->told = -1;
	w->last_heard_ms = agid_now_ms();
	return w;
}

static void drop_entry(struct agid_members *m, struct agid_worker *w)
{
	*w = m->w[--m->n];
}

static bool same_ep(const struct agi_endpoint *a, const struct agi_endpoint *b)
{
	return a->len == b->len && !memcmp(&a->addr, &b->addr, a->len);
}

static void ep_text(const struct agi_endpoint *ep, char *buf, size_t size)
{
	agi_format_endpoint(&ep->addr, ep->len, buf, size);
}

/* --- what the module has at start ------------------------------------ */

/* The workers the module already has, as members heard now. */
static void adopt_module_workers(struct agid *d)
{
	struct agi_peer_list l = { 0 };
	struct agid_worker *w;
	size_t i;
	int err;

	err = agi_peers_get(d->nl, &l);
	if (err)
		agid_log(d, AGI_LOG_WARNING, "reading the module's workers failed: %s",
			 strerror(-err));
	for (i = 0; i < l.n; i++) {
		if (l.peers[i].kind != AGISWARM_PEER_WORKER || !l.peers[i].ep.len)
			continue;
		w = add_entry(d, l.peers[i].id);
		if (!w)
			continue;
		w->ep = l.peers[i].ep;
		w->in_module = true;
	}
	agi_peer_list_free(&l);
}

static void mark_static(struct agid *d)
{
	const struct agi_config_peers *l = &d->cfg->workers;
	struct agid_worker *w;
	u32 i;

	for (i = 0; i < l->n; i++) {
		w = find(&d->members, l->p[i].id);
		if (!w)
			w = add_entry(d, l->p[i].id);
		if (!w)
			continue;
		w->is_static = true;
		if (!w->ep.len)
			w->ep = l->p[i].ep;
	}
}

/* --- health ----------------------------------------------------------- */

static u8 judge(const struct agid *d, const struct agid_worker *w, u64 now)
{
	u64 limit = heartbeat_ms(d) * d->cfg->unhealthy_after_missed;

	/* Silence from a worker that never spoke says nothing of its health. */
	if (w->is_static && !w->heard && now - w->last_heard_ms > limit)
		return HEALTH_UNKNOWN;
	if (now - w->last_heard_ms > limit)
		return AGISWARM_HEALTH_UNHEALTHY;
	if (w->heard && (w->latency_us > d->cfg->degraded_latency_ms * 1000ULL ||
			 w->cpu_permille > d->cfg->degraded_cpu_percent * 10))
		return AGISWARM_HEALTH_DEGRADED;
	return AGISWARM_HEALTH_HEALTHY;
}

static void set_health(struct agid *d, struct agid_worker *w, u8 health)
{
	char ep[64];

	if (health == w->health)
		return;
	ep_text(&w->ep, ep, sizeof(ep));
	agid_log(d, health == AGISWARM_HEALTH_HEALTHY ? AGI_LOG_INFO :
		 AGI_LOG_WARNING,
		 "worker %u at %s is %s (was %s; cpu %u.%u%%, memory %u.%u%%, round trip %u us)%s",
		 w->id, ep, health_name(health), health_name(w->health),
		 w->cpu_permille / 10, w->cpu_permille % 10,
		 w->mem_permille / 10, w->mem_permille % 10, w->latency_us,
		 health == HEALTH_UNKNOWN ?
		 ": no heartbeat since agiswarmd started (does an agiswarmd run on it?); static, kept in the module" :
		 w->is_static && health == AGISWARM_HEALTH_UNHEALTHY ?
		 ": static, kept in the module" : "");
	w->health = health;
}

/* The configured worker of id @id, or NULL. */
static const struct agi_config_peer *configured(const struct agid *d, u32 id)
{
	const struct agi_config_peers *l = &d->cfg->workers;
	u32 i;

	for (i = 0; i < l->n; i++)
		if (l->p[i].id == id)
			return &l->p[i];
	return NULL;
}

/*
 * Adds @w to the module (with @health, or none when negative) or removes
 * it; every change is logged as the agictl command that does it by hand.
 */
static int peer_change(struct agid *d, struct agid_worker *w, bool adding,
		       int health)
{
	const struct agi_config_peer *c = configured(d, w->id);
	struct agi_peer_req p = {
		.kind = AGISWARM_PEER_WORKER, .id = w->id, .ep = w->ep,
		.health = health,
	};
	char ep[64];
	int err;

	/* its link: keyed by session.c, kept while it is a peer */
	if (c && c->key.set) {
		p.has_pubkey = true;
		memcpy(p.pubkey, c->key.pk, AGISWARM_PUBKEY_LEN);
	}
	ep_text(&w->ep, ep, sizeof(ep));
	err = adding ? agi_peer_add(d->nl, &p) :
		       agi_peer_del(d->nl, AGISWARM_PEER_WORKER, w->id);
	agid_log(d, err ? AGI_LOG_WARNING : AGI_LOG_INFO,
		 "agictl peer %s worker %u%s%s%s%s%s%s", adding ? "add" : "del",
		 w->id, adding ? " " : "", adding ? ep : "",
		 adding && health >= 0 ? " health " : "",
		 adding && health >= 0 ? agi_health_name(health) : "",
		 err ? ": " : "",
		 !err ? "" : d->nl->extack[0] ? d->nl->extack : strerror(-err));
	return err;
}

/*
 * @w went into the module anew: the link its key names there is new too,
 * without keys, and a handshake that failed for want of it (or keys made
 * before it was removed) waits for no backoff.
 */
static void link_new(struct agid *d, const struct agid_worker *w)
{
	const struct agi_config_peer *c = configured(d, w->id);

	if (c && c->key.set)
		agid_session_link_new(d, c->key.pk);
}

/* Tells the module a member's new health; it keeps the worker's rows. */
static void tell_health(struct agid *d, struct agid_worker *w)
{
	if (!w->in_module || w->told == w->health ||
	    w->health == HEALTH_UNKNOWN)
		return;
	if (peer_change(d, w, true, w->health)) {
		agid_log(d, AGI_LOG_WARNING, "the module refused the health of worker %u: tried again at the next check",
			 w->id);
		return;
	}
	w->told = w->health;
}

/* In a group and not its leader: the group's set changes only by the log. */
static bool follows(struct agid *d)
{
	return d->repl && !agid_repl_is_leader(d->repl);
}

/* Adds @w to the module with its health, or removes it. */
static void change_membership(struct agid *d, struct agid_worker *w,
			      bool adding)
{
	if (peer_change(d, w, adding, adding ? w->health : -1)) {
		agid_log(d, AGI_LOG_WARNING, "the module refused to %s worker %u: tried again at the next check",
			 adding ? "add" : "remove", w->id);
		return;
	}
	if (adding && !w->in_module)
		link_new(d, w);
	w->in_module = adding;
	w->told = adding ? w->health : -1;
}

/* --- the group's set (replication.member) ---------------------------- */

struct proposal {
	struct agid *d;
	u32 id;
	bool adding;
};

/* The group's answer to a WORKER entry this member proposed. */
static void proposed(void *arg, int status, int result, u64 index)
{
	struct proposal *p = arg;
	struct agid *d = p->d;
	struct agid_worker *w = find(&d->members, p->id);

	/* Taken: proposing ends once the module changed (flush_entries). */
	if (w && (status || result)) {
		w->proposing = false;
		if (!status)
			w->retry_ms = agid_now_ms() + PROPOSE_RETRY_MS;
	}
	if (status && status != -ECANCELED)
		agid_log(d, AGI_LOG_WARNING, "raft: entry %llu (%s worker %u) not confirmed to this member (%s: it lost the leadership, or could not write its log); it may still be committed, and whoever leads judges the worker again",
			 (unsigned long long)index, p->adding ? "add" : "remove",
			 p->id, strerror(-status));
	else if (!status && result)
		agid_log(d, AGI_LOG_WARNING, "raft: entry %llu (%s worker %u) is the group's, but this member could not apply it (%s): proposed again in %u s at the earliest",
			 (unsigned long long)index, p->adding ? "add" : "remove",
			 p->id, strerror(-result), PROPOSE_RETRY_MS / 1000);
	free(p);
}

/* The leader proposes adding @w (at its endpoint) or removing it. */
static void propose(struct agid *d, struct agid_worker *w, bool adding)
{
	struct agi_repl_entry e = { .type = AGI_REPL_WORKER };
	struct proposal *p = malloc(sizeof(*p));
	int err;

	if (!p)
		return;
	*p = (struct proposal){ .d = d, .id = w->id, .adding = adding };
	e.worker.op = adding ? AGI_REPL_WORKER_ADD : AGI_REPL_WORKER_REMOVE;
	e.worker.id = w->id;
	if (adding)
		ep_text(&w->ep, e.worker.address, sizeof(e.worker.address));
	err = agid_repl_propose(d->repl, &e, proposed, p);
	if (err) {
		free(p);
		agid_log(d, err == -ENOTCONN ? AGI_LOG_DEBUG : AGI_LOG_WARNING,
			 "raft: proposing to %s worker %u failed: %s (tried again at the next check if this member leads)",
			 adding ? "add" : "remove", w->id, strerror(-err));
		return;
	}
	w->proposing = true;
	agid_log(d, AGI_LOG_INFO, "raft: proposed to the group: %s worker %u%s%s (%s here)",
		 adding ? "add" : "remove", w->id, adding ? " at " : "",
		 e.worker.address, health_name(w->health));
}

/* Changes the module as the group's entry @index says; 0 or -errno. */
static int apply_entry(struct agid *d, u64 index,
		       const struct agi_repl_worker *e)
{
	const struct agi_config_peer *c = configured(d, e->id);
	struct agid_worker *w = find(&d->members, e->id);
	bool adding = e->op == AGI_REPL_WORKER_ADD;
	struct agi_endpoint ep = { 0 };
	int err;

	if (adding && agi_parse_endpoint(e->address, &ep))
		return -EINVAL;
	switch (agi_member_apply_step(e->op, w && w->in_module,
				      w && same_ep(&w->ep, &ep),
				      d->sess.sealed, c && c->key.set)) {
	case AGI_APPLY_NOTHING:
		agid_log(d, AGI_LOG_INFO, "raft: entry %llu (%s worker %u%s%s): nothing to change, the module %s it already",
			 (unsigned long long)index, adding ? "add" : "remove",
			 e->id, adding ? " at " : "", e->address,
			 adding ? "has" : "lacks");
		return 0;
	case AGI_APPLY_NO_KEY:
		agid_log(d, AGI_LOG_ERROR, "raft: entry %llu (add worker %u at %s) NOT applied here: this member's aggregator.workers gives no key for worker %u, and a sealed aggregator keys each worker's link from it; add the worker with its key to this member's file and restart its daemon (the log is applied again at start)",
			 (unsigned long long)index, e->id, e->address, e->id);
		return -ENOKEY;
	case AGI_APPLY_INVALID:
		return -EINVAL;
	case AGI_APPLY_ADD:
		if (!w)
			w = add_entry(d, e->id);
		if (!w) {
			agid_log(d, AGI_LOG_ERROR, "raft: entry %llu (add worker %u at %s) NOT applied here: aggregator.max_workers (%u) reached",
				 (unsigned long long)index, e->id, e->address,
				 d->cfg->max_workers);
			return -ENOSPC;
		}
		w->ep = ep;
		break;
	case AGI_APPLY_REMOVE:
		if (w->is_static)
			agid_log(d, AGI_LOG_WARNING, "raft: entry %llu removes worker %u, which this member's aggregator.workers lists (the members' files differ): the group's set wins, and this daemon proposes it no more until it restarts",
				 (unsigned long long)index, e->id);
		break;
	}
	err = peer_change(d, w, adding, adding && w->heard &&
			  w->health != HEALTH_UNKNOWN ? w->health : -1);
	if (err) {
		agid_log(d, AGI_LOG_ERROR, "raft: entry %llu (%s worker %u%s%s) NOT applied here: the module refused it",
			 (unsigned long long)index, adding ? "add" : "remove",
			 e->id, adding ? " at " : "", e->address);
		return err;
	}
	if (adding && !w->in_module)
		link_new(d, w);
	w->in_module = adding;
	w->told = adding && w->heard ? w->health : -1;
	w->group_removed = !adding && w->is_static;
	/*
	 * Removed: healthy again only when heard again, not as a worker the
	 * module had at start, taken as heard then (a leader would propose
	 * it back at once).
	 */
	if (!adding) {
		w->heard = false;
		w->last_heard_ms = 0;
	}
	agid_log(d, AGI_LOG_INFO, "raft: entry %llu applied: worker %u %s the module%s%s (the group's set)",
		 (unsigned long long)index, e->id,
		 adding ? "added to" : "removed from", adding ? " at " : "",
		 e->address);
	return 0;
}

/* The entries taken since the last flush, in the order they came. */
static void flush_entries(struct agid *d)
{
	struct agid_members *m = &d->members;
	struct agid_worker *w;
	u32 i;
	int err;

	for (i = 0; i < m->n_pending; i++) {
		err = apply_entry(d, m->pending[i].index, &m->pending[i].e);
		w = find(m, m->pending[i].e.id);
		if (!w)
			continue;
		w->proposing = false;
		/* Not applied here: the leader proposes it again, not at once. */
		if (err)
			w->retry_ms = agid_now_ms() + PROPOSE_RETRY_MS;
	}
	m->n_pending = 0;
}

static void on_flush(uv_timer_t *t)
{
	flush_entries(t->data);
}

int agid_members_apply(struct agid *d, u64 index,
		       const struct agi_repl_worker *e)
{
	struct agid_members *m = &d->members;
	struct agid_worker_entry *p = NULL;
	u32 i;

	if (e->op != AGI_REPL_WORKER_ADD && e->op != AGI_REPL_WORKER_REMOVE)
		return -EINVAL;
	for (i = 0; i < m->n_pending && !p; i++)
		if (m->pending[i].e.id == e->id)
			p = &m->pending[i];
	if (p) {
		agid_log(d, AGI_LOG_INFO, "raft: entry %llu (%s worker %u) is followed by entry %llu (%s it) in the same run of entries: only the later changes the module",
			 (unsigned long long)p->index,
			 p->e.op == AGI_REPL_WORKER_ADD ? "add" : "remove",
			 e->id, (unsigned long long)index,
			 e->op == AGI_REPL_WORKER_ADD ? "add" : "remove");
	} else {
		if (m->n_pending == AGI_CONFIG_MAX_PEERS)
			flush_entries(d);
		p = &m->pending[m->n_pending++];
	}
	p->index = index;
	p->e = *e;
	/* After the entries libraft applies in this turn of the loop. */
	if (!uv_is_active((uv_handle_t *)&m->flush))
		uv_timer_start(&m->flush, on_flush, 0, 0);
	return 0;
}

/* Brings the module (alone) or the group's set (its leader) in line. */
static void reconcile(struct agid *d, struct agid_worker *w)
{
	const struct agi_member_view v = {
		.health = w->health,
		.in_module = w->in_module,
		/* Removed by the group: another member's file lacks it. */
		.is_static = w->is_static && !w->group_removed,
		.health_told = w->told == w->health,
		.in_group = d->repl != NULL,
		.leader = d->repl && agid_repl_is_leader(d->repl),
		.proposing = w->proposing || agid_now_ms() < w->retry_ms,
	};

	switch (agi_member_step(&v)) {
	case AGI_MEMBER_ADD:
	case AGI_MEMBER_REMOVE:
		change_membership(d, w, !w->in_module);
		break;
	case AGI_MEMBER_PROPOSE_ADD:
	case AGI_MEMBER_PROPOSE_REMOVE:
		propose(d, w, !w->in_module);
		break;
	case AGI_MEMBER_TELL:
		tell_health(d, w);
		break;
	case AGI_MEMBER_KEEP:
		break;
	}
}

static void on_tick(uv_timer_t *t)
{
	struct agid *d = t->data;
	struct agid_members *m = &d->members;
	u64 now = agid_now_ms();
	u32 i = 0;

	while (i < m->n) {
		set_health(d, &m->w[i], judge(d, &m->w[i], now));
		reconcile(d, &m->w[i]);
		/* Gone from the module and silent: forget it. */
		if (m->w[i].health == AGISWARM_HEALTH_UNHEALTHY &&
		    !m->w[i].in_module && !m->w[i].is_static) {
			drop_entry(m, &m->w[i]);
			continue;
		}
		i++;
	}
}

/* --- heartbeats ------------------------------------------------------- */

/*
 * The health a STATUS tells of @w. A static worker not heard since this
 * daemon started has none the wire can carry (HEALTH_UNKNOWN is above
 * AGISWARM_HEALTH_MAX, and the encoder refuses the whole STATUS): it is
 * told unhealthy, as a worker this aggregator does not know is.
 */
static u8 wire_health(const struct agid_worker *w)
{
	return w && w->health != HEALTH_UNKNOWN ? w->health :
						  AGISWARM_HEALTH_UNHEALTHY;
}

/* A STATUS to @to, sealed for @pk when given: 0 or -errno. */
static int answer(struct agid *d, const struct agi_endpoint *to,
		  const u8 *pk, const struct agi_heartbeat *h,
		  const struct agid_worker *w)
{
	struct agi_status_msg s = {
		.node = d->cfg->node_id,
		.seq = h->seq,
		.health = wire_health(w),
		.member = w && w->in_module,
	};
	struct agi_status st;
	u8 out[AGISWARM_WIRE_MAX];
	int n;

	if (!agi_status_get(d->nl, &st)) {
		s.epoch = st.field[AGI_ST_EPOCH];
		s.cycle = st.field[AGI_ST_CYCLE_ID];
	}
	n = agi_status_msg_encode(&s, out, sizeof(out));
	if (n < 0) {
		agid_log(d, AGI_LOG_WARNING, "a STATUS for worker %u could not be encoded: %s",
			 w ? w->id : 0, strerror(-n));
		return n;
	}
	return agid_send_to(d, pk, to, out, (size_t)n);
}

/* Whether a HEARTBEAT from worker @id that came with @pk may be taken. */
static bool authentic(struct agid *d, u32 id, const u8 *pk)
{
	const struct agi_config_peer *c;

	if (!d->sess.sealed)
		return true;
	c = configured(d, id);
	return pk && c && c->key.set && !memcmp(c->key.pk, pk, AGI_PK_LEN);
}

int agid_members_greet(struct agid *d, const u8 pk[AGI_PK_LEN])
{
	const struct agi_config_peers *l = &d->cfg->workers;
	struct agi_heartbeat h = { 0 };
	struct agi_peer_req m;
	u32 i;

	/* A fellow member: its keys become current before it drives. */
	for (i = 0; agid_member_key(d->cfg, pk) && i < d->cfg->n_group; i++) {
		if (memcmp(d->cfg->group[i].key.pk, pk, AGI_PK_LEN) ||
		    agid_member_peer(d->cfg, i, false, &m))
			continue;
		return answer(d, &m.ep, pk, &h, NULL);
	}

	for (i = 0; i < l->n; i++) {
		if (!l->p[i].key.set || memcmp(l->p[i].key.pk, pk, AGI_PK_LEN))
			continue;
		return answer(d, &l->p[i].ep, pk, &h,
			      find(&d->members, l->p[i].id));
	}
	return 0;
}

static void endpoint_of(const struct agi_endpoint *from, u16 port,
			struct agi_endpoint *ep)
{
	*ep = *from;
	if (from->addr.sin.sin_family == AF_INET6)
		ep->addr.sin6.sin6_port = htons(port);
	else
		ep->addr.sin.sin_port = htons(port);
}

void agid_members_heartbeat(struct agid *d, const struct agi_endpoint *from,
			    const u8 *pk, const u8 *dgram, size_t len)
{
	struct agi_heartbeat h;
	struct agi_endpoint ep;
	struct agid_worker *w;
	char text[64];

	if (agi_heartbeat_decode(dgram, len, &h)) {
		agi_format_endpoint(&from->addr, from->len, text, sizeof(text));
		agid_log(d, AGI_LOG_DEBUG, "a malformed HEARTBEAT from %s was dropped",
			 text);
		return;
	}
	if (!authentic(d, h.worker, pk)) {
		d->sess.unsealed_dropped++;
		agi_format_endpoint(&from->addr, from->len, text, sizeof(text));
		agid_log(d, AGI_LOG_DEBUG, "a HEARTBEAT naming worker %u from %s was ignored: %s (%llu so far)",
			 h.worker, text, pk ? "not that worker's key" :
			 "not sealed", (unsigned long long)d->sess.unsealed_dropped);
		return;
	}
	agid_session_heard(d, pk);
	endpoint_of(from, h.port, &ep);
	w = find(&d->members, h.worker);
	if (!w) {
		w = add_entry(d, h.worker);
		if (!w)
			agid_log(d, AGI_LOG_WARNING, "worker %u ignored: aggregator.max_workers (%u) reached",
				 h.worker, d->cfg->max_workers);
	}
	if (w) {
		/* A follower's module keeps it where the group's log put it. */
		if (!same_ep(&w->ep, &ep) && !w->is_static && !follows(d))
			w->in_module = false;	/* moved: add at the new place */
		if ((!w->is_static || !w->ep.len) && !(w->in_module && follows(d)))
			w->ep = ep;
		w->heard = true;
		w->last_heard_ms = agid_now_ms();
		w->cpu_permille = h.cpu_permille;
		w->mem_permille = h.mem_permille;
		w->latency_us = h.latency_us;
		w->queue = h.queue;
		set_health(d, w, judge(d, w, w->last_heard_ms));
		reconcile(d, w);
	}
	answer(d, from, pk, &h, w);
}

int agid_members_init(struct agid *d)
{
	u64 period = heartbeat_ms(d) / 2 ? heartbeat_ms(d) / 2 : 1;
	u32 i;

	adopt_module_workers(d);
	mark_static(d);
	for (i = 0; i < d->members.n; i++)
		d->members.w[i].health = AGISWARM_HEALTH_HEALTHY;
	agid_log(d, AGI_LOG_INFO, "membership: %u workers known (%u static), heartbeats every %llu ms, unhealthy after %u missed",
		 d->members.n, d->cfg->workers.n,
		 (unsigned long long)heartbeat_ms(d),
		 d->cfg->unhealthy_after_missed);
	uv_timer_init(&d->loop, &d->members.timer);
	d->members.timer.data = d;
	uv_timer_init(&d->loop, &d->members.flush);
	d->members.flush.data = d;
	return uv_timer_start(&d->members.timer, on_tick, period, period);
}

void agid_members_close(struct agid *d)
{
	agid_close(&d->members.timer);
	agid_close(&d->members.flush);
}
