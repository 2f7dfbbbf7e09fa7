/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 */
#ifndef AGISWARM_KMOD_CORE_H
#define AGISWARM_KMOD_CORE_H

/*
 * In a debug build, runs the portable core's self-tests and fails with
 * -ENOTRECOVERABLE if any case fails (each one printed); otherwise does
 * nothing.
 */
int agiswarm_core_init(void);

#endif /* AGISWARM_KMOD_CORE_H */
