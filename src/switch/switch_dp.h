/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The switch fast path: a bridge port's job reads a burst from its port,
 * parses each packet, finds its datapath program in the worker's flow
 * cache (flow_cache.h), runs it, and sends what it output, batched per
 * output port. No locks except the output port's TX lock (any worker may
 * send to any port), no syscalls, no logging; allocation only on cache
 * misses.
 */
#ifndef XVIO_SWITCH_DP_H
#define XVIO_SWITCH_DP_H

#include "worker/worker.h"

struct bridge;

extern const struct worker_job_ops bridge_port_job_ops;

/* Control thread, after a grace period in which no worker ran the
 * bridge's jobs: free every worker's caches of the bridge. */
void switch_dp_forget_bridge(const struct bridge *br);

/* Cache counters of a bridge summed over workers. */
struct switch_cache_stats {
	uint64_t megaflows;
	uint64_t flushes;
	uint64_t evictions;
	uint64_t revalidated;
};
void switch_dp_cache_stats(const struct bridge *br, struct switch_cache_stats *s);

#endif
