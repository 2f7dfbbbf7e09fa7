// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agictl peer and agictl workers: the aggregator's workers, actuators and
 * sensors (AGISWARM_CMD_ADD_PEER, _DEL_PEER, the GET_PEERS dump).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "agictl.h"

static const char *const kind_names[] = {
	[AGISWARM_PEER_WORKER] = "worker",
	[AGISWARM_PEER_ACTUATOR] = "actuator",
	[AGISWARM_PEER_SENSOR] = "sensor",
};

static const char *const fault_names[] = {
	[AGISWARM_FAULT_DROP] = "drop",
	[AGISWARM_FAULT_DELAY] = "delay",
	[AGISWARM_FAULT_STALL] = "stall",
};

/* enum agiswarm_health: the daemon's judgement from HEARTBEATs. */
static const char *const health_names[] = {
	[AGISWARM_HEALTH_HEALTHY] = "healthy",
	[AGISWARM_HEALTH_DEGRADED] = "degraded",
	[AGISWARM_HEALTH_UNHEALTHY] = "unhealthy",
};

/* A worker whose last answer is this many cycles old is "late". */
#define HEALTH_LATE_CYCLES 3

static const char *kind_name(unsigned int kind)
{
	return agi_name_of(kind_names, ARRAY_SIZE(kind_names), kind);
}

const char *agi_fault_name(unsigned int kind)
{
	return agi_name_of(fault_names, ARRAY_SIZE(fault_names), kind);
}

static void peer_usage(void)
{
	printf("Usage: agictl peer add { worker | actuator | sensor } ID ADDR[:PORT]\n"
	       "                      [health { healthy | degraded | unhealthy }]\n"
	       "       agictl peer del { worker | actuator | sensor } ID\n"
	       "       agictl [-j] peer list\n"
	       "       agictl [-j] workers list\n"
	       "An aggregator sends TASKs to its workers, ACTUATE to its actuators\n"
	       "and takes SENSOR input only from its sensors. ID is 0..4294967295\n"
	       "(a worker's id is its node id); ADDR is IPv4 (192.0.2.11:6000) or\n"
	       "IPv6 in brackets ([2001:db8::1]:6000); PORT defaults to 6000.\n"
	       "\"add\" replaces a peer of the same kind and id. Adding or deleting\n"
	       "a worker reassigns the coded rows. \"health\" (workers only) records\n"
	       "how agiswarmd judges the worker from its heartbeats; an \"add\" that\n"
	       "changes only the health keeps the rows. Both need CAP_NET_ADMIN\n"
	       "and print nothing on success.\n"
	       "\"peer list\" prints every peer; JSON: [{\"kind\", \"id\", \"endpoint\"},\n"
	       "...] plus the worker fields below for workers.\n"
	       "\"workers list\" prints the workers only, with their health (the\n"
	       "daemon's healthy, degraded or unhealthy when it gave one, else ok:\n"
	       "answered within the last %d cycles; late: not since; idle: no\n"
	       "cycle yet; no rows: holds no coded rows), rows held, the row\n"
	       "generation of its last results, results used, cycles missed, the\n"
	       "last cycle it answered and its fault; JSON: [{\"id\", \"endpoint\",\n"
	       "\"health\", \"rows\", \"gen\", \"results\", \"missed\", \"last_cycle\",\n"
	       "\"fault\": null | {\"kind\": \"drop\"|\"delay\"|\"stall\", \"value\"}}, ...]\n",
	       HEALTH_LATE_CYCLES);
}

static int parse_kind_id(const char *action, int argc, char **argv, u8 *kind,
			 u32 *id)
{
	int ret;

	if (argc < 2)
		return agictl_usage_error("%s needs a kind (worker, actuator or sensor) and an ID",
					  action);
	ret = agi_name_find(kind_names, ARRAY_SIZE(kind_names), argv[0]);
	if (ret < 0)
		return agictl_usage_error("invalid peer kind \"%s\" (expected worker, actuator or sensor)",
					  argv[0]);
	*kind = ret;
	if (agi_parse_u32(argv[1], id))
		return agictl_usage_error("invalid peer id \"%s\" (expected 0..4294967295)",
					  argv[1]);
	return AGICTL_OK;
}

struct peer_msg {
	u8 kind;
	u32 id;
	const struct agi_endpoint *ep;	/* NULL: none (a deletion) */
	int health;			/* enum agiswarm_health, -1: none */
};

static void fill_peer(struct nlmsghdr *nlh, const void *arg)
{
	const struct peer_msg *p = arg;
	struct nlattr *nest;

	nest = mnl_attr_nest_start(nlh, AGISWARM_A_PEER);
	mnl_attr_put_u8(nlh, AGISWARM_PEER_A_KIND, p->kind);
	mnl_attr_put_u32(nlh, AGISWARM_PEER_A_ID, p->id);
	if (p->ep)
		mnl_attr_put(nlh, AGISWARM_PEER_A_ENDPOINT, p->ep->len,
			     &p->ep->addr);
	if (p->health >= 0)
		mnl_attr_put_u8(nlh, AGISWARM_PEER_A_HEALTH, p->health);
	mnl_attr_nest_end(nlh, nest);
}

/* The optional "health H" after the endpoint of "peer add". */
static int parse_health(int argc, char **argv, const struct peer_msg *p,
			int *health)
{
	*health = -1;
	if (argc < 4)
		return AGICTL_OK;
	if (strcmp(argv[3], "health") || argc < 5)
		return agictl_usage_error("expected \"health { healthy | degraded | unhealthy }\" after the address, not \"%s\"",
					  argv[3]);
	if (p->kind != AGISWARM_PEER_WORKER)
		return agictl_usage_error("only a worker has a health, not a%s %s",
					  p->kind == AGISWARM_PEER_ACTUATOR ?
					  "n" : "", kind_name(p->kind));
	*health = agi_name_find(health_names, ARRAY_SIZE(health_names),
				argv[4]);
	if (*health < 0)
		return agictl_usage_error("invalid health \"%s\" (expected healthy, degraded or unhealthy)",
					  argv[4]);
	return AGICTL_OK;
}

static int peer_add(int argc, char **argv)
{
	struct agi_endpoint ep;
	struct peer_msg p = { .ep = &ep };
	int ret;

	ret = parse_kind_id("peer add", argc, argv, &p.kind, &p.id);
	if (ret)
		return ret;
	if (argc < 3)
		return agictl_usage_error("peer add needs an address, ADDR[:PORT]");
	ret = agictl_max_args("peer add", argc, argv, 5);
	if (!ret)
		ret = parse_health(argc, argv, &p, &p.health);
	if (ret)
		return ret;
	if (agi_parse_endpoint(argv[2], &ep))
		return agictl_usage_error("invalid endpoint \"%s\" (expected ADDR[:PORT], e.g. 192.0.2.11:6000)",
					  argv[2]);
	return agi_nl_send("peer add", AGISWARM_CMD_ADD_PEER, fill_peer, &p);
}

static int peer_del(int argc, char **argv)
{
	struct peer_msg p = { .health = -1 };
	int ret;

	ret = parse_kind_id("peer del", argc, argv, &p.kind, &p.id);
	if (!ret)
		ret = agictl_max_args("peer del", argc, argv, 2);
	if (ret)
		return ret;
	return agi_nl_send("peer del", AGISWARM_CMD_DEL_PEER, fill_peer, &p);
}

static int peer_attr_cb(const struct nlattr *a, void *data)
{
	struct peer_info *p = data;
	u64 v = 0;
	int ret = MNL_CB_OK;

	switch (mnl_attr_get_type(a)) {
	case AGISWARM_PEER_A_KIND:
		ret = agi_attr_get_uint(a, MNL_TYPE_U8, &v);
		p->kind = v;
		break;
	case AGISWARM_PEER_A_ID:
		ret = agi_attr_get_uint(a, MNL_TYPE_U32, &v);
		p->id = v;
		break;
	case AGISWARM_PEER_A_ENDPOINT:
		agi_format_endpoint(mnl_attr_get_payload(a),
				    mnl_attr_get_payload_len(a), p->endpoint,
				    sizeof(p->endpoint));
		break;
	case AGISWARM_PEER_A_ROWS:
		ret = agi_attr_get_uint(a, MNL_TYPE_U32, &v);
		p->rows = v;
		p->has_stats = true;
		break;
	case AGISWARM_PEER_A_GEN:
		ret = agi_attr_get_uint(a, MNL_TYPE_U32, &v);
		p->gen = v;
		break;
	case AGISWARM_PEER_A_RESULTS:
		ret = agi_attr_get_uint(a, MNL_TYPE_U64, &p->results);
		break;
	case AGISWARM_PEER_A_MISSED:
		ret = agi_attr_get_uint(a, MNL_TYPE_U64, &p->missed);
		break;
	case AGISWARM_PEER_A_LAST_CYCLE:
		ret = agi_attr_get_uint(a, MNL_TYPE_U64, &p->last_cycle);
		break;
	case AGISWARM_PEER_A_FAULT_KIND:
		ret = agi_attr_get_uint(a, MNL_TYPE_U8, &v);
		p->fault_kind = v;
		p->has_fault = true;
		break;
	case AGISWARM_PEER_A_FAULT_VALUE:
		ret = agi_attr_get_uint(a, MNL_TYPE_U32, &v);
		p->fault_value = v;
		break;
	case AGISWARM_PEER_A_HEALTH:
		ret = agi_attr_get_uint(a, MNL_TYPE_U8, &v);
		p->health = v;
		p->has_health = true;
		break;
	}
	return ret;
}

static const struct nlattr *find_peer_nest(const struct nlmsghdr *nlh)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == AGISWARM_A_PEER &&
		    mnl_attr_validate(a, MNL_TYPE_NESTED) == 0)
			return a;
	return NULL;
}

int agi_peers_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *nest = find_peer_nest(nlh);
	struct peer_list *l = data;
	struct peer_info *grown, *p;

	if (!nest)
		return MNL_CB_OK;
	grown = agi_grow_rows(l->peers, l->n, &l->cap, sizeof(*grown), 16);
	if (!grown)
		return MNL_CB_ERROR;
	l->peers = grown;
	p = &l->peers[l->n];
	memset(p, 0, sizeof(*p));
	strcpy(p->endpoint, "?");
	if (mnl_attr_parse_nested(nest, peer_attr_cb, p) < 0) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	l->n++;
	return MNL_CB_OK;
}

static void print_fault(const struct peer_info *p)
{
	if (!p->has_fault) {
		print_null(PRINT_ANY, "fault", " fault none");
		return;
	}
	open_object("fault");
	print_string(PRINT_ANY, "kind", " fault %s",
		     agi_fault_name(p->fault_kind));
	if (p->fault_kind == AGISWARM_FAULT_DROP)
		print_u64(PRINT_ANY, "value", " %llu%%", p->fault_value);
	else if (p->fault_kind == AGISWARM_FAULT_DELAY)
		print_u64(PRINT_ANY, "value", " %llums", p->fault_value);
	else
		print_u64(PRINT_JSON, "value", NULL, p->fault_value);
	close_object();
}

static const char *health(const struct peer_info *p, u64 cycle_id)
{
	if (p->has_health)
		return agi_name_of(health_names, ARRAY_SIZE(health_names),
				   p->health);
	if (!p->rows)
		return "no rows";
	if (!cycle_id)
		return "idle";
	if (p->results && p->last_cycle + HEALTH_LATE_CYCLES >= cycle_id)
		return "ok";
	return "late";
}

static void print_worker_stats(const struct peer_info *p, u64 cycle_id,
			       bool with_health)
{
	if (with_health)
		print_string(PRINT_ANY, "health", " %s", health(p, cycle_id));
	print_u64(PRINT_ANY, "rows", " rows %llu", p->rows);
	print_u64(PRINT_ANY, "gen", " gen %llu", p->gen);
	print_u64(PRINT_ANY, "results", " results %llu", p->results);
	print_u64(PRINT_ANY, "missed", " missed %llu", p->missed);
	print_u64(PRINT_ANY, "last_cycle", " last cycle %llu", p->last_cycle);
	print_fault(p);
}

/* One line of "peer list": every kind, the worker fields for workers. */
static void print_peer(const struct peer_info *p, u64 cycle_id)
{
	open_object(NULL);
	print_string(PRINT_ANY, "kind", "%s", kind_name(p->kind));
	print_u64(PRINT_ANY, "id", " %llu", p->id);
	print_string(PRINT_ANY, "endpoint", " %s", p->endpoint);
	if (p->kind == AGISWARM_PEER_WORKER)
		print_worker_stats(p, cycle_id, false);
	print_text("\n");
	close_object();
}

/* One line of "workers list": workers only, with their health. */
static void print_worker(const struct peer_info *p, u64 cycle_id)
{
	if (p->kind != AGISWARM_PEER_WORKER)
		return;
	open_object(NULL);
	print_u64(PRINT_ANY, "id", "worker %llu", p->id);
	print_string(PRINT_ANY, "endpoint", " %s", p->endpoint);
	print_worker_stats(p, cycle_id, true);
	print_text("\n");
	close_object();
}

/* The GET_PEERS dump as one list, a @print_row call per peer. */
static int list_peers(const char *action, u64 cycle_id,
		      void (*print_row)(const struct peer_info *p,
					u64 cycle_id))
{
	struct peer_list l = { 0 };
	size_t i;
	int ret;

	ret = agi_nl_get_dump(action, AGISWARM_CMD_GET_PEERS, agi_peers_cb, &l);
	if (ret == AGICTL_OK) {
		print_begin_list();
		for (i = 0; i < l.n; i++)
			print_row(&l.peers[i], cycle_id);
		print_end_list();
	}
	free(l.peers);
	return ret;
}

static int peer_list(int argc, char **argv)
{
	int ret;

	ret = agictl_max_args("peer list", argc, argv, 0);
	if (ret)
		return ret;
	return list_peers("peer list", 0, print_peer);
}

static int workers_list(int argc, char **argv)
{
	struct agi_status st;
	int ret;

	ret = agictl_max_args("workers list", argc, argv, 0);
	if (!ret)
		ret = agi_status_fetch(&st, "workers list");
	if (ret)
		return ret;
	return list_peers("workers list", st.field[ST_CYCLE_ID], print_worker);
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
