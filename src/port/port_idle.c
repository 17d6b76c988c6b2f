/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * How an idle job lets its worker sleep, and wakes it again.
 *
 *  vhost-user source: the guest kicks an eventfd (the TX virtqueue's
 *             kickfd) when it adds packets, once we ask it to (guest
 *             notifications on).
 *  NIC source: the NIC raises an RX interrupt, for PMDs that have them
 *             (VFs with vfio, net_tap, net_vhost, ...). Other PMDs
 *             (af_packet, pcap, ring) are polled every IDLE_POLL_US.
 *
 * Called only by the worker that runs the job, while it is online in RCU
 * terms, so a VM's vid stays valid throughout.
 */
#include "port/port_idle.h"

#include <errno.h>

#include <rte_ethdev.h>
#include <rte_vhost.h>

#include "port/port.h"
#include "worker/worker.h"

static bool arm_vhost(const struct vhost_port *vp, struct idle_set *set)
{
	bool all = true;

	if (!vhost_port_is_ready(vp))
		return true; /* nothing to wait for: new_device kicks the worker */
	for (uint16_t q = 0; q < vp->nr_queue_pairs; q++) {
		struct rte_vhost_vring vring;
		uint16_t qid = VHOST_GUEST_TXQ(q);

		if (rte_vhost_get_vhost_vring(vp->vid, qid, &vring) != 0 ||
		    rte_vhost_enable_guest_notification(vp->vid, qid, 1) != 0 ||
		    idle_set_add_eventfd(set, vring.kickfd) != 0)
			all = false;
	}
	return all;
}

/* DPDK's own epoll wrapper reads (or not) each PMD's interrupt fd the
 * way that PMD needs, so NIC queues are registered through it. */
static bool arm_eth(const struct eth_port *ep, bool unreliable, struct idle_set *set)
{
	bool all = ep->rx_intr && !unreliable;

	for (uint16_t q = 0; q < ep->nb_rxq && all; q++) {
		int rc = rte_eth_dev_rx_intr_enable(ep->port_id, q);

		if ((rc != 0 && rc != -ENOTSUP) ||
		    rte_eth_dev_rx_intr_ctl_q(ep->port_id, q, set->epfd,
					      RTE_INTR_EVENT_ADD, NULL) != 0)
			all = false;
	}
	return all;
}

bool port_idle_arm(struct worker_job *job, struct idle_set *set)
{
	const struct port *p = job->source;

	job->armed = true;
	return p->type == PORT_VHOST ? arm_vhost(&p->vhost, set)
				     : arm_eth(&p->eth, job->intr_unreliable, set);
}

void port_idle_rearm(struct worker_job *job)
{
	const struct port *p = job->source;

	if (!job->armed)
		return;
	if (p->type == PORT_VHOST) {
		const struct vhost_port *vp = &p->vhost;

		/* With VIRTIO_RING_F_EVENT_IDX this moves the avail event to
		 * what we have consumed; a stale one means no kick. */
		if (vhost_port_is_ready(vp))
			for (uint16_t q = 0; q < vp->nr_queue_pairs; q++)
				rte_vhost_enable_guest_notification(vp->vid, VHOST_GUEST_TXQ(q), 1);
	} else if (p->eth.rx_intr && !job->intr_unreliable) {
		/* Many NICs mask an RX interrupt once it fired. */
		for (uint16_t q = 0; q < p->eth.nb_rxq; q++)
			rte_eth_dev_rx_intr_enable(p->eth.port_id, q);
	}
}

void port_idle_disarm(struct worker_job *job, struct idle_set *set)
{
	const struct port *p = job->source;

	if (!job->armed)
		return;
	job->armed = false;
	if (p->type == PORT_VHOST) {
		const struct vhost_port *vp = &p->vhost;

		if (!vhost_port_is_ready(vp))
			return;
		for (uint16_t q = 0; q < vp->nr_queue_pairs; q++)
			rte_vhost_enable_guest_notification(vp->vid, VHOST_GUEST_TXQ(q), 0);
	} else if (p->eth.rx_intr && !job->intr_unreliable) {
		for (uint16_t q = 0; q < p->eth.nb_rxq; q++) {
			rte_eth_dev_rx_intr_disable(p->eth.port_id, q);
			rte_eth_dev_rx_intr_ctl_q(p->eth.port_id, q, set->epfd,
						  RTE_INTR_EVENT_DEL, NULL);
		}
	}
}
