/* SPDX-License-Identifier: BSD-3-Clause */
#include "switch/xlate.h"

#include <string.h>

#include <rte_byteorder.h>

#include "flow/field.h"
#include "flow/flow_spec.h"
#include "switch/bridge_names.h"

struct xlate_ctx {
	const struct bridge *br;
	const struct flow_key *packet; /* as it came */
	struct flow_key key;      /* the packet as the actions so far made it */
	struct flow_key *wc;
	struct dp_program *prog;
	const struct xlate_trace *trace;
	int depth;
	unsigned int resubmits;   /* so far, against XLATE_MAX_RESUBMITS */
	bool stop;                /* dropped (prog->drop says why): nothing more happens */
	bool missed_table0;
};

#define TRACE(ctx, ...) do { \
	if ((ctx)->trace) \
		(ctx)->trace->line((ctx)->trace->aux, (ctx)->depth, __VA_ARGS__); \
} while (0)

/* Fields that exist only in the key, not in the packet: writing them
 * steers later lookups and changes nothing on the wire. */
static bool is_metadata(enum field_id f)
{
	return f == FIELD_IN_PORT || f == FIELD_REG0 || f == FIELD_REG1 || f == FIELD_REG2 || f == FIELD_REG3 ||
	       f == FIELD_TUN_ID;
}

static bool is_vlan_field(enum field_id f)
{
	return f == FIELD_DL_VLAN || f == FIELD_DL_VLAN_PCP || f == FIELD_VLAN_TCI;
}

static void emit(struct xlate_ctx *ctx, const struct action *a)
{
	struct dp_program *p = ctx->prog;

	if (ctx->stop)
		return;
	if (p->n_ops == XLATE_MAX_OPS) {
		TRACE(ctx, "more than %d datapath actions: packet dropped", XLATE_MAX_OPS);
		ctx->stop = true;
		p->drop = BR_DROP_TOO_MANY_ACTIONS;
		return;
	}
	p->ops[p->n_ops++] = *a;
}

static void emit_output(struct xlate_ctx *ctx, uint16_t ofport)
{
	struct action a = { .type = ACT_OUTPUT, .output.port = ofport };

	emit(ctx, &a);
}

static void unwildcard(struct xlate_ctx *ctx, const struct field *f, const uint8_t *mask)
{
	uint8_t *w = (uint8_t *)ctx->wc + f->offset;

	for (unsigned int i = 0; i < f->n_bytes; i++)
		w[i] |= mask[i];
}

static void unwildcard_all(struct xlate_ctx *ctx, enum field_id id)
{
	const struct field *f = field_get(id);
	uint8_t ones[FIELD_MAX_BYTES], st_value[FIELD_MAX_BYTES], st_mask[FIELD_MAX_BYTES];

	memset(ones, 0xff, sizeof(ones));
	field_to_storage(f, ones, ones, st_value, st_mask);
	unwildcard(ctx, f, st_mask);
}

static void output(struct xlate_ctx *ctx, uint16_t ofport)
{
	uint16_t in = rte_be_to_cpu_16(ctx->key.in_port);

	if (ofport == in) {
		TRACE(ctx, "output:%u skipped: it is the input port (use in_port)", ofport);
		return;
	}
	if (ofport > BRIDGE_MAX_PORTS || ctx->br->ports[ofport] == NULL) {
		TRACE(ctx, "output:%u skipped: no such port", ofport);
		return;
	}
	TRACE(ctx, "output to %s (port %u)", ctx->br->ports[ofport]->job.name, ofport);
	emit_output(ctx, ofport);
}

static void flood(struct xlate_ctx *ctx, bool all)
{
	uint16_t in = rte_be_to_cpu_16(ctx->key.in_port);
	unsigned int n = 0;

	for (uint16_t p = 1; p <= BRIDGE_MAX_PORTS && !ctx->stop; p++)
		if (ctx->br->ports[p] != NULL && p != in) {
			emit_output(ctx, p);
			n++;
		}
	TRACE(ctx, "%s: output to %u port(s)", all ? "all" : "flood", n);
}

/* mod_vlan_vid and friends on an untagged packet add a tag first, as
 * Open vSwitch does. */
static void ensure_tagged(struct xlate_ctx *ctx)
{
	unwildcard_all(ctx, FIELD_VLAN_TCI);
	if (ctx->key.vlan_tci & rte_cpu_to_be_16(FLOW_VLAN_PRESENT))
		return;
	struct action push = { .type = ACT_PUSH_VLAN,
			       .push_vlan.tpid = rte_cpu_to_be_16(0x8100) };
	emit(ctx, &push);
	ctx->key.vlan_tci = rte_cpu_to_be_16(FLOW_VLAN_PRESENT);
}

static void set_field(struct xlate_ctx *ctx, enum field_id id, const uint8_t *value,
		      const uint8_t *mask)
{
	const struct field *f = field_get(id);
	struct action a = { .type = ACT_SET_FIELD };

	if (is_vlan_field(id))
		ensure_tagged(ctx);
	field_write_masked(f, &ctx->key, value, mask);
	if (is_metadata(id))
		return;
	a.set.field = (uint8_t)id;
	memcpy(a.set.value, value, f->n_bytes);
	memcpy(a.set.mask, mask, f->n_bytes);
	emit(ctx, &a);
}

/* Bit i of a big-endian byte string of n bytes, bit 0 = LSB of the last. */
static bool get_bit(const uint8_t *b, unsigned int n, unsigned int i)
{
	return (b[n - 1 - i / 8] >> (i % 8)) & 1;
}

static void put_bit(uint8_t *b, unsigned int n, unsigned int i, bool v)
{
	uint8_t bit = (uint8_t)(1u << (i % 8));

	if (v)
		b[n - 1 - i / 8] |= bit;
	else
		b[n - 1 - i / 8] &= (uint8_t)~bit;
}

static void move(struct xlate_ctx *ctx, const struct action *a)
{
	const struct field *src = field_get(a->move.src.field);
	const struct field *dst = field_get(a->move.dst.field);
	uint8_t sv[FIELD_MAX_BYTES], wmask[FIELD_MAX_BYTES] = { 0 };
	uint8_t dv[FIELD_MAX_BYTES] = { 0 }, dm[FIELD_MAX_BYTES] = { 0 };

	field_read(src, &ctx->key, sv);
	for (unsigned int i = 0; i < a->move.src.n_bits; i++) {
		unsigned int si = src->shift + a->move.src.ofs + i;
		unsigned int di = dst->shift + a->move.dst.ofs + i;

		put_bit(wmask, src->n_bytes, si, true);
		put_bit(dv, dst->n_bytes, di, get_bit(sv, src->n_bytes, si));
		put_bit(dm, dst->n_bytes, di, true);
	}
	unwildcard(ctx, src, wmask);
	set_field(ctx, (enum field_id)dst->id, dv, dm);
}

static bool key_is_ip(const struct flow_key *k)
{
	return k->dl_type == rte_cpu_to_be_16(0x0800) || k->dl_type == rte_cpu_to_be_16(0x86dd);
}

static void dec_ttl(struct xlate_ctx *ctx)
{
	struct action a = { .type = ACT_DEC_TTL };

	unwildcard_all(ctx, FIELD_DL_TYPE);
	if (!key_is_ip(&ctx->key)) {
		TRACE(ctx, "dec_ttl: not IP, nothing to do");
		return;
	}
	unwildcard_all(ctx, FIELD_NW_TTL);
	if (ctx->key.nw_ttl <= 1) {
		TRACE(ctx, "dec_ttl: TTL %u expired, packet dropped", ctx->key.nw_ttl);
		ctx->stop = true;
		ctx->prog->drop = BR_DROP_TTL;
		return;
	}
	ctx->key.nw_ttl--;
	emit(ctx, &a);
}

static void do_table(struct xlate_ctx *ctx, unsigned int table);

/* resubmit and goto_table: another lookup, within both bounds. Depth alone
 * would still let a few tables of rules with several resubmits each cost
 * an exponential number of lookups, so the total per packet is bounded
 * too (Open vSwitch bounds it the same way). Either limit drops the
 * packet: a partial translation would be a different decision. */
static void recurse(struct xlate_ctx *ctx, unsigned int table)
{
	if (ctx->depth == XLATE_MAX_DEPTH) {
		TRACE(ctx, "resubmits nested deeper than %d: packet dropped", XLATE_MAX_DEPTH);
		ctx->stop = true;
		ctx->prog->drop = BR_DROP_RESUBMIT_DEPTH;
		return;
	}
	if (ctx->resubmits == XLATE_MAX_RESUBMITS) {
		TRACE(ctx, "more than %d resubmits: packet dropped", XLATE_MAX_RESUBMITS);
		ctx->stop = true;
		ctx->prog->drop = BR_DROP_TOO_MANY_RESUBMITS;
		return;
	}
	ctx->resubmits++;
	do_table(ctx, table);
}

static void do_actions(struct xlate_ctx *ctx, const struct rule *r)
{
	const struct rule_actions *acts = __atomic_load_n(&r->actions, __ATOMIC_ACQUIRE);

	if (acts->n == 0)
		TRACE(ctx, "drop");
	for (unsigned int i = 0; i < acts->n && !ctx->stop; i++) {
		const struct action *a = &acts->acts[i];
		uint16_t in = rte_be_to_cpu_16(ctx->key.in_port);

		switch ((enum action_type)a->type) {
		case ACT_OUTPUT:
			output(ctx, a->output.port);
			break;
		case ACT_IN_PORT:
			TRACE(ctx, "in_port: output to port %u", in);
			if (in >= 1 && in <= BRIDGE_MAX_PORTS && ctx->br->ports[in] != NULL)
				emit_output(ctx, in);
			break;
		case ACT_NORMAL:
			TRACE(ctx, "normal: MAC learning switch (decided per packet)");
			if (ctx->trace && ctx->trace->normal)
				ctx->trace->normal(ctx->trace->aux, ctx->depth + 1, &ctx->key);
			emit(ctx, a);
			break;
		case ACT_FLOOD:
		case ACT_ALL:
			flood(ctx, a->type == ACT_ALL);
			break;
		case ACT_SET_FIELD:
			TRACE(ctx, "set %s", field_get(a->set.field)->name);
			set_field(ctx, (enum field_id)a->set.field, a->set.value, a->set.mask);
			break;
		case ACT_MOVE:
			TRACE(ctx, "move %s -> %s", field_get(a->move.src.field)->name,
			      field_get(a->move.dst.field)->name);
			move(ctx, a);
			break;
		case ACT_PUSH_VLAN:
			TRACE(ctx, "push_vlan");
			emit(ctx, a);
			ctx->key.vlan_tci = rte_cpu_to_be_16(FLOW_VLAN_PRESENT);
			break;
		case ACT_POP_VLAN:
			unwildcard_all(ctx, FIELD_VLAN_TCI);
			if (ctx->key.vlan_tci & rte_cpu_to_be_16(FLOW_VLAN_PRESENT)) {
				TRACE(ctx, "strip_vlan");
				emit(ctx, a);
				ctx->key.vlan_tci = 0;
			} else {
				TRACE(ctx, "strip_vlan: no tag");
			}
			break;
		case ACT_DEC_TTL:
			dec_ttl(ctx);
			break;
		case ACT_RESUBMIT: {
			rte_be16_t saved = ctx->key.in_port;
			unsigned int t = a->resubmit.table == FLOW_TABLE_CURRENT ?
					 r->table : a->resubmit.table;

			if (a->resubmit.port != OFPORT_NONE)
				ctx->key.in_port = rte_cpu_to_be_16(a->resubmit.port);
			TRACE(ctx, "resubmit to table %u", t);
			recurse(ctx, t);
			ctx->key.in_port = saved;
			break;
		}
		case ACT_GOTO_TABLE:
			TRACE(ctx, "goto_table:%u", a->goto_table.table);
			recurse(ctx, a->goto_table.table);
			break;
		case ACT_METER:
			TRACE(ctx, "meter:%u", a->meter.id);
			emit(ctx, a);
			break;
		case ACT_NOTE:
		case ACT__COUNT:
			break;
		}
	}
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
