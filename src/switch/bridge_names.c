/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A bridge's port names and numbers: what the flow parser, the printer and
 * trace resolve names with. Only reads struct bridge, so the translation
 * and cache unit tests link it without DPDK's runtime.
 */
#include <string.h>

#include "port/port.h"
#include "switch/bridge_names.h"

struct bridge_port *bridge_port_by_name(const struct bridge *br, const char *name)
{
	for (uint16_t p = 1; p <= br->max_ofport; p++)
		if (br->ports[p] != NULL && strcmp(br->ports[p]->port->name, name) == 0)
			return br->ports[p];
	return NULL;
}

const char *bridge_port_bridge_name(const struct bridge_port *bp)
{
	return bp->bridge->name;
}

int bridge_port_lookup(const char *name, void *aux)
{
	const struct bridge_port *bp = bridge_port_by_name(aux, name);

	return bp ? bp->ofport : -1;
}

const char *bridge_port_name(uint16_t ofport, void *aux)
{
	const struct bridge *br = aux;

	return ofport >= 1 && ofport <= BRIDGE_MAX_PORTS && br->ports[ofport] ?
	       br->ports[ofport]->port->name : NULL;
}
