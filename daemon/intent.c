// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The operator's intent: the configuration file plus the signed commits
 * applied since (the audit log), signed values winning. agid_intent_load()
 * reads and checks the log and merges what its applied commits set, key by
 * key, the later commit winning; the program step uses it to reprogram a
 * module (after `node stop`, a reload of the module, a reboot) without
 * losing a signed value to the file, and to say, key by key, where the
 * file and the signed values, or the running module and the intent,
 * differ.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/fixed.h"
#include "user/audit.h"
#include "user/names.h"
#include "user/parse.h"
#include "intent.h"

/* @k's value of @src into @dst. */
static void merge_change(struct agi_commit_changes *dst,
			 const struct agi_commit_changes *src, int k)
{
	switch (k) {
	case AGI_CH_SETPOINT:
		dst->n_setpoint = src->n_setpoint;
		memcpy(dst->setpoint, src->setpoint,
		       src->n_setpoint * sizeof(*src->setpoint));
		break;
	case AGI_CH_KP:
		dst->kp = src->kp;
		break;
	case AGI_CH_KI:
		dst->ki = src->ki;
		break;
	case AGI_CH_KD:
		dst->kd = src->kd;
		break;
	case AGI_CH_LO:
		dst->lo = src->lo;
		break;
	case AGI_CH_HI:
		dst->hi = src->hi;
		break;
	case AGI_CH_CYCLE_US:
		dst->cycle_us = src->cycle_us;
		break;
	case AGI_CH_DEADLINE_US:
		dst->deadline_us = src->deadline_us;
		break;
	case AGI_CH_MISS:
		dst->miss = src->miss;
		break;
	case AGI_CH_LAW:
		dst->law = src->law;
		break;
	case AGI_CH_MATRIX:
		dst->matrix = src->matrix;
		break;
	}
}

/*
 * The last applied record waits until the next record shows it was not
 * followed by a not-applied one (two-phase staging: the record of a
 * change that was never armed is followed by one).
 */
static struct agi_commit pending;	/* ~3 KiB: off the stack */
static u64 pending_seq;
static bool has_pending;

/*
 * The pending commit's changes become the intent. A resume is an event,
 * not a state: it is never replayed.
 */
static void merge_pending(struct agid_intent *in)
{
	u32 present = pending.changes.present & ~AGI_CH_BIT(AGI_CH_RESUME);
	int k;

	if (!has_pending)
		return;
	has_pending = false;
	for (k = 1; k < __AGI_CH_MAX; k++) {
		if (!(present & AGI_CH_BIT(k)))
			continue;
		merge_change(&in->ch, &pending.changes, k);
		in->seq[k] = pending_seq;
	}
	in->ch.present |= present;
	in->applied++;
}

static int merge_record(const struct agi_audit_record *r, void *data)
{
	struct agid_intent *in = data;

	in->records++;
	in->last_seq = r->seq;
	if (r->not_applied) {
		has_pending = false;	/* never took effect */
		return 0;
	}
	merge_pending(in);
	if (r->reason[0])
		return 0;	/* refused: changed nothing */
	if (agi_commit_decode(r->body, r->body_len, &pending))
		return -EBADMSG;	/* the verifier passed it: cannot be */
	pending_seq = r->seq;
	has_pending = true;
	return 0;
}

int agid_intent_load(const struct agi_config *cfg, struct agid_intent *in,
		     char *err, size_t errlen)
{
	int ret;

	memset(in, 0, sizeof(*in));
	/* No log, or none yet: nothing was signed. */
	if (access(cfg->audit_log, F_OK) && errno == ENOENT)
		return 0;
	/*
	 * The chain and the head's MAC: only this daemon could have written
	 * them, after checking each signature when the commit came (the
	 * operators' keys may have changed since).
	 */
	ret = agi_audit_verify(cfg->audit_log, NULL, NULL, err, errlen);
	if (ret == -ENODATA)
		return 0;
	if (ret)
		return ret;
	has_pending = false;
	ret = agi_audit_read(cfg->audit_log, merge_record, in, err, errlen);
	if (!ret)
		merge_pending(in);
	return ret;
}

/* A period in microseconds as agiswarmd's configuration writes it. */
static void ms_text(u32 us, char *buf, size_t size)
{
	char ms[32];

	agi_format_ms(us, ms, sizeof(ms));
	snprintf(buf, size, "%s ms", ms);
}

static void q_text(s32 raw, enum agiswarm_qformat fmt, char *buf, size_t size)
{
	agi_q_to_decimal(raw, fmt, buf, size);
}

static void vec_text(const s32 *v, u32 n, char *buf, size_t size)
{
	char one_value[64];
	size_t len = 0;
	u32 i;

	buf[0] = '\0';
	if (!n) {
		snprintf(buf, size, "[] (zeros)");
		return;
	}
	for (i = 0; i < n && len + 1 < size; i++) {
		q_text(v[i], AGISWARM_Q1_31, one_value, sizeof(one_value));
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					i ? "," : "", one_value);
	}
}

/*
 * The file's and the intent's text of key @k, into @file and @want (as the
 * configuration spells them); false when the commit does not set it.
 */
static bool key_texts(const struct agi_config *cfg,
		      const struct agid_intent *in, int k, const char **key,
		      char *file, char *want, size_t size)
{
	const struct agi_commit_changes *ch = &in->ch;

	if (!(ch->present & AGI_CH_BIT(k)))
		return false;
	switch (k) {
	case AGI_CH_SETPOINT:
		*key = "aggregator.pid.setpoint";
		vec_text(cfg->setpoint, cfg->n_setpoint, file, size);
		vec_text(ch->setpoint, ch->n_setpoint, want, size);
		break;
	case AGI_CH_KP:
		*key = "aggregator.pid.kp";
		q_text(cfg->kp, AGISWARM_Q8_24, file, size);
		q_text(ch->kp, AGISWARM_Q8_24, want, size);
		break;
	case AGI_CH_KI:
		*key = "aggregator.pid.ki";
		q_text(cfg->ki, AGISWARM_Q8_24, file, size);
		q_text(ch->ki, AGISWARM_Q8_24, want, size);
		break;
	case AGI_CH_KD:
		*key = "aggregator.pid.kd";
		q_text(cfg->kd, AGISWARM_Q8_24, file, size);
		q_text(ch->kd, AGISWARM_Q8_24, want, size);
		break;
	case AGI_CH_LO:
		*key = "aggregator.pid.lo";
		q_text(cfg->lo, AGISWARM_Q1_31, file, size);
		q_text(ch->lo, AGISWARM_Q1_31, want, size);
		break;
	case AGI_CH_HI:
		*key = "aggregator.pid.hi";
		q_text(cfg->hi, AGISWARM_Q1_31, file, size);
		q_text(ch->hi, AGISWARM_Q1_31, want, size);
		break;
	case AGI_CH_CYCLE_US:
		*key = "aggregator.cycle_time_ms";
		ms_text(cfg->cycle_time_us, file, size);
		ms_text(ch->cycle_us, want, size);
		break;
	case AGI_CH_DEADLINE_US:
		*key = "aggregator.timeout_ms";
		ms_text(cfg->timeout_us, file, size);
		ms_text(ch->deadline_us, want, size);
		break;
	case AGI_CH_MISS:
		*key = "aggregator.miss_policy";
		snprintf(file, size, "%s", agi_name(&agi_miss_names, cfg->miss_policy));
		snprintf(want, size, "%s", agi_name(&agi_miss_names, ch->miss));
		break;
	case AGI_CH_LAW:
		*key = "aggregator.control_law";
		snprintf(file, size, "%s", agi_name(&agi_law_names, cfg->control_law));
		snprintf(want, size, "%s", agi_name(&agi_law_names, ch->law));
		break;
	case AGI_CH_MATRIX:
		*key = "matrix.file";
		snprintf(file, size, "%s", cfg->matrix_file);
		snprintf(want, size, "the signed %u x %u matrix",
			 ch->matrix.rows, ch->matrix.cols);
		break;
	default:
		return false;
	}
	return true;
}

void agid_intent_log_signed(const struct agi_config *cfg,
			    const struct agid_intent *in)
{
	char file[2048], want[2048];
	const char *key;
	int k;

	for (k = 1; k < __AGI_CH_MAX; k++) {
		if (!key_texts(cfg, in, k, &key, file, want, sizeof(file)) ||
		    !strcmp(file, want))
			continue;
		fprintf(stderr, "agiswarmd: %s: the file says %s, signed commit seq %" PRIu64 " says %s: the signed value is programmed\n",
			key, file, in->seq[k], want);
	}
}

/* "KEY: the module runs with X, the intent is Y (from ...)". */
static void differs(const char *key, const char *runs, const char *want,
		    u64 seq)
{
	if (!strcmp(runs, want))
		return;
	if (seq)
		fprintf(stderr, "agiswarmd: %s: the module runs with %s, signed commit seq %" PRIu64 " says %s: kept as it runs\n",
			key, runs, seq, want);
	else
		fprintf(stderr, "agiswarmd: %s: the module runs with %s, the file says %s: kept as it runs (restart after `agictl node stop` to program the file)\n",
			key, runs, want);
}

void agid_intent_compare(const struct agi_config *cfg,
			 const struct agid_intent *in,
			 const struct agi_status *st)
{
	const struct agi_commit_changes *ch = &in->ch;
	char runs[2048], want[2048];
	u32 cycle_us = cfg->cycle_time_us, deadline_us = cfg->timeout_us;
	u8 law = cfg->control_law, miss = cfg->miss_policy;
	const s32 *sp = cfg->setpoint;
	u32 nsp = cfg->n_setpoint;

	if (ch->present & AGI_CH_BIT(AGI_CH_CYCLE_US))
		cycle_us = ch->cycle_us;
	if (ch->present & AGI_CH_BIT(AGI_CH_DEADLINE_US))
		deadline_us = ch->deadline_us;
	if (ch->present & AGI_CH_BIT(AGI_CH_LAW))
		law = ch->law;
	if (ch->present & AGI_CH_BIT(AGI_CH_MISS))
		miss = ch->miss;
	if (ch->present & AGI_CH_BIT(AGI_CH_SETPOINT)) {
		sp = ch->setpoint;
		nsp = ch->n_setpoint;
	}
	if (st->has[AGI_ST_PERIOD_US]) {
		snprintf(runs, sizeof(runs), "%llu us",
			 (unsigned long long)st->field[AGI_ST_PERIOD_US]);
		snprintf(want, sizeof(want), "%u us", cycle_us);
		differs("aggregator.cycle_time_ms", runs, want,
			in->seq[AGI_CH_CYCLE_US]);
	}
	if (st->has[AGI_ST_DEADLINE_US]) {
		snprintf(runs, sizeof(runs), "%llu us",
			 (unsigned long long)st->field[AGI_ST_DEADLINE_US]);
		snprintf(want, sizeof(want), "%u us", deadline_us);
		differs("aggregator.timeout_ms", runs, want,
			in->seq[AGI_CH_DEADLINE_US]);
	}
	if (st->has[AGI_ST_MISS])
		differs("aggregator.miss_policy",
			agi_name(&agi_miss_names, st->field[AGI_ST_MISS]),
			agi_name(&agi_miss_names, miss), in->seq[AGI_CH_MISS]);
	if (st->has[AGI_ST_LAW])
		differs("aggregator.control_law",
			agi_name(&agi_law_names, st->field[AGI_ST_LAW]),
			agi_name(&agi_law_names, law), in->seq[AGI_CH_LAW]);
	if (st->has_pid && (st->pid.present & AGI_PID_SETPOINT || nsp)) {
		vec_text(st->pid.setpoint, st->pid.n_setpoint, runs, sizeof(runs));
		vec_text(sp, nsp, want, sizeof(want));
		differs("aggregator.pid.setpoint", runs, want,
			in->seq[AGI_CH_SETPOINT]);
	}
	if (st->has_pid) {
		q_text(st->pid.kp, AGISWARM_Q8_24, runs, sizeof(runs));
		q_text(ch->present & AGI_CH_BIT(AGI_CH_KP) ? ch->kp : cfg->kp,
		       AGISWARM_Q8_24, want, sizeof(want));
		differs("aggregator.pid.kp", runs, want, in->seq[AGI_CH_KP]);
		q_text(st->pid.ki, AGISWARM_Q8_24, runs, sizeof(runs));
		q_text(ch->present & AGI_CH_BIT(AGI_CH_KI) ? ch->ki : cfg->ki,
		       AGISWARM_Q8_24, want, sizeof(want));
		differs("aggregator.pid.ki", runs, want, in->seq[AGI_CH_KI]);
		q_text(st->pid.kd, AGISWARM_Q8_24, runs, sizeof(runs));
		q_text(ch->present & AGI_CH_BIT(AGI_CH_KD) ? ch->kd : cfg->kd,
		       AGISWARM_Q8_24, want, sizeof(want));
		differs("aggregator.pid.kd", runs, want, in->seq[AGI_CH_KD]);
	}
	if (st->has[AGI_ST_SENSOR_TIMEOUT_US]) {
		snprintf(runs, sizeof(runs), "%llu us",
			 (unsigned long long)st->field[AGI_ST_SENSOR_TIMEOUT_US]);
		snprintf(want, sizeof(want), "%u us", cfg->sensor_timeout_ms * 1000);
		differs("aggregator.sensor_timeout_ms", runs, want, 0);
	}
}
