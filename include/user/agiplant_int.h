/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * libagiplant's insides that its tests and fuzzer reach: the actuator's
 * half of the replication invariants (at most one output per cycle id,
 * cycle ids strictly increasing, fenced by the highest epoch seen) and
 * the receive path of one datagram, without the socket.
 */
#ifndef AGISWARM_USER_AGIPLANT_INT_H
#define AGISWARM_USER_AGIPLANT_INT_H

#include <stdbool.h>

#include "core/compat.h"
#include "agiplant.h"
#include "keys.h"
#include "parse.h"

enum agi_actuate_verdict {
	AGI_ACTUATE_DELIVER,
	AGI_ACTUATE_DUPLICATE,		/* the cycle id delivered last */
	AGI_ACTUATE_OLD_CYCLE,		/* below the cycle id delivered last */
	AGI_ACTUATE_STALE_EPOCH,	/* below the highest epoch seen */
};

/**
 * struct agi_actuate_filter - what an actuator has taken
 * @seen: an authenticated ACTUATE arrived (@epoch is valid)
 * @delivered: one was delivered (@cycle is valid)
 * @epoch: the highest epoch seen
 * @cycle: the cycle id delivered last
 */
struct agi_actuate_filter {
	bool seen;
	bool delivered;
	u64 epoch;
	u64 cycle;
};

/*
 * The verdict on an authenticated ACTUATE of @epoch and @cycle: the epoch
 * fences first (and is taken as the highest seen when it is), then the
 * cycle id must exceed the last delivered one, which it then becomes.
 */
enum agi_actuate_verdict agi_actuate_filter(struct agi_actuate_filter *f,
					    u64 epoch, u64 cycle);

/*
 * One datagram from the network, @len bytes in @buf (opened in place):
 * 1 with @a when an ACTUATE is delivered, 0 when it is refused or
 * dropped (and counted).
 */
int agiplant_input(struct agiplant *p, u8 *buf, size_t len,
		   struct agiplant_actuation *a);

/* An endpoint with no socket (agiplant_fd() is -1) and no member yet. */
struct agiplant *agiplant_alloc(void);

/*
 * A member at @ep of public key @peer, its keypair derived from @psk and
 * the two public keys (@psk NULL: keyed by handshakes, when the endpoint
 * has the plant's key pair): 0, -ENOSPC past AGIPLANT_AGGREGATORS_MAX,
 * -EINVAL when @self is @peer.
 */
int agiplant_add_member(struct agiplant *p, const struct agi_endpoint *ep,
			const u8 *psk, const u8 self[AGI_PK_LEN],
			const u8 peer[AGI_PK_LEN]);

#endif /* AGISWARM_USER_AGIPLANT_INT_H */
