// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * libFuzzer target: agiswarm-modbus's mapping file (include/user/
 * modbus_map.c, libyaml), operator bytes read at every start. Any text
 * either loads or is refused with a message that names the file; what
 * loads prints, and every element's rule holds: the registers a u is
 * written as read back, unless clamped, to within half a scale step of u,
 * and a register value whose x is not saturated comes back unchanged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fixed.h"
#include "user/modbus_map.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static void check_reg(const struct agi_modbus_reg *r, enum agiswarm_qformat fmt,
		      const u8 *data, size_t size)
{
	u16 w[2] = { 0 }, back[2] = { 0 };
	s64 v, x, scale = r->scale < 0 ? -(s64)r->scale : r->scale;
	s32 u = 0;

	if (size >= 4)
		memcpy(&u, data, 4);
	memcpy(w, &u, sizeof(w));
	v = agi_modbus_value(r, w);
	x = agi_modbus_to_fixed(r, fmt, w);
	if (r->scale && x == v * r->scale + r->offset) {
		agi_modbus_from_fixed(r, (s32)x, back);
		if (agi_modbus_value(r, back) != v)
			abort();
	}
	if (r->scale && !agi_modbus_from_fixed(r, u, back)) {
		s64 got = agi_modbus_value(r, back) * r->scale + r->offset;
		s64 d = got - u;

		if (2 * (d < 0 ? -d : d) > scale)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct agi_modbus_map m;
	char err[AGI_MODBUS_ERR_LEN], *text, *out = NULL;
	size_t len, i;
	FILE *f;

	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (agi_modbus_map_load(&m, "fuzz.yaml", text, err, sizeof(err))) {
		if (strncmp(err, "fuzz.yaml", 9))
			abort();
		free(text);
		return 0;
	}
	f = open_memstream(&out, &len);
	if (!f)
		abort();
	agi_modbus_map_print_json(f, &m);
	fclose(f);
	free(out);
	for (i = 0; i < m.n_sensors; i++)
		check_reg(&m.sensor[i], m.format, data + i % (size + 1),
			  size - i % (size + 1));
	for (i = 0; i < m.n_actuators; i++)
		check_reg(&m.actuator[i], m.format, data + i % (size + 1),
			  size - i % (size + 1));
	free(text);
	return 0;
}
