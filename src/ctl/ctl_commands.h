/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The command table behind the control socket and the config file.
 *
 * A handler takes the request's "args" object and either returns 0 with
 * *result set (any JSON, or NULL for none) or -errno with a one-line
 * reason in err. A failing handler must leave the daemon unchanged.
 *
 * ctl_lock serialises everything that changes or walks the port and relay
 * tables: command handlers, the control thread's timer and the telemetry
 * thread. Handlers run with it held. Features register their tables as
 * part of their module (ctl/ctl_module.h).
 */
#ifndef XVIO_CTL_COMMANDS_H
#define XVIO_CTL_COMMANDS_H

#include <pthread.h>
#include <stddef.h>

#include <jansson.h>

typedef int (*ctl_command_fn)(json_t *args, json_t **result, char *err, size_t errlen);

struct ctl_command {
	const char *name;
	ctl_command_fn fn;
	const char *summary;
};

extern pthread_mutex_t ctl_lock;

/* Add a table of commands (static storage). */
void ctl_commands_register(const struct ctl_command *cmds, size_t n);

/* Run one request (takes ctl_lock) and build the reply. */
json_t *ctl_commands_dispatch(json_t *request);

#endif
