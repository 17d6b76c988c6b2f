/* SPDX-License-Identifier: BSD-3-Clause */
/* A bridge's ports by name and by OpenFlow port number. */
#ifndef XVIO_BRIDGE_NAMES_H
#define XVIO_BRIDGE_NAMES_H

#include "switch/bridge_types.h"

struct bridge_port *bridge_port_by_name(const struct bridge *br, const char *name);
const char *bridge_port_bridge_name(const struct bridge_port *bp);

/* Port names <-> ofports for the flow parser and printer (aux = bridge). */
int bridge_port_lookup(const char *name, void *aux);
const char *bridge_port_name(uint16_t ofport, void *aux);

#endif
