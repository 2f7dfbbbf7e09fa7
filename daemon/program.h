/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Programming the local agiswarm module from a configuration, with the
 * library's typed requests, before agiswarmd's loop starts.
 */
#ifndef AGISWARMD_PROGRAM_H
#define AGISWARMD_PROGRAM_H

#include "user/config.h"
#include "user/nl.h"
#include "user/peer.h"

/*
 * Unless the module already runs as this node (same role, id and port,
 * an aggregator's cycle running: then it is adopted untouched), sets the
 * node (role, id, port, epoch; an aggregator's cycle, deadline, miss
 * policy, redundancy, seed, control law, peers and the matrix from
 * @matrix_file) and starts an aggregator's cycle, on @nl. Each step is
 * logged on stderr as the agictl command that repeats it by hand. Returns
 * 0, or 1 after the first step the module refused (logged with its
 * reason; later steps are not tried).
 */
/*
 * Member @i of the group (cfg->group[@i]) as the AGGREGATOR peer every
 * node of the group adds: id AGID_MEMBER_ID(its rank), its ip:port and
 * key, and with @with_rank its rank (an aggregator's fellow members; a
 * worker's aggregators have none). 0, or -EINVAL when its address is not
 * one the module takes.
 */
#define AGID_MEMBER_ID(rank) ((u32)(rank) + 1)
int agid_member_peer(const struct agi_config *cfg, u32 i, bool with_rank,
		     struct agi_peer_req *p);

int agid_program(const struct agi_config *cfg, struct agi_nl *nl,
		 const char *matrix_file);

#endif /* AGISWARMD_PROGRAM_H */
