/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The files the programs write (key files, the audit log, metrics.csv):
 * whole writes, and the one line a failed file operation leaves for the
 * operator.
 */
#ifndef AGISWARM_USER_FILE_H
#define AGISWARM_USER_FILE_H

#include <stddef.h>

/* All @len bytes at @fd, across short writes and EINTR: 0 or -errno. */
int agi_write_all(int fd, const void *buf, size_t len);

/*
 * Writes one line ("<file>: <why>", "<file>:<line>: <why>") into @err
 * (@errlen bytes; nothing when NULL or 0) and returns @ret, so that a
 * failure is explained and returned in one statement.
 */
int agi_errf(char *err, size_t errlen, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif /* AGISWARM_USER_FILE_H */
