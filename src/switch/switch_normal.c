/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The `normal` action: a MAC-learning L2 switch with access and trunk
 * VLAN ports, decided per packet from the bridge's MAC table.
 */
#include <rte_ether.h>

#include "switch/dp_exec.h"
#include "switch/flow_cache.h"
#include "switch/mac_table.h"
#include "switch/normal_vlan.h"
#include "switch/switch_out.h"

/* Does m leave for bp in vlan as it is? A trunk wants the frame tagged
 * with vlan (untagged for VLAN 0), an access port untagged. A priority
 * tag (VID 0) on a frame in another VLAN gets that VLAN's VID. */
static bool egress_as_is(const struct bridge_port *bp, uint16_t vlan, const struct rte_mbuf *m,
			 const struct pkt_layers *l)
{
	bool want = bp->tag == 0 && vlan != 0;

	if (l->l2_5 == PKT_NO_LAYER)
		return !want;
	return want && dp_vlan_vid(m, l) == vlan;
}

/* The frame's outer tag carries vid now; its priority bits stay. */
static void set_vid(struct rte_mbuf *m, const struct pkt_layers *l, uint16_t vid)
{
	uint8_t *tci = rte_pktmbuf_mtod_offset(m, uint8_t *, l->l2_5 + 2);

	tci[0] = (uint8_t)((tci[0] & 0xf0) | vid >> 8);
	tci[1] = (uint8_t)vid;
}

/* Send m to bp in vlan, tagged or not as the port wants. give: m is ours
 * to hand over (its last use); otherwise the batch gets its own reference,
 * or its own copy if the tag must change. */
static void normal_egress(struct burst_ctx *ctx, struct bridge_port *bp, uint16_t vlan,
			  struct rte_mbuf *m, const struct pkt_layers *l, bool give)
{
	bool want = bp->tag == 0 && vlan != 0;
	struct pkt_layers cl = *l;
	int rc = 0;

	if (egress_as_is(bp, vlan, m, l)) {
		if (give)
			out_enqueue(ctx, bp->ofport, m);
		else
			output_shared(ctx, bp->ofport, m);
		return;
	}
	m = give ? writable(m) : rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX);
	if (m == NULL) {
		ctx->st->drops[BR_DROP_NO_MBUF]++;
		return;
	}
	if (!want)
		rc = dp_pop_vlan(m, &cl);
	else if (cl.l2_5 == PKT_NO_LAYER)
		rc = dp_push_vlan(m, &cl, rte_cpu_to_be_16(0x8100), rte_cpu_to_be_16(vlan));
	else
		set_vid(m, &cl, vlan);
	if (rc) {
		rte_pktmbuf_free(m);
		ctx->st->drops[BR_DROP_MALFORMED]++;
		return;
	}
	out_enqueue(ctx, bp->ofport, m);
}

/* The worker's MAC cache slot of key (flow_cache.h). */
static struct mac_cache_slot *mac_slot(struct burst_ctx *ctx, uint64_t key)
{
	uint64_t h = key * 0x9e3779b97f4a7c15ull;

	return &ctx->cache->macs[h >> (64 - 10)];
}

static inline bool mac_slot_fresh(const struct burst_ctx *ctx, const struct mac_cache_slot *s,
				  uint64_t key)
{
	return s->key == key && s->epoch == ctx->cache->epoch &&
	       ctx->now_s - s->seen_s < MAC_REFRESH_S;
}

static void mac_slot_set(struct burst_ctx *ctx, struct mac_cache_slot *s, uint64_t key,
			 uint16_t ofport)
{
	s->key = key;
	s->epoch = ctx->cache->epoch;
	s->seen_s = ctx->now_s;
	s->ofport = ofport;
}

/* Learn that mac is on in_port; the shared table only when the worker's
 * cache does not already know it (fresh). */
static void learn(struct burst_ctx *ctx, const struct rte_ether_addr *mac, uint16_t vlan,
		  uint16_t in_ofport)
{
	uint64_t key = mac_key(mac, vlan);
	struct mac_cache_slot *s;

	if (key == ctx->last_src)
		return; /* a burst comes in on one port: learnt already */
	ctx->last_src = key;
	if (ctx->cache == NULL) {
		mac_learn(ctx->br->macs, mac, vlan, in_ofport, ctx->now_s);
		return;
	}
	s = mac_slot(ctx, key);
	if (mac_slot_fresh(ctx, s, key) && s->ofport == in_ofport)
		return;
	mac_learn(ctx->br->macs, mac, vlan, in_ofport, ctx->now_s);
	mac_slot_set(ctx, s, key, in_ofport);
}

static inline uint16_t remember_dst(struct burst_ctx *ctx, uint64_t key, uint16_t ofport)
{
	ctx->last_dst = key;
	ctx->last_dst_port = ofport;
	return ofport;
}

/* Where mac is, or 0; from the worker's cache when it is fresh. */
static uint16_t lookup(struct burst_ctx *ctx, const struct rte_ether_addr *mac, uint16_t vlan)
{
	uint64_t key = mac_key(mac, vlan);
	struct mac_cache_slot *s;
	uint16_t ofport;

	if (key == ctx->last_dst)
		return ctx->last_dst_port;
	if (ctx->cache == NULL) {
		ofport = mac_lookup(ctx->br->macs, mac, vlan);
	} else {
		s = mac_slot(ctx, key);
		if (mac_slot_fresh(ctx, s, key))
			return remember_dst(ctx, key, s->ofport);
		ofport = mac_lookup(ctx->br->macs, mac, vlan);
		if (ofport != 0)
			mac_slot_set(ctx, s, key, ofport);
	}
	return remember_dst(ctx, key, ofport);
}

static bool is_unicast(const struct rte_ether_addr *a)
{
	return !rte_is_multicast_ether_addr(a);
}

/* A priority tag (VID 0) in front of another tag. */
static bool priority_tag_over_tag(const struct rte_mbuf *m, const struct pkt_layers *l, int vid)
{
	const uint8_t *t;

	if (vid != 0 || rte_pktmbuf_data_len(m) < (uint32_t)l->l2_5 + 6)
		return false;
	t = rte_pktmbuf_mtod_offset(m, const uint8_t *, l->l2_5 + 4);
	return (t[0] == 0x81 && t[1] == 0x00) || (t[0] == 0x88 && t[1] == 0xa8);
}

/* The packet's VLAN in the bridge, or -1 if the input port refuses it.
 * A priority tag in front of another tag is refused: one reader would put
 * the frame in the port's VLAN, the next switch in the inner tag's (VLAN
 * hopping). */
static int input_vlan(const struct bridge_port *in, const struct rte_mbuf *m,
		      const struct pkt_layers *l)
{
	int vid = dp_vlan_vid(m, l);

	if (priority_tag_over_tag(m, l, vid))
		return -1;
	return normal_input_vlan(in, vid);
}

/* *taken: m was handed over (only ever with give). Each port slot is read
 * once: `bridge port-del` may empty it at any moment, and the port it held
 * stays valid until the end of this poll (RCU), so the pointer read is the
 * one used. */
static unsigned int decide(struct burst_ctx *ctx, struct rte_mbuf *m,
			   const struct pkt_layers *l, uint16_t in_ofport, bool give,
			   bool *taken)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	uint16_t max_ofport = __atomic_load_n(&ctx->br->max_ofport, __ATOMIC_RELAXED);
	struct bridge_port *in = out_port(ctx, in_ofport);
	struct bridge_port *targets[BRIDGE_MAX_PORTS];
	struct bridge_port *to = NULL;
	unsigned int n = 0;
	uint16_t dst = 0;
	int vlan;

	if (in == NULL) {
		ctx->st->drops[BR_DROP_PORT_DOWN]++;
		return 1;
	}
	vlan = input_vlan(in, m, l);
	if (vlan < 0) {
		ctx->st->drops[BR_DROP_VLAN]++;
		return 1;
	}
	if (is_unicast(&eth->src_addr))
		learn(ctx, &eth->src_addr, (uint16_t)vlan, in_ofport);
	if (is_unicast(&eth->dst_addr))
		dst = lookup(ctx, &eth->dst_addr, (uint16_t)vlan);
	if (dst == in_ofport)
		return 1; /* it is where it came from: nothing to do */
	if (dst != 0)
		to = out_port(ctx, dst);
	if (to != NULL && normal_vlan_allowed(to, (uint16_t)vlan)) {

		if (egress_as_is(to, (uint16_t)vlan, m, l) && rte_pktmbuf_data_len(m) >= 16) {
			memcpy(ctx->last_hdr, eth, sizeof(ctx->last_hdr));
			ctx->last_to = dst;
		}
		normal_egress(ctx, to, (uint16_t)vlan, m, l, give);
		*taken = give;
		return 1;
	}
	for (uint16_t p = 1; p <= max_ofport; p++) {
		struct bridge_port *bp = out_port(ctx, p);

		if (bp != NULL && p != in_ofport && normal_vlan_allowed(bp, (uint16_t)vlan))
			targets[n++] = bp;
	}
	for (unsigned int i = 0; i < n; i++)
		normal_egress(ctx, targets[i], (uint16_t)vlan, m, l, give && i + 1 == n);
	*taken = give && n > 0;
	return n ? n : 1; /* flooding to nobody is not a drop */
}

unsigned int normal(struct burst_ctx *ctx, struct rte_mbuf *m, const struct pkt_layers *l,
		    uint16_t in_ofport, bool give)
{
	bool taken = false;
	unsigned int sent = decide(ctx, m, l, in_ofport, give, &taken);

	if (give && !taken)
		rte_pktmbuf_free(m);
	return sent;
}
