// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Key files (include/user/keys.c): a private key behind a symlink, a FIFO
 * in its place (which must not hang the reader), a directory, a key
 * readable by others, an authorized_keys writable by others, and the good
 * cases; each refused with its exact message.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "user/keys.h"
#include <kselftest_harness.h>

static const char seed_hex[] =
	"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7";

FIXTURE(keys)
{
	char dir[64], key[128], link[128], fifo[128], auth[128];
	char want[512], err[512];
	struct agi_keypair kp;
};

static void put(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
	if (chmod(path, mode))
		abort();
}

FIXTURE_SETUP(keys)
{
	char line[256];

	strcpy(self->dir, "/tmp/agiswarm-keys-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->key, sizeof(self->key), "%s/op.key", self->dir);
	snprintf(self->link, sizeof(self->link), "%s/link.key", self->dir);
	snprintf(self->fifo, sizeof(self->fifo), "%s/fifo.key", self->dir);
	snprintf(self->auth, sizeof(self->auth), "%s/authorized_keys",
		 self->dir);
	snprintf(line, sizeof(line), "%s\n", seed_hex);
	put(self->key, line, 0600);
	ASSERT_EQ(0, symlink(self->key, self->link));
	ASSERT_EQ(0, mkfifo(self->fifo, 0600));
	ASSERT_EQ(0, agi_key_read_private(self->key, &self->kp, self->err,
					  sizeof(self->err)));
	agi_hex_encode(self->kp.pk, AGI_PK_LEN, line);
	strcat(line, " alice\n");
	put(self->auth, line, 0644);
}

FIXTURE_TEARDOWN(keys)
{
	unlink(self->key);
	unlink(self->link);
	unlink(self->fifo);
	unlink(self->auth);
	rmdir(self->dir);
	agi_key_wipe(&self->kp);
}

TEST_F(keys, private_key_read)
{
	struct agi_keypair kp;

	ASSERT_EQ(0, agi_key_read_private(self->key, &kp, self->err,
					  sizeof(self->err)));
	EXPECT_EQ(0, memcmp(kp.pk, self->kp.pk, AGI_PK_LEN));
	agi_key_wipe(&kp);
}

TEST_F(keys, private_key_symlink_refused)
{
	struct agi_keypair kp;

	EXPECT_EQ(-ELOOP, agi_key_read_private(self->link, &kp, self->err,
					       sizeof(self->err)));
	snprintf(self->want, sizeof(self->want),
		 "%s: is a symbolic link; name the file itself", self->link);
	EXPECT_STREQ(self->want, self->err);
}

/* Before the fix this open blocked forever waiting for a writer. */
TEST_F(keys, private_key_fifo_refused_without_hanging)
{
	struct agi_keypair kp;

	alarm(10);
	EXPECT_EQ(-EINVAL, agi_key_read_private(self->fifo, &kp, self->err,
						sizeof(self->err)));
	alarm(0);
	snprintf(self->want, sizeof(self->want), "%s: not a regular file",
		 self->fifo);
	EXPECT_STREQ(self->want, self->err);
}

TEST_F(keys, private_key_directory_refused)
{
	struct agi_keypair kp;

	EXPECT_EQ(-EINVAL, agi_key_read_private(self->dir, &kp, self->err,
						sizeof(self->err)));
	snprintf(self->want, sizeof(self->want), "%s: not a regular file",
		 self->dir);
	EXPECT_STREQ(self->want, self->err);
}

TEST_F(keys, private_key_group_readable_refused)
{
	struct agi_keypair kp;

	ASSERT_EQ(0, chmod(self->key, 0640));
	EXPECT_EQ(-EACCES, agi_key_read_private(self->key, &kp, self->err,
						sizeof(self->err)));
	snprintf(self->want, sizeof(self->want),
		 "%s: mode 0640 is too open; chmod 600 %s", self->key,
		 self->key);
	EXPECT_STREQ(self->want, self->err);
}

TEST_F(keys, private_key_foreign_owner_refused)
{
	struct agi_keypair kp;

	if (geteuid() != 0)
		SKIP(return, "chown needs root");
	ASSERT_EQ(0, chown(self->key, 4242, 4242));
	EXPECT_EQ(-EPERM, agi_key_read_private(self->key, &kp, self->err,
					       sizeof(self->err)));
	snprintf(self->want, sizeof(self->want),
		 "%s: owned by uid 4242, not by uid 0 or root", self->key);
	EXPECT_STREQ(self->want, self->err);
}

TEST_F(keys, authorized_keys_loaded)
{
	struct agi_keyring kr;

	ASSERT_EQ(0, agi_keyring_load(self->auth, &kr, self->err,
				      sizeof(self->err)));
	ASSERT_EQ(1, kr.n);
	EXPECT_STREQ("alice", kr.keys[0].name);
}

TEST_F(keys, authorized_keys_writable_by_others_refused)
{
	struct agi_keyring kr;

	ASSERT_EQ(0, chmod(self->auth, 0664));
	EXPECT_EQ(-EACCES, agi_keyring_load(self->auth, &kr, self->err,
					    sizeof(self->err)));
	snprintf(self->want, sizeof(self->want),
		 "%s: mode 0664 lets others write it; chmod go-w %s",
		 self->auth, self->auth);
	EXPECT_STREQ(self->want, self->err);
}

TEST_F(keys, authorized_keys_symlink_refused)
{
	struct agi_keyring kr;

	unlink(self->link);
	ASSERT_EQ(0, symlink(self->auth, self->link));
	EXPECT_EQ(-ELOOP, agi_keyring_load(self->link, &kr, self->err,
					   sizeof(self->err)));
	snprintf(self->want, sizeof(self->want),
		 "%s: is a symbolic link; name the file itself", self->link);
	EXPECT_STREQ(self->want, self->err);
}

TEST_F(keys, authorized_keys_fifo_refused_without_hanging)
{
	struct agi_keyring kr;

	alarm(10);
	EXPECT_EQ(-EINVAL, agi_keyring_load(self->fifo, &kr, self->err,
					    sizeof(self->err)));
	alarm(0);
}

TEST_HARNESS_MAIN
