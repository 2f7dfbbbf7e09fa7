// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Links and keypairs: who a node talks to, and the keys it seals and opens
 * with, WireGuard style. A link is one remote identity (a public key) with
 * its endpoint and up to three keypairs (previous, current, next); peer
 * entries (peer.c) name a link, and entries with the same key share one.
 * Userspace (agiswarmd after a handshake, agictl in pre-shared-key mode)
 * installs keypairs with SET_KEY; they are never readable back.
 *
 * DOC: Locking
 * - node->links and a link's @users change under node->conf_lock; the fast
 *   path walks the list under RCU.
 * - A link's keypair slots and node->key_index change under node->key_lock
 *   (a spinlock taken with bh off: the receive path promotes a responder's
 *   keypair in softirq); readers use RCU.
 * - A keypair's replay window has its own spinlock; its transmit counter is
 *   atomic. A link's endpoint is one atomic64.
 * - Links and keypairs are freed after a grace period, keys wiped with
 *   memzero_explicit(). Nothing holds one outside an RCU read section, so
 *   RCU alone (no reference count) keeps them alive while used.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "../include/core/wire.h"
#include "link.h"
#include "netlink.h"
#include "node.h"
#include "objects.h"
#include "peer.h"

/* Handshakes passed up: 20 a second, 40 at once. */
#define PLAIN_RATE 20
#define PLAIN_BURST 40

const struct nla_policy agiswarm_link_key_policy[AGISWARM_KEY_A_MAX + 1] = {
	[AGISWARM_KEY_A_LOCAL_INDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[AGISWARM_KEY_A_REMOTE_INDEX] = { .type = NLA_U32 },
	[AGISWARM_KEY_A_RX] = NLA_POLICY_EXACT_LEN(AGISWARM_SEAL_KEY_LEN),
	[AGISWARM_KEY_A_TX] = NLA_POLICY_EXACT_LEN(AGISWARM_SEAL_KEY_LEN),
	[AGISWARM_KEY_A_TX_COUNTER] = { .type = NLA_U64 },
	[AGISWARM_KEY_A_MODE] = NLA_POLICY_MAX(NLA_U8, AGISWARM_KEY_MODE_MAX),
};

static u64 ep_pack(__be32 addr, __be16 port)
{
	return (u64)(__force u32)addr << 16 | (__force u16)port;
}

/**
 * agiswarm_link_endpoint() - where a link is now
 * @link: the link
 * @ep: its endpoint
 */
void agiswarm_link_endpoint(const struct agiswarm_link *link,
			    struct sockaddr_in *ep)
{
	u64 v = atomic64_read(&link->ep);

	memset(ep, 0, sizeof(*ep));
	ep->sin_family = AF_INET;
	ep->sin_addr.s_addr = (__force __be32)(u32)(v >> 16);
	ep->sin_port = (__force __be16)(u16)v;
}

static void set_endpoint(struct agiswarm_link *link,
			 const struct sockaddr_in *ep)
{
	atomic64_set(&link->ep, ep_pack(ep->sin_addr.s_addr, ep->sin_port));
}

static void free_keypair_rcu(struct rcu_head *rcu)
{
	struct agiswarm_keypair *kp =
		container_of(rcu, struct agiswarm_keypair, rcu);

	memzero_explicit(kp, sizeof(*kp));
	kfree(kp);
	agiswarm_objects_put();
}

/* Unhash @kp and free it after a grace period; NULL is fine. */
static void retire(struct agiswarm_node *node, struct agiswarm_keypair *kp)
{
	lockdep_assert_held(&node->key_lock);
	if (!kp)
		return;
	hash_del_rcu(&kp->hnode);
	call_rcu(&kp->rcu, free_keypair_rcu);
}

/* A keypair slot of @link, under node->key_lock. */
static struct agiswarm_keypair *
slot(struct agiswarm_node *node, struct agiswarm_keypair __rcu **p)
{
	return rcu_dereference_protected(*p, lockdep_is_held(&node->key_lock));
}

/* Every keypair of @link retired. */
static void clear_keys(struct agiswarm_node *node, struct agiswarm_link *link)
{
	lockdep_assert_held(&node->key_lock);
	retire(node, slot(node, &link->prev));
	retire(node, slot(node, &link->cur));
	retire(node, slot(node, &link->next));
	RCU_INIT_POINTER(link->prev, NULL);
	RCU_INIT_POINTER(link->cur, NULL);
	RCU_INIT_POINTER(link->next, NULL);
}

static void free_link_rcu(struct rcu_head *rcu)
{
	kfree(container_of(rcu, struct agiswarm_link, rcu));
	agiswarm_objects_put();
}

/**
 * agiswarm_link_find() - the link of a public key
 * @node: the node
 * @pubkey: AGISWARM_PUBKEY_LEN bytes
 *
 * Context: RCU read side, or node->conf_lock held.
 * Return: the link, or NULL.
 */
struct agiswarm_link *agiswarm_link_find(struct agiswarm_node *node,
					 const u8 *pubkey)
{
	struct agiswarm_link *link;

	list_for_each_entry_rcu(link, &node->links, list,
				lockdep_is_held(&node->conf_lock)) {
		if (!memcmp(link->pubkey, pubkey, AGISWARM_PUBKEY_LEN))
			return link;
	}
	return NULL;
}

/**
 * agiswarm_link_get() - the link of a key, made when new, for one more entry
 * @node: the node
 * @pubkey: the peer's public key
 * @ep: the endpoint the entry gives, which the link takes
 *
 * Context: process, node->conf_lock held.
 * Return: the link, or NULL without memory.
 */
struct agiswarm_link *agiswarm_link_get(struct agiswarm_node *node,
					const u8 *pubkey,
					const struct sockaddr_in *ep)
{
	struct agiswarm_link *link;

	lockdep_assert_held(&node->conf_lock);
	link = agiswarm_link_find(node, pubkey);
	if (link) {
		agiswarm_link_hold(link, ep);
		return link;
	}
	link = kzalloc(sizeof(*link), GFP_KERNEL);
	if (!link)
		return NULL;
	agiswarm_objects_get();
	memcpy(link->pubkey, pubkey, AGISWARM_PUBKEY_LEN);
	link->users = 1;
	set_endpoint(link, ep);
	list_add_tail_rcu(&link->list, &node->links);
	return link;
}

/**
 * agiswarm_link_hold() - one more entry names @link, at @ep
 * @link: the link
 * @ep: the endpoint the entry gives
 *
 * Context: process, node->conf_lock held.
 */
void agiswarm_link_hold(struct agiswarm_link *link,
			const struct sockaddr_in *ep)
{
	link->users++;
	set_endpoint(link, ep);
}

/**
 * agiswarm_link_put() - one entry less; the last takes the link and its keys
 * @node: the node
 * @link: the link, or NULL
 *
 * Context: process, node->conf_lock held.
 */
void agiswarm_link_put(struct agiswarm_node *node, struct agiswarm_link *link)
{
	lockdep_assert_held(&node->conf_lock);
	if (!link || --link->users)
		return;
	list_del_rcu(&link->list);
	spin_lock_bh(&node->key_lock);
	clear_keys(node, link);
	spin_unlock_bh(&node->key_lock);
	call_rcu(&link->rcu, free_link_rcu);
}

static bool expired(const struct agiswarm_keypair *kp)
{
	return kp->mode != AGISWARM_KEY_STATIC &&
	       time_after64(get_jiffies_64(),
			    kp->created + AGISWARM_REJECT_AFTER_S * (u64)HZ);
}

/**
 * agiswarm_link_read_info() - what GET_PEERS shows of a link
 * @link: the link
 * @info: filled
 *
 * Context: any; takes the RCU read lock.
 */
void agiswarm_link_read_info(struct agiswarm_link *link,
			     struct agiswarm_link_info *info)
{
	struct agiswarm_keypair *kp;

	memset(info, 0, sizeof(*info));
	info->rx = atomic64_read(&link->rx);
	info->tx = atomic64_read(&link->tx);
	rcu_read_lock();
	kp = rcu_dereference(link->cur);
	if (kp) {
		info->has_key = true;
		info->mode = kp->mode;
		info->age = (u32)div_u64(get_jiffies_64() - kp->created, HZ);
	}
	rcu_read_unlock();
}

/* The link whose endpoint is @daddr:@dport. */
static struct agiswarm_link *find_by_endpoint(struct agiswarm_node *node,
					      __be32 daddr, __be16 dport)
{
	u64 ep = ep_pack(daddr, dport);
	struct agiswarm_link *link;

	list_for_each_entry_rcu(link, &node->links, list) {
		if (atomic64_read(&link->ep) == ep)
			return link;
	}
	return NULL;
}

/**
 * agiswarm_link_seal() - seal a message for the link at its destination
 * @node: the node
 * @skb: the message (4-byte header and payload) at skb->data, with
 *	AGI_SEAL_PUSH bytes of headroom and AGISWARM_SEAL_TAG_LEN of
 *	tailroom (agiswarm_socket_alloc()); sealed in place
 * @daddr: where it goes
 * @dport: its port
 *
 * Context: RCU read side (bh), any context but hard interrupts.
 * Return: 0; -ENOKEY when no link is there or it has no usable keypair,
 * -EMSGSIZE when the message cannot be sealed (too long, a plain type).
 */
int agiswarm_link_seal(struct agiswarm_node *node, struct sk_buff *skb,
		       __be32 daddr, __be16 dport)
{
	struct agiswarm_keypair *kp;
	struct agiswarm_link *link;
	size_t len = skb->len;
	u64 counter;

	link = find_by_endpoint(node, daddr, dport);
	if (!link)
		return -ENOKEY;
	kp = rcu_dereference_bh(link->cur);
	if (!kp || expired(kp))
		return -ENOKEY;
	if (skb_headroom(skb) < AGI_SEAL_PUSH ||
	    skb_tailroom(skb) < AGISWARM_SEAL_TAG_LEN)
		return -EMSGSIZE;
	counter = atomic64_fetch_inc(&kp->tx_counter);
	if (unlikely(counter >= AGI_REPLAY_LIMIT))
		return -ENOKEY;
	skb_push(skb, AGI_SEAL_PUSH);
	if (!agi_seal(skb->data, len, kp->remote_index, counter, kp->tx,
		      &agiswarm_aead)) {
		skb_pull(skb, AGI_SEAL_PUSH);
		return -EMSGSIZE;
	}
	skb_put(skb, AGISWARM_SEAL_TAG_LEN);
	atomic64_inc(&link->tx);
	return 0;
}

/* The keypair of @index, or NULL. RCU read side. */
static struct agiswarm_keypair *find_keypair(struct agiswarm_node *node,
					     u32 index)
{
	struct agiswarm_keypair *kp;

	hash_for_each_possible_rcu(node->key_index, kp, hnode, index) {
		if (kp->local_index == index)
			return kp;
	}
	return NULL;
}

/* The first datagram opened with a responder's keypair makes it current. */
static void confirm(struct agiswarm_node *node, struct agiswarm_keypair *kp)
{
	struct agiswarm_link *link = kp->link;

	spin_lock_bh(&node->key_lock);
	if (slot(node, &link->next) == kp) {
		retire(node, slot(node, &link->prev));
		rcu_assign_pointer(link->prev, slot(node, &link->cur));
		rcu_assign_pointer(link->cur, kp);
		RCU_INIT_POINTER(link->next, NULL);
	}
	spin_unlock_bh(&node->key_lock);
}

/**
 * agiswarm_link_open() - open a sealed datagram in place
 * @node: the node
 * @skb: the datagram, linear, at skb->data; on success the message (4-byte
 *	header and payload) is at skb->data + AGI_SEAL_PUSH
 * @h: its clear header (agi_seal_parse())
 * @saddr: its source address
 * @sport: its source port
 * @reason: the drop reason on failure
 *
 * Finds the keypair by the receiver index, refuses an expired one, opens,
 * checks the replay window, and only then confirms a responder's keypair
 * and moves the link's endpoint to the source.
 *
 * Context: softirq, RCU read side.
 * Return: the sender's link, or NULL with *@reason DROP_UNKNOWN_PEER,
 * DROP_NOMEM, DROP_AUTH or DROP_REPLAY.
 */
struct agiswarm_link *agiswarm_link_open(struct agiswarm_node *node,
					 struct sk_buff *skb,
					 const struct agi_seal_hdr *h,
					 __be32 saddr, __be16 sport,
					 enum agiswarm_counter *reason)
{
	struct agiswarm_keypair *kp;
	struct agiswarm_link *link;
	bool fresh;
	u64 ep;

	kp = find_keypair(node, h->index);
	if (!kp || expired(kp)) {
		*reason = AGISWARM_CNT_DROP_UNKNOWN_PEER;
		return NULL;
	}
	if (skb_ensure_writable(skb, skb->len)) {
		*reason = AGISWARM_CNT_DROP_NOMEM;
		return NULL;
	}
	if (agi_seal_open(skb->data, skb->len, h, kp->rx, &agiswarm_aead) < 0) {
		*reason = AGISWARM_CNT_DROP_AUTH;
		return NULL;
	}
	spin_lock_bh(&kp->replay_lock);
	fresh = agi_replay_check(&kp->replay, h->counter);
	spin_unlock_bh(&kp->replay_lock);
	if (!fresh) {
		*reason = AGISWARM_CNT_DROP_REPLAY;
		return NULL;
	}
	link = kp->link;
	if (unlikely(kp->mode == AGISWARM_KEY_RESPONDER &&
		     rcu_access_pointer(link->next) == kp))
		confirm(node, kp);
	ep = ep_pack(saddr, sport);
	if (unlikely(atomic64_read(&link->ep) != ep))
		atomic64_set(&link->ep, ep);
	atomic64_inc(&link->rx);
	return link;
}

/* Whether @link has an entry of @kind (and @id, unless @any_id). */
static bool has_entry(struct agiswarm_node *node,
		      const struct agiswarm_link *link, u8 kind, bool any_id,
		      u32 id)
{
	struct agiswarm_peer *p;

	list_for_each_entry_rcu(p, &node->peers, list) {
		if (p->link == link && p->kind == kind && (any_id || p->id == id))
			return true;
	}
	return false;
}

/**
 * agiswarm_link_may_send() - whether an opened message's sender may send it
 * @node: the node
 * @link: the sender's link
 * @msg: the message, parsed
 *
 * Context: RCU read side.
 * Return: true when one of the link's entries may send @msg's type (the
 * table in the UAPI header, "Sealed datagrams").
 */
bool agiswarm_link_may_send(struct agiswarm_node *node,
			    const struct agiswarm_link *link,
			    const struct agi_wire_msg *msg)
{
	u8 kind = agi_wire_sender(msg->type);
	bool result = msg->type == AGISWARM_MSG_RESULT ||
		      msg->type == AGISWARM_MSG_JOB_RESULT;

	return kind != AGISWARM_PEER_UNSPEC &&
	       has_entry(node, link, kind, !result,
			 result ? msg->u.result.worker : 0);
}

/**
 * agiswarm_link_plain_allowed() - the token bucket of handshakes
 * @node: the node
 *
 * Context: softirq.
 * Return: true when one more handshake may go up now.
 */
bool agiswarm_link_plain_allowed(struct agiswarm_node *node)
{
	u64 now = get_jiffies_64(), cap = (u64)PLAIN_BURST * HZ;
	bool ok;

	spin_lock(&node->plain_lock);
	node->plain_tokens += (now - node->plain_last) * PLAIN_RATE;
	if (node->plain_tokens > cap)
		node->plain_tokens = cap;
	node->plain_last = now;
	ok = node->plain_tokens >= HZ;
	if (ok)
		node->plain_tokens -= HZ;
	spin_unlock(&node->plain_lock);
	return ok;
}

/* Install @kp on its link by its mode. */
static void install(struct agiswarm_node *node, struct agiswarm_keypair *kp)
{
	struct agiswarm_link *link = kp->link;
	struct agiswarm_keypair *old;

	lockdep_assert_held(&node->key_lock);
	hash_add_rcu(node->key_index, &kp->hnode, kp->local_index);
	switch (kp->mode) {
	case AGISWARM_KEY_STATIC:
		clear_keys(node, link);
		rcu_assign_pointer(link->cur, kp);
		break;
	case AGISWARM_KEY_INITIATOR:
		retire(node, slot(node, &link->prev));
		rcu_assign_pointer(link->prev, slot(node, &link->cur));
		rcu_assign_pointer(link->cur, kp);
		break;
	default:	/* RESPONDER */
		/*
		 * A next keypair not confirmed yet may be what the initiator
		 * seals with now: its answer to this later handshake can be
		 * lost or late. It becomes the previous (it still opens) and
		 * goes at the next confirm(); the old previous goes now.
		 */
		old = slot(node, &link->next);
		if (old) {
			retire(node, slot(node, &link->prev));
			rcu_assign_pointer(link->prev, old);
		}
		rcu_assign_pointer(link->next, kp);
	}
}

static int key_attrs(struct genl_info *info, struct nlattr **tb)
{
	static const u16 need[] = {
		AGISWARM_KEY_A_LOCAL_INDEX, AGISWARM_KEY_A_REMOTE_INDEX,
		AGISWARM_KEY_A_RX, AGISWARM_KEY_A_TX, AGISWARM_KEY_A_MODE,
	};
	struct nlattr *nest = info->attrs[AGISWARM_A_KEY];
	unsigned int i;
	int ret;

	if (!nest) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing KEY");
		return -EINVAL;
	}
	ret = nla_parse_nested(tb, AGISWARM_KEY_A_MAX, nest,
			       agiswarm_link_key_policy, info->extack);
	if (ret)
		return ret;
	for (i = 0; i < ARRAY_SIZE(need); i++) {
		if (!tb[need[i]]) {
			NL_SET_ERR_MSG_ATTR(info->extack, nest,
					    "KEY needs LOCAL_INDEX, REMOTE_INDEX, RX, TX and MODE");
			return -EINVAL;
		}
	}
	return 0;
}

/* The PEER nest's PUBKEY: the link it names, or NULL with the extack. */
static struct agiswarm_link *link_of_request(struct agiswarm_node *node,
					     struct genl_info *info, int *err)
{
	struct nlattr *tb[AGISWARM_PEER_A_MAX + 1];
	struct nlattr *nest = info->attrs[AGISWARM_A_PEER];
	struct agiswarm_link *link;

	*err = -EINVAL;
	if (!nest) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing PEER");
		return NULL;
	}
	*err = nla_parse_nested(tb, AGISWARM_PEER_A_MAX, nest,
				agiswarm_nl_data_peer_policy, info->extack);
	if (*err)
		return NULL;
	if (!tb[AGISWARM_PEER_A_PUBKEY]) {
		*err = -EINVAL;
		NL_SET_ERR_MSG_ATTR(info->extack, nest, "PEER needs PEER_PUBKEY");
		return NULL;
	}
	link = agiswarm_link_find(node, nla_data(tb[AGISWARM_PEER_A_PUBKEY]));
	if (!link) {
		*err = -ENOENT;
		NL_SET_ERR_MSG_ATTR(info->extack, tb[AGISWARM_PEER_A_PUBKEY],
				    "no peer has this public key");
	}
	return link;
}

/**
 * agiswarm_link_set_key_doit() - SET_KEY: install a keypair on a link
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0, or -errno with the extack, as the UAPI header documents.
 */
int agiswarm_link_set_key_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct agiswarm_node *node = agiswarm_node_get(genl_info_net(info));
	struct nlattr *tb[AGISWARM_KEY_A_MAX + 1];
	struct agiswarm_keypair *kp, *old;
	struct agiswarm_link *link;
	int ret;

	ret = key_attrs(info, tb);
	if (ret)
		return ret;
	kp = kzalloc(sizeof(*kp), GFP_KERNEL);
	if (!kp)
		return -ENOMEM;
	agiswarm_objects_get();
	kp->local_index = nla_get_u32(tb[AGISWARM_KEY_A_LOCAL_INDEX]);
	kp->remote_index = nla_get_u32(tb[AGISWARM_KEY_A_REMOTE_INDEX]);
	nla_memcpy(kp->rx, tb[AGISWARM_KEY_A_RX], sizeof(kp->rx));
	nla_memcpy(kp->tx, tb[AGISWARM_KEY_A_TX], sizeof(kp->tx));
	atomic64_set(&kp->tx_counter, tb[AGISWARM_KEY_A_TX_COUNTER] ?
		     nla_get_u64(tb[AGISWARM_KEY_A_TX_COUNTER]) : 0);
	kp->mode = nla_get_u8(tb[AGISWARM_KEY_A_MODE]);
	kp->created = get_jiffies_64();
	spin_lock_init(&kp->replay_lock);
	agi_replay_init(&kp->replay);

	mutex_lock(&node->conf_lock);
	link = link_of_request(node, info, &ret);
	if (!link)
		goto fail;
	kp->link = link;
	spin_lock_bh(&node->key_lock);
	old = find_keypair(node, kp->local_index);
	/* A STATIC keypair replaces its link's: the same index may return. */
	if (old && (old->link != link || kp->mode != AGISWARM_KEY_STATIC)) {
		spin_unlock_bh(&node->key_lock);
		ret = -EEXIST;
		NL_SET_ERR_MSG_ATTR(info->extack, tb[AGISWARM_KEY_A_LOCAL_INDEX],
				    "a keypair of this node has this LOCAL_INDEX");
		goto fail;
	}
	install(node, kp);
	spin_unlock_bh(&node->key_lock);
	mutex_unlock(&node->conf_lock);
	return 0;
fail:
	mutex_unlock(&node->conf_lock);
	memzero_explicit(kp, sizeof(*kp));
	kfree(kp);
	agiswarm_objects_put();
	return ret;
}

/**
 * agiswarm_link_init() - a node starts with no link and no keypair
 * @node: the node
 */
void agiswarm_link_init(struct agiswarm_node *node)
{
	INIT_LIST_HEAD(&node->links);
	hash_init(node->key_index);
	spin_lock_init(&node->key_lock);
	spin_lock_init(&node->plain_lock);
	node->plain_tokens = (u64)PLAIN_BURST * HZ;
	node->plain_last = get_jiffies_64();
}

/**
 * agiswarm_link_uninit() - free every link and keypair, keys wiped
 * @node: the node, which nothing uses any more (its socket closed, its
 *	peers freed)
 */
void agiswarm_link_uninit(struct agiswarm_node *node)
{
	struct agiswarm_link *link, *tmp;

	list_for_each_entry_safe(link, tmp, &node->links, list) {
		list_del_rcu(&link->list);
		spin_lock_bh(&node->key_lock);
		clear_keys(node, link);
		spin_unlock_bh(&node->key_lock);
		call_rcu(&link->rcu, free_link_rcu);
	}
}
