// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Cycle records and metrics.csv: see metrics.h.
 */
#include <errno.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "metrics.h"

/* A vector attribute: whole s32s only, pointing into the message. */
static int get_vec(const struct nlattr *a, struct agi_vec *v)
{
	u16 len = mnl_attr_get_payload_len(a);

	if (len % sizeof(s32))
		return MNL_CB_ERROR;
	v->n = len / sizeof(s32);
	v->raw = mnl_attr_get_payload(a);
	return MNL_CB_OK;
}

static int cycle_attr_cb(const struct nlattr *a, void *data)
{
	struct agi_cycle *c = data;
	int ret = MNL_CB_OK;
	u64 v = 0;

	switch (mnl_attr_get_type(a)) {
	case AGISWARM_A_CYCLE_ID:
		ret = agi_attr_get_uint(a, MNL_TYPE_U64, &c->cycle);
		c->has_cycle = true;
		break;
	case AGISWARM_A_EPOCH:
		ret = agi_attr_get_uint(a, MNL_TYPE_U64, &c->epoch);
		break;
	case AGISWARM_A_STATUS:
		ret = agi_attr_get_uint(a, MNL_TYPE_U8, &v);
		c->missed = v == AGISWARM_CYCLE_MISSED;
		break;
	case AGISWARM_A_TIMESTAMP_NS:
		ret = agi_attr_get_uint(a, MNL_TYPE_U64, &c->timestamp_ns);
		break;
	case AGISWARM_A_LATENCY_US:
		ret = agi_attr_get_uint(a, MNL_TYPE_U32, &c->latency_us);
		break;
	case AGISWARM_A_JITTER_US:
		ret = agi_attr_get_uint(a, MNL_TYPE_U32, &c->jitter_us);
		break;
	case AGISWARM_A_WORKER_COUNT:
		ret = agi_attr_get_uint(a, MNL_TYPE_U32, &c->workers);
		break;
	case AGISWARM_A_TASK_COUNT:
		ret = agi_attr_get_uint(a, MNL_TYPE_U32, &c->tasks);
		break;
	case AGISWARM_A_ERROR_PPM:
		ret = agi_attr_get_uint(a, MNL_TYPE_U32, &c->error_ppm);
		break;
	case AGISWARM_A_RESULTS_USED:
		ret = agi_attr_get_uint(a, MNL_TYPE_U32, &c->results_used);
		break;
	case AGISWARM_A_FMT:
		ret = agi_attr_get_uint(a, MNL_TYPE_U8, &v);
		c->fmt = (u8)v;
		break;
	case AGISWARM_A_X:
		ret = get_vec(a, &c->x);
		break;
	case AGISWARM_A_Y:
		ret = get_vec(a, &c->y);
		break;
	case AGISWARM_A_U:
		ret = get_vec(a, &c->u);
		break;
	}
	return ret;
}

int agi_cycle_parse(const struct nlmsghdr *nlh, struct agi_cycle *c)
{
	memset(c, 0, sizeof(*c));
	c->fmt = AGISWARM_Q1_31;
	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), cycle_attr_cb,
			   c) < 0 || !c->has_cycle)
		return -EBADMSG;
	return 0;
}

struct walk {
	agi_cycle_cb cb;
	void *data;
};

static int record_cb(const struct nlmsghdr *nlh, void *data)
{
	struct walk *w = data;
	struct agi_cycle c;
	int err;

	if (agi_cycle_parse(nlh, &c)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	err = w->cb(&c, w->data);
	if (err) {
		errno = err < 0 ? -err : ECANCELED;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

int agi_metrics_get(struct agi_nl *nl, u64 from, agi_cycle_cb cb, void *data)
{
	struct walk w = { .cb = cb, .data = data };
	char buf[AGI_NL_BUF_SIZE];
	struct nlmsghdr *nlh = agi_nl_dump(nl, buf, AGISWARM_CMD_GET_METRICS);

	if (from)
		mnl_attr_put_u64(nlh, AGISWARM_A_CYCLE_ID, from);
	return agi_nl_talk(nl, nlh, record_cb, &w);
}

struct events {
	agi_cycle_cb cb;
	void *data;
	int ret;
};

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	struct events *e = data;
	struct agi_cycle c;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*genl) ||
	    genl->cmd != AGISWARM_CMD_CYCLE)
		return MNL_CB_OK;
	e->ret = e->cb(agi_cycle_parse(nlh, &c) ? NULL : &c, e->data);
	if (e->ret > 0)
		return MNL_CB_STOP;
	return e->ret < 0 ? MNL_CB_ERROR : MNL_CB_OK;
}

int agi_cycle_events(const void *buf, size_t len, agi_cycle_cb cb,
		     void *data)
{
	struct events e = { .cb = cb, .data = data };
	int r;

	errno = 0;
	r = mnl_cb_run(buf, len, 0, 0, event_cb, &e);
	if (r == MNL_CB_STOP)
		return 1;
	if (r >= 0)
		return 0;
	if (e.ret < 0)
		return e.ret;
	return errno ? -errno : -EBADMSG;
}

void agi_us_as_ms(u64 us, char *buf, size_t size)
{
	snprintf(buf, size, "%llu.%03llu", (unsigned long long)us / 1000,
		 (unsigned long long)us % 1000);
}

void agi_ppm_as_rate(u64 ppm, char *buf, size_t size)
{
	u64 q = (ppm + 50) / 100;

	snprintf(buf, size, "%llu.%04llu", (unsigned long long)q / 10000,
		 (unsigned long long)q % 10000);
}

const char agi_metrics_csv_header[] =
	"timestamp,cycle_id,latency_ms,jitter_ms,worker_count,task_count,error_rate,epoch,producer\n";

void agi_metrics_csv_row(FILE *f, const struct agi_cycle *c,
			 const char *producer)
{
	char lat[32], jit[32], rate[32];

	agi_us_as_ms(c->latency_us, lat, sizeof(lat));
	agi_us_as_ms(c->jitter_us, jit, sizeof(jit));
	agi_ppm_as_rate(c->error_ppm, rate, sizeof(rate));
	fprintf(f, "%llu.%06llu,%llu,%s,%s,%llu,%llu,%s,%llu,%s\n",
		(unsigned long long)c->timestamp_ns / 1000000000,
		(unsigned long long)c->timestamp_ns % 1000000000 / 1000,
		(unsigned long long)c->cycle, lat, jit,
		(unsigned long long)c->workers, (unsigned long long)c->tasks,
		rate, (unsigned long long)c->epoch, producer ?: "");
}
