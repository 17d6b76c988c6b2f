/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The `normal` action: a MAC-learning L2 switch with access and trunk
 * VLAN ports, decided per packet from the bridge's MAC table.
 */
#include <rte_ether.h>

#include "switch/dp_exec.h"
#include "switch/mac_table.h"
#include "switch/switch_out.h"

static bool vlan_allowed(const struct bridge_port *bp, uint16_t vlan)
{
	if (bp->tag)
		return bp->tag == vlan;
	if (bp->n_trunks == 0)
		return true;
	for (uint16_t i = 0; i < bp->n_trunks; i++)
		if (bp->trunks[i] == vlan)
			return true;
	return false;
}

/* Send a copy of m to bp in vlan, tagged or not as the port wants. */
static void normal_egress(struct burst_ctx *ctx, struct bridge_port *bp, uint16_t vlan,
			  struct rte_mbuf *m, const struct pkt_layers *l)
{
	bool tagged = l->l2_5 != PKT_NO_LAYER;
	bool want = bp->tag == 0 && vlan != 0;
	struct pkt_layers cl = *l;
	struct rte_mbuf *c;

	if (tagged == want) {
		output_shared(ctx, bp->ofport, m);
		return;
	}
	c = rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX);
	if (c == NULL) {
		ctx->st->drops[BR_DROP_NO_MBUF]++;
		return;
	}
	if (want ? dp_push_vlan(c, &cl, rte_cpu_to_be_16(0x8100), rte_cpu_to_be_16(vlan))
		 : dp_pop_vlan(c, &cl)) {
		rte_pktmbuf_free(c);
		ctx->st->drops[BR_DROP_MALFORMED]++;
		return;
	}
	out_enqueue(ctx, bp->ofport, c);
}

static bool is_unicast(const struct rte_ether_addr *a)
{
	return !rte_is_multicast_ether_addr(a);
}

unsigned int normal(struct burst_ctx *ctx, struct rte_mbuf *m,
			   const struct pkt_layers *l, uint16_t in_ofport)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	struct bridge_port *in = ctx->br->ports[in_ofport];
	int vid = dp_vlan_vid(m, l);
	unsigned int sent = 0;
	uint16_t vlan, dst;

	if (in == NULL)
		return 0;
	if (in->tag) {
		if (vid > 0) {
			ctx->st->drops[BR_DROP_VLAN]++;
			return 0;
		}
		vlan = in->tag;
	} else {
		vlan = vid < 0 ? 0 : (uint16_t)vid;
		if (!vlan_allowed(in, vlan)) {
			ctx->st->drops[BR_DROP_VLAN]++;
			return 0;
		}
	}
	if (is_unicast(&eth->src_addr))
		mac_learn(ctx->br->macs, &eth->src_addr, vlan, in_ofport, ctx->now_s);
	dst = is_unicast(&eth->dst_addr) ? mac_lookup(ctx->br->macs, &eth->dst_addr, vlan) : 0;
	if (dst != 0) {
		struct bridge_port *bp = dst <= BRIDGE_MAX_PORTS ? ctx->br->ports[dst] : NULL;

		if (dst == in_ofport)
			return 1; /* it is where it came from: nothing to do */
		if (bp != NULL && vlan_allowed(bp, vlan)) {
			normal_egress(ctx, bp, vlan, m, l);
			return 1;
		}
	}
	for (uint16_t p = 1; p <= BRIDGE_MAX_PORTS && p <= ctx->br->max_ofport; p++) {
		struct bridge_port *bp = ctx->br->ports[p];

		if (bp != NULL && p != in_ofport && vlan_allowed(bp, vlan)) {
			normal_egress(ctx, bp, vlan, m, l);
			sent++;
		}
	}
	return sent ? sent : 1; /* flooding to nobody is not a drop */
}
