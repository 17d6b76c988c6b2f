/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The relay module: relay-add/del/list/show, relay-pin/unpin, the config
 * file's "relays", the "relays" of stats and the /xvio/relay(s)
 * telemetry. Worker cores and rebalancing are the worker module's
 * (worker/worker_ctl.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>

#include "common/names.h"
#include "ctl/ctl_args.h"
#include "ctl/ctl_config.h"
#include "ctl/ctl_module.h"
#include "port/port.h"
#include "relay/relay.h"
#include "worker/worker.h"

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

/* relay-add's arguments, read into a spec: "core" for both directions,
 * or one per direction. */
static int relay_spec_from_args(json_t *args, struct relay_spec *spec, char *err,
				size_t errlen)
{
	static const char *const allowed[] = {
		"name", "vhost", "nic", "core", "vm-to-nic-core", "nic-to-vm-core", NULL
	};
	static const char *const dir_keys[DIR__COUNT] = {
		[DIR_VM_TO_NIC] = "vm-to-nic-core", [DIR_NIC_TO_VM] = "nic-to-vm-core",
	};
	unsigned int any, cpu;
	int rc;

	rc = args_check_keys(args, allowed, err, errlen);
	rc = rc ?: args_get_str(args, "name", NULL, &spec->name, err, errlen);
	rc = rc ?: args_get_str(args, "vhost", NULL, &spec->vhost, err, errlen);
	rc = rc ?: args_get_str(args, "nic", NULL, &spec->nic, err, errlen);
	rc = rc ?: args_get_uint(args, "core", false, ~0u, 0, 1023, &any, err, errlen);
	for (int k = 0; k < DIR__COUNT && rc == 0; k++) {
		rc = args_get_uint(args, dir_keys[k], false, any, 0, ~0u, &cpu, err, errlen);
		spec->cpu[k] = cpu == ~0u ? -1 : (int)cpu;
	}
	return rc;
}

static int cmd_relay_add(json_t *args, json_t **result, char *err, size_t errlen)
{
	struct relay_spec spec;
	int rc = relay_spec_from_args(args, &spec, err, errlen);

	rc = rc ?: relay_add(&spec, err, errlen);
	if (rc == 0)
		*result = relay_to_json(relay_find(spec.name), false);
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

static json_t *relays_json(void)
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
	*result = relays_json();
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

static const struct ctl_command relay_commands[] = {
	{ "relay-add", cmd_relay_add, "pair a vhost-user port with a NIC port" },
	{ "relay-del", cmd_relay_del, "remove a relay (its ports stay)" },
	{ "relay-list", cmd_relay_list, "list relays with per-direction counters" },
	{ "relay-show", cmd_relay_show, "show one relay" },
	{ "relay-pin", cmd_relay_pin, "run a relay (or one direction) on a given CPU" },
	{ "relay-unpin", cmd_relay_unpin, "let the rebalancer place a relay again" },
};

static bool relay_exists(const char *name)
{
	return relay_find(name) != NULL;
}

static int relay_module_init(char *err, size_t errlen)
{
	(void)err, (void)errlen;
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

static const struct xvio_config_section relay_config[] = {
	{ "relays", relays_to_requests, relays_config },
};

static const struct xvio_stats_section relay_stats[] = {
	{ "relays", relays_json },
};

static const struct xvio_telemetry relay_telemetry[] = {
	{ "/xvio/relays", "List xvio relays",
	  "/xvio/relay", "An xvio relay's counters. Parameter: name",
	  "relay-list", "name", "relay-show", "name" },
};

static const struct xvio_module relay_module = {
	.name = "relay",
	.rank = 20,
	.init = relay_module_init,
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
