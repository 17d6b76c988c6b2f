/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The switch fast path in stages, each a function over one pass of a
 * burst:
 *
 *   receive    switch_dp.c    a bridge port's job reads a burst (and the
 *                             shortcuts for programs that depend on the
 *                             input port alone)
 *   parse      dp_parse.c     each packet's key and layers; after a
 *                             recirculation, again, with the pass's metadata
 *   lookup     dp_lookup.c    the worker's flow cache (flow_cache.h), with
 *                             translation on a miss (xlate.h); packets of
 *                             one megaflow are gathered into one batch
 *   execute    dp_execute.c   each batch's program over its packets
 *   output     switch_out.c   sent in batches per output port
 *
 * A program that ends in recirc (recirc.h) hands its packets to the next
 * pass, which starts again at parse (switch_dp.c runs the passes).
 */
#ifndef XVIO_DP_STAGES_H
#define XVIO_DP_STAGES_H

#include <rte_mbuf.h>

#include "flow/flow_key.h"
#include "flow/pkt_parse.h"
#include "switch/flow_cache.h"
#include "switch/switch_out.h"

/* One pass over (part of) a burst. A packet dropped on the way is NULL. */
struct dp_pass {
	uint16_t n;
	bool recirculated;            /* from[] is set: not the first pass */
	struct rte_mbuf *pkts[SWITCH_BURST];
	const struct recirc_state *from[SWITCH_BURST];
	struct flow_key keys[SWITCH_BURST];
	struct pkt_layers layers[SWITCH_BURST];
};

/* The packets of a pass that one megaflow serves, in arrival order. */
struct dp_batch {
	const struct dp_entry *e;
	uint16_t n;
	uint64_t bytes;
	uint8_t idx[SWITCH_BURST];    /* into the pass */
};

struct dp_batches {
	uint16_t n;
	struct dp_batch b[SWITCH_BURST];
};

/* parse: keys and layers of every packet; what cannot be parsed whole is
 * dropped (malformed). */
void dp_parse(struct burst_ctx *ctx, struct dp_pass *p);

/* lookup: every packet's megaflow, gathered into batches. */
void dp_lookup(struct burst_ctx *ctx, struct flow_cache *c, struct dp_pass *p,
	       struct dp_batches *out);

/* execute: each batch's program on its packets, in the order the batches
 * formed (so each flow keeps its order). */
void dp_execute(struct burst_ctx *ctx, struct dp_pass *p, const struct dp_batches *b);

/* Run e's program on one packet (our reference is used up), and count n
 * packets of `bytes` for every rule e went through: for the receive
 * stage's shortcuts. */
void dp_run_program(struct burst_ctx *ctx, const struct dp_entry *e, struct rte_mbuf *m,
		    struct pkt_layers *l, const struct flow_key *key);
void dp_credit_rules(struct burst_ctx *ctx, const struct dp_entry *e, uint32_t n,
		     uint64_t bytes);

#endif
