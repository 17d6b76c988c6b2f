/* SPDX-License-Identifier: BSD-3-Clause */
/* The parse stage (dp_stages.h). */
#include "switch/dp_stages.h"

#include "switch/dp_exec.h"
#include "switch/recirc.h"

static inline void parse_head(const struct burst_ctx *ctx, const struct rte_mbuf *m,
			      struct flow_key *key, struct pkt_layers *l)
{
	pkt_parse(rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_data_len(m),
		  rte_pktmbuf_pkt_len(m), ctx->in->ofport, key, l);
}

/* Parse m; headers that straddle segments of a chain are pulled into its
 * first segment first. false: they cannot be (longer than a segment), and
 * the packet must not pass with half a key. */
static bool parse(struct burst_ctx *ctx, struct rte_mbuf *m, struct flow_key *key,
		  struct pkt_layers *l)
{
	parse_head(ctx, m, key, l);
	if (unlikely(l->anomaly == PKT_SPLIT_HDR)) {
		ctx->st->anomalies[PKT_SPLIT_HDR]++;
		if (dp_pull_head(m) != 0)
			return false;
		parse_head(ctx, m, key, l);
		if (l->anomaly == PKT_SPLIT_HDR)
			return false;
	}
	if (unlikely(l->anomaly != PKT_OK))
		ctx->st->anomalies[l->anomaly]++;
	return true;
}

void dp_parse(struct burst_ctx *ctx, struct dp_pass *p)
{
	for (uint16_t i = 0; i < p->n; i++) {
		if (unlikely(!parse(ctx, p->pkts[i], &p->keys[i], &p->layers[i]))) {
			ctx->st->drops[BR_DROP_MALFORMED]++;
			rte_pktmbuf_free(p->pkts[i]);
			p->pkts[i] = NULL;
			continue;
		}
		if (p->recirculated)
			recirc_apply(p->from[i], &p->keys[i]);
	}
}
