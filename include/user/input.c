// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * SET_INPUT: see input.h.
 */
#include <libmnl/libmnl.h>

#include "input.h"

int agi_input_set(struct agi_nl *nl, const struct agi_input_req *in)
{
	char buf[AGI_NL_BUF_SIZE];
	struct nlmsghdr *nlh = agi_nl_request(nl, buf, AGISWARM_CMD_SET_INPUT);

	mnl_attr_put_u8(nlh, AGISWARM_A_INPUT_FMT, in->fmt);
	mnl_attr_put(nlh, AGISWARM_A_INPUT_X, in->n * sizeof(*in->x), in->x);
	if (in->apply_at)
		mnl_attr_put_u64(nlh, AGISWARM_A_APPLY_AT_CYCLE, in->apply_at);
	return agi_nl_talk(nl, nlh, NULL, NULL);
}
