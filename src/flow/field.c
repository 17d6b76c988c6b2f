/* SPDX-License-Identifier: BSD-3-Clause */
/* The field registry (field.h) and parsing field values (flow_text.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "flow/field.h"
#include "flow/flow_text.h"

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

const struct flow_shorthand flow_shorthands[] = {
	{ "ip", RTE_ETHER_TYPE_IPV4, 0 },
	{ "icmp", RTE_ETHER_TYPE_IPV4, 1 },
	{ "tcp", RTE_ETHER_TYPE_IPV4, 6 },
	{ "udp", RTE_ETHER_TYPE_IPV4, 17 },
	{ "sctp", RTE_ETHER_TYPE_IPV4, 132 },
	{ "ipv6", RTE_ETHER_TYPE_IPV6, 0 },
	{ "icmp6", RTE_ETHER_TYPE_IPV6, 58 },
	{ "tcp6", RTE_ETHER_TYPE_IPV6, 6 },
	{ "udp6", RTE_ETHER_TYPE_IPV6, 17 },
	{ "sctp6", RTE_ETHER_TYPE_IPV6, 132 },
	{ "arp", RTE_ETHER_TYPE_ARP, 0 },
};

const unsigned int flow_n_shorthands = sizeof(flow_shorthands) / sizeof(flow_shorthands[0]);

const struct flow_mod_action flow_mod_actions[] = {
	{ "mod_dl_src", FIELD_DL_SRC },
	{ "mod_dl_dst", FIELD_DL_DST },
	{ "mod_nw_src", FIELD_NW_SRC },
	{ "mod_nw_dst", FIELD_NW_DST },
	{ "mod_nw_tos", FIELD_NW_TOS },
	{ "mod_tp_src", FIELD_TP_SRC },
	{ "mod_tp_dst", FIELD_TP_DST },
	/* OVS pushes a tag if there is none: the datapath does. */
	{ "mod_vlan_vid", FIELD_DL_VLAN },
	{ "mod_vlan_pcp", FIELD_DL_VLAN_PCP },
};

const unsigned int flow_n_mod_actions = sizeof(flow_mod_actions) / sizeof(flow_mod_actions[0]);

const struct flow_frag_word flow_frag_words[] = {
	{ "no", 0, FLOW_FRAG_ANY },
	{ "yes", FLOW_FRAG_ANY, FLOW_FRAG_ANY },
	{ "first", FLOW_FRAG_ANY, FLOW_FRAG_ANY | FLOW_FRAG_LATER },
	{ "later", FLOW_FRAG_ANY | FLOW_FRAG_LATER, FLOW_FRAG_ANY | FLOW_FRAG_LATER },
	{ "not_later", 0, FLOW_FRAG_LATER },
};

const unsigned int flow_n_frag_words = sizeof(flow_frag_words) / sizeof(flow_frag_words[0]);

const char *const flow_tcp_flag_names[] = {
	"fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns",
};

const unsigned int flow_n_tcp_flag_names =
	sizeof(flow_tcp_flag_names) / sizeof(flow_tcp_flag_names[0]);

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

/* ---- bytes as big-endian numbers ---- */

void bytes_shl(uint8_t *b, int n, int bits)
{
	int by = bits / 8, bi = bits % 8;

	for (int i = 0; i < n; i++) {
		int src = i + by;
		uint8_t hi = src < n ? b[src] : 0;
		uint8_t lo = src + 1 < n ? b[src + 1] : 0;

		b[i] = bi == 0 ? hi : (uint8_t)(hi << bi | lo >> (8 - bi));
	}
}

void bytes_shr(uint8_t *b, int n, int bits)
{
	int by = bits / 8, bi = bits % 8;

	for (int i = n - 1; i >= 0; i--) {
		int src = i - by;
		uint8_t lo = src >= 0 ? b[src] : 0;
		uint8_t hi = src - 1 >= 0 ? b[src - 1] : 0;

		b[i] = bi == 0 ? lo : (uint8_t)(lo >> bi | hi << (8 - bi));
	}
}

bool bytes_fit(const uint8_t *b, int n, int bits)
{
	for (int i = 0; i < n; i++) {
		int room = bits - (n - 1 - i) * 8; /* bits of byte i inside the width */

		if (room <= 0 ? b[i] != 0 : room < 8 && (b[i] >> room) != 0)
			return false;
	}
	return true;
}

void field_width_mask(const struct field *f, uint8_t *mask)
{
	memset(mask, 0, f->n_bytes);
	for (int bit = 0; bit < f->n_bits; bit++)
		mask[f->n_bytes - 1 - bit / 8] |= (uint8_t)(1u << (bit % 8));
}

int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int bytes_from_number(const char *s, int len, uint8_t *out, int n)
{
	bool hex = len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	int base = hex ? 16 : 10;

	memset(out, 0, n);
	if (hex) {
		s += 2;
		len -= 2;
	}
	if (len <= 0)
		return -EINVAL;
	/* All digits first, so "99999x" is "not a number", not "too big". */
	for (int i = 0; i < len; i++)
		if (hex_digit(s[i]) < 0 || hex_digit(s[i]) >= base)
			return -EINVAL;
	for (int i = 0; i < len; i++) {
		unsigned int carry = (unsigned int)hex_digit(s[i]);

		for (int j = n - 1; j >= 0; j--) {
			unsigned int v = out[j] * (unsigned int)base + carry;

			out[j] = (uint8_t)v;
			carry = v >> 8;
		}
		if (carry != 0)
			return -ERANGE;
	}
	return 0;
}

uint64_t bytes_to_u64(const uint8_t *b, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | b[i];
	return v;
}

static void u64_to_bytes(uint64_t v, uint8_t *b, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		b[i] = (uint8_t)v;
}

/* ---- storage ---- */

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

/* ---- values as text ---- */

int text_fail(struct text_ctx *t, const char *at, int len, const char *fmt, ...)
{
	va_list ap;

	t->err->pos = (int)(at - t->text);
	t->err->len = len;
	va_start(ap, fmt);
	vsnprintf(t->err->msg, sizeof(t->err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void field_split_mask(const char *s, int len, struct field_text *ft)
{
	const char *slash = memchr(s, '/', len);

	ft->value = s;
	ft->value_len = slash != NULL ? (int)(slash - s) : len;
	ft->mask = slash != NULL ? slash + 1 : NULL;
	ft->mask_len = slash != NULL ? len - ft->value_len - 1 : 0;
}

/* "0..65535", or "0..0xffff" if the number s was written in hex. */
static void range_text(uint64_t min, uint64_t max, const char *s, int s_len, char *buf,
		       size_t len)
{
	if (s_len > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		snprintf(buf, len, "%" PRIu64 "..0x%" PRIx64, min, max);
	else
		snprintf(buf, len, "%" PRIu64 "..%" PRIu64, min, max);
}

int text_parse_uint(struct text_ctx *t, const char *what, const char *s, int len,
		    uint64_t min, uint64_t max, uint64_t *out)
{
	uint8_t b[8];
	char range[48];
	int rc = bytes_from_number(s, len, b, 8);

	if (rc == -EINVAL)
		return text_fail(t, s, len, "'%.*s' is not a number", len, s);
	*out = bytes_to_u64(b, 8);
	if (rc == -ERANGE || *out < min || *out > max) {
		range_text(min, max, s, len, range, sizeof(range));
		return text_fail(t, s, len, "%s %.*s is out of range %s", what, len, s, range);
	}
	return 0;
}

int text_parse_port(struct text_ctx *t, const char *s, int len, uint16_t *port)
{
	char name[64];
	uint64_t v;
	int rc;

	if (len > 0 && s[0] >= '0' && s[0] <= '9') {
		rc = text_parse_uint(t, "port", s, len, 1, OFPORT_MAX, &v);
		*port = (uint16_t)v;
		return rc;
	}
	if (len <= 0 || len >= (int)sizeof(name) || t->lookup == NULL)
		return text_fail(t, s, len, "unknown port '%.*s'", len, s);
	memcpy(name, s, len);
	name[len] = '\0';
	rc = t->lookup(name, t->aux);
	if (rc < 1 || rc > OFPORT_MAX)
		return text_fail(t, s, len, "unknown port '%s'", name);
	*port = (uint16_t)rc;
	return 0;
}

/* A number that must fit the field's n_bits (or `bits` for nw_tos). */
static int parse_field_number(struct text_ctx *t, const struct field *f, const char *what,
			      const char *kind, const char *s, int len, int bits, uint8_t *out)
{
	char range[48];
	int rc = bytes_from_number(s, len, out, f->n_bytes);

	if (rc == -EINVAL)
		return text_fail(t, s, len, "'%.*s' is not a number", len, s);
	if (rc == -ERANGE || !bytes_fit(out, f->n_bytes, bits)) {
		range_text(0, bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1, s, len,
			   range, sizeof(range));
		return text_fail(t, s, len, "%s%s %.*s is out of range %s",
				 what, kind, len, s, range);
	}
	return 0;
}

static int parse_mac(struct text_ctx *t, const char *kind, const char *s, int len, uint8_t *out)
{
	int i = 0;

	for (int byte = 0; byte < RTE_ETHER_ADDR_LEN; byte++) {
		int digits = 0, v = 0;

		if (byte > 0 && (i >= len || s[i++] != ':'))
			goto bad;
		while (i < len && digits < 2 && hex_digit(s[i]) >= 0) {
			v = v * 16 + hex_digit(s[i++]);
			digits++;
		}
		if (digits == 0)
			goto bad;
		out[byte] = (uint8_t)v;
	}
	if (i == len)
		return 0;
bad:
	return text_fail(t, s, len, "'%.*s' is not an Ethernet %s", len, s, kind);
}

static bool all_digits(const char *s, int len)
{
	for (int i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return len > 0;
}

/* inet_pton on a counted string. */
static bool parse_inet(int af, const char *s, int len, uint8_t *out)
{
	char buf[64];

	if (len <= 0 || len >= (int)sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return inet_pton(af, buf, out) == 1;
}

static int parse_ip(struct text_ctx *t, const struct field *f, const struct field_text *ft,
		    uint8_t *value, uint8_t *mask)
{
	int af = f->format == FIELD_FMT_IPV4 ? AF_INET : AF_INET6;
	const char *fam = af == AF_INET ? "IPv4" : "IPv6";
	uint64_t plen;

	if (!parse_inet(af, ft->value, ft->value_len, value))
		return text_fail(t, ft->value, ft->value_len, "'%.*s' is not an %s address",
				 ft->value_len, ft->value, fam);
	if (ft->mask == NULL)
		return 0;
	if (all_digits(ft->mask, ft->mask_len)) {
		/* "/24": a prefix length */
		if (text_parse_uint(t, "prefix length", ft->mask, ft->mask_len, 0, f->n_bits,
				    &plen))
			return -EINVAL;
		memset(mask, 0, f->n_bytes);
		for (unsigned int bit = 0; bit < plen; bit++)
			mask[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
		return 0;
	}
	if (!parse_inet(af, ft->mask, ft->mask_len, mask))
		return text_fail(t, ft->mask, ft->mask_len,
				 "'%.*s' is not an %s mask (a prefix length or an address)",
				 ft->mask_len, ft->mask, fam);
	return 0;
}

/* "+syn-ack": the named flags set (+) or clear (-), the others ignored. */
static int parse_tcp_flags(struct text_ctx *t, const char *s, int len, uint8_t *value,
			   uint8_t *mask)
{
	uint16_t v = 0, m = 0;
	int i = 0;

	while (i < len) {
		int start = i++;
		unsigned int bit;

		while (i < len && s[i] != '+' && s[i] != '-')
			i++;
		for (bit = 0; bit < flow_n_tcp_flag_names; bit++)
			if ((int)strlen(flow_tcp_flag_names[bit]) == i - start - 1 &&
			    strncmp(flow_tcp_flag_names[bit], s + start + 1, i - start - 1) == 0)
				break;
		if (bit == flow_n_tcp_flag_names)
			return text_fail(t, s + start, i - start,
					 "'%.*s' is not a TCP flag (fin, syn, rst, psh, ack, urg, "
					 "ece, cwr, ns)", i - start - 1, s + start + 1);
		m |= (uint16_t)(1u << bit);
		if (s[start] == '+')
			v |= (uint16_t)(1u << bit);
	}
	u64_to_bytes(v, value, 2);
	u64_to_bytes(m, mask, 2);
	return 0;
}

static int parse_number_value(struct text_ctx *t, const struct field *f, const char *what,
			      const struct field_text *ft, uint8_t *value, uint8_t *mask)
{
	int rc;

	if (f->id == FIELD_NW_TOS) {
		/* The TOS byte with its DSCP bits in place, as ovs-ofctl. */
		rc = parse_field_number(t, f, what, "", ft->value, ft->value_len, 8, value);
		if (rc == 0 && (value[0] & 0x03) != 0)
			return text_fail(t, ft->value, ft->value_len,
					 "%s %.*s has ECN bits set (the low 2 bits must be 0)",
					 what, ft->value_len, ft->value);
		value[0] >>= 2;
		return rc;
	}
	rc = parse_field_number(t, f, what, "", ft->value, ft->value_len, f->n_bits, value);
	if (rc == 0 && ft->mask != NULL)
		rc = parse_field_number(t, f, what, " mask", ft->mask, ft->mask_len, f->n_bits,
					mask);
	return rc;
}

static int parse_frag(struct text_ctx *t, const struct field *f, const char *what,
		      const struct field_text *ft, uint8_t *value, uint8_t *mask)
{
	for (unsigned int i = 0; ft->mask == NULL && i < flow_n_frag_words; i++) {
		if ((int)strlen(flow_frag_words[i].name) == ft->value_len &&
		    strncmp(flow_frag_words[i].name, ft->value, ft->value_len) == 0) {
			value[0] = flow_frag_words[i].value;
			mask[0] = flow_frag_words[i].mask;
			return 0;
		}
	}
	/* Numbers too, so that any value/mask prints back parseable. */
	if (ft->value_len > 0 && ft->value[0] >= '0' && ft->value[0] <= '9')
		return parse_number_value(t, f, what, ft, value, mask);
	return text_fail(t, ft->value, ft->value_len,
			 "'%.*s' is not an ip_frag value (no, yes, first, later or not_later)",
			 ft->value_len, ft->value);
}

int field_parse_value(const struct field *f, const char *what, const struct field_text *ft,
		      struct text_ctx *t, uint8_t *value, uint8_t *mask)
{
	uint16_t port;
	int rc;

	memset(value, 0, f->n_bytes);
	field_width_mask(f, mask);
	switch (f->format) {
	case FIELD_FMT_FRAG:
		return parse_frag(t, f, what, ft, value, mask);
	case FIELD_FMT_DEC:
	case FIELD_FMT_HEX:
		if (f->id == FIELD_TCP_FLAGS && ft->value_len > 0 &&
		    (ft->value[0] == '+' || ft->value[0] == '-') && ft->mask == NULL)
			return parse_tcp_flags(t, ft->value, ft->value_len, value, mask);
		return parse_number_value(t, f, what, ft, value, mask);
	case FIELD_FMT_MAC:
		rc = parse_mac(t, "address", ft->value, ft->value_len, value);
		if (rc == 0 && ft->mask != NULL)
			rc = parse_mac(t, "mask", ft->mask, ft->mask_len, mask);
		return rc;
	case FIELD_FMT_IPV4:
	case FIELD_FMT_IPV6:
		return parse_ip(t, f, ft, value, mask);
	case FIELD_FMT_PORT:
		break;
	}
	rc = text_parse_port(t, ft->value, ft->value_len, &port);
	u64_to_bytes(port, value, 2);
	return rc;
}
