/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 */
#ifndef AGISWARM_SOCKET_H
#define AGISWARM_SOCKET_H

#include <linux/skbuff.h>
#include <linux/ktime.h>

struct agiswarm_node;

/**
 * struct agiswarm_skb_cb - where a datagram built by the module goes
 * @due: for a delayed datagram (fault.c), when it may leave
 * @daddr: destination IPv4 address
 * @dport: destination UDP port
 * @worker: the worker id a TASK or RESULT concerns (for fault.c), else 0
 *
 * Lives in skb->cb only between building and sending: the IP layer reuses
 * skb->cb once the datagram is handed to udp_tunnel_xmit_skb().
 */
struct agiswarm_skb_cb {
	ktime_t due;
	__be32 daddr;
	__be16 dport;
	u32 worker;
};

#define AGISWARM_SKB_CB(skb) ((struct agiswarm_skb_cb *)(skb)->cb)

void agiswarm_socket_init(struct agiswarm_node *node);
/* Closes the socket; process context, no lock held. */
void agiswarm_socket_uninit(struct agiswarm_node *node);

/*
 * Opens the node's socket on @port (0 closes it). Must be called with
 * node->conf_lock held; sleeps.
 */
int agiswarm_socket_set_port(struct agiswarm_node *node, u16 port);

/*
 * A datagram of up to AGISWARM_WIRE_MAX bytes: write it at skb->data and
 * skb_put() its length, then fill AGISWARM_SKB_CB(). Any context with a
 * suitable @gfp.
 */
struct sk_buff *agiswarm_socket_alloc(gfp_t gfp);

/*
 * Sends and consumes @skb. Any context except hard interrupts. Returns 0,
 * -ENOTCONN when the socket is closed, or the routing error (counted in
 * AGISWARM_CNT_TX_ERRORS); an error later on the way is not seen here.
 */
int agiswarm_socket_send(struct agiswarm_node *node, struct sk_buff *skb);

/* Sends every datagram of @list, applying the faults of each worker. */
void agiswarm_socket_send_list(struct agiswarm_node *node,
			       struct sk_buff_head *list, bool faults);

#endif /* AGISWARM_SOCKET_H */
