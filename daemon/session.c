// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Sealed sessions: the node's key (node.key_file, created at first start),
 * the handshakes with the peers whose keys the configuration gives, and
 * the keys pushed into the module, which seals and opens every datagram
 * between nodes with them. The logic (whom, when, retries, rekeying,
 * replays) is the library's (include/user/session.h); this file drives it
 * from the loop: a tick sends the INITs that are due, the upcalls bring
 * INITs and RESPs, and each finished handshake is installed with SET_KEY.
 *
 *   aggregator   INITIATE to aggregator.workers[] with a key; RESPOND to
 *                the sensors' and actuators' keys (the plant starts) and
 *                to the operators of security.authorized_keys (`agictl
 *                commit --peer-key`: a short session of kind OPERATOR for
 *                one COMMIT and its COMMIT_ACK)
 *   worker       RESPOND to worker.aggregator.key
 *   group        aggregators: with 2 or more members: a member of the
 *                group (replication.member) INITIATEs to the members of
 *                higher rank and RESPONDs to those of lower rank; a
 *                worker given the section RESPONDs to every member
 *
 * A node with at least one peer key is sealed: its daemon then takes the
 * control datagrams (HEARTBEAT, STATUS) only opened by the module, from
 * the key they must come from, and sends its own sealed.
 */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <sodium.h>

#include "user/peer.h"
#include "program.h"
#include "runtime.h"

#define TICK_MS 250
/* How often the module's links are compared with the sessions' state. */
#define WATCH_MS 2000

static u64 realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

/* A nonzero index for a new keypair; the module refuses one it has. */
static u32 new_index(void)
{
	u32 i;

	do
		i = randombytes_random();
	while (!i);
	return i;
}

static void key_text(const u8 pk[AGI_PK_LEN], char out[17])
{
	agi_hex_encode(pk, 8, out);
}

/* The directories above @path, 0700 where they are missing. */
static int make_parents(const char *path)
{
	char dir[AGI_CONFIG_PATH_LEN], *p;

	snprintf(dir, sizeof(dir), "%s", path);
	p = strrchr(dir, '/');
	if (!p || p == dir)
		return 0;
	*p = '\0';
	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

static int load_node_key(struct agid *d, struct agi_keypair *kp)
{
	const char *path = d->cfg->node_key_file;
	char err[AGI_CONFIG_PATH_LEN + 128], pk[17];
	bool created;
	int ret;

	ret = make_parents(path);
	if (!ret)
		ret = agi_node_key_load(path, true, kp, &created, err,
					sizeof(err));
	else
		snprintf(err, sizeof(err), "%s: %s", path, strerror(-ret));
	if (ret) {
		agid_log(d, d->sess.sealed ? AGI_LOG_ERROR : AGI_LOG_WARNING,
			 "reading the node key failed: %s", err);
		return ret;
	}
	key_text(kp->pk, pk);
	agid_log(d, AGI_LOG_INFO, "node key %s... %s %s", pk,
		 created ? "created in" : "read from", path);
	return 0;
}

static void add_peer(struct agid *d, const struct agi_config_pubkey *key,
		     u8 role, const struct agi_endpoint *ep)
{
	int err;

	if (!key->set)
		return;
	if (!agi_sess_add(d->sess.s, key->pk, role, ep, &err))
		agid_log(d, AGI_LOG_WARNING, "a peer key is left out: %s",
			 err == -EINVAL ? "it is this node's own key" :
					  "too many peer keys");
}

/*
 * The group's members: a worker answers each one's INIT; of two members
 * the one of lower rank starts (and rekeys), the other answers. A backup
 * sends nothing, so silence is no sign of lost keys between members.
 */
static void add_members(struct agid *d)
{
	const struct agi_config *cfg = d->cfg;
	int self = agi_config_self_member(cfg);
	struct agi_sess_peer *p;
	struct agi_peer_req r;
	u8 role;
	u32 i;

	if (cfg->role != AGISWARM_ROLE_AGGREGATOR) {
		if (!agid_worker_in_group(cfg))
			return;
		for (i = 0; i < cfg->n_group; i++)
			add_peer(d, &cfg->group[i].key, AGI_SESS_RESPOND, NULL);
		return;
	}
	if (!agi_config_in_group(cfg) || self < 0)
		return;
	for (i = 0; i < cfg->n_group; i++) {
		if ((int)i == self || agid_member_peer(cfg, i, false, &r))
			continue;
		role = agi_config_member_rank(cfg, (u32)self) <
		       agi_config_member_rank(cfg, i) ?
		       AGI_SESS_INITIATE : AGI_SESS_RESPOND;
		add_peer(d, &cfg->group[i].key, role, &r.ep);
		p = agi_sess_find(d->sess.s, cfg->group[i].key.pk);
		if (p)
			p->quiet = true;
	}
}

static void add_peers(struct agid *d)
{
	const struct agi_config *cfg = d->cfg;
	u32 i;

	add_members(d);
	if (cfg->role != AGISWARM_ROLE_AGGREGATOR) {
		add_peer(d, &cfg->worker_aggregator_key, AGI_SESS_RESPOND, NULL);
		return;
	}
	for (i = 0; i < cfg->workers.n; i++)
		add_peer(d, &cfg->workers.p[i].key, AGI_SESS_INITIATE,
			 &cfg->workers.p[i].ep);
	for (i = 0; i < cfg->sensors.n; i++)
		add_peer(d, &cfg->sensors.p[i].key, AGI_SESS_RESPOND, NULL);
	for (i = 0; i < cfg->actuators.n; i++)
		add_peer(d, &cfg->actuators.p[i].key, AGI_SESS_RESPOND, NULL);
}

bool agid_worker_in_group(const struct agi_config *cfg)
{
	return cfg->role != AGISWARM_ROLE_AGGREGATOR && cfg->n_group >= 2;
}

bool agid_member_key(const struct agi_config *cfg, const u8 *pk)
{
	u32 i;

	if (!pk || !(agi_config_in_group(cfg) || agid_worker_in_group(cfg)))
		return false;
	for (i = 0; i < cfg->n_group; i++)
		if (cfg->group[i].key.set &&
		    !memcmp(cfg->group[i].key.pk, pk, AGI_PK_LEN))
			return true;
	return false;
}

bool agid_config_sealed(const struct agi_config *cfg)
{
	u32 i;

	/* The loader made sure that every member has a key. */
	if (agi_config_in_group(cfg) || agid_worker_in_group(cfg))
		return true;
	if (cfg->worker_aggregator_key.set &&
	    cfg->role != AGISWARM_ROLE_AGGREGATOR)
		return true;
	if (cfg->role != AGISWARM_ROLE_AGGREGATOR)
		return false;
	for (i = 0; i < cfg->workers.n; i++)
		if (cfg->workers.p[i].key.set)
			return true;
	for (i = 0; i < cfg->sensors.n; i++)
		if (cfg->sensors.p[i].key.set)
			return true;
	for (i = 0; i < cfg->actuators.n; i++)
		if (cfg->actuators.p[i].key.set)
			return true;
	return false;
}

int agid_key_set(struct agid *d, const u8 pk[AGI_PK_LEN],
		 const struct agi_hs_keys *k)
{
	struct agi_key_req r = {
		.local_index = k->local_index, .remote_index = k->remote_index,
		.mode = k->initiator ? AGISWARM_KEY_INITIATOR :
				       AGISWARM_KEY_RESPONDER,
	};
	int err;

	memcpy(r.rx, k->rx, sizeof(r.rx));
	memcpy(r.tx, k->tx, sizeof(r.tx));
	err = agi_key_set(d->nl, pk, &r);
	sodium_memzero(&r, sizeof(r));
	return err;
}

/*
 * The keys of a finished handshake into the module: INITIATOR keys become
 * current at once, RESPONDER keys next, current once the first datagram
 * opens with them.
 */
static int install(struct agid *d, const struct agi_sess_peer *p,
		   const struct agi_hs_keys *k)
{
	char pk[17];
	int err;

	err = agid_key_set(d, p->pk, k);
	key_text(p->pk, pk);
	if (err)
		agid_log(d, AGI_LOG_WARNING, "installing the session keys of %s... failed: %s",
			 pk, d->nl->extack[0] ? d->nl->extack : strerror(-err));
	else
		agid_log(d, AGI_LOG_DEBUG, "session keys of %s... installed as %s (index %u)",
			 pk, k->initiator ? "initiator" : "responder",
			 k->local_index);
	return err;
}

/*
 * Keys the module lost without this daemon knowing (the link of a peer
 * removed and added again by an operator, the module reloaded under us):
 * an INITIATE peer this daemon holds keyed whose link in the module has
 * no keypair is keyed again now, not at security.rekey_after_s. A
 * member of higher rank that is a backup sends nothing whose silence
 * would tell, so nothing else would see it.
 */
static void watch_module(struct agid *d, u64 now)
{
	struct agid_session *ss = &d->sess;
	struct agi_peer_list l = { 0 };
	struct agi_sess_peer *p;
	bool link, keyed;
	char pk[17];
	size_t j;
	u32 i;

	if (now < ss->watch_ms)
		return;
	ss->watch_ms = now + WATCH_MS;
	for (i = 0; i < ss->s->n; i++)
		if (ss->s->peer[i].role == AGI_SESS_INITIATE &&
		    ss->s->peer[i].keyed)
			break;
	if (i == ss->s->n || agi_peers_get(d->nl, &l))
		goto out;
	for (i = 0; i < ss->s->n; i++) {
		p = &ss->s->peer[i];
		link = false;
		keyed = false;
		for (j = 0; j < l.n; j++) {
			if (!l.peers[j].has_pubkey ||
			    memcmp(l.peers[j].pubkey, p->pk, AGI_PK_LEN))
				continue;
			link = true;
			keyed |= l.peers[j].has_key &&
				 (l.peers[j].key_mode == AGISWARM_KEY_STATIC ||
				  l.peers[j].key_age < AGISWARM_REJECT_AFTER_S);
		}
		if (!agi_sess_check_module(p, now, link, keyed))
			continue;
		key_text(p->pk, pk);
		agid_log(d, AGI_LOG_WARNING,
			 "the module has no session keys with %s... any more (its link made anew, or the module reloaded): new ones now",
			 pk);
	}
out:
	agi_peer_list_free(&l);
}

static void on_tick(uv_timer_t *t)
{
	struct agid *d = t->data;
	struct agid_session *ss = &d->sess;
	u8 buf[AGI_HS_INIT_MAX];
	struct agi_sess_peer *p;
	u64 now = agid_now_ms();
	int n;

	watch_module(d, now);
	while ((p = agi_sess_due(ss->s, now))) {
		n = agi_sess_initiate(ss->s, p, now, realtime_ns(), new_index(),
				      buf, sizeof(buf));
		if (n < 0)
			break;
		ss->inits++;
		agid_send(d, &p->ep, buf, (size_t)n);
	}
}

/*
 * An INIT from a key that is no session peer: an operator's, when
 * security.authorized_keys (read now, so a new operator needs no restart)
 * lists it; it then becomes a RESPOND peer. Whether the INIT is genuine is
 * checked after, as for every peer.
 */
static bool add_operator(struct agid *d, const u8 *dgram, size_t len)
{
	struct agi_keyring *kr;
	struct agi_hs_init m;
	u8 id[AGI_KEYID_LEN];
	char err[AGI_CONFIG_ERR_LEN];
	bool ok;
	int ret;

	if (d->cfg->role != AGISWARM_ROLE_AGGREGATOR ||
	    agi_hs_init_parse(dgram, len, &m))
		return false;
	kr = malloc(sizeof(*kr));
	if (!kr)
		return false;
	agi_key_id(m.initiator, id);
	ok = !agi_keyring_load(d->cfg->authorized_keys, kr, err, sizeof(err)) &&
	     agi_keyring_find(kr, id) &&
	     agi_sess_add(d->sess.s, m.initiator, AGI_SESS_RESPOND, NULL, &ret);
	free(kr);
	return ok;
}

/* An operator's session is a peer of kind OPERATOR, id from its key id. */
static int add_operator_peer(struct agid *d, const struct agi_sess_peer *p)
{
	const struct agi_config *cfg = d->cfg;
	struct agi_peer_req r = {
		.kind = AGISWARM_PEER_OPERATOR, .ep = p->ep, .health = -1,
		.has_pubkey = true,
	};
	u8 id[AGI_KEYID_LEN];
	u32 i;

	/* A member is an AGGREGATOR peer already (program.c). */
	if (agid_member_key(cfg, p->pk))
		return 0;
	for (i = 0; i < cfg->sensors.n; i++)
		if (cfg->sensors.p[i].key.set &&
		    !memcmp(cfg->sensors.p[i].key.pk, p->pk, AGI_PK_LEN))
			return 0;
	for (i = 0; i < cfg->actuators.n; i++)
		if (cfg->actuators.p[i].key.set &&
		    !memcmp(cfg->actuators.p[i].key.pk, p->pk, AGI_PK_LEN))
			return 0;
	memcpy(r.pubkey, p->pk, AGI_PK_LEN);
	agi_key_id(p->pk, id);
	r.id = ((u32)id[0] << 24 | (u32)id[1] << 16 | (u32)id[2] << 8 | id[3]) | 1;
	return agi_peer_add(d->nl, &r);
}

static void on_init(struct agid *d, const struct agi_endpoint *from,
		    const u8 *dgram, size_t len)
{
	struct agid_session *ss = &d->sess;
	u8 out[AGI_HS_RESP_MAX];
	struct agi_sess_peer *p;
	struct agi_hs_keys k;
	char text[64];
	size_t n;
	int err;

	err = agi_sess_on_init(ss->s, dgram, len, from, new_index(), out,
			       sizeof(out), &n, &k, &p);
	if (err == -ENOKEY && add_operator(d, dgram, len))
		err = agi_sess_on_init(ss->s, dgram, len, from, new_index(),
				       out, sizeof(out), &n, &k, &p);
	if (err) {
		ss->refused++;
		agi_format_endpoint(&from->addr, from->len, text, sizeof(text));
		agid_log(d, AGI_LOG_DEBUG, "a HANDSHAKE_INIT from %s was refused: %s",
			 text, err == -ENOKEY ? "not a configured peer's key" :
			 err == -ESTALE ? "replayed (an old timestamp)" :
			 err == -EXDEV ? "for another node's key" :
			 err == -EKEYREJECTED ? "bad signature" : "malformed");
		return;
	}
	/* Installed before the answer: the initiator's first datagram opens. */
	err = d->cfg->role == AGISWARM_ROLE_AGGREGATOR ?
	      add_operator_peer(d, p) : 0;
	if (!err)
		err = install(d, p, &k);
	agi_hs_keys_wipe(&k);
	agi_sess_keyed(ss->s, p, agid_now_ms(), !err);
	if (!err)
		agid_send(d, from, out, n);
}

static void on_resp(struct agid *d, const struct agi_endpoint *from,
		    const u8 *dgram, size_t len)
{
	struct agid_session *ss = &d->sess;
	struct agi_sess_peer *p;
	struct agi_hs_keys k;
	char text[64];
	int err;

	err = agi_sess_on_resp(ss->s, dgram, len, &k, &p);
	if (err) {
		ss->refused++;
		agi_format_endpoint(&from->addr, from->len, text, sizeof(text));
		agid_log(d, AGI_LOG_DEBUG, "a HANDSHAKE_RESP from %s was refused: %s",
			 text, err == -ENOENT ? "it answers no INIT of ours" :
			 err == -EKEYREJECTED ? "bad signature" : "malformed");
		return;
	}
	err = install(d, p, &k);
	agi_hs_keys_wipe(&k);
	/*
	 * The responder's keys become current with the first datagram it
	 * opens with them (link.c); until then it has no key to send us
	 * anything with. A backup sends its workers nothing else, so a
	 * greeting that could not go is a handshake to do again.
	 */
	if (!err && d->cfg->role == AGISWARM_ROLE_AGGREGATOR) {
		err = agid_members_greet(d, p->pk);
		if (err) {
			key_text(p->pk, text);
			agid_log(d, AGI_LOG_WARNING, "the session keys of %s... are installed, but the first datagram sealed with them, which makes them its own, could not be sent (%s): a new handshake after %u ms",
				 text, strerror(-err), p->backoff_ms);
		}
	}
	agi_sess_keyed(ss->s, p, agid_now_ms(), !err);
}

void agid_session_receive(struct agid *d, const struct agi_endpoint *from,
			  const u8 *dgram, size_t len)
{
	if (!d->sess.s)
		return;
	if (dgram[1] == AGI_HS_MSG_INIT)
		on_init(d, from, dgram, len);
	else
		on_resp(d, from, dgram, len);
}

bool agid_session_heard(struct agid *d, const u8 *pk)
{
	struct agi_sess_peer *p;

	if (!d->sess.s || !pk)
		return false;
	p = agi_sess_find(d->sess.s, pk);
	if (p)
		agi_sess_heard(p, agid_now_ms());
	return p != NULL;
}

void agid_session_link_new(struct agid *d, const u8 *pk)
{
	struct agi_sess_peer *p;

	if (!d->sess.s || !pk)
		return;
	p = agi_sess_find(d->sess.s, pk);
	if (p)
		agi_sess_unkeyed(p, agid_now_ms());
}

void agid_session_member_up(struct agid *d, const u8 *pk)
{
	struct agi_sess_peer *p;
	char id[17];

	if (!d->sess.s || !pk)
		return;
	p = agi_sess_find(d->sess.s, pk);
	if (!p || !agi_sess_rekey(p, agid_now_ms()))
		return;
	key_text(pk, id);
	agid_log(d, AGI_LOG_INFO,
		 "member %s connected again: new session keys with it now (its module may have lost ours)",
		 id);
}

int agid_session_init(struct agid *d)
{
	struct agid_session *ss = &d->sess;
	struct agi_keypair kp;
	u64 silence;
	int err;

	ss->sealed = agid_config_sealed(d->cfg);
	err = load_node_key(d, &kp);
	if (err)
		return ss->sealed ? err : 0;
	if (!ss->sealed) {
		agid_log(d, AGI_LOG_WARNING, "no peer has a key in the configuration: this node's datagrams are not sealed, and any host that reaches its port may speak for its peers");
		/* An aggregator still answers operators' sessions. */
		if (d->cfg->role != AGISWARM_ROLE_AGGREGATOR) {
			agi_key_wipe(&kp);
			return 0;
		}
	}
	ss->s = calloc(1, sizeof(*ss->s));
	if (!ss->s) {
		agi_key_wipe(&kp);
		return -ENOMEM;
	}
	/*
	 * A worker silent as long as it takes to judge it unhealthy is keyed
	 * again: it may have restarted and lost its keys.
	 */
	silence = (u64)d->cfg->heartbeat_us / 1000 *
		  d->cfg->unhealthy_after_missed;
	agi_sess_init(ss->s, &kp, (u64)d->cfg->rekey_after_s * 1000,
		      d->cfg->role == AGISWARM_ROLE_AGGREGATOR ? silence : 0);
	agi_key_wipe(&kp);
	add_peers(d);
	if (ss->sealed)
		agid_log(d, AGI_LOG_INFO, "sealed sessions with %u peer keys, new keys every %u s",
			 ss->s->n, d->cfg->rekey_after_s);
	uv_timer_init(&d->loop, &ss->timer);
	ss->timer.data = d;
	return uv_timer_start(&ss->timer, on_tick, 0, TICK_MS);
}

void agid_session_close(struct agid *d)
{
	agid_close(&d->sess.timer);
}

void agid_session_free(struct agid *d)
{
	if (!d->sess.s)
		return;
	agi_sess_wipe(d->sess.s);
	free(d->sess.s);
	d->sess.s = NULL;
}
