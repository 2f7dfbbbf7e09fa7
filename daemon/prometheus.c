// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Prometheus metrics. Every second the daemon reads the module's status,
 * counters and workers and the cycle records it has not read yet, and
 * renders them in Prometheus' text exposition format (version 0.0.4):
 *
 *   metrics.textfile  written for node_exporter's textfile collector: the
 *                     text goes to FILE.tmp, which is renamed over FILE, so
 *                     a scrape never sees half a file
 *   metrics.listen    served over HTTP at http://ADDRESS:PORT/metrics by
 *                     libmicrohttpd's own thread, which only copies the
 *                     last rendering (under a mutex): a scrape never
 *                     touches the module or the loop
 *
 * Cycle latency and jitter are histograms of the cycles the daemon has
 * read since it started (the first read takes the module's whole ring);
 * like metrics.csv, a record counts once the next cycle has started. The
 * miss ratio is over the last MISS_WINDOW of those cycles.
 */
#include <errno.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "user/metrics.h"
#include "user/names.h"
#include "user/parse.h"
#include "user/peer.h"
#include "user/status.h"
#include "prom_text.h"
#include "runtime.h"

#define PROM_MS 1000
#define MISS_WINDOW 100
#define HTTP_CONNECTIONS 16
#define HTTP_TIMEOUT_S 5
#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* Histogram bounds in microseconds; the text is the same in seconds. */
static const struct {
	u64 us;
	const char *le;
} bounds[] = {
	{ 50, "5e-05" }, { 100, "0.0001" }, { 250, "0.00025" },
	{ 500, "0.0005" }, { 1000, "0.001" }, { 2500, "0.0025" },
	{ 5000, "0.005" }, { 10000, "0.01" }, { 25000, "0.025" },
	{ 50000, "0.05" }, { 100000, "0.1" }, { 250000, "0.25" },
	{ 1000000, "1" },
};
#define NBOUNDS ARRAY_SIZE(bounds)

struct histogram {
	u64 bucket[NBOUNDS];	/* non-cumulative, per bound */
	u64 count, sum_us;
};

struct agid_prom {
	uv_timer_t timer;
	u64 next_cycle;		/* the first cycle id not read yet */
	struct histogram latency, jitter;
	u64 cycles_read, missed_read;
	u8 recent[MISS_WINDOW];	/* 1: that cycle missed */
	u32 recent_n, recent_pos;
	u64 renders, textfile_errors;
	bool warned_textfile;

	struct MHD_Daemon *http;
	pthread_mutex_t lock;	/* @page, @page_len: shared with @http */
	char *page;
	size_t page_len;
	u64 scrapes;		/* under @lock */
};

/* --- collecting ---------------------------------------------------------- */

static void observe(struct histogram *h, u64 us)
{
	size_t i;

	for (i = 0; i < NBOUNDS && us > bounds[i].us; i++)
		;
	if (i < NBOUNDS)
		h->bucket[i]++;
	h->count++;
	h->sum_us += us;
}

/* The final cycle records since the last call into the histograms. */
static void read_cycles(struct agid *d, const struct agi_status *st)
{
	struct agid_prom *p = d->prom;
	struct agid_records *b = agid_metrics_final(d, p->next_cycle, st);
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->n; i++) {
		const struct agi_cycle *c = &b->rec[i];

		if (c->cycle < p->next_cycle)
			continue;
		observe(&p->latency, c->latency_us);
		observe(&p->jitter, c->jitter_us);
		p->cycles_read++;
		p->missed_read += c->missed;
		p->recent[p->recent_pos] = c->missed;
		p->recent_pos = (p->recent_pos + 1) % MISS_WINDOW;
		if (p->recent_n < MISS_WINDOW)
			p->recent_n++;
		p->next_cycle = c->cycle + 1;
	}
	free(b);
}

/* --- rendering ----------------------------------------------------------- */

/* A label value, escaped as the format wants (\\, \", \n). */
static void label_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n') {
			fputs("\\n", f);
			continue;
		}
		fputc(*s, f);
	}
}

/* Microseconds as seconds, exactly. */
static void seconds(FILE *f, u64 us)
{
	fprintf(f, "%" PRIu64 ".%06" PRIu64, us / 1000000, us % 1000000);
}

/* @parts / @whole, 6 significant digits; 0 when there is no whole. */
static void ratio(FILE *f, u64 parts, u64 whole)
{
	if (!whole) {
		fputs("0", f);
		return;
	}
	fprintf(f, "%.6g", (double)parts / (double)whole);
}

static void histogram(FILE *f, const char *name, const char *help,
		      const struct histogram *h)
{
	u64 cum = 0;
	size_t i;

	prom_family(f, name, "histogram", help);
	for (i = 0; i < NBOUNDS; i++) {
		cum += h->bucket[i];
		fprintf(f, "%s_bucket{le=\"%s\"} %" PRIu64 "\n", name,
			bounds[i].le, cum);
	}
	fprintf(f, "%s_bucket{le=\"+Inf\"} %" PRIu64 "\n", name, h->count);
	fprintf(f, "%s_sum ", name);
	seconds(f, h->sum_us);
	fprintf(f, "\n%s_count %" PRIu64 "\n", name, h->count);
}

/*
 * The module's counters as families: rx/tx_* by direction, drop_* by
 * reason, cycles_ok/missed by status, results_used/late by status, any
 * other (a newer module's too) as agiswarm_<name>_total.
 */
struct counter_family {
	const char *name;	/* after agiswarm_, before _total */
	const char *label;	/* NULL: one sample, no label */
	const char *help;
};

static const struct counter_family families[] = {
	{ "packets", "direction", "Datagrams the module accepted on its fast path (rx) or sent (tx)." },
	{ "bytes", "direction", "Bytes of those datagrams." },
	{ "drops", "reason", "Datagrams the module dropped, by reason." },
	{ "cycles", "status", "Cycles that ended decoded before the deadline (ok) or reached it (missed)." },
	{ "results", "status", "RESULT values fed to the decoder (used) or of a cycle already over (late)." },
};

/* Which family counter @name belongs to, and its label value. */
static const struct counter_family *family_of(const char *name,
					      const char **value)
{
	static const struct { const char *prefix; size_t fam; } map[] = {
		{ "rx_packets", 0 }, { "tx_packets", 0 }, { "rx_bytes", 1 },
		{ "tx_bytes", 1 }, { "drop_", 2 }, { "cycles_", 3 },
		{ "results_", 4 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(map); i++) {
		size_t len = strlen(map[i].prefix);

		if (strncmp(name, map[i].prefix, len))
			continue;
		if (map[i].fam <= 1) {
			*value = map[i].prefix[0] == 'r' ? "rx" : "tx";
		} else {
			*value = name + len;
		}
		return &families[map[i].fam];
	}
	*value = NULL;
	return NULL;
}

static void counters(FILE *f, const struct agi_status *st)
{
	const struct counter_family *fam;
	const char *name, *value;
	unsigned int i;
	size_t k;

	for (k = 0; k < ARRAY_SIZE(families); k++) {
		bool first = true;

		for (i = 0; i <= AGISWARM_CNT_MAX; i++) {
			name = agi_counter_name(i);
			if (!name || !st->has_counter[i] ||
			    family_of(name, &value) != &families[k])
				continue;
			if (first) {
				char full[64];

				snprintf(full, sizeof(full), "agiswarm_%s_total",
					 families[k].name);
				prom_family(f, full, "counter", families[k].help);
				first = false;
			}
			fprintf(f, "agiswarm_%s_total{%s=\"%s\"} %" PRIu64 "\n",
				families[k].name, families[k].label, value,
				st->counter[i]);
		}
	}
	for (i = 0; i <= AGISWARM_CNT_MAX; i++) {
		char full[64], help[96];

		name = agi_counter_name(i);
		if (!name || !st->has_counter[i])
			continue;
		fam = family_of(name, &value);
		if (fam)
			continue;
		snprintf(full, sizeof(full), "agiswarm_%s_total",
			 !strcmp(name, "cycles") ? "cycles_started" : name);
		snprintf(help, sizeof(help), "The module's %s counter (agictl status).",
			 name);
		prom_family(f, full, "counter", help);
		fprintf(f, "%s %" PRIu64 "\n", full, st->counter[i]);
	}
}

static void gauge_seconds(FILE *f, const char *name, const char *help, u64 us)
{
	prom_family(f, name, "gauge", help);
	fprintf(f, "%s ", name);
	seconds(f, us);
	fputc('\n', f);
}

static void node(FILE *f, const struct agi_status *st)
{
	prom_family(f, "agiswarm_info", "gauge", "The node: the module's version, its role and id (always 1).");
	fputs("agiswarm_info{version=\"", f);
	label_value(f, st->version);
	fprintf(f, "\",role=\"%s\",node_id=\"%" PRIu32 "\"} 1\n",
		agi_role_name(st->role), st->node_id);
	if (st->has[AGI_ST_EPOCH])
		prom_gauge(f, "agiswarm_epoch", "The epoch of the module's configuration.",
		      st->field[AGI_ST_EPOCH]);
	if (st->has[AGI_ST_RUNNING])
		prom_gauge(f, "agiswarm_running", "1 while the aggregator's cycle runs.",
		      st->field[AGI_ST_RUNNING]);
	if (st->has[AGI_ST_CYCLE_ID])
		prom_gauge(f, "agiswarm_cycle_id", "The id of the current cycle.",
		      st->field[AGI_ST_CYCLE_ID]);
	if (st->has[AGI_ST_PERIOD_US])
		gauge_seconds(f, "agiswarm_cycle_period_seconds", "The cycle period.",
			      st->field[AGI_ST_PERIOD_US]);
	if (st->has[AGI_ST_DEADLINE_US])
		gauge_seconds(f, "agiswarm_cycle_deadline_seconds", "The cycle deadline.",
			      st->field[AGI_ST_DEADLINE_US]);
	if (st->has[AGI_ST_REDUNDANCY])
		prom_gauge(f, "agiswarm_fault_tolerance", "Workers the code tolerates losing (f).",
		      st->field[AGI_ST_REDUNDANCY]);
}

/*
 * The module's replicated group (agictl status's "group" line), in a
 * group of two or more: which mode this member is in, its rank, the
 * size, whose the epoch is, the last CYCLE record it adopted and the
 * failure threshold, as set and in effect.
 */
static void failover_group(FILE *f, const struct agi_status *st)
{
	const u64 *v = st->field;
	unsigned int m;

	if (!st->has[AGI_ST_GROUP_SIZE] || v[AGI_ST_GROUP_SIZE] < 2)
		return;
	prom_family(f, "agiswarm_group_mode", "gauge",
		    "1 for the module's mode in the replicated group (the primary drives the cycle, a backup follows its records), 0 for the others.");
	for (m = 0; m <= AGISWARM_GROUP_MODE_MAX; m++)
		fprintf(f, "agiswarm_group_mode{mode=\"%s\"} %d\n",
			agi_name(&agi_group_mode_names, m),
			v[AGI_ST_GROUP_MODE] == m);
	prom_gauge(f, "agiswarm_group_rank", "This member's rank in the replicated group (0: the first in the succession).",
		   v[AGI_ST_GROUP_RANK]);
	prom_gauge(f, "agiswarm_group_size", "Members of the replicated group the module knows.",
		   v[AGI_ST_GROUP_SIZE]);
	prom_gauge(f, "agiswarm_group_epoch_owner_rank", "The rank that owns the epoch (its low 3 bits): the primary's.",
		   v[AGI_ST_EPOCH_OWNER]);
	prom_gauge(f, "agiswarm_group_last_record_cycle", "The cycle of the last CYCLE record this member adopted (0: none).",
		   v[AGI_ST_RECORD_CYCLE]);
	if (st->has[AGI_ST_FAILURE_THRESHOLD])
		prom_gauge(f, "agiswarm_group_failure_threshold", "Missed CYCLE records after which a backup takes over, as set (0: never on its own).",
			   v[AGI_ST_FAILURE_THRESHOLD]);
	if (st->has[AGI_ST_THRESHOLD_NOW])
		prom_gauge(f, "agiswarm_group_failure_threshold_in_effect", "The failure threshold in effect: above the set one while this member backs off after a takeover of a primary that was alive.",
			   v[AGI_ST_THRESHOLD_NOW]);
}

static void cycles(FILE *f, const struct agid_prom *p)
{
	u32 i, missed = 0;

	histogram(f, "agiswarm_cycle_latency_seconds",
		  "Time from a cycle's start to its decoded output, over the cycles read since the daemon started.",
		  &p->latency);
	histogram(f, "agiswarm_cycle_jitter_seconds",
		  "Lateness of a cycle's start against its period, over the cycles read since the daemon started.",
		  &p->jitter);
	for (i = 0; i < p->recent_n; i++)
		missed += p->recent[i];
	prom_family(f, "agiswarm_cycle_miss_ratio", "gauge",
	       "Fraction of the last 100 cycles read that reached the deadline.");
	fputs("agiswarm_cycle_miss_ratio ", f);
	ratio(f, missed, p->recent_n);
	fputc('\n', f);
}

static const char *health_label(unsigned int h)
{
	return agi_health_name(h) ? agi_health_name(h) : "unknown";
}

/* One sample of a per-worker family for every worker of @d's table. */
#define EACH_MEMBER(f, d, name, type, help, fmt, ...) do {		\
	u32 i_;								\
	prom_family(f, name, type, help);				\
	for (i_ = 0; i_ < (d)->members.n; i_++) {			\
		const struct agid_worker *w = &(d)->members.w[i_];	\
		fprintf(f, "%s{worker=\"%" PRIu32 "\"} " fmt "\n",	\
			name, w->id, __VA_ARGS__);			\
	}								\
} while (0)

static void members(FILE *f, const struct agid *d)
{
	u64 now = agid_now_ms();
	u32 i;
	unsigned int h;

	if (!d->members.n)
		return;
	prom_family(f, "agiswarm_worker_health", "gauge",
	       "1 for the health the aggregator's daemon gives each worker, 0 for the others.");
	for (i = 0; i < d->members.n; i++)
		for (h = AGISWARM_HEALTH_HEALTHY; h <= AGISWARM_HEALTH_UNHEALTHY; h++)
			fprintf(f, "agiswarm_worker_health{worker=\"%" PRIu32 "\",state=\"%s\"} %d\n",
				d->members.w[i].id, health_label(h),
				d->members.w[i].health == h);
	EACH_MEMBER(f, d, "agiswarm_worker_in_module", "gauge",
		    "1 when the worker is a peer of the module.", "%d",
		    (int)w->in_module);
	EACH_MEMBER(f, d, "agiswarm_worker_heartbeat_age_seconds", "gauge",
		    "Time since the worker's last heartbeat (or since the daemon took it over).",
		    "%" PRIu64 ".%03" PRIu64,
		    (now - w->last_heard_ms) / 1000, (now - w->last_heard_ms) % 1000);
	EACH_MEMBER(f, d, "agiswarm_worker_cpu_ratio", "gauge",
		    "CPU use the worker reported in its last heartbeat.",
		    "%" PRIu32 ".%03" PRIu32, w->cpu_permille / 1000,
		    w->cpu_permille % 1000);
	EACH_MEMBER(f, d, "agiswarm_worker_memory_ratio", "gauge",
		    "Memory use the worker reported in its last heartbeat.",
		    "%" PRIu32 ".%03" PRIu32, w->mem_permille / 1000,
		    w->mem_permille % 1000);
	EACH_MEMBER(f, d, "agiswarm_worker_round_trip_seconds", "gauge",
		    "The heartbeat round trip the worker reported last.",
		    "%" PRIu32 ".%06" PRIu32, w->latency_us / 1000000,
		    w->latency_us % 1000000);
	EACH_MEMBER(f, d, "agiswarm_worker_queue_bytes", "gauge",
		    "Bytes waiting in the worker's UDP receive queue, as it reported last.",
		    "%" PRIu32, w->queue);
}

/* The module's own view of its workers: rows held, results, misses. */
static void peers(FILE *f, struct agid *d)
{
	struct agi_peer_list l = { 0 };
	size_t i;

	if (agi_peers_get(d->nl, &l))
		return;
#define EACH_PEER(name, type, help, expr) do {				\
	prom_family(f, name, type, help);				\
	for (i = 0; i < l.n; i++)					\
		if (l.peers[i].kind == AGISWARM_PEER_WORKER &&		\
		    l.peers[i].has_stats)				\
			fprintf(f, "%s{worker=\"%" PRIu32 "\"} %" PRIu64 "\n", \
				name, l.peers[i].id, (u64)(expr));	\
} while (0)
	for (i = 0; i < l.n && (l.peers[i].kind != AGISWARM_PEER_WORKER ||
				!l.peers[i].has_stats); i++)
		;
	if (i < l.n) {
		EACH_PEER("agiswarm_worker_rows", "gauge",
			  "Coded rows the worker holds in the current assignment.",
			  l.peers[i].rows);
		EACH_PEER("agiswarm_worker_results_total", "counter",
			  "RESULTs of the worker the module used.",
			  l.peers[i].results);
		EACH_PEER("agiswarm_worker_missed_total", "counter",
			  "Cycles in which the worker's RESULT did not arrive in time.",
			  l.peers[i].missed);
	}
#undef EACH_PEER
	agi_peer_list_free(&l);
}

static void own(FILE *f, const struct agid *d, const struct agid_prom *p)
{
	prom_family(f, "agiswarm_daemon_commits_total", "counter",
	       "Signed commits the daemon accepted or rejected.");
	fprintf(f, "agiswarm_daemon_commits_total{result=\"accepted\"} %" PRIu64 "\n",
		d->commits.accepted);
	fprintf(f, "agiswarm_daemon_commits_total{result=\"rejected\"} %" PRIu64 "\n",
		d->commits.rejected);
	prom_family(f, "agiswarm_daemon_renders_total", "counter",
	       "Times the daemon rendered these metrics (once a second).");
	fprintf(f, "agiswarm_daemon_renders_total %" PRIu64 "\n", p->renders);
	if (d->cfg->role == AGISWARM_ROLE_WORKER) {
		prom_gauge(f, "agiswarm_heartbeat_member", "1 while the aggregator counts this worker in.",
		      d->hb.member);
		gauge_seconds(f, "agiswarm_heartbeat_round_trip_seconds",
			      "The round trip of the last heartbeat the aggregator answered.",
			      d->hb.latency_us);
	}
}

/* The whole page; NULL when out of memory. */
static char *render(struct agid *d, size_t *len)
{
	struct agid_prom *p = d->prom;
	struct agi_status st;
	char *buf = NULL;
	bool up;
	FILE *f;

	up = agi_status_get(d->nl, &st) == 0;
	if (up && d->cfg->role == AGISWARM_ROLE_AGGREGATOR)
		read_cycles(d, &st);
	p->renders++;
	f = open_memstream(&buf, len);
	if (!f)
		return NULL;
	prom_gauge(f, "agiswarm_up", "1 when the daemon could read the module's status.", up);
	if (up) {
		node(f, &st);
		failover_group(f, &st);
		counters(f, &st);
	}
	if (d->cfg->role == AGISWARM_ROLE_AGGREGATOR) {
		cycles(f, p);
		members(f, d);
		if (up)
			peers(f, d);
	}
	prom_group(f, d->repl, d->cfg->n_group);
	own(f, d, p);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* --- outputs ------------------------------------------------------------- */

static int write_textfile(const char *path, const char *buf, size_t len)
{
	char tmp[AGI_CONFIG_PATH_LEN + 8];
	FILE *f;
	int err = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	if (fwrite(buf, 1, len, f) != len)
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

static void refresh(struct agid *d)
{
	struct agid_prom *p = d->prom;
	size_t len = 0;
	char *buf = render(d, &len), *old;
	int err;

	if (!buf)
		return;
	if (d->cfg->metrics_textfile[0]) {
		err = write_textfile(d->cfg->metrics_textfile, buf, len);
		if (err && !p->warned_textfile)
			agid_log(d, AGI_LOG_WARNING, "metrics: writing %s failed: %s",
				 d->cfg->metrics_textfile, strerror(-err));
		p->warned_textfile = err != 0;
	}
	pthread_mutex_lock(&p->lock);
	old = p->page;
	p->page = buf;
	p->page_len = len;
	pthread_mutex_unlock(&p->lock);
	free(old);
}

static void on_tick(uv_timer_t *t)
{
	refresh(t->data);
}

/* libmicrohttpd's thread: GET /metrics gets the last rendering. */
static enum MHD_Result serve(void *cls, struct MHD_Connection *conn,
			     const char *url, const char *method,
			     const char *version, const char *upload_data,
			     size_t *upload_data_size, void **req_cls)
{
	static const char not_found[] = "only /metrics is here\n";
	static const char not_allowed[] = "only GET and HEAD\n";
	struct agid_prom *p = cls;
	struct MHD_Response *r;
	unsigned int code = MHD_HTTP_OK;
	enum MHD_Result ret;

	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)req_cls;
	if (strcmp(method, MHD_HTTP_METHOD_GET) &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD)) {
		code = MHD_HTTP_METHOD_NOT_ALLOWED;
		r = MHD_create_response_from_buffer(sizeof(not_allowed) - 1,
						    (void *)not_allowed,
						    MHD_RESPMEM_PERSISTENT);
	} else if (strcmp(url, "/metrics")) {
		code = MHD_HTTP_NOT_FOUND;
		r = MHD_create_response_from_buffer(sizeof(not_found) - 1,
						    (void *)not_found,
						    MHD_RESPMEM_PERSISTENT);
	} else {
		pthread_mutex_lock(&p->lock);
		p->scrapes++;
		r = MHD_create_response_from_buffer(p->page ? p->page_len : 0,
						    p->page, MHD_RESPMEM_MUST_COPY);
		pthread_mutex_unlock(&p->lock);
		if (r)
			MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
						CONTENT_TYPE);
	}
	if (!r)
		return MHD_NO;
	ret = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return ret;
}

static int start_http(struct agid *d)
{
	struct agid_prom *p = d->prom;
	struct agi_endpoint ep;
	char where[80];
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD;

	/* The configuration checked it; a port is required there. */
	if (agi_parse_endpoint(d->cfg->metrics_listen, &ep))
		return -EINVAL;
	if (ep.addr.sin.sin_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	p->http = MHD_start_daemon(flags, 0, NULL, NULL, serve, p,
				   MHD_OPTION_SOCK_ADDR, &ep.addr,
				   MHD_OPTION_CONNECTION_LIMIT,
				   (unsigned int)HTTP_CONNECTIONS,
				   MHD_OPTION_CONNECTION_TIMEOUT,
				   (unsigned int)HTTP_TIMEOUT_S,
				   MHD_OPTION_END);
	agi_format_endpoint(&ep.addr, ep.len, where, sizeof(where));
	if (!p->http) {
		agid_log(d, AGI_LOG_ERROR, "metrics: listening on %s failed: %s",
			 where, strerror(errno ? errno : EADDRINUSE));
		return -EADDRINUSE;
	}
	agid_log(d, AGI_LOG_INFO, "metrics: serving http://%s/metrics", where);
	return 0;
}

int agid_prom_init(struct agid *d)
{
	struct agid_prom *p;
	int err;

	if (!d->cfg->metrics_textfile[0] && !d->cfg->metrics_listen[0])
		return 0;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	pthread_mutex_init(&p->lock, NULL);
	d->prom = p;
	if (d->cfg->metrics_listen[0]) {
		err = start_http(d);
		if (err)
			return err;
	}
	if (d->cfg->metrics_textfile[0])
		agid_log(d, AGI_LOG_INFO, "metrics: writing %s every second",
			 d->cfg->metrics_textfile);
	uv_timer_init(&d->loop, &p->timer);
	p->timer.data = d;
	return uv_timer_start(&p->timer, on_tick, 0, PROM_MS);
}

/* Stops the HTTP thread; the timer closes with the loop. */
void agid_prom_close(struct agid *d)
{
	struct agid_prom *p = d->prom;

	if (!p)
		return;
	if (p->http)
		MHD_stop_daemon(p->http);
	p->http = NULL;
	agid_close(&p->timer);
}

/* After the loop has ended: the memory. */
void agid_prom_free(struct agid *d)
{
	struct agid_prom *p = d->prom;

	if (!p)
		return;
	pthread_mutex_destroy(&p->lock);
	free(p->page);
	free(p);
	d->prom = NULL;
}
