// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * libagiplant: a plant's endpoint (agiplant.h). The envelope is the
 * core's (agi_seal, agi_seal_open through seal.h's sessions), the
 * messages the core's codec (wire.h), the keys the pre-shared-key mode's
 * derivation (seal.h): the same code the module and agictl run, so the
 * plant speaks exactly their protocol.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/socket.h>

#include <sodium.h>

#include "core/fixed.h"
#include "core/wire.h"
#include "agiplant_int.h"
#include "file.h"
#include "keys.h"
#include "parse.h"
#include "seal.h"
#include "session.h"

/*
 * Handshake mode: new keys this often (the module refuses keys after
 * AGISWARM_REJECT_AFTER_S), and again when a member has sent nothing
 * authenticated this long (its daemon restarted and lost them).
 */
#define REKEY_MS 120000
#define SILENCE_MS 10000

_Static_assert(AGIPLANT_Q1_31 == (int)AGISWARM_Q1_31 &&
	       AGIPLANT_Q1_15 == (int)AGISWARM_Q1_15 &&
	       AGIPLANT_Q8_24 == (int)AGISWARM_Q8_24 &&
	       AGIPLANT_Q16_16 == (int)AGISWARM_Q16_16 &&
	       AGIPLANT_Q16_16 == (int)AGISWARM_Q_MAX,
	       "agiplant_format follows enum agiswarm_qformat");
_Static_assert(AGIPLANT_VEC_MAX == AGISWARM_WIRE_VEC_MAX,
	       "AGIPLANT_VEC_MAX is the wire's");
_Static_assert(AGIPLANT_KEY_LEN == AGI_PK_LEN, "keys are 32 bytes");

/**
 * struct agiplant_member - one aggregator as the plant knows it
 * @ep: where SENSORs go
 * @pk: its public key
 * @keyed: @sess holds keys (always in PSK mode)
 * @sess: the keypair shared with it
 * @prev: handshake mode: the keypair before @sess, which still opens
 *	what the member sealed before it took the new one (index 0: none)
 */
struct agiplant_member {
	struct agi_endpoint ep;
	u8 pk[AGI_PK_LEN];
	bool keyed;
	struct agi_session sess;
	struct agi_session prev;
};

struct agiplant {
	int fd;
	unsigned int n;
	struct agiplant_member m[AGIPLANT_AGGREGATORS_MAX];
	struct agi_sess *hs;		/* handshake mode, else NULL */
	struct agi_actuate_filter filter;
	struct agiplant_stats stats;
	void (*hook)(void *arg, const uint8_t *dgram, size_t len);
	void *hook_arg;
};

enum agi_actuate_verdict agi_actuate_filter(struct agi_actuate_filter *f,
					    u64 epoch, u64 cycle)
{
	if (f->seen && epoch < f->epoch)
		return AGI_ACTUATE_STALE_EPOCH;
	f->seen = true;
	f->epoch = epoch;
	if (f->delivered && cycle == f->cycle)
		return AGI_ACTUATE_DUPLICATE;
	if (f->delivered && cycle < f->cycle)
		return AGI_ACTUATE_OLD_CYCLE;
	f->delivered = true;
	f->cycle = cycle;
	return AGI_ACTUATE_DELIVER;
}

static u64 clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

/* The keypair the datagram names, and its member, or NULL. */
static struct agi_session *session_of(struct agiplant *p, const u8 *buf,
				      size_t len, struct agiplant_member **m)
{
	enum agiswarm_counter why;
	struct agi_seal_hdr h;
	unsigned int i;

	if (agi_seal_parse(buf, len, &h, &why))
		return NULL;
	for (i = 0; i < p->n; i++) {
		*m = &p->m[i];
		if ((*m)->keyed && (*m)->sess.local_index == h.index)
			return &(*m)->sess;
		if ((*m)->prev.local_index && (*m)->prev.local_index == h.index)
			return &(*m)->prev;
	}
	return NULL;
}

/* Handshake mode: the INITs that are due, each to its member. */
static void handshake_tick(struct agiplant *p)
{
	u64 now = clock_ns(CLOCK_MONOTONIC) / 1000000;
	u8 buf[AGI_HS_INIT_MAX];
	struct agi_sess_peer *sp;
	u32 index;
	int n;

	while (p->hs && (sp = agi_sess_due(p->hs, now))) {
		do
			index = randombytes_random();
		while (!index);
		n = agi_sess_initiate(p->hs, sp, now, clock_ns(CLOCK_REALTIME),
				      index, buf, sizeof(buf));
		if (n < 0) {
			agi_sess_keyed(p->hs, sp, now, false);
			continue;
		}
		/* Lost or refused, it is sent again after the backoff. */
		sendto(p->fd, buf, (size_t)n, 0,
		       (const struct sockaddr *)&sp->ep.addr,
		       (socklen_t)sp->ep.len);
	}
}

/* Handshake mode: a RESP; its keys become the member's, the old ones prev. */
static void handshake_resp(struct agiplant *p, const u8 *buf, size_t len)
{
	u64 now = clock_ns(CLOCK_MONOTONIC) / 1000000;
	struct agi_sess_peer *sp;
	struct agi_hs_keys k;
	unsigned int i;

	if (agi_sess_on_resp(p->hs, buf, len, &k, &sp)) {
		p->stats.refused++;
		return;
	}
	for (i = 0; i < p->n; i++) {
		struct agiplant_member *m = &p->m[i];

		if (memcmp(m->pk, sp->pk, AGI_PK_LEN))
			continue;
		m->prev = m->sess;
		if (!m->keyed)
			memset(&m->prev, 0, sizeof(m->prev));
		memset(&m->sess, 0, sizeof(m->sess));
		m->sess.local_index = k.local_index;
		m->sess.remote_index = k.remote_index;
		memcpy(m->sess.rx, k.rx, sizeof(m->sess.rx));
		memcpy(m->sess.tx, k.tx, sizeof(m->sess.tx));
		agi_replay_init(&m->sess.replay);
		m->keyed = true;
		p->stats.handshakes++;
	}
	agi_sess_keyed(p->hs, sp, now, true);
	agi_hs_keys_wipe(&k);
}

static void count(struct agiplant *p, enum agi_actuate_verdict v)
{
	switch (v) {
	case AGI_ACTUATE_DELIVER: p->stats.delivered++; break;
	case AGI_ACTUATE_DUPLICATE: p->stats.duplicate++; break;
	case AGI_ACTUATE_OLD_CYCLE: p->stats.old_cycle++; break;
	case AGI_ACTUATE_STALE_EPOCH: p->stats.stale_epoch++; break;
	}
}

int agiplant_input(struct agiplant *p, u8 *buf, size_t len,
		   struct agiplant_actuation *a)
{
	struct agiplant_member *m = NULL;
	struct agi_session *sess;
	enum agi_actuate_verdict v;
	enum agiswarm_counter why;
	struct agi_wire_msg msg;
	const struct agi_wire_actuate *act = &msg.u.actuate;
	int n;
	u16 i;

	if (p->hs && len >= AGISWARM_WIRE_HDR_LEN &&
	    buf[0] == AGISWARM_WIRE_VERSION && buf[1] == AGI_HS_MSG_RESP) {
		handshake_resp(p, buf, len);
		return 0;
	}
	/* Opened (tag, then replay window) before anything is read. */
	sess = session_of(p, buf, len, &m);
	n = sess ? agi_session_open(sess, buf, len, &why) : -EBADMSG;
	if (n >= 0 && p->hs)
		agi_sess_heard(agi_sess_find(p->hs, m->pk),
			       clock_ns(CLOCK_MONOTONIC) / 1000000);
	if (n < 0 || agi_wire_parse(buf + AGI_SEAL_PUSH, (size_t)n, &msg, &why) ||
	    msg.type != AGISWARM_MSG_ACTUATE) {
		p->stats.refused++;
		return 0;
	}
	v = agi_actuate_filter(&p->filter, act->epoch, act->cycle);
	count(p, v);
	if (v != AGI_ACTUATE_DELIVER)
		return 0;
	a->epoch = act->epoch;
	a->cycle = act->cycle;
	a->format = (enum agiplant_format)act->fmt;
	a->status = act->status;
	a->n = act->u.n;
	for (i = 0; i < act->u.n; i++)
		a->u[i] = agi_wire_vec_s32(&act->u, i);
	return 1;
}

int agiplant_receive(struct agiplant *p, struct agiplant_actuation *a,
		     char *err, size_t errlen)
{
	u8 buf[AGISWARM_WIRE_MAX + 1];
	ssize_t len;

	handshake_tick(p);
	for (;;) {
		len = recv(p->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (len < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			/* An ICMP error of an earlier send: not this read's. */
			if (errno == ECONNREFUSED || errno == EINTR)
				continue;
			return agi_errf(err, errlen, -errno,
				    "receive failed: %s", strerror(errno));
		}
		if (agiplant_input(p, buf, (size_t)len, a))
			return 1;
	}
}

static int check_vector(enum agiplant_format format, const int32_t *x,
			unsigned int n, char *err, size_t errlen)
{
	const struct agi_qinfo *q = agi_q_info((enum agiswarm_qformat)format);
	unsigned int i;

	if (!q)
		return agi_errf(err, errlen, -EINVAL,
			    "send failed: format %d is none of Q1.31 (1), Q1.15 (2), Q8.24 (3), Q16.16 (4)",
			    (int)format);
	if (!x || !n || n > AGIPLANT_VEC_MAX)
		return agi_errf(err, errlen, -EINVAL,
			    "send failed: %u elements, 1..%d allowed", n,
			    AGIPLANT_VEC_MAX);
	for (i = 0; i < n; i++)
		if (x[i] < q->min || x[i] > q->max)
			return agi_errf(err, errlen, -EINVAL,
				    "send failed: x[%u] = %d is outside %s's raw range [%d, %d]",
				    i, x[i], q->name, q->min, q->max);
	return 0;
}

int agiplant_send_sensor(struct agiplant *p, uint64_t seq,
			 enum agiplant_format format, const int32_t *x,
			 unsigned int n, char *err, size_t errlen)
{
	u8 buf[AGISWARM_WIRE_MAX + AGISWARM_SEAL_OVERHEAD];
	struct agi_wire_sensor msg = {
		.seq = seq, .fmt = (u8)format,
		.x = { .host.s32 = x, .n = (u16)n },
	};
	char where[64];
	size_t len;
	unsigned int i;
	int ret;

	ret = check_vector(format, x, n, err, errlen);
	if (ret)
		return ret;
	handshake_tick(p);
	for (i = 0; i < p->n; i++) {
		struct agiplant_member *m = &p->m[i];

		if (!m->keyed) {
			p->stats.unkeyed++;
			continue;
		}
		len = agi_wire_put_sensor(buf + AGI_SEAL_PUSH,
					  AGISWARM_WIRE_PLAIN_MAX, &msg);
		if (len)
			len = agi_session_seal(&m->sess, buf, len);
		if (!len)
			return agi_errf(err, errlen, -EMSGSIZE,
				    "send failed: a SENSOR of %u elements does not fit a datagram",
				    n);
		if (p->hook)
			p->hook(p->hook_arg, buf, len);
		if (sendto(p->fd, buf, len, 0,
			   (const struct sockaddr *)&m->ep.addr,
			   (socklen_t)m->ep.len) == (ssize_t)len) {
			p->stats.sent++;
			continue;
		}
		/* A refused port is the ICMP of an earlier datagram. */
		if (errno == ECONNREFUSED)
			continue;
		if (!ret) {
			agi_format_endpoint(&m->ep.addr, m->ep.len, where,
					    sizeof(where));
			ret = agi_errf(err, errlen, -errno, "send to %s failed: %s",
				   where, strerror(errno));
		}
	}
	return ret;
}

static int open_socket(const char *listen, char *err, size_t errlen)
{
	struct agi_endpoint local;
	int one = 1, fd, ret;

	if (!listen || agi_parse_endpoint(listen, &local))
		return agi_errf(err, errlen, -EINVAL,
			    "open failed: listen \"%s\" is not ADDR:PORT",
			    listen ? listen : "");
	fd = socket(local.addr.sin.sin_family,
		    SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return agi_errf(err, errlen, -errno, "socket failed: %s",
			    strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&local.addr,
		 (socklen_t)local.len)) {
		ret = -errno;
		close(fd);
		return agi_errf(err, errlen, ret, "bind to %s failed: %s", listen,
			    strerror(-ret));
	}
	return fd;
}

int agiplant_add_member(struct agiplant *p, const struct agi_endpoint *ep,
			const u8 *psk, const u8 self[AGI_PK_LEN],
			const u8 peer[AGI_PK_LEN])
{
	struct agiplant_member *m = &p->m[p->n];
	int ret = 0;

	if (p->n >= AGIPLANT_AGGREGATORS_MAX)
		return -ENOSPC;
	memset(m, 0, sizeof(*m));
	m->ep = *ep;
	memcpy(m->pk, peer, AGI_PK_LEN);
	if (psk) {
		ret = agi_psk_session(&m->sess, psk, self, peer);
		m->keyed = !ret;
	} else if (!p->hs || !agi_sess_add(p->hs, peer, AGI_SESS_INITIATE,
					   ep, &ret)) {
		ret = ret ? ret : -EINVAL;
	}
	if (!ret)
		p->n++;
	return ret;
}

struct agiplant *agiplant_alloc(void)
{
	struct agiplant *p = calloc(1, sizeof(*p));

	if (p)
		p->fd = -1;
	return p;
}

/* The plant's own keys: the PSK and the public key, or the key pair. */
static int read_keys(struct agiplant *p, const struct agiplant_config *cfg,
		     u8 psk[AGI_SECRET_LEN], u8 self[AGI_PK_LEN], char *why,
		     size_t whylen)
{
	struct agi_keypair kp;
	int ret;

	if (!cfg->psk_file && !cfg->private_key_file) {
		snprintf(why, whylen, "psk_file or private_key_file is required");
		return -EINVAL;
	}
	if (cfg->psk_file) {
		if (!cfg->key_file) {
			snprintf(why, whylen, "psk_file needs key_file");
			return -EINVAL;
		}
		ret = agi_secret_read(cfg->psk_file, psk, why, whylen);
		return ret ? ret : agi_key_read_public(cfg->key_file, self,
						       why, whylen);
	}
	ret = agi_key_read_private(cfg->private_key_file, &kp, why, whylen);
	if (ret)
		return ret;
	memcpy(self, kp.pk, AGI_PK_LEN);
	p->hs = malloc(sizeof(*p->hs));
	if (p->hs)
		agi_sess_init(p->hs, &kp, REKEY_MS, SILENCE_MS);
	agi_key_wipe(&kp);
	if (!p->hs) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

/* The sessions with every member (handshake mode: their peers). */
static int open_sessions(struct agiplant *p, const struct agiplant_config *cfg,
			 char *err, size_t errlen)
{
	u8 psk[AGI_SECRET_LEN], self[AGI_PK_LEN], peer[AGI_PK_LEN];
	const struct agiplant_aggregator *ag;
	struct agi_endpoint ep;
	char why[384];
	unsigned int i;
	int ret;

	ret = read_keys(p, cfg, psk, self, why, sizeof(why));
	for (i = 0; !ret && i < cfg->n_aggregators; i++) {
		ag = &cfg->aggregators[i];
		if (!ag->address || agi_parse_endpoint(ag->address, &ep)) {
			snprintf(why, sizeof(why),
				 "aggregator %u: address \"%s\" is not ADDR:PORT",
				 i, ag->address ? ag->address : "");
			ret = -EINVAL;
		} else if (!ag->key_file) {
			snprintf(why, sizeof(why), "aggregator %u: no key_file", i);
			ret = -EINVAL;
		} else {
			ret = agi_key_read_public(ag->key_file, peer, why,
						  sizeof(why));
		}
		if (!ret && agiplant_add_member(p, &ep, p->hs ? NULL : psk,
						self, peer)) {
			snprintf(why, sizeof(why),
				 "aggregator %u: its key is the plant's own", i);
			ret = -EINVAL;
		}
	}
	sodium_memzero(psk, sizeof(psk));
	return ret ? agi_errf(err, errlen, ret, "open failed: %s", why) : 0;
}

int agiplant_open(const struct agiplant_config *cfg, struct agiplant **out,
		  char *err, size_t errlen)
{
	struct agiplant *p;
	int ret;

	*out = NULL;
	if (!cfg->aggregators || !cfg->n_aggregators ||
	    cfg->n_aggregators > AGIPLANT_AGGREGATORS_MAX)
		return agi_errf(err, errlen, -EINVAL,
			    "open failed: %u aggregators, 1..%d allowed",
			    cfg->n_aggregators, AGIPLANT_AGGREGATORS_MAX);
	if (agi_keys_init())
		return agi_errf(err, errlen, -EIO, "open failed: libsodium cannot start");
	p = agiplant_alloc();
	if (!p)
		return agi_errf(err, errlen, -ENOMEM, "open failed: out of memory");
	ret = open_sessions(p, cfg, err, errlen);
	if (!ret) {
		p->fd = open_socket(cfg->listen, err, errlen);
		ret = p->fd < 0 ? p->fd : 0;
	}
	if (ret) {
		agiplant_close(p);
		return ret;
	}
	handshake_tick(p);
	*out = p;
	return 0;
}

void agiplant_close(struct agiplant *p)
{
	if (!p)
		return;
	if (p->fd >= 0)
		close(p->fd);
	if (p->hs) {
		agi_sess_wipe(p->hs);
		free(p->hs);
	}
	sodium_memzero(p, sizeof(*p));
	free(p);
}

int agiplant_fd(const struct agiplant *p)
{
	return p->fd;
}

int agiplant_timeout_ms(const struct agiplant *p)
{
	u64 now, next;

	if (!p->hs)
		return -1;
	next = agi_sess_next_due(p->hs);
	if (next == UINT64_MAX)
		return -1;
	now = clock_ns(CLOCK_MONOTONIC) / 1000000;
	return next <= now ? 0 : next - now > INT32_MAX ? INT32_MAX :
	       (int)(next - now);
}

void agiplant_get_stats(const struct agiplant *p, struct agiplant_stats *s)
{
	*s = p->stats;
}

void agiplant_set_sent_hook(struct agiplant *p,
			    void (*fn)(void *arg, const uint8_t *dgram,
				       size_t len),
			    void *arg)
{
	p->hook = fn;
	p->hook_arg = arg;
}
