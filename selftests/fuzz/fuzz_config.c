// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * libFuzzer target: agiswarmd's YAML configuration (include/user/config.c,
 * libyaml), operator bytes read at every start. Any text either loads or
 * is refused with one line that names the file; what loads prints as YAML
 * that loads back to the same printout (the --check-config promise), and
 * the check against a matrix never crashes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/config.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

/* The configuration as agiswarmd --check-config prints it; malloc'd. */
static char *printed(const struct agi_config *cfg, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	if (!f)
		abort();
	agi_config_print(f, cfg);
	fclose(f);
	return text;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct agi_config cfg, again;
	char err[AGI_CONFIG_ERR_LEN], *text, *out, *out2;
	size_t len, len2;

	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (agi_config_load_string(&cfg, "fuzz.yaml", text, err, sizeof(err))) {
		if (strncmp(err, "fuzz.yaml", 9))
			abort();
		free(text);
		return 0;
	}
	agi_config_check_matrix(&cfg, 8, err, sizeof(err));
	out = printed(&cfg, &len);
	/* The header names the file, which the second load calls "again". */
	if (agi_config_load_string(&again, "fuzz.yaml", out, err, sizeof(err)))
		abort();
	out2 = printed(&again, &len2);
	if (len != len2 || memcmp(out, out2, len))
		abort();
	free(out2);
	free(out);
	free(text);
	return 0;
}
