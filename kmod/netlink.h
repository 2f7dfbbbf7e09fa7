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
struct sk_buff *agiswarm_netlink_cycle_msg(struct agiswarm_node *node,
					   const struct agiswarm_metric *rec,
					   u8 fmt, const s32 *x, u16 nx,
					   const s32 *y, u16 ny, const s32 *u,
					   u16 nu);
void agiswarm_netlink_cycle_send(struct agiswarm_node *node,
				 struct sk_buff *msg);

/* For the other files with command handlers (nl_data.c, daemon.c). */
extern struct genl_family agiswarm_netlink_family;
int agiswarm_netlink_put_metric(struct sk_buff *msg,
				const struct agiswarm_metric *rec);
int agiswarm_netlink_parse_endpoint(struct genl_info *info, struct nlattr *a,
				    struct sockaddr_in *sin);

/* nl_data.c: the data-path commands, for netlink.c's family. */
extern const struct nla_policy
agiswarm_nl_data_peer_policy[AGISWARM_PEER_A_MAX + 1];
int agiswarm_nl_data_add_peer_doit(struct sk_buff *skb, struct genl_info *info);
int agiswarm_nl_data_del_peer_doit(struct sk_buff *skb, struct genl_info *info);
int agiswarm_nl_data_get_peers_dumpit(struct sk_buff *skb,
				      struct netlink_callback *cb);
int agiswarm_nl_data_set_matrix_doit(struct sk_buff *skb,
				     struct genl_info *info);
int agiswarm_nl_data_get_matrix_doit(struct sk_buff *skb,
				     struct genl_info *info);
int agiswarm_nl_data_set_input_doit(struct sk_buff *skb,
				    struct genl_info *info);
int agiswarm_nl_data_set_fault_doit(struct sk_buff *skb,
				    struct genl_info *info);
int agiswarm_nl_data_clear_fault_doit(struct sk_buff *skb,
				      struct genl_info *info);
int agiswarm_nl_data_get_metrics_dumpit(struct sk_buff *skb,
					struct netlink_callback *cb);

#endif /* AGISWARM_NETLINK_H */
