/* SPDX-License-Identifier: BSD-3-Clause */
#include "switch/switch_dp.h"

#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_vhost.h>

#include "flow/pkt_parse.h"
#include "port/port.h"
#include "switch/bridge.h"
#include "switch/dp_exec.h"
#include "switch/flow_cache.h"
#include "switch/mac_table.h"

#define SWITCH_BURST 32
#define OUT_BATCHES 8
#define OUT_BATCH_MAX 64

/* Written by the owning worker; freed by the control thread only after
 * the bridge's jobs are gone from every plan. */
static struct flow_cache *caches[XVIO_MAX_WORKERS][BRIDGE_MAX];

struct out_batch {
	uint16_t ofport;
	uint16_t n;
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
	unsigned int n_out;
	struct out_batch out[OUT_BATCHES];
};

static struct flow_cache *cache_of(struct bridge *br, unsigned int wi)
{
	struct flow_cache *c = caches[wi][br->index];
	uint64_t gen = __atomic_load_n(&br->gen, __ATOMIC_ACQUIRE);

	if (unlikely(c == NULL)) {
		c = flow_cache_create();
		if (c == NULL)
			return NULL;
		c->gen = gen;
		caches[wi][br->index] = c;
	} else if (unlikely(c->gen != gen)) {
		flow_cache_flush(c);
		c->gen = gen;
	}
	return c;
}

/* ---- output ------------------------------------------------------------ */

static uint16_t send_vhost(struct bridge_port *bp, unsigned int wi, struct rte_mbuf **pkts,
			   uint16_t n)
{
	const struct vhost_port *vp = &bp->port->vhost;
	uint32_t enabled = __atomic_load_n(&vp->rxq_enabled, __ATOMIC_ACQUIRE);
	uint16_t q = 0, sent;

	if (!vhost_port_is_ready(vp))
		return 0;
	/* Spread workers over the guest's enabled RX queues. */
	if (enabled) {
		unsigned int k = wi % (unsigned int)__builtin_popcount(enabled);

		while (k--)
			enabled &= enabled - 1;
		q = (uint16_t)__builtin_ctz(enabled);
	}
	rte_spinlock_lock(&bp->tx_lock);
	sent = rte_vhost_enqueue_burst(vp->vid, VHOST_GUEST_RXQ(q), pkts, n);
	rte_spinlock_unlock(&bp->tx_lock);
	rte_pktmbuf_free_bulk(pkts, sent); /* rte_vhost copied them */
	return sent;
}

static uint16_t send_eth(struct bridge_port *bp, unsigned int wi, struct rte_mbuf **pkts,
			 uint16_t n)
{
	const struct eth_port *ep = &bp->port->eth;
	uint16_t sent;

	rte_spinlock_lock(&bp->tx_lock);
	sent = rte_eth_tx_burst(ep->port_id, (uint16_t)(wi % ep->nb_txq), pkts, n);
	rte_spinlock_unlock(&bp->tx_lock);
	return sent;
}

static void flush_batch(struct burst_ctx *ctx, struct out_batch *b)
{
	struct bridge_port *bp = ctx->br->ports[b->ofport];
	struct bport_stats *st;
	uint64_t bytes = 0;
	uint16_t sent;

	if (b->n == 0)
		return;
	st = &bp->stats[ctx->wi];
	for (uint16_t i = 0; i < b->n; i++)
		bytes += rte_pktmbuf_pkt_len(b->pkts[i]);
	if (bp->port->type == PORT_VHOST) {
		sent = send_vhost(bp, ctx->wi, b->pkts, b->n);
		if (sent < b->n && !vhost_port_is_ready(&bp->port->vhost))
			st->drops[BR_DROP_PORT_DOWN] += b->n - sent;
		else
			st->drops[BR_DROP_TX_FULL] += b->n - sent;
	} else {
		sent = send_eth(bp, ctx->wi, b->pkts, b->n);
		st->drops[BR_DROP_TX_FULL] += b->n - sent;
	}
	for (uint16_t i = sent; i < b->n; i++)
		bytes -= rte_pktmbuf_pkt_len(b->pkts[i]);
	rte_pktmbuf_free_bulk(&b->pkts[sent], b->n - sent);
	st->tx_packets += sent;
	st->tx_bytes += bytes;
	b->n = 0;
}

/* Queue m (our reference is handed over) for ofport. */
static void out_enqueue(struct burst_ctx *ctx, uint16_t ofport, struct rte_mbuf *m)
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
			flush_batch(ctx, &ctx->out[0]);
			memmove(&ctx->out[0], &ctx->out[1], sizeof(ctx->out[0]) * (OUT_BATCHES - 1));
			ctx->n_out--;
		}
		b = &ctx->out[ctx->n_out++];
		b->ofport = ofport;
		b->n = 0;
	}
	if (b->n == OUT_BATCH_MAX)
		flush_batch(ctx, b);
	b->pkts[b->n++] = m;
}

static void flush_all(struct burst_ctx *ctx)
{
	for (unsigned int i = 0; i < ctx->n_out; i++)
		flush_batch(ctx, &ctx->out[i]);
	ctx->n_out = 0;
}

/* Output a packet we go on using: the batch gets its own reference. */
static void output_shared(struct burst_ctx *ctx, uint16_t ofport, struct rte_mbuf *m)
{
	if (ofport > BRIDGE_MAX_PORTS || ctx->br->ports[ofport] == NULL)
		return; /* removed since the program was made: gen will flush */
	rte_mbuf_refcnt_update(m, 1);
	out_enqueue(ctx, ofport, m);
}

/* Before a rewrite: a packet that batches still reference is copied. */
static struct rte_mbuf *writable(struct rte_mbuf *m)
{
	struct rte_mbuf *c;

	if (rte_mbuf_refcnt_read(m) == 1)
		return m;
	c = rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX);
	rte_pktmbuf_free(m);
	return c;
}

/* ---- normal: the MAC learning switch ------------------------------------ */

static bool vlan_allowed(const struct bridge_port *bp, uint16_t vlan)
{
	if (bp->tag)
		return bp->tag == vlan;
	if (bp->n_trunks == 0)
		return true;
	for (uint16_t i = 0; i < bp->n_trunks; i++)
		if (bp->trunks[i] == vlan)
			return true;
	return false;
}

/* Send a copy of m to bp in vlan, tagged or not as the port wants. */
static void normal_egress(struct burst_ctx *ctx, struct bridge_port *bp, uint16_t vlan,
			  struct rte_mbuf *m, const struct pkt_layers *l)
{
	bool tagged = l->l2_5 != PKT_NO_LAYER;
	bool want = bp->tag == 0 && vlan != 0;
	struct pkt_layers cl = *l;
	struct rte_mbuf *c;

	if (tagged == want) {
		output_shared(ctx, bp->ofport, m);
		return;
	}
	c = rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX);
	if (c == NULL) {
		ctx->st->drops[BR_DROP_NO_MBUF]++;
		return;
	}
	if (want ? dp_push_vlan(c, &cl, rte_cpu_to_be_16(0x8100), rte_cpu_to_be_16(vlan))
		 : dp_pop_vlan(c, &cl)) {
		rte_pktmbuf_free(c);
		ctx->st->drops[BR_DROP_MALFORMED]++;
		return;
	}
	out_enqueue(ctx, bp->ofport, c);
}

static bool is_unicast(const struct rte_ether_addr *a)
{
	return !rte_is_multicast_ether_addr(a);
}

/* Returns the number of ports the packet went to. */
static unsigned int normal(struct burst_ctx *ctx, struct rte_mbuf *m,
			   const struct pkt_layers *l, uint16_t in_ofport)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	struct bridge_port *in = ctx->br->ports[in_ofport];
	int vid = dp_vlan_vid(m, l);
	unsigned int sent = 0;
	uint16_t vlan, dst;

	if (in == NULL)
		return 0;
	if (in->tag) {
		if (vid > 0) {
			ctx->st->drops[BR_DROP_VLAN]++;
			return 0;
		}
		vlan = in->tag;
	} else {
		vlan = vid < 0 ? 0 : (uint16_t)vid;
		if (!vlan_allowed(in, vlan)) {
			ctx->st->drops[BR_DROP_VLAN]++;
			return 0;
		}
	}
	if (is_unicast(&eth->src_addr))
		mac_learn(ctx->br->macs, &eth->src_addr, vlan, in_ofport, ctx->now_s);
	dst = is_unicast(&eth->dst_addr) ? mac_lookup(ctx->br->macs, &eth->dst_addr, vlan) : 0;
	if (dst != 0) {
		struct bridge_port *bp = dst <= BRIDGE_MAX_PORTS ? ctx->br->ports[dst] : NULL;

		if (dst == in_ofport)
			return 1; /* it is where it came from: nothing to do */
		if (bp != NULL && vlan_allowed(bp, vlan)) {
			normal_egress(ctx, bp, vlan, m, l);
			return 1;
		}
	}
	for (uint16_t p = 1; p <= BRIDGE_MAX_PORTS && p <= ctx->br->max_ofport; p++) {
		struct bridge_port *bp = ctx->br->ports[p];

		if (bp != NULL && p != in_ofport && vlan_allowed(bp, vlan)) {
			normal_egress(ctx, bp, vlan, m, l);
			sent++;
		}
	}
	return sent ? sent : 1; /* flooding to nobody is not a drop */
}

/* ---- one packet --------------------------------------------------------- */

static void credit_rules(struct burst_ctx *ctx, const struct dp_entry *e, uint32_t len)
{
	for (unsigned int i = 0; i < e->n_rules; i++) {
		struct rule_stats *rs = &e->rules[i]->stats[ctx->wi];

		rs->packets++;
		rs->bytes += len;
		rs->used_tsc = ctx->now_tsc;
	}
}

static void run_program(struct burst_ctx *ctx, const struct dp_entry *e, struct rte_mbuf *m,
			struct pkt_layers *l, const struct flow_key *key)
{
	unsigned int outputs = 0;
	uint16_t in_ofport = rte_be_to_cpu_16(key->in_port);

	for (unsigned int i = 0; i < e->n_ops; i++) {
		const struct action *a = &e->ops[i];
		bool last = i + 1 == e->n_ops;
		int rc = 0;

		switch ((enum action_type)a->type) {
		case ACT_OUTPUT:
			if (last) {
				/* Hand over our own reference: the common case. */
				out_enqueue(ctx, a->output.port, m);
				return;
			}
			output_shared(ctx, a->output.port, m);
			outputs++;
			continue;
		case ACT_NORMAL:
			outputs += normal(ctx, m, l, in_ofport);
			continue;
		case ACT_METER: {
			struct meter *mt = a->meter.id <= METER_MAX ?
				__atomic_load_n(&ctx->br->meters[a->meter.id], __ATOMIC_ACQUIRE) :
				NULL;

			/* A meter deleted since this program was made: the
			 * bridge generation changed and the cache will go. */
			if (mt != NULL && !meter_pass(mt, ctx->now_tsc, rte_pktmbuf_pkt_len(m))) {
				ctx->st->drops[BR_DROP_METER]++;
				rte_pktmbuf_free(m);
				return;
			}
			continue;
		}
		default:
			break;
		}
		m = writable(m);
		if (m == NULL) {
			ctx->st->drops[BR_DROP_NO_MBUF]++;
			return;
		}
		switch ((enum action_type)a->type) {
		case ACT_SET_FIELD:
			rc = dp_set_field(m, l, key->nw_proto, a);
			break;
		case ACT_PUSH_VLAN:
			rc = dp_push_vlan(m, l, a->push_vlan.tpid, 0);
			break;
		case ACT_POP_VLAN:
			rc = dp_pop_vlan(m, l);
			break;
		case ACT_DEC_TTL:
			rc = dp_dec_ttl(m, l);
			break;
		default:
			break;
		}
		if (rc) {
			ctx->st->drops[BR_DROP_MALFORMED]++;
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
	ctx->st->port_hits++;
	credit_rules(ctx, e, rte_pktmbuf_pkt_len(m));
	run_program(ctx, e, m, &l, &key);
}

static void process(struct burst_ctx *ctx, struct flow_cache *cache, struct rte_mbuf *m)
{
	struct flow_key key;
	struct pkt_layers l;
	enum cache_level level;
	const struct dp_entry *e;

	pkt_parse(rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_data_len(m),
		  ctx->in->ofport, &key, &l);
	if (unlikely(l.anomaly != PKT_OK))
		ctx->st->anomalies[l.anomaly]++;
	e = cache ? flow_cache_lookup(cache, ctx->br, &key, &level) : NULL;
	if (unlikely(e == NULL)) {
		ctx->st->drops[BR_DROP_NO_MBUF]++;
		rte_pktmbuf_free(m);
		return;
	}
	if (level == CACHE_EMC)
		ctx->st->emc_hits++;
	else if (level == CACHE_MEGAFLOW)
		ctx->st->megaflow_hits++;
	else
		ctx->st->upcalls++;
	credit_rules(ctx, e, rte_pktmbuf_pkt_len(m));
	run_program(ctx, e, m, &l, &key);
}

/* ---- the job ------------------------------------------------------------ */

static uint16_t receive(struct bridge_port *bp, struct rte_mbuf **pkts)
{
	const struct port *p = bp->port;
	uint16_t n = 0;

	if (p->type == PORT_VHOST) {
		const struct vhost_port *vp = &p->vhost;

		if (!vhost_port_is_ready(vp))
			return 0;
		for (uint16_t i = 0; i < vp->nr_queue_pairs && n == 0; i++) {
			uint16_t q = bp->next_queue % vp->nr_queue_pairs;

			bp->next_queue = (uint16_t)(q + 1);
			n = rte_vhost_dequeue_burst(vp->vid, VHOST_GUEST_TXQ(q), port_pool(),
						    pkts, SWITCH_BURST);
		}
	} else {
		for (uint16_t i = 0; i < p->eth.nb_rxq && n == 0; i++) {
			uint16_t q = bp->next_queue % p->eth.nb_rxq;

			bp->next_queue = (uint16_t)(q + 1);
			n = rte_eth_rx_burst(p->eth.port_id, q, pkts, SWITCH_BURST);
		}
	}
	return n;
}

static uint16_t bridge_port_poll(struct worker_job *job, uint64_t now)
{
	struct bridge_port *bp = container_of(job, struct bridge_port, job);
	struct rte_mbuf *pkts[SWITCH_BURST];
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
	ctx.now_s = mac_now_s();
	ctx.st = &bp->stats[ctx.wi];
	ctx.n_out = 0;
	cache = cache_of(ctx.br, ctx.wi);
	for (uint16_t i = 0; i < n; i++) {
		const struct dp_entry *pw = cache ? flow_cache_port_entry(cache, bp->ofport) : NULL;

		bytes += rte_pktmbuf_pkt_len(pkts[i]);
		if (pw != NULL)
			process_port_wide(&ctx, pw, pkts[i]);
		else
			process(&ctx, cache, pkts[i]);
	}
	flush_all(&ctx);
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
		}
	}
}
