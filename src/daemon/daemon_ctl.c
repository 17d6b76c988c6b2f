/* SPDX-License-Identifier: BSD-3-Clause */
/* Daemon-wide commands: version, config-show, config-save. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_version.h>

#include "common/path_confine.h"
#include "ctl/ctl_args.h"
#include "ctl/ctl_commands.h"
#include "daemon/config.h"
#include "daemon/ctl_server.h"
#include "daemon/daemon_ctl.h"
#include "port/port.h"
#include "relay/relay.h"
#include "relay/relay_ctl.h"
#include "switch/bridge.h"

static char default_config_path[PATH_MAX];
static char config_dir[PATH_MAX];
/* config save writes only here: a control client is not root (ctl_auth.h). */
static const struct path_area config_area = { config_dir, "config", "--config-dir" };

static json_t *running_config(void)
{
	json_t *ports = json_array(), *relays = json_array(), *bridges = json_array();

	for (struct port *p = port_first(); p != NULL; p = port_next(p))
		json_array_append_new(ports, port_to_json(p, true));
	for (struct relay *r = relay_first(); r != NULL; r = relay_next(r))
		json_array_append_new(relays, relay_to_json(r, true));
	for (struct bridge *br = bridge_first(); br != NULL; br = bridge_next(br))
		json_array_append_new(bridges, bridge_to_json(br, true));
	return json_pack("{s:o, s:o, s:o, s:b}", "ports", ports, "relays", relays,
			 "bridges", bridges, "rebalance", relay_ctl_auto_rebalance());
}

static int cmd_stats(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { NULL };
	json_t *ports, *bridges;

	if (args_check_keys(args, allowed, err, errlen))
		return -EINVAL;
	ports = json_array();
	for (struct port *p = port_first(); p != NULL; p = port_next(p))
		json_array_append_new(ports, port_to_json(p, false));
	bridges = json_array();
	for (struct bridge *br = bridge_first(); br != NULL; br = bridge_next(br))
		json_array_append_new(bridges, bridge_to_json(br, false));
	*result = json_pack("{s:I, s:{s:I, s:I}, s:o, s:o, s:o, s:o, s:o}",
			    "tsc_hz", (json_int_t)rte_get_tsc_hz(),
			    "mbufs", "size", (json_int_t)port_pool()->size,
			    "in_use", (json_int_t)rte_mempool_in_use_count(port_pool()),
			    "cores", relay_ctl_cores_json(), "relays", relay_ctl_relays_json(),
			    "bridges", bridges, "ports", ports, "control", ctl_server_stats());
	return 0;
}

static int cmd_version(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { NULL };

	if (args_check_keys(args, allowed, err, errlen))
		return -EINVAL;
	*result = json_pack("{s:s, s:s}", "xviod", XVIO_VERSION, "dpdk", rte_version());
	return 0;
}

static int cmd_config_show(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { NULL };

	if (args_check_keys(args, allowed, err, errlen))
		return -EINVAL;
	*result = running_config();
	return 0;
}

static int cmd_config_save(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { "path", NULL };
	char full[PATH_MAX];
	const char *path;
	json_t *doc;
	int rc;

	if (args_check_keys(args, allowed, err, errlen) ||
	    args_get_str(args, "path", default_config_path, &path, err, errlen))
		return -EINVAL;
	if (path[0] == '\0') {
		snprintf(err, errlen, "xviod was started without --config: give a path");
		return -EINVAL;
	}
	rc = path_confine(&config_area, path, true, full, sizeof(full), err, errlen);
	if (rc)
		return rc;
	doc = running_config();
	rc = config_save_file(full, doc, err, errlen);
	json_decref(doc);
	if (rc == 0)
		*result = json_pack("{s:s}", "path", full);
	return rc;
}

static const struct ctl_command daemon_commands[] = {
	{ "version", cmd_version, "versions of xviod and DPDK" },
	{ "stats", cmd_stats, "all counters: cores, relays, bridges, ports" },
	{ "config-show", cmd_config_show, "the running config, as a config file" },
	{ "config-save", cmd_config_save, "write the running config to a file" },
};

void daemon_ctl_register(const char *config_path, const char *dir)
{
	snprintf(default_config_path, sizeof(default_config_path), "%s", config_path);
	snprintf(config_dir, sizeof(config_dir), "%s", dir);
	ctl_commands_register(daemon_commands, RTE_DIM(daemon_commands));
}
