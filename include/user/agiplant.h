/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * libagiplant: connect a plant (sensors and actuators) to an AGISWARM
 * aggregator group. `pkg-config --cflags --libs agiplant`.
 *
 * A plant endpoint is one UDP socket. The plant sends SENSOR datagrams
 * (its measured vector x, fixed point) to every aggregator of the group
 * and receives ACTUATE datagrams (the output u of a control cycle) from
 * them. Every datagram is sealed (ChaCha20-Poly1305); nothing unsealed is
 * accepted. The keys come one of two ways:
 *   - pre-shared key: the plant and each aggregator derive them from the
 *     PSK and their two public keys, as `agictl peer add sensor|actuator
 *     ID ADDR key PUB psk FILE` keys the aggregator's side;
 *   - handshake: the plant holds its private node key and runs the
 *     session handshake with each aggregator's agiswarmd (which lists the
 *     plant's key under `sensors:`/`actuators:`), again every 120 s and
 *     when a member has been silent for 10 s. Until a member answered,
 *     SENSORs to it are not sent (counted in unkeyed).
 *
 * Actuations are deduplicated here, so that a plant applies at most one
 * output per control cycle even while the group fails over:
 *   - an ACTUATE of an epoch lower than the highest seen is fenced
 *     (a deposed primary);
 *   - one whose cycle id is not above the last one delivered is dropped
 *     (a duplicate from a backup, or an out-of-order, older cycle);
 *   - the epoch seen rises even when that ACTUATE itself is dropped.
 * Cycle ids delivered therefore strictly increase, across failovers too.
 *
 * Values are raw two's complement fixed point: in Q1.31 the value v is
 * v / 2^31, in Q1.15 v / 2^15 (and within [-2^15, 2^15 - 1]), in Q8.24
 * v / 2^24, in Q16.16 v / 2^16.
 *
 * Every function that can fail returns a negative errno and writes one
 * line "<action> failed: <reason>" into @err (when @err is not NULL).
 * The library is not thread-safe per endpoint; it keeps no global state
 * other than libsodium's initialisation.
 */
#ifndef AGIPLANT_H
#define AGIPLANT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Fixed-point formats (the same numbers as enum agiswarm_qformat). */
enum agiplant_format {
	AGIPLANT_Q1_31 = 1,
	AGIPLANT_Q1_15 = 2,
	AGIPLANT_Q8_24 = 3,
	AGIPLANT_Q16_16 = 4,
};

/* Most elements of x or u. */
#define AGIPLANT_VEC_MAX 256
/* Most aggregators in a group. */
#define AGIPLANT_AGGREGATORS_MAX 7
/* A key, as `agictl keygen` writes it: 64 hex digits. */
#define AGIPLANT_KEY_LEN 32

/**
 * struct agiplant_aggregator - one member of the aggregator group
 * @address: "A.B.C.D:PORT" or "[IPv6]:PORT" (PORT defaults to 6000)
 * @key_file: its public key file (the node.pub of `agictl keygen --node`)
 */
struct agiplant_aggregator {
	const char *address;
	const char *key_file;
};

/**
 * struct agiplant_config - what agiplant_open() needs
 * @listen: the local "ADDR:PORT" that SENSORs leave from and ACTUATEs
 *	arrive at: the address the aggregators know the plant by
 * @key_file: this plant's public key file (node.pub); PSK mode
 * @psk_file: the pre-shared key file (`agictl keygen --psk`), private
 *	to its owner (mode 0600); when set, the PSK mode
 * @private_key_file: this plant's private node key (node.key, 0600);
 *	without @psk_file, the handshake mode
 * @aggregators: the group, 1..AGIPLANT_AGGREGATORS_MAX members
 * @n_aggregators: how many
 */
struct agiplant_config {
	const char *listen;
	const char *key_file;
	const char *psk_file;
	const char *private_key_file;
	const struct agiplant_aggregator *aggregators;
	unsigned int n_aggregators;
};

/**
 * struct agiplant_actuation - one delivered ACTUATE
 * @epoch: the aggregator group's epoch that sent it
 * @cycle: its control cycle id
 * @format: the format of @u
 * @status: 0 for a computed output; otherwise the reason the group sent
 *	its configured safe output instead (enum agiswarm_actuate_status)
 * @n: elements in @u
 * @u: the output, raw fixed point in @format
 */
struct agiplant_actuation {
	uint64_t epoch;
	uint64_t cycle;
	enum agiplant_format format;
	unsigned int status;
	unsigned int n;
	int32_t u[AGIPLANT_VEC_MAX];
};

/**
 * struct agiplant_stats - what the endpoint received and sent
 * @sent: SENSOR datagrams sent (one per aggregator per call)
 * @delivered: ACTUATEs delivered by agiplant_receive()
 * @duplicate: dropped, a cycle id already delivered
 * @old_cycle: dropped, a cycle id below the last delivered
 * @stale_epoch: dropped, an epoch below the highest seen
 * @refused: dropped before that: not sealed for this plant by a member
 *	of the group, replayed, malformed, or not an ACTUATE (or a
 *	handshake answer that does not verify)
 * @unkeyed: SENSORs not sent: the member has not answered a handshake
 * @handshakes: handshakes completed (handshake mode)
 */
struct agiplant_stats {
	uint64_t sent;
	uint64_t delivered;
	uint64_t duplicate;
	uint64_t old_cycle;
	uint64_t stale_epoch;
	uint64_t refused;
	uint64_t unkeyed;
	uint64_t handshakes;
};

struct agiplant;

/*
 * Opens the endpoint: reads the key files, derives the sessions with
 * every aggregator, binds the socket. *@out is the endpoint, or NULL on
 * failure (-EINVAL for a bad configuration, the key files' errors, or the
 * socket's -errno).
 */
int agiplant_open(const struct agiplant_config *cfg, struct agiplant **out,
		  char *err, size_t errlen);
/* Closes the socket and wipes the keys. NULL is allowed. */
void agiplant_close(struct agiplant *p);

/*
 * The socket, non-blocking: poll it for POLLIN (or add it to an event
 * loop) and call agiplant_receive() until it returns 0.
 */
int agiplant_fd(const struct agiplant *p);

/*
 * Handshake mode: the milliseconds until the library has a handshake to
 * send (0: now), to bound the poll; agiplant_receive() or
 * agiplant_send_sensor() sends it. -1 when there is none (PSK mode).
 */
int agiplant_timeout_ms(const struct agiplant *p);

/*
 * Sends SENSOR{@seq, @format, @x[0..@n)} to every aggregator. @seq should
 * increase with every reading. -EINVAL for a bad format, an @n outside
 * 1..AGIPLANT_VEC_MAX or a Q1.15 value out of its range; a send that
 * fails for one aggregator is reported after the others were tried.
 */
int agiplant_send_sensor(struct agiplant *p, uint64_t seq,
			 enum agiplant_format format, const int32_t *x,
			 unsigned int n, char *err, size_t errlen);

/*
 * Reads what is waiting on the socket, without blocking, until an ACTUATE
 * passes the deduplication: then 1 with it in @a. 0 when nothing (more)
 * is waiting; -errno of the socket otherwise. Refused and dropped
 * datagrams are only counted (agiplant_get_stats()).
 */
int agiplant_receive(struct agiplant *p, struct agiplant_actuation *a,
		     char *err, size_t errlen);

void agiplant_get_stats(const struct agiplant *p, struct agiplant_stats *s);

/*
 * For diagnostics: @fn is called with every datagram sent, as it leaves
 * (sealed). NULL turns it off.
 */
void agiplant_set_sent_hook(struct agiplant *p,
			    void (*fn)(void *arg, const uint8_t *dgram,
				       size_t len),
			    void *arg);

#ifdef __cplusplus
}
#endif

#endif /* AGIPLANT_H */
