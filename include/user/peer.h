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
 * @pubkey: its node's public key (AGISWARM_PUBKEY_LEN bytes; NULL: none),
 *	the link it shares with the other entries of that key
 */
struct agi_peer_req {
	u8 kind;
	u32 id;
	struct agi_endpoint ep;
	int health;
	const u8 *pubkey;
};

/* Adds the peer or replaces its endpoint (and health); 0 or -errno. */
int agi_peer_add(struct agi_nl *nl, const struct agi_peer_req *p);
/* Deletes the peer @kind @id; -ENOENT (with extack) when there is none. */
int agi_peer_del(struct agi_nl *nl, u8 kind, u32 id);

/*
 * SET_KEY: a keypair for the link of @pubkey (-ENOENT when no peer has
 * that key; -EEXIST when the node has @local_index already). @mode is enum
 * agiswarm_key_mode; @tx_counter the first nonce.
 */
struct agi_key_req {
	const u8 *pubkey;
	u32 local_index;
	u32 remote_index;
	const u8 *rx, *tx;	/* AGISWARM_SEAL_KEY_LEN bytes each */
	u64 tx_counter;
	u8 mode;
};
int agi_key_set(struct agi_nl *nl, const struct agi_key_req *k);

/**
 * struct agi_peer - one peer of the GET_PEERS dump
 * @ep: its endpoint; ep.len 0 when the module sent none that fits
 * @has_stats: a worker's statistics came (rows, gen, results, ...)
 * @has_fault: a fault is set for its id (@fault_kind, @fault_value)
 * @has_health: the daemon gave the module a health for it (@health)
 */
struct agi_peer {
	u8 kind;
	u32 id;
	struct agi_endpoint ep;
	u32 rows, gen;
	u64 results, missed, last_cycle;
	bool has_stats, has_fault, has_health;
	u8 health;
	u8 fault_kind;
	u32 fault_value;
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

#endif /* AGISWARM_USER_PEER_H */
