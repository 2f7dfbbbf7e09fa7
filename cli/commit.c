// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agictl commit: a signed change of the control plane. The operator names
 * settings; agictl shows what will change, asks, signs the canonical body
 * with the operator's key and sends the COMMIT datagram to an aggregator,
 * then waits for its COMMIT_ACK. With --dry-run the signed datagram goes
 * to a file instead (air-gapped signing, tests).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#include "core/fixed.h"
#include "user/commit.h"
#include "user/hs_udp.h"
#include "user/msg.h"
#include "user/keys.h"
#include "user/matrix_json.h"
#include "user/names.h"
#include "agictl.h"

#define ACK_TIMEOUT_MS 5000
/* Operator and daemon clocks differ a little: the window opens earlier. */
#define CLOCK_SLACK_S 10

struct commit_opts {
	char key[PATH_MAX];
	const char *to, *out;
	bool yes, dry_run;
	uint64_t epoch, seq, apply_at, swarm;
	uint32_t window_s, node;
	const char *peer_key;		/* the aggregator's node.pub: sealed */
	struct agi_keypair kp;		/* the operator's, for the handshake */
	uint8_t peer[AGI_PK_LEN];
};

static void commit_usage(void)
{
	printf("Usage: agictl [-j] commit [ OPTIONS ] SETTING [ SETTING ]...\n"
	       "SETTING := { setpoint V[,V...] | kp V | ki V | kd V | lo V | hi V |\n"
	       "             cycle DURATION | deadline DURATION | miss { hold | zero } |\n"
	       "             law { feedback | pid } | matrix FILE.json | resume }\n"
	       "OPTIONS := { --key FILE | --to HOST[:PORT] | --yes | --epoch E |\n"
	       "             --seq N | --window DURATION | --apply-at CYCLE |\n"
	       "             --swarm ID | --node ID | --dry-run --out FILE |\n"
	       "             --peer-key PUBKEY|FILE }\n"
	       "Shows the changes, asks \"Sign and send? [y/N]\" (on a terminal;\n"
	       "without one --yes is required), signs them with the operator's key\n"
	       "(--key, default ~/" AGICTL_KEY_DIR "/" AGICTL_KEY_PRIVATE ") and sends the\n"
	       "COMMIT to HOST:PORT (default 127.0.0.1:%d), then waits up to 5 s\n"
	       "for the daemon's verdict: exit 0 accepted, 1 rejected (the reason\n"
	       "is printed) or no answer.\n"
	       "  kp, ki, kd   decimals, Q8.24; setpoint, lo, hi: decimals, Q1.31\n"
	       "  cycle, deadline  \"50ms\", \"500us\", \"1s\" (bare numbers are ms)\n"
	       "  matrix       the seeds' JSON, as \"agictl matrix check\" reads it\n"
	       "  resume       end the emergency stop (\"agictl node estop\") at the\n"
	       "               commit's cycle: the signed way to resume, required\n"
	       "               while the daemon has security.require_signatures\n"
	       "  --seq        default: the current unix time in milliseconds\n"
	       "  --epoch      the epoch the daemon is in (default 1)\n"
	       "  --window     how long the signature is good for (default 60s;\n"
	       "               the daemon refuses more than security.commit_window_s)\n"
	       "  --apply-at   the cycle it takes effect at (default: the daemon's\n"
	       "               choice); signed: a daemon past that cycle, or more\n"
	       "               than 1000000 cycles before it, refuses the commit\n"
	       "  --swarm      the swarm it is for, security.swarm_id (default 1)\n"
	       "  --node       the aggregator's node id it is for (default 0: any\n"
	       "               aggregator of the swarm)\n"
	       "  --dry-run    write the signed datagram to --out FILE, send nothing\n"

	       "  --peer-key   the aggregator's node key (its node.pub, or the file):\n"
	       "               a handshake with it first (signed with --key, which\n"
	       "               must be in its authorized_keys), then the COMMIT and\n"
	       "               its answer travel sealed\n",
	       AGISWARM_DEFAULT_PORT);
}

/* --- what a change looks like --------------------------------------- */

static void print_fixed(const char *key, s32 raw, enum agiswarm_qformat fmt)
{
	char dec[64], fmt_text[32];

	agi_q_to_decimal(raw, fmt, dec, sizeof(dec));
	snprintf(fmt_text, sizeof(fmt_text), " %s %%s", key);
	agi_print_number(AGI_PRINT_ANY, key, fmt_text, dec);
}

static void print_duration(const char *key, const char *name, uint32_t us)
{
	char text[32], fmt_text[80];

	if (us % 1000)
		snprintf(text, sizeof(text), "%uus", us);
	else
		snprintf(text, sizeof(text), "%ums", us / 1000);
	snprintf(fmt_text, sizeof(fmt_text), " %s %s", name, text);
	agi_print_u64(AGI_PRINT_ANY, key, fmt_text, us);
}

static void print_setpoint(const struct agi_commit_changes *ch)
{
	char dec[64];
	uint32_t i;

	agi_print_text(" setpoint ");
	agi_open_array("setpoint");
	for (i = 0; i < ch->n_setpoint; i++) {
		agi_q_to_decimal(ch->setpoint[i], AGISWARM_Q1_31, dec, sizeof(dec));
		agi_print_number(AGI_PRINT_ANY, NULL, i ? ",%s" : "%s", dec);
	}
	agi_close_array();
}

static void print_matrix(const struct agi_commit_changes *ch)
{
	const struct agi_qinfo *q = agi_q_info(ch->matrix.fmt);
	uint32_t i, n = ch->matrix.rows * ch->matrix.cols;
	char dec[64];

	agi_print_text(" matrix %ux%u", ch->matrix.rows, ch->matrix.cols);
	agi_open_object("matrix");
	agi_print_string(AGI_PRINT_ANY, "format", " %s", q ? q->name : "?");
	agi_print_u64(AGI_PRINT_JSON, "rows", NULL, ch->matrix.rows);
	agi_print_u64(AGI_PRINT_JSON, "cols", NULL, ch->matrix.cols);
	agi_open_array("values");
	for (i = 0; i < n && agi_print_is_json(); i++) {
		agi_q_to_decimal(ch->matrix.data[i], ch->matrix.fmt, dec,
				 sizeof(dec));
		agi_print_number(AGI_PRINT_JSON, NULL, NULL, dec);
	}
	agi_close_array();
	agi_close_object();
}

void agictl_print_changes(const struct agi_commit_changes *ch)
{
	uint32_t p = ch->present;

	agi_open_object("changes");
	if (p & AGI_CH_BIT(AGI_CH_SETPOINT))
		print_setpoint(ch);
	if (p & AGI_CH_BIT(AGI_CH_KP))
		print_fixed("kp", ch->kp, AGISWARM_Q8_24);
	if (p & AGI_CH_BIT(AGI_CH_KI))
		print_fixed("ki", ch->ki, AGISWARM_Q8_24);
	if (p & AGI_CH_BIT(AGI_CH_KD))
		print_fixed("kd", ch->kd, AGISWARM_Q8_24);
	if (p & AGI_CH_BIT(AGI_CH_LO))
		print_fixed("lo", ch->lo, AGISWARM_Q1_31);
	if (p & AGI_CH_BIT(AGI_CH_HI))
		print_fixed("hi", ch->hi, AGISWARM_Q1_31);
	if (p & AGI_CH_BIT(AGI_CH_CYCLE_US))
		print_duration("cycle_us", "cycle", ch->cycle_us);
	if (p & AGI_CH_BIT(AGI_CH_DEADLINE_US))
		print_duration("deadline_us", "deadline", ch->deadline_us);
	if (p & AGI_CH_BIT(AGI_CH_MISS))
		agi_print_string(AGI_PRINT_ANY, "miss", " miss %s",
				 agi_name(&agi_miss_names, ch->miss));
	if (p & AGI_CH_BIT(AGI_CH_LAW))
		agi_print_string(AGI_PRINT_ANY, "law", " law %s",
				 agi_name(&agi_law_names, ch->law));
	if (p & AGI_CH_BIT(AGI_CH_MATRIX))
		print_matrix(ch);
	if (p & AGI_CH_BIT(AGI_CH_RESUME)) {
		agi_print_bool(AGI_PRINT_JSON, "resume", NULL, true);
		agi_print_text(" resume");
	}
	agi_close_object();
}

/* --- settings from the command line --------------------------------- */

static const struct {
	const char *name;
	enum agi_change_key key;
} settings[] = {
	{ "setpoint", AGI_CH_SETPOINT }, { "kp", AGI_CH_KP },
	{ "ki", AGI_CH_KI }, { "kd", AGI_CH_KD }, { "lo", AGI_CH_LO },
	{ "hi", AGI_CH_HI }, { "cycle", AGI_CH_CYCLE_US },
	{ "deadline", AGI_CH_DEADLINE_US }, { "miss", AGI_CH_MISS },
	{ "law", AGI_CH_LAW }, { "matrix", AGI_CH_MATRIX },
	{ "resume", AGI_CH_RESUME },	/* takes no value */
};

static int parse_fixed(const char *name, const char *val,
		       enum agiswarm_qformat fmt, s32 *out)
{
	char action[32];
	uint32_t n;
	s32 *v;
	int ret;

	snprintf(action, sizeof(action), "commit %s", name);
	ret = agictl_parse_list(action, val, fmt, false, 1, &v, &n);
	if (ret)
		return ret;
	*out = v[0];
	free(v);
	return AGICTL_OK;
}

static int parse_setpoint(const char *val, struct agi_commit_changes *ch)
{
	uint32_t n;
	s32 *v;
	int ret;

	ret = agictl_parse_list("commit setpoint", val, AGISWARM_Q1_31, false,
			     AGI_COMMIT_SETPOINT_MAX, &v, &n);
	if (ret)
		return ret;
	memcpy(ch->setpoint, v, n * sizeof(*v));
	ch->n_setpoint = n;
	free(v);
	return AGICTL_OK;
}

static int parse_matrix(const char *file, struct agi_commit_changes *ch)
{
	struct agi_matrix m;
	char err[1024];
	size_t n;

	if (agi_matrix_read(file, NULL, &m, err, sizeof(err)))
		return agictl_fail("commit matrix failed: %s", err);
	n = (size_t)m.rows * m.cols;
	if (n > AGI_COMMIT_MATRIX_MAX) {
		agi_matrix_free(&m);
		return agictl_usage_error("commit matrix: %s is %ux%u, more than the %d values one commit carries",
					  file, m.rows, m.cols,
					  AGI_COMMIT_MATRIX_MAX);
	}
	ch->matrix.fmt = (uint8_t)m.fmt;
	ch->matrix.rows = m.rows;
	ch->matrix.cols = m.cols;
	memcpy(ch->matrix.data, m.data, n * sizeof(*m.data));
	agi_matrix_free(&m);
	return AGICTL_OK;
}

/* One of the two words of @t ("hold or zero", "feedback or pid"). */
static int parse_choice(const char *name, const char *val,
			const struct agi_names *t, uint8_t *out)
{
	int v = agi_name_find(t, val);

	if (v < 0)
		return agictl_usage_error("commit %s: \"%s\" is not %s or %s",
					  name, val, t->name[0], t->name[1]);
	*out = (uint8_t)v;
	return AGICTL_OK;
}

static int parse_duration(const char *name, const char *val, uint32_t *us)
{
	if (agi_parse_duration_us(val, us) || !*us)
		return agictl_usage_error("commit %s: bad duration \"%s\" (like 50ms, 500us, 1s)",
					  name, val);
	return AGICTL_OK;
}

static int parse_setting(int key, const char *name, const char *val,
			 struct agi_commit_changes *ch)
{
	switch (key) {
	case AGI_CH_SETPOINT:
		return parse_setpoint(val, ch);
	case AGI_CH_KP:
		return parse_fixed(name, val, AGISWARM_Q8_24, &ch->kp);
	case AGI_CH_KI:
		return parse_fixed(name, val, AGISWARM_Q8_24, &ch->ki);
	case AGI_CH_KD:
		return parse_fixed(name, val, AGISWARM_Q8_24, &ch->kd);
	case AGI_CH_LO:
		return parse_fixed(name, val, AGISWARM_Q1_31, &ch->lo);
	case AGI_CH_HI:
		return parse_fixed(name, val, AGISWARM_Q1_31, &ch->hi);
	case AGI_CH_CYCLE_US:
		return parse_duration(name, val, &ch->cycle_us);
	case AGI_CH_DEADLINE_US:
		return parse_duration(name, val, &ch->deadline_us);
	case AGI_CH_MISS:
		return parse_choice(name, val, &agi_miss_names, &ch->miss);
	case AGI_CH_LAW:
		return parse_choice(name, val, &agi_law_names, &ch->law);
	}
	return parse_matrix(val, ch);
}

static int parse_settings(int argc, char **argv, struct agi_commit_changes *ch)
{
	size_t i;
	int a, ret;

	if (argc == 0)
		return agictl_usage_error("commit: nothing to change, try \"agictl commit help\"");
	for (a = 0; a < argc; a += 2) {
		for (i = 0; i < ARRAY_SIZE(settings); i++)
			if (!strcmp(argv[a], settings[i].name))
				break;
		if (i == ARRAY_SIZE(settings))
			return agictl_usage_error("commit: unknown setting \"%s\", try \"agictl commit help\"",
						  argv[a]);
		if (settings[i].key == AGI_CH_RESUME) {
			if (ch->present & AGI_CH_BIT(AGI_CH_RESUME))
				return agictl_usage_error("commit: resume given twice");
			ch->present |= AGI_CH_BIT(AGI_CH_RESUME);
			a--;	/* no value */
			continue;
		}
		if (a + 1 == argc)
			return agictl_usage_error("commit: %s needs a value", argv[a]);
		if (ch->present & AGI_CH_BIT(settings[i].key))
			return agictl_usage_error("commit: %s given twice", argv[a]);
		ret = parse_setting(settings[i].key, argv[a], argv[a + 1], ch);
		if (ret)
			return ret;
		ch->present |= AGI_CH_BIT(settings[i].key);
	}
	return AGICTL_OK;
}

/* --- options ---------------------------------------------------------- */

static int parse_opts(int argc, char **argv, struct commit_opts *o)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "to", required_argument, NULL, 't' },
		{ "yes", no_argument, NULL, 'y' },
		{ "epoch", required_argument, NULL, 'e' },
		{ "seq", required_argument, NULL, 's' },
		{ "window", required_argument, NULL, 'w' },
		{ "apply-at", required_argument, NULL, 'a' },
		{ "swarm", required_argument, NULL, 'S' },
		{ "node", required_argument, NULL, 'N' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "out", required_argument, NULL, 'o' },
		{ "peer-key", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	uint32_t us;
	int c;

	optind = 0;	/* glibc: start over, after main()'s own parsing */
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			snprintf(o->key, sizeof(o->key), "%s", optarg);
			break;
		case 't':
			o->to = optarg;
			break;
		case 'y':
			o->yes = true;
			break;
		case 'e':
			if (agi_parse_u64(optarg, UINT64_MAX, &o->epoch))
				return agictl_usage_error("commit: bad epoch \"%s\"", optarg);
			break;
		case 's':
			if (agi_parse_u64(optarg, UINT64_MAX, &o->seq) || !o->seq)
				return agictl_usage_error("commit: bad seq \"%s\"", optarg);
			break;
		case 'w':
			if (agi_parse_duration_us(optarg, &us) || us < 1000000)
				return agictl_usage_error("commit: bad window \"%s\" (at least 1s)",
							  optarg);
			o->window_s = us / 1000000;
			break;
		case 'a':
			if (agi_parse_u64(optarg, UINT64_MAX, &o->apply_at))
				return agictl_usage_error("commit: bad cycle \"%s\"", optarg);
			break;
		case 'S':
			if (agi_parse_u64(optarg, UINT64_MAX, &o->swarm) || !o->swarm)
				return agictl_usage_error("commit: bad swarm \"%s\" (1..%llu)",
							  optarg, (unsigned long long)UINT64_MAX);
			break;
		case 'N':
			if (agi_parse_u32(optarg, &o->node))
				return agictl_usage_error("commit: bad node \"%s\" (0..%u)",
							  optarg, UINT32_MAX);
			break;
		case 'n':
			o->dry_run = true;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'p':
			o->peer_key = optarg;
			break;
		default:
			return agictl_usage_error("commit: bad option \"%s\", try \"agictl commit help\"",
						  argv[optind - 1]);
		}
	}
	if (o->dry_run != !!o->out)
		return agictl_usage_error("commit: --dry-run and --out FILE go together");
	return AGICTL_OK;
}

/* --- sign, send, hear back ------------------------------------------ */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void fill_header(struct agi_commit *c, const struct commit_opts *o,
			const uint8_t pk[AGI_PK_LEN])
{
	uint64_t now = now_ms() / 1000;
	uint64_t slack = o->window_s / 2 < CLOCK_SLACK_S ? o->window_s / 2 :
							   CLOCK_SLACK_S;

	c->version = AGI_COMMIT_VERSION;
	c->seq = o->seq ? o->seq : now_ms();
	c->epoch = o->epoch;
	agi_key_id(pk, c->key_id);
	c->not_before = now - slack;
	c->not_after = c->not_before + o->window_s;
	randombytes_buf(c->nonce, sizeof(c->nonce));
	c->apply_at_cycle = o->apply_at;
	c->swarm = o->swarm;
	c->node = o->node;
}

static void print_summary(const struct agi_commit *c, const char *dest)
{
	char id[AGI_KEYID_HEX_LEN];

	agi_key_id_hex(c->key_id, id);
	agi_print_u64(AGI_PRINT_ANY, "seq", "commit seq %llu", c->seq);
	agi_print_u64(AGI_PRINT_ANY, "epoch", " epoch %llu", c->epoch);
	agi_print_string(AGI_PRINT_ANY, "key_id", " key %s\n", id);
	agi_print_u64(AGI_PRINT_ANY, "not_before", "  valid %llu", c->not_before);
	agi_print_u64(AGI_PRINT_ANY, "not_after", "..%llu", c->not_after);
	if (c->apply_at_cycle)
		agi_print_u64(AGI_PRINT_ANY, "apply_at_cycle", ", applies at cycle %llu\n",
			  c->apply_at_cycle);
	else
		agi_print_null(AGI_PRINT_ANY, "apply_at_cycle", ", applies at a cycle the daemon picks\n");
	agi_print_string(AGI_PRINT_ANY, "to", "  to %s\n  changes:", dest);
	agictl_print_changes(&c->changes);
	agi_print_text("\n");
}

/* True when the operator says yes on the terminal. */
static bool confirmed(void)
{
	char answer[16];
	FILE *tty = fopen("/dev/tty", "r+");
	bool yes;

	if (!tty)
		return false;
	fputs("Sign and send? [y/N] ", tty);
	fflush(tty);
	yes = fgets(answer, sizeof(answer), tty) &&
	      (answer[0] == 'y' || answer[0] == 'Y');
	fclose(tty);
	return yes;
}

static int write_dgram(const char *file, const uint8_t *d, size_t n)
{
	FILE *f = fopen(file, "we");

	if (!f)
		return agictl_fail("commit failed: %s: %s", file, strerror(errno));
	if (fwrite(d, 1, n, f) != n || fclose(f))
		return agictl_fail("commit failed: %s: write error", file);
	return AGICTL_OK;
}

static bool same_addr(const struct sockaddr_storage *a, socklen_t alen,
		      const struct agi_endpoint *ep)
{
	return alen == ep->len && !memcmp(a, &ep->addr, ep->len);
}

/* An answer in @buf (@n bytes) opened in place when @s; its length. */
static ssize_t opened(struct agi_session *s, uint8_t *buf, ssize_t n)
{
	enum agiswarm_counter why;
	int len;

	if (!s || n <= 0)
		return n;
	len = agi_session_open(s, buf, (size_t)n, &why);
	if (len < 0)
		return -1;
	memmove(buf, buf + AGI_SEAL_PUSH, (size_t)len);
	return len;
}

/* Waits for the COMMIT_ACK of @seq from @ep; an exit code. */
static int await_ack(int fd, const struct agi_endpoint *ep, uint64_t seq,
		     const char *dest, struct agi_session *s,
		     struct agi_commit_ack *ack)
{
	uint64_t deadline = now_ms() + ACK_TIMEOUT_MS, t;
	struct sockaddr_storage from;
	uint8_t buf[AGISWARM_WIRE_MAX + 1];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	socklen_t flen;
	ssize_t n;

	while ((t = now_ms()) < deadline) {
		if (poll(&pfd, 1, (int)(deadline - t)) <= 0)
			continue;
		flen = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			     &flen);
		if (n > 0 && same_addr(&from, flen, ep))
			n = opened(s, buf, n);
		if (n <= 0 || !same_addr(&from, flen, ep) ||
		    agi_commit_ack_decode(buf, (size_t)n, ack) ||
		    (ack->seq != seq && ack->seq != 0))
			continue;
		return AGICTL_OK;
	}
	return agictl_fail("commit failed: no daemon answered from %s within %d s",
			   dest, ACK_TIMEOUT_MS / 1000);
}

/*
 * With --peer-key: the session with the aggregator, and @d sealed in it
 * into @out (*@n its new length); an exit code.
 */
static int seal_for(int fd, const struct agi_endpoint *ep, const char *dest,
		    const struct commit_opts *o, struct agi_session *s,
		    const uint8_t *d, size_t *n, uint8_t *out)
{
	int err = agi_hs_udp_initiate(fd, ep, &o->kp, o->peer, s);

	if (err == -ETIMEDOUT)
		return agictl_fail("commit failed: no session with %s: it did not answer the handshake (is the operator key in its authorized_keys, and --peer-key its node.pub?)",
				   dest);
	if (err)
		return agictl_fail("commit failed: handshake with %s: %s", dest,
				   strerror(-err));
	if (*n > AGISWARM_WIRE_PLAIN_MAX)
		return agictl_usage_error("commit: the changes do not fit one sealed datagram");
	memcpy(out + AGI_SEAL_PUSH, d, *n);
	*n = agi_session_seal(s, out, *n);
	return *n ? AGICTL_OK : agictl_fail("commit failed: sealing failed");
}

static int send_dgram(const struct agi_endpoint *ep, const char *dest,
		      const struct commit_opts *o, const uint8_t *d, size_t n,
		      uint64_t seq)
{
	uint8_t sealed[AGISWARM_WIRE_MAX];
	struct agi_session s, *sp = NULL;
	struct agi_commit_ack ack;
	int fd, ret;

	fd = socket(ep->addr.sin.sin_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return agictl_fail("commit failed: socket: %s", strerror(errno));
	if (o->peer_key) {
		sp = &s;
		ret = seal_for(fd, ep, dest, o, sp, d, &n, sealed);
		if (ret)
			goto cleanup;
		d = sealed;
	}
	if (sendto(fd, d, n, 0, (const struct sockaddr *)&ep->addr, ep->len) !=
	    (ssize_t)n) {
		ret = agictl_fail("commit failed: send to %s: %s", dest,
				  strerror(errno));
		goto cleanup;
	}
	ret = await_ack(fd, ep, seq, dest, sp, &ack);
	if (ret)
		goto cleanup;
	if (ack.status != AGI_COMMIT_ACCEPTED) {
		ret = agictl_fail("commit rejected: %s", ack.reason);
		goto cleanup;
	}
	agi_print_begin();
	agi_print_string(AGI_PRINT_ANY, "status", "%s", "accepted");
	agi_print_u64(AGI_PRINT_ANY, "seq", ": seq %llu", seq);
	agi_print_u64(AGI_PRINT_ANY, "apply_at_cycle", " applies at cycle %llu\n",
		  ack.apply_at_cycle);
	agi_print_end();
cleanup:
	if (sp)
		agi_session_wipe(sp);
	close(fd);
	return ret;
}

/* The canonical body of @c; an exit code (the changes may not fit). */
static int encode(const struct agi_commit *c, uint8_t *body, size_t *len)
{
	int n = agi_commit_encode(c, body, AGI_COMMIT_BODY_MAX);

	if (n == -EMSGSIZE)
		return agictl_usage_error("commit: the changes do not fit one datagram");
	if (n < 0)
		return agictl_usage_error("commit: these changes are not a valid commit (lo above hi? deadline above cycle?)");
	*len = (size_t)n;
	return AGICTL_OK;
}

static int finish(const struct agi_commit *c, const struct commit_opts *o,
		  const struct agi_endpoint *ep, const char *dest,
		  const uint8_t *d, size_t n)
{
	int ret;

	if (!o->dry_run)
		return send_dgram(ep, dest, o, d, n, c->seq);
	ret = write_dgram(o->out, d, n);
	if (ret)
		return ret;
	if (agi_print_is_json()) {
		agi_print_begin();
		print_summary(c, o->out);
		agi_print_end();
	} else {
		printf("signed: %zu bytes written to %s\n", n, o->out);
	}
	return AGICTL_OK;
}

static int run(struct agi_commit *c, struct commit_opts *o,
	       const struct agi_endpoint *ep, const char *dest)
{
	uint8_t body[AGI_COMMIT_BODY_MAX], sig[AGI_SIG_LEN];
	uint8_t d[AGISWARM_WIRE_MAX];
	struct agi_keypair kp;
	char err[PATH_MAX + 128];
	size_t len = 0;
	int ret, n;

	if (agi_key_read_private(o->key, &kp, err, sizeof(err)))
		return agictl_fail("commit failed: %s", err);
	fill_header(c, o, kp.pk);
	ret = encode(c, body, &len);
	if (!ret && !agi_print_is_json())
		print_summary(c, o->dry_run ? o->out : dest);
	if (!ret && !o->yes && !confirmed())
		ret = agictl_fail("commit cancelled: nothing was signed");
	if (!ret)
		agi_commit_sign(body, len, kp.sk, sig);
	/* The handshake signs with it too. */
	o->kp = kp;
	agi_key_wipe(&kp);
	if (!ret) {
		n = agi_commit_dgram_encode(body, len, sig, d, sizeof(d));
		ret = n < 0 ? agictl_usage_error("commit: the changes do not fit one datagram") :
			      finish(c, o, ep, dest, d, (size_t)n);
	}
	agi_key_wipe(&o->kp);
	return ret;
}

int agictl_commit(int argc, char **argv)
{
	struct commit_opts o = { .to = "127.0.0.1", .epoch = 1, .window_s = 60,
				 .swarm = 1 };
	struct agi_endpoint ep;
	struct agi_commit *c;
	char dir[PATH_MAX], dest[80];
	int ret;

	if (argc > 1 && agictl_is_help(argv[1])) {
		commit_usage();
		return AGICTL_OK;
	}
	agictl_key_dir(dir, sizeof(dir));
	snprintf(o.key, sizeof(o.key), "%.*s/%s", PATH_MAX - 16, dir,
		 AGICTL_KEY_PRIVATE);
	ret = parse_opts(argc, argv, &o);
	if (ret)
		return ret;
	if (agi_parse_endpoint(o.to, &ep))
		return agictl_usage_error("commit: bad address \"%s\" (HOST[:PORT])", o.to);
	if (o.peer_key && agi_hex_decode(o.peer_key, strlen(o.peer_key),
					 o.peer, AGI_PK_LEN) &&
	    agi_key_read_public(o.peer_key, o.peer, dir, sizeof(dir)))
		return agictl_usage_error("commit: bad --peer-key \"%s\": %s (64 hex digits, or a node.pub file)",
					  o.peer_key, dir);
	agi_format_endpoint(&ep.addr, ep.len, dest, sizeof(dest));
	/* No terminal to ask on: only an explicit --yes signs. */
	if (!o.yes && !isatty(STDIN_FILENO))
		return agictl_usage_error("commit: not on a terminal; pass --yes to sign without asking");
	c = calloc(1, sizeof(*c));
	if (!c)
		return agictl_fail("commit failed: %s", strerror(ENOMEM));
	ret = parse_settings(argc - optind, argv + optind, &c->changes);
	if (!ret)
		ret = agi_keys_init() ?
			agictl_fail("commit failed: libsodium failed to start") :
			run(c, &o, &ep, dest);
	free(c);
	return ret;
}
