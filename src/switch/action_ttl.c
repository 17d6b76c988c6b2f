/* SPDX-License-Identifier: BSD-3-Clause */
/* The TTL family, what it does: dec_ttl lowers an IP packet's TTL (hop
 * limit), and drops the packet (counted as ttl) when it would reach 0. */
#include <rte_byteorder.h>

#include "switch/action_dp.h"
#include "switch/dp_exec.h"
#include "switch/xlate_ctx.h"

static bool key_is_ip(const struct flow_key *k)
{
	return k->dl_type == rte_cpu_to_be_16(0x0800) || k->dl_type == rte_cpu_to_be_16(0x86dd);
}

static void xlate_dec_ttl(struct xlate_ctx *ctx, const struct rule *r, const struct action *a)
{
	const struct action step = { .type = ACT_DEC_TTL };

	(void)r;
	(void)a;
	xlate_unwildcard_all(ctx, FIELD_DL_TYPE);
	if (!key_is_ip(&ctx->key)) {
		TRACE(ctx, "dec_ttl: not IP, nothing to do");
		return;
	}
	xlate_unwildcard_all(ctx, FIELD_NW_TTL);
	if (ctx->key.nw_ttl <= 1) {
		TRACE(ctx, "dec_ttl: TTL %u expired, packet dropped", ctx->key.nw_ttl);
		xlate_drop(ctx, BR_DROP_TTL);
		return;
	}
	ctx->key.nw_ttl--;
	xlate_emit(ctx, &step);
}

static enum bridge_drop exec_dec_ttl(struct burst_ctx *ctx, struct rte_mbuf *m,
				     struct pkt_layers *l, const struct flow_key *key,
				     const struct action *a)
{
	(void)ctx;
	(void)key;
	(void)a;
	return dp_dec_ttl(m, l) ? BR_DROP_MALFORMED : BR_DROP__COUNT;
}

static const struct action_type_dp types[] = {
	{ ACT_DEC_TTL, xlate_dec_ttl, exec_dec_ttl, true },
};

const struct action_dp action_ttl_dp = {
	.family = "ttl", .types = types, .n_types = sizeof(types) / sizeof(types[0]),
};
