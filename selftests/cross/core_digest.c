// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * core_digest: the portable core's results over fixed inputs, as digests.
 *
 * Runs every part of include/core/ (fixed point, 128-bit arithmetic, CBOR,
 * wire, random and MDS codes) over the UAPI header's documented examples,
 * the core's own known-answer self-test and a seeded random stream, and
 * prints one line per part:
 *
 *	<part> <cases> <64-bit FNV-1a digest of every result, in hex>
 *
 * then "known-answers <checked> <failed>", and a "FAIL <part>: <what>" line
 * for each known answer that did not hold. Results enter
 * the digest in one canonical form (big-endian, fixed widths), never as
 * host memory, so the lines are the same on every machine that computes
 * the same bits. selftests/cross/cross_check.sh runs this program built
 * for x86-64 (with and without __int128) and cross-built for 32-bit ARM and
 * 32-bit big-endian MIPS under qemu-user, and requires identical output.
 *
 * Exit status: 0 when every known answer held, 1 otherwise.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cbor.h"
#include "core/code.h"
#include "core/fixed.h"
#include "core/wide.h"
#include "core/wire.h"
#include "../native/wire_examples.h"

/* The stream: splitmix64 from a fixed seed (selftests/lib/rng.h's). */
static uint64_t rng_state = 0x5eed0fa615a2a2d1ULL;

static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rng_below(uint32_t n)
{
	return (uint32_t)(rng() % n);
}

/*
 * rng() >> a random shift. Every draw of the stream is its own statement or
 * declaration: C leaves the order of function arguments, operands and
 * initialiser-list entries unspecified, and compilers for different
 * targets do pick different orders.
 */
static u64 rng_bits(void)
{
	u32 s = rng_below(64);

	return rng() >> s;
}

/* A random s32 that often sits on an edge of the range. */
static s32 rng_s32(void)
{
	static const s32 edge[] = { 0, 1, -1, S32_MAX, S32_MIN, S32_MAX - 1,
				    S32_MIN + 1, 1 << 30, -(1 << 30) };

	if (rng_below(4) == 0)
		return edge[rng_below(ARRAY_SIZE(edge))];
	return (s32)(u32)rng();
}

struct digest {
	const char *part;
	u64 h;
	u64 cases;
};

static void d_bytes(struct digest *d, const void *p, size_t n)
{
	const u8 *b = p;

	for (size_t i = 0; i < n; i++) {
		d->h ^= b[i];
		d->h *= 0x100000001b3ULL;
	}
}

static void d_u64(struct digest *d, u64 v)
{
	u8 b[8];

	agi_put_be64(v, b);
	d_bytes(d, b, sizeof(b));
}

static void d_i128(struct digest *d, struct agi_i128 v)
{
	u8 b[16];

	agi_i128_put_be(v, b);
	d_bytes(d, b, sizeof(b));
}

static void d_begin(struct digest *d, const char *part)
{
	d->part = part;
	d->h = 0xcbf29ce484222325ULL;
	d->cases = 0;
}

static void d_end(const struct digest *d)
{
	printf("%s %" PRIu64 " %016" PRIx64 "\n", d->part, d->cases, d->h);
}

static int checked, failures;

/* A known answer: only a failure is printed; main() prints the count. */
static void kat(const char *part, bool ok, const char *what)
{
	checked++;
	if (ok)
		return;
	printf("FAIL %s: %s\n", part, what);
	failures++;
}

static void selftest_report(const char *what, s64 got, s64 want)
{
	printf("# fixed self-test: %s: got %" PRId64 ", want %" PRId64 "\n",
	       what, got, want);
}

static const enum agiswarm_qformat fmts[] = {
	AGISWARM_Q1_31, AGISWARM_Q1_15, AGISWARM_Q8_24, AGISWARM_Q16_16
};

static enum agiswarm_qformat rng_fmt(void)
{
	return fmts[rng_below(ARRAY_SIZE(fmts))];
}

static void part_fixed(void)
{
	static s32 A[16 * 32], x[32], y[16];
	struct digest d;
	char text[64];

	kat("fixed", agi_fixed_selftest(selftest_report) == 0,
	    "agi_fixed_selftest() failed");

	d_begin(&d, "fixed");
	for (int i = 0; i < 20000; i++) {
		enum agiswarm_qformat fa = rng_fmt(), fb = rng_fmt();
		s32 a = agi_q_sat(rng_s32(), fa), b = agi_q_sat(rng_s32(), fb);
		s32 q = 0;
		int rc;

		d_u64(&d, (u64)(s64)agi_q_sat((s64)rng(), fa));
		d_u64(&d, (u64)(s64)agi_q_add(a, agi_q_sat(b, fa), fa));
		d_u64(&d, (u64)(s64)agi_q_sub(a, agi_q_sat(b, fa), fa));
		d_u64(&d, (u64)(s64)agi_q_mul(a, fa, b, fb));
		rc = agi_q_div(a, fa, b, fb, &q);
		d_u64(&d, (u64)(s64)rc);
		d_u64(&d, (u64)(s64)q);
		rc = agi_q_to_decimal(a, fa, text, sizeof(text));
		d_u64(&d, (u64)(s64)rc);
		if (rc > 0) {
			d_bytes(&d, text, (size_t)rc);
			rc = agi_q_from_decimal(text, fa, false, &q);
			d_u64(&d, (u64)(s64)rc);
			d_u64(&d, (u64)(s64)q);
		}
		d.cases++;
	}
	for (int i = 0; i < 500; i++) {
		u32 rows = 1 + rng_below(16), cols = 1 + rng_below(32);
		enum agiswarm_qformat fa = rng_fmt(), fx = rng_fmt();

		for (u32 k = 0; k < rows * cols; k++)
			A[k] = agi_q_sat(rng_s32(), fa);
		for (u32 k = 0; k < cols; k++)
			x[k] = agi_q_sat(rng_s32(), fx);
		d_i128(&d, agi_q_dot_exact(A, x, cols));
		d_u64(&d, (u64)(s64)agi_q_dot(A, fa, x, fx, cols));
		d_u64(&d, (u64)(s64)agi_q_round_sum(agi_q_dot_exact(A, x, cols),
						    fa, fx));
		agi_q_matvec(A, rows, cols, fa, x, fx, y);
		for (u32 k = 0; k < rows; k++)
			d_u64(&d, (u64)(s64)y[k]);
		d.cases++;
	}
	for (int i = 0; i < 200; i++) {
		struct agi_pid_cfg cfg = {
			.gain_fmt = AGISWARM_Q8_24, .sig_fmt = AGISWARM_Q1_31,
		};
		struct agi_pid_state st = { 0, 0 };

		cfg.kp = rng_s32();
		cfg.ki = rng_s32();
		cfg.kd = rng_s32();
		cfg.lo = -(s32)(rng() >> 34);
		cfg.hi = (s32)(rng() >> 34);
		for (int k = 0; k < 50; k++) {
			s32 sp = rng_s32();
			s32 fb = rng_s32();

			d_u64(&d, (u64)(s64)agi_pid_step(&cfg, &st, sp, fb));
		}
		d.cases++;
	}
	d_end(&d);
}

static struct agi_i128 rng_i128(void)
{
	struct agi_i128 v;

	v.lo = rng();
	v.hi = rng();

	if (rng_below(3) == 0)
		v.hi = agi_i128_is_neg(v) ? U64_MAX : 0;
	return v;
}

static void part_wide(void)
{
	struct digest d;

	d_begin(&d, "wide");
	for (int i = 0; i < 50000; i++) {
		struct agi_i128 a = rng_i128(), b = rng_i128();
		u64 x = rng(), y = rng();
		u8 be[16];

		d_i128(&d, agi_i128_add(a, b));
		d_i128(&d, agi_i128_sub(a, b));
		d_i128(&d, agi_i128_neg(a));
		d_i128(&d, agi_u64_mul_wide(x, y));
		d_i128(&d, agi_i128_mul(a, b));
		d_i128(&d, agi_i128_mul_s64((s64)x, (s64)y));
		d_i128(&d, agi_i128_sar(a, rng_below(128)));
		d_u64(&d, (u64)(s64)agi_i128_cmp(a, b));
		d_u64(&d, (u64)agi_i128_clamp(a, S32_MIN, S32_MAX));
		agi_i128_put_be(a, be);
		d_u64(&d, agi_i128_eq(agi_i128_get_be(be), a));
		d.cases++;
	}
	d_end(&d);
}

/* Writes a random well-formed item; @depth bounds the nesting. */
static void cbor_random_item(struct agi_cbor_writer *w, int depth)
{
	static const char text[] = "agiswarm \xc3\xa9t\xc3\xa9";
	u8 bytes[40];
	u32 n;

	switch (rng_below(depth > 3 ? 4 : 6)) {
	case 0:
		agi_cbor_put_head(w, AGI_CBOR_UINT, rng_bits());
		break;
	case 1:
		n = rng_below(64);
		agi_cbor_put_int(w, (s64)rng() >> n);
		break;
	case 2:
		n = rng_below(sizeof(bytes));
		for (u32 i = 0; i < n; i++)
			bytes[i] = (u8)rng();
		agi_cbor_put_bytes(w, bytes, n);
		break;
	case 3:
		agi_cbor_put_text(w, text, rng_below(sizeof(text)));
		break;
	case 4:
		n = rng_below(5);
		agi_cbor_put_head(w, AGI_CBOR_ARRAY, n);
		for (u32 i = 0; i < n; i++)
			cbor_random_item(w, depth + 1);
		break;
	default:
		n = rng_below(5);
		agi_cbor_put_head(w, AGI_CBOR_MAP, n);
		for (u32 i = 0; i < n; i++) {
			agi_cbor_put_head(w, AGI_CBOR_UINT, i);
			cbor_random_item(w, depth + 1);
		}
		break;
	}
}

/* Every item the cursor yields, recursively, into the digest. */
static void cbor_walk(struct digest *d, struct agi_cbor_cursor *c, int depth)
{
	struct agi_cbor_item it;
	int rc;

	while ((rc = agi_cbor_next(c, &it)) > 0) {
		struct agi_cbor_cursor in;
		u64 u;
		s64 s;

		const u8 *b;
		const char *t;
		u16 n;

		d_u64(d, it.head.major);
		d_u64(d, it.head.arg);
		d_u64(d, (u64)it.start << 32 | (u64)it.data << 16 | it.end);
		if (agi_cbor_get_uint(&it, U64_MAX, &u) == 0)
			d_u64(d, u);
		if (agi_cbor_get_int(&it, S64_MIN, S64_MAX, &s) == 0)
			d_u64(d, (u64)s);
		if (agi_cbor_get_bytes(c, &it, 0, 1024, &b, &n) == 0)
			d_bytes(d, b, n);
		if (agi_cbor_get_text(c, &it, 1024, &t, &n) == 0)
			d_bytes(d, t, n);
		if (depth < 8 &&
		    agi_cbor_enter(c, &it, it.head.major, &in) == 0)
			cbor_walk(d, &in, depth + 1);
	}
	d_u64(d, (u64)(s64)rc);
}

static void part_cbor(void)
{
	static u8 buf[1024];
	struct digest d;

	d_begin(&d, "cbor");
	for (int i = 0; i < 5000; i++) {
		struct agi_cbor_writer w = { .buf = buf, .cap = sizeof(buf) };
		struct agi_cbor_scanner sc;
		struct agi_cbor_cursor c;
		u16 len;
		int rc;

		agi_cbor_put_head(&w, AGI_CBOR_ARRAY, 3);
		for (int k = 0; k < 3; k++)
			cbor_random_item(&w, 0);
		if (!agi_cbor_fits(&w))
			continue;
		len = (u16)w.pos;
		d_bytes(&d, buf, len);
		/* Then hostile: one byte flipped in half of the cases. */
		if (rng_below(2)) {
			u32 at = rng_below(len);

			buf[at] ^= (u8)(1u << rng_below(8));
		}
		memset(&sc, 0, sizeof(sc));
		sc.p = buf;
		sc.len = len;
		rc = agi_cbor_scan_item(&sc);
		d_u64(&d, (u64)(s64)rc);
		d_u64(&d, sc.pos);
		rc = agi_cbor_open(&c, buf, len, AGI_CBOR_ARRAY);
		d_u64(&d, (u64)(s64)rc);
		if (rc == 0)
			cbor_walk(&d, &c, 0);
		d.cases++;
	}
	d_end(&d);
}

static void part_wire_examples(void)
{
	struct digest d;
	char what[96];

	d_begin(&d, "wire-examples");
	for (size_t i = 0; i < ARRAY_SIZE(examples); i++) {
		const struct example *x = &examples[i];
		struct raw doc = { .n = 0 }, *built = build(x, -1, -1, NULL,
							     NULL);
		struct agi_wire_msg m;
		u8 again[AGISWARM_WIRE_MAX];
		size_t n;
		int rc;

		raw_hex(&doc, x->doc);
		snprintf(what, sizeof(what), "%s: built from its entries", x->name);
		kat("wire", doc.n == built->n &&
		    !memcmp(doc.b, built->b, doc.n), what);
		rc = wire_verdict(doc.b, doc.n, &m);
		snprintf(what, sizeof(what), "%s: parse gives %d", x->name, rc);
		kat("wire", rc == 0 && m.type == x->type, what);
		n = rc == 0 ? agi_wire_put(again, sizeof(again), &m) : 0;
		snprintf(what, sizeof(what), "%s: re-encoded", x->name);
		kat("wire", n == doc.n && !memcmp(again, doc.b, n), what);
		d_bytes(&d, doc.b, doc.n);
		d.cases++;
	}
	d_end(&d);
}

/* A random fast-path message with host vectors in @s32 / @s64 / @val. */
static void wire_random_msg(struct agi_wire_msg *m, s32 *s32v, s64 *s64v,
			    struct agi_wire_value *val)
{
	static const u8 types[] = { AGISWARM_MSG_TASK, AGISWARM_MSG_RESULT,
				    AGISWARM_MSG_SENSOR, AGISWARM_MSG_ACTUATE,
				    AGISWARM_MSG_ROWS };
	u32 most = rng_below(4) ? 16 : AGISWARM_WIRE_VEC_MAX;
	u16 n = (u16)(1 + rng_below(most));

	memset(m, 0, sizeof(*m));
	m->type = types[rng_below(ARRAY_SIZE(types))];
	for (u16 i = 0; i < AGISWARM_WIRE_VEC_MAX; i++) {
		s32v[i] = rng_s32();
		u32 shift = 24 + rng_below(40);

		s64v[i] = (s64)rng() >> shift;
	}
	for (u16 i = 0; i < AGISWARM_WIRE_VALUES_MAX; i++) {
		val[i].row = (u16)rng_below(AGI_CODE_MAX_CODED_ROWS);
		val[i].sum = rng_i128();
	}
	switch (m->type) {
	case AGISWARM_MSG_TASK:
		m->u.task.epoch = rng_bits();
		m->u.task.cycle = rng() >> 20;
		m->u.task.gen = rng_below(1000);
		m->u.task.fmt = rng_fmt();
		m->u.task.x.host.s32 = s32v;
		m->u.task.x.n = n;
		break;
	case AGISWARM_MSG_RESULT:
		m->u.result.epoch = rng() >> 40;
		m->u.result.cycle = rng_bits();
		m->u.result.gen = rng_below(1000);
		m->u.result.worker = rng_below(64);
		m->u.result.values.host.value = val;
		m->u.result.values.n =
			(u16)(1 + rng_below(AGISWARM_WIRE_VALUES_MAX));
		break;
	case AGISWARM_MSG_SENSOR:
		m->u.sensor.seq = rng();
		m->u.sensor.fmt = rng_fmt();
		m->u.sensor.x.host.s32 = s32v;
		m->u.sensor.x.n = n;
		break;
	case AGISWARM_MSG_ACTUATE:
		m->u.actuate.epoch = rng() >> 33;
		m->u.actuate.cycle = rng() >> 3;
		m->u.actuate.fmt = rng_fmt();
		m->u.actuate.status = (u8)rng_below(3);
		m->u.actuate.u.host.s32 = s32v;
		m->u.actuate.u.n = n;
		break;
	default:
		n = (u16)(1 + rng_below(AGISWARM_WIRE_CHUNK_MAX));
		m->u.rows.epoch = rng() >> 40;
		m->u.rows.gen = rng_below(1000);
		m->u.rows.row = (u16)rng_below(AGI_CODE_MAX_CODED_ROWS);
		m->u.rows.ncols =
			(u16)(n + rng_below(AGISWARM_WIRE_VEC_MAX - n + 1));
		m->u.rows.nrows = (u8)(1 + rng_below(AGISWARM_WIRE_ROWS_MAX));
		m->u.rows.entries.host.s64 = s64v;
		m->u.rows.entries.n = n;
		m->u.rows.offset = (u16)rng_below(m->u.rows.ncols - n + 1);
		break;
	}
}

static void part_wire_random(void)
{
	static s32 s32v[AGISWARM_WIRE_VEC_MAX];
	static s64 s64v[AGISWARM_WIRE_VEC_MAX];
	static struct agi_wire_value val[AGISWARM_WIRE_VALUES_MAX];
	u8 buf[AGISWARM_WIRE_MAX], again[AGISWARM_WIRE_MAX];
	int roundtrip_bad = 0;
	struct digest d;

	d_begin(&d, "wire");
	for (int i = 0; i < 20000; i++) {
		struct agi_wire_msg m, p;
		size_t n, n2;
		int rc;

		wire_random_msg(&m, s32v, s64v, val);
		n = agi_wire_put(buf, sizeof(buf), &m);
		d_u64(&d, n);
		d_bytes(&d, buf, n);
		if (n) {
			rc = wire_verdict(buf, n, &p);
			d_u64(&d, (u64)(s64)rc);
			n2 = rc == 0 ? agi_wire_put(again, sizeof(again), &p) : 0;
			if (n2 != n || memcmp(again, buf, n))
				roundtrip_bad++;
			/* Then hostile: damage 1..3 bytes or the length. */
			for (u32 k = rng_below(3); k < 3; k++) {
				u32 at = rng_below((u32)n);

				buf[at] = (u8)rng();
			}
			if (rng_below(4) == 0)
				n = rng_below((u32)n + 1);
			d_u64(&d, (u64)(s64)wire_verdict(buf, n, &p));
		}
		d.cases++;
	}
	kat("wire", roundtrip_bad == 0,
	    "random messages do not survive encode, parse, encode");
	d_end(&d);
}

/* Feeds coded rows @order[0..@n) of @code and digests what it decodes. */
static void code_decode(struct digest *d, const struct agi_code *code,
			const s32 *A, u32 cols, const s32 *x, const u16 *order,
			u32 n, bool must_decode, const char *what)
{
	static s64 row[AGI_CODE_MAX_COLS];
	size_t size = agi_code_decoder_size(code);
	void *mem = malloc(size);
	struct agi_code_decoder *dec = agi_code_decoder_init(mem, size, code);
	const struct agi_code_stats *st;
	bool exact = true;
	int rc = 0;

	if (!dec) {
		kat("code", false, "agi_code_decoder_init() failed");
		free(mem);
		return;
	}
	for (u32 k = 0; k < n && rc != 1; k++) {
		if (agi_code_encode_row(code, order[k], A, cols, row)) {
			kat("code", false, "agi_code_encode_row() failed");
			break;
		}
		for (u32 c = 0; c < cols; c++)
			d_u64(d, (u64)row[c]);
		rc = agi_code_decoder_add(dec, order[k],
					  agi_code_dot(row, x, cols));
		d_u64(d, (u64)(s64)rc);
	}
	if (must_decode)
		kat("code", rc == 1, what);
	for (u32 i = 0; rc == 1 && i < code->m; i++) {
		struct agi_i128 z;

		if (agi_code_decoder_get(dec, i, &z) ||
		    !agi_i128_eq(z, agi_q_dot_exact(A + i * cols, x, cols)))
			exact = false;
		d_i128(d, z);
	}
	kat("code", exact, "decoded z differs from the exact A x");
	st = agi_code_decoder_stats(dec);
	d_u64(d, (u64)st->used << 32 | st->kept);
	d_u64(d, (u64)st->systematic << 32 | st->peeled);
	d_u64(d, (u64)st->eliminated << 32 | st->redundant);
	free(mem);
}

static void shuffle(u16 *v, u32 n)
{
	for (u32 i = n; i > 1; i--) {
		u32 j = rng_below(i);
		u16 t = v[i - 1];

		v[i - 1] = v[j];
		v[j] = t;
	}
}

static void part_code(void)
{
	static s32 A[AGI_CODE_MAX_SOURCE_ROWS * 16], x[16];
	static u16 order[AGI_CODE_MAX_CODED_ROWS];
	static struct agi_code_gf2 gf2;
	struct digest d;

	d_begin(&d, "code");
	for (int i = 0; i < 60; i++) {
		u32 m = 1 + rng_below(i < 50 ? 24 : 128);
		u32 nc = m + rng_below(m + 8), cols = 1 + rng_below(16);
		u64 set[AGI_CODE_SET_WORDS];
		struct agi_code code;
		int rc = agi_code_init(&code, m, nc, rng());

		d_u64(&d, (u64)(s64)rc);
		if (rc)
			continue;
		for (u32 k = 0; k < m * cols; k++)
			A[k] = rng_s32();
		for (u32 k = 0; k < cols; k++)
			x[k] = rng_s32();
		for (u32 j = 0; j < nc; j++) {
			d_u64(&d, (u64)(s64)agi_code_row_set(&code, j, set));
			for (u32 w = 0; w < AGI_CODE_SET_WORDS; w++)
				d_u64(&d, set[w]);
			order[j] = (u16)j;
		}
		shuffle(order, nc);
		d_u64(&d, agi_code_rank(&code, order, nc, &gf2));
		code_decode(&d, &code, A, cols, x, order, nc, false, "");
		d.cases++;
	}
	d_end(&d);

	d_begin(&d, "mds");
	for (int i = 0; i < 60; i++) {
		u32 workers = 2 + rng_below(14), m = 1 + rng_below(64);
		u32 cols = 1 + rng_below(16), n = 0;
		int maxf = agi_code_max_lost(m, workers);
		u16 rows[AGI_CODE_MAX_WORKER_ROWS];
		bool lost[64] = { false };
		struct agi_code code;
		u32 f;
		int rc;

		d_u64(&d, (u64)(s64)maxf);
		if (maxf < 0)
			continue;
		f = rng_below((u32)maxf + 1);
		rc = agi_code_init_mds(&code, m, workers, f);
		d_u64(&d, (u64)(s64)rc);
		kat("mds", rc == 0, "agi_code_init_mds() refused its max_lost");
		if (rc)
			continue;
		for (u32 k = 0; k < m * cols; k++)
			A[k] = rng_s32();
		for (u32 k = 0; k < cols; k++)
			x[k] = rng_s32();
		for (u32 k = 0; k < f; k++)
			lost[rng_below(workers)] = true;
		for (u32 w = 0; w < workers; w++) {
			u32 held = agi_code_worker_rows(&code, w, rows);

			d_u64(&d, held);
			for (u32 k = 0; k < held; k++) {
				d_u64(&d, rows[k]);
				d_u64(&d, agi_code_row_worker(&code, rows[k]));
				if (!lost[w])
					order[n++] = rows[k];
			}
		}
		shuffle(order, n);
		code_decode(&d, &code, A, cols, x, order, n, true,
			    "an MDS code did not decode without f workers");
		d.cases++;
	}
	d_end(&d);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# core_digest: %zu-bit, %s-endian, %s 128-bit products\n",
	       sizeof(void *) * 8,
	       (const union { u16 v; u8 b[2]; }){ .v = 1 }.b[0] ? "little" : "big",
#if defined(__SIZEOF_INT128__) && !defined(AGI_WIDE_PORTABLE)
	       "native"
#else
	       "portable"
#endif
	       );
	part_fixed();
	part_wide();
	part_cbor();
	part_wire_examples();
	part_wire_random();
	part_code();
	printf("known-answers %d %d\n", checked, failures);
	return failures ? 1 : 0;
}
