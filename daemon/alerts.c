// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The miss-rate alert of an aggregator: once a second the module's cycle
 * counters are read, and when more than aggregator.alert_miss_rate percent
 * of that second's cycles missed their deadline a warning is logged; once
 * when the rate goes above, once when it comes back, so that a loop that
 * misses every cycle fills no disk. 0 turns it off.
 */
#include "user/status.h"
#include "runtime.h"

#define ALERT_PERIOD_MS 1000

static void check(uv_timer_t *t)
{
	struct agid *d = t->data;
	struct agid_alerts *a = &d->alerts;
	static struct agi_status st;
	u64 cycles, missed, dc, dm;

	if (!d->cfg->alert_miss_rate || agi_status_get(d->nl, &st))
		return;
	cycles = st.counter[AGISWARM_CNT_CYCLES];
	missed = st.counter[AGISWARM_CNT_CYCLES_MISSED];
	dc = cycles - a->cycles;
	dm = missed - a->missed;
	if (a->have && dc && dm * 100 > dc * d->cfg->alert_miss_rate) {
		if (!a->alerting)
			agid_log(d, AGI_LOG_WARNING, "miss rate: %llu of the last %llu cycles missed their deadline (%llu%%, above aggregator.alert_miss_rate %u%%): see agictl metrics, agictl workers list",
				 (unsigned long long)dm, (unsigned long long)dc,
				 (unsigned long long)(dm * 100 / dc),
				 d->cfg->alert_miss_rate);
		a->alerting = true;
	} else if (a->have && dc && a->alerting) {
		agid_log(d, AGI_LOG_INFO, "miss rate: back to %llu of %llu cycles in the last second",
			 (unsigned long long)dm, (unsigned long long)dc);
		a->alerting = false;
	}
	a->cycles = cycles;
	a->missed = missed;
	a->have = true;
}

int agid_alerts_init(struct agid *d)
{
	uv_timer_init(&d->loop, &d->alerts.timer);
	d->alerts.timer.data = d;
	return uv_timer_start(&d->alerts.timer, check, ALERT_PERIOD_MS,
			      ALERT_PERIOD_MS);
}

void agid_alerts_close(struct agid *d)
{
	agid_close(&d->alerts.timer);
}
