// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * repl_node: one member of an aggregator group's replicated log, without
 * the module, for selftests/native/repl_group.sh. It runs the daemon's
 * real replication code (daemon/repl.c, daemon/repl_transport.c: libraft,
 * the authenticated transport) from an agiswarmd configuration, takes
 * COMMIT datagrams from `agictl commit` on its member's port (as the
 * module hands them to agiswarmd), verifies them as agiswarmd does, and
 * answers COMMIT_ACK only when a majority holds the entry. Each applied
 * entry goes to the audit log (security.audit_log) and one line to
 * --entries FILE; --status FILE is rewritten every 50 ms:
 *
 *   STATE TERM COMMIT_INDEX LAST_APPLIED LEADER_NAME
 *
 * and with --metrics FILE, so is the group's part of agiswarmd's
 * Prometheus text, by the function the daemon renders it with.
 *
 * The apply cycle stands in for the module's: wall-clock milliseconds /
 * aggregator.cycle_time_ms, plus a margin.
 *
 *   repl_node --config FILE --entries FILE --status FILE [--metrics FILE]
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "user/audit.h"
#include "user/commit.h"
#include "user/config.h"
#include "user/keys.h"
#include "user/msg.h"
#include "user/parse.h"
#include "user/repl_entry.h"
#include "../../../daemon/prom_text.h"
#include "../../../daemon/repl.h"

#define APPLY_MARGIN 10

struct node {
	struct agi_config cfg;
	struct agi_keypair key;
	struct agi_audit audit;
	uv_loop_t loop;
	uv_udp_t udp;
	uv_timer_t timer;
	uv_signal_t sigterm;
	struct agid_repl *repl;
	const char *entries, *status, *metrics;
	int level;
};

struct job {
	struct node *n;
	struct sockaddr_storage from;
	struct agi_repl_entry e;
	struct agi_commit_ack ack;
};

static void log_line(void *arg, enum agi_log_level level, const char *line)
{
	struct node *n = arg;

	if ((int)level <= n->level)
		fprintf(stderr, "repl_node %s: %s\n", n->cfg.repl_member, line);
}

static u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (u64)ts.tv_sec * 1000 + (u64)ts.tv_nsec / 1000000;
}

static int apply(void *arg, u64 index, const struct agi_repl_entry *e)
{
	struct node *n = arg;
	char err[AGI_CONFIG_ERR_LEN];
	FILE *f;
	int ret;

	if (e->type != AGI_REPL_COMMIT)
		return 0;
	ret = agi_repl_commit_audit(&n->audit, &e->commit, err, sizeof(err));
	if (ret == -EIO)
		log_line(n, AGI_LOG_ERROR, err);
	if (ret)
		return ret;
	f = fopen(n->entries, "a");
	if (f) {
		fprintf(f, "commit seq %llu cycle %llu time %llu (index %llu)\n",
			(unsigned long long)e->commit.seq,
			(unsigned long long)e->commit.apply_cycle,
			(unsigned long long)e->commit.time,
			(unsigned long long)index);
		fclose(f);
	}
	return 0;
}

static void sent(uv_udp_send_t *req, int status)
{
	(void)status;
	free(req);
}

static void answer(struct job *j)
{
	uv_udp_send_t *req = malloc(sizeof(*req) + AGISWARM_WIRE_MAX);
	u8 *out = (u8 *)(req + 1);
	uv_buf_t b;
	int len;

	if (!req)
		return;
	len = agi_commit_ack_encode(&j->ack, out, AGISWARM_WIRE_MAX);
	b = uv_buf_init((char *)out, len > 0 ? (unsigned int)len : 0);
	if (len <= 0 || uv_udp_send(req, &j->n->udp, &b, 1,
				    (struct sockaddr *)&j->from, sent))
		free(req);
}

static void reject(struct job *j, const char *reason)
{
	j->ack.status = AGI_COMMIT_REJECTED;
	snprintf(j->ack.reason, sizeof(j->ack.reason), "%s", reason);
	answer(j);
	free(j);
}

static void committed(void *arg, int status, int result, u64 index)
{
	struct job *j = arg;
	char reason[AGI_REASON_MAX];

	(void)index;
	if (status) {
		reject(j, "not acknowledged: the leader lost its majority before the group held the commit (it may still apply; see the audit log)");
		return;
	}
	if (result == -EALREADY) {
		snprintf(reason, sizeof(reason), "replayed: seq %llu is not above the last applied",
			 (unsigned long long)j->e.commit.seq);
		reject(j, reason);
		return;
	}
	if (result) {
		reject(j, "the group's audit log could not be written");
		return;
	}
	j->ack.status = AGI_COMMIT_ACCEPTED;
	j->ack.apply_at_cycle = j->e.commit.apply_cycle;
	answer(j);
	free(j);
}

static void received(uv_udp_t *udp, ssize_t len, const uv_buf_t *buf,
		     const struct sockaddr *from, unsigned flags)
{
	struct node *n = udp->data;
	struct agi_keyring *keys = calloc(1, sizeof(*keys));
	struct agi_commit *c = calloc(1, sizeof(*c));
	struct job *j = calloc(1, sizeof(*j));
	struct agi_verify_ctx ctx = { .keys = keys };
	struct agi_repl_commit *rc;
	char reason[AGI_REASON_MAX], err[AGI_CONFIG_ERR_LEN];
	u64 cycle = now_ms() * 1000 / n->cfg.cycle_time_us;
	int ret;

	(void)flags;
	if (len <= 0 || !from || !keys || !c || !j)
		goto out;
	j->n = n;
	memcpy(&j->from, from, from->sa_family == AF_INET6 ?
	       sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	rc = &j->e.commit;
	j->e.type = AGI_REPL_COMMIT;
	if (agi_commit_dgram_decode((const u8 *)buf->base, (size_t)len,
				    rc->body, &rc->body_len, rc->sig)) {
		reject(j, "malformed commit");
		j = NULL;
		goto out;
	}
	if (agi_keyring_load(n->cfg.authorized_keys, keys, err, sizeof(err)))
		log_line(n, AGI_LOG_WARNING, err);
	ctx.epoch = n->cfg.epoch;
	ctx.last_seq = n->audit.last_seq;
	ctx.now = (u64)time(NULL);
	ctx.max_window = n->cfg.commit_window_s;
	ctx.skip_signature = !n->cfg.require_signatures;
	ctx.swarm = n->cfg.swarm_id;
	ctx.node = n->cfg.node_id;
	if (agi_commit_verify(&ctx, rc->body, rc->body_len, rc->sig, c,
			      reason) != AGI_V_OK) {
		j->ack.seq = c->seq;
		reject(j, reason);
		j = NULL;
		goto out;
	}
	j->ack.seq = c->seq;
	rc->seq = c->seq;
	memcpy(rc->key_id, c->key_id, AGI_KEYID_LEN);
	rc->apply_cycle = c->apply_at_cycle > cycle ? c->apply_at_cycle :
			  cycle + APPLY_MARGIN;
	rc->time = ctx.now;
	ret = agid_repl_propose(n->repl, &j->e, committed, j);
	if (ret) {
		if (ret == -ENOTCONN)
			agid_repl_not_leader(n->repl, reason, sizeof(reason));
		else
			snprintf(reason, sizeof(reason), "proposing it failed: %s",
				 strerror(-ret));
		reject(j, reason);
	}
	j = NULL;
out:
	free(j);
	free(c);
	free(keys);
}

static void recv_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	static char mem[AGISWARM_WIRE_MAX + 1];

	(void)h;
	(void)hint;
	*buf = uv_buf_init(mem, sizeof(mem));
}

/* The group's metrics, replacing n->metrics by rename as the daemon does. */
static void write_metrics(struct node *n)
{
	char tmp[600];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", n->metrics);
	f = fopen(tmp, "w");
	if (!f)
		return;
	prom_group(f, n->repl, n->cfg.n_group);
	if (fclose(f) == 0)
		rename(tmp, n->metrics);
}

static void write_status(uv_timer_t *t)
{
	struct node *n = t->data;
	struct agid_repl_status st;
	char tmp[600];
	FILE *f;

	if (n->metrics)
		write_metrics(n);

	agid_repl_status(n->repl, &st);
	snprintf(tmp, sizeof(tmp), "%s.tmp", n->status);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "%s %llu %llu %llu %s\n", st.state,
		(unsigned long long)st.term,
		(unsigned long long)st.commit_index,
		(unsigned long long)st.last_applied,
		st.leader_name[0] ? st.leader_name : "-");
	fclose(f);
	rename(tmp, n->status);
}

static void closed_repl(void *arg)
{
	struct node *n = arg;

	uv_close((uv_handle_t *)&n->udp, NULL);
	uv_close((uv_handle_t *)&n->timer, NULL);
	uv_close((uv_handle_t *)&n->sigterm, NULL);
}

static void on_term(uv_signal_t *s, int sig)
{
	struct node *n = s->data;

	(void)sig;
	uv_signal_stop(s);
	agid_repl_stop(n->repl, closed_repl, n);
	n->repl = NULL;
}

static int start(struct node *n)
{
	const struct agi_config_member *self = NULL;
	struct agid_repl_ops ops = { .apply = apply, .log = log_line, .arg = n };
	struct agi_endpoint ep;
	char err[AGI_CONFIG_ERR_LEN], addr[96];
	u32 i;

	if (agi_key_read_private(n->cfg.node_key_file, &n->key, err, sizeof(err)) ||
	    agi_audit_open(&n->audit, n->cfg.audit_log, err, sizeof(err))) {
		fprintf(stderr, "repl_node: %s\n", err);
		return 1;
	}
	for (i = 0; i < n->cfg.n_group; i++)
		if (!strcmp(n->cfg.group[i].name, n->cfg.repl_member))
			self = &n->cfg.group[i];
	if (!self) {
		fprintf(stderr, "repl_node: replication.member is not set\n");
		return 1;
	}
	snprintf(addr, sizeof(addr), "%s:%u", self->ip, self->port);
	uv_loop_init(&n->loop);
	uv_udp_init(&n->loop, &n->udp);
	n->udp.data = n;
	if (agi_parse_endpoint(addr, &ep) ||
	    uv_udp_bind(&n->udp, (struct sockaddr *)&ep.addr, 0) ||
	    uv_udp_recv_start(&n->udp, recv_alloc, received)) {
		fprintf(stderr, "repl_node: binding %s failed\n", addr);
		return 1;
	}
	if (agid_repl_start(&n->repl, &n->loop, &n->cfg, &n->key, &ops, err,
			    sizeof(err))) {
		fprintf(stderr, "repl_node: %s\n", err);
		return 1;
	}
	uv_timer_init(&n->loop, &n->timer);
	n->timer.data = n;
	uv_timer_start(&n->timer, write_status, 0, 50);
	uv_signal_init(&n->loop, &n->sigterm);
	n->sigterm.data = n;
	uv_signal_start(&n->sigterm, on_term, SIGTERM);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "entries", required_argument, NULL, 'e' },
		{ "status", required_argument, NULL, 's' },
		{ "metrics", required_argument, NULL, 'm' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	static struct node n = { .level = AGI_LOG_WARNING };
	const char *config = NULL;
	char err[AGI_CONFIG_ERR_LEN];
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "c:e:s:m:v", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			config = optarg;
			break;
		case 'e':
			n.entries = optarg;
			break;
		case 's':
			n.status = optarg;
			break;
		case 'm':
			n.metrics = optarg;
			break;
		case 'v':
			n.level = AGI_LOG_DEBUG;
			break;
		default:
			return 2;
		}
	}
	if (!config || !n.entries || !n.status) {
		fprintf(stderr, "usage: repl_node --config FILE --entries FILE --status FILE [--metrics FILE] [--verbose]\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (agi_keys_init() || agi_config_load(&n.cfg, config, err, sizeof(err))) {
		fprintf(stderr, "repl_node: %s\n", err);
		return 1;
	}
	if (start(&n))
		return 1;
	rc = uv_run(&n.loop, UV_RUN_DEFAULT);
	agi_audit_close(&n.audit);
	agi_key_wipe(&n.key);
	uv_loop_close(&n.loop);
	return rc ? 1 : 0;
}
