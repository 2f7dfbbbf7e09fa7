// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The generic netlink family "agiswarm"; include/uapi/linux/agiswarm.h
 * documents every command and attribute.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/printk.h>
#include <net/genetlink.h>

#include "netlink.h"
#include "node.h"

/* Counters below this are not counters (UNSPEC, PAD) and are never sent. */
#define FIRST_COUNTER (AGISWARM_CNT_PAD + 1)

static struct genl_family agiswarm_genl_family;

/*
 * ROLE is a plain NLA_U8 whose range set_node_doit() checks: NLA_POLICY_MAX
 * would answer -ERANGE where the UAPI promises -EINVAL, and on 6.1 a
 * function validator on an integer makes the policy dump in an extack WARN.
 */
static const struct nla_policy set_node_policy[AGISWARM_A_MAX + 1] = {
	[AGISWARM_A_ROLE] = { .type = NLA_U8 },
	[AGISWARM_A_NODE_ID] = { .type = NLA_U32 },
};

static size_t status_msg_size(void)
{
	return nla_total_size(sizeof(AGISWARM_VERSION)) +
	       nla_total_size(sizeof(u8)) +		/* ROLE */
	       nla_total_size(sizeof(u32)) +		/* NODE_ID */
	       nla_total_size(0) +			/* COUNTERS nest */
	       (__AGISWARM_CNT_MAX - FIRST_COUNTER) *
	       nla_total_size_64bit(sizeof(u64));
}

static int put_counters(struct sk_buff *msg,
			const struct agiswarm_node_status *st)
{
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(msg, AGISWARM_A_COUNTERS);
	if (!nest)
		return -EMSGSIZE;
	for (i = FIRST_COUNTER; i < __AGISWARM_CNT_MAX; i++) {
		if (nla_put_u64_64bit(msg, i, st->cnt[i], AGISWARM_CNT_PAD)) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int put_status(struct sk_buff *msg,
		      const struct agiswarm_node_status *st)
{
	if (nla_put_string(msg, AGISWARM_A_VERSION, AGISWARM_VERSION) ||
	    nla_put_u8(msg, AGISWARM_A_ROLE, st->role) ||
	    nla_put_u32(msg, AGISWARM_A_NODE_ID, st->node_id))
		return -EMSGSIZE;
	return put_counters(msg, st);
}

static int get_status_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct agiswarm_node *node = agiswarm_node_get(genl_info_net(info));
	struct agiswarm_node_status st;
	struct sk_buff *msg;
	void *hdr;

	agiswarm_node_read_status(node, &st);

	msg = genlmsg_new(status_msg_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &agiswarm_genl_family, 0,
				AGISWARM_CMD_GET_STATUS);
	/* Only a status_msg_size() that undercounts fails here: a bug. */
	if (WARN_ON_ONCE(!hdr || put_status(msg, &st))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int set_node_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct agiswarm_node *node = agiswarm_node_get(net);
	struct nlattr *role_attr = info->attrs[AGISWARM_A_ROLE];
	struct nlattr *id_attr = info->attrs[AGISWARM_A_NODE_ID];
	u32 node_id;
	u8 role;

	if (!role_attr && !id_attr) {
		NL_SET_ERR_MSG_MOD(info->extack, "nothing to set");
		return -EINVAL;
	}
	/* Checked before anything changes: a refused request changes nothing. */
	if (role_attr && nla_get_u8(role_attr) > AGISWARM_ROLE_MAX) {
		NL_SET_ERR_MSG_MOD(info->extack, "unknown role");
		NL_SET_BAD_ATTR(info->extack, role_attr);
		return -EINVAL;
	}

	mutex_lock(&node->conf_lock);
	if (role_attr)
		agiswarm_node_set_role(node, nla_get_u8(role_attr));
	if (id_attr)
		agiswarm_node_set_id(node, nla_get_u32(id_attr));
	role = node->role;
	node_id = node->node_id;
	mutex_unlock(&node->conf_lock);

	/* Any namespace admin can trigger this: never let them flood the log. */
	pr_info_ratelimited("netns %u: node %u is now %s\n", net->ns.inum,
			    node_id, agiswarm_node_role_name(role));
	return 0;
}

static const struct genl_ops agiswarm_genl_ops[] = {
	{
		/*
		 * No policy: the core then refuses any attribute, since the
		 * command is at or above resv_start_op.
		 */
		.cmd = AGISWARM_CMD_GET_STATUS,
		.doit = get_status_doit,
	},
	{
		.cmd = AGISWARM_CMD_SET_NODE,
		.doit = set_node_doit,
		.policy = set_node_policy,
		.maxattr = ARRAY_SIZE(set_node_policy) - 1,
		/*
		 * Admin of the user namespace owning the network namespace,
		 * not of the host: a container that owns its namespace may
		 * run its own node, but cannot reconfigure anyone else's.
		 */
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family agiswarm_genl_family __ro_after_init = {
	.name = AGISWARM_GENL_NAME,
	.version = AGISWARM_GENL_VERSION,
	.module = THIS_MODULE,
	.ops = agiswarm_genl_ops,
	.n_ops = ARRAY_SIZE(agiswarm_genl_ops),
	/* Each namespace is a node and configures itself. */
	.netnsok = true,
	/* Handlers lock their own node (DOC: Locking in node.c). */
	.parallel_ops = true,
	/*
	 * Every command is new: the core checks the reserved header field
	 * and the flags of all of them, and refuses attributes to a command
	 * without a policy.
	 */
	.resv_start_op = AGISWARM_CMD_GET_STATUS,
};

int __init agiswarm_netlink_init(void)
{
	return genl_register_family(&agiswarm_genl_family);
}

void agiswarm_netlink_uninit(void)
{
	genl_unregister_family(&agiswarm_genl_family);
}
