/* SPDX-License-Identifier: BSD-3-Clause */
/* Starting, ticking and stopping the registered modules (ctl_module.h). */
#include "ctl/ctl_module.h"

#include <errno.h>
#include <stdio.h>

static size_t nb_started;

int xvio_modules_init(char *err, size_t errlen)
{
	if (xvio_modules_overflowed()) {
		snprintf(err, errlen, "more than %d modules (XVIO_MAX_MODULES)", XVIO_MAX_MODULES);
		return -E2BIG;
	}
	for (nb_started = 0; nb_started < xvio_module_count(); nb_started++) {
		const struct xvio_module *m = xvio_module_get(nb_started);
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
		if (xvio_module_get(i)->tick)
			xvio_module_get(i)->tick(interval_cycles);
}

void xvio_modules_fini(void)
{
	while (nb_started > 0) {
		const struct xvio_module *m = xvio_module_get(--nb_started);

		if (m->fini)
			m->fini();
	}
}
