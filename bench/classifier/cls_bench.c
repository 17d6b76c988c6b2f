/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Classifier micro-benchmark (README.md): TSC cycles per lookup for a few
 * rule sets, with the keys' working set in cache (hot) or not (cold);
 * insert and remove cost at 100k rules; and the two hashes compared. Each
 * time is the median of `runs` passes, with the minimum: shared CPUs are
 * noisy. Prints markdown. Usage: cls_bench [runs]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>

#include "flow/classifier.h"
#include "flow/classifier_hash.h"

#define N_KEYS 65536            /* cold: rules, tables and keys miss L2 */
#define HOT_KEYS 1024
#define LOOKUPS 200000          /* per pass */

/* Keys are built as fields and used as words: may_alias keeps strict
 * aliasing from reordering the two (flow_key_words() does not). */
typedef uint64_t __attribute__((__may_alias__)) word_t;
#define W(k) ((word_t *)(k))

static unsigned int runs = 15;
static uint64_t rng = 42;
static uintptr_t sink;

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

struct stats {
	double med, min;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static struct stats summarise(double *v)
{
	qsort(v, runs, sizeof(*v), cmp_double);
	return (struct stats){ v[runs / 2], v[0] };
}

/* The kinds of rule in the sets, each with its priority: longer prefixes
 * win, as in a routing table; L2 and L4 rules above them. */
enum kind { PORT_MAC, IN_PORT, TCP_DST, ALL, DST /* + prefix length */ };

static uint16_t priority(enum kind kind)
{
	static const uint16_t prio[] = { [PORT_MAC] = 500, [IN_PORT] = 450,
					 [TCP_DST] = 400, [ALL] = 0 };

	return kind >= DST ? 10 * (kind - DST) : prio[kind];
}

static void random_key(struct flow_key *k)
{
	uint64_t r = rnd();

	memset(k, 0, sizeof(*k));
	k->in_port = rte_cpu_to_be_16(1 + r % 64);
	k->dl_type = RTE_BE16(0x0800);
	k->nw_proto = 6;
	k->dl_dst.addr_bytes[0] = 2;
	memcpy(&k->dl_dst.addr_bytes[2], &r, 4);
	k->nw_src = rte_cpu_to_be_32(0x0a000000 | (uint32_t)(r >> 32) % 65536);
	k->nw_dst = rte_cpu_to_be_32(0x0a000000 | (uint32_t)rnd() % (1 << 24));
	k->tp_src = rte_cpu_to_be_16(1024 + r % 60000);
	k->tp_dst = rte_cpu_to_be_16(r >> 48);
}

/* Rule number i of a kind: a random key masked, where i makes the fields
 * the mask keeps distinct (prefixes are in 10.0.0.0/8; /32s spread). */
static void make_rule(struct cls_rule *r, enum kind kind, unsigned int i)
{
	struct flow_key k, *m = &r->match.mask;

	memset(r, 0, sizeof(*r));
	random_key(&k);
	if (kind >= DST) {
		unsigned int plen = kind - DST;
		uint32_t host = plen == 32 ? i * 2654435761u : i << (32 - plen);

		k.nw_dst = rte_cpu_to_be_32(0x0a000000 | (host & 0xffffff));
		m->dl_type = 0xffff;
		m->nw_dst = rte_cpu_to_be_32(~0u << (32 - plen));
	} else if (kind == PORT_MAC) {
		m->in_port = 0xffff;
		memset(&m->dl_dst, 0xff, sizeof(m->dl_dst));
	} else if (kind == IN_PORT) {
		k.in_port = rte_cpu_to_be_16(i);
		m->in_port = 0xffff;
	} else if (kind == TCP_DST) {
		k.tp_dst = rte_cpu_to_be_16(i);
		m->dl_type = 0xffff;
		m->nw_proto = 0xff;
		m->tp_dst = 0xffff;
	}
	for (unsigned int w = 0; w < FLOW_KEY_WORDS; w++)
		W(&r->match.key)[w] = W(&k)[w] & W(m)[w];
	r->priority = priority(kind);
}

struct ruleset {
	const char *name;
	unsigned int n;
	struct cls_rule *rules;
	struct flow_key *keys;
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p) {
		perror("calloc");
		exit(1);
	}
	return p;
}

/* Lookup keys: random, or made to hit a random rule (or a better one). */
static void make_keys(struct ruleset *s, bool hit)
{
	s->keys = xcalloc(N_KEYS, sizeof(*s->keys));
	for (unsigned int i = 0; i < N_KEYS; i++) {
		struct flow_key *k = &s->keys[i];
		const struct cls_rule *r = &s->rules[rnd() % s->n];

		random_key(k);
		for (unsigned int w = 0; hit && w < FLOW_KEY_WORDS; w++)
			W(k)[w] = (W(k)[w] & ~W(&r->match.mask)[w]) | W(&r->match.key)[w];
	}
}

static struct classifier *build(const struct ruleset *s)
{
	struct classifier *cls = cls_create(NULL, NULL);

	for (unsigned int i = 0; cls && i < s->n; i++) {
		int ret = cls_insert(cls, &s->rules[i]);

		if (ret < 0) {
			fprintf(stderr, "%s: insert %u: %s\n", s->name, i, strerror(-ret));
			exit(1);
		}
	}
	if (!cls)
		exit(1);
	return cls;
}

static struct stats time_lookups(const struct classifier *cls, const struct flow_key *keys,
				 unsigned int n_keys)
{
	double cyc[runs];

	for (unsigned int r = 0; r < runs; r++) {
		uint64_t t0 = rte_rdtsc();

		for (unsigned int i = 0; i < LOOKUPS; i++) {
			struct flow_key wc = { 0 };

			sink ^= (uintptr_t)cls_lookup(cls, &keys[i % n_keys], &wc) ^ wc.nw_dst;
		}
		cyc[r] = (double)(rte_rdtsc() - t0) / LOOKUPS;
	}
	return summarise(cyc);
}

static void bench_lookup(const struct ruleset *s)
{
	struct classifier *cls = build(s);
	struct stats hot, cold;

	time_lookups(cls, s->keys, N_KEYS);     /* warm up */
	hot = time_lookups(cls, s->keys, HOT_KEYS);
	cold = time_lookups(cls, s->keys, N_KEYS);
	printf("| %s | %u | %u | %.0f (%.0f) | %.0f (%.0f) |\n", s->name, s->n,
	       cls_subtable_count(cls), hot.med, hot.min, cold.med, cold.min);
	cls_destroy(cls);
}

static void bench_insert(const struct ruleset *s)
{
	double ins[runs], rem[runs];

	for (unsigned int r = 0; r < runs; r++) {
		struct classifier *cls;
		uint64_t t0 = rte_rdtsc();

		cls = build(s);
		ins[r] = (double)(rte_rdtsc() - t0) / s->n;
		t0 = rte_rdtsc();
		for (unsigned int i = 0; i < s->n; i++)
			cls_remove(cls, &s->rules[i]);
		rem[r] = (double)(rte_rdtsc() - t0) / s->n;
		cls_destroy(cls);
	}
	struct stats si = summarise(ins), sr = summarise(rem);
	printf("| %s | %.0f (%.0f) | %.0f (%.0f) |\n", s->name, si.med, si.min, sr.med, sr.min);
}

typedef uint32_t hash_fn(uint32_t h, uint64_t w);

/* The hash of key's words under mask, as a subtable computes it. */
static uint32_t masked_hash(hash_fn *fn, const struct flow_key *k, const struct flow_key *m)
{
	uint32_t h = 0;

	for (unsigned int w = 0; w < FLOW_KEY_WORDS; w++)
		if (W(m)[w])
			h = fn(h, W(k)[w] & W(m)[w]);
	return h;
}

/* Slots in a subtable's table after n groups went in: rebuilt to a power
 * of 2 >= twice the groups whenever they pass 3/4. */
static uint32_t table_size(unsigned int n)
{
	uint32_t size = 8;

	for (unsigned int i = 1; i <= n; i++)
		while (i > size / 4 * 3)
			size *= 2;
	return size;
}

/* Mean slots read looking up each of n rules (all one mask) in such a
 * table (linear probing), and looking up keys that miss. */
static void probe_stats(hash_fn *fn, const struct cls_rule *rules, unsigned int n,
			const struct flow_key *keys, double *hit, double *miss, double *load)
{
	uint32_t size = table_size(n), *slot = xcalloc(size, sizeof(*slot));
	const struct flow_key *m = &rules[0].match.mask;
	unsigned long reads = 0;

	for (unsigned int i = 0; i < n; i++) {      /* slot: rule number + 1 */
		uint32_t j = masked_hash(fn, &rules[i].match.key, m);

		while (slot[j & (size - 1)])
			j++;
		slot[j & (size - 1)] = i + 1;
	}
	for (unsigned int i = 0; i < n; i++)
		for (uint32_t j = masked_hash(fn, &rules[i].match.key, m);
		     reads++, slot[j & (size - 1)] != i + 1; j++)
			;
	*hit = (double)reads / n;
	reads = 0;
	for (unsigned int i = 0; i < N_KEYS; i++)
		for (uint32_t j = masked_hash(fn, &keys[i], m); reads++, slot[j & (size - 1)]; j++)
			;
	*miss = (double)reads / N_KEYS;
	*load = (double)n / size;
	free(slot);
}

/* Cycles per word of a chain of hash steps, as a subtable's hash is. */
#define HASH_CYCLES(fn, keys, result) do { \
	double c_[runs]; \
	for (unsigned int r_ = 0; r_ < runs; r_++) { \
		uint64_t t0_ = rte_rdtsc(); \
		uint32_t h_ = 0; \
		for (unsigned int i_ = 0; i_ < N_KEYS; i_++) \
			h_ = fn(h_, W(&keys[i_])[3]); \
		c_[r_] = (double)(rte_rdtsc() - t0_) / N_KEYS; \
		sink ^= h_; \
	} \
	result = summarise(c_); \
} while (0)

struct slice {
	const char *name;
	const struct cls_rule *rules;
	unsigned int n;
};

static void hash_row(const char *name, hash_fn *fn, struct stats cyc, const struct slice *sl,
		     unsigned int n_sl, const struct flow_key *keys)
{
	printf("| %s | %.1f (%.1f) |", name, cyc.med, cyc.min);
	for (unsigned int i = 0; i < n_sl; i++) {
		double hit, miss, load;

		probe_stats(fn, sl[i].rules, sl[i].n, keys, &hit, &miss, &load);
		printf(" %.2f / %.2f (load %.2f) |", hit, miss, load);
	}
	printf("\n");
}

static void bench_hashes(const struct slice *sl, unsigned int n_sl, const struct flow_key *keys)
{
	struct stats cyc;

	printf("\n| hash | cycles/word |");
	for (unsigned int i = 0; i < n_sl; i++)
		printf(" %s (%u): hit / miss |", sl[i].name, sl[i].n);
	printf("\n|---|---|");
	for (unsigned int i = 0; i < n_sl; i++)
		printf("---|");
	printf("\n");
#ifdef __SSE4_2__
	HASH_CYCLES(cls_hash_crc, keys, cyc);
	hash_row("CRC32C", cls_hash_crc, cyc, sl, n_sl, keys);
#endif
	HASH_CYCLES(cls_hash_mix, keys, cyc);
	hash_row("multiply-mix", cls_hash_mix, cyc, sl, n_sl, keys);
}

/* TSC ticks per ns, to read cycles as time. */
static double tsc_ghz(void)
{
	struct timespec a, b;
	uint64_t t0;

	clock_gettime(CLOCK_MONOTONIC, &a);
	t0 = rte_rdtsc();
	do
		clock_gettime(CLOCK_MONOTONIC, &b);
	while ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec) < 1e8);
	return (rte_rdtsc() - t0) / ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec));
}

int main(int argc, char **argv)
{
	/* 100k: a routing table, L2 and L4 rules and a default. */
	static const struct { enum kind kind; unsigned int n; } mix[] = {
		{ DST + 32, 60000 }, { DST + 24, 15000 }, { DST + 20, 4000 },
		{ DST + 16, 200 }, { DST + 8, 1 }, { PORT_MAC, 15000 },
		{ TCP_DST, 5798 }, { ALL, 1 },
	};
	static const enum kind ten[] = {
		DST + 32, DST + 28, DST + 24, DST + 22, DST + 20, DST + 18, DST + 16,
		PORT_MAC, IN_PORT, TCP_DST,
	};
	struct ruleset one = { "1 rule (nw_dst/32)", 1 };
	struct ruleset k1 = { "1k nw_dst/32 (1 mask)", 1000 };
	struct ruleset k1m = { "1k rules, 10 masks", 1000 };
	struct ruleset k100 = { "100k mix", 0 };
	struct ruleset k100rnd = { "100k mix, random keys", 0 };
	struct slice sl[4];

	if (argc > 1 && atoi(argv[1]) > 0)
		runs = atoi(argv[1]);

	one.rules = xcalloc(1, sizeof(*one.rules));
	make_rule(&one.rules[0], DST + 32, 0);
	k1.rules = xcalloc(k1.n, sizeof(*k1.rules));
	for (unsigned int i = 0; i < k1.n; i++)
		make_rule(&k1.rules[i], DST + 32, i);
	k1m.rules = xcalloc(k1m.n, sizeof(*k1m.rules));
	for (unsigned int i = 0; i < k1m.n; i++)
		make_rule(&k1m.rules[i], ten[i % 10], i / 10);
	for (unsigned int i = 0; i < sizeof(mix) / sizeof(mix[0]); i++)
		k100.n += mix[i].n;
	k100.rules = xcalloc(k100.n, sizeof(*k100.rules));
	for (unsigned int i = 0, j = 0; i < sizeof(mix) / sizeof(mix[0]); i++) {
		static const unsigned int slice_of[] = { 0, 1, ~0u, ~0u, ~0u, 2, 3, ~0u };
		static const char *const slice_name[] = {
			"nw_dst/32", "nw_dst/24", "in_port+dl_dst", "tcp tp_dst",
		};

		if (slice_of[i] != ~0u)
			sl[slice_of[i]] = (struct slice){ slice_name[slice_of[i]], &k100.rules[j],
							  mix[i].n };
		for (unsigned int n = 0; n < mix[i].n; n++)
			make_rule(&k100.rules[j++], mix[i].kind, n);
	}
	k100rnd.n = k100.n;
	k100rnd.rules = k100.rules;
	make_keys(&one, true);
	make_keys(&k1, true);
	make_keys(&k1m, true);
	make_keys(&k100, true);
	make_keys(&k100rnd, false);

#ifdef __SSE4_2__
	printf("Classifier hash CRC32C. ");
#else
	printf("Classifier hash multiply-mix. ");
#endif
	printf("TSC %.2f GHz. Median (min) of %u passes.\n\n", tsc_ghz(), runs);
	printf("Cycles per lookup, with wildcards; hot: %u keys, cold: %u keys\n\n"
	       "| rule set | rules | subtables | hot | cold |\n|---|---|---|---|---|\n",
	       HOT_KEYS, N_KEYS);
	bench_lookup(&one);
	bench_lookup(&k1);
	bench_lookup(&k1m);
	bench_lookup(&k100);
	bench_lookup(&k100rnd);

	printf("\nCycles per rule, inserting all into an empty classifier, then removing all\n\n"
	       "| rule set | insert | remove |\n|---|---|---|\n");
	bench_insert(&k100);

	printf("\nHashes: cycles per word in a dependent chain; mean slots read per lookup\n"
	       "in each 100k-mix subtable, for its rules and for random keys\n");
	bench_hashes(sl, 4, k100rnd.keys);
	return sink == 1;       /* keeps the results live */
}
