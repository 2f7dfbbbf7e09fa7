// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * plant: the simulated plant of the swarm tests and the demo.
 *
 *   s[k+1] = Ad s[k] + u[k],   Ad = g*I + c*(superdiagonal)
 *
 * Ad is in Q8.24, s and u in Q1.31; the arithmetic is the portable core's
 * (one exact dot product per state, one rounding, then a saturating add),
 * so the plant has no floating point in its dynamics. After every step it
 * sends SENSOR{seq, Q1.31, s} to the aggregator and applies the newest
 * ACTUATE it has received. The network is libagiplant's (agiplant.h): the
 * sealed sessions and the deduplication (an older epoch, an older or
 * repeated cycle is dropped). It runs a bounded number of steps and exits.
 *
 * A second mode, --send-raw, sends arbitrary bytes as one UDP datagram: the
 * garbage tests need it because busybox's nc cannot send UDP.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>

#include "core/fixed.h"
#include "user/agiplant.h"
#include "user/plant_args.h"
#include "lib/json_vec.h"

#define PLANT_STATES_MAX 64
#define SIG_FMT AGISWARM_Q1_31
#define GAIN_FMT AGISWARM_Q8_24

struct plant {
	/* configuration */
	unsigned int n;
	s32 gain, coupling;		/* Q8.24 */
	s32 x0;				/* Q1.31 */
	unsigned int period_ms;
	u64 steps;
	u64 kick_step;
	s32 kick;			/* Q1.31, 0 = no kick */
	s32 signal_kick;		/* Q1.31, added on SIGUSR1; 0 = off */
	bool json;
	struct agiplant *ep;		/* the sealed endpoint */
	/* state */
	s32 s[PLANT_STATES_MAX];
	s32 u[PLANT_STATES_MAX];	/* applied at the next step */
	bool have_u;
	u64 u_cycle;
	u64 n_wrong;			/* ACTUATEs of another shape */
	FILE *dump;			/* --dump-sent: each datagram, hex */
	FILE *alog;			/* --actuate-log: each ACTUATE taken */
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: plant --aggregator ADDR:PORT [OPTIONS]\n"
		"       plant --send-raw HEX --to ADDR:PORT [--from ADDR:PORT] [--count N]\n"
		"\n"
		"Simulates s[k+1] = Ad s[k] + u[k] with Ad = g*I + c*superdiagonal\n"
		"(Q8.24), s and u in Q1.31. Sends SENSOR{seq, Q1.31, s} to the\n"
		"aggregator after every step and applies the newest ACTUATE received\n"
		"(older epochs and older or repeated cycles are ignored).\n"
		"\n"
		"  --aggregator ADDR:PORT  where SENSOR datagrams go (required; repeat\n"
		"                          it, each with its --peer-key, for a group)\n"
		"  --listen ADDR:PORT      where ACTUATE datagrams arrive, and the\n"
		"                          SENSOR source (default 0.0.0.0:6000)\n"
		"  --states N              state dimension (default 8, max %d)\n"
		"  --gain G                g, decimal (default 1.1)\n"
		"  --coupling C            c, decimal (default 0.05)\n"
		"  --x0 V                  initial value of every state (default 0.5)\n"
		"  --period MS             step period in milliseconds (default 50)\n"
		"  --steps N               steps to run, then exit (default 200)\n"
		"  --kick STEP:VALUE       add VALUE to every state after step STEP\n"
		"  --kick-on-signal VALUE  add VALUE to every state at the step after\n"
		"                          each SIGUSR1 (a disturbance on demand)\n"
		"  --psk FILE              seal and open (pre-shared-key mode, as\n"
		"                          agictl peer add ... psk): with\n"
		"                          --key, this plant's public key file, and\n"
		"                          --peer-key, the aggregator's\n"
		"  --node-key FILE         instead of --psk and --key: this plant's\n"
		"                          private node key; each aggregator's\n"
		"                          agiswarmd keys the link by a handshake\n"
		"  --dump-sent FILE        each datagram sent, one hex line\n"
		"  --actuate-log FILE      each ACTUATE delivered, one JSON line:\n"
		"                          {\"cycle\":c,\"epoch\":e,\"status\":s,\n"
		"                          \"t_us\":CLOCK_MONOTONIC microseconds}\n"
		"  --json                  one JSON object a line:\n"
		"                          {\"step\":k,\"cycle\":c,\"s\":[raw..],\"u\":[raw..]}\n"
		"  -h, --help              this text\n"
		"\n"
		"Each line shows the state after step k and the u that step applied\n"
		"(cycle: the ACTUATE's cycle, 0 before any). Step 0 is x0. A summary\n"
		"goes to stderr. Exit status: 0 done, 1 runtime error, 2 usage error.\n"
		"\n"
		"--send-raw sends HEX (\"\" for an empty datagram) --count times\n"
		"(default 1) from --from (default: any address, port chosen by the\n"
		"kernel) to --to, then exits.\n", PLANT_STATES_MAX);
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "plant: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry \"plant --help\".\n");
	return 2;
}

/* "192.0.2.1:6000", "[2001:db8::1]:6000" -> a socket address. */
static int parse_endpoint(const char *text, struct sockaddr_storage *ss,
			  socklen_t *len)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM,
				  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *res;
	char host[128];
	const char *colon = strrchr(text, ':');
	size_t hlen;

	if (!colon || !colon[1] || colon - text >= (long)sizeof(host))
		return -EINVAL;
	hlen = colon - text;
	if (text[0] == '[') {
		if (hlen < 2 || text[hlen - 1] != ']')
			return -EINVAL;
		text++;
		hlen -= 2;
	}
	memcpy(host, text, hlen);
	host[hlen] = '\0';
	if (getaddrinfo(host, colon + 1, &hints, &res))
		return -EINVAL;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int parse_u64(const char *text, u64 *out)
{
	char *end;

	if (*text < '0' || *text > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoull(text, &end, 10);
	return (*end || errno) ? -EINVAL : 0;
}

static int open_socket(const struct sockaddr_storage *bind_to, socklen_t len,
		       int family)
{
	int one = 1;
	int fd;

	fd = socket(bind_to ? bind_to->ss_family : family,
		    SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("plant: socket failed");
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind_to && bind(fd, (const struct sockaddr *)bind_to, len)) {
		perror("plant: bind failed");
		close(fd);
		return -1;
	}
	return fd;
}

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The --send-raw mode: a datagram no encoder would write, on purpose. */
static int send_raw(const char *hex, const char *to, const char *from,
		    u64 count)
{
	struct sockaddr_storage dst, src;
	socklen_t dst_len, src_len = 0;
	size_t len = strlen(hex) / 2, i;
	u8 *buf;
	int fd, ret = 1;

	if (strlen(hex) % 2)
		return usage_error("--send-raw: odd number of hex digits", "");
	if (!to || parse_endpoint(to, &dst, &dst_len))
		return usage_error("--send-raw needs --to ADDR:PORT, got \"%s\"",
				   to ? to : "");
	if (from && parse_endpoint(from, &src, &src_len))
		return usage_error("bad --from \"%s\"", from);
	buf = malloc(len + 1);
	if (!buf)
		return 1;
	for (i = 0; i < len; i++) {
		int hi = hex_nibble(hex[2 * i]), lo = hex_nibble(hex[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			free(buf);
			return usage_error("--send-raw: \"%s\" is not hex", hex);
		}
		buf[i] = (u8)(hi << 4 | lo);
	}
	fd = open_socket(from ? &src : NULL, src_len, dst.ss_family);
	if (fd < 0)
		goto cleanup;
	for (; count; count--) {
		if (sendto(fd, buf, len, 0, (struct sockaddr *)&dst,
			   dst_len) != (ssize_t)len) {
			perror("plant: sendto failed");
			goto cleanup;
		}
	}
	ret = 0;
cleanup:
	if (fd >= 0)
		close(fd);
	free(buf);
	return ret;
}

static s32 q_abs(s32 v)
{
	return v == S32_MIN ? S32_MAX : (v < 0 ? -v : v);
}

static s32 max_abs(const s32 *v, unsigned int n)
{
	s32 m = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (q_abs(v[i]) > m)
			m = q_abs(v[i]);
	return m;
}

/*
 * One step: row i of Ad has g at column i and c at column i + 1, so
 * (Ad s)_i is the core's exact two-term dot product, rounded once.
 */
static void plant_step(struct plant *p)
{
	s32 next[PLANT_STATES_MAX];
	unsigned int i;

	for (i = 0; i < p->n; i++) {
		s32 row[2] = { p->gain, p->coupling };
		unsigned int terms = i + 1 < p->n ? 2 : 1;
		s32 ad_s = agi_q_dot(row, GAIN_FMT, &p->s[i], SIG_FMT, terms);

		next[i] = agi_q_add(ad_s, p->have_u ? p->u[i] : 0, SIG_FMT);
	}
	memcpy(p->s, next, sizeof(s32) * p->n);
}

static void plant_kick(struct plant *p, s32 kick)
{
	unsigned int i;

	for (i = 0; i < p->n; i++)
		p->s[i] = agi_q_add(p->s[i], kick, SIG_FMT);
}

/* Set by SIGUSR1, consumed by the step loop. */
static volatile sig_atomic_t kick_requested;

static void on_sigusr1(int sig)
{
	(void)sig;
	kick_requested = 1;
}

static void dump_sent(void *arg, const uint8_t *dgram, size_t len)
{
	FILE *f = arg;
	size_t i;

	for (i = 0; i < len; i++)
		fprintf(f, "%02x", dgram[i]);
	fprintf(f, "\n");
	fflush(f);
}

static void send_sensor(struct plant *p, u64 seq)
{
	char err[256];

	/* A lost SENSOR is what a real plant sees too; keep stepping. */
	if (agiplant_send_sensor(p->ep, seq, AGIPLANT_Q1_31, p->s, p->n, err,
				 sizeof(err)))
		fprintf(stderr, "plant: %s\n", err);
}

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

/* --actuate-log: which cycle of which epoch was taken, and when. */
static void log_actuation(FILE *f, const struct agiplant_actuation *a)
{
	fprintf(f, "{\"cycle\":%" PRIu64 ",\"epoch\":%" PRIu64
		",\"status\":%u,\"t_us\":%" PRIu64 "}\n", a->cycle, a->epoch,
		a->status, now_ns() / 1000);
	fflush(f);
}

/* The newest ACTUATE (libagiplant delivers each cycle once, in order). */
static void drain_socket(struct plant *p)
{
	struct agiplant_actuation a;
	char err[256];
	unsigned int i;
	int ret;

	while ((ret = agiplant_receive(p->ep, &a, err, sizeof(err))) > 0) {
		if (a.n != p->n || a.format != AGIPLANT_Q1_31) {
			p->n_wrong++;
			continue;
		}
		for (i = 0; i < p->n; i++)
			p->u[i] = a.u[i];
		p->u_cycle = a.cycle;
		if (p->alog)
			log_actuation(p->alog, &a);
		p->have_u = true;
	}
	if (ret < 0)
		fprintf(stderr, "plant: %s\n", err);
}


/* Receive until @deadline (CLOCK_MONOTONIC ns). */
static void wait_until(struct plant *p, u64 deadline)
{
	struct pollfd pfd = { .fd = agiplant_fd(p->ep), .events = POLLIN };
	u64 now;

	while ((now = now_ns()) < deadline) {
		int ms = (int)((deadline - now + 999999) / 1000000);

		if (poll(&pfd, 1, ms) > 0)
			drain_socket(p);
	}
	drain_socket(p);
}

static void print_step(const struct plant *p, u64 step, const s32 *u)
{
	char s_dec[64], u_dec[64];

	if (p->json) {
		printf("{\"step\":%" PRIu64 ",\"cycle\":%" PRIu64, step,
		       p->have_u ? p->u_cycle : 0);
		print_vec("s", p->s, p->n);
		print_vec("u", u, p->n);
		printf("}\n");
	} else {
		agi_q_to_decimal(max_abs(p->s, p->n), SIG_FMT, s_dec,
				 sizeof(s_dec));
		agi_q_to_decimal(u[0], SIG_FMT, u_dec, sizeof(u_dec));
		printf("step %4" PRIu64 "  max|s| %-12.12s  u[0] %-13.13s  cycle %" PRIu64 "\n",
		       step, s_dec, u_dec, p->have_u ? p->u_cycle : 0);
	}
	fflush(stdout);
}

static int plant_run(struct plant *p)
{
	s32 applied[PLANT_STATES_MAX] = { 0 };
	struct agiplant_stats st;
	u64 next = now_ns(), step;
	unsigned int i;

	for (i = 0; i < p->n; i++)
		p->s[i] = p->x0;
	print_step(p, 0, applied);
	send_sensor(p, 0);
	for (step = 1; step <= p->steps; step++) {
		next += (u64)p->period_ms * 1000000ull;
		wait_until(p, next);
		if (p->have_u)
			memcpy(applied, p->u, sizeof(s32) * p->n);
		plant_step(p);
		if (p->kick && step == p->kick_step)
			plant_kick(p, p->kick);
		if (kick_requested) {
			kick_requested = 0;
			plant_kick(p, p->signal_kick);
		}
		send_sensor(p, step);
		print_step(p, step, applied);
	}
	agiplant_get_stats(p->ep, &st);
	fprintf(stderr, "plant: %" PRIu64 " steps, %" PRIu64
		" ACTUATE applied, %" PRIu64 " ignored (stale), %" PRIu64
		" refused (malformed or wrong shape)\n",
		p->steps, st.delivered - p->n_wrong,
		st.duplicate + st.old_cycle + st.stale_epoch,
		st.refused + p->n_wrong);
	fprintf(stderr, "plant: ignored %" PRIu64 " duplicate cycle, %" PRIu64
		" older cycle, %" PRIu64 " stale epoch\n", st.duplicate,
		st.old_cycle, st.stale_epoch);
	return 0;
}

static int parse_decimal(const char *opt, const char *text,
			 enum agiswarm_qformat fmt, s32 *out)
{
	if (agi_q_from_decimal(text, fmt, false, out)) {
		fprintf(stderr, "plant: %s \"%s\" is not a number in %s\n",
			opt, text, agi_q_info(fmt)->name);
		return -EINVAL;
	}
	return 0;
}

static int parse_kick(struct plant *p, char *arg)
{
	char *colon = strchr(arg, ':');

	if (!colon)
		return usage_error("--kick wants STEP:VALUE, got \"%s\"", arg);
	*colon = '\0';
	if (parse_u64(arg, &p->kick_step) || !p->kick_step)
		return usage_error("--kick: bad step \"%s\" (1 or more)", arg);
	if (parse_decimal("--kick", colon + 1, SIG_FMT, &p->kick))
		return 2;
	return 0;
}

enum { OPT_STATES = 256, OPT_GAIN, OPT_COUPLING, OPT_X0, OPT_PERIOD,
	OPT_STEPS, OPT_KICK, OPT_JSON, OPT_RAW, OPT_TO, OPT_FROM, OPT_COUNT,
	OPT_KICK_SIGNAL, OPT_DUMP, OPT_ALOG };

static const struct option options[] = {
	AGI_PLANT_ARG_OPTIONS,
	{ "states", required_argument, NULL, OPT_STATES },
	{ "gain", required_argument, NULL, OPT_GAIN },
	{ "coupling", required_argument, NULL, OPT_COUPLING },
	{ "x0", required_argument, NULL, OPT_X0 },
	{ "period", required_argument, NULL, OPT_PERIOD },
	{ "steps", required_argument, NULL, OPT_STEPS },
	{ "kick", required_argument, NULL, OPT_KICK },
	{ "kick-on-signal", required_argument, NULL, OPT_KICK_SIGNAL },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "send-raw", required_argument, NULL, OPT_RAW },
	{ "to", required_argument, NULL, OPT_TO },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "dump-sent", required_argument, NULL, OPT_DUMP },
	{ "actuate-log", required_argument, NULL, OPT_ALOG },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct cmdline {
	struct agi_plant_args ep;	/* the endpoint's options */
	const char *raw, *to, *from, *dump, *alog;
	u64 count;
};

static int parse_option(struct plant *p, struct cmdline *c, int opt)
{
	char err[128];
	u64 v;
	int ret = agi_plant_arg(&c->ep, opt, optarg, err, sizeof(err));

	if (ret)
		return ret < 0 ? usage_error("%s", err) : 0;
	switch (opt) {
	case OPT_RAW: c->raw = optarg; return 0;
	case OPT_TO: c->to = optarg; return 0;
	case OPT_FROM: c->from = optarg; return 0;
	case OPT_DUMP: c->dump = optarg; return 0;
	case OPT_ALOG: c->alog = optarg; return 0;
	case OPT_JSON: p->json = true; return 0;
	case OPT_KICK: return parse_kick(p, optarg);
	case OPT_KICK_SIGNAL:
		if (parse_decimal("--kick-on-signal", optarg, SIG_FMT,
				  &p->signal_kick))
			return 2;
		signal(SIGUSR1, on_sigusr1);
		return 0;
	case OPT_GAIN:
		return parse_decimal("--gain", optarg, GAIN_FMT, &p->gain) ? 2 : 0;
	case OPT_COUPLING:
		return parse_decimal("--coupling", optarg, GAIN_FMT,
				     &p->coupling) ? 2 : 0;
	case OPT_X0:
		return parse_decimal("--x0", optarg, SIG_FMT, &p->x0) ? 2 : 0;
	}
	if (parse_u64(optarg, &v))
		return usage_error("\"%s\" is not a whole number", optarg);
	switch (opt) {
	case OPT_STATES:
		if (!v || v > PLANT_STATES_MAX)
			return usage_error("--states \"%s\" out of range", optarg);
		p->n = (unsigned int)v;
		return 0;
	case OPT_PERIOD:
		if (!v || v > 60000)
			return usage_error("--period \"%s\" out of 1..60000 ms", optarg);
		p->period_ms = (unsigned int)v;
		return 0;
	case OPT_STEPS: p->steps = v; return 0;
	case OPT_COUNT: c->count = v; return 0;
	}
	return 2;
}

/*
 * --psk FILE --key PUB (or --node-key KEY) --aggregator A --peer-key
 * PUB...: the endpoint.
 */
static int open_endpoint(struct plant *p, const struct cmdline *c)
{
	struct agiplant_config cfg;
	char err[512];

	if (agi_plant_args_config(&c->ep, &cfg, err, sizeof(err)))
		return usage_error("%s", err);
	if (agiplant_open(&cfg, &p->ep, err, sizeof(err))) {
		fprintf(stderr, "plant: %s\n", err);
		return 1;
	}
	if (p->dump)
		agiplant_set_sent_hook(p->ep, dump_sent, p->dump);
	return 0;
}

int main(int argc, char **argv)
{
	struct plant p = { .n = 8, .period_ms = 50, .steps = 200 };
	struct cmdline c = { .count = 1 };
	int opt, ret;

	agi_plant_args_init(&c.ep);
	agi_q_from_decimal("1.1", GAIN_FMT, false, &p.gain);
	agi_q_from_decimal("0.05", GAIN_FMT, false, &p.coupling);
	agi_q_from_decimal("0.5", SIG_FMT, false, &p.x0);
	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (opt == 'h') {
			usage(stdout);
			return 0;
		}
		if (opt == '?')
			return 2;
		ret = parse_option(&p, &c, opt);
		if (ret)
			return ret;
	}
	if (optind < argc)
		return usage_error("unexpected argument \"%s\"", argv[optind]);
	if (c.raw)
		return send_raw(c.raw, c.to, c.from, c.count);
	if (c.dump) {
		p.dump = fopen(c.dump, "w");
		if (!p.dump) {
			perror(c.dump);
			return 1;
		}
	}
	if (c.alog) {
		p.alog = fopen(c.alog, "w");
		if (!p.alog) {
			perror(c.alog);
			return 1;
		}
	}
	ret = open_endpoint(&p, &c);
	if (!ret)
		ret = plant_run(&p);
	agiplant_close(p.ep);
	if (p.dump)
		fclose(p.dump);
	if (p.alog)
		fclose(p.alog);
	return ret;
}
