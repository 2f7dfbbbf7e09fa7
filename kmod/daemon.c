// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The slow path, Open vSwitch style: the module keeps the node's socket and
 * the fast path, and a registered daemon gets every other datagram as a
 * generic netlink unicast (UPCALL), answering through the node's socket
 * (SEND). The daemon is a netlink port id, node->daemon_portid: written
 * with xchg/cmpxchg by REGISTER_DAEMON, the release notifier and a failed
 * upcall, read with READ_ONCE in softirq. No lock: a stale id costs one
 * failed upcall (-ECONNREFUSED), which then forgets it.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/in.h>
#include <linux/netlink.h>
#include <net/genetlink.h>

#include "../include/core/seal.h"
#include "../include/core/wire.h"
#include "daemon.h"
#include "link.h"
#include "netlink.h"
#include "node.h"
#include "socket.h"

/* Forgets @portid as the daemon, unless another one replaced it since. */
static void forget(struct agiswarm_node *node, u32 portid, const char *why)
{
	if (cmpxchg(&node->daemon_portid, portid, 0) == portid) {
		/* With no daemon, a plain resume works again. */
		WRITE_ONCE(node->signed_resume, false);
		pr_info_ratelimited("netns %u: daemon %u %s; upcalls stop\n",
				    node->net->ns.inum, portid, why);
	}
}

/**
 * agiswarm_daemon_may_resume() - whether @portid may end an emergency stop
 * @node: the node
 * @portid: the netlink port id of the request
 *
 * While the registered daemon requires signatures (REGISTER_DAEMON with
 * SIGNED_RESUME 1), a resume is a signed commit it checked: only its
 * socket may send one. Otherwise anyone admin may.
 *
 * Return: true when the resume may go ahead.
 */
bool agiswarm_daemon_may_resume(struct agiswarm_node *node, u32 portid)
{
	u32 daemon = READ_ONCE(node->daemon_portid);

	return !daemon || !READ_ONCE(node->signed_resume) || portid == daemon;
}

/*
 * NETLINK_URELEASE runs from an atomic notifier chain when a netlink socket
 * with a port id is released, in the context of its close: must not sleep.
 */
static int release_event(struct notifier_block *nb, unsigned long event,
			 void *ptr)
{
	struct netlink_notify *n = ptr;
	struct agiswarm_node *node;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !n->portid)
		return NOTIFY_DONE;
	node = agiswarm_node_get(n->net);
	if (READ_ONCE(node->daemon_portid) == n->portid)
		forget(node, n->portid, "closed its socket");
	return NOTIFY_DONE;
}

static struct notifier_block release_nb = {
	.notifier_call = release_event,
};

/* The sender of an opened datagram: its link's public key. */
static int put_sender(struct sk_buff *msg, const struct agiswarm_link *link)
{
	struct nlattr *nest;

	if (!link)
		return 0;
	nest = nla_nest_start(msg, AGISWARM_A_PEER);
	if (!nest || nla_put(msg, AGISWARM_PEER_A_PUBKEY, AGISWARM_PUBKEY_LEN,
			     link->pubkey))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* The UPCALL message of @skb's datagram, or NULL without memory. */
static struct sk_buff *upcall_msg(const struct sk_buff *skb, __be32 saddr,
				  __be16 sport,
				  const struct agiswarm_link *link)
{
	struct sockaddr_in ep = {
		.sin_family = AF_INET,
		.sin_port = sport,
		.sin_addr.s_addr = saddr,
	};
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(nla_total_size(sizeof(ep)) +
			  nla_total_size(skb->len) +
			  nla_total_size(nla_total_size(AGISWARM_PUBKEY_LEN)),
			  GFP_ATOMIC);
	if (unlikely(!msg))
		return NULL;
	hdr = genlmsg_put(msg, 0, 0, &agiswarm_netlink_family, 0,
			  AGISWARM_CMD_UPCALL);
	if (unlikely(!hdr ||
		     nla_put(msg, AGISWARM_A_PEER_ENDPOINT, sizeof(ep), &ep) ||
		     nla_put(msg, AGISWARM_A_DATAGRAM, skb->len, skb->data) ||
		     put_sender(msg, link))) {
		nlmsg_free(msg);
		return NULL;
	}
	genlmsg_end(msg, hdr);
	return msg;
}

/**
 * agiswarm_daemon_upcall() - send a datagram up to the node's daemon
 * @node: the node
 * @skb: the datagram, skb->data at its wire header, linear; consumed
 * @saddr: its source address
 * @sport: its source port
 * @link: the sender of an opened datagram, NULL for a plain one
 *
 * Counted in AGISWARM_CNT_UPCALLS when sent, in AGISWARM_CNT_UPCALL_DROPS
 * when not: no daemon, no memory, or the daemon's socket full or gone (a
 * daemon gone is then forgotten).
 *
 * Context: any but hard interrupts (GFP_ATOMIC, never blocks).
 */
void agiswarm_daemon_upcall(struct agiswarm_node *node, struct sk_buff *skb,
			    __be32 saddr, __be16 sport,
			    const struct agiswarm_link *link)
{
	u32 portid = READ_ONCE(node->daemon_portid);
	struct sk_buff *msg;
	int ret;

	if (!portid)
		goto drop;
	msg = upcall_msg(skb, saddr, sport, link);
	if (unlikely(!msg))
		goto drop;
	/* Never blocks (MSG_DONTWAIT); consumes @msg whatever it returns. */
	ret = genlmsg_unicast(node->net, msg, portid);
	if (unlikely(ret)) {
		if (ret == -ECONNREFUSED)
			forget(node, portid, "is gone");
		net_dbg_ratelimited("%s: upcall to %u failed: %d\n",
				    KBUILD_MODNAME, portid, ret);
		goto drop;
	}
	agiswarm_node_count(node, AGISWARM_CNT_UPCALLS, 1);
	consume_skb(skb);
	return;
drop:
	agiswarm_node_count(node, AGISWARM_CNT_UPCALL_DROPS, 1);
	kfree_skb(skb);
}

/**
 * agiswarm_daemon_register_doit() - REGISTER_DAEMON: the sender is the daemon
 * @skb: the request
 * @info: its attributes (none) and sender
 *
 * A daemon stays registered until its socket is released (the notifier
 * forgets it, so a daemon killed with -9 needs no cleanup): while it is,
 * another socket is refused, so that a second daemon started by mistake
 * never steals the first one's upcalls.
 *
 * With AGISWARM_A_SIGNED_RESUME 1, a resume is accepted from its socket
 * only, until it is forgotten (agiswarm_daemon_may_resume()).
 *
 * Return: 0; -EINVAL for a kernel socket; -EBUSY while another registered
 * daemon's socket is open.
 */
int agiswarm_daemon_register_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct agiswarm_node *node = agiswarm_node_get(net);
	bool signed_resume;
	u32 old;

	if (!info->snd_portid) {
		NL_SET_ERR_MSG_MOD(info->extack, "a kernel socket cannot be the daemon");
		return -EINVAL;
	}
	old = cmpxchg(&node->daemon_portid, 0, info->snd_portid);
	if (old && old != info->snd_portid) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "another daemon is registered for this node and its socket is open");
		return -EBUSY;
	}
	signed_resume = info->attrs && info->attrs[AGISWARM_A_SIGNED_RESUME] &&
			nla_get_u8(info->attrs[AGISWARM_A_SIGNED_RESUME]);
	WRITE_ONCE(node->signed_resume, signed_resume);
	if (!old)
		pr_info_ratelimited("netns %u: daemon is netlink port %u%s\n",
				    net->ns.inum, info->snd_portid,
				    signed_resume ? ", resumes signed" : "");
	return 0;
}

/*
 * A datagram the daemon asks to send must be well framed, as the UAPI says:
 * the core's header check, whose reason picks the message. Its type and
 * payload are the daemon's business. Returns 0 or -EINVAL.
 */
static int check_datagram(struct genl_info *info, const struct nlattr *a)
{
	enum agiswarm_counter why;

	if (!agi_wire_check_header(nla_data(a), nla_len(a), &why))
		return 0;
	switch (why) {
	case AGISWARM_CNT_DROP_VERSION:
		NL_SET_ERR_MSG_ATTR(info->extack, a,
				    "DATAGRAM header version is not 1");
		break;
	case AGISWARM_CNT_DROP_LENGTH:
		NL_SET_ERR_MSG_ATTR(info->extack, a,
				    "DATAGRAM header length is not the payload's");
		break;
	default:	/* SHORT, OVERSIZE */
		NL_SET_ERR_MSG_ATTR(info->extack, a,
				    "DATAGRAM must be 4..1400 bytes");
	}
	return -EINVAL;
}

/**
 * send_to() - where a SEND goes, and whether it is sealed
 * @node: the node
 * @info: the request
 * @dg: its DATAGRAM, checked
 * @ep: the destination
 * @plain: set when it goes unsealed
 *
 * With PEER (its PUBKEY): sealed for that link, to the link's endpoint.
 * Without: to PEER_ENDPOINT, in clear, which only a plain type may be.
 *
 * Return: 0, or -EINVAL, -ENOENT, -EPERM with the extack.
 */
static int send_to(struct agiswarm_node *node, struct genl_info *info,
		   const struct nlattr *dg, struct sockaddr_in *ep,
		   bool *plain)
{
	struct nlattr *tb[AGISWARM_PEER_A_MAX + 1];
	struct nlattr *peer = info->attrs[AGISWARM_A_PEER];
	struct agiswarm_link *link;
	int ret;

	*plain = !peer;
	if (!peer) {
		if (!info->attrs[AGISWARM_A_PEER_ENDPOINT]) {
			NL_SET_ERR_MSG_MOD(info->extack,
					   "SEND needs PEER_ENDPOINT or PEER");
			return -EINVAL;
		}
		if (!agi_seal_is_plain(((const u8 *)nla_data(dg))[1])) {
			NL_SET_ERR_MSG_ATTR(info->extack, dg,
					    "only a plain type is sent without PEER: this one is sealed");
			return -EPERM;
		}
		return agiswarm_netlink_parse_endpoint(info,
				info->attrs[AGISWARM_A_PEER_ENDPOINT], ep);
	}
	ret = nla_parse_nested(tb, AGISWARM_PEER_A_MAX, peer,
			       agiswarm_nl_data_peer_policy, info->extack);
	if (ret)
		return ret;
	if (!tb[AGISWARM_PEER_A_PUBKEY]) {
		NL_SET_ERR_MSG_ATTR(info->extack, peer, "PEER needs PEER_PUBKEY");
		return -EINVAL;
	}
	rcu_read_lock();
	link = agiswarm_link_find(node, nla_data(tb[AGISWARM_PEER_A_PUBKEY]));
	if (link)
		agiswarm_link_endpoint(link, ep);
	rcu_read_unlock();
	if (!link) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[AGISWARM_PEER_A_PUBKEY],
				    "no peer has this public key");
		return -ENOENT;
	}
	return 0;
}

/**
 * agiswarm_daemon_send_doit() - SEND: a datagram from the node's port
 * @skb: the request
 * @info: its attributes, DATAGRAM and PEER or PEER_ENDPOINT
 *
 * Return: 0; -EINVAL or -EAFNOSUPPORT for a bad request (extack says
 * which); -ENOENT for an unknown PEER; -EPERM for a sealed type without
 * PEER; -ENOKEY when the link has no keypair; -ENOMEM; -ENOTCONN when
 * the node's port is closed; the routing error when there is no route.
 */
int agiswarm_daemon_send_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct agiswarm_node *node = agiswarm_node_get(genl_info_net(info));
	struct nlattr *dg = info->attrs[AGISWARM_A_DATAGRAM];
	struct sockaddr_in ep;
	struct sk_buff *out;
	bool plain;
	int ret;

	if (!dg) {
		NL_SET_ERR_MSG_MOD(info->extack, "SEND needs DATAGRAM");
		return -EINVAL;
	}
	ret = check_datagram(info, dg);
	if (!ret)
		ret = send_to(node, info, dg, &ep, &plain);
	if (ret)
		return ret;
	out = agiswarm_socket_alloc(GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	skb_put_data(out, nla_data(dg), nla_len(dg));
	AGISWARM_SKB_CB(out)->daddr = ep.sin_addr.s_addr;
	AGISWARM_SKB_CB(out)->dport = ep.sin_port;
	AGISWARM_SKB_CB(out)->plain = plain;
	ret = agiswarm_socket_send(node, out);
	if (ret == -ENOTCONN)
		NL_SET_ERR_MSG_MOD(info->extack, "the node's UDP port is closed");
	else if (ret == -ENOKEY)
		NL_SET_ERR_MSG_MOD(info->extack, "no keypair for this peer");
	else if (ret == -EMSGSIZE)
		NL_SET_ERR_MSG_ATTR(info->extack, dg, "DATAGRAM too long to seal");
	else if (ret)
		NL_SET_ERR_MSG_MOD(info->extack, "no route to the endpoint");
	return ret;
}

/**
 * agiswarm_daemon_init() - forget a daemon when its socket is released
 *
 * Return: 0, or netlink_register_notifier()'s error.
 */
int __init agiswarm_daemon_init(void)
{
	return netlink_register_notifier(&release_nb);
}

/**
 * agiswarm_daemon_uninit() - stop watching the daemons' sockets
 */
void agiswarm_daemon_uninit(void)
{
	netlink_unregister_notifier(&release_nb);
}
