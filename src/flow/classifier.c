/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tuple space search (classifier.h).
 *
 * Layout. cls->vec is an immutable array of (subtable, bound), sorted by
 * bound, highest first; bound >= every priority in the subtable. A subtable
 * holds the rules of one mask in an open-addressing table (linear probing)
 * of groups: a slot holds the hash of the masked key and the group's head,
 * its highest-priority rule. The rest of a group hangs off
 * head->next_in_group in descending priority; only the writer walks it.
 * A subtable hashes and compares only the key words its mask touches.
 *
 * Concurrency: one writer, lock-free readers.
 *  - Readers reach cls->vec, st->table and slot heads through acquire
 *    loads; the writer publishes them with release stores.
 *  - Nothing but a slot's head and hash changes in place: a new vector or a
 *    resized table is built aside, swapped in, and the old one goes to
 *    defer_free, as do removed subtables.
 *  - A slot goes empty -> used -> tombstone -> used ..., never back to empty,
 *    so every probe ends at an empty slot (a table is rebuilt before used +
 *    tombstones pass 3/4). The hash is stored before the head is released,
 *    and readers compare the key anyway.
 *  - A bound is raised (new vector) before a rule above it goes in and is
 *    lowered after the last rule at it is out, so early termination never
 *    skips a rule present throughout a lookup.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flow/classifier.h"
#include "flow/classifier_hash.h"

#define LOAD(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define PUBLISH(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)

#define TABLE_MIN_SLOTS 8u

/* Keys are read as words but written as fields: without may_alias, strict
 * aliasing lets an inlining compiler reorder the two. */
typedef uint64_t __attribute__((__may_alias__)) word_t;

struct cls_slot {
	struct cls_rule *head;  /* NULL: never used; &tombstone: was used */
	uint32_t hash;
};

struct cls_table {
	uint32_t mask;          /* slots - 1, a power of 2 minus 1 */
	struct cls_slot slots[];
};

/* How many rules of each priority a subtable has, to find its highest in
 * O(1) after a removal: counts in pages of 256 priorities, allocated on
 * use, and a bitmap of non-zero counts at both levels. */
struct cls_prio_page {
	uint32_t count[256];
	uint64_t used[4];
};

struct cls_subtable {
	/* Read by lookups; all but table fixed at creation. */
	struct cls_table *table;
	unsigned int n_words;
	uint8_t idx[FLOW_KEY_WORDS];      /* the words the mask touches */
	uint64_t mask[FLOW_KEY_WORDS];    /* ... and their mask */
	/* Writer only. */
	struct flow_key full_mask;
	struct cls_subtable *map_next;    /* classifier's mask -> subtable map */
	uint32_t map_hash;
	unsigned int n_rules;
	unsigned int n_used, n_tomb;      /* slots */
	uint16_t max_priority;
	uint64_t pages_used[4];
	struct cls_prio_page *page[256];
};

struct cls_vec {
	unsigned int n;
	struct cls_vec_entry {
		uint32_t bound;
		const struct cls_subtable *st;
	} e[];
};

struct classifier {
	const struct cls_vec *vec;        /* read by lookups */
	cls_defer_free_fn defer_free;
	void *aux;
	unsigned int n_rules;
	unsigned int n_subtables;
	uint32_t map_mask;
	struct cls_subtable **map;
};

static struct cls_rule tombstone;

static void retire(struct classifier *cls, void *p)
{
	if (cls->defer_free)
		cls->defer_free(cls->aux, free, p);
	else
		free(p);
}

/* Hashes the masked words of key that st looks at, leaving them in m. */
static inline uint32_t masked_hash(const struct cls_subtable *st,
				   const word_t *key, uint64_t *m)
{
	uint32_t h = 0;

	for (unsigned int i = 0; i < st->n_words; i++) {
		m[i] = key[st->idx[i]] & st->mask[i];
		h = cls_hash_word(h, m[i]);
	}
	return h;
}

static inline bool group_is(const struct cls_subtable *st,
			    const struct cls_rule *head, const uint64_t *m)
{
	const word_t *k = (const word_t *)&head->match.key;
	uint64_t diff = 0;

	for (unsigned int i = 0; i < st->n_words; i++)
		diff |= k[st->idx[i]] ^ m[i];
	return diff == 0;
}

/* The slot of the group with masked words m, or NULL; its head in *head. */
static struct cls_slot *table_find(const struct cls_subtable *st,
				   const struct cls_table *t, uint32_t h,
				   const uint64_t *m, const struct cls_rule **head)
{
	for (uint32_t i = h;; i++) {
		struct cls_slot *s = (struct cls_slot *)&t->slots[i & t->mask];
		const struct cls_rule *r = LOAD(&s->head);

		if (r == NULL)
			return NULL;
		if (r != &tombstone &&
		    __atomic_load_n(&s->hash, __ATOMIC_RELAXED) == h &&
		    group_is(st, r, m)) {
			*head = r;
			return s;
		}
	}
}

/* Writer: the first slot a new group with hash h may take. */
static struct cls_slot *table_free_slot(struct cls_table *t, uint32_t h)
{
	for (uint32_t i = h;; i++) {
		struct cls_slot *s = &t->slots[i & t->mask];

		if (s->head == NULL || s->head == &tombstone)
			return s;
	}
}

/* Writer: replaces st's table by one with room for n_groups at most half
 * full, without tombstones. */
static int table_rebuild(struct classifier *cls, struct cls_subtable *st,
			 unsigned int n_groups)
{
	struct cls_table *old = st->table, *t;
	uint32_t n = TABLE_MIN_SLOTS;

	while (n < 2 * n_groups)
		n *= 2;
	t = calloc(1, sizeof(*t) + n * sizeof(t->slots[0]));
	if (!t)
		return -ENOMEM;
	t->mask = n - 1;
	for (uint32_t i = 0; old && i <= old->mask; i++) {
		struct cls_slot *s = &old->slots[i];

		if (s->head && s->head != &tombstone)
			*table_free_slot(t, s->hash) = *s;
	}
	PUBLISH(&st->table, t);
	if (old)
		retire(cls, old);
	st->n_tomb = 0;
	return 0;
}

static int top_bit(const uint64_t b[4])
{
	for (int i = 3; i >= 0; i--)
		if (b[i])
			return i * 64 + 63 - __builtin_clzll(b[i]);
	return -1;
}

/* Counts a rule of priority prio in (delta 1) or out (-1) of st, whose
 * page for prio must exist, and updates st->max_priority. */
static void prio_count(struct cls_subtable *st, uint16_t prio, int delta)
{
	unsigned int hi = prio >> 8, lo = prio & 255;
	struct cls_prio_page *pg = st->page[hi];
	int top;

	pg->count[lo] += delta;
	if (pg->count[lo] == 0)
		pg->used[lo / 64] &= ~(1ull << (lo % 64));
	else
		pg->used[lo / 64] |= 1ull << (lo % 64);
	if (top_bit(pg->used) < 0) {
		st->pages_used[hi / 64] &= ~(1ull << (hi % 64));
		free(pg);
		st->page[hi] = NULL;
	} else {
		st->pages_used[hi / 64] |= 1ull << (hi % 64);
	}
	top = top_bit(st->pages_used);
	st->max_priority = top < 0 ? 0 : top << 8 | top_bit(st->page[top]->used);
}

static uint32_t mask_hash(const struct flow_key *mask)
{
	const word_t *w = (const word_t *)mask;
	uint32_t h = 0;

	for (unsigned int i = 0; i < FLOW_KEY_WORDS; i++)
		h = cls_hash_word(h, w[i]);
	return h;
}

static struct cls_subtable *find_subtable(const struct classifier *cls,
					  const struct flow_key *mask, uint32_t h)
{
	struct cls_subtable *st = cls->map[h & cls->map_mask];

	while (st && (st->map_hash != h || memcmp(&st->full_mask, mask, sizeof(*mask))))
		st = st->map_next;
	return st;
}

static int map_grow(struct classifier *cls)
{
	uint32_t n = 2 * (cls->map_mask + 1);
	struct cls_subtable **map = calloc(n, sizeof(*map));

	if (!map)
		return -ENOMEM;
	for (uint32_t i = 0; i <= cls->map_mask; i++) {
		struct cls_subtable *st, *next;

		for (st = cls->map[i]; st; st = next) {
			next = st->map_next;
			st->map_next = map[st->map_hash & (n - 1)];
			map[st->map_hash & (n - 1)] = st;
		}
	}
	free(cls->map);
	cls->map = map;
	cls->map_mask = n - 1;
	return 0;
}

/* Writer: a new, unpublished subtable for mask, in the map. */
static struct cls_subtable *create_subtable(struct classifier *cls,
					    const struct flow_key *mask, uint32_t h)
{
	const word_t *w = (const word_t *)mask;
	struct cls_subtable *st;

	if (cls->n_subtables > cls->map_mask && map_grow(cls) < 0)
		return NULL;
	st = calloc(1, sizeof(*st));
	if (!st)
		return NULL;
	if (table_rebuild(cls, st, 1) < 0) {
		free(st);
		return NULL;
	}
	for (unsigned int i = 0; i < FLOW_KEY_WORDS; i++) {
		if (w[i]) {
			st->idx[st->n_words] = i;
			st->mask[st->n_words++] = w[i];
		}
	}
	st->full_mask = *mask;
	st->map_hash = h;
	st->map_next = cls->map[h & cls->map_mask];
	cls->map[h & cls->map_mask] = st;
	cls->n_subtables++;
	return st;
}

/* Writer: frees an empty subtable, through defer_free if it was published
 * (the caller has unpublished it). */
static void destroy_subtable(struct classifier *cls, struct cls_subtable *st,
			     bool published)
{
	struct cls_subtable **p = &cls->map[st->map_hash & cls->map_mask];

	while (*p != st)
		p = &(*p)->map_next;
	*p = st->map_next;
	cls->n_subtables--;
	for (unsigned int i = 0; i < 256; i++)
		free(st->page[i]);
	if (published) {
		retire(cls, st->table);
		retire(cls, st);
	} else {
		free(st->table);
		free(st);
	}
}

/* Writer: publishes the vector with add added and del removed (either may
 * be NULL) and every bound set to its subtable's max_priority. */
static int vec_publish(struct classifier *cls, const struct cls_subtable *add,
		       const struct cls_subtable *del)
{
	const struct cls_vec *old = cls->vec;
	struct cls_vec *v = malloc(sizeof(*v) + (old->n + 1) * sizeof(v->e[0]));

	if (!v)
		return -ENOMEM;
	v->n = 0;
	for (unsigned int i = 0; i < old->n; i++)
		if (old->e[i].st != del)
			v->e[v->n++].st = old->e[i].st;
	if (add)
		v->e[v->n++].st = add;
	/* Insertion sort: at most one entry is out of place. */
	for (unsigned int i = 0; i < v->n; i++) {
		struct cls_vec_entry e = { v->e[i].st->max_priority, v->e[i].st };
		unsigned int j = i;

		for (; j > 0 && v->e[j - 1].bound < e.bound; j--)
			v->e[j] = v->e[j - 1];
		v->e[j] = e;
	}
	PUBLISH(&cls->vec, v);
	retire(cls, (void *)old);
	return 0;
}

struct classifier *cls_create(cls_defer_free_fn defer_free, void *aux)
{
	struct classifier *cls = calloc(1, sizeof(*cls));

	if (!cls)
		return NULL;
	cls->defer_free = defer_free;
	cls->aux = aux;
	cls->map_mask = 15;
	cls->map = calloc(cls->map_mask + 1, sizeof(*cls->map));
	cls->vec = calloc(1, sizeof(*cls->vec));
	if (!cls->map || !cls->vec) {
		free(cls->map);
		free((void *)cls->vec);
		free(cls);
		return NULL;
	}
	return cls;
}

void cls_destroy(struct classifier *cls)
{
	if (!cls)
		return;
	for (uint32_t i = 0; i <= cls->map_mask; i++) {
		struct cls_subtable *st, *next;

		for (st = cls->map[i]; st; st = next) {
			next = st->map_next;
			for (unsigned int j = 0; j < 256; j++)
				free(st->page[j]);
			free(st->table);
			free(st);
		}
	}
	free(cls->map);
	free((void *)cls->vec);
	free(cls);
}

/* Writer: the group's slot for a rule's match in st, or NULL. */
static struct cls_slot *find_group(const struct cls_subtable *st,
				   const struct flow_match *match, uint32_t *h,
				   struct cls_rule **head)
{
	uint64_t m[FLOW_KEY_WORDS];
	const struct cls_rule *r = NULL;
	struct cls_slot *s;

	*h = masked_hash(st, (const word_t *)&match->key, m);
	s = table_find(st, st->table, *h, m, &r);
	*head = (struct cls_rule *)r;
	return s;
}

int cls_insert(struct classifier *cls, struct cls_rule *rule)
{
	uint32_t mh = mask_hash(&rule->match.mask), h;
	struct cls_subtable *st = find_subtable(cls, &rule->match.mask, mh);
	uint16_t prio = rule->priority, old_max;
	struct cls_rule *head, **pp;
	struct cls_slot *s;
	bool new_st = !st;

	if (new_st && !(st = create_subtable(cls, &rule->match.mask, mh)))
		return -ENOMEM;
	s = find_group(st, &rule->match, &h, &head);
	for (pp = &head; *pp && (*pp)->priority > prio; pp = &(*pp)->next_in_group)
		;
	if (*pp && (*pp)->priority == prio)
		return -EEXIST;

	/* Everything that can fail, before readers can see anything. */
	if (!s && st->n_used + st->n_tomb + 1 > (st->table->mask + 1) / 4 * 3 &&
	    table_rebuild(cls, st, st->n_used + 1) < 0)
		goto nomem;
	if (!st->page[prio >> 8] &&
	    !(st->page[prio >> 8] = calloc(1, sizeof(struct cls_prio_page))))
		goto nomem;
	old_max = st->max_priority;
	prio_count(st, prio, 1);
	if ((new_st || st->max_priority > old_max) &&
	    vec_publish(cls, new_st ? st : NULL, NULL) < 0) {
		prio_count(st, prio, -1);
		goto nomem;
	}

	rule->subtable = st;
	rule->next_in_group = *pp;
	if (pp != &head) {
		*pp = rule;             /* behind the head: readers never look */
	} else if (s) {
		PUBLISH(&s->head, rule);
	} else {
		s = table_free_slot(st->table, h);
		if (s->head == &tombstone)
			st->n_tomb--;
		__atomic_store_n(&s->hash, h, __ATOMIC_RELAXED);
		PUBLISH(&s->head, rule);
		st->n_used++;
	}
	st->n_rules++;
	cls->n_rules++;
	return 0;

nomem:
	if (new_st)
		destroy_subtable(cls, st, false);
	return -ENOMEM;
}

void cls_remove(struct classifier *cls, struct cls_rule *rule)
{
	struct cls_subtable *st = rule->subtable;
	struct cls_rule *head, **pp;
	struct cls_slot *s;
	uint16_t old_max;
	uint32_t h;

	if (!st)
		return;
	s = find_group(st, &rule->match, &h, &head);
	if (head == rule) {
		PUBLISH(&s->head, rule->next_in_group ? rule->next_in_group : &tombstone);
		if (!rule->next_in_group) {
			st->n_used--;
			st->n_tomb++;
		}
	} else {
		for (pp = &head->next_in_group; *pp != rule; pp = &(*pp)->next_in_group)
			;
		*pp = rule->next_in_group;
	}
	rule->next_in_group = NULL;
	rule->subtable = NULL;
	cls->n_rules--;

	/* The rule is out of readers' reach: now shrink what bounds it. On
	 * -ENOMEM a stale bound or an empty subtable stays, which is harmless. */
	old_max = st->max_priority;
	prio_count(st, rule->priority, -1);
	if (--st->n_rules == 0) {
		if (vec_publish(cls, NULL, st) == 0)
			destroy_subtable(cls, st, true);
		return;
	}
	if (st->max_priority < old_max)
		vec_publish(cls, NULL, NULL);
	if (st->table->mask + 1 > TABLE_MIN_SLOTS && st->n_used < (st->table->mask + 1) / 8)
		table_rebuild(cls, st, st->n_used);
}

struct cls_rule *cls_find_exact(const struct classifier *cls,
				const struct flow_match *match, uint16_t priority)
{
	const struct cls_subtable *st = find_subtable(cls, &match->mask, mask_hash(&match->mask));
	struct cls_rule *r = NULL;
	uint32_t h;

	if (st)
		find_group(st, match, &h, &r);
	while (r && r->priority > priority)
		r = r->next_in_group;
	return r && r->priority == priority ? r : NULL;
}

unsigned int cls_count(const struct classifier *cls)
{
	return cls->n_rules;
}

unsigned int cls_subtable_count(const struct classifier *cls)
{
	return cls->n_subtables;
}

static int for_each_in_group(struct cls_rule *r, int (*fn)(struct cls_rule *rule, void *aux),
			     void *aux)
{
	for (; r && r != &tombstone; r = r->next_in_group) {
		int ret = fn(r, aux);

		if (ret)
			return ret;
	}
	return 0;
}

int cls_for_each(const struct classifier *cls,
		 int (*fn)(struct cls_rule *rule, void *aux), void *aux)
{
	for (unsigned int i = 0; i < cls->vec->n; i++) {
		const struct cls_table *t = cls->vec->e[i].st->table;

		for (uint32_t j = 0; j <= t->mask; j++) {
			int ret = for_each_in_group(t->slots[j].head, fn, aux);

			if (ret)
				return ret;
		}
	}
	return 0;
}

static bool covers(const struct flow_key *outer, const struct flow_key *inner)
{
	const word_t *o = (const word_t *)outer, *i = (const word_t *)inner;

	for (unsigned int w = 0; w < FLOW_KEY_WORDS; w++)
		if (i[w] & ~o[w])
			return false;
	return true;
}

static bool overlaps(const struct flow_match *a, const struct flow_match *b)
{
	const word_t *ak = (const word_t *)&a->key, *am = (const word_t *)&a->mask;
	const word_t *bk = (const word_t *)&b->key, *bm = (const word_t *)&b->mask;
	uint64_t diff = 0;

	for (unsigned int w = 0; w < FLOW_KEY_WORDS; w++)
		diff |= (ak[w] ^ bk[w]) & am[w] & bm[w];
	return diff == 0;
}

int cls_for_each_overlap(const struct classifier *cls, const struct flow_match *m,
			 int (*fn)(struct cls_rule *rule, void *aux), void *aux)
{
	for (unsigned int i = 0; i < cls->vec->n; i++) {
		const struct cls_subtable *st = cls->vec->e[i].st;
		const struct cls_table *t = st->table;
		struct cls_rule *head;
		uint32_t h;
		int ret;

		/* Every rule of the group with m's key under st's mask hits
		 * the keys m does; no other rule of st overlaps m. */
		if (covers(&m->mask, &st->full_mask)) {
			if (find_group(st, m, &h, &head) && (ret = for_each_in_group(head, fn, aux)))
				return ret;
			continue;
		}
		for (uint32_t j = 0; j <= t->mask; j++) {
			struct cls_rule *r = t->slots[j].head;

			if (r == NULL || r == &tombstone || !overlaps(&r->match, m))
				continue;
			/* A group shares its masked key: all overlap or none. */
			if ((ret = for_each_in_group(r, fn, aux)))
				return ret;
		}
	}
	return 0;
}

const struct cls_rule *cls_lookup(const struct classifier *cls,
				  const struct flow_key *key, struct flow_key *wc)
{
	const struct cls_vec *v = LOAD(&cls->vec);
	const word_t *k = (const word_t *)key;
	word_t *w = (word_t *)wc;
	const struct cls_rule *best = NULL;

	for (unsigned int i = 0; i < v->n; i++) {
		const struct cls_subtable *st = v->e[i].st;
		const struct cls_rule *r = NULL;
		uint64_t m[FLOW_KEY_WORDS];
		uint32_t h;

		if (best && best->priority >= v->e[i].bound)
			break;
		if (w)
			for (unsigned int j = 0; j < st->n_words; j++)
				w[st->idx[j]] |= st->mask[j];
		h = masked_hash(st, k, m);
		table_find(st, LOAD(&st->table), h, m, &r);
		if (r && (!best || r->priority > best->priority))
			best = r;
	}
	return best;
}
