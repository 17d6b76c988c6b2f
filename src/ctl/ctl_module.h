/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Features as modules: each feature (ports, relays, bridges, meters, and
 * later conntrack, tunnels, routers) describes itself once, in its own
 * file, with XVIO_MODULE(): its start, tick and stop, its control
 * commands, its sections of the config file, its part of `stats` and its
 * DPDK telemetry endpoints. The daemon, the config code and telemetry
 * then serve every module without naming any.
 *
 * Order: modules start in ascending rank and stop in descending rank, so a
 * feature that uses another (a relay uses ports) ranks above it. The ranks
 * in use are listed in docs/architecture.md ("Features as modules").
 *
 * Threads: everything here runs on the control thread; tick and fini run
 * with ctl_lock held (ctl/ctl_commands.h), as command handlers do.
 */
#ifndef XVIO_CTL_MODULE_H
#define XVIO_CTL_MODULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "ctl/ctl_commands.h"

#define XVIO_MAX_MODULES 16

/* A top-level key of the config file that the module owns. */
struct xvio_config_section {
	const char *key;
	/* The key's value in a config file, checked, as control requests
	 * appended to requests in the order they must run. 0, or -EINVAL
	 * with the reason in err. */
	int (*to_requests)(json_t *value, json_t *requests, char *err, size_t errlen);
	/* Its value in the running config (config show, config save). */
	json_t *(*running)(void);
};

/* A key of the `stats` answer and the module's counters under it. */
struct xvio_stats_section {
	const char *key;
	json_t *(*stats)(void);
};

/* Two DPDK telemetry endpoints: list_path lists the `name_key` of every
 * object that list_cmd answers; one_path (parameter: one such name) shows
 * what show_cmd answers for { show_arg: name } or, without a show_cmd,
 * the object of the list with that name. */
struct xvio_telemetry {
	const char *list_path, *list_help;
	const char *one_path, *one_help;
	const char *list_cmd, *name_key;
	const char *show_cmd, *show_arg;
};

struct xvio_module {
	const char *name;
	unsigned int rank;
	/* After the EAL, the packet pool and the workers are up. 0 or -errno
	 * with a reason in err; start-up stops there. May be NULL. */
	int (*init)(char *err, size_t errlen);
	/* Once a second; interval_cycles is the TSC time since the last. */
	void (*tick)(uint64_t interval_cycles);
	/* Shutdown: remove everything the module holds. */
	void (*fini)(void);
	/* The control commands it serves (static storage), and the rest
	 * above; each may be empty. */
	const struct ctl_command *commands;
	size_t n_commands;
	const struct xvio_config_section *config;
	size_t n_config;
	const struct xvio_stats_section *stats;
	size_t n_stats;
	const struct xvio_telemetry *telemetry;
	size_t n_telemetry;
};

void xvio_module_register(const struct xvio_module *m);

/* In the module's file: XVIO_MODULE(port_module); (static storage). */
#define XVIO_MODULE(m)                                                        \
	static void __attribute__((constructor)) xvio_module_register_##m(void) \
	{                                                                     \
		xvio_module_register(&(m));                                   \
	}

/* The registered modules, in rank order (all registered before main()). */
size_t xvio_module_count(void);
const struct xvio_module *xvio_module_get(size_t i);
/* More than XVIO_MAX_MODULES tried to register (start-up refuses). */
bool xvio_modules_overflowed(void);

/* Start every module (and register its commands), in rank order. On a
 * failure the modules already started are stopped again. 0 or -errno. */
int xvio_modules_init(char *err, size_t errlen);
void xvio_modules_tick(uint64_t interval_cycles);
/* Stop every started module, highest rank first. */
void xvio_modules_fini(void);

#endif
