/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control commands for relays and worker cores: relay-add/del/list/show,
 * relay-pin/unpin, core-list, rebalance, stats; and the periodic load
 * sampling that drives automatic rebalancing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>

#include "common/names.h"
#include "ctl/ctl_args.h"
#include "ctl/ctl_config.h"
#include "ctl/ctl_figure.h"
#include "ctl/ctl_module.h"
#include "port/port.h"
#include "relay/relay.h"
#include "relay/relay_ctl.h"
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

void relay_ctl_set_auto_rebalance(bool on)
{
	auto_rebalance = on;
}

bool relay_ctl_auto_rebalance(void)
{
	return auto_rebalance;
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

void relay_ctl_tick(uint64_t interval_cycles)
{
	sample_workers();
	jobs_rebalance(interval_cycles, auto_rebalance);
}

static int get_relay(json_t *args, const char *const *allowed, struct relay **r,
		     char *err, size_t errlen)
{
	const char *name;

	if (args_check_keys(args, allowed, err, errlen) ||
	    args_get_str(args, "name", NULL, &name, err, errlen))
		return -EINVAL;
	*r = relay_find(name);
	if (*r == NULL) {
		snprintf(err, errlen, "no relay named '%s'", name);
		return -ENOENT;
	}
	return 0;
}

static int cmd_relay_add(json_t *args, json_t **result, char *err, size_t errlen)
{
	int rc = relay_add(args, err, errlen);

	if (rc == 0)
		*result = relay_to_json(relay_find(json_string_value(json_object_get(args, "name"))),
					false);
	return rc;
}

static int cmd_relay_del(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { "name", NULL };
	struct relay *r;
	int rc;

	(void)result;
	rc = get_relay(args, allowed, &r, err, errlen);
	return rc ?: relay_del(r->name, err, errlen);
}

json_t *relay_ctl_relays_json(void)
{
	json_t *arr = json_array();

	for (struct relay *r = relay_first(); r != NULL; r = relay_next(r))
		json_array_append_new(arr, relay_to_json(r, false));
	return arr;
}

static int cmd_relay_list(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { NULL };

	if (args_check_keys(args, allowed, err, errlen))
		return -EINVAL;
	*result = relay_ctl_relays_json();
	return 0;
}

static int cmd_relay_show(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { "name", NULL };
	struct relay *r;
	int rc = get_relay(args, allowed, &r, err, errlen);

	if (rc == 0)
		*result = relay_to_json(r, false);
	return rc;
}

static int cmd_relay_pin(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { "name", "direction", "cpu", NULL };
	const char *dir;
	unsigned int cpu;
	struct relay *r;
	int rc;

	rc = get_relay(args, allowed, &r, err, errlen);
	rc = rc ?: args_get_uint(args, "cpu", true, 0, 0, 1023, &cpu, err, errlen);
	rc = rc ?: args_get_str(args, "direction", "", &dir, err, errlen);
	rc = rc ?: relay_pin(r, dir[0] ? dir : NULL, cpu, err, errlen);
	if (rc == 0)
		*result = relay_to_json(r, false);
	return rc;
}

static int cmd_relay_unpin(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { "name", "direction", NULL };
	const char *dir;
	struct relay *r;
	int rc;

	rc = get_relay(args, allowed, &r, err, errlen);
	rc = rc ?: args_get_str(args, "direction", "", &dir, err, errlen);
	rc = rc ?: relay_unpin(r, dir[0] ? dir : NULL, err, errlen);
	if (rc == 0)
		*result = relay_to_json(r, false);
	return rc;
}

static json_t *busy_share(unsigned int i, const struct worker_stats *s)
{
	/* Until the first tick, from the sample taken at start. */
	const struct worker_sample *from = samples[i][0].tsc ? &samples[i][0] : &samples[i][1];
	uint64_t busy = __atomic_load_n(&s->busy_cycles, __ATOMIC_RELAXED) - from->busy;
	uint64_t wall = rte_rdtsc() - from->tsc;

	return json_figure(100, RTE_MIN(busy, wall), wall);
}

json_t *relay_ctl_cores_json(void)
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
	*result = relay_ctl_cores_json();
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

static const struct ctl_command relay_commands[] = {
	{ "relay-add", cmd_relay_add, "pair a vhost-user port with a NIC port" },
	{ "relay-del", cmd_relay_del, "remove a relay (its ports stay)" },
	{ "relay-list", cmd_relay_list, "list relays with per-direction counters" },
	{ "relay-show", cmd_relay_show, "show one relay" },
	{ "relay-pin", cmd_relay_pin, "run a relay (or one direction) on a given CPU" },
	{ "relay-unpin", cmd_relay_unpin, "let the rebalancer place a relay again" },
	{ "core-list", cmd_core_list, "worker cores: load and assignments" },
	{ "rebalance", cmd_rebalance, "automatic rebalancing on/off, or rebalance now" },
};

static bool relay_exists(const char *name)
{
	return relay_find(name) != NULL;
}

static int relay_module_init(char *err, size_t errlen)
{
	(void)err, (void)errlen;
	sample_workers();
	names_register("relay", relay_exists);
	return 0;
}

static int relays_to_requests(json_t *value, json_t *requests, char *err, size_t errlen)
{
	return ctl_config_entries(value, "relays", "relay-add", requests, err, errlen);
}

static json_t *relays_config(void)
{
	json_t *relays = json_array();

	for (struct relay *r = relay_first(); r != NULL; r = relay_next(r))
		json_array_append_new(relays, relay_to_json(r, true));
	return relays;
}

static int rebalance_to_requests(json_t *value, json_t *requests, char *err, size_t errlen)
{
	return ctl_config_on_off(value, "rebalance", "rebalance", requests, err, errlen);
}

static json_t *rebalance_config(void)
{
	return json_boolean(relay_ctl_auto_rebalance());
}

static const struct xvio_config_section relay_config[] = {
	{ "relays", relays_to_requests, relays_config },
	{ "rebalance", rebalance_to_requests, rebalance_config },
};

static const struct xvio_stats_section relay_stats[] = {
	{ "cores", relay_ctl_cores_json },
	{ "relays", relay_ctl_relays_json },
};

static const struct xvio_telemetry relay_telemetry[] = {
	{ "/xvio/relays", "List xvio relays",
	  "/xvio/relay", "An xvio relay's counters. Parameter: name",
	  "relay-list", "name", "relay-show", "name" },
	{ "/xvio/cores", "List xvio worker CPUs",
	  "/xvio/core", "An xvio worker core's load. Parameter: CPU",
	  "core-list", "cpu", NULL, NULL },
};

static const struct xvio_module relay_module = {
	.name = "relay",
	.rank = 20,
	.init = relay_module_init,
	.tick = relay_ctl_tick,
	.fini = relay_del_all,
	.commands = relay_commands,
	.n_commands = RTE_DIM(relay_commands),
	.config = relay_config,
	.n_config = RTE_DIM(relay_config),
	.stats = relay_stats,
	.n_stats = RTE_DIM(relay_stats),
	.telemetry = relay_telemetry,
	.n_telemetry = RTE_DIM(relay_telemetry),
};

XVIO_MODULE(relay_module)
