/* SPDX-License-Identifier: BSD-3-Clause */
/* The execute stage (dp_stages.h). */
#include "switch/dp_stages.h"

#include "switch/action_table.h"

/* Count n packets of `bytes` for every rule the entry went through. */
void dp_credit_rules(struct burst_ctx *ctx, const struct dp_entry *e, uint32_t n,
		     uint64_t bytes)
{
	for (unsigned int i = 0; i < e->n_stats; i++) {
		struct rule_stats *rs = e->stats[i];

		rs->packets += n;
		rs->bytes += bytes;
		rs->used_tsc = ctx->now_tsc;
	}
}

/* Output and normal are run here (they batch per port), and recirc (it
 * hands the packet to the next pass); every other step by its action
 * family (switch/action_table.h). */
void dp_run_program(struct burst_ctx *ctx, const struct dp_entry *e, struct rte_mbuf *m,
		    struct pkt_layers *l, const struct flow_key *key)
{
	unsigned int outputs = 0;
	uint16_t in_ofport = rte_be_to_cpu_16(key->in_port);

	for (unsigned int i = 0; i < e->n_ops; i++) {
		const struct action *a = &e->ops[i];
		const struct action_type_dp *step;
		bool last = i + 1 == e->n_ops;
		enum bridge_drop why;

		if (a->type == ACT_OUTPUT) {
			if (last) {
				/* Hand over our own reference: the common case. */
				out_enqueue(ctx, a->output.port, m);
				return;
			}
			output_shared(ctx, a->output.port, m);
			outputs++;
			continue;
		}
		if (a->type == ACT_NORMAL) {
			if (last) {
				/* Hand over our own reference, as for output. */
				normal(ctx, m, l, in_ofport, true);
				return;
			}
			outputs += normal(ctx, m, l, in_ofport, false);
			continue;
		}
		if (a->type == ACT_RECIRC) {
			/* Always last: the pass ends here. */
			ctx->recirc_pkts[ctx->n_recirc] = m;
			ctx->recirc_from[ctx->n_recirc++] = a->recirc.state;
			return;
		}
		step = action_type_dp(a->type);
		if (step->writes) {
			m = writable(m);
			if (m == NULL) {
				ctx->st->drops[BR_DROP_NO_MBUF]++;
				return;
			}
		}
		why = step->exec(ctx, m, l, key, a);
		if (unlikely(why != BR_DROP__COUNT)) {
			ctx->st->drops[why]++;
			rte_pktmbuf_free(m);
			return;
		}
	}
	if (outputs == 0)
		ctx->st->drops[e->n_ops ? BR_DROP_ACTION : e->drop]++;
	rte_pktmbuf_free(m);
}

/* One batch's rules are counted once, for all its packets. */
void dp_execute(struct burst_ctx *ctx, struct dp_pass *p, const struct dp_batches *bs)
{
	for (uint16_t i = 0; i < bs->n; i++) {
		const struct dp_batch *b = &bs->b[i];

		dp_credit_rules(ctx, b->e, b->n, b->bytes);
		for (uint16_t k = 0; k < b->n; k++) {
			uint8_t j = b->idx[k];

			dp_run_program(ctx, b->e, p->pkts[j], &p->layers[j], &p->keys[j]);
		}
	}
}
