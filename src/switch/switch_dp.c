/* SPDX-License-Identifier: BSD-3-Clause */
#include "switch/switch_dp.h"

#include <string.h>

#include <rte_cycles.h>

#include "port/port.h"
#include "switch/bridge_types.h"
#include "switch/dp_stages.h"
#include "switch/mac_table.h"
#include "switch/recirc.h"

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
	flow_cache_tidy(c);
	return c;
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
	dp_run_program(ctx, e, m, &l, &key);
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

/* One pass over a burst: parse, lookup, execute. */
static void run_pass(struct burst_ctx *ctx, struct flow_cache *cache, struct dp_pass *p)
{
	struct dp_batches batches;

	dp_parse(ctx, p);
	dp_lookup(ctx, cache, p, &batches);
	dp_execute(ctx, p, &batches);
}

/* The passes over p, a received burst, as long as packets recirculate
 * (at most RECIRC_MAX_PASSES in all: a packet that wants more is
 * looping). */
static void process_burst(struct burst_ctx *ctx, struct flow_cache *cache, struct dp_pass *p)
{
	p->recirculated = false;
	run_pass(ctx, cache, p);
	for (unsigned int pass = 2; unlikely(ctx->n_recirc); pass++) {
		p->n = (uint16_t)ctx->n_recirc;
		ctx->n_recirc = 0;
		if (unlikely(pass > RECIRC_MAX_PASSES)) {
			ctx->st->drops[BR_DROP_RECIRC_DEPTH] += p->n;
			rte_pktmbuf_free_bulk(ctx->recirc_pkts, p->n);
			return;
		}
		p->recirculated = true;
		memcpy(p->pkts, ctx->recirc_pkts, p->n * sizeof(p->pkts[0]));
		memcpy(p->from, ctx->recirc_from, p->n * sizeof(p->from[0]));
		ctx->st->recirculations += p->n;
		run_pass(ctx, cache, p);
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
	struct dp_pass p;             /* not zeroed: only [0, n) is used */
	struct rte_mbuf **pkts = p.pkts;
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
		p.n = n;
		process_burst(&ctx, cache, &p);
	} else {
		/* One program for the whole burst: count it once. */
		dp_credit_rules(&ctx, pw, n, bytes);
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
