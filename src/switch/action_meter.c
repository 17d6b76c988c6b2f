/* SPDX-License-Identifier: BSD-3-Clause */
/* The meter family, what it does: meter:N passes a packet if meter N of
 * the bridge has room for it now (meter.h), and drops it (counted as
 * meter) if not. */
#include <rte_mbuf.h>

#include "switch/action_dp.h"
#include "switch/meter.h"
#include "switch/switch_out.h"
#include "switch/xlate_ctx.h"

static void xlate_meter(struct xlate_ctx *ctx, const struct rule *r, const struct action *a)
{
	(void)r;
	TRACE(ctx, "meter:%u", a->meter.id);
	xlate_emit(ctx, a);
}

static enum bridge_drop exec_meter(struct burst_ctx *ctx, struct rte_mbuf *m,
				   struct pkt_layers *l, const struct flow_key *key,
				   const struct action *a)
{
	struct meter *mt = a->meter.id <= METER_MAX ?
		__atomic_load_n(&ctx->br->meters[a->meter.id], __ATOMIC_ACQUIRE) : NULL;

	(void)l;
	(void)key;
	/* A meter deleted since this program was made: the rule naming it is
	 * gone too (meters in use cannot be deleted), and so, at the next
	 * burst, is this program. */
	if (mt != NULL && !meter_pass(mt, ctx->now_tsc, rte_pktmbuf_pkt_len(m)))
		return BR_DROP_METER;
	return BR_DROP__COUNT;
}

static const struct action_type_dp types[] = {
	{ ACT_METER, xlate_meter, exec_meter, false },
};

const struct action_dp action_meter_dp = {
	.family = "meter", .types = types, .n_types = sizeof(types) / sizeof(types[0]),
};
