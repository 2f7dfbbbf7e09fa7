// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * metrics.csv on an aggregator. Every second the daemon asks the module
 * for the records from the first cycle it has not written yet (GET_METRICS
 * with AGISWARM_A_CYCLE_ID), appends them in `agictl metrics --csv`'s
 * format (agi_metrics_csv_row(): one implementation) and fsyncs the batch.
 * A record is final once the next cycle has started, so while the cycle
 * runs the newest record waits for the next drain.
 *
 * The file rotates before it would pass metrics.max_size: FILE.N-1 becomes
 * FILE.N, ..., FILE becomes FILE.1, keeping metrics.backup_count files;
 * each file starts with the header. On start the daemon resumes after the
 * last cycle_id written (the current file, else FILE.1 when a rotation was
 * the last thing done), cutting a torn last line (a crash mid-write) first:
 * no row is lost while the module's ring (1024 cycles) still holds it, and
 * none is written twice. A file with another version's header is rotated
 * away first.
 *
 * The last two columns, epoch and producer, say which member of a
 * replicated group produced the cycle: the owner of its epoch, by its
 * aggregators: NAME (empty outside a group). A backup's module records
 * no cycle, so each member's file holds the cycles it drove: a gap in
 * cycle ids is reported as lost only when the ring overflowed.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "user/file.h"
#include "user/group_info.h"
#include "user/metrics.h"
#include "user/status.h"
#include "runtime.h"

#define DRAIN_MS 1000
#define ROW_MAX 320

static int record_cb(const struct agi_cycle *c, void *data)
{
	struct agid_records *b = data;

	if (b->n < ARRAY_SIZE(b->rec))
		b->rec[b->n++] = *c;
	return 0;
}

struct agid_records *agid_metrics_final(struct agid *d, u64 from,
					const struct agi_status *st)
{
	struct agid_records *b = calloc(1, sizeof(*b));
	int err;

	if (!b)
		return NULL;
	err = agi_metrics_get(d->nl, from, record_cb, b);
	if (err) {
		agid_log(d, AGI_LOG_WARNING, "metrics: reading the records failed: %s",
			 strerror(-err));
		free(b);
		return NULL;
	}
	/*
	 * A gap before the first record is lost only when the ring is full
	 * of newer ones: else those cycles never were in it (another member
	 * of the group drove them, or none: a takeover's missed ticks).
	 */
	b->full = b->n == ARRAY_SIZE(b->rec);
	/* A record is final only once the next cycle has started. */
	while (b->n && st->field[AGI_ST_RUNNING] &&
	       b->rec[b->n - 1].cycle >= st->field[AGI_ST_CYCLE_ID])
		b->n--;
	return b;
}

/* The cycle_id of the last complete line of @path; 0 when none. */
static int last_cycle_of(const char *path, u64 *cycle)
{
	char tail[2 * ROW_MAX], *line, *end;
	struct stat sb;
	off_t from;
	ssize_t n;
	int fd, ret = 0;

	*cycle = 0;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	if (fstat(fd, &sb) || sb.st_size == 0)
		goto out;
	from = sb.st_size > (off_t)sizeof(tail) - 1 ?
	       sb.st_size - (off_t)sizeof(tail) + 1 : 0;
	n = pread(fd, tail, sizeof(tail) - 1, from);
	if (n <= 0)
		goto out;
	tail[n] = '\0';
	end = strrchr(tail, '\n');
	if (!end) {
		ret = ftruncate(fd, 0) ? -errno : 0;	/* all torn */
		goto out;
	}
	if (end != tail + n - 1 &&
	    ftruncate(fd, from + (end - tail) + 1)) {	/* a torn row */
		ret = -errno;
		goto out;
	}
	*end = '\0';
	line = strrchr(tail, '\n');
	line = line ? line + 1 : tail;
	/* timestamp,cycle_id,...; the header line has no number there */
	line = strchr(line, ',');
	if (line)
		*cycle = strtoull(line + 1, NULL, 10);
out:
	close(fd);
	return ret;
}

static void rotated_name(const char *path, unsigned int k, char *buf,
			 size_t size)
{
	snprintf(buf, size, "%s.%u", path, k);
}

static int rotate(struct agid *d)
{
	const char *path = d->cfg->metrics_file;
	char from[PATH_MAX], to[PATH_MAX];
	unsigned int k;

	if (!d->cfg->metrics_backup_count)
		return unlink(path) && errno != ENOENT ? -errno : 0;
	for (k = d->cfg->metrics_backup_count; k > 1; k--) {
		rotated_name(path, k - 1, from, sizeof(from));
		rotated_name(path, k, to, sizeof(to));
		if (rename(from, to) && errno != ENOENT)
			return -errno;
	}
	rotated_name(path, 1, to, sizeof(to));
	if (rename(path, to))
		return -errno;
	d->metrics.rotations++;
	return 0;
}

static int open_current(struct agid *d, off_t *size)
{
	struct stat sb;
	int fd;

	fd = open(d->cfg->metrics_file,
		  O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb)) {
		close(fd);
		return -errno;
	}
	*size = sb.st_size;
	return fd;
}

/* One row at @fd (header first into an empty file), rotating as needed. */
static int append_row(struct agid *d, int *fd, off_t *size, const char *row,
		      size_t len)
{
	size_t hlen = strlen(agi_metrics_csv_header);
	int err;

	if (*size > (off_t)hlen &&
	    (u64)*size + len > d->cfg->metrics_max_size) {
		if (fsync(*fd))
			return -errno;
		close(*fd);
		*fd = -1;
		err = rotate(d);
		if (err)
			return err;
		*fd = open_current(d, size);
		if (*fd < 0)
			return *fd;
	}
	if (*size == 0) {
		err = agi_write_all(*fd, agi_metrics_csv_header, hlen);
		if (err)
			return err;
		*size += (off_t)hlen;
	}
	err = agi_write_all(*fd, row, len);
	if (!err)
		*size += (off_t)len;
	return err;
}

static int write_batch(struct agid *d, const struct agi_cycle *rec, size_t n,
		       u64 group_size)
{
	struct agi_group_info gi;
	char row[ROW_MAX], rank[8];
	off_t size;
	size_t i;
	FILE *f;
	int fd, err = 0;

	fd = open_current(d, &size);
	if (fd < 0)
		return fd;
	agid_group_info(d, &gi);
	for (i = 0; i < n && !err; i++) {
		f = fmemopen(row, sizeof(row), "w");
		if (!f) {
			err = -errno;
			break;
		}
		agi_metrics_csv_row(f, &rec[i],
				    agi_group_producer(&gi, group_size,
						       rec[i].epoch, rank,
						       sizeof(rank)));
		fclose(f);
		err = append_row(d, &fd, &size, row, strlen(row));
		if (!err) {
			d->metrics.next_cycle = rec[i].cycle + 1;
			d->metrics.rows++;
		}
	}
	if (fd >= 0) {
		if (fsync(fd) && !err)
			err = -errno;
		close(fd);
	}
	return err;
}

static void note_gap(struct agid *d, const struct agid_records *b)
{
	const struct agi_cycle *first = &b->rec[0];

	if (!d->metrics.next_cycle || first->cycle <= d->metrics.next_cycle ||
	    !b->full || d->metrics.warned_gap)
		return;
	agid_log(d, AGI_LOG_WARNING, "metrics: cycles %llu..%llu are no longer in the module's ring (it keeps 1024): they are missing from %s",
		 (unsigned long long)d->metrics.next_cycle,
		 (unsigned long long)first->cycle - 1, d->cfg->metrics_file);
	d->metrics.warned_gap = true;
}

static void drain(struct agid *d)
{
	struct agid_records *b;
	struct agi_status st;
	int err;

	if (agi_status_get(d->nl, &st))
		return;
	b = agid_metrics_final(d, d->metrics.next_cycle, &st);
	if (!b)
		return;
	if (b->n) {
		note_gap(d, b);
		err = write_batch(d, b->rec, b->n,
				  st.has[AGI_ST_GROUP_SIZE] ?
				  st.field[AGI_ST_GROUP_SIZE] : 1);
		if (err)
			agid_log(d, AGI_LOG_ERROR, "metrics: writing %s failed: %s",
				 d->cfg->metrics_file, strerror(-err));
	}
	free(b);
}

static void on_tick(uv_timer_t *t)
{
	drain(t->data);
}

/*
 * A file begun by an older agiswarmd has fewer columns: it goes the way a
 * full file goes (FILE.1, or FILE.old without backups) and a new file
 * starts, so that every row matches its file's header. A torn header (a
 * crash in the first write) is last_cycle_of()'s to cut.
 */
static void retire_old_columns(struct agid *d)
{
	const char *path = d->cfg->metrics_file;
	size_t hlen = strlen(agi_metrics_csv_header);
	char head[256], old[PATH_MAX];
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = pread(fd, head, hlen < sizeof(head) ? hlen : sizeof(head), 0);
	close(fd);
	if (n <= 0 || !memcmp(head, agi_metrics_csv_header, (size_t)n))
		return;
	if (d->cfg->metrics_backup_count) {
		rotated_name(path, 1, old, sizeof(old));
		err = rotate(d);
	} else {
		snprintf(old, sizeof(old), "%s.old", path);
		err = rename(path, old) ? -errno : 0;
	}
	if (err)
		agid_log(d, AGI_LOG_ERROR, "metrics: %s has another version's columns and moving it away failed: %s",
			 path, strerror(-err));
	else
		agid_log(d, AGI_LOG_WARNING, "metrics: %s had another version's columns: it is now %s, and %s starts anew",
			 path, old, path);
}

/* Where a previous run stopped: the current file, else FILE.1. */
static void resume_point(struct agid *d)
{
	const char *src = d->cfg->metrics_file;
	char one[PATH_MAX];
	u64 last = 0;
	int err;

	retire_old_columns(d);
	err = last_cycle_of(d->cfg->metrics_file, &last);
	if ((err == -ENOENT || !last) && d->cfg->metrics_backup_count) {
		rotated_name(d->cfg->metrics_file, 1, one, sizeof(one));
		src = one;
		if (last_cycle_of(one, &last))
			last = 0;
	} else if (err && err != -ENOENT) {
		agid_log(d, AGI_LOG_WARNING, "metrics: reading %s failed: %s",
			 d->cfg->metrics_file, strerror(-err));
	}
	d->metrics.next_cycle = last ? last + 1 : 0;
	if (last)
		agid_log(d, AGI_LOG_INFO, "metrics: %s ends at cycle %llu: resuming at %llu",
			 src, (unsigned long long)last,
			 (unsigned long long)last + 1);
	else
		agid_log(d, AGI_LOG_INFO, "metrics: writing %s from the oldest cycle the module holds",
			 d->cfg->metrics_file);
}

int agid_metrics_init(struct agid *d)
{
	resume_point(d);
	uv_timer_init(&d->loop, &d->metrics.timer);
	d->metrics.timer.data = d;
	return uv_timer_start(&d->metrics.timer, on_tick, 0, DRAIN_MS);
}

void agid_metrics_close(struct agid *d)
{
	/* What the last second recorded is written before leaving. */
	if (d->metrics.timer.loop && !uv_is_closing((uv_handle_t *)&d->metrics.timer))
		drain(d);
	agid_close(&d->metrics.timer);
}
