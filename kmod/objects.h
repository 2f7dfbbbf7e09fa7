/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The object-leak check: every dynamically allocated object of the module
 * is counted while it lives, and module exit WARNs when any is left, which
 * fails the VM test run.
 */
#ifndef AGISWARM_OBJECTS_H
#define AGISWARM_OBJECTS_H

void agiswarm_objects_get(void);
void agiswarm_objects_put(void);
void agiswarm_objects_uninit(void);

#endif /* AGISWARM_OBJECTS_H */
