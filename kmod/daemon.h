/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 */
#ifndef AGISWARM_DAEMON_H
#define AGISWARM_DAEMON_H

#include <linux/skbuff.h>
#include <linux/types.h>

struct agiswarm_link;
struct agiswarm_node;
struct genl_info;

int agiswarm_daemon_init(void);
void agiswarm_daemon_uninit(void);
void agiswarm_daemon_upcall(struct agiswarm_node *node, struct sk_buff *skb,
			    __be32 saddr, __be16 sport,
			    const struct agiswarm_link *link);

bool agiswarm_daemon_may_resume(struct agiswarm_node *node, u32 portid);

/* Generic netlink handlers, for netlink.c's family. */
int agiswarm_daemon_register_doit(struct sk_buff *skb, struct genl_info *info);
int agiswarm_daemon_send_doit(struct sk_buff *skb, struct genl_info *info);

#endif /* AGISWARM_DAEMON_H */
