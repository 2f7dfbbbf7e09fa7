/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 */
#ifndef AGISWARM_LINK_H
#define AGISWARM_LINK_H

#include <linux/atomic.h>
#include <linux/hashtable.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <net/genetlink.h>

#include <uapi/linux/agiswarm.h>

#include "../include/core/replay.h"
#include "../include/core/seal.h"
#include "../include/core/wire.h"

struct agiswarm_node;
struct agiswarm_link;

/**
 * struct agiswarm_keypair - one session of a link: two keys and two indices
 * @rcu: frees it (keys wiped) after a grace period
 * @hnode: in node->key_index by @local_index (RCU; node->key_lock)
 * @link: the link it belongs to; it is unhashed before the link goes
 * @local_index: what the peer writes in datagrams to us
 * @remote_index: what we write in datagrams to it
 * @rx: opens what the peer seals
 * @tx: seals what we send
 * @tx_counter: the next transmit nonce
 * @replay_lock: serialises @replay
 * @replay: the counters opened so far
 * @created: get_jiffies_64() when set
 * @mode: enum agiswarm_key_mode
 */
struct agiswarm_keypair {
	struct rcu_head rcu;
	struct hlist_node hnode;
	struct agiswarm_link *link;
	u32 local_index;
	u32 remote_index;
	u8 rx[AGISWARM_SEAL_KEY_LEN];
	u8 tx[AGISWARM_SEAL_KEY_LEN];
	atomic64_t tx_counter;
	spinlock_t replay_lock;	/* @replay */
	struct agi_replay replay;
	u64 created;
	u8 mode;
};

/**
 * struct agiswarm_link - one remote identity and its sessions
 * @list: in node->links (RCU; changed under node->conf_lock)
 * @rcu: frees it after a grace period
 * @pubkey: the identity, the peer's Ed25519 public key
 * @users: peer entries naming it (node->conf_lock)
 * @ep: its endpoint, address << 16 | port (network order), moved only by
 *	an opened datagram (or ADD_PEER)
 * @cur: the keypair that seals, RCU (slots changed under node->key_lock)
 * @prev: the one before, still opens
 * @next: a responder's keypair, current once a datagram opens with it
 * @rx: datagrams opened from it
 * @tx: datagrams sealed for it
 */
struct agiswarm_link {
	struct list_head list;
	struct rcu_head rcu;
	u8 pubkey[AGISWARM_PUBKEY_LEN];
	unsigned int users;
	atomic64_t ep;
	struct agiswarm_keypair __rcu *cur;
	struct agiswarm_keypair __rcu *prev;
	struct agiswarm_keypair __rcu *next;
	atomic64_t rx;
	atomic64_t tx;
};

/**
 * struct agiswarm_link_info - what GET_PEERS shows of a link
 * @has_key: a current keypair is installed
 * @age: its age in seconds
 * @mode: its enum agiswarm_key_mode
 * @rx: datagrams opened
 * @tx: datagrams sealed
 */
struct agiswarm_link_info {
	bool has_key;
	u32 age;
	u8 mode;
	u64 rx;
	u64 tx;
};

extern const struct agi_aead agiswarm_aead;

void agiswarm_link_init(struct agiswarm_node *node);
void agiswarm_link_uninit(struct agiswarm_node *node);
struct agiswarm_link *agiswarm_link_get(struct agiswarm_node *node,
					const u8 *pubkey,
					const struct sockaddr_in *ep);
void agiswarm_link_hold(struct agiswarm_link *link,
			const struct sockaddr_in *ep);
void agiswarm_link_put(struct agiswarm_node *node, struct agiswarm_link *link);
struct agiswarm_link *agiswarm_link_find(struct agiswarm_node *node,
					 const u8 *pubkey);
void agiswarm_link_endpoint(const struct agiswarm_link *link,
			    struct sockaddr_in *ep);
void agiswarm_link_read_info(struct agiswarm_link *link,
			     struct agiswarm_link_info *info);
int agiswarm_link_seal(struct agiswarm_node *node, struct sk_buff *skb,
		       __be32 daddr, __be16 dport);
struct agiswarm_link *agiswarm_link_open(struct agiswarm_node *node,
					 struct sk_buff *skb,
					 const struct agi_seal_hdr *h,
					 __be32 saddr, __be16 sport,
					 enum agiswarm_counter *reason);
bool agiswarm_link_may_send(struct agiswarm_node *node,
			    const struct agiswarm_link *link,
			    const struct agi_wire_msg *msg);
bool agiswarm_link_plain_allowed(struct agiswarm_node *node);
int agiswarm_link_set_key_doit(struct sk_buff *skb, struct genl_info *info);

extern const struct nla_policy agiswarm_link_key_policy[AGISWARM_KEY_A_MAX + 1];

#endif /* AGISWARM_LINK_H */
