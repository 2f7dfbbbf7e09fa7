// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agiswarm-modbus's mapping: the documented integer rule between registers
 * and fixed point (both word orders, signed and unsigned types, negative
 * values, saturation both ways, rounding half away from zero), and the
 * mapping file's errors naming file, line, key, value and what is allowed.
 */
#include <stdio.h>
#include <string.h>

#include "core/fixed.h"
#include "user/modbus_map.h"
#include <kselftest_harness.h>

static struct agi_modbus_reg reg(u8 type, u8 order, s32 scale, s32 offset)
{
	struct agi_modbus_reg r = {
		.type = type, .word_order = order, .scale = scale,
		.offset = offset,
	};
	return r;
}

TEST(int16_signed_and_scaled)
{
	struct agi_modbus_reg r = reg(AGI_MODBUS_INT16, 0, 1 << 16, 0);
	u16 w[2] = { 0xffff };

	/* 0xffff is -1 as int16: x = -1 * 2^16 */
	ASSERT_EQ(-1, agi_modbus_value(&r, w));
	ASSERT_EQ(-65536, agi_modbus_to_fixed(&r, AGISWARM_Q1_31, w));
	w[0] = 0x8000;	/* -32768 * 2^16 = -2^31: exactly the minimum */
	ASSERT_EQ(S32_MIN, agi_modbus_to_fixed(&r, AGISWARM_Q1_31, w));
	w[0] = 0x7fff;	/* 32767 * 2^16 = 2^31 - 2^16 */
	ASSERT_EQ(2147418112, agi_modbus_to_fixed(&r, AGISWARM_Q1_31, w));
}

TEST(uint16_with_offset)
{
	/* (R - 32768) / 2^15 in Q1.31: scale 2^16, offset -1 (-2^31) */
	struct agi_modbus_reg r = reg(AGI_MODBUS_UINT16, 0, 1 << 16, S32_MIN);
	u16 w[1] = { 0xffff };

	ASSERT_EQ(65535, agi_modbus_value(&r, w));
	ASSERT_EQ(65535LL * 65536 - 2147483648LL,
		  agi_modbus_to_fixed(&r, AGISWARM_Q1_31, w));
	w[0] = 0;
	ASSERT_EQ(S32_MIN, agi_modbus_to_fixed(&r, AGISWARM_Q1_31, w));
	/* and back: u = 0 is mid-scale */
	ASSERT_FALSE(agi_modbus_from_fixed(&r, 0, w));
	ASSERT_EQ(32768, w[0]);
}

TEST(two_registers_both_word_orders)
{
	struct agi_modbus_reg hi = reg(AGI_MODBUS_INT32, AGI_MODBUS_HIGH_FIRST, 1, 0);
	struct agi_modbus_reg lo = reg(AGI_MODBUS_INT32, AGI_MODBUS_LOW_FIRST, 1, 0);
	u16 a[2] = { 0xfffe, 0x0001 }, w[2];

	/* high first: 0xfffe0001 = -131071; low first: 0x0001fffe = 131070 */
	ASSERT_EQ(-131071, agi_modbus_value(&hi, a));
	ASSERT_EQ(131070, agi_modbus_value(&lo, a));
	agi_modbus_words(&hi, -131071, w);
	ASSERT_EQ(0xfffe, w[0]);
	ASSERT_EQ(0x0001, w[1]);
	agi_modbus_words(&lo, -131071, w);
	ASSERT_EQ(0x0001, w[0]);
	ASSERT_EQ(0xfffe, w[1]);
	hi.type = lo.type = AGI_MODBUS_UINT32;
	ASSERT_EQ(0xfffe0001LL, agi_modbus_value(&hi, a));
	ASSERT_EQ(0x0001fffeLL, agi_modbus_value(&lo, a));
}

TEST(largest_products_are_exact)
{
	/* uint32 max times the largest scale plus the largest offset: 2^63 - 1 */
	struct agi_modbus_reg r = reg(AGI_MODBUS_UINT32, 0, S32_MAX, S32_MAX);
	u16 w[2] = { 0xffff, 0xffff };

	ASSERT_EQ(S32_MAX, agi_modbus_to_fixed(&r, AGISWARM_Q1_31, w));
	r.scale = S32_MIN;
	r.offset = S32_MIN;	/* -(2^32 - 1) * 2^31 - 2^31 = -2^63 */
	ASSERT_EQ(S32_MIN, agi_modbus_to_fixed(&r, AGISWARM_Q1_31, w));
	/* a negative scale flips the sign before the saturation */
	r.type = AGI_MODBUS_INT16;
	r.scale = -3;
	r.offset = 0;
	w[0] = 0xfffe;	/* -2 */
	ASSERT_EQ(6, agi_modbus_to_fixed(&r, AGISWARM_Q1_31, w));
}

TEST(saturation_to_the_format)
{
	struct agi_modbus_reg r = reg(AGI_MODBUS_INT16, 0, 1 << 16, 0);
	u16 w[1] = { 0x7fff };

	/* Q1.15 holds 16 bits: 32767 * 2^16 saturates to 32767 */
	ASSERT_EQ(32767, agi_modbus_to_fixed(&r, AGISWARM_Q1_15, w));
	w[0] = 0x8000;
	ASSERT_EQ(-32768, agi_modbus_to_fixed(&r, AGISWARM_Q1_15, w));
	r.offset = S32_MAX;	/* 32767 * 2^16 + 2^31 - 1 > 2^31 - 1 */
	w[0] = 0x7fff;
	ASSERT_EQ(S32_MAX, agi_modbus_to_fixed(&r, AGISWARM_Q1_31, w));
}

TEST(back_rounds_half_away_from_zero)
{
	struct agi_modbus_reg r = reg(AGI_MODBUS_INT16, 0, 4, 0);
	u16 w[1];

	/* u / 4: 6/4 = 1.5 -> 2, 5/4 = 1.25 -> 1, -6/4 -> -2, -5/4 -> -1 */
	agi_modbus_from_fixed(&r, 6, w);
	ASSERT_EQ(2, (s16)w[0]);
	agi_modbus_from_fixed(&r, 5, w);
	ASSERT_EQ(1, (s16)w[0]);
	agi_modbus_from_fixed(&r, -6, w);
	ASSERT_EQ(-2, (s16)w[0]);
	agi_modbus_from_fixed(&r, -5, w);
	ASSERT_EQ(-1, (s16)w[0]);
	agi_modbus_from_fixed(&r, -7, w);
	ASSERT_EQ(-2, (s16)w[0]);
	/* a negative scale: -6 / -4 = 1.5 -> 2, 6 / -4 -> -2 */
	r.scale = -4;
	agi_modbus_from_fixed(&r, -6, w);
	ASSERT_EQ(2, (s16)w[0]);
	agi_modbus_from_fixed(&r, 6, w);
	ASSERT_EQ(-2, (s16)w[0]);
}

TEST(back_saturates_to_the_type)
{
	struct agi_modbus_reg r = reg(AGI_MODBUS_INT16, 0, 1, 0);
	u16 w[2];

	ASSERT_TRUE(agi_modbus_from_fixed(&r, 40000, w));
	ASSERT_EQ(32767, (s16)w[0]);
	ASSERT_TRUE(agi_modbus_from_fixed(&r, -40000, w));
	ASSERT_EQ(-32768, (s16)w[0]);
	r.type = AGI_MODBUS_UINT16;
	ASSERT_TRUE(agi_modbus_from_fixed(&r, -1, w));
	ASSERT_EQ(0, w[0]);
	r.type = AGI_MODBUS_UINT32;
	r.word_order = AGI_MODBUS_LOW_FIRST;
	r.offset = S32_MIN;	/* u = -2^31 .. 2^31 - 1 -> 0 .. 2^32 - 1 */
	ASSERT_FALSE(agi_modbus_from_fixed(&r, S32_MAX, w));
	ASSERT_EQ(0xffff, w[0]);
	ASSERT_EQ(0xffff, w[1]);
	ASSERT_FALSE(agi_modbus_from_fixed(&r, S32_MIN, w));
	ASSERT_EQ(0, w[0]);
	ASSERT_EQ(0, w[1]);
	r.type = AGI_MODBUS_INT32;
	r.offset = 0;
	ASSERT_FALSE(agi_modbus_from_fixed(&r, S32_MIN, w));
	ASSERT_EQ(0, w[0]);
	ASSERT_EQ(0x8000, w[1]);
}

/* Every u of the form R * scale + offset comes back as R. */
TEST(back_inverts_forth)
{
	static const u8 types[] = { AGI_MODBUS_INT16, AGI_MODBUS_UINT16,
				    AGI_MODBUS_INT32, AGI_MODBUS_UINT32 };
	static const s32 scales[] = { 1, 3, 128, 65536, -7, 214748 };
	unsigned int t, s, o;
	s64 v;

	for (t = 0; t < ARRAY_SIZE(types); t++)
		for (s = 0; s < ARRAY_SIZE(scales); s++)
			for (o = 0; o < 2; o++)
				for (v = -70000; v <= 70000; v += 997) {
					struct agi_modbus_reg r =
						reg(types[t], o, scales[s],
						    o ? -1000 : 0);
					u16 w[2] = { 0 }, back[2] = { 0 };
					s64 lo = types[t] == AGI_MODBUS_INT16 ? -32768 :
						 types[t] == AGI_MODBUS_INT32 ? -70000 : 0;
					s64 hi = types[t] == AGI_MODBUS_INT16 ? 32767 :
						 types[t] == AGI_MODBUS_UINT16 ? 65535 : 70000;
					s32 x;

					if (v < lo || v > hi)
						continue;
					agi_modbus_words(&r, v, w);
					x = agi_modbus_to_fixed(&r, AGISWARM_Q1_31, w);
					if (v * scales[s] + r.offset != x)
						continue;	/* saturated */
					ASSERT_FALSE(agi_modbus_from_fixed(&r, x, back));
					ASSERT_EQ(w[0], back[0]);
					ASSERT_EQ(w[1], back[1]);
				}
}

static const char good[] =
	"device: {address: 192.0.2.100, port: 1502}\n"
	"format: Q8.24\n"
	"sensors:\n"
	"  - {register: 7, type: int32, word_order: low_first, scale: 0.5, offset: -2}\n"
	"  - {register: 3, table: holding, type: uint16, scale: 1}\n"
	"actuators:\n"
	"  - {register: 100, type: int16, scale: 0.25}\n"
	"safe_output: [1.5]\n";

TEST(loads_the_documented_keys)
{
	static struct agi_modbus_map m;
	char err[AGI_MODBUS_ERR_LEN];

	ASSERT_EQ(0, agi_modbus_map_load(&m, "m.yaml", good, err, sizeof(err)));
	ASSERT_STREQ("192.0.2.100", m.address);
	ASSERT_EQ(1502, m.port);
	ASSERT_EQ(AGI_MODBUS_DEFAULT_UNIT, m.unit_id);
	ASSERT_EQ(AGI_MODBUS_DEFAULT_TIMEOUT_US, m.timeout_us);
	ASSERT_EQ(AGISWARM_Q8_24, m.format);
	ASSERT_EQ(2, m.n_sensors);
	ASSERT_EQ(7, m.sensor[0].reg);
	ASSERT_EQ(AGI_MODBUS_LOW_FIRST, m.sensor[0].word_order);
	ASSERT_EQ(1 << 23, m.sensor[0].scale);		/* 0.5 in Q8.24 */
	ASSERT_EQ(-(2 << 24), m.sensor[0].offset);
	ASSERT_EQ(AGI_MODBUS_INPUT, m.sensor[0].table);
	ASSERT_EQ(AGI_MODBUS_HOLDING, m.sensor[1].table);
	ASSERT_EQ(5, m.sensor[1].line);
	ASSERT_EQ(1, m.n_actuators);
	ASSERT_EQ(AGI_MODBUS_HOLDING, m.actuator[0].table);
	ASSERT_EQ(1, m.n_safe);
	ASSERT_EQ(3 << 23, m.safe[0]);
}

TEST(the_shipped_example_loads)
{
	static struct agi_modbus_map m;
	char err[AGI_MODBUS_ERR_LEN];

	ASSERT_EQ(0, agi_modbus_map_load(&m, "configs/modbus_plant.yaml", NULL,
					 err, sizeof(err))) {
		TH_LOG("%s", err);
	}
	ASSERT_EQ(8, m.n_sensors);
	ASSERT_EQ(8, m.n_actuators);
	ASSERT_EQ(8, m.n_safe);
	/* 0.0001 in Q1.31 rounds to 214748 (214748.3648) */
	ASSERT_EQ(214748, m.sensor[6].scale);
}

static const struct {
	const char *text;
	const char *msg;
} bad[] = {
	{ "device: {address: 192.0.2.1}\nsensors:\n  - {register: 0, type: int64, scale: 1}\n",
	  "m.yaml:3: sensors[0].type: bad value 'int64': allowed int16, uint16, int32 or uint32" },
	{ "device: {address: 192.0.2.1}\nsensors:\n  - {register: 70000, type: int16, scale: 0.5}\n",
	  "m.yaml:3: sensors[0].register: bad value '70000': allowed an integer in 0..65535" },
	{ "device: {address: 192.0.2.1}\nsensors:\n  - {register: 65535, type: uint32, scale: 0.5}\n",
	  "m.yaml:3: sensors[0]: register 65535 is the last one: a uint32 needs two (allowed 0..65534)" },
	{ "device: {address: 192.0.2.1}\nsensors:\n  - {register: 1, type: int16, scale: 1.5}\n",
	  "m.yaml:3: sensors[0].scale: bad value '1.5': allowed a decimal in [-1, 1) (Q1.31)" },
	{ "device: {address: 192.0.2.1}\nsensors:\n  - {register: 1, type: int16}\n",
	  "m.yaml:3: sensors[0]: scale is missing (the keys here are register, type, word_order, scale, offset, table)" },
	{ "device: {address: 192.0.2.1}\nsensors:\n  - {register: 1, type: int16, scale: 0.5}\nactuators:\n  - {register: 1, type: int16, scale: 0.5, table: input}\n",
	  "m.yaml:5: actuators[0].table: unknown key; the keys here are register, type, word_order, scale, offset" },
	{ "device: {address: 192.0.2.1}\nsensors:\n  - {register: 1, type: int16, scale: 0.5}\nactuators:\n  - {register: 1, type: int16, scale: 0}\n",
	  "m.yaml:5: actuators[0]: scale 0 cannot be inverted: an actuator's scale must not be 0" },
	{ "device: {address: 192.0.2.1}\nsensors:\n  - {register: 1, type: int16, scale: 0.5}\nactuators:\n  - {register: 1, type: int32, scale: 0.5}\n  - {register: 2, type: int16, scale: 0.5}\n",
	  "m.yaml: line 6: actuators[1]: register 2 overlaps actuators[0] (line 5): each register is written by one element" },
	{ "device: {address: 192.0.2.1}\nsensors:\n  - {register: 1, type: int16, scale: 0.5}\nsafe_output: [0, 0]\n",
	  "m.yaml:4: safe_output: 2 values for 0 actuators: give one per actuator, or none" },
	{ "device: {address: modbus.example}\nsensors:\n  - {register: 1, type: int16, scale: 0.5}\n",
	  "m.yaml:1: device.address: bad value 'modbus.example': allowed an IPv4 or IPv6 address literal" },
	{ "sensors:\n  - {register: 1, type: int16, scale: 0.5}\n",
	  "m.yaml:1: device: is missing: the device's {address, port, unit_id, timeout_ms}" },
	{ "device: {address: 192.0.2.1}\nsensor: []\n",
	  "m.yaml:2: sensor: unknown key; the keys here are format, device, sensors, actuators, safe_output" },
	{ "device: {address: 192.0.2.1}\nformat: Q2.30\n",
	  "m.yaml:2: format: bad value 'Q2.30': allowed Q1.31, Q1.15 or Q8.24" },
	{ "device: {address: 192.0.2.1}\nsensors: []\n",
	  "m.yaml:2: sensors: at least one element is needed (x has 1..256)" },
};

TEST(errors_name_line_key_value_and_what_is_allowed)
{
	static struct agi_modbus_map m;
	char err[AGI_MODBUS_ERR_LEN];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ASSERT_NE(0, agi_modbus_map_load(&m, "m.yaml", bad[i].text, err,
						 sizeof(err)));
		EXPECT_STREQ(bad[i].msg, err);
	}
}

TEST_HARNESS_MAIN
