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
 * thread. Handlers run with it held.
 */
#ifndef XVIO_COMMANDS_H
#define XVIO_COMMANDS_H

#include <pthread.h>
#include <stddef.h>

#include <jansson.h>

typedef int (*command_fn)(json_t *args, json_t **result, char *err, size_t errlen);

struct command {
	const char *name;
	command_fn fn;
	const char *summary;
};

extern pthread_mutex_t ctl_lock;

/* Add a table of commands (static storage). */
void commands_register(const struct command *cmds, size_t n);

/* Run one request (takes ctl_lock) and build the reply. */
json_t *commands_dispatch(json_t *request);

/* Register each capability's commands. */
void port_ctl_register(void);
void relay_ctl_register(void);
void bridge_ctl_register(void);
void daemon_ctl_register(const char *config_path, const char *config_dir);

#endif
