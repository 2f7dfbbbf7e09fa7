// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * The session handshake (include/user/handshake.c) and node key files
 * (keys.c): both sides agree on crosswise keys; a known answer pins the
 * datagrams and the keys byte for byte, and the keys are derived again
 * here from the definition with plain libsodium calls; every flipped
 * byte, a replay, a message for or from another key and a low-order
 * ephemeral are refused, and a refused RESP leaves the pending INIT
 * answerable by the genuine one; node.key is created 0600 with node.pub
 * beside it, and a symbolic link, a FIFO, a file of another owner or
 * one too open are refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "user/handshake.h"
#include "user/keys.h"
#include <kselftest_harness.h>

/* RFC 8032 section 7.1 TEST 1 and TEST 2 secret keys as the two nodes. */
static const char seed_i[] =
	"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
static const char seed_r[] =
	"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";
/* The two ephemeral secrets of the known answer (RFC 7748 section 6.1). */
static const char eph_i[] =
	"77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
static const char eph_r[] =
	"5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";

#define KA_INDEX_I 0x01020304u
#define KA_INDEX_R 0x0a0b0c0du
#define KA_TIMESTAMP 1700000000123456789ull

static const char ka_init[] =
	"010b00bda6011a010203040258208520f0098930a754748b7ddcb43ef75a0dbf"
	"3a0d26381af4eba4a98eaa9b4e6a031b17979cfe3d85cd15045820d75a980182"
	"b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a0558203d40"
	"17c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c0658"
	"40050b61487d6af3881624db44294ffcd313f9a25219d62a2194ea668784e832"
	"730e030816c9455055c8e47bb07102831bebc7e8dd138c54efa5f2011fe2734f"
	"0f";
static const char ka_resp[] =
	"010c0096a5011a0a0b0c0d021a01020304035820de9edb7d7b7dc1b4d35b61c2"
	"ece435373f8343c85b78674dadfc7e146f882b4f0458203be4373a6bf31c5fd8"
	"8759f5856208e0b6d3241a8d2050808491d6bbe1fa43c20558402a2d5813b71c"
	"1bf39a4f23f15e89a35a1683e5a3566e73ed859f1b4bc864d1b23aa1d0cd66c3"
	"e34d8e5e28b10149dbd4649e9a1f94309b51aa3a87a374ec8f0e";
static const char ka_i2r[] =
	"73b47e07d430812e8aed965a2ed315f8a04c5cfc5dede7c3f64ff9539f041db8";
static const char ka_r2i[] =
	"da68c0afaace15fdae61c389f790d66cdb1e2096c750e520609d768f14a4cd72";

static void from_hex(const char *hex, u8 *out, size_t len)
{
	if (agi_hex_decode(hex, strlen(hex), out, len))
		abort();
}

static void pair_of(const char *seed_hex, struct agi_keypair *kp)
{
	u8 seed[AGI_SEED_LEN];

	from_hex(seed_hex, seed, sizeof(seed));
	agi_key_from_seed(kp, seed);
}

struct two {
	struct agi_keypair i, r;
	struct agi_hs_pending p;
	struct agi_hs_init m;
	struct agi_hs_keys ki, kr;
	u8 init[AGI_HS_INIT_MAX], resp[AGI_HS_RESP_MAX];
	size_t init_len, resp_len;
};

/* An INIT from i to r and r's RESP, with fresh ephemerals. */
static int exchange(struct two *t)
{
	int n, ret;

	n = agi_hs_initiate(&t->p, &t->i, t->r.pk, 7, 1000, t->init,
			    sizeof(t->init));
	if (n < 0)
		return n;
	t->init_len = (size_t)n;
	ret = agi_hs_init_check(t->init, t->init_len, t->r.pk, &t->m);
	if (ret)
		return ret;
	return agi_hs_respond(&t->r, t->init, t->init_len, &t->m, 9, t->resp,
			      sizeof(t->resp), &t->resp_len, &t->kr);
}

FIXTURE(hs) {
	struct two t;
};

FIXTURE_SETUP(hs)
{
	ASSERT_EQ(0, agi_keys_init());
	memset(&self->t, 0, sizeof(self->t));
	pair_of(seed_i, &self->t.i);
	pair_of(seed_r, &self->t.r);
}

FIXTURE_TEARDOWN(hs)
{
	agi_key_wipe(&self->t.i);
	agi_key_wipe(&self->t.r);
}

TEST_F(hs, keys_agree_crosswise)
{
	struct two *t = &self->t;
	struct agi_hs_keys first;

	ASSERT_EQ(0, exchange(t));
	ASSERT_EQ(0, agi_hs_complete(&t->p, t->resp, t->resp_len, &t->ki));
	ASSERT_TRUE(t->ki.initiator);
	ASSERT_FALSE(t->kr.initiator);
	ASSERT_EQ(0, memcmp(t->ki.tx, t->kr.rx, AGI_HS_KEY_LEN));
	ASSERT_EQ(0, memcmp(t->ki.rx, t->kr.tx, AGI_HS_KEY_LEN));
	ASSERT_NE(0, memcmp(t->ki.tx, t->ki.rx, AGI_HS_KEY_LEN));
	ASSERT_EQ(7, t->ki.local_index);
	ASSERT_EQ(9, t->ki.remote_index);
	ASSERT_EQ(9, t->kr.local_index);
	ASSERT_EQ(7, t->kr.remote_index);
	/* The ephemeral secret is gone once the keys exist. */
	ASSERT_FALSE(t->p.active);
	ASSERT_TRUE(sodium_is_zero(t->p.eph_sk, sizeof(t->p.eph_sk)));
	/* Two handshakes never give the same keys. */
	first = t->ki;
	ASSERT_EQ(0, exchange(t));
	ASSERT_EQ(0, agi_hs_complete(&t->p, t->resp, t->resp_len, &t->ki));
	ASSERT_NE(0, memcmp(first.tx, t->ki.tx, AGI_HS_KEY_LEN));
	agi_hs_keys_wipe(&first);
}

/* BLAKE2b-512 keyed with X25519(a, B) over BLAKE2b-256(INIT || RESP). */
static void kdf_by_definition(const u8 *a, const u8 *b_pub, const u8 *init,
			      size_t init_len, const u8 *resp, size_t resp_len,
			      u8 out[64])
{
	u8 dh[32], th[32], both[2 * AGI_HS_INIT_MAX];

	if (crypto_scalarmult(dh, a, b_pub))
		abort();
	memcpy(both, init, init_len);
	memcpy(both + init_len, resp, resp_len);
	crypto_generichash(th, sizeof(th), both, init_len + resp_len, NULL, 0);
	crypto_generichash(out, 64, th, sizeof(th), dh, sizeof(dh));
}

TEST_F(hs, known_answer)
{
	struct two *t = &self->t;
	u8 ei[32], er[32], epub_i[32], k[64], h[32];
	struct agi_hs_resp r;
	char hex[2 * AGI_HS_INIT_MAX + 1];
	int n;

	from_hex(eph_i, ei, sizeof(ei));
	from_hex(eph_r, er, sizeof(er));
	n = agi_hs_initiate_eph(&t->p, &t->i, t->r.pk, KA_INDEX_I, KA_TIMESTAMP,
				ei, t->init, sizeof(t->init));
	ASSERT_GT(n, 0);
	t->init_len = (size_t)n;
	agi_hex_encode(t->init, t->init_len, hex);
	TH_LOG("INIT %s", hex);
	ASSERT_STREQ(ka_init, hex);
	ASSERT_EQ(0, agi_hs_init_check(t->init, t->init_len, t->r.pk, &t->m));
	ASSERT_EQ(KA_TIMESTAMP, t->m.timestamp);
	ASSERT_EQ(KA_INDEX_I, t->m.sender);
	ASSERT_EQ(0, agi_hs_respond_eph(&t->r, t->init, t->init_len, &t->m,
					KA_INDEX_R, er, t->resp,
					sizeof(t->resp), &t->resp_len, &t->kr));
	agi_hex_encode(t->resp, t->resp_len, hex);
	TH_LOG("RESP %s", hex);
	ASSERT_STREQ(ka_resp, hex);
	ASSERT_EQ(0, agi_hs_complete(&t->p, t->resp, t->resp_len, &t->ki));
	agi_hex_encode(t->ki.tx, AGI_HS_KEY_LEN, hex);
	TH_LOG("i->r %s", hex);
	ASSERT_STREQ(ka_i2r, hex);
	agi_hex_encode(t->ki.rx, AGI_HS_KEY_LEN, hex);
	TH_LOG("r->i %s", hex);
	ASSERT_STREQ(ka_r2i, hex);
	/* The same keys from the definition, on both sides' secrets. */
	crypto_scalarmult_base(epub_i, ei);
	kdf_by_definition(er, epub_i, t->init, t->init_len, t->resp,
			  t->resp_len, k);
	ASSERT_EQ(0, memcmp(k, t->kr.rx, 32));
	ASSERT_EQ(0, memcmp(k + 32, t->kr.tx, 32));
	ASSERT_EQ(0, memcmp(k, t->ki.tx, 32));
	/* The INIT hash in the RESP is BLAKE2b-256 of the INIT datagram. */
	ASSERT_EQ(0, agi_hs_resp_parse(t->resp, t->resp_len, &r));
	crypto_generichash(h, sizeof(h), t->init, t->init_len, NULL, 0);
	ASSERT_EQ(0, memcmp(h, r.init_hash, sizeof(h)));
	ASSERT_EQ(KA_INDEX_I, r.receiver);
	ASSERT_EQ(KA_INDEX_R, r.sender);
}

TEST_F(hs, every_flipped_bit_of_init_refused)
{
	struct two *t = &self->t;
	struct agi_hs_init m;
	u8 bad[AGI_HS_INIT_MAX];
	size_t i;
	int bit;

	ASSERT_EQ(0, exchange(t));
	for (i = 0; i < t->init_len; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(bad, t->init, t->init_len);
			bad[i] ^= (u8)(1u << bit);
			ASSERT_NE(0, agi_hs_init_check(bad, t->init_len,
						       t->r.pk, &m))
				TH_LOG("byte %zu bit %d accepted", i, bit);
		}
	}
	/* Cut short or lengthened. */
	ASSERT_EQ(-EBADMSG, agi_hs_init_check(t->init, t->init_len - 1,
					      t->r.pk, &m));
	memcpy(bad, t->init, t->init_len);
	bad[t->init_len] = 0;
	ASSERT_EQ(-EBADMSG, agi_hs_init_check(bad, t->init_len + 1, t->r.pk,
					      &m));
}

TEST_F(hs, every_flipped_bit_of_resp_refused)
{
	struct two *t = &self->t;
	u8 bad[AGI_HS_RESP_MAX];
	size_t i;
	int bit;

	ASSERT_EQ(0, exchange(t));
	for (i = 0; i < t->resp_len; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(bad, t->resp, t->resp_len);
			bad[i] ^= (u8)(1u << bit);
			ASSERT_NE(0, agi_hs_complete(&t->p, bad, t->resp_len,
						     &t->ki))
				TH_LOG("byte %zu bit %d accepted", i, bit);
			ASSERT_TRUE(sodium_is_zero(t->ki.tx, AGI_HS_KEY_LEN));
		}
	}
	/* A forged answer does not cancel the genuine one. */
	ASSERT_TRUE(t->p.active);
	ASSERT_EQ(0, agi_hs_complete(&t->p, t->resp, t->resp_len, &t->ki));
}

TEST_F(hs, replays_refused)
{
	struct two *t = &self->t;
	struct agi_hs_pending old;
	u8 old_resp[AGI_HS_RESP_MAX];
	size_t old_len;
	u64 last = 0;

	ASSERT_EQ(0, exchange(t));
	/* The responder's guard: each INIT timestamp once, increasing. */
	ASSERT_TRUE(agi_hs_fresh(&last, t->m.timestamp));
	ASSERT_FALSE(agi_hs_fresh(&last, t->m.timestamp));
	ASSERT_FALSE(agi_hs_fresh(&last, t->m.timestamp - 1));
	ASSERT_TRUE(agi_hs_fresh(&last, t->m.timestamp + 1));
	/* A RESP is used once. */
	ASSERT_EQ(0, agi_hs_complete(&t->p, t->resp, t->resp_len, &t->ki));
	ASSERT_EQ(-ENOENT, agi_hs_complete(&t->p, t->resp, t->resp_len,
					   &t->ki));
	/* The RESP to an earlier INIT does not answer a later one. */
	memcpy(old_resp, t->resp, t->resp_len);
	old_len = t->resp_len;
	ASSERT_EQ(0, exchange(t));
	old = t->p;
	ASSERT_EQ(-ENOENT, agi_hs_complete(&t->p, old_resp, old_len, &t->ki));
	ASSERT_EQ(0, memcmp(&old, &t->p, sizeof(old)));
	ASSERT_EQ(0, agi_hs_complete(&t->p, t->resp, t->resp_len, &t->ki));
	agi_hs_pending_wipe(&old);
}

TEST_F(hs, other_keys_refused)
{
	struct two *t = &self->t;
	struct agi_keypair x;
	struct agi_hs_init m;
	struct agi_hs_pending p;
	u8 buf[AGI_HS_RESP_MAX];
	size_t len;
	int n;

	ASSERT_EQ(0, agi_key_generate(&x));
	/* An INIT for another responder. */
	n = agi_hs_initiate(&t->p, &t->i, x.pk, 7, 1, t->init, sizeof(t->init));
	ASSERT_GT(n, 0);
	ASSERT_EQ(-EXDEV, agi_hs_init_check(t->init, (size_t)n, t->r.pk, &m));
	/* An INIT naming i as initiator, signed by x. */
	n = agi_hs_initiate(&p, &x, t->r.pk, 7, 1, t->init, sizeof(t->init));
	ASSERT_GT(n, 0);
	ASSERT_EQ(0, agi_hs_init_parse(t->init, (size_t)n, &m));
	memcpy(m.initiator, t->i.pk, AGI_PK_LEN);
	n = agi_hs_init_encode(&m, t->init, sizeof(t->init));
	ASSERT_EQ(-EKEYREJECTED, agi_hs_init_check(t->init, (size_t)n,
						   t->r.pk, &m));
	/* A RESP from x to i's INIT for r. */
	ASSERT_EQ(0, exchange(t));
	ASSERT_EQ(0, agi_hs_respond(&x, t->init, t->init_len, &t->m, 9, buf,
				    sizeof(buf), &len, &t->kr));
	ASSERT_EQ(-EKEYREJECTED, agi_hs_complete(&t->p, buf, len, &t->ki));
	ASSERT_EQ(0, agi_hs_complete(&t->p, t->resp, t->resp_len, &t->ki));
	agi_hs_pending_wipe(&p);
	agi_key_wipe(&x);
}

TEST_F(hs, low_order_ephemeral_refused)
{
	struct two *t = &self->t;
	u8 msg[256];
	size_t len;
	int n;

	/* A signed INIT whose ephemeral key is the point of order 1. */
	n = agi_hs_initiate(&t->p, &t->i, t->r.pk, 7, 1, t->init,
			    sizeof(t->init));
	ASSERT_GT(n, 0);
	ASSERT_EQ(0, agi_hs_init_parse(t->init, (size_t)n, &t->m));
	memset(t->m.eph, 0, sizeof(t->m.eph));
	/* Signed as the initiator would: label, NUL, the map of keys 1..5. */
	n = agi_hs_init_encode(&t->m, t->init, sizeof(t->init));
	ASSERT_GT(n, 0);
	len = sizeof("AGISWARM-HS-INIT-v1");
	memcpy(msg, "AGISWARM-HS-INIT-v1", len);
	/* The map without its last entry (key 6 and 64 bytes: 3 + 64). */
	msg[len] = 0xa5;
	memcpy(msg + len + 1, t->init + 5, (size_t)n - 5 - 67);
	len += 1 + (size_t)n - 5 - 67;
	agi_ed25519_sign(msg, len, t->i.sk, t->m.sig);
	n = agi_hs_init_encode(&t->m, t->init, sizeof(t->init));
	ASSERT_EQ(0, agi_hs_init_check(t->init, (size_t)n, t->r.pk, &t->m));
	ASSERT_EQ(-EKEYREJECTED,
		  agi_hs_respond(&t->r, t->init, (size_t)n, &t->m, 9, t->resp,
				 sizeof(t->resp), &t->resp_len, &t->kr));
	ASSERT_TRUE(sodium_is_zero(t->kr.rx, AGI_HS_KEY_LEN));
}

TEST(zero_index_refused)
{
	struct agi_keypair a;
	struct agi_hs_pending p;
	u8 buf[AGI_HS_INIT_MAX];

	ASSERT_EQ(0, agi_key_generate(&a));
	ASSERT_EQ(-EINVAL, agi_hs_initiate(&p, &a, a.pk, 0, 1, buf,
					   sizeof(buf)));
	agi_key_wipe(&a);
}

/* ---- node key files -------------------------------------------------- */

FIXTURE(node) {
	char dir[64], key[128], pub[128], err[512];
};

FIXTURE_SETUP(node)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/agi-hs-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->key, sizeof(self->key), "%s/node.key", self->dir);
	snprintf(self->pub, sizeof(self->pub), "%s/node.pub", self->dir);
}

FIXTURE_TEARDOWN(node)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		TH_LOG("cannot remove %s", self->dir);
}

TEST_F(node, created_once_then_read)
{
	struct agi_keypair kp, again;
	u8 pk[AGI_PK_LEN];
	bool created;
	struct stat st;

	ASSERT_EQ(-ENOENT, agi_node_key_load(self->key, false, &kp, &created,
					     self->err, sizeof(self->err)));
	ASSERT_EQ(0, agi_node_key_load(self->key, true, &kp, &created,
				       self->err, sizeof(self->err)));
	ASSERT_TRUE(created);
	ASSERT_EQ(0, stat(self->key, &st));
	ASSERT_EQ(0600, st.st_mode & 07777);
	ASSERT_EQ(0, agi_key_read_public(self->pub, pk, self->err,
					 sizeof(self->err)));
	ASSERT_EQ(0, memcmp(pk, kp.pk, AGI_PK_LEN));
	ASSERT_EQ(0, agi_node_key_load(self->key, true, &again, &created,
				       self->err, sizeof(self->err)));
	ASSERT_FALSE(created);
	ASSERT_EQ(0, memcmp(&kp, &again, sizeof(kp)));
	agi_key_wipe(&kp);
	agi_key_wipe(&again);
}

TEST_F(node, unsafe_files_refused)
{
	struct agi_keypair kp;
	char link[160], want[600];
	bool created;

	ASSERT_EQ(0, agi_node_key_load(self->key, true, &kp, &created,
				       self->err, sizeof(self->err)));
	/* A symbolic link, even to a good key. */
	snprintf(link, sizeof(link), "%s/link.key", self->dir);
	ASSERT_EQ(0, symlink(self->key, link));
	ASSERT_EQ(-ELOOP, agi_node_key_load(link, true, &kp, &created,
					    self->err, sizeof(self->err)));
	snprintf(want, sizeof(want),
		 "%s: is a symbolic link; name the key file itself", link);
	ASSERT_STREQ(want, self->err);
	/* A FIFO: refused at once, not waited on. */
	snprintf(link, sizeof(link), "%s/fifo.key", self->dir);
	ASSERT_EQ(0, mkfifo(link, 0600));
	ASSERT_EQ(-EINVAL, agi_node_key_load(link, true, &kp, &created,
					     self->err, sizeof(self->err)));
	snprintf(want, sizeof(want), "%s: not a regular file", link);
	ASSERT_STREQ(want, self->err);
	/* Too open. */
	ASSERT_EQ(0, chmod(self->key, 0604));
	ASSERT_EQ(-EACCES, agi_node_key_load(self->key, true, &kp, &created,
					     self->err, sizeof(self->err)));
	ASSERT_NE(NULL, strstr(self->err, "mode 0604 is too open"));
	ASSERT_EQ(0, chmod(self->key, 0600));
	/* Another user's file (only root can make one). */
	if (geteuid() == 0) {
		ASSERT_EQ(0, chown(self->key, 4242, 4242));
		ASSERT_EQ(-EACCES, agi_node_key_load(self->key, true, &kp,
						     &created, self->err,
						     sizeof(self->err)));
		snprintf(want, sizeof(want),
			 "%s: owned by uid 4242, not by this user (uid 0)",
			 self->key);
		ASSERT_STREQ(want, self->err);
	}
	agi_key_wipe(&kp);
}

TEST_HARNESS_MAIN
