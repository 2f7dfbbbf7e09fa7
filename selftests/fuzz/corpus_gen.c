// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Writes the fuzzers' seed corpus (selftests/fuzz/corpus/<target>/): the
 * documented example of each fast-path type, whole and damaged once in
 * each documented way, so that every fuzzer starts next to every branch of
 * the parser. Run by `make fuzz-corpus`; the output is kept in the tree.
 *
 *   corpus_gen DIR
 */
#include <errno.h>
#include <sys/stat.h>

#include "../native/wire_examples.h"

static const char *dir;

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
				       [9] = 4 };
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

/* fuzz_wire_roundtrip reads: type - 1, be16 n, then per element 4 bytes of
 * x, 1..8 of e, 2 of row, 8 + 1 of sum, then the scalar fields.
 */
static void roundtrip_seeds(void)
{
	static const u8 types[] = { 1, 2, 7, 8, 9, 3 };
	u8 buf[256];
	char name[32];
	size_t i, n;

	for (i = 0; i < sizeof(types); i++) {
		memset(buf, 0, sizeof(buf));
		buf[0] = types[i] - 1;
		buf[2] = 2;			/* two elements */
		for (n = 3; n < sizeof(buf); n++)
			buf[n] = (u8)(n * 37 % 5);
		snprintf(name, sizeof(name), "type-%u", types[i]);
		put_file("fuzz_wire_roundtrip", name, buf, sizeof(buf));
	}
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
	return 0;
}
