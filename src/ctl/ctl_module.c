/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl/ctl_module.h"

#include <errno.h>
#include <stdio.h>

#define MAX_MODULES 16

static const struct xvio_module *modules[MAX_MODULES];
static size_t nb_modules;
static size_t nb_started;
static int overflow;

void xvio_module_register(const struct xvio_module *m)
{
	size_t i;

	if (nb_modules == MAX_MODULES) {
		overflow = 1;
		return;
	}
	/* Kept sorted by rank: constructors run in link order. */
	for (i = nb_modules; i > 0 && modules[i - 1]->rank > m->rank; i--)
		modules[i] = modules[i - 1];
	modules[i] = m;
	nb_modules++;
}

int xvio_modules_init(char *err, size_t errlen)
{
	if (overflow) {
		snprintf(err, errlen, "more than %d modules (MAX_MODULES)", MAX_MODULES);
		return -E2BIG;
	}
	for (nb_started = 0; nb_started < nb_modules; nb_started++) {
		const struct xvio_module *m = modules[nb_started];
		int rc = m->init ? m->init(err, errlen) : 0;

		if (rc != 0) {
			xvio_modules_fini();
			return rc;
		}
		if (m->n_commands)
			ctl_commands_register(m->commands, m->n_commands);
	}
	return 0;
}

void xvio_modules_tick(uint64_t interval_cycles)
{
	for (size_t i = 0; i < nb_started; i++)
		if (modules[i]->tick)
			modules[i]->tick(interval_cycles);
}

void xvio_modules_fini(void)
{
	while (nb_started > 0) {
		const struct xvio_module *m = modules[--nb_started];

		if (m->fini)
			m->fini();
	}
}
