/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Express relays: a vhost-user port paired 1:1 with a NIC port.
 *
 * A relay is two independent directions, each run by one worker:
 *
 *   vm-to-nic: dequeue from the guest's TX virtqueues, transmit on the NIC
 *   nic-to-vm: receive from the NIC's RX queues, enqueue into the guest's
 *              RX virtqueues, spread over the enabled ones by flow hash
 *
 * Back-pressure instead of loss: packets the destination cannot take now
 * are held in the direction and retried first on the next poll; the source
 * is not read meanwhile, so the excess waits in the source's ring. Only if
 * the destination makes no progress for RELAY_STALL_US are the held
 * packets dropped, counted as DROP_DEST_STALLED. Packets for a VM that is
 * not connected are counted as DROP_VM_DOWN.
 */
#ifndef XVIO_RELAY_H
#define XVIO_RELAY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <jansson.h>
#include <rte_common.h>
#include <rte_mbuf.h>

#include "worker/worker.h"

#define RELAY_BURST 32
/* Held packets: a burst, or a burst of 64 KB TSO frames cut at MSS 536. */
#define RELAY_HELD_MAX (RELAY_BURST * 128)
#define RELAY_NAME_MAX 32
#define RELAY_STALL_US 50000

enum relay_dir_kind {
	DIR_VM_TO_NIC,
	DIR_NIC_TO_VM,
	DIR__COUNT,
};

enum relay_drop_reason {
	DROP_VM_DOWN,        /* nic-to-vm: no frontend connected */
	DROP_DEST_STALLED,   /* destination took nothing for RELAY_STALL_US */
	DROP_OFFLOAD_FAILED, /* a guest's TSO/checksum request we could not do */
	DROP__COUNT,
};

/* Written only by the worker that runs the direction. */
struct relay_dir_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t drops[DROP__COUNT];
	uint64_t retries;     /* polls that found the destination full */
	uint64_t gso_frames;  /* guest TSO frames segmented in software */
	uint64_t gso_segments;
	uint64_t sw_checksums; /* guest checksum requests done in software */
};

struct port;
struct relay;

struct relay_dir {
	struct worker_job job;     /* busy cycles, placement: see worker.h */
	/* Set when the relay is created, never changed. */
	struct relay *relay;
	enum relay_dir_kind kind;
	struct port *vm;
	struct port *nic;

	/* Private to the running worker. */
	struct rte_mbuf *held[RELAY_HELD_MAX];
	uint16_t held_off;
	uint16_t held_n;
	uint16_t next_queue;       /* round robin over source queues */
	uint64_t stall_since;      /* TSC of the last progress while holding */
	struct relay_dir_stats stats;
} __rte_cache_aligned;

struct relay {
	char name[RELAY_NAME_MAX];
	struct port *vm;
	struct port *nic;
	TAILQ_ENTRY(relay) next;
	struct relay_dir dir[DIR__COUNT];
};

const char *relay_dir_name(enum relay_dir_kind kind);
const char *relay_drop_reason_name(enum relay_drop_reason reason);

struct relay *relay_find(const char *name);
struct relay *relay_first(void);
struct relay *relay_next(struct relay *r);

/* The "relay-add" arguments (also the config file's relay entries). */
int relay_add(json_t *args, char *err, size_t errlen);
int relay_del(const char *name, char *err, size_t errlen);
void relay_del_all(void);

/* Pin one or both directions (dir == NULL) to the worker on cpu. */
int relay_pin(struct relay *r, const char *dir, unsigned int cpu,
	      char *err, size_t errlen);
int relay_unpin(struct relay *r, const char *dir, char *err, size_t errlen);

json_t *relay_to_json(const struct relay *r, bool config_only);

/* Datapath (relay_dp.c): how workers run a direction. */
extern const struct worker_job_ops relay_dir_job_ops;

/* Release held packets of a direction no worker runs any more. */
void relay_dir_flush_held(struct relay_dir *d);

#endif
