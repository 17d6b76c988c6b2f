/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl/ctl_commands.h"

#include <errno.h>
#include <string.h>

#include "common/xvio_log.h"
#include "ctl/ctl_proto.h"

#define MAX_COMMAND_TABLES 8

pthread_mutex_t ctl_lock = PTHREAD_MUTEX_INITIALIZER;

static struct {
	const struct ctl_command *cmds;
	size_t n;
} tables[MAX_COMMAND_TABLES];
static size_t nb_tables;

void ctl_commands_register(const struct ctl_command *cmds, size_t n)
{
	if (nb_tables < MAX_COMMAND_TABLES) {
		tables[nb_tables].cmds = cmds;
		tables[nb_tables].n = n;
		nb_tables++;
	}
}

static const struct ctl_command *command_find(const char *name)
{
	for (size_t t = 0; t < nb_tables; t++)
		for (size_t i = 0; i < tables[t].n; i++)
			if (strcmp(tables[t].cmds[i].name, name) == 0)
				return &tables[t].cmds[i];
	return NULL;
}

static int list_commands(json_t *args, json_t **result, char *err, size_t errlen)
{
	json_t *arr = json_array();

	(void)args, (void)err, (void)errlen;
	for (size_t t = 0; t < nb_tables; t++)
		for (size_t i = 0; i < tables[t].n; i++)
			json_array_append_new(arr, json_pack("{s:s, s:s}",
				"name", tables[t].cmds[i].name,
				"summary", tables[t].cmds[i].summary));
	*result = arr;
	return 0;
}

static const struct ctl_command builtin[] = {
	{ "commands", list_commands, "list the commands this daemon understands" },
};

json_t *ctl_commands_dispatch(json_t *request)
{
	const struct ctl_command *cmd;
	const char *name;
	json_t *args, *result = NULL;
	char err[512] = "";
	int rc;

	if (ctl_request_parse(request, &name, &args, err, sizeof(err)) != 0)
		return ctl_reply_error("%s", err);
	if (strcmp(name, builtin[0].name) == 0)
		cmd = &builtin[0];
	else
		cmd = command_find(name);
	if (cmd == NULL)
		return ctl_reply_error("unknown command '%s'", name);
	pthread_mutex_lock(&ctl_lock);
	rc = cmd->fn(args, &result, err, sizeof(err));
	pthread_mutex_unlock(&ctl_lock);
	if (rc != 0) {
		json_decref(result);
		XVIO_LOG(DEBUG, "command %s failed: %s", name, err);
		return ctl_reply_error("%s", err[0] ? err : strerror(-rc));
	}
	return ctl_reply_ok(result);
}
