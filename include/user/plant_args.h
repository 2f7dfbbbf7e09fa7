/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The command line of a plant's endpoint, one way for every program that
 * is a plant (selftests/plant, agiswarm-modbus): --aggregator ADDR:PORT
 * and --peer-key PUB, repeated and paired in order (one per member of the
 * group), --psk FILE with --key PUB or --node-key KEY, and --listen
 * ADDR:PORT. A program puts AGI_PLANT_ARG_OPTIONS into its getopt_long()
 * table and hands each option to agi_plant_arg() first.
 */
#ifndef AGISWARM_USER_PLANT_ARGS_H
#define AGISWARM_USER_PLANT_ARGS_H

#include <getopt.h>
#include <stddef.h>

#include "agiplant.h"

enum {
	AGI_PLANT_ARG_AGGREGATOR = 0x1000,
	AGI_PLANT_ARG_PEER_KEY,
	AGI_PLANT_ARG_PSK,
	AGI_PLANT_ARG_KEY,
	AGI_PLANT_ARG_NODE_KEY,
	AGI_PLANT_ARG_LISTEN,
};

#define AGI_PLANT_ARG_OPTIONS \
	{ "aggregator", required_argument, NULL, AGI_PLANT_ARG_AGGREGATOR }, \
	{ "peer-key", required_argument, NULL, AGI_PLANT_ARG_PEER_KEY }, \
	{ "psk", required_argument, NULL, AGI_PLANT_ARG_PSK }, \
	{ "key", required_argument, NULL, AGI_PLANT_ARG_KEY }, \
	{ "node-key", required_argument, NULL, AGI_PLANT_ARG_NODE_KEY }, \
	{ "listen", required_argument, NULL, AGI_PLANT_ARG_LISTEN }

/* The default --listen. */
#define AGI_PLANT_ARG_LISTEN_DEFAULT "0.0.0.0:6000"

struct agi_plant_args {
	const char *listen, *psk, *key, *node_key;
	struct agiplant_aggregator agg[AGIPLANT_AGGREGATORS_MAX];
	unsigned int n_agg, n_peer_key;
};

void agi_plant_args_init(struct agi_plant_args *a);
/*
 * Takes the option @opt with its @arg: 1 when it was one of these, 0 when
 * it is not, -EINVAL (the reason in @err) when one too many was given.
 */
int agi_plant_arg(struct agi_plant_args *a, int opt, const char *arg,
		  char *err, size_t len);
/*
 * @cfg for agiplant_open() (pointing into @a); -EINVAL with what is missing
 * in @err unless there is an --aggregator, each with its --peer-key, and
 * either --psk with --key or --node-key.
 */
int agi_plant_args_config(const struct agi_plant_args *a,
			  struct agiplant_config *cfg, char *err, size_t len);

#endif /* AGISWARM_USER_PLANT_ARGS_H */
