/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Building items with libcbor, the tests' independent oracle, so that
 * libcbor serializes them deterministically: libcbor writes an integer in
 * the width of its item, so the narrowest item that holds the value is
 * built. Maps must still be filled in ascending key order by the caller.
 */
#ifndef AGISWARM_TEST_CBOR_ORACLE_H
#define AGISWARM_TEST_CBOR_ORACLE_H

#include <stdint.h>
#include <cbor.h>

/* An unsigned integer in its shortest form. */
static inline cbor_item_t *oracle_uint(uint64_t v)
{
	if (v <= 0xff)
		return cbor_build_uint8((uint8_t)v);
	if (v <= 0xffff)
		return cbor_build_uint16((uint16_t)v);
	if (v <= 0xffffffff)
		return cbor_build_uint32((uint32_t)v);
	return cbor_build_uint64(v);
}

/* The negative integer -1 - @v in its shortest form. */
static inline cbor_item_t *oracle_negint(uint64_t v)
{
	cbor_item_t *it = oracle_uint(v);

	cbor_mark_negint(it);
	return it;
}

#endif /* AGISWARM_TEST_CBOR_ORACLE_H */
