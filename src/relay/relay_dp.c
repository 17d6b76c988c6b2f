/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The relay fast path. No locks, syscalls, logging or allocation here:
 * mbufs come from the shared pool through the PMDs and rte_vhost.
 */
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>
#include <rte_vhost.h>

#include "port/eth_port.h"
#include "port/port.h"
#include "port/vhost_port.h"
#include "relay/relay_dp.h"
#include "relay/relay_offload.h"

static uint64_t stall_cycles;

static inline uint64_t relay_stall_cycles(void)
{
	if (unlikely(stall_cycles == 0))
		stall_cycles = rte_get_tsc_hz() / 1000000 * RELAY_STALL_US;
	return stall_cycles;
}

static inline void count_bytes(struct relay_dir *d, struct rte_mbuf **pkts, uint16_t n)
{
	uint64_t bytes = 0;

	for (uint16_t i = 0; i < n; i++)
		bytes += rte_pktmbuf_pkt_len(pkts[i]);
	d->stats.packets += n;
	d->stats.bytes += bytes;
}

static inline void hold(struct relay_dir *d, struct rte_mbuf **pkts, uint16_t n,
			uint64_t now)
{
	for (uint16_t i = 0; i < n; i++)
		d->held[i] = pkts[i];
	d->held_off = 0;
	d->held_n = n;
	d->stall_since = now;
}

static void drop(struct relay_dir *d, struct rte_mbuf **pkts, uint16_t n,
		 enum relay_drop_reason reason)
{
	rte_pktmbuf_free_bulk(pkts, n);
	d->stats.drops[reason] += n;
}

/* Account for a retry that sent `sent` held packets (the rest are at
 * held[held_off]): progress restarts the stall clock; none for longer than
 * RELAY_STALL_US drops what is held. */
static uint16_t held_retried(struct relay_dir *d, uint16_t sent, uint64_t now)
{
	d->held_n -= sent;
	if (d->held_n == 0)
		return sent;
	d->stats.retries++;
	if (sent) {
		d->stall_since = now;
	} else if (now - d->stall_since > relay_stall_cycles()) {
		drop(d, &d->held[d->held_off], d->held_n, DROP_DEST_STALLED);
		d->held_n = 0;
	}
	return sent;
}

/* ---- nic-to-vm ------------------------------------------------------- */

/* A flow hash for packets the NIC did not hash: the IPv4 addresses and,
 * when present, the L4 ports, so one TCP flow stays on one guest queue. */
static inline uint32_t sw_flow_hash(struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_ipv4_hdr *ip;
	uint32_t hash;

	if (eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    rte_pktmbuf_data_len(m) < sizeof(*eth) + sizeof(*ip) + 4)
		return 0;
	ip = (const struct rte_ipv4_hdr *)(eth + 1);
	hash = rte_hash_crc_8byte(((uint64_t)ip->src_addr << 32) | ip->dst_addr, 0);
	if ((ip->next_proto_id == IPPROTO_TCP || ip->next_proto_id == IPPROTO_UDP) &&
	    !(ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK)) &&
	    rte_pktmbuf_data_len(m) >= sizeof(*eth) + rte_ipv4_hdr_len(ip) + 4)
		hash = rte_hash_crc_4byte(*(const uint32_t *)((const uint8_t *)ip +
							     rte_ipv4_hdr_len(ip)), hash);
	return hash;
}

/*
 * Enqueue into the guest, spreading over its enabled RX queues. Returns
 * how many were taken; those are freed (rte_vhost copies), the rest are
 * left at the front of pkts, in order per queue.
 */
static uint16_t vm_enqueue(struct relay_dir *d, const struct vhost_port *vp,
			   bool rss_hash, struct rte_mbuf **pkts, uint16_t n)
{
	uint32_t enabled = __atomic_load_n(&vp->rxq_enabled, __ATOMIC_ACQUIRE);
	uint16_t queues[VHOST_MAX_QUEUE_PAIRS], nq = 0;
	struct rte_mbuf *per_q[VHOST_MAX_QUEUE_PAIRS][RELAY_BURST];
	uint16_t cnt[VHOST_MAX_QUEUE_PAIRS] = { 0 };
	uint16_t sent = 0, left = 0;

	for (uint16_t q = 0; q < vp->nr_queue_pairs; q++)
		if (enabled & (1u << q))
			queues[nq++] = q;
	if (nq <= 1) {
		uint16_t q = nq ? queues[0] : 0;

		sent = rte_vhost_enqueue_burst(vp->vid, VHOST_GUEST_RXQ(q), pkts, n);
		count_bytes(d, pkts, sent);
		rte_pktmbuf_free_bulk(pkts, sent);
		for (uint16_t i = sent; i < n; i++)
			pkts[left++] = pkts[i];
		return sent;
	}
	for (uint16_t i = 0; i < n; i++) {
		uint32_t h = rss_hash && (pkts[i]->ol_flags & RTE_MBUF_F_RX_RSS_HASH) ?
			     pkts[i]->hash.rss : sw_flow_hash(pkts[i]);
		uint16_t slot = (uint16_t)(h % nq);

		per_q[slot][cnt[slot]++] = pkts[i];
	}
	for (uint16_t s = 0; s < nq; s++) {
		uint16_t ok;

		if (cnt[s] == 0)
			continue;
		ok = rte_vhost_enqueue_burst(vp->vid, VHOST_GUEST_RXQ(queues[s]),
					     per_q[s], cnt[s]);
		count_bytes(d, per_q[s], ok);
		rte_pktmbuf_free_bulk(per_q[s], ok);
		sent += ok;
		for (uint16_t i = ok; i < cnt[s]; i++)
			pkts[left++] = per_q[s][i];
	}
	return sent;
}

static uint16_t nic_to_vm(struct relay_dir *d, uint64_t now)
{
	const struct vhost_port *vp = vhost_of(d->vm);
	const struct eth_port *ep = eth_of(d->nic);
	struct rte_mbuf *pkts[RELAY_BURST];
	uint16_t n = 0, sent;

	if (d->held_n) {
		struct rte_mbuf **held = &d->held[d->held_off];

		if (!vhost_port_is_ready(vp)) {
			drop(d, held, d->held_n, DROP_VM_DOWN);
			d->held_n = 0;
			return 0;
		}
		/* vm_enqueue keeps what it could not send at the front. */
		sent = vm_enqueue(d, vp, ep->has_rss_hash, held, d->held_n);
		return held_retried(d, sent, now);
	}
	n = eth_port_receive(ep, &d->next_queue, pkts, RELAY_BURST);
	if (n == 0)
		return 0;
	if (!vhost_port_is_ready(vp)) {
		drop(d, pkts, n, DROP_VM_DOWN);
		return 0;
	}
	sent = vm_enqueue(d, vp, ep->has_rss_hash, pkts, n);
	if (sent < n) {
		d->stats.retries++;
		hold(d, pkts, n - sent, now);
	}
	return sent;
}

/* ---- vm-to-nic ------------------------------------------------------- */

static uint16_t nic_transmit(struct relay_dir *d, struct rte_mbuf **pkts, uint16_t n)
{
	const struct eth_port *ep = eth_of(d->nic);
	uint16_t sent = rte_eth_tx_burst(ep->port_id, 0, pkts, n);

	count_bytes(d, pkts, sent);
	return sent;
}

/* Let the NIC's driver fix up headers for its offloads. It stops at the
 * first frame it refuses: drop that one, counted, and go on. */
static uint16_t nic_prepare(struct relay_dir *d, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t ok = 0;

	while (ok < n) {
		ok += rte_eth_tx_prepare(eth_of(d->nic)->port_id, 0, &pkts[ok], n - ok);
		if (ok < n) {
			drop(d, &pkts[ok], 1, DROP_OFFLOAD_FAILED);
			memmove(&pkts[ok], &pkts[ok + 1], (size_t)(n - ok - 1) * sizeof(*pkts));
			n--;
		}
	}
	return n;
}

static uint16_t vm_to_nic(struct relay_dir *d, uint64_t now)
{
	const struct vhost_port *vp = vhost_of(d->vm);
	struct rte_mbuf *pkts[RELAY_BURST];
	uint16_t n = 0, sent;

	if (d->held_n) {
		sent = nic_transmit(d, &d->held[d->held_off], d->held_n);
		d->held_off += sent;
		return held_retried(d, sent, now);
	}
	n = vhost_port_receive(vp, &d->next_queue, port_pool(), pkts, RELAY_BURST);
	if (n == 0)
		return 0;
	if (vp->guest_offloads) {
		/* Prepared frames go straight into the (empty) held array:
		 * a TSO frame may become dozens. */
		const struct eth_port *ep = eth_of(d->nic);

		n = relay_offload_prepare(d, ep->tx_offloads, pkts, n, d->held, RELAY_HELD_MAX);
		if (ep->tx_offloads & ~RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
			n = nic_prepare(d, d->held, n);
		sent = nic_transmit(d, d->held, n);
		if (sent < n) {
			d->stats.retries++;
			d->held_off = sent;
			d->held_n = n - sent;
			d->stall_since = now;
		}
		return sent;
	}
	sent = nic_transmit(d, pkts, n);
	if (sent < n) {
		d->stats.retries++;
		hold(d, pkts + sent, n - sent, now);
	}
	return sent;
}

static uint16_t relay_dir_poll(struct worker_job *job, uint64_t now)
{
	struct relay_dir *d = container_of(job, struct relay_dir, job);

	return d->kind == DIR_VM_TO_NIC ? vm_to_nic(d, now) : nic_to_vm(d, now);
}

static bool relay_dir_holding(const struct worker_job *job)
{
	return container_of(job, const struct relay_dir, job)->held_n != 0;
}

const struct worker_job_ops relay_dir_job_ops = {
	.poll = relay_dir_poll,
	.holding = relay_dir_holding,
};

void relay_dir_flush_held(struct relay_dir *d)
{
	/* The relay is going away and its counters with it. */
	rte_pktmbuf_free_bulk(&d->held[d->held_off], d->held_n);
	d->held_n = 0;
}
