/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: pkt_parse() on arbitrary bytes. ASan catches any read
 * past the frame (the input buffer is exactly len bytes); the checks below
 * catch a key or layer offsets that break what the datapath relies on.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow/pkt_parse.h"

#define IN_PORT 0x1234

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz_pkt_parse: invariant broken: %s\n", #cond); \
		abort(); \
	} \
} while (0)

static int all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

#define ZERO(field) all_zero(&(field), sizeof(field))

static void check_layers(const struct pkt_layers *ly, uint32_t len)
{
	CHECK(ly->anomaly < PKT_ANOMALY__COUNT);
	CHECK(ly->l2_5 == PKT_NO_LAYER || ly->l2_5 == 12);   /* the first TPID */
	if (ly->l3 != PKT_NO_LAYER) {
		CHECK(ly->l2_5 == PKT_NO_LAYER || ly->l2_5 < ly->l3);
		CHECK(ly->l3_len > 0 && (uint32_t)ly->l3 + ly->l3_len <= len);
		CHECK(ly->anomaly == PKT_OK || ly->anomaly == PKT_TRUNC_L4);
	} else {
		CHECK(ly->l3_len == 0 && ly->l4 == PKT_NO_LAYER);
		CHECK(ly->anomaly != PKT_TRUNC_L4);
	}
	if (ly->l4 != PKT_NO_LAYER) {
		CHECK(ly->l3 < ly->l4 && ly->l4 < ly->l3 + ly->l3_len);
		CHECK(ly->anomaly == PKT_OK);
	}
}

static void check_key(const struct flow_key *k, const struct pkt_layers *ly, uint32_t len)
{
	uint16_t dl_type = rte_be_to_cpu_16(k->dl_type);

	CHECK(k->in_port == RTE_BE16(IN_PORT));
	CHECK(ZERO(k->regs) && ZERO(k->ct_zone) && ZERO(k->ct_state) && ZERO(k->ct_mark));
	CHECK(ZERO(k->tun_src) && ZERO(k->tun_dst) && ZERO(k->tun_id));
	CHECK(ZERO(k->recirc_id));
	CHECK((k->vlan_depth != 0) == (k->vlan_tci != 0));
	if (len < RTE_ETHER_HDR_LEN)
		CHECK(ly->anomaly == PKT_TRUNC_L2 && ZERO(k->dl_dst) && ZERO(k->dl_src));
	CHECK(k->vlan_tci == 0 || (k->vlan_tci & RTE_BE16(FLOW_VLAN_PRESENT)));
	CHECK((k->vlan_tci != 0) == (ly->l2_5 != PKT_NO_LAYER));
	CHECK(k->nw_frag == 0 || (k->nw_frag & FLOW_FRAG_ANY));
	CHECK(!(k->nw_frag & ~(FLOW_FRAG_ANY | FLOW_FRAG_LATER)));
	CHECK(!(k->nw_frag & FLOW_FRAG_LATER) || ly->l4 == PKT_NO_LAYER);
	CHECK(!(k->tcp_flags & ~RTE_BE16(0x0fff)));
	if (ly->l3 == PKT_NO_LAYER) {  /* no L3: nothing above L2 in the key */
		CHECK(ZERO(k->nw_proto) && ZERO(k->nw_frag) && ZERO(k->nw_tos) &&
		      ZERO(k->nw_ttl) && ZERO(k->nw_src) && ZERO(k->nw_dst));
		/* ...but the addresses of IPv6 with cut extension headers */
		CHECK((ZERO(k->ipv6_src) && ZERO(k->ipv6_dst)) ||
		      (dl_type == RTE_ETHER_TYPE_IPV6 && ly->anomaly == PKT_TRUNC_L3));
	}
	else
		CHECK(dl_type == RTE_ETHER_TYPE_IPV4 || dl_type == RTE_ETHER_TYPE_IPV6 ||
		      dl_type == RTE_ETHER_TYPE_ARP || dl_type == RTE_ETHER_TYPE_RARP);
	if (ly->l4 == PKT_NO_LAYER)
		CHECK(ZERO(k->tp_src) && ZERO(k->tp_dst) && ZERO(k->tcp_flags));
	if (dl_type == RTE_ETHER_TYPE_IPV6)
		CHECK(ZERO(k->nw_src) && ZERO(k->nw_dst));
	else
		CHECK(ZERO(k->ipv6_src) && ZERO(k->ipv6_dst));
}

static int same(const struct flow_key *k1, const struct pkt_layers *l1,
		const struct flow_key *k2, const struct pkt_layers *l2)
{
	return memcmp(k1, k2, sizeof(*k1)) == 0 && l1->l2_5 == l2->l2_5 && l1->l3 == l2->l3 &&
	       l1->l4 == l2->l4 && l1->l3_len == l2->l3_len && l1->anomaly == l2->anomaly;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t len = size > UINT16_MAX ? UINT16_MAX : (uint32_t)size;
	struct flow_key key, again;
	struct pkt_layers ly, ly_again;
	uint8_t *odd;

	memset(&key, 0xa5, sizeof(key));   /* the parser must write every byte */
	pkt_parse(data, len, len, IN_PORT, &key, &ly);
	CHECK(ly.anomaly != PKT_SPLIT_HDR);   /* a flat frame has no later segment */
	check_layers(&ly, len);
	check_key(&key, &ly, len);

	/* Same bytes at an odd address (and with old junk in the key): the
	 * same answer, so alignment and leftovers never leak into the key. */
	odd = malloc(len + 1);
	if (!odd)
		return 0;
	memcpy(odd + 1, data, len);
	memset(&again, 0x5a, sizeof(again));
	pkt_parse(odd + 1, len, len, IN_PORT, &again, &ly_again);
	free(odd);
	CHECK(same(&key, &ly, &again, &ly_again));

	/* As a chain whose first segment holds only some bytes: nothing read
	 * past them (the copy is exactly that long), and the flat answer or
	 * a request to pull the headers up. */
	for (uint32_t head = len / 2; head < len; head += (len - head + 1) / 2) {
		uint8_t *part = malloc(head + 1);

		if (!part)
			return 0;
		memcpy(part, data, head);
		pkt_parse(part, head, len, IN_PORT, &again, &ly_again);
		free(part);
		CHECK(ly_again.anomaly == PKT_SPLIT_HDR || same(&key, &ly, &again, &ly_again));
	}
	return 0;
}
