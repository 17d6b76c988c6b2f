/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The per-worker flow caches of one bridge, in front of the classifier:
 *
 *   exact-match cache (EMC): a hash of the whole packet key -> a
 *       megaflow, direct mapped, 16 bytes a slot so it stays in L2; a hit
 *       is checked against the megaflow's own match (only the key words
 *       its mask has), so a hash collision can never pick a wrong one.
 *   megaflow cache: a private classifier of (masked key, mask) entries,
 *       each holding the datapath program xlate made for the first packet
 *       of its kind; the mask is xlate's wildcards, so one entry serves
 *       every packet that the rules cannot tell apart.
 *   miss: xlate (the "upcall"), then the result is installed in both.
 *
 * And one shortcut in front of all three: when a megaflow depends on
 * in_port alone and its program only outputs (output, normal), every
 * packet from that port gets it, so it is remembered per input port and
 * such packets are not even parsed (flow_cache_port_entry).
 *
 * Private to one worker: no locks, no atomics. When the bridge changes,
 * the worker catches up with its change log (switch/bridge_changes.h)
 * before its next burst: a rule change drops only the megaflows that
 * looked the rule's table up and overlap its match (one hash probe per
 * megaflow mask and input port when the rule's mask covers the
 * megaflow's), and every megaflow that looked the table up with a key
 * its actions had rewritten; the rest stay warm. A port change, or a log
 * the worker fell behind, empties the cache. A full megaflow cache drops
 * MEGAFLOW_EVICT entries that went unused longest (counted as evictions):
 * a clock over the entries, where an entry hit since the hand last passed
 * gets a second chance.
 *
 * A dropped megaflow is taken out of the megaflow classifier at once and
 * made to match no key, so EMC slots that still point at it miss; it is
 * freed when DP_DEAD_MAX of them have gathered, after one sweep of the
 * EMC clears those slots, and never during a burst: the entries a burst
 * looked up stay whole until it has run them (flow_cache_tidy).
 */
#ifndef XVIO_FLOW_CACHE_H
#define XVIO_FLOW_CACHE_H

#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_hash_crc.h>
#include <rte_prefetch.h>

#include "flow/classifier.h"
#include "flow/flow_key.h"
#include "switch/xlate.h"

#define EMC_ENTRIES 16384
/* 256k: 100k exact rules (one megaflow each) fit; ~100 MB at most per
 * worker and bridge, allocated as flows appear. */
#define MEGAFLOW_MAX 262144
/* A full megaflow cache drops a sixteenth, the least used: their packets
 * are translated again, the rest of the cache stays warm. */
#define MEGAFLOW_EVICT (MEGAFLOW_MAX / 16)
#define MAC_CACHE_ENTRIES 1024
#define DP_DEAD_MAX 1024
/* A change costs a few hash probes, about what translating one megaflow
 * again costs: with more changes pending than megaflows cached (and more
 * than this), emptying the cache is cheaper than revalidating it. */
#define REVALIDATE_MIN 1024

/*
 * A megaflow: what xlate decided for every key in its match, laid out for
 * the fast path: one allocation, cache-line aligned, whose first bytes are
 * all a cache hit reads — the match over only the key words its mask has,
 * then this worker's counters of each rule to credit, then the program.
 * The megaflow classifier's record (struct dp_node) sits before it.
 */
struct dp_entry {
	uint8_t n_words;                /* of the match */
	uint8_t drop;                   /* enum bridge_drop if n_ops == 0 */
	bool port_wide;                 /* see above */
	bool evicted;                   /* left the cache, not yet freed */
	bool used;                      /* hit since the eviction clock passed */
	/* The batch it last had in a pass (dp_lookup.c): a hint, checked
	 * against the batch, so it needs no clearing. */
	uint8_t batch;
	uint16_t n_ops;
	uint16_t n_stats;
	uint8_t idx[FLOW_KEY_WORDS];    /* key word of each match word */
	struct rule_stats **stats;      /* [n_stats], in this allocation */
	struct action *ops;             /* [n_ops], in this allocation */
	struct {
		uint64_t mask;
		uint64_t key;           /* masked */
	} w[];                          /* [n_words] */
} __rte_cache_aligned;

struct dp_node {
	/* All live entries, in the eviction clock's order; a dead one is in
	 * the dead list through newer. */
	struct dp_node *newer, *older;
	uint64_t tables_seen;           /* of its dp_program */
	uint64_t tables_rewritten;
	/* Its in_port if that is a port of the bridge, else 0: a later pass
	 * may look a packet up as any port (set_field, resubmit(P)). */
	uint16_t in_port;
	struct cls_rule cr;             /* in the megaflow classifier */
	struct dp_entry e;              /* last: it grows */
};

struct emc_slot {
	uint32_t hash;
	uint32_t epoch;                 /* valid only if == cache epoch */
	struct dp_entry *entry;
};

struct flow_cache {
	uint64_t gen;                   /* bridge generation it was built for */
	uint32_t epoch;
	unsigned int worker;            /* whose rule counters entries credit */
	unsigned int n_megaflows;
	struct classifier *megaflows;
	struct dp_node *oldest, *newest;
	struct dp_node *dead;           /* dropped, freed at the next sweep */
	unsigned int n_dead;
	unsigned int n_rewritten;       /* live entries with tables_rewritten */
	uint64_t flushes;
	uint64_t evictions;             /* megaflows dropped from a full cache */
	uint64_t revalidated;           /* megaflows dropped by rule changes */
	/* Live megaflows by in_port; [0]: of an in_port not on the bridge. */
	uint32_t per_port[BRIDGE_MAX_PORTS + 1];
	struct {
		uint32_t epoch;
		struct dp_entry *entry;
	} by_port[BRIDGE_MAX_PORTS + 1];
	struct emc_slot emc[EMC_ENTRIES];
	/* normal's view of the bridge MAC table, at most MAC_REFRESH_S old:
	 * most packets learn and look up here, without the shared table. */
	struct mac_cache_slot {
		uint64_t key;           /* mac_key() */
		uint32_t epoch;
		uint32_t seen_s;
		uint16_t ofport;
	} macs[MAC_CACHE_ENTRIES];
};

enum cache_level { CACHE_EMC, CACHE_MEGAFLOW, CACHE_UPCALL };

/* The cache of one worker (its index: which rule counters it credits). */
struct flow_cache *flow_cache_create(unsigned int worker);
void flow_cache_destroy(struct flow_cache *c);
void flow_cache_flush(struct flow_cache *c);

struct bridge_change;
/* Drop what one logged change can affect (the whole cache for a change
 * of everything). */
void flow_cache_revalidate(struct flow_cache *c, const struct bridge_change *ch);
/* Bring the cache from c->gen up to gen, the bridge's latest change. */
void flow_cache_catch_up(struct flow_cache *c, const struct bridge *br, uint64_t gen);

void flow_cache_sweep(struct flow_cache *c);

/* Between bursts: free the dropped megaflows once enough have gathered. */
static inline void flow_cache_tidy(struct flow_cache *c)
{
	if (unlikely(c->n_dead >= DP_DEAD_MAX))
		flow_cache_sweep(c);
}

/* The EMC hash of a key. */
static inline uint32_t flow_cache_hash(const struct flow_key *k)
{
	const flow_word_t *w = flow_key_words(k);
	uint32_t a = 0, b = 0;

	/* Two independent CRC chains run in parallel. */
	for (unsigned int i = 0; i < FLOW_KEY_WORDS; i += 2) {
		a = rte_hash_crc_8byte(w[i], a);
		b = rte_hash_crc_8byte(w[i + 1], b);
	}
	return a ^ (b * 0x9e3779b1u);
}

/* Start loading the EMC slot of a hash (before a burst's lookups). */
static inline void flow_cache_prefetch(const struct flow_cache *c, uint32_t hash)
{
	rte_prefetch0(&c->emc[hash & (EMC_ENTRIES - 1)]);
}

/* The entry for key (hash: flow_cache_hash(key)), translating on a miss.
 * NULL only if memory ran out (the caller drops the packet). *level tells
 * where it was found. resume: the recirculation state key->recirc_id
 * names (NULL on a packet's first pass), which a miss translates. */
const struct dp_entry *flow_cache_lookup_pass(struct flow_cache *c, const struct bridge *br,
					      const struct flow_key *key, uint32_t hash,
					      const struct recirc_state *resume,
					      enum cache_level *level);

static inline const struct dp_entry *flow_cache_lookup(struct flow_cache *c,
						       const struct bridge *br,
						       const struct flow_key *key, uint32_t hash,
						       enum cache_level *level)
{
	return flow_cache_lookup_pass(c, br, key, hash, NULL, level);
}

/* The port-wide entry for packets from ofport, or NULL. */
static inline const struct dp_entry *flow_cache_port_entry(struct flow_cache *c,
							   uint16_t ofport)
{
	struct dp_entry *e;

	if (c->by_port[ofport].epoch != c->epoch)
		return NULL;
	e = c->by_port[ofport].entry;
	e->used = true;
	return e;
}

#endif
