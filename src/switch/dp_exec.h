/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet rewrites of the switch datapath, with checksums kept correct:
 * IPv4 header checksums and TCP/UDP/ICMP checksums are updated
 * incrementally (RFC 1624), SCTP's CRC32c is recomputed. UDP over IPv4
 * with no checksum (0) stays without one.
 *
 * Each returns 0, or -1 if the packet lacks the header the rewrite needs
 * (cut short): the caller drops it, counted as malformed.
 */
#ifndef XVIO_DP_EXEC_H
#define XVIO_DP_EXEC_H

#include <rte_mbuf.h>

#include "flow/action.h"
#include "flow/pkt_parse.h"

/* proto: the key's nw_proto (IPv4 protocol, IPv6 last next header). */
int dp_set_field(struct rte_mbuf *m, struct pkt_layers *l, uint8_t proto,
		 const struct action *a);
int dp_push_vlan(struct rte_mbuf *m, struct pkt_layers *l, rte_be16_t tpid, rte_be16_t tci);
int dp_pop_vlan(struct rte_mbuf *m, struct pkt_layers *l);
int dp_dec_ttl(struct rte_mbuf *m, const struct pkt_layers *l);

/* Move bytes from later segments of a chain into its first one until it
 * is full (or holds the whole packet), so headers that straddled segments
 * can be read and written in place. -1 if nothing could move: the first
 * segment is full, or a segment is shared or not our own buffer. */
int dp_pull_head(struct rte_mbuf *m);

/* The outer VLAN ID of a frame, or -1 if untagged. */
int dp_vlan_vid(const struct rte_mbuf *m, const struct pkt_layers *l);

#endif
