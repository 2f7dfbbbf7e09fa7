/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 */
#ifndef AGISWARM_SOCKET_H
#define AGISWARM_SOCKET_H

#include <linux/skbuff.h>
#include <linux/ktime.h>

struct agi_wire_msg;
struct agiswarm_node;

/**
 * struct agiswarm_skb_cb - where a datagram built by the module goes
 * @due: for a delayed datagram (fault.c), when it may leave
 * @daddr: destination IPv4 address
 * @dport: destination UDP port
 * @worker: the worker id a TASK or RESULT concerns (for fault.c), else 0
 * @plain: send as it is, unsealed (a plain type from the daemon)
 *
 * Lives in skb->cb only between building and sending: the IP layer reuses
 * skb->cb once the datagram is handed to udp_tunnel_xmit_skb().
 */
struct agiswarm_skb_cb {
	ktime_t due;
	__be32 daddr;
	__be16 dport;
	u32 worker;
	bool plain;
};

#define AGISWARM_SKB_CB(skb) ((struct agiswarm_skb_cb *)(skb)->cb)

void agiswarm_socket_init(struct agiswarm_node *node);
void agiswarm_socket_uninit(struct agiswarm_node *node);
int agiswarm_socket_set_port(struct agiswarm_node *node, u16 port);
struct sk_buff *agiswarm_socket_alloc(gfp_t gfp);
struct sk_buff *agiswarm_socket_msg(const struct agi_wire_msg *m,
				    __be32 daddr, __be16 dport, gfp_t gfp);
int agiswarm_socket_send(struct agiswarm_node *node, struct sk_buff *skb);
void agiswarm_socket_send_list(struct agiswarm_node *node,
			       struct sk_buff_head *list, bool faults);

#endif /* AGISWARM_SOCKET_H */
