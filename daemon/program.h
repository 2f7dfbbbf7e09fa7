/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Programming the local agiswarm module from a configuration, through
 * agictl's own verbs, and agiswarmd's event loop.
 */
#ifndef AGISWARMD_PROGRAM_H
#define AGISWARMD_PROGRAM_H

#include "config.h"

/*
 * Unless the module already runs as this node (same role, id and port,
 * an aggregator's cycle running: then it is adopted untouched), sets the
 * node (role, id, port, epoch; an aggregator's cycle, deadline,
 * miss policy, redundancy, seed, control law, peers and the matrix from
 * @matrix_file) and starts an aggregator's cycle. Each step is logged on
 * stderr as the agictl command it is. Returns 0, or 1 after the first
 * step the module refused (reported as agictl reports it).
 */
int agid_program(const struct agid_config *cfg, const char *matrix_file);

/*
 * Peer add (at @ep, @adding, with @health unless it is negative) or del of
 * worker @id, as "agictl peer ..."; an exit code.
 */
int agid_peer_change(bool adding, u32 id, const struct agi_endpoint *ep,
		     int health);

#endif /* AGISWARMD_PROGRAM_H */
