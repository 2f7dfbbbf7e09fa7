/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Operator keys (Ed25519, libsodium): generation, the hex key files, key
 * ids and the authorized_keys file. Userspace only; shared by agictl and
 * agiswarmd through libagiuser.a.
 *
 * Files are one line of hex. A private key file holds the 32-byte seed
 * (64 hex digits) and must not be readable by group or other; a public key
 * file holds the 32-byte public key. The key id is the first 8 bytes of
 * BLAKE2b-256 of the public key, printed as 16 hex digits.
 *
 * Every function that can fail returns 0 or a negative errno and, on
 * failure, writes one line for the operator into @err ("<file>: <why>" or
 * "<file>:<line>: <why>").
 */
#ifndef AGISWARM_USER_KEYS_H
#define AGISWARM_USER_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AGI_PK_LEN 32
#define AGI_SEED_LEN 32
#define AGI_SK_LEN 64		/* libsodium's secret key: seed || pk */
#define AGI_SIG_LEN 64
#define AGI_KEYID_LEN 8
#define AGI_KEYID_HEX_LEN (2 * AGI_KEYID_LEN + 1)
#define AGI_KEYRING_MAX 64	/* operators in one authorized_keys */
#define AGI_KEY_NAME_MAX 64
/* The operators a daemon trusts, unless security.authorized_keys says. */
#define AGI_AUTHORIZED_KEYS_DEFAULT "/etc/agiswarm/authorized_keys"

struct agi_keypair {
	uint8_t pk[AGI_PK_LEN];
	uint8_t sk[AGI_SK_LEN];
};

/**
 * struct agi_authkey - one line of authorized_keys
 * @pk: the operator's public key
 * @id: its key id
 * @name: the optional name after the key, "" when none
 * @line: where it was found, for messages
 */
struct agi_authkey {
	uint8_t pk[AGI_PK_LEN];
	uint8_t id[AGI_KEYID_LEN];
	char name[AGI_KEY_NAME_MAX];
	unsigned int line;
};

struct agi_keyring {
	unsigned int n;
	struct agi_authkey keys[AGI_KEYRING_MAX];
};

/* sodium_init() once; -EIO if libsodium cannot start. */
int agi_keys_init(void);

/* A fresh key pair from the system's randomness. */
int agi_key_generate(struct agi_keypair *kp);
/* The pair of a 32-byte seed (what a private key file stores). */
void agi_key_from_seed(struct agi_keypair *kp, const uint8_t seed[AGI_SEED_LEN]);
void agi_key_wipe(struct agi_keypair *kp);

void agi_key_id(const uint8_t pk[AGI_PK_LEN], uint8_t id[AGI_KEYID_LEN]);
void agi_key_id_hex(const uint8_t id[AGI_KEYID_LEN],
		    char out[AGI_KEYID_HEX_LEN]);

/* Plain Ed25519 (RFC 8032) over @msg; commit.c adds the domain. */
void agi_ed25519_sign(const uint8_t *msg, size_t len,
		      const uint8_t sk[AGI_SK_LEN], uint8_t sig[AGI_SIG_LEN]);
bool agi_ed25519_verify(const uint8_t *msg, size_t len,
			const uint8_t pk[AGI_PK_LEN],
			const uint8_t sig[AGI_SIG_LEN]);

/*
 * Exactly 2 * @len hex digits into @out; 0 or -EINVAL. Case-insensitive.
 * agi_hex_encode() writes 2 * @len digits and a NUL.
 */
int agi_hex_decode(const char *hex, size_t hexlen, uint8_t *out, size_t len);
void agi_hex_encode(const uint8_t *in, size_t len, char *out);

/*
 * Key files. The writers create the file (0600 for the private one) and
 * fail with -EEXIST when it exists, unless @force. The private reader
 * refuses a file group or other may read: "KEY: mode 0644 is too open;
 * chmod 600 KEY", one owned by another user, a symbolic link and anything
 * but a regular file (a FIFO is not waited on).
 */
int agi_key_write_private(const char *path, const struct agi_keypair *kp,
			  bool force, char *err, size_t errlen);
int agi_key_write_public(const char *path, const uint8_t pk[AGI_PK_LEN],
			 bool force, char *err, size_t errlen);
int agi_key_read_private(const char *path, struct agi_keypair *kp,
			 char *err, size_t errlen);
int agi_key_read_public(const char *path, uint8_t pk[AGI_PK_LEN],
			char *err, size_t errlen);

/*
 * A node's static key (node.key_file; `agictl keygen --node`): the private
 * key file at @path, read as agi_key_read_private() reads it. When it does
 * not exist and @create, a new key is written there (0600) and its public
 * half beside it (node.pub for node.key, else PATH.pub), and *@created is
 * set. The private file must be a regular file owned by the effective user
 * and private to it; a symbolic link is refused.
 */
int agi_node_key_load(const char *path, bool create, struct agi_keypair *kp,
		      bool *created, char *err, size_t errlen);

/*
 * A 32-byte secret (a pre-shared key), one line of hex like a private
 * key file and as private (0600).
 */
#define AGI_SECRET_LEN 32
int agi_secret_read(const char *path, uint8_t secret[AGI_SECRET_LEN],
		    char *err, size_t errlen);
int agi_secret_write(const char *path, const uint8_t secret[AGI_SECRET_LEN],
		     bool force, char *err, size_t errlen);

/*
 * authorized_keys: "<64 hex public key> [name]" per line, blank lines and
 * '#' comments ignored. A bad line, a repeated key or more than
 * AGI_KEYRING_MAX keys fail naming file:line.
 */
int agi_keyring_load(const char *path, struct agi_keyring *kr,
		     char *err, size_t errlen);
const struct agi_authkey *agi_keyring_find(const struct agi_keyring *kr,
					   const uint8_t id[AGI_KEYID_LEN]);

#endif /* AGISWARM_USER_KEYS_H */
