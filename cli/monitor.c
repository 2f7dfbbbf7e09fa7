// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agictl monitor: every cycle as it completes, from the "cycles" multicast
 * group. Under -j each cycle is one JSON object on one line, flushed at
 * once, so that a test or a pipe sees it as soon as the module sent it.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/fixed.h"
#include "user/metrics.h"
#include "agictl.h"

/* Room for bursts at 1 kHz while stdout is slow. */
#define MONITOR_RCVBUF (1 << 20)
#define MONITOR_RECV_SIZE 65536

static volatile sig_atomic_t stop;

struct monitor {
	u64 count;	/* cycles to print, 0 = until interrupted */
	u64 seen;
	struct agictl_producer producer;	/* read once, at the start */
};

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void monitor_usage(void)
{
	printf("Usage: agictl [-j] monitor [ --count N ]\n"
	       "Prints each cycle of this node's aggregator as it ends, until\n"
	       "N cycles were printed or SIGINT/SIGTERM (exit 0 either way).\n"
	       "Text: one line per cycle: id, epoch, in a replicated group the\n"
	       "member that produced it (\"by NAME\": the owner of the epoch,\n"
	       "named when this node's agiswarmd answers, else its rank), ok or\n"
	       "missed, latency, the workers that answered, and x, y and u as\n"
	       "decimals (shortened to 6 fractional digits).\n"
	       "JSON: one object per line per cycle, flushed after each:\n"
	       "  {\"cycle\": N, \"epoch\": E, \"producer\": NAME (in a group),\n"
	       "   \"status\": \"ok\"|\"missed\",\n"
	       "   \"latency_us\": L, \"x\": [raw...], \"y\": [raw...], \"u\": [raw...]}\n"
	       "with x, y and u raw values of the cycle's format (y is empty when\n"
	       "the cycle missed its deadline). Events the kernel could not\n"
	       "deliver (a full receive buffer) are reported on stderr.\n");
}

static void print_vec_json(const char *key, const struct agi_vec *v)
{
	u32 i;

	agi_open_array(key);
	for (i = 0; i < v->n; i++)
		agi_print_s64(AGI_PRINT_JSON, NULL, NULL, v->raw[i]);
	agi_close_array();
}

/* Decimals cut to six fractional digits: readable, not exact. */
static void print_vec_text(const char *name, const struct agi_vec *v,
			   enum agiswarm_qformat fmt)
{
	char dec[64], *dot;
	u32 i;

	agi_print_text(" %s [", name);
	for (i = 0; i < v->n; i++) {
		if (agi_q_to_decimal(v->raw[i], fmt, dec, sizeof(dec)) < 0)
			snprintf(dec, sizeof(dec), "raw:%d", v->raw[i]);
		dot = strchr(dec, '.');
		if (dot && strlen(dot) > 7)
			dot[7] = '\0';
		agi_print_text(i ? " %s" : "%s", dec);
	}
	agi_print_text("]");
}

static void print_cycle(const struct agi_cycle *c,
			const struct agictl_producer *p)
{
	enum agiswarm_qformat fmt = agi_q_info(c->fmt) ? c->fmt :
				    AGISWARM_Q1_31;
	char rank[8];
	const char *by = agictl_producer(p, c->epoch, rank, sizeof(rank));

	agi_print_begin();
	agi_print_u64(AGI_PRINT_ANY, "cycle", "cycle %llu", c->cycle);
	agi_print_u64(AGI_PRINT_ANY, "epoch", " epoch %llu", c->epoch);
	if (by)
		agi_print_string(AGI_PRINT_ANY, "producer", " by %s", by);
	agi_print_string(AGI_PRINT_ANY, "status", " %s", c->missed ? "missed" : "ok");
	agi_print_u64(AGI_PRINT_ANY, "latency_us", " latency %lluus", c->latency_us);
	agi_print_text(" workers %llu/%llu", (unsigned long long)c->workers,
		   (unsigned long long)c->tasks);
	if (agi_print_is_json()) {
		print_vec_json("x", &c->x);
		print_vec_json("y", &c->y);
		print_vec_json("u", &c->u);
	} else {
		print_vec_text("x", &c->x, fmt);
		print_vec_text("y", &c->y, fmt);
		print_vec_text("u", &c->u, fmt);
		agi_print_text("\n");
	}
	agi_print_end();
	fflush(stdout);
}

static int event_cb(const struct agi_cycle *c, void *data)
{
	struct monitor *m = data;

	if (!c) {
		fprintf(stderr, "monitor: skipped a malformed cycle event\n");
		return 0;
	}
	print_cycle(c, &m->producer);
	if (ferror(stdout))
		return errno ? -errno : -EIO;
	m->seen++;
	return m->count && m->seen >= m->count;
}

/*
 * SIGINT and SIGTERM are blocked except while waiting in ppoll(), so that
 * one arriving between the check of @stop and the wait cannot be lost.
 */
static int setup_signals(sigset_t *waitmask)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &block, waitmask) < 0)
		return -errno;
	sigdelset(waitmask, SIGINT);
	sigdelset(waitmask, SIGTERM);
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGTERM, &sa, NULL) < 0)
		return -errno;
	return 0;
}

/* Returns 0 when done (count reached or a signal), else a negative errno. */
static int receive_loop(struct agi_nl *nl, struct monitor *m,
			const sigset_t *waitmask)
{
	struct pollfd pfd = { .fd = agi_nl_fd(nl), .events = POLLIN };
	char *buf = malloc(MONITOR_RECV_SIZE);
	int ret = 0;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	while (!stop) {
		if (ppoll(&pfd, 1, NULL, waitmask) < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		n = recv(pfd.fd, buf, MONITOR_RECV_SIZE, MSG_DONTWAIT);
		if (n < 0 && errno == ENOBUFS) {
			fprintf(stderr, "monitor: events lost (receive buffer full)\n");
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		ret = agi_cycle_events(buf, (size_t)n, event_cb, m);
		if (ret) {
			ret = ret < 0 ? ret : 0;
			break;
		}
	}
	free(buf);
	return ret;
}

static int parse_monitor(int argc, char **argv, struct monitor *m)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--count")) {
			if (i + 1 >= argc)
				return agictl_usage_error("\"--count\" needs a number");
			if (agi_parse_u64(argv[i + 1], UINT64_MAX, &m->count) ||
			    !m->count)
				return agictl_usage_error("invalid count \"%s\" (expected a positive number)",
							  argv[i + 1]);
			i++;
		} else {
			return agictl_usage_error("unknown monitor argument \"%s\", try \"agictl monitor help\".",
						  argv[i]);
		}
	}
	return AGICTL_OK;
}

int agictl_monitor(int argc, char **argv)
{
	struct monitor m = { 0 };
	int rcvbuf = MONITOR_RCVBUF;
	struct agi_nl nl;
	sigset_t waitmask;
	int err, ret;

	if (argc > 1 && agictl_is_help(argv[1])) {
		monitor_usage();
		return AGICTL_OK;
	}
	ret = parse_monitor(argc - 1, argv + 1, &m);
	if (ret)
		return ret;
	ret = agictl_open(&nl, "monitor");
	if (ret)
		return ret;
	agictl_producer_init(&nl, &m.producer);
	err = agi_nl_subscribe(&nl, AGISWARM_MCGRP_CYCLES);
	if (err == -ENOENT) {
		ret = agictl_fail("monitor failed: the module has no \"%s\" group",
				  AGISWARM_MCGRP_CYCLES);
		goto cleanup;
	}
	/* Not fatal: the default buffer works, it only overflows sooner. */
	setsockopt(agi_nl_fd(&nl), SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		   sizeof(rcvbuf));
	if (!err)
		err = setup_signals(&waitmask);
	if (!err)
		err = receive_loop(&nl, &m, &waitmask);
	if (err)
		ret = agictl_fail("monitor failed: %s", strerror(-err));
cleanup:
	agi_nl_close(&nl);
	return ret;
}
