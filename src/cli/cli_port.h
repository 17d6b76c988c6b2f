/* SPDX-License-Identifier: BSD-3-Clause */
/* The port and relay tables, which `stats` prints too. */
#ifndef XVIO_CLI_PORT_H
#define XVIO_CLI_PORT_H

#include <jansson.h>

void cli_print_ports(json_t *ports);
void cli_print_relays(json_t *relays);
/* The sum of a relay direction's drops by reason. */
json_int_t cli_drops_total(json_t *dir);

#endif
