/* SPDX-License-Identifier: BSD-3-Clause */
/* Printing into a buffer the way the flow printer and the action families
 * do (format_ctx.h). */
#include "flow/format_ctx.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "flow/flow_text.h"

void format_ctx_init(struct format_ctx *fc, char *buf, size_t size, flow_port_name_fn name,
		     void *aux)
{
	*fc = (struct format_ctx){ .buf = buf, .size = size, .name = name, .aux = aux };
	if (size > 0)
		buf[0] = '\0';
}

void format_printf(struct format_ctx *fc, const char *fmt, ...)
{
	size_t room = fc->len < fc->size ? fc->size - fc->len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room > 0 ? fc->buf + fc->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		fc->len += (size_t)n;
}

/* ---- values ---- */

void format_port(struct format_ctx *fc, uint16_t port)
{
	const char *n = fc->name != NULL ? fc->name(port, fc->aux) : NULL;

	if (n != NULL)
		format_printf(fc, "%s", n);
	else
		format_printf(fc, "%u", port);
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

static void format_mac(const uint8_t *m, struct format_ctx *fc)
{
	format_printf(fc, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void format_ip(const struct field *f, const uint8_t *value, const uint8_t *mask,
		      bool full, struct format_ctx *fc)
{
	int af = f->format == FIELD_FMT_IPV4 ? AF_INET : AF_INET6;
	char buf[INET6_ADDRSTRLEN];
	int plen = prefix_len(mask, f->n_bytes);

	format_printf(fc, "%s", inet_ntop(af, value, buf, sizeof(buf)));
	if (full)
		return;
	if (plen >= 0)
		format_printf(fc, "/%d", plen);
	else
		format_printf(fc, "/%s", inet_ntop(af, mask, buf, sizeof(buf)));
}

/* Hex fields of 16 bits in four digits (dl_type=0x0800), other numbers
 * without padding (tp_dst=0x400/0xfc00), as ovs-ofctl prints them. */
static void format_number(const struct field *f, uint64_t v, bool hex, struct format_ctx *fc)
{
	if (hex)
		format_printf(fc, "0x%0*" PRIx64,
			  f->format == FIELD_FMT_HEX && f->n_bits == 16 ? 4 : 1, v);
	else
		format_printf(fc, "%" PRIu64, v);
}

/* "+syn-ack" when every masked bit has a name. */
static bool format_tcp_flags(uint64_t v, uint64_t m, struct format_ctx *fc)
{
	if (m >> flow_n_tcp_flag_names != 0)
		return false;
	for (unsigned int bit = 0; bit < flow_n_tcp_flag_names; bit++)
		if (m & (1u << bit))
			format_printf(fc, "%c%s", (v >> bit) & 1 ? '+' : '-', flow_tcp_flag_names[bit]);
	return true;
}

void format_value(struct format_ctx *fc, const struct field *f, const uint8_t *value,
		  const uint8_t *mask)
{
	uint8_t width[FIELD_MAX_BYTES];
	bool full;
	uint64_t v, m;

	field_width_mask(f, width);
	full = memcmp(mask, width, f->n_bytes) == 0;
	switch (f->format) {
	case FIELD_FMT_MAC:
		format_mac(value, fc);
		if (!full) {
			format_printf(fc, "/");
			format_mac(mask, fc);
		}
		return;
	case FIELD_FMT_IPV4:
	case FIELD_FMT_IPV6:
		format_ip(f, value, mask, full, fc);
		return;
	case FIELD_FMT_PORT:
		format_port(fc, (uint16_t)bytes_to_u64(value, 2));
		return;
	case FIELD_FMT_FRAG:
		for (unsigned int i = 0; i < flow_n_frag_words; i++) {
			if (flow_frag_words[i].value == value[0] && flow_frag_words[i].mask == mask[0]) {
				format_printf(fc, "%s", flow_frag_words[i].name);
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
	if (f->id == FIELD_TCP_FLAGS && !full && format_tcp_flags(v, m, fc))
		return;
	/* With a mask, hex reads better for both (tp_dst=0x1f40/0xfff0). */
	format_number(f, f->id == FIELD_NW_TOS ? v << 2 : v,
		      f->format == FIELD_FMT_HEX || !full, fc);
	if (!full) {
		format_printf(fc, "/");
		format_number(f, m, true, fc);
	}
}
