/* SPDX-License-Identifier: BSD-3-Clause */
/* The bridges table, which `stats` prints too. */
#ifndef XVIO_CLI_BRIDGE_H
#define XVIO_CLI_BRIDGE_H

#include <jansson.h>

/* One row per bridge port (bridge list, stats). */
void cli_print_bridges(json_t *bridges);

#endif
