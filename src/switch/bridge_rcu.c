/* SPDX-License-Identifier: BSD-3-Clause */
/* Deferred frees after a grace period: the rules are in bridge_rcu.h. */
#include "switch/bridge_rcu.h"

#include <stdlib.h>

#include "worker/worker.h"

struct deferred {
	void (*fn)(void *);
	void *p;
	struct deferred *next;
};

static struct deferred *pending;
static unsigned int n_pending;

void bridge_defer_free(void (*fn)(void *), void *p)
{
	struct deferred *d = malloc(sizeof(*d));

	if (d == NULL) {
		/* Cannot queue it: wait for the grace period right here. */
		worker_synchronize();
		fn(p);
		return;
	}
	*d = (struct deferred){ .fn = fn, .p = p, .next = pending };
	pending = d;
	n_pending++;
}

void bridge_sync(void)
{
	struct deferred *d = pending;

	if (d == NULL)
		return;
	pending = NULL;
	n_pending = 0;
	worker_synchronize();
	while (d != NULL) {
		struct deferred *next = d->next;

		d->fn(d->p);
		free(d);
		d = next;
	}
}

void bridge_sync_if_many(void)
{
	if (n_pending >= BRIDGE_DEFER_MAX)
		bridge_sync();
}
