// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agictl peer and agictl workers: the aggregator's workers, actuators and
 * sensors (AGISWARM_CMD_ADD_PEER, _DEL_PEER, the GET_PEERS dump).
 */
#include <stdio.h>
#include <string.h>

#include <errno.h>
#include <limits.h>

#include <sodium.h>

#include "user/keys.h"
#include "user/names.h"
#include "user/peer.h"
#include "user/status.h"
#include "agictl.h"

/* A worker whose last answer is this many cycles old is "late". */
#define HEALTH_LATE_CYCLES 3

static const char *kind_name(unsigned int kind)
{
	return agi_name(&agi_peer_kind_names, kind);
}

static void peer_usage(void)
{
	printf("Usage: agictl peer add KIND ID ADDR[:PORT] [ key PUB ]\n"
	       "                      [ psk FILE local PUB ]\n"
	       "                      [health { healthy | degraded | unhealthy }]\n"
	       "                      [ rank R ]\n"
	       "       agictl peer del KIND ID\n"
	       "       agictl [-j] peer list\n"
	       "       agictl [-j] workers list\n"
	       "An aggregator sends TASKs to its workers, ACTUATE to its actuators\n"
	       "and takes SENSOR input only from its sensors. ID is 0..4294967295\n"
	       "(a worker's id is its node id); ADDR is IPv4 (192.0.2.11:6000) or\n"
	       "IPv6 in brackets ([2001:db8::1]:6000); PORT defaults to 6000.\n"
	       "KIND is worker, actuator, sensor, aggregator (whose TASK and ROWS\n"
	       "a worker takes) or operator.\n"
	       "\"key PUB\" names the peer's identity, its node's public key (64 hex\n"
	       "digits, or @FILE: agictl keygen --node); entries with one key share\n"
	       "one link. Datagrams between nodes are sealed: a peer without a key\n"
	       "is neither sent to nor heard. \"psk FILE local PUB\" installs the\n"
	       "link's keys in pre-shared-key mode: both sides derive them from\n"
	       "FILE (32 bytes in hex, mode 0600: agictl keygen --psk) and the two\n"
	       "public keys, PUB (local) being this node's own.\n"
	       "\"add\" replaces a peer of the same kind and id. Adding or deleting\n"
	       "a worker reassigns the coded rows. \"health\" (workers only) records\n"
	       "how agiswarmd judges the worker from its heartbeats; an \"add\" that\n"
	       "changes only the health keeps the rows. \"rank R\" (aggregators\n"
	       "only, 0..6) makes the peer a member of this node's replicated\n"
	       "group (agictl node set group-rank, group-size): the primary sends\n"
	       "it a cycle record after every cycle. Both need CAP_NET_ADMIN\n"
	       "and print nothing on success.\n"
	       "\"peer list\" prints every peer (a group member with its rank);\n"
	       "JSON: [{\"kind\", \"id\", \"endpoint\"}, ...] plus \"rank\" for a\n"
	       "member and the worker fields below for workers.\n"
	       "\"workers list\" prints the workers only, with their health (the\n"
	       "daemon's healthy, degraded or unhealthy when it gave one, else ok:\n"
	       "answered within the last %d cycles; late: not since; idle: no\n"
	       "cycle yet; no rows: holds no coded rows), rows held, the row\n"
	       "generation of its last results, results used, cycles missed, the\n"
	       "last cycle it answered, its RESULTs that disagreed with the\n"
	       "decoded outputs (inconsistent: checked when more results come\n"
	       "than decoding needs; the cycle's results were not all right,\n"
	       "and when the wrong one was used the honest ones are counted)\n"
	       "and its fault; JSON: [{\"id\", \"endpoint\", \"health\", \"rows\",\n"
	       "\"gen\", \"results\", \"missed\", \"last_cycle\", \"inconsistent\",\n"
	       "\"fault\": null | {\"kind\": \"drop\"|\"delay\"|\"stall\"|\"corrupt\",\n"
	       "\"value\"}}, ...]\n",
	       HEALTH_LATE_CYCLES);
}

static int parse_kind_id(const char *action, int argc, char **argv,
			 struct agi_peer_req *p)
{
	int ret;

	if (argc < 2)
		return agictl_usage_error("%s needs a kind (worker, actuator, sensor, aggregator or operator) and an ID",
					  action);
	ret = agi_name_find(&agi_peer_kind_names, argv[0]);
	if (ret < 0)
		return agictl_usage_error("invalid peer kind \"%s\" (expected worker, actuator, sensor, aggregator or operator)",
					  argv[0]);
	p->kind = (u8)ret;
	if (agi_parse_u32(argv[1], &p->id))
		return agictl_usage_error("invalid peer id \"%s\" (expected 0..4294967295)",
					  argv[1]);
	return AGICTL_OK;
}

/* "key PUB": 64 hex digits, or @FILE holding them. */
static int parse_pubkey(const char *arg, u8 pk[AGISWARM_PUBKEY_LEN])
{
	char err[PATH_MAX + 128];

	if (arg[0] == '@') {
		if (agi_key_read_public(arg + 1, pk, err, sizeof(err)))
			return agictl_fail("peer add failed: %s", err);
		return AGICTL_OK;
	}
	if (agi_hex_decode(arg, strlen(arg), pk, AGISWARM_PUBKEY_LEN))
		return agictl_usage_error("invalid key \"%s\" (expected 64 hex digits or @FILE)",
					  arg);
	return AGICTL_OK;
}

/**
 * struct peer_add_opts - what follows the endpoint of "peer add"
 * @psk: the file of "psk FILE", or NULL
 * @local: "local PUB", this node's public key
 * @has_local: @local was given
 */
struct peer_add_opts {
	const char *psk;
	u8 local[AGISWARM_PUBKEY_LEN];
	bool has_local;
};

/* "rank R": an aggregator's rank in the group, 0..AGISWARM_GROUP_MAX - 1. */
static int parse_rank(struct agi_peer_req *p, const char *v)
{
	u64 r;

	if (p->kind != AGISWARM_PEER_AGGREGATOR)
		return agictl_usage_error("only an aggregator has a rank in the group, not a%s %s",
					  p->kind == AGISWARM_PEER_ACTUATOR ||
					  p->kind == AGISWARM_PEER_OPERATOR ?
					  "n" : "", kind_name(p->kind));
	if (agi_parse_u64(v, AGISWARM_GROUP_MAX - 1, &r))
		return agictl_usage_error("invalid rank \"%s\" (expected 0..%d)", v,
					  AGISWARM_GROUP_MAX - 1);
	p->rank = (u8)r;
	return AGICTL_OK;
}

/* "key PUB", "psk FILE", "local PUB", "health H", "rank R", in any order,
 * once each.
 */
static int parse_add_opts(int argc, char **argv, struct agi_peer_req *p,
			  struct peer_add_opts *o)
{
	bool seen_health = false;
	int i, ret;

	p->health = -1;
	for (i = 3; i < argc; i += 2) {
		const char *w = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			return agictl_usage_error("\"%s\" needs a value", w);
		if (!strcmp(w, "key") && !p->has_pubkey) {
			ret = parse_pubkey(v, p->pubkey);
			p->has_pubkey = true;
		} else if (!strcmp(w, "local") && !o->has_local) {
			ret = parse_pubkey(v, o->local);
			o->has_local = true;
		} else if (!strcmp(w, "psk") && !o->psk) {
			o->psk = v;
			ret = AGICTL_OK;
		} else if (!strcmp(w, "rank") && !p->has_rank) {
			p->has_rank = true;
			ret = parse_rank(p, v);
		} else if (!strcmp(w, "health") && !seen_health) {
			seen_health = true;
			if (p->kind != AGISWARM_PEER_WORKER)
				return agictl_usage_error("only a worker has a health, not a%s %s",
							  p->kind == AGISWARM_PEER_ACTUATOR ||
							  p->kind == AGISWARM_PEER_AGGREGATOR ||
							  p->kind == AGISWARM_PEER_OPERATOR ?
							  "n" : "", kind_name(p->kind));
			p->health = agi_name_find(&agi_health_names, v);
			ret = p->health < 0 ?
			      agictl_usage_error("invalid health \"%s\" (expected healthy, degraded or unhealthy)",
						 v) : AGICTL_OK;
		} else {
			return agictl_usage_error("expected \"key PUB\", \"psk FILE\", \"local PUB\", \"rank R\" or \"health { healthy | degraded | unhealthy }\" after the address, not \"%s\"",
						  w);
		}
		if (ret)
			return ret;
	}
	if (o->psk && (!p->has_pubkey || !o->has_local))
		return agictl_usage_error("psk needs the peer's \"key PUB\" and this node's \"local PUB\"");
	if (!o->psk && o->has_local)
		return agictl_usage_error("local is used only with psk");
	return AGICTL_OK;
}

static int peer_add(int argc, char **argv)
{
	struct agi_peer_req p = { 0 };
	struct peer_add_opts o = { 0 };
	char err[PATH_MAX + 128];
	u8 psk[AGI_SECRET_LEN];
	struct agi_nl nl;
	int ret;

	ret = parse_kind_id("peer add", argc, argv, &p);
	if (ret)
		return ret;
	if (argc < 3)
		return agictl_usage_error("peer add needs an address, ADDR[:PORT]");
	ret = parse_add_opts(argc, argv, &p, &o);
	if (ret)
		return ret;
	if (agi_parse_endpoint(argv[2], &p.ep))
		return agictl_usage_error("invalid endpoint \"%s\" (expected ADDR[:PORT], e.g. 192.0.2.11:6000)",
					  argv[2]);
	if (o.psk && agi_secret_read(o.psk, psk, err, sizeof(err)))
		return agictl_fail("peer add failed: %s", err);
	ret = agictl_open(&nl, "peer add");
	if (ret)
		goto out;
	ret = agi_peer_add(&nl, &p);
	if (!ret && o.psk)
		ret = agi_key_set_psk(&nl, psk, o.local, p.pubkey);
	ret = agictl_close(&nl, "peer add", ret);
out:
	sodium_memzero(psk, sizeof(psk));
	return ret;
}

static int peer_del(int argc, char **argv)
{
	struct agi_peer_req p = { .health = -1 };
	struct agi_nl nl;
	int ret;

	ret = parse_kind_id("peer del", argc, argv, &p);
	if (!ret)
		ret = agictl_max_args("peer del", argc, argv, 2);
	if (!ret)
		ret = agictl_open(&nl, "peer del");
	if (ret)
		return ret;
	return agictl_close(&nl, "peer del", agi_peer_del(&nl, p.kind, p.id));
}

static void print_fault(const struct agi_peer *p)
{
	if (!p->has_fault) {
		agi_print_null(AGI_PRINT_ANY, "fault", " fault none");
		return;
	}
	agi_open_object("fault");
	agi_print_string(AGI_PRINT_ANY, "kind", " fault %s",
			 agi_name(&agi_fault_names, p->fault_kind));
	if (p->fault_kind == AGISWARM_FAULT_DROP)
		agi_print_u64(AGI_PRINT_ANY, "value", " %llu%%",
			      p->fault_value);
	else if (p->fault_kind == AGISWARM_FAULT_DELAY)
		agi_print_u64(AGI_PRINT_ANY, "value", " %llums",
			      p->fault_value);
	else
		agi_print_u64(AGI_PRINT_JSON, "value", NULL, p->fault_value);
	agi_close_object();
}

static const char *health(const struct agi_peer *p, u64 cycle_id)
{
	if (p->has_health)
		return agi_health_name(p->health);
	if (!p->rows)
		return "no rows";
	if (!cycle_id)
		return "idle";
	if (p->results && p->last_cycle + HEALTH_LATE_CYCLES >= cycle_id)
		return "ok";
	return "late";
}

static void print_worker_stats(const struct agi_peer *p, u64 cycle_id,
			       bool with_health)
{
	if (with_health)
		agi_print_string(AGI_PRINT_ANY, "health", " %s",
				 health(p, cycle_id));
	agi_print_u64(AGI_PRINT_ANY, "rows", " rows %llu", p->rows);
	agi_print_u64(AGI_PRINT_ANY, "gen", " gen %llu", p->gen);
	agi_print_u64(AGI_PRINT_ANY, "results", " results %llu", p->results);
	agi_print_u64(AGI_PRINT_ANY, "missed", " missed %llu", p->missed);
	agi_print_u64(AGI_PRINT_ANY, "last_cycle", " last cycle %llu",
		      p->last_cycle);
	agi_print_u64(AGI_PRINT_ANY, "inconsistent", " inconsistent %llu",
		      p->inconsistent);
	print_fault(p);
}

/* @p's endpoint as text, "?" when there is none, into @buf (64 bytes). */
static const char *endpoint_text(const struct agi_peer *p, char *buf)
{
	agi_format_endpoint(&p->ep.addr, p->ep.len, buf, 64);
	return buf;
}

/* The link: its key (abridged in text), keypair, datagrams each way. */
static void print_link(const struct agi_peer *p)
{
	char hex[2 * AGISWARM_PUBKEY_LEN + 1];

	if (!p->has_pubkey) {
		agi_print_null(AGI_PRINT_ANY, "key", " key none");
		return;
	}
	agi_hex_encode(p->pubkey, sizeof(p->pubkey), hex);
	agi_print_string(AGI_PRINT_JSON, "key", NULL, hex);
	hex[16] = '\0';
	agi_print_string(AGI_PRINT_TEXT, NULL, " key %s..", hex);
	if (p->has_key)
		agi_print_u64(AGI_PRINT_ANY, "key_age", " keyed %llus",
			      p->key_age);
	else
		agi_print_null(AGI_PRINT_ANY, "key_age", " no keypair");
	agi_print_u64(AGI_PRINT_ANY, "sealed_rx", " rx %llu", p->link_rx);
	agi_print_u64(AGI_PRINT_ANY, "sealed_tx", " tx %llu", p->link_tx);
}

/* One line of "peer list": every kind, the worker fields for workers. */
static void print_peer(const struct agi_peer *p, u64 cycle_id)
{
	char ep[64];

	agi_open_object(NULL);
	agi_print_string(AGI_PRINT_ANY, "kind", "%s", kind_name(p->kind));
	agi_print_u64(AGI_PRINT_ANY, "id", " %llu", p->id);
	agi_print_string(AGI_PRINT_ANY, "endpoint", " %s",
			 endpoint_text(p, ep));
	print_link(p);
	if (p->has_rank)
		agi_print_u64(AGI_PRINT_ANY, "rank", " rank %llu", p->rank);
	if (p->kind == AGISWARM_PEER_WORKER)
		print_worker_stats(p, cycle_id, false);
	agi_print_text("\n");
	agi_close_object();
}

/* One line of "workers list": workers only, with their health. */
static void print_worker(const struct agi_peer *p, u64 cycle_id)
{
	char ep[64];

	if (p->kind != AGISWARM_PEER_WORKER)
		return;
	agi_open_object(NULL);
	agi_print_u64(AGI_PRINT_ANY, "id", "worker %llu", p->id);
	agi_print_string(AGI_PRINT_ANY, "endpoint", " %s",
			 endpoint_text(p, ep));
	print_worker_stats(p, cycle_id, true);
	agi_print_text("\n");
	agi_close_object();
}

/*
 * The GET_PEERS dump as one list, a @print_row call per peer; "workers
 * list" first reads the last cycle id, which its health column needs.
 */
static int list_peers(const char *action, bool need_cycle,
		      void (*print_row)(const struct agi_peer *p,
					u64 cycle_id))
{
	struct agi_peer_list l = { 0 };
	struct agi_status st = { 0 };
	struct agi_nl nl;
	size_t i;
	int ret, err = 0;

	ret = agictl_open(&nl, action);
	if (ret)
		return ret;
	if (need_cycle)
		err = agi_status_get(&nl, &st);
	if (!err)
		err = agi_peers_get(&nl, &l);
	ret = agictl_close(&nl, action, err);
	if (ret == AGICTL_OK) {
		agi_print_begin_list();
		for (i = 0; i < l.n; i++)
			print_row(&l.peers[i], st.field[AGI_ST_CYCLE_ID]);
		agi_print_end_list();
	}
	agi_peer_list_free(&l);
	return ret;
}

static int peer_list(int argc, char **argv)
{
	int ret;

	ret = agictl_max_args("peer list", argc, argv, 0);
	if (ret)
		return ret;
	return list_peers("peer list", false, print_peer);
}

static int workers_list(int argc, char **argv)
{
	int ret;

	ret = agictl_max_args("workers list", argc, argv, 0);
	if (ret)
		return ret;
	return list_peers("workers list", true, print_worker);
}

int agictl_peer(int argc, char **argv)
{
	static const struct agictl_verb verbs[] = {
		{ "add", peer_add },
		{ "del", peer_del },
		{ "list", peer_list },
		{ "show", peer_list },
	};

	if (argc < 2)
		return peer_list(0, NULL);
	return agictl_run_verb(argc, argv, verbs, ARRAY_SIZE(verbs),
			       peer_usage);
}

int agictl_workers(int argc, char **argv)
{
	static const struct agictl_verb verbs[] = {
		{ "list", workers_list },
		{ "show", workers_list },
	};

	if (argc < 2)
		return workers_list(0, NULL);
	return agictl_run_verb(argc, argv, verbs, ARRAY_SIZE(verbs),
			       peer_usage);
}
