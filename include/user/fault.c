// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * SET_FAULT and CLEAR_FAULT: see fault.h.
 */
#include <libmnl/libmnl.h>

#include "fault.h"

int agi_fault_set(struct agi_nl *nl, const struct agi_fault_req *f)
{
	char buf[AGI_NL_BUF_SIZE];
	struct nlmsghdr *nlh = agi_nl_request(nl, buf, AGISWARM_CMD_SET_FAULT);

	mnl_attr_put_u32(nlh, AGISWARM_A_FAULT_WORKER, f->worker);
	mnl_attr_put_u8(nlh, AGISWARM_A_FAULT_KIND, f->kind);
	mnl_attr_put_u32(nlh, AGISWARM_A_FAULT_VALUE, f->value);
	return agi_nl_talk(nl, nlh, NULL, NULL);
}

int agi_fault_clear(struct agi_nl *nl, bool one, u32 worker)
{
	char buf[AGI_NL_BUF_SIZE];
	struct nlmsghdr *nlh = agi_nl_request(nl, buf,
					      AGISWARM_CMD_CLEAR_FAULT);

	if (one)
		mnl_attr_put_u32(nlh, AGISWARM_A_FAULT_WORKER, worker);
	return agi_nl_talk(nl, nlh, NULL, NULL);
}
