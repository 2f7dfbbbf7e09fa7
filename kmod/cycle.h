/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The control cycle of an aggregator (cycle.c).
 */
#ifndef AGISWARM_CYCLE_H
#define AGISWARM_CYCLE_H

#include <linux/types.h>

#include "../include/core/wire.h"

struct agiswarm_agg;
struct agiswarm_node;

struct agi_pid_state;
struct sk_buff;
struct sockaddr_in;

/* For the aggregator's files. */
struct sk_buff *agiswarm_cycle_skb(const void *buf, size_t len,
				   const struct sockaddr_in *ep);
u8 agiswarm_cycle_law(const struct agiswarm_agg *agg, const s32 *y, u16 n,
		      u8 yfmt, s32 *u, struct agi_pid_state *st);
void agiswarm_cycle_init(struct agiswarm_agg *agg);
void agiswarm_cycle_start(struct agiswarm_agg *agg);
void agiswarm_cycle_stop(struct agiswarm_agg *agg);
void agiswarm_cycle_estop(struct agiswarm_agg *agg, bool on);

/* GET_STATUS (netlink.c). */
void agiswarm_cycle_read_decode(struct agiswarm_node *node, u64 *hist,
				u64 *max_ns);

/* The fast path's stages (socket.c). */
int agiswarm_cycle_rx_result(struct agiswarm_node *node,
			     const struct agi_wire_result *r, __be32 saddr,
			     __be16 sport, enum agiswarm_counter *reason);
int agiswarm_cycle_rx_sensor(struct agiswarm_node *node,
			     const struct agi_wire_sensor *s, __be32 saddr,
			     __be16 sport, enum agiswarm_counter *reason);

#endif /* AGISWARM_CYCLE_H */
