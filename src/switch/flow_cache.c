/* SPDX-License-Identifier: BSD-3-Clause */
#include "switch/flow_cache.h"

#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "switch/bridge_changes.h"
#include "switch/recirc.h"

struct flow_cache *flow_cache_create(unsigned int worker)
{
	struct flow_cache *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->epoch = 1;
	c->worker = worker;
	c->megaflows = cls_create(NULL, NULL);
	if (c->megaflows == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

/* A program that recirculates holds its state: given back with it. */
static void free_node(struct dp_node *n)
{
	const struct recirc_state *st = dp_program_recirc(n->e.ops, n->e.n_ops);

	if (st != NULL)
		recirc_release(st);
	free(n);
}

static void free_list(struct dp_node *n)
{
	while (n != NULL) {
		struct dp_node *next = n->newer;

		free_node(n);
		n = next;
	}
}

static void free_entries(struct flow_cache *c)
{
	free_list(c->oldest);
	free_list(c->dead);
	c->oldest = c->newest = c->dead = NULL;
	c->n_megaflows = c->n_dead = c->n_rewritten = 0;
	memset(c->per_port, 0, sizeof(c->per_port));
}

void flow_cache_destroy(struct flow_cache *c)
{
	if (c == NULL)
		return;
	cls_destroy(c->megaflows);
	free_entries(c);
	free(c);
}

void flow_cache_flush(struct flow_cache *c)
{
	struct classifier *fresh = cls_create(NULL, NULL);

	/* Bumping the epoch invalidates every EMC slot without a memset. */
	c->epoch++;
	c->flushes++;
	if (fresh == NULL) {
		/* Keep the old (emptied) classifier rather than none. */
		for (struct dp_node *n = c->oldest; n != NULL; n = n->newer)
			cls_remove(c->megaflows, &n->cr);
	} else {
		cls_destroy(c->megaflows);
		c->megaflows = fresh;
	}
	free_entries(c);
}

static void append(struct flow_cache *c, struct dp_node *n)
{
	n->newer = NULL;
	n->older = c->newest;
	if (c->newest != NULL)
		c->newest->newer = n;
	else
		c->oldest = n;
	c->newest = n;
}

static void unlink_node(struct flow_cache *c, struct dp_node *n)
{
	if (n->older != NULL)
		n->older->newer = n->newer;
	else
		c->oldest = n->newer;
	if (n->newer != NULL)
		n->newer->older = n->older;
	else
		c->newest = n->older;
}

/* Out of the classifier and the clock, onto the dead list. */
static void drop_entry(struct flow_cache *c, struct dp_node *n)
{
	struct dp_entry *e = &n->e;

	cls_remove(c->megaflows, &n->cr);
	unlink_node(c, n);
	if (c->by_port[n->in_port].epoch == c->epoch && c->by_port[n->in_port].entry == e)
		c->by_port[n->in_port].epoch = c->epoch - 1;
	/* Match no key ((k & 0) != 1), for the EMC slots that still lead
	 * here. There is a word to spare: in_port is in every mask. */
	e->n_words = 1;
	e->w[0].mask = 0;
	e->w[0].key = 1;
	e->evicted = true;
	c->per_port[n->in_port]--;
	c->n_rewritten -= n->tables_rewritten != 0;
	c->n_megaflows--;
	n->newer = c->dead;
	c->dead = n;
	c->n_dead++;
}

/* Free the dead entries once no EMC slot of this epoch leads to them. */
void flow_cache_sweep(struct flow_cache *c)
{
	for (unsigned int i = 0; i < EMC_ENTRIES; i++)
		if (c->emc[i].epoch == c->epoch && c->emc[i].entry->evicted)
			c->emc[i].epoch = c->epoch - 1;
	free_list(c->dead);
	c->dead = NULL;
	c->n_dead = 0;
}

/*
 * Drop MEGAFLOW_EVICT megaflows, least used first. The clock hand is the
 * list's head: an entry hit since it last came by goes to the tail with
 * its mark cleared; one that was not is dropped. After one whole turn
 * every mark is clear, so it always ends.
 */
static void evict_least_used(struct flow_cache *c)
{
	unsigned int k = 0, spared = 0;

	while (k < MEGAFLOW_EVICT && c->oldest != NULL) {
		struct dp_node *n = c->oldest;

		if (n->e.used && spared < c->n_megaflows) {
			n->e.used = false;
			spared++;
			unlink_node(c, n);
			append(c, n);
			continue;
		}
		drop_entry(c, n);
		k++;
	}
	/* Freed at the next burst (flow_cache_tidy): the burst being looked
	 * up may still hold some of them. */
	c->evictions += k;
}

/* ---- revalidation -------------------------------------------------------- */

#define DOOMED_BATCH 256

struct doomed {
	uint64_t table_bit;
	bool any_table;
	unsigned int n;
	struct dp_node *v[DOOMED_BATCH];
};

static int doom_if_seen(struct cls_rule *cr, void *aux)
{
	struct doomed *d = aux;
	struct dp_node *n = container_of(cr, struct dp_node, cr);

	if (n->tables_seen & d->table_bit || d->any_table)
		d->v[d->n++] = n;
	return d->n == DOOMED_BATCH;
}

/* Drop the megaflows that overlap m and looked up the change's table,
 * a batch at a time (the classifier may not change under its walk). */
static unsigned int drop_overlapping(struct flow_cache *c, const struct flow_match *m,
				     struct doomed *d)
{
	unsigned int dropped = 0;
	int more;

	do {
		d->n = 0;
		more = cls_for_each_overlap(c->megaflows, m, doom_if_seen, d);
		for (unsigned int i = 0; i < d->n; i++)
			drop_entry(c, d->v[i]);
		dropped += d->n;
	} while (more);
	return dropped;
}

void flow_cache_revalidate(struct flow_cache *c, const struct bridge_change *ch)
{
	struct doomed d = { .table_bit = 1ull << (ch->table % 64),
			    .any_table = ch->table == BRIDGE_CHANGE_ANY_TABLE };
	unsigned int dropped = 0;

	if (ch->everything) {
		flow_cache_flush(c);
		return;
	}
	if (ch->match.mask.in_port == 0xffff || c->per_port[0]) {
		dropped += drop_overlapping(c, &ch->match, &d);
	} else {
		/* Every megaflow matches in_port exactly: asked once per port
		 * with its in_port added, the rule's mask covers theirs
		 * whenever it covers the rest, and each subtable is one probe.
		 * (Megaflows of other in_ports, per_port[0], are asked for
		 * above, with the rule's own match.) */
		struct flow_match m = ch->match;

		m.mask.in_port = 0xffff;
		for (uint16_t p = 1; p <= BRIDGE_MAX_PORTS; p++)
			if (c->per_port[p]) {
				m.key.in_port = rte_cpu_to_be_16(p);
				dropped += drop_overlapping(c, &m, &d);
			}
	}
	/* A lookup of a rewritten key says nothing about the packet's own
	 * fields: any change to that table may concern it. */
	if (c->n_rewritten && !d.any_table)
		for (struct dp_node *n = c->oldest, *next; n != NULL; n = next) {
			next = n->newer;
			if (n->tables_rewritten & d.table_bit) {
				drop_entry(c, n);
				dropped++;
			}
		}
	c->revalidated += dropped;
	flow_cache_tidy(c);
}

void flow_cache_catch_up(struct flow_cache *c, const struct bridge *br, uint64_t gen)
{
	if (gen - c->gen > RTE_MAX((uint64_t)REVALIDATE_MIN, (uint64_t)c->n_megaflows)) {
		flow_cache_flush(c);
	} else {
		for (uint64_t seq = c->gen + 1; seq <= gen; seq++) {
			struct bridge_change ch;

			if (!bridge_change_read(br, seq, &ch)) {
				flow_cache_flush(c);
				break;
			}
			flow_cache_revalidate(c, &ch);
			if (ch.everything)
				break;  /* emptied: nothing left to revalidate */
		}
	}
	c->gen = gen;
}

static inline bool dp_entry_hits(const struct dp_entry *e, const struct flow_key *key)
{
	const flow_word_t *k = flow_key_words(key);

	for (unsigned int i = 0; i < e->n_words; i++)
		if ((k[e->idx[i]] & e->w[i].mask) != e->w[i].key)
			return false;
	return true;
}

/* Does the outcome depend on in_port alone, and only output the packet
 * (nothing that needs its parsed layers)? Only a packet's first pass is
 * taken by port: a recirculated one is always looked up. */
static bool port_wide(const struct flow_key *key, const struct flow_key *wc,
		      const struct dp_program *prog)
{
	struct flow_key others = *wc;
	const flow_word_t *w = flow_key_words(&others);

	uint16_t in = rte_be_to_cpu_16(key->in_port);

	if (key->recirc_id != 0 || in == 0 || in > BRIDGE_MAX_PORTS)
		return false;
	others.in_port = 0;
	others.recirc_id = 0;
	for (unsigned int i = 0; i < FLOW_KEY_WORDS; i++)
		if (w[i])
			return false;
	for (unsigned int i = 0; i < prog->n_ops; i++)
		if (prog->ops[i].type != ACT_OUTPUT && prog->ops[i].type != ACT_NORMAL)
			return false;
	return true;
}

/* One allocation: the node, then the entry's match words, the counters to
 * credit and the program. */
static struct dp_node *node_new(unsigned int n_words, unsigned int n_stats, unsigned int n_ops)
{
	size_t size = sizeof(struct dp_node) + n_words * sizeof(((struct dp_entry *)0)->w[0]) +
		      n_stats * sizeof(struct rule_stats *) + n_ops * sizeof(struct action);
	struct dp_node *n = aligned_alloc(RTE_CACHE_LINE_SIZE,
					  RTE_ALIGN_CEIL(size, RTE_CACHE_LINE_SIZE));

	if (n == NULL)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->e.stats = (struct rule_stats **)((uint8_t *)&n->e.w[n_words]);
	n->e.ops = (struct action *)&n->e.stats[n_stats];
	return n;
}

static struct dp_entry *install(struct flow_cache *c, const struct bridge *br,
				const struct flow_key *key, const struct recirc_state *resume)
{
	struct dp_program prog;
	struct flow_key wc;
	const flow_word_t *k = flow_key_words(key), *m = flow_key_words(&wc);
	unsigned int n_words = 0;
	struct dp_node *n;
	struct dp_entry *e;

	xlate_resume(br, resume, key, &prog, &wc, NULL);
	if (c->n_megaflows >= MEGAFLOW_MAX)
		evict_least_used(c);
	for (unsigned int i = 0; i < FLOW_KEY_WORDS; i++)
		n_words += m[i] != 0;
	n = node_new(n_words, prog.n_rules, prog.n_ops);
	if (n == NULL) {
		if (dp_program_recirc(prog.ops, prog.n_ops) != NULL)
			recirc_release(dp_program_recirc(prog.ops, prog.n_ops));
		return NULL;
	}
	e = &n->e;
	n->cr.match.mask = wc;
	flow_key_and(&n->cr.match.key, key, &wc);
	for (unsigned int i = 0; i < FLOW_KEY_WORDS; i++)
		if (m[i]) {
			e->idx[e->n_words] = (uint8_t)i;
			e->w[e->n_words].mask = m[i];
			e->w[e->n_words].key = k[i] & m[i];
			e->n_words++;
		}
	n->tables_seen = prog.tables_seen;
	n->tables_rewritten = prog.tables_rewritten;
	n->in_port = rte_be_to_cpu_16(key->in_port);
	if (n->in_port > BRIDGE_MAX_PORTS)
		n->in_port = 0;
	e->port_wide = port_wide(key, &wc, &prog);
	e->n_ops = prog.n_ops;
	e->drop = prog.drop;
	/* A rule's counters move only with a change to the rule (add-flow
	 * replacing it), which drops this entry: the pointers stay right
	 * while cached. */
	e->n_stats = prog.n_rules;
	for (unsigned int i = 0; i < prog.n_rules; i++)
		e->stats[i] = &prog.rules[i]->stats[c->worker];
	memcpy(e->ops, prog.ops, prog.n_ops * sizeof(prog.ops[0]));
	if (cls_insert(c->megaflows, &n->cr) != 0) {
		free_node(n);
		return NULL;
	}
	append(c, n);
	c->n_megaflows++;
	c->per_port[n->in_port]++;
	c->n_rewritten += n->tables_rewritten != 0;
	return e;
}

const struct dp_entry *flow_cache_lookup_pass(struct flow_cache *c, const struct bridge *br,
					      const struct flow_key *key, uint32_t h,
					      const struct recirc_state *resume,
					      enum cache_level *level)
{
	struct emc_slot *s = &c->emc[h & (EMC_ENTRIES - 1)];
	const struct cls_rule *cr;
	struct dp_entry *e;

	if (s->epoch == c->epoch && s->hash == h && dp_entry_hits(s->entry, key)) {
		*level = CACHE_EMC;
		s->entry->used = true;
		return s->entry;
	}
	cr = cls_lookup(c->megaflows, key, NULL);
	if (cr != NULL) {
		e = &container_of(cr, struct dp_node, cr)->e;
		e->used = true;
		*level = CACHE_MEGAFLOW;
	} else {
		e = install(c, br, key, resume);
		*level = CACHE_UPCALL;
		if (e == NULL)
			return NULL;
	}
	if (e->port_wide) {
		uint16_t in = rte_be_to_cpu_16(key->in_port);

		c->by_port[in].epoch = c->epoch;
		c->by_port[in].entry = e;
	}
	s->hash = h;
	s->epoch = c->epoch;
	s->entry = e;
	return e;
}
