/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Features as modules: each feature (ports, relays, bridges, meters, and
 * later conntrack, tunnels, routers) describes itself once, in its own
 * file, with XVIO_MODULE(); the daemon then starts, ticks and stops every
 * module without naming any.
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

#include <stddef.h>
#include <stdint.h>

#include "ctl/ctl_commands.h"

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
	/* The control commands it serves (static storage). */
	const struct ctl_command *commands;
	size_t n_commands;
};

void xvio_module_register(const struct xvio_module *m);

/* In the module's file: XVIO_MODULE(port_module); (static storage). */
#define XVIO_MODULE(m)                                                        \
	static void __attribute__((constructor)) xvio_module_register_##m(void) \
	{                                                                     \
		xvio_module_register(&(m));                                   \
	}

/* Start every module (and register its commands), in rank order. On a
 * failure the modules already started are stopped again. 0 or -errno. */
int xvio_modules_init(char *err, size_t errlen);
void xvio_modules_tick(uint64_t interval_cycles);
/* Stop every started module, highest rank first. */
void xvio_modules_fini(void);

#endif
