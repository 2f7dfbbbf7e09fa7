// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bug.h>
#include <linux/printk.h>

#include "objects.h"

static atomic_t live_objects = ATOMIC_INIT(0);

/**
 * agiswarm_objects_get() - count one more live object
 *
 * Once per successful allocation of a tracked object.
 */
void agiswarm_objects_get(void)
{
	atomic_inc(&live_objects);
}

/**
 * agiswarm_objects_put() - count one object freed
 */
void agiswarm_objects_put(void)
{
	/* Below zero means a double free somewhere: as bad as a leak. */
	WARN_ON_ONCE(atomic_dec_return(&live_objects) < 0);
}

/**
 * agiswarm_objects_uninit() - WARN when objects are left at module exit
 *
 * The warning fails the VM test run.
 */
void agiswarm_objects_uninit(void)
{
	int left = atomic_read(&live_objects);

	WARN(left, KBUILD_MODNAME ": object leak: %d objects still allocated at exit\n",
	     left);
}
