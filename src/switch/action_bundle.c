/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The bundle family, what it does: output to one member of a set of ports
 * (a link aggregate, a set of uplinks), chosen per flow. active_backup
 * takes the first live member; hrw hashes the chosen fields of the packet
 * and takes the live member with the highest weight for that hash
 * (highest random weight: when a member goes, only its own flows move).
 * Live: attached to the bridge and up (a VM port has its guest; a NIC
 * port counts as up, its link state is not looked at), as the bridge's
 * tick last saw it (bridge_port.live; a change revalidates the caches).
 * Translation makes the choice and un-
 * wildcards the hashed fields, so the megaflow holds one flow's choice
 * and the datapath only outputs.
 */
#include <rte_byteorder.h>
#include <rte_hash_crc.h>

#include "switch/action_dp.h"
#include "switch/xlate_ctx.h"

static bool is_ip(rte_be16_t dl_type)
{
	return dl_type == RTE_BE16(0x0800) || dl_type == RTE_BE16(0x86dd);
}

static uint32_t hash_bytes(uint32_t h, const void *p, unsigned int n)
{
	return rte_hash_crc(p, n, h);
}

/* The same for both directions of a flow: the pair ordered. */
static uint32_t hash_pair(uint32_t h, const void *a, const void *b, unsigned int n)
{
	const void *lo = memcmp(a, b, n) <= 0 ? a : b, *hi = lo == a ? b : a;

	return hash_bytes(hash_bytes(h, lo, n), hi, n);
}

static uint32_t hash_addresses(struct xlate_ctx *ctx, uint32_t h, bool symmetric, bool src,
			       bool dst)
{
	const struct flow_key *k = &ctx->key;
	bool v6 = k->dl_type == RTE_BE16(0x86dd);

	if (src)
		xlate_unwildcard_all(ctx, v6 ? FIELD_IPV6_SRC : FIELD_NW_SRC);
	if (dst)
		xlate_unwildcard_all(ctx, v6 ? FIELD_IPV6_DST : FIELD_NW_DST);
	if (symmetric)
		return v6 ? hash_pair(h, k->ipv6_src, k->ipv6_dst, 16)
			  : hash_pair(h, &k->nw_src, &k->nw_dst, 4);
	if (src)
		h = v6 ? hash_bytes(h, k->ipv6_src, 16) : hash_bytes(h, &k->nw_src, 4);
	if (dst)
		h = v6 ? hash_bytes(h, k->ipv6_dst, 16) : hash_bytes(h, &k->nw_dst, 4);
	return h;
}

/* Protocol and ports; udp: UDP's too, not only TCP's and SCTP's. */
static uint32_t hash_l4(struct xlate_ctx *ctx, uint32_t h, bool udp)
{
	const struct flow_key *k = &ctx->key;

	xlate_unwildcard_all(ctx, FIELD_NW_PROTO);
	h = hash_bytes(h, &k->nw_proto, 1);
	if (k->nw_proto == 6 || k->nw_proto == 132 || (udp && k->nw_proto == 17)) {
		xlate_unwildcard_all(ctx, FIELD_TP_SRC);
		xlate_unwildcard_all(ctx, FIELD_TP_DST);
		h = hash_pair(h, &k->tp_src, &k->tp_dst, 2);
	}
	return h;
}

static uint32_t flow_hash(struct xlate_ctx *ctx, enum bundle_fields fields, uint16_t basis)
{
	const struct flow_key *k = &ctx->key;
	uint32_t h = basis;
	bool ip;

	if (fields == BUNDLE_ETH_SRC) {
		xlate_unwildcard_all(ctx, FIELD_DL_SRC);
		return hash_bytes(h, &k->dl_src, sizeof(k->dl_src));
	}
	xlate_unwildcard_all(ctx, FIELD_DL_TYPE);
	ip = is_ip(k->dl_type);
	if (fields == BUNDLE_SYMMETRIC_L4) {
		xlate_unwildcard_all(ctx, FIELD_DL_SRC);
		xlate_unwildcard_all(ctx, FIELD_DL_DST);
		xlate_unwildcard_all(ctx, FIELD_VLAN_TCI);
		h = hash_pair(h, &k->dl_src, &k->dl_dst, sizeof(k->dl_src));
		h = hash_bytes(h, &k->vlan_tci, 2);
		h = hash_bytes(h, &k->dl_type, 2);
		return ip ? hash_l4(ctx, hash_addresses(ctx, h, true, true, true), true) : h;
	}
	if (!ip)
		return h;
	switch (fields) {
	case BUNDLE_NW_SRC:
		return hash_addresses(ctx, h, false, true, false);
	case BUNDLE_NW_DST:
		return hash_addresses(ctx, h, false, false, true);
	case BUNDLE_SYMMETRIC_L3:
		return hash_addresses(ctx, h, true, true, true);
	case BUNDLE_SYMMETRIC_L3L4:
	case BUNDLE_SYMMETRIC_L3L4_UDP:
		return hash_l4(ctx, hash_addresses(ctx, h, true, true, true),
			       fields == BUNDLE_SYMMETRIC_L3L4_UDP);
	default:
		return h;
	}
}

/* A member that can take packets: attached, and up (a VM port has its
 * guest). */
static bool live(const struct xlate_ctx *ctx, uint16_t ofport)
{
	const struct bridge_port *bp = ofport >= 1 && ofport <= BRIDGE_MAX_PORTS ?
				       ctx->br->ports[ofport] : NULL;

	return bp != NULL && __atomic_load_n(&bp->live, __ATOMIC_ACQUIRE);
}

/* The member to send to, or 0 if none is live. */
static uint16_t choose(struct xlate_ctx *ctx, const struct action *a)
{
	uint32_t h, best_weight = 0;
	uint16_t best = 0;

	if (a->bundle.algorithm == BUNDLE_ACTIVE_BACKUP) {
		for (unsigned int i = 0; i < a->bundle.n_members; i++)
			if (live(ctx, a->bundle.members[i]))
				return a->bundle.members[i];
		return 0;
	}
	h = flow_hash(ctx, (enum bundle_fields)a->bundle.fields, a->bundle.basis);
	for (unsigned int i = 0; i < a->bundle.n_members; i++) {
		uint16_t m = a->bundle.members[i];
		uint32_t w;

		if (!live(ctx, m))
			continue;
		w = rte_hash_crc_4byte(h, m);
		if (best == 0 || w > best_weight) {
			best = m;
			best_weight = w;
		}
	}
	return best;
}

static void xlate_bundle(struct xlate_ctx *ctx, const struct rule *r, const struct action *a)
{
	uint16_t in = rte_be_to_cpu_16(ctx->key.in_port), m = choose(ctx, a);

	(void)r;
	if (m == 0) {
		TRACE(ctx, "bundle: no member is attached and up");
		return;
	}
	if (m == in) {
		TRACE(ctx, "bundle: member %u skipped: it is the input port", m);
		return;
	}
	TRACE(ctx, "bundle: output to %s (port %u)", ctx->br->ports[m]->job.name, m);
	xlate_emit_output(ctx, m);
}

static const struct action_type_dp types[] = {
	{ ACT_BUNDLE, xlate_bundle, NULL, false },   /* becomes an output */
};

const struct action_dp action_bundle_dp = {
	.family = "bundle", .types = types, .n_types = sizeof(types) / sizeof(types[0]),
};
