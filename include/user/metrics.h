/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * An aggregator's cycle records: the GET_METRICS dump (the module keeps
 * the last 1024 cycles) and the CYCLE events of the "cycles" multicast
 * group carry the same attributes, decoded here; and metrics.csv, whose
 * rows `agictl metrics --csv` prints and agiswarmd writes with the same
 * code, every number with integer arithmetic so that the file is exact.
 */
#ifndef AGISWARM_USER_METRICS_H
#define AGISWARM_USER_METRICS_H

#include <stdbool.h>
#include <stdio.h>

#include "core/compat.h"
#include "uapi/linux/agiswarm.h"
#include "nl.h"

struct nlmsghdr;

/* A vector of a cycle event: host-order s32s pointing into the message. */
struct agi_vec {
	const s32 *raw;
	u32 n;
};

/**
 * struct agi_cycle - one cycle record or event
 * @missed: the cycle reached its deadline undecoded
 * @fmt: the format of @x, @y and @u (events only)
 * @x, @y, @u: the cycle's input, A x and output (events only); they point
 *	into the message and live only as long as it does
 */
struct agi_cycle {
	bool has_cycle;
	bool missed;
	u8 fmt;
	u64 cycle, epoch, timestamp_ns;
	u64 latency_us, jitter_us, workers, tasks, error_ppm, results_used;
	struct agi_vec x, y, u;
};

/* 0 or -EBADMSG (no cycle id, or an attribute of the wrong size). */
int agi_cycle_parse(const struct nlmsghdr *nlh, struct agi_cycle *c);

/*
 * The GET_METRICS dump from cycle @from (0: the oldest the module holds),
 * oldest first, one @cb call per record; a non-zero return of @cb stops
 * it (a negative errno is returned as it is). 0 or -errno.
 */
typedef int (*agi_cycle_cb)(const struct agi_cycle *c, void *data);
int agi_metrics_get(struct agi_nl *nl, u64 from, agi_cycle_cb cb, void *data);

/*
 * The CYCLE events in @buf, what one recv() of a socket that joined
 * AGISWARM_MCGRP_CYCLES (agi_nl_subscribe()) returned: @cb gets each
 * event in order, or NULL for one that does not parse. A positive return
 * of @cb stops the walk, a negative one fails it. Returns 0 when every
 * event was handed out, 1 when @cb stopped it, or a negative errno.
 */
int agi_cycle_events(const void *buf, size_t len, agi_cycle_cb cb,
		     void *data);

/*
 * metrics.csv: the header line, newline included, and one row a record:
 * the seeds' columns, then the cycle's epoch and @producer, the member of
 * a replicated group that produced it (agi_group_producer()), empty when
 * NULL (no group).
 */
extern const char agi_metrics_csv_header[];
void agi_metrics_csv_row(FILE *f, const struct agi_cycle *c,
			 const char *producer);
/* "1.234" from microseconds: ms with three decimals, exact. */
void agi_us_as_ms(u64 us, char *buf, size_t size);
/* "0.0125" from parts per million: a fraction rounded half up to 1e-4. */
void agi_ppm_as_rate(u64 ppm, char *buf, size_t size);

#endif /* AGISWARM_USER_METRICS_H */
