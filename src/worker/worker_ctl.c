/* SPDX-License-Identifier: BSD-3-Clause */
/* The worker module (worker_ctl.h): core-list, rebalance, load sampling. */
#include "worker/worker_ctl.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>

#include "ctl/ctl_args.h"
#include "ctl/ctl_config.h"
#include "ctl/ctl_figure.h"
#include "ctl/ctl_module.h"
#include "worker/worker.h"

static bool auto_rebalance = true;

/* Worker busy cycles and the TSC at the last two ticks: the busy share is
 * taken from the older one up to now (1 to 2 s), so it covers what just
 * happened, and against the wall clock, not busy + idle cycles: a
 * sleeping worker charges its whole sleep as idle only when it wakes, so
 * the interval in which traffic woke it looked idle. Both made BUSY% say
 * 0.0 right after a transfer. */
static struct worker_sample {
	uint64_t busy, tsc;
} samples[XVIO_MAX_WORKERS][2];   /* [0]: the older */

void worker_ctl_set_auto_rebalance(bool on)
{
	auto_rebalance = on;
}

static void sample_workers(void)
{
	for (unsigned int i = 0; i < worker_count(); i++) {
		const struct worker_stats *s = &worker_get(i)->stats;

		samples[i][0] = samples[i][1];
		samples[i][1] = (struct worker_sample){
			.busy = __atomic_load_n(&s->busy_cycles, __ATOMIC_RELAXED),
			.tsc = rte_rdtsc() };
	}
}

static json_t *busy_share(unsigned int i, const struct worker_stats *s)
{
	/* Until the first tick, from the sample taken at start. */
	const struct worker_sample *from = samples[i][0].tsc ? &samples[i][0] : &samples[i][1];
	uint64_t busy = __atomic_load_n(&s->busy_cycles, __ATOMIC_RELAXED) - from->busy;
	uint64_t wall = rte_rdtsc() - from->tsc;

	return json_figure(100, RTE_MIN(busy, wall), wall);
}

static json_t *cores_json(void)
{
	json_t *arr = json_array();

	for (unsigned int i = 0; i < worker_count(); i++) {
		const struct worker *w = worker_get(i);
		const struct worker_stats *s = &w->stats;
		json_t *jobs = json_array();
		json_t *obj;

		for (unsigned int k = 0; k < w->plan->n; k++)
			json_array_append_new(jobs, json_string(w->plan->jobs[k]->name));
		obj = json_pack("{s:i, s:i, s:s, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:o}",
				"cpu", (int)w->cpu, "lcore", (int)w->lcore_id,
				"mode", w->busy_poll ? "busy-poll" : "adaptive",
				"busy_percent", busy_share(i, s),
				"loops", (json_int_t)s->loops,
				"packets", (json_int_t)s->packets,
				"busy_cycles", (json_int_t)s->busy_cycles,
				"idle_cycles", (json_int_t)s->idle_cycles,
				"sleeps", (json_int_t)s->sleeps,
				"late_wakeups", (json_int_t)s->late_wakeups,
				"jobs", jobs);
		json_object_set_new(obj, "cycles_per_packet",
				    json_figure(1, s->busy_cycles, s->packets));
		json_array_append_new(arr, obj);
	}
	return arr;
}

static int cmd_core_list(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { NULL };

	if (args_check_keys(args, allowed, err, errlen))
		return -EINVAL;
	*result = cores_json();
	return 0;
}

static int cmd_rebalance(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { "mode", NULL };
	const char *mode;
	unsigned int moved = 0;

	if (args_check_keys(args, allowed, err, errlen) ||
	    args_get_str(args, "mode", "", &mode, err, errlen))
		return -EINVAL;
	if (strcmp(mode, "on") == 0) {
		auto_rebalance = true;
	} else if (strcmp(mode, "off") == 0) {
		auto_rebalance = false;
	} else if (strcmp(mode, "now") == 0) {
		/* Use the loads of the last sample; don't resample. */
		moved = jobs_rebalance(0, true);
	} else if (mode[0] != '\0') {
		snprintf(err, errlen, "rebalance mode '%s' is not on, off or now", mode);
		return -EINVAL;
	}
	*result = json_pack("{s:b, s:i}", "auto", auto_rebalance, "moved", (int)moved);
	return 0;
}

static const struct ctl_command worker_commands[] = {
	{ "core-list", cmd_core_list, "worker cores: load and assignments" },
	{ "rebalance", cmd_rebalance, "automatic rebalancing on/off, or rebalance now" },
};

static int rebalance_to_requests(json_t *value, json_t *requests, char *err, size_t errlen)
{
	return ctl_config_on_off(value, "rebalance", "rebalance", requests, err, errlen);
}

static json_t *rebalance_config(void)
{
	return json_boolean(auto_rebalance);
}

static const struct xvio_config_section worker_config[] = {
	{ "rebalance", rebalance_to_requests, rebalance_config },
};

static const struct xvio_stats_section worker_stats[] = {
	{ "cores", cores_json },
};

static const struct xvio_telemetry worker_telemetry[] = {
	{ "/xvio/cores", "List xvio worker CPUs",
	  "/xvio/core", "An xvio worker core's load. Parameter: CPU",
	  "core-list", "cpu", NULL, NULL },
};

static int worker_module_init(char *err, size_t errlen)
{
	(void)err, (void)errlen;
	sample_workers();
	return 0;
}

/* Samples the loads, then moves jobs if rebalancing is on. */
static void worker_module_tick(uint64_t interval_cycles)
{
	sample_workers();
	jobs_rebalance(interval_cycles, auto_rebalance);
}

/* Last: it rebalances what the other modules placed, and a config file's
 * "rebalance" applies once they have placed it. */
static const struct xvio_module worker_module = {
	.name = "worker",
	.rank = 40,
	.init = worker_module_init,
	.tick = worker_module_tick,
	.commands = worker_commands,
	.n_commands = RTE_DIM(worker_commands),
	.config = worker_config,
	.n_config = RTE_DIM(worker_config),
	.stats = worker_stats,
	.n_stats = RTE_DIM(worker_stats),
	.telemetry = worker_telemetry,
	.n_telemetry = RTE_DIM(worker_telemetry),
};

XVIO_MODULE(worker_module)
