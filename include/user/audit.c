// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The hash-chained audit log: see audit.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "audit.h"
#include "file.h"

#define N_FIELDS 8
/* Eight fields, the two hex blobs at their longest, spaces and newline. */
#define LINE_MAX_LEN (4 * 20 + 2 * AGI_KEYID_LEN + 2 * AGI_COMMIT_BODY_MAX + \
		      2 * AGI_SIG_LEN + 2 * 64 + N_FIELDS + 1 + \
		      2 * AGI_REASON_MAX + 16)
#define HEAD_DOMAIN "AGISWARM-AUDIT-HEAD-v1"

static const char genesis[AGI_HASH_HEX_LEN] =
	"0000000000000000000000000000000000000000000000000000000000000000";

static void sha256_hex(const char *text, size_t len, char out[AGI_HASH_HEX_LEN])
{
	uint8_t h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const uint8_t *)text, len);
	agi_hex_encode(h, sizeof(h), out);
}

/* Decimal digits only, no sign, no leading zero: one spelling per value. */
static int parse_u64(const char *s, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (!n || n > 20 || (n > 1 && s[0] == '0'))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' ||
		    x > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -EINVAL;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	*v = x;
	return 0;
}

/* Lower-case hex of exactly @len bytes, as the writer spells it. */
static int parse_hex(const char *s, size_t n, uint8_t *out, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'F')
			return -EINVAL;
	return agi_hex_decode(s, n, out, len);
}

static int parse_hash(const char *s, size_t n, char out[AGI_HASH_HEX_LEN])
{
	uint8_t h[32];

	if (parse_hex(s, n, h, sizeof(h)))
		return -EINVAL;
	memcpy(out, s, 64);
	out[64] = '\0';
	return 0;
}

#define REFUSED "refused:"
#define NOT_APPLIED "not-applied:"

static bool has_prefix(const char *s, size_t n, const char *pre)
{
	size_t len = strlen(pre);

	return n > len && !memcmp(s, pre, len);
}

/*
 * "N" (applied at cycle N >= 1), "refused:HEX" or "not-applied:HEX" (the
 * reason's bytes).
 */
static int parse_outcome(const char *s, size_t n, struct agi_audit_record *r)
{
	size_t len, pre, i;

	r->reason[0] = '\0';
	r->apply_cycle = 0;
	r->not_applied = has_prefix(s, n, NOT_APPLIED);
	if (r->not_applied)
		pre = strlen(NOT_APPLIED);
	else if (has_prefix(s, n, REFUSED))
		pre = strlen(REFUSED);
	else
		return parse_u64(s, n, &r->apply_cycle) || !r->apply_cycle ?
		       -EINVAL : 0;
	len = (n - pre) / 2;
	if (!len || len >= AGI_REASON_MAX ||
	    parse_hex(s + pre, n - pre, (uint8_t *)r->reason, len))
		return -EINVAL;
	r->reason[len] = '\0';
	for (i = 0; i < len; i++)
		if (r->reason[i] < ' ' || r->reason[i] > '~')
			return -EINVAL;
	return 0;
}

static int parse_fields(const char *f[N_FIELDS], const size_t n[N_FIELDS],
			struct agi_audit_record *r)
{
	size_t body_len = n[4] / 2;

	if (parse_u64(f[0], n[0], &r->seq) || parse_u64(f[1], n[1], &r->time) ||
	    parse_hex(f[2], n[2], r->key_id, AGI_KEYID_LEN) ||
	    parse_outcome(f[3], n[3], r) ||
	    !body_len || body_len > AGI_COMMIT_BODY_MAX ||
	    parse_hex(f[4], n[4], r->body, body_len) ||
	    parse_hex(f[5], n[5], r->sig, AGI_SIG_LEN) ||
	    parse_hash(f[6], n[6], r->prev_hash) ||
	    parse_hash(f[7], n[7], r->hash))
		return -EINVAL;
	r->body_len = body_len;
	return 0;
}

/* One line (without its newline) into @r: exactly eight fields. */
static int parse_line(const char *text, size_t len, struct agi_audit_record *r)
{
	const char *f[N_FIELDS], *p = text, *end = text + len, *sp;
	size_t n[N_FIELDS];
	int i;

	for (i = 0; i < N_FIELDS; i++) {
		sp = memchr(p, ' ', (size_t)(end - p));
		if (!sp)
			sp = end;
		f[i] = p;
		n[i] = (size_t)(sp - p);
		if ((i < N_FIELDS - 1) != (sp < end))
			return -EINVAL;
		p = sp + 1;
	}
	if (parse_fields(f, n, r))
		return -EINVAL;
	r->text = text;
	r->hashed_len = (size_t)(f[7] - 1 - text);
	return 0;
}

int agi_audit_read_stream(FILE *f, const char *name, agi_audit_cb cb,
			  void *data, char *err, size_t errlen)
{
	struct agi_audit_record *r = calloc(1, sizeof(*r));
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int ret = 0;

	if (!r)
		return agi_errf(err, errlen, -ENOMEM, "%s: out of memory", name);
	while (!ret && (len = getline(&line, &cap, f)) > 0) {
		r->line++;
		if (line[len - 1] != '\n') {
			ret = agi_errf(err, errlen, -EBADMSG,
				   "%s:%u: incomplete line (no newline at the end)",
				   name, r->line);
			break;
		}
		if (parse_line(line, (size_t)len - 1, r)) {
			ret = agi_errf(err, errlen, -EBADMSG,
				   "%s:%u: not an audit record (seq time keyid outcome body_hex sig_hex prev_hash hash)",
				   name, r->line);
			break;
		}
		ret = cb(r, data);
	}
	if (!ret && ferror(f))
		ret = agi_errf(err, errlen, -EIO, "%s: read error", name);
	free(line);
	free(r);
	return ret;
}

int agi_audit_read(const char *path, agi_audit_cb cb, void *data, char *err,
		   size_t errlen)
{
	FILE *f = fopen(path, "re");
	int ret;

	if (!f)
		return errno == ENOENT ? 0 :
		       agi_errf(err, errlen, -errno, "%s: %s", path, strerror(errno));
	ret = agi_audit_read_stream(f, path, cb, data, err, errlen);
	fclose(f);
	return ret;
}

static int keep_last(const struct agi_audit_record *r, void *data)
{
	struct agi_audit_record *last = data;

	*last = *r;
	last->text = NULL;
	return 0;
}

int agi_audit_last(const struct agi_audit *a, struct agi_audit_record *r,
		   char *err, size_t errlen)
{
	int ret;

	memset(r, 0, sizeof(*r));
	ret = agi_audit_read(a->path, keep_last, r, err, errlen);
	if (!ret && !r->line)
		ret = agi_errf(err, errlen, -ENODATA, "%s: empty", a->path);
	return ret;
}

/* --- the chain -------------------------------------------------------- */

/**
 * struct chain - the verifier's walk over the log
 * @keys: signatures are checked against these; NULL skips them
 * @n: records seen so far
 * @seq, @hash: of the last record (genesis when none)
 * @applied: the cycle the last record says it applied at, 0 when refused
 *	or not applied
 * @before_seq, @before_hash: of the record before it
 */
struct chain {
	const char *path;
	const struct agi_keyring *keys;
	unsigned int n;
	uint64_t seq, before_seq, applied;
	char hash[AGI_HASH_HEX_LEN], before_hash[AGI_HASH_HEX_LEN];
	unsigned int bad_line;
	char *err;
	size_t errlen;
};

static void chain_init(struct chain *c, const char *path,
		       const struct agi_keyring *keys, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	c->path = path;
	c->keys = keys;
	c->err = err;
	c->errlen = errlen;
	memcpy(c->hash, genesis, sizeof(genesis));
	memcpy(c->before_hash, genesis, sizeof(genesis));
}

static int chain_bad(struct chain *c, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int chain_bad(struct chain *c, unsigned int line, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->bad_line = line;
	return agi_errf(c->err, c->errlen, -EBADMSG, "%s:%u: %s", c->path, line,
		    msg);
}

/* The body must be the commit the line says it is, signed by its key. */
static int check_signed(struct chain *c, const struct agi_audit_record *r)
{
	const struct agi_authkey *key;
	struct agi_commit *cm = malloc(sizeof(*cm));
	int ret = 0;

	if (!cm)
		return agi_errf(c->err, c->errlen, -ENOMEM, "out of memory");
	if (agi_commit_decode(r->body, r->body_len, cm))
		ret = chain_bad(c, r->line, "body is not a well-formed commit");
	else if (cm->seq != r->seq ||
		 memcmp(cm->key_id, r->key_id, AGI_KEYID_LEN))
		ret = chain_bad(c, r->line,
				"the body's seq or key id is not the line's");
	else if (!(key = agi_keyring_find(c->keys, r->key_id)))
		ret = chain_bad(c, r->line, "key id is not in the authorized keys");
	else if (!agi_commit_sig_ok(r->body, r->body_len, key->pk, r->sig))
		ret = chain_bad(c, r->line, "bad signature");
	free(cm);
	return ret;
}

static int chain_cb(const struct agi_audit_record *r, void *data)
{
	struct chain *c = data;
	char want[AGI_HASH_HEX_LEN];

	sha256_hex(r->text, r->hashed_len, want);
	if (strcmp(want, r->hash))
		return chain_bad(c, r->line,
				 "hash does not match the record (edited?)");
	if (strcmp(r->prev_hash, c->hash) && c->n)
		return chain_bad(c, r->line,
				 "prev_hash is not the hash of line %u: a record removed or reordered",
				 r->line - 1);
	if (strcmp(r->prev_hash, c->hash))
		return chain_bad(c, r->line,
				 "prev_hash is not the genesis (64 zeros): records removed before it");
	if (r->not_applied && (!c->applied || r->seq != c->seq))
		return chain_bad(c, r->line,
				 "a not-applied record must follow the applied record of its seq %" PRIu64,
				 r->seq);
	if (!r->not_applied && c->n && r->seq <= c->seq)
		return chain_bad(c, r->line,
				 "seq %" PRIu64 " is not above the previous seq %" PRIu64,
				 r->seq, c->seq);
	if (c->keys && check_signed(c, r))
		return -EBADMSG;
	c->n++;
	c->before_seq = c->seq;
	memcpy(c->before_hash, c->hash, sizeof(c->hash));
	c->seq = r->seq;
	c->applied = r->apply_cycle;
	memcpy(c->hash, r->hash, sizeof(c->hash));
	return 0;
}

/* --- the head --------------------------------------------------------- */

static void head_path(const char *path, char *out, size_t size)
{
	snprintf(out, size, "%s%s", path, AGI_AUDIT_HEAD_SUFFIX);
}

static void key_path(const char *path, char *out, size_t size)
{
	snprintf(out, size, "%s%s", path, AGI_AUDIT_KEY_SUFFIX);
}

/* The MAC of "count seq hash" under @key, as hex. */
static void head_mac(const uint8_t key[AGI_AUDIT_KEY_LEN], unsigned int count,
		     uint64_t seq, const char *hash, char out[AGI_HASH_HEX_LEN])
{
	uint8_t msg[sizeof(HEAD_DOMAIN) + 96], mac[32];
	int n;

	memcpy(msg, HEAD_DOMAIN, sizeof(HEAD_DOMAIN));
	n = snprintf((char *)msg + sizeof(HEAD_DOMAIN), 96, "%u %" PRIu64 " %s",
		     count, seq, hash);
	crypto_generichash(mac, sizeof(mac), msg, sizeof(HEAD_DOMAIN) + (size_t)n,
			   key, AGI_AUDIT_KEY_LEN);
	agi_hex_encode(mac, sizeof(mac), out);
	sodium_memzero(msg, sizeof(msg));
}

/* LOG.key into @key: 0 or -errno with the reason. */
static int key_read(const char *path, uint8_t key[AGI_AUDIT_KEY_LEN],
		    char *err, size_t errlen)
{
	char kp[PATH_MAX + 8], buf[2 * AGI_AUDIT_KEY_LEN + 2];
	ssize_t got;
	int fd, ret = 0;

	key_path(path, kp, sizeof(kp));
	fd = agi_keyfile_open(kp, AGI_KEYFILE_SECRET, err, errlen);
	if (fd == -ENOENT)
		return agi_errf(err, errlen, -ENOENT,
			    "%s is missing: the head of %s cannot be authenticated",
			    kp, path);
	if (fd < 0)
		return fd;
	got = read(fd, buf, sizeof(buf));
	close(fd);
	/* 64 hex digits and a newline: one byte short of the buffer. */
	if (got != (ssize_t)sizeof(buf) - 1 || buf[got - 1] != '\n' ||
	    agi_hex_decode(buf, (size_t)got - 1, key, AGI_AUDIT_KEY_LEN))
		ret = agi_errf(err, errlen, -EBADMSG,
			   "%s:1: expected %d hex digits on one line", kp,
			   2 * AGI_AUDIT_KEY_LEN);
	sodium_memzero(buf, sizeof(buf));
	return ret;
}

/* A fresh LOG.key, 0600, never over an existing one. */
static int key_create(const char *path, uint8_t key[AGI_AUDIT_KEY_LEN],
		      char *err, size_t errlen)
{
	char kp[PATH_MAX + 8], buf[2 * AGI_AUDIT_KEY_LEN + 2];
	int fd, ret = 0;

	key_path(path, kp, sizeof(kp));
	randombytes_buf(key, AGI_AUDIT_KEY_LEN);
	fd = open(kp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return agi_errf(err, errlen, -errno, "%s: %s", kp, strerror(errno));
	agi_hex_encode(key, AGI_AUDIT_KEY_LEN, buf);
	buf[2 * AGI_AUDIT_KEY_LEN] = '\n';
	if (write(fd, buf, sizeof(buf) - 1) != (ssize_t)sizeof(buf) - 1 ||
	    fsync(fd))
		ret = agi_errf(err, errlen, -EIO, "%s: write failed", kp);
	close(fd);
	sodium_memzero(buf, sizeof(buf));
	return ret;
}

/*
 * 1 and the head's contents, 0 when there is none, or -errno. With @key,
 * a head whose MAC is not the key's is -EBADMSG.
 */
static int head_read(const char *path, const uint8_t *key, unsigned int *count,
		     uint64_t *seq, char hash[AGI_HASH_HEX_LEN], char *err,
		     size_t errlen)
{
	char hp[PATH_MAX + 8], buf[256], mac[AGI_HASH_HEX_LEN];
	char want[AGI_HASH_HEX_LEN];
	const char *f[4], *p;
	uint64_t cnt;
	size_t n, len[4];
	int i;
	FILE *fp;

	head_path(path, hp, sizeof(hp));
	fp = fopen(hp, "re");
	if (!fp && errno == ENOENT)
		return 0;
	if (!fp)
		return agi_errf(err, errlen, -errno, "%s: %s", hp, strerror(errno));
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	if (n < 2 || buf[n - 1] != '\n')
		goto bad;
	for (i = 0, p = buf; i < 4; i++) {
		f[i] = p;
		len[i] = strcspn(p, i < 3 ? " \n" : "\n");
		p += len[i];
		if (*p != (i < 3 ? ' ' : '\n'))
			goto bad;
		p++;
	}
	if (*p || parse_u64(f[0], len[0], &cnt) || cnt > UINT32_MAX ||
	    parse_u64(f[1], len[1], seq) || parse_hash(f[2], len[2], hash) ||
	    parse_hash(f[3], len[3], mac))
		goto bad;
	*count = (unsigned int)cnt;
	if (!key)
		return 1;
	head_mac(key, *count, *seq, hash, want);
	if (sodium_memcmp(want, mac, 64))
		return agi_errf(err, errlen, -EBADMSG,
			    "%s:1: the MAC is not this log's key's: the head was forged or replaced",
			    hp);
	return 1;
bad:
	return agi_errf(err, errlen, -EBADMSG,
		    "%s:1: expected \"count seq hash mac\"", hp);
}

static int fsync_dir_of(const char *path)
{
	char dir[PATH_MAX + 16];
	char *slash;
	int fd, ret;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = fsync(fd) ? -errno : 0;
	close(fd);
	return ret;
}

/* Replaces LOG.head with "count seq hash mac", atomically and durably. */
static int head_write(const char *path, const uint8_t *key, unsigned int count,
		      uint64_t seq, const char *hash, char *err, size_t errlen)
{
	char hp[PATH_MAX + 8], tmp[PATH_MAX + 16], line[192];
	char mac[AGI_HASH_HEX_LEN];
	int fd, n, ret = 0;

	head_path(path, hp, sizeof(hp));
	snprintf(tmp, sizeof(tmp), "%s.tmp", hp);
	head_mac(key, count, seq, hash, mac);
	n = snprintf(line, sizeof(line), "%u %" PRIu64 " %s %s\n", count, seq,
		     hash, mac);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return agi_errf(err, errlen, -errno, "%s: %s", tmp, strerror(errno));
	if (write(fd, line, (size_t)n) != n || fsync(fd))
		ret = agi_errf(err, errlen, errno ? -errno : -EIO, "%s: write: %s",
			   tmp, strerror(errno ? errno : EIO));
	if (close(fd) && !ret)
		ret = agi_errf(err, errlen, -errno, "%s: %s", tmp, strerror(errno));
	if (!ret && rename(tmp, hp))
		ret = agi_errf(err, errlen, -errno, "%s: rename: %s", hp,
			   strerror(errno));
	if (!ret && (ret = fsync_dir_of(hp)))
		agi_errf(err, errlen, ret, "%s: fsync of its directory: %s", hp,
		     strerror(-ret));
	return ret;
}

/* The head must name the last record: anything else is a cut log. */
static int head_check(struct chain *c, const uint8_t *key, char *err,
		      size_t errlen)
{
	char hash[AGI_HASH_HEX_LEN];
	unsigned int count;
	uint64_t seq;
	int ret;

	ret = head_read(c->path, key, &count, &seq, hash, err, errlen);
	if (ret < 0)
		return ret;
	if (!ret && !c->n)
		return 0;
	if (!ret) {
		c->bad_line = c->n;
		return agi_errf(err, errlen, -EBADMSG,
			    "%s:%u: the log has %u records but %s%s is missing",
			    c->path, c->n, c->n, c->path, AGI_AUDIT_HEAD_SUFFIX);
	}
	if (c->n && count == c->n && seq == c->seq && !strcmp(hash, c->hash))
		return 0;
	if (c->n && count != c->n && seq == c->seq) {
		c->bad_line = c->n;
		return agi_errf(err, errlen, -EBADMSG,
			    "%s:%u: %s%s counts %u records, the log has %u",
			    c->path, c->n, c->path, AGI_AUDIT_HEAD_SUFFIX, count,
			    c->n);
	}
	if (c->n && seq < c->seq) {
		c->bad_line = c->n;
		return agi_errf(err, errlen, -EBADMSG,
			    "%s:%u: %s%s records seq %" PRIu64 ", before this last record's seq %" PRIu64 " (head not updated or replaced)",
			    c->path, c->n, c->path, AGI_AUDIT_HEAD_SUFFIX, seq, c->seq);
	}
	c->bad_line = c->n + 1;
	if (!c->n)
		return agi_errf(err, errlen, -EBADMSG,
			    "%s:1: missing: %s%s records seq %" PRIu64 " but the log is empty",
			    c->path, c->path, AGI_AUDIT_HEAD_SUFFIX, seq);
	return agi_errf(err, errlen, -EBADMSG,
		    "%s:%u: missing: %s%s records seq %" PRIu64 " but the log ends at seq %" PRIu64,
		    c->path, c->n + 1, c->path, AGI_AUDIT_HEAD_SUFFIX, seq, c->seq);
}

/* The records of @f, named @name, into @c; a bad line's number in @c. */
static int walk_chain(FILE *f, const char *name, struct chain *c)
{
	int ret = agi_audit_read_stream(f, name, chain_cb, c, c->err,
					c->errlen);

	/* A line that does not parse is the one after the last good one. */
	if (ret == -EBADMSG && !c->bad_line)
		c->bad_line = c->n + 1;
	return ret;
}

int agi_audit_verify_stream(FILE *f, const char *name,
			    const struct agi_keyring *keys,
			    unsigned int *bad_line, char *err, size_t errlen)
{
	struct chain c;
	int ret;

	if (agi_keys_init())
		return agi_errf(err, errlen, -EIO, "libsodium failed to start");
	chain_init(&c, name, keys, err, errlen);
	ret = walk_chain(f, name, &c);
	if (bad_line)
		*bad_line = ret ? c.bad_line : 0;
	return ret;
}

int agi_audit_verify(const char *path, const struct agi_keyring *keys,
		     unsigned int *bad_line, char *err, size_t errlen)
{
	struct chain c;
	FILE *f;
	int ret = 0;

	uint8_t key[AGI_AUDIT_KEY_LEN];

	if (agi_keys_init())
		return agi_errf(err, errlen, -EIO, "libsodium failed to start");
	chain_init(&c, path, keys, err, errlen);
	if (bad_line)
		*bad_line = 0;
	f = fopen(path, "re");
	if (!f && errno == ENOENT)
		return agi_errf(err, errlen, -ENOENT,
			    "%s: no such file: there is no audit log to verify",
			    path);
	if (!f)
		return agi_errf(err, errlen, -errno, "%s: %s", path, strerror(errno));
	ret = walk_chain(f, path, &c);
	fclose(f);
	if (!ret && !c.n)
		ret = agi_errf(err, errlen, -ENODATA,
			   "%s: empty: no records to verify", path);
	if (!ret)
		ret = key_read(path, key, err, errlen);
	if (!ret)
		ret = head_check(&c, key, err, errlen);
	sodium_memzero(key, sizeof(key));
	if (bad_line)
		*bad_line = ret ? c.bad_line : 0;
	return ret;
}

/* --- appending -------------------------------------------------------- */

static bool head_exists(const char *path)
{
	char hp[PATH_MAX + 8];

	head_path(path, hp, sizeof(hp));
	return !access(hp, F_OK);
}

static int append(struct agi_audit *a, uint64_t seq, uint64_t time,
		  const uint8_t key_id[AGI_KEYID_LEN], uint64_t apply_cycle,
		  const char *pre, const char *reason, const uint8_t *body,
		  size_t body_len, const uint8_t sig[AGI_SIG_LEN], char *err,
		  size_t errlen);

/*
 * A line without its newline was being written when the writer died; it
 * was never fsync'd as a whole, so no commit was acknowledged on it.
 */
static int cut_torn_tail(int fd, const char *path, char *err, size_t errlen)
{
	char buf[512];
	struct stat st;
	off_t end, at;
	ssize_t n;

	if (fstat(fd, &st))
		return agi_errf(err, errlen, -errno, "%s: %s", path, strerror(errno));
	end = st.st_size;
	while (end > 0) {
		at = end > (off_t)sizeof(buf) ? end - (off_t)sizeof(buf) : 0;
		n = pread(fd, buf, (size_t)(end - at), at);
		if (n != end - at)
			return agi_errf(err, errlen, -EIO, "%s: read error", path);
		while (n > 0 && buf[n - 1] != '\n')
			n--;
		if (n > 0) {
			end = at + n;
			break;
		}
		end = at;
	}
	if (end == st.st_size)
		return 0;
	if (ftruncate(fd, end) || fsync(fd))
		return agi_errf(err, errlen, -errno, "%s: cutting a torn last line: %s",
			    path, strerror(errno));
	return 0;
}

/* After a crash the head may lag one record: only that is repaired. */
static int head_recover(struct chain *c, const uint8_t *key, char *err,
			size_t errlen)
{
	char hash[AGI_HASH_HEX_LEN];
	unsigned int count;
	uint64_t seq;
	int ret;

	ret = head_read(c->path, key, &count, &seq, hash, err, errlen);
	if (ret < 0)
		return ret;
	if (ret && c->n && count == c->n && seq == c->seq &&
	    !strcmp(hash, c->hash))
		return 0;
	if ((!ret && c->n <= 1) ||
	    (ret && c->n && count == c->n - 1 && seq == c->before_seq &&
	     !strcmp(hash, c->before_hash)))
		return c->n ? head_write(c->path, key, c->n, c->seq, c->hash,
					 err, errlen) : 0;
	return head_check(c, key, err, errlen);
}

int agi_audit_open(struct agi_audit *a, const char *path, char *err,
		   size_t errlen)
{
	struct chain c;
	int ret;

	memset(a, 0, sizeof(*a));
	a->fd = -1;
	if (strlen(path) >= sizeof(a->path))
		return agi_errf(err, errlen, -ENAMETOOLONG, "%s: name too long", path);
	if (agi_keys_init())
		return agi_errf(err, errlen, -EIO, "libsodium failed to start");
	strcpy(a->path, path);
	a->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (a->fd < 0)
		return agi_errf(err, errlen, -errno, "%s: %s", path, strerror(errno));
	chain_init(&c, a->path, NULL, err, errlen);
	ret = cut_torn_tail(a->fd, path, err, errlen);
	if (!ret)
		ret = agi_audit_read(path, chain_cb, &c, err, errlen);
	if (!ret) {
		ret = key_read(path, a->key, err, errlen);
		/* A new log gets a new key; a log with records keeps its own. */
		if (ret == -ENOENT && !c.n && !head_exists(path))
			ret = key_create(path, a->key, err, errlen);
	}
	if (!ret)
		ret = head_recover(&c, a->key, err, errlen);
	if (ret) {
		agi_audit_close(a);
		return ret;
	}
	a->n_records = c.n;
	a->last_seq = c.seq;
	a->last_applied = c.applied;
	memcpy(a->last_hash, c.hash, sizeof(c.hash));
	return 0;
}

/*
 * "seq time keyid outcome body sig prev" into @line; its length. The
 * outcome is @apply_cycle, or @pre and the hex of @reason.
 */
static size_t format_hashed(char *line, uint64_t seq, uint64_t time,
			    const uint8_t key_id[AGI_KEYID_LEN],
			    uint64_t apply_cycle, const char *pre,
			    const char *reason, const uint8_t *body,
			    size_t body_len, const uint8_t sig[AGI_SIG_LEN],
			    const char *prev)
{
	size_t n;

	n = (size_t)sprintf(line, "%" PRIu64 " %" PRIu64 " ", seq, time);
	agi_hex_encode(key_id, AGI_KEYID_LEN, line + n);
	n += 2 * AGI_KEYID_LEN;
	if (reason) {
		n += (size_t)sprintf(line + n, " %s", pre);
		agi_hex_encode((const uint8_t *)reason, strlen(reason),
			       line + n);
		n += 2 * strlen(reason);
		line[n++] = ' ';
	} else {
		n += (size_t)sprintf(line + n, " %" PRIu64 " ", apply_cycle);
	}
	agi_hex_encode(body, body_len, line + n);
	n += 2 * body_len;
	line[n++] = ' ';
	agi_hex_encode(sig, AGI_SIG_LEN, line + n);
	n += 2 * AGI_SIG_LEN;
	n += (size_t)sprintf(line + n, " %s", prev);
	return n;
}

/* A reason is 1..AGI_REASON_MAX - 1 printable ASCII characters. */
static int check_reason(const struct agi_audit *a, const char *reason,
			char *err, size_t errlen)
{
	size_t i;

	if (!*reason || strlen(reason) >= AGI_REASON_MAX)
		return agi_errf(err, errlen, -EINVAL, "%s: bad reason", a->path);
	for (i = 0; reason[i]; i++)
		if (reason[i] < ' ' || reason[i] > '~')
			return agi_errf(err, errlen, -EINVAL, "%s: bad reason",
				    a->path);
	return 0;
}

int agi_audit_append(struct agi_audit *a, uint64_t seq, uint64_t time,
		     const uint8_t key_id[AGI_KEYID_LEN], uint64_t apply_cycle,
		     const char *refused, const uint8_t *body, size_t body_len,
		     const uint8_t sig[AGI_SIG_LEN], char *err, size_t errlen)
{
	if (refused && check_reason(a, refused, err, errlen))
		return -EINVAL;
	if (!refused && !apply_cycle)
		return agi_errf(err, errlen, -EINVAL, "%s: no apply cycle",
			    a->path);
	if (a->n_records && seq <= a->last_seq)
		return agi_errf(err, errlen, -EINVAL,
			    "%s: seq %" PRIu64 " is not above the last %" PRIu64,
			    a->path, seq, a->last_seq);
	return append(a, seq, time, key_id, refused ? 0 : apply_cycle, REFUSED,
		      refused, body, body_len, sig, err, errlen);
}

int agi_audit_not_applied(struct agi_audit *a, uint64_t seq, uint64_t time,
			  const uint8_t key_id[AGI_KEYID_LEN], const char *why,
			  const uint8_t *body, size_t body_len,
			  const uint8_t sig[AGI_SIG_LEN], char *err,
			  size_t errlen)
{
	if (check_reason(a, why, err, errlen))
		return -EINVAL;
	if (!a->n_records || !a->last_applied || seq != a->last_seq)
		return agi_errf(err, errlen, -EINVAL,
			    "%s: the last record is not the applied record of seq %" PRIu64,
			    a->path, seq);
	return append(a, seq, time, key_id, 0, NOT_APPLIED, why, body,
		      body_len, sig, err, errlen);
}

static int append(struct agi_audit *a, uint64_t seq, uint64_t time,
		  const uint8_t key_id[AGI_KEYID_LEN], uint64_t apply_cycle,
		  const char *pre, const char *reason, const uint8_t *body,
		  size_t body_len, const uint8_t sig[AGI_SIG_LEN], char *err,
		  size_t errlen)
{
	char line[LINE_MAX_LEN], hash[AGI_HASH_HEX_LEN];
	struct stat st;
	size_t n;
	int ret;

	if (!body_len || body_len > AGI_COMMIT_BODY_MAX)
		return agi_errf(err, errlen, -EINVAL, "%s: body of %zu bytes",
			    a->path, body_len);
	if (fstat(a->fd, &st))
		return agi_errf(err, errlen, -errno, "%s: %s", a->path,
			    strerror(errno));
	n = format_hashed(line, seq, time, key_id, apply_cycle, pre, reason,
			  body, body_len, sig,
			  a->n_records ? a->last_hash : genesis);
	sha256_hex(line, n, hash);
	n += (size_t)sprintf(line + n, " %s\n", hash);
	ret = agi_write_all(a->fd, line, n);
	if (!ret && fsync(a->fd))
		ret = -errno;
	if (ret) {
		/* Leave no half line for the next record to follow. */
		if (ftruncate(a->fd, st.st_size))
			ret = -errno;
		return agi_errf(err, errlen, ret, "%s: append: %s", a->path,
			    strerror(-ret));
	}
	a->n_records++;
	a->last_seq = seq;
	a->last_applied = apply_cycle;
	memcpy(a->last_hash, hash, sizeof(hash));
	return head_write(a->path, a->key, a->n_records, seq, hash, err,
			  errlen);
}

void agi_audit_close(struct agi_audit *a)
{
	if (a->fd >= 0)
		close(a->fd);
	a->fd = -1;
	sodium_memzero(a->key, sizeof(a->key));
}
