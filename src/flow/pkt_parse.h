/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet parsing: frame bytes -> struct flow_key, plus where each layer
 * starts so actions can rewrite it.
 *
 * Never trusts the packet: every length is checked against the bytes
 * present, and what is wrong is reported in pkt_layers.anomaly (counted by
 * the datapath, never fatal). A header that is cut short or invalid leaves
 * the key fields of that layer and above zero, so the packet still matches
 * rules on the layers below it (as in Open vSwitch).
 */
#ifndef XVIO_PKT_PARSE_H
#define XVIO_PKT_PARSE_H

#include <stdint.h>

#include "flow/flow_key.h"

enum pkt_anomaly {
	PKT_OK,
	PKT_TRUNC_L2,        /* shorter than an Ethernet header (or its tags) */
	PKT_TRUNC_L3,        /* IP/ARP header cut short */
	PKT_BAD_L3,          /* IPv4: version, IHL < 5, total length < IHL or
			      * past the frame; IPv6: payload past the frame */
	PKT_TRUNC_L4,        /* TCP/UDP/SCTP/ICMP header cut short; TCP data
			      * offset < 5 or past the IP payload */
	PKT_SPLIT_HDR,       /* a header runs past the contiguous head of a
			      * longer packet (a later mbuf segment) */
	PKT_ANOMALY__COUNT,
};

const char *pkt_anomaly_name(enum pkt_anomaly a);

/* Offsets from the frame start; PKT_NO_LAYER if absent. */
#define PKT_NO_LAYER 0xffff

struct pkt_layers {
	uint16_t l2_5;       /* first VLAN tag (0x8100/0x88a8), or none */
	uint16_t l3;         /* IPv4/IPv6/ARP header */
	uint16_t l4;         /* TCP/UDP/SCTP/ICMP(v6) header */
	uint16_t l3_len;     /* bytes of L3 the IP header says are there */
	uint8_t anomaly;     /* enum pkt_anomaly */
};

/*
 * Parse a frame of pkt_len bytes whose first head_len bytes are contiguous
 * at frame (an mbuf chain's first segment; head_len == pkt_len for a flat
 * frame). Headers are read from the head only, and every length field is
 * checked against pkt_len, so a jumbo frame parses as a short one does.
 * A header that lies past the head but within pkt_len is PKT_SPLIT_HDR:
 * the key is incomplete, and the caller pulls the headers into the head
 * and parses again (or drops the packet). in_port is the bridge's port
 * number. Fields not present in the packet are zero; regs, ct_*, tun_*
 * are set to zero.
 */
void pkt_parse(const uint8_t *frame, uint32_t head_len, uint32_t pkt_len, uint16_t in_port,
	       struct flow_key *key, struct pkt_layers *layers);

#endif
