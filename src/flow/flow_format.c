/* SPDX-License-Identifier: BSD-3-Clause */
/* struct flow_spec -> ovs-ofctl text that parses back to the same spec. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "flow/flow_spec.h"
#include "flow/flow_text.h"

/* Output like snprintf: writes what fits (always terminated), counts all. */
struct strbuf {
	char *buf;
	size_t size;
	size_t len;     /* what the whole text needs, without the NUL */
};

static void sb_init(struct strbuf *sb, char *buf, size_t size)
{
	sb->buf = buf;
	sb->size = size;
	sb->len = 0;
	if (size > 0)
		buf[0] = '\0';
}

static void __attribute__((format(printf, 2, 3)))
sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	size_t room = sb->len < sb->size ? sb->size - sb->len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room > 0 ? sb->buf + sb->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb->len += (size_t)n;
}

/* ---- values ---- */

static void format_port(uint16_t port, flow_port_name_fn name, void *aux, struct strbuf *sb)
{
	const char *n = name != NULL ? name(port, aux) : NULL;

	if (n != NULL)
		sb_printf(sb, "%s", n);
	else
		sb_printf(sb, "%u", port);
}

/* Prefix length of a mask, or -1 if it is not leading ones. */
static int prefix_len(const uint8_t *m, int n)
{
	int bits = 0;

	while (bits < n * 8 && (m[bits / 8] & (0x80 >> (bits % 8))))
		bits++;
	for (int b = bits; b < n * 8; b++)
		if (m[b / 8] & (0x80 >> (b % 8)))
			return -1;
	return bits;
}

static void format_mac(const uint8_t *m, struct strbuf *sb)
{
	sb_printf(sb, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void format_ip(const struct field *f, const uint8_t *value, const uint8_t *mask,
		      bool full, struct strbuf *sb)
{
	int af = f->format == FIELD_FMT_IPV4 ? AF_INET : AF_INET6;
	char buf[INET6_ADDRSTRLEN];
	int plen = prefix_len(mask, f->n_bytes);

	sb_printf(sb, "%s", inet_ntop(af, value, buf, sizeof(buf)));
	if (full)
		return;
	if (plen >= 0)
		sb_printf(sb, "/%d", plen);
	else
		sb_printf(sb, "/%s", inet_ntop(af, mask, buf, sizeof(buf)));
}

/* Hex fields of 16 bits in four digits (dl_type=0x0800), other numbers
 * without padding (tp_dst=0x400/0xfc00), as ovs-ofctl prints them. */
static void format_number(const struct field *f, uint64_t v, bool hex, struct strbuf *sb)
{
	if (hex)
		sb_printf(sb, "0x%0*" PRIx64,
			  f->format == FIELD_FMT_HEX && f->n_bits == 16 ? 4 : 1, v);
	else
		sb_printf(sb, "%" PRIu64, v);
}

/* "+syn-ack" when every masked bit has a name. */
static bool format_tcp_flags(uint64_t v, uint64_t m, struct strbuf *sb)
{
	if (m >> flow_n_tcp_flag_names != 0)
		return false;
	for (unsigned int bit = 0; bit < flow_n_tcp_flag_names; bit++)
		if (m & (1u << bit))
			sb_printf(sb, "%c%s", (v >> bit) & 1 ? '+' : '-', flow_tcp_flag_names[bit]);
	return true;
}

static void format_value(const struct field *f, const uint8_t *value, const uint8_t *mask,
			 flow_port_name_fn name, void *aux, struct strbuf *sb)
{
	uint8_t width[FIELD_MAX_BYTES];
	bool full;
	uint64_t v, m;

	field_width_mask(f, width);
	full = memcmp(mask, width, f->n_bytes) == 0;
	switch (f->format) {
	case FIELD_FMT_MAC:
		format_mac(value, sb);
		if (!full) {
			sb_printf(sb, "/");
			format_mac(mask, sb);
		}
		return;
	case FIELD_FMT_IPV4:
	case FIELD_FMT_IPV6:
		format_ip(f, value, mask, full, sb);
		return;
	case FIELD_FMT_PORT:
		format_port((uint16_t)bytes_to_u64(value, 2), name, aux, sb);
		return;
	case FIELD_FMT_FRAG:
		for (unsigned int i = 0; i < flow_n_frag_words; i++) {
			if (flow_frag_words[i].value == value[0] && flow_frag_words[i].mask == mask[0]) {
				sb_printf(sb, "%s", flow_frag_words[i].name);
				return;
			}
		}
		break;
	case FIELD_FMT_DEC:
	case FIELD_FMT_HEX:
		break;
	}
	v = bytes_to_u64(value, f->n_bytes);
	m = bytes_to_u64(mask, f->n_bytes);
	if (f->id == FIELD_TCP_FLAGS && !full && format_tcp_flags(v, m, sb))
		return;
	/* With a mask, hex reads better for both (tp_dst=0x1f40/0xfff0). */
	format_number(f, f->id == FIELD_NW_TOS ? v << 2 : v,
		      f->format == FIELD_FMT_HEX || !full, sb);
	if (!full) {
		sb_printf(sb, "/");
		format_number(f, m, true, sb);
	}
}

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
static void sep(struct strbuf *sb, bool *first)
{
	if (!*first)
		sb_printf(sb, ",");
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
			 flow_port_name_fn name, void *aux, struct strbuf *sb, bool *first)
{
	uint8_t sv[FIELD_MAX_BYTES], sm[FIELD_MAX_BYTES], v[FIELD_MAX_BYTES], mk[FIELD_MAX_BYTES];
	uint8_t none[FIELD_MAX_BYTES] = { 0 };

	field_read(f, &m->key, sv);
	field_read(f, &m->mask, sm);
	field_from_storage(f, sv, sm, v, mk);
	if (memcmp(mk, none, f->n_bytes) == 0)
		return;
	sep(sb, first);
	sb_printf(sb, "%s=", f->name);
	format_value(f, v, mk, name, aux, sb);
}

/* dl_vlan and dl_vlan_pcp when the TCI match is theirs, else vlan_tci. */
static void format_vlan(const struct flow_match *m, struct strbuf *sb, bool *first)
{
	uint16_t v = rte_be_to_cpu_16(m->key.vlan_tci), mk = rte_be_to_cpu_16(m->mask.vlan_tci);
	uint16_t vid = mk & FLOW_VLAN_VID_MASK, pcp = mk >> FLOW_VLAN_PCP_SHIFT;

	if (mk == 0)
		return;
	sep(sb, first);
	if ((v & FLOW_VLAN_PRESENT) && (vid == 0 || vid == FLOW_VLAN_VID_MASK) &&
	    (pcp == 0 || pcp == 7) && (vid | pcp) != 0) {
		if (vid != 0)
			sb_printf(sb, "dl_vlan=%u", v & FLOW_VLAN_VID_MASK);
		if (vid != 0 && pcp != 0)
			sb_printf(sb, ",");
		if (pcp != 0)
			sb_printf(sb, "dl_vlan_pcp=%u", v >> FLOW_VLAN_PCP_SHIFT);
		return;
	}
	sb_printf(sb, "vlan_tci=0x%04x", v);
	if (mk != 0xffff)
		sb_printf(sb, "/0x%04x", mk);
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

static void format_match(const struct flow_match *m, flow_port_name_fn name, void *aux,
			 struct strbuf *sb, bool *first)
{
	bool proto_used;
	const struct flow_shorthand *sh = find_shorthand(m, &proto_used);

	if (sh != NULL) {
		sep(sb, first);
		sb_printf(sb, "%s", sh->name);
	}
	for (unsigned int i = 0; i < sizeof(match_order) / sizeof(match_order[0]); i++) {
		enum field_id id = match_order[i];

		if ((id == FIELD_DL_TYPE && sh != NULL) || (id == FIELD_NW_PROTO && proto_used))
			continue;
		if (id == FIELD_VLAN_TCI)
			format_vlan(m, sb, first);
		else
			format_field(field_get(shown_as(id, m)), m, name, aux, sb, first);
	}
}

int flow_match_format(const struct flow_match *m, flow_port_name_fn name, void *aux,
		      char *buf, size_t len)
{
	struct strbuf sb;
	bool first = true;

	sb_init(&sb, buf, len);
	format_match(m, name, aux, &sb, &first);
	return (int)sb.len;
}

/* ---- actions ---- */

static void format_subfield(const struct subfield *sf, struct strbuf *sb)
{
	const struct field *f = field_get(sf->field);

	sb_printf(sb, "%s", f->nxm_name != NULL ? f->nxm_name : f->name);
	if (sf->ofs == 0 && sf->n_bits == f->n_bits)
		sb_printf(sb, "[]");
	else if (sf->n_bits == 1)
		sb_printf(sb, "[%u]", sf->ofs);
	else
		sb_printf(sb, "[%u..%u]", sf->ofs, sf->ofs + sf->n_bits - 1);
}

static bool bit_set(const struct field *f, const uint8_t *m, int bit)
{
	return m[f->n_bytes - 1 - bit / 8] >> (bit % 8) & 1;
}

/* The single run of ones in a user-form mask: its first bit and length. */
static bool mask_run(const struct field *f, const uint8_t *m, struct subfield *sf)
{
	int bit = 0, n = 0;

	while (bit < f->n_bits && !bit_set(f, m, bit))
		bit++;
	while (bit + n < f->n_bits && bit_set(f, m, bit + n))
		n++;
	for (int b = bit + n; b < f->n_bits; b++)
		if (bit_set(f, m, b))
			return false;
	sf->field = (uint8_t)f->id;
	sf->ofs = (uint8_t)bit;
	sf->n_bits = (uint8_t)n;
	return n > 0;
}

/* load:0x5->NXM_NX_REG0[0..3]: the value as one hex number. */
static void format_load(const struct field *f, uint8_t *v, const struct subfield *sf,
			struct strbuf *sb)
{
	int i = 0;

	bytes_shr(v, f->n_bytes, sf->ofs);
	while (i < f->n_bytes - 1 && v[i] == 0)
		i++;
	sb_printf(sb, "load:0x%x", v[i]);
	while (++i < f->n_bytes)
		sb_printf(sb, "%02x", v[i]);
	sb_printf(sb, "->");
	format_subfield(sf, sb);
}

static const char *mod_name(enum field_id id)
{
	for (unsigned int i = 0; i < flow_n_mod_actions; i++)
		if (flow_mod_actions[i].field == id)
			return flow_mod_actions[i].name;
	return NULL;
}

/* In the flavor it was written in, if that can say it. */
static void format_set(const struct action *a, flow_port_name_fn name, void *aux,
		       struct strbuf *sb)
{
	const struct field *f = field_get(a->set.field);
	uint8_t v[FIELD_MAX_BYTES], m[FIELD_MAX_BYTES], width[FIELD_MAX_BYTES];
	const char *mod = mod_name(f->id);
	struct subfield sf;

	field_from_storage(f, a->set.value, a->set.mask, v, m);
	field_width_mask(f, width);
	if (a->set.flavor == SET_MOD && mod != NULL && memcmp(m, width, f->n_bytes) == 0) {
		sb_printf(sb, "%s:", mod);
		format_value(f, v, m, name, aux, sb);
	} else if (a->set.flavor == SET_LOAD && mask_run(f, m, &sf)) {
		format_load(f, v, &sf, sb);
	} else {
		sb_printf(sb, "set_field:");
		format_value(f, v, m, name, aux, sb);
		sb_printf(sb, "->%s", f->name);
	}
}

static void format_resubmit(const struct action *a, flow_port_name_fn name, void *aux,
			    struct strbuf *sb)
{
	if (a->resubmit.table == FLOW_TABLE_CURRENT && a->resubmit.port != OFPORT_NONE) {
		sb_printf(sb, "resubmit:");
		format_port(a->resubmit.port, name, aux, sb);
		return;
	}
	sb_printf(sb, "resubmit(");
	if (a->resubmit.port != OFPORT_NONE)
		format_port(a->resubmit.port, name, aux, sb);
	sb_printf(sb, ",");
	if (a->resubmit.table != FLOW_TABLE_CURRENT)
		sb_printf(sb, "%u", a->resubmit.table);
	sb_printf(sb, ")");
}

static void format_action(const struct action *a, flow_port_name_fn name, void *aux,
			  struct strbuf *sb)
{
	switch ((enum action_type)a->type) {
	case ACT_OUTPUT:
		sb_printf(sb, "output:");
		format_port(a->output.port, name, aux, sb);
		break;
	/* Reserved ports in capitals and strip_vlan for both of its names,
	 * as ovs-ofctl prints them. */
	case ACT_IN_PORT:
		sb_printf(sb, "IN_PORT");
		break;
	case ACT_NORMAL:
		sb_printf(sb, "NORMAL");
		break;
	case ACT_FLOOD:
		sb_printf(sb, "FLOOD");
		break;
	case ACT_ALL:
		sb_printf(sb, "ALL");
		break;
	case ACT_SET_FIELD:
		format_set(a, name, aux, sb);
		break;
	case ACT_MOVE:
		sb_printf(sb, "move:");
		format_subfield(&a->move.src, sb);
		sb_printf(sb, "->");
		format_subfield(&a->move.dst, sb);
		break;
	case ACT_PUSH_VLAN:
		sb_printf(sb, "push_vlan:0x%04x", rte_be_to_cpu_16(a->push_vlan.tpid));
		break;
	case ACT_POP_VLAN:
		sb_printf(sb, "strip_vlan");
		break;
	case ACT_DEC_TTL:
		sb_printf(sb, "dec_ttl");
		break;
	case ACT_RESUBMIT:
		format_resubmit(a, name, aux, sb);
		break;
	case ACT_GOTO_TABLE:
		sb_printf(sb, "goto_table:%u", a->goto_table.table);
		break;
	case ACT_METER:
		sb_printf(sb, "meter:%" PRIu32, a->meter.id);
		break;
	case ACT_NOTE:
		sb_printf(sb, "note:");
		for (unsigned int i = 0; i < a->note.len; i++)
			sb_printf(sb, "%s%02x", i > 0 ? "." : "", a->note.data[i]);
		break;
	}
}

static void format_actions(const struct action *acts, unsigned int n, flow_port_name_fn name,
			   void *aux, struct strbuf *sb)
{
	if (n == 0)
		sb_printf(sb, "drop");
	for (unsigned int i = 0; i < n; i++) {
		if (i > 0)
			sb_printf(sb, ",");
		format_action(&acts[i], name, aux, sb);
	}
}

int flow_actions_format(const struct action *acts, unsigned int n,
			flow_port_name_fn name, void *aux, char *buf, size_t len)
{
	struct strbuf sb;

	sb_init(&sb, buf, len);
	format_actions(acts, n, name, aux, &sb);
	return (int)sb.len;
}

static void format_header(const struct flow_spec *spec, struct strbuf *sb, bool *first)
{
	if (spec->cookie_mask != 0) {
		sep(sb, first);
		sb_printf(sb, "cookie=0x%" PRIx64, spec->cookie);
		if (spec->cookie_mask != UINT64_MAX)
			sb_printf(sb, "/0x%" PRIx64, spec->cookie_mask);
	}
	if (spec->has_table || spec->table != 0) {
		sep(sb, first);
		sb_printf(sb, "table=%u", spec->table);
	}
	if (spec->priority != FLOW_PRIORITY_DEFAULT) {
		sep(sb, first);
		sb_printf(sb, "priority=%u", spec->priority);
	}
	if (spec->idle_timeout != 0) {
		sep(sb, first);
		sb_printf(sb, "idle_timeout=%u", spec->idle_timeout);
	}
	if (spec->hard_timeout != 0) {
		sep(sb, first);
		sb_printf(sb, "hard_timeout=%u", spec->hard_timeout);
	}
}

int flow_spec_format(const struct flow_spec *spec, bool with_header,
		     flow_port_name_fn name, void *aux, char *buf, size_t len)
{
	struct strbuf sb;
	bool first = true;

	sb_init(&sb, buf, len);
	if (with_header)
		format_header(spec, &sb, &first);
	format_match(&spec->match, name, aux, &sb, &first);
	sep(&sb, &first);
	sb_printf(&sb, "actions=");
	format_actions(spec->actions, spec->n_actions, name, aux, &sb);
	return (int)sb.len;
}
