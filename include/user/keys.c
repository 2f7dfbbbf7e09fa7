// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Operator keys: see keys.h. Secrets live in struct agi_keypair and in the
 * read buffer of the private key file; both are wiped with sodium_memzero
 * as soon as they are not needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "file.h"
#include "keys.h"

/* A key file is one line; anything longer is not ours. */
#define KEY_FILE_MAX 256

int agi_keys_init(void)
{
	return sodium_init() < 0 ? -EIO : 0;
}

int agi_key_generate(struct agi_keypair *kp)
{
	uint8_t seed[AGI_SEED_LEN];

	if (agi_keys_init())
		return -EIO;
	randombytes_buf(seed, sizeof(seed));
	agi_key_from_seed(kp, seed);
	sodium_memzero(seed, sizeof(seed));
	return 0;
}

void agi_key_from_seed(struct agi_keypair *kp, const uint8_t seed[AGI_SEED_LEN])
{
	crypto_sign_seed_keypair(kp->pk, kp->sk, seed);
}

void agi_key_wipe(struct agi_keypair *kp)
{
	sodium_memzero(kp, sizeof(*kp));
}

void agi_key_id(const uint8_t pk[AGI_PK_LEN], uint8_t id[AGI_KEYID_LEN])
{
	uint8_t h[32];

	crypto_generichash(h, sizeof(h), pk, AGI_PK_LEN, NULL, 0);
	memcpy(id, h, AGI_KEYID_LEN);
}

void agi_key_id_hex(const uint8_t id[AGI_KEYID_LEN], char out[AGI_KEYID_HEX_LEN])
{
	agi_hex_encode(id, AGI_KEYID_LEN, out);
}

void agi_ed25519_sign(const uint8_t *msg, size_t len,
		      const uint8_t sk[AGI_SK_LEN], uint8_t sig[AGI_SIG_LEN])
{
	crypto_sign_detached(sig, NULL, msg, len, sk);
}

bool agi_ed25519_verify(const uint8_t *msg, size_t len,
			const uint8_t pk[AGI_PK_LEN],
			const uint8_t sig[AGI_SIG_LEN])
{
	return crypto_sign_verify_detached(sig, msg, len, pk) == 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int agi_hex_decode(const char *hex, size_t hexlen, uint8_t *out, size_t len)
{
	size_t i;
	int hi, lo;

	if (hexlen != 2 * len)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		hi = hex_digit(hex[2 * i]);
		lo = hex_digit(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

void agi_hex_encode(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * len] = '\0';
}

/* Trailing blanks and the newline are not part of the key. */
static size_t trimmed_len(const char *s, size_t n)
{
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' ||
		     s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n;
}

static int write_key_file(const char *path, const uint8_t *key, size_t len,
			  mode_t mode, bool force, char *err, size_t errlen)
{
	char line[2 * AGI_PK_LEN + 2];
	size_t n = 2 * len + 1;
	int fd, ret = 0;

	/* Replace, never rewrite in place: the new file gets the new mode. */
	if (force && unlink(path) && errno != ENOENT)
		return agi_errf(err, errlen, -errno, "%s: cannot replace: %s",
			    path, strerror(errno));
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0 && errno == EEXIST)
		return agi_errf(err, errlen, -EEXIST,
			    "%s: exists; not overwritten without --force", path);
	if (fd < 0)
		return agi_errf(err, errlen, -errno, "%s: %s", path, strerror(errno));
	agi_hex_encode(key, len, line);
	line[n - 1] = '\n';
	if (write(fd, line, n) != (ssize_t)n || fsync(fd))
		ret = agi_errf(err, errlen, errno ? -errno : -EIO, "%s: write: %s",
			   path, strerror(errno ? errno : EIO));
	sodium_memzero(line, sizeof(line));
	if (close(fd) && !ret)
		ret = agi_errf(err, errlen, -errno, "%s: close: %s", path,
			   strerror(errno));
	return ret;
}

int agi_key_write_private(const char *path, const struct agi_keypair *kp,
			  bool force, char *err, size_t errlen)
{
	/* libsodium's secret key starts with the seed. */
	return write_key_file(path, kp->sk, AGI_SEED_LEN, 0600, force, err,
			      errlen);
}

int agi_key_write_public(const char *path, const uint8_t pk[AGI_PK_LEN],
			 bool force, char *err, size_t errlen)
{
	return write_key_file(path, pk, AGI_PK_LEN, 0644, force, err, errlen);
}

/*
 * One line of 2 * @len hex digits into @out. With @secret the file must be
 * private to its owner, checked on the open descriptor so that the file
 * checked is the file read.
 */
static int read_key_file(const char *path, uint8_t *out, size_t len,
			 bool secret, char *err, size_t errlen)
{
	char buf[KEY_FILE_MAX];
	struct stat st;
	ssize_t got;
	int fd, ret = 0;

	/*
	 * A secret is read only from a regular file that is not a symbolic
	 * link (O_NOFOLLOW), without blocking on a FIFO or a device
	 * (O_NONBLOCK), owned by us and private to us.
	 */
	fd = open(path, O_RDONLY | O_CLOEXEC |
		  (secret ? O_NOFOLLOW | O_NONBLOCK : 0));
	if (fd < 0 && secret && errno == ELOOP)
		return agi_errf(err, errlen, -ELOOP,
				"%s: is a symbolic link; name the key file itself",
				path);
	if (fd < 0)
		return agi_errf(err, errlen, -errno, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st)) {
		ret = agi_errf(err, errlen, -errno, "%s: %s", path, strerror(errno));
		goto cleanup;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = agi_errf(err, errlen, -EINVAL, "%s: not a regular file",
			       path);
		goto cleanup;
	}
	if (secret && st.st_uid != geteuid()) {
		ret = agi_errf(err, errlen, -EACCES,
			       "%s: owned by uid %u, not by this user (uid %u)",
			       path, (unsigned int)st.st_uid,
			       (unsigned int)geteuid());
		goto cleanup;
	}
	if (secret && (st.st_mode & 077)) {
		ret = agi_errf(err, errlen, -EACCES,
			   "%s: mode %04o is too open; chmod 600 %s", path,
			   (unsigned int)(st.st_mode & 07777), path);
		goto cleanup;
	}
	got = read(fd, buf, sizeof(buf));
	if (got < 0) {
		ret = agi_errf(err, errlen, -errno, "%s: %s", path, strerror(errno));
		goto cleanup;
	}
	if (got == sizeof(buf) ||
	    agi_hex_decode(buf, trimmed_len(buf, (size_t)got), out, len))
		ret = agi_errf(err, errlen, -EINVAL,
			   "%s:1: expected %zu hex digits on one line", path,
			   2 * len);
cleanup:
	sodium_memzero(buf, sizeof(buf));
	close(fd);
	return ret;
}

int agi_key_read_private(const char *path, struct agi_keypair *kp,
			 char *err, size_t errlen)
{
	uint8_t seed[AGI_SEED_LEN];
	int ret;

	if (agi_keys_init())
		return agi_errf(err, errlen, -EIO, "libsodium failed to start");
	ret = read_key_file(path, seed, sizeof(seed), true, err, errlen);
	if (!ret)
		agi_key_from_seed(kp, seed);
	sodium_memzero(seed, sizeof(seed));
	return ret;
}

int agi_key_read_public(const char *path, uint8_t pk[AGI_PK_LEN],
			char *err, size_t errlen)
{
	return read_key_file(path, pk, AGI_PK_LEN, false, err, errlen);
}

int agi_node_key_load(const char *path, bool create, struct agi_keypair *kp,
		      bool *created, char *err, size_t errlen)
{
	char pub[4096];
	size_t n;
	int ret;

	*created = false;
	ret = agi_key_read_private(path, kp, err, errlen);
	if (ret != -ENOENT || !create)
		return ret;
	ret = agi_key_generate(kp);
	if (ret)
		return agi_errf(err, errlen, ret, "libsodium failed to start");
	/* O_EXCL: of two daemons starting at once, one key wins. */
	ret = agi_key_write_private(path, kp, false, err, errlen);
	if (ret == -EEXIST)
		return agi_key_read_private(path, kp, err, errlen);
	if (ret) {
		agi_key_wipe(kp);
		return ret;
	}
	*created = true;
	/* The public half beside it, for the operator to hand out. */
	n = strlen(path);
	if (n > 4 && !strcmp(path + n - 4, ".key"))
		snprintf(pub, sizeof(pub), "%.*s.pub", (int)(n - 4), path);
	else
		snprintf(pub, sizeof(pub), "%s.pub", path);
	/* Best effort: the public key can always be derived again. */
	agi_key_write_public(pub, kp->pk, true, NULL, 0);
	return 0;
}

int agi_secret_read(const char *path, uint8_t secret[AGI_SECRET_LEN],
		    char *err, size_t errlen)
{
	return read_key_file(path, secret, AGI_SECRET_LEN, true, err, errlen);
}

int agi_secret_write(const char *path, const uint8_t secret[AGI_SECRET_LEN],
		     bool force, char *err, size_t errlen)
{
	return write_key_file(path, secret, AGI_SECRET_LEN, 0600, force, err,
			      errlen);
}

/* One non-comment line of authorized_keys into @k. */
static int parse_authkey(char *line, struct agi_authkey *k)
{
	size_t hexlen = strcspn(line, " \t\r\n");
	char *name = line + hexlen;

	if (agi_hex_decode(line, hexlen, k->pk, AGI_PK_LEN))
		return -EINVAL;
	name += strspn(name, " \t");
	name[trimmed_len(name, strlen(name))] = '\0';
	if (strlen(name) >= sizeof(k->name))
		return -ENAMETOOLONG;
	strcpy(k->name, name);
	agi_key_id(k->pk, k->id);
	return 0;
}

static int keyring_add(struct agi_keyring *kr, char *line, const char *path,
		       unsigned int lineno, char *err, size_t errlen)
{
	struct agi_authkey *k = &kr->keys[kr->n];
	char id[AGI_KEYID_HEX_LEN];
	int ret;

	if (kr->n == AGI_KEYRING_MAX)
		return agi_errf(err, errlen, -E2BIG, "%s:%u: more than %d keys",
			    path, lineno, AGI_KEYRING_MAX);
	ret = parse_authkey(line, k);
	if (ret == -ENAMETOOLONG)
		return agi_errf(err, errlen, ret,
			    "%s:%u: name longer than %d characters", path,
			    lineno, AGI_KEY_NAME_MAX - 1);
	if (ret)
		return agi_errf(err, errlen, ret,
			    "%s:%u: expected \"<64 hex digits of a public key> [name]\"",
			    path, lineno);
	if (agi_keyring_find(kr, k->id)) {
		agi_key_id_hex(k->id, id);
		return agi_errf(err, errlen, -EEXIST,
			    "%s:%u: key %s is already on line %u", path,
			    lineno, id, agi_keyring_find(kr, k->id)->line);
	}
	k->line = lineno;
	kr->n++;
	return 0;
}

int agi_keyring_load(const char *path, struct agi_keyring *kr,
		     char *err, size_t errlen)
{
	char line[512], *p;
	unsigned int lineno = 0;
	int ret = 0;
	FILE *f;

	kr->n = 0;
	f = fopen(path, "re");
	if (!f)
		return agi_errf(err, errlen, -errno, "%s: %s", path, strerror(errno));
	while (!ret && fgets(line, sizeof(line), f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			ret = agi_errf(err, errlen, -EINVAL, "%s:%u: line too long",
				   path, lineno);
			break;
		}
		p = line + strspn(line, " \t");
		if (*p == '#' || !trimmed_len(p, strlen(p)))
			continue;
		ret = keyring_add(kr, p, path, lineno, err, errlen);
	}
	if (!ret && ferror(f))
		ret = agi_errf(err, errlen, -EIO, "%s: read error", path);
	fclose(f);
	return ret;
}

const struct agi_authkey *agi_keyring_find(const struct agi_keyring *kr,
					   const uint8_t id[AGI_KEYID_LEN])
{
	unsigned int i;

	for (i = 0; i < kr->n; i++)
		if (!memcmp(kr->keys[i].id, id, AGI_KEYID_LEN))
			return &kr->keys[i];
	return NULL;
}
