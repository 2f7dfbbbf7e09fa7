// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * libFuzzer target: what the group's transport reads from a TCP peer
 * before and after authentication (include/user/channel.c), as
 * daemon/repl_transport.c reads it. The first byte picks the side: even,
 * the responder (member B: a HELLO, the peer's stream header, then sealed
 * frames); odd, the initiator (member A, its HELLO to B sent: a REPLY,
 * the header, sealed frames). The rest is the byte stream, cut into
 * frames by the frame parser. Nothing may crash, a frame is never read
 * past its length, and a frame that is not authenticated ends the stream.
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/repl_example.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct agi_keypair a, b;
	static struct agi_chan ch;
	static u8 out[AGI_CHAN_FRAME_MAX];
	static bool init;
	const u8 *payload;
	size_t plen, off = 1;
	int step = 0, used, ret = 0;

	if (!init) {
		if (agi_keys_init())
			abort();
		agi_key_from_seed(&a, repl_seed_a);
		agi_key_from_seed(&b, repl_seed_b);
		init = true;
	}
	if (!size)
		return 0;
	if (data[0] & 1 && agi_chan_hello(&ch, &a, b.pk, 1, out, sizeof(out)) < 0)
		abort();
	while (ret >= 0) {
		used = agi_chan_frame_next(data + off, size - off, &payload,
					   &plen);
		if (used <= 0)
			break;
		if (plen > (size_t)used || payload + plen > data + size)
			abort();
		off += (size_t)used;
		if (step == 0 && !(data[0] & 1))
			ret = agi_chan_accept(&ch, &b, payload, plen, out,
					      AGI_CHAN_REPLY_MAX);
		else if (step == 0)
			ret = agi_chan_finish(&ch, payload, plen);
		else if (step == 1)
			ret = agi_chan_rx_header(&ch, payload, plen);
		else
			ret = agi_chan_open(&ch, payload, plen, out);
		step++;
	}
	agi_chan_wipe(&ch);
	return 0;
}
