/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Where relay directions run: pure decisions over measured loads, with no
 * DPDK, so they are unit-tested on their own.
 *
 * Load is whatever unit the caller measures in (xviod uses busy TSC
 * cycles per second). Pinned items never move.
 */
#ifndef XVIO_PLACEMENT_H
#define XVIO_PLACEMENT_H

#include <stdbool.h>
#include <stdint.h>

struct placement_item {
	uint64_t load;
	unsigned int worker;
	bool pinned;
};

/* The worker for a new item: least load, then fewest items, then lowest
 * index (so idle relays still spread evenly). */
unsigned int placement_least_loaded(const uint64_t *load, const unsigned int *count,
				    unsigned int nb_workers);

/*
 * Move unpinned items from the busiest worker to the least busy one, one
 * at a time, choosing the item that best evens the pair, as long as each
 * move lowers the busier side by at least min_gain. Few moves, and none
 * for noise. Updates items[].worker; returns the number of moves.
 */
unsigned int placement_rebalance(struct placement_item *items, unsigned int n,
				 unsigned int nb_workers, uint64_t min_gain);

#endif
