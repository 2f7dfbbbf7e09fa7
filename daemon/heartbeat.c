// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * A worker's heartbeats: every worker.heartbeat_interval a HEARTBEAT goes
 * to worker.aggregator.host:port from the node's own socket (SEND), with
 * the host's cpu and memory use (/proc/stat, /proc/meminfo), the round
 * trip of the last heartbeat the aggregator answered, and the bytes
 * waiting in the node's UDP receive queue (/proc/net/udp of this network
 * namespace). The aggregator's STATUS answer closes the round trip and
 * says how it sees this worker. A worker given the group's aggregators:
 * (2 or more members) sends them to every member instead, each sealed
 * for that member, and takes STATUS from any of them.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/msg.h"
#include "user/peer.h"
#include "program.h"
#include "runtime.h"

#define SENT_SLOTS (sizeof(((struct agid_heartbeat *)0)->sent_ms) / sizeof(u64))

/* Busy and total jiffies of all CPUs since boot. */
static int read_cpu(u64 *busy, u64 *total)
{
	unsigned long long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "re");
	int n;

	if (!f)
		return -errno;
	n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
		   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
	fclose(f);
	if (n < 4)
		return -EINVAL;
	/* idle (3) and iowait (4) are not busy */
	*total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
	*busy = *total - v[3] - v[4];
	return 0;
}

/* Since the previous sample, in permille; 0 on the first. */
static u32 cpu_permille(struct agid_heartbeat *hb)
{
	u64 busy = 0, total = 0, db, dt;
	u32 p = 0;

	if (read_cpu(&busy, &total))
		return 0;
	db = busy - hb->cpu_busy;
	dt = total - hb->cpu_total;
	if (hb->cpu_total && dt)
		p = (u32)(db * 1000 / dt);
	hb->cpu_busy = busy;
	hb->cpu_total = total;
	return p > 1000 ? 1000 : p;
}

static u32 mem_permille(void)
{
	unsigned long long total = 0, avail = 0, v;
	char line[128], key[64];
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63[^:]: %llu", key, &v) != 2)
			continue;
		if (!strcmp(key, "MemTotal"))
			total = v;
		else if (!strcmp(key, "MemAvailable"))
			avail = v;
	}
	fclose(f);
	if (!total || avail > total)
		return 0;
	return (u32)((total - avail) * 1000 / total);
}

/* rx_queue of the UDP socket bound to @port in this namespace. */
static u32 queue_bytes(u16 port)
{
	unsigned int lport, tx, rx;
	char line[256];
	FILE *f = fopen("/proc/net/udp", "re");
	u32 q = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %*d: %*x:%x %*x:%*x %*x %x:%x", &lport, &tx,
			   &rx) == 3 && lport == port) {
			q = rx;
			break;
		}
	}
	fclose(f);
	return q;
}

static void send_heartbeat(struct agid *d)
{
	const struct agi_config *cfg = d->cfg;
	struct agid_heartbeat *hb = &d->hb;
	struct agi_heartbeat h = {
		.worker = cfg->node_id,
		.seq = ++hb->seq,
		.port = cfg->udp_port,
		.cpu_permille = cpu_permille(hb),
		.mem_permille = mem_permille(),
		.latency_us = hb->latency_us,
		.queue = queue_bytes(cfg->udp_port),
	};
	u8 out[AGISWARM_WIRE_MAX];
	u32 i;
	int n;

	h.status = h.cpu_permille > cfg->degraded_cpu_percent * 10 ||
		   h.latency_us > cfg->degraded_latency_ms * 1000ULL ?
		   AGISWARM_HEALTH_DEGRADED : AGISWARM_HEALTH_HEALTHY;
	n = agi_heartbeat_encode(&h, out, sizeof(out));
	if (n < 0)
		return;
	hb->sent_ms[h.seq % SENT_SLOTS] = agid_now_ms();
	if (!hb->n_group) {
		agid_send_to(d, d->sess.sealed ? cfg->worker_aggregator_key.pk :
			     NULL, &hb->target, out, (size_t)n);
		return;
	}
	for (i = 0; i < hb->n_group; i++)
		agid_send_to(d, hb->group_pk[i], &hb->group_ep[i], out,
			     (size_t)n);
}

static void on_tick(uv_timer_t *t)
{
	send_heartbeat(t->data);
}

void agid_heartbeat_status(struct agid *d, const struct agi_endpoint *from,
			   const u8 *pk, const u8 *dgram, size_t len)
{
	struct agid_heartbeat *hb = &d->hb;
	struct agi_status_msg s;
	char text[64];

	/* Sealed: only from the configured aggregator's key, or a member's. */
	if (d->sess.sealed && !agid_member_key(d->cfg, pk) &&
	    (!pk || memcmp(pk, d->cfg->worker_aggregator_key.pk, AGI_PK_LEN))) {
		d->sess.unsealed_dropped++;
		return;
	}
	agid_session_heard(d, pk);
	if (agi_status_msg_decode(dgram, len, &s))
		return;
	/* Only the last few seqs have a send time worth measuring from. */
	if (s.seq && s.seq <= hb->seq && hb->seq - s.seq < SENT_SLOTS)
		hb->latency_us = (u32)((agid_now_ms() -
					hb->sent_ms[s.seq % SENT_SLOTS]) * 1000);
	if (s.health != hb->health || s.member != hb->member) {
		agi_format_endpoint(&from->addr, from->len, text, sizeof(text));
		agid_log(d, AGI_LOG_INFO,
			 "aggregator %u at %s sees this worker as %s%s (epoch %llu, cycle %llu)",
			 s.node, text, agi_health_name(s.health),
			 s.member ? "" : ", not a member yet",
			 (unsigned long long)s.epoch,
			 (unsigned long long)s.cycle);
	}
	hb->health = s.health;
	hb->member = s.member;
}

static int resolve(struct agid *d)
{
	const struct agi_config *cfg = d->cfg;
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_DGRAM };
	struct addrinfo *res;
	char port[8];
	int err;

	snprintf(port, sizeof(port), "%u", cfg->worker_port);
	err = getaddrinfo(cfg->worker_host, port, &hints, &res);
	if (err) {
		agid_log(d, AGI_LOG_ERROR, "worker.aggregator.host '%s': %s: no heartbeats are sent",
			 cfg->worker_host, gai_strerror(err));
		return -EINVAL;
	}
	if (res->ai_addrlen > sizeof(d->hb.target.addr)) {
		freeaddrinfo(res);
		return -EAFNOSUPPORT;
	}
	memcpy(&d->hb.target.addr, res->ai_addr, res->ai_addrlen);
	d->hb.target.len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/*
 * A sealed worker's aggregator as a peer of the module (kind aggregator,
 * id 1) with its key: the link the session keys go to, and the only
 * sender whose TASK and ROWS the module takes.
 */
static int add_aggregator(struct agid *d)
{
	struct agi_peer_req p = {
		.kind = AGISWARM_PEER_AGGREGATOR, .id = 1, .health = -1,
		.ep = d->hb.target, .has_pubkey = true,
	};
	int err;

	memcpy(p.pubkey, d->cfg->worker_aggregator_key.pk, AGISWARM_PUBKEY_LEN);
	err = agi_peer_add(d->nl, &p);

	if (err)
		agid_log(d, AGI_LOG_ERROR, "adding the aggregator's key to the module failed: %s",
			 d->nl->extack[0] ? d->nl->extack : strerror(-err));
	return err;
}

/*
 * A worker given the group's aggregators: every member is an aggregator
 * of the module (id AGID_MEMBER_ID(rank), its key), so that whichever
 * takes over is one whose TASKs it takes, and gets its heartbeats.
 */
static int add_members(struct agid *d)
{
	const struct agi_config *cfg = d->cfg;
	struct agid_heartbeat *hb = &d->hb;
	struct agi_peer_req p;
	char addr[64];
	u32 i;
	int err;

	for (i = 0; i < cfg->n_group; i++) {
		if (agid_member_peer(cfg, i, false, &p)) {
			agid_log(d, AGI_LOG_ERROR, "aggregators.%s: '%s' port %u is not an address the module takes",
				 cfg->group[i].name, cfg->group[i].ip,
				 cfg->group[i].port);
			return -EINVAL;
		}
		err = agi_peer_add(d->nl, &p);
		if (err) {
			agid_log(d, AGI_LOG_ERROR, "adding aggregators.%s's key to the module failed: %s",
				 cfg->group[i].name,
				 d->nl->extack[0] ? d->nl->extack : strerror(-err));
			return err;
		}
		hb->group_ep[hb->n_group] = p.ep;
		memcpy(hb->group_pk[hb->n_group++], p.pubkey, AGI_PK_LEN);
		agi_format_endpoint(&p.ep.addr, p.ep.len, addr, sizeof(addr));
		agid_log(d, AGI_LOG_INFO, "aggregator %u: aggregators.%s at %s (rank %u)",
			 p.id, cfg->group[i].name, addr, p.rank);
	}
	return 0;
}

int agid_heartbeat_init(struct agid *d)
{
	u64 period = d->cfg->heartbeat_us / 1000;
	int err;

	uv_timer_init(&d->loop, &d->hb.timer);
	d->hb.timer.data = d;
	d->hb.health = AGISWARM_HEALTH_HEALTHY;
	if (agid_worker_in_group(d->cfg)) {
		if (*d->cfg->worker_host)
			agid_log(d, AGI_LOG_INFO, "worker.aggregator is not used: aggregators: lists the group, and every member gets the heartbeats");
		err = add_members(d);
		if (err)
			return err;
		agid_log(d, AGI_LOG_INFO, "heartbeats to the group's %u members every %llu ms",
			 d->hb.n_group, (unsigned long long)period);
		cpu_permille(&d->hb);
		return uv_timer_start(&d->hb.timer, on_tick, 0,
				      period ? period : 1);
	}
	if (!*d->cfg->worker_host) {
		agid_log(d, AGI_LOG_WARNING, "worker.aggregator.host is empty: no heartbeats are sent, so no aggregator's daemon learns of this worker");
		return d->sess.sealed ? add_aggregator(d) : 0;
	}
	if (resolve(d))
		return d->sess.sealed ? add_aggregator(d) : 0;
	if (d->sess.sealed && add_aggregator(d))
		return -EPERM;
	d->hb.have_target = true;
	agid_log(d, AGI_LOG_INFO, "heartbeats to %s:%u every %llu ms",
		 d->cfg->worker_host, d->cfg->worker_port,
		 (unsigned long long)period);
	cpu_permille(&d->hb);	/* the first sample */
	return uv_timer_start(&d->hb.timer, on_tick, 0, period ? period : 1);
}

void agid_heartbeat_close(struct agid *d)
{
	agid_close(&d->hb.timer);
}
