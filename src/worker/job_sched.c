/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which worker runs which job: least-loaded placement, moves, and
 * rebalancing from measured busy cycles. The decisions themselves are
 * pure logic in worker/placement.c; this file applies them to plans.
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>

#include "common/xvio_log.h"
#include "worker/placement.h"
#include "worker/worker.h"

/* Move a job only if the busiest worker gains at least this much of a CPU. */
#define REBALANCE_MIN_GAIN_PERCENT 5
#define SCHED_MAX_JOBS 4096

static struct worker *least_loaded_worker(void)
{
	uint64_t load[XVIO_MAX_WORKERS] = { 0 };
	unsigned int count[XVIO_MAX_WORKERS] = { 0 };

	for (unsigned int i = 0; i < worker_count(); i++) {
		const struct worker_plan *plan = worker_get(i)->plan;

		for (unsigned int k = 0; k < plan->n; k++)
			load[i] += plan->jobs[k]->load;
		count[i] = plan->n;
	}
	return worker_get(placement_least_loaded(load, count, worker_count()));
}

int job_place(struct worker_job *job, struct worker *to)
{
	int rc;

	if (to == NULL)
		to = least_loaded_worker();
	if (job->worker == to)
		return 0;
	if (job->worker != NULL) {
		rc = worker_plan_remove(job->worker, job);
		if (rc)
			return rc;
	}
	return worker_plan_add(to, job);
}

void job_unplace(struct worker_job *job)
{
	/* Each removal waits a grace period: afterwards no worker holds a
	 * pointer to the job. Retry on -ENOMEM: the job must go. */
	while (job->worker != NULL && worker_plan_remove(job->worker, job) != 0)
		;
}

unsigned int jobs_rebalance(uint64_t interval_cycles, bool move)
{
	static struct placement_item items[SCHED_MAX_JOBS];
	static struct worker_job *jobs[SCHED_MAX_JOBS];
	uint64_t hz = rte_get_tsc_hz();
	unsigned int n = 0, moved = 0;

	for (unsigned int i = 0; i < worker_count(); i++) {
		const struct worker_plan *plan = worker_get(i)->plan;

		for (unsigned int k = 0; k < plan->n; k++) {
			struct worker_job *j = plan->jobs[k];
			uint64_t busy = __atomic_load_n(&j->busy_cycles, __ATOMIC_RELAXED);

			if (interval_cycles) {
				j->load = (uint64_t)((double)(busy - j->load_last_busy) *
						     (double)hz / (double)interval_cycles);
				j->load_last_busy = busy;
			}
			if (n == SCHED_MAX_JOBS)
				continue;
			items[n] = (struct placement_item){
				.load = j->load, .worker = i, .pinned = j->pinned,
			};
			jobs[n++] = j;
		}
	}
	if (!move || worker_count() < 2)
		return 0;
	placement_rebalance(items, n, worker_count(), hz * REBALANCE_MIN_GAIN_PERCENT / 100);
	for (unsigned int i = 0; i < n; i++) {
		struct worker *to = worker_get(items[i].worker);

		if (to == jobs[i]->worker)
			continue;
		XVIO_LOG(INFO, "rebalance: %s from CPU %u to CPU %u", jobs[i]->name,
			 jobs[i]->worker->cpu, to->cpu);
		if (job_place(jobs[i], to) == 0)
			moved++;
	}
	return moved;
}
