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

/* Call once per successful allocation of a tracked object. */
void agiswarm_objects_get(void);

/* Call once per free of a tracked object. */
void agiswarm_objects_put(void);

/* At module exit, after everything was freed: WARNs when objects remain. */
void agiswarm_objects_uninit(void);

#endif /* AGISWARM_OBJECTS_H */
