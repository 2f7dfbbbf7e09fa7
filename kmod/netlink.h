/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 */
#ifndef AGISWARM_NETLINK_H
#define AGISWARM_NETLINK_H

int agiswarm_netlink_init(void);
void agiswarm_netlink_uninit(void);

#endif /* AGISWARM_NETLINK_H */
