/* SPDX-License-Identifier: BSD-3-Clause */
#include "common/names.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static struct {
	const char *kind;
	bool (*exists)(const char *name);
} tables[4];
static size_t nb_tables;

void names_register(const char *kind, bool (*exists)(const char *name))
{
	if (nb_tables < sizeof(tables) / sizeof(tables[0])) {
		tables[nb_tables].kind = kind;
		tables[nb_tables].exists = exists;
		nb_tables++;
	}
}

int names_check_free(const char *kind, const char *name, char *err, size_t errlen)
{
	for (size_t i = 0; i < nb_tables; i++) {
		if (!tables[i].exists(name))
			continue;
		if (strcmp(tables[i].kind, kind) == 0)
			snprintf(err, errlen, "%s '%s' already exists", kind, name);
		else
			snprintf(err, errlen, "'%s' is already the name of a %s (ports, relays "
				 "and bridges share one namespace)", name, tables[i].kind);
		return -EEXIST;
	}
	return 0;
}
