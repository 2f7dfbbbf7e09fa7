// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * Proof of authority (daemon/keys.c, commit.c, audit.c): RFC 8032 Ed25519
 * vectors through our signing and verification functions; the commit body
 * byte for byte as the UAPI header documents it, and refused when not
 * canonical; every verdict of the verifier with its exact reason, in its
 * order; key files and authorized_keys; an audit log that is edited,
 * truncated, cut in the middle or reordered, each caught at its line.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "user/audit.h"
#include "user/commit.h"
#include "user/msg.h"
#include "user/keys.h"
#include "../lib/commit_example.h"
#include <kselftest_harness.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* ---- RFC 8032 section 7.1 -------------------------------------------- */

struct rfc_vector {
	const char *name, *sk, *pk, *msg, *sig;
};

static const struct rfc_vector rfc8032[] = {
	{ "TEST 1",
	  "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
	  "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
	  "",
	  "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
	  "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
	{ "TEST 2",
	  "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
	  "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
	  "72",
	  "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
	  "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
	{ "TEST 3",
	  "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
	  "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
	  "af82",
	  "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
	  "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a" },
	{ "TEST 1024",
	  "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
	  "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
	  "08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98"
	  "fa6e264bf09efe12ee50f8f54e9f77b1e355f6c50544e23fb1433ddf73be84d8"
	  "79de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d"
	  "658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc"
	  "1a858efcb8550ee3a5e1998bd177e93a7363c344fe6b199ee5d02e82d522c4fe"
	  "ba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e"
	  "06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbef"
	  "efd75499da96bd68a8a97b928a8bbc103b6621fcde2beca1231d206be6cd9ec7"
	  "aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1"
	  "85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2"
	  "d17ba70eb6248e594e1a2297acbbb39d502f1a8c6eb6f1ce22b3de1a1f40cc24"
	  "554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270"
	  "88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc"
	  "2732e69485bbc9c90bfbd62481d9089beccf80cfe2df16a2cf65bd92dd597b07"
	  "07e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba"
	  "b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51a"
	  "ddd3b75a2b1ae0784504df543af8969be3ea7082ff7fc9888c144da2af58429e"
	  "c96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7"
	  "51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c"
	  "42f58c30c04aafdb038dda0847dd988dcda6f3bfd15c4b4c4525004aa06eeff8"
	  "ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df"
	  "f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08"
	  "d78ff4ef5d63653a65040cf9bfd4aca7984a74d37145986780fc0b16ac451649"
	  "de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4"
	  "88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a3"
	  "2ef5b52a1ecc820e308aa342721aac0943bf6686b64b2579376504ccc493d97e"
	  "6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f"
	  "b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b5"
	  "0d334ba77c225bc307ba537152f3f1610e4eafe595f6d9d90d11faa933a15ef1"
	  "369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d"
	  "b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c"
	  "0618983f8741c5ef68d3a101e8a3b8cac60c905c15fc910840b94c00a0b9d0"
	  ,
	  "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350"
	  "aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03" },
	{ "TEST SHA(abc)",
	  "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
	  "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
	  "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
	  "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
	  "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
	  "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704" },
};

/* @hex into a new buffer; its length in *@len. */
static uint8_t *unhex(const char *hex, size_t *len)
{
	size_t n = strlen(hex) / 2;
	uint8_t *b = malloc(n + 1);

	if (!b || agi_hex_decode(hex, strlen(hex), b, n)) {
		free(b);
		return NULL;
	}
	*len = n;
	return b;
}

TEST(rfc8032_vectors)
{
	uint8_t pk[AGI_PK_LEN], sig[AGI_SIG_LEN], got[AGI_SIG_LEN];
	struct agi_keypair kp;
	size_t i, n, mlen;
	uint8_t *seed, *msg;

	ASSERT_EQ(0, agi_keys_init());
	for (i = 0; i < ARRAY_SIZE(rfc8032); i++) {
		const struct rfc_vector *v = &rfc8032[i];

		seed = unhex(v->sk, &n);
		ASSERT_NE(NULL, seed);
		ASSERT_EQ(AGI_SEED_LEN, n);
		ASSERT_EQ(0, agi_hex_decode(v->pk, strlen(v->pk), pk, sizeof(pk)));
		ASSERT_EQ(0, agi_hex_decode(v->sig, strlen(v->sig), sig, sizeof(sig)));
		msg = unhex(v->msg, &mlen);
		ASSERT_NE(NULL, msg);
		if (!strcmp(v->name, "TEST 1024"))
			ASSERT_EQ(1023, mlen);

		agi_key_from_seed(&kp, seed);
		EXPECT_EQ(0, memcmp(pk, kp.pk, sizeof(pk))) TH_LOG("%s: public key", v->name);
		agi_ed25519_sign(msg, mlen, kp.sk, got);
		EXPECT_EQ(0, memcmp(sig, got, sizeof(sig))) TH_LOG("%s: signature", v->name);
		EXPECT_TRUE(agi_ed25519_verify(msg, mlen, pk, sig)) TH_LOG("%s", v->name);
		/* A flipped bit anywhere is refused. */
		sig[i * 7 % AGI_SIG_LEN] ^= 0x10;
		EXPECT_FALSE(agi_ed25519_verify(msg, mlen, pk, sig)) TH_LOG("%s", v->name);
		sig[i * 7 % AGI_SIG_LEN] ^= 0x10;
		if (mlen) {
			msg[mlen - 1] ^= 1;
			EXPECT_FALSE(agi_ed25519_verify(msg, mlen, pk, sig));
		}
		agi_key_wipe(&kp);
		free(seed);
		free(msg);
	}
}

/* ---- the body -------------------------------------------------------- */

static const char test1_seed[] =
	"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
static const char test2_seed[] =
	"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";

static void keypair_of(const char *seed_hex, struct agi_keypair *kp)
{
	uint8_t seed[AGI_SEED_LEN];

	agi_hex_decode(seed_hex, 64, seed, sizeof(seed));
	agi_key_from_seed(kp, seed);
}

/* Written out by hand from RFC 8949 4.2.1: shortest heads, keys sorted. */
static const char example_body_hex[] =
	"ab" "0102" "0201" "0301" "0448" "0102030405060708"
	"051a6553f100" "061a6553f13c"
	"0750" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"08a1" "021a01800000" "0900" "0a01" "0b00";

TEST(body_is_canonical)
{
	uint8_t buf[AGI_COMMIT_BODY_MAX], again[AGI_COMMIT_BODY_MAX];
	struct agi_commit c, d;
	size_t n, i;
	uint8_t *want;
	int len;

	example_commit(&c);
	want = unhex(example_body_hex, &n);
	ASSERT_NE(NULL, want);
	len = agi_commit_encode(&c, buf, sizeof(buf));
	ASSERT_EQ((int)n, len);
	ASSERT_EQ(0, memcmp(want, buf, n));
	free(want);

	/* Every change, negative values, 64-bit and 16-bit widths. */
	c.seq = 0x100000000ULL;
	c.epoch = 300;
	c.apply_at_cycle = 65536;
	c.changes.present = 0;
	for (i = 1; i < __AGI_CH_MAX; i++)
		c.changes.present |= AGI_CH_BIT(i);
	c.changes.n_setpoint = 3;
	c.changes.setpoint[0] = 0x40000000;
	c.changes.setpoint[1] = -1;
	c.changes.setpoint[2] = INT32_MIN;
	c.changes.ki = -25;
	c.changes.kd = -24;
	c.changes.lo = -256;
	c.changes.hi = 65535;
	c.changes.cycle_us = 50000;
	c.changes.deadline_us = 40000;
	c.changes.miss = AGISWARM_MISS_ZERO;
	c.changes.law = AGISWARM_LAW_PID;
	c.changes.matrix.fmt = AGISWARM_Q1_15;
	c.changes.matrix.rows = 2;
	c.changes.matrix.cols = 2;
	c.changes.matrix.data[0] = 0x4000;
	c.changes.matrix.data[1] = -0x8000;
	c.changes.matrix.data[2] = 1;
	c.changes.matrix.data[3] = 0;
	len = agi_commit_encode(&c, buf, sizeof(buf));
	ASSERT_GT(len, 0);
	ASSERT_EQ(0, agi_commit_decode(buf, (size_t)len, &d));
	ASSERT_EQ(0, memcmp(&c, &d, sizeof(c)));
	/* Re-encoding what was decoded gives the same bytes. */
	ASSERT_EQ(len, agi_commit_encode(&d, again, sizeof(again)));
	ASSERT_EQ(0, memcmp(buf, again, (size_t)len));
	/* The integers as RFC 8949 wants them, spotted in the bytes. */
	ASSERT_NE(NULL, memmem(buf, (size_t)len, "\x02\x1b\x00\x00\x00\x01\x00\x00\x00\x00", 10));
	ASSERT_NE(NULL, memmem(buf, (size_t)len, "\x03\x19\x01\x2c", 4));
	ASSERT_NE(NULL, memmem(buf, (size_t)len, "\x83\x1a\x40\x00\x00\x00\x20\x3a\x7f\xff\xff\xff", 12));
	ASSERT_NE(NULL, memmem(buf, (size_t)len, "\x03\x38\x18\x04\x37", 5));
	ASSERT_NE(NULL, memmem(buf, (size_t)len, "\x05\x38\xff\x06\x19\xff\xff", 7));
}

/* Each is the example body with one thing done the wrong way. */
static const char *const bad_bodies[] = {
	/* seq 1 in two bytes instead of one */
	"ab" "0102" "021801" "0301" "0448" "0102030405060708"
	"051a6553f100" "061a6553f13c" "0750" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"08a1" "021a01800000" "0900" "0a01" "0b00",
	/* epoch before seq */
	"ab" "0102" "0301" "0201" "0448" "0102030405060708"
	"051a6553f100" "061a6553f13c" "0750" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"08a1" "021a01800000" "0900" "0a01" "0b00",
	/* an indefinite-length map */
	"bf" "0102" "0201" "0301" "0448" "0102030405060708"
	"051a6553f100" "061a6553f13c" "0750" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"08a1" "021a01800000" "0900" "0a01" "0b00" "ff",
	/* an unknown change key 13 */
	"ab" "0102" "0201" "0301" "0448" "0102030405060708"
	"051a6553f100" "061a6553f13c" "0750" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"08a2" "021a01800000" "0d00" "0900" "0a01" "0b00",
	/* resume 0: a resume is 1 only */
	"ab" "0102" "0201" "0301" "0448" "0102030405060708"
	"051a6553f100" "061a6553f13c" "0750" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"08a2" "021a01800000" "0c00" "0900" "0a01" "0b00",
	/* resume true: a resume is the integer 1 only */
	"ab" "0102" "0201" "0301" "0448" "0102030405060708"
	"051a6553f100" "061a6553f13c" "0750" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"08a2" "021a01800000" "0cf5" "0900" "0a01" "0b00",
	/* no changes at all */
	"ab" "0102" "0201" "0301" "0448" "0102030405060708"
	"051a6553f100" "061a6553f13c" "0750" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"08a0" "0900" "0a01" "0b00",
	/* version 2 */
	"a9" "0102" "0201" "0301" "0448" "0102030405060708"
	"051a6553f100" "061a6553f13c" "0750" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"08a1" "021a01800000" "0900" "0a01" "0b00",
	/* a 7-byte key id */
	"ab" "0102" "0201" "0301" "0447" "01020304050607"
	"051a6553f100" "061a6553f13c" "0750" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"08a1" "021a01800000" "0900" "0a01" "0b00",
	/* the node missing */
	"aa" "0102" "0201" "0301" "0448" "0102030405060708"
	"051a6553f100" "061a6553f13c" "0750" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"08a1" "021a01800000" "0900" "0a01",
	/* swarm 0 */
	"ab" "0102" "0201" "0301" "0448" "0102030405060708"
	"051a6553f100" "061a6553f13c" "0750" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"08a1" "021a01800000" "0900" "0a00" "0b00",
	/* kp above s32 */
	"ab" "0102" "0201" "0301" "0448" "0102030405060708"
	"051a6553f100" "061a6553f13c" "0750" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"08a1" "021a80000000" "0900" "0a01" "0b00",
	/* a trailing byte */
	"ab" "0102" "0201" "0301" "0448" "0102030405060708"
	"051a6553f100" "061a6553f13c" "0750" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"08a1" "021a01800000" "0900" "0a01" "0b00" "00",
};

TEST(body_refused_unless_canonical)
{
	struct agi_commit c;
	uint8_t *b;
	size_t i, n;

	b = unhex(example_body_hex, &n);
	ASSERT_NE(NULL, b);
	ASSERT_EQ(0, agi_commit_decode(b, n, &c));
	ASSERT_EQ(0x01800000, c.changes.kp);
	ASSERT_EQ(1700000060, c.not_after);
	free(b);
	for (i = 0; i < ARRAY_SIZE(bad_bodies); i++) {
		b = unhex(bad_bodies[i], &n);
		ASSERT_NE(NULL, b);
		EXPECT_EQ(-EBADMSG, agi_commit_decode(b, n, &c)) TH_LOG("bad body %zu", i);
		free(b);
	}
}

/* A resume alone, by hand: changes {12: 1}. */
static const char resume_body_hex[] =
	"ab" "0102" "0201" "0301" "0448" "0102030405060708"
	"051a6553f100" "061a6553f13c"
	"0750" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"08a1" "0c01" "0900" "0a01" "0b00";

TEST(resume_is_a_signed_change)
{
	uint8_t buf[AGI_COMMIT_BODY_MAX];
	struct agi_node_req r;
	struct agi_commit c;
	uint8_t *want;
	size_t n;
	int len;

	example_commit(&c);
	c.changes.present = AGI_CH_BIT(AGI_CH_RESUME);
	want = unhex(resume_body_hex, &n);
	ASSERT_NE(NULL, want);
	len = agi_commit_encode(&c, buf, sizeof(buf));
	ASSERT_EQ((int)n, len);
	ASSERT_EQ(0, memcmp(want, buf, n));
	memset(&c, 0, sizeof(c));
	ASSERT_EQ(0, agi_commit_decode(want, n, &c));
	free(want);
	EXPECT_EQ(AGI_CH_BIT(AGI_CH_RESUME), c.changes.present);
	/* It becomes a SET_NODE that ends the emergency stop. */
	agi_commit_node_req(&c.changes, &r);
	EXPECT_EQ(AGI_NODE_ESTOP, r.present);
	EXPECT_EQ(0, r.estop);
}

TEST(encoder_refuses_what_no_daemon_applies)
{
	uint8_t buf[AGI_COMMIT_BODY_MAX];
	struct agi_commit c;

	example_commit(&c);
	c.changes.present = 0;
	EXPECT_EQ(-EINVAL, agi_commit_encode(&c, buf, sizeof(buf)));
	example_commit(&c);
	c.changes.present |= AGI_CH_BIT(AGI_CH_LO) | AGI_CH_BIT(AGI_CH_HI);
	c.changes.lo = 5;
	c.changes.hi = 4;
	EXPECT_EQ(-EINVAL, agi_commit_encode(&c, buf, sizeof(buf)));
	example_commit(&c);
	c.changes.present |= AGI_CH_BIT(AGI_CH_CYCLE_US) | AGI_CH_BIT(AGI_CH_DEADLINE_US);
	c.changes.cycle_us = 1000;
	c.changes.deadline_us = 1001;
	EXPECT_EQ(-EINVAL, agi_commit_encode(&c, buf, sizeof(buf)));
	example_commit(&c);
	c.changes.present = AGI_CH_BIT(AGI_CH_MATRIX);
	c.changes.matrix.fmt = AGISWARM_Q1_15;
	c.changes.matrix.rows = 1;
	c.changes.matrix.cols = 1;
	c.changes.matrix.data[0] = 0x8000;	/* not a Q1.15 value */
	EXPECT_EQ(-EINVAL, agi_commit_encode(&c, buf, sizeof(buf)));
	/* The largest matrix that fits a datagram does not fit with its body. */
	c.changes.matrix.fmt = AGISWARM_Q1_31;
	c.changes.matrix.rows = 1;
	c.changes.matrix.cols = AGI_COMMIT_MATRIX_MAX;
	EXPECT_EQ(-EMSGSIZE, agi_commit_encode(&c, buf, sizeof(buf)));
	c.changes.matrix.cols = AGI_COMMIT_MATRIX_MAX - 40;
	EXPECT_GT(agi_commit_encode(&c, buf, sizeof(buf)), 0);
}

/* ---- verification ---------------------------------------------------- */

FIXTURE(verify)
{
	struct agi_keypair op, stranger;
	struct agi_keyring kr;
	struct agi_verify_ctx ctx;
	struct agi_commit c;
	uint8_t body[AGI_COMMIT_BODY_MAX];
	size_t len;
	uint8_t sig[AGI_SIG_LEN];
	char reason[AGI_REASON_MAX];
};

FIXTURE_SETUP(verify)
{
	ASSERT_EQ(0, agi_keys_init());
	keypair_of(test1_seed, &self->op);
	keypair_of(test2_seed, &self->stranger);
	memset(&self->kr, 0, sizeof(self->kr));
	memcpy(self->kr.keys[0].pk, self->op.pk, AGI_PK_LEN);
	agi_key_id(self->op.pk, self->kr.keys[0].id);
	self->kr.n = 1;
	self->ctx = (struct agi_verify_ctx){ .keys = &self->kr, .epoch = 3,
		.last_seq = 10, .now = 1700000030, .max_window = 300,
		.swarm = 1, .node = 4 };
	example_commit(&self->c);
	self->c.seq = 11;
	self->c.epoch = 3;
	agi_key_id(self->op.pk, self->c.key_id);
}

FIXTURE_TEARDOWN(verify)
{
	agi_key_wipe(&self->op);
	agi_key_wipe(&self->stranger);
}

/* Encodes self->c and signs it with @kp. */
static int seal(FIXTURE_DATA(verify) *self, const struct agi_keypair *kp)
{
	int n = agi_commit_encode(&self->c, self->body, sizeof(self->body));

	if (n < 0)
		return n;
	self->len = (size_t)n;
	agi_commit_sign(self->body, self->len, kp->sk, self->sig);
	return 0;
}

static enum agi_verdict check(FIXTURE_DATA(verify) *self)
{
	return agi_commit_verify(&self->ctx, self->body, self->len, self->sig,
				 NULL, self->reason);
}

/* security.require_signatures false: who signed is not checked, the rest is. */
TEST_F(verify, signatures_off_checks_all_but_the_signer)
{
	self->ctx.skip_signature = true;
	ASSERT_EQ(0, seal(self, &self->stranger));
	ASSERT_EQ(AGI_V_OK, check(self));
	memset(self->sig, 0, sizeof(self->sig));
	ASSERT_EQ(AGI_V_OK, check(self));
	self->ctx.keys = &(struct agi_keyring){ 0 };
	ASSERT_EQ(AGI_V_OK, check(self));
	self->ctx.last_seq = 11;
	ASSERT_EQ(AGI_V_REPLAYED, check(self));
	self->ctx.last_seq = 10;
	self->ctx.epoch = 4;
	ASSERT_EQ(AGI_V_EPOCH, check(self));
	self->ctx.epoch = 3;
	self->ctx.now = self->c.not_after + 1;
	ASSERT_EQ(AGI_V_STALE, check(self));
	self->ctx.now = self->c.not_before;
	self->len = 1;
	ASSERT_EQ(AGI_V_MALFORMED, check(self));
	ASSERT_STREQ("malformed commit", self->reason);
}

/* A commit names its swarm (and maybe its node): elsewhere it is refused. */
TEST_F(verify, other_target_refused)
{
	self->c.swarm = 2;
	ASSERT_EQ(0, seal(self, &self->op));
	ASSERT_EQ(AGI_V_TARGET, check(self));
	ASSERT_STREQ("commit for swarm 2 node 0, this is swarm 1 node 4",
		     self->reason);
	self->c.swarm = 1;
	self->c.node = 5;
	ASSERT_EQ(0, seal(self, &self->op));
	ASSERT_EQ(AGI_V_TARGET, check(self));
	ASSERT_STREQ("commit for swarm 1 node 5, this is swarm 1 node 4",
		     self->reason);
	self->c.node = 4;
	ASSERT_EQ(0, seal(self, &self->op));
	ASSERT_EQ(AGI_V_OK, check(self));
}

/* Seq 2^64 - 1 once blocked every later commit; now it cannot be used. */
TEST_F(verify, seq_jump_refused)
{
	self->c.seq = UINT64_MAX;
	ASSERT_EQ(0, seal(self, &self->op));
	ASSERT_EQ(AGI_V_SEQ_JUMP, check(self));
	ASSERT_STREQ("seq 18446744073709551615 is more than 86400000 past 1700000030000 (the larger of the last applied seq and the clock in ms)",
		     self->reason);
	self->c.seq = 1700000030000ULL + AGI_COMMIT_SEQ_WINDOW + 1;
	ASSERT_EQ(0, seal(self, &self->op));
	ASSERT_EQ(AGI_V_SEQ_JUMP, check(self));
	/* agictl's default seq, the clock in ms, is inside the window. */
	self->c.seq = 1700000030000ULL + AGI_COMMIT_SEQ_WINDOW;
	ASSERT_EQ(0, seal(self, &self->op));
	ASSERT_EQ(AGI_V_OK, check(self));
}

TEST_F(verify, valid_commit_accepted)
{
	struct agi_commit got;

	ASSERT_EQ(0, seal(self, &self->op));
	ASSERT_EQ(AGI_V_OK, agi_commit_verify(&self->ctx, self->body, self->len,
					      self->sig, &got, self->reason));
	ASSERT_STREQ("", self->reason);
	ASSERT_EQ(11, got.seq);
	ASSERT_EQ(0x01800000, got.changes.kp);
	/* The window's edges are inside it. */
	self->ctx.now = self->c.not_before;
	ASSERT_EQ(AGI_V_OK, check(self));
	self->ctx.now = self->c.not_after;
	ASSERT_EQ(AGI_V_OK, check(self));
}

TEST_F(verify, forged_body_or_signature)
{
	size_t nonce;

	ASSERT_EQ(0, seal(self, &self->op));
	/* A bit of the nonce: still a well-formed commit, not the one signed. */
	nonce = (size_t)((uint8_t *)memmem(self->body, self->len, "\x07\x50", 2) - self->body) + 2;
	self->body[nonce + 3] ^= 0x04;
	ASSERT_EQ(AGI_V_BAD_SIGNATURE, check(self));
	ASSERT_STREQ("bad signature", self->reason);
	self->body[nonce + 3] ^= 0x04;
	ASSERT_EQ(AGI_V_OK, check(self));
	self->sig[40] ^= 0x80;
	ASSERT_EQ(AGI_V_BAD_SIGNATURE, check(self));
	ASSERT_STREQ("bad signature", self->reason);
	self->sig[40] ^= 0x80;
	/* The same body signed without the domain prefix is not a commit. */
	agi_ed25519_sign(self->body, self->len, self->op.sk, self->sig);
	ASSERT_EQ(AGI_V_BAD_SIGNATURE, check(self));
	/* A bit that breaks the CBOR. */
	ASSERT_EQ(0, seal(self, &self->op));
	self->body[0] ^= 0x20;
	ASSERT_EQ(AGI_V_MALFORMED, check(self));
	ASSERT_STREQ("malformed commit", self->reason);
}

TEST_F(verify, unknown_key)
{
	char want[64], id[AGI_KEYID_HEX_LEN];

	/* The stranger names its own key: it is not authorized. */
	agi_key_id(self->stranger.pk, self->c.key_id);
	ASSERT_EQ(0, seal(self, &self->stranger));
	ASSERT_EQ(AGI_V_UNKNOWN_KEY, check(self));
	agi_key_id_hex(self->c.key_id, id);
	snprintf(want, sizeof(want), "unknown key %s", id);
	ASSERT_STREQ(want, self->reason);
	/* Or the operator's: the signature gives it away. */
	agi_key_id(self->op.pk, self->c.key_id);
	ASSERT_EQ(0, seal(self, &self->stranger));
	ASSERT_EQ(AGI_V_BAD_SIGNATURE, check(self));
}

TEST_F(verify, stale_and_too_long)
{
	ASSERT_EQ(0, seal(self, &self->op));
	self->ctx.now = 1700000061;
	ASSERT_EQ(AGI_V_STALE, check(self));
	ASSERT_STREQ("stale: window 1700000000..1700000060 does not contain now 1700000061",
		     self->reason);
	self->ctx.now = 1699999999;
	ASSERT_EQ(AGI_V_STALE, check(self));
	ASSERT_STREQ("stale: window 1700000000..1700000060 does not contain now 1699999999",
		     self->reason);
	self->ctx.now = 1700000030;
	self->c.not_after = 1700000301;
	ASSERT_EQ(0, seal(self, &self->op));
	ASSERT_EQ(AGI_V_WINDOW_TOO_LONG, check(self));
	ASSERT_STREQ("window too long: 1700000000..1700000301 is 301 s, at most 300 s",
		     self->reason);
	self->c.not_after = 1700000300;
	ASSERT_EQ(0, seal(self, &self->op));
	ASSERT_EQ(AGI_V_OK, check(self));
}

TEST_F(verify, wrong_epoch)
{
	self->c.epoch = 2;
	ASSERT_EQ(0, seal(self, &self->op));
	ASSERT_EQ(AGI_V_EPOCH, check(self));
	ASSERT_STREQ("epoch 2 is not the current epoch 3", self->reason);
}

TEST_F(verify, replayed)
{
	ASSERT_EQ(0, seal(self, &self->op));
	ASSERT_EQ(AGI_V_OK, check(self));
	/* Once applied, the very same datagram is a replay. */
	self->ctx.last_seq = 11;
	ASSERT_EQ(AGI_V_REPLAYED, check(self));
	ASSERT_STREQ("replayed: seq 11 is not above the last applied 11",
		     self->reason);
	self->c.seq = 4;
	ASSERT_EQ(0, seal(self, &self->op));
	ASSERT_EQ(AGI_V_REPLAYED, check(self));
	ASSERT_STREQ("replayed: seq 4 is not above the last applied 11",
		     self->reason);
}

TEST_F(verify, first_failure_wins)
{
	/* Stale, wrong epoch and replayed at once: stale comes first. */
	self->c.epoch = 9;
	self->c.seq = 1;
	ASSERT_EQ(0, seal(self, &self->op));
	self->ctx.now = 1800000000;
	ASSERT_EQ(AGI_V_STALE, check(self));
	self->ctx.now = 1700000030;
	ASSERT_EQ(AGI_V_EPOCH, check(self));
	self->c.epoch = 3;
	ASSERT_EQ(0, seal(self, &self->op));
	ASSERT_EQ(AGI_V_REPLAYED, check(self));
	/* An unknown key is reported before its bad signature. */
	agi_key_id(self->stranger.pk, self->c.key_id);
	ASSERT_EQ(0, seal(self, &self->op));
	ASSERT_EQ(AGI_V_UNKNOWN_KEY, check(self));
}

TEST_F(verify, datagrams_round_trip)
{
	uint8_t dgram[AGISWARM_WIRE_MAX], body[AGI_COMMIT_BODY_MAX];
	uint8_t sig[AGI_SIG_LEN];
	struct agi_commit_ack ack = { .seq = 5, .status = AGI_COMMIT_REJECTED,
		.reason = "bad signature" }, back;
	uint8_t *want;
	size_t blen;
	int n;

	ASSERT_EQ(0, seal(self, &self->op));
	n = agi_commit_dgram_encode(self->body, self->len, self->sig, dgram,
				    sizeof(dgram));
	ASSERT_GT(n, 0);
	ASSERT_EQ(AGISWARM_WIRE_VERSION, dgram[0]);
	ASSERT_EQ(AGISWARM_MSG_COMMIT, dgram[1]);
	ASSERT_EQ(n - 4, dgram[2] << 8 | dgram[3]);
	ASSERT_EQ(0, agi_commit_dgram_decode(dgram, (size_t)n, body, &blen, sig));
	ASSERT_EQ(self->len, blen);
	ASSERT_EQ(0, memcmp(self->body, body, blen));
	ASSERT_EQ(0, memcmp(self->sig, sig, sizeof(sig)));
	ASSERT_EQ(AGI_V_OK, agi_commit_verify(&self->ctx, body, blen, sig, NULL,
					      self->reason));
	/* Cut short, or of another type: refused. */
	ASSERT_EQ(-EBADMSG, agi_commit_dgram_decode(dgram, (size_t)n - 1, body,
						    &blen, sig));
	dgram[1] = AGISWARM_MSG_COMMIT_ACK;
	ASSERT_EQ(-EBADMSG, agi_commit_dgram_decode(dgram, (size_t)n, body,
						    &blen, sig));

	n = agi_commit_ack_encode(&ack, dgram, sizeof(dgram));
	ASSERT_GT(n, 0);
	/* As include/uapi/linux/agiswarm.h shows it. */
	want = unhex("010a0016a40105020103" "6d626164207369676e6174757265" "0400",
		     &blen);
	ASSERT_NE(NULL, want);
	ASSERT_EQ(blen, n);
	ASSERT_EQ(0, memcmp(want, dgram, blen));
	free(want);
	ASSERT_EQ(AGISWARM_MSG_COMMIT_ACK, dgram[1]);
	ASSERT_EQ(0, agi_commit_ack_decode(dgram, (size_t)n, &back));
	ASSERT_EQ(5, back.seq);
	ASSERT_EQ(AGI_COMMIT_REJECTED, back.status);
	ASSERT_STREQ("bad signature", back.reason);
	ASSERT_EQ(0, back.apply_at_cycle);
}

/* ---- key files ------------------------------------------------------- */

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_rf(const char *dir)
{
	nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

FIXTURE(files)
{
	char dir[64];
	char a[128], b[128], c[128];
	char err[512];
};

FIXTURE_SETUP(files)
{
	strcpy(self->dir, "/tmp/poa_test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->a, sizeof(self->a), "%s/operator.key", self->dir);
	snprintf(self->b, sizeof(self->b), "%s/operator.pub", self->dir);
	snprintf(self->c, sizeof(self->c), "%s/authorized_keys", self->dir);
	ASSERT_EQ(0, agi_keys_init());
}

FIXTURE_TEARDOWN(files)
{
	rm_rf(self->dir);
}

TEST_F(files, key_files_round_trip)
{
	struct agi_keypair kp, back;
	uint8_t pk[AGI_PK_LEN];
	struct stat st;

	ASSERT_EQ(0, agi_key_generate(&kp));
	ASSERT_EQ(0, agi_key_write_private(self->a, &kp, false, self->err,
					   sizeof(self->err)));
	ASSERT_EQ(0, agi_key_write_public(self->b, kp.pk, false, self->err,
					  sizeof(self->err)));
	ASSERT_EQ(0, stat(self->a, &st));
	ASSERT_EQ(0600, st.st_mode & 07777);
	ASSERT_EQ(0, agi_key_read_private(self->a, &back, self->err,
					  sizeof(self->err)));
	ASSERT_EQ(0, memcmp(&kp, &back, sizeof(kp)));
	ASSERT_EQ(0, agi_key_read_public(self->b, pk, self->err,
					 sizeof(self->err)));
	ASSERT_EQ(0, memcmp(kp.pk, pk, sizeof(pk)));
	/* Never overwritten without force. */
	ASSERT_EQ(-EEXIST, agi_key_write_private(self->a, &kp, false, self->err,
						 sizeof(self->err)));
	ASSERT_NE(NULL, strstr(self->err, "--force"));
	ASSERT_EQ(0, agi_key_write_private(self->a, &kp, true, self->err,
					   sizeof(self->err)));
	agi_key_wipe(&kp);
	agi_key_wipe(&back);
}

TEST_F(files, private_key_mode_refused)
{
	struct agi_keypair kp;
	char want[512];

	keypair_of(test1_seed, &kp);
	ASSERT_EQ(0, agi_key_write_private(self->a, &kp, false, self->err,
					   sizeof(self->err)));
	ASSERT_EQ(0, chmod(self->a, 0644));
	ASSERT_EQ(-EACCES, agi_key_read_private(self->a, &kp, self->err,
						sizeof(self->err)));
	snprintf(want, sizeof(want), "%s: mode 0644 is too open; chmod 600 %s",
		 self->a, self->a);
	ASSERT_STREQ(want, self->err);
	ASSERT_EQ(0, chmod(self->a, 0640));
	ASSERT_EQ(-EACCES, agi_key_read_private(self->a, &kp, self->err,
						sizeof(self->err)));
	ASSERT_EQ(0, chmod(self->a, 0400));
	ASSERT_EQ(0, agi_key_read_private(self->a, &kp, self->err,
					  sizeof(self->err)));
	/* Not a key. */
	write_text(self->b, "d75a98\n");
	ASSERT_EQ(-EINVAL, agi_key_read_public(self->b, kp.pk, self->err,
					       sizeof(self->err)));
	ASSERT_NE(NULL, strstr(self->err, "operator.pub:1: expected 64 hex digits"));
	agi_key_wipe(&kp);
}

TEST_F(files, authorized_keys)
{
	struct agi_keypair op;
	struct agi_keyring kr;
	char want[256];

	keypair_of(test1_seed, &op);
	write_text(self->c,
		   "# operators\n"
		   "\n"
		   "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a alice\n"
		   "  3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c\n");
	ASSERT_EQ(0, agi_keyring_load(self->c, &kr, self->err, sizeof(self->err)));
	ASSERT_EQ(2, kr.n);
	ASSERT_STREQ("alice", kr.keys[0].name);
	ASSERT_EQ(3, kr.keys[0].line);
	ASSERT_STREQ("", kr.keys[1].name);
	agi_key_id(op.pk, op.sk);	/* scratch: the id of TEST 1's key */
	ASSERT_EQ(&kr.keys[0], agi_keyring_find(&kr, op.sk));

	write_text(self->c,
		   "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a alice\n"
		   "# bob\n"
		   "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660 bob\n");
	ASSERT_EQ(-EINVAL, agi_keyring_load(self->c, &kr, self->err, sizeof(self->err)));
	snprintf(want, sizeof(want), "%s:3: expected", self->c);
	ASSERT_EQ(0, strncmp(want, self->err, strlen(want))) TH_LOG("%s", self->err);

	write_text(self->c,
		   "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a alice\n"
		   "D75A980182B10AB7D54BFED3C964073A0EE172F3DAA62325AF021A68F707511A again\n");
	ASSERT_EQ(-EEXIST, agi_keyring_load(self->c, &kr, self->err, sizeof(self->err)));
	snprintf(want, sizeof(want), "%s:2: key ", self->c);
	ASSERT_EQ(0, strncmp(want, self->err, strlen(want))) TH_LOG("%s", self->err);
	ASSERT_NE(NULL, strstr(self->err, "already on line 1"));
	agi_key_wipe(&op);
}
TEST_HARNESS_MAIN
