/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * A session agreed over a plain UDP socket, for programs without the
 * module (`agictl commit --peer-key`, a plant): the initiator's side of
 * the handshake (handshake.h) with retries, its keys as a userspace
 * session (seal.h) that seals and opens with libsodium.
 */
#ifndef AGISWARM_USER_HS_UDP_H
#define AGISWARM_USER_HS_UDP_H

#include "handshake.h"
#include "parse.h"
#include "seal.h"

/*
 * Sends an INIT from @self to the node of public key @peer at @ep on @fd
 * and waits for its RESP from @ep: up to 3 INITs, 1, 2 and 4 s apart. The
 * session into @s (first transmit counter 0). 0, -ETIMEDOUT when no RESP
 * came, or -errno of the socket.
 */
int agi_hs_udp_initiate(int fd, const struct agi_endpoint *ep,
			const struct agi_keypair *self,
			const u8 peer[AGI_PK_LEN], struct agi_session *s);

#endif /* AGISWARM_USER_HS_UDP_H */
