/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The switch's output stage: packets a burst sends are gathered per output
 * port and sent in batches at the end of the burst (or when a batch fills),
 * under the port's TX lock, since any worker may send to any port. A packet
 * sent to several ports is shared by reference count; a rewrite after an
 * output copies it first (writable()).
 *
 * A packet longer than one buffer is a chain of segments, and
 * rte_pktmbuf_free() drops one reference from each segment: so a share
 * takes a reference on every segment, and a packet is ours to write only
 * if no segment is shared.
 */
#ifndef XVIO_SWITCH_OUT_H
#define XVIO_SWITCH_OUT_H

#include <rte_mbuf.h>

#include "flow/pkt_parse.h"
#include "switch/bridge_types.h"

#define SWITCH_BURST 32             /* packets received at once */
#define OUT_BATCHES 8
#define OUT_BATCH_MAX 64

struct recirc_state;

struct out_batch {
	uint16_t ofport;
	uint16_t n;
	struct bridge_port *bp;     /* valid until this worker's quiescent state */
	struct rte_mbuf *pkts[OUT_BATCH_MAX];
};

/* Everything one burst needs. */
struct burst_ctx {
	struct bridge *br;
	struct bridge_port *in;
	unsigned int wi;            /* this worker's index */
	uint32_t now_s;
	uint64_t now_tsc;
	struct bport_stats *st;     /* the input port's counters (ours) */
	struct flow_cache *cache;   /* ours, for this bridge; NULL if none */
	/* normal: the last source learnt and destination looked up in this
	 * burst (a burst is mostly one conversation). key ~0: none. */
	uint64_t last_src, last_dst;
	uint16_t last_dst_port;
	/* normal's last unicast decision that sent the frame on unchanged:
	 * a frame with the same first 16 bytes (addresses, tag or type) from
	 * the same port goes the same way. last_to == 0: none. */
	uint64_t last_hdr[2];
	uint16_t last_to;
	unsigned int n_out;
	struct out_batch out[OUT_BATCHES];
	/* The packets this pass recirculates, and the state each resumes
	 * (a packet recirculates at most once a pass). */
	unsigned int n_recirc;
	struct rte_mbuf *recirc_pkts[SWITCH_BURST];
	const struct recirc_state *recirc_from[SWITCH_BURST];
};

/* Send n packets of `bytes` in all to bp now; what it refuses is dropped
 * and counted. Our references are handed over. */
void out_send(struct burst_ctx *ctx, struct bridge_port *bp, struct rte_mbuf **pkts,
	      uint16_t n, uint64_t bytes);

/* Send one batch now. */
void out_flush(struct burst_ctx *ctx, struct out_batch *b);

/* The bridge port behind ofport now, or NULL: removed since the program
 * naming it was made (the cache goes at the next burst). */
static inline struct bridge_port *out_port(const struct burst_ctx *ctx, uint16_t ofport)
{
	return ofport <= BRIDGE_MAX_PORTS ?
		__atomic_load_n(&ctx->br->ports[ofport], __ATOMIC_ACQUIRE) : NULL;
}

/* Queue m (our reference is handed over) for ofport. A port removed since
 * the program was made (the cache goes at the next burst) drops it. */
static inline void out_enqueue(struct burst_ctx *ctx, uint16_t ofport, struct rte_mbuf *m)
{
	struct out_batch *b = NULL;

	for (unsigned int i = 0; i < ctx->n_out; i++)
		if (ctx->out[i].ofport == ofport) {
			b = &ctx->out[i];
			break;
		}
	if (b == NULL) {
		if (ctx->n_out == OUT_BATCHES) {
			/* Many destinations: send the oldest batch now. */
			out_flush(ctx, &ctx->out[0]);
			memmove(&ctx->out[0], &ctx->out[1], sizeof(ctx->out[0]) * (OUT_BATCHES - 1));
			ctx->n_out--;
		}
		b = &ctx->out[ctx->n_out];
		b->bp = out_port(ctx, ofport);
		if (unlikely(b->bp == NULL)) {
			ctx->st->drops[BR_DROP_PORT_DOWN]++;
			rte_pktmbuf_free(m);
			return;
		}
		ctx->n_out++;
		b->ofport = ofport;
		b->n = 0;
	}
	if (b->n == OUT_BATCH_MAX)
		out_flush(ctx, b);
	b->pkts[b->n++] = m;
}

static inline void out_flush_all(struct burst_ctx *ctx)
{
	for (unsigned int i = 0; i < ctx->n_out; i++)
		out_flush(ctx, &ctx->out[i]);
	ctx->n_out = 0;
}

/* Output a packet we go on using: the batch gets its own reference. */
static inline void output_shared(struct burst_ctx *ctx, uint16_t ofport, struct rte_mbuf *m)
{
	rte_pktmbuf_refcnt_update(m, 1);
	out_enqueue(ctx, ofport, m);
}

/* Before a rewrite: a packet that batches still reference is copied. */
static inline struct rte_mbuf *writable(struct rte_mbuf *m)
{
	struct rte_mbuf *c;

	for (c = m; c != NULL && rte_mbuf_refcnt_read(c) == 1; c = c->next)
		;
	if (c == NULL)
		return m;
	c = rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX);
	rte_pktmbuf_free(m);
	return c;
}

/* normal (switch_normal.c): returns how many ports m went to, at least 1:
 * a drop is counted here, and flooding to nobody is not a drop. give: m is
 * handed over (freed if it goes nowhere); otherwise the caller keeps it. */
unsigned int normal(struct burst_ctx *ctx, struct rte_mbuf *m, const struct pkt_layers *l,
		    uint16_t in_ofport, bool give);

#endif
