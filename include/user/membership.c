// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * What an aggregator's daemon does about one worker: membership.h.
 */
#include "uapi/linux/agiswarm.h"
#include "membership.h"
#include "repl_entry.h"

enum agi_member_act agi_member_step(const struct agi_member_view *v)
{
	/*
	 * In a group a static worker the module lacks is added whatever its
	 * health: a sealed module opens only the heartbeats of its peers, so
	 * it could never be heard before it is one.
	 */
	bool add = (v->health == AGISWARM_HEALTH_HEALTHY ||
		    (v->in_group && v->is_static)) && !v->in_module;
	bool remove = v->health == AGISWARM_HEALTH_UNHEALTHY && v->in_module &&
		      !v->is_static;

	if ((add || remove) && !v->in_group)
		return add ? AGI_MEMBER_ADD : AGI_MEMBER_REMOVE;
	if ((add || remove) && v->leader && !v->proposing)
		return add ? AGI_MEMBER_PROPOSE_ADD : AGI_MEMBER_PROPOSE_REMOVE;
	/* A follower, or a proposal under way: the module keeps its set. */
	if (v->in_module && !v->health_told &&
	    v->health != AGI_MEMBER_HEALTH_UNKNOWN)
		return AGI_MEMBER_TELL;
	return AGI_MEMBER_KEEP;
}

enum agi_member_apply agi_member_apply_step(uint8_t op, bool in_module,
					    bool same_ep, bool sealed,
					    bool has_key)
{
	switch (op) {
	case AGI_REPL_WORKER_ADD:
		if (in_module && same_ep)
			return AGI_APPLY_NOTHING;
		return sealed && !has_key ? AGI_APPLY_NO_KEY : AGI_APPLY_ADD;
	case AGI_REPL_WORKER_REMOVE:
		return in_module ? AGI_APPLY_REMOVE : AGI_APPLY_NOTHING;
	}
	return AGI_APPLY_INVALID;
}
