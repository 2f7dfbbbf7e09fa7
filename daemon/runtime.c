// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agiswarmd's loop: starts the pieces the node's role needs, runs until
 * SIGTERM or SIGINT (SIGHUP reloads the configuration, reload.c), stops
 * them in reverse. Leaving changes nothing in the
 * module: its fast path and its cycle run on without the daemon, and a
 * new daemon takes over by registering again (the module forgets a
 * daemon whose netlink socket is gone, so kill -9 needs no cleanup).
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "user/names.h"
#include "runtime.h"

static const char *const level_prefix[] = {
	[AGI_LOG_ERROR] = "error: ",
	[AGI_LOG_WARNING] = "warning: ",
	[AGI_LOG_INFO] = "",
	[AGI_LOG_DEBUG] = "debug: ",
};

void agid_log(const struct agid *d, enum agi_log_level level,
	      const char *fmt, ...)
{
	va_list ap;

	if (level > d->cfg->log_level)
		return;
	fprintf(stderr, "agiswarmd: %s", level_prefix[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

u64 agid_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000 + (u64)ts.tv_nsec / 1000000;
}

void agid_close(void *handle)
{
	uv_handle_t *h = handle;

	if (h->loop && !uv_is_closing(h))
		uv_close(h, NULL);
}

static bool is_aggregator(const struct agid *d)
{
	return d->cfg->role == AGISWARM_ROLE_AGGREGATOR;
}

static void stop(struct agid *d)
{
	agid_control_close(d);
	agid_prom_close(d);
	agid_upcall_close(d);
	agid_session_close(d);
	if (is_aggregator(d)) {
		agid_members_close(d);
		agid_metrics_close(d);
		agid_alerts_close(d);
		agid_group_close(d);
		agid_commits_close(d);
	} else {
		agid_heartbeat_close(d);
	}
	agid_close(&d->sigterm);
	agid_close(&d->sigint);
	agid_close(&d->sighup);
}

static void on_signal(uv_signal_t *h, int signum)
{
	struct agid *d = h->data;

	agid_log(d, AGI_LOG_INFO, "%s: exiting; the module keeps running",
		 strsignal(signum));
	stop(d);
}

static void on_hup(uv_signal_t *h, int signum)
{
	(void)signum;
	agid_reload(h->data);
}

static int start_signals(struct agid *d)
{
	int err;

	uv_signal_init(&d->loop, &d->sigterm);
	uv_signal_init(&d->loop, &d->sigint);
	uv_signal_init(&d->loop, &d->sighup);
	d->sigterm.data = d;
	d->sigint.data = d;
	d->sighup.data = d;
	err = uv_signal_start(&d->sigterm, on_signal, SIGTERM);
	if (!err)
		err = uv_signal_start(&d->sigint, on_signal, SIGINT);
	/* Never the default action (exit): a reload, or nothing. */
	if (!err)
		err = uv_signal_start(&d->sighup, on_hup, SIGHUP);
	return err;
}

/*
 * The role's pieces; a failure leaves what started to stop(). An
 * aggregator's daemon takes the audit log's lock before it registers with
 * the module: a second daemon refused for the lock must not have replaced
 * the running one as the module's daemon first (its exit would leave the
 * node with none).
 */
static int start(struct agid *d)
{
	int err;

	if (!is_aggregator(d)) {
		err = agid_upcall_init(d);
		if (!err)
			err = agid_session_init(d);
		if (!err)
			err = agid_prom_init(d);
		if (!err)
			err = agid_heartbeat_init(d);
		return err ? err : agid_control_init(d);
	}
	err = agid_commits_init(d);
	if (!err)
		err = agid_upcall_init(d);
	if (!err)
		err = agid_session_init(d);
	if (!err)
		err = agid_prom_init(d);
	/* The workers first: the group's log, replayed, changes them. */
	if (!err)
		err = agid_members_init(d);
	if (!err)
		err = agid_group_init(d);
	if (!err)
		err = agid_metrics_init(d);
	if (!err)
		err = agid_alerts_init(d);
	return err ? err : agid_control_init(d);
}

int agid_run(const struct agi_config *cfg, struct agi_nl *nl, int lock)
{
	struct agid *d = calloc(1, sizeof(*d));
	int err, ret = 1;

	if (!d)
		return 1;
	d->live = malloc(sizeof(*d->live));
	if (!d->live)
		goto out_free;
	*d->live = *cfg;
	d->cfg = d->live;
	d->nl = nl;
	d->control.fd = lock;
	/* A peer closing a socket must not kill the daemon (libraft too). */
	signal(SIGPIPE, SIG_IGN);
	if (uv_loop_init(&d->loop))
		goto out_free;
	err = start_signals(d);
	if (!err)
		err = start(d);
	if (err) {
		agid_log(d, AGI_LOG_ERROR, "starting failed: %s",
			 err < 0 && err > -4096 ? strerror(-err) : "see above");
		stop(d);
	} else {
		agid_log(d, AGI_LOG_INFO, "running as %s %u (SIGTERM or SIGINT ends it, SIGHUP reloads the configuration)",
			 agi_role_name(cfg->role), cfg->node_id);
		ret = 0;
	}
	uv_run(&d->loop, UV_RUN_DEFAULT);
	uv_loop_close(&d->loop);
	agid_upcall_close_socket(d);
	agid_session_free(d);
	agid_prom_free(d);
out_free:
	free(d->live);
	free(d);
	return ret;
}
