// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Writes the fuzzers' seed corpus (selftests/fuzz/corpus/<target>/): the
 * documented example of each fast-path type, whole and damaged once in
 * each documented way, so that every fuzzer starts next to every branch of
 * the parser; the control plane's documented datagrams and the attacks on
 * them; commit bodies; a signed audit log. Run by `make fuzz-corpus`
 * (which adds the shipped configuration and matrix files); the output is
 * kept in the tree.
 *
 *   corpus_gen DIR
 */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "user/audit.h"
#include "user/commit.h"
#include "user/group_info.h"
#include "user/handshake.h"
#include "user/msg.h"
#include "core/seal.h"
#include "../lib/commit_example.h"
#include "../lib/repl_example.h"
#include "../native/wire_examples.h"

static const char *dir;

/* RFC 8032 section 7.1 TEST 1's secret key: the signer of the seeds. */
static const u8 rfc8032_test1[AGI_SEED_LEN] = {
	0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84,
	0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4, 0x44, 0x49, 0xc5, 0x69,
	0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae,
	0x7f, 0x60,
};

static void put_file(const char *target, const char *name, const u8 *p,
		     size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, target);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", dir, target, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/*
 * fuzz_wire_parse takes datagrams; fuzz_wire_libcbor a type index and a
 * payload. Each seed must be refused for the reason its name gives.
 */
static void put_datagram(const char *ex, const char *what, const struct raw *r,
			 int want)
{
	static const u8 index_of[] = { [1] = 0, [2] = 1, [7] = 2, [8] = 3,
				       [9] = 4, [13] = 5 };
	u8 buf[2 * AGISWARM_WIRE_MAX];
	char name[128];

	if (parse(r) != want || (!want && !libcbor_well_formed(r))) {
		fprintf(stderr, "%s-%s: parsed as %d, not %d\n", ex, what,
			parse(r), want);
		exit(1);
	}
	snprintf(name, sizeof(name), "%s-%s", ex, what);
	put_file("fuzz_wire_parse", name, r->b, r->n);
	if (r->b[0] != AGISWARM_WIRE_VERSION || r->b[1] >= sizeof(index_of) ||
	    !agi_wire_is_fast_path(r->b[1]))
		return;
	buf[0] = index_of[r->b[1]];
	memcpy(buf + 1, r->b + 4, r->n - 4);
	put_file("fuzz_wire_libcbor", name, buf, r->n - 3);
}

static void example_seeds(const struct example *x)
{
	struct damage widen = { .key_width = 1 };
	struct damage text = { .value = "6131" };
	struct raw *r;

	put_datagram(x->name, "valid", build(x, -1, -1, NULL, NULL), 0);
	put_datagram(x->name, "unknown-key",
		     build(x, -1, -1, NULL, "1864 a2 01 81 f97e00 6161 c1 00"),
		     0);
	put_datagram(x->name, "missing", build(x, 0, -1, NULL, NULL),
		     DROP(MISSING));
	put_datagram(x->name, "noncanonical", build(x, -1, 1, &widen, NULL),
		     DROP(NONCANONICAL));
	put_datagram(x->name, "badvalue", build(x, -1, 0, &text, NULL),
		     DROP(BADVALUE));
	put_datagram(x->name, "malformed", build(x, -1, -1, NULL, "1864 5f"),
		     DROP(MALFORMED));
	r = build(x, -1, -1, NULL, NULL);
	r->b[0] = 2;
	put_datagram(x->name, "version", r, DROP(VERSION));
	r = build(x, -1, -1, NULL, NULL);
	r->b[1] = AGISWARM_MSG_HEARTBEAT;
	put_datagram(x->name, "pass-up", r, AGI_WIRE_PASS_UP);
}

/* fuzz_wire_roundtrip reads: a type index (type - 1, 9 for NEED_ROWS),
 * be16 n, then per element 4 bytes of x, 1..8 of e, 2 of row, 8 + 1 of
 * sum, then the scalar fields and the row set hash.
 */
static void roundtrip_seeds(void)
{
	static const u8 types[] = { 1, 2, 7, 8, 9, 3, 10 };
	u8 buf[256];
	char name[32];
	size_t i, n;

	for (i = 0; i < sizeof(types); i++) {
		memset(buf, 0, sizeof(buf));
		buf[0] = types[i] - 1;
		buf[2] = 2;			/* two elements */
		for (n = 3; n < sizeof(buf); n++)
			buf[n] = (u8)(n * 37 % 5);
		snprintf(name, sizeof(name), "type-%u",
			 types[i] == 10 ? AGISWARM_MSG_NEED_ROWS : types[i]);
		put_file("fuzz_wire_roundtrip", name, buf, sizeof(buf));
	}
}

/*
 * fuzz_group_asm reads datagrams, each after its be16 length: a record of
 * 64 inputs and 64 outputs in its two parts, in order; the same with the
 * second part first; and the UAPI header's one-part example.
 */
static void group_asm_seeds(void)
{
	static s32 v[AGISWARM_RECORD_VALUES_MAX];
	static u8 out[4 * (AGISWARM_WIRE_MAX + 2)];
	u8 part[2][AGISWARM_WIRE_MAX];
	struct agi_wire_record r = {
		.epoch = 9, .cycle = 1000, .status = AGISWARM_ACTUATE_OK,
		.fmt = AGISWARM_Q1_31, .ufmt = AGISWARM_Q1_31, .nx = 64,
		.nu = 64, .flags = AGISWARM_RECORD_F_HAVE_U | AGISWARM_RECORD_F_Y,
		.period_us = 50000, .deadline_us = 40000, .gen = 1,
		.rows_epoch = 8,
	};
	struct raw ex = { .n = 0 };
	size_t len[2], n = 0, i;
	int order;

	for (i = 0; i < AGISWARM_RECORD_VALUES_MAX; i++)
		v[i] = (s32)(i * 2654435761u);
	for (i = 0; i < 2; i++) {
		r.offset = (u16)(i * AGISWARM_RECORD_CHUNK_MAX);
		r.values.host.s32 = v + r.offset;
		r.values.n = (u16)(i ? 320 - AGISWARM_RECORD_CHUNK_MAX :
				   AGISWARM_RECORD_CHUNK_MAX);
		len[i] = agi_wire_put_record(part[i], sizeof(part[i]), &r);
		if (!len[i]) {
			fprintf(stderr, "group_asm_seeds: part %zu not encoded\n", i);
			exit(1);
		}
	}
	for (order = 0; order < 2; order++) {
		n = 0;
		for (i = 0; i < 2; i++) {
			size_t k = order ? 1 - i : i;

			out[n++] = (u8)(len[k] >> 8);
			out[n++] = (u8)len[k];
			memcpy(out + n, part[k], len[k]);
			n += len[k];
		}
		put_file("fuzz_group_asm", order ? "two-parts-reversed" :
			 "two-parts", out, n);
	}
	for (i = 0; i < ARRAY_SIZE(examples); i++)
		if (examples[i].type == AGISWARM_MSG_CYCLE_RECORD)
			raw_hex(&ex, examples[i].doc);
	out[0] = (u8)(ex.n >> 8);
	out[1] = (u8)ex.n;
	memcpy(out + 2, ex.b, ex.n);
	put_file("fuzz_group_asm", "uapi-example", out, ex.n + 2);
}

/* The UAPI header's examples, and the attacks the issue tracker kept. */
static void control_seeds(void)
{
	static const u8 heartbeat[] = {
		0x01, 0x03, 0x00, 0x18, 0xa8, 0x01, 0x03, 0x02, 0x07, 0x03,
		0x19, 0x17, 0x70, 0x04, 0x00, 0x05, 0x18, 0x7d, 0x06, 0x19,
		0x01, 0xf4, 0x07, 0x19, 0x05, 0xdc, 0x08, 0x00,
	};
	static const u8 status[] = {
		0x01, 0x04, 0x00, 0x0f, 0xa6, 0x01, 0x01, 0x02, 0x07, 0x03,
		0x01, 0x04, 0x19, 0x03, 0xe8, 0x05, 0x00, 0x06, 0x01,
	};
	/* libcbor 0.8 allocated 2^26 slots for this array: ~527 MB */
	static const u8 array_2_26[] = {
		0x01, 0x03, 0x00, 0x05, 0x9a, 0x04, 0x00, 0x00, 0x00,
	};
	/* ... and 2^32 for this one, in a map: the daemon was OOM-killed */
	static const u8 array_2_32[] = {
		0x01, 0x03, 0x00, 0x0f, 0xa1, 0x01, 0x9b, 0x00, 0x00, 0x00,
		0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	struct agi_commit_ack ack = { .seq = 5, .status = AGI_COMMIT_REJECTED,
				      .reason = "bad signature" };
	u8 body[AGI_COMMIT_BODY_MAX], sig[AGI_SIG_LEN], d[AGISWARM_WIRE_MAX];
	struct agi_commit c;
	int n, len;

	put_file("fuzz_control", "heartbeat", heartbeat, sizeof(heartbeat));
	put_file("fuzz_control", "status", status, sizeof(status));
	put_file("fuzz_control", "heartbeat-array-2-26", array_2_26,
		 sizeof(array_2_26));
	put_file("fuzz_control", "heartbeat-array-2-32", array_2_32,
		 sizeof(array_2_32));
	n = agi_commit_ack_encode(&ack, d, sizeof(d));
	put_file("fuzz_control", "commit-ack", d, (size_t)n);
	example_commit(&c);
	len = agi_commit_encode(&c, body, sizeof(body));
	memset(sig, 0x5a, sizeof(sig));
	n = agi_commit_dgram_encode(body, (size_t)len, sig, d, sizeof(d));
	if (len <= 0 || n <= 0) {
		fprintf(stderr, "corpus_gen: the example commit does not encode\n");
		exit(1);
	}
	put_file("fuzz_control", "commit", d, (size_t)n);
}

/* The UAPI header's example body, a resume, and one with every change. */
static void body_seeds(void)
{
	u8 body[AGI_COMMIT_BODY_MAX];
	struct agi_commit c;
	int len, i;

	example_commit(&c);
	len = agi_commit_encode(&c, body, sizeof(body));
	put_file("fuzz_commit_body", "example", body, (size_t)len);
	c.changes.present = AGI_CH_BIT(AGI_CH_RESUME);
	len = agi_commit_encode(&c, body, sizeof(body));
	if (len <= 0) {
		fprintf(stderr, "corpus_gen: the resume commit does not encode\n");
		exit(1);
	}
	put_file("fuzz_commit_body", "resume", body, (size_t)len);
	example_commit(&c);
	for (i = 1; i < __AGI_CH_MAX; i++)
		c.changes.present |= AGI_CH_BIT(i);
	c.changes.n_setpoint = 2;
	c.changes.setpoint[0] = -1;
	c.changes.setpoint[1] = INT32_MIN;
	c.changes.lo = -5;
	c.changes.hi = 5;
	c.changes.cycle_us = 50000;
	c.changes.deadline_us = 40000;
	c.changes.law = AGISWARM_LAW_PID;
	c.changes.matrix.fmt = AGISWARM_Q1_15;
	c.changes.matrix.rows = 2;
	c.changes.matrix.cols = 1;
	c.changes.matrix.data[0] = -0x8000;
	c.changes.matrix.data[1] = 0x7fff;
	c.apply_at_cycle = 1ULL << 40;
	len = agi_commit_encode(&c, body, sizeof(body));
	if (len <= 0) {
		fprintf(stderr, "corpus_gen: the full commit does not encode\n");
		exit(1);
	}
	put_file("fuzz_commit_body", "every-change", body, (size_t)len);
}

/*
 * Three commits signed by RFC 8032's TEST 1 key, chained (the second
 * refused), and the third's not-applied record.
 */
static void audit_seeds(void)
{
	char path[512], err[512], *text;
	u8 body[AGI_COMMIT_BODY_MAX], sig[AGI_SIG_LEN];
	struct agi_keypair kp;
	struct agi_audit a;
	struct agi_commit c;
	size_t size;
	FILE *f;
	int len, i;

	snprintf(path, sizeof(path), "%s/audit.tmp", dir);
	unlink(path);
	if (agi_keys_init() || agi_audit_open(&a, path, err, sizeof(err))) {
		fprintf(stderr, "corpus_gen: %s\n", err);
		exit(1);
	}
	agi_key_from_seed(&kp, rfc8032_test1);
	example_commit(&c);
	agi_key_id(kp.pk, c.key_id);
	for (i = 1; i <= 3; i++) {
		c.seq = (u64)i;
		len = agi_commit_encode(&c, body, sizeof(body));
		agi_commit_sign(body, (size_t)len, kp.sk, sig);
		if (agi_audit_append(&a, c.seq, 1700000000 + (u64)i, c.key_id,
				     100 * (u64)i, i == 2 ? "cycle 150 already started" : NULL,
				     body, (size_t)len, sig, err, sizeof(err))) {
			fprintf(stderr, "corpus_gen: %s\n", err);
			exit(1);
		}
	}
	if (agi_audit_not_applied(&a, c.seq, 1700000004, c.key_id,
				  "cycle 300 already started", body,
				  (size_t)len, sig, err, sizeof(err))) {
		fprintf(stderr, "corpus_gen: %s\n", err);
		exit(1);
	}
	agi_audit_close(&a);
	f = fopen(path, "r");
	if (!f || fseek(f, 0, SEEK_END) || (size = (size_t)ftell(f)) == 0 ||
	    !(text = malloc(size)) || fseek(f, 0, SEEK_SET) ||
	    fread(text, 1, size, f) != size) {
		perror(path);
		exit(1);
	}
	fclose(f);
	put_file("fuzz_audit", "records", (u8 *)text, size);
	free(text);
	unlink(path);
	snprintf(path, sizeof(path), "%s/audit.tmp%s", dir,
		 AGI_AUDIT_HEAD_SUFFIX);
	unlink(path);
	snprintf(path, sizeof(path), "%s/audit.tmp%s", dir,
		 AGI_AUDIT_KEY_SUFFIX);
	unlink(path);
}

/* The example entries; a responder's stream from A's HELLO on. */
static void repl_seeds(void)
{
	u8 buf[1 + 3 * (AGI_CHAN_LEN_BYTES + AGI_CHAN_FRAME_MAX)];
	u8 reply[AGI_CHAN_REPLY_MAX], sealed[64];
	struct agi_keypair a, b;
	struct agi_chan ca, cb;
	struct agi_repl_entry e;
	size_t n = 1;
	int len, rlen;

	repl_example_commit(&e);
	len = agi_repl_entry_encode(&e, buf, sizeof(buf));
	if (len <= 0) {
		fprintf(stderr, "corpus_gen: the example entry does not encode\n");
		exit(1);
	}
	put_file("fuzz_repl_entry", "commit", buf, (size_t)len);
	repl_example_worker(&e);
	len = agi_repl_entry_encode(&e, buf, sizeof(buf));
	put_file("fuzz_repl_entry", "worker", buf, (size_t)len);

	agi_keys_init();
	agi_key_from_seed(&a, repl_seed_a);
	agi_key_from_seed(&b, repl_seed_b);
	buf[0] = 0;		/* the responder's side */
	len = agi_chan_hello(&ca, &a, b.pk, 1, buf + n + AGI_CHAN_LEN_BYTES,
			     AGI_CHAN_HELLO_MAX);
	agi_chan_frame_len((size_t)len, buf + n);
	rlen = agi_chan_accept(&cb, &b, buf + n + AGI_CHAN_LEN_BYTES,
			       (size_t)len, reply, sizeof(reply));
	if (rlen < 0 || agi_chan_finish(&ca, reply, (size_t)rlen)) {
		fprintf(stderr, "corpus_gen: the example HELLO is refused\n");
		exit(1);
	}
	n += AGI_CHAN_LEN_BYTES + (size_t)len;
	put_file("fuzz_repl_channel", "hello", buf, n);
	agi_chan_frame_len(AGI_CHAN_HEADER_LEN, buf + n);
	memcpy(buf + n + AGI_CHAN_LEN_BYTES, ca.tx_header, AGI_CHAN_HEADER_LEN);
	n += AGI_CHAN_LEN_BYTES + AGI_CHAN_HEADER_LEN;
	len = agi_chan_seal(&ca, (const u8 *)"AGISWARM-RAFT-v1", 17, sealed);
	agi_chan_frame_len((size_t)len, buf + n);
	memcpy(buf + n + AGI_CHAN_LEN_BYTES, sealed, (size_t)len);
	n += AGI_CHAN_LEN_BYTES + (size_t)len;
	put_file("fuzz_repl_channel", "hello-header-sealed", buf, n);
	buf[0] = 1;		/* the initiator's side: a REPLY-shaped frame */
	agi_chan_frame_len((size_t)rlen, buf + 1);
	memcpy(buf + 1 + AGI_CHAN_LEN_BYTES, reply, (size_t)rlen);
	put_file("fuzz_repl_channel", "reply", buf,
		 1 + AGI_CHAN_LEN_BYTES + (size_t)rlen);
	agi_chan_wipe(&ca);
	agi_chan_wipe(&cb);
}

/* An INIT and its RESP between RFC 8032's TEST 1 and TEST 2 keys. */
static void handshake_seeds(void)
{
	static const u8 eph[32] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	u8 init[AGI_HS_INIT_MAX], resp[AGI_HS_RESP_MAX];
	struct agi_keypair ki, kr;
	struct agi_hs_pending p;
	struct agi_hs_init m;
	struct agi_hs_keys k;
	size_t resp_len;
	int n;

	if (agi_keys_init())
		exit(1);
	agi_key_from_seed(&ki, rfc8032_test1);
	/* The responder: RFC 8032 TEST 2 (the fuzzer's second key). */
	agi_key_from_seed(&kr, (const u8[AGI_SEED_LEN]){
		0x4c, 0xcd, 0x08, 0x9b, 0x28, 0xff, 0x96, 0xda, 0x9d, 0xb6,
		0xc3, 0x46, 0xec, 0x11, 0x4e, 0x0f, 0x5b, 0x8a, 0x31, 0x9f,
		0x35, 0xab, 0xa6, 0x24, 0xda, 0x8c, 0xf6, 0xed, 0x4f, 0xb8,
		0xa6, 0xfb });
	n = agi_hs_initiate_eph(&p, &ki, kr.pk, 7, 1000, eph, init,
				sizeof(init));
	if (n < 0 || agi_hs_init_check(init, (size_t)n, kr.pk, &m) ||
	    agi_hs_respond_eph(&kr, init, (size_t)n, &m, 9, eph, resp,
			       sizeof(resp), &resp_len, &k)) {
		fprintf(stderr, "corpus_gen: the handshake failed\n");
		exit(1);
	}
	put_file("fuzz_handshake", "init", init, (size_t)n);
	put_file("fuzz_handshake", "resp", resp, resp_len);
	agi_hs_keys_wipe(&k);
	agi_hs_pending_wipe(&p);
	agi_key_wipe(&ki);
	agi_key_wipe(&kr);
}

/* fuzz_seal: the UAPI header's sealed example, and two plain messages. */
static void seal_seeds(void)
{
	put_file("fuzz_seal", "sealed_result", agi_seal_example,
		 sizeof(agi_seal_example));
	put_file("fuzz_seal", "plain_result", agi_seal_example_msg,
		 sizeof(agi_seal_example_msg));
}

/*
 * fuzz_agiplant: records [mode][length][bytes]; the UAPI header's ACTUATE
 * payload (epoch 7, cycle 42) sealed by either member, again, then cycle
 * 43; and the same ACTUATE unsealed.
 */
static void plant_seeds(void)
{
	static const u8 act42[] = { 0xa5, 0x01, 0x07, 0x02, 0x18, 0x2a, 0x03,
				    0x01, 0x04, 0x44, 0x20, 0x00, 0x00, 0x00,
				    0x05, 0x00 };
	u8 buf[4 * (2 + sizeof(act42))];
	size_t i, n = 0;

	for (i = 0; i < 4; i++) {
		buf[n++] = i % 2 ? 2 : 1;
		buf[n++] = sizeof(act42);
		memcpy(buf + n, act42, sizeof(act42));
		if (i == 3)
			buf[n + 5] = 0x2b;
		n += sizeof(act42);
	}
	put_file("fuzz_agiplant", "sealed_dup_next", buf, n);
	buf[0] = 0;
	put_file("fuzz_agiplant", "plain", buf, 2 + sizeof(act42));
}

/* fuzz_group_info: a daemon's answer for member b of a, b, c. */
static void group_info_seeds(void)
{
	static const char *const names[] = { "a", "b", "c" };
	struct agi_group_info gi;
	unsigned int i;

	memset(&gi, 0, sizeof(gi));
	gi.magic = AGI_GROUP_INFO_MAGIC;
	gi.size = sizeof(gi);
	gi.pid = 42;
	gi.role = AGISWARM_ROLE_AGGREGATOR;
	gi.replicated = 1;
	gi.n = 3;
	snprintf(gi.raft_state, sizeof(gi.raft_state), "follower");
	gi.term = 4;
	gi.commit_index = 9;
	gi.last_applied = 9;
	gi.leader = 1;
	for (i = 0; i < 3; i++) {
		snprintf(gi.m[i].name, sizeof(gi.m[i].name), "%s", names[i]);
		snprintf(gi.m[i].addr, sizeof(gi.m[i].addr), "192.0.2.%u:6000",
			 i + 1);
		gi.m[i].raft_id = i + 1;
		gi.m[i].rank = (u8)i;
		gi.m[i].self = i == 1;
		gi.m[i].raft_connected = i != 1;
	}
	put_file("fuzz_group_info", "member_b", (const u8 *)&gi, sizeof(gi));
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: corpus_gen DIR\n");
		return 2;
	}
	dir = argv[1];
	for (i = 0; i < ARRAY_SIZE(examples); i++)
		example_seeds(&examples[i]);
	roundtrip_seeds();
	group_asm_seeds();
	control_seeds();
	body_seeds();
	audit_seeds();
	repl_seeds();
	handshake_seeds();
	seal_seeds();
	plant_seeds();
	group_info_seeds();
	return 0;
}
