/* SPDX-License-Identifier: BSD-3-Clause */
#include "switch/flow_cache.h"

#include <stdlib.h>
#include <string.h>


struct flow_cache *flow_cache_create(void)
{
	struct flow_cache *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->epoch = 1;
	c->megaflows = cls_create(NULL, NULL);
	if (c->megaflows == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

static void free_entries(struct flow_cache *c)
{
	while (c->entries != NULL) {
		struct dp_entry *e = c->entries;

		c->entries = e->next_alloc;
		free(e);
	}
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
		for (struct dp_entry *e = c->entries; e != NULL; e = e->next_alloc)
			cls_remove(c->megaflows, &e->cr);
	} else {
		cls_destroy(c->megaflows);
		c->megaflows = fresh;
	}
	free_entries(c);
}

static void dp_match_init(struct dp_match *dm, const struct flow_key *key,
			  const struct flow_key *mask)
{
	const flow_word_t *k = flow_key_words(key), *m = flow_key_words(mask);

	dm->n_words = 0;
	for (unsigned int i = 0; i < FLOW_KEY_WORDS; i++)
		if (m[i]) {
			dm->idx[dm->n_words] = (uint8_t)i;
			dm->w[dm->n_words].mask = m[i];
			dm->w[dm->n_words].key = k[i] & m[i];
			dm->n_words++;
		}
}

static inline bool dp_match_hits(const struct dp_match *dm, const struct flow_key *key)
{
	const flow_word_t *k = flow_key_words(key);

	for (unsigned int i = 0; i < dm->n_words; i++)
		if ((k[dm->idx[i]] & dm->w[i].mask) != dm->w[i].key)
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

static struct dp_entry *install(struct flow_cache *c, const struct bridge *br,
				const struct flow_key *key)
{
	struct dp_program prog;
	struct flow_key wc;
	struct dp_entry *e;

	xlate(br, key, &prog, &wc, NULL, NULL);
	if (c->n_megaflows >= MEGAFLOW_MAX)
		flow_cache_flush(c);
	e = malloc(sizeof(*e) + prog.n_ops * sizeof(prog.ops[0]));
	if (e == NULL)
		return NULL;
	memset(&e->cr, 0, sizeof(e->cr));
	e->cr.match.mask = wc;
	flow_key_and(&e->cr.match.key, key, &wc);
	dp_match_init(&e->match, key, &wc);
	e->port_wide = port_wide(&wc, &prog);
	e->n_ops = prog.n_ops;
	e->n_rules = prog.n_rules;
	e->drop = prog.drop;
	memcpy(e->rules, prog.rules, prog.n_rules * sizeof(prog.rules[0]));
	memcpy(e->ops, prog.ops, prog.n_ops * sizeof(prog.ops[0]));
	if (cls_insert(c->megaflows, &e->cr) != 0) {
		free(e);
		return NULL;
	}
	e->next_alloc = c->entries;
	c->entries = e;
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

	if (s->epoch == c->epoch && s->hash == h && dp_match_hits(&s->entry->match, key)) {
		*level = CACHE_EMC;
		return s->entry;
	}
	cr = cls_lookup(c->megaflows, key, NULL);
	if (cr != NULL) {
		e = container_of(cr, struct dp_entry, cr);
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
