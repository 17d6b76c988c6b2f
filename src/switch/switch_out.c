/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_ethdev.h>
#include <rte_vhost.h>

#include "port/port.h"
#include "switch/switch_out.h"

static uint16_t send_vhost(struct bridge_port *bp, unsigned int wi, struct rte_mbuf **pkts,
			   uint16_t n)
{
	const struct vhost_port *vp = &bp->port->vhost;
	uint32_t enabled = __atomic_load_n(&vp->rxq_enabled, __ATOMIC_ACQUIRE);
	uint16_t q = 0, sent;

	if (!vhost_port_is_ready(vp))
		return 0;
	/* Spread workers over the guest's enabled RX queues. */
	if (enabled) {
		unsigned int k = wi % (unsigned int)__builtin_popcount(enabled);

		while (k--)
			enabled &= enabled - 1;
		q = (uint16_t)__builtin_ctz(enabled);
	}
	rte_spinlock_lock(&bp->tx_lock);
	sent = rte_vhost_enqueue_burst(vp->vid, VHOST_GUEST_RXQ(q), pkts, n);
	rte_spinlock_unlock(&bp->tx_lock);
	rte_pktmbuf_free_bulk(pkts, sent); /* rte_vhost copied them */
	return sent;
}

static uint16_t send_eth(struct bridge_port *bp, unsigned int wi, struct rte_mbuf **pkts,
			 uint16_t n)
{
	const struct eth_port *ep = &bp->port->eth;
	uint16_t sent;

	rte_spinlock_lock(&bp->tx_lock);
	sent = rte_eth_tx_burst(ep->port_id, (uint16_t)(wi % ep->nb_txq), pkts, n);
	rte_spinlock_unlock(&bp->tx_lock);
	return sent;
}

void out_send(struct burst_ctx *ctx, struct bridge_port *bp, struct rte_mbuf **pkts,
	      uint16_t n, uint64_t bytes)
{
	struct bport_stats *st = &bp->stats[ctx->wi];
	uint16_t sent;

	if (bp->port->type == PORT_VHOST) {
		sent = send_vhost(bp, ctx->wi, pkts, n);
		if (sent < n && !vhost_port_is_ready(&bp->port->vhost))
			st->drops[BR_DROP_PORT_DOWN] += n - sent;
		else
			st->drops[BR_DROP_TX_FULL] += n - sent;
	} else {
		sent = send_eth(bp, ctx->wi, pkts, n);
		st->drops[BR_DROP_TX_FULL] += n - sent;
	}
	for (uint16_t i = sent; i < n; i++)
		bytes -= rte_pktmbuf_pkt_len(pkts[i]);
	rte_pktmbuf_free_bulk(&pkts[sent], n - sent);
	st->tx_packets += sent;
	st->tx_bytes += bytes;
}

void out_flush(struct burst_ctx *ctx, struct out_batch *b)
{
	uint64_t bytes = 0;

	if (b->n == 0)
		return;
	for (uint16_t i = 0; i < b->n; i++)
		bytes += rte_pktmbuf_pkt_len(b->pkts[i]);
	out_send(ctx, b->bp, b->pkts, b->n, bytes);
	b->n = 0;
}
