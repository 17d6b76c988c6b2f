/* SPDX-License-Identifier: BSD-3-Clause */
/* The field registry (field.h). */
#include "flow/field.h"

#include <stddef.h>
#include <string.h>

#include "flow/bytes.h"

#define KOFS(member) ((uint8_t)offsetof(struct flow_key, member))
#define REG_OFS(i) ((uint8_t)(KOFS(regs) + 4 * (i)))
#define LOW_BYTE(member) ((uint8_t)(KOFS(member) + 1))

#define FLD(ID, NAME, NXM, OFS, NB, BITS, SHIFT, FMT, PRE, MASKABLE, WRITABLE) \
	[FIELD_##ID] = { .id = FIELD_##ID, .name = NAME, .nxm_name = NXM, .offset = OFS, \
		 .n_bytes = NB, .n_bits = BITS, .shift = SHIFT, .format = FIELD_FMT_##FMT, \
		 .prereq = PREREQ_##PRE, .maskable = MASKABLE, .writable = WRITABLE }

static const struct field fields[FIELD__COUNT] = {
	FLD(IN_PORT, "in_port", "NXM_OF_IN_PORT", KOFS(in_port), 2, 16, 0, PORT, NONE, false, true),
	FLD(DL_SRC, "dl_src", "NXM_OF_ETH_SRC", KOFS(dl_src), 6, 48, 0, MAC, NONE, true, true),
	FLD(DL_DST, "dl_dst", "NXM_OF_ETH_DST", KOFS(dl_dst), 6, 48, 0, MAC, NONE, true, true),
	FLD(DL_TYPE, "dl_type", "NXM_OF_ETH_TYPE", KOFS(dl_type), 2, 16, 0, HEX, NONE,
	    false, false),
	FLD(VLAN_TCI, "vlan_tci", "NXM_OF_VLAN_TCI", KOFS(vlan_tci), 2, 16, 0, HEX, NONE,
	    true, true),
	FLD(DL_VLAN, "dl_vlan", NULL, KOFS(vlan_tci), 2, 12, 0, DEC, NONE, false, true),
	FLD(DL_VLAN_PCP, "dl_vlan_pcp", "OXM_OF_VLAN_PCP", KOFS(vlan_tci), 2, 3, 13, DEC, NONE,
	    false, true),
	FLD(NW_SRC, "nw_src", "NXM_OF_IP_SRC", KOFS(nw_src), 4, 32, 0, IPV4, IPV4_ARP, true, true),
	FLD(NW_DST, "nw_dst", "NXM_OF_IP_DST", KOFS(nw_dst), 4, 32, 0, IPV4, IPV4_ARP, true, true),
	FLD(NW_PROTO, "nw_proto", "NXM_OF_IP_PROTO", KOFS(nw_proto), 1, 8, 0, DEC, IP_ANY,
	    false, false),
	FLD(NW_TOS, "nw_tos", "NXM_OF_IP_TOS", KOFS(nw_tos), 1, 6, 2, DEC, IP_ANY, false, true),
	FLD(NW_ECN, "nw_ecn", "NXM_NX_IP_ECN", KOFS(nw_tos), 1, 2, 0, DEC, IP_ANY, false, true),
	FLD(NW_TTL, "nw_ttl", "NXM_NX_IP_TTL", KOFS(nw_ttl), 1, 8, 0, DEC, IP_ANY, false, true),
	FLD(IP_FRAG, "nw_frag", "NXM_NX_IP_FRAG", KOFS(nw_frag), 1, 2, 0, FRAG, IP_ANY,
	    true, false),
	FLD(TP_SRC, "tp_src", "NXM_OF_TCP_SRC", KOFS(tp_src), 2, 16, 0, DEC, L4, true, true),
	FLD(TP_DST, "tp_dst", "NXM_OF_TCP_DST", KOFS(tp_dst), 2, 16, 0, DEC, L4, true, true),
	FLD(TCP_FLAGS, "tcp_flags", "NXM_NX_TCP_FLAGS", KOFS(tcp_flags), 2, 12, 0, HEX, TCP,
	    true, false),
	/* ICMP type and code live in the low byte of tp_src / tp_dst. */
	FLD(ICMP_TYPE, "icmp_type", "NXM_OF_ICMP_TYPE", LOW_BYTE(tp_src), 1, 8, 0, DEC, ICMP4,
	    false, true),
	FLD(ICMP_CODE, "icmp_code", "NXM_OF_ICMP_CODE", LOW_BYTE(tp_dst), 1, 8, 0, DEC, ICMP4,
	    false, true),
	FLD(ICMPV6_TYPE, "icmpv6_type", "NXM_NX_ICMPV6_TYPE", LOW_BYTE(tp_src), 1, 8, 0, DEC, ICMP6,
	    false, true),
	FLD(ICMPV6_CODE, "icmpv6_code", "NXM_NX_ICMPV6_CODE", LOW_BYTE(tp_dst), 1, 8, 0, DEC, ICMP6,
	    false, true),
	FLD(ARP_OP, "arp_op", "NXM_OF_ARP_OP", KOFS(nw_proto), 1, 8, 0, DEC, ARP, false, true),
	FLD(ARP_SPA, "arp_spa", "NXM_OF_ARP_SPA", KOFS(nw_src), 4, 32, 0, IPV4, ARP, true, true),
	FLD(ARP_TPA, "arp_tpa", "NXM_OF_ARP_TPA", KOFS(nw_dst), 4, 32, 0, IPV4, ARP, true, true),
	FLD(IPV6_SRC, "ipv6_src", "NXM_NX_IPV6_SRC", KOFS(ipv6_src), 16, 128, 0, IPV6, IPV6,
	    true, true),
	FLD(IPV6_DST, "ipv6_dst", "NXM_NX_IPV6_DST", KOFS(ipv6_dst), 16, 128, 0, IPV6, IPV6,
	    true, true),
	FLD(REG0, "reg0", "NXM_NX_REG0", REG_OFS(0), 4, 32, 0, HEX, NONE, true, true),
	FLD(REG1, "reg1", "NXM_NX_REG1", REG_OFS(1), 4, 32, 0, HEX, NONE, true, true),
	FLD(REG2, "reg2", "NXM_NX_REG2", REG_OFS(2), 4, 32, 0, HEX, NONE, true, true),
	FLD(REG3, "reg3", "NXM_NX_REG3", REG_OFS(3), 4, 32, 0, HEX, NONE, true, true),
	FLD(TUN_ID, "tun_id", "NXM_NX_TUN_ID", KOFS(tun_id), 8, 64, 0, HEX, NONE, true, true),
};

/* Other names ovs-ofctl and OpenFlow use for the same fields. tcp_*,
 * udp_* and sctp_* all name tp_src/tp_dst: the key has one pair. */
static const struct {
	const char *name;
	enum field_id id;
} aliases[] = {
	{ "eth_src", FIELD_DL_SRC }, { "eth_dst", FIELD_DL_DST }, { "eth_type", FIELD_DL_TYPE },
	{ "vlan_pcp", FIELD_DL_VLAN_PCP },
	{ "ip_src", FIELD_NW_SRC }, { "ip_dst", FIELD_NW_DST }, { "ip_proto", FIELD_NW_PROTO },
	{ "ip_ecn", FIELD_NW_ECN }, { "ip_frag", FIELD_IP_FRAG },
	{ "tcp_src", FIELD_TP_SRC }, { "tcp_dst", FIELD_TP_DST },
	{ "udp_src", FIELD_TP_SRC }, { "udp_dst", FIELD_TP_DST },
	{ "sctp_src", FIELD_TP_SRC }, { "sctp_dst", FIELD_TP_DST },
	{ "tunnel_id", FIELD_TUN_ID },
	{ "NXM_OF_UDP_SRC", FIELD_TP_SRC }, { "NXM_OF_UDP_DST", FIELD_TP_DST },
	{ "OXM_OF_ETH_SRC", FIELD_DL_SRC }, { "OXM_OF_ETH_DST", FIELD_DL_DST },
	{ "OXM_OF_ETH_TYPE", FIELD_DL_TYPE },
	{ "OXM_OF_IPV4_SRC", FIELD_NW_SRC }, { "OXM_OF_IPV4_DST", FIELD_NW_DST },
	{ "OXM_OF_IP_PROTO", FIELD_NW_PROTO }, { "OXM_OF_IP_ECN", FIELD_NW_ECN },
	{ "OXM_OF_TCP_SRC", FIELD_TP_SRC }, { "OXM_OF_TCP_DST", FIELD_TP_DST },
	{ "OXM_OF_UDP_SRC", FIELD_TP_SRC }, { "OXM_OF_UDP_DST", FIELD_TP_DST },
	{ "OXM_OF_SCTP_SRC", FIELD_TP_SRC }, { "OXM_OF_SCTP_DST", FIELD_TP_DST },
	{ "OXM_OF_ICMPV4_TYPE", FIELD_ICMP_TYPE }, { "OXM_OF_ICMPV4_CODE", FIELD_ICMP_CODE },
	{ "OXM_OF_ICMPV6_TYPE", FIELD_ICMPV6_TYPE }, { "OXM_OF_ICMPV6_CODE", FIELD_ICMPV6_CODE },
	{ "OXM_OF_ARP_OP", FIELD_ARP_OP },
	{ "OXM_OF_ARP_SPA", FIELD_ARP_SPA }, { "OXM_OF_ARP_TPA", FIELD_ARP_TPA },
	{ "OXM_OF_IPV6_SRC", FIELD_IPV6_SRC }, { "OXM_OF_IPV6_DST", FIELD_IPV6_DST },
	{ "OXM_OF_TUNNEL_ID", FIELD_TUN_ID },
};

const struct field *field_get(enum field_id id)
{
	return (unsigned int)id < FIELD__COUNT ? &fields[id] : NULL;
}

const struct field *field_by_name(const char *name)
{
	for (unsigned int i = 0; i < FIELD__COUNT; i++)
		if (strcmp(fields[i].name, name) == 0 ||
		    (fields[i].nxm_name != NULL && strcmp(fields[i].nxm_name, name) == 0))
			return &fields[i];
	for (unsigned int i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(aliases[i].name, name) == 0)
			return &fields[aliases[i].id];
	return NULL;
}

/* ---- storage ---- */

void field_width_mask(const struct field *f, uint8_t *mask)
{
	memset(mask, 0, f->n_bytes);
	for (int bit = 0; bit < f->n_bits; bit++)
		mask[f->n_bytes - 1 - bit / 8] |= (uint8_t)(1u << (bit % 8));
}

static bool implies_vlan(const struct field *f)
{
	return f->id == FIELD_DL_VLAN || f->id == FIELD_DL_VLAN_PCP;
}

static bool any_set(const uint8_t *b, int n)
{
	for (int i = 0; i < n; i++)
		if (b[i] != 0)
			return true;
	return false;
}

void field_to_storage(const struct field *f, const uint8_t *value, const uint8_t *mask,
		      uint8_t *st_value, uint8_t *st_mask)
{
	uint8_t width[FIELD_MAX_BYTES];

	field_width_mask(f, width);
	for (int i = 0; i < f->n_bytes; i++) {
		st_mask[i] = mask[i] & width[i];
		st_value[i] = value[i] & st_mask[i];
	}
	bytes_shl(st_value, f->n_bytes, f->shift);
	bytes_shl(st_mask, f->n_bytes, f->shift);
	/* A VID or PCP only exists in a tagged packet. */
	if (implies_vlan(f) && any_set(st_mask, f->n_bytes)) {
		st_value[0] |= FLOW_VLAN_PRESENT >> 8;
		st_mask[0] |= FLOW_VLAN_PRESENT >> 8;
	}
}

void field_from_storage(const struct field *f, const uint8_t *st_value,
			const uint8_t *st_mask, uint8_t *value, uint8_t *mask)
{
	uint8_t width[FIELD_MAX_BYTES];

	field_width_mask(f, width);
	memcpy(value, st_value, f->n_bytes);
	memcpy(mask, st_mask, f->n_bytes);
	bytes_shr(value, f->n_bytes, f->shift);
	bytes_shr(mask, f->n_bytes, f->shift);
	for (int i = 0; i < f->n_bytes; i++) {
		value[i] &= width[i];
		mask[i] &= width[i];
	}
}

void field_read(const struct field *f, const struct flow_key *key, uint8_t *bytes)
{
	memcpy(bytes, (const uint8_t *)key + f->offset, f->n_bytes);
}

void field_write_masked(const struct field *f, struct flow_key *key,
			const uint8_t *value, const uint8_t *mask)
{
	uint8_t *k = (uint8_t *)key + f->offset;

	for (int i = 0; i < f->n_bytes; i++)
		k[i] = (uint8_t)((k[i] & ~mask[i]) | (value[i] & mask[i]));
}

static bool is_dl_type(const struct flow_match *m, uint16_t type)
{
	return m->mask.dl_type == RTE_BE16(0xffff) && m->key.dl_type == rte_cpu_to_be_16(type);
}

static bool is_proto(const struct flow_match *m, uint8_t proto)
{
	return m->mask.nw_proto == 0xff && m->key.nw_proto == proto;
}

bool field_prereq_ok(const struct field *f, const struct flow_match *m)
{
	bool ip4 = is_dl_type(m, RTE_ETHER_TYPE_IPV4);
	bool ip6 = is_dl_type(m, RTE_ETHER_TYPE_IPV6);
	bool arp = is_dl_type(m, RTE_ETHER_TYPE_ARP);

	switch (f->prereq) {
	case PREREQ_NONE:
		return true;
	case PREREQ_IPV4:
		return ip4;
	case PREREQ_IPV6:
		return ip6;
	case PREREQ_IP_ANY:
		return ip4 || ip6;
	case PREREQ_ARP:
		return arp;
	case PREREQ_IPV4_ARP:
		return ip4 || arp;
	case PREREQ_L4:
		return (ip4 || ip6) && (is_proto(m, 6) || is_proto(m, 17) || is_proto(m, 132));
	case PREREQ_TCP:
		return (ip4 || ip6) && is_proto(m, 6);
	case PREREQ_ICMP4:
		return ip4 && is_proto(m, 1);
	case PREREQ_ICMP6:
		return ip6 && is_proto(m, 58);
	case PREREQ_VLAN:
		return (m->mask.vlan_tci & m->key.vlan_tci & RTE_BE16(FLOW_VLAN_PRESENT)) != 0;
	}
	return false;
}
