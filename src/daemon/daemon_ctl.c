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
#include "ctl/ctl_module.h"
#include "daemon/config.h"
#include "daemon/ctl_server.h"
#include "daemon/daemon_ctl.h"

static char default_config_path[PATH_MAX];
static char config_dir[PATH_MAX];
/* config save writes only here: a control client is not root (ctl_auth.h). */
static const struct path_area config_area = { config_dir, "config", "--config-dir" };

/* Every module's counters (ctl/ctl_module.h), and the daemon's own. */
static int cmd_stats(json_t *args, json_t **result, char *err, size_t errlen)
{
	static const char *const allowed[] = { NULL };
	json_t *res;

	if (args_check_keys(args, allowed, err, errlen))
		return -EINVAL;
	res = json_pack("{s:I}", "tsc_hz", (json_int_t)rte_get_tsc_hz());
	for (size_t m = 0; m < xvio_module_count(); m++) {
		const struct xvio_module *mod = xvio_module_get(m);

		for (size_t i = 0; i < mod->n_stats; i++)
			json_object_set_new(res, mod->stats[i].key, mod->stats[i].stats());
	}
	json_object_set_new(res, "control", ctl_server_stats());
	*result = res;
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
	*result = config_running();
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
	doc = config_running();
	rc = config_save_file(full, doc, err, errlen);
	json_decref(doc);
	if (rc == 0)
		*result = json_pack("{s:s}", "path", full);
	return rc;
}

static const struct ctl_command daemon_commands[] = {
	{ "version", cmd_version, "versions of xviod and DPDK" },
	{ "stats", cmd_stats, "all counters: every module's (cores, relays, bridges, ports, ...)" },
	{ "config-show", cmd_config_show, "the running config, as a config file" },
	{ "config-save", cmd_config_save, "write the running config to a file" },
};

void daemon_ctl_register(const char *config_path, const char *dir)
{
	snprintf(default_config_path, sizeof(default_config_path), "%s", config_path);
	snprintf(config_dir, sizeof(config_dir), "%s", dir);
	ctl_commands_register(daemon_commands, RTE_DIM(daemon_commands));
}
