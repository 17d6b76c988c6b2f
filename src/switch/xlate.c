/* SPDX-License-Identifier: BSD-3-Clause */
#include "switch/xlate.h"

#include <string.h>

#include <rte_byteorder.h>

#include "flow/field.h"
#include "flow/flow_spec.h"
#include "switch/action_table.h"
#include "switch/bridge_names.h"
#include "switch/recirc.h"
#include "switch/xlate_ctx.h"

/* Steps that never read the headers: they may run while a parse is due. */
static bool reads_no_headers(uint8_t type)
{
	return type == ACT_OUTPUT || type == ACT_IN_PORT || type == ACT_NORMAL ||
	       type == ACT_FLOOD || type == ACT_ALL || type == ACT_NOTE;
}

/* Run acts (rule r's, or a continuation's when r is NULL) at the current
 * depth, ready to be frozen before any step. */
static void run_actions(struct xlate_ctx *ctx, const struct action *acts, unsigned int n,
			unsigned int table, const struct rule *r)
{
	struct xlate_frame *f = &ctx->frames[ctx->depth];

	*f = (struct xlate_frame){ .acts = acts, .n = (uint16_t)n, .table = (uint8_t)table };
	if (n == 0)
		TRACE(ctx, "drop");
	for (unsigned int i = 0; i < n && !ctx->stop; i++) {
		f->next = (uint16_t)i;
		if (ctx->reparse && !reads_no_headers(acts[i].type)) {
			xlate_freeze(ctx);
			return;
		}
		f->next = (uint16_t)(i + 1);
		action_type_dp(acts[i].type)->xlate(ctx, r, &acts[i]);
	}
}

static void do_actions(struct xlate_ctx *ctx, const struct rule *r)
{
	const struct rule_actions *acts = __atomic_load_n(&r->actions, __ATOMIC_ACQUIRE);

	run_actions(ctx, acts->acts, acts->n, r->table, r);
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

static void translate(struct xlate_ctx *ctx, const struct recirc_state *resume)
{
	struct dp_program *prog = ctx->prog;
	struct flow_key *wc = ctx->wc;
	bool outputs = false;

	memset(wc, 0, sizeof(*wc));
	/* The outcome always depends on where the packet came in, and on
	 * which pass this is. */
	wc->in_port = 0xffff;
	wc->recirc_id = UINT32_MAX;
	prog->n_ops = 0;
	prog->n_rules = 0;
	prog->drop = BR_DROP__COUNT;
	prog->tables_seen = prog->tables_rewritten = 0;
	if (resume == NULL) {
		do_table(ctx, 0);
	} else {
		TRACE(ctx, "recirc_id=0x%" PRIx32 ": the rest of the actions", resume->id);
		run_actions(ctx, resume->acts, resume->n_acts, 0, NULL);
	}
	wild_l3_l4_unless_ip(ctx->packet, wc);
	prog->key_out = ctx->key;
	if (ctx->stop && !ctx->frozen) {
		prog->n_ops = 0;
		return;
	}
	for (unsigned int i = 0; i < prog->n_ops; i++)
		if (prog->ops[i].type == ACT_OUTPUT || prog->ops[i].type == ACT_NORMAL ||
		    prog->ops[i].type == ACT_RECIRC)
			outputs = true;
	if (!outputs) {
		prog->n_ops = 0;
		prog->drop = ctx->missed_table0 ? BR_DROP_NO_MATCH : BR_DROP_ACTION;
	}
}

void xlate(const struct bridge *br, const struct flow_key *key, struct dp_program *prog,
	   struct flow_key *wc, const struct xlate_trace *trace)
{
	xlate_resume(br, NULL, key, prog, wc, trace);
}

void xlate_resume(const struct bridge *br, const struct recirc_state *st,
		  const struct flow_key *key, struct dp_program *prog, struct flow_key *wc,
		  const struct xlate_trace *trace)
{
	struct xlate_ctx ctx = {
		.br = br, .packet = key, .key = *key, .wc = wc, .prog = prog, .trace = trace,
		.lookup = do_table,
	};

	translate(&ctx, st);
}
