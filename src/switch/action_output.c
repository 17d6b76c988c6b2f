/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The output family, what it does: output:P, in_port, flood and all
 * become one datapath output per port; normal stays a step of its own,
 * decided per packet by the MAC table. The fast path runs both kinds of
 * step itself (switch_dp.c), so nothing here executes.
 */
#include <rte_byteorder.h>

#include "switch/action_dp.h"
#include "switch/xlate_ctx.h"

static void xlate_output(struct xlate_ctx *ctx, const struct rule *r, const struct action *a)
{
	uint16_t in = rte_be_to_cpu_16(ctx->key.in_port), ofport = a->output.port;

	(void)r;
	if (ofport == in) {
		TRACE(ctx, "output:%u skipped: it is the input port (use in_port)", ofport);
		return;
	}
	if (ofport > BRIDGE_MAX_PORTS || ctx->br->ports[ofport] == NULL) {
		TRACE(ctx, "output:%u skipped: no such port", ofport);
		return;
	}
	TRACE(ctx, "output to %s (port %u)", ctx->br->ports[ofport]->job.name, ofport);
	xlate_emit_output(ctx, ofport);
}

static void xlate_in_port(struct xlate_ctx *ctx, const struct rule *r, const struct action *a)
{
	uint16_t in = rte_be_to_cpu_16(ctx->key.in_port);

	(void)r;
	(void)a;
	TRACE(ctx, "in_port: output to port %u", in);
	if (in >= 1 && in <= BRIDGE_MAX_PORTS && ctx->br->ports[in] != NULL)
		xlate_emit_output(ctx, in);
}

static void xlate_normal(struct xlate_ctx *ctx, const struct rule *r, const struct action *a)
{
	(void)r;
	TRACE(ctx, "normal: MAC learning switch (decided per packet)");
	if (ctx->trace && ctx->trace->normal)
		ctx->trace->normal(ctx->trace->aux, ctx->depth + 1, &ctx->key);
	xlate_emit(ctx, a);
}

/* flood and all: every port but the input (flood would also skip ports
 * marked no-flood; xvio has no such mark). */
static void xlate_flood(struct xlate_ctx *ctx, const struct rule *r, const struct action *a)
{
	uint16_t in = rte_be_to_cpu_16(ctx->key.in_port);
	unsigned int n = 0;

	(void)r;
	for (uint16_t p = 1; p <= BRIDGE_MAX_PORTS && !ctx->stop; p++)
		if (ctx->br->ports[p] != NULL && p != in) {
			xlate_emit_output(ctx, p);
			n++;
		}
	TRACE(ctx, "%s: output to %u port(s)", a->type == ACT_ALL ? "all" : "flood", n);
}

static const struct action_type_dp types[] = {
	{ ACT_OUTPUT, xlate_output, NULL, false },
	{ ACT_IN_PORT, xlate_in_port, NULL, false },
	{ ACT_NORMAL, xlate_normal, NULL, false },
	{ ACT_FLOOD, xlate_flood, NULL, false },
	{ ACT_ALL, xlate_flood, NULL, false },
};

const struct action_dp action_output_dp = {
	.family = "output", .types = types, .n_types = sizeof(types) / sizeof(types[0]),
};
