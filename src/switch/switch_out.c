/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_spinlock.h>

#include "port/port.h"
#include "switch/switch_out.h"

void out_send(struct burst_ctx *ctx, struct bridge_port *bp, struct rte_mbuf **pkts,
	      uint16_t n, uint64_t bytes)
{
	struct bport_stats *st = &bp->stats[ctx->wi];
	struct port *p = bp->port;
	uint16_t sent;

	/* Workers share the port's queues: one sender at a time. */
	rte_spinlock_lock(&bp->tx_lock);
	sent = p->ops->tx_burst(p, ctx->wi, pkts, n);
	rte_spinlock_unlock(&bp->tx_lock);
	if (sent < n)
		st->drops[p->ops->is_up(p) ? BR_DROP_TX_FULL : BR_DROP_PORT_DOWN] += n - sent;
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
