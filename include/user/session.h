/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * A node's sessions: the peers it agrees keys with (handshake.h) and when.
 * Pure logic over the handshake, with no socket and no clock of its own, so
 * that a daemon drives it from its loop and a test drives two of them
 * against each other; installing keys in the module and sending the
 * datagrams is the caller's.
 *
 * Each peer is known by its public key. Toward an INITIATE peer this node
 * sends the INIT (an aggregator to its workers, a plant to its
 * aggregators): at once when it has no keys, again every rekey interval,
 * and again when the peer has been silent (no authenticated datagram) for
 * the silence limit, so that a peer that restarted and lost its keys is
 * keyed again; an unanswered INIT is repeated with a doubling backoff.
 * From a RESPOND peer it answers INITs, each timestamp newer than the last
 * one it accepted from that key (the replay guard, in memory: a restarted
 * responder accepts a recorded INIT once more, which gives no one a key).
 */
#ifndef AGISWARM_USER_SESSION_H
#define AGISWARM_USER_SESSION_H

#include "handshake.h"
#include "parse.h"

#define AGI_SESS_MAX_PEERS 160
/* First retry of an unanswered INIT, then doubling up to the maximum. */
#define AGI_SESS_RETRY_MS 1000
#define AGI_SESS_RETRY_MAX_MS 16000

enum agi_sess_role {
	AGI_SESS_INITIATE,	/* we send the INIT */
	AGI_SESS_RESPOND,	/* we answer its INIT */
};

/**
 * struct agi_sess_peer - one remote identity
 * @pk: its public key
 * @role: who starts the handshake
 * @ep: where INITs go (INITIATE), or where the last INIT came from
 * @pending: the INIT that is out (INITIATE)
 * @last_ts: the newest INIT timestamp accepted from it (RESPOND)
 * @quiet: a silence calls for no new handshake (a group member that is
 *	a backup sends this node nothing for as long as it stays one)
 * @rekey_now: new keys are due at @next_ms, whatever the age of these
 *	(agi_sess_rekey())
 * @keyed: keys were installed
 * @keyed_ms: when the current keys were made
 * @heard_ms: when it was last heard authenticated (the caller tells)
 * @next_ms: the earliest time of the next INIT (INITIATE)
 * @backoff_ms: the wait after the next unanswered INIT
 * @handshakes: completed handshakes
 * @refused: its signed INITs refused as replays (RESPOND)
 */
struct agi_sess_peer {
	u8 pk[AGI_PK_LEN];
	u8 role;
	struct agi_endpoint ep;
	struct agi_hs_pending pending;
	u64 last_ts;
	bool quiet;
	bool rekey_now;
	bool keyed;
	u64 keyed_ms;
	u64 heard_ms;
	u64 next_ms;
	u32 backoff_ms;
	u64 handshakes;
	u64 refused;
};

/**
 * struct agi_sess - the sessions of one node
 * @self: its static key pair
 * @rekey_ms: new keys this often (security.rekey_after_s)
 * @silence_ms: re-handshake with a peer silent this long (0: never)
 * @last_ts: the timestamp of our last INIT (kept increasing)
 * @n: peers in @peer
 */
struct agi_sess {
	struct agi_keypair self;
	u64 rekey_ms;
	u64 silence_ms;
	u64 last_ts;
	u32 n;
	struct agi_sess_peer peer[AGI_SESS_MAX_PEERS];
};

/* @s empty, with @self (copied) and the two intervals. */
void agi_sess_init(struct agi_sess *s, const struct agi_keypair *self,
		   u64 rekey_ms, u64 silence_ms);
void agi_sess_wipe(struct agi_sess *s);

/*
 * The peer of @pk, added when new (-ENOSPC when full; -EINVAL for our own
 * key); an existing one keeps its keys and takes the new @role and @ep.
 */
struct agi_sess_peer *agi_sess_add(struct agi_sess *s,
				   const u8 pk[AGI_PK_LEN], u8 role,
				   const struct agi_endpoint *ep, int *err);
struct agi_sess_peer *agi_sess_find(struct agi_sess *s,
				    const u8 pk[AGI_PK_LEN]);

/*
 * The next INITIATE peer that needs an INIT at @now_ms (no keys, keys
 * older than the rekey interval, silent too long, or an INIT unanswered
 * past its backoff), or NULL.
 */
struct agi_sess_peer *agi_sess_due(struct agi_sess *s, u64 now_ms);
/* When agi_sess_due() will next have something (UINT64_MAX: never). */
u64 agi_sess_next_due(const struct agi_sess *s);

/*
 * An INIT to @p into @buf with sender index @local_index; @realtime_ns is
 * the wall clock, kept strictly increasing. The length or -errno.
 */
int agi_sess_initiate(struct agi_sess *s, struct agi_sess_peer *p,
		      u64 now_ms, u64 realtime_ns, u32 local_index, u8 *buf,
		      size_t cap);

/*
 * An INIT that arrived from @from: answered into @buf (*@out_len bytes)
 * with sender index @local_index, and its keys into @k, when it is for us,
 * signed, from a RESPOND peer (*@peer) and fresh. Otherwise -errno of
 * handshake.h (-ENOKEY for a key that is not a RESPOND peer, -ESTALE for
 * a timestamp not newer than the last, counted in the peer's @refused).
 */
int agi_sess_on_init(struct agi_sess *s, const u8 *dgram, size_t len,
		     const struct agi_endpoint *from, u32 local_index,
		     u8 *buf, size_t cap, size_t *out_len,
		     struct agi_hs_keys *k, struct agi_sess_peer **peer);

/* A RESP: the keys of the pending INIT it answers into @k, and *@peer. */
int agi_sess_on_resp(struct agi_sess *s, const u8 *dgram, size_t len,
		     struct agi_hs_keys *k, struct agi_sess_peer **peer);

/*
 * The caller installed @p's new keys at @now_ms (or failed to: @ok false,
 * then an INITIATE peer is tried again after its backoff).
 */
void agi_sess_keyed(struct agi_sess *s, struct agi_sess_peer *p, u64 now_ms,
		    bool ok);

/*
 * The peer may have lost the keys it had with us, though we still hold
 * ours: a group member of higher rank whose daemon we hear again (its
 * module, reloaded, has none; as a backup it sends nothing that would
 * tell us by its silence). An INITIATE peer keyed more than
 * AGI_SESS_RETRY_MS ago is due at @now_ms; true when it was made due.
 * Nothing else is done (an INIT of ours out, keys fresh, a RESPOND peer).
 */
bool agi_sess_rekey(struct agi_sess_peer *p, u64 now_ms);
/* An authenticated datagram from @p arrived at @now_ms. */
void agi_sess_heard(struct agi_sess_peer *p, u64 now_ms);

/*
 * @p's keys are gone: the caller made its link in the module anew (a
 * worker that the group's log added, or removed and added again), and a
 * new link has none. An INITIATE peer is due at @now_ms, whatever its
 * backoff or the age of keys it had; a RESPOND peer waits for its INIT.
 */
void agi_sess_unkeyed(struct agi_sess_peer *p, u64 now_ms);

/*
 * What the module shows of @p's link: @link, a link with @p's key is
 * there; @keyed, it has a current keypair. Keys this node made as the
 * initiator (more than AGI_SESS_RETRY_MS ago, no INIT of ours out) that
 * the link no longer has were lost without this node knowing (the link
 * removed and added again by someone else, the module reloaded): @p is
 * unkeyed and due at @now_ms, and true is returned. A RESPOND peer, or
 * no link at all (the caller removed it), is left alone.
 */
bool agi_sess_check_module(struct agi_sess_peer *p, u64 now_ms, bool link,
			   bool keyed);

#endif /* AGISWARM_USER_SESSION_H */
