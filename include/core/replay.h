/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The receive side's sliding replay window, one per keypair (the model is
 * WireGuard's counter.c): a ring of AGI_REPLAY_WORDS 64-bit words holding
 * one bit per counter of the last AGI_REPLAY_WINDOW counters below the
 * highest seen. A counter is taken once; one further behind than the
 * window, or at or above AGI_REPLAY_LIMIT, never. Reordering within the
 * window loses nothing.
 *
 * Only counters of datagrams that have been opened (their tag verified)
 * may be checked: an unauthenticated counter must never move the window.
 * The caller serialises the calls for one window (the module holds the
 * keypair's spinlock); the code takes no lock and allocates nothing.
 */
#ifndef AGISWARM_CORE_REPLAY_H
#define AGISWARM_CORE_REPLAY_H

#include "compat.h"

#define AGI_REPLAY_WORDS 32		/* 2048 bits: a power of two */
#define AGI_REPLAY_WINDOW ((AGI_REPLAY_WORDS - 1) * 64)	/* 1984 */
/* Counters from here on are refused: a keypair must be replaced first. */
#define AGI_REPLAY_LIMIT (U64_MAX - 8192)

/**
 * struct agi_replay - a replay window
 * @top: the highest counter taken, plus one; 0 while none was
 * @bits: bit (c + 1) % 2048 set when counter c was taken
 */
struct agi_replay {
	u64 top;
	u64 bits[AGI_REPLAY_WORDS];
};

/* An empty window: every counter below AGI_REPLAY_LIMIT may come. */
void agi_replay_init(struct agi_replay *r);

/**
 * agi_replay_check() - take a counter, once
 * @r: the window
 * @counter: an authenticated datagram's counter
 *
 * Return: true when @counter is new (and now taken), false for a replay,
 * a counter behind the window or one at or above AGI_REPLAY_LIMIT.
 */
bool agi_replay_check(struct agi_replay *r, u64 counter);

#endif /* AGISWARM_CORE_REPLAY_H */
