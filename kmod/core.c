// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The portable core (include/core), compiled into the module: the same
 * source as userspace uses, so both compute bit-identical results.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/init.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <crypto/chacha20poly1305.h>

#include "../include/core/fixed.c"
#include "../include/core/fixed_selftest.c"
#include "../include/core/code.c"
#include "../include/core/code_decode.c"
#include "../include/core/cbor.c"
#include "../include/core/wire.c"
#include "../include/core/group.c"
#include "../include/core/probe.c"
#include "../include/core/seal.c"
#include "../include/core/replay.c"
#include "../include/core/seal_selftest.c"

#include "core.h"

#ifndef AGISWARM_BENCH_NOSEAL
/* The AEAD of the sealed envelope: lib/crypto's, as WireGuard uses it. */
const struct agi_aead agiswarm_aead = {
	.encrypt = chacha20poly1305_encrypt,
	.decrypt = chacha20poly1305_decrypt,
};
#else
/*
 * agiswarm_noseal.ko only (`make module-noseal`, for `make bench-vm`): the
 * envelope, its keypairs, counters, replay windows and copies stay as they
 * are; the cipher and the tag are left out (the tag is written as zeros and
 * not checked), so that the latency it shows next to agiswarm.ko's is the
 * cost of the ChaCha20-Poly1305 alone. Never a product: it loads only with
 * bench_noseal=1 (main.c).
 */
static void noseal_encrypt(u8 *dst, const u8 *src, const size_t len,
			   const u8 *ad, const size_t ad_len, const u64 nonce,
			   const u8 key[AGISWARM_SEAL_KEY_LEN])
{
	memmove(dst, src, len);
	memset(dst + len, 0, AGISWARM_SEAL_TAG_LEN);
}

static bool noseal_decrypt(u8 *dst, const u8 *src, const size_t len,
			   const u8 *ad, const size_t ad_len, const u64 nonce,
			   const u8 key[AGISWARM_SEAL_KEY_LEN])
{
	if (len < AGISWARM_SEAL_TAG_LEN)
		return false;
	memmove(dst, src, len - AGISWARM_SEAL_TAG_LEN);
	return true;
}

const struct agi_aead agiswarm_aead = {
	.encrypt = noseal_encrypt,
	.decrypt = noseal_decrypt,
};
#endif

#ifdef AGISWARM_BENCH_NOSEAL
static const bool noseal = true;
#else
static const bool noseal;
#endif

/* kmod/Kbuild defines AGISWARM_DEBUG in a debug build (AGISWARM_DEBUG=1). */
#ifdef AGISWARM_DEBUG
static const bool selftests = true;
#else
static const bool selftests;
#endif

static void __init report_fixed_failure(const char *what, s64 got, s64 want)
{
	pr_err("fixed-point self-test failed: %s: got %lld, want %lld\n",
	       what, got, want);
}

/**
 * agiswarm_core_init() - the portable core's self-tests, in a debug build
 *
 * Each failing case is printed.
 *
 * Return: 0, or -ENOTRECOVERABLE when a case fails.
 */
int __init agiswarm_core_init(void)
{
	u8 *scratch;
	int ret;

	if (!selftests)
		return 0;
	if (agi_fixed_selftest(report_fixed_failure)) {
		pr_err("fixed-point self-tests: FAIL\n");
		return -ENOTRECOVERABLE;
	}
	pr_info("fixed-point self-tests: pass\n");
	if (noseal) {
		pr_warn("seal self-tests skipped: agiswarm_noseal.ko does not encrypt (benchmark only)\n");
		return 0;
	}
	scratch = kmalloc(AGI_SEAL_SELFTEST_SCRATCH, GFP_KERNEL);
	if (!scratch)
		return -ENOMEM;
	ret = agi_seal_selftest(&agiswarm_aead, scratch);
	kfree(scratch);
	if (ret) {
		pr_err("seal self-tests: FAIL at step %d\n", -ret);
		return -ENOTRECOVERABLE;
	}
	pr_info("seal self-tests (RFC 8439 A.5, the UAPI example): pass\n");
	return 0;
}
