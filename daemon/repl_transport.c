// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * libraft's transport between the group's daemons: TCP carrying the
 * authenticated, encrypted channel of include/user/channel.h (each member
 * known by its aggregators.NAME.key). libraft reads and writes a plain
 * stream: one end of a socketpair, which this file relays to and from the
 * channel. A connection reaches libraft only once the handshake is done
 * and the peer has proven its key (its first sealed frame opened): a peer
 * whose key is not a member's is refused before libraft sees a byte.
 *
 *   libraft <-> socketpair <-> relay (seal/open, frames) <-> TCP <-> peer
 *
 * Unauthenticated connections are few (MAX_PENDING) and short
 * (HANDSHAKE_MS); a connection whose queued bytes grow past QUEUE_MAX (a
 * peer that stopped reading) is dropped and libraft reconnects.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <raft.h>
#include <raft/uv.h>

#include "user/channel.h"
#include "user/parse.h"
#include "repl.h"

#define HANDSHAKE_MS 5000
#define MAX_PENDING 16
#define QUEUE_MAX (32u << 20)
#define CONFIRM "AGISWARM-RAFT-v1"
#define IN_CAP (2 * (AGI_CHAN_LEN_BYTES + AGI_CHAN_FRAME_MAX))

enum conn_state {
	C_CONNECTING,		/* initiator: TCP connect in flight */
	C_WAIT_REPLY,		/* initiator: HELLO sent */
	C_WAIT_HELLO,		/* responder: accepted */
	C_WAIT_HEADER,		/* either: keys made, the peer's header next */
	C_WAIT_CONFIRM,		/* responder: the first sealed frame next */
	C_OPEN,			/* relaying for libraft */
};

struct tp;

struct conn {
	struct tp *tp;
	struct conn *next;
	uv_tcp_t tcp;
	uv_pipe_t local;
	uv_timer_t timer;
	uv_connect_t creq;
	int handles;
	bool local_init, closing;
	bool initiator;
	bool probe;		/* closed once authenticated (probe_members) */
	enum conn_state state;
	const struct agid_repl_peer *peer;
	struct raft_uv_connect *req;	/* initiator, until answered */
	raft_uv_connect_cb cb;
	struct agi_chan ch;
	char from[96];
	size_t in_len;
	u8 in[IN_CAP];
	u8 plain[AGI_CHAN_FRAME_MAX];
};

struct tp {
	uv_loop_t *loop;
	struct agi_keypair self;
	struct agid_repl_peer peers[AGI_CONFIG_MAX_GROUP];
	u64 last_hello[AGI_CONFIG_MAX_GROUP];	/* the newest HELLO's time */
	unsigned n;
	const struct agid_repl_ops *ops;
	raft_id id;
	char address[80];
	uv_tcp_t listener;
	bool listening, closing;
	raft_uv_accept_cb accept_cb;
	raft_uv_transport_close_cb close_cb;
	struct raft_uv_transport *t;
	struct conn *conns;
	unsigned handles;		/* listener + connections not freed */
	struct raft_uv_connect probes[AGI_CONFIG_MAX_GROUP];
};

struct wreq {
	uv_write_t req;
	u8 data[];
};

static void tp_maybe_closed(struct tp *tp)
{
	raft_uv_transport_close_cb cb = tp->close_cb;

	if (tp->closing && !tp->handles && cb) {
		tp->close_cb = NULL;
		cb(tp->t);
	}
}

static const struct agid_repl_peer *peer_by_id(struct tp *tp, raft_id id)
{
	unsigned i;

	for (i = 0; i < tp->n; i++)
		if (tp->peers[i].id == id)
			return &tp->peers[i];
	return NULL;
}

static const struct agid_repl_peer *peer_by_key(struct tp *tp, const u8 *pk)
{
	unsigned i;

	for (i = 0; i < tp->n; i++)
		if (tp->peers[i].id != tp->id &&
		    !sodium_memcmp(tp->peers[i].pk, pk, AGI_PK_LEN))
			return &tp->peers[i];
	return NULL;
}

/* --- teardown ----------------------------------------------------------- */

static void conn_handle_closed(uv_handle_t *h)
{
	struct conn *c = h->data;
	struct tp *tp = c->tp;
	struct conn **pp;

	if (--c->handles)
		return;
	for (pp = &tp->conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	agi_chan_wipe(&c->ch);
	free(c);
	tp->handles--;
	tp_maybe_closed(tp);
}

static void conn_close(struct conn *c, const char *why)
{
	struct raft_uv_connect *req = c->req;

	if (c->closing)
		return;
	c->closing = true;
	if (why)
		agid_repl_logf(c->tp->ops, c->state == C_OPEN ? AGI_LOG_INFO :
			       AGI_LOG_WARNING, "connection %s %s (%s): %s",
			       c->initiator ? "to" : "from",
			       c->peer ? c->peer->name : "?", c->from, why);
	if (req) {
		c->req = NULL;
		c->cb(req, NULL, c->tp->closing ? RAFT_CANCELED :
		      RAFT_NOCONNECTION);
	}
	uv_close((uv_handle_t *)&c->tcp, conn_handle_closed);
	uv_close((uv_handle_t *)&c->timer, conn_handle_closed);
	if (c->local_init)
		uv_close((uv_handle_t *)&c->local, conn_handle_closed);
}

static void handshake_timeout(uv_timer_t *timer)
{
	conn_close(timer->data, "no handshake within 5 s");
}

static struct conn *conn_new(struct tp *tp)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->tp = tp;
	uv_tcp_init(tp->loop, &c->tcp);
	uv_timer_init(tp->loop, &c->timer);
	c->tcp.data = c;
	c->timer.data = c;
	c->handles = 2;
	c->next = tp->conns;
	tp->conns = c;
	tp->handles++;
	uv_timer_start(&c->timer, handshake_timeout, HANDSHAKE_MS, 0);
	return c;
}

/* --- writing ------------------------------------------------------------ */

static void written(uv_write_t *req, int status)
{
	struct conn *c = req->handle->data;

	free((struct wreq *)req);	/* req is its first member */
	if (status && status != UV_ECANCELED)
		conn_close(c, uv_strerror(status));
}

static int write_to(struct conn *c, uv_stream_t *s, struct wreq *w, size_t n)
{
	uv_buf_t b = uv_buf_init((char *)w->data, (unsigned int)n);
	int rv;

	if (s->write_queue_size > QUEUE_MAX) {
		free(w);
		conn_close(c, "the peer stopped reading");
		return -ENOBUFS;
	}
	rv = uv_write(&w->req, s, &b, 1, written);
	if (rv) {
		free(w);
		conn_close(c, uv_strerror(rv));
	}
	return rv;
}

/* One plain frame (handshake, header) onto the TCP stream. */
static int send_frame(struct conn *c, const u8 *p, size_t n)
{
	struct wreq *w = malloc(sizeof(*w) + AGI_CHAN_LEN_BYTES + n);

	if (!w) {
		conn_close(c, "out of memory");
		return -ENOMEM;
	}
	agi_chan_frame_len(n, w->data);
	memcpy(w->data + AGI_CHAN_LEN_BYTES, p, n);
	return write_to(c, (uv_stream_t *)&c->tcp, w, AGI_CHAN_LEN_BYTES + n);
}

/* @n bytes sealed in frames of at most AGI_CHAN_CHUNK_MAX. */
static int send_sealed(struct conn *c, const u8 *p, size_t n)
{
	struct wreq *w;
	size_t k;
	int rv;

	while (n) {
		k = n < AGI_CHAN_CHUNK_MAX ? n : AGI_CHAN_CHUNK_MAX;
		w = malloc(sizeof(*w) + AGI_CHAN_LEN_BYTES + k + AGI_CHAN_ABYTES);
		if (!w) {
			conn_close(c, "out of memory");
			return -ENOMEM;
		}
		agi_chan_frame_len(k + AGI_CHAN_ABYTES, w->data);
		agi_chan_seal(&c->ch, p, k, w->data + AGI_CHAN_LEN_BYTES);
		rv = write_to(c, (uv_stream_t *)&c->tcp, w,
			      AGI_CHAN_LEN_BYTES + k + AGI_CHAN_ABYTES);
		if (rv)
			return rv;
		p += k;
		n -= k;
	}
	return 0;
}

/* --- libraft's side: the socketpair --------------------------------- */

static void local_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct conn *c = h->data;

	(void)hint;
	/* Relayed synchronously: c->plain is free again after each read. */
	*buf = uv_buf_init((char *)c->plain, AGI_CHAN_CHUNK_MAX);
}

static void local_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct conn *c = s->data;

	if (n > 0)
		send_sealed(c, (const u8 *)buf->base, (size_t)n);
	else if (n < 0)
		conn_close(c, n != UV_EOF ? uv_strerror((int)n) :
			   c->probe ? "the member knows this daemon is up" :
			   "closed by raft");
}

static void free_pipe(uv_handle_t *h)
{
	raft_free(h);
}

/* Makes the socketpair; the libraft end into *@stream. */
static int open_local(struct conn *c, uv_stream_t **stream)
{
	uv_pipe_t *p;
	int sv[2], rv;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -errno;
	p = raft_malloc(sizeof(*p));
	if (!p) {
		close(sv[0]);
		close(sv[1]);
		return -ENOMEM;
	}
	uv_pipe_init(c->tp->loop, &c->local, 0);
	c->local.data = c;
	c->local_init = true;
	c->handles++;
	rv = uv_pipe_open(&c->local, sv[0]);
	if (rv) {
		close(sv[0]);
		close(sv[1]);
		raft_free(p);
		return rv;
	}
	rv = uv_read_start((uv_stream_t *)&c->local, local_alloc, local_read);
	if (rv) {
		close(sv[1]);
		raft_free(p);
		return rv;
	}
	uv_pipe_init(c->tp->loop, p, 0);
	rv = uv_pipe_open(p, sv[1]);
	if (rv) {
		close(sv[1]);
		uv_close((uv_handle_t *)p, free_pipe);
		return rv;
	}
	*stream = (uv_stream_t *)p;
	return 0;
}

/* The handshake is done both ways: libraft gets the stream. */
static void go_open(struct conn *c)
{
	struct raft_uv_connect *req = c->req;
	uv_stream_t *stream = NULL;
	int rv;

	rv = open_local(c, &stream);
	if (rv) {
		conn_close(c, rv < -1000 ? uv_strerror(rv) : strerror(-rv));
		return;
	}
	uv_timer_stop(&c->timer);
	c->state = C_OPEN;
	agid_repl_logf(c->tp->ops, AGI_LOG_INFO, "connected %s %s (%s), authenticated",
		       c->initiator ? "to" : "from", c->peer->name, c->from);
	if (c->tp->ops->member_up)
		c->tp->ops->member_up(c->tp->ops->arg, c->peer->pk);
	if (req) {
		c->req = NULL;
		c->cb(req, stream, 0);
	} else {
		c->tp->accept_cb(c->tp->t, c->peer->id, c->peer->addr, stream);
	}
}

/* --- the network side ------------------------------------------------- */

static void tcp_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct conn *c = h->data;

	(void)hint;
	*buf = uv_buf_init((char *)c->in + c->in_len,
			   (unsigned int)(sizeof(c->in) - c->in_len));
}

static int on_hello(struct conn *c, const u8 *p, size_t n)
{
	u8 reply[AGI_CHAN_REPLY_MAX], id[AGI_KEYID_LEN];
	char hex[AGI_KEYID_HEX_LEN], why[96];
	int len;

	len = agi_chan_accept(&c->ch, &c->tp->self, p, n, reply, sizeof(reply));
	if (len < 0) {
		conn_close(c, len == -EXDEV ? "refused: a HELLO for another key" :
			   len == -EKEYREJECTED ? "refused: a HELLO with a bad signature" :
			   "refused: not a valid HELLO");
		return -1;
	}
	c->peer = peer_by_key(c->tp, c->ch.peer_pk);
	if (!c->peer) {
		agi_key_id(c->ch.peer_pk, id);
		agi_key_id_hex(id, hex);
		snprintf(why, sizeof(why), "refused: key %s is not a member's",
			 hex);
		conn_close(c, why);
		return -1;
	}
	if (!agi_hs_fresh(&c->tp->last_hello[c->peer - c->tp->peers],
			  c->ch.peer_ts)) {
		conn_close(c, "refused: a HELLO no newer than the last (a replay)");
		return -1;
	}
	if (send_frame(c, reply, (size_t)len) ||
	    send_frame(c, c->ch.tx_header, sizeof(c->ch.tx_header)))
		return -1;
	c->state = C_WAIT_HEADER;
	return 0;
}

static int on_reply(struct conn *c, const u8 *p, size_t n)
{
	static const u8 confirm[] = CONFIRM;
	int rv = agi_chan_finish(&c->ch, p, n);

	if (rv) {
		conn_close(c, rv == -EKEYREJECTED ?
			   "refused: the peer does not hold the member's key" :
			   "refused: not a valid REPLY");
		return -1;
	}
	if (send_frame(c, c->ch.tx_header, sizeof(c->ch.tx_header)) ||
	    send_sealed(c, confirm, sizeof(confirm)))
		return -1;
	c->state = C_WAIT_HEADER;
	return 0;
}

/* One whole frame; -1 when the connection is closing. */
static int on_frame(struct conn *c, const u8 *p, size_t n)
{
	struct wreq *w;
	int got;

	switch (c->state) {
	case C_WAIT_HELLO:
		return on_hello(c, p, n);
	case C_WAIT_REPLY:
		return on_reply(c, p, n);
	case C_WAIT_HEADER:
		if (agi_chan_rx_header(&c->ch, p, n)) {
			conn_close(c, "refused: bad stream header");
			return -1;
		}
		if (c->ch.initiator) {
			go_open(c);
			return c->closing ? -1 : 0;
		}
		c->state = C_WAIT_CONFIRM;
		return 0;
	case C_WAIT_CONFIRM:
		got = agi_chan_open(&c->ch, p, n, c->plain);
		if (got != sizeof(CONFIRM) || memcmp(c->plain, CONFIRM, sizeof(CONFIRM))) {
			conn_close(c, "refused: the peer does not hold the session keys");
			return -1;
		}
		go_open(c);
		return c->closing ? -1 : 0;
	case C_OPEN:
		got = agi_chan_open(&c->ch, p, n, c->plain);
		if (got <= 0) {
			conn_close(c, "a frame did not authenticate");
			return -1;
		}
		w = malloc(sizeof(*w) + (size_t)got);
		if (!w) {
			conn_close(c, "out of memory");
			return -1;
		}
		memcpy(w->data, c->plain, (size_t)got);
		return write_to(c, (uv_stream_t *)&c->local, w, (size_t)got) ? -1 : 0;
	case C_CONNECTING:
		break;
	}
	conn_close(c, "unexpected data");
	return -1;
}

static void tcp_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct conn *c = s->data;
	const u8 *payload;
	size_t plen, off = 0;
	int used;

	(void)buf;
	if (nread < 0) {
		conn_close(c, nread == UV_EOF ? "closed by the peer" :
			   uv_strerror((int)nread));
		return;
	}
	c->in_len += (size_t)nread;
	while (!c->closing) {
		used = agi_chan_frame_next(c->in + off, c->in_len - off,
					   &payload, &plen);
		if (used < 0) {
			conn_close(c, "refused: a frame of a bad length");
			return;
		}
		if (!used)
			break;
		off += (size_t)used;
		if (on_frame(c, payload, plen))
			return;
	}
	if (c->closing)
		return;
	memmove(c->in, c->in + off, c->in_len - off);
	c->in_len -= off;
}

/* --- initiator ---------------------------------------------------------- */

static void connected(uv_connect_t *creq, int status)
{
	struct conn *c = creq->data;
	u8 hello[AGI_CHAN_HELLO_MAX];
	struct timespec ts;
	int n;

	if (c->closing)
		return;
	if (status) {
		conn_close(c, NULL);	/* libraft retries; no log per try */
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	n = agi_chan_hello(&c->ch, &c->tp->self, c->peer->pk,
			   (u64)ts.tv_sec * 1000000000 + (u64)ts.tv_nsec, hello,
			   sizeof(hello));
	if (n < 0) {
		conn_close(c, "making the HELLO failed");
		return;
	}
	c->state = C_WAIT_REPLY;
	if (send_frame(c, hello, (size_t)n))
		return;
	if (uv_read_start((uv_stream_t *)&c->tcp, tcp_alloc, tcp_read))
		conn_close(c, "reading failed");
}

static int connect_to(struct tp *tp, struct raft_uv_connect *req,
		      raft_id id, raft_uv_connect_cb cb, bool probe)
{
	const struct agid_repl_peer *peer = peer_by_id(tp, id);
	struct agi_endpoint ep;
	struct conn *c;
	int rv;

	if (!peer || agi_parse_endpoint(peer->addr, &ep))
		return RAFT_NOCONNECTION;
	c = conn_new(tp);
	if (!c)
		return RAFT_NOMEM;
	c->probe = probe;
	c->peer = peer;
	c->state = C_CONNECTING;
	c->initiator = true;
	snprintf(c->from, sizeof(c->from), "%s", peer->addr);
	c->creq.data = c;
	rv = uv_tcp_connect(&c->creq, &c->tcp, (struct sockaddr *)&ep.addr,
			    connected);
	if (rv) {
		conn_close(c, NULL);
		return RAFT_NOCONNECTION;
	}
	c->req = req;
	c->cb = cb;
	return 0;
}

static int tp_connect(struct raft_uv_transport *t, struct raft_uv_connect *req,
		      raft_id id, const char *address, raft_uv_connect_cb cb)
{
	(void)address;	/* the configuration's, which libraft has too */
	return connect_to(t->impl, req, id, cb, false);
}

/* A probe authenticated (or failed): its stream is not libraft's. */
static void probed(struct raft_uv_connect *req, struct uv_stream_s *stream,
		   int status)
{
	(void)req;
	(void)status;
	if (stream)
		uv_close((uv_handle_t *)stream, free_pipe);
}

/*
 * This daemon has just started: a connection to every other member,
 * closed as soon as both ends are authenticated, so that each learns it
 * is up (ops->member_up) though libraft may not connect the two for a
 * long time (followers send each other nothing). A member down now
 * probes this one when it starts.
 */
static void probe_members(struct tp *tp)
{
	unsigned i;

	for (i = 0; i < tp->n; i++)
		if (tp->peers[i].id != tp->id)
			connect_to(tp, &tp->probes[i], tp->peers[i].id, probed,
				   true);
}

/* --- responder ---------------------------------------------------------- */

static unsigned pending(struct tp *tp)
{
	struct conn *c;
	unsigned n = 0;

	for (c = tp->conns; c; c = c->next)
		n += !c->closing && c->state != C_OPEN && !c->req;
	return n;
}

static void incoming(uv_stream_t *listener, int status)
{
	struct tp *tp = listener->data;
	struct sockaddr_storage ss;
	int len = sizeof(ss);
	struct conn *c;

	if (status || tp->closing)
		return;
	c = conn_new(tp);
	if (!c)
		return;
	c->state = C_WAIT_HELLO;
	if (uv_accept(listener, (uv_stream_t *)&c->tcp)) {
		conn_close(c, NULL);
		return;
	}
	if (!uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &len))
		agi_format_endpoint(&ss, (size_t)len, c->from, sizeof(c->from));
	if (pending(tp) > MAX_PENDING) {
		conn_close(c, "refused: too many handshakes at once");
		return;
	}
	if (uv_read_start((uv_stream_t *)&c->tcp, tcp_alloc, tcp_read))
		conn_close(c, "reading failed");
}

static int tp_listen(struct raft_uv_transport *t, raft_uv_accept_cb cb)
{
	struct tp *tp = t->impl;
	const struct agid_repl_peer *self = peer_by_id(tp, tp->id);
	struct agi_endpoint ep;
	int rv;

	if (!self || agi_parse_endpoint(self->addr, &ep))
		return RAFT_INVALID;
	tp->accept_cb = cb;
	uv_tcp_init(tp->loop, &tp->listener);
	tp->listener.data = tp;
	tp->listening = true;
	tp->handles++;
	rv = uv_tcp_bind(&tp->listener, (struct sockaddr *)&ep.addr, 0);
	if (!rv)
		rv = uv_listen((uv_stream_t *)&tp->listener, 16, incoming);
	if (rv) {
		snprintf(t->errmsg, sizeof(t->errmsg), "listening on %s failed: %s",
			 self->addr, uv_strerror(rv));
		agid_repl_logf(tp->ops, AGI_LOG_ERROR, "%s", t->errmsg);
		return RAFT_IOERR;
	}
	probe_members(tp);
	return 0;
}

/* --- the transport ------------------------------------------------------ */

static int tp_init(struct raft_uv_transport *t, raft_id id, const char *address)
{
	struct tp *tp = t->impl;

	tp->id = id;
	snprintf(tp->address, sizeof(tp->address), "%s", address);
	return peer_by_id(tp, id) ? 0 : RAFT_INVALID;
}

static void listener_closed(uv_handle_t *h)
{
	struct tp *tp = h->data;

	tp->handles--;
	tp_maybe_closed(tp);
}

static void tp_close(struct raft_uv_transport *t, raft_uv_transport_close_cb cb)
{
	struct tp *tp = t->impl;
	struct conn *c;

	tp->closing = true;
	tp->close_cb = cb;
	if (tp->listening) {
		tp->listening = false;
		uv_close((uv_handle_t *)&tp->listener, listener_closed);
	}
	for (c = tp->conns; c; c = c->next)
		conn_close(c, NULL);
	tp_maybe_closed(tp);
}

int agid_repl_transport_init(struct raft_uv_transport *t, uv_loop_t *loop,
			     const struct agi_keypair *self,
			     const struct agid_repl_peer *peers, unsigned n,
			     const struct agid_repl_ops *ops)
{
	struct tp *tp = calloc(1, sizeof(*tp));

	if (!tp)
		return -ENOMEM;
	memset(t, 0, sizeof(*t));
	tp->loop = loop;
	tp->self = *self;
	memcpy(tp->peers, peers, n * sizeof(*peers));
	tp->n = n;
	tp->ops = ops;
	tp->t = t;
	t->impl = tp;
	t->init = tp_init;
	t->listen = tp_listen;
	t->connect = tp_connect;
	t->close = tp_close;
	return 0;
}

unsigned agid_repl_transport_connected(struct raft_uv_transport *t,
				       bool open[AGI_CONFIG_MAX_GROUP])
{
	struct tp *tp = t->impl;
	struct conn *c;
	unsigned i, n = 0;

	memset(open, 0, AGI_CONFIG_MAX_GROUP * sizeof(*open));
	if (!tp)
		return 0;
	for (c = tp->conns; c; c = c->next)
		if (c->state == C_OPEN && !c->closing && c->peer)
			open[c->peer - tp->peers] = true;
	for (i = 0; i < tp->n; i++)
		n += open[i];
	return n;
}

void agid_repl_transport_close(struct raft_uv_transport *t)
{
	struct tp *tp = t->impl;

	if (!tp)
		return;
	agi_key_wipe(&tp->self);
	free(tp);
	t->impl = NULL;
}
