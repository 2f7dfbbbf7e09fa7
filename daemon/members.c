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
 * A sealed aggregator (session.c) takes a HEARTBEAT only as the module
 * opened it, from the key aggregator.workers[] gives for the worker id it
 * names: anything else adds nothing, moves nothing and gets no answer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "user/msg.h"
#include "user/names.h"
#include "user/peer.h"
#include "user/status.h"
#include "program.h"
#include "runtime.h"

/* Not an enum agiswarm_health: never told to the module or a worker. */
#define HEALTH_UNKNOWN 0xff

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

/* Adds @w to the module with its health, or removes it. */
static void change_membership(struct agid *d, struct agid_worker *w,
			      bool adding)
{
	if (peer_change(d, w, adding, adding ? w->health : -1)) {
		agid_log(d, AGI_LOG_WARNING, "the module refused to %s worker %u: tried again at the next check",
			 adding ? "add" : "remove", w->id);
		return;
	}
	w->in_module = adding;
	w->told = adding ? w->health : -1;
}

/* Brings the module in line with @w's health. */
static void reconcile(struct agid *d, struct agid_worker *w)
{
	if (w->health == AGISWARM_HEALTH_HEALTHY && !w->in_module)
		change_membership(d, w, true);
	else if (w->health == AGISWARM_HEALTH_UNHEALTHY && w->in_module &&
		 !w->is_static)
		change_membership(d, w, false);
	else
		tell_health(d, w);
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

static void answer(struct agid *d, const struct agi_endpoint *to,
		   const u8 *pk, const struct agi_heartbeat *h,
		   const struct agid_worker *w)
{
	struct agi_status_msg s = {
		.node = d->cfg->node_id,
		.seq = h->seq,
		.health = w ? w->health : AGISWARM_HEALTH_UNHEALTHY,
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
	if (n > 0)
		agid_send_to(d, pk, to, out, (size_t)n);
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

void agid_members_greet(struct agid *d, const u8 pk[AGI_PK_LEN])
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
		answer(d, &m.ep, pk, &h, NULL);
		return;
	}

	for (i = 0; i < l->n; i++) {
		if (!l->p[i].key.set || memcmp(l->p[i].key.pk, pk, AGI_PK_LEN))
			continue;
		answer(d, &l->p[i].ep, pk, &h, find(&d->members, l->p[i].id));
		return;
	}
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
		if (!same_ep(&w->ep, &ep) && !w->is_static)
			w->in_module = false;	/* moved: add at the new place */
		if (!w->is_static || !w->ep.len)
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
	return uv_timer_start(&d->members.timer, on_tick, period, period);
}

void agid_members_close(struct agid *d)
{
	agid_close(&d->members.timer);
}
