// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Sessions (include/user/session.c) driven against each other on a clock
 * of the test's own: an aggregator keys a worker at once and again every
 * rekey interval, with fresh keys each time; an unanswered INIT is sent
 * again after 1, 2, 4, 8 and then every 16 s; a peer silent for the limit
 * is keyed again (a worker that restarted); the worker answers only its
 * configured aggregator, never a replayed INIT, and a restarted worker
 * answers the aggregator's next INIT; a peer whose link is made anew
 * is keyed at once.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>
#include <sodium.h>

#include "user/hs_udp.h"
#include "user/session.h"
#include <kselftest_harness.h>

#define REKEY 120000
#define SILENCE 3000

struct net {
	struct agi_sess a, w;
	struct agi_keypair ka, kw;
	u8 init[AGI_HS_INIT_MAX], resp[AGI_HS_RESP_MAX];
	size_t init_len, resp_len;
	struct agi_hs_keys keys_a, keys_w;
	u32 next_index;
	u64 ns;
};

static void setup_net(struct net *n)
{
	struct agi_endpoint ep = { 0 };
	int err;

	memset(n, 0, sizeof(*n));
	if (agi_key_generate(&n->ka) || agi_key_generate(&n->kw))
		abort();
	agi_sess_init(&n->a, &n->ka, REKEY, SILENCE);
	agi_sess_init(&n->w, &n->kw, REKEY, 0);
	if (!agi_sess_add(&n->a, n->kw.pk, AGI_SESS_INITIATE, &ep, &err) ||
	    !agi_sess_add(&n->w, n->ka.pk, AGI_SESS_RESPOND, NULL, &err))
		abort();
	n->next_index = 100;
	n->ns = 1000000000ull;
}

/* The aggregator's INIT, if one is due at @now. */
static int send_init(struct net *n, u64 now)
{
	struct agi_sess_peer *p = agi_sess_due(&n->a, now);
	int len;

	if (!p)
		return -EAGAIN;
	len = agi_sess_initiate(&n->a, p, now, n->ns, n->next_index++,
				n->init, sizeof(n->init));
	if (len < 0)
		return len;
	n->init_len = (size_t)len;
	return 0;
}

/* The worker answers, the aggregator completes; both install. */
static int deliver(struct net *n, u64 now)
{
	struct agi_sess_peer *pw, *pa;
	int ret;

	ret = agi_sess_on_init(&n->w, n->init, n->init_len, NULL,
			       n->next_index++, n->resp, sizeof(n->resp),
			       &n->resp_len, &n->keys_w, &pw);
	if (ret)
		return ret;
	agi_sess_keyed(&n->w, pw, now, true);
	ret = agi_sess_on_resp(&n->a, n->resp, n->resp_len, &n->keys_a, &pa);
	if (ret)
		return ret;
	agi_sess_keyed(&n->a, pa, now, true);
	return 0;
}

static bool keys_match(const struct net *n)
{
	return !memcmp(n->keys_a.tx, n->keys_w.rx, AGI_HS_KEY_LEN) &&
	       !memcmp(n->keys_a.rx, n->keys_w.tx, AGI_HS_KEY_LEN) &&
	       n->keys_a.local_index == n->keys_w.remote_index &&
	       n->keys_w.local_index == n->keys_a.remote_index;
}

FIXTURE(s) {
	struct net n;
};

FIXTURE_SETUP(s)
{
	ASSERT_EQ(0, agi_keys_init());
	setup_net(&self->n);
}

FIXTURE_TEARDOWN(s)
{
	agi_sess_wipe(&self->n.a);
	agi_sess_wipe(&self->n.w);
}

TEST_F(s, keyed_at_once_and_every_rekey_interval)
{
	struct net *n = &self->n;
	u8 first[AGI_HS_KEY_LEN];
	u64 t;

	ASSERT_NULL(agi_sess_due(&n->w, 0));	/* a worker never starts */
	ASSERT_EQ(0, send_init(n, 0));
	ASSERT_EQ(0, deliver(n, 10));
	ASSERT_TRUE(keys_match(n));
	ASSERT_TRUE(n->keys_a.initiator);
	ASSERT_FALSE(n->keys_w.initiator);
	memcpy(first, n->keys_a.tx, sizeof(first));
	/* Heard from every second: nothing due until the rekey. */
	for (t = 1000; t < 10 + REKEY; t += 1000) {
		agi_sess_heard(&n->a.peer[0], t);
		ASSERT_EQ(-EAGAIN, send_init(n, t)) TH_LOG("at %llu", (unsigned long long)t);
	}
	ASSERT_EQ(10 + REKEY, agi_sess_next_due(&n->a));
	n->ns += 1;
	ASSERT_EQ(0, send_init(n, 10 + REKEY));
	ASSERT_EQ(0, deliver(n, 20 + REKEY));
	ASSERT_TRUE(keys_match(n));
	ASSERT_NE(0, memcmp(first, n->keys_a.tx, sizeof(first)));
	ASSERT_EQ(2, n->a.peer[0].handshakes);
	ASSERT_EQ(2, n->w.peer[0].handshakes);
}

TEST_F(s, unanswered_init_backs_off)
{
	struct net *n = &self->n;
	static const u64 gaps[] = { 1000, 2000, 4000, 8000, 16000, 16000 };
	u64 t = 0;
	size_t i;

	ASSERT_EQ(0, send_init(n, t));
	for (i = 0; i < sizeof(gaps) / sizeof(gaps[0]); i++) {
		ASSERT_EQ(-EAGAIN, send_init(n, t + gaps[i] - 1));
		t += gaps[i];
		ASSERT_EQ(0, send_init(n, t)) TH_LOG("retry %zu", i);
	}
	/* The last INIT is the one answered; an earlier RESP is not. */
	ASSERT_EQ(0, deliver(n, t + 5));
	ASSERT_TRUE(keys_match(n));
	/* Keyed: the backoff starts over. */
	ASSERT_EQ(1000, n->a.peer[0].backoff_ms);
}

TEST_F(s, silent_peer_keyed_again)
{
	struct net *n = &self->n;

	ASSERT_EQ(0, send_init(n, 0));
	ASSERT_EQ(0, deliver(n, 0));
	agi_sess_heard(&n->a.peer[0], 2000);
	ASSERT_EQ(-EAGAIN, send_init(n, 2000 + SILENCE - 1));
	/* The worker restarted: it lost its keys and its replay memory. */
	agi_sess_wipe(&n->w);
	agi_sess_init(&n->w, &n->kw, REKEY, 0);
	ASSERT_NE(NULL, agi_sess_add(&n->w, n->ka.pk, AGI_SESS_RESPOND, NULL,
				     &(int){ 0 }));
	n->ns += 5;
	ASSERT_EQ(0, send_init(n, 2000 + SILENCE));
	ASSERT_EQ(0, deliver(n, 2000 + SILENCE));
	ASSERT_TRUE(keys_match(n));
}

/* A quiet peer (a backup member) is keyed again only at the rekey. */
TEST_F(s, quiet_peer_silent_until_the_rekey)
{
	struct net *n = &self->n;

	n->a.peer[0].quiet = true;
	ASSERT_EQ(0, send_init(n, 0));
	ASSERT_EQ(0, deliver(n, 0));
	ASSERT_EQ(-EAGAIN, send_init(n, SILENCE));
	ASSERT_EQ(-EAGAIN, send_init(n, REKEY - 1));
	ASSERT_EQ(REKEY, agi_sess_next_due(&n->a));
	n->ns += 5;
	ASSERT_EQ(0, send_init(n, REKEY));
}

TEST_F(s, replayed_and_foreign_inits_refused)
{
	struct net *n = &self->n;
	struct agi_sess x;
	struct agi_keypair kx;
	struct agi_sess_peer *p;
	struct agi_hs_keys k;
	u8 resp[AGI_HS_RESP_MAX];
	size_t len;
	int err, ilen;

	ASSERT_EQ(0, send_init(n, 0));
	ASSERT_EQ(0, deliver(n, 0));
	/* The same INIT again: refused, no answer, counted. */
	ASSERT_EQ(-ESTALE, agi_sess_on_init(&n->w, n->init, n->init_len, NULL,
					    7, resp, sizeof(resp), &len, &k,
					    &p));
	ASSERT_NULL(p);
	ASSERT_EQ(1, n->w.peer[0].refused);
	/* The RESP again: nothing pending answers it. */
	ASSERT_EQ(-ENOENT, agi_sess_on_resp(&n->a, n->resp, n->resp_len, &k,
					    &p));
	/* An INIT from a key the worker was not given. */
	ASSERT_EQ(0, agi_key_generate(&kx));
	agi_sess_init(&x, &kx, REKEY, 0);
	p = agi_sess_add(&x, n->kw.pk, AGI_SESS_INITIATE, NULL, &err);
	ASSERT_NE(NULL, p);
	ilen = agi_sess_initiate(&x, p, 0, n->ns + 100, 5, n->init,
				 sizeof(n->init));
	ASSERT_LT(0, ilen);
	ASSERT_EQ(-ENOKEY, agi_sess_on_init(&n->w, n->init, (size_t)ilen,
					    NULL, 7, resp, sizeof(resp), &len,
					    &k, &p));
	ASSERT_NULL(p);
	ASSERT_EQ(1, n->w.n);	/* nothing added for it */
	/* An INIT from the aggregator's key to a peer that also initiates. */
	ASSERT_NE(NULL, agi_sess_add(&n->w, n->ka.pk, AGI_SESS_INITIATE, NULL,
				     &err));
	n->ns += 10;
	ASSERT_EQ(0, send_init(n, 200000));
	ASSERT_EQ(-ENOKEY, agi_sess_on_init(&n->w, n->init, n->init_len, NULL,
					    7, resp, sizeof(resp), &len, &k,
					    &p));
	/* Our own key is not a peer. */
	ASSERT_NULL(agi_sess_add(&n->w, n->kw.pk, AGI_SESS_RESPOND, NULL,
				 &err));
	ASSERT_EQ(-EINVAL, err);
	agi_sess_wipe(&x);
	agi_key_wipe(&kx);
}

TEST_F(s, failed_install_retried_after_backoff)
{
	struct net *n = &self->n;
	struct agi_sess_peer *p;

	ASSERT_EQ(0, send_init(n, 0));
	ASSERT_EQ(0, agi_sess_on_init(&n->w, n->init, n->init_len, NULL, 9,
				      n->resp, sizeof(n->resp), &n->resp_len,
				      &n->keys_w, &p));
	ASSERT_EQ(0, agi_sess_on_resp(&n->a, n->resp, n->resp_len,
				      &n->keys_a, &p));
	/* The module refused the keys (e.g. the index was taken). */
	agi_sess_keyed(&n->a, p, 50, false);
	ASSERT_FALSE(p->keyed);
	ASSERT_EQ(-EAGAIN, send_init(n, 50 + p->backoff_ms - 1));
	ASSERT_EQ(0, send_init(n, 50 + p->backoff_ms));
}

/*
 * A peer whose handshakes failed for want of its link (the module had no
 * peer with its key yet) is keyed as soon as the link is made, not after
 * the backoff; and one keyed before is keyed again when its link is made
 * anew (removed, then added again: the old keys went with the old link).
 */
TEST_F(s, new_link_keyed_at_once)
{
	struct net *n = &self->n;
	struct agi_sess_peer *p = &n->a.peer[0], *pw;
	u64 t = 0;
	int i;

	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, send_init(n, t));
		ASSERT_EQ(0, agi_sess_on_init(&n->w, n->init, n->init_len,
					      NULL, 9, n->resp,
					      sizeof(n->resp), &n->resp_len,
					      &n->keys_w, &pw));
		ASSERT_EQ(0, agi_sess_on_resp(&n->a, n->resp, n->resp_len,
					      &n->keys_a, &pw));
		agi_sess_keyed(&n->a, p, t, false);	/* no such link */
		t = p->next_ms;
		n->ns += 1;
	}
	ASSERT_EQ(16000, p->backoff_ms);
	ASSERT_EQ(-EAGAIN, send_init(n, t - 8000 + 1));
	/* The link made: due now, and the backoff starts over. */
	agi_sess_unkeyed(p, t - 8000 + 1);
	ASSERT_EQ(t - 8000 + 1, agi_sess_next_due(&n->a));
	ASSERT_EQ(0, send_init(n, t - 8000 + 1));
	ASSERT_EQ(0, deliver(n, t - 8000 + 2));
	ASSERT_TRUE(keys_match(n));
	ASSERT_EQ(1000, p->backoff_ms);
	/* Keyed and heard; its link removed and made again: due at once. */
	t += 100000;
	agi_sess_heard(p, t);
	ASSERT_EQ(-EAGAIN, send_init(n, t));
	agi_sess_unkeyed(p, t);
	ASSERT_FALSE(p->keyed);
	n->ns += 1;
	ASSERT_EQ(0, send_init(n, t));
	ASSERT_EQ(0, deliver(n, t + 1));
	ASSERT_TRUE(keys_match(n));
	/* A RESPOND peer never starts one. */
	agi_sess_unkeyed(&n->w.peer[0], t + 2);
	ASSERT_NULL(agi_sess_due(&n->w, t + 2));
}

/*
 * A group member of higher rank that we hear again (its daemon connected
 * to ours) may have lost its keys with its module, and as a backup it
 * sends nothing that would tell: agi_sess_rekey() makes the INIT due at
 * once, though our keys are young and the peer quiet. Not twice while one
 * is out, not for keys just made, never toward a RESPOND peer.
 */
TEST_F(s, rekey_when_a_member_is_heard_again)
{
	struct net *n = &self->n;
	struct agi_sess_peer *p = &n->a.peer[0];
	u64 t = 1000;

	p->quiet = true;
	ASSERT_EQ(0, send_init(n, t));
	ASSERT_EQ(0, deliver(n, t));
	ASSERT_TRUE(keys_match(n));
	/* Quiet and keyed: nothing due before the rekey interval. */
	ASSERT_EQ(t + REKEY, agi_sess_next_due(&n->a));
	/* Keys just made: no new handshake for a second connection. */
	ASSERT_FALSE(agi_sess_rekey(p, t + AGI_SESS_RETRY_MS - 1));
	ASSERT_EQ(-EAGAIN, send_init(n, t + AGI_SESS_RETRY_MS - 1));
	t += 5000;
	ASSERT_TRUE(agi_sess_rekey(p, t));
	ASSERT_FALSE(agi_sess_rekey(p, t));
	ASSERT_EQ(t, agi_sess_next_due(&n->a));
	n->ns += 1;
	ASSERT_EQ(0, send_init(n, t));
	/* The INIT is out: neither due again nor made due before backoff. */
	ASSERT_FALSE(p->rekey_now);
	ASSERT_FALSE(agi_sess_rekey(p, t + 2000));
	ASSERT_EQ(-EAGAIN, send_init(n, t + 1));
	ASSERT_EQ(0, deliver(n, t + 10));
	ASSERT_TRUE(keys_match(n));
	ASSERT_EQ(2, p->handshakes);
	/* The interval runs from the new keys. */
	ASSERT_EQ(t + 10 + REKEY, agi_sess_next_due(&n->a));
	ASSERT_FALSE(agi_sess_rekey(&n->w.peer[0], t + 100000));
	ASSERT_NULL(agi_sess_due(&n->w, t + 100000));
}

/*
 * Keys the module lost without this node knowing (the link of a member
 * removed and added again by someone else, the module reloaded under a
 * running daemon): seen in what the module shows, the INITIATE peer is
 * due at once. Not while its keys are just made or an INIT is out, not
 * when the link has keys or is gone, never for a RESPOND peer.
 */
TEST_F(s, keys_lost_by_the_module_made_again)
{
	struct net *n = &self->n;
	struct agi_sess_peer *p = &n->a.peer[0];
	u64 t = 1000;

	p->quiet = true;
	ASSERT_EQ(0, send_init(n, t));
	/* The INIT is out: whatever the module shows, nothing changes. */
	ASSERT_FALSE(agi_sess_check_module(p, t + 5000, true, false));
	ASSERT_EQ(0, deliver(n, t));
	ASSERT_TRUE(keys_match(n));
	/* Keys just made (the install may not show yet). */
	ASSERT_FALSE(agi_sess_check_module(p, t + AGI_SESS_RETRY_MS - 1, true,
					   false));
	t += 5000;
	ASSERT_FALSE(agi_sess_check_module(p, t, true, true));
	ASSERT_FALSE(agi_sess_check_module(p, t, false, false));
	ASSERT_EQ(-EAGAIN, send_init(n, t));
	ASSERT_TRUE(agi_sess_check_module(p, t, true, false));
	ASSERT_FALSE(p->keyed);
	ASSERT_EQ(t, agi_sess_next_due(&n->a));
	n->ns += 1;
	ASSERT_EQ(0, send_init(n, t));
	ASSERT_EQ(0, deliver(n, t + 1));
	ASSERT_TRUE(keys_match(n));
	ASSERT_EQ(2, p->handshakes);
	/* A RESPOND peer waits for the INIT, whatever its link shows. */
	ASSERT_FALSE(agi_sess_check_module(&n->w.peer[0], t + 100000, true,
					   false));
	ASSERT_TRUE(n->w.peer[0].keyed);
}

/*
 * The responder in a child: drops the first INIT (lost), answers the
 * second, opens one sealed message, answers it sealed; exits 0 when the
 * message was "commit".
 */
static int responder(int fd, const struct agi_keypair *self)
{
	u8 buf[AGISWARM_WIRE_MAX], out[AGI_HS_RESP_MAX];
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	struct agi_hs_init m;
	struct agi_hs_keys k;
	struct agi_session s = { 0 };
	enum agiswarm_counter why;
	size_t n;
	ssize_t got;
	int len;

	if (recv(fd, buf, sizeof(buf), 0) <= 0)	/* the lost one */
		return 1;
	got = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
		       &flen);
	if (got <= 0 || agi_hs_init_check(buf, (size_t)got, self->pk, &m) ||
	    agi_hs_respond(self, buf, (size_t)got, &m, 77, out, sizeof(out),
			   &n, &k) ||
	    sendto(fd, out, n, 0, (struct sockaddr *)&from, flen) != (ssize_t)n)
		return 2;
	s.local_index = k.local_index;
	s.remote_index = k.remote_index;
	memcpy(s.rx, k.rx, sizeof(s.rx));
	memcpy(s.tx, k.tx, sizeof(s.tx));
	got = recv(fd, buf, sizeof(buf), 0);
	if (got <= 0)
		return 3;
	len = agi_session_open(&s, buf, (size_t)got, &why);
	if (len != 10 || memcmp(buf + AGI_SEAL_PUSH, "\x01\x06\x00\x06" "commit", 10))
		return 4;
	memcpy(buf + AGI_SEAL_PUSH, "\x01\x0a\x00\x02ok", 6);
	n = agi_session_seal(&s, buf, 6);
	if (!n || sendto(fd, buf, n, 0, (struct sockaddr *)&from, flen) != (ssize_t)n)
		return 5;
	return 0;
}

TEST(udp_session_without_the_module)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	struct agi_keypair op, agg;
	struct agi_endpoint ep = { 0 };
	struct agi_session s;
	enum agiswarm_counter why;
	u8 buf[AGISWARM_WIRE_MAX];
	struct timeval tv = { .tv_sec = 20 };
	int srv, cli, status, len;
	size_t n;
	pid_t pid;

	ASSERT_EQ(0, agi_key_generate(&op));
	ASSERT_EQ(0, agi_key_generate(&agg));
	srv = socket(AF_INET, SOCK_DGRAM, 0);
	cli = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, srv);
	ASSERT_EQ(0, bind(srv, (struct sockaddr *)&a, sizeof(a)));
	ASSERT_EQ(0, getsockname(srv, (struct sockaddr *)&a, &alen));
	/* Neither side waits for ever when the other failed. */
	ASSERT_EQ(0, setsockopt(srv, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	ASSERT_EQ(0, setsockopt(cli, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	memcpy(&ep.addr.sin, &a, sizeof(a));
	ep.len = sizeof(a);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(responder(srv, &agg));
	/* 1 s for the first RESP, which never comes; the retry is answered. */
	ASSERT_EQ(0, agi_hs_udp_initiate(cli, &ep, &op, agg.pk, &s));
	ASSERT_EQ(77, s.remote_index);
	memcpy(buf + AGI_SEAL_PUSH, "\x01\x06\x00\x06" "commit", 10);
	n = agi_session_seal(&s, buf, 10);
	ASSERT_LT(0, n);
	ASSERT_EQ((ssize_t)n, sendto(cli, buf, n, 0, (struct sockaddr *)&a,
				     sizeof(a)));
	len = (int)recv(cli, buf, sizeof(buf), 0);
	ASSERT_LT(0, len);
	ASSERT_EQ(6, agi_session_open(&s, buf, (size_t)len, &why));
	ASSERT_EQ(0, memcmp(buf + AGI_SEAL_PUSH, "\x01\x0a\x00\x02ok", 6));
	/* The same answer again is a replay. */
	ASSERT_GT(0, agi_session_open(&s, buf, (size_t)len, &why));
	ASSERT_EQ(0, waitpid(pid, &status, 0) == pid ? 0 : -1);
	ASSERT_EQ(0, WEXITSTATUS(status));
	agi_session_wipe(&s);
	close(srv);
	close(cli);
}

TEST_HARNESS_MAIN
