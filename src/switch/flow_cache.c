/* SPDX-License-Identifier: BSD-3-Clause */
#include "switch/flow_cache.h"

#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

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

static void free_entries(struct flow_cache *c)
{
	while (c->oldest != NULL) {
		struct dp_node *n = c->oldest;

		c->oldest = n->newer;
		free(n);
	}
	c->newest = NULL;
	c->n_megaflows = 0;
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
	if (c->newest != NULL)
		c->newest->newer = n;
	else
		c->oldest = n;
	c->newest = n;
}

/*
 * Drop MEGAFLOW_EVICT megaflows, least used first, and every EMC and port
 * slot of this epoch that points at one (older slots are never read).
 * The clock hand is the list's head: an entry hit since it last came by
 * goes to the tail with its mark cleared; one that was not is dropped.
 * After one whole turn every mark is clear, so it always ends.
 */
static void evict_least_used(struct flow_cache *c)
{
	struct dp_node *gone = NULL;
	unsigned int k = 0, spared = 0;

	while (k < MEGAFLOW_EVICT && c->oldest != NULL) {
		struct dp_node *n = c->oldest;

		c->oldest = n->newer;
		if (c->oldest == NULL)
			c->newest = NULL;
		if (n->e.used && spared < c->n_megaflows) {
			n->e.used = false;
			spared++;
			append(c, n);
			continue;
		}
		cls_remove(c->megaflows, &n->cr);
		n->e.evicted = true;
		n->newer = gone;
		gone = n;
		k++;
	}
	for (unsigned int i = 0; i < EMC_ENTRIES; i++)
		if (c->emc[i].epoch == c->epoch && c->emc[i].entry->evicted)
			c->emc[i].epoch = c->epoch - 1;
	for (unsigned int i = 0; i <= BRIDGE_MAX_PORTS; i++)
		if (c->by_port[i].epoch == c->epoch && c->by_port[i].entry->evicted)
			c->by_port[i].epoch = c->epoch - 1;
	while (gone != NULL) {
		struct dp_node *next = gone->newer;

		free(gone);
		gone = next;
	}
	c->n_megaflows -= k;
	c->evictions += k;
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
 * (nothing that needs its parsed layers)? */
static bool port_wide(const struct flow_key *wc, const struct dp_program *prog)
{
	struct flow_key others = *wc;
	const flow_word_t *w = flow_key_words(&others);

	others.in_port = 0;
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
				const struct flow_key *key)
{
	struct dp_program prog;
	struct flow_key wc;
	const flow_word_t *k = flow_key_words(key), *m = flow_key_words(&wc);
	unsigned int n_words = 0;
	struct dp_node *n;
	struct dp_entry *e;

	xlate(br, key, &prog, &wc, NULL);
	if (c->n_megaflows >= MEGAFLOW_MAX)
		evict_least_used(c);
	for (unsigned int i = 0; i < FLOW_KEY_WORDS; i++)
		n_words += m[i] != 0;
	n = node_new(n_words, prog.n_rules, prog.n_ops);
	if (n == NULL)
		return NULL;
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
	e->port_wide = port_wide(&wc, &prog);
	e->n_ops = prog.n_ops;
	e->drop = prog.drop;
	/* A rule's counters move only with a change that empties this cache
	 * (add-flow replacing it), so the pointers stay right while cached. */
	e->n_stats = prog.n_rules;
	for (unsigned int i = 0; i < prog.n_rules; i++)
		e->stats[i] = &prog.rules[i]->stats[c->worker];
	memcpy(e->ops, prog.ops, prog.n_ops * sizeof(prog.ops[0]));
	if (cls_insert(c->megaflows, &n->cr) != 0) {
		free(n);
		return NULL;
	}
	append(c, n);
	c->n_megaflows++;
	return e;
}

const struct dp_entry *flow_cache_lookup(struct flow_cache *c, const struct bridge *br,
					 const struct flow_key *key, uint32_t h,
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
		e = install(c, br, key);
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
