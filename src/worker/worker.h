/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Worker cores and how work reaches them.
 *
 * Each worker is an EAL lcore pinned to one CPU that runs *jobs* to
 * completion, in bursts: a job reads one port (a relay direction reads its
 * source, a bridge port its receive queues) and sends what it read on. What
 * a worker runs is its *plan*: an immutable array of jobs. The control thread never edits a plan in place; it
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

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_epoll.h>
#include <rte_per_lcore.h>

#include "worker/worker_limits.h"

struct worker;

/* While idle, sources that cannot wake a worker are polled this often. */
#define IDLE_POLL_US 1000

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

struct worker_job;

/*
 * What can wake a sleeping worker: a port (port/port.c). Called only
 * by the worker running the job, around its idle sleep.
 */
struct wake_source_ops {
	/* Ask to be woken through set when packets arrive. Returns false if
	 * it cannot (then the worker polls it on a timer, IDLE_POLL_US). */
	bool (*arm)(struct worker_job *job, struct idle_set *set);
	/* Before each poll while asleep: sources may need re-enabling. */
	void (*rearm)(struct worker_job *job);
	/* After the sleep. */
	void (*disarm)(struct worker_job *job, struct idle_set *set);
	/* Its signals fired with nothing to read, again and again: stop
	 * trusting them (job->intr_unreliable) and fall back to the timer. */
	void (*distrust)(struct worker_job *job, struct idle_set *set);
};

struct wake_source {
	const struct wake_source_ops *ops;
};

struct worker_job_ops {
	/* Run once: read a burst from the source, send it on. Returns the
	 * packets moved. */
	uint16_t (*poll)(struct worker_job *job, uint64_t now);
	/* Packets wait for a full destination: the worker must not sleep. */
	bool (*holding)(const struct worker_job *job);
};

/*
 * What a worker runs, embedded in the owner (struct relay_dir, struct
 * bridge_port). Moving a job between workers is two plan publications
 * (job_sched.c); its private state travels with it.
 */
struct worker_job {
	const struct worker_job_ops *ops;
	struct wake_source *source; /* armed for idle sleeps */
	char name[64];             /* "r1/vm-to-nic", "br0/vm1": core list */

	/* Private to the running worker. */
	bool armed;                /* wake-ups requested for an idle sleep */
	bool intr_unreliable;      /* fired with nothing to receive: timer */
	uint64_t busy_cycles;      /* polls that moved packets */

	/* Control thread only. */
	struct worker *worker;     /* running it now, or NULL */
	bool pinned;               /* placed by the operator: never rebalanced */
	uint64_t load_last_busy;   /* busy_cycles at the last load sample */
	uint64_t load;             /* busy cycles per second, last sample */
};

struct worker_plan {
	unsigned int n;
	struct worker_job *jobs[];
};

/* Counters written by the worker only; others read them relaxed. */
struct worker_stats {
	uint64_t loops;
	uint64_t busy_cycles;   /* loops that moved at least one packet */
	uint64_t idle_cycles;   /* loops that moved nothing, and sleeping */
	uint64_t packets;
	uint64_t sleeps;
	uint64_t late_wakeups;  /* idle waits the safety timeout ended with packets
				 * that no signal announced */
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

/* Create the workers on the EAL's worker lcores and launch them: worker i
 * reports cpus[i] as its CPU (n_cpus 0: the CPU its lcore runs on), and
 * never sleeps if busy_poll. 0 or -errno. */
int workers_start(const unsigned int *cpus, unsigned int n_cpus, bool busy_poll);

/* Stop and join every worker (shutdown). */
void workers_stop(void);

unsigned int worker_count(void);
struct worker *worker_get(unsigned int index);

/* The worker running on a CPU, or NULL. */
struct worker *worker_by_cpu(unsigned int cpu);

/* Publish a plan with job added to / removed from w's plan. 0 or -ENOMEM. */
int worker_plan_add(struct worker *w, struct worker_job *job);
int worker_plan_remove(struct worker *w, struct worker_job *job);

/* Scheduling (job_sched.c), control thread only. */

/* Run job on worker `to` (NULL: the least-loaded one). 0 or -errno. */
int job_place(struct worker_job *job, struct worker *to);
/* Take job off its worker; waits for a grace period. */
void job_unplace(struct worker_job *job);
/*
 * Sample every job's load (once per interval) and, if move, shift unpinned
 * jobs so the busiest worker gets lighter. interval 0 decides on the last
 * sample. Returns the number of jobs moved.
 */
unsigned int jobs_rebalance(uint64_t interval_cycles, bool move);

/* Wake every sleeping worker so it rearms (a VM connected, queues
 * changed). Safe from any thread. */
void worker_kick_all(void);

/* The real-time signals PMDs may raise on packet arrival (net_tap). The
 * daemon blocks them before the EAL starts threads; workers unblock them,
 * so the signal interrupts the worker that will read the packets. */
void worker_rx_signals(sigset_t *set);

/* On a worker's own thread: its index (0..worker_count()-1). */
RTE_DECLARE_PER_LCORE(unsigned int, worker_index);
static inline unsigned int worker_self_index(void)
{
	return RTE_PER_LCORE(worker_index);
}

/* Wait until every online worker has passed a quiescent state. */
void worker_synchronize(void);

#endif
