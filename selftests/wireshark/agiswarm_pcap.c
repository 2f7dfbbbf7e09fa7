// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agiswarm_pcap FILE: a capture (pcap, raw IPv4) of one datagram of every
 * message type, each written by the project's own encoders with the values
 * of the UAPI header's examples (include/uapi/linux/agiswarm.h):
 *
 *   1 TASK  2 RESULT  3 SENSOR  4 ACTUATE  5 ROWS     agi_wire_put()
 *   6 HEARTBEAT  7 STATUS  8 COMMIT_ACK  9 COMMIT     include/user/msg.c,
 *                                                     commit.c (signed with
 *                                                     a fixed test key)
 *   10 CONFIG  11 ERROR                               the core's CBOR writer
 *   12 HANDSHAKE_INIT  13 HANDSHAKE_RESP              version 2, unsealed,
 *                                                     the keys of the design
 *   14 TASK sealed  15 NEED_ROWS sealed               version 2 envelope:
 *                                                     index, counter, AEAD
 *   16 a TASK cut short (its CBOR truncated)          malformed on purpose
 *   17 a HEARTBEAT on port 7000 (found by heuristics)
 *
 * selftests/native/wireshark_dissector.sh reads it with tshark and the Lua
 * dissector (configs/wireshark/agiswarm.lua).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cbor.h"
#include "core/wire.h"
#include "user/commit.h"
#include "user/keys.h"
#include "user/msg.h"
#include "../lib/commit_example.h"

static FILE *out;
static unsigned int packets;

static void put16(u8 *p, u16 v) { p[0] = v >> 8; p[1] = (u8)v; }

static void le32(FILE *f, u32 v)
{
	u8 b[4] = { (u8)v, (u8)(v >> 8), (u8)(v >> 16), (u8)(v >> 24) };

	fwrite(b, 1, 4, f);
}

/* One datagram from 192.0.2.@src:@sport to 192.0.2.@dst:@dport. */
static void packet(const u8 *dgram, size_t len, u8 src, u8 dst, u16 port)
{
	u8 ip[28] = { 0x45, 0 };
	u32 sum = 0;
	int i;

	if (!len) {
		fprintf(stderr, "agiswarm_pcap: packet %u: the encoder failed\n",
			packets + 1);
		exit(1);
	}
	put16(ip + 2, (u16)(28 + len));
	put16(ip + 4, (u16)++packets);
	ip[8] = 64;
	ip[9] = 17;				/* UDP */
	ip[12] = 192; ip[13] = 0; ip[14] = 2; ip[15] = src;
	ip[16] = 192; ip[17] = 0; ip[18] = 2; ip[19] = dst;
	for (i = 0; i < 20; i += 2)
		sum += (u32)(ip[i] << 8 | ip[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(ip + 10, (u16)~sum);
	put16(ip + 20, port);
	put16(ip + 22, port);
	put16(ip + 24, (u16)(8 + len));	/* checksum 0: none (IPv4) */
	le32(out, 1700000000 + packets);
	le32(out, 0);
	le32(out, (u32)(28 + len));
	le32(out, (u32)(28 + len));
	fwrite(ip, 1, sizeof(ip), out);
	fwrite(dgram, 1, len, out);
}

/* A datagram of @type around the CBOR in @w (version @version). */
static size_t finish(u8 *buf, struct agi_cbor_writer *w, u8 type, u8 version)
{
	if (!agi_cbor_fits(w))
		return 0;
	agi_wire_put_header(buf, type, (u16)w->pos);
	buf[0] = version;
	return 4 + w->pos;
}

static void fill(u8 *b, size_t n, u8 v)
{
	memset(b, v, n);
}

int main(int argc, char **argv)
{
	static const s32 task_x[] = { 1 << 30, -(1 << 30) };
	static const s32 sensor_x[] = { 1 << 14, -(1 << 13) };
	static const s32 actuate_u[] = { 1 << 29 };
	static const s64 rows_e[] = { 1, -2, 1LL << 31 };
	struct agi_wire_value values[2] = {
		{ 2, { U64_MAX, U64_MAX } }, { 4, { 1ULL << 30, 0 } },
	};
	u8 buf[AGISWARM_WIRE_MAX], body[AGI_COMMIT_BODY_MAX], sig[AGI_SIG_LEN];
	u8 seed[AGI_SEED_LEN], k32[32];
	struct agi_cbor_writer w;
	struct agi_wire_msg m;
	struct agi_keypair kp;
	struct agi_commit c;
	int n;

	if (argc != 2) {
		fprintf(stderr, "usage: agiswarm_pcap FILE\n");
		return 2;
	}
	out = fopen(argv[1], "wb");
	if (!out || agi_keys_init()) {
		fprintf(stderr, "agiswarm_pcap: opening %s failed: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	/* pcap: magic, 2.4, GMT, sigfigs, snaplen, LINKTYPE_RAW */
	le32(out, 0xa1b2c3d4);
	le32(out, 2 | 4 << 16);
	le32(out, 0);
	le32(out, 0);
	le32(out, 65535);
	le32(out, 101);

	memset(&m, 0, sizeof(m));
	m.type = AGISWARM_MSG_TASK;
	m.u.task = (struct agi_wire_task){ .epoch = 7, .cycle = 42, .gen = 1,
		.fmt = AGISWARM_Q1_31, .x = { .host.s32 = task_x, .n = 2 },
		.group = 1, .rows_epoch = 7 };
	fill(m.u.task.hash, sizeof(m.u.task.hash), 0x5e);
	packet(buf, agi_wire_put(buf, sizeof(buf), &m), 1, 11, 6000);

	m.type = AGISWARM_MSG_RESULT;
	m.u.result = (struct agi_wire_result){ .epoch = 7, .cycle = 42,
		.gen = 1, .worker = 3, .values = { .host.value = values, .n = 2 } };
	packet(buf, agi_wire_put(buf, sizeof(buf), &m), 13, 1, 6000);

	m.type = AGISWARM_MSG_SENSOR;
	m.u.sensor = (struct agi_wire_sensor){ .seq = 1000, .fmt = AGISWARM_Q1_15,
		.x = { .host.s32 = sensor_x, .n = 2 } };
	packet(buf, agi_wire_put(buf, sizeof(buf), &m), 100, 1, 6000);

	m.type = AGISWARM_MSG_ACTUATE;
	m.u.actuate = (struct agi_wire_actuate){ .epoch = 7, .cycle = 42,
		.fmt = AGISWARM_Q1_31, .status = AGISWARM_ACTUATE_OK,
		.u = { .host.s32 = actuate_u, .n = 1 } };
	packet(buf, agi_wire_put(buf, sizeof(buf), &m), 1, 100, 6000);

	m.type = AGISWARM_MSG_ROWS;
	m.u.rows = (struct agi_wire_rows){ .epoch = 7, .gen = 1, .row = 5,
		.ncols = 3, .offset = 0, .nrows = 2,
		.entries = { .host.s64 = rows_e, .n = 3 }, .group = 1 };
	fill(m.u.rows.hash, sizeof(m.u.rows.hash), 0x5e);
	packet(buf, agi_wire_put(buf, sizeof(buf), &m), 1, 11, 6000);

	n = agi_heartbeat_encode(&(struct agi_heartbeat){ .worker = 3, .seq = 7,
		.port = 6000, .status = AGISWARM_HEALTH_HEALTHY,
		.cpu_permille = 125, .mem_permille = 500, .latency_us = 1500,
		.queue = 0 }, buf, sizeof(buf));
	packet(buf, n > 0 ? (size_t)n : 0, 13, 1, 6000);

	n = agi_status_msg_encode(&(struct agi_status_msg){ .node = 1, .seq = 7,
		.epoch = 1, .cycle = 1000, .health = AGISWARM_HEALTH_HEALTHY,
		.member = 1 }, buf, sizeof(buf));
	packet(buf, n > 0 ? (size_t)n : 0, 1, 13, 6000);

	{
		struct agi_commit_ack ack = { .seq = 5,
			.status = AGI_COMMIT_REJECTED, .apply_at_cycle = 0 };

		strcpy(ack.reason, "bad signature");
		n = agi_commit_ack_encode(&ack, buf, sizeof(buf));
		packet(buf, n > 0 ? (size_t)n : 0, 1, 200, 6000);
	}

	fill(seed, sizeof(seed), 0x01);
	agi_key_from_seed(&kp, seed);
	example_commit(&c);
	n = agi_commit_encode(&c, body, sizeof(body));
	if (n > 0) {
		agi_commit_sign(body, (size_t)n, kp.sk, sig);
		n = agi_commit_dgram_encode(body, (size_t)n, sig, buf, sizeof(buf));
	}
	agi_key_wipe(&kp);
	packet(buf, n > 0 ? (size_t)n : 0, 200, 1, 6000);

	/* CONFIG and ERROR have no keys of their own yet: one each. */
	w = (struct agi_cbor_writer){ .buf = buf + 4, .cap = sizeof(buf) - 4 };
	agi_cbor_put_head(&w, AGI_CBOR_MAP, 1);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, 1);
	agi_cbor_put_text(&w, "cycle_time_ms", 13);
	packet(buf, finish(buf, &w, AGISWARM_MSG_CONFIG, 1), 200, 1, 6000);
	w = (struct agi_cbor_writer){ .buf = buf + 4, .cap = sizeof(buf) - 4 };
	agi_cbor_put_head(&w, AGI_CBOR_MAP, 2);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, 1);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, 22);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, 2);
	agi_cbor_put_text(&w, "no such peer", 12);
	packet(buf, finish(buf, &w, AGISWARM_MSG_ERROR, 1), 1, 200, 6000);

	/* HANDSHAKE_INIT: 1 sender index, 2 ephemeral, 3 timestamp,
	 * 4 initiator key, 5 responder key, 6 signature.
	 */
	w = (struct agi_cbor_writer){ .buf = buf + 4, .cap = sizeof(buf) - 4 };
	agi_cbor_put_head(&w, AGI_CBOR_MAP, 6);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, 1);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, 0x11223344);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, 2);
	fill(k32, 32, 0xe1);
	agi_cbor_put_bytes(&w, k32, 32);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, 3);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, 1700000000123456789ULL);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, 4);
	fill(k32, 32, 0x1a);
	agi_cbor_put_bytes(&w, k32, 32);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, 5);
	fill(k32, 32, 0x2b);
	agi_cbor_put_bytes(&w, k32, 32);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, 6);
	fill(sig, sizeof(sig), 0x5e);
	agi_cbor_put_bytes(&w, sig, sizeof(sig));
	packet(buf, finish(buf, &w, 0x0b, 2), 1, 11, 6000);

	/* HANDSHAKE_RESP: 1 sender, 2 receiver index, 3 ephemeral,
	 * 4 INIT hash, 5 signature.
	 */
	w = (struct agi_cbor_writer){ .buf = buf + 4, .cap = sizeof(buf) - 4 };
	agi_cbor_put_head(&w, AGI_CBOR_MAP, 5);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, 1);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, 0x55667788);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, 2);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, 0x11223344);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, 3);
	fill(k32, 32, 0xe2);
	agi_cbor_put_bytes(&w, k32, 32);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, 4);
	fill(k32, 32, 0x4a);
	agi_cbor_put_bytes(&w, k32, 32);
	agi_cbor_put_head(&w, AGI_CBOR_UINT, 5);
	agi_cbor_put_bytes(&w, sig, sizeof(sig));
	packet(buf, finish(buf, &w, 0x0c, 2), 11, 1, 6000);

	/* Sealed: header (version 2), be32 receiver index, be64 counter,
	 * ciphertext (as long as the CBOR it hides), 16-byte tag.
	 */
	m.type = AGISWARM_MSG_TASK;
	m.u.task = (struct agi_wire_task){ .epoch = 7, .cycle = 43, .gen = 1,
		.fmt = AGISWARM_Q1_31, .x = { .host.s32 = task_x, .n = 2 },
		.group = 1, .rows_epoch = 7 };
	fill(m.u.task.hash, sizeof(m.u.task.hash), 0x5e);
	n = (int)agi_wire_put(buf, sizeof(buf), &m) - 4;
	agi_wire_put_header(buf, AGISWARM_MSG_TASK, (u16)(12 + n + 16));
	buf[0] = 2;
	agi_put_be32(0x0a0b0c0d, buf + 4);
	agi_put_be64(9, buf + 8);
	fill(buf + 16, (size_t)n, 0xc7);
	fill(buf + 16 + n, 16, 0x7a);
	packet(buf, 32 + (size_t)n, 1, 11, 6000);
	agi_wire_put_header(buf, 0x0d, 12 + 8 + 16);
	buf[0] = 2;
	agi_put_be32(0x01020304, buf + 4);
	agi_put_be64(77, buf + 8);
	fill(buf + 16, 8, 0xd0);
	fill(buf + 24, 16, 0x7b);
	packet(buf, 40, 11, 1, 6000);

	/* A TASK whose CBOR is cut: the header says so, the map lies. */
	m.u.task.cycle = 44;
	n = (int)agi_wire_put(buf, sizeof(buf), &m);
	agi_wire_put_header(buf, AGISWARM_MSG_TASK, (u16)(n - 4 - 3));
	packet(buf, (size_t)n - 3, 1, 11, 6000);

	/* A HEARTBEAT to another port: the heuristic finds it. */
	n = agi_heartbeat_encode(&(struct agi_heartbeat){ .worker = 4, .seq = 8,
		.port = 7000, .status = AGISWARM_HEALTH_DEGRADED,
		.cpu_permille = 950, .mem_permille = 10, .latency_us = 0,
		.queue = 4096 }, buf, sizeof(buf));
	packet(buf, n > 0 ? (size_t)n : 0, 14, 1, 7000);

	/* The example COMMIT as a signed resume (changes {12: 1}), seq 2. */
	agi_key_from_seed(&kp, seed);
	example_commit(&c);
	c.seq = 2;
	c.changes.present = AGI_CH_BIT(AGI_CH_RESUME);
	n = agi_commit_encode(&c, body, sizeof(body));
	if (n > 0) {
		agi_commit_sign(body, (size_t)n, kp.sk, sig);
		n = agi_commit_dgram_encode(body, (size_t)n, sig, buf, sizeof(buf));
	}
	agi_key_wipe(&kp);
	packet(buf, n > 0 ? (size_t)n : 0, 200, 1, 6000);

	if (fclose(out)) {
		fprintf(stderr, "agiswarm_pcap: writing %s failed: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	printf("%s: %u datagrams\n", argv[1], packets);
	return 0;
}
