/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Meters: rate limits that flows apply with `meter:N` (OpenFlow 1.3, one
 * drop band), written as ovs-ofctl writes them:
 *
 *   meter=1,kbps,burst,band=type=drop,rate=10000,burst_size=1000
 *   meter=2,pktps,band=type=drop,rate=1000
 *
 * Each meter is a DPDK single-rate three-colour marker (rte_meter srTCM)
 * with only the committed bucket: what does not fit is dropped. Any worker
 * may meter the same packet stream, so the marker is under a spinlock.
 */
#ifndef XVIO_METER_H
#define XVIO_METER_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>
#include <rte_meter.h>
#include <rte_spinlock.h>

#include "switch/bridge_types.h"   /* METER_MAX */

struct meter {
	uint32_t id;
	bool pktps;              /* packets per second, else kbit/s */
	uint32_t rate;
	uint32_t burst;          /* packets, or kbit */
	rte_spinlock_t lock;
	struct rte_meter_srtcm_profile profile;
	struct rte_meter_srtcm state;
	uint64_t packets, bytes, dropped;   /* under lock */
};

struct bridge;

/* Parse and add (or replace) a meter. 0 or -errno with a reason. */
int meter_add(struct bridge *br, const char *text, char *err, size_t errlen);
/* Remove meter id (0: all). Fails if a flow still uses it. */
int meter_del(struct bridge *br, uint32_t id, char *err, size_t errlen);
json_t *meters_to_json(const struct bridge *br);
/* Every meter as the text that recreates it (the config file). */
json_t *meters_config(const struct bridge *br);
/* Free every meter (bridge teardown, no readers left). */
void meters_free(struct bridge *br);

/* Datapath: may a packet of len bytes pass now? */
static inline bool meter_pass(struct meter *m, uint64_t now_tsc, uint32_t len)
{
	enum rte_color c;

	rte_spinlock_lock(&m->lock);
	c = rte_meter_srtcm_color_blind_check(&m->state, &m->profile, now_tsc,
					      m->pktps ? 1 : len);
	m->packets++;
	m->bytes += len;
	if (c != RTE_COLOR_GREEN)
		m->dropped++;
	rte_spinlock_unlock(&m->lock);
	return c == RTE_COLOR_GREEN;
}


#endif
