/* SPDX-License-Identifier: BSD-3-Clause */
/* The classifier (flow/classifier.h), against a brute-force reference.
 * CLS_TEST_SEED=n in the environment replays another random run. */
#include <inttypes.h>
#include <malloc.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "flow/classifier.h"

static uint64_t seed = 20261126;

static uint64_t rnd(uint64_t *s)
{
	/* splitmix64 */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned int below(uint64_t *s, unsigned int n)
{
	return rnd(s) % n;
}

static rte_be32_t ip4(unsigned int a, unsigned int b, unsigned int c, unsigned int d)
{
	return rte_cpu_to_be_32(a << 24 | b << 16 | c << 8 | d);
}

/* A key with every field from a small domain, so random rules hit often. */
static void random_key(uint64_t *s, struct flow_key *k)
{
	static const uint16_t ports[] = { 22, 80, 443 };

	memset(k, 0, sizeof(*k));
	k->in_port = rte_cpu_to_be_16(1 + below(s, 4));
	k->vlan_tci = below(s, 2) ? rte_cpu_to_be_16(FLOW_VLAN_PRESENT | (1 + below(s, 3))) : 0;
	k->dl_type = below(s, 4) ? RTE_BE16(0x0800) : RTE_BE16(0x86dd);
	k->nw_proto = below(s, 2) ? 6 : 17;
	k->dl_dst.addr_bytes[0] = 2;
	k->dl_dst.addr_bytes[5] = below(s, 4);
	k->dl_src.addr_bytes[5] = rnd(s);
	k->nw_src = ip4(10, below(s, 2), 0, below(s, 4));
	k->nw_dst = ip4(10, below(s, 2), below(s, 4), below(s, 4));
	k->tp_src = rte_cpu_to_be_16(1024 + below(s, 8));
	k->tp_dst = rte_cpu_to_be_16(ports[below(s, 3)]);
	k->regs[0] = rte_cpu_to_be_32(below(s, 4));
	k->ipv6_dst[0] = 0xfd;
	k->ipv6_dst[7] = below(s, 3);
	k->ipv6_dst[15] = below(s, 4);
}

/* Realistic masks: what OpenFlow tables match on. */
enum { N_MASKS = 12 };

static void make_mask(unsigned int kind, struct flow_key *m)
{
	memset(m, 0, sizeof(*m));
	switch (kind) {
	case 0:                         /* match-all */
		break;
	case 1:
		m->in_port = 0xffff;
		break;
	case 2:
		m->dl_type = 0xffff;
		m->nw_dst = 0xffffffff;
		break;
	case 3:
		m->dl_type = 0xffff;
		m->nw_dst = ip4(255, 255, 255, 0);
		break;
	case 4:
		m->dl_type = 0xffff;
		m->nw_dst = ip4(255, 255, 0, 0);
		break;
	case 5:
		m->dl_type = 0xffff;
		m->nw_src = ip4(255, 255, 0, 0);
		m->nw_dst = ip4(255, 255, 255, 0);
		break;
	case 6:
		m->in_port = 0xffff;
		memset(&m->dl_dst, 0xff, sizeof(m->dl_dst));
		break;
	case 7:
		m->dl_type = 0xffff;
		m->nw_proto = 0xff;
		m->tp_dst = 0xffff;
		break;
	case 8:
		m->vlan_tci = rte_cpu_to_be_16(FLOW_VLAN_PRESENT | FLOW_VLAN_VID_MASK);
		break;
	case 9:
		m->dl_type = 0xffff;
		memset(m->ipv6_dst, 0xff, 8);
		break;
	case 10:
		m->regs[0] = 0xffffffff;
		break;
	default:
		m->in_port = 0xffff;
		m->nw_dst = ip4(255, 255, 255, 0);
		m->tp_dst = 0xffff;
		break;
	}
}

/* Keys are built as fields and used as words: may_alias keeps strict
 * aliasing from reordering the two (flow_key_words() does not). */
typedef uint64_t __attribute__((__may_alias__)) word_t;
#define W(k) ((word_t *)(k))

static void mask_key(struct flow_key *dst, const struct flow_key *k, const struct flow_key *m)
{
	for (unsigned int i = 0; i < FLOW_KEY_WORDS; i++)
		W(dst)[i] = W(k)[i] & W(m)[i];
}

static bool hits(const struct flow_match *m, const struct flow_key *k)
{
	for (unsigned int i = 0; i < FLOW_KEY_WORDS; i++)
		if ((W(k)[i] & W(&m->mask)[i]) != W(&m->key)[i])
			return false;
	return true;
}

struct trule {
	struct cls_rule cr;
	bool in;
};

static void random_rule(uint64_t *s, struct trule *r, uint16_t priority)
{
	struct flow_key k;

	memset(r, 0, sizeof(*r));
	random_key(s, &k);
	make_mask(below(s, N_MASKS), &r->cr.match.mask);
	mask_key(&r->cr.match.key, &k, &r->cr.match.mask);
	r->cr.priority = priority;
}

static const struct cls_rule *brute_force(const struct trule *rules, unsigned int n,
					  const struct flow_key *k)
{
	const struct cls_rule *best = NULL;

	for (unsigned int i = 0; i < n; i++)
		if (rules[i].in && hits(&rules[i].cr.match, k) &&
		    (!best || rules[i].cr.priority > best->priority))
			best = &rules[i].cr;
	return best;
}

/* Deferred frees, recorded and done on flush: nothing twice, and with the
 * heap back where it started after cls_destroy, nothing left behind. */
struct deferq {
	size_t n, cap;
	struct deferred { cls_free_fn fn; void *p; } *e;
};

static void defer_record(void *aux, cls_free_fn fn, void *p)
{
	struct deferq *q = aux;

	if (q->n == q->cap) {
		q->cap = q->cap ? 2 * q->cap : 64;
		q->e = realloc(q->e, q->cap * sizeof(q->e[0]));
		assert_non_null(q->e);
	}
	q->e[q->n++] = (struct deferred){ fn, p };
}

static int by_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct deferred *)a)->p;
	uintptr_t y = (uintptr_t)((const struct deferred *)b)->p;

	return (x > y) - (x < y);
}

static void deferq_flush(struct deferq *q)
{
	if (q->n)
		qsort(q->e, q->n, sizeof(q->e[0]), by_ptr);
	for (size_t i = 0; i < q->n; i++) {
		assert_non_null(q->e[i].p);
		if (i > 0)
			assert_ptr_not_equal(q->e[i].p, q->e[i - 1].p);
		q->e[i].fn(q->e[i].p);
	}
	free(q->e);
	memset(q, 0, sizeof(*q));
}

/* Bytes in use, if the heap can tell: glibc counts chunks in its per-thread
 * cache as in use, so main() runs the tests with that cache off. */
static size_t heap_in_use(void)
{
	const char *t = getenv("GLIBC_TUNABLES");

	return t && strstr(t, "tcache_count=0") ? mallinfo2().uordblks : 0;
}

struct fixture {
	struct deferq q;
	struct classifier *cls;
	size_t heap;
	uint64_t rng;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->heap = heap_in_use();
	f->cls = cls_create(defer_record, &f->q);
	f->rng = seed;
	*state = f;
	return f->cls ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	cls_destroy(f->cls);
	deferq_flush(&f->q);
	assert_int_equal(heap_in_use(), f->heap);
	free(f);
	return 0;
}

static void ipv4_dst_rule(struct trule *r, rte_be32_t dst, unsigned int plen,
			  uint16_t priority)
{
	memset(r, 0, sizeof(*r));
	r->cr.match.mask.dl_type = 0xffff;
	r->cr.match.mask.nw_dst = plen ? rte_cpu_to_be_32(~0u << (32 - plen)) : 0;
	r->cr.match.key.dl_type = RTE_BE16(0x0800);
	r->cr.match.key.nw_dst = dst & r->cr.match.mask.nw_dst;
	r->cr.priority = priority;
}

static void ipv4_key(struct flow_key *k, rte_be32_t dst)
{
	memset(k, 0, sizeof(*k));
	k->dl_type = RTE_BE16(0x0800);
	k->nw_dst = dst;
	k->in_port = RTE_BE16(1);
}

static void empty_classifier_finds_nothing(void **state)
{
	struct fixture *f = *state;
	struct flow_key k, wc, zero = { 0 };

	ipv4_key(&k, ip4(10, 0, 0, 1));
	wc = zero;
	assert_null(cls_lookup(f->cls, &k, &wc));
	assert_memory_equal(&wc, &zero, sizeof(wc));
	assert_int_equal(cls_count(f->cls), 0);
	assert_int_equal(cls_subtable_count(f->cls), 0);
}

static void insert_find_remove_count(void **state)
{
	struct fixture *f = *state;
	struct trule a, b;
	struct flow_key k;

	ipv4_dst_rule(&a, ip4(10, 0, 0, 1), 32, 10);
	ipv4_dst_rule(&b, ip4(10, 0, 0, 2), 32, 10);
	assert_int_equal(cls_insert(f->cls, &a.cr), 0);
	assert_int_equal(cls_insert(f->cls, &b.cr), 0);
	assert_int_equal(cls_count(f->cls), 2);
	assert_int_equal(cls_subtable_count(f->cls), 1);
	assert_ptr_equal(cls_find_exact(f->cls, &a.cr.match, 10), &a.cr);
	assert_null(cls_find_exact(f->cls, &a.cr.match, 11));

	ipv4_key(&k, ip4(10, 0, 0, 2));
	assert_ptr_equal(cls_lookup(f->cls, &k, NULL), &b.cr);
	ipv4_key(&k, ip4(10, 0, 0, 3));
	assert_null(cls_lookup(f->cls, &k, NULL));

	cls_remove(f->cls, &b.cr);
	assert_int_equal(cls_count(f->cls), 1);
	assert_null(cls_find_exact(f->cls, &b.cr.match, 10));
	ipv4_key(&k, ip4(10, 0, 0, 2));
	assert_null(cls_lookup(f->cls, &k, NULL));
	cls_remove(f->cls, &a.cr);
	assert_int_equal(cls_count(f->cls), 0);
	assert_int_equal(cls_subtable_count(f->cls), 0);
}

static void same_match_and_priority_is_eexist(void **state)
{
	struct fixture *f = *state;
	struct trule a, b, c;

	ipv4_dst_rule(&a, ip4(10, 0, 0, 1), 32, 10);
	ipv4_dst_rule(&b, ip4(10, 0, 0, 1), 32, 10);
	ipv4_dst_rule(&c, ip4(10, 0, 0, 1), 32, 11);
	assert_int_equal(cls_insert(f->cls, &a.cr), 0);
	assert_int_equal(cls_insert(f->cls, &b.cr), -EEXIST);
	assert_int_equal(cls_insert(f->cls, &c.cr), 0);
	assert_int_equal(cls_count(f->cls), 2);
	assert_ptr_equal(cls_find_exact(f->cls, &b.cr.match, 10), &a.cr);
	cls_remove(f->cls, &a.cr);
	cls_remove(f->cls, &c.cr);
}

/* /16 at 30 beats /24 at 20 beats /32 at 10; a lookup stops probing once
 * no subtable left can beat its hit, and unwildcards only what it probed. */
static void best_priority_wins_across_subtables(void **state)
{
	struct fixture *f = *state;
	struct trule r16, r24, r32, port;
	struct flow_key k, wc;

	ipv4_dst_rule(&r32, ip4(10, 1, 2, 3), 32, 10);
	ipv4_dst_rule(&r24, ip4(10, 1, 2, 0), 24, 20);
	ipv4_dst_rule(&r16, ip4(10, 1, 0, 0), 16, 30);
	memset(&port, 0, sizeof(port));
	port.cr.match.mask.in_port = 0xffff;
	port.cr.match.key.in_port = RTE_BE16(1);
	port.cr.priority = 5;
	assert_int_equal(cls_insert(f->cls, &r32.cr), 0);
	assert_int_equal(cls_insert(f->cls, &port.cr), 0);
	assert_int_equal(cls_insert(f->cls, &r24.cr), 0);
	assert_int_equal(cls_insert(f->cls, &r16.cr), 0);
	assert_int_equal(cls_subtable_count(f->cls), 4);

	ipv4_key(&k, ip4(10, 1, 2, 3));
	memset(&wc, 0, sizeof(wc));
	assert_ptr_equal(cls_lookup(f->cls, &k, &wc), &r16.cr);
	assert_int_equal(wc.nw_dst, ip4(255, 255, 0, 0));
	assert_int_equal(wc.in_port, 0);

	ipv4_key(&k, ip4(10, 2, 2, 3));
	memset(&wc, 0, sizeof(wc));
	assert_ptr_equal(cls_lookup(f->cls, &k, &wc), &port.cr);
	assert_int_equal(wc.nw_dst, 0xffffffff);
	assert_int_equal(wc.in_port, 0xffff);
	assert_int_equal(wc.dl_type, 0xffff);

	cls_remove(f->cls, &r16.cr);
	ipv4_key(&k, ip4(10, 1, 2, 3));
	assert_ptr_equal(cls_lookup(f->cls, &k, NULL), &r24.cr);
	cls_remove(f->cls, &r24.cr);
	assert_ptr_equal(cls_lookup(f->cls, &k, NULL), &r32.cr);
	cls_remove(f->cls, &r32.cr);
	assert_ptr_equal(cls_lookup(f->cls, &k, NULL), &port.cr);
	cls_remove(f->cls, &port.cr);
	assert_null(cls_lookup(f->cls, &k, NULL));
}

/* Equal masks and matches, different priorities: one group. */
static void removing_the_best_falls_back_to_the_next(void **state)
{
	struct fixture *f = *state;
	static const uint16_t prios[] = { 5, 50, 20, 1, 35 };
	static const uint16_t order[] = { 50, 35, 20, 5, 1 };
	struct trule r[5];
	struct flow_key k;

	for (unsigned int i = 0; i < 5; i++) {
		ipv4_dst_rule(&r[i], ip4(10, 0, 0, 7), 32, prios[i]);
		assert_int_equal(cls_insert(f->cls, &r[i].cr), 0);
	}
	ipv4_key(&k, ip4(10, 0, 0, 7));
	for (unsigned int i = 0; i < 5; i++) {
		const struct cls_rule *best = cls_lookup(f->cls, &k, NULL);

		assert_non_null(best);
		assert_int_equal(best->priority, order[i]);
		assert_ptr_equal(cls_find_exact(f->cls, &best->match, order[i]), best);
		cls_remove(f->cls, (struct cls_rule *)best);
	}
	assert_null(cls_lookup(f->cls, &k, NULL));
	assert_int_equal(cls_subtable_count(f->cls), 0);
}

static void match_all_rule_hits_everything(void **state)
{
	struct fixture *f = *state;
	struct trule all, host;
	struct flow_key k, wc, zero = { 0 };

	memset(&all, 0, sizeof(all));
	all.cr.priority = 0;
	ipv4_dst_rule(&host, ip4(10, 0, 0, 1), 32, 100);
	assert_int_equal(cls_insert(f->cls, &all.cr), 0);
	random_key(&f->rng, &k);
	wc = zero;
	assert_ptr_equal(cls_lookup(f->cls, &k, &wc), &all.cr);
	assert_memory_equal(&wc, &zero, sizeof(wc));

	assert_int_equal(cls_insert(f->cls, &host.cr), 0);
	ipv4_key(&k, ip4(10, 0, 0, 1));
	assert_ptr_equal(cls_lookup(f->cls, &k, NULL), &host.cr);
	ipv4_key(&k, ip4(10, 0, 0, 2));
	assert_ptr_equal(cls_lookup(f->cls, &k, NULL), &all.cr);
	cls_remove(f->cls, &host.cr);
	cls_remove(f->cls, &all.cr);
}

static int count_rule(struct cls_rule *rule, void *aux)
{
	struct trule *r = (struct trule *)rule;

	assert_false(r->in);    /* each rule once */
	r->in = true;
	return ++*(unsigned int *)aux == 1000 ? 7 : 0;
}

static void for_each_visits_every_rule_once(void **state)
{
	struct fixture *f = *state;
	unsigned int n = 300, seen = 0;
	struct trule *r = calloc(n, sizeof(*r));

	assert_non_null(r);
	for (unsigned int i = 0; i < n; i++) {
		random_rule(&f->rng, &r[i], i);
		assert_int_equal(cls_insert(f->cls, &r[i].cr), 0);
	}
	assert_int_equal(cls_for_each(f->cls, count_rule, &seen), 0);
	assert_int_equal(seen, n);
	for (unsigned int i = 0; i < n; i++)
		assert_true(r[i].in);

	seen = 1000 - 10;
	for (unsigned int i = 0; i < n; i++)
		r[i].in = false;
	assert_int_equal(cls_for_each(f->cls, count_rule, &seen), 7);
	assert_int_equal(seen, 1000);

	for (unsigned int i = 0; i < n; i++)
		cls_remove(f->cls, &r[i].cr);
	free(r);
}

/* Some key hits both a and b. */
static bool overlap(const struct flow_match *a, const struct flow_match *b)
{
	for (unsigned int i = 0; i < FLOW_KEY_WORDS; i++)
		if ((W(&a->key)[i] ^ W(&b->key)[i]) & W(&a->mask)[i] & W(&b->mask)[i])
			return false;
	return true;
}

struct overlap_visit {
	struct trule *rules;
	unsigned int visits;
};

static int mark_visit(struct cls_rule *cr, void *aux)
{
	struct overlap_visit *v = aux;
	struct trule *r = container_of(cr, struct trule, cr);

	assert_false(r->in);    /* each rule once */
	r->in = true;
	v->visits++;
	return 0;
}

/* For random queries (rule-shaped, so some cover whole subtables and take
 * the probe, others the walk): exactly the rules a brute force says
 * overlap, each once, many rules to a group included. */
static void for_each_overlap_visits_exactly_the_overlapping_rules(void **state)
{
	struct fixture *f = *state;
	unsigned int n = 400;
	struct trule *r = calloc(n, sizeof(*r));

	assert_non_null(r);
	for (unsigned int i = 0; i < n; i++) {
		random_rule(&f->rng, &r[i], (uint16_t)below(&f->rng, 8));
		if (cls_insert(f->cls, &r[i].cr) != 0)
			r[i].cr.subtable = NULL;  /* a duplicate: not in */
	}
	for (unsigned int q = 0; q < 2000; q++) {
		struct overlap_visit v = { .rules = r };
		struct trule query;
		unsigned int want = 0;

		random_rule(&f->rng, &query, 0);
		if (q % 2) {    /* as the megaflow cache asks: in_port added */
			query.cr.match.mask.in_port = 0xffff;
			query.cr.match.key.in_port = rte_cpu_to_be_16(1 + below(&f->rng, 4));
		}
		for (unsigned int i = 0; i < n; i++)
			r[i].in = false;
		assert_int_equal(cls_for_each_overlap(f->cls, &query.cr.match, mark_visit, &v), 0);
		for (unsigned int i = 0; i < n; i++) {
			bool present = r[i].cr.subtable != NULL;
			bool should = present && overlap(&r[i].cr.match, &query.cr.match);

			if (r[i].in != should)
				fail_msg("query %u, rule %u: visited %d, overlaps %d", q, i, r[i].in,
					 should);
			want += should;
		}
		assert_int_equal(v.visits, want);
	}
	for (unsigned int i = 0; i < n; i++)
		if (r[i].cr.subtable != NULL)
			cls_remove(f->cls, &r[i].cr);
	free(r);
}

/* k's answer must be the brute force's (its priority, as ties may differ);
 * and every key that agrees with k on the bits of wc gets the same rule. */
static void check_key(struct fixture *f, const struct trule *rules, unsigned int n,
		      const struct flow_key *k)
{
	const struct cls_rule *want = brute_force(rules, n, k), *got;
	struct flow_key wc, k2, noise;

	memset(&wc, 0, sizeof(wc));
	got = cls_lookup(f->cls, k, &wc);
	assert_int_equal(got ? got->priority : -1, want ? want->priority : -1);
	assert_true(!got || hits(&got->match, k));

	for (unsigned int i = 0; i < 4; i++) {
		random_key(&f->rng, &noise);
		for (unsigned int j = 0; j < FLOW_KEY_WORDS; j++)
			W(&k2)[j] = (W(k)[j] & W(&wc)[j]) | (W(&noise)[j] & ~W(&wc)[j]);
		assert_ptr_equal(cls_lookup(f->cls, &k2, NULL), got);
	}
}

static void random_rules_match_brute_force(void **state)
{
	struct fixture *f = *state;
	unsigned int n = 500;
	struct trule *r = calloc(n, sizeof(*r));
	uint16_t *prio = malloc(n * sizeof(*prio));
	struct flow_key k;

	assert_non_null(r);
	assert_non_null(prio);
	for (unsigned int i = 0; i < n; i++)     /* unique, shuffled */
		prio[i] = i + 1;
	for (unsigned int i = n - 1; i > 0; i--) {
		unsigned int j = below(&f->rng, i + 1);
		uint16_t t = prio[i];

		prio[i] = prio[j];
		prio[j] = t;
	}
	for (unsigned int i = 0; i < n; i++) {
		random_rule(&f->rng, &r[i], prio[i]);
		assert_int_equal(cls_insert(f->cls, &r[i].cr), 0);
		r[i].in = true;
	}
	assert_int_equal(cls_count(f->cls), n);
	for (unsigned int i = 0; i < 5000; i++) {
		random_key(&f->rng, &k);
		check_key(f, r, n, &k);
		assert_ptr_equal(cls_lookup(f->cls, &k, NULL), brute_force(r, n, &k));
	}
	for (unsigned int i = 0; i < n; i++)
		cls_remove(f->cls, &r[i].cr);
	free(prio);
	free(r);
}

/* Priorities from 0-15: many ties, groups, and subtables coming and going. */
static void random_inserts_and_removes_match_brute_force(void **state)
{
	struct fixture *f = *state;
	unsigned int n = 400;
	struct trule *r = calloc(n, sizeof(*r));
	struct flow_key k;

	assert_non_null(r);
	for (unsigned int op = 0; op < 20000; op++) {
		struct trule *x = &r[below(&f->rng, n)];

		if (x->in) {
			cls_remove(f->cls, &x->cr);
			x->in = false;
		} else {
			struct cls_rule *dup;

			random_rule(&f->rng, x, below(&f->rng, 16));
			dup = cls_find_exact(f->cls, &x->cr.match, x->cr.priority);
			assert_int_equal(cls_insert(f->cls, &x->cr), dup ? -EEXIST : 0);
			x->in = !dup;
		}
		if (op % 4 == 0) {
			random_key(&f->rng, &k);
			check_key(f, r, n, &k);
		}
	}
	for (unsigned int i = 0; i < n; i++)
		if (r[i].in)
			cls_remove(f->cls, &r[i].cr);
	assert_int_equal(cls_count(f->cls), 0);
	assert_int_equal(cls_subtable_count(f->cls), 0);
	free(r);
}

/* Tables grow and shrink; removing in descending priority order keeps
 * lowering the subtable's bound (which must stay exact and cheap). */
static void many_rules_grow_and_shrink(void **state)
{
	struct fixture *f = *state;
	unsigned int n = 20000;
	struct trule *r = calloc(n, sizeof(*r)), fallback;
	struct flow_key k;

	assert_non_null(r);
	for (unsigned int i = 0; i < n; i++) {
		ipv4_dst_rule(&r[i], ip4(10, i >> 16, i >> 8, i), 32, 100 + i);
		assert_int_equal(cls_insert(f->cls, &r[i].cr), 0);
	}
	ipv4_dst_rule(&fallback, 0, 8, 50);
	fallback.cr.match.key.nw_dst = ip4(10, 0, 0, 0);
	assert_int_equal(cls_insert(f->cls, &fallback.cr), 0);
	for (unsigned int i = 0; i < n; i++) {
		ipv4_key(&k, ip4(10, i >> 16, i >> 8, i));
		assert_ptr_equal(cls_lookup(f->cls, &k, NULL), &r[i].cr);
	}
	for (unsigned int i = n; i-- > 0;) {
		struct flow_key wc;

		cls_remove(f->cls, &r[i].cr);
		if (i % 1000)
			continue;
		ipv4_key(&k, ip4(10, i >> 16, i >> 8, i));
		memset(&wc, 0, sizeof(wc));
		assert_ptr_equal(cls_lookup(f->cls, &k, &wc), &fallback.cr);
		if (i == 0)     /* the /32 subtable is gone: /8 is all we probed */
			assert_int_equal(wc.nw_dst, ip4(255, 0, 0, 0));
	}
	assert_int_equal(cls_subtable_count(f->cls), 1);
	cls_remove(f->cls, &fallback.cr);
	free(r);
}

/*
 * One writer, two lock-free readers. Deferred frees wait for a quiescent
 * state of every reader (an emulation of QSBR RCU), and are poisoned
 * first, so a reader touching freed memory sees garbage. A reader checks
 * every answer: a live rule (magic), hit by the key, not removed before the
 * lookup began.
 */
#define N_READERS 2
#define RULE_MAGIC 0x636c735f72756c65ull

struct crule {
	struct cls_rule cr;
	uint64_t magic;
	uint64_t removed_at;    /* op_seq after its removal; 0 while in */
};

struct qsbr {
	uint64_t qs[N_READERS];  /* lookups done + 1; UINT64_MAX once offline */
	struct qitem { cls_free_fn fn; void *p; uint64_t snap[N_READERS]; } *q;
	size_t head, n, cap;
};

struct conc {
	struct classifier *cls;
	struct qsbr qsbr;
	uint64_t op_seq;
	bool writer_done;
	unsigned int reader_errors;
	uint64_t lookups[N_READERS], hits[N_READERS];
};

static void qsbr_defer(void *aux, cls_free_fn fn, void *p)
{
	struct qsbr *b = aux;
	struct qitem *it;

	/* Orders the unpublishing before reading the counters (with the
	 * fence after a reader's counter store: no stale pointer survives). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 256;
		b->q = realloc(b->q, b->cap * sizeof(b->q[0]));
		assert_non_null(b->q);
	}
	it = &b->q[b->n++];
	it->fn = fn;
	it->p = p;
	for (int i = 0; i < N_READERS; i++)
		it->snap[i] = __atomic_load_n(&b->qs[i], __ATOMIC_ACQUIRE);
}

static void qsbr_poll(struct qsbr *b)
{
	while (b->head < b->n) {
		struct qitem *it = &b->q[b->head];

		for (int i = 0; i < N_READERS; i++) {
			uint64_t qs = __atomic_load_n(&b->qs[i], __ATOMIC_ACQUIRE);

			if (qs == it->snap[i] && qs != UINT64_MAX)
				return;
		}
		memset(it->p, 0x5a, malloc_usable_size(it->p));
		it->fn(it->p);
		b->head++;
	}
	b->head = b->n = 0;
}

struct reader_arg {
	struct conc *c;
	int id;
};

static void *reader(void *arg)
{
	struct conc *c = ((struct reader_arg *)arg)->c;
	int id = ((struct reader_arg *)arg)->id;
	uint64_t rng = seed + 1 + id, n;

	for (n = 0; n < 20000 || !__atomic_load_n(&c->writer_done, __ATOMIC_ACQUIRE); n++) {
		uint64_t start = __atomic_load_n(&c->op_seq, __ATOMIC_ACQUIRE);
		const struct crule *r;
		struct flow_key k, wc;

		random_key(&rng, &k);
		memset(&wc, 0, sizeof(wc));
		r = (const struct crule *)cls_lookup(c->cls, &k, &wc);
		if (r) {
			uint64_t removed = __atomic_load_n(&r->removed_at, __ATOMIC_ACQUIRE);

			c->hits[id]++;
			if (r->magic != RULE_MAGIC || !hits(&r->cr.match, &k) ||
			    (removed && removed <= start))
				__atomic_fetch_add(&c->reader_errors, 1, __ATOMIC_RELAXED);
		}
		__atomic_store_n(&c->qsbr.qs[id], n + 2, __ATOMIC_RELEASE);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	}
	c->lookups[id] = n;
	__atomic_store_n(&c->qsbr.qs[id], UINT64_MAX, __ATOMIC_RELEASE);
	return NULL;
}

static void writer_remove(struct conc *c, struct crule *r)
{
	cls_remove(c->cls, &r->cr);
	__atomic_store_n(&r->removed_at, c->op_seq + 1, __ATOMIC_RELEASE);
	__atomic_store_n(&c->op_seq, c->op_seq + 1, __ATOMIC_RELEASE);
	qsbr_defer(&c->qsbr, free, r);
}

static void concurrent_readers_see_only_live_rules(void **state)
{
	enum { POOL = 64, OPS = 30000 };
	struct crule *pool[POOL] = { 0 };
	struct reader_arg args[N_READERS];
	pthread_t th[N_READERS];
	struct conc *c = calloc(1, sizeof(*c));
	uint64_t rng = seed;

	(void)state;
	assert_non_null(c);
	for (int i = 0; i < N_READERS; i++)
		c->qsbr.qs[i] = 1;
	c->cls = cls_create(qsbr_defer, &c->qsbr);
	assert_non_null(c->cls);
	for (int i = 0; i < N_READERS; i++) {
		args[i] = (struct reader_arg){ c, i };
		assert_int_equal(pthread_create(&th[i], NULL, reader, &args[i]), 0);
	}
	for (unsigned int op = 0; op < OPS; op++) {
		unsigned int i = below(&rng, POOL);

		if (pool[i]) {
			writer_remove(c, pool[i]);
			pool[i] = NULL;
		} else {
			struct trule t;

			/* A unique priority per pool slot: never -EEXIST. */
			random_rule(&rng, &t, 1 + i);
			pool[i] = calloc(1, sizeof(*pool[i]));
			assert_non_null(pool[i]);
			pool[i]->cr = t.cr;
			pool[i]->magic = RULE_MAGIC;
			assert_int_equal(cls_insert(c->cls, &pool[i]->cr), 0);
		}
		qsbr_poll(&c->qsbr);
	}
	__atomic_store_n(&c->writer_done, true, __ATOMIC_RELEASE);
	for (int i = 0; i < N_READERS; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	for (int i = 0; i < POOL; i++)
		if (pool[i])
			writer_remove(c, pool[i]);
	cls_destroy(c->cls);
	qsbr_poll(&c->qsbr);
	assert_int_equal(c->qsbr.n, 0);

	print_message("concurrency: %d readers, %" PRIu64 " + %" PRIu64 " lookups, %" PRIu64
		      " + %" PRIu64 " hits, %u writer ops\n",
		      N_READERS, c->lookups[0], c->lookups[1], c->hits[0], c->hits[1], OPS);
	assert_int_equal(c->reader_errors, 0);
	assert_true(c->hits[0] > 0 && c->hits[1] > 0);
	free(c->qsbr.q);
	free(c);
}

int main(int argc, char **argv)
{
	const char *env = getenv("CLS_TEST_SEED");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(empty_classifier_finds_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(insert_find_remove_count, setup, teardown),
		cmocka_unit_test_setup_teardown(same_match_and_priority_is_eexist, setup, teardown),
		cmocka_unit_test_setup_teardown(best_priority_wins_across_subtables, setup, teardown),
		cmocka_unit_test_setup_teardown(removing_the_best_falls_back_to_the_next, setup, teardown),
		cmocka_unit_test_setup_teardown(match_all_rule_hits_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(for_each_visits_every_rule_once, setup, teardown),
		cmocka_unit_test_setup_teardown(for_each_overlap_visits_exactly_the_overlapping_rules,
						setup, teardown),
		cmocka_unit_test_setup_teardown(random_rules_match_brute_force, setup, teardown),
		cmocka_unit_test_setup_teardown(random_inserts_and_removes_match_brute_force, setup, teardown),
		cmocka_unit_test_setup_teardown(many_rules_grow_and_shrink, setup, teardown),
		cmocka_unit_test(concurrent_readers_see_only_live_rules),
	};

	(void)argc;
	if (!getenv("GLIBC_TUNABLES")) {
		setenv("GLIBC_TUNABLES", "glibc.malloc.tcache_count=0", 1);
		execv("/proc/self/exe", argv);
	}
	if (env)
		seed = strtoull(env, NULL, 0);
	printf("classifier tests: seed %" PRIu64 " (CLS_TEST_SEED)\n", seed);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
