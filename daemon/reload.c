// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * SIGHUP: the configuration file read again. An invalid file changes
 * nothing and is logged with the very words of --check-config. A valid one
 * is compared with the running configuration key by key:
 *
 *   - the law's keys (aggregator.cycle_time_ms, timeout_ms, miss_policy,
 *     control_law, pid.*) go to the module as ONE staged SET_NODE at an
 *     announced cycle (the module checks them all, or refuses them all);
 *   - the safety keys (aggregator.sensor_timeout_ms, safe_output) follow
 *     at once, once the staged change was taken;
 *   - the daemon's own keys (logging.level, security.commit_window_s,
 *     security.authorized_keys, aggregator.alert_miss_rate) take effect
 *     at once;
 *   - any other key (role, id, ports, peers, the matrix, the audit log,
 *     ...) needs a restart: then the whole reload is refused, naming the
 *     keys, and nothing changes.
 *
 * Only what the file changed is sent: a value a signed commit set stays
 * unless the file's value of that key was edited.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/fixed.h"
#include "user/matrix.h"
#include "user/node.h"
#include "user/status.h"
#include "runtime.h"

#define RELOAD_MARGIN 10	/* cycles between the reload and its cycle */

enum key_class { K_STAGED, K_SAFETY, K_DAEMON, K_RESTART };

static const struct {
	const char *key;
	enum key_class cls;
} classes[] = {
	{ "aggregator.cycle_time_ms", K_STAGED },
	{ "aggregator.timeout_ms", K_STAGED },
	{ "aggregator.miss_policy", K_STAGED },
	{ "aggregator.control_law", K_STAGED },
	{ "aggregator.pid.kp", K_STAGED },
	{ "aggregator.pid.ki", K_STAGED },
	{ "aggregator.pid.kd", K_STAGED },
	{ "aggregator.pid.lo", K_STAGED },
	{ "aggregator.pid.hi", K_STAGED },
	{ "aggregator.pid.setpoint", K_STAGED },
	{ "aggregator.sensor_timeout_ms", K_SAFETY },
	{ "aggregator.safe_output", K_SAFETY },
	{ "aggregator.alert_miss_rate", K_DAEMON },
	{ "logging.level", K_DAEMON },
	{ "security.commit_window_s", K_DAEMON },
	{ "security.authorized_keys", K_DAEMON },
};

static enum key_class key_class(const char *key)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(classes); i++)
		if (!strcmp(classes[i].key, key))
			return classes[i].cls;
	return K_RESTART;
}

/* What differs, by class, and the keys that need a restart. */
struct diff {
	const struct agid *d;
	unsigned int n[K_RESTART + 1];
	char restart[512];
	bool log;
};

static void on_key(const char *key, const char *was, const char *now,
		   void *data)
{
	struct diff *df = data;
	enum key_class c = key_class(key);
	size_t len = strlen(df->restart);

	df->n[c]++;
	if (c == K_RESTART && len + strlen(key) + 3 < sizeof(df->restart))
		snprintf(df->restart + len, sizeof(df->restart) - len, "%s%s",
			 len ? ", " : "", key);
	if (df->log)
		agid_log(df->d, AGI_LOG_INFO, "SIGHUP: %s: %s -> %s%s", key, was,
			 now, c == K_RESTART ? " (needs a restart)" : "");
}

/* The law's keys of @now that differ from @was, as one SET_NODE. */
static void staged_req(const struct agi_config *was,
		       const struct agi_config *now, struct agi_node_req *r)
{
	memset(r, 0, sizeof(*r));
	if (was->cycle_time_us != now->cycle_time_us) {
		r->present |= AGI_NODE_CYCLE;
		r->cycle_us = now->cycle_time_us;
	}
	if (was->timeout_us != now->timeout_us) {
		r->present |= AGI_NODE_DEADLINE;
		r->deadline_us = now->timeout_us;
	}
	if (was->miss_policy != now->miss_policy) {
		r->present |= AGI_NODE_MISS;
		r->miss = now->miss_policy;
	}
	if (was->control_law != now->control_law) {
		r->present |= AGI_NODE_LAW;
		r->law = now->control_law;
	}
	/* Each on its own: a signed value of another key stays. */
	r->pid.kp = now->kp;
	r->pid.ki = now->ki;
	r->pid.kd = now->kd;
	r->pid.lo = now->lo;
	r->pid.hi = now->hi;
	if (was->kp != now->kp)
		r->pid.present |= AGI_PID_KP;
	if (was->ki != now->ki)
		r->pid.present |= AGI_PID_KI;
	if (was->kd != now->kd)
		r->pid.present |= AGI_PID_KD;
	if (was->lo != now->lo)
		r->pid.present |= AGI_PID_LO;
	if (was->hi != now->hi)
		r->pid.present |= AGI_PID_HI;
	if (was->n_setpoint != now->n_setpoint ||
	    memcmp(was->setpoint, now->setpoint,
		   now->n_setpoint * sizeof(*now->setpoint))) {
		r->pid.present |= AGI_PID_SETPOINT;
		r->pid.n_setpoint = now->n_setpoint;
		memcpy(r->pid.setpoint, now->setpoint,
		       now->n_setpoint * sizeof(*now->setpoint));
	}
	if (r->pid.present)
		r->present |= AGI_NODE_PID;
}

static void safety_req(const struct agi_config *now, struct agi_node_req *r)
{
	memset(r, 0, sizeof(*r));
	r->present = AGI_NODE_SENSOR_TIMEOUT | AGI_NODE_SAFE_OUTPUT;
	r->sensor_timeout_us = now->sensor_timeout_ms * 1000;
	/* [] is all zeros: one zero says so (0 past the end). */
	r->n_safe = now->n_safe_output ? now->n_safe_output : 1;
	memcpy(r->safe, now->safe_output,
	       now->n_safe_output * sizeof(*now->safe_output));
}

static const char *why(const struct agid *d, int err)
{
	return d->nl->extack[0] ? d->nl->extack : strerror(-err);
}

/* Checks @now against the module's matrix; 0 or -EINVAL, logged. */
static int check_with_module(struct agid *d, const struct agi_config *now)
{
	char err[AGI_CONFIG_ERR_LEN];
	struct agi_matrix_info mi;

	if (now->role != AGISWARM_ROLE_AGGREGATOR ||
	    agi_matrix_get(d->nl, &mi))
		return 0;
	if (!agi_config_check_matrix(now, mi.rows, err, sizeof(err)))
		return 0;
	agid_log(d, AGI_LOG_ERROR, "SIGHUP: reload refused, nothing changed: %s",
		 err);
	return -EINVAL;
}

/* The module's part of the reload: 0, or -errno with nothing changed. */
static int apply(struct agid *d, const struct agi_config *now,
		 const struct diff *df)
{
	static struct agi_node_req r;
	struct agi_status st;
	int err;

	if (df->n[K_STAGED]) {
		staged_req(d->cfg, now, &r);
		err = agi_status_get(d->nl, &st);
		if (!err) {
			r.apply_at = st.field[AGI_ST_CYCLE_ID] + RELOAD_MARGIN;
			err = agi_node_set(d->nl, &r);
		}
		if (err) {
			agid_log(d, AGI_LOG_ERROR, "SIGHUP: reload refused by the module, nothing changed: %s",
				 why(d, err));
			return err;
		}
		agid_log(d, AGI_LOG_INFO, "SIGHUP: the law's changes apply at cycle %llu",
			 (unsigned long long)r.apply_at);
	}
	if (df->n[K_SAFETY]) {
		safety_req(now, &r);
		err = agi_node_set(d->nl, &r);
		if (err) {
			agid_log(d, AGI_LOG_ERROR, "SIGHUP: setting the safety keys failed: %s",
				 why(d, err));
			return err;
		}
	}
	return 0;
}

void agid_reload(struct agid *d)
{
	static struct agi_config now;
	char err[AGI_CONFIG_ERR_LEN];
	const char *file = *d->cfg->file ? d->cfg->file : AGI_CONFIG_DEFAULT_FILE;
	struct diff df = { .d = d };

	agid_log(d, AGI_LOG_INFO, "SIGHUP: reading %s again", file);
	if (agi_config_load(&now, file, err, sizeof(err))) {
		/* The words of --check-config. */
		agid_log(d, AGI_LOG_ERROR, "SIGHUP: reload refused, nothing changed: %s",
			 err);
		return;
	}
	/* The matrix file is read at start only: the running one counts. */
	snprintf(now.matrix_file, sizeof(now.matrix_file), "%s",
		 d->cfg->matrix_file);
	if (!agi_config_diff(d->cfg, &now, on_key, &df)) {
		agid_log(d, AGI_LOG_INFO, "SIGHUP: %s is unchanged: nothing to do",
			 file);
		return;
	}
	if (df.n[K_RESTART]) {
		df.log = true;
		memset(df.n, 0, sizeof(df.n));
		agi_config_diff(d->cfg, &now, on_key, &df);
		agid_log(d, AGI_LOG_ERROR, "SIGHUP: reload refused, nothing changed: %s changed, which takes a restart of agiswarmd",
			 df.restart);
		return;
	}
	if (check_with_module(d, &now))
		return;
	if (d->cfg->role == AGISWARM_ROLE_AGGREGATOR && apply(d, &now, &df))
		return;
	df.log = true;
	agi_config_diff(d->cfg, &now, on_key, &df);
	*d->live = now;
	agid_log(d, AGI_LOG_INFO, "SIGHUP: %s reloaded", file);
}
