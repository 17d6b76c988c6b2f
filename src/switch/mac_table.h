/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The MAC learning table of a bridge's `normal` action: (MAC, VLAN) ->
 * ofport, with ageing.
 *
 * Workers learn and look up concurrently; the control thread ages entries
 * out. It is a DPDK rte_hash in lock-free read mode: lookups take no lock,
 * writers (learning is rare: a new or moved MAC, or a refresh at most once
 * per MAC_REFRESH_S; deleting) serialise on the table's spinlock, which also
 * keeps the count of entries per port exact.
 *
 * Each port may hold at most its limit of entries: a port that sends from
 * more addresses (a guest spraying random source MACs) has the rest
 * refused and counted, and cannot fill the table that the other ports'
 * addresses need. Refused addresses are still switched (flooded when they
 * are destinations), they are only not learnt.
 *
 * A deleted entry's key slot may be reused only once no worker can still
 * be reading it. The control thread, which does all deleting, waits for
 * that itself (worker_synchronize(), which wakes sleeping workers) and then
 * frees the slots, so an idle worker, which reports no quiescent state
 * while it sleeps, cannot keep aged entries from making room.
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
#define MAC_LIMIT_DEFAULT 1024         /* entries per port */
#define MAC_TABLE_MAX_OFPORT 256

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

/* Control thread: the most entries ofport may hold (1..MAC_TABLE_SIZE).
 * Lowering it below what the port holds removes nothing: the port learns
 * again once ageing took it below. */
void mac_table_set_limit(struct mac_table *t, uint16_t ofport, uint32_t limit);
/* Entries on ofport, and addresses its limit refused (since it was
 * attached: mac_table_flush_port() starts it again). */
uint32_t mac_table_port_entries(const struct mac_table *t, uint16_t ofport);
uint64_t mac_table_port_refused(const struct mac_table *t, uint16_t ofport);

/* Control thread: drop entries older than age_s, or all on ofport (if not
 * 0). Returns how many. Waits for an RCU grace period when it dropped any. */
unsigned int mac_table_age(struct mac_table *t, uint32_t now_s, uint32_t age_s);
unsigned int mac_table_flush_port(struct mac_table *t, uint16_t ofport);

/* [{mac, vlan, port, age}], for `xvioctl fdb-show`. */
json_t *mac_table_to_json(const struct mac_table *t, uint32_t now_s);
uint64_t mac_table_learn_failures(const struct mac_table *t);

/* Seconds since an entry was seen at seen_s. A worker may stamp an entry
 * after the control thread read the clock: seen in the future is age 0,
 * not an unsigned wrap to ~136 years (which aged it out at once). */
static inline uint32_t mac_age_of(uint32_t now_s, uint32_t seen_s)
{
	int32_t d = (int32_t)(now_s - seen_s);

	return d > 0 ? (uint32_t)d : 0;
}

/* Seconds since start: a cheap clock for workers (from the TSC). */
uint32_t mac_now_s(void);
/* The same for a TSC value already read (never earlier than the last one
 * this thread asked about). */
uint32_t mac_now_s_at(uint64_t tsc);

#endif
