/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef XVIO_RELAY_CTL_H
#define XVIO_RELAY_CTL_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

void relay_ctl_set_auto_rebalance(bool on);
bool relay_ctl_auto_rebalance(void);

/* Called by the control thread once per interval, with ctl_lock held:
 * samples core and relay loads and rebalances if enabled. */
void relay_ctl_tick(uint64_t interval_cycles);

/* For `stats`: every relay, and every worker core, with counters. */
json_t *relay_ctl_relays_json(void);
json_t *relay_ctl_cores_json(void);

#endif
