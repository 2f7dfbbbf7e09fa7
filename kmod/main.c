// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agiswarm.ko: the kernel side of the AGISWARM control fabric.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <net/genetlink.h>

#include "core.h"
#include "daemon.h"
#include "netlink.h"
#include "node.h"
#include "objects.h"

#ifdef AGISWARM_BENCH_NOSEAL
/* agiswarm_noseal.ko (core.c): loads only when asked for by name. */
static bool bench_noseal;
module_param(bench_noseal, bool, 0444);
MODULE_PARM_DESC(bench_noseal,
		 "1: load this benchmark build, whose datagrams are NOT encrypted or authenticated");
#endif

static int __init agiswarm_mod_init(void)
{
	int ret;

#ifdef AGISWARM_BENCH_NOSEAL
	if (!bench_noseal) {
		pr_err("a benchmark build without encryption: load agiswarm.ko, or this one with bench_noseal=1\n");
		return -EPERM;
	}
	pr_warn("benchmark build: datagrams are neither encrypted nor authenticated\n");
#endif
	ret = agiswarm_core_init();
	if (ret)
		return ret;

	ret = agiswarm_node_init();
	if (ret)
		goto err_node;

	/* After the nodes: the release notifier looks them up. */
	ret = agiswarm_daemon_init();
	if (ret)
		goto err_daemon;

	/* Last: once the family exists, requests may arrive. */
	ret = agiswarm_netlink_init();
	if (ret)
		goto err_netlink;

	pr_info("version %s loaded\n", AGISWARM_VERSION);
	return 0;

err_netlink:
	agiswarm_daemon_uninit();
err_daemon:
	agiswarm_node_uninit();
err_node:
	agiswarm_objects_uninit();
	return ret;
}

static void __exit agiswarm_mod_exit(void)
{
	agiswarm_netlink_uninit();
	agiswarm_daemon_uninit();
	agiswarm_node_uninit();
	agiswarm_objects_uninit();
	pr_info("unloaded\n");
}

module_init(agiswarm_mod_init);
module_exit(agiswarm_mod_exit);
MODULE_LICENSE("GPL");
#ifdef AGISWARM_BENCH_NOSEAL
MODULE_DESCRIPTION("AGISWARM benchmark build: datagrams NOT encrypted (bench_noseal=1)");
#else
MODULE_DESCRIPTION("AGISWARM distributed control fabric");
/* Only the product answers for the family (the benchmark build never). */
MODULE_ALIAS_GENL_FAMILY(AGISWARM_GENL_NAME);
#endif
MODULE_AUTHOR("The AGISWARM authors");
MODULE_VERSION(AGISWARM_VERSION);
