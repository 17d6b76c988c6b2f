/* SPDX-License-Identifier: BSD-3-Clause */
#include "switch/xlate.h"

#include <string.h>

#include <rte_byteorder.h>

#include "flow/field.h"
#include "flow/flow_spec.h"
#include "switch/action_table.h"
#include "switch/bridge_names.h"
#include "switch/xlate_ctx.h"

static void do_actions(struct xlate_ctx *ctx, const struct rule *r)
{
	const struct rule_actions *acts = __atomic_load_n(&r->actions, __ATOMIC_ACQUIRE);

	if (acts->n == 0)
		TRACE(ctx, "drop");
	for (unsigned int i = 0; i < acts->n && !ctx->stop; i++)
		action_type_dp(acts->acts[i].type)->xlate(ctx, r, &acts->acts[i]);
}

static void do_table(struct xlate_ctx *ctx, unsigned int table)
{
	const struct classifier *cls = table <= FLOW_TABLE_MAX ? ctx->br->tables[table] : NULL;
	const struct cls_rule *cr;
	struct rule *r;

	ctx->prog->tables_seen |= 1ull << (table % 64);
	if (memcmp(&ctx->key, ctx->packet, sizeof(ctx->key)) != 0)
		ctx->prog->tables_rewritten |= 1ull << (table % 64);
	cr = cls ? cls_lookup(cls, &ctx->key, ctx->wc) : NULL;
	if (cr == NULL) {
		TRACE(ctx, "table %u: no match", table);
		if (ctx->depth == 0)
			ctx->missed_table0 = true;
		return;
	}
	r = container_of(cr, struct rule, cr);
	ctx->prog->rules[ctx->prog->n_rules++] = r; /* fits: see XLATE_MAX_RULES */
	if (ctx->trace) {
		char buf[1024];

		flow_match_format(&r->cr.match, bridge_port_name, (void *)ctx->br, buf,
				  sizeof(buf));
		TRACE(ctx, "table %u: priority %u%s%s, cookie 0x%" PRIx64, table,
		      r->cr.priority, buf[0] ? ", " : "", buf, r->cookie);
	}
	ctx->depth++;
	do_actions(ctx, r);
	ctx->depth--;
}

/*
 * A key whose dl_type is neither IP nor ARP has every L3 and L4 field 0
 * (pkt_parse), so once the megaflow holds dl_type, those fields cannot
 * tell two such keys apart: in the mask they would only add words to
 * compare per packet, and noise to trace's "Megaflow:". Rules on them
 * have ip/tcp prerequisites, so a lookup that probed them held dl_type.
 */
static void wild_l3_l4_unless_ip(const struct flow_key *key, struct flow_key *wc)
{
	uint16_t type = rte_be_to_cpu_16(key->dl_type);

	if (wc->dl_type != 0xffff || type == 0x0800 || type == 0x86dd || type == 0x0806)
		return;
	wc->nw_proto = 0;
	wc->nw_frag = 0;
	wc->nw_tos = 0;
	wc->nw_ttl = 0;
	wc->tcp_flags = 0;
	wc->nw_src = 0;
	wc->nw_dst = 0;
	wc->tp_src = 0;
	wc->tp_dst = 0;
	memset(wc->ipv6_src, 0, sizeof(wc->ipv6_src));
	memset(wc->ipv6_dst, 0, sizeof(wc->ipv6_dst));
}

void xlate(const struct bridge *br, const struct flow_key *key, struct dp_program *prog,
	   struct flow_key *wc, const struct xlate_trace *trace)
{
	struct xlate_ctx ctx = {
		.br = br, .packet = key, .key = *key, .wc = wc, .prog = prog, .trace = trace,
		.lookup = do_table,
	};
	bool outputs = false;

	memset(wc, 0, sizeof(*wc));
	/* The outcome always depends on where the packet came in. */
	wc->in_port = 0xffff;
	prog->n_ops = 0;
	prog->n_rules = 0;
	prog->drop = BR_DROP__COUNT;
	prog->tables_seen = prog->tables_rewritten = 0;
	do_table(&ctx, 0);
	wild_l3_l4_unless_ip(key, wc);
	if (ctx.stop) {
		prog->n_ops = 0;
		return;
	}
	for (unsigned int i = 0; i < prog->n_ops; i++)
		if (prog->ops[i].type == ACT_OUTPUT || prog->ops[i].type == ACT_NORMAL)
			outputs = true;
	if (!outputs) {
		prog->n_ops = 0;
		prog->drop = ctx.missed_table0 ? BR_DROP_NO_MATCH : BR_DROP_ACTION;
	}
}
