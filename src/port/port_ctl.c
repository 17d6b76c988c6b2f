/* SPDX-License-Identifier: BSD-3-Clause */
/* Control commands for ports: port-add, port-del, port-list, port-show. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/names.h"
#include "ctl/ctl_args.h"
#include "ctl/ctl_config.h"
#include "ctl/ctl_module.h"
#include "port/port.h"

#include <rte_common.h>
#include <rte_mempool.h>

/* The name and the type first, then the type reads the rest into its own
 * arguments: the port table and the types never see the JSON. */
static int cmd_port_add(json_t *args, json_t **result, char *err, size_t errlen)
{
	const struct port_ops *ops;
	const char *name, *type;
	void *targs;
	int rc;

	if (args_get_str(args, "name", NULL, &name, err, errlen) ||
	    args_get_str(args, "type", NULL, &type, err, errlen))
		return -EINVAL;
	rc = port_check_new_name(name, err, errlen);
	if (rc)
		return rc;
	ops = port_type_find(type, err, errlen);
	if (ops == NULL)
		return -EINVAL;
	targs = calloc(1, ops->args_size);
	if (targs == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rc = ops->read_args(args, targs, err, errlen);
	rc = rc ?: port_add(name, ops, targs, err, errlen);
	free(targs);
	if (rc == 0)
		*result = port_to_json(port_find(name), false);
	return rc;
}

static int cmd_port_del(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { "name", NULL };
	const char *name;

	(void)result;
	if (args_check_keys(args, allowed, err, errlen) ||
	    args_get_str(args, "name", NULL, &name, err, errlen))
		return -EINVAL;
	return port_del(name, err, errlen);
}

static int cmd_port_list(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { NULL };
	json_t *arr;

	if (args_check_keys(args, allowed, err, errlen))
		return -EINVAL;
	arr = json_array();
	for (struct port *p = port_first(); p != NULL; p = port_next(p))
		json_array_append_new(arr, port_to_json(p, false));
	*result = arr;
	return 0;
}

static int cmd_port_show(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { "name", NULL };
	const char *name;
	struct port *p;

	if (args_check_keys(args, allowed, err, errlen) ||
	    args_get_str(args, "name", NULL, &name, err, errlen))
		return -EINVAL;
	p = port_find(name);
	if (p == NULL) {
		snprintf(err, errlen, "no port named '%s'", name);
		return -ENOENT;
	}
	*result = port_to_json(p, false);
	return 0;
}

static const struct ctl_command port_commands[] = {
	{ "port-add", cmd_port_add, "add a vhost-user or NIC port" },
	{ "port-del", cmd_port_del, "remove a port that is in no relay and on no bridge" },
	{ "port-list", cmd_port_list, "list ports with their state" },
	{ "port-show", cmd_port_show, "show one port in detail" },
};

static bool port_exists(const char *name)
{
	return port_find(name) != NULL;
}

static int port_module_init(char *err, size_t errlen)
{
	(void)err, (void)errlen;
	names_register("port", port_exists);
	return 0;
}

static void port_module_tick(uint64_t interval_cycles)
{
	(void)interval_cycles;
	port_pool_check();
}

static int ports_to_requests(json_t *value, json_t *requests, char *err, size_t errlen)
{
	return ctl_config_entries(value, "ports", "port-add", requests, err, errlen);
}

static json_t *ports_json(bool config_only)
{
	json_t *ports = json_array();

	for (struct port *p = port_first(); p != NULL; p = port_next(p))
		json_array_append_new(ports, port_to_json(p, config_only));
	return ports;
}

static json_t *ports_config(void)
{
	return ports_json(true);
}

static json_t *ports_stats(void)
{
	return ports_json(false);
}

static json_t *pool_stats(void)
{
	return json_pack("{s:I, s:I}", "size", (json_int_t)port_pool()->size,
			 "in_use", (json_int_t)rte_mempool_in_use_count(port_pool()));
}

static const struct xvio_config_section port_config[] = {
	{ "ports", ports_to_requests, ports_config },
};

static const struct xvio_stats_section port_stats[] = {
	{ "mbufs", pool_stats },
	{ "ports", ports_stats },
};

static const struct xvio_telemetry port_telemetry[] = {
	{ "/xvio/ports", "List xvio ports",
	  "/xvio/port", "An xvio port's state and counters. Parameter: name",
	  "port-list", "name", "port-show", "name" },
};

static const struct xvio_module port_module = {
	.name = "port",
	.rank = 10,
	.init = port_module_init,
	.tick = port_module_tick,
	.fini = port_del_all,
	.commands = port_commands,
	.n_commands = RTE_DIM(port_commands),
	.config = port_config,
	.n_config = RTE_DIM(port_config),
	.stats = port_stats,
	.n_stats = RTE_DIM(port_stats),
	.telemetry = port_telemetry,
	.n_telemetry = RTE_DIM(port_telemetry),
};

XVIO_MODULE(port_module)
