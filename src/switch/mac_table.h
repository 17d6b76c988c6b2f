/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The MAC learning table of a bridge's `normal` action: (MAC, VLAN) ->
 * ofport, with ageing.
 *
 * Workers learn and look up concurrently; the control thread ages entries
 * out. It is a DPDK rte_hash in lock-free read mode: lookups take no lock,
 * writers (learning is rare: a new or moved MAC, or a refresh at most once
 * per MAC_REFRESH_S) serialise on the hash's writer lock. Deleted slots are
 * reused only after an RCU grace period (the workers' QSBR variable).
 */
#ifndef XVIO_MAC_TABLE_H
#define XVIO_MAC_TABLE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>
#include <rte_ether.h>

#define MAC_TABLE_SIZE 8192
#define MAC_AGE_DEFAULT_S 300
#define MAC_REFRESH_S 1

struct mac_table;

struct mac_table *mac_table_create(const char *name);
void mac_table_destroy(struct mac_table *t);

/* The hash key of (mac, vlan), also used by per-worker caches. */
static inline uint64_t mac_key(const struct rte_ether_addr *mac, uint16_t vlan)
{
	uint64_t k = 0;

	memcpy(&k, mac->addr_bytes, RTE_ETHER_ADDR_LEN);
	return k | (uint64_t)vlan << 48;
}

/* Worker: note that mac was seen on ofport in vlan at time now_s. Counts a
 * failure (table full) instead of failing. */
void mac_learn(struct mac_table *t, const struct rte_ether_addr *mac, uint16_t vlan,
	       uint16_t ofport, uint32_t now_s);
/* Worker: the ofport of mac in vlan, or 0 if unknown. */
uint16_t mac_lookup(const struct mac_table *t, const struct rte_ether_addr *mac,
		    uint16_t vlan);

/* Control thread: drop entries older than age_s, or all on ofport (if not
 * 0). Returns how many. */
unsigned int mac_table_age(struct mac_table *t, uint32_t now_s, uint32_t age_s);
unsigned int mac_table_flush_port(struct mac_table *t, uint16_t ofport);

/* [{mac, vlan, port, age}], for `xvioctl fdb-show`. */
json_t *mac_table_to_json(const struct mac_table *t, uint32_t now_s);
uint64_t mac_table_learn_failures(const struct mac_table *t);

/* Seconds since start: a cheap clock for workers (from the TSC). */
uint32_t mac_now_s(void);
/* The same for a TSC value already read (never earlier than the last one
 * this thread asked about). */
uint32_t mac_now_s_at(uint64_t tsc);

#endif
