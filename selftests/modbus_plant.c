// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * modbus_plant: a Modbus/TCP device holding a simulated plant, for
 * plant_modbus.sh and `make demo PLANT=modbus`.
 *
 *   s[k+1] = Ad s[k] + u[k],   Ad = g*I + c*(superdiagonal)
 *
 * the dynamics of selftests/plant.c (Q8.24 gains, Q1.31 state, the core's
 * exact dot product), stepped every --period by the device's own clock.
 * Its firmware speaks the registers of a mapping file (agiswarm-modbus(8)):
 * after each step it writes s into the sensors' registers, and u is what
 * the actuators' holding registers hold, both by the mapping's rule (the
 * registers start at u = 0). The server is libmodbus's. One JSON line per
 * step on stdout: {"step":k,"s":[raw],"u":[raw],"held":[words]} (u and
 * the holding registers it was read from, applied at that step).
 * --kick-on-signal V adds V to every state at the step after each SIGUSR1
 * (the demo's disturbance, as plant's).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/select.h>

#include <modbus/modbus.h>

#include "core/fixed.h"
#include "user/modbus_map.h"
#include "lib/json_vec.h"

#define NAME "modbus_plant"
#define REGS 1024			/* registers 0..1023 of each table */
#define CLIENTS 8

static struct agi_modbus_map map;
static volatile sig_atomic_t stop, kick_requested;
static s32 kick;			/* Q1.31, 0: no kick */

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static void on_kick(int sig)
{
	(void)sig;
	kick_requested = 1;
}

static u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000 + (u64)ts.tv_nsec / 1000000;
}

static u16 *table_of(modbus_mapping_t *mb, const struct agi_modbus_reg *r)
{
	return r->table == AGI_MODBUS_INPUT ? mb->tab_input_registers :
					      mb->tab_registers;
}

/* One step with the u the holding registers hold; s into the registers. */
static void step(modbus_mapping_t *mb, s32 *s, s32 gain, s32 coupling,
		 u64 k)
{
	s32 u[AGI_MODBUS_VEC_MAX], next[AGI_MODBUS_VEC_MAX];
	unsigned int i, n = map.n_sensors, w = 0;

	printf("{\"step\":%" PRIu64, k);
	for (i = 0; i < n; i++) {
		const struct agi_modbus_reg *a = &map.actuator[i];

		u[i] = agi_modbus_to_fixed(a, map.format, &mb->tab_registers[a->reg]);
	}
	if (k) {
		for (i = 0; i < n; i++) {
			s32 row[2] = { gain, coupling };
			unsigned int terms = i + 1 < n ? 2 : 1;

			next[i] = agi_q_add(agi_q_dot(row, AGISWARM_Q8_24, &s[i],
						      AGISWARM_Q1_31, terms),
					    u[i], AGISWARM_Q1_31);
		}
		memcpy(s, next, sizeof(s32) * n);
	}
	if (kick_requested) {
		kick_requested = 0;
		for (i = 0; i < n; i++)
			s[i] = agi_q_add(s[i], kick, AGISWARM_Q1_31);
	}
	for (i = 0; i < n; i++) {
		const struct agi_modbus_reg *r = &map.sensor[i];

		agi_modbus_from_fixed(r, s[i], &table_of(mb, r)[r->reg]);
	}
	print_vec("s", s, n);
	print_vec("u", u, n);
	printf(",\"held\":[");
	for (i = 0; i < n; i++) {
		const struct agi_modbus_reg *a = &map.actuator[i];
		unsigned int j;

		for (j = 0; j < agi_modbus_nregs(a); j++)
			printf("%s%u", w++ ? "," : "", mb->tab_registers[a->reg + j]);
	}
	printf("]}\n");
	fflush(stdout);
}

static int check_map(void)
{
	unsigned int i;

	if (map.n_sensors != map.n_actuators) {
		fprintf(stderr, NAME ": the plant needs as many actuators as sensors (%u, %u)\n",
			map.n_sensors, map.n_actuators);
		return 1;
	}
	for (i = 0; i < map.n_sensors; i++)
		if (map.sensor[i].reg + 2 > REGS || map.actuator[i].reg + 2 > REGS) {
			fprintf(stderr, NAME ": registers above %d are not served\n",
				REGS - 2);
			return 1;
		}
	return 0;
}

/* Serves requests until @deadline (ms). */
static void serve(modbus_t *ctx, modbus_mapping_t *mb, int server,
		  int *clients, u64 deadline)
{
	u8 query[MODBUS_TCP_MAX_ADU_LENGTH];
	struct timeval tv;
	fd_set fds;
	int i, top, fd, rc;
	u64 now;

	while (!stop && (now = now_ms()) < deadline) {
		FD_ZERO(&fds);
		FD_SET(server, &fds);
		top = server;
		for (i = 0; i < CLIENTS; i++) {
			if (clients[i] < 0)
				continue;
			FD_SET(clients[i], &fds);
			if (clients[i] > top)
				top = clients[i];
		}
		tv.tv_sec = (time_t)((deadline - now) / 1000);
		tv.tv_usec = (suseconds_t)((deadline - now) % 1000 * 1000);
		if (select(top + 1, &fds, NULL, NULL, &tv) <= 0)
			continue;
		if (FD_ISSET(server, &fds)) {
			fd = modbus_tcp_accept(ctx, &server);
			for (i = 0; fd >= 0 && i < CLIENTS; i++)
				if (clients[i] < 0) {
					clients[i] = fd;
					fd = -1;
				}
			if (fd >= 0)
				close(fd);	/* full */
		}
		for (i = 0; i < CLIENTS; i++) {
			if (clients[i] < 0 || !FD_ISSET(clients[i], &fds))
				continue;
			modbus_set_socket(ctx, clients[i]);
			rc = modbus_receive(ctx, query);
			if (rc > 0) {
				modbus_reply(ctx, query, rc, mb);
			} else if (rc < 0) {
				close(clients[i]);
				clients[i] = -1;
			}
		}
	}
}

static int parse_q(const char *opt, const char *s, enum agiswarm_qformat fmt,
		   s32 *v)
{
	if (!agi_q_from_decimal(s, fmt, false, v))
		return 0;
	fprintf(stderr, NAME ": %s: bad value '%s'\n", opt, s);
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "map", required_argument, NULL, 'm' },
		{ "listen", required_argument, NULL, 'l' },
		{ "period", required_argument, NULL, 'p' },
		{ "gain", required_argument, NULL, 'g' },
		{ "coupling", required_argument, NULL, 'c' },
		{ "x0", required_argument, NULL, 'x' },
		{ "kick-on-signal", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = NULL, *ip = "0.0.0.0";
	int clients[CLIENTS], server, opt, port = 0, period = 100, i;
	s32 s[AGI_MODBUS_VEC_MAX], gain, coupling, x0;
	struct sigaction sa = { .sa_handler = on_stop }, sk = { .sa_handler = on_kick };
	char err[AGI_MODBUS_ERR_LEN], *colon;
	modbus_mapping_t *mb;
	modbus_t *ctx;
	u64 k, next;

	agi_q_from_decimal("1.1", AGISWARM_Q8_24, false, &gain);
	agi_q_from_decimal("0.05", AGISWARM_Q8_24, false, &coupling);
	agi_q_from_decimal("0.5", AGISWARM_Q1_31, false, &x0);
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'm': file = optarg; break;
		case 'l':
			colon = strrchr(optarg, ':');
			if (!colon)
				return 2;
			*colon = '\0';
			ip = optarg;
			port = atoi(colon + 1);
			break;
		case 'p': period = atoi(optarg); break;
		case 'g': if (parse_q("--gain", optarg, AGISWARM_Q8_24, &gain)) return 2; break;
		case 'c': if (parse_q("--coupling", optarg, AGISWARM_Q8_24, &coupling)) return 2; break;
		case 'x': if (parse_q("--x0", optarg, AGISWARM_Q1_31, &x0)) return 2; break;
		case 'k':
			if (parse_q("--kick-on-signal", optarg, AGISWARM_Q1_31, &kick))
				return 2;
			sigaction(SIGUSR1, &sk, NULL);
			break;
		default:
			fprintf(stderr, "Usage: " NAME " --map FILE [--listen ADDR:PORT] [--period MS] [--gain G] [--coupling C] [--x0 V] [--kick-on-signal V]\n");
			return 2;
		}
	}
	if (!file || period <= 0) {
		fprintf(stderr, NAME ": --map FILE is required, --period positive\n");
		return 2;
	}
	if (agi_modbus_map_load(&map, file, NULL, err, sizeof(err))) {
		fprintf(stderr, NAME ": %s\n", err);
		return 1;
	}
	if (check_map())
		return 1;
	ctx = modbus_new_tcp(ip, port ? port : map.port);
	mb = modbus_mapping_new(0, 0, REGS, REGS);
	if (!ctx || !mb) {
		fprintf(stderr, NAME ": %s\n", modbus_strerror(errno));
		return 1;
	}
	server = modbus_tcp_listen(ctx, CLIENTS);
	if (server < 0) {
		fprintf(stderr, NAME ": listen on %s:%d: %s\n", ip,
			port ? port : map.port, modbus_strerror(errno));
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	for (i = 0; i < CLIENTS; i++)
		clients[i] = -1;
	/* The actuators' registers at rest: u = 0. */
	for (i = 0; i < (int)map.n_actuators; i++)
		agi_modbus_from_fixed(&map.actuator[i], 0,
				      &mb->tab_registers[map.actuator[i].reg]);
	for (i = 0; i < (int)map.n_sensors; i++)
		s[i] = x0;
	next = now_ms();
	for (k = 0; !stop; k++) {
		step(mb, s, gain, coupling, k);
		next += (u64)period;
		serve(ctx, mb, server, clients, next);
	}
	for (i = 0; i < CLIENTS; i++)
		if (clients[i] >= 0)
			close(clients[i]);
	close(server);
	modbus_mapping_free(mb);
	modbus_free(ctx);
	return 0;
}
