// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The replay window (see replay.h). Positions are counter + 1, so that a
 * fresh window (top 0) takes counter 0. Word w of the ring holds the
 * positions p with p / 64 == w (mod AGI_REPLAY_WORDS); moving the top
 * forward clears the words it passes, at most the whole ring.
 */
#include "replay.h"

void agi_replay_init(struct agi_replay *r)
{
	memset(r, 0, sizeof(*r));
}

bool agi_replay_check(struct agi_replay *r, u64 counter)
{
	u64 pos, word, top_word, n, i, bit;

	if (unlikely(counter >= AGI_REPLAY_LIMIT))
		return false;
	pos = counter + 1;
	if (unlikely(pos + AGI_REPLAY_WINDOW < r->top))
		return false;		/* behind the window */
	word = pos >> 6;
	if (pos > r->top) {
		top_word = r->top >> 6;
		n = word - top_word;
		if (n > AGI_REPLAY_WORDS)
			n = AGI_REPLAY_WORDS;
		for (i = 1; i <= n; i++)
			r->bits[(top_word + i) & (AGI_REPLAY_WORDS - 1)] = 0;
		r->top = pos;
	}
	bit = 1ULL << (pos & 63);
	word &= AGI_REPLAY_WORDS - 1;
	if (r->bits[word] & bit)
		return false;		/* seen */
	r->bits[word] |= bit;
	return true;
}
