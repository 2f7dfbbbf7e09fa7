/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * An aggregator's peers as typed requests: AGISWARM_CMD_ADD_PEER and
 * _DEL_PEER, and the GET_PEERS dump with each worker's statistics.
 */
#ifndef AGISWARM_USER_PEER_H
#define AGISWARM_USER_PEER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/compat.h"
#include "uapi/linux/agiswarm.h"
#include "nl.h"
#include "parse.h"

/**
 * struct agi_peer_req - one ADD_PEER or DEL_PEER
 * @kind: enum agiswarm_peer_kind
 * @ep: where it is (ADD_PEER only)
 * @health: enum agiswarm_health, the daemon's judgement of a worker; -1
 *	sends none (the module keeps what it had)
 * @has_pubkey: @pubkey is sent: the peer's identity, its link
 * @has_rank: @rank is sent: an aggregator's rank in this node's
 *	replicated group (AGISWARM_PEER_A_RANK)
 */
struct agi_peer_req {
	u8 kind;
	u32 id;
	struct agi_endpoint ep;
	int health;
	bool has_rank;
	u8 rank;
	bool has_pubkey;
	u8 pubkey[AGISWARM_PUBKEY_LEN];
};

/* Adds the peer or replaces its endpoint (and health); 0 or -errno. */
int agi_peer_add(struct agi_nl *nl, const struct agi_peer_req *p);
/* Deletes the peer @kind @id; -ENOENT (with extack) when there is none. */
int agi_peer_del(struct agi_nl *nl, u8 kind, u32 id);

/**
 * struct agi_peer - one peer of the GET_PEERS dump
 * @ep: its endpoint; ep.len 0 when the module sent none that fits
 * @has_stats: a worker's statistics came (rows, gen, results, ...)
 * @has_fault: a fault is set for its id (@fault_kind, @fault_value)
 * @has_health: the daemon gave the module a health for it (@health)
 * @has_rank: an aggregator that is a member of this node's group (@rank)
 * @has_pubkey: it has a link: @pubkey, @link_rx, @link_tx
 * @has_key: the link has a current keypair: @key_age, @key_mode
 */
struct agi_peer {
	u8 kind;
	u32 id;
	struct agi_endpoint ep;
	u32 rows, gen;
	u64 results, missed, last_cycle, inconsistent;
	bool has_stats, has_fault, has_health, has_rank;
	u8 health;
	u8 rank;
	u8 fault_kind;
	u32 fault_value;
	bool has_pubkey, has_key;
	u8 pubkey[AGISWARM_PUBKEY_LEN];
	u64 link_rx, link_tx;
	u32 key_age;
	u8 key_mode;
};

struct agi_peer_list {
	struct agi_peer *peers;
	size_t n, cap;
};

/*
 * Every peer, in the order they were added, appended to @l (which starts
 * zeroed and is freed with agi_peer_list_free()); 0 or -errno.
 */
int agi_peers_get(struct agi_nl *nl, struct agi_peer_list *l);
void agi_peer_list_free(struct agi_peer_list *l);

/**
 * struct agi_key_req - one SET_KEY (the keys are wiped after sending)
 * @local_index: what the peer writes in datagrams to us, nonzero
 * @remote_index: what we write in datagrams to it
 * @rx: opens its datagrams
 * @tx: seals ours
 * @tx_counter: the first transmit counter
 * @mode: enum agiswarm_key_mode
 */
struct agi_key_req {
	u32 local_index, remote_index;
	u8 rx[AGISWARM_SEAL_KEY_LEN], tx[AGISWARM_SEAL_KEY_LEN];
	u64 tx_counter;
	u8 mode;
};

/* Installs @k on the link of @pubkey; 0 or -errno (extack in @nl). */
int agi_key_set(struct agi_nl *nl, const u8 pubkey[AGISWARM_PUBKEY_LEN],
		const struct agi_key_req *k);
/*
 * Pre-shared-key mode (user/seal.h): derives the keypair between @self and
 * @peer from @psk and installs it as STATIC on @peer's link; 0 or -errno.
 */
int agi_key_set_psk(struct agi_nl *nl, const u8 psk[32],
		    const u8 self[AGISWARM_PUBKEY_LEN],
		    const u8 peer[AGISWARM_PUBKEY_LEN]);

#endif /* AGISWARM_USER_PEER_H */
