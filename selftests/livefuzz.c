// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * livefuzz: fuzzes the live module, from the network and from generic
 * netlink. A helper of selftests/fuzz_wire.sh and fuzz_genl.sh, which run
 * it in the VM (on the debug kernel under make check-debug).
 *
 * livefuzz wire: mutated datagrams at one node of a running swarm. Seeds are
 * the hex examples of the UAPI header and the libFuzzer corpora; each
 * datagram is one to four mutations (bit flips, interesting bytes and
 * integers, inserted, deleted, duplicated or spliced ranges, a new type)
 * of a pool entry, its header length repaired most of the time so that the
 * mutations reach the CBOR parser. With --psk, --key and --peer-key (the
 * node has the fuzzer as an AGGREGATOR peer, its link keyed in
 * pre-shared-key mode) half of them are sealed with the link's keys, some
 * then damaged or sent again (mutate_sealed()). Messages that the parser
 * accepts, or refuses for a rare reason, join the pool. Every datagram is
 * classified before it is sent by the portable core's functions (the very
 * code the module runs) in the order of the module's receive path
 * (predict()), and the node's counters, read over netlink before and
 * after, must account for every one of them (see check_accounting()).
 *
 * livefuzz genl: random requests of the "agiswarm" family for a bounded
 * time: random commands, flags and header fields, attributes shaped by the
 * policies (right types, boundary values, nested peers and PID) or random
 * trees of any type, length and nesting, and shaped ones mutated. After
 * each request that was refused (and each read), the node's state, as
 * GET_STATUS, GET_PEERS and GET_MATRIX show it, must be what it was before.
 * --as user drops to nobody in a user namespace of its own: then every
 * request that needs CAP_NET_ADMIN must fail with -EPERM. --as userns-net
 * does the same in a network namespace the user namespace owns: there it
 * is admin, fuzzes its own node, and must not reach the node it left.
 *
 * livefuzz counters: the node's counters, one "name value" a line.
 *
 * Counter names come from the UAPI header (enum agiswarm_counter), read at
 * run time, so they have one home. Exit status: 0 every check held, 1 a
 * check failed (the report says which), 2 usage error.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>

#include <libmnl/libmnl.h>
#include <sodium.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "core/wire.h"
#include "lib/nltest.h"
#include "user/keys.h"
#include "user/seal.h"

#define NCNT (AGISWARM_CNT_MAX + 1)
#define FIRST_COUNTER (AGISWARM_CNT_PAD + 1)
#define DGRAM_MAX 1472		/* UDP payload of a 1500-byte MTU, unfragmented */
#define POOL_MAX 8192
#define BATCH 64
#define NL_BUF 65536

static const char *header_path = "include/uapi/linux/agiswarm.h";
static char *counter_name[NCNT];

/* ---- small helpers ------------------------------------------------------ */

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("livefuzz: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static u64 rng_state = 0x9e3779b97f4a7c15ULL;

/*
 * xorshift64* wants a state other than 0: seed S starts at 2S + 1, so
 * that every seed (below 2^63) gives a stream of its own. (S | 1 gave the
 * aggregator's even seed S and the worker's S + 1 the same stream.)
 */
static void seed_rng(const char *s)
{
	rng_state = strtoull(s, NULL, 0) << 1 | 1;
}

static u64 rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [0, n); 0 when n is 0. */
static u32 below(u32 n)
{
	return n ? (u32)(rnd() % n) : 0;
}

static bool chance(u32 percent)
{
	return below(100) < percent;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static const char *cname(int id)
{
	static char buf[32];

	if (id > 0 && id < NCNT && counter_name[id])
		return counter_name[id];
	snprintf(buf, sizeof(buf), "counter %d", id);
	return buf;
}

/* Enters the named network namespace (ip netns's /run/netns/NAME); returns
 * an fd of the one left, for leave_netns(), or -1 when @name is NULL (stay).
 */
static int enter_netns(const char *name)
{
	char path[256];
	int self, fd;

	if (!name)
		return -1;
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		die("open /proc/self/ns/net failed: %s", strerror(errno));
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET))
		die("entering netns %s failed: %s", name, strerror(errno));
	close(fd);
	return self;
}

static void leave_netns(int self)
{
	if (self < 0)
		return;
	if (setns(self, CLONE_NEWNET))
		die("returning to the netns failed: %s", strerror(errno));
	close(self);
}

/* ---- the UAPI header: hex examples and counter names -------------------- */

struct blob {
	u16 n;
	u8 seed;		/* from the seeds, never replaced */
	u8 b[DGRAM_MAX];
};

static struct blob *pool;
static unsigned int pool_n, pool_seeds;

static void pool_add(const u8 *p, size_t n, bool seed)
{
	struct blob *b;

	if (n > DGRAM_MAX)
		n = DGRAM_MAX;
	if (pool_n < POOL_MAX) {
		b = &pool[pool_n++];
	} else {
		/* Replace a mutant, never a seed. */
		b = &pool[pool_seeds + below(POOL_MAX - pool_seeds)];
	}
	memcpy(b->b, p, n);
	b->n = n;
	b->seed = seed;
	if (seed)
		pool_seeds = pool_n;
}

/* One line of hex byte pairs ("01 07 00 11"), the comment's " * " gone. */
static int hex_line(const char *s, u8 *out, size_t cap)
{
	int n = 0;
	unsigned int v;

	while (*s == ' ' || *s == '\t')
		s++;
	while (*s && *s != '\n') {
		if (!isxdigit((unsigned char)s[0]) ||
		    !isxdigit((unsigned char)s[1]) ||
		    (s[2] && s[2] != ' ' && s[2] != '\n'))
			return -1;
		if (sscanf(s, "%2x", &v) != 1 || (size_t)n >= cap)
			return -1;
		out[n++] = v;
		s += 2;
		while (*s == ' ')
			s++;
	}
	return n;
}

/*
 * Reads the header: every run of comment lines made only of hex byte pairs
 * is one seed (the documented datagrams; a run broken by "<...>" gives its
 * first part, a seed all the same); the enum agiswarm_counter entries, in
 * order, give the counter names (lowercased, AGISWARM_CNT_ dropped).
 */
static void read_header(bool seeds)
{
	u8 cur[DGRAM_MAX], line_b[256];
	char line[512];
	size_t cur_n = 0;
	int in_enum = 0, next_id = 0, n;
	FILE *f;

	f = fopen(header_path, "r");
	if (!f)
		die("open %s failed: %s", header_path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *s = line, *e;

		if (strstr(line, "enum agiswarm_counter {")) {
			in_enum = 1;
			continue;
		}
		if (in_enum) {
			while (isspace((unsigned char)*s))
				s++;
			if (*s == '}') {
				in_enum = 0;
			} else if (!strncmp(s, "AGISWARM_CNT_", 13) &&
				   next_id < NCNT) {
				s += 13;
				for (e = s; *e && (isalnum((unsigned char)*e) ||
						   *e == '_'); e++)
					*e = tolower((unsigned char)*e);
				*e = 0;
				counter_name[next_id++] = strdup(s);
			}
			continue;
		}
		while (*s == ' ' || *s == '\t')
			s++;
		n = -1;
		if (*s == '*') {
			s++;
			n = hex_line(s, line_b, sizeof(line_b));
		}
		if (n > 0 && cur_n + n <= sizeof(cur)) {
			memcpy(cur + cur_n, line_b, n);
			cur_n += n;
			continue;
		}
		if (cur_n >= 2 && seeds)
			pool_add(cur, cur_n, true);
		cur_n = 0;
	}
	fclose(f);
	if (next_id != NCNT)
		die("%s: enum agiswarm_counter has %d entries, this program knows %d",
		    header_path, next_id, NCNT);
}

/*
 * A libFuzzer corpus directory. fuzz_wire_libcbor's inputs are a type
 * index byte and a payload: they become datagrams of that fast-path type.
 */
static unsigned int read_corpus(const char *dir)
{
	static const u8 fast[] = { AGISWARM_MSG_TASK, AGISWARM_MSG_RESULT,
				   AGISWARM_MSG_SENSOR, AGISWARM_MSG_ACTUATE,
				   AGISWARM_MSG_ROWS };
	bool libcbor = strstr(dir, "fuzz_wire_libcbor") != NULL;
	unsigned int count = 0;
	struct dirent *de;
	u8 buf[DGRAM_MAX];
	DIR *d;

	d = opendir(dir);
	if (!d)
		die("open %s failed: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		char path[1024];
		size_t n, off = libcbor ? 3 : 0;
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		n = fread(buf + off, 1, sizeof(buf) - off, f);
		fclose(f);
		if (libcbor) {
			/* The index byte, at buf[3], becomes the header. */
			if (!n)
				continue;
			buf[0] = AGISWARM_WIRE_VERSION;
			buf[1] = fast[buf[3] % sizeof(fast)];
			agi_put_be16(n - 1, buf + 2);
			n += 3;
		}
		pool_add(buf, n, true);
		count++;
	}
	closedir(d);
	return count;
}

/* ---- the mutator ----------------------------------------------------------- */

static const u8 interesting_u8[] = {
	0x00, 0x01, 0x02, 0x07, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1f,
	0x20, 0x38, 0x3f, 0x40, 0x41, 0x57, 0x58, 0x59, 0x5f, 0x60, 0x7f,
	0x80, 0x81, 0x9f, 0xa0, 0xa1, 0xa5, 0xb7, 0xb8, 0xbf, 0xc0, 0xc2,
	0xd8, 0xe0, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc,
	0xff,
};

static const u64 interesting_int[] = {
	0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
	0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
	0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL,
	AGISWARM_WIRE_VEC_MAX, AGISWARM_WIRE_VEC_MAX + 1,
	AGISWARM_WIRE_ROWS_MAX, AGISWARM_WIRE_ROWS_MAX + 1,
	AGISWARM_WIRE_CHUNK_MAX, AGISWARM_WIRE_CHUNK_MAX + 1,
	AGISWARM_WIRE_MAX,
};

static const u8 msg_types[] = {
	AGISWARM_MSG_TASK, AGISWARM_MSG_RESULT, AGISWARM_MSG_HEARTBEAT,
	AGISWARM_MSG_STATUS, AGISWARM_MSG_CONFIG, AGISWARM_MSG_COMMIT,
	AGISWARM_MSG_SENSOR, AGISWARM_MSG_ACTUATE, AGISWARM_MSG_ROWS,
	AGISWARM_MSG_COMMIT_ACK, AGISWARM_MSG_ERROR, 0x00, 0x0b, 0x7f,
};

static void mutate_once(struct blob *m)
{
	const struct blob *o;
	u32 pos, len, i, w;
	u64 v;

	pos = m->n ? below(m->n) : 0;
	switch (below(11)) {
	case 0:				/* flip a bit */
		if (m->n)
			m->b[pos] ^= 1u << below(8);
		break;
	case 1:				/* any byte */
		if (m->n)
			m->b[pos] = rnd();
		break;
	case 2:				/* an interesting byte (CBOR heads) */
		if (m->n)
			m->b[pos] = interesting_u8[below(sizeof(interesting_u8))];
		break;
	case 3:				/* insert bytes */
		len = 1 + below(16);
		if (m->n + len > DGRAM_MAX)
			break;
		memmove(m->b + pos + len, m->b + pos, m->n - pos);
		for (i = 0; i < len; i++)
			m->b[pos + i] = chance(50) ? rnd() :
				interesting_u8[below(sizeof(interesting_u8))];
		m->n += len;
		break;
	case 4:				/* delete a range */
		if (!m->n)
			break;
		len = 1 + below(m->n - pos < 32 ? m->n - pos : 32);
		memmove(m->b + pos, m->b + pos + len, m->n - pos - len);
		m->n -= len;
		break;
	case 5:				/* duplicate a range elsewhere */
		if (!m->n)
			break;
		len = 1 + below(m->n - pos < 64 ? m->n - pos : 64);
		if (m->n + len > DGRAM_MAX)
			break;
		w = below(m->n + 1);
		memmove(m->b + w + len, m->b + w, m->n - w);
		memmove(m->b + w, m->b + (pos >= w ? pos + len : pos), len);
		m->n += len;
		break;
	case 6:				/* splice with another entry */
		o = &pool[below(pool_n)];
		w = o->n ? below(o->n) : 0;
		len = o->n - w;
		if (pos + len > DGRAM_MAX)
			len = DGRAM_MAX - pos;
		memcpy(m->b + pos, o->b + w, len);
		m->n = pos + len;
		break;
	case 7:				/* truncate */
		m->n = pos;
		break;
	case 8:				/* an interesting big-endian integer */
		w = 1u << below(4);	/* 1, 2, 4 or 8 bytes */
		if (m->n < w)
			break;
		pos = below(m->n - w + 1);
		v = interesting_int[below(ARRAY_SIZE(interesting_int))];
		if (chance(30))
			v += below(3) - 1;
		for (i = 0; i < w; i++)
			m->b[pos + i] = v >> (8 * (w - 1 - i));
		break;
	case 9:				/* another type */
		if (m->n >= 2)
			m->b[1] = msg_types[below(sizeof(msg_types))];
		break;
	case 10:			/* grow to a size near a limit */
		if (chance(50))
			break;
		len = chance(50) ? AGISWARM_WIRE_MAX + below(3) - 1 :
			AGISWARM_WIRE_MAX + below(DGRAM_MAX - AGISWARM_WIRE_MAX + 1);
		if (len > DGRAM_MAX)
			len = DGRAM_MAX;
		for (i = m->n; i < len; i++)
			m->b[i] = chance(80) ? 0 : rnd();
		if (len > m->n)
			m->n = len;
		break;
	}
}

static void mutate(struct blob *m)
{
	unsigned int k = 1 + below(4);

	*m = pool[below(pool_n)];
	while (k--)
		mutate_once(m);
	/* Mostly a header that lets the payload reach the CBOR parser. */
	if (m->n >= AGISWARM_WIRE_HDR_LEN && chance(75)) {
		if (chance(90))
			m->b[0] = AGISWARM_WIRE_VERSION;
		agi_put_be16(m->n - AGISWARM_WIRE_HDR_LEN, m->b + 2);
	}
}

/* ---- netlink ----------------------------------------------------------------- */

struct nl {
	struct mnl_socket *sock;
	u32 seq;
	u16 family;
};

/* The outcome of one request. */
struct nl_reply {
	int err;		/* 0, -errno, or 1: no answer (no ACK asked) */
	char msg[160];		/* extack text */
	unsigned int parts;	/* data messages */
};

typedef void (*nl_data_cb)(const struct nlmsghdr *nlh, void *data);

/*
 * Sends one request (its bytes as they are) and collects what answers it.
 * A generic netlink request is handled inside sendmsg(), and each part of a
 * dump is produced when the previous one is read, so everything that will
 * ever answer it can be read without waiting: the reply ends at its
 * NLMSG_ERROR or NLMSG_DONE, or when nothing more is queued (a request
 * without NLM_F_ACK that succeeded). Messages of other sequence numbers
 * (upcalls to a registered daemon) are skipped.
 */
static int nl_txn(struct nl *nl, const void *req, size_t len,
		  nl_data_cb cb, void *data, struct nl_reply *r)
{
	static char buf[NL_BUF] __attribute__((aligned(8)));
	const struct nlmsghdr *q = req;
	int idle = 0;

	memset(r, 0, sizeof(*r));
	r->err = 1;
	if (mnl_socket_sendto(nl->sock, req, len) < 0)
		return -errno;
	for (;;) {
		const struct nlmsghdr *nlh = (const void *)buf;
		int n = recv(mnl_socket_get_fd(nl->sock), buf, sizeof(buf),
			     MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			/* A dump part may be on its way from another CPU. */
			if (r->parts && ++idle < 50) {
				sleep_ms(1);
				continue;
			}
			return 0;
		}
		if (n < 0)
			return -errno;
		idle = 0;
		for (; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
			if (nlh->nlmsg_seq != q->nlmsg_seq ||
			    nlh->nlmsg_pid != mnl_socket_get_portid(nl->sock))
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				r->err = nlt_error(nlh, r->msg, sizeof(r->msg), NULL);
				return 0;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				r->err = 0;
				if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
					r->err = *(int *)NLMSG_DATA(nlh);
				return 0;
			}
			r->parts++;
			if (cb)
				cb(nlh, data);
		}
	}
}

static struct nlmsghdr *nl_put(struct nl *nl, void *buf, u16 type, u8 cmd,
			       u16 flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = ++nl->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = type == GENL_ID_CTRL ? 1 : AGISWARM_GENL_VERSION;
	return nlh;
}

static void family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, GENL_HDRLEN)
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			*(u16 *)data = mnl_attr_get_u16(a);
}

/* A socket in the namespace @netns (NULL: this one), family resolved. */
static void nl_open(struct nl *nl, const char *netns)
{
	char buf[256] __attribute__((aligned(8)));
	int self = enter_netns(netns), one = 1, rcvbuf = 1 << 20;
	struct nlmsghdr *nlh;
	struct nl_reply r;

	memset(nl, 0, sizeof(*nl));
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock || mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		die("generic netlink socket failed: %s", strerror(errno));
	leave_netns(self);
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_RCVBUF,
		   &rcvbuf, sizeof(rcvbuf));
	nlh = nl_put(nl, buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
		     NLM_F_REQUEST | NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, AGISWARM_GENL_NAME);
	if (nl_txn(nl, nlh, nlh->nlmsg_len, family_cb, &nl->family, &r) ||
	    r.err || !nl->family)
		die("family %s not found (is agiswarm loaded?): %s",
		    AGISWARM_GENL_NAME, strerror(r.err < 0 ? -r.err : ENOENT));
}

static void counters_cb(const struct nlmsghdr *nlh, void *data)
{
	u64 *cnt = data;
	const struct nlattr *a, *c;

	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(a) != AGISWARM_A_COUNTERS)
			continue;
		mnl_attr_for_each_nested(c, a)
			if (mnl_attr_get_type(c) < NCNT &&
			    mnl_attr_get_payload_len(c) == sizeof(u64))
				cnt[mnl_attr_get_type(c)] =
					mnl_attr_get_u64(c);
	}
}

static void read_counters(struct nl *nl, u64 *cnt)
{
	char buf[64] __attribute__((aligned(8)));
	struct nlmsghdr *nlh;
	struct nl_reply r;

	memset(cnt, 0, NCNT * sizeof(*cnt));
	nlh = nl_put(nl, buf, nl->family, AGISWARM_CMD_GET_STATUS,
		     NLM_F_REQUEST | NLM_F_ACK);
	if (nl_txn(nl, nlh, nlh->nlmsg_len, counters_cb, cnt, &r) || r.err)
		die("GET_STATUS failed: %s", strerror(-r.err));
}

/* ---- livefuzz wire ------------------------------------------------------------ */

/* The drop reasons: every counter named drop_* in the UAPI header. */
static bool drop_reason(int id)
{
	return !strncmp(cname(id), "drop_", 5);
}

/*
 * Reasons the prediction gives exactly: the framing's and the parser's (the
 * core's agi_seal_parse() and agi_wire_parse()), the link's (no keypair of
 * that index, a tag that does not verify, a counter taken before: the core's
 * agi_seal_open() and agi_replay_check() with the fuzzer's own keys and a
 * model of the node's replay window) and the sender's (a type the fuzzer's
 * link may not send). Nothing else the node does adds to them: the swarm's
 * own traffic is sealed, fresh and allowed. (DROP_BADVALUE is the parser's
 * and a stage's too: a value that contradicts the node's state; DROP_TYPE
 * the framing's, the parser's and dispatch's: check_accounting() adds the
 * latter.)
 */
static bool predicted_exactly(int id)
{
	switch (id) {
	case AGISWARM_CNT_DROP_SHORT:
	case AGISWARM_CNT_DROP_VERSION:
	case AGISWARM_CNT_DROP_LENGTH:
	case AGISWARM_CNT_DROP_OVERSIZE:
	case AGISWARM_CNT_DROP_MALFORMED:
	case AGISWARM_CNT_DROP_NONCANONICAL:
	case AGISWARM_CNT_DROP_MISSING:
	case AGISWARM_CNT_DROP_AUTH:
	case AGISWARM_CNT_DROP_UNKNOWN_PEER:
	case AGISWARM_CNT_DROP_REPLAY:
	case AGISWARM_CNT_DROP_NOT_ALLOWED:
		return true;
	}
	return false;
}

struct tally {
	u64 sent;
	u64 sealed;		/* sent sealed with the fuzzer's keys */
	u64 replayed;		/* of which sent again as they were */
	u64 reason[NCNT];	/* refusals the core predicts, by counter */
	u64 pass_up;		/* plain daemon types, and opened STATUS */
	u64 handshakes;		/* plain handshakes: up, or rate-limited */
	u64 opened;		/* sealed ones the node opens and parses */
	u64 fast[256];		/* opened, parsed, allowed fast-path types */
	u64 answers;		/* datagrams the node sent back */
	u64 bad_answers;	/* of which do not open or parse */
};

/*
 * The prediction replays the datagrams in the order they were sent, and the
 * node's replay windows judge them in the order it receives them. A veth
 * hands a datagram to the backlog of the CPU that sent it, so a sender that
 * migrates between two sendmmsg() calls can have a later batch received
 * before the rest of an earlier one: sealed counters far apart then make
 * the window call a datagram a replay that in send order was fresh (seen
 * on the debug kernel, where the backlogs run long). Sending from one CPU
 * keeps the order end to end. @cpu < 0: the one it runs on.
 */
static void pin_to_cpu(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		cpu = sched_getcpu();
	if (cpu < 0)
		die("sched_getcpu failed: %s", strerror(errno));
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity(CPU %d) failed: %s", cpu,
		    strerror(errno));
}

/* Datagrams dropped by the network stack before any socket (all CPUs). */
static u64 softnet_dropped(void)
{
	char line[512];
	unsigned int processed, dropped;
	u64 sum = 0;
	FILE *f = fopen("/proc/net/softnet_stat", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%x %x", &processed, &dropped) == 2)
			sum += dropped;
	fclose(f);
	return sum;
}

/*
 * The fuzzer's link to the node (--psk, --key, --peer-key): the node has
 * the fuzzer as an AGGREGATOR peer whose link is keyed in pre-shared-key
 * mode, so that sealed mutants open and reach the parser, the sender check
 * and, at a worker, the stages.
 */
static struct agi_session fz;
static bool fz_keyed;
/* The node's replay window of the fuzzer's keypair, as the node keeps it. */
static struct agi_replay fz_window;
/* The node is an aggregator (--all-dropped), else a worker. */
static bool fz_at_aggregator;

/* The types an AGGREGATOR peer may send (agiswarm_link_may_send()). */
static bool fz_may_send(u8 type)
{
	return agi_wire_sender(type) == AGISWARM_PEER_AGGREGATOR;
}

/* The fast-path types the fuzzer's link sends that a worker's stages take. */
static bool worker_stage(u8 type)
{
	return type == AGISWARM_MSG_TASK || type == AGISWARM_MSG_ROWS ||
	       type == AGISWARM_MSG_JOB_ROWS || type == AGISWARM_MSG_JOB_TASK ||
	       type == AGISWARM_MSG_JOB_CANCEL;
}

static void drain_answers(int fd, struct tally *t)
{
	u8 buf[2048];
	struct agi_wire_msg msg;
	enum agiswarm_counter why;
	ssize_t n;
	int len;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) >= 0) {
		t->answers++;
		/* The node seals every answer for the link it goes to. */
		len = fz_keyed ? agi_session_open(&fz, buf, n, &why) : -EBADMSG;
		if (len < 0 || agi_wire_parse(buf + AGI_SEAL_PUSH, len, &msg,
					      &why) != 0)
			t->bad_answers++;
	}
}

/*
 * What the node does with datagram @b, predicted with the core's functions
 * in the order of the module's receive path (kmod/socket.c): the framing
 * (agi_seal_parse()), a plain type up (a handshake through the rate
 * limit), else the keypair of the index, the tag (agi_seal_open()), the
 * replay window (agi_replay_check()), the message (agi_wire_parse()), the
 * sender's right to its type, and a control type up or a fast-path type
 * to its stage. Returns the message's parser verdict for the pool: 1 when
 * it is worth keeping.
 */
static bool predict(const struct blob *b, struct tally *t)
{
	u8 buf[DGRAM_MAX];
	struct agi_seal_hdr h;
	struct agi_wire_msg msg;
	enum agiswarm_counter why;
	int ret, len;

	ret = agi_seal_parse(b->b, b->n, &h, &why);
	if (ret < 0) {
		t->reason[why]++;
		return t->reason[why] * 200 < t->sent + 1;
	}
	if (ret == AGI_SEAL_PLAIN) {
		if (h.type == AGISWARM_MSG_HANDSHAKE_INIT ||
		    h.type == AGISWARM_MSG_HANDSHAKE_RESP)
			t->handshakes++;
		else
			t->pass_up++;
		return chance(10);
	}
	/* The node's keypair: its index and receive key are our remote
	 * index and transmit key.
	 */
	if (!fz_keyed || h.index != fz.remote_index) {
		t->reason[AGISWARM_CNT_DROP_UNKNOWN_PEER]++;
		return false;
	}
	memcpy(buf, b->b, b->n);
	len = agi_seal_open(buf, b->n, &h, fz.tx, &agi_sodium_aead);
	if (len < 0) {
		t->reason[AGISWARM_CNT_DROP_AUTH]++;
		return false;
	}
	if (!agi_replay_check(&fz_window, h.counter)) {
		t->reason[AGISWARM_CNT_DROP_REPLAY]++;
		return false;
	}
	t->opened++;
	ret = agi_wire_parse(buf + AGI_SEAL_PUSH, len, &msg, &why);
	if (ret < 0) {
		t->reason[why]++;
		return t->reason[why] * 200 < t->sent + 1;
	}
	/*
	 * A CYCLE record must come from the member whose rank owns its
	 * epoch: the fuzzer's link has no rank (agiswarm_repl_rx_record()).
	 */
	if (!fz_may_send(msg.type) ||
	    (fz_at_aggregator && msg.type == AGISWARM_MSG_CYCLE_RECORD)) {
		t->reason[AGISWARM_CNT_DROP_NOT_ALLOWED]++;
		return chance(10);
	}
	if (ret == AGI_WIRE_PASS_UP) {
		t->pass_up++;
		return chance(10);
	}
	t->fast[msg.type]++;
	return true;
}

/* Sealed datagrams sent, for sending again as they were (replays). */
#define SENT_RING 256
static struct blob *sent_ring;
static unsigned int sent_n;

/*
 * A sealed mutant: a mutated message sealed with the fuzzer's keys (its
 * counter now and then ahead or behind), then sometimes damaged (header,
 * index, ciphertext, tag, length), or an earlier one sent again. @m holds
 * a mutant first; @msg gets the message sealed, for the pool. Returns false
 * (@m a plain mutant) when it cannot be sealed (a plain type, too long).
 */
static bool mutate_sealed(struct blob *m, struct blob *msg, struct tally *t)
{
	u8 buf[DGRAM_MAX + AGISWARM_SEAL_OVERHEAD];
	u64 counter = fz.tx_counter;
	size_t n;
	unsigned int k;

	*msg = *m;
	if (sent_n && chance(5)) {
		*m = sent_ring[below(sent_n < SENT_RING ? sent_n : SENT_RING)];
		t->replayed++;
		return true;
	}
	/* Mostly a type a worker's stages take, to reach them. */
	for (k = 0; k < 16 && chance(70) && m->n >= 2 && !worker_stage(m->b[1]);
	     k++)
		mutate(m);
	if (m->n < AGISWARM_WIRE_HDR_LEN ||
	    m->n + AGISWARM_SEAL_OVERHEAD > AGISWARM_WIRE_MAX)
		return false;
	m->b[0] = AGISWARM_WIRE_VERSION;
	agi_put_be16(m->n - AGISWARM_WIRE_HDR_LEN, m->b + 2);
	*msg = *m;
	memcpy(buf + AGI_SEAL_PUSH, m->b, m->n);
	/* A counter ahead moves the window; one behind may be taken still. */
	if (chance(2))
		fz.tx_counter += below(2 * AGI_REPLAY_WINDOW);
	else if (chance(2))
		fz.tx_counter -= below(2 * AGI_REPLAY_WINDOW);
	n = agi_session_seal(&fz, buf, m->n);
	if (fz.tx_counter < counter + 1)
		fz.tx_counter = counter + 1;
	if (!n)
		return false;
	memcpy(m->b, buf, n);
	m->n = n;
	sent_ring[sent_n++ % SENT_RING] = *m;
	if (chance(75))
		return true;
	/* Damaged: mostly a few bytes anywhere, else the mutator's worst. */
	switch (below(4)) {
	case 0:
		m->b[below(m->n)] ^= 1u << below(8);
		break;
	case 1:
		agi_put_be32(chance(50) ? (u32)rnd() : fz.remote_index + 1,
			     m->b + 4);
		break;
	case 2:
		m->n -= below(m->n - AGISWARM_WIRE_HDR_LEN) + 1;
		agi_put_be16(m->n - AGISWARM_WIRE_HDR_LEN, m->b + 2);
		break;
	default:
		for (k = 1 + below(3); k--;)
			mutate_once(m);
	}
	return true;
}

/*
 * The drops and upcalls the fuzzer's datagrams can have caused: at an
 * aggregator not drop_stale (check_accounting() says why).
 */
static u64 accounted(const u64 *before, const u64 *after)
{
	u64 sum = 0;
	int i;

	for (i = FIRST_COUNTER; i < NCNT; i++)
		if ((drop_reason(i) || i == AGISWARM_CNT_UPCALLS ||
		     i == AGISWARM_CNT_UPCALL_DROPS) &&
		    !(fz_at_aggregator && i == AGISWARM_CNT_DROP_STALE))
			sum += after[i] - before[i];
	return sum;
}

static int failures;

static void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("# %s: ", ok ? "ok" : "FAILED");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!ok)
		failures++;
}

/*
 * The accounting. From an address that is no peer of the node but the
 * fuzzer's own link (an AGGREGATOR peer, keyed with --psk):
 *  - each reason predicted_exactly() names rose by exactly what the core
 *    predicted for it;
 *  - upcalls + upcall drops + rate-limited handshakes rose by exactly the
 *    datagrams passed up (plain daemon types, opened STATUS) and the plain
 *    handshakes, and no more handshakes than sent were rate-limited;
 *  - drop_type rose by exactly the framing's and the parser's share and
 *    the opened fast-path types not for the node's role (at an aggregator
 *    those for a worker's stages; at a worker CYCLE records);
 *  - at an aggregator (--all-dropped) every datagram is one drop or one
 *    upcall: drops + upcalls == sent, exactly, but for drop_stale, which
 *    the fuzzer's link cannot cause there (a CYCLE record from it is not
 *    allowed, a FENCED only a worker may send): the swarm's own FENCED,
 *    from a worker that a fuzzer at it fenced with a higher epoch;
 *  - at a worker an opened TASK or JOB_TASK is answered (one RESULT, a
 *    worker holds at most 64 rows) or dropped (stale, no rows, bad value)
 *    and an opened ROWS, JOB_ROWS or JOB_CANCEL taken or dropped, so the
 *    other reasons rose by at least the parser's share (bad value),
 *    rx_packets by at least the datagrams that reached the stages, and no
 *    more answers came back than TASKs and JOB_TASKs were taken in. (An
 *    opened TASK or ROWS with a higher epoch fences the worker, and then
 *    the aggregator's own datagrams count as stale.)
 */
static void print_tally(const struct tally *t, const u64 *b, const u64 *a)
{
	u64 fast = 0, refused = 0;
	int i;

	for (i = 0; i < 256; i++)
		fast += t->fast[i];
	for (i = 0; i < NCNT; i++)
		refused += t->reason[i];
	printf("# sent %" PRIu64 " (%" PRIu64 " sealed, %" PRIu64
	       " of them replayed): %" PRIu64 " refused, %" PRIu64
	       " passed up, %" PRIu64 " handshakes, %" PRIu64
	       " opened; %" PRIu64 " fast-path (task %" PRIu64
	       ", rows %" PRIu64 ", record %" PRIu64 ", job rows %" PRIu64
	       ", job task %" PRIu64 ", job cancel %" PRIu64 "); %" PRIu64
	       " answers came back\n",
	       t->sent, t->sealed, t->replayed, refused, t->pass_up,
	       t->handshakes, t->opened, fast, t->fast[AGISWARM_MSG_TASK],
	       t->fast[AGISWARM_MSG_ROWS], t->fast[AGISWARM_MSG_CYCLE_RECORD],
	       t->fast[AGISWARM_MSG_JOB_ROWS], t->fast[AGISWARM_MSG_JOB_TASK],
	       t->fast[AGISWARM_MSG_JOB_CANCEL], t->answers);
	printf("# %-20s %12s %12s\n", "counter", "predicted", "node");
	for (i = FIRST_COUNTER; i < NCNT; i++) {
		if (!drop_reason(i) && a[i] == b[i] && !t->reason[i])
			continue;
		printf("# %-20s %12" PRIu64 " %12" PRIu64 "\n", cname(i),
		       t->reason[i], a[i] - b[i]);
	}
}

static void check_accounting(const struct tally *t, const u64 *b,
			     const u64 *a, bool all_dropped, u64 softnet)
{
	u64 d_type, want_type, rest = 0, want_rest = 0, upc, limited, rx;
	u64 staged = 0;
	int i;

#define DELTA(c) (a[AGISWARM_CNT_##c] - b[AGISWARM_CNT_##c])
	print_tally(t, b, a);
	check(softnet == 0, "the network stack dropped %" PRIu64
	      " datagrams before the module saw them", softnet);
	for (i = FIRST_COUNTER; i < NCNT; i++)
		if (predicted_exactly(i))
			check(a[i] - b[i] == t->reason[i],
			      "%s: node counted %" PRIu64 ", predicted %"
			      PRIu64, cname(i), a[i] - b[i], t->reason[i]);
	upc = DELTA(UPCALLS) + DELTA(UPCALL_DROPS);
	limited = DELTA(DROP_RATELIMIT);
	check(upc + limited == t->pass_up + t->handshakes,
	      "passed up: node counted %" PRIu64 " (upcalls + upcall_drops) + %"
	      PRIu64 " rate-limited, predicted %" PRIu64 " + %" PRIu64
	      " handshakes", upc, limited, t->pass_up, t->handshakes);
	check(limited <= t->handshakes, "rate-limited %" PRIu64
	      " <= handshakes %" PRIu64, limited, t->handshakes);
	check(!t->bad_answers, "%" PRIu64 " of the node's answers do not open"
	      " or parse", t->bad_answers);
	for (i = 0; i < 256; i++)
		if (worker_stage(i))
			staged += t->fast[i];
	d_type = DELTA(DROP_TYPE);
	want_type = t->reason[AGISWARM_CNT_DROP_TYPE] +
		    (all_dropped ? staged : t->fast[AGISWARM_MSG_CYCLE_RECORD]);
	check(d_type == want_type, "drop_type: node counted %" PRIu64
	      ", predicted %" PRIu64 " (the framing's and the parser's, %s)",
	      d_type, want_type, all_dropped ?
	      "opened types for a worker at an aggregator" :
	      "opened CYCLE records at a worker");
	if (all_dropped) {
		check(accounted(b, a) == t->sent,
		      "every datagram counted once: drops + upcalls = %" PRIu64
		      " (besides %" PRIu64 " drop_stale: the swarm's own "
		      "FENCED), sent %" PRIu64, accounted(b, a),
		      DELTA(DROP_STALE), t->sent);
		check(!t->answers, "no answer at an aggregator (%" PRIu64 ")",
		      t->answers);
		return;
	}
	for (i = FIRST_COUNTER; i < NCNT; i++) {
		if (!drop_reason(i) || predicted_exactly(i) ||
		    i == AGISWARM_CNT_DROP_TYPE ||
		    i == AGISWARM_CNT_DROP_RATELIMIT)
			continue;
		rest += a[i] - b[i];
		want_rest += t->reason[i];
	}
	check(rest >= want_rest, "the other drop reasons: node counted %"
	      PRIu64 ", the parser alone predicts %" PRIu64, rest, want_rest);
	rx = DELTA(RX_PACKETS);
	check(rx >= staged, "rx_packets rose by %" PRIu64 ", >= opened "
	      "datagrams for the stages %" PRIu64, rx, staged);
	check(t->answers <= t->fast[AGISWARM_MSG_TASK] +
			    t->fast[AGISWARM_MSG_JOB_TASK],
	      "answers (%" PRIu64 ") <= opened TASKs and JOB_TASKs (%" PRIu64
	      ")", t->answers, t->fast[AGISWARM_MSG_TASK] +
	      t->fast[AGISWARM_MSG_JOB_TASK]);
#undef DELTA
}

/* The fuzzer's link: pre-shared-key mode, as `agictl peer add ... psk`. */
static void key_link(const char *psk_file, const char *key_file,
		     const char *peer_file)
{
	u8 psk[AGI_SECRET_LEN], self[AGI_PK_LEN], peer[AGI_PK_LEN];
	char err[256];

	if (agi_secret_read(psk_file, psk, err, sizeof(err)) ||
	    agi_key_read_public(key_file, self, err, sizeof(err)) ||
	    agi_key_read_public(peer_file, peer, err, sizeof(err)))
		die("reading the link's keys failed: %s", err);
	if (agi_psk_session(&fz, psk, self, peer))
		die("deriving the link's keys failed: the two keys are equal");
	sodium_memzero(psk, sizeof(psk));
	agi_replay_init(&fz_window);
	fz_keyed = true;
}

static void parse_addr(const char *s, struct sockaddr_in *sin)
{
	char host[64];
	const char *colon = strrchr(s, ':');

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	if (!colon || (size_t)(colon - s) >= sizeof(host))
		die("bad address \"%s\" (want A.B.C.D:PORT)", s);
	memcpy(host, s, colon - s);
	host[colon - s] = 0;
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		die("bad address \"%s\"", s);
	sin->sin_port = htons(atoi(colon + 1));
}

static int wire_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "from", required_argument, NULL, 'f' },
		{ "src-netns", required_argument, NULL, 'S' },
		{ "node", required_argument, NULL, 'n' },
		{ "count", required_argument, NULL, 'c' },
		{ "seed", required_argument, NULL, 's' },
		{ "corpus", required_argument, NULL, 'C' },
		{ "all-dropped", no_argument, NULL, 'a' },
		{ "settle", required_argument, NULL, 'w' },
		{ "dry-run", no_argument, NULL, 'd' },
		{ "psk", required_argument, NULL, 'P' },
		{ "key", required_argument, NULL, 'k' },
		{ "peer-key", required_argument, NULL, 'K' },
		{ "cpu", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	const char *src_netns = NULL, *node = NULL, *to = NULL, *from = NULL;
	const char *psk_file = NULL, *key_file = NULL, *peer_file = NULL;
	const char *corpora[8];
	unsigned int ncorpora = 0, settle = 60, i, corpus_seeds = 0;
	u64 count = 100000, b[NCNT], a[NCNT], soft0, last = ~0ULL;
	struct sockaddr_in dst, src = { .sin_family = AF_INET };
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];
	struct blob *out;
	struct tally *t;
	bool all_dropped = false, dry = false;
	double t0, t1, deadline;
	int c, fd, self, stable = 0, cpu = -1;
	struct nl nl;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't': to = optarg; break;
		case 'f': from = optarg; break;
		case 'S': src_netns = optarg; break;
		case 'n': node = optarg; break;
		case 'c': count = strtoull(optarg, NULL, 0); break;
		case 's': seed_rng(optarg); break;
		case 'C':
			if (ncorpora < ARRAY_SIZE(corpora))
				corpora[ncorpora++] = optarg;
			break;
		case 'a': all_dropped = fz_at_aggregator = true; break;
		case 'w': settle = atoi(optarg); break;
		case 'd': dry = true; break;
		case 'P': psk_file = optarg; break;
		case 'k': key_file = optarg; break;
		case 'K': peer_file = optarg; break;
		case 'u': cpu = atoi(optarg); break;
		default: return 2;
		}
	}
	if ((!dry && (!to || !node)) || !count ||
	    ((psk_file || key_file || peer_file) &&
	     !(psk_file && key_file && peer_file))) {
		fprintf(stderr, "usage: livefuzz wire --to ADDR:PORT --node NETNS --count N\n"
			"       [--from ADDR] [--src-netns NETNS] [--seed S]\n"
			"       [--corpus DIR]... [--all-dropped] [--settle SEC]\n"
			"       [--psk FILE --key PUB --peer-key PUB] [--cpu N]\n"
			"       livefuzz wire --dry-run --count N [--seed S] [--corpus DIR]...\n");
		return 2;
	}
	if (dry)
		to = "127.0.0.1:9";
	parse_addr(to, &dst);
	if (from && inet_pton(AF_INET, from, &src.sin_addr) != 1)
		die("bad --from \"%s\"", from);

	pool = calloc(POOL_MAX, sizeof(*pool));
	out = calloc(BATCH, sizeof(*out));
	sent_ring = calloc(SENT_RING, sizeof(*sent_ring));
	t = calloc(1, sizeof(*t));
	if (!pool || !out || !sent_ring || !t)
		die("out of memory");
	if (psk_file)
		key_link(psk_file, key_file, peer_file);
	read_header(true);
	i = pool_n;
	for (c = 0; c < (int)ncorpora; c++)
		corpus_seeds += read_corpus(corpora[c]);
	printf("# seeds: %u from %s, %u from %u corpora; %s\n", i, header_path,
	       corpus_seeds, ncorpora, fz_keyed ?
	       "half the mutants sealed for the fuzzer's link" :
	       "no link (--psk): nothing sealed opens");
	if (!pool_n)
		die("no seeds");

	if (dry) {
		/* The mutator alone: what the parser makes of its output. */
		memset(b, 0, sizeof(b));
		memcpy(a, b, sizeof(a));
		node = NULL;
	} else {
		nl_open(&nl, node);
	}
	self = enter_netns(src_netns);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&src, sizeof(src)) ||
	    connect(fd, (struct sockaddr *)&dst, sizeof(dst)))
		die("UDP socket to %s failed: %s", to, strerror(errno));
	leave_netns(self);
	c = 4 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &c, sizeof(c));
	pin_to_cpu(cpu);

	if (!dry)
		read_counters(&nl, b);
	soft0 = softnet_dropped();
	t0 = now_s();
	while (t->sent < count) {
		unsigned int n = count - t->sent < BATCH ? count - t->sent : BATCH;
		int sent;

		for (i = 0; i < n; i++) {
			struct blob msg;
			bool sealed = false;

			mutate(&out[i]);
			if (fz_keyed && chance(50))
				sealed = mutate_sealed(&out[i], &msg, t);
			else
				msg = out[i];
			t->sealed += sealed;
			/*
			 * What parses, refusals that are still rare, and now
			 * and then a message passed up feed the pool: the
			 * message, which a later one may seal.
			 */
			if (predict(&out[i], t))
				pool_add(msg.b, msg.n, false);
			iov[i].iov_base = out[i].b;
			iov[i].iov_len = out[i].n;
			memset(&mm[i], 0, sizeof(mm[i]));
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
		}
		for (i = 0, sent = n; i < n && !dry; i += sent) {
			sent = sendmmsg(fd, mm + i, n - i, 0);
			if (sent < 0 && (errno == EINTR || errno == ENOBUFS)) {
				sent = 0;
				continue;
			}
			/* ECONNREFUSED: an ICMP error of an earlier one. */
			if (sent < 0 && errno == ECONNREFUSED) {
				sent = 0;
				continue;
			}
			if (sent < 0)
				die("sendmmsg failed: %s", strerror(errno));
		}
		t->sent += n;
		drain_answers(fd, t);
		if (t->sent % 100000 < BATCH)
			printf("# %" PRIu64 " sent, %.0f/s\n", t->sent,
			       t->sent / (now_s() - t0));
		fflush(stdout);
	}
	t1 = now_s();
	printf("# %" PRIu64 " datagrams in %.1f s (%.0f/s), pool %u\n",
	       t->sent, t1 - t0, t->sent / (t1 - t0), pool_n);

	if (dry) {
		print_tally(t, b, a);
		return 0;
	}
	/* Until the node has counted them all (or its counters rest). */
	deadline = now_s() + settle;
	for (;;) {
		u64 acc;

		drain_answers(fd, t);
		read_counters(&nl, a);
		acc = accounted(b, a);
		if (all_dropped && acc >= t->sent)
			break;
		stable = acc == last ? stable + 1 : 0;
		last = acc;
		if (!all_dropped && stable >= 10)
			break;
		if (now_s() > deadline) {
			printf("# the counters still moved after %u s\n", settle);
			break;
		}
		sleep_ms(200);
	}
	check_accounting(t, b, a, all_dropped, softnet_dropped() - soft0);
	return failures ? 1 : 0;
}

/* ---- livefuzz counters ------------------------------------------------------ */

static int counters_main(int argc, char **argv)
{
	u64 cnt[NCNT];
	struct nl nl;
	int i;

	if (argc > 2) {
		fprintf(stderr, "usage: livefuzz counters [NETNS]\n");
		return 2;
	}
	read_header(false);
	nl_open(&nl, argc == 2 ? argv[1] : NULL);
	read_counters(&nl, cnt);
	for (i = FIRST_COUNTER; i < NCNT; i++)
		printf("%s %" PRIu64 "\n", cname(i), cnt[i]);
	return 0;
}

/* ---- livefuzz genl ------------------------------------------------------------- */

/* What the node shows; the parts a running cycle moves are left out. */
struct snap {
	char s[16384];
	size_t n;
};

static void snap_add(struct snap *sn, const char *fmt, ...)
{
	va_list ap;

	if (sn->n >= sizeof(sn->s) - 1)
		return;
	va_start(ap, fmt);
	sn->n += vsnprintf(sn->s + sn->n, sizeof(sn->s) - sn->n, fmt, ap);
	va_end(ap);
	if (sn->n > sizeof(sn->s) - 1)
		sn->n = sizeof(sn->s) - 1;
}

/* Every attribute of @nest (or the message) but those in @skip. */
static void snap_attrs(struct snap *sn, const char *what,
		       const struct nlattr *first, const void *end,
		       const u16 *skip, unsigned int nskip)
{
	const struct nlattr *a;
	unsigned int i;

	for (a = first; mnl_attr_ok(a, (const char *)end - (const char *)a);
	     a = mnl_attr_next(a)) {
		u16 type = mnl_attr_get_type(a);
		const u8 *p = mnl_attr_get_payload(a);
		bool skipped = false;

		for (i = 0; i < nskip; i++)
			skipped |= skip[i] == type;
		if (skipped)
			continue;
		snap_add(sn, "%s.%u=", what, type);
		for (i = 0; i < mnl_attr_get_payload_len(a); i++)
			snap_add(sn, "%02x", p[i]);
		snap_add(sn, "\n");
	}
}

static void snap_status_cb(const struct nlmsghdr *nlh, void *data)
{
	static const u16 skip[] = { AGISWARM_A_COUNTERS, AGISWARM_A_CYCLE_ID,
				    AGISWARM_A_PAD };

	snap_attrs(data, "status", mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN),
		   mnl_nlmsg_get_payload_tail(nlh), skip, ARRAY_SIZE(skip));
}

static void snap_peer_cb(const struct nlmsghdr *nlh, void *data)
{
	/* What a cycle, the link's traffic and the clock move. */
	static const u16 skip[] = { AGISWARM_PEER_A_GEN, AGISWARM_PEER_A_RESULTS,
				    AGISWARM_PEER_A_MISSED,
				    AGISWARM_PEER_A_LAST_CYCLE,
				    AGISWARM_PEER_A_PAD,
				    AGISWARM_PEER_A_KEY_AGE,
				    AGISWARM_PEER_A_LINK_RX,
				    AGISWARM_PEER_A_LINK_TX };
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, GENL_HDRLEN)
		if (mnl_attr_get_type(a) == AGISWARM_A_PEER)
			snap_attrs(data, "peer", mnl_attr_get_payload(a),
				   (const char *)a + mnl_attr_get_len(a),
				   skip, ARRAY_SIZE(skip));
	snap_add(data, "--\n");
}

static void snap_matrix_cb(const struct nlmsghdr *nlh, void *data)
{
	static const u16 skip[] = { AGISWARM_A_PAD };

	snap_attrs(data, "matrix", mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN),
		   mnl_nlmsg_get_payload_tail(nlh), skip, ARRAY_SIZE(skip));
}

static void snap_job_cb(const struct nlmsghdr *nlh, void *data)
{
	/* What a job's run moves. */
	static const u16 skip[] = { AGISWARM_A_JOB_STATE, AGISWARM_A_JOB_DONE,
				    AGISWARM_A_JOB_ERROR,
				    AGISWARM_A_JOB_ELAPSED_NS,
				    AGISWARM_A_JOB_WORKERS, AGISWARM_A_PAD };

	snap_attrs(data, "job", mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN),
		   mnl_nlmsg_get_payload_tail(nlh), skip, ARRAY_SIZE(skip));
	snap_add(data, "--\n");
}

static void snapshot(struct nl *nl, struct snap *sn)
{
	static const struct {
		u8 cmd;
		u16 flags;
		nl_data_cb cb;
	} reads[] = {
		{ AGISWARM_CMD_GET_STATUS, 0, snap_status_cb },
		{ AGISWARM_CMD_GET_PEERS, NLM_F_DUMP, snap_peer_cb },
		{ AGISWARM_CMD_GET_MATRIX, 0, snap_matrix_cb },
		{ AGISWARM_CMD_JOB_GET, NLM_F_DUMP, snap_job_cb },
	};
	char buf[64] __attribute__((aligned(8)));
	struct nlmsghdr *nlh;
	struct nl_reply r;
	unsigned int i;

	sn->n = 0;
	sn->s[0] = 0;
	for (i = 0; i < ARRAY_SIZE(reads); i++) {
		nlh = nl_put(nl, buf, nl->family, reads[i].cmd,
			     NLM_F_REQUEST | NLM_F_ACK | reads[i].flags);
		if (nl_txn(nl, nlh, nlh->nlmsg_len, reads[i].cb, sn, &r))
			die("snapshot read %u failed: %s", reads[i].cmd,
			    strerror(errno));
		snap_add(sn, "read %u: %d\n", reads[i].cmd, r.err);
	}
}

/* The first line where two snapshots differ, for the report. */
static void snap_diff(const struct snap *x, const struct snap *y)
{
	const char *p = x->s, *q = y->s;

	while (*p && *p == *q) {
		p++;
		q++;
	}
	while (p > x->s && p[-1] != '\n') {
		p--;
		q--;
	}
	printf("#   before: %.*s\n", (int)strcspn(p, "\n"), p);
	printf("#   after:  %.*s\n", (int)strcspn(q, "\n"), q);
}

/* ---- request generator ---- */

struct gen {
	u8 *buf;
	size_t n, cap;
	u16 port;		/* the node's UDP port, for SEND */
};

static void put_attr(struct gen *g, u16 type, const void *p, size_t len)
{
	struct nlattr *a;

	if (g->n + MNL_ALIGN(sizeof(*a) + len) > g->cap)
		return;
	a = (struct nlattr *)(g->buf + g->n);
	a->nla_type = type;
	a->nla_len = sizeof(*a) + len;
	memcpy(a + 1, p, len);
	memset((u8 *)(a + 1) + len, 0, MNL_ALIGN(a->nla_len) - a->nla_len);
	g->n += MNL_ALIGN(a->nla_len);
}

static size_t nest_begin(struct gen *g, u16 type)
{
	size_t at = g->n;

	put_attr(g, type | (chance(90) ? NLA_F_NESTED : 0), NULL, 0);
	return at;
}

static void nest_end(struct gen *g, size_t at)
{
	struct nlattr *a = (struct nlattr *)(g->buf + at);

	if (at < g->n)
		a->nla_len = g->n - at;
}

/* A value near the edges that matter, or anything. */
static u64 pick_u(u64 max)
{
	switch (below(6)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return max;
	case 3: return max + 1;
	case 4: return interesting_int[below(ARRAY_SIZE(interesting_int))];
	default: return rnd() % (max + 2);
	}
}

/* A valid format mostly, else anything pick_u() gives. */
static u64 pick_fmt(void)
{
	return chance(80) ? AGISWARM_Q1_31 + below(AGISWARM_Q_MAX) :
		pick_u(AGISWARM_Q_MAX);
}

static void put_u(struct gen *g, u16 type, unsigned int bytes, u64 v)
{
	u8 b8 = v;
	u16 b16 = v;
	u32 b32 = v;

	/* Sometimes the wrong width. */
	if (chance(5))
		bytes = 1u << below(4);
	switch (bytes) {
	case 1: put_attr(g, type, &b8, 1); break;
	case 2: put_attr(g, type, &b16, 2); break;
	case 4: put_attr(g, type, &b32, 4); break;
	default: put_attr(g, type, &v, 8); break;
	}
}

static void put_s32s(struct gen *g, u16 type, unsigned int n)
{
	s32 v[AGISWARM_WIRE_VEC_MAX + 3] = { 0 };
	unsigned int i;

	if (n > ARRAY_SIZE(v) - 1)
		n = ARRAY_SIZE(v) - 1;
	/* Mostly within Q1.15's range, so that every format takes them. */
	for (i = 0; i < n; i++)
		v[i] = chance(60) ? (s32)below(1 << 16) - (1 << 15) :
			chance(60) ? (s32)(rnd() >> 40) - (1 << 23) :
			(s32)interesting_int[below(ARRAY_SIZE(interesting_int))];
	put_attr(g, type, v, n * sizeof(s32) + (chance(5) ? below(3) : 0));
}

static void put_endpoint(struct gen *g, u16 type)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(chance(80) ? g->port : pick_u(65535)),
		.sin_addr.s_addr = htonl(chance(80) ? INADDR_LOOPBACK :
					 (u32)rnd()),
	};
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6,
				     .sin6_port = htons(g->port) };

	if (chance(5))
		sin.sin_family = below(64);
	if (chance(10))
		put_attr(g, type, &sin6, sizeof(sin6));
	else if (chance(5))
		put_attr(g, type, &sin, below(sizeof(sin) + 1));
	else
		put_attr(g, type, &sin, sizeof(sin));
}

/* The public key of setup_node()'s peer @i (1..5); 6 and 7 name no peer. */
static void fuzz_pubkey(u8 pk[AGISWARM_PUBKEY_LEN], unsigned int i)
{
	memset(pk, 0x40 + i, AGISWARM_PUBKEY_LEN);
}

/* A known key mostly, an unknown one, random bytes or a wrong length. */
static void put_pubkey(struct gen *g)
{
	u8 pk[AGISWARM_PUBKEY_LEN + 4];
	unsigned int i;

	fuzz_pubkey(pk, 1 + below(7));
	if (chance(5))
		for (i = 0; i < sizeof(pk); i++)
			pk[i] = rnd();
	put_attr(g, AGISWARM_PEER_A_PUBKEY, pk, chance(95) ?
		 AGISWARM_PUBKEY_LEN : below(sizeof(pk) + 1));
}

static void put_peer(struct gen *g)
{
	size_t at = nest_begin(g, AGISWARM_A_PEER);

	if (chance(90))
		put_u(g, AGISWARM_PEER_A_KIND, 1, pick_u(AGISWARM_PEER_MAX));
	if (chance(90))
		put_u(g, AGISWARM_PEER_A_ID, 4, chance(80) ? 1 + below(4) :
		      pick_u(~0u));
	if (chance(80))
		put_endpoint(g, AGISWARM_PEER_A_ENDPOINT);
	if (chance(20))
		put_u(g, AGISWARM_PEER_A_HEALTH, 1, pick_u(AGISWARM_HEALTH_MAX));
	if (chance(40))
		put_pubkey(g);
	if (chance(15))
		put_u(g, AGISWARM_PEER_A_RANK, 1, pick_u(AGISWARM_GROUP_MAX - 1));
	if (chance(5))
		put_u(g, below(AGISWARM_PEER_A_MAX + 3), 4, rnd());
	nest_end(g, at);
}

/* SET_KEY: the link by its key, and a keypair. */
static void put_key(struct gen *g)
{
	u8 key[AGISWARM_SEAL_KEY_LEN + 4];
	size_t at;
	unsigned int i, k;

	if (chance(95)) {
		at = nest_begin(g, AGISWARM_A_PEER);
		if (chance(95))
			put_pubkey(g);
		if (chance(5))
			put_u(g, AGISWARM_PEER_A_KIND, 1,
			      pick_u(AGISWARM_PEER_MAX));
		nest_end(g, at);
	}
	if (chance(5))
		return;
	at = nest_begin(g, AGISWARM_A_KEY);
	/*
	 * Few indices, so that some are taken (-EEXIST, or a STATIC one
	 * replacing its link's), or any.
	 */
	if (chance(95))
		put_u(g, AGISWARM_KEY_A_LOCAL_INDEX, 4,
		      chance(40) ? 1 + below(8) :
		      chance(80) ? 1 + below(~0u) : pick_u(~0u));
	if (chance(95))
		put_u(g, AGISWARM_KEY_A_REMOTE_INDEX, 4,
		      chance(80) ? 1 + below(8) : pick_u(~0u));
	for (k = AGISWARM_KEY_A_RX; k <= AGISWARM_KEY_A_TX; k++) {
		for (i = 0; i < sizeof(key); i++)
			key[i] = rnd();
		if (chance(95))
			put_attr(g, k, key, chance(95) ? AGISWARM_SEAL_KEY_LEN :
				 below(sizeof(key) + 1));
	}
	if (chance(30))
		put_u(g, AGISWARM_KEY_A_TX_COUNTER, 8, pick_u(~0ULL));
	if (chance(95))
		put_u(g, AGISWARM_KEY_A_MODE, 1, chance(80) ?
		      below(AGISWARM_KEY_MODE_MAX + 1) :
		      pick_u(AGISWARM_KEY_MODE_MAX));
	if (chance(5))
		put_u(g, below(AGISWARM_KEY_A_MAX + 3), 4, rnd());
	nest_end(g, at);
}

static void put_pid(struct gen *g)
{
	size_t at = nest_begin(g, AGISWARM_A_PID);
	u16 i;

	for (i = AGISWARM_PID_A_KP; i <= AGISWARM_PID_A_HI; i++)
		if (chance(40))
			put_u(g, i, 4, rnd());
	if (chance(30))
		put_s32s(g, AGISWARM_PID_A_SETPOINT, below(10) ? 1 + below(8) :
			 below(AGISWARM_WIRE_VEC_MAX + 2));
	nest_end(g, at);
}

/*
 * Jobs are numbered 1, 2, ... as submitted. Data and reads go mostly to
 * the newest (still loading, unless its data is complete), a cancel to
 * any taken so far (so that the newest lives long enough to take data),
 * now and then to any id.
 */
static u32 jobs_taken;
/*
 * The entries of A and of B the newest job has taken, and what the last
 * JOB_DATA generated sent (part, count), counted when it is taken: the
 * next one mostly continues where the data stands.
 */
static u32 newest_have[AGISWARM_JOB_PART_MAX + 1];
static u32 data_part, data_count;

static void job_taken(u8 cmd)
{
	if (cmd == AGISWARM_CMD_JOB_SUBMIT) {
		jobs_taken++;
		memset(newest_have, 0, sizeof(newest_have));
	} else if (cmd == AGISWARM_CMD_JOB_DATA &&
		   data_part <= AGISWARM_JOB_PART_MAX) {
		newest_have[data_part] += data_count;
	}
}

static void put_job_id(struct gen *g, bool newest)
{
	u32 id = pick_u(~0u);

	if (chance(90) && jobs_taken)
		id = newest ? jobs_taken - below(jobs_taken < 2 ? 1 : 2) :
			1 + below(jobs_taken);
	put_u(g, AGISWARM_A_JOB_ID, 4, id);
}

static void put_job(struct gen *g, u8 cmd)
{
	switch (cmd) {
	case AGISWARM_CMD_JOB_SUBMIT:
		/* Small, so that the data to complete one comes in time. */
		if (chance(95))
			put_u(g, AGISWARM_A_JOB_OP, 1, chance(90) ?
			      1 + below(AGISWARM_JOB_OP_MAX) :
			      pick_u(AGISWARM_JOB_OP_MAX));
		if (chance(95))
			put_u(g, AGISWARM_A_MATRIX_FMT, 1, chance(90) ?
			      AGISWARM_Q1_31 + below(AGISWARM_Q_MAX) :
			      pick_fmt());
		if (chance(95))
			put_u(g, AGISWARM_A_INPUT_FMT, 1, chance(90) ?
			      AGISWARM_Q1_31 + below(AGISWARM_Q_MAX) :
			      pick_fmt());
		if (chance(95))
			put_u(g, AGISWARM_A_JOB_ROWS, 4, chance(90) ?
			      1 + below(4) : pick_u(256));
		if (chance(95))
			put_u(g, AGISWARM_A_JOB_COLS, 4, chance(90) ?
			      1 + below(4) : pick_u(AGISWARM_WIRE_VEC_MAX));
		if (chance(95))
			put_u(g, AGISWARM_A_JOB_BCOLS, 4, chance(90) ?
			      1 + below(4) : pick_u(AGISWARM_JOB_BCOLS_MAX));
		if (chance(30))
			put_u(g, AGISWARM_A_JOB_PRIORITY, 1, pick_u(255));
		if (chance(30))
			put_u(g, AGISWARM_A_JOB_TIMEOUT_MS, 4, chance(50) ?
			      below(2000) : pick_u(~0u));
		/* A probe's worker: setup_node()'s are 1..3. */
		if (chance(50))
			put_u(g, AGISWARM_A_JOB_WORKER, 4, chance(80) ?
			      1 + below(5) : pick_u(~0u));
		break;
	case AGISWARM_CMD_JOB_DATA:
		if (chance(95))
			put_job_id(g, true);
		data_part = chance(90) ? below(AGISWARM_JOB_PART_MAX + 1) :
			pick_u(AGISWARM_JOB_PART_MAX);
		if (chance(95))
			put_u(g, AGISWARM_A_JOB_PART, 1, data_part);
		/*
		 * Mostly where the newest job's data stands, and few: taken
		 * when they fit its matrix and its format.
		 */
		if (chance(95))
			put_u(g, AGISWARM_A_JOB_OFFSET, 4, chance(80) &&
			      data_part <= AGISWARM_JOB_PART_MAX ?
			      newest_have[data_part] :
			      chance(80) ? below(16) : pick_u(~0u));
		data_count = chance(50) ? 1 : chance(80) ? 1 + below(16) :
			below(AGISWARM_WIRE_VEC_MAX + 2);
		if (chance(95))
			put_s32s(g, AGISWARM_A_JOB_DATA, data_count);
		break;
	case AGISWARM_CMD_JOB_GET:
		if (chance(95))
			put_job_id(g, true);
		if (chance(30))
			put_u(g, AGISWARM_A_JOB_OFFSET, 4, chance(50) ?
			      below(16) : pick_u(~0u));
		break;
	case AGISWARM_CMD_JOB_CANCEL:
		if (chance(95))
			put_job_id(g, false);
		break;
	}
}

static void put_datagram(struct gen *g)
{
	struct blob m;

	mutate(&m);
	if (m.n > 1500)
		m.n = 1500;
	/* Mostly well framed, which is all SEND checks of it. */
	if (chance(70) && m.n >= AGISWARM_WIRE_HDR_LEN &&
	    m.n <= AGISWARM_WIRE_MAX) {
		m.b[0] = AGISWARM_WIRE_VERSION;
		agi_put_be16(m.n - AGISWARM_WIRE_HDR_LEN, m.b + 2);
	}
	put_attr(g, AGISWARM_A_DATAGRAM, m.b, m.n);
}

/* Attributes shaped by the command's policy, values at the edges. */
static void shaped_attrs(struct gen *g, u8 cmd)
{
	unsigned int rows, cols;

	switch (cmd) {
	case AGISWARM_CMD_SET_NODE:
		/*
		 * An aggregator mostly, so that what only it does (the
		 * cycle, jobs) is reached between role changes.
		 */
		if (chance(30))
			put_u(g, AGISWARM_A_ROLE, 1, chance(50) ?
			      AGISWARM_ROLE_AGGREGATOR :
			      pick_u(AGISWARM_ROLE_MAX));
		if (chance(20))
			put_u(g, AGISWARM_A_NODE_ID, 4, pick_u(~0u));
		if (chance(15))
			put_u(g, AGISWARM_A_PORT, 2, chance(70) ?
			      g->port + below(2) : pick_u(65535));
		if (chance(15))
			put_u(g, AGISWARM_A_EPOCH, 8, pick_u(~0ULL));
		if (chance(20))
			put_u(g, AGISWARM_A_CYCLE_PERIOD_US, 4,
			      chance(50) ? 1000 * (1 + below(100)) :
			      pick_u(10000000));
		if (chance(20))
			put_u(g, AGISWARM_A_CYCLE_DEADLINE_US, 4,
			      chance(50) ? 1000 * (1 + below(100)) :
			      pick_u(10000000));
		if (chance(15))
			put_u(g, AGISWARM_A_MISS_POLICY, 1,
			      pick_u(AGISWARM_MISS_MAX));
		if (chance(15))
			put_u(g, AGISWARM_A_CONTROL_LAW, 1,
			      pick_u(AGISWARM_LAW_MAX));
		if (chance(15))
			put_pid(g);
		if (chance(15))
			put_u(g, AGISWARM_A_REDUNDANCY, 1, pick_u(16));
		if (chance(10))
			put_u(g, AGISWARM_A_CODE_SEED, 8, rnd());
		if (chance(10))
			put_u(g, AGISWARM_A_RUNNING, 1, pick_u(1));
		if (chance(10))
			put_u(g, AGISWARM_A_APPLY_AT_CYCLE, 8, pick_u(1000));
		if (chance(10))
			put_u(g, AGISWARM_A_GROUP_RANK, 1,
			      pick_u(AGISWARM_GROUP_MAX - 1));
		if (chance(10))
			put_u(g, AGISWARM_A_GROUP_SIZE, 1,
			      pick_u(AGISWARM_GROUP_MAX));
		if (chance(10))
			put_u(g, AGISWARM_A_FAILURE_THRESHOLD, 1, pick_u(100));
		if (chance(10))
			put_u(g, AGISWARM_A_PROBE_JOIN, 1, pick_u(1));
		break;
	case AGISWARM_CMD_ADD_PEER:
	case AGISWARM_CMD_DEL_PEER:
		put_peer(g);
		break;
	case AGISWARM_CMD_SET_MATRIX:
		rows = chance(90) ? 1 + below(6) : pick_u(AGISWARM_WIRE_VEC_MAX);
		cols = chance(90) ? 1 + below(6) : pick_u(AGISWARM_WIRE_VEC_MAX);
		if (chance(95))
			put_u(g, AGISWARM_A_MATRIX_FMT, 1, pick_fmt());
		if (chance(95))
			put_u(g, AGISWARM_A_MATRIX_ROWS, 4, rows);
		if (chance(95))
			put_u(g, AGISWARM_A_MATRIX_COLS, 4, cols);
		if (chance(95))
			put_u(g, AGISWARM_A_MATRIX_FIRST_ROW, 4,
			      chance(75) ? 0 : below(rows + 2));
		/* The whole matrix, whole rows of it, or anything. */
		if (chance(95))
			put_s32s(g, AGISWARM_A_MATRIX_DATA,
				 (chance(50) ? rows : chance(70) ?
				  1 + below(rows) : below(64)) * cols);
		if (chance(10))
			put_u(g, AGISWARM_A_APPLY_AT_CYCLE, 8, pick_u(1000));
		break;
	case AGISWARM_CMD_SET_INPUT:
		if (chance(95))
			put_u(g, AGISWARM_A_INPUT_FMT, 1, pick_fmt());
		if (chance(95))
			put_s32s(g, AGISWARM_A_INPUT_X, chance(80) ?
				 1 + below(6) : below(AGISWARM_WIRE_VEC_MAX + 2));
		if (chance(10))
			put_u(g, AGISWARM_A_APPLY_AT_CYCLE, 8, pick_u(1000));
		break;
	case AGISWARM_CMD_SET_FAULT:
	case AGISWARM_CMD_CLEAR_FAULT:
		if (chance(90))
			put_u(g, AGISWARM_A_FAULT_WORKER, 4, chance(80) ?
			      1 + below(4) : pick_u(~0u));
		if (chance(80))
			put_u(g, AGISWARM_A_FAULT_KIND, 1,
			      pick_u(AGISWARM_FAULT_MAX));
		if (chance(70))
			put_u(g, AGISWARM_A_FAULT_VALUE, 4,
			      chance(50) ? below(101) : pick_u(10000));
		break;
	case AGISWARM_CMD_GET_METRICS:
		if (chance(50))
			put_u(g, AGISWARM_A_CYCLE_ID, 8, pick_u(2000));
		break;
	case AGISWARM_CMD_SET_KEY:
		put_key(g);
		break;
	case AGISWARM_CMD_SEND:
		if (chance(95))
			put_endpoint(g, AGISWARM_A_PEER_ENDPOINT);
		if (chance(95))
			put_datagram(g);
		break;
	case AGISWARM_CMD_JOB_SUBMIT:
	case AGISWARM_CMD_JOB_DATA:
	case AGISWARM_CMD_JOB_GET:
	case AGISWARM_CMD_JOB_CANCEL:
		put_job(g, cmd);
		break;
	}
	/* One attribute the command does not take, now and then. */
	if (chance(5))
		put_u(g, below(AGISWARM_A_MAX + 4), 1u << below(4), rnd());
}

/* Any tree: types, lengths, flags and nesting at random. */
static void random_attrs(struct gen *g, unsigned int depth)
{
	unsigned int k = below(6), i;

	while (k--) {
		u16 type = below(10) ? below(AGISWARM_A_MAX + 4) : rnd();
		u8 junk[64];

		if (depth < 4 && chance(25)) {
			size_t at = nest_begin(g, type & NLA_TYPE_MASK);

			random_attrs(g, depth + 1);
			nest_end(g, at);
			continue;
		}
		for (i = 0; i < sizeof(junk); i++)
			junk[i] = rnd();
		put_attr(g, type & (chance(90) ? NLA_TYPE_MASK : 0xffff), junk,
			 below(10) ? 1u << below(4) : below(sizeof(junk) + 1));
	}
}

static u8 pick_cmd(void)
{
	switch (below(10)) {
	case 0:
		return rnd();			/* anything, mostly unknown */
	case 1:
		return chance(50) ? AGISWARM_CMD_UNSPEC :
			chance(50) ? AGISWARM_CMD_CYCLE : AGISWARM_CMD_UPCALL;
	default:
		return 1 + below(AGISWARM_CMD_MAX);
	}
}

/* Builds one request into @buf (at most @cap bytes); returns its length. */
static size_t gen_request(struct nl *nl, u8 *buf, size_t cap, u16 port,
			  u8 *cmd_out)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct genlmsghdr *gh = (struct genlmsghdr *)(nlh + 1);
	struct gen g = { buf, NLMSG_HDRLEN + GENL_HDRLEN, cap, port };
	u8 cmd = pick_cmd();
	unsigned int mode = below(10), k;

	memset(buf, 0, g.n);
	nlh->nlmsg_type = nl->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | (chance(90) ? NLM_F_ACK : 0);
	if (chance(15))
		nlh->nlmsg_flags |= NLM_F_DUMP;
	if (chance(3))
		nlh->nlmsg_flags |= rnd() & 0x0ff0;
	nlh->nlmsg_seq = ++nl->seq;
	gh->cmd = cmd;
	gh->version = chance(95) ? AGISWARM_GENL_VERSION : rnd();
	gh->reserved = chance(97) ? 0 : rnd();
	if (mode < 6) {
		shaped_attrs(&g, cmd);
	} else if (mode < 8) {
		random_attrs(&g, 0);
	} else {
		/* Shaped, then damaged: lengths, types, bytes. */
		shaped_attrs(&g, cmd);
		for (k = 1 + below(3); k--;) {
			size_t at = NLMSG_HDRLEN + GENL_HDRLEN;

			if (g.n <= at)
				break;
			at += below(g.n - at);
			buf[at] = chance(50) ? rnd() :
				interesting_u8[below(sizeof(interesting_u8))];
		}
		if (chance(30) && g.n > NLMSG_HDRLEN + GENL_HDRLEN)
			g.n -= below(g.n - NLMSG_HDRLEN - GENL_HDRLEN) + 1;
	}
	nlh->nlmsg_len = g.n;
	*cmd_out = cmd;
	return g.n;
}

/* Commands that need CAP_NET_ADMIN (GENL_UNS_ADMIN_PERM). */
static bool admin_cmd(u8 cmd)
{
	switch (cmd) {
	case AGISWARM_CMD_SET_NODE:
	case AGISWARM_CMD_ADD_PEER:
	case AGISWARM_CMD_DEL_PEER:
	case AGISWARM_CMD_SET_MATRIX:
	case AGISWARM_CMD_SET_INPUT:
	case AGISWARM_CMD_SET_FAULT:
	case AGISWARM_CMD_CLEAR_FAULT:
	case AGISWARM_CMD_REGISTER_DAEMON:
	case AGISWARM_CMD_SEND:
	case AGISWARM_CMD_SET_KEY:
	case AGISWARM_CMD_JOB_SUBMIT:
	case AGISWARM_CMD_JOB_DATA:
	case AGISWARM_CMD_JOB_CANCEL:
	/* The reads that show peers, keys, the matrix, outputs and jobs. */
	case AGISWARM_CMD_GET_PEERS:
	case AGISWARM_CMD_GET_MATRIX:
	case AGISWARM_CMD_GET_METRICS:
	case AGISWARM_CMD_JOB_GET:
		return true;
	}
	return false;
}

static bool read_cmd(u8 cmd)
{
	return cmd == AGISWARM_CMD_GET_STATUS || cmd == AGISWARM_CMD_GET_PEERS ||
	       cmd == AGISWARM_CMD_GET_MATRIX || cmd == AGISWARM_CMD_GET_METRICS ||
	       cmd == AGISWARM_CMD_JOB_GET;
}

/* A request of @cmd with the attributes @g holds; dies unless it is taken. */
static void must(struct nl *nl, u8 cmd, const struct gen *g, const char *what)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)g->buf;
	struct genlmsghdr *gh = (struct genlmsghdr *)(nlh + 1);
	struct nl_reply r;

	nlh->nlmsg_len = g->n;
	nlh->nlmsg_type = nl->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++nl->seq;
	gh->cmd = cmd;
	gh->version = AGISWARM_GENL_VERSION;
	if (nl_txn(nl, nlh, g->n, NULL, NULL, &r) || r.err)
		die("setting up the node: %s failed: %s%s%s", what,
		    strerror(r.err < 0 ? -r.err : errno), r.msg[0] ? ": " : "",
		    r.msg);
}

static void gen_reset(struct gen *g)
{
	g->n = NLMSG_HDRLEN + GENL_HDRLEN;
	memset(g->buf, 0, g->n);
}

/*
 * A node worth fuzzing: an aggregator (stopped) with three workers, a
 * sensor and an actuator, each with a public key (a link, for SET_KEY), a
 * 3x2 matrix and an input.
 */
static void setup_node(struct nl *nl, u16 port)
{
	static u8 buf[4096] __attribute__((aligned(8)));
	struct gen g = { buf, 0, sizeof(buf), port };
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	s32 a[6] = { 1 << 28, -(1 << 28), 1 << 27, 0, 3, -3 };
	s32 x[2] = { 1 << 29, -(1 << 29) };
	u8 role = AGISWARM_ROLE_AGGREGATOR, fmt = AGISWARM_Q1_31, kind;
	u8 pk[AGISWARM_PUBKEY_LEN];
	u32 id = 1, v;
	size_t at;

	gen_reset(&g);
	put_attr(&g, AGISWARM_A_ROLE, &role, 1);
	put_attr(&g, AGISWARM_A_NODE_ID, &id, 4);
	put_attr(&g, AGISWARM_A_PORT, &port, 2);
	must(nl, AGISWARM_CMD_SET_NODE, &g, "SET_NODE");
	for (id = 1; id <= 5; id++) {
		gen_reset(&g);
		kind = id <= 3 ? AGISWARM_PEER_WORKER : id == 4 ?
			AGISWARM_PEER_SENSOR : AGISWARM_PEER_ACTUATOR;
		sin.sin_port = htons(port + id);
		at = g.n;
		put_attr(&g, AGISWARM_A_PEER | NLA_F_NESTED, NULL, 0);
		put_attr(&g, AGISWARM_PEER_A_KIND, &kind, 1);
		put_attr(&g, AGISWARM_PEER_A_ID, &id, 4);
		put_attr(&g, AGISWARM_PEER_A_ENDPOINT, &sin, sizeof(sin));
		fuzz_pubkey(pk, id);
		put_attr(&g, AGISWARM_PEER_A_PUBKEY, pk, sizeof(pk));
		nest_end(&g, at);
		must(nl, AGISWARM_CMD_ADD_PEER, &g, "ADD_PEER");
	}
	gen_reset(&g);
	put_attr(&g, AGISWARM_A_MATRIX_FMT, &fmt, 1);
	v = 3;
	put_attr(&g, AGISWARM_A_MATRIX_ROWS, &v, 4);
	v = 2;
	put_attr(&g, AGISWARM_A_MATRIX_COLS, &v, 4);
	v = 0;
	put_attr(&g, AGISWARM_A_MATRIX_FIRST_ROW, &v, 4);
	put_attr(&g, AGISWARM_A_MATRIX_DATA, a, sizeof(a));
	must(nl, AGISWARM_CMD_SET_MATRIX, &g, "SET_MATRIX");
	gen_reset(&g);
	put_attr(&g, AGISWARM_A_INPUT_FMT, &fmt, 1);
	put_attr(&g, AGISWARM_A_INPUT_X, x, sizeof(x));
	must(nl, AGISWARM_CMD_SET_INPUT, &g, "SET_INPUT");
}

/* Keeps the cycle stopped, so that the snapshots stand still. */
static void stop_cycle(struct nl *nl)
{
	static u8 buf[256] __attribute__((aligned(8)));
	struct gen g = { buf, 0, sizeof(buf), 0 };
	struct nl_reply r;
	struct nlmsghdr *nlh;
	u8 off = 0;

	gen_reset(&g);
	put_attr(&g, AGISWARM_A_RUNNING, &off, 1);
	nlh = (struct nlmsghdr *)buf;
	nlh->nlmsg_len = g.n;
	nlh->nlmsg_type = nl->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++nl->seq;
	((struct genlmsghdr *)(nlh + 1))->cmd = AGISWARM_CMD_SET_NODE;
	((struct genlmsghdr *)(nlh + 1))->version = AGISWARM_GENL_VERSION;
	nl_txn(nl, nlh, g.n, NULL, NULL, &r);
}

static void hexdump_request(const u8 *p, size_t n)
{
	size_t i;

	printf("#   request (%zu bytes):", n);
	for (i = 0; i < n && i < 256; i++)
		printf("%s%02x", i % 32 ? " " : "\n#     ", p[i]);
	printf("%s\n", n > 256 ? " ..." : "");
}

/* Drops every privilege: nobody, in a user namespace of its own. */
static void become_unprivileged(bool own_netns)
{
	char map[64];
	int fd;

	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		die("dropping to nobody failed: %s", strerror(errno));
	/* A process that changed its ids is not dumpable: its /proc files
	 * (uid_map) would stay root's.
	 */
	if (prctl(PR_SET_DUMPABLE, 1))
		die("PR_SET_DUMPABLE failed: %s", strerror(errno));
	if (unshare(CLONE_NEWUSER | (own_netns ? CLONE_NEWNET : 0)))
		die("unshare(CLONE_NEWUSER%s) as nobody failed: %s",
		    own_netns ? " | CLONE_NEWNET" : "", strerror(errno));
	/* Root of the new user namespace, nobody outside it. */
	fd = open("/proc/self/setgroups", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "deny", 4) < 0)
			die("setgroups deny failed: %s", strerror(errno));
		close(fd);
	}
	snprintf(map, sizeof(map), "0 65534 1");
	fd = open("/proc/self/uid_map", O_WRONLY);
	if (fd < 0 || write(fd, map, strlen(map)) < 0)
		die("uid_map failed: %s", strerror(errno));
	close(fd);
	fd = open("/proc/self/gid_map", O_WRONLY);
	if (fd < 0 || write(fd, map, strlen(map)) < 0)
		die("gid_map failed: %s", strerror(errno));
	close(fd);
}

/* A new network namespace starts with lo down: SEND needs it. */
static void lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		die("reading lo's flags failed: %s", strerror(errno));
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		die("setting lo up failed: %s", strerror(errno));
	close(fd);
}

struct genl_stats {
	u64 requests, refused, taken, unanswered, reads, denied;
	u64 by_cmd[256][2];	/* taken, refused */
};

/*
 * The end of a fuzzing from a user namespace, seen from outside: the child
 * @child's verdict, and the node @outer reads (as root) unchanged since
 * @outer0.
 */
static int watch_outer(struct nl *outer, const struct snap *outer0,
		       pid_t child)
{
	static struct snap outer1;
	int status;

	if (waitpid(child, &status, 0) != child)
		die("waiting for the fuzzer failed: %s", strerror(errno));
	snapshot(outer, &outer1);
	check(!strcmp(outer0->s, outer1.s),
	      "the node outside the user namespace is unchanged (read as root)");
	if (strcmp(outer0->s, outer1.s))
		snap_diff(outer0, &outer1);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "the fuzzing as nobody held every check (status %d)", status);
	return failures ? 1 : 0;
}

static int genl_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 't' },
		{ "seed", required_argument, NULL, 's' },
		{ "as", required_argument, NULL, 'a' },
		{ "port", required_argument, NULL, 'p' },
		{ "setup", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	static u8 req[8192] __attribute__((aligned(8)));
	static struct snap before, after, outer0;
	static struct genl_stats st;
	const char *as = "root";
	double seconds = 30, end;
	bool setup = false, user, own_net, outsider;
	bool seen_cmd[256] = { false };
	struct nl nl, outer;
	pid_t child;
	u16 port = 7000;
	int c, i;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't': seconds = atof(optarg); break;
		case 's': seed_rng(optarg); break;
		case 'a': as = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'S': setup = true; break;
		default: return 2;
		}
	}
	user = !strcmp(as, "user") || !strcmp(as, "userns-net");
	own_net = !strcmp(as, "userns-net");
	outsider = user && !own_net;
	if (!user && strcmp(as, "root")) {
		fprintf(stderr, "usage: livefuzz genl [--seconds T] [--seed S]"
			" [--as root|user|userns-net] [--port P] [--setup]\n");
		return 2;
	}
	pool = calloc(POOL_MAX, sizeof(*pool));
	if (!pool)
		die("out of memory");
	read_header(true);		/* SEND carries mutated datagrams */
	if (setup && !user) {
		nl_open(&nl, NULL);
		setup_node(&nl, port);
		mnl_socket_close(nl.sock);
	}
	if (user) {
		/*
		 * The node this namespace holds, watched from outside the
		 * fuzzing: by this process, which stays root of the init
		 * user namespace (GET_PEERS and GET_MATRIX need
		 * CAP_NET_ADMIN), while a child fuzzes as nobody.
		 */
		nl_open(&outer, NULL);
		snapshot(&outer, &outer0);
		fflush(stdout);
		child = fork();
		if (child < 0)
			die("fork failed: %s", strerror(errno));
		if (child)
			return watch_outer(&outer, &outer0, child);
		mnl_socket_close(outer.sock);
		become_unprivileged(own_net);
	}
	nl_open(&nl, NULL);
	if (own_net) {
		/* Admin of a node of its own now: make it worth fuzzing. */
		lo_up();
		setup_node(&nl, port);
	}
	printf("# fuzzing as %s%s for %.0f s\n", as,
	       own_net ? " (a node of its own netns)" : "", seconds);
	snapshot(&nl, &before);
	end = now_s() + seconds;
	while (now_s() < end) {
		struct nl_reply r;
		size_t len;
		u8 cmd;

		len = gen_request(&nl, req, sizeof(req), port, &cmd);
		st.requests++;
		seen_cmd[cmd] = true;
		if (nl_txn(&nl, req, len, NULL, NULL, &r))
			die("sending a request failed: %s", strerror(errno));
		if (r.err == 1) {
			st.unanswered++;
		} else if (r.err) {
			st.refused++;
			st.by_cmd[cmd][1]++;
		} else {
			st.taken++;
			st.by_cmd[cmd][0]++;
			job_taken(cmd);
		}
		if (r.err == -EPERM)
			st.denied++;
		/*
		 * Without CAP_NET_ADMIN over the node nothing that changes it
		 * passes the permission check: the core may still refuse a
		 * malformed request first (-EINVAL, -EOPNOTSUPP).
		 */
		if (outsider && admin_cmd(cmd) && r.err != -EPERM &&
		    r.err != -EINVAL && r.err != -EOPNOTSUPP && r.err != 1) {
			check(false, "cmd %u as nobody: %s, not EPERM", cmd,
			      r.err ? strerror(-r.err) : "taken");
			hexdump_request(req, len);
		}
		/*
		 * What is refused or reads, or anything an outsider sends (a
		 * request without NLM_F_ACK that succeeds has no answer),
		 * leaves the node as it was. One documented exception: -E2BIG
		 * from a change of workers or redundancy, which is taken
		 * although the rows cannot be assigned ("peer changed, but the
		 * rows could not be reassigned").
		 */
		if (outsider || read_cmd(cmd) ||
		    (r.err && r.err != 1 && r.err != -E2BIG)) {
			snapshot(&nl, &after);
			if (strcmp(before.s, after.s)) {
				check(false, "cmd %u, %s%s%s, changed the node",
				      cmd, r.err == 1 ? "unanswered" :
				      r.err ? strerror(-r.err) : "a read",
				      r.msg[0] ? ": " : "", r.msg);
				hexdump_request(req, len);
				snap_diff(&before, &after);
				before = after;
				if (failures > 20)
					break;
			}
			continue;
		}
		/* Taken: the new state is the reference; no cycle runs. */
		stop_cycle(&nl);
		snapshot(&nl, &before);
	}
	printf("# %" PRIu64 " requests: %" PRIu64 " taken, %" PRIu64
	       " refused (%" PRIu64 " EPERM), %" PRIu64 " unanswered (no ACK)\n",
	       st.requests, st.taken, st.refused, st.denied, st.unanswered);
	for (i = 0; i < 256; i++)
		if (st.by_cmd[i][0] || (i <= AGISWARM_CMD_MAX && seen_cmd[i]))
			printf("#   cmd %2d: %" PRIu64 " taken, %" PRIu64
			       " refused\n", i, st.by_cmd[i][0], st.by_cmd[i][1]);
	if (!user || own_net) {
		/* Something of every command was taken, or the fuzzing
		 * never got past the policies.
		 */
		for (i = AGISWARM_CMD_GET_STATUS; i <= AGISWARM_CMD_MAX; i++)
			if (i != AGISWARM_CMD_CYCLE && i != AGISWARM_CMD_UPCALL)
				check(st.by_cmd[i][0] > 0,
				      "cmd %d taken %" PRIu64 " times", i,
				      st.by_cmd[i][0]);
	}
	check(st.requests > 0, "%" PRIu64 " requests in %.0f s", st.requests,
	      seconds);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *h = getenv("AGISWARM_UAPI_HEADER");

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (h)
		header_path = h;
	if (argc >= 2 && !strcmp(argv[1], "wire"))
		return wire_main(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "genl"))
		return genl_main(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "counters"))
		return counters_main(argc - 1, argv + 1);
	fprintf(stderr, "usage: livefuzz wire|genl|counters ... (see the source's head)\n");
	return 2;
}
