/* SPDX-License-Identifier: BSD-3-Clause */
/* The meter-* commands (meter.h). */
#include <errno.h>
#include <stdio.h>

#include <rte_common.h>

#include "ctl/ctl_args.h"
#include "ctl/ctl_module.h"
#include "switch/bridge.h"
#include "switch/bridge_rcu.h"
#include "switch/meter.h"

static int cmd_meter_add(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { "bridge", "meter", NULL };
	const char *text;
	struct bridge *br;
	int rc;

	(void)result;
	rc = bridge_from_args(args, allowed, &br, err, errlen);
	if (rc)
		return rc;
	if (args_get_str(args, "meter", NULL, &text, err, errlen))
		return -EINVAL;
	return meter_add(br, text, err, errlen);
}

static int cmd_meter_del(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { "bridge", "meter", NULL };
	struct bridge *br;
	unsigned int id;
	int rc;

	(void)result;
	rc = bridge_from_args(args, allowed, &br, err, errlen);
	if (rc)
		return rc;
	if (args_get_uint(args, "meter", false, 0, 1, METER_MAX, &id, err, errlen))
		return -EINVAL;
	return meter_del(br, id, err, errlen);
}

static int cmd_meter_dump(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { "bridge", NULL };
	struct bridge *br;
	int rc;

	rc = bridge_from_args(args, allowed, &br, err, errlen);
	if (rc)
		return rc;
	*result = meters_to_json(br);
	return 0;
}

static const struct ctl_command meter_commands[] = {
	{ "meter-add", cmd_meter_add, "add or replace a meter (ovs-ofctl add-meter syntax)" },
	{ "meter-del", cmd_meter_del, "delete a meter, or all" },
	{ "meter-dump", cmd_meter_dump, "meters with their counters" },
};

/* Meters live and die with their bridge: the module only serves commands. */
static const struct xvio_module meter_module = {
	.name = "meter",
	.rank = 31,
	.commands = meter_commands,
	.n_commands = RTE_DIM(meter_commands),
};

XVIO_MODULE(meter_module)
