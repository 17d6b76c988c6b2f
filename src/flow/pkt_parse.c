/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frame bytes -> flow key, with the behaviour of Open vSwitch's
 * miniflow_extract():
 *  - a header cut short or invalid leaves its layer's key fields and those
 *    above zero; IPv4/IPv6 length fields that disagree with the frame make
 *    the header invalid, so the packet matches on L2 only. An IPv6
 *    extension chain that is cut short keeps the IPv6 addresses (as OVS
 *    does) and nothing else of L3; a chain of any length is walked;
 *  - an IPv6 header whose version is not 6 is invalid;
 *  - a layer offset is set only when its whole header is present and valid,
 *    so an action may rewrite that header without checking again;
 *  - ICMP and ICMPv6 are told apart by nw_proto alone; an ARP op above 255
 *    leaves nw_proto 0; RARP parses as ARP; an IPv6 later fragment gets
 *    nw_proto 44, since what follows is not the header its next-header
 *    field names; a cut VLAN tag leaves its TPID as dl_type;
 *  - unlike OVS, an 802.3 frame stops at dl_type 0x05ff (no LLC/SNAP).
 * Multi-byte fields are read through packed DPDK structs or memcpy, so the
 * frame may sit at any alignment.
 */
#include <stddef.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_sctp.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "flow/pkt_parse.h"

#define ETH_TYPE_MIN 0x0600      /* below: an 802.3 length, not a type */
#define DL_TYPE_NONE 0x05ff      /* OVS's FLOW_DL_TYPE_NONE: an 802.3 frame */
#define MAX_VLAN_TAGS 2
#define IPV6_EXT_MIN_LEN 8
#define TCP_FLAGS_MASK 0x0fff

_Static_assert(offsetof(struct flow_key, dl_src) ==
	       offsetof(struct flow_key, dl_dst) + RTE_ETHER_ADDR_LEN,
	       "dl_dst, dl_src are copied from the wire in one go");
_Static_assert(offsetof(struct flow_key, ipv6_dst) ==
	       offsetof(struct flow_key, ipv6_src) + 16,
	       "ipv6_src, ipv6_dst are copied from the wire in one go");
_Static_assert(offsetof(struct flow_key, tp_dst) ==
	       offsetof(struct flow_key, tp_src) + 2,
	       "L4 ports are copied from the wire in one go");

static const char *const anomaly_names[PKT_ANOMALY__COUNT] = {
	[PKT_OK] = "ok",
	[PKT_TRUNC_L2] = "truncated_l2",
	[PKT_TRUNC_L3] = "truncated_l3",
	[PKT_BAD_L3] = "bad_l3",
	[PKT_TRUNC_L4] = "truncated_l4",
	[PKT_SPLIT_HDR] = "split_header",
};

const char *pkt_anomaly_name(enum pkt_anomaly a)
{
	return (unsigned int)a < PKT_ANOMALY__COUNT ? anomaly_names[a] : "unknown";
}

static inline rte_be16_t load_be16(const uint8_t *p)
{
	rte_be16_t v;

	memcpy(&v, p, sizeof v);
	return v;
}

/*
 * Is a header of need bytes there? avail bytes are contiguous at the
 * header's start, wire bytes of the packet are left from there (avail <=
 * wire). Past avail but within wire, the header is in a later segment:
 * PKT_SPLIT_HDR, for the caller to pull it up and parse again.
 */
static inline enum pkt_anomaly lack(uint32_t need, uint32_t avail, uint32_t wire,
				    enum pkt_anomaly cut)
{
	if (need <= avail)
		return PKT_OK;
	return need <= wire ? PKT_SPLIT_HDR : cut;
}

/* TCP/UDP/SCTP/ICMP(v6) header at frame offset off. */
static enum pkt_anomaly parse_l4(const uint8_t *p, uint32_t avail, uint32_t wire,
				 uint32_t off, struct flow_key *key, struct pkt_layers *ly)
{
	enum pkt_anomaly a;
	uint32_t need;

	switch (key->nw_proto) {
	case IPPROTO_TCP:
		a = lack(sizeof(struct rte_tcp_hdr), avail, wire, PKT_TRUNC_L4);
		if (a != PKT_OK)
			return a;
		need = (((const struct rte_tcp_hdr *)p)->data_off >> 4) * 4u;
		if (need < sizeof(struct rte_tcp_hdr))
			return PKT_TRUNC_L4;
		break;
	case IPPROTO_UDP:
		need = sizeof(struct rte_udp_hdr);
		break;
	case IPPROTO_SCTP:
		need = sizeof(struct rte_sctp_hdr);
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		need = sizeof(struct rte_icmp_hdr);   /* 8, as OVS asks */
		break;
	default:
		return PKT_OK;   /* no L4 header we know */
	}
	a = lack(need, avail, wire, PKT_TRUNC_L4);
	if (a != PKT_OK)
		return a;

	ly->l4 = off;
	if (key->nw_proto == IPPROTO_ICMP || key->nw_proto == IPPROTO_ICMPV6) {
		key->tp_src = rte_cpu_to_be_16(p[0]);   /* type */
		key->tp_dst = rte_cpu_to_be_16(p[1]);   /* code */
		return PKT_OK;
	}
	memcpy(&key->tp_src, p, 4);   /* TCP, UDP, SCTP: both ports first */
	if (key->nw_proto == IPPROTO_TCP)
		key->tcp_flags = load_be16(p + offsetof(struct rte_tcp_hdr, data_off)) &
				 RTE_BE16(TCP_FLAGS_MASK);
	return PKT_OK;
}

static inline uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static enum pkt_anomaly parse_ipv4(const uint8_t *p, uint32_t avail, uint32_t wire,
				   uint32_t off, struct flow_key *key, struct pkt_layers *ly)
{
	const struct rte_ipv4_hdr *ip = (const void *)p;
	enum pkt_anomaly a;
	uint32_t ihl, tot;
	uint16_t frag;

	a = lack(sizeof(*ip), avail, wire, PKT_TRUNC_L3);
	if (a != PKT_OK)
		return a;
	ihl = (ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * 4u;
	if (ip->version_ihl >> 4 != 4 || ihl < sizeof(*ip))
		return PKT_BAD_L3;
	a = lack(ihl, avail, wire, PKT_TRUNC_L3);
	if (a != PKT_OK)
		return a;
	tot = rte_be_to_cpu_16(ip->total_length);
	if (tot < ihl || tot > wire)
		return PKT_BAD_L3;

	ly->l3 = off;
	ly->l3_len = tot;   /* anything past it is Ethernet padding */
	key->nw_src = ip->src_addr;
	key->nw_dst = ip->dst_addr;
	key->nw_proto = ip->next_proto_id;
	key->nw_tos = ip->type_of_service;
	key->nw_ttl = ip->time_to_live;
	frag = rte_be_to_cpu_16(ip->fragment_offset);
	if (frag & (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) {
		key->nw_frag = FLOW_FRAG_ANY;
		if (frag & RTE_IPV4_HDR_OFFSET_MASK) {
			key->nw_frag |= FLOW_FRAG_LATER;
			return PKT_OK;
		}
	}
	return parse_l4(p + ihl, min_u32(avail, tot) - ihl, tot - ihl, off + ihl, key, ly);
}

static inline int ipv6_is_ext(uint8_t proto)
{
	const uint64_t ext = 1ull << IPPROTO_HOPOPTS | 1ull << IPPROTO_ROUTING |
			     1ull << IPPROTO_FRAGMENT | 1ull << IPPROTO_AH |
			     1ull << IPPROTO_DSTOPTS;

	return proto < 64 && (ext >> proto & 1);
}

/*
 * The extension headers from hlen on, up to end: *hlen and *proto end at
 * the upper-layer header. No limit on their number: each is at least 8
 * bytes, so the walk is bounded by the packet, and a header that is not
 * walked would hide the ports from the rules.
 */
static enum pkt_anomaly parse_ipv6_ext(const uint8_t *p, uint32_t avail, uint32_t end,
				       uint32_t *hlen, uint8_t *proto, uint8_t *frag)
{
	while (ipv6_is_ext(*proto)) {
		const uint8_t *ext = p + *hlen;
		enum pkt_anomaly a;
		uint16_t offlg;

		if (end - *hlen < IPV6_EXT_MIN_LEN)
			return PKT_TRUNC_L3;
		a = lack(*hlen + IPV6_EXT_MIN_LEN, avail, end, PKT_TRUNC_L3);
		if (a != PKT_OK)
			return a;
		if (*proto == IPPROTO_FRAGMENT) {
			offlg = rte_be_to_cpu_16(load_be16(ext + 2));
			*hlen += IPV6_EXT_MIN_LEN;
			if (offlg != 0) {
				*frag = FLOW_FRAG_ANY;
				if (offlg & RTE_IPV6_EHDR_FO_MASK) {
					*frag |= FLOW_FRAG_LATER;
					return PKT_OK;   /* proto stays 44, as in OVS */
				}
			}
		} else if (*proto == IPPROTO_AH) {
			*hlen += (ext[1] + 2u) * 4;
		} else {
			*hlen += (ext[1] + 1u) * 8;
		}
		if (*hlen > end)
			return PKT_TRUNC_L3;
		*proto = ext[0];
	}
	return PKT_OK;
}

static enum pkt_anomaly parse_ipv6(const uint8_t *p, uint32_t avail, uint32_t wire,
				   uint32_t off, struct flow_key *key, struct pkt_layers *ly)
{
	const struct rte_ipv6_hdr *ip = (const void *)p;
	uint32_t end, hlen = sizeof(*ip);
	uint8_t proto, frag = 0;
	enum pkt_anomaly a;

	a = lack(sizeof(*ip), avail, wire, PKT_TRUNC_L3);
	if (a != PKT_OK)
		return a;
	if (p[0] >> 4 != 6)
		return PKT_BAD_L3;
	end = sizeof(*ip) + rte_be_to_cpu_16(ip->payload_len);
	if (end > wire)
		return PKT_BAD_L3;

	/* The addresses stay in the key even when the extension headers are
	 * cut short (as in OVS), so rules on them still apply. */
	memcpy(key->ipv6_src, ip->src_addr, 32);
	proto = ip->proto;
	a = parse_ipv6_ext(p, min_u32(avail, end), end, &hlen, &proto, &frag);
	if (a != PKT_OK)
		return a;

	ly->l3 = off;
	ly->l3_len = end;
	key->nw_proto = proto;
	key->nw_tos = rte_be_to_cpu_32(ip->vtc_flow) >> 20;
	key->nw_ttl = ip->hop_limits;
	key->nw_frag = frag;
	if (frag & FLOW_FRAG_LATER)
		return PKT_OK;
	avail = min_u32(avail, end);
	return parse_l4(p + hlen, avail > hlen ? avail - hlen : 0, end - hlen, off + hlen, key, ly);
}

/* ARP/RARP: only the Ethernet/IPv4 kind has fields in the key. */
static enum pkt_anomaly parse_arp(const uint8_t *p, uint32_t avail, uint32_t wire,
				  uint32_t off, struct flow_key *key, struct pkt_layers *ly)
{
	struct rte_arp_hdr arp;
	enum pkt_anomaly a;
	uint16_t op;

	a = lack(sizeof(arp), avail, wire, PKT_TRUNC_L3);
	if (a != PKT_OK)
		return a;
	memcpy(&arp, p, sizeof(arp));   /* rte_arp_hdr wants 2-byte alignment */
	if (arp.arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    arp.arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    arp.arp_hlen != RTE_ETHER_ADDR_LEN || arp.arp_plen != 4)
		return PKT_OK;

	ly->l3 = off;
	ly->l3_len = sizeof(arp);
	key->nw_src = arp.arp_data.arp_sip;
	key->nw_dst = arp.arp_data.arp_tip;
	op = rte_be_to_cpu_16(arp.arp_opcode);
	if (op <= UINT8_MAX)
		key->nw_proto = op;
	return PKT_OK;
}

static bool is_vlan_type(uint16_t type)
{
	return type == RTE_ETHER_TYPE_VLAN || type == RTE_ETHER_TYPE_QINQ;
}

static enum pkt_anomaly parse_frame(const uint8_t *f, uint32_t len, uint32_t wire,
				    struct flow_key *key, struct pkt_layers *ly)
{
	uint32_t off = 2 * RTE_ETHER_ADDR_LEN;
	enum pkt_anomaly a;
	unsigned int n = 0;
	uint16_t type;

	a = lack(RTE_ETHER_HDR_LEN, len, wire, PKT_TRUNC_L2);
	if (a != PKT_OK)
		return a;
	memcpy(&key->dl_dst, f, 2 * RTE_ETHER_ADDR_LEN);

	type = rte_be_to_cpu_16(load_be16(f + off));
	for (; n < MAX_VLAN_TAGS && is_vlan_type(type); n++) {
		/* TPID + TCI, and the type after them */
		a = lack(off + sizeof(struct rte_vlan_hdr) + RTE_ETHER_TYPE_LEN, len, wire,
			 PKT_TRUNC_L2);
		if (a != PKT_OK) {
			key->dl_type = rte_cpu_to_be_16(type);
			key->vlan_depth = (uint8_t)n;
			return a;
		}
		if (n == 0) {
			ly->l2_5 = off;
			key->vlan_tci = load_be16(f + off + 2) | RTE_BE16(FLOW_VLAN_PRESENT);
		}
		off += sizeof(struct rte_vlan_hdr);
		type = rte_be_to_cpu_16(load_be16(f + off));
	}
	/* Tags past MAX_VLAN_TAGS are not read, but one is known to be there. */
	key->vlan_depth = (uint8_t)(n + is_vlan_type(type));
	off += RTE_ETHER_TYPE_LEN;

	if (type < ETH_TYPE_MIN)
		type = DL_TYPE_NONE;
	key->dl_type = rte_cpu_to_be_16(type);
	switch (type) {
	case RTE_ETHER_TYPE_IPV4:
		return parse_ipv4(f + off, len - off, wire - off, off, key, ly);
	case RTE_ETHER_TYPE_IPV6:
		return parse_ipv6(f + off, len - off, wire - off, off, key, ly);
	case RTE_ETHER_TYPE_ARP:
	case RTE_ETHER_TYPE_RARP:
		return parse_arp(f + off, len - off, wire - off, off, key, ly);
	default:
		return PKT_OK;
	}
}

void pkt_parse(const uint8_t *frame, uint32_t head_len, uint32_t pkt_len, uint16_t in_port,
	       struct flow_key *key, struct pkt_layers *layers)
{
	/* An IP packet is at most 64 KiB; this keeps offsets in 16 bits. */
	if (pkt_len > UINT16_MAX)
		pkt_len = UINT16_MAX;
	if (head_len > pkt_len)
		head_len = pkt_len;

	memset(key, 0, sizeof(*key));
	key->in_port = rte_cpu_to_be_16(in_port);
	layers->l2_5 = PKT_NO_LAYER;
	layers->l3 = PKT_NO_LAYER;
	layers->l4 = PKT_NO_LAYER;
	layers->l3_len = 0;
	layers->anomaly = parse_frame(frame, head_len, pkt_len, key, layers);
}
