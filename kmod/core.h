/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 */
#ifndef AGISWARM_KMOD_CORE_H
#define AGISWARM_KMOD_CORE_H

int agiswarm_core_init(void);

#endif /* AGISWARM_KMOD_CORE_H */
