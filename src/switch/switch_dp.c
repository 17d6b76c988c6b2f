/* SPDX-License-Identifier: BSD-3-Clause */
#include "switch/switch_dp.h"

#include <string.h>

#include <rte_cycles.h>

#include "flow/pkt_parse.h"
#include "port/port.h"
#include "switch/action_table.h"
#include "switch/bridge_types.h"
#include "switch/dp_exec.h"
#include "switch/flow_cache.h"
#include "switch/mac_table.h"
#include "switch/recirc.h"
#include "switch/switch_out.h"

/* Written by the owning worker; freed by the control thread only after
 * the bridge's jobs are gone from every plan. */
static struct flow_cache *caches[XVIO_MAX_WORKERS][BRIDGE_MAX];

static struct flow_cache *cache_of(struct bridge *br, unsigned int wi)
{
	struct flow_cache *c = caches[wi][br->index];
	uint64_t gen = __atomic_load_n(&br->gen, __ATOMIC_ACQUIRE);

	if (unlikely(c == NULL)) {
		c = flow_cache_create(wi);
		if (c == NULL)
			return NULL;
		c->gen = gen;
		caches[wi][br->index] = c;
	} else if (unlikely(c->gen != gen)) {
		flow_cache_catch_up(c, br, gen);
	}
	return c;
}

/* ---- one packet --------------------------------------------------------- */

/* Count n packets of `bytes` for every rule the entry went through. */
static void credit_rules(struct burst_ctx *ctx, const struct dp_entry *e, uint32_t n,
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
static void run_program(struct burst_ctx *ctx, const struct dp_entry *e, struct rte_mbuf *m,
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

/* A packet whose port-wide program only outputs it: not parsed. normal
 * needs to know only whether it is VLAN-tagged. */
static void process_port_wide(struct burst_ctx *ctx, const struct dp_entry *e,
			      struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	struct pkt_layers l = { .l2_5 = PKT_NO_LAYER, .l3 = PKT_NO_LAYER,
				.l4 = PKT_NO_LAYER };
	struct flow_key key;

	if (rte_pktmbuf_data_len(m) >= 18 &&
	    ((p[12] == 0x81 && p[13] == 0x00) || (p[12] == 0x88 && p[13] == 0xa8)))
		l.l2_5 = 12;
	key.in_port = rte_cpu_to_be_16(ctx->in->ofport);
	key.nw_proto = 0;
	run_program(ctx, e, m, &l, &key);
}

/* A port-wide `normal` program, and a frame that starts like the last one
 * normal sent to one port unchanged: same decision, sent at once. */
static inline bool same_as_last(struct burst_ctx *ctx, const struct dp_entry *pw,
				struct rte_mbuf *m)
{
	uint64_t hdr[2];

	if (ctx->last_to == 0 || pw->n_ops != 1 || pw->ops[0].type != ACT_NORMAL ||
	    rte_pktmbuf_data_len(m) < sizeof(hdr))
		return false;
	memcpy(hdr, rte_pktmbuf_mtod(m, const void *), sizeof(hdr));
	if (hdr[0] != ctx->last_hdr[0] || hdr[1] != ctx->last_hdr[1])
		return false;
	out_enqueue(ctx, ctx->last_to, m);
	return true;
}

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

/*
 * One pass over a burst in two loops: parse every packet and start loading
 * its EMC slot, then look up and run each. The slots' cache misses overlap
 * instead of stalling one packet at a time. from: for a recirculated
 * burst, the state each packet resumes (NULL on the first pass).
 */
static void process_burst(struct burst_ctx *ctx, struct flow_cache *cache,
			  struct rte_mbuf **pkts, const struct recirc_state *const *from,
			  uint16_t n)
{
	struct flow_key keys[SWITCH_BURST];
	struct pkt_layers layers[SWITCH_BURST];
	uint32_t hashes[SWITCH_BURST];

	for (uint16_t i = 0; i < n; i++) {
		if (unlikely(!parse(ctx, pkts[i], &keys[i], &layers[i]))) {
			ctx->st->drops[BR_DROP_MALFORMED]++;
			rte_pktmbuf_free(pkts[i]);
			pkts[i] = NULL;
			continue;
		}
		if (from != NULL)
			recirc_apply(from[i], &keys[i]);
		hashes[i] = flow_cache_hash(&keys[i]);
		flow_cache_prefetch(cache, hashes[i]);
	}
	for (uint16_t i = 0; i < n; i++) {
		enum cache_level level;
		const struct dp_entry *e;

		if (unlikely(pkts[i] == NULL))
			continue;
		e = flow_cache_lookup_pass(cache, ctx->br, &keys[i], hashes[i],
					   from ? from[i] : NULL, &level);
		if (unlikely(e == NULL)) {
			ctx->st->drops[BR_DROP_NO_MBUF]++;
			rte_pktmbuf_free(pkts[i]);
			continue;
		}
		if (level == CACHE_EMC)
			ctx->st->emc_hits++;
		else if (level == CACHE_MEGAFLOW)
			ctx->st->megaflow_hits++;
		else
			ctx->st->upcalls++;
		credit_rules(ctx, e, 1, rte_pktmbuf_pkt_len(pkts[i]));
		run_program(ctx, e, pkts[i], &layers[i], &keys[i]);
	}
}

/* Run the passes after the first, as long as packets recirculate (at most
 * RECIRC_MAX_PASSES in all: a packet that wants more is looping). */
static void process_recirculated(struct burst_ctx *ctx, struct flow_cache *cache)
{
	struct rte_mbuf *pkts[SWITCH_BURST];
	const struct recirc_state *from[SWITCH_BURST];

	for (unsigned int pass = 2; ctx->n_recirc; pass++) {
		uint16_t n = (uint16_t)ctx->n_recirc;

		ctx->n_recirc = 0;
		if (unlikely(pass > RECIRC_MAX_PASSES)) {
			ctx->st->drops[BR_DROP_RECIRC_DEPTH] += n;
			rte_pktmbuf_free_bulk(ctx->recirc_pkts, n);
			return;
		}
		memcpy(pkts, ctx->recirc_pkts, n * sizeof(pkts[0]));
		memcpy(from, ctx->recirc_from, n * sizeof(from[0]));
		ctx->st->recirculations += n;
		process_burst(ctx, cache, pkts, from, n);
	}
}

/* The whole burst follows one port-wide program that only outputs to one
 * port (the in_port -> output rule): sent as it came, no per-packet work. */
static bool burst_to_one_port(struct burst_ctx *ctx, const struct dp_entry *pw,
			      struct rte_mbuf **pkts, uint16_t n, uint64_t bytes)
{
	struct bridge_port *to;

	if (pw->n_ops != 1 || pw->ops[0].type != ACT_OUTPUT)
		return false;
	to = out_port(ctx, pw->ops[0].output.port);
	if (unlikely(to == NULL)) {
		ctx->st->drops[BR_DROP_PORT_DOWN] += n;
		rte_pktmbuf_free_bulk(pkts, n);
	} else {
		out_send(ctx, to, pkts, n, bytes);
	}
	return true;
}

/* ---- the job ------------------------------------------------------------ */

static uint16_t receive(struct bridge_port *bp, struct rte_mbuf **pkts)
{
	struct port *p = bp->port;

	return p->ops->rx_burst(p, &bp->next_queue, pkts, SWITCH_BURST);
}

static uint16_t bridge_port_poll(struct worker_job *job, uint64_t now)
{
	struct bridge_port *bp = container_of(job, struct bridge_port, job);
	struct rte_mbuf *pkts[SWITCH_BURST];
	const struct dp_entry *pw;
	struct burst_ctx ctx;
	struct flow_cache *cache;
	uint64_t bytes = 0;
	uint16_t n = receive(bp, pkts);

	if (n == 0)
		return 0;
	ctx.br = bp->bridge;
	ctx.in = bp;
	ctx.wi = worker_self_index();
	ctx.now_tsc = now;
	ctx.now_s = mac_now_s_at(now);
	ctx.st = &bp->stats[ctx.wi];
	ctx.n_out = 0;
	ctx.last_src = ctx.last_dst = ~0ull;
	ctx.last_to = 0;
	ctx.n_recirc = 0;
	cache = cache_of(ctx.br, ctx.wi);
	ctx.cache = cache;
	for (uint16_t i = 0; i < n; i++)
		bytes += rte_pktmbuf_pkt_len(pkts[i]);
	pw = cache ? flow_cache_port_entry(cache, bp->ofport) : NULL;
	if (unlikely(cache == NULL)) {
		ctx.st->drops[BR_DROP_NO_MBUF] += n;
		rte_pktmbuf_free_bulk(pkts, n);
	} else if (pw == NULL) {
		process_burst(&ctx, cache, pkts, NULL, n);
		if (unlikely(ctx.n_recirc))
			process_recirculated(&ctx, cache);
	} else {
		/* One program for the whole burst: count it once. */
		credit_rules(&ctx, pw, n, bytes);
		ctx.st->port_hits += n;
		if (!burst_to_one_port(&ctx, pw, pkts, n, bytes))
			for (uint16_t i = 0; i < n; i++)
				if (!same_as_last(&ctx, pw, pkts[i]))
					process_port_wide(&ctx, pw, pkts[i]);
	}
	out_flush_all(&ctx);
	ctx.st->rx_packets += n;
	ctx.st->rx_bytes += bytes;
	return n;
}

static bool bridge_port_holding(const struct worker_job *job)
{
	(void)job;
	return false; /* a switch drops (counted) what a full port refuses */
}

const struct worker_job_ops bridge_port_job_ops = {
	.poll = bridge_port_poll,
	.holding = bridge_port_holding,
};

void switch_dp_forget_bridge(const struct bridge *br)
{
	for (unsigned int w = 0; w < XVIO_MAX_WORKERS; w++) {
		flow_cache_destroy(caches[w][br->index]);
		caches[w][br->index] = NULL;
	}
}

void switch_dp_cache_stats(const struct bridge *br, struct switch_cache_stats *s)
{
	memset(s, 0, sizeof(*s));
	for (unsigned int w = 0; w < XVIO_MAX_WORKERS; w++) {
		const struct flow_cache *c = caches[w][br->index];

		if (c != NULL) {
			s->megaflows += __atomic_load_n(&c->n_megaflows, __ATOMIC_RELAXED);
			s->flushes += __atomic_load_n(&c->flushes, __ATOMIC_RELAXED);
			s->evictions += __atomic_load_n(&c->evictions, __ATOMIC_RELAXED);
			s->revalidated += __atomic_load_n(&c->revalidated, __ATOMIC_RELAXED);
		}
	}
}
