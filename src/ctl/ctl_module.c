/* SPDX-License-Identifier: BSD-3-Clause */
/* The module registry (ctl_module.h); starting and stopping the modules
 * is ctl_module_run.c. */
#include "ctl/ctl_module.h"

static const struct xvio_module *modules[XVIO_MAX_MODULES];
static size_t nb_modules;
static bool overflow;

void xvio_module_register(const struct xvio_module *m)
{
	size_t i;

	if (nb_modules == XVIO_MAX_MODULES) {
		overflow = true;
		return;
	}
	/* Kept sorted by rank: constructors run in link order. */
	for (i = nb_modules; i > 0 && modules[i - 1]->rank > m->rank; i--)
		modules[i] = modules[i - 1];
	modules[i] = m;
	nb_modules++;
}

bool xvio_modules_overflowed(void)
{
	return overflow;
}

size_t xvio_module_count(void)
{
	return nb_modules;
}

const struct xvio_module *xvio_module_get(size_t i)
{
	return i < nb_modules ? modules[i] : NULL;
}
