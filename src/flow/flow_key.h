/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The packet key: every header field the switch datapath can match on,
 * extracted once per packet (pkt_parse.h), then matched, cached and
 * rewritten.
 *
 * Layout rules (the classifier and the caches depend on them):
 *  - Every field is stored big-endian, as on the wire, including in_port
 *    and the registers, so a field is always "n bytes at an offset" and a
 *    masked compare is a word-wise AND over the whole key.
 *  - The key is FLOW_KEY_WORDS 64-bit words with no implicit padding; the
 *    explicit pad bytes are always zero.
 *  - The fields most rules look at are in the first 64 bytes.
 *  - Fields for stages still to come (conntrack, tunnels) have their room
 *    now, so adding those stages does not move anything.
 */
#ifndef XVIO_FLOW_KEY_H
#define XVIO_FLOW_KEY_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_ether.h>

#define FLOW_N_REGS 4

/* vlan_tci: the 802.1Q TCI with this bit set when the packet is tagged
 * (the real CFI/DEI bit is not kept), as Open vSwitch does; 0 = untagged. */
#define FLOW_VLAN_PRESENT 0x1000
#define FLOW_VLAN_VID_MASK 0x0fff
#define FLOW_VLAN_PCP_SHIFT 13

/* nw_frag */
#define FLOW_FRAG_ANY   0x01 /* a fragment (first or later) */
#define FLOW_FRAG_LATER 0x02 /* not the first fragment: no L4 header */

struct flow_key {
	/* word 0 */
	rte_be16_t in_port;          /* the bridge's port number (ofport) */
	rte_be16_t vlan_tci;         /* outer 802.1Q tag, FLOW_VLAN_PRESENT */
	rte_be16_t dl_type;          /* after VLAN tags; 0x05ff for 802.3 */
	uint8_t nw_proto;            /* IP protocol; ARP: low byte of the op */
	uint8_t nw_frag;             /* FLOW_FRAG_* */
	/* words 1-2 */
	struct rte_ether_addr dl_dst;
	struct rte_ether_addr dl_src;
	uint8_t nw_tos;              /* IPv4 TOS / IPv6 traffic class byte */
	uint8_t nw_ttl;              /* IPv4 TTL / IPv6 hop limit */
	rte_be16_t tcp_flags;        /* TCP flags (low 12 bits) */
	/* word 3 */
	rte_be32_t nw_src;           /* IPv4 source; ARP sender IP (spa) */
	rte_be32_t nw_dst;           /* IPv4 destination; ARP target IP (tpa) */
	/* words 4-6 */
	rte_be16_t tp_src;           /* L4 port; ICMP/ICMPv6: type */
	rte_be16_t tp_dst;           /* L4 port; ICMP/ICMPv6: code */
	rte_be32_t regs[FLOW_N_REGS];/* metadata registers, zero on entry */
	rte_be16_t ct_zone;          /* conntrack (to come) */
	uint8_t ct_state;
	uint8_t vlan_depth;          /* VLAN tags on the packet (internal, no field) */
	/* word 7 */
	rte_be32_t ct_mark;
	rte_be32_t tun_src;          /* tunnel outer IPv4 (to come) */
	/* word 8 */
	rte_be32_t tun_dst;
	rte_be32_t recirc_id;        /* 0: as received; else its pass (switch/recirc.h) */
	/* word 9 */
	rte_be64_t tun_id;
	/* words 10-13 */
	uint8_t ipv6_src[16];
	uint8_t ipv6_dst[16];
} __rte_aligned(8);

#define FLOW_KEY_WORDS (sizeof(struct flow_key) / sizeof(uint64_t))

_Static_assert(sizeof(struct flow_key) == 112, "flow_key layout changed");

/* A match: the key's value and which bits matter. key is always masked
 * (key & mask == key), so two matches are equal iff their bytes are. */
struct flow_match {
	struct flow_key key;
	struct flow_key mask;
};

/* The key as 64-bit words. may_alias: the same bytes are also written
 * and read as the struct's fields, which plain uint64_t access must not
 * be reordered against. */
typedef uint64_t __attribute__((__may_alias__)) flow_word_t;

static inline const flow_word_t *flow_key_words(const struct flow_key *k)
{
	return (const flow_word_t *)k;
}

/* dst = k & m */
static inline void flow_key_and(struct flow_key *dst, const struct flow_key *k,
				const struct flow_key *m)
{
	flow_word_t *d = (flow_word_t *)dst;
	const flow_word_t *kw = flow_key_words(k), *mw = flow_key_words(m);

	for (unsigned int i = 0; i < FLOW_KEY_WORDS; i++)
		d[i] = kw[i] & mw[i];
}

/* Does key fall in match? */
static inline bool flow_match_hits(const struct flow_match *m, const struct flow_key *key)
{
	const flow_word_t *k = flow_key_words(key);
	const flow_word_t *mv = flow_key_words(&m->key);
	const flow_word_t *mm = flow_key_words(&m->mask);
	uint64_t diff = 0;

	for (unsigned int i = 0; i < FLOW_KEY_WORDS; i++)
		diff |= (k[i] & mm[i]) ^ mv[i];
	return diff == 0;
}

#endif
