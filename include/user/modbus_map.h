/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The Modbus mapping of agiswarm-modbus(8): which registers of a
 * Modbus/TCP device make the sensor vector x, which ones take the
 * actuation u, and the exact integer rule between a register's value and
 * the fixed-point element. Read from YAML with the configuration's words
 * and errors (FILE:LINE: KEY: bad value 'V': allowed ...).
 *
 * The rule, for an element with scale s and offset o (both raw integers
 * of the vector's format F, written as decimals and converted like every
 * decimal of the configuration) and register value R (the integer the
 * one or two registers hold, by type and word order):
 *
 *   register -> x:  x = sat_F(R * s + o)                      (exact, s64)
 *   u -> register:  R = sat_type(round_half_away((u - o) / s))
 *
 * |R| < 2^32 and |s|, |o| <= 2^31, so R * s + o fits an s64 exactly; the
 * only rounding of the way back is the one division. The second is the
 * inverse of the first: a u = R * s + o comes back as R.
 */
#ifndef AGISWARM_USER_MODBUS_MAP_H
#define AGISWARM_USER_MODBUS_MAP_H

#include <stdbool.h>
#include <stdio.h>

#include "core/compat.h"
#include "uapi/linux/agiswarm.h"

#define AGI_MODBUS_VEC_MAX 256		/* elements of x or u */
#define AGI_MODBUS_ERR_LEN 1024
#define AGI_MODBUS_DEFAULT_PORT 502
#define AGI_MODBUS_DEFAULT_UNIT 1
#define AGI_MODBUS_DEFAULT_TIMEOUT_US 100000

enum agi_modbus_type {
	AGI_MODBUS_INT16,
	AGI_MODBUS_UINT16,
	AGI_MODBUS_INT32,		/* two registers */
	AGI_MODBUS_UINT32,		/* two registers */
};

enum agi_modbus_word_order {
	AGI_MODBUS_HIGH_FIRST,		/* the register at @reg holds bits 31..16 */
	AGI_MODBUS_LOW_FIRST,		/* the register at @reg holds bits 15..0 */
};

enum agi_modbus_table {
	AGI_MODBUS_INPUT,		/* input registers (function 4) */
	AGI_MODBUS_HOLDING,		/* holding registers (3; written by 6, 16) */
};

/* One element of x or u. */
struct agi_modbus_reg {
	u16 reg;			/* the first register's address, 0..65535 */
	u8 table;			/* enum agi_modbus_table; u: holding */
	u8 type;			/* enum agi_modbus_type */
	u8 word_order;			/* enum agi_modbus_word_order */
	s32 scale;			/* raw, in the map's format */
	s32 offset;			/* raw, in the map's format */
	u32 line;			/* where it was written */
};

struct agi_modbus_map {
	char address[64];		/* device.address: IPv4 or IPv6 literal */
	u16 port;			/* device.port */
	u16 unit_id;			/* device.unit_id, 0..255 */
	u32 timeout_us;			/* device.timeout_ms */
	u8 format;			/* enum agiswarm_qformat of x and u */
	u32 n_sensors;
	struct agi_modbus_reg sensor[AGI_MODBUS_VEC_MAX];
	u32 n_actuators;
	struct agi_modbus_reg actuator[AGI_MODBUS_VEC_MAX];
	u32 n_safe;			/* 0: nothing written on the device's return */
	s32 safe[AGI_MODBUS_VEC_MAX];	/* safe_output, raw u */
};

/*
 * Reads @file (or @text, named @file, when @text is not NULL) into @map.
 * Returns 0, or a negative errno with "FILE:LINE: KEY: ..." in @err.
 */
int agi_modbus_map_load(struct agi_modbus_map *map, const char *file,
			const char *text, char *err, size_t err_size);

/* Registers an element spans: 1 or 2. */
unsigned int agi_modbus_nregs(const struct agi_modbus_reg *r);
/* The integer R that @w (agi_modbus_nregs() registers, in order) holds. */
s64 agi_modbus_value(const struct agi_modbus_reg *r, const u16 *w);
/* @v, which must lie in the type's range, as the registers @w. */
void agi_modbus_words(const struct agi_modbus_reg *r, s64 v, u16 *w);
/* register -> x: sat_F(R * scale + offset). */
s32 agi_modbus_to_fixed(const struct agi_modbus_reg *r,
			enum agiswarm_qformat fmt, const u16 *w);
/*
 * u -> register: R = round half away from zero of (u - offset) / scale,
 * clamped to the type's range, into @w. Returns true when it was clamped.
 * A scale of 0 (refused for actuators by the loader) gives R = 0.
 */
bool agi_modbus_from_fixed(const struct agi_modbus_reg *r, s32 u, u16 *w);

/* The mapping as read, raw values included, one JSON object on a line. */
void agi_modbus_map_print_json(FILE *f, const struct agi_modbus_map *map);

#endif /* AGISWARM_USER_MODBUS_MAP_H */
