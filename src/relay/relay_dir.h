/* SPDX-License-Identifier: BSD-3-Clause */
/* One direction of a relay (relay.h): the state its worker owns, shared by
 * the relay table, the datapath (relay_dp.c) and the offloads. */
#ifndef XVIO_RELAY_DIR_H
#define XVIO_RELAY_DIR_H

#include <stdint.h>

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

#endif
