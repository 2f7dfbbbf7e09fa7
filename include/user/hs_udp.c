// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * A session agreed over a plain UDP socket: see hs_udp.h.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <sodium.h>

#include "hs_udp.h"

#define TRIES 3
#define FIRST_WAIT_MS 1000

static u64 clock_ms(clockid_t id, u64 div)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ((u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec) / div;
}

static bool from_ep(const struct sockaddr_storage *a, socklen_t alen,
		    const struct agi_endpoint *ep)
{
	return alen == ep->len && !memcmp(a, &ep->addr, ep->len);
}

/* The RESP to @p from @ep within @wait_ms: 0 with @k, or -ETIMEDOUT. */
static int await_resp(int fd, const struct agi_endpoint *ep,
		      struct agi_hs_pending *p, u64 wait_ms,
		      struct agi_hs_keys *k)
{
	u64 deadline = clock_ms(CLOCK_MONOTONIC, 1000000) + wait_ms, t;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct sockaddr_storage from;
	u8 buf[AGISWARM_WIRE_MAX + 1];
	socklen_t flen;
	ssize_t n;

	while ((t = clock_ms(CLOCK_MONOTONIC, 1000000)) < deadline) {
		if (poll(&pfd, 1, (int)(deadline - t)) <= 0)
			continue;
		flen = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			     &flen);
		if (n > 0 && from_ep(&from, flen, ep) &&
		    !agi_hs_complete(p, buf, (size_t)n, k))
			return 0;
	}
	return -ETIMEDOUT;
}

int agi_hs_udp_initiate(int fd, const struct agi_endpoint *ep,
			const struct agi_keypair *self,
			const u8 peer[AGI_PK_LEN], struct agi_session *s)
{
	u8 init[AGI_HS_INIT_MAX];
	struct agi_hs_pending p;
	struct agi_hs_keys k;
	u64 wait = FIRST_WAIT_MS;
	int n, try, ret = -ETIMEDOUT;
	u32 index;

	memset(s, 0, sizeof(*s));
	if (agi_keys_init())
		return -EIO;
	do
		index = randombytes_random();
	while (!index);
	n = agi_hs_initiate(&p, self, peer, index,
			    clock_ms(CLOCK_REALTIME, 1), init, sizeof(init));
	if (n < 0)
		return n;
	for (try = 0; try < TRIES && ret == -ETIMEDOUT; try++, wait *= 2) {
		if (sendto(fd, init, (size_t)n, 0,
			   (const struct sockaddr *)&ep->addr, ep->len) != n) {
			ret = -errno;
			break;
		}
		ret = await_resp(fd, ep, &p, wait, &k);
	}
	agi_hs_pending_wipe(&p);
	if (ret)
		return ret;
	s->local_index = k.local_index;
	s->remote_index = k.remote_index;
	memcpy(s->rx, k.rx, sizeof(s->rx));
	memcpy(s->tx, k.tx, sizeof(s->tx));
	agi_hs_keys_wipe(&k);
	return 0;
}
