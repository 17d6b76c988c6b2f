/* SPDX-License-Identifier: BSD-3-Clause */
/* A bridge's flow tables: rules added, changed, deleted, expired, shown. */
#ifndef XVIO_BRIDGE_FLOWS_H
#define XVIO_BRIDGE_FLOWS_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "flow/flow_spec.h"
#include "switch/bridge_types.h"

/*
 * All of a batch is checked first and then
 * applied, so a bad rule changes nothing. Each returns 0 or -errno.
 */
int bridge_flows_add(struct bridge *br, const struct flow_spec *specs, unsigned int n,
		     char *err, size_t errlen);
/* Change the actions of matching rules (strict: same match and priority).
 * Returns how many changed in *count. */
int bridge_flows_modify(struct bridge *br, const struct flow_spec *spec, bool strict,
			unsigned int *count, char *err, size_t errlen);
int bridge_flows_delete(struct bridge *br, const struct flow_spec *spec, bool strict,
			unsigned int *count);
/* Call fn for each rule the spec selects (non-strict), by table then
 * priority. */
void bridge_flows_dump(struct bridge *br, const struct flow_spec *filter,
		       void (*fn)(const struct rule *r, void *aux), void *aux);
/* Expire rules past their idle/hard timeouts. Returns how many. */
unsigned int bridge_flows_expire(struct bridge *br, uint64_t now_tsc);

/* The flow text that recreates a rule (ovs-ofctl syntax), malloc'd; NULL
 * if out of memory. */
char *rule_format(struct bridge *br, const struct rule *r);
/* Every rule as the flow text that recreates it (the config file). */
json_t *bridge_flows_config(struct bridge *br);

/* The sum of a rule's per-worker counters; *used_tsc the latest hit. */
void rule_stats_sum(const struct rule *r, uint64_t *packets, uint64_t *bytes,
		    uint64_t *used_tsc);

/* Does any rule use meter id? */
bool bridge_meter_in_use(const struct bridge *br, uint32_t id);

#endif
