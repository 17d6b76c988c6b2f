/* SPDX-License-Identifier: BSD-3-Clause */
#include "relay/worker.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "common/xvio_log.h"
#include "relay/relay.h"

/* Idle policy: spin for a while, then sleep in steps that grow to at
 * most IDLE_SLEEP_MAX_US, so a packet waits at most about that long. */
#define IDLE_SPIN_LOOPS 4096
#define IDLE_SLEEP_MAX_US 50

static struct worker workers[XVIO_MAX_WORKERS];
static unsigned int nb_workers;
static struct rte_rcu_qsbr *qsbr;

unsigned int worker_count(void)
{
	return nb_workers;
}

struct worker *worker_get(unsigned int index)
{
	return index < nb_workers ? &workers[index] : NULL;
}

struct worker *worker_by_cpu(unsigned int cpu)
{
	for (unsigned int i = 0; i < nb_workers; i++)
		if (workers[i].cpu == cpu)
			return &workers[i];
	return NULL;
}

void worker_synchronize(void)
{
	if (qsbr != NULL)
		rte_rcu_qsbr_synchronize(qsbr, RTE_QSBR_THRID_INVALID);
}

static void idle_sleep(struct worker *w, unsigned int idle_loops)
{
	unsigned int us = (idle_loops - IDLE_SPIN_LOOPS) / 64 + 1;
	struct timespec ts;

	if (us > IDLE_SLEEP_MAX_US)
		us = IDLE_SLEEP_MAX_US;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)us * 1000;
	/* Offline: a grace period must not wait for a sleeping worker. */
	rte_rcu_qsbr_thread_offline(qsbr, w->index);
	nanosleep(&ts, NULL);
	rte_rcu_qsbr_thread_online(qsbr, w->index);
	w->stats.sleeps++;
}

static int worker_main(void *arg)
{
	struct worker *w = arg;
	unsigned int idle_loops = 0;
	uint64_t start = rte_rdtsc();

	/* The default 50 us timer slack would double our idle sleeps. */
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	rte_rcu_qsbr_thread_register(qsbr, w->index);
	rte_rcu_qsbr_thread_online(qsbr, w->index);
	XVIO_LOG(INFO, "worker %u running on CPU %u (lcore %u)", w->index, w->cpu,
		 w->lcore_id);
	while (!__atomic_load_n(&w->stop, __ATOMIC_RELAXED)) {
		const struct worker_plan *plan = __atomic_load_n(&w->plan, __ATOMIC_ACQUIRE);
		uint64_t now = start, end;
		uint32_t moved = 0;

		for (unsigned int i = 0; i < plan->n; i++) {
			struct relay_dir *d = plan->dirs[i];
			uint16_t n = relay_dir_poll(d, now);

			/* Charge a direction only when it did work: one TSC
			 * read per busy direction, none for idle ones. */
			if (n) {
				uint64_t t = rte_rdtsc();

				d->stats.busy_cycles += t - now;
				now = t;
				moved += n;
			}
		}
		rte_rcu_qsbr_quiescent(qsbr, w->index);
		end = rte_rdtsc();
		w->stats.loops++;
		if (moved) {
			w->stats.busy_cycles += end - start;
			w->stats.packets += moved;
			idle_loops = 0;
		} else {
			if (!w->busy_poll && ++idle_loops > IDLE_SPIN_LOOPS) {
				idle_sleep(w, idle_loops);
				end = rte_rdtsc();
			}
			w->stats.idle_cycles += end - start;
		}
		start = end;
	}
	rte_rcu_qsbr_thread_offline(qsbr, w->index);
	rte_rcu_qsbr_thread_unregister(qsbr, w->index);
	return 0;
}

static struct worker_plan *plan_alloc(unsigned int n)
{
	struct worker_plan *p = malloc(sizeof(*p) + n * sizeof(p->dirs[0]));

	if (p != NULL)
		p->n = n;
	return p;
}

static void plan_publish(struct worker *w, struct worker_plan *next)
{
	struct worker_plan *old = __atomic_exchange_n(&w->plan, next, __ATOMIC_ACQ_REL);

	worker_synchronize();
	free(old);
}

int worker_plan_add(struct worker *w, struct relay_dir *dir)
{
	const struct worker_plan *cur = w->plan;
	struct worker_plan *next = plan_alloc(cur->n + 1);

	if (next == NULL)
		return -ENOMEM;
	memcpy(next->dirs, cur->dirs, cur->n * sizeof(cur->dirs[0]));
	next->dirs[cur->n] = dir;
	plan_publish(w, next);
	dir->worker = w;
	return 0;
}

int worker_plan_remove(struct worker *w, struct relay_dir *dir)
{
	const struct worker_plan *cur = w->plan;
	struct worker_plan *next = plan_alloc(cur->n);

	if (next == NULL)
		return -ENOMEM;
	next->n = 0;
	for (unsigned int i = 0; i < cur->n; i++)
		if (cur->dirs[i] != dir)
			next->dirs[next->n++] = cur->dirs[i];
	plan_publish(w, next);
	dir->worker = NULL;
	return 0;
}

int workers_start(const struct xviod_options *opts)
{
	unsigned int lcore, i = 0;
	size_t size;

	nb_workers = rte_lcore_count() - 1;
	if (nb_workers == 0 || nb_workers > XVIO_MAX_WORKERS) {
		XVIO_LOG(ERR, "need 1 to %d worker lcores, have %u", XVIO_MAX_WORKERS,
			 nb_workers);
		return -EINVAL;
	}
	size = rte_rcu_qsbr_get_memsize(nb_workers);
	qsbr = rte_zmalloc("xvio_qsbr", size, RTE_CACHE_LINE_SIZE);
	if (qsbr == NULL || rte_rcu_qsbr_init(qsbr, nb_workers) != 0)
		return -ENOMEM;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		struct worker *w = &workers[i];

		w->index = i;
		w->lcore_id = lcore;
		w->cpu = opts->nb_workers ? opts->worker_cpus[i] : (unsigned int)-1;
		w->busy_poll = opts->busy_poll;
		w->plan = plan_alloc(0);
		if (w->plan == NULL)
			return -ENOMEM;
		i++;
	}
	for (i = 0; i < nb_workers; i++) {
		if (workers[i].cpu == (unsigned int)-1) {
			rte_cpuset_t set = rte_lcore_cpuset(workers[i].lcore_id);

			for (unsigned int c = 0; c < CPU_SETSIZE; c++)
				if (CPU_ISSET(c, &set)) {
					workers[i].cpu = c;
					break;
				}
		}
		if (rte_eal_remote_launch(worker_main, &workers[i], workers[i].lcore_id) != 0)
			return -EBUSY;
	}
	return 0;
}

void workers_stop(void)
{
	for (unsigned int i = 0; i < nb_workers; i++)
		__atomic_store_n(&workers[i].stop, true, __ATOMIC_RELAXED);
	rte_eal_mp_wait_lcore();
	for (unsigned int i = 0; i < nb_workers; i++) {
		free(workers[i].plan);
		workers[i].plan = NULL;
	}
	rte_free(qsbr);
	qsbr = NULL;
}
