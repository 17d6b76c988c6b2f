/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The set-field family, what it does: set_field, load and mod_* write a
 * field of the key; move copies bits between fields. Metadata (in_port,
 * registers, tun_id) exists only in the key and steers later lookups;
 * packet fields also become a datapath rewrite, with checksums kept
 * right (dp_exec.c).
 */
#include <string.h>

#include <rte_byteorder.h>

#include "switch/action_dp.h"
#include "switch/dp_exec.h"
#include "switch/xlate_ctx.h"

/* Fields that exist only in the key, not in the packet: writing them
 * steers later lookups and changes nothing on the wire. */
static bool is_metadata(enum field_id f)
{
	return f == FIELD_IN_PORT || f == FIELD_REG0 || f == FIELD_REG1 || f == FIELD_REG2 ||
	       f == FIELD_REG3 || f == FIELD_TUN_ID;
}

static bool is_vlan_field(enum field_id f)
{
	return f == FIELD_DL_VLAN || f == FIELD_DL_VLAN_PCP || f == FIELD_VLAN_TCI;
}

/* mod_vlan_vid and friends on an untagged packet add a tag first, as
 * Open vSwitch does. */
static void ensure_tagged(struct xlate_ctx *ctx)
{
	const struct action push = { .type = ACT_PUSH_VLAN,
				     .push_vlan.tpid = RTE_BE16(0x8100) };

	xlate_unwildcard_all(ctx, FIELD_VLAN_TCI);
	if (ctx->key.vlan_tci & rte_cpu_to_be_16(FLOW_VLAN_PRESENT))
		return;
	xlate_emit(ctx, &push);
	ctx->key.vlan_tci = rte_cpu_to_be_16(FLOW_VLAN_PRESENT);
	ctx->key.vlan_depth = 1;
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
	xlate_emit(ctx, &a);
}

static void xlate_set_field(struct xlate_ctx *ctx, const struct rule *r, const struct action *a)
{
	(void)r;
	TRACE(ctx, "set %s", field_get(a->set.field)->name);
	set_field(ctx, (enum field_id)a->set.field, a->set.value, a->set.mask);
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

static void xlate_move(struct xlate_ctx *ctx, const struct rule *r, const struct action *a)
{
	const struct field *src = field_get(a->move.src.field);
	const struct field *dst = field_get(a->move.dst.field);
	uint8_t sv[FIELD_MAX_BYTES], wmask[FIELD_MAX_BYTES] = { 0 };
	uint8_t dv[FIELD_MAX_BYTES] = { 0 }, dm[FIELD_MAX_BYTES] = { 0 };

	(void)r;
	TRACE(ctx, "move %s -> %s", src->name, dst->name);
	field_read(src, &ctx->key, sv);
	for (unsigned int i = 0; i < a->move.src.n_bits; i++) {
		unsigned int si = src->shift + a->move.src.ofs + i;
		unsigned int di = dst->shift + a->move.dst.ofs + i;

		put_bit(wmask, src->n_bytes, si, true);
		put_bit(dv, dst->n_bytes, di, get_bit(sv, src->n_bytes, si));
		put_bit(dm, dst->n_bytes, di, true);
	}
	xlate_unwildcard(ctx, src, wmask);
	set_field(ctx, (enum field_id)dst->id, dv, dm);
}

static enum bridge_drop exec_set_field(struct burst_ctx *ctx, struct rte_mbuf *m,
				       struct pkt_layers *l, const struct flow_key *key,
				       const struct action *a)
{
	(void)ctx;
	return dp_set_field(m, l, key->nw_proto, a) ? BR_DROP_MALFORMED : BR_DROP__COUNT;
}

static const struct action_type_dp types[] = {
	{ ACT_SET_FIELD, xlate_set_field, exec_set_field, true },
	{ ACT_MOVE, xlate_move, NULL, false },  /* becomes ACT_SET_FIELD steps */
};

const struct action_dp action_set_dp = {
	.family = "set-field", .types = types, .n_types = sizeof(types) / sizeof(types[0]),
};
