// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agiswarm-modbus: a Modbus/TCP device as an AGISWARM plant.
 *
 * Every period it reads the sensor registers of the mapping (include/user/
 * modbus_map.h), converts them into x by the mapping's integer rule and
 * sends SENSOR{seq, format, x} through libagiplant; each actuation that
 * arrives is converted back and written to the holding registers at once.
 * A device that stops answering gets no SENSOR sent for it, so the
 * aggregators' sensor_timeout_ms drives their safe output; it is logged,
 * counted, and when it answers again the mapping's safe_output is written
 * before anything else. See agiswarm-modbus(8).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <modbus/modbus.h>

#include "core/fixed.h"
#include "user/agiplant.h"
#include "user/modbus_map.h"
#include "user/plant_args.h"

#define NAME "agiswarm-modbus"
#define EXIT_SILENT 3

/*
 * Consecutive elements whose registers follow each other in one table: one
 * request reads (or writes) them all, so a plant's registers are read in
 * as few round trips as the mapping allows and written at once.
 */
struct run {
	u8 table;
	u16 reg;			/* the first register */
	u16 nregs;
	u32 first, n;			/* elements first .. first + n - 1 */
};

struct bridge {
	struct agi_modbus_map map;
	struct run sruns[AGI_MODBUS_VEC_MAX], aruns[AGI_MODBUS_VEC_MAX];
	u32 n_sruns, n_aruns;
	modbus_t *mb;
	struct agiplant *ep;
	unsigned int period_ms;
	u64 steps;			/* 0: until SIGTERM or SIGINT */
	unsigned int give_up_ms;	/* 0: never */
	bool json;
	/* the device */
	bool connected, silent;
	u64 silent_since_ms;
	/* counters */
	u64 sent, written, clamped, failures, silences, dropped, safe_written;
	u64 superseded;			/* actuations a newer one replaced unwritten */
};

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: " NAME " --map FILE --aggregator ADDR:PORT --peer-key PUB\n"
		"           (--psk FILE --key PUB | --node-key KEY) [OPTIONS]\n"
		"       " NAME " --map FILE --check\n"
		"\n"
		"Reads the sensor registers of a Modbus/TCP device every period,\n"
		"sends them as SENSOR x to the aggregator group and writes each\n"
		"actuation u back to holding registers, by the mapping FILE (YAML).\n"
		"\n"
		"  --map FILE              the device and its registers (required)\n"
		"  --check                 read FILE, print it as JSON (scale, offset\n"
		"                          and safe_output as raw integers) and exit\n"
		"  --aggregator ADDR:PORT  a member of the group (repeat it, each with\n"
		"                          its --peer-key, up to 7)\n"
		"  --peer-key PUB          that member's node.pub\n"
		"  --psk FILE --key PUB    the swarm's pre-shared key and this plant's\n"
		"                          node.pub (agictl peer add ... psk)\n"
		"  --node-key KEY          instead: this plant's node.key; each\n"
		"                          member's agiswarmd keys the link\n"
		"  --listen ADDR:PORT      where actuations arrive, and the SENSOR\n"
		"                          source (default 0.0.0.0:6000)\n"
		"  --period MS             the sensor period (default 50)\n"
		"  --steps N               periods to run, then exit (default 0:\n"
		"                          until SIGTERM or SIGINT)\n"
		"  --give-up MS            exit with status 3 once the device has\n"
		"                          not answered for MS (default 0: never)\n"
		"  --json                  one JSON object a line for each period\n"
		"                          and each actuation (see the man page)\n"
		"  -h, --help              this text\n"
		"\n"
		"Exit status: 0 done, 1 runtime error, 2 usage error, 3 the device\n"
		"was silent for --give-up.\n");
}

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, NAME ": %s%s%s\nTry \"" NAME " --help\".\n", what,
		*arg ? " " : "", arg);
	return 2;
}

static u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000 + (u64)ts.tv_nsec / 1000000;
}

static void print_words(const char *key, const u16 *w, unsigned int n)
{
	unsigned int i;

	printf(",\"%s\":[", key);
	for (i = 0; i < n; i++)
		printf("%s%u", i ? "," : "", w[i]);
	printf("]");
}

static void print_raw(const char *key, const s32 *v, unsigned int n)
{
	unsigned int i;

	printf(",\"%s\":[", key);
	for (i = 0; i < n; i++)
		printf("%s%" PRId32, i ? "," : "", v[i]);
	printf("]");
}

static u32 make_runs(const struct agi_modbus_reg *r, u32 n, struct run *runs,
		     u16 max)
{
	u32 i, k = 0;

	for (i = 0; i < n; i++) {
		struct run *last = k ? &runs[k - 1] : NULL;
		u16 w = (u16)agi_modbus_nregs(&r[i]);

		if (last && last->table == r[i].table &&
		    (u32)last->reg + last->nregs == r[i].reg &&
		    last->nregs + w <= max) {
			last->nregs += w;
			last->n++;
			continue;
		}
		runs[k++] = (struct run){ .table = r[i].table, .reg = r[i].reg,
					  .nregs = w, .first = i, .n = 1 };
	}
	return k;
}

/* The device failed to answer: the first failure of a silence is logged. */
static void device_failed(struct bridge *b, const char *what)
{
	b->failures++;
	if (b->connected) {
		modbus_close(b->mb);
		b->connected = false;
	}
	if (b->silent)
		return;
	b->silent = true;
	b->silences++;
	b->silent_since_ms = now_ms();
	fprintf(stderr, NAME ": device %s:%u silent (%s: %s): no SENSOR until it answers; the aggregators' sensor_timeout_ms applies their safe output\n",
		b->map.address, b->map.port, what, modbus_strerror(errno));
}

static bool device_connect(struct bridge *b)
{
	if (b->connected)
		return true;
	if (modbus_connect(b->mb)) {
		device_failed(b, "connect");
		return false;
	}
	b->connected = true;
	return true;
}

/* Writes @u (n_actuators raw values) as @words; false when it failed. */
static bool write_u(struct bridge *b, const s32 *u, u16 *words,
		    unsigned int *nwords, u64 *clamped)
{
	const struct agi_modbus_map *m = &b->map;
	unsigned int i, n = 0;
	int ret;

	for (i = 0; i < m->n_actuators; i++) {
		*clamped += agi_modbus_from_fixed(&m->actuator[i], u[i], &words[n]);
		n += agi_modbus_nregs(&m->actuator[i]);
	}
	for (i = 0, n = 0; i < b->n_aruns; i++) {
		const struct run *r = &b->aruns[i];

		if (r->nregs == 1)
			ret = modbus_write_register(b->mb, r->reg, words[n]);
		else
			ret = modbus_write_registers(b->mb, r->reg, r->nregs,
						     &words[n]);
		if (ret < 0) {
			device_failed(b, "write");
			return false;
		}
		n += r->nregs;
	}
	*nwords = n;
	return true;
}

static void apply(struct bridge *b, const struct agiplant_actuation *a)
{
	u16 words[2 * AGI_MODBUS_VEC_MAX];
	unsigned int n = 0;
	u64 clamped = 0;

	if (a->n != b->map.n_actuators || a->format != b->map.format) {
		static bool told;

		if (!told)
			fprintf(stderr, NAME ": an actuation of %u elements in format %d, the mapping has %u in %d: not written\n",
				a->n, a->format, b->map.n_actuators,
				b->map.format);
		told = true;
		b->dropped++;
		return;
	}
	if (b->silent || !b->connected || !write_u(b, a->u, words, &n, &clamped)) {
		b->dropped++;
		return;
	}
	b->written++;
	b->clamped += clamped;
	if (b->json) {
		printf("{\"cycle\":%" PRIu64 ",\"status\":%u", a->cycle,
		       a->status);
		print_raw("u", a->u, a->n);
		print_words("written", words, n);
		printf(",\"clamped\":%" PRIu64 "}\n", clamped);
		fflush(stdout);
	}
}

/*
 * Until @deadline, takes every actuation that arrives and writes the
 * newest of each batch: a device slower than the cycle gets the latest
 * output, never a queue of old ones.
 */
static void receive_until(struct bridge *b, u64 deadline)
{
	struct pollfd pfd = { .fd = agiplant_fd(b->ep), .events = POLLIN };
	static struct agiplant_actuation a, newest;
	char err[256];
	bool have;
	u64 now;
	int ret;

	while (!stop && (now = now_ms()) < deadline) {
		int wait = (int)(deadline - now), hs = agiplant_timeout_ms(b->ep);

		/* with handshakes, the library may have one to send sooner */
		poll(&pfd, 1, hs >= 0 && hs < wait ? hs : wait);
		have = false;
		while ((ret = agiplant_receive(b->ep, &a, err, sizeof(err))) > 0) {
			if (have)
				b->superseded++;
			newest = a;
			have = true;
		}
		if (ret < 0)
			fprintf(stderr, NAME ": %s\n", err);
		if (have)
			apply(b, &newest);
	}
}

/* The answer after a silence: safe_output first, then SENSORs again. */
static bool recovered(struct bridge *b)
{
	u16 words[2 * AGI_MODBUS_VEC_MAX];
	unsigned int n;
	u64 clamped = 0;

	if (b->map.n_safe) {
		if (!write_u(b, b->map.safe, words, &n, &clamped))
			return false;
		b->safe_written++;
	}
	fprintf(stderr, NAME ": device %s:%u answers again after %" PRIu64 " ms%s\n",
		b->map.address, b->map.port, now_ms() - b->silent_since_ms,
		b->map.n_safe ? "; safe_output written" : "");
	b->silent = false;
	return true;
}

/* One period's reading: x, or false when the device did not answer. */
static bool read_x(struct bridge *b, s32 *x, u16 *words, unsigned int *nwords)
{
	const struct agi_modbus_map *m = &b->map;
	unsigned int i, n = 0;
	int ret;

	if (!device_connect(b))
		return false;
	for (i = 0; i < b->n_sruns; i++) {
		const struct run *r = &b->sruns[i];

		if (r->table == AGI_MODBUS_INPUT)
			ret = modbus_read_input_registers(b->mb, r->reg, r->nregs,
							  &words[n]);
		else
			ret = modbus_read_registers(b->mb, r->reg, r->nregs,
						    &words[n]);
		if (ret != r->nregs) {
			device_failed(b, "read");
			return false;
		}
		n += r->nregs;
	}
	for (i = 0, n = 0; i < m->n_sensors; i++) {
		x[i] = agi_modbus_to_fixed(&m->sensor[i], m->format, &words[n]);
		n += agi_modbus_nregs(&m->sensor[i]);
	}
	*nwords = n;
	return !b->silent || recovered(b);
}

static int run(struct bridge *b)
{
	u16 words[2 * AGI_MODBUS_VEC_MAX];
	s32 x[AGI_MODBUS_VEC_MAX];
	u64 step, next = now_ms();
	unsigned int n;
	char err[256];

	for (step = 0; !stop && (!b->steps || step < b->steps); step++) {
		if (read_x(b, x, words, &n)) {
			if (agiplant_send_sensor(b->ep, step,
						 (enum agiplant_format)b->map.format,
						 x, b->map.n_sensors, err,
						 sizeof(err)))
				fprintf(stderr, NAME ": %s\n", err);
			else
				b->sent++;
			if (b->json) {
				printf("{\"step\":%" PRIu64, step);
				print_words("read", words, n);
				print_raw("x", x, b->map.n_sensors);
				printf("}\n");
				fflush(stdout);
			}
		} else if (b->json) {
			printf("{\"step\":%" PRIu64 ",\"silent\":true}\n", step);
			fflush(stdout);
		}
		if (b->silent && b->give_up_ms &&
		    now_ms() - b->silent_since_ms >= b->give_up_ms) {
			fprintf(stderr, NAME ": device %s:%u silent for %" PRIu64 " ms (--give-up %u): giving up\n",
				b->map.address, b->map.port,
				now_ms() - b->silent_since_ms, b->give_up_ms);
			return EXIT_SILENT;
		}
		/* A slow device (a timeout) skips periods, never bunches them. */
		next += b->period_ms;
		if (next < now_ms())
			next = now_ms() + b->period_ms;
		receive_until(b, next);
	}
	return 0;
}

static int parse_num(const char *opt, const char *s, u64 max, u64 *v)
{
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		return usage_error(opt, "wants a whole number");
	*v = strtoull(s, &end, 10);
	if (*end || errno || *v > max) {
		fprintf(stderr, NAME ": %s \"%s\": allowed 0..%" PRIu64 "\n",
			opt, s, max);
		return 2;
	}
	return 0;
}

enum { OPT_MAP = 256, OPT_CHECK, OPT_PERIOD, OPT_STEPS, OPT_GIVE_UP,
	OPT_JSON };

static const struct option options[] = {
	AGI_PLANT_ARG_OPTIONS,
	{ "map", required_argument, NULL, OPT_MAP },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "period", required_argument, NULL, OPT_PERIOD },
	{ "steps", required_argument, NULL, OPT_STEPS },
	{ "give-up", required_argument, NULL, OPT_GIVE_UP },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct cmdline {
	struct agi_plant_args ep;	/* the endpoint's options */
	const char *map;
	bool check;
};

static int parse_option(struct bridge *b, struct cmdline *c, int opt)
{
	char err[128];
	u64 v;
	int ret = agi_plant_arg(&c->ep, opt, optarg, err, sizeof(err));

	if (ret)
		return ret < 0 ? usage_error(err, "") : 0;
	switch (opt) {
	case OPT_MAP: c->map = optarg; return 0;
	case OPT_CHECK: c->check = true; return 0;
	case OPT_JSON: b->json = true; return 0;
	case OPT_PERIOD:
		if (parse_num("--period", optarg, 60000, &v))
			return 2;
		if (!v)
			return usage_error("--period: allowed 1..60000 ms, got", optarg);
		b->period_ms = (unsigned int)v;
		return 0;
	case OPT_STEPS:
		if (parse_num("--steps", optarg, UINT64_MAX, &v))
			return 2;
		b->steps = v;
		return 0;
	case OPT_GIVE_UP:
		if (parse_num("--give-up", optarg, 86400000, &v))
			return 2;
		b->give_up_ms = (unsigned int)v;
		return 0;
	}
	return 2;
}

static int open_device(struct bridge *b)
{
	b->mb = modbus_new_tcp(b->map.address, b->map.port);
	if (!b->mb) {
		fprintf(stderr, NAME ": %s: device %s:%u: %s\n", "modbus_new_tcp",
			b->map.address, b->map.port, modbus_strerror(errno));
		return 1;
	}
	if (modbus_set_slave(b->mb, b->map.unit_id) ||
	    modbus_set_response_timeout(b->mb, b->map.timeout_us / 1000000,
					b->map.timeout_us % 1000000)) {
		fprintf(stderr, NAME ": device %s:%u: %s\n", b->map.address,
			b->map.port, modbus_strerror(errno));
		return 1;
	}
	return 0;
}

static void report(const struct bridge *b)
{
	fprintf(stderr, NAME ": %" PRIu64 " SENSORs sent, %" PRIu64
		" actuations written (%" PRIu64 " elements clamped), %" PRIu64
		" not written, %" PRIu64 " superseded by a newer one, %" PRIu64
		" device failures in %" PRIu64
		" silences, safe_output written %" PRIu64 " times\n",
		b->sent, b->written, b->clamped, b->dropped, b->superseded,
		b->failures, b->silences, b->safe_written);
}

int main(int argc, char **argv)
{
	static struct bridge b = { .period_ms = 50 };
	struct cmdline c = { 0 };
	struct agiplant_config cfg;
	char err[AGI_MODBUS_ERR_LEN];
	struct sigaction sa = { .sa_handler = on_stop };
	int opt, ret;

	agi_plant_args_init(&c.ep);
	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (opt == 'h') {
			usage(stdout);
			return 0;
		}
		if (opt == '?')
			return 2;
		ret = parse_option(&b, &c, opt);
		if (ret)
			return ret;
	}
	if (optind < argc)
		return usage_error("unexpected argument", argv[optind]);
	if (!c.map)
		return usage_error("--map FILE is required", "");
	if (agi_modbus_map_load(&b.map, c.map, NULL, err, sizeof(err))) {
		fprintf(stderr, NAME ": %s\n", err);
		return 1;
	}
	if (c.check) {
		agi_modbus_map_print_json(stdout, &b.map);
		return 0;
	}
	if (agi_plant_args_config(&c.ep, &cfg, err, sizeof(err)))
		return usage_error(err, "");
	if (agiplant_open(&cfg, &b.ep, err, sizeof(err))) {
		fprintf(stderr, NAME ": %s\n", err);
		return 1;
	}
	/* Function 3/4 read up to 125 registers, function 16 writes 123. */
	b.n_sruns = make_runs(b.map.sensor, b.map.n_sensors, b.sruns, 125);
	b.n_aruns = make_runs(b.map.actuator, b.map.n_actuators, b.aruns, 123);
	ret = open_device(&b);
	if (!ret) {
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		ret = run(&b);
		report(&b);
	}
	if (b.mb) {
		modbus_close(b.mb);
		modbus_free(b.mb);
	}
	agiplant_close(b.ep);
	return ret;
}
