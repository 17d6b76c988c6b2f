/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Worker cores and how work reaches them.
 *
 * Each worker is an EAL lcore pinned to one CPU that runs relay directions
 * to completion, in bursts. What it runs is its *plan*: an immutable array
 * of relay directions. The control thread never edits a plan in place; it
 * builds a new one, swaps the pointer (release), waits for an RCU grace
 * period and frees the old one:
 *
 *     new = plan_with(old, dir);  publish(w, new);  worker_synchronize();
 *     free(old);
 *
 * A worker reports a quiescent state (rte_rcu_qsbr_quiescent) once per
 * loop, after it has dropped every pointer it read from its plan. An idle
 * worker sleeps *online*, still armed on its plan's sources (relay_idle.c),
 * so worker_synchronize() first kicks every worker's wake_fd: sleepers
 * wake, disarm, report quiescence, and the grace period ends promptly.
 * worker_synchronize() is also what destroy_device uses to know no worker
 * still touches a disconnected VM (port/vhost_port.h).
 *
 * Moving a direction from worker A to worker B is two publications: out of
 * A's plan (grace period), then into B's. The direction's private state
 * (held-back packets, counters) travels with it and is never owned by two
 * workers at once.
 */
#ifndef XVIO_WORKER_H
#define XVIO_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_epoll.h>

#include "daemon/options.h"

struct relay_dir;

#define IDLE_SET_MAX_FDS (2 * 8 * 64 + 1)

/* What a sleeping worker waits on: its wake-up eventfd and the sources
 * of its relay directions (relay_dir_arm). */
struct idle_set {
	int epfd;
	unsigned int n;
	struct rte_epoll_event ev[IDLE_SET_MAX_FDS];
};

/* Watch an eventfd; it is drained when it fires. 0 or -errno. */
int idle_set_add_eventfd(struct idle_set *set, int fd);

struct worker_plan {
	unsigned int n;
	struct relay_dir *dirs[];
};

/* Counters written by the worker only; others read them relaxed. */
struct worker_stats {
	uint64_t loops;
	uint64_t busy_cycles;   /* loops that moved at least one packet */
	uint64_t idle_cycles;   /* loops that moved nothing, and sleeping */
	uint64_t packets;
	uint64_t sleeps;
};

struct worker {
	/* Set at start, never changed. */
	unsigned int index;     /* RCU thread id, 0..nb_workers-1 */
	unsigned int lcore_id;
	unsigned int cpu;
	bool busy_poll;
	int wake_fd;            /* eventfd: the plan or a VM changed, look again */

	/* Written by the control thread, read by the worker. */
	struct worker_plan *plan;
	bool stop;

	/* Written by the worker. */
	struct idle_set *idle;
	struct worker_stats stats __rte_cache_aligned;
} __rte_cache_aligned;

/* Create the workers on the EAL's worker lcores and launch them. */
int workers_start(const struct xviod_options *opts);

/* Stop and join every worker (shutdown). */
void workers_stop(void);

unsigned int worker_count(void);
struct worker *worker_get(unsigned int index);

/* The worker running on a CPU, or NULL. */
struct worker *worker_by_cpu(unsigned int cpu);

/* Publish a plan with dir added to / removed from w's plan. 0 or -ENOMEM. */
int worker_plan_add(struct worker *w, struct relay_dir *dir);
int worker_plan_remove(struct worker *w, struct relay_dir *dir);

/* Wake every sleeping worker so it rearms (a VM connected, queues
 * changed). Safe from any thread. */
void worker_kick_all(void);

/* Wait until every online worker has passed a quiescent state. */
void worker_synchronize(void);

#endif
