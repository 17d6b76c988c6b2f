/* SPDX-License-Identifier: BSD-3-Clause */
/* The steps a translation may take (xlate_ctx.h). */
#include "switch/xlate_ctx.h"

#include <string.h>

void xlate_emit(struct xlate_ctx *ctx, const struct action *a)
{
	struct dp_program *p = ctx->prog;

	if (ctx->stop)
		return;
	if (p->n_ops == XLATE_MAX_OPS) {
		TRACE(ctx, "more than %d datapath actions: packet dropped", XLATE_MAX_OPS);
		xlate_drop(ctx, BR_DROP_TOO_MANY_ACTIONS);
		return;
	}
	p->ops[p->n_ops++] = *a;
}

void xlate_emit_output(struct xlate_ctx *ctx, uint16_t ofport)
{
	struct action a = { .type = ACT_OUTPUT, .output.port = ofport };

	xlate_emit(ctx, &a);
}

void xlate_unwildcard(struct xlate_ctx *ctx, const struct field *f, const uint8_t *mask)
{
	uint8_t *w = (uint8_t *)ctx->wc + f->offset;

	for (unsigned int i = 0; i < f->n_bytes; i++)
		w[i] |= mask[i];
}

void xlate_unwildcard_all(struct xlate_ctx *ctx, enum field_id id)
{
	const struct field *f = field_get(id);
	uint8_t ones[FIELD_MAX_BYTES], st_value[FIELD_MAX_BYTES], st_mask[FIELD_MAX_BYTES];

	memset(ones, 0xff, sizeof(ones));
	field_to_storage(f, ones, ones, st_value, st_mask);
	xlate_unwildcard(ctx, f, st_mask);
}

/* resubmit and goto_table: another lookup, within both bounds. Depth alone
 * would still let a few tables of rules with several resubmits each cost
 * an exponential number of lookups, so the total per packet is bounded
 * too (Open vSwitch bounds it the same way). Either limit drops the
 * packet: a partial translation would be a different decision. */
void xlate_drop(struct xlate_ctx *ctx, enum bridge_drop why)
{
	ctx->stop = true;
	ctx->prog->drop = why;
}

void xlate_recurse(struct xlate_ctx *ctx, unsigned int table, uint16_t in_port)
{
	rte_be16_t saved = ctx->key.in_port;

	if (ctx->depth == XLATE_MAX_DEPTH) {
		TRACE(ctx, "resubmits nested deeper than %d: packet dropped", XLATE_MAX_DEPTH);
		xlate_drop(ctx, BR_DROP_RESUBMIT_DEPTH);
		return;
	}
	if (ctx->resubmits == XLATE_MAX_RESUBMITS) {
		TRACE(ctx, "more than %d resubmits: packet dropped", XLATE_MAX_RESUBMITS);
		xlate_drop(ctx, BR_DROP_TOO_MANY_RESUBMITS);
		return;
	}
	ctx->resubmits++;
	ctx->frames[ctx->depth].resume_in_port = saved;
	if (in_port != OFPORT_NONE)
		ctx->key.in_port = rte_cpu_to_be_16(in_port);
	ctx->lookup(ctx, table);
	ctx->key.in_port = saved;
}
