/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Classifier micro-benchmark: TSC cycles per lookup for a few rule sets,
 * and inserts/removes per second for 100k rules. Each figure is the median
 * of RUNS passes (min and max beside it): the machine may be noisy.
 * Usage: cls_bench [runs]   See README.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>

#include "flow/classifier.h"

#define N_KEYS 65536            /* > L2: rules and tables are not all hot */
#define LOOKUPS 1000000

static unsigned int runs = 7;
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
	double med, min, max;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static struct stats summarise(double *v)
{
	qsort(v, runs, sizeof(*v), cmp_double);
	return (struct stats){ v[runs / 2], v[0], v[runs - 1] };
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
		((uint64_t *)&r->match.key)[w] = flow_key_words(&k)[w] & flow_key_words(m)[w];
	r->priority = priority(kind);
}

struct ruleset {
	const char *name;
	unsigned int n;
	struct cls_rule *rules;
	struct flow_key *keys;
};

static struct cls_rule *alloc_rules(unsigned int n)
{
	struct cls_rule *r = calloc(n, sizeof(*r));

	if (!r) {
		perror("calloc");
		exit(1);
	}
	return r;
}

/* Lookup keys: most start from a rule's value so they hit it (or better),
 * the rest are random. */
static void make_keys(struct ruleset *s, unsigned int hit_pct)
{
	s->keys = calloc(N_KEYS, sizeof(*s->keys));
	if (!s->keys) {
		perror("calloc");
		exit(1);
	}
	for (unsigned int i = 0; i < N_KEYS; i++) {
		struct flow_key *k = &s->keys[i];

		random_key(k);
		if (rnd() % 100 < hit_pct) {
			const struct cls_rule *r = &s->rules[rnd() % s->n];

			for (unsigned int w = 0; w < FLOW_KEY_WORDS; w++)
				((uint64_t *)k)[w] = (flow_key_words(k)[w] & ~flow_key_words(&r->match.mask)[w]) |
						     flow_key_words(&r->match.key)[w];
		}
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
	return cls;
}

static void bench_lookup(const struct ruleset *s)
{
	struct classifier *cls = build(s);
	double cyc[runs];
	unsigned int hits = 0;

	for (unsigned int i = 0; i < N_KEYS; i++)
		hits += cls_lookup(cls, &s->keys[i], NULL) != NULL;
	for (unsigned int r = 0; r < runs; r++) {
		uint64_t t0 = rte_rdtsc();

		for (unsigned int i = 0; i < LOOKUPS; i++) {
			struct flow_key wc = { 0 };

			sink ^= (uintptr_t)cls_lookup(cls, &s->keys[i % N_KEYS], &wc) ^ wc.nw_dst;
		}
		cyc[r] = (double)(rte_rdtsc() - t0) / LOOKUPS;
	}
	struct stats st = summarise(cyc);
	printf("| %-34s | %7u | %3u | %4.0f%% | %6.1f | %6.1f-%-6.1f |\n", s->name, s->n,
	       cls_subtable_count(cls), 100.0 * hits / N_KEYS, st.med, st.min, st.max);
	cls_destroy(cls);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void bench_insert(const struct ruleset *s)
{
	double ins[runs], rem[runs], ins_s[runs];

	for (unsigned int r = 0; r < runs; r++) {
		struct classifier *cls;
		double t = now();
		uint64_t t0 = rte_rdtsc();

		cls = build(s);
		ins[r] = (double)(rte_rdtsc() - t0) / s->n;
		ins_s[r] = now() - t;
		t0 = rte_rdtsc();
		for (unsigned int i = 0; i < s->n; i++)
			cls_remove(cls, &s->rules[i]);
		rem[r] = (double)(rte_rdtsc() - t0) / s->n;
		cls_destroy(cls);
	}
	struct stats si = summarise(ins), sr = summarise(rem), ss = summarise(ins_s);
	printf("\n%u rules (%s): insert %.0f cycles/rule (%.0f-%.0f), all %u in %.1f ms; "
	       "remove %.0f cycles/rule (%.0f-%.0f)\n", s->n, s->name, si.med, si.min, si.max,
	       s->n, ss.med * 1e3, sr.med, sr.min, sr.max);
}

/* TSC ticks per ns, to read cycles as time. */
static double tsc_ghz(void)
{
	double t = now();
	uint64_t t0 = rte_rdtsc();

	while (now() - t < 0.1)
		;
	return (rte_rdtsc() - t0) / ((now() - t) * 1e9);
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
	struct ruleset k100miss = { "100k mix, random keys", 0 };

	if (argc > 1 && atoi(argv[1]) > 0)
		runs = atoi(argv[1]);

	one.rules = alloc_rules(1);
	make_rule(&one.rules[0], DST + 32, 0);
	k1.rules = alloc_rules(k1.n);
	for (unsigned int i = 0; i < k1.n; i++)
		make_rule(&k1.rules[i], DST + 32, i);
	k1m.rules = alloc_rules(k1m.n);
	for (unsigned int i = 0; i < k1m.n; i++)
		make_rule(&k1m.rules[i], ten[i % 10], i / 10);
	for (unsigned int i = 0; i < sizeof(mix) / sizeof(mix[0]); i++)
		k100.n += mix[i].n;
	k100.rules = alloc_rules(k100.n);
	for (unsigned int i = 0, j = 0; i < sizeof(mix) / sizeof(mix[0]); i++)
		for (unsigned int n = 0; n < mix[i].n; n++)
			make_rule(&k100.rules[j++], mix[i].kind, n);
	k100miss.n = k100.n;
	k100miss.rules = k100.rules;

	make_keys(&one, 100);
	make_keys(&k1, 100);
	make_keys(&k1m, 100);
	make_keys(&k100, 100);
	make_keys(&k100miss, 0);

#if defined(__SSE4_2__) && !defined(CLS_HASH_MIX)
	printf("hash: CRC32C; ");
#else
	printf("hash: multiply-mix; ");
#endif
	printf("TSC %.2f GHz; median of %u runs of %u lookups (with wc) over %u keys\n\n",
	       tsc_ghz(), runs, LOOKUPS, N_KEYS);
	printf("| %-34s | %7s | %3s | %5s | %6s | %-13s |\n", "rule set", "rules", "st",
	       "hit", "cyc", "min-max");
	printf("|%.36s|%.9s|%.5s|%.7s|%.8s|%.15s|\n", "------------------------------------",
	       "---------", "-----", "-------", "--------", "---------------");
	bench_lookup(&one);
	bench_lookup(&k1);
	bench_lookup(&k1m);
	bench_lookup(&k100);
	bench_lookup(&k100miss);
	bench_insert(&k100);
	return sink == 1;       /* keeps the lookups */
}
