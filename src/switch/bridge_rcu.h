/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Freeing what workers may still read (rules, action lists, bridge ports,
 * meters), the rules of the switch's RCU:
 *
 *  1. Unpublish first: the control thread stores NULL (or the new version)
 *     with release before it calls bridge_defer_free(); a worker that loads
 *     the pointer afterwards cannot see the old object.
 *  2. Free later: bridge_sync() waits for one grace period
 *     (worker_synchronize(): every worker has passed a quiescent state,
 *     which it reports only between bursts, holding no pointer) and then
 *     runs every deferred free. Command handlers call it once at the end,
 *     so a batch of changes costs one grace period; the flow commands
 *     call bridge_sync_if_many() instead, which leaves up to
 *     BRIDGE_DEFER_MAX frees to the next bridge_sync() (the tick's, once a
 *     second), so a stream of small rule changes does not wait for the
 *     workers once per change.
 *  3. Control thread only, under ctl_lock.
 */
#ifndef XVIO_BRIDGE_RCU_H
#define XVIO_BRIDGE_RCU_H

#define BRIDGE_DEFER_MAX 65536

void bridge_defer_free(void (*fn)(void *), void *p);
void bridge_sync(void);
void bridge_sync_if_many(void);

#endif
