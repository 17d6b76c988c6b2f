/* SPDX-License-Identifier: BSD-3-Clause */
/* struct flow_spec -> ovs-ofctl text that parses back to the same spec. */
#include <inttypes.h>
#include <string.h>

#include "flow/action_table.h"
#include "flow/flow_spec.h"
#include "flow/flow_text.h"

/* ---- match ---- */

/* The order fields are printed in: Open vSwitch's (metadata, then the
 * packet outside in), so dump-flows reads as ovs-ofctl's. Fields that share storage (nw_src and
 * arp_spa, tp_src and icmp_type, ...) are listed once: see shown_as();
 * FIELD_VLAN_TCI stands for the whole TCI: see format_vlan(). */
static const enum field_id match_order[] = {
	FIELD_REG0, FIELD_REG1, FIELD_REG2, FIELD_REG3, FIELD_TUN_ID, FIELD_IN_PORT,
	FIELD_VLAN_TCI, FIELD_DL_SRC, FIELD_DL_DST, FIELD_DL_TYPE,
	FIELD_NW_SRC, FIELD_NW_DST, FIELD_IPV6_SRC, FIELD_IPV6_DST,
	FIELD_NW_PROTO, FIELD_NW_TOS, FIELD_NW_ECN, FIELD_NW_TTL, FIELD_IP_FRAG,
	FIELD_TP_SRC, FIELD_TP_DST, FIELD_TCP_FLAGS,
};

/* Commas between the words of one text. */
static void sep(struct format_ctx *fc, bool *first)
{
	if (!*first)
		format_printf(fc, ",");
	*first = false;
}

static bool has(const struct flow_match *m, enum field_id id)
{
	return field_prereq_ok(field_get(id), m);
}

/* The name a storage is shown under for this match: arp_spa for ARP. */
static enum field_id shown_as(enum field_id id, const struct flow_match *m)
{
	static const struct {
		enum field_id id, alias, test;
	} aliases[] = {
		{ FIELD_NW_SRC, FIELD_ARP_SPA, FIELD_ARP_SPA },
		{ FIELD_NW_DST, FIELD_ARP_TPA, FIELD_ARP_SPA },
		{ FIELD_NW_PROTO, FIELD_ARP_OP, FIELD_ARP_SPA },
		{ FIELD_TP_SRC, FIELD_ICMP_TYPE, FIELD_ICMP_TYPE },
		{ FIELD_TP_DST, FIELD_ICMP_CODE, FIELD_ICMP_TYPE },
		{ FIELD_TP_SRC, FIELD_ICMPV6_TYPE, FIELD_ICMPV6_TYPE },
		{ FIELD_TP_DST, FIELD_ICMPV6_CODE, FIELD_ICMPV6_TYPE },
	};

	for (unsigned int i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (aliases[i].id == id && has(m, aliases[i].test))
			return aliases[i].alias;
	return id;
}

static void format_field(const struct field *f, const struct flow_match *m,
			 struct format_ctx *fc, bool *first)
{
	uint8_t sv[FIELD_MAX_BYTES], sm[FIELD_MAX_BYTES], v[FIELD_MAX_BYTES], mk[FIELD_MAX_BYTES];
	uint8_t none[FIELD_MAX_BYTES] = { 0 };

	field_read(f, &m->key, sv);
	field_read(f, &m->mask, sm);
	field_from_storage(f, sv, sm, v, mk);
	if (memcmp(mk, none, f->n_bytes) == 0)
		return;
	sep(fc, first);
	format_printf(fc, "%s=", f->name);
	format_value(fc, f, v, mk);
}

/* dl_vlan and dl_vlan_pcp when the TCI match is theirs, else vlan_tci. */
static void format_vlan(const struct flow_match *m, struct format_ctx *fc, bool *first)
{
	uint16_t v = rte_be_to_cpu_16(m->key.vlan_tci), mk = rte_be_to_cpu_16(m->mask.vlan_tci);
	uint16_t vid = mk & FLOW_VLAN_VID_MASK, pcp = mk >> FLOW_VLAN_PCP_SHIFT;

	if (mk == 0)
		return;
	sep(fc, first);
	if ((v & FLOW_VLAN_PRESENT) && (vid == 0 || vid == FLOW_VLAN_VID_MASK) &&
	    (pcp == 0 || pcp == 7) && (vid | pcp) != 0) {
		if (vid != 0)
			format_printf(fc, "dl_vlan=%u", v & FLOW_VLAN_VID_MASK);
		if (vid != 0 && pcp != 0)
			format_printf(fc, ",");
		if (pcp != 0)
			format_printf(fc, "dl_vlan_pcp=%u", v >> FLOW_VLAN_PCP_SHIFT);
		return;
	}
	format_printf(fc, "vlan_tci=0x%04x", v);
	if (mk != 0xffff)
		format_printf(fc, "/0x%04x", mk);
}

/* "tcp" for dl_type=0x0800,nw_proto=6; *proto_used if it covers nw_proto. */
static const struct flow_shorthand *find_shorthand(const struct flow_match *m, bool *proto_used)
{
	const struct flow_shorthand *type_only = NULL;

	*proto_used = false;
	if (m->mask.dl_type != RTE_BE16(0xffff))
		return NULL;
	for (unsigned int i = 0; i < flow_n_shorthands; i++) {
		const struct flow_shorthand *sh = &flow_shorthands[i];

		if (rte_cpu_to_be_16(sh->dl_type) != m->key.dl_type)
			continue;
		if (sh->nw_proto == 0)
			type_only = sh;
		else if (m->mask.nw_proto == 0xff && m->key.nw_proto == sh->nw_proto)
			*proto_used = true;
		if (*proto_used)
			return sh;
	}
	return type_only;
}

static void format_match(const struct flow_match *m, struct format_ctx *fc, bool *first)
{
	bool proto_used;
	const struct flow_shorthand *sh = find_shorthand(m, &proto_used);

	if (sh != NULL) {
		sep(fc, first);
		format_printf(fc, "%s", sh->name);
	}
	for (unsigned int i = 0; i < sizeof(match_order) / sizeof(match_order[0]); i++) {
		enum field_id id = match_order[i];

		if ((id == FIELD_DL_TYPE && sh != NULL) || (id == FIELD_NW_PROTO && proto_used))
			continue;
		if (id == FIELD_VLAN_TCI)
			format_vlan(m, fc, first);
		else
			format_field(field_get(shown_as(id, m)), m, fc, first);
	}
}

int flow_match_format(const struct flow_match *m, flow_port_name_fn name, void *aux,
		      char *buf, size_t len)
{
	struct format_ctx fc;
	bool first = true;

	format_ctx_init(&fc, buf, len, name, aux);
	format_match(m, &fc, &first);
	return (int)fc.len;
}

/* ---- actions ---- */

static void format_actions(const struct action *acts, unsigned int n, struct format_ctx *fc)
{
	if (n == 0)
		format_printf(fc, "drop");
	for (unsigned int i = 0; i < n; i++) {
		if (i > 0)
			format_printf(fc, ",");
		action_type_text(acts[i].type)->format(&acts[i], fc);
	}
}

int flow_actions_format(const struct action *acts, unsigned int n,
			flow_port_name_fn name, void *aux, char *buf, size_t len)
{
	struct format_ctx fc;

	format_ctx_init(&fc, buf, len, name, aux);
	format_actions(acts, n, &fc);
	return (int)fc.len;
}

static void format_header(const struct flow_spec *spec, struct format_ctx *fc, bool *first)
{
	if (spec->cookie_mask != 0) {
		sep(fc, first);
		format_printf(fc, "cookie=0x%" PRIx64, spec->cookie);
		if (spec->cookie_mask != UINT64_MAX)
			format_printf(fc, "/0x%" PRIx64, spec->cookie_mask);
	}
	if (spec->has_table || spec->table != 0) {
		sep(fc, first);
		format_printf(fc, "table=%u", spec->table);
	}
	if (spec->priority != FLOW_PRIORITY_DEFAULT) {
		sep(fc, first);
		format_printf(fc, "priority=%u", spec->priority);
	}
	if (spec->idle_timeout != 0) {
		sep(fc, first);
		format_printf(fc, "idle_timeout=%u", spec->idle_timeout);
	}
	if (spec->hard_timeout != 0) {
		sep(fc, first);
		format_printf(fc, "hard_timeout=%u", spec->hard_timeout);
	}
}

int flow_spec_format(const struct flow_spec *spec, bool with_header,
		     flow_port_name_fn name, void *aux, char *buf, size_t len)
{
	struct format_ctx fc;
	bool first = true;

	format_ctx_init(&fc, buf, len, name, aux);
	if (with_header)
		format_header(spec, &fc, &first);
	format_match(&spec->match, &fc, &first);
	sep(&fc, &first);
	format_printf(&fc, "actions=");
	format_actions(spec->actions, spec->n_actions, &fc);
	return (int)fc.len;
}
