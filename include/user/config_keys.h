/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Private to config.c and config_keys.c: the key table and what reading one
 * value needs.
 */
#ifndef AGISWARM_USER_CONFIG_KEYS_H
#define AGISWARM_USER_CONFIG_KEYS_H

#include <stddef.h>
#include <yaml.h>

#include "config.h"
#include "names.h"

enum agi_config_ktype {
	KT_U16,
	KT_U32,
	KT_U64,
	KT_BOOL,
	KT_ENUM,	/* u8; names->name[value], values from min up */
	KT_Q,		/* s32 raw, one decimal in fmt */
	KT_QLIST,	/* u32 count + s32 array: a list of decimals in fmt */
	KT_STR,		/* char[max + 1]; at least min bytes */
	KT_ADDR,	/* char[64]: an IPv4 or IPv6 literal */
	KT_ENDPOINT,	/* struct agi_endpoint: "A.B.C.D[:PORT]", "[v6]:PORT" */
	KT_SIZE,	/* u64 bytes: "4096", "512KB", "10MB", "1GB" */
	KT_SECONDS,	/* u32 microseconds written as decimal seconds */
	KT_MS,		/* u32 microseconds written as decimal milliseconds */
	KT_PEERS,	/* struct agi_config_peers */
	KT_GROUP,	/* the aggregators: mapping of named members */
	KT_PUBKEY,	/* struct agi_config_pubkey: 64 hex digits or "" */
};

/*
 * struct agi_config_key - one key
 * @path: dotted key path (top level) or plain name (inside a list entry)
 * @off: where the value goes, from the start of the object being filled
 * @min, @max: inclusive range (integers, sizes, microseconds, string bytes)
 * @required: inside a list entry or group member, the key must be present
 */
struct agi_config_key {
	const char *path;
	enum agi_config_ktype type;
	size_t off;
	u64 min, max;
	enum agiswarm_qformat fmt;
	const struct agi_names *names;
	bool required;
};

/* What one load is working on. */
struct agi_config_ctx {
	const char *file;
	yaml_document_t *doc;
	struct agi_config *cfg;
	char *err;
	size_t err_size;
	u32 given[64];		/* line of each top-level key given, 0 = not */
	unsigned int nerr;	/* errors so far, one a line in err */
};

/*
 * Reading another YAML file with the configuration's words and errors
 * (the Modbus mapping, modbus_map.c): one document from @f, or from @text
 * when @f is NULL, named @name in messages; its root mapping (NULL for an
 * empty document) goes to @fn with @arg. Returns what @fn returns, or
 * -EINVAL after a syntax error; @err holds "FILE:LINE: ..." lines.
 */
typedef int (*agi_config_root_fn)(struct agi_config_ctx *c, yaml_node_t *root,
				  void *arg);
int agi_config_load_yaml(const char *name, FILE *f, const char *text,
			 agi_config_root_fn fn, void *arg, char *err,
			 size_t err_size);
/* Keys must be scalars and appear once per mapping (-EINVAL, reported). */
int agi_config_check_key(struct agi_config_ctx *c, yaml_node_t *map,
			 yaml_node_pair_t *pair, const char *prefix);
/* The value of the key @name in the mapping @map; NULL when absent. */
yaml_node_t *agi_config_find(struct agi_config_ctx *c, yaml_node_t *map,
			     const char *name);
/* "~", "null" or nothing at all. */
bool agi_config_is_null(const yaml_node_t *n);

extern const struct agi_config_key agi_config_keys[];
extern const size_t agi_config_nkeys;
/* Keys of one aggregator.workers/actuators/sensors entry. */
extern const struct agi_config_key agi_config_peer_keys[];
extern const size_t agi_config_npeer_keys;
/* Keys of one member of aggregators. */
extern const struct agi_config_key agi_config_member_keys[];
extern const size_t agi_config_nmember_keys;

/* The seeds' keys agiswarmd does not take, with what replaces each. */
struct agi_config_retired {
	const char *path;
	const char *instead;
};

extern const struct agi_config_retired agi_config_retired[];
extern const size_t agi_config_nretired;

/* config.c: errors, all returning -EINVAL. */
int agi_config_fail(struct agi_config_ctx *c, const yaml_node_t *n, const char *path,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int agi_config_bad_value(struct agi_config_ctx *c, const yaml_node_t *n,
		   const char *path, const struct agi_config_key *k);
int agi_config_wrong_kind(struct agi_config_ctx *c, const yaml_node_t *n,
		    const char *path, const struct agi_config_key *k);
/* Reads a mapping against a flat key table into @base (list entries). */
int agi_config_parse_object(struct agi_config_ctx *c, yaml_node_t *n, const char *path,
		      const struct agi_config_key *keys, size_t nkeys, void *base);
const char *agi_config_node_kind(const yaml_node_t *n);

/* config_keys.c */
int agi_config_parse_value(struct agi_config_ctx *c, const struct agi_config_key *k,
		     yaml_node_t *n, const char *path, void *base);
void agi_config_allowed_text(const struct agi_config_key *k, char *buf, size_t size);
void agi_config_print_value(FILE *f, const struct agi_config_key *k, const void *base);
void agi_config_print_block(FILE *f, const struct agi_config_key *k, const void *base,
		      int indent);

#endif /* AGISWARM_USER_CONFIG_KEYS_H */
