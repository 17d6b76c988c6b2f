/* SPDX-License-Identifier: BSD-3-Clause */
#include "relay/relay_offload.h"

#include <stddef.h>

#include <rte_ethdev.h>
#include <rte_gso.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "port/port.h"
#include "relay/relay_dir.h"

#define TX_CSUM_FLAGS (RTE_MBUF_F_TX_L4_MASK | RTE_MBUF_F_TX_IP_CKSUM)

/* Fill in the checksums the flags ask for. 0, or -1 if the headers are
 * not where the flags say (a malformed request from the guest). */
static int sw_checksum(struct rte_mbuf *m)
{
	uint64_t ol = m->ol_flags;
	uint32_t l3 = m->l2_len, l4 = (uint32_t)m->l2_len + m->l3_len;
	uint64_t l4_type = ol & RTE_MBUF_F_TX_L4_MASK;
	uint32_t l4_hdr = l4_type == RTE_MBUF_F_TX_UDP_CKSUM ? sizeof(struct rte_udp_hdr) :
			  l4_type == RTE_MBUF_F_TX_TCP_CKSUM ? sizeof(struct rte_tcp_hdr) : 0;
	unaligned_uint16_t *l4_cksum = NULL;

	/* The vhost dequeue puts the headers in the first segment. */
	if (rte_pktmbuf_data_len(m) < l4 + l4_hdr || m->l3_len == 0)
		return -1;
	if (l4_type == RTE_MBUF_F_TX_TCP_CKSUM)
		l4_cksum = rte_pktmbuf_mtod_offset(m, unaligned_uint16_t *,
						   l4 + offsetof(struct rte_tcp_hdr, cksum));
	else if (l4_type == RTE_MBUF_F_TX_UDP_CKSUM)
		l4_cksum = rte_pktmbuf_mtod_offset(m, unaligned_uint16_t *,
						   l4 + offsetof(struct rte_udp_hdr, dgram_cksum));
	else if (l4_type != 0)
		return -1; /* SCTP: not offered to guests */
	if (ol & RTE_MBUF_F_TX_IPV4) {
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l3);

		if (ol & RTE_MBUF_F_TX_IP_CKSUM) {
			ip->hdr_checksum = 0;
			ip->hdr_checksum = rte_ipv4_cksum(ip);
		}
		if (l4_cksum != NULL) {
			*l4_cksum = 0;
			*l4_cksum = rte_ipv4_udptcp_cksum_mbuf(m, ip, (uint16_t)l4);
		}
	} else if (ol & RTE_MBUF_F_TX_IPV6) {
		struct rte_ipv6_hdr *ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, l3);

		if (l4_cksum != NULL) {
			*l4_cksum = 0;
			*l4_cksum = rte_ipv6_udptcp_cksum_mbuf(m, ip6, (uint16_t)l4);
		}
	} else if (l4_cksum != NULL) {
		return -1;
	}
	m->ol_flags &= ~TX_CSUM_FLAGS;
	return 0;
}

/* The checksum offloads a NIC lacks for this packet. */
static bool nic_lacks_csum(uint64_t ol, uint64_t nic)
{
	uint64_t l4 = ol & RTE_MBUF_F_TX_L4_MASK;

	return ((ol & RTE_MBUF_F_TX_IP_CKSUM) && !(nic & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM)) ||
	       (l4 == RTE_MBUF_F_TX_TCP_CKSUM && !(nic & RTE_ETH_TX_OFFLOAD_TCP_CKSUM)) ||
	       (l4 == RTE_MBUF_F_TX_UDP_CKSUM && !(nic & RTE_ETH_TX_OFFLOAD_UDP_CKSUM));
}

static void offload_failed(struct relay_dir *d, struct rte_mbuf *m)
{
	rte_pktmbuf_free(m);
	d->stats.drops[DROP_OFFLOAD_FAILED]++;
}

/* Checksum fresh segments the NIC cannot checksum. */
static void checksum_segments(struct relay_dir *d, uint64_t nic, struct rte_mbuf **segs,
			      int nb)
{
	for (int i = 0; i < nb; i++)
		if (nic_lacks_csum(segs[i]->ol_flags, nic) && sw_checksum(segs[i]) != 0)
			d->stats.drops[DROP_OFFLOAD_FAILED]++; /* headers were copied whole */
}

/*
 * TCP/IPv6 TSO, which rte_gso (22.11) lacks: copy the headers and one
 * MSS of payload into each new frame, then fix length, sequence number
 * and flags (FIN and PSH only on the last segment, RFC 793 semantics
 * are preserved as in any TSO engine).
 */
static int sw_segment_tcp6(struct rte_mbuf *m, struct rte_mbuf **out, uint16_t room)
{
	uint32_t hdr = (uint32_t)m->l2_len + m->l3_len + m->l4_len;
	uint32_t payload = rte_pktmbuf_pkt_len(m) - hdr, mss = m->tso_segsz;
	const struct rte_tcp_hdr *tcp = rte_pktmbuf_mtod_offset(m, struct rte_tcp_hdr *,
								 m->l2_len + m->l3_len);
	uint32_t seq = rte_be_to_cpu_32(tcp->sent_seq);
	int nb = (int)((payload + mss - 1) / mss);

	if (nb > room || hdr + mss > RTE_MBUF_DEFAULT_DATAROOM)
		return -1;
	for (int i = 0; i < nb; i++) {
		uint32_t off = (uint32_t)i * mss, len = RTE_MIN(mss, payload - off);
		struct rte_mbuf *seg = rte_pktmbuf_alloc(port_pool());
		char *data = seg ? rte_pktmbuf_append(seg, (uint16_t)(hdr + len)) : NULL;
		const void *src = data ? rte_pktmbuf_read(m, hdr + off, len, data + hdr) : NULL;
		struct rte_ipv6_hdr *ip6;
		struct rte_tcp_hdr *th;

		if (src == NULL) {
			rte_pktmbuf_free(seg);
			rte_pktmbuf_free_bulk(out, (unsigned int)i);
			return -1;
		}
		/* read() copies only across segments; else it points into m */
		if (src != data + hdr)
			rte_memcpy(data + hdr, src, len);
		rte_memcpy(data, rte_pktmbuf_mtod(m, void *), hdr);
		ip6 = (struct rte_ipv6_hdr *)(data + m->l2_len);
		th = (struct rte_tcp_hdr *)(data + m->l2_len + m->l3_len);
		ip6->payload_len = rte_cpu_to_be_16((uint16_t)(m->l3_len - sizeof(*ip6) +
							       m->l4_len + len));
		th->sent_seq = rte_cpu_to_be_32(seq + off);
		if (i + 1 < nb)
			th->tcp_flags &= (uint8_t)~(RTE_TCP_FIN_FLAG | RTE_TCP_PSH_FLAG);
		seg->l2_len = m->l2_len;
		seg->l3_len = m->l3_len;
		seg->l4_len = m->l4_len;
		seg->ol_flags = RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_TCP_CKSUM;
		out[i] = seg;
	}
	return nb;
}

/* Software TSO: segment, then checksum each segment. Returns segments
 * written to out, or -1 (m is freed either way). */
static int sw_segment(struct relay_dir *d, uint64_t nic, struct rte_mbuf *m,
		      struct rte_mbuf **out, uint16_t room)
{
	struct rte_gso_ctx ctx = {
		.direct_pool = port_pool(),
		.indirect_pool = port_pool(),
		.gso_types = RTE_ETH_TX_OFFLOAD_TCP_TSO,
		.gso_size = (uint16_t)(m->l2_len + m->l3_len + m->l4_len + m->tso_segsz),
	};
	int nb;

	if (m->tso_segsz < RELAY_GSO_MIN_MSS || m->l4_len < sizeof(struct rte_tcp_hdr) ||
	    rte_pktmbuf_data_len(m) < (uint32_t)m->l2_len + m->l3_len + m->l4_len) {
		offload_failed(d, m);
		return -1;
	}
	if (rte_pktmbuf_pkt_len(m) <= ctx.gso_size) {
		/* Nothing to cut: one frame, checksummed below. */
		m->ol_flags &= ~RTE_MBUF_F_TX_TCP_SEG;
		out[0] = m;
		checksum_segments(d, nic, out, 1);
		return 1;
	}
	if (m->ol_flags & RTE_MBUF_F_TX_IPV4) {
		nb = rte_gso_segment(m, &ctx, out, room);
		for (int i = 0; i < nb; i++)
			out[i]->ol_flags |= RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_TCP_CKSUM;
	} else if (m->ol_flags & RTE_MBUF_F_TX_IPV6) {
		nb = sw_segment_tcp6(m, out, room);
	} else {
		nb = -1;
	}
	if (nb <= 0) {
		offload_failed(d, m);
		return -1;
	}
	/* rte_gso's segments hold references to m's data; ours are copies. */
	rte_pktmbuf_free(m);
	checksum_segments(d, nic, out, nb);
	d->stats.gso_frames++;
	d->stats.gso_segments += (uint64_t)nb;
	return nb;
}

uint16_t relay_offload_prepare(struct relay_dir *d, uint64_t nic_offloads,
			       struct rte_mbuf **pkts, uint16_t n,
			       struct rte_mbuf **out, uint16_t max)
{
	uint16_t o = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint64_t ol = m->ol_flags;
		int nb;

		if ((ol & RTE_MBUF_F_TX_TCP_SEG) && !(nic_offloads & RTE_ETH_TX_OFFLOAD_TCP_TSO)) {
			nb = sw_segment(d, nic_offloads, m, &out[o], (uint16_t)(max - o));
			if (nb > 0)
				o = (uint16_t)(o + nb);
			continue;
		}
		if ((ol & TX_CSUM_FLAGS) && nic_lacks_csum(ol, nic_offloads)) {
			if (sw_checksum(m) != 0) {
				offload_failed(d, m);
				continue;
			}
			d->stats.sw_checksums++;
		}
		out[o++] = m;
	}
	return o;
}
