/* SPDX-License-Identifier: BSD-3-Clause */
/* Parsing field values from text, and the keyword tables (flow_text.h). */
#include "flow/flow_text.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <rte_ether.h>

#include "flow/bytes.h"

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
