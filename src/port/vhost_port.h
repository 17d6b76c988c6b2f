/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vhost-user ports: the VM side of a relay, served with DPDK's rte_vhost.
 *
 * Connection state is written by rte_vhost's thread (new_device,
 * destroy_device, vring_state_changed) and read by workers:
 *
 *   new_device:     fill vid, queue count, features, then ready = 1 (release)
 *   destroy_device: ready = 0, then rte_rcu_qsbr_synchronize(): when it
 *                   returns no worker is still inside an enqueue/dequeue
 *                   on the old vid, and rte_vhost may free the device.
 *
 * A worker loads `ready` with acquire before touching vid; everything it
 * reads after that was written before ready was set.
 *
 * One frontend per port: further connections on the socket are kept
 * waiting, never polled, and the oldest takes over when the port's own
 * disconnects; destroy_device for any vid but the port's changes nothing.
 *
 * Lock order: rte_vhost's callbacks take vhost_registry_lock only to find
 * the port by socket path, never ctl_lock, because the control thread
 * holds ctl_lock while it calls rte_vhost_driver_unregister(), which may
 * wait for (or itself run) those callbacks.
 */
#ifndef XVIO_VHOST_PORT_H
#define XVIO_VHOST_PORT_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>
#include <rte_vhost.h>

#include "port/port.h"
#include "port/vhost_port_args.h"

/* The longest frame taken from a guest that negotiated no MTU and asks
 * for no TSO: a 9216-byte jumbo frame, as switches allow, with a VLAN tag.
 * Longer ones would only pin chains of buffers; they are dropped, counted. */
#define VHOST_MAX_FRAME (9216 + 4)

/* Virtqueue index of queue pair q, as the host sees it: the guest's RX
 * ring is the host's enqueue side. */
#define VHOST_GUEST_RXQ(q) ((uint16_t)((q) * 2))
#define VHOST_GUEST_TXQ(q) ((uint16_t)((q) * 2 + 1))

struct vhost_port {
	/* Set at creation, never changed. */
	char path[PATH_MAX];
	bool client;               /* we connect to QEMU's socket */
	unsigned int queue_pairs;  /* 1: multiqueue not offered; >1: offered (the
				    * frontend picks the count; see docs) */
	bool mrg_rxbuf;
	bool packed_ring;
	bool guest_offloads;       /* checksum/TSO negotiation allowed */
	char owner[32];            /* socket owner (server mode), "" = keep */
	char group[32];
	unsigned int perm;         /* socket mode, 0 = keep */

	/* Written by the vhost thread, read by workers and the control plane. */
	int vid;
	uint32_t ready;            /* 1 while a frontend is fully set up */
	uint32_t rxq_enabled;      /* bit q: guest RX queue q is enabled */
	uint32_t txq_enabled;      /* bit q: guest TX queue q is enabled */
	uint16_t nr_queue_pairs;   /* negotiated */
	uint64_t features;         /* negotiated virtio features */
	uint16_t mtu;              /* from the frontend, 0 = not set */
	uint64_t connects;
	uint64_t disconnects;
	uint64_t refused_frontends; /* connections set up while the port had one */
	uint32_t waiting_frontends; /* of those, still connected (vhost_port.c) */

	/* Written only by the one worker that reads the port (its owner's
	 * job), read relaxed by the control plane. */
	uint64_t rx_oversize;      /* guest frames over VHOST_MAX_FRAME (or the
				    * negotiated MTU), dropped */
	uint64_t rx_mbuf_shortages; /* polls that left guest frames waiting for
				     * want of free packet buffers */
};

extern const struct port_ops vhost_port_ops;

static inline struct vhost_port *vhost_of(const struct port *p)
{
	return port_priv(p);
}

static inline bool vhost_port_is(const struct port *p)
{
	return p->ops == &vhost_port_ops;
}

static inline bool vhost_port_is_ready(const struct vhost_port *vp)
{
	return __atomic_load_n(&vp->ready, __ATOMIC_ACQUIRE) != 0;
}

/* Dequeue from the next guest TX queue that has frames, round robin from
 * *cursor. The rx_burst operation adds the receive guards (rx_oversize,
 * rx_mbuf_shortages) to this; a relay, which knows its VM port and hands
 * frames to a NIC unchanged, calls it inline: a call per burst and the
 * guards cost a relay about a tenth of its rate (bench/results,
 * relay-20261204-*). */
static inline uint16_t vhost_port_receive(const struct vhost_port *vp, uint16_t *cursor,
					  struct rte_mempool *pool, struct rte_mbuf **pkts,
					  uint16_t n)
{
	uint16_t got = 0;

	if (!vhost_port_is_ready(vp))
		return 0;
	for (uint16_t i = 0; i < vp->nr_queue_pairs && got == 0; i++) {
		uint16_t q = *cursor % vp->nr_queue_pairs;

		*cursor = (uint16_t)(q + 1);
		got = rte_vhost_dequeue_burst(vp->vid, VHOST_GUEST_TXQ(q), pool, pkts, n);
	}
	return got;
}

#endif
