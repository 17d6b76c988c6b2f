/* SPDX-License-Identifier: BSD-3-Clause */
/* The lookup stage (dp_stages.h). */
#include "switch/dp_stages.h"

/* The batch of e in this pass, or a new one: the entry remembers its
 * batch's index, and the batch says whether it is still e's. */
static struct dp_batch *batch_of(struct dp_batches *bs, struct dp_entry *e)
{
	struct dp_batch *b = &bs->b[e->batch];

	if (e->batch < bs->n && b->e == e)
		return b;
	e->batch = (uint8_t)bs->n;
	b = &bs->b[bs->n++];
	b->e = e;
	b->n = 0;
	b->bytes = 0;
	return b;
}

/*
 * Two loops: hash every key and start loading its EMC slot, then look
 * each up. The slots' cache misses overlap instead of stalling one packet
 * at a time.
 */
void dp_lookup(struct burst_ctx *ctx, struct flow_cache *c, struct dp_pass *p,
	       struct dp_batches *out)
{
	uint32_t hashes[SWITCH_BURST];

	for (uint16_t i = 0; i < p->n; i++)
		if (likely(p->pkts[i] != NULL)) {
			hashes[i] = flow_cache_hash(&p->keys[i]);
			flow_cache_prefetch(c, hashes[i]);
		}
	out->n = 0;
	for (uint16_t i = 0; i < p->n; i++) {
		struct rte_mbuf *m = p->pkts[i];
		const struct dp_entry *e;
		enum cache_level level;
		struct dp_batch *b;

		if (unlikely(m == NULL))
			continue;
		e = flow_cache_lookup_pass(c, ctx->br, &p->keys[i], hashes[i],
					   p->recirculated ? p->from[i] : NULL, &level);
		if (unlikely(e == NULL)) {
			ctx->st->drops[BR_DROP_NO_MBUF]++;
			rte_pktmbuf_free(m);
			p->pkts[i] = NULL;
			continue;
		}
		if (level == CACHE_EMC)
			ctx->st->emc_hits++;
		else if (level == CACHE_MEGAFLOW)
			ctx->st->megaflow_hits++;
		else
			ctx->st->upcalls++;
		/* The worker's own cache: its entries are ours to mark. */
		b = batch_of(out, (struct dp_entry *)e);
		b->idx[b->n++] = (uint8_t)i;
		b->bytes += rte_pktmbuf_pkt_len(m);
	}
}
