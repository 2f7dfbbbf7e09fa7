// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * A plant's endpoint options (plant_args.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "plant_args.h"

void agi_plant_args_init(struct agi_plant_args *a)
{
	memset(a, 0, sizeof(*a));
	a->listen = AGI_PLANT_ARG_LISTEN_DEFAULT;
}

int agi_plant_arg(struct agi_plant_args *a, int opt, const char *arg,
		  char *err, size_t len)
{
	switch (opt) {
	case AGI_PLANT_ARG_AGGREGATOR:
		if (a->n_agg == AGIPLANT_AGGREGATORS_MAX)
			break;
		a->agg[a->n_agg++].address = arg;
		return 1;
	case AGI_PLANT_ARG_PEER_KEY:
		if (a->n_peer_key == AGIPLANT_AGGREGATORS_MAX)
			break;
		a->agg[a->n_peer_key++].key_file = arg;
		return 1;
	case AGI_PLANT_ARG_PSK: a->psk = arg; return 1;
	case AGI_PLANT_ARG_KEY: a->key = arg; return 1;
	case AGI_PLANT_ARG_NODE_KEY: a->node_key = arg; return 1;
	case AGI_PLANT_ARG_LISTEN: a->listen = arg; return 1;
	default:
		return 0;
	}
	snprintf(err, len, "more than %d --%s", AGIPLANT_AGGREGATORS_MAX,
		 opt == AGI_PLANT_ARG_AGGREGATOR ? "aggregator" : "peer-key");
	return -EINVAL;
}

int agi_plant_args_config(const struct agi_plant_args *a,
			  struct agiplant_config *cfg, char *err, size_t len)
{
	if (!a->n_agg) {
		snprintf(err, len, "--aggregator ADDR:PORT is required");
		return -EINVAL;
	}
	if (!(a->psk && a->key) == !a->node_key || a->n_peer_key != a->n_agg) {
		snprintf(err, len, "--psk FILE and --key PUB, or --node-key KEY, and a --peer-key PUB for each --aggregator are required");
		return -EINVAL;
	}
	*cfg = (struct agiplant_config){
		.listen = a->listen, .key_file = a->key, .psk_file = a->psk,
		.private_key_file = a->node_key, .aggregators = a->agg,
		.n_aggregators = a->n_agg,
	};
	return 0;
}
