/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * How an idle relay direction lets its worker sleep, and wakes it again.
 *
 *  vm-to-nic: the guest kicks an eventfd (the virtqueue's kickfd) when it
 *             adds packets, once we ask it to (guest notifications on).
 *  nic-to-vm: the NIC raises an RX interrupt, for PMDs that have them
 *             (VFs with vfio, net_tap, net_vhost, ...). Other PMDs
 *             (af_packet, pcap, ring) are polled every RELAY_IDLE_POLL_US.
 *
 * Called only by the worker that owns the direction, while it is online
 * in RCU terms, so a VM's vid stays valid throughout.
 */
#include <errno.h>

#include <rte_ethdev.h>
#include <rte_vhost.h>

#include "port/port.h"
#include "relay/relay.h"
#include "relay/worker.h"

static bool arm_vm_to_nic(struct relay_dir *d, struct idle_set *set)
{
	const struct vhost_port *vp = &d->vm->vhost;
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
static bool arm_nic_to_vm(struct relay_dir *d, struct idle_set *set)
{
	const struct eth_port *ep = &d->nic->eth;
	bool all = ep->rx_intr && !d->nic_intr_unreliable;

	for (uint16_t q = 0; q < ep->nb_rxq && all; q++) {
		int rc = rte_eth_dev_rx_intr_enable(ep->port_id, q);

		if ((rc != 0 && rc != -ENOTSUP) ||
		    rte_eth_dev_rx_intr_ctl_q(ep->port_id, q, set->epfd,
					      RTE_INTR_EVENT_ADD, NULL) != 0)
			all = false;
	}
	return all;
}

void relay_dir_rearm(struct relay_dir *d)
{
	const struct vhost_port *vp = &d->vm->vhost;
	const struct eth_port *ep = &d->nic->eth;

	if (!d->armed)
		return;
	if (d->kind == DIR_VM_TO_NIC) {
		/* With VIRTIO_RING_F_EVENT_IDX this moves the avail event to
		 * what we have consumed; a stale one means no kick. */
		if (vhost_port_is_ready(vp))
			for (uint16_t q = 0; q < vp->nr_queue_pairs; q++)
				rte_vhost_enable_guest_notification(vp->vid, VHOST_GUEST_TXQ(q), 1);
	} else if (ep->rx_intr && !d->nic_intr_unreliable) {
		/* Many NICs mask an RX interrupt once it fired. */
		for (uint16_t q = 0; q < ep->nb_rxq; q++)
			rte_eth_dev_rx_intr_enable(ep->port_id, q);
	}
}

bool relay_dir_arm(struct relay_dir *d, struct idle_set *set)
{
	d->armed = true;
	return d->kind == DIR_VM_TO_NIC ? arm_vm_to_nic(d, set) : arm_nic_to_vm(d, set);
}

void relay_dir_disarm(struct relay_dir *d, struct idle_set *set)
{
	if (!d->armed)
		return;
	d->armed = false;
	if (d->kind == DIR_VM_TO_NIC) {
		const struct vhost_port *vp = &d->vm->vhost;

		if (!vhost_port_is_ready(vp))
			return;
		for (uint16_t q = 0; q < vp->nr_queue_pairs; q++)
			rte_vhost_enable_guest_notification(vp->vid, VHOST_GUEST_TXQ(q), 0);
	} else if (d->nic->eth.rx_intr && !d->nic_intr_unreliable) {
		for (uint16_t q = 0; q < d->nic->eth.nb_rxq; q++) {
			rte_eth_dev_rx_intr_disable(d->nic->eth.port_id, q);
			rte_eth_dev_rx_intr_ctl_q(d->nic->eth.port_id, q, set->epfd,
						  RTE_INTR_EVENT_DEL, NULL);
		}
	}
}
