// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The peers of an aggregator: an RCU list per node, changed only under
 * node->conf_lock.
 *
 * Who may still hold a peer when it is removed: the fast path (RESULT and
 * SENSOR lookups, ACTUATE sends, all in softirq under RCU) until a grace
 * period has passed, and the current row assignment (plan.c), which
 * is rebuilt without the peer before the peer is queued for freeing.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>

#include "link.h"
#include "node.h"
#include "objects.h"
#include "peer.h"

/**
 * agiswarm_peer_find() - the peer of a kind and id
 * @node: the node
 * @kind: an enum agiswarm_peer_kind
 * @id: its node id
 *
 * Context: RCU read side, or node->conf_lock held.
 * Return: the peer, or NULL.
 */
struct agiswarm_peer *agiswarm_peer_find(struct agiswarm_node *node, u8 kind,
					 u32 id)
{
	struct agiswarm_peer *p;

	list_for_each_entry_rcu(p, &node->peers, list,
				lockdep_is_held(&node->conf_lock)) {
		if (p->kind == kind && p->id == id)
			return p;
	}
	return NULL;
}

/**
 * agiswarm_peer_find_addr() - the peer of a kind at an endpoint
 * @node: the node
 * @kind: an enum agiswarm_peer_kind
 * @addr: the endpoint's address
 * @port: its port
 *
 * Context: RCU read side (softirq), or node->conf_lock held.
 * Return: the first such peer, or NULL.
 */
struct agiswarm_peer *agiswarm_peer_find_addr(struct agiswarm_node *node,
					      u8 kind, __be32 addr,
					      __be16 port)
{
	struct agiswarm_peer *p;

	list_for_each_entry_rcu(p, &node->peers, list,
				lockdep_is_held(&node->conf_lock)) {
		if (p->kind == kind && p->ep.sin_addr.s_addr == addr &&
		    p->ep.sin_port == port)
			return p;
	}
	return NULL;
}

/**
 * agiswarm_peer_count() - how many peers of a kind there are
 * @node: the node
 * @kind: an enum agiswarm_peer_kind
 *
 * Context: node->conf_lock held.
 * Return: their number.
 */
unsigned int agiswarm_peer_count(struct agiswarm_node *node, u8 kind)
{
	struct agiswarm_peer *p;
	unsigned int n = 0;

	lockdep_assert_held(&node->conf_lock);
	list_for_each_entry(p, &node->peers, list)
		n += p->kind == kind;
	return n;
}

static void free_peer_rcu(struct rcu_head *rcu)
{
	kfree(container_of(rcu, struct agiswarm_peer, rcu));
	agiswarm_objects_put();
}

/**
 * agiswarm_peer_free() - free an unlinked peer after a grace period
 * @p: the peer, or NULL
 *
 * Only once nothing but RCU readers can reach it: the row assignment was
 * rebuilt without it.
 */
void agiswarm_peer_free(struct agiswarm_peer *p)
{
	if (p)
		call_rcu(&p->rcu, free_peer_rcu);
}

/**
 * agiswarm_peer_add() - add a peer, or replace the one of its kind and id
 * @node: the node
 * @kind: an enum agiswarm_peer_kind
 * @id: its node id
 * @ep: its endpoint
 * @health: enum agiswarm_health + 1, or 0 for none given
 * @pubkey: its public key (AGISWARM_PUBKEY_LEN bytes), or NULL
 * @oldp: the replaced peer, or NULL; the caller frees it
 *	(agiswarm_peer_free()) once no assignment names it
 *
 * A replacement keeps the statistics of the replaced peer, its health
 * when @health is 0 and its link when @pubkey is NULL. The link of
 * @pubkey (made when new) takes @ep as its endpoint.
 *
 * Context: process, node->conf_lock held.
 * Return: 0 or -ENOMEM.
 */
int agiswarm_peer_add(struct agiswarm_node *node, u8 kind, u32 id,
		      const struct sockaddr_in *ep, u8 health, const u8 *pubkey,
		      struct agiswarm_peer **oldp)
{
	struct agiswarm_peer *p, *old;

	lockdep_assert_held(&node->conf_lock);
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	old = agiswarm_peer_find(node, kind, id);
	if (pubkey) {
		p->link = agiswarm_link_get(node, pubkey, ep);
		if (!p->link) {
			kfree(p);
			return -ENOMEM;
		}
	} else if (old && old->link) {
		p->link = old->link;
		agiswarm_link_hold(p->link, ep);
	}
	agiswarm_objects_get();
	p->kind = kind;
	p->id = id;
	p->ep = *ep;
	p->health = health;
	if (old) {
		agiswarm_link_put(node, old->link);
		/* Statistics survive a new endpoint; assignment redoes rows. */
		p->gen = old->gen;
		p->results = old->results;
		p->missed = old->missed;
		p->last_cycle = old->last_cycle;
		if (!health)
			p->health = old->health;
		p->rank = old->rank;
		list_replace_rcu(&old->list, &p->list);
	} else {
		list_add_tail_rcu(&p->list, &node->peers);
	}
	*oldp = old;
	return 0;
}

/**
 * agiswarm_peer_del() - unlink a peer
 * @node: the node
 * @kind: an enum agiswarm_peer_kind
 * @id: its node id
 * @oldp: the unlinked peer, which the caller frees (agiswarm_peer_free())
 *	once no assignment names it
 *
 * Context: node->conf_lock held.
 * Return: 0, or -ENOENT when there is no such peer.
 */
int agiswarm_peer_del(struct agiswarm_node *node, u8 kind, u32 id,
		      struct agiswarm_peer **oldp)
{
	struct agiswarm_peer *p;

	lockdep_assert_held(&node->conf_lock);
	p = agiswarm_peer_find(node, kind, id);
	if (!p)
		return -ENOENT;
	list_del_rcu(&p->list);
	agiswarm_link_put(node, p->link);
	*oldp = p;
	return 0;
}

/**
 * agiswarm_peer_init() - a node starts without peers
 * @node: the node
 */
void agiswarm_peer_init(struct agiswarm_node *node)
{
	INIT_LIST_HEAD(&node->peers);
}

/**
 * agiswarm_peer_uninit() - free every peer
 * @node: the node, which nothing uses any more (its socket closed, its
 *	assignment freed)
 */
void agiswarm_peer_uninit(struct agiswarm_node *node)
{
	struct agiswarm_peer *p, *tmp;

	list_for_each_entry_safe(p, tmp, &node->peers, list) {
		list_del(&p->list);
		kfree(p);
		agiswarm_objects_put();
	}
}
