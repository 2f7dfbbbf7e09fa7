// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Cost of sealing: nanoseconds to seal and to open (tag, replay window
 * and all, as a receiver runs it) one datagram of the largest size,
 * AGISWARM_WIRE_MAX (1400) bytes sealed, of the largest message (a ROWS
 * of 160 entries, 1330 bytes sealed) and of a RESULT-sized one (the UAPI
 * example, 81 bytes sealed), through the core's envelope over libsodium's
 * ChaCha20-Poly1305 (the module uses lib/crypto's, the same construction).
 * And the cost the sealing adds to a receiver, as the ratio of opening
 * to parsing the message (agi_wire_parse()). Each measure runs ROUNDS
 * rounds of about BENCH_NS and keeps the best.
 *
 *   bench seal 1400 B sealed (the largest datagram): seal 1234 ns, open 1300 ns
 *
 * The 1400-byte one is a well-framed message of AGISWARM_WIRE_PLAIN_MAX
 * bytes whose payload is filler (the envelope never reads it), so it has
 * no parse time.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/replay.h"
#include "core/seal.h"
#include "core/wire.h"
#include "user/seal.h"

#define BENCH_NS 1000000ULL	/* 1 ms per round */
#define ROUNDS 200

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static volatile uint64_t sink;
static u8 msg[AGISWARM_WIRE_MAX];
static size_t msg_len;
static u8 key[AGISWARM_SEAL_KEY_LEN];

enum what { SEAL, OPEN, PARSE };

static double ns_per_op(enum what w)
{
	static u8 buf[AGISWARM_WIRE_MAX + 64], sealed[AGISWARM_WIRE_MAX];
	static struct agi_replay replay;
	double best = 1e30;
	enum agiswarm_counter why;
	struct agi_seal_hdr h;
	struct agi_wire_msg m;
	u64 counter = 0;
	size_t n = 0;
	int r;

	memcpy(buf + AGI_SEAL_PUSH, msg, msg_len);
	n = agi_seal(buf, msg_len, 1, 0, key, &agi_sodium_aead);
	memcpy(sealed, buf, n);
	/* Timing a refusal would be meaningless: the datagram must open. */
	if (!n || agi_seal_parse(buf, n, &h, &why) ||
	    agi_seal_open(buf, n, &h, key, &agi_sodium_aead) != (int)msg_len) {
		fprintf(stderr, "bench seal: a %zu-byte message does not seal and open\n",
			msg_len);
		exit(1);
	}
	agi_replay_init(&replay);
	for (r = 0; r < ROUNDS; r++) {
		u64 t0 = now_ns(), t, ops = 0;

		do {
			switch (w) {
			case SEAL:
				memcpy(buf + AGI_SEAL_PUSH, msg, msg_len);
				sink += agi_seal(buf, msg_len, 1, counter++,
						 key, &agi_sodium_aead);
				break;
			case OPEN:
				memcpy(buf, sealed, n);
				agi_seal_parse(buf, n, &h, &why);
				sink += (u64)agi_seal_open(buf, n, &h, key,
							   &agi_sodium_aead);
				sink += agi_replay_check(&replay, counter++);
				break;
			case PARSE:
				memcpy(buf, msg, msg_len);
				sink += (u64)agi_wire_parse(buf, msg_len, &m,
							    &why);
				break;
			}
			ops++;
			t = now_ns();
		} while (t - t0 < BENCH_NS);
		if ((double)(t - t0) / (double)ops < best)
			best = (double)(t - t0) / (double)ops;
	}
	return best;
}

/* A ROWS message of @entries entries (the largest: 160). */
static void rows_message(u16 entries)
{
	static s64 v[AGISWARM_WIRE_CHUNK_MAX];
	struct agi_wire_msg m = { .type = AGISWARM_MSG_ROWS };
	u16 i;

	for (i = 0; i < entries; i++)
		v[i] = (s64)i * 0x123456789LL;
	m.u.rows = (struct agi_wire_rows){ 7, 1, 5, entries, 0, 2,
		{ .host.s64 = v, .n = entries } };
	msg_len = agi_wire_put(msg, AGISWARM_WIRE_PLAIN_MAX, &m);
}

/* A message of AGISWARM_WIRE_PLAIN_MAX bytes: a ROWS header, filler. */
static void largest_message(void)
{
	size_t i;

	msg_len = AGISWARM_WIRE_PLAIN_MAX;
	msg[0] = AGISWARM_WIRE_VERSION;
	msg[1] = AGISWARM_MSG_ROWS;
	agi_put_be16((u16)(msg_len - AGISWARM_WIRE_HDR_LEN), msg + 2);
	for (i = AGISWARM_WIRE_HDR_LEN; i < msg_len; i++)
		msg[i] = (u8)(i * 131);
}

int main(void)
{
	double s, o, p;

	agi_seal_example_key(key);
	largest_message();
	s = ns_per_op(SEAL);
	o = ns_per_op(OPEN);
	printf("bench seal %zu B sealed (the largest datagram): seal %.0f ns, open %.0f ns\n",
	       msg_len + AGISWARM_SEAL_OVERHEAD, s, o);
	rows_message(AGISWARM_WIRE_CHUNK_MAX);
	s = ns_per_op(SEAL);
	o = ns_per_op(OPEN);
	p = ns_per_op(PARSE);
	printf("bench seal %zu B sealed (ROWS, 160 entries): seal %.0f ns, open %.0f ns, parse %.0f ns, open/parse %.2fx\n",
	       msg_len + AGISWARM_SEAL_OVERHEAD, s, o, p, o / p);
	memcpy(msg, agi_seal_example_msg, sizeof(agi_seal_example_msg));
	msg_len = sizeof(agi_seal_example_msg);
	s = ns_per_op(SEAL);
	o = ns_per_op(OPEN);
	p = ns_per_op(PARSE);
	printf("bench seal %zu B sealed (RESULT example): seal %.0f ns, open %.0f ns, parse %.0f ns, open/parse %.2fx\n",
	       msg_len + AGISWARM_SEAL_OVERHEAD, s, o, p, o / p);
	return 0;
}
