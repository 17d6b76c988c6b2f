/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bridges: the switch datapath's unit of configuration. A bridge has ports
 * (existing vhost-user or NIC ports, each with an OpenFlow port number),
 * flow tables 0..FLOW_TABLE_MAX programmed in ovs-ofctl syntax, a MAC
 * learning table for the `normal` action, and per-worker flow caches.
 *
 * This is the bridge table (bridge.c); what a bridge is made of, and the
 * threading rules, are in bridge_types.h.
 */
#ifndef XVIO_BRIDGE_H
#define XVIO_BRIDGE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "switch/bridge_types.h"

struct bridge *bridge_find(const char *name);
struct bridge *bridge_first(void);
struct bridge *bridge_next(struct bridge *br);

int bridge_add(const char *name, char *err, size_t errlen);
int bridge_del(const char *name, char *err, size_t errlen);
/* The MAC limit of the bridge's ports that have none of their own. */
void bridge_set_mac_limit(struct bridge *br, uint32_t limit);
void bridge_del_all(void);

/* A port to attach, as bridge-port-add asks (bridge_ctl.c reads it from
 * the command's arguments). */
struct bridge_port_spec {
	const char *port;
	uint16_t ofport;          /* 0: the lowest free one */
	uint16_t tag;             /* an access port in this VLAN; 0: a trunk */
	uint16_t n_trunks;        /* the trunk's VLANs; 0: all */
	uint16_t trunks[BRIDGE_MAX_TRUNKS];
	uint32_t mac_limit;       /* 0: the bridge's */
	int core;                 /* run on this CPU's worker; -1: placed */
};
int bridge_port_add(struct bridge *br, const struct bridge_port_spec *spec, char *err,
		    size_t errlen);
int bridge_port_del(struct bridge *br, const char *port, char *err, size_t errlen);







const char *bridge_drop_name(enum bridge_drop d);

json_t *bridge_to_json(struct bridge *br, bool config_only);

/* For command handlers: the bridge named by args' "bridge" key, after
 * checking args has only the allowed keys. 0 or -errno with a reason. */
int bridge_from_args(json_t *args, const char *const *allowed, struct bridge **br,
		     char *err, size_t errlen);


/* Called once per second by the control thread: timeouts, MAC ageing. */
void bridge_tick(void);

#endif
