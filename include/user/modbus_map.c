// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The Modbus mapping (modbus_map.h): the YAML file, read with the
 * configuration's key tables and errors, and the integer rule between
 * registers and fixed point.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "core/fixed.h"
#include "config_keys.h"
#include "modbus_map.h"

#define REG_OFF(field) offsetof(struct agi_modbus_reg, field)
#define MAP_OFF(field) offsetof(struct agi_modbus_map, field)

_Static_assert(MAP_OFF(safe) == MAP_OFF(n_safe) + sizeof(u32),
	       "safe follows n_safe");

static const char *const type_name[] = {
	[AGI_MODBUS_INT16] = "int16", [AGI_MODBUS_UINT16] = "uint16",
	[AGI_MODBUS_INT32] = "int32", [AGI_MODBUS_UINT32] = "uint32",
};
static const char *const order_name[] = {
	[AGI_MODBUS_HIGH_FIRST] = "high_first",
	[AGI_MODBUS_LOW_FIRST] = "low_first",
};
static const char *const table_name[] = {
	[AGI_MODBUS_INPUT] = "input", [AGI_MODBUS_HOLDING] = "holding",
};
static const char *const format_name[] = {
	[AGISWARM_Q1_31] = "Q1.31", [AGISWARM_Q1_15] = "Q1.15",
	[AGISWARM_Q8_24] = "Q8.24",
};
static const struct agi_names type_names = { type_name, ARRAY_SIZE(type_name) };
static const struct agi_names order_names = { order_name, ARRAY_SIZE(order_name) };
static const struct agi_names table_names = { table_name, ARRAY_SIZE(table_name) };
static const struct agi_names format_names = { format_name, ARRAY_SIZE(format_name) };

static const struct agi_config_key format_key = {
	"format", KT_ENUM, MAP_OFF(format), AGISWARM_Q1_31,
	.names = &format_names,
};

static const struct agi_config_key device_keys[] = {
	{ "address", KT_ADDR, MAP_OFF(address), .required = true },
	{ "port", KT_U16, MAP_OFF(port), 1, 65535 },
	{ "unit_id", KT_U16, MAP_OFF(unit_id), 0, 255 },
	{ "timeout_ms", KT_MS, MAP_OFF(timeout_us), 1000, 60000000 },
};

/* The format of scale, offset and safe_output is set once it is known. */
enum { K_REGISTER, K_TYPE, K_WORD_ORDER, K_SCALE, K_OFFSET, K_TABLE };
static const struct agi_config_key reg_keys[] = {
	[K_REGISTER] = { "register", KT_U16, REG_OFF(reg), 0, 65535,
			 .required = true },
	[K_TYPE] = { "type", KT_ENUM, REG_OFF(type), .names = &type_names,
		     .required = true },
	[K_WORD_ORDER] = { "word_order", KT_ENUM, REG_OFF(word_order),
			   .names = &order_names },
	[K_SCALE] = { "scale", KT_Q, REG_OFF(scale), .required = true },
	[K_OFFSET] = { "offset", KT_Q, REG_OFF(offset) },
	/* sensors only: actuators are holding registers */
	[K_TABLE] = { "table", KT_ENUM, REG_OFF(table), .names = &table_names },
};

static const char *const top_keys = "format, device, sensors, actuators, safe_output";

struct load {
	struct agi_modbus_map *map;
	struct agi_config_key regs[ARRAY_SIZE(reg_keys)];
	struct agi_config_key safe;
};

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static int parse_list(struct agi_config_ctx *c, struct load *l, yaml_node_t *n,
		      const char *path, struct agi_modbus_reg *out, u32 *count,
		      bool sensors)
{
	size_t nkeys = sensors ? ARRAY_SIZE(reg_keys) : K_TABLE;
	char where[64];
	yaml_node_item_t *it;
	yaml_node_t *item;
	u32 i = 0;

	if (n->type != YAML_SEQUENCE_NODE)
		return agi_config_fail(c, n, path,
				       "%s where a list is expected (of {register: N, type: T, scale: S, ...})",
				       agi_config_node_kind(n));
	for (it = n->data.sequence.items.start;
	     it < n->data.sequence.items.top; it++, i++) {
		struct agi_modbus_reg *r = &out[i];

		item = yaml_document_get_node(c->doc, *it);
		snprintf(where, sizeof(where), "%s[%u]", path, i);
		if (i >= AGI_MODBUS_VEC_MAX)
			return agi_config_fail(c, item, where,
					       "too many elements: at most %d",
					       AGI_MODBUS_VEC_MAX);
		memset(r, 0, sizeof(*r));
		r->table = sensors ? AGI_MODBUS_INPUT : AGI_MODBUS_HOLDING;
		r->line = (u32)item->start_mark.line + 1;
		if (agi_config_parse_object(c, item, where, l->regs, nkeys, r))
			return -EINVAL;
		if (agi_modbus_nregs(r) == 2 && r->reg == 65535)
			return agi_config_fail(c, item, where,
					       "register 65535 is the last one: a %s needs two (allowed 0..65534)",
					       type_name[r->type]);
		if (!sensors && !r->scale)
			return agi_config_fail(c, item, where,
					       "scale 0 cannot be inverted: an actuator's scale must not be 0");
	}
	*count = i;
	return 0;
}

/* Two actuators writing the same register would fight over it. */
static int check_overlap(struct agi_config_ctx *c, const struct agi_modbus_map *m)
{
	u32 i, j;

	for (i = 0; i < m->n_actuators; i++) {
		const struct agi_modbus_reg *a = &m->actuator[i];

		for (j = 0; j < i; j++) {
			const struct agi_modbus_reg *b = &m->actuator[j];

			if (a->reg < b->reg + agi_modbus_nregs(b) &&
			    b->reg < a->reg + agi_modbus_nregs(a))
				return agi_config_fail(c, NULL, "",
						       "line %u: actuators[%u]: register %u overlaps actuators[%u] (line %u): each register is written by one element",
						       a->line, i, a->reg, j, b->line);
		}
	}
	return 0;
}

static int map_root(struct agi_config_ctx *c, yaml_node_t *root, void *arg)
{
	struct load *l = arg;
	struct agi_modbus_map *m = l->map;
	yaml_node_pair_t *pair;
	yaml_node_t *key, *val, *n;
	size_t i;

	if (!root || root->type != YAML_MAPPING_NODE)
		return agi_config_fail(c, root, "",
				       "the top level is %s; expected a mapping with the keys %s",
				       root ? agi_config_node_kind(root) : "empty",
				       top_keys);
	/* The format first: scale, offset and safe_output are written in it. */
	n = agi_config_find(c, root, "format");
	if (n && agi_config_parse_value(c, &format_key, n, "format", m))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(l->regs); i++)
		l->regs[i].fmt = m->format;
	l->safe.fmt = m->format;
	for (pair = root->data.mapping.pairs.start;
	     pair < root->data.mapping.pairs.top; pair++) {
		if (agi_config_check_key(c, root, pair, ""))
			return -EINVAL;
		key = yaml_document_get_node(c->doc, pair->key);
		val = yaml_document_get_node(c->doc, pair->value);
		if (!strcmp(scalar(key), "format"))
			continue;
		if (!strcmp(scalar(key), "device")) {
			if (agi_config_parse_object(c, val, "device", device_keys,
						    ARRAY_SIZE(device_keys), m))
				return -EINVAL;
		} else if (!strcmp(scalar(key), "sensors")) {
			if (parse_list(c, l, val, "sensors", m->sensor,
				       &m->n_sensors, true))
				return -EINVAL;
		} else if (!strcmp(scalar(key), "actuators")) {
			if (agi_config_is_null(val))
				continue;
			if (parse_list(c, l, val, "actuators", m->actuator,
				       &m->n_actuators, false))
				return -EINVAL;
		} else if (!strcmp(scalar(key), "safe_output")) {
			if (agi_config_parse_value(c, &l->safe, val,
						   "safe_output", m))
				return -EINVAL;
		} else {
			return agi_config_fail(c, key, scalar(key),
					       "unknown key; the keys here are %s",
					       top_keys);
		}
	}
	if (!agi_config_find(c, root, "device"))
		return agi_config_fail(c, root, "device",
				       "is missing: the device's {address, port, unit_id, timeout_ms}");
	n = agi_config_find(c, root, "sensors");
	if (!m->n_sensors)
		return agi_config_fail(c, n ? n : root, "sensors",
				       "at least one element is needed (x has 1..%d)",
				       AGI_MODBUS_VEC_MAX);
	if (m->n_safe && m->n_safe != m->n_actuators)
		return agi_config_fail(c, agi_config_find(c, root, "safe_output"),
				       "safe_output",
				       "%u values for %u actuators: give one per actuator, or none",
				       m->n_safe, m->n_actuators);
	return check_overlap(c, m);
}

int agi_modbus_map_load(struct agi_modbus_map *map, const char *file,
			const char *text, char *err, size_t err_size)
{
	struct load l = {
		.map = map,
		.safe = { "safe_output", KT_QLIST, MAP_OFF(n_safe), 0,
			  AGI_MODBUS_VEC_MAX },
	};
	FILE *f = NULL;
	int ret;

	memcpy(l.regs, reg_keys, sizeof(reg_keys));
	memset(map, 0, sizeof(*map));
	map->port = AGI_MODBUS_DEFAULT_PORT;
	map->unit_id = AGI_MODBUS_DEFAULT_UNIT;
	map->timeout_us = AGI_MODBUS_DEFAULT_TIMEOUT_US;
	map->format = AGISWARM_Q1_31;
	if (!text) {
		f = fopen(file, "r");
		if (!f) {
			ret = -errno;
			snprintf(err, err_size, "%s: %s", file, strerror(-ret));
			return ret;
		}
	}
	ret = agi_config_load_yaml(file, f, text, map_root, &l, err, err_size);
	if (f)
		fclose(f);
	return ret;
}

unsigned int agi_modbus_nregs(const struct agi_modbus_reg *r)
{
	return r->type == AGI_MODBUS_INT32 || r->type == AGI_MODBUS_UINT32 ? 2 : 1;
}

static void type_range(const struct agi_modbus_reg *r, s64 *lo, s64 *hi)
{
	switch (r->type) {
	case AGI_MODBUS_INT16:
		*lo = S16_MIN;
		*hi = S16_MAX;
		break;
	case AGI_MODBUS_UINT16:
		*lo = 0;
		*hi = U16_MAX;
		break;
	case AGI_MODBUS_INT32:
		*lo = S32_MIN;
		*hi = S32_MAX;
		break;
	default:
		*lo = 0;
		*hi = U32_MAX;
		break;
	}
}

s64 agi_modbus_value(const struct agi_modbus_reg *r, const u16 *w)
{
	u32 v;

	switch (r->type) {
	case AGI_MODBUS_INT16:
		return (s16)w[0];
	case AGI_MODBUS_UINT16:
		return w[0];
	default:
		break;
	}
	if (r->word_order == AGI_MODBUS_HIGH_FIRST)
		v = (u32)w[0] << 16 | w[1];
	else
		v = (u32)w[1] << 16 | w[0];
	return r->type == AGI_MODBUS_INT32 ? (s64)(s32)v : (s64)v;
}

void agi_modbus_words(const struct agi_modbus_reg *r, s64 v, u16 *w)
{
	u32 bits = (u32)v;

	if (agi_modbus_nregs(r) == 1) {
		w[0] = (u16)bits;
		return;
	}
	if (r->word_order == AGI_MODBUS_HIGH_FIRST) {
		w[0] = (u16)(bits >> 16);
		w[1] = (u16)bits;
	} else {
		w[0] = (u16)bits;
		w[1] = (u16)(bits >> 16);
	}
}

s32 agi_modbus_to_fixed(const struct agi_modbus_reg *r,
			enum agiswarm_qformat fmt, const u16 *w)
{
	/* |R| <= 2^32 - 1, |scale| <= 2^31, |offset| <= 2^31: no overflow. */
	return agi_q_sat(agi_modbus_value(r, w) * (s64)r->scale + r->offset,
			 fmt);
}

bool agi_modbus_from_fixed(const struct agi_modbus_reg *r, s32 u, u16 *w)
{
	s64 num = (s64)u - r->offset, den = r->scale, q = 0, rem, lo, hi;
	bool clamped = false;

	if (den) {
		q = num / den;		/* toward zero */
		rem = num % den;
		/* |rem| >= |den| / 2: away from zero, the way of num / den */
		if (2 * (rem < 0 ? -rem : rem) >= (den < 0 ? -den : den))
			q += (num < 0) == (den < 0) ? 1 : -1;
	}
	type_range(r, &lo, &hi);
	if (q < lo || q > hi) {
		q = q < lo ? lo : hi;
		clamped = true;
	}
	agi_modbus_words(r, q, w);
	return clamped;
}

static void print_regs(FILE *f, const char *name,
		       const struct agi_modbus_reg *r, u32 n, bool table)
{
	u32 i;

	fprintf(f, ",\"%s\":[", name);
	for (i = 0; i < n; i++) {
		fprintf(f, "%s{\"register\":%u,\"type\":\"%s\"", i ? "," : "",
			r[i].reg, type_name[r[i].type]);
		if (agi_modbus_nregs(&r[i]) == 2)
			fprintf(f, ",\"word_order\":\"%s\"",
				order_name[r[i].word_order]);
		if (table)
			fprintf(f, ",\"table\":\"%s\"", table_name[r[i].table]);
		fprintf(f, ",\"scale\":%" PRId32 ",\"offset\":%" PRId32 "}",
			r[i].scale, r[i].offset);
	}
	fprintf(f, "]");
}

void agi_modbus_map_print_json(FILE *f, const struct agi_modbus_map *map)
{
	u32 i;

	fprintf(f, "{\"device\":{\"address\":\"%s\",\"port\":%u,\"unit_id\":%u,\"timeout_us\":%u},\"format\":\"%s\"",
		map->address, map->port, map->unit_id, map->timeout_us,
		format_name[map->format]);
	print_regs(f, "sensors", map->sensor, map->n_sensors, true);
	print_regs(f, "actuators", map->actuator, map->n_actuators, false);
	fprintf(f, ",\"safe_output\":[");
	for (i = 0; i < map->n_safe; i++)
		fprintf(f, "%s%" PRId32, i ? "," : "", map->safe[i]);
	fprintf(f, "]}\n");
}
