// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The data-path commands of the "agiswarm" family: peers, matrix, input,
 * faults and metrics (include/uapi/linux/agiswarm.h documents them).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/in.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "../include/core/fixed.h"
#include "aggregator.h"
#include "fault.h"
#include "job.h"
#include "link.h"
#include "netlink.h"
#include "node.h"
#include "peer.h"
#include "stage.h"

/* Metrics records copied out per batch of a dump. */
#define METRICS_BATCH 32

const struct nla_policy agiswarm_nl_data_peer_policy[AGISWARM_PEER_A_MAX + 1] = {
	[AGISWARM_PEER_A_KIND] = NLA_POLICY_RANGE(NLA_U8, AGISWARM_PEER_WORKER,
						  AGISWARM_PEER_MAX),
	[AGISWARM_PEER_A_ID] = { .type = NLA_U32 },
	[AGISWARM_PEER_A_ENDPOINT] = NLA_POLICY_MIN_LEN(sizeof(struct sockaddr_in)),
	[AGISWARM_PEER_A_HEALTH] = NLA_POLICY_MAX(NLA_U8, AGISWARM_HEALTH_MAX),
	[AGISWARM_PEER_A_PUBKEY] = NLA_POLICY_EXACT_LEN(AGISWARM_PUBKEY_LEN),
	[AGISWARM_PEER_A_RANK] = NLA_POLICY_MAX(NLA_U8, AGISWARM_GROUP_MAX - 1),
};

/* The PEER nest into @tb: 0, or -EINVAL (-ERANGE) with the extack. */
static int parse_peer(struct genl_info *info, struct nlattr **tb,
		      bool need_endpoint)
{
	struct nlattr *nest = info->attrs[AGISWARM_A_PEER];
	int ret;

	if (!nest) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing PEER");
		return -EINVAL;
	}
	ret = nla_parse_nested(tb, AGISWARM_PEER_A_MAX, nest,
			       agiswarm_nl_data_peer_policy, info->extack);
	if (ret)
		return ret;
	if (!tb[AGISWARM_PEER_A_KIND] || !tb[AGISWARM_PEER_A_ID]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest,
				    "PEER needs PEER_KIND and PEER_ID");
		return -EINVAL;
	}
	if (need_endpoint && !tb[AGISWARM_PEER_A_ENDPOINT]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest,
				    "PEER needs PEER_ENDPOINT");
		return -EINVAL;
	}
	return 0;
}

/*
 * After a peer was added, replaced or removed: a new row assignment when
 * it is a worker, then @old (the replaced or removed peer) freed. Returns
 * 0 or the reassignment's error.
 */
static int peers_changed(struct genl_info *info, struct agiswarm_node *node,
			 u8 kind, struct agiswarm_peer *old)
{
	int ret = 0;

	lockdep_assert_held(&node->conf_lock);
	if (kind == AGISWARM_PEER_WORKER)
		ret = agiswarm_aggregator_reassign(node);
	/* Only now does no assignment name @old. */
	agiswarm_peer_free(old);
	if (ret)
		NL_SET_ERR_MSG_MOD(info->extack,
				   "peer changed, but the rows could not be reassigned");
	return ret;
}

/*
 * The health of an existing worker at the same endpoint changes in place:
 * a daemon reports it at every change, and each must not cost the swarm a
 * new row assignment (and the cycles that miss until the rows arrive). So
 * does an ADD_PEER that names the key the peer has (agictl installing its
 * keys again, in pre-shared-key mode). Returns false when the peer must be
 * added or replaced instead.
 */
static bool update_in_place(struct agiswarm_node *node, u8 kind, u32 id,
			    const struct sockaddr_in *ep, u8 health,
			    const u8 *pubkey)
{
	struct agiswarm_peer *p;

	lockdep_assert_held(&node->conf_lock);
	p = agiswarm_peer_find(node, kind, id);
	if (!p || (!health && !pubkey) ||
	    p->ep.sin_addr.s_addr != ep->sin_addr.s_addr ||
	    p->ep.sin_port != ep->sin_port)
		return false;
	if (pubkey && (!p->link ||
		       memcmp(p->link->pubkey, pubkey, AGISWARM_PUBKEY_LEN)))
		return false;
	if (health)
		p->health = health;
	return true;
}

/*
 * *@health: enum agiswarm_health + 1 from PEER_HEALTH, 0 when absent.
 * Returns 0, or -EINVAL for a health given to a peer other than a worker.
 */
static int parse_health(struct genl_info *info, struct nlattr **tb, u8 kind,
			u8 *health)
{
	struct nlattr *a = tb[AGISWARM_PEER_A_HEALTH];

	*health = 0;
	if (!a)
		return 0;
	if (kind != AGISWARM_PEER_WORKER) {
		NL_SET_ERR_MSG_ATTR(info->extack, a,
				    "only a worker has a health");
		return -EINVAL;
	}
	*health = nla_get_u8(a) + 1;
	return 0;
}

/* A group member's rank (PEER_A_RANK): the peer gets CYCLE records. */
static void set_rank(struct agiswarm_node *node, u8 kind, u32 id, u8 rank)
{
	struct agiswarm_peer *p = agiswarm_peer_find(node, kind, id);

	lockdep_assert_held(&node->conf_lock);
	if (p)
		WRITE_ONCE(p->rank, rank + 1);
}

/**
 * agiswarm_nl_data_add_peer_doit() - ADD_PEER: add or replace a peer
 * @skb: the request
 * @info: its attributes
 *
 * A worker reassigns the rows; a health-only change at the same endpoint
 * does not.
 *
 * Return: 0, or -errno with the extack, as the UAPI header documents.
 */
int agiswarm_nl_data_add_peer_doit(struct sk_buff *skb,
				   struct genl_info *info)
{
	struct agiswarm_node *node = agiswarm_node_get(genl_info_net(info));
	struct nlattr *tb[AGISWARM_PEER_A_MAX + 1];
	struct agiswarm_job *probe;
	struct agiswarm_peer *old;
	struct sockaddr_in ep;
	const u8 *pubkey;
	u8 kind, health;
	u32 id;
	int ret;

	ret = parse_peer(info, tb, true);
	if (ret)
		return ret;
	ret = agiswarm_netlink_parse_endpoint(info,
					      tb[AGISWARM_PEER_A_ENDPOINT], &ep);
	if (ret)
		return ret;
	kind = nla_get_u8(tb[AGISWARM_PEER_A_KIND]);
	ret = parse_health(info, tb, kind, &health);
	if (ret)
		return ret;
	if (tb[AGISWARM_PEER_A_RANK] && kind != AGISWARM_PEER_AGGREGATOR) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[AGISWARM_PEER_A_RANK],
				    "only an aggregator has a rank in the group");
		return -EINVAL;
	}
	id = nla_get_u32(tb[AGISWARM_PEER_A_ID]);
	pubkey = tb[AGISWARM_PEER_A_PUBKEY] ?
		 nla_data(tb[AGISWARM_PEER_A_PUBKEY]) : NULL;
	mutex_lock(&node->conf_lock);
	if (!update_in_place(node, kind, id, &ep, health, pubkey)) {
		/* A worker that joins may have to pass a probe first. */
		probe = kind == AGISWARM_PEER_WORKER ?
			agiswarm_job_probe_alloc(node, id) : NULL;
		if (IS_ERR(probe)) {
			ret = PTR_ERR(probe);
			NL_SET_ERR_MSG_MOD(info->extack,
					   "no room for the joining worker's probe: cancel a job or wait");
			goto out;
		}
		ret = agiswarm_peer_add(node, kind, id, &ep, health, pubkey,
					&old);
		if (!ret && probe)
			agiswarm_job_probe_queue(node, probe);
		else if (probe)
			agiswarm_job_probe_free(probe);
		if (!ret)
			ret = peers_changed(info, node, kind, old);
	}
	if (!ret && tb[AGISWARM_PEER_A_RANK])
		set_rank(node, kind, id, nla_get_u8(tb[AGISWARM_PEER_A_RANK]));
out:
	mutex_unlock(&node->conf_lock);
	return ret;
}

/**
 * agiswarm_nl_data_del_peer_doit() - DEL_PEER: remove a peer
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0; -ENOENT when there is no such peer; -errno with the extack,
 * as the UAPI header documents.
 */
int agiswarm_nl_data_del_peer_doit(struct sk_buff *skb,
				   struct genl_info *info)
{
	struct agiswarm_node *node = agiswarm_node_get(genl_info_net(info));
	struct nlattr *tb[AGISWARM_PEER_A_MAX + 1];
	struct agiswarm_peer *old;
	u8 kind;
	int ret;

	ret = parse_peer(info, tb, false);
	if (ret)
		return ret;
	kind = nla_get_u8(tb[AGISWARM_PEER_A_KIND]);
	mutex_lock(&node->conf_lock);
	ret = agiswarm_peer_del(node, kind, nla_get_u32(tb[AGISWARM_PEER_A_ID]),
				&old);
	if (ret)
		NL_SET_ERR_MSG_ATTR(info->extack, tb[AGISWARM_PEER_A_ID],
				    "no such peer");
	else
		ret = peers_changed(info, node, kind, old);
	mutex_unlock(&node->conf_lock);
	return ret;
}

/* A link's identity and state, never a key; 0 or -EMSGSIZE. */
static int put_link(struct sk_buff *msg, struct agiswarm_link *link)
{
	struct agiswarm_link_info li;

	if (!link)
		return 0;
	agiswarm_link_read_info(link, &li);
	if (nla_put(msg, AGISWARM_PEER_A_PUBKEY, AGISWARM_PUBKEY_LEN,
		    link->pubkey) ||
	    nla_put_u64_64bit(msg, AGISWARM_PEER_A_LINK_RX, li.rx,
			      AGISWARM_PEER_A_PAD) ||
	    nla_put_u64_64bit(msg, AGISWARM_PEER_A_LINK_TX, li.tx,
			      AGISWARM_PEER_A_PAD))
		return -EMSGSIZE;
	if (li.has_key &&
	    (nla_put_u32(msg, AGISWARM_PEER_A_KEY_AGE, li.age) ||
	     nla_put_u8(msg, AGISWARM_PEER_A_KEY_MODE, li.mode)))
		return -EMSGSIZE;
	return 0;
}

/* One peer's nest; 0 or -EMSGSIZE. */
static int put_peer(struct sk_buff *msg, struct agiswarm_node *node,
		    const struct agiswarm_peer *p)
{
	struct agiswarm_peer_stats st;
	struct sockaddr_in ep = p->ep;
	struct nlattr *nest;
	u32 fvalue;
	u8 fkind;

	lockdep_assert_held(&node->conf_lock);
	if (p->link)
		agiswarm_link_endpoint(p->link, &ep);
	nest = nla_nest_start(msg, AGISWARM_A_PEER);
	if (!nest ||
	    nla_put_u8(msg, AGISWARM_PEER_A_KIND, p->kind) ||
	    nla_put_u32(msg, AGISWARM_PEER_A_ID, p->id) ||
	    nla_put(msg, AGISWARM_PEER_A_ENDPOINT, sizeof(ep), &ep) ||
	    put_link(msg, p->link) ||
	    (p->rank && nla_put_u8(msg, AGISWARM_PEER_A_RANK, p->rank - 1)))
		return -EMSGSIZE;
	if (p->kind == AGISWARM_PEER_WORKER) {
		agiswarm_aggregator_peer_stats(node, p, &st);
		if (nla_put_u32(msg, AGISWARM_PEER_A_ROWS, st.rows) ||
		    nla_put_u32(msg, AGISWARM_PEER_A_GEN, st.gen) ||
		    nla_put_u64_64bit(msg, AGISWARM_PEER_A_RESULTS, st.results,
				      AGISWARM_PEER_A_PAD) ||
		    nla_put_u64_64bit(msg, AGISWARM_PEER_A_MISSED, st.missed,
				      AGISWARM_PEER_A_PAD) ||
		    nla_put_u64_64bit(msg, AGISWARM_PEER_A_LAST_CYCLE,
				      st.last_cycle, AGISWARM_PEER_A_PAD))
			return -EMSGSIZE;
		if (p->health &&
		    nla_put_u8(msg, AGISWARM_PEER_A_HEALTH, p->health - 1))
			return -EMSGSIZE;
		if (agiswarm_fault_get(node, p->id, &fkind, &fvalue) &&
		    (nla_put_u8(msg, AGISWARM_PEER_A_FAULT_KIND, fkind) ||
		     nla_put_u32(msg, AGISWARM_PEER_A_FAULT_VALUE, fvalue)))
			return -EMSGSIZE;
		if (nla_put_u64_64bit(msg, AGISWARM_PEER_A_INCONSISTENT,
				      st.inconsistent, AGISWARM_PEER_A_PAD))
			return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/**
 * agiswarm_nl_data_get_peers_dumpit() - GET_PEERS: one message per peer
 * @skb: the message to fill
 * @cb: the dump's state
 *
 * cb->args[0] counts the peers already sent.
 *
 * Return: the length of @skb (0 when the dump is complete).
 */
int agiswarm_nl_data_get_peers_dumpit(struct sk_buff *skb,
				      struct netlink_callback *cb)
{
	struct agiswarm_node *node = agiswarm_node_get(sock_net(skb->sk));
	struct agiswarm_peer *p;
	long i = 0;
	void *hdr;

	mutex_lock(&node->conf_lock);
	list_for_each_entry(p, &node->peers, list) {
		if (i++ < cb->args[0])
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &agiswarm_netlink_family,
				  NLM_F_MULTI, AGISWARM_CMD_GET_PEERS);
		if (!hdr)
			break;
		if (put_peer(skb, node, p)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = i;
	}
	mutex_unlock(&node->conf_lock);
	return skb->len;
}

/*
 * An extack message composed at run time (6.1 has no NL_SET_ERR_MSG_FMT):
 * @msg is the node's errmsg (DOC: Locking in node.c says how long it
 * holds), or a literal.
 */
static void set_err(struct genl_info *info, struct nlattr *a, const char *msg)
{
	if (!info->extack)
		return;
	info->extack->_msg = msg;
	info->extack->bad_attr = a;
}

/*
 * Checks @n raw values against @fmt's range. On failure, names the first
 * bad one (row and column for a matrix, @cols 0 for a vector) in the
 * node's errmsg (under node->conf_lock) and returns -ERANGE.
 */
static int check_range(struct genl_info *info, struct agiswarm_node *node,
		       struct nlattr *a, u8 fmt, const s32 *v, u32 n,
		       u32 first_row, u32 cols)
{
	const struct agi_qinfo *q = agi_q_info(fmt);
	u32 i;

	lockdep_assert_held(&node->conf_lock);
	for (i = 0; i < n; i++) {
		if (v[i] >= q->min && v[i] <= q->max)
			continue;
		if (cols)
			snprintf(node->errmsg, sizeof(node->errmsg),
				 "entry at row %u col %u (raw %d) is outside %s",
				 first_row + i / cols, i % cols, v[i], q->name);
		else
			snprintf(node->errmsg, sizeof(node->errmsg),
				 "element %u (raw %d) is outside %s", i, v[i],
				 q->name);
		set_err(info, a, node->errmsg);
		return -ERANGE;
	}
	return 0;
}

static bool need(struct genl_info *info, int attr, const char *msg)
{
	if (info->attrs[attr])
		return true;
	set_err(info, NULL, msg);	/* @msg is a literal */
	return false;
}

/**
 * agiswarm_nl_data_set_matrix_doit() - SET_MATRIX: a chunk of rows of a matrix
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0, or -errno with the extack, as the UAPI header documents.
 */
int agiswarm_nl_data_set_matrix_doit(struct sk_buff *skb,
				     struct genl_info *info)
{
	struct agiswarm_node *node = agiswarm_node_get(genl_info_net(info));
	struct nlattr **a = info->attrs, *data = a[AGISWARM_A_MATRIX_DATA];
	struct nlattr *at = a[AGISWARM_A_APPLY_AT_CYCLE];
	u32 rows, cols, first, n;
	u8 fmt;
	int ret;

	if (!need(info, AGISWARM_A_MATRIX_FMT, "missing MATRIX_FMT") ||
	    !need(info, AGISWARM_A_MATRIX_ROWS, "missing MATRIX_ROWS") ||
	    !need(info, AGISWARM_A_MATRIX_COLS, "missing MATRIX_COLS") ||
	    !need(info, AGISWARM_A_MATRIX_FIRST_ROW, "missing MATRIX_FIRST_ROW") ||
	    !need(info, AGISWARM_A_MATRIX_DATA, "missing MATRIX_DATA"))
		return -EINVAL;
	fmt = nla_get_u8(a[AGISWARM_A_MATRIX_FMT]);
	rows = nla_get_u32(a[AGISWARM_A_MATRIX_ROWS]);
	cols = nla_get_u32(a[AGISWARM_A_MATRIX_COLS]);
	first = nla_get_u32(a[AGISWARM_A_MATRIX_FIRST_ROW]);
	if (nla_len(data) % (cols * sizeof(s32))) {
		NL_SET_ERR_MSG_ATTR(info->extack, data,
				    "MATRIX_DATA is not whole rows of MATRIX_COLS s32");
		return -EINVAL;
	}
	n = nla_len(data) / (cols * sizeof(s32));
	if (first >= rows || n > rows - first) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[AGISWARM_A_MATRIX_FIRST_ROW],
				    "rows past MATRIX_ROWS");
		return -EINVAL;
	}
	mutex_lock(&node->conf_lock);
	ret = check_range(info, node, data, fmt, nla_data(data), n * cols,
			  first, cols);
	if (!ret)
		ret = agiswarm_stage_matrix(node, fmt, rows, cols, first,
					    nla_data(data), n,
					    at ? nla_get_u64(at) : 0,
					    info->extack);
	mutex_unlock(&node->conf_lock);
	if (ret && at && !info->extack->bad_attr)
		NL_SET_BAD_ATTR(info->extack, at);
	return ret;
}

/**
 * agiswarm_nl_data_get_matrix_doit() - GET_MATRIX: the matrix and the code in use
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0; -ENOENT without a matrix; -ENOMEM.
 */
int agiswarm_nl_data_get_matrix_doit(struct sk_buff *skb,
				     struct genl_info *info)
{
	struct agiswarm_node *node = agiswarm_node_get(genl_info_net(info));
	struct agiswarm_matrix_info mi;
	struct sk_buff *msg;
	void *hdr;

	mutex_lock(&node->conf_lock);
	agiswarm_aggregator_matrix_info(node, &mi);
	mutex_unlock(&node->conf_lock);
	if (!mi.rows) {
		NL_SET_ERR_MSG_MOD(info->extack, "no matrix loaded");
		return -ENOENT;
	}
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &agiswarm_netlink_family, 0,
				AGISWARM_CMD_GET_MATRIX);
	if (WARN_ON_ONCE(!hdr ||
			 nla_put_u8(msg, AGISWARM_A_MATRIX_FMT, mi.fmt) ||
			 nla_put_u32(msg, AGISWARM_A_MATRIX_ROWS, mi.rows) ||
			 nla_put_u32(msg, AGISWARM_A_MATRIX_COLS, mi.cols) ||
			 nla_put_u64_64bit(msg, AGISWARM_A_CODE_SEED, mi.seed,
					   AGISWARM_A_PAD) ||
			 nla_put_u32(msg, AGISWARM_A_MATRIX_N_CODED, mi.n_coded) ||
			 nla_put_u32(msg, AGISWARM_A_MATRIX_GEN, mi.gen))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/**
 * agiswarm_nl_data_set_input_doit() - SET_INPUT: the input x, now or at a cycle
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0, or -errno with the extack, as the UAPI header documents.
 */
int agiswarm_nl_data_set_input_doit(struct sk_buff *skb,
				    struct genl_info *info)
{
	struct agiswarm_node *node = agiswarm_node_get(genl_info_net(info));
	struct nlattr *x = info->attrs[AGISWARM_A_INPUT_X];
	struct nlattr *at = info->attrs[AGISWARM_A_APPLY_AT_CYCLE];
	u32 n, cols, next_cols;
	u8 fmt;
	int ret;

	if (!need(info, AGISWARM_A_INPUT_FMT, "missing INPUT_FMT") ||
	    !need(info, AGISWARM_A_INPUT_X, "missing INPUT_X"))
		return -EINVAL;
	if (nla_len(x) % sizeof(s32)) {
		NL_SET_ERR_MSG_ATTR(info->extack, x,
				    "INPUT_X is not a whole number of s32");
		return -EINVAL;
	}
	n = nla_len(x) / sizeof(s32);
	fmt = nla_get_u8(info->attrs[AGISWARM_A_INPUT_FMT]);
	mutex_lock(&node->conf_lock);
	cols = agiswarm_aggregator_cols(node, false);
	/* A staged input may be for a staged matrix. */
	next_cols = at ? agiswarm_aggregator_cols(node, true) : 0;
	if (cols && n != cols && n != next_cols) {
		snprintf(node->errmsg, sizeof(node->errmsg),
			 "INPUT_X has %u elements, the matrix %u columns",
			 n, cols);
		set_err(info, x, node->errmsg);
		ret = -EINVAL;
	} else {
		ret = check_range(info, node, x, fmt, nla_data(x), n, 0, 0);
	}
	if (!ret && at) {
		ret = agiswarm_stage_input(node, fmt, nla_data(x), n,
					   nla_get_u64(at), info->extack);
		if (ret)
			NL_SET_BAD_ATTR(info->extack, at);
	} else if (!ret) {
		agiswarm_aggregator_set_input(node, fmt, nla_data(x), n);
	}
	mutex_unlock(&node->conf_lock);
	return ret;
}

/**
 * agiswarm_nl_data_set_fault_doit() - SET_FAULT: inject a worker fault
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0; -ERANGE for a value out of range; -EINVAL without a worker
 * or a kind; -ENOMEM.
 */
int agiswarm_nl_data_set_fault_doit(struct sk_buff *skb,
				    struct genl_info *info)
{
	struct agiswarm_node *node = agiswarm_node_get(genl_info_net(info));
	struct nlattr *va = info->attrs[AGISWARM_A_FAULT_VALUE];
	u32 value = va ? nla_get_u32(va) : 0;
	u8 kind;
	int ret;

	if (!need(info, AGISWARM_A_FAULT_WORKER, "missing FAULT_WORKER") ||
	    !need(info, AGISWARM_A_FAULT_KIND, "missing FAULT_KIND"))
		return -EINVAL;
	kind = nla_get_u8(info->attrs[AGISWARM_A_FAULT_KIND]);
	if ((kind == AGISWARM_FAULT_DROP || kind == AGISWARM_FAULT_DELAY) &&
	    !va) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing FAULT_VALUE");
		return -EINVAL;
	}
	if ((kind == AGISWARM_FAULT_DROP && value > 100) ||
	    (kind == AGISWARM_FAULT_DELAY && (!value || value > 10000))) {
		if (kind == AGISWARM_FAULT_DROP)
			NL_SET_ERR_MSG_ATTR(info->extack, va,
					    "drop percent must be 0..100");
		else
			NL_SET_ERR_MSG_ATTR(info->extack, va,
					    "delay must be 1..10000 ms");
		return -ERANGE;
	}
	mutex_lock(&node->conf_lock);
	ret = agiswarm_fault_set(node,
				 nla_get_u32(info->attrs[AGISWARM_A_FAULT_WORKER]),
				 kind, value);
	mutex_unlock(&node->conf_lock);
	return ret;
}

/**
 * agiswarm_nl_data_clear_fault_doit() - CLEAR_FAULT: a worker's fault, or every fault
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0; -ENOENT when the worker has no fault; -EINVAL for a kind
 * or value given.
 */
int agiswarm_nl_data_clear_fault_doit(struct sk_buff *skb,
				      struct genl_info *info)
{
	struct agiswarm_node *node = agiswarm_node_get(genl_info_net(info));
	struct nlattr *w = info->attrs[AGISWARM_A_FAULT_WORKER];
	int ret;

	if (info->attrs[AGISWARM_A_FAULT_KIND] ||
	    info->attrs[AGISWARM_A_FAULT_VALUE]) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "CLEAR_FAULT takes only FAULT_WORKER");
		return -EINVAL;
	}
	mutex_lock(&node->conf_lock);
	ret = agiswarm_fault_clear(node, !w, w ? nla_get_u32(w) : 0);
	mutex_unlock(&node->conf_lock);
	if (ret)
		NL_SET_ERR_MSG_ATTR(info->extack, w, "no fault on that worker");
	return ret;
}

/**
 * agiswarm_nl_data_get_metrics_dumpit() - GET_METRICS: the metrics records
 * @skb: the message to fill
 * @cb: the dump's state
 *
 * cb->args[0] is the last cycle sent (or the one before the first
 * wanted), so that a dump resumes after it; cb->args[1] is set once
 * args[0] is.
 *
 * Return: the length of @skb (0 when the dump is complete), or -ENOMEM.
 */
int agiswarm_nl_data_get_metrics_dumpit(struct sk_buff *skb,
					struct netlink_callback *cb)
{
	struct agiswarm_node *node = agiswarm_node_get(sock_net(skb->sk));
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct nlattr *from = info->attrs[AGISWARM_A_CYCLE_ID];
	struct agiswarm_metric *recs;
	unsigned int i, n;
	void *hdr;

	if (!cb->args[1]) {
		cb->args[1] = 1;
		if (from && nla_get_u64(from))
			cb->args[0] = nla_get_u64(from) - 1;
	}
	recs = kmalloc_array(METRICS_BATCH, sizeof(*recs), GFP_KERNEL);
	if (!recs)
		return -ENOMEM;
	do {
		n = agiswarm_aggregator_metrics(node, cb->args[0], recs,
						METRICS_BATCH);
		for (i = 0; i < n; i++) {
			hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq,
					  &agiswarm_netlink_family, NLM_F_MULTI,
					  AGISWARM_CMD_GET_METRICS);
			if (!hdr)
				goto full;
			if (agiswarm_netlink_put_metric(skb, &recs[i])) {
				genlmsg_cancel(skb, hdr);
				goto full;
			}
			genlmsg_end(skb, hdr);
			cb->args[0] = recs[i].cycle;
		}
	} while (n == METRICS_BATCH);
full:
	kfree(recs);
	return skb->len;
}
