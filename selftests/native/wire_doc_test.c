// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The wire format as documented: the hex examples of
 * include/uapi/linux/agiswarm.h must parse to the documented values, our
 * encoder must produce them byte for byte, and the header must still show
 * them; the header checks, the encoders' limits and the largest message of
 * each shape.
 */
#include "wire_compare.h"
#include "wire_examples.h"
#include <kselftest_harness.h>

#define UAPI_HEADER "include/uapi/linux/agiswarm.h"

/* EX_HASH: 00 01 .. 0f. */
static void example_hash(u8 *hash)
{
	int i;

	for (i = 0; i < AGISWARM_WIRE_HASH_LEN; i++)
		hash[i] = (u8)i;
}

/* The example's values as the encoder's input. */
static void example_msg(const struct example *x, struct agi_wire_msg *m,
			struct raw *vec)
{
	static s32 s32v[2];
	static s64 s64v[3];
	static struct agi_wire_value vals[2];
	static s32 rec5[5];
	struct agi_wire_vec v = { .n = 0 };

	memset(m, 0, sizeof(*m));
	m->type = x->type;
	vec->n = 0;
	switch (x->type) {
	case AGISWARM_MSG_TASK:
	case AGISWARM_MSG_JOB_TASK:
		s32v[0] = 0x40000000;
		s32v[1] = -0x40000000;
		v.host.s32 = s32v;
		v.n = 2;
		m->u.task = (struct agi_wire_task){ 7, 42, 1, AGISWARM_Q1_31, v,
			1, 7 };
		example_hash(m->u.task.hash);
		m->u.task.job = x->type == AGISWARM_MSG_JOB_TASK ? 3 : 0;
		break;
	case AGISWARM_MSG_RESULT:
	case AGISWARM_MSG_JOB_RESULT:
		vals[0] = (struct agi_wire_value){ 2, agi_i128_from_s64(-1) };
		vals[1] = (struct agi_wire_value){ 4, agi_i128_from_s64(1 << 30) };
		v.host.value = vals;
		v.n = 2;
		m->u.result = (struct agi_wire_result){ 7, 42, 1, 3, v };
		m->u.result.job = x->type == AGISWARM_MSG_JOB_RESULT ? 3 : 0;
		break;
	case AGISWARM_MSG_SENSOR:
		s32v[0] = 0x4000;
		s32v[1] = -0x2000;
		v.host.s32 = s32v;
		v.n = 2;
		m->u.sensor = (struct agi_wire_sensor){ 1000, AGISWARM_Q1_15, v };
		break;
	case AGISWARM_MSG_ACTUATE:
		s32v[0] = 0x20000000;
		v.host.s32 = s32v;
		v.n = 1;
		m->u.actuate = (struct agi_wire_actuate){ 7, 42, AGISWARM_Q1_31,
			AGISWARM_ACTUATE_OK, v };
		break;
	case AGISWARM_MSG_ROWS:
	case AGISWARM_MSG_JOB_ROWS:
		s64v[0] = 1;
		s64v[1] = -2;
		s64v[2] = 0x80000000LL;
		v.host.s64 = s64v;
		v.n = 3;
		m->u.rows = (struct agi_wire_rows){ 7, 1, 5, 3, 0, 2, v, 1 };
		example_hash(m->u.rows.hash);
		m->u.rows.job = x->type == AGISWARM_MSG_JOB_ROWS ? 3 : 0;
		break;
	case AGISWARM_MSG_NEED_ROWS:
		m->u.need_rows = (struct agi_wire_need_rows){ 7, 1 };
		example_hash(m->u.need_rows.hash);
		return;		/* no vector */
	case AGISWARM_MSG_CYCLE_RECORD:
		rec5[0] = 0x40000000;
		rec5[1] = 0x20000000;
		rec5[2] = 0x20000000;
		v.host.s32 = rec5;
		v.n = 5;
		m->u.record = (struct agi_wire_record){ 8, 42,
			AGISWARM_ACTUATE_OK, AGISWARM_Q1_31, AGISWARM_Q1_31, 1, 1,
			AGISWARM_RECORD_F_HAVE_U | AGISWARM_RECORD_F_Y,
			50000, 40000, 1, 8, 0, v, { 0 } };
		example_hash(m->u.record.binding);
		break;
	case AGISWARM_MSG_FENCED:
		m->u.fenced = (struct agi_wire_fenced){ 9, 8, 3 };
		return;		/* no vector */
	case AGISWARM_MSG_JOB_CANCEL:
		m->u.job_cancel = (struct agi_wire_job_cancel){ 7, 3 };
		return;		/* no vector */
	}
	raw_hex(vec, x->e[x->type == AGISWARM_MSG_ROWS ||
			  x->type == AGISWARM_MSG_JOB_ROWS ? 5 :
			  x->type == AGISWARM_MSG_SENSOR ? 2 :
			  x->type == AGISWARM_MSG_ACTUATE ? 3 :
			  x->type == AGISWARM_MSG_CYCLE_RECORD ? 13 : 4].bytes);
}

static char *read_uapi_header(void)
{
	FILE *f = fopen(UAPI_HEADER, "r");
	static char text[1 << 17];
	size_t n;

	if (!f)
		return NULL;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = 0;
	return text;
}

TEST(documented_examples)
{
	struct agi_wire_msg want, got;
	struct raw doc = { .n = 0 }, vec;
	const char *header = read_uapi_header();
	u8 buf[AGISWARM_WIRE_MAX];
	size_t i;

	if (!header)
		TH_LOG("%s not found: examples checked, not their text",
		       UAPI_HEADER);
	for (i = 0; i < ARRAY_SIZE(examples); i++) {
		const struct example *x = &examples[i];

		doc.n = 0;
		raw_hex(&doc, x->doc);
		example_msg(x, &want, &vec);
		if (header)
			ASSERT_NE(NULL, strstr(header, x->doc))
				TH_LOG("%s example not in the header", x->name);
		/* Our encoder writes exactly the documented bytes... */
		ASSERT_EQ(doc.n, agi_wire_put(buf, sizeof(buf), &want));
		ASSERT_EQ(0, memcmp(buf, doc.b, doc.n));
		/* ... which hand-building from the entry list gives too... */
		ASSERT_EQ(doc.n, build(x, -1, -1, NULL, NULL)->n);
		ASSERT_EQ(0, memcmp(doc.b, build(x, -1, -1, NULL, NULL)->b,
				    doc.n));
		/* ... and which parse to the documented values. */
		ASSERT_EQ(0, wire_verdict(doc.b, doc.n, &got));
		ASSERT_TRUE(same_msg(&want, &got)) TH_LOG("%s", x->name);
		ASSERT_TRUE(libcbor_well_formed(&doc));
	}
	/* The vectors, element by element, on two examples. */
	example_msg(&examples[0], &want, &vec);
	wire_verdict(build(&examples[0], -1, -1, NULL, NULL)->b, 46, &got);
	ASSERT_EQ(2, got.u.task.x.n);
	ASSERT_EQ(0x40000000, agi_wire_vec_s32(&got.u.task.x, 0));
	ASSERT_EQ(-0x40000000, agi_wire_vec_s32(&got.u.task.x, 1));
	ASSERT_EQ(0, memcmp(got.u.task.x.be, vec.b, vec.n));
	wire_verdict(build(&examples[1], -1, -1, NULL, NULL)->b, 53, &got);
	ASSERT_EQ(2, agi_wire_vec_value(&got.u.result.values, 0).row);
	ASSERT_TRUE(agi_i128_eq(agi_i128_from_s64(-1),
		agi_wire_vec_value(&got.u.result.values, 0).sum));
	ASSERT_TRUE(agi_i128_eq(agi_i128_from_s64(1 << 30),
		agi_wire_vec_value(&got.u.result.values, 1).sum));
}

/*
 * The sender table of the header ("one the authenticated sender may
 * send:") is agi_wire_sender(), which the module checks every opened
 * datagram with: each type it names, with its kind, and every type the
 * enum has that is not plain (the handshakes, the operator's ack) named
 * exactly once.
 */
TEST(sender_table)
{
	static const struct {
		const char *name;
		u8 type;
	} types[] = {
		{ "TASK", AGISWARM_MSG_TASK }, { "RESULT", AGISWARM_MSG_RESULT },
		{ "HEARTBEAT", AGISWARM_MSG_HEARTBEAT },
		{ "STATUS", AGISWARM_MSG_STATUS },
		{ "COMMIT", AGISWARM_MSG_COMMIT },
		{ "SENSOR", AGISWARM_MSG_SENSOR },
		{ "ACTUATE", AGISWARM_MSG_ACTUATE },
		{ "ROWS", AGISWARM_MSG_ROWS },
		{ "NEED_ROWS", AGISWARM_MSG_NEED_ROWS },
		{ "CYCLE_RECORD", AGISWARM_MSG_CYCLE_RECORD },
		{ "FENCED", AGISWARM_MSG_FENCED },
		{ "JOB_ROWS", AGISWARM_MSG_JOB_ROWS },
		{ "JOB_TASK", AGISWARM_MSG_JOB_TASK },
		{ "JOB_RESULT", AGISWARM_MSG_JOB_RESULT },
		{ "JOB_CANCEL", AGISWARM_MSG_JOB_CANCEL },
	};
	static const struct {
		const char *words;
		u8 kind;
	} kinds[] = {
		{ "from an AGGREGATOR peer", AGISWARM_PEER_AGGREGATOR },
		{ "from the WORKER peer", AGISWARM_PEER_WORKER },
		{ "from a WORKER peer", AGISWARM_PEER_WORKER },
		{ "from a SENSOR peer", AGISWARM_PEER_SENSOR },
		{ "from an OPERATOR peer", AGISWARM_PEER_OPERATOR },
		{ "never", AGISWARM_PEER_UNSPEC },
	};
	const char *header = read_uapi_header(), *p, *end;
	int seen[ARRAY_SIZE(types)] = { 0 };
	char line[128], name[32], *tok, *save;
	size_t i, k;

	if (!header)
		SKIP(return, "%s not found", UAPI_HEADER);
	p = strstr(header, "one the authenticated sender may send:\n *\n");
	ASSERT_NE(NULL, p);
	p = strchr(strchr(p, '\n') + 1, '\n') + 1;
	for (; strncmp(p, " *\n", 3); p = end + 1) {
		end = strchr(p, '\n');
		ASSERT_NE(NULL, end);
		snprintf(line, sizeof(line), "%.*s", (int)(end - p), p);
		/* " *    TYPE, TYPE   from ..."; continuation lines start wide. */
		if (strncmp(line, " *    ", 6) || line[6] == ' ')
			continue;
		for (k = 0; k < ARRAY_SIZE(kinds); k++)
			if (strstr(line, kinds[k].words))
				break;
		ASSERT_LT(k, ARRAY_SIZE(kinds)) TH_LOG("no sender in: %s", line);
		*strstr(line, kinds[k].words) = 0;
		for (tok = strtok_r(line + 6, ", ", &save); tok;
		     tok = strtok_r(NULL, ", ", &save)) {
			snprintf(name, sizeof(name), "%s", tok);
			for (i = 0; i < ARRAY_SIZE(types); i++)
				if (!strcmp(name, types[i].name))
					break;
			ASSERT_LT(i, ARRAY_SIZE(types))
				TH_LOG("unknown type %s", name);
			EXPECT_EQ(kinds[k].kind, agi_wire_sender(types[i].type))
				TH_LOG("%s", types[i].name);
			seen[i]++;
		}
	}
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		snprintf(name, sizeof(name), "%s", types[i].name);
		EXPECT_EQ(1, seen[i]) TH_LOG("%s named %d times", name, seen[i]);
	}
	/* The plain ones, and what is no type, nobody may send sealed. */
	EXPECT_EQ(AGISWARM_PEER_UNSPEC,
		  agi_wire_sender(AGISWARM_MSG_HANDSHAKE_INIT));
	EXPECT_EQ(AGISWARM_PEER_UNSPEC, agi_wire_sender(AGISWARM_MSG_COMMIT_ACK));
	EXPECT_EQ(AGISWARM_PEER_UNSPEC, agi_wire_sender(0x7f));
}

/* ---- the header ---------------------------------------------------------- */

TEST(header)
{
	static const u8 pass_up[] = {
		AGISWARM_MSG_HEARTBEAT, AGISWARM_MSG_STATUS,
		AGISWARM_MSG_CONFIG, AGISWARM_MSG_COMMIT, AGISWARM_MSG_COMMIT_ACK,
		AGISWARM_MSG_HANDSHAKE_INIT, AGISWARM_MSG_HANDSHAKE_RESP,
		AGISWARM_MSG_ERROR,
	};
	static const u8 unknown[] = { 0x00, 0x10, 0x11, 0x7f, 0xfe };
	static u8 big[AGISWARM_WIRE_MAX + 1];
	struct agi_wire_msg m;
	struct raw *r;
	size_t i, n;

	r = build(&examples[0], -1, -1, NULL, NULL);
	for (n = 0; n < 4; n++)
		ASSERT_EQ(DROP(SHORT), wire_verdict(r->b, n, &m));
	ASSERT_EQ(DROP(LENGTH), wire_verdict(r->b, r->n - 1, &m));
	r->b[r->n] = 0;
	ASSERT_EQ(DROP(LENGTH), wire_verdict(r->b, r->n + 1, &m));
	r->b[0] = 0;
	ASSERT_EQ(DROP(VERSION), parse(r));
	r->b[0] = 2;
	ASSERT_EQ(DROP(VERSION), parse(r));
	r->b[0] = 1;
	for (i = 0; i < ARRAY_SIZE(unknown); i++) {
		r->b[1] = unknown[i];
		ASSERT_EQ(DROP(TYPE), parse(r));
	}
	/* Other types go up with their payload, whatever it holds. */
	for (i = 0; i < ARRAY_SIZE(pass_up); i++) {
		r->b[1] = pass_up[i];
		ASSERT_EQ(AGI_WIRE_PASS_UP, wire_verdict(r->b, r->n, &m));
		ASSERT_EQ(pass_up[i], m.type);
		ASSERT_EQ(r->b + 4, m.payload);
		ASSERT_EQ(r->n - 4, m.payload_len);
		ASSERT_FALSE(agi_wire_is_fast_path(pass_up[i]));
		big[0] = 1;
		big[1] = pass_up[i];
		big[2] = (AGISWARM_WIRE_MAX - 4) >> 8;
		big[3] = (u8)(AGISWARM_WIRE_MAX - 4);
		memset(big + 4, 0xff, AGISWARM_WIRE_MAX - 4);
		ASSERT_EQ(AGI_WIRE_PASS_UP,
			  wire_verdict(big, AGISWARM_WIRE_MAX, &m));
		big[2] = big[3] = 0;
		ASSERT_EQ(AGI_WIRE_PASS_UP, wire_verdict(big, 4, &m));
		big[2] = (AGISWARM_WIRE_MAX - 3) >> 8;
		big[3] = (u8)(AGISWARM_WIRE_MAX - 3);
		ASSERT_EQ(DROP(OVERSIZE),
			  wire_verdict(big, AGISWARM_WIRE_MAX + 1, &m));
	}
	/* A fast-path datagram of exactly AGISWARM_WIRE_MAX bytes passes. */
	r = build(&examples[0], -1, -1, NULL, NULL);
	n = AGISWARM_WIRE_MAX - r->n - 5;	/* key 0x1864, bytes head 0x59 */
	r = build(&examples[0], -1, -1, NULL, "1864 590000");
	r->b[r->n - 2] = (u8)(n >> 8);
	r->b[r->n - 1] = (u8)n;
	memset(r->b + r->n, 0xee, n);
	r->n += n;
	r->b[2] = (u8)((r->n - 4) >> 8);
	r->b[3] = (u8)(r->n - 4);
	ASSERT_EQ(AGISWARM_WIRE_MAX, r->n);
	ASSERT_EQ(0, parse(r));
	ASSERT_EQ(DROP(OVERSIZE), wire_verdict(r->b, r->n + 1, &m));
}

/* ---- encoders ---------------------------------------------------------- */

TEST(encoder_refuses_what_parser_would)
{
	static s32 x[AGISWARM_WIRE_VEC_MAX + 1];
	struct agi_wire_msg m;
	struct raw vec;
	u8 buf[AGISWARM_WIRE_MAX + 16];
	size_t len, cap;

	example_msg(&examples[0], &m, &vec);
	len = agi_wire_put(buf, sizeof(buf), &m);
	ASSERT_EQ(46, len);
	/* Too small a buffer: nothing claimed, nothing written beyond it. */
	for (cap = 0; cap < len; cap++) {
		memset(buf, 0xa5, sizeof(buf));
		ASSERT_EQ(0, agi_wire_put(buf, cap, &m));
		ASSERT_EQ(0xa5, buf[cap]);
	}
	m.u.task.fmt = 0;
	ASSERT_EQ(0, agi_wire_put(buf, sizeof(buf), &m));
	m.u.task.fmt = AGISWARM_Q1_15;
	ASSERT_EQ(0, agi_wire_put(buf, sizeof(buf), &m));	/* 0.5 in Q1.31 */
	m.u.task.fmt = AGISWARM_Q1_31;
	m.u.task.x.n = 0;
	ASSERT_EQ(0, agi_wire_put(buf, sizeof(buf), &m));
	m.u.task.x.host.s32 = x;
	m.u.task.x.n = AGISWARM_WIRE_VEC_MAX + 1;
	ASSERT_EQ(0, agi_wire_put(buf, sizeof(buf), &m));
	m.u.task.x.n = AGISWARM_WIRE_VEC_MAX;
	/*
	 * header, map head, 4 small entries, key 5 and a 3-byte bytes head,
	 * 2 small entries, key 8 and the hash
	 */
	ASSERT_EQ(4 + 1 + 9 + 1 + 3 + 4 * AGISWARM_WIRE_VEC_MAX + 4 + 18,
		  agi_wire_put(buf, sizeof(buf), &m));
	m.u.task.x.host.s32 = NULL;
	ASSERT_EQ(0, agi_wire_put(buf, sizeof(buf), &m));

	example_msg(&examples[3], &m, &vec);
	m.u.actuate.status = AGISWARM_ACTUATE_STATUS_MAX + 1;
	ASSERT_EQ(0, agi_wire_put(buf, sizeof(buf), &m));
	example_msg(&examples[4], &m, &vec);
	m.u.rows.offset = 1;
	ASSERT_EQ(0, agi_wire_put(buf, sizeof(buf), &m));
	m.u.rows.offset = 0;
	m.u.rows.nrows = 0;
	ASSERT_EQ(0, agi_wire_put(buf, sizeof(buf), &m));
	m.type = AGISWARM_MSG_HEARTBEAT;
	ASSERT_EQ(0, agi_wire_put(buf, sizeof(buf), &m));
}

/* The largest message of each shape still fits one datagram. */
TEST(largest_messages_fit)
{
	static s32 x[AGISWARM_WIRE_VEC_MAX];
	static s32 rx[AGISWARM_RECORD_CHUNK_MAX];
	static s64 e[AGISWARM_WIRE_CHUNK_MAX];
	static struct agi_wire_value v[AGISWARM_WIRE_VALUES_MAX];
	struct agi_wire_msg m, got;
	u8 buf[AGISWARM_WIRE_MAX];
	size_t i, len;

	memset(x, 0x80, sizeof(x));
	memset(e, 0xff, sizeof(e));
	memset(v, 0xff, sizeof(v));
	for (i = 0; i < ARRAY_SIZE(examples); i++) {
		struct raw vec;

		example_msg(&examples[i], &m, &vec);
		m.u.task.epoch = U64_MAX;
		switch (m.type) {
		case AGISWARM_MSG_TASK:
			m.u.task.x = (struct agi_wire_vec){ .host.s32 = x,
				.n = AGISWARM_WIRE_VEC_MAX };
			m.u.task.cycle = U64_MAX;
			m.u.task.group = U64_MAX;
			m.u.task.rows_epoch = U64_MAX;
			break;
		case AGISWARM_MSG_RESULT:
			m.u.result.values = (struct agi_wire_vec){
				.host.value = v, .n = AGISWARM_WIRE_VALUES_MAX };
			m.u.result.cycle = U64_MAX;
			break;
		case AGISWARM_MSG_SENSOR:
			m.u.sensor.fmt = AGISWARM_Q1_31;
			m.u.sensor.x = (struct agi_wire_vec){ .host.s32 = x,
				.n = AGISWARM_WIRE_VEC_MAX };
			break;
		case AGISWARM_MSG_ACTUATE:
			m.u.actuate.u = (struct agi_wire_vec){ .host.s32 = x,
				.n = AGISWARM_WIRE_VEC_MAX };
			break;
		case AGISWARM_MSG_ROWS:
			m.u.rows.ncols = AGISWARM_WIRE_VEC_MAX;
			m.u.rows.offset = AGISWARM_WIRE_VEC_MAX -
				AGISWARM_WIRE_CHUNK_MAX;
			m.u.rows.gen = U32_MAX;
			m.u.rows.row = U16_MAX;
			m.u.rows.nrows = AGISWARM_WIRE_ROWS_MAX;
			m.u.rows.entries = (struct agi_wire_vec){
				.host.s64 = e, .n = AGISWARM_WIRE_CHUNK_MAX };
			m.u.rows.group = U64_MAX;
			break;
		case AGISWARM_MSG_NEED_ROWS:
			m.u.need_rows.gen = U32_MAX;
			break;
		case AGISWARM_MSG_CYCLE_RECORD:
			m.u.record.cycle = U64_MAX;
			m.u.record.nx = AGISWARM_WIRE_VEC_MAX;
			m.u.record.nu = AGISWARM_WIRE_VEC_MAX;
			m.u.record.offset = AGISWARM_RECORD_VALUES_MAX -
				AGISWARM_RECORD_CHUNK_MAX;
			m.u.record.period_us = AGISWARM_PERIOD_US_MAX;
			m.u.record.deadline_us = AGISWARM_PERIOD_US_MAX;
			m.u.record.gen = U32_MAX;
			m.u.record.rows_epoch = U64_MAX;
			m.u.record.values = (struct agi_wire_vec){
				.host.s32 = rx, .n = AGISWARM_RECORD_CHUNK_MAX };
			break;
		case AGISWARM_MSG_FENCED:
			m.u.fenced.stale = U64_MAX;
			m.u.fenced.worker = U32_MAX;
			break;
		}
		len = agi_wire_put(buf, sizeof(buf), &m);
		ASSERT_NE(0, len) TH_LOG("%s", examples[i].name);
		TH_LOG("largest %s: %zu bytes", examples[i].name, len);
		ASSERT_EQ(0, wire_verdict(buf, len, &got));
		ASSERT_TRUE(same_msg(&m, &got));
	}
}

TEST_HARNESS_MAIN
