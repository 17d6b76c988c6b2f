/* SPDX-License-Identifier: BSD-3-Clause */
#include "switch/dp_exec.h"

#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>

#include "flow/field.h"
#include "flow/flow_key.h"

#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_ICMP_ 1
#define IPPROTO_ICMPV6_ 58
#define IPPROTO_SCTP_ 132

struct l4_csum {
	uint8_t *csum;      /* the checksum field, NULL if none to keep */
	bool pseudo;        /* covers the IP addresses (TCP, UDP, ICMPv6) */
	bool sctp;          /* CRC32c over the whole SCTP packet */
};

/* One's complement sum of a big-endian byte run of even length. */
static uint32_t sum16(const uint8_t *b, unsigned int len, uint32_t sum)
{
	for (unsigned int i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	return sum;
}

/* RFC 1624: HC' = ~(~HC + ~m + m'), for a run that starts on a 16-bit
 * boundary of the checksummed data. */
static void csum_update(uint8_t *csum, const uint8_t *old, const uint8_t *new,
			unsigned int len)
{
	uint32_t sum = (uint16_t)~((uint32_t)csum[0] << 8 | csum[1]);
	uint8_t inv[FIELD_MAX_BYTES];

	for (unsigned int i = 0; i < len; i++)
		inv[i] = (uint8_t)~old[i];
	sum = sum16(inv, len, sum);
	sum = sum16(new, len, sum);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = (uint16_t)~sum;
	csum[0] = (uint8_t)(sum >> 8);
	csum[1] = (uint8_t)sum;
}

static inline uint8_t *at(struct rte_mbuf *m, uint16_t off)
{
	return rte_pktmbuf_mtod_offset(m, uint8_t *, off);
}

/* Where the L4 checksum is and what it covers; none for later fragments,
 * truncated L4 headers, or UDP over IPv4 sent without a checksum. */
static struct l4_csum l4_csum_of(struct rte_mbuf *m, const struct pkt_layers *l,
				 uint8_t proto, bool ipv4)
{
	struct l4_csum c = { 0 };
	uint16_t need;
	uint16_t off;

	if (l->l4 == PKT_NO_LAYER)
		return c;
	switch (proto) {
	case IPPROTO_TCP_: off = 16; need = 20; c.pseudo = true; break;
	case IPPROTO_UDP_: off = 6; need = 8; c.pseudo = true; break;
	case IPPROTO_ICMP_: off = 2; need = 4; break;
	case IPPROTO_ICMPV6_: off = 2; need = 4; c.pseudo = true; break;
	case IPPROTO_SCTP_: off = 8; need = 12; c.sctp = true; break;
	default: return c;
	}
	if ((uint32_t)l->l4 + need > rte_pktmbuf_data_len(m))
		return c;
	c.csum = at(m, l->l4 + off);
	if (proto == IPPROTO_UDP_ && ipv4 && c.csum[0] == 0 && c.csum[1] == 0)
		c.csum = NULL;
	return c;
}

/* CRC32c over the SCTP packet, wherever its segments are (the header is
 * in the first: the parser saw to that). */
static void sctp_recompute(struct rte_mbuf *m, const struct pkt_layers *l)
{
	uint32_t off = l->l4, left = (uint32_t)l->l3 + l->l3_len - l->l4;
	uint8_t *sctp = at(m, l->l4);
	uint32_t crc = 0xffffffff;

	if (left < 12 || (uint32_t)l->l3 + l->l3_len > rte_pktmbuf_pkt_len(m))
		return;
	memset(sctp + 8, 0, 4);
	for (const struct rte_mbuf *seg = m; seg != NULL && left > 0; seg = seg->next) {
		uint32_t n;

		if (off >= seg->data_len) {
			off -= seg->data_len;
			continue;
		}
		n = RTE_MIN(left, (uint32_t)seg->data_len - off);
		crc = rte_hash_crc(rte_pktmbuf_mtod_offset(seg, const uint8_t *, off), n, crc);
		left -= n;
		off = 0;
	}
	crc = rte_cpu_to_le_32(~crc);
	memcpy(sctp + 8, &crc, 4);
}

static bool is_ipv4(const struct rte_mbuf *m, const struct pkt_layers *l)
{
	return l->l3 != PKT_NO_LAYER &&
	       (*rte_pktmbuf_mtod_offset(m, const uint8_t *, l->l3) >> 4) == 4;
}

/* Overwrite n bytes at p with (p & ~mask) | (value & mask), updating the
 * IP header checksum (ip_csum) and the L4 checksum (l4, if it covers
 * these bytes: `covered`). */
static void rewrite(uint8_t *p, const uint8_t *value, const uint8_t *mask, unsigned int n,
		    uint8_t *ip_csum, const struct l4_csum *l4, bool covered, bool odd)
{
	uint8_t old[FIELD_MAX_BYTES + 1], new[FIELD_MAX_BYTES + 1];
	unsigned int len = n;
	uint8_t *start = p;

	/* A lone byte at an odd offset is summed with its word's first byte. */
	if (odd) {
		start = p - 1;
		len = n + 1;
	}
	memcpy(old, start, len);
	for (unsigned int i = 0; i < n; i++)
		p[i] = (uint8_t)((p[i] & ~mask[i]) | (value[i] & mask[i]));
	memcpy(new, start, len);
	if (len & 1) {
		old[len] = 0;
		new[len] = 0;
		len++;
	}
	if (ip_csum != NULL)
		csum_update(ip_csum, old, new, len);
	if (l4 != NULL && l4->csum != NULL && covered && !l4->sctp)
		csum_update(l4->csum, old, new, len);
}

static int set_ipv4_addr(struct rte_mbuf *m, struct pkt_layers *l, unsigned int off,
			 const uint8_t *value, const uint8_t *mask, uint8_t proto)
{
	struct l4_csum c;

	if ((uint32_t)l->l3 + 20 > rte_pktmbuf_data_len(m))
		return -1;
	c = l4_csum_of(m, l, proto, true);
	rewrite(at(m, l->l3 + off), value, mask, 4, at(m, l->l3 + 10), &c, c.pseudo, false);
	if (c.sctp)
		sctp_recompute(m, l);
	return 0;
}

static int set_arp(struct rte_mbuf *m, struct pkt_layers *l, unsigned int off,
		   const uint8_t *value, const uint8_t *mask, unsigned int n)
{
	if (l->l3 == PKT_NO_LAYER || (uint32_t)l->l3 + 28 > rte_pktmbuf_data_len(m))
		return -1;
	rewrite(at(m, l->l3 + off), value, mask, n, NULL, NULL, false, false);
	return 0;
}

static int set_l4_port(struct rte_mbuf *m, struct pkt_layers *l, unsigned int off,
		       const uint8_t *value, const uint8_t *mask, uint8_t proto, bool v4)
{
	struct l4_csum c;

	if (l->l4 == PKT_NO_LAYER || (uint32_t)l->l4 + 4 > rte_pktmbuf_data_len(m))
		return -1;
	c = l4_csum_of(m, l, proto, v4);
	rewrite(at(m, l->l4 + off), value, mask, 2, NULL, &c, true, false);
	if (c.sctp)
		sctp_recompute(m, l);
	return 0;
}

/* ICMP type and code: one byte each (field.h keeps them in the low byte
 * of tp_src / tp_dst). */
static int set_icmp(struct rte_mbuf *m, struct pkt_layers *l, unsigned int off,
		    const uint8_t *value, const uint8_t *mask, uint8_t proto, bool v4)
{
	struct l4_csum c;

	if (l->l4 == PKT_NO_LAYER || (uint32_t)l->l4 + 4 > rte_pktmbuf_data_len(m))
		return -1;
	c = l4_csum_of(m, l, proto, v4);
	rewrite(at(m, l->l4 + off), value, mask, 1, NULL, &c, true, off & 1);
	return 0;
}

static int set_ipv6_addr(struct rte_mbuf *m, struct pkt_layers *l, unsigned int off,
			 const uint8_t *value, const uint8_t *mask, uint8_t proto)
{
	struct l4_csum c;

	if ((uint32_t)l->l3 + 40 > rte_pktmbuf_data_len(m))
		return -1;
	c = l4_csum_of(m, l, proto, false);
	rewrite(at(m, l->l3 + off), value, mask, 16, NULL, &c, c.pseudo, false);
	if (c.sctp)
		sctp_recompute(m, l);
	return 0;
}

/* IPv6 traffic class sits across the first two bytes of the header. */
static int set_ipv6_tclass(struct rte_mbuf *m, struct pkt_layers *l, uint8_t value,
			   uint8_t mask)
{
	uint8_t *h = at(m, l->l3);
	uint8_t tc = (uint8_t)(h[0] << 4 | h[1] >> 4);

	tc = (uint8_t)((tc & ~mask) | (value & mask));
	h[0] = (uint8_t)((h[0] & 0xf0) | tc >> 4);
	h[1] = (uint8_t)((h[1] & 0x0f) | (uint8_t)(tc << 4));
	return 0;
}

int dp_set_field(struct rte_mbuf *m, struct pkt_layers *l, uint8_t proto,
		 const struct action *a)
{
	const uint8_t *v = a->set.value, *mk = a->set.mask;
	bool v4 = is_ipv4(m, l);

	switch ((enum field_id)a->set.field) {
	case FIELD_DL_DST:
		rewrite(at(m, 0), v, mk, 6, NULL, NULL, false, false);
		return 0;
	case FIELD_DL_SRC:
		rewrite(at(m, 6), v, mk, 6, NULL, NULL, false, false);
		return 0;
	case FIELD_VLAN_TCI:
	case FIELD_DL_VLAN:
	case FIELD_DL_VLAN_PCP: {
		/* The key's "tag present" bit is the packet's DEI bit: never
		 * written (the tag exists: xlate pushed one if needed). */
		uint8_t mask[2] = { (uint8_t)(mk[0] & ~(FLOW_VLAN_PRESENT >> 8)), mk[1] };

		if (l->l2_5 == PKT_NO_LAYER)
			return -1;
		rewrite(at(m, l->l2_5 + 2), v, mask, 2, NULL, NULL, false, false);
		return 0;
	}
	default:
		break;
	}
	if (l->l3 == PKT_NO_LAYER)
		return -1;
	switch ((enum field_id)a->set.field) {
	case FIELD_NW_SRC:
	case FIELD_NW_DST: {
		bool src = a->set.field == FIELD_NW_SRC;

		if (v4)
			return set_ipv4_addr(m, l, src ? 12 : 16, v, mk, proto);
		return set_arp(m, l, src ? 14 : 24, v, mk, 4);
	}
	case FIELD_ARP_SPA:
		return set_arp(m, l, 14, v, mk, 4);
	case FIELD_ARP_TPA:
		return set_arp(m, l, 24, v, mk, 4);
	case FIELD_ARP_OP: {
		uint8_t op[2] = { 0, v[0] }, opm[2] = { 0xff, mk[0] };

		return set_arp(m, l, 6, op, opm, 2);
	}
	case FIELD_NW_TOS:
	case FIELD_NW_ECN:
		if (v4) {
			rewrite(at(m, l->l3 + 1), v, mk, 1, at(m, l->l3 + 10), NULL, false, true);
			return 0;
		}
		return set_ipv6_tclass(m, l, v[0], mk[0]);
	case FIELD_NW_TTL:
		if (v4) {
			rewrite(at(m, l->l3 + 8), v, mk, 1, at(m, l->l3 + 10), NULL, false, false);
			return 0;
		}
		rewrite(at(m, l->l3 + 7), v, mk, 1, NULL, NULL, false, false);
		return 0;
	case FIELD_IPV6_SRC:
	case FIELD_IPV6_DST:
		if (v4)
			return -1;
		return set_ipv6_addr(m, l, a->set.field == FIELD_IPV6_SRC ? 8 : 24, v, mk, proto);
	default:
		break;
	}
	/* L4: the protocol decides where the ports are and the checksum. */
	if (l->l4 == PKT_NO_LAYER)
		return -1;
	switch ((enum field_id)a->set.field) {
	case FIELD_TP_SRC:
	case FIELD_TP_DST:
		return set_l4_port(m, l, a->set.field == FIELD_TP_SRC ? 0 : 2, v, mk, proto, v4);
	case FIELD_ICMP_TYPE:
	case FIELD_ICMPV6_TYPE:
		return set_icmp(m, l, 0, v, mk, proto, v4);
	case FIELD_ICMP_CODE:
	case FIELD_ICMPV6_CODE:
		return set_icmp(m, l, 1, v, mk, proto, v4);
	default:
		return -1; /* not a packet field the parser lets be written */
	}
}

int dp_dec_ttl(struct rte_mbuf *m, const struct pkt_layers *l)
{
	uint8_t *h;

	if (l->l3 == PKT_NO_LAYER)
		return -1;
	h = at(m, l->l3);
	if (is_ipv4(m, l)) {
		uint8_t old[2] = { h[8], h[9] }, new[2] = { (uint8_t)(h[8] - 1), h[9] };

		h[8]--;
		csum_update(h + 10, old, new, 2);
	} else {
		h[7]--;
	}
	return 0;
}

static void shift_layers(struct pkt_layers *l, int delta)
{
	if (l->l3 != PKT_NO_LAYER)
		l->l3 = (uint16_t)(l->l3 + delta);
	if (l->l4 != PKT_NO_LAYER)
		l->l4 = (uint16_t)(l->l4 + delta);
}

int dp_push_vlan(struct rte_mbuf *m, struct pkt_layers *l, rte_be16_t tpid, rte_be16_t tci)
{
	uint8_t *p = (uint8_t *)rte_pktmbuf_prepend(m, 4);

	if (p == NULL)
		return -1;
	memmove(p, p + 4, 2 * RTE_ETHER_ADDR_LEN);
	memcpy(p + 12, &tpid, 2);
	memcpy(p + 14, &tci, 2);
	l->l2_5 = 12;
	shift_layers(l, 4);
	return 0;
}

int dp_pop_vlan(struct rte_mbuf *m, struct pkt_layers *l)
{
	uint8_t *p;

	if (l->l2_5 == PKT_NO_LAYER || rte_pktmbuf_data_len(m) < 18)
		return -1;
	p = rte_pktmbuf_mtod(m, uint8_t *);
	memmove(p + 4, p, 2 * RTE_ETHER_ADDR_LEN);
	rte_pktmbuf_adj(m, 4);
	p += 4;
	/* An inner tag becomes the outer one. */
	l->l2_5 = (p[12] == 0x81 && p[13] == 0x00) || (p[12] == 0x88 && p[13] == 0xa8) ?
		  12 : PKT_NO_LAYER;
	shift_layers(l, -4);
	return 0;
}

int dp_pull_head(struct rte_mbuf *m)
{
	uint32_t want = RTE_MIN(rte_pktmbuf_pkt_len(m), rte_pktmbuf_data_len(m) +
				(uint32_t)rte_pktmbuf_tailroom(m));
	struct rte_mbuf *seg;

	if (rte_pktmbuf_data_len(m) >= want)
		return -1;
	for (seg = m; seg != NULL; seg = seg->next)
		if (rte_mbuf_refcnt_read(seg) != 1 || !RTE_MBUF_DIRECT(seg))
			return -1; /* not ours to move bytes in */
	while (rte_pktmbuf_data_len(m) < want) {
		uint16_t k;

		seg = m->next;
		k = (uint16_t)RTE_MIN((uint32_t)seg->data_len, want - rte_pktmbuf_data_len(m));
		memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, m->data_len),
		       rte_pktmbuf_mtod(seg, uint8_t *), k);
		m->data_len = (uint16_t)(m->data_len + k);
		seg->data_off = (uint16_t)(seg->data_off + k);
		seg->data_len = (uint16_t)(seg->data_len - k);
		if (seg->data_len == 0) {
			m->next = seg->next;
			m->nb_segs--;
			seg->next = NULL;
			seg->nb_segs = 1;
			rte_pktmbuf_free_seg(seg);
		}
	}
	return 0;
}

int dp_vlan_vid(const struct rte_mbuf *m, const struct pkt_layers *l)
{
	const uint8_t *p;

	if (l->l2_5 == PKT_NO_LAYER)
		return -1;
	p = rte_pktmbuf_mtod_offset(m, const uint8_t *, l->l2_5 + 2);
	return ((p[0] << 8) | p[1]) & FLOW_VLAN_VID_MASK;
}
