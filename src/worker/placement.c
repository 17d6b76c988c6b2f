/* SPDX-License-Identifier: BSD-3-Clause */
#include "worker/placement.h"

#include <stdlib.h>

unsigned int placement_least_loaded(const uint64_t *load, const unsigned int *count,
				    unsigned int nb_workers)
{
	unsigned int best = 0;

	for (unsigned int w = 1; w < nb_workers; w++) {
		if (load[w] < load[best] ||
		    (load[w] == load[best] && count[w] < count[best]))
			best = w;
	}
	return best;
}

static void worker_loads(const struct placement_item *items, unsigned int n,
			 uint64_t *load, unsigned int nb_workers)
{
	for (unsigned int w = 0; w < nb_workers; w++)
		load[w] = 0;
	for (unsigned int i = 0; i < n; i++)
		load[items[i].worker] += items[i].load;
}

unsigned int placement_rebalance(struct placement_item *items, unsigned int n,
				 unsigned int nb_workers, uint64_t min_gain)
{
	uint64_t *load;
	unsigned int moves = 0;

	if (nb_workers < 2 || n == 0)
		return 0;
	load = calloc(nb_workers, sizeof(*load));
	if (load == NULL)
		return 0;
	/* Each move strictly lowers the busier side of a pair, so this
	 * converges; n moves is a safe upper bound. */
	while (moves < n) {
		unsigned int hi = 0, lo = 0, best = n;
		uint64_t best_max = 0;

		worker_loads(items, n, load, nb_workers);
		for (unsigned int w = 1; w < nb_workers; w++) {
			if (load[w] > load[hi])
				hi = w;
			if (load[w] < load[lo])
				lo = w;
		}
		for (unsigned int i = 0; i < n; i++) {
			uint64_t l = items[i].load, new_max;

			if (items[i].worker != hi || items[i].pinned || l == 0)
				continue;
			new_max = load[hi] - l > load[lo] + l ? load[hi] - l : load[lo] + l;
			if (new_max < load[hi] && (best == n || new_max < best_max)) {
				best = i;
				best_max = new_max;
			}
		}
		if (best == n || load[hi] - best_max < min_gain)
			break;
		items[best].worker = lo;
		moves++;
	}
	free(load);
	return moves;
}
