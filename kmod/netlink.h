/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 */
#ifndef AGISWARM_NETLINK_H
#define AGISWARM_NETLINK_H

#include <net/genetlink.h>

#include <uapi/linux/agiswarm.h>

struct agiswarm_node;
struct agiswarm_metric;
struct sockaddr_in;

int agiswarm_netlink_init(void);
void agiswarm_netlink_uninit(void);

/*
 * The cycle event of @rec with its vectors (@y may be NULL), or NULL when
 * nobody listens or memory is short. Any context (GFP_ATOMIC).
 */
struct sk_buff *agiswarm_netlink_cycle_msg(struct agiswarm_node *node,
					   const struct agiswarm_metric *rec,
					   u8 fmt, const s32 *x, u16 nx,
					   const s32 *y, u16 ny, const s32 *u,
					   u16 nu);
/* Multicasts and consumes an event of agiswarm_netlink_cycle_msg(). */
void agiswarm_netlink_cycle_send(struct agiswarm_node *node,
				 struct sk_buff *msg);

/* Shared by netlink.c and nl_data.c only. */
extern struct genl_family agiswarm_genl_family;
extern const struct nla_policy agiswarm_peer_policy[AGISWARM_PEER_A_MAX + 1];
int agiswarm_nl_put_metric(struct sk_buff *msg,
			   const struct agiswarm_metric *rec);
/* An IPv4 endpoint with address and port, or -errno with an extack. */
int agiswarm_nl_parse_endpoint(struct genl_info *info, struct nlattr *a,
			       struct sockaddr_in *sin);
int agiswarm_nl_add_peer(struct sk_buff *skb, struct genl_info *info);
int agiswarm_nl_del_peer(struct sk_buff *skb, struct genl_info *info);
int agiswarm_nl_get_peers(struct sk_buff *skb, struct netlink_callback *cb);
int agiswarm_nl_set_matrix(struct sk_buff *skb, struct genl_info *info);
int agiswarm_nl_get_matrix(struct sk_buff *skb, struct genl_info *info);
int agiswarm_nl_set_input(struct sk_buff *skb, struct genl_info *info);
int agiswarm_nl_set_fault(struct sk_buff *skb, struct genl_info *info);
int agiswarm_nl_clear_fault(struct sk_buff *skb, struct genl_info *info);
int agiswarm_nl_get_metrics(struct sk_buff *skb, struct netlink_callback *cb);

#endif /* AGISWARM_NETLINK_H */
