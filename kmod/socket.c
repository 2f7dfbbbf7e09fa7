// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The node's UDP socket: the fast path's receive hook and the transmit
 * helper every stage uses.
 *
 * Socket ownership: the module creates and owns the socket (WireGuard
 * style), opened and closed by SET_NODE PORT, rather than borrowing one
 * from the daemon (ovpn style). The fast path then runs with no daemon at
 * all, and a daemon restart cannot take the data path down with it. The
 * daemon receives its message types through an upcall (daemon.c) instead
 * of the socket's queue, and sends through it.
 *
 * The receive path, recv() in softirq, is a row of steps: linearise; check
 * the framing (the core's agi_seal_parse()); open the sealed datagram
 * (link.c: keypair by index, tag, replay window) before anything else of
 * it is read; parse the message (agi_wire_parse()); check that its sender
 * may send its type; hand a control type up to the daemon, a fast-path
 * type to its stage (dispatch(): worker.c, cycle.c). A plain datagram (a
 * handshake, rate-limited, or for now a daemon type) goes up unopened; the
 * module never acts on one. Each step returns 0 or -errno and reports the
 * drop reason apart; recv() alone counts the drop and frees the skb.
 *
 * The transmit path seals every message for the link at its destination
 * (agiswarm_socket_send()); a message to no link, or to one without a
 * usable keypair, is not sent (AGISWARM_CNT_TX_NO_KEY).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/udp_tunnel.h>

#include "../include/core/seal.h"
#include "../include/core/wire.h"
#include "cycle.h"
#include "daemon.h"
#include "fault.h"
#include "job.h"
#include "link.h"
#include "node.h"
#include "plan.h"
#include "repl.h"
#include "socket.h"
#include "worker.h"

#define SKB_HEADROOM (MAX_HEADER + sizeof(struct iphdr) + \
		      sizeof(struct udphdr) + AGI_SEAL_PUSH)

/**
 * dispatch() - hand a parsed fast-path message to the stage of its type
 * @node: the node it arrived at
 * @skb: the datagram; @msg's vectors point into it
 * @msg: the message
 * @link: the link it was opened on
 * @saddr: its source address
 * @sport: its source port
 * @reason: where the counter of a refusal goes
 *
 * Return:
 *  0 when the stage used the message: the caller consumes @skb
 * >0 when the stage took @skb (ROWS, JOB_ROWS and JOB_TASK, which the
 *    worker handles later; JOB_RESULT, which the job engine decodes later)
 * <0 (-errno) when the message was refused, with *@reason saying why: the
 *    caller counts it and frees @skb
 */
static int dispatch(struct agiswarm_node *node, struct sk_buff *skb,
		    const struct agi_wire_msg *msg,
		    const struct agiswarm_link *link, __be32 saddr,
		    __be16 sport, enum agiswarm_counter *reason)
{
	u8 role = READ_ONCE(node->role);
	int ret;

	switch (msg->type) {
	case AGISWARM_MSG_TASK:
		if (role != AGISWARM_ROLE_WORKER)
			break;
		return agiswarm_worker_rx_task(node, &msg->u.task, saddr, sport,
					       reason);
	case AGISWARM_MSG_ROWS:
	case AGISWARM_MSG_JOB_ROWS:
		if (role != AGISWARM_ROLE_WORKER)
			break;
		ret = agiswarm_worker_queue_rows(node, skb, reason);
		return ret < 0 ? ret : 1;
	case AGISWARM_MSG_JOB_TASK:
		if (role != AGISWARM_ROLE_WORKER)
			break;
		ret = agiswarm_worker_queue_job_task(node, skb, &msg->u.task,
						     saddr, sport, reason);
		return ret < 0 ? ret : 1;
	case AGISWARM_MSG_JOB_CANCEL:
		if (role != AGISWARM_ROLE_WORKER)
			break;
		return agiswarm_worker_rx_job_cancel(node, &msg->u.job_cancel,
						     reason);
	case AGISWARM_MSG_JOB_RESULT:
		if (role != AGISWARM_ROLE_AGGREGATOR)
			break;
		ret = agiswarm_job_queue_result(node, skb, reason);
		return ret < 0 ? ret : 1;
	case AGISWARM_MSG_RESULT:
		if (role != AGISWARM_ROLE_AGGREGATOR)
			break;
		return agiswarm_cycle_rx_result(node, &msg->u.result, saddr,
						sport, reason);
	case AGISWARM_MSG_SENSOR:
		if (role != AGISWARM_ROLE_AGGREGATOR)
			break;
		return agiswarm_cycle_rx_sensor(node, &msg->u.sensor, saddr,
						sport, reason);
	case AGISWARM_MSG_NEED_ROWS:
		if (role != AGISWARM_ROLE_AGGREGATOR)
			break;
		return agiswarm_plan_rx_need_rows(node, &msg->u.need_rows, link,
						  reason);
	case AGISWARM_MSG_CYCLE_RECORD:
		if (role != AGISWARM_ROLE_AGGREGATOR)
			break;
		return agiswarm_repl_rx_record(node, &msg->u.record, link,
					       reason);
	case AGISWARM_MSG_FENCED:
		if (role != AGISWARM_ROLE_AGGREGATOR)
			break;
		return agiswarm_repl_rx_fenced(node, &msg->u.fenced, reason);
	}
	/* ACTUATE is for plants, not for nodes; others not for this role. */
	*reason = AGISWARM_CNT_DROP_TYPE;
	return -EOPNOTSUPP;
}

/**
 * recv() - the socket's encap_rcv: every datagram at the node's port
 * @sk: the node's UDP socket
 * @skb: the datagram, skb->data at its UDP header, checksum verified
 *
 * Softirq. A fast-path message goes to its stage and a control message up
 * to the daemon; anything else is dropped and counted under its one
 * reason (enum agiswarm_counter).
 *
 * Return: 0 on every path: @skb was consumed, handed on or dropped. Never
 * >0, which would queue it on the socket, where nobody reads, nor <0,
 * which would resubmit it to another protocol.
 */
static int recv(struct sock *sk, struct sk_buff *skb)
{
	struct agiswarm_node *node = rcu_dereference_sk_user_data(sk);
	/* The UDP stack has pulled both headers into the linear part. */
	__be32 saddr = ip_hdr(skb)->saddr;
	__be16 sport = udp_hdr(skb)->source;
	enum agiswarm_counter reason;
	struct agiswarm_link *link;
	struct agi_seal_hdr h;
	struct agi_wire_msg msg;
	int ret;

	lockdep_assert_in_softirq();
	if (unlikely(!node))
		goto free;	/* the socket is being closed */
	if (unlikely(skb_linearize(skb))) {
		reason = AGISWARM_CNT_DROP_NOMEM;
		goto drop;
	}
	__skb_pull(skb, sizeof(struct udphdr));

	ret = agi_seal_parse(skb->data, skb->len, &h, &reason);
	if (unlikely(ret < 0))
		goto drop_log;
	if (ret == AGI_SEAL_PLAIN) {
		/* Handshakes cost the daemon signatures: a token bucket. */
		if ((h.type == AGISWARM_MSG_HANDSHAKE_INIT ||
		     h.type == AGISWARM_MSG_HANDSHAKE_RESP) &&
		    !agiswarm_link_plain_allowed(node)) {
			reason = AGISWARM_CNT_DROP_RATELIMIT;
			goto drop_log;
		}
		/* Unauthenticated: the daemon's business, never ours. */
		agiswarm_daemon_upcall(node, skb, saddr, sport, NULL);
		return 0;
	}
	link = agiswarm_link_open(node, skb, &h, saddr, sport, &reason);
	if (!link)
		goto drop_log;
	__skb_pull(skb, AGI_SEAL_PUSH);
	skb_trim(skb, skb->len - AGISWARM_SEAL_TAG_LEN);

	ret = agi_wire_parse(skb->data, skb->len, &msg, &reason);
	if (unlikely(ret < 0))
		goto drop_log;
	if (unlikely(!agiswarm_link_may_send(node, link, &msg))) {
		reason = AGISWARM_CNT_DROP_NOT_ALLOWED;
		goto drop_log;
	}
	if (ret == AGI_WIRE_PASS_UP) {
		/* Control types belong to the daemon; it takes the skb. */
		agiswarm_daemon_upcall(node, skb, saddr, sport, link);
		return 0;
	}
	agiswarm_node_count(node, AGISWARM_CNT_RX_PACKETS, 1);
	agiswarm_node_count(node, AGISWARM_CNT_RX_BYTES, skb->len);
	/* Not unlikely: most RESULTs of a coded cycle arrive late. */
	ret = dispatch(node, skb, &msg, link, saddr, sport, &reason);
	if (ret < 0)
		goto drop;
	if (!ret)
		consume_skb(skb);
	return 0;
drop_log:
	net_dbg_ratelimited("%s: dropped a datagram from %pI4:%u (reason %d)\n",
			    KBUILD_MODNAME, &saddr, ntohs(sport), reason);
drop:
	agiswarm_node_count(node, reason, 1);
free:
	kfree_skb(skb);
	return 0;
}

/**
 * agiswarm_socket_alloc() - a datagram to build
 * @gfp: how to allocate it
 *
 * Write a message of up to AGISWARM_WIRE_PLAIN_MAX bytes at skb->data and
 * skb_put() them, then fill AGISWARM_SKB_CB(), which starts zeroed; the
 * room to seal it is there (agiswarm_socket_send()).
 *
 * Context: any that @gfp allows.
 * Return: the skb, or NULL without memory.
 */
struct sk_buff *agiswarm_socket_alloc(gfp_t gfp)
{
	struct sk_buff *skb;

	skb = alloc_skb(SKB_HEADROOM + AGISWARM_WIRE_MAX + AGISWARM_SEAL_TAG_LEN,
			gfp);
	if (unlikely(!skb))
		return NULL;
	skb_reserve(skb, SKB_HEADROOM);
	memset(AGISWARM_SKB_CB(skb), 0, sizeof(struct agiswarm_skb_cb));
	return skb;
}

/**
 * agiswarm_socket_send() - seal a message and send it from the node's socket
 * @node: the node
 * @skb: the message (agiswarm_socket_alloc()), to
 *	AGISWARM_SKB_CB(@skb)->daddr:dport; consumed
 *
 * The message is sealed for the link at its destination, unless
 * AGISWARM_SKB_CB(@skb)->plain (a plain type the daemon sends). Counted in
 * AGISWARM_CNT_TX_PACKETS and _TX_BYTES when handed to the IP layer, in
 * AGISWARM_CNT_TX_NO_KEY when there is no keypair to seal it with, in
 * AGISWARM_CNT_TX_ERRORS otherwise; an error further on the way is not
 * seen here.
 *
 * Context: any but hard interrupts.
 * Return: 0; -ENOKEY when no link with a keypair is at the destination;
 * -EMSGSIZE when the message cannot be sealed; -ENOTCONN when the node's
 * port is closed; the routing error when there is no route.
 */
int agiswarm_socket_send(struct agiswarm_node *node, struct sk_buff *skb)
{
	struct agiswarm_skb_cb cb = *AGISWARM_SKB_CB(skb);
	unsigned int len = skb->len;
	struct flowi4 fl4 = {};
	struct socket *sock;
	struct rtable *rt;
	int ret = -ENOTCONN;

	rcu_read_lock_bh();
	sock = rcu_dereference_bh(node->sock);
	if (unlikely(!sock))
		goto err;
	if (!cb.plain) {
		ret = agiswarm_link_seal(node, skb, cb.daddr, cb.dport);
		if (unlikely(ret == -ENOKEY)) {
			net_dbg_ratelimited("%s: no key for %pI4:%u\n",
					    KBUILD_MODNAME, &cb.daddr,
					    ntohs(cb.dport));
			rcu_read_unlock_bh();
			agiswarm_node_count(node, AGISWARM_CNT_TX_NO_KEY, 1);
			kfree_skb(skb);
			return ret;
		}
		if (unlikely(ret))
			goto err;
		len = skb->len;
	}
	fl4.daddr = cb.daddr;
	fl4.fl4_dport = cb.dport;
	fl4.fl4_sport = inet_sk(sock->sk)->inet_sport;
	fl4.flowi4_proto = IPPROTO_UDP;
	rt = ip_route_output_flow(sock_net(sock->sk), &fl4, sock->sk);
	if (IS_ERR(rt)) {
		net_dbg_ratelimited("%s: no route to %pI4\n", KBUILD_MODNAME,
				    &cb.daddr);
		ret = PTR_ERR(rt);
		goto err;
	}
	udp_tunnel_xmit_skb(rt, sock->sk, skb, fl4.saddr, fl4.daddr, 0,
			    ip4_dst_hoplimit(&rt->dst), 0, fl4.fl4_sport,
			    fl4.fl4_dport, false, false);
	rcu_read_unlock_bh();
	agiswarm_node_count(node, AGISWARM_CNT_TX_PACKETS, 1);
	agiswarm_node_count(node, AGISWARM_CNT_TX_BYTES, len);
	return 0;
err:
	rcu_read_unlock_bh();
	agiswarm_node_count(node, AGISWARM_CNT_TX_ERRORS, 1);
	kfree_skb(skb);
	return ret;
}

/**
 * agiswarm_socket_msg() - a datagram of a message, ready to send
 * @m: the message (a fast-path type)
 * @daddr: where it goes
 * @dport: its port
 * @gfp: how to allocate it
 *
 * Context: any that @gfp allows.
 * Return: the datagram, or NULL without memory (or for a message the
 * encoder refuses, which is a bug: warned).
 */
struct sk_buff *agiswarm_socket_msg(const struct agi_wire_msg *m,
				    __be32 daddr, __be16 dport, gfp_t gfp)
{
	struct sk_buff *skb = agiswarm_socket_alloc(gfp);
	size_t len;

	if (unlikely(!skb))
		return NULL;
	len = agi_wire_put(skb->data, AGISWARM_WIRE_PLAIN_MAX, m);
	if (WARN_ON_ONCE(!len)) {
		kfree_skb(skb);
		return NULL;
	}
	skb_put(skb, len);
	AGISWARM_SKB_CB(skb)->daddr = daddr;
	AGISWARM_SKB_CB(skb)->dport = dport;
	return skb;
}

/**
 * agiswarm_socket_send_list() - send every datagram of a list
 * @node: the node
 * @list: the datagrams, each consumed
 * @faults: apply the fault of each datagram's worker first
 *
 * Context: softirq, or bh disabled (the faults).
 */
void agiswarm_socket_send_list(struct agiswarm_node *node,
			       struct sk_buff_head *list, bool faults)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(list))) {
		if (faults && agiswarm_fault_apply(node, skb))
			continue;
		agiswarm_socket_send(node, skb);
	}
}

static void close_socket(struct agiswarm_node *node, struct socket *sock)
{
	if (!sock)
		return;
	/* Senders hold rcu_read_lock_bh(); wait for them to be gone. */
	synchronize_net();
	udp_tunnel_sock_release(sock);
}

/**
 * agiswarm_socket_set_port() - open the node's socket on a port, or close it
 * @node: the node
 * @port: the UDP port (IPv4, any address), 0 to close
 *
 * The socket on another port is closed once no sender uses it any more.
 *
 * Context: process, node->conf_lock held; sleeps.
 * Return: 0, or udp_sock_create()'s error (-EADDRINUSE for a port in use).
 */
int agiswarm_socket_set_port(struct agiswarm_node *node, u16 port)
{
	struct udp_tunnel_sock_cfg tcfg = {
		.sk_user_data = node,
		.encap_type = 1,
		.encap_rcv = recv,
	};
	struct udp_port_cfg cfg = {
		.family = AF_INET,
		.local_ip.s_addr = htonl(INADDR_ANY),
		.local_udp_port = htons(port),
	};
	struct socket *sock = NULL, *old;
	int ret;

	lockdep_assert_held(&node->conf_lock);
	if (port && port == node->port)
		return 0;
	if (port) {
		ret = udp_sock_create(node->net, &cfg, &sock);
		if (ret)
			return ret;
		setup_udp_tunnel_sock(node->net, sock, &tcfg);
	}
	old = rcu_replace_pointer(node->sock, sock,
				  lockdep_is_held(&node->conf_lock));
	WRITE_ONCE(node->port, port);
	close_socket(node, old);
	return 0;
}

/**
 * agiswarm_socket_init() - a node starts with its port closed
 * @node: the node
 */
void agiswarm_socket_init(struct agiswarm_node *node)
{
	RCU_INIT_POINTER(node->sock, NULL);
	node->port = 0;
}

/**
 * agiswarm_socket_uninit() - close the node's socket
 * @node: the node
 *
 * Context: process, no lock held: waits for the senders.
 */
void agiswarm_socket_uninit(struct agiswarm_node *node)
{
	close_socket(node, rcu_replace_pointer(node->sock, NULL, true));
	node->port = 0;
}
