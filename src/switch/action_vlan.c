/* SPDX-License-Identifier: BSD-3-Clause */
/* The VLAN family, what it does: push a tag (VID 0 until set) or strip the
 * outer one, in the key during translation and in the packet per packet.
 * The key holds the outer tag only: stripping it off a packet with
 * another tag below means that tag is known only once the packet is
 * parsed again, so the translation recirculates before its next step
 * that reads headers (switch/recirc.h). */
#include <rte_byteorder.h>

#include "switch/action_dp.h"
#include "switch/dp_exec.h"
#include "switch/xlate_ctx.h"

static void xlate_push_vlan(struct xlate_ctx *ctx, const struct rule *r, const struct action *a)
{
	(void)r;
	TRACE(ctx, "push_vlan");
	xlate_emit(ctx, a);
	ctx->key.vlan_tci = rte_cpu_to_be_16(FLOW_VLAN_PRESENT);
	if (ctx->key.vlan_depth < UINT8_MAX)
		ctx->key.vlan_depth++;
}

static void xlate_pop_vlan(struct xlate_ctx *ctx, const struct rule *r, const struct action *a)
{
	(void)r;
	xlate_unwildcard_all(ctx, FIELD_VLAN_TCI);
	if (!(ctx->key.vlan_tci & rte_cpu_to_be_16(FLOW_VLAN_PRESENT))) {
		TRACE(ctx, "strip_vlan: no tag");
		return;
	}
	ctx->wc->vlan_depth = UINT8_MAX;
	xlate_emit(ctx, a);
	ctx->key.vlan_tci = 0;
	if (ctx->key.vlan_depth > 1) {
		TRACE(ctx, "strip_vlan: another tag is below");
		ctx->reparse = true;
	} else {
		TRACE(ctx, "strip_vlan");
	}
	if (ctx->key.vlan_depth > 0)
		ctx->key.vlan_depth--;
}

static enum bridge_drop exec_push_vlan(struct burst_ctx *ctx, struct rte_mbuf *m,
				       struct pkt_layers *l, const struct flow_key *key,
				       const struct action *a)
{
	(void)ctx;
	(void)key;
	return dp_push_vlan(m, l, a->push_vlan.tpid, 0) ? BR_DROP_MALFORMED : BR_DROP__COUNT;
}

static enum bridge_drop exec_pop_vlan(struct burst_ctx *ctx, struct rte_mbuf *m,
				      struct pkt_layers *l, const struct flow_key *key,
				      const struct action *a)
{
	(void)ctx;
	(void)key;
	(void)a;
	return dp_pop_vlan(m, l) ? BR_DROP_MALFORMED : BR_DROP__COUNT;
}

static const struct action_type_dp types[] = {
	{ ACT_PUSH_VLAN, xlate_push_vlan, exec_push_vlan, true },
	{ ACT_POP_VLAN, xlate_pop_vlan, exec_pop_vlan, true },
};

const struct action_dp action_vlan_dp = {
	.family = "vlan", .types = types, .n_types = sizeof(types) / sizeof(types[0]),
};
