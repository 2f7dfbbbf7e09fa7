/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agiswarmd's runtime: one libuv loop and the pieces it drives, each an
 * embedded struct with its own file:
 *
 *   upcall.c      the upcall socket (REGISTER_DAEMON, UPCALL) and SEND
 *   commits.c     COMMIT -> verify, audit, stage in the module, COMMIT_ACK
 *   members.c     aggregator: the worker table from HEARTBEATs, peer add/del
 *   heartbeat.c   worker: HEARTBEAT every worker.heartbeat_interval
 *   metrics_csv.c aggregator: metrics.csv drained from GET_METRICS
 *   session.c     the node key, handshakes with the peers' keys, SET_KEY
 *   alerts.c      aggregator: the miss rate of the last second
 *   reload.c      SIGHUP: the configuration file again
 *   group.c       aggregator: the group's replicated log (repl.c), when
 *                 replication.member is set
 *   prometheus.c  both roles: Prometheus text (metrics.textfile/.listen)
 *   prom_text.c   the text format's pieces and the group's metrics (raft
 *                 state), shared with the group test's harness
 *
 * Everything the daemon shares with agictl (the module's typed requests,
 * the datagrams, commits, keys, the audit log, the configuration) is in
 * the userspace library, include/user/. The daemon keeps one netlink
 * socket for all its requests (@nl: status, peers, staging, sending) and
 * one registered socket on which the module's upcalls arrive.
 *
 * Everything runs on the loop's thread; no handler blocks for longer than
 * one netlink round trip or one fsync.
 */
#ifndef AGISWARMD_RUNTIME_H
#define AGISWARMD_RUNTIME_H

#include <stdarg.h>
#include <uv.h>

#include "user/audit.h"
#include "user/config.h"
#include "user/keys.h"
#include "user/metrics.h"
#include "user/nl.h"
#include "user/parse.h"
#include "user/repl_entry.h"
#include "user/session.h"

struct agid;
struct agid_repl;
struct agi_repl_commit;
struct agi_status;

/* upcall.c */
struct agid_upcall {
	struct agi_nl nl;		/* registered: receives UPCALLs */
	bool open;
	uv_poll_t poll;
	u64 received, malformed;
	const u8 *pubkey;		/* of the upcall being handled, or NULL */
};

/* commits.c */
struct agid_commits {
	bool audit_open;
	struct agi_audit audit;
	u64 accepted, rejected;
};

/* members.c: one worker the aggregator has heard from or was given. */
struct agid_worker {
	u32 id;
	struct agi_endpoint ep;
	bool in_module;		/* a peer of the module at ep */
	bool is_static;		/* in aggregator.workers: never removed */
	bool heard;		/* a HEARTBEAT arrived since we started */
	u8 health;		/* enum agiswarm_health */
	int told;		/* the health the module has, -1: none */
	u64 last_heard_ms;	/* monotonic */
	u32 cpu_permille, mem_permille, latency_us, queue;
	bool proposing;		/* in a group: its WORKER entry in flight */
	bool group_removed;	/* static, but the group's log removed it */
	u64 retry_ms;		/* no proposal for it before (monotonic) */
};

/* A WORKER entry applied, waiting for its turn in the module. */
struct agid_worker_entry {
	u64 index;
	struct agi_repl_worker e;
};

struct agid_members {
	uv_timer_t timer;
	u32 n;
	struct agid_worker w[AGI_CONFIG_MAX_PEERS];
	uv_timer_t flush;	/* the group's entries, once a burst ended */
	u32 n_pending;		/* the last entry of each worker id */
	struct agid_worker_entry pending[AGI_CONFIG_MAX_PEERS];
};

/* heartbeat.c */
struct agid_heartbeat {
	uv_timer_t timer;
	bool have_target;
	struct agi_endpoint target;	/* worker.aggregator.host:port */
	u32 n_group;			/* in a group: heartbeats to each */
	struct agi_endpoint group_ep[AGI_CONFIG_MAX_GROUP];
	u8 group_pk[AGI_CONFIG_MAX_GROUP][AGI_PK_LEN];
	u64 seq;
	u64 sent_ms[8];		/* monotonic send times of the last seqs */
	u32 latency_us;		/* the last measured round trip */
	u64 cpu_busy, cpu_total;	/* the previous /proc/stat sample */
	u8 health;		/* what the aggregator last said */
	bool member;		/* whether it counts this worker in */
};

/* metrics_csv.c */
struct agid_metrics {
	uv_timer_t timer;
	u64 next_cycle;		/* the first cycle id not yet written */
	u64 rows, rotations;
	bool warned_gap;
};

/* session.c */
struct agid_session {
	bool sealed;		/* peers have keys: control datagrams sealed */
	struct agi_sess *s;	/* NULL unless sealed */
	uv_timer_t timer;
	u64 inits, refused;
	u64 unsealed_dropped;	/* plain control datagrams ignored */
	u64 watch_ms;		/* the next look at the module's links */
};

/* alerts.c: the miss rate of the last second */
struct agid_alerts {
	uv_timer_t timer;
	bool have;
	u64 cycles, missed;	/* the counters a second ago */
	bool alerting;
};
/* group.c: the raft leader follows the module's primary */
struct agid_group {
	uv_timer_t timer;
	u64 last_try_ms;
};

/* control.c: agictl group status's answers on the node's lock socket */
struct agid_control {
	int fd;			/* the lock socket, owned by main() */
	uv_poll_t poll;
	u64 answered, failed;
	bool warned;
};
struct agid_prom;

struct agid {
	const struct agi_config *cfg;	/* = live */
	struct agi_config *live;	/* SIGHUP replaces it */
	uv_loop_t loop;
	uv_signal_t sigterm, sigint, sighup;
	struct agi_nl *nl;		/* every request: status, send, staging */
	struct agid_upcall up;
	struct agid_commits commits;
	struct agid_members members;
	struct agid_heartbeat hb;
	struct agid_metrics metrics;
	struct agid_session sess;
	struct agid_alerts alerts;
	struct agid_repl *repl;		/* group.c; NULL: not replicated */
	struct agi_keypair node_key;	/* group.c */
	struct agid_group group;
	struct agid_prom *prom;		/* prometheus.c; NULL when off */
	struct agid_control control;
};

/* runtime.c */
void agid_log(const struct agid *d, enum agi_log_level level,
	      const char *fmt, ...) __attribute__((format(printf, 3, 4)));
u64 agid_now_ms(void);
/* uv_close() of a handle that was started and is not closing yet. */
void agid_close(void *handle);

/* control.c */
struct agi_group_info;
int agid_control_init(struct agid *d);
/* What agictl group status gets: the group's names, the raft state. */
void agid_group_info(const struct agid *d, struct agi_group_info *gi);
void agid_control_close(struct agid *d);

/* upcall.c */
int agid_upcall_init(struct agid *d);
void agid_upcall_close(struct agid *d);
/* After the loop has closed the poll handle: the socket itself. */
void agid_upcall_close_socket(struct agid *d);
/* Sends @len bytes from the node's socket to @to; 0 or -errno (logged). */
int agid_send(struct agid *d, const struct agi_endpoint *to, const u8 *dgram,
	      size_t len);

/*
 * Sends @dgram sealed for the peer of public key @pk (to the endpoint the
 * module has for it); with @pk NULL, plain to @to, as agid_send().
 */
int agid_send_to(struct agid *d, const u8 *pk, const struct agi_endpoint *to,
		 const u8 *dgram, size_t len);

/* session.c */
/* Whether a node of @cfg seals: some peer of its role has a key. */
bool agid_config_sealed(const struct agi_config *cfg);
/* A worker given the group's aggregators: (2 or more members). */
bool agid_worker_in_group(const struct agi_config *cfg);
/* Whether @pk is a member's of the group this node takes part in. */
bool agid_member_key(const struct agi_config *cfg, const u8 *pk);
int agid_session_init(struct agid *d);
void agid_session_close(struct agid *d);
void agid_session_free(struct agid *d);
/* A HANDSHAKE_INIT or _RESP from @from. */
void agid_session_receive(struct agid *d, const struct agi_endpoint *from,
			  const u8 *dgram, size_t len);
/* An opened datagram from key @pk: whether it is a session peer's. */
bool agid_session_heard(struct agid *d, const u8 *pk);
/*
 * The module has a new link for @pk, without keys (a worker added to it):
 * a handshake with it at the next tick, not after a backoff.
 */
void agid_session_link_new(struct agid *d, const u8 *pk);
/*
 * The member of key @pk connected to this daemon again (the log's
 * transport): toward one of higher rank, a new handshake at the next
 * tick (agi_sess_rekey()), for its module may have lost its keys.
 */
void agid_session_member_up(struct agid *d, const u8 *pk);
/* SET_KEY: the keys @k of the session with @pk into the module. */
int agid_key_set(struct agid *d, const u8 pk[AGI_PK_LEN],
		 const struct agi_hs_keys *k);

/* commits.c */
int agid_commits_init(struct agid *d);
void agid_commits_close(struct agid *d);
void agid_commits_receive(struct agid *d, const struct agi_endpoint *from,
			  const u8 *dgram, size_t len);
/*
 * A committed COMMIT entry of the group's log (every replica, log order):
 * the audit record, then the module staged at the entry's cycle. 0,
 * -EALREADY (applied before: a replay), -ETIME (its cycle has started:
 * recorded, not staged), -EIO or -EREMOTEIO (the module refused it).
 */
int agid_commits_apply(struct agid *d, u64 index,
		       const struct agi_repl_commit *c);

/* group.c */
int agid_group_init(struct agid *d);
void agid_group_close(struct agid *d);

/* members.c */
int agid_members_init(struct agid *d);
void agid_members_close(struct agid *d);
/*
 * A WORKER entry the group committed, on every member in log order (the
 * raft leader's included): taken, to change the module once the entries
 * applied in a row end (so that a replay after a restart changes only
 * what the last entry of each worker says); 0, or -errno.
 */
int agid_members_apply(struct agid *d, u64 index,
		       const struct agi_repl_worker *e);
/* @pk: the key the module opened it with, NULL when it came plain. */
void agid_members_heartbeat(struct agid *d, const struct agi_endpoint *from,
			    const u8 *pk, const u8 *dgram, size_t len);
/*
 * After a handshake with @pk: a sealed STATUS to it confirms the keys;
 * 0, also when @pk is no member or configured worker, or -errno.
 */
int agid_members_greet(struct agid *d, const u8 pk[AGI_PK_LEN]);

/* heartbeat.c */
int agid_heartbeat_init(struct agid *d);
void agid_heartbeat_close(struct agid *d);
void agid_heartbeat_status(struct agid *d, const struct agi_endpoint *from,
			   const u8 *pk, const u8 *dgram, size_t len);

/* metrics_csv.c */
int agid_metrics_init(struct agid *d);
void agid_metrics_close(struct agid *d);
/*
 * The module's final cycle records from cycle @from on (a record is final
 * once the next cycle has started: @st says which that is), oldest first,
 * in a batch the caller frees; NULL when they could not be read (logged).
 */
struct agid_records {
	struct agi_cycle rec[1024];	/* the module's ring */
	size_t n;
	bool full;	/* the ring held nothing older than @from: maybe lost */
};
struct agid_records *agid_metrics_final(struct agid *d, u64 from,
					const struct agi_status *st);

/* prometheus.c: metrics.textfile and metrics.listen */
int agid_prom_init(struct agid *d);
void agid_prom_close(struct agid *d);
void agid_prom_free(struct agid *d);

/* reload.c: SIGHUP */
void agid_reload(struct agid *d);

/* alerts.c */
int agid_alerts_init(struct agid *d);
void agid_alerts_close(struct agid *d);

/*
 * Runs the loop until SIGTERM or SIGINT, its requests on @nl, answering
 * agictl on the node's lock socket @lock (control.c): 0, or 1 when it
 * cannot start.
 */
int agid_run(const struct agi_config *cfg, struct agi_nl *nl, int lock);

#endif /* AGISWARMD_RUNTIME_H */
