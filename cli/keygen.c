// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agictl keygen: a new operator key pair, the private half 0600 and never
 * overwritten without --force, and the line that authorizes it.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "user/keys.h"
#include "agictl.h"

static void keygen_usage(void)
{
	char dir[PATH_MAX];

	agictl_key_dir(dir, sizeof(dir));
	printf("Usage: agictl [-j] keygen [ --node | --psk ] [ --output DIR ] [ --force ]\n"
	       "Writes a new Ed25519 operator key: DIR/" AGICTL_KEY_PRIVATE
	       " (the 32-byte seed\n"
	       "in hex, mode 0600) and DIR/" AGICTL_KEY_PUBLIC
	       " (the public key in hex), and prints\n"
	       "its key id and the line to add to the daemons' authorized_keys\n"
	       "(security.authorized_keys). DIR defaults to %s and is\n"
	       "created 0700; existing files are kept unless --force.\n"
	       "--node writes a node's key pair instead, DIR/" AGICTL_NODE_PRIVATE
	       " and\nDIR/" AGICTL_NODE_PUBLIC
	       ": the identity its peers name (agictl peer add ... key).\n"
	       "--psk writes DIR/" AGICTL_PSK_FILE
	       ", 32 random bytes in hex (mode 0600): a\n"
	       "pre-shared key for \"agictl peer add ... psk FILE\".\n", dir);
}

void agictl_key_dir(char *buf, size_t size)
{
	const char *home = getenv("HOME");

	if (home && *home)
		snprintf(buf, size, "%s/%s", home, AGICTL_KEY_DIR);
	else
		snprintf(buf, size, ".");
}

/* "name" of the authorized_keys line: who made the key, where. */
static void key_owner(char *buf, size_t size)
{
	const char *user = getenv("USER");
	char host[64];

	if (gethostname(host, sizeof(host)))
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(buf, size, "%s@%s", user && *user ? user : "operator", host);
}

static int write_pair(const char *dir, bool node, bool force, char *priv,
		      char *pub, size_t size)
{
	struct agi_keypair kp;
	char err[PATH_MAX + 128];
	int ret;

	snprintf(priv, size, "%s/%s", dir,
		 node ? AGICTL_NODE_PRIVATE : AGICTL_KEY_PRIVATE);
	snprintf(pub, size, "%s/%s", dir,
		 node ? AGICTL_NODE_PUBLIC : AGICTL_KEY_PUBLIC);
	/* Check both first: never leave a new half beside an old one. */
	if (!force && (!access(priv, F_OK) || !access(pub, F_OK)))
		return agictl_fail("keygen failed: %s: exists; not overwritten without --force",
				   access(priv, F_OK) ? pub : priv);
	if (agi_key_generate(&kp))
		return agictl_fail("keygen failed: libsodium failed to start");
	ret = agi_key_write_private(priv, &kp, force, err, sizeof(err));
	if (!ret)
		ret = agi_key_write_public(pub, kp.pk, force, err, sizeof(err));
	if (ret) {
		agi_key_wipe(&kp);
		return agictl_fail("keygen failed: %s", err);
	}
	agi_key_wipe(&kp);
	return AGICTL_OK;
}

/* --psk: DIR/swarm.psk, 32 random bytes. */
static int write_psk(const char *dir, bool force)
{
	char path[PATH_MAX + 16], err[PATH_MAX + 128];
	uint8_t psk[AGI_SECRET_LEN];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, AGICTL_PSK_FILE);
	if (agi_keys_init())
		return agictl_fail("keygen failed: libsodium failed to start");
	randombytes_buf(psk, sizeof(psk));
	ret = agi_secret_write(path, psk, force, err, sizeof(err));
	sodium_memzero(psk, sizeof(psk));
	if (ret)
		return agictl_fail("keygen failed: %s", err);
	agi_print_begin();
	agi_print_string(AGI_PRINT_ANY, "psk", "pre-shared key %s (mode 0600)\n",
			 path);
	agi_print_end();
	return AGICTL_OK;
}

/* --node: the files and the public key, for "peer add ... key". */
static void print_node_result(const char *priv, const char *pub,
			      const uint8_t pk[AGI_PK_LEN])
{
	char hex[2 * AGI_PK_LEN + 1];

	agi_hex_encode(pk, AGI_PK_LEN, hex);
	agi_print_begin();
	agi_print_string(AGI_PRINT_ANY, "private_key", "private key %s (mode 0600)\n",
			 priv);
	agi_print_string(AGI_PRINT_ANY, "public_key", "public key %s\n", pub);
	agi_print_string(AGI_PRINT_ANY, "key", "key %s\n", hex);
	agi_print_end();
}

static void print_result(const char *priv, const char *pub,
			 const uint8_t pk[AGI_PK_LEN])
{
	char id[AGI_KEYID_HEX_LEN], hex[2 * AGI_PK_LEN + 1], owner[128];
	char line[sizeof(hex) + sizeof(owner) + 1];
	uint8_t kid[AGI_KEYID_LEN];

	agi_key_id(pk, kid);
	agi_key_id_hex(kid, id);
	agi_hex_encode(pk, AGI_PK_LEN, hex);
	key_owner(owner, sizeof(owner));
	snprintf(line, sizeof(line), "%s %s", hex, owner);
	agi_print_begin();
	agi_print_string(AGI_PRINT_ANY, "key_id", "key id %s\n", id);
	agi_print_string(AGI_PRINT_ANY, "private_key", "private key %s (mode 0600)\n",
		     priv);
	agi_print_string(AGI_PRINT_ANY, "public_key", "public key %s\n", pub);
	agi_print_text("add this line to the daemons' authorized_keys:\n");
	agi_print_string(AGI_PRINT_ANY, "authorized_keys_line", "%s\n", line);
	agi_print_end();
}

int agictl_keygen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "node", no_argument, NULL, 'n' },
		{ "psk", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char dir[PATH_MAX], priv[PATH_MAX + 16], pub[PATH_MAX + 16];
	uint8_t pk[AGI_PK_LEN];
	char err[PATH_MAX + 128];
	bool force = false, node = false, psk = false;
	int c, ret;

	agictl_key_dir(dir, sizeof(dir));
	optind = 0;	/* glibc: start over, after main()'s own parsing */
	while ((c = getopt_long(argc, argv, "+o:fnph", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			node = true;
			break;
		case 'p':
			psk = true;
			break;
		case 'o':
			snprintf(dir, sizeof(dir), "%s", optarg);
			break;
		case 'f':
			force = true;
			break;
		case 'h':
			keygen_usage();
			return AGICTL_OK;
		default:
			return agictl_usage_error("keygen: bad option \"%s\", try \"agictl keygen help\".",
						  argv[optind - 1]);
		}
	}
	if (optind < argc && agictl_is_help(argv[optind])) {
		keygen_usage();
		return AGICTL_OK;
	}
	if (optind < argc)
		return agictl_usage_error("keygen: unexpected \"%s\"", argv[optind]);
	if (node && psk)
		return agictl_usage_error("keygen: --node and --psk write different files; give one");
	if (mkdir(dir, 0700) && errno != EEXIST)
		return agictl_fail("keygen failed: %s: %s", dir, strerror(errno));
	if (psk)
		return write_psk(dir, force);
	ret = write_pair(dir, node, force, priv, pub, sizeof(priv));
	if (ret)
		return ret;
	if (agi_key_read_public(pub, pk, err, sizeof(err)))
		return agictl_fail("keygen failed: %s", err);
	if (node)
		print_node_result(priv, pub, pk);
	else
		print_result(priv, pub, pk);
	return AGICTL_OK;
}
