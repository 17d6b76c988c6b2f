/* SPDX-License-Identifier: BSD-3-Clause */
#include "switch/mac_table.h"

#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_spinlock.h>

#include "common/xvio_log.h"
#include "worker/worker.h"

/* One port's share of the table. limit: written by the control thread;
 * entries: under the table's lock; refused: atomic adds. All read without
 * the lock (relaxed) for counters and the limit check of the worker's
 * lock-free path. */
struct mac_port {
	uint32_t limit;
	uint32_t entries;
	uint64_t refused;
};

struct mac_table {
	struct rte_hash *h;
	rte_spinlock_t lock;       /* every add and delete; see the header */
	uint64_t learn_failures;
	struct mac_port ports[MAC_TABLE_MAX_OFPORT + 1];   /* by ofport */
};

static inline uint16_t value_port(uintptr_t v)
{
	return (uint16_t)(v >> 32);
}

/* The value packs the ofport and the time it was last seen, so an update
 * is one atomic store. */
static inline uintptr_t mac_value(uint16_t ofport, uint32_t now_s)
{
	return (uintptr_t)ofport << 32 | now_s;
}

uint32_t mac_now_s(void)
{
	return mac_now_s_at(rte_rdtsc());
}

/* A division per burst is worth avoiding: remember when the second ends. */
static RTE_DEFINE_PER_LCORE(uint64_t, second_ends);
static RTE_DEFINE_PER_LCORE(uint32_t, second);

uint32_t mac_now_s_at(uint64_t tsc)
{
	if (unlikely(tsc >= RTE_PER_LCORE(second_ends))) {
		uint64_t hz = rte_get_tsc_hz();

		RTE_PER_LCORE(second) = (uint32_t)(tsc / hz);
		RTE_PER_LCORE(second_ends) = (tsc / hz + 1) * hz;
	}
	return RTE_PER_LCORE(second);
}

struct mac_table *mac_table_create(const char *name)
{
	/* No rte_hash RCU integration: its deferred frees wait for every
	 * worker to report quiescence, which a sleeping one never does. Key
	 * slots are freed by remove_if() after worker_synchronize(). */
	struct rte_hash_parameters params = {
		.name = name,
		.entries = MAC_TABLE_SIZE,
		.key_len = sizeof(uint64_t),
		.hash_func = rte_hash_crc,
		.socket_id = (int)rte_socket_id(),
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			      RTE_HASH_EXTRA_FLAGS_MULTI_WRITER_ADD |
			      RTE_HASH_EXTRA_FLAGS_NO_FREE_ON_DEL,
	};
	struct mac_table *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	rte_spinlock_init(&t->lock);
	for (unsigned int p = 0; p <= MAC_TABLE_MAX_OFPORT; p++)
		t->ports[p].limit = MAC_LIMIT_DEFAULT;
	t->h = rte_hash_create(&params);
	if (t->h == NULL) {
		XVIO_LOG(ERR, "MAC table %s: %s", name, rte_strerror(rte_errno));
		mac_table_destroy(t);
		return NULL;
	}
	return t;
}

void mac_table_destroy(struct mac_table *t)
{
	if (t == NULL)
		return;
	rte_hash_free(t->h);
	free(t);
}

uint16_t mac_lookup(const struct mac_table *t, const struct rte_ether_addr *mac,
		    uint16_t vlan)
{
	uint64_t k = mac_key(mac, vlan);
	void *v;

	if (rte_hash_lookup_data(t->h, &k, &v) < 0)
		return 0;
	return (uint16_t)((uintptr_t)v >> 32);
}

/* Counters that workers bump with or without the lock. */
static void count(uint64_t *c)
{
	__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

/* Under the lock: the entry moves to (or appears on) ofport. */
static void learn_locked(struct mac_table *t, uint64_t k, uint16_t ofport, uint32_t now_s)
{
	struct mac_port *to = &t->ports[ofport];
	uint16_t from = 0;
	void *v;

	/* Looked up again: another worker may have learnt or moved it. */
	if (rte_hash_lookup_data(t->h, &k, &v) >= 0)
		from = value_port((uintptr_t)v);
	if (from != ofport && to->entries >= __atomic_load_n(&to->limit, __ATOMIC_RELAXED)) {
		count(&to->refused);
		return;
	}
	if (rte_hash_add_key_data(t->h, &k, (void *)mac_value(ofport, now_s)) < 0) {
		count(&t->learn_failures);
		return;
	}
	if (from == ofport)
		return;
	__atomic_store_n(&to->entries, to->entries + 1, __ATOMIC_RELAXED);
	if (from != 0)
		__atomic_store_n(&t->ports[from].entries, t->ports[from].entries - 1,
				 __ATOMIC_RELAXED);
}

void mac_learn(struct mac_table *t, const struct rte_ether_addr *mac, uint16_t vlan,
	       uint16_t ofport, uint32_t now_s)
{
	uint64_t k = mac_key(mac, vlan);
	const struct mac_port *to;
	void *v;
	bool here = false;

	if (ofport == 0 || ofport > MAC_TABLE_MAX_OFPORT)
		return;
	if (rte_hash_lookup_data(t->h, &k, &v) >= 0 && value_port((uintptr_t)v) == ofport) {
		if (mac_age_of(now_s, (uint32_t)(uintptr_t)v) < MAC_REFRESH_S)
			return; /* known here and fresh: the common case, no write */
		here = true;
	}
	to = &t->ports[ofport];
	if (!here && __atomic_load_n(&to->entries, __ATOMIC_RELAXED) >=
		     __atomic_load_n(&to->limit, __ATOMIC_RELAXED)) {
		/* A port at its limit sending from yet another address: no
		 * lock, so a spraying port does not hold up the others. */
		count(&t->ports[ofport].refused);
		return;
	}
	rte_spinlock_lock(&t->lock);
	learn_locked(t, k, ofport, now_s);
	rte_spinlock_unlock(&t->lock);
}

static unsigned int remove_if(struct mac_table *t, bool (*pred)(uintptr_t v, void *aux),
			      void *aux)
{
	uint64_t keys[256];
	int32_t slots[RTE_DIM(keys)];
	unsigned int n = 0, m, removed = 0;
	const void *key;
	void *v;
	uint32_t iter = 0;

	/* Collect first: deleting while iterating skips entries. */
	do {
		n = 0;
		while (n < RTE_DIM(keys) && rte_hash_iterate(t->h, &key, &v, &iter) >= 0)
			if (pred((uintptr_t)v, aux))
				keys[n++] = *(const uint64_t *)key;
		m = 0;
		rte_spinlock_lock(&t->lock);
		for (unsigned int i = 0; i < n; i++) {
			struct mac_port *on;

			/* Again under the lock: a worker may have refreshed or
			 * moved it since. */
			if (rte_hash_lookup_data(t->h, &keys[i], &v) < 0 || !pred((uintptr_t)v, aux))
				continue;
			slots[m] = rte_hash_del_key(t->h, &keys[i]);
			if (slots[m] < 0)
				continue;
			m++;
			on = &t->ports[value_port((uintptr_t)v)];
			__atomic_store_n(&on->entries, on->entries - 1, __ATOMIC_RELAXED);
		}
		rte_spinlock_unlock(&t->lock);
		/* Workers may still be reading the deleted keys. */
		if (m > 0)
			worker_synchronize();
		for (unsigned int i = 0; i < m; i++)
			rte_hash_free_key_with_position(t->h, slots[i]);
		removed += m;
	} while (n == RTE_DIM(keys));
	return removed;
}

struct age_arg {
	uint32_t now, age;
};

static bool is_old(uintptr_t v, void *aux)
{
	const struct age_arg *a = aux;

	return mac_age_of(a->now, (uint32_t)v) >= a->age;
}

static bool on_port(uintptr_t v, void *aux)
{
	return (uint16_t)(v >> 32) == *(const uint16_t *)aux;
}

unsigned int mac_table_age(struct mac_table *t, uint32_t now_s, uint32_t age_s)
{
	struct age_arg a = { .now = now_s, .age = age_s };

	return remove_if(t, is_old, &a);
}

unsigned int mac_table_flush_port(struct mac_table *t, uint16_t ofport)
{
	unsigned int n = remove_if(t, on_port, &ofport);

	__atomic_store_n(&t->ports[ofport].refused, 0, __ATOMIC_RELAXED);
	return n;
}

void mac_table_set_limit(struct mac_table *t, uint16_t ofport, uint32_t limit)
{
	__atomic_store_n(&t->ports[ofport].limit, limit, __ATOMIC_RELAXED);
}

uint32_t mac_table_port_entries(const struct mac_table *t, uint16_t ofport)
{
	return __atomic_load_n(&t->ports[ofport].entries, __ATOMIC_RELAXED);
}

uint64_t mac_table_port_refused(const struct mac_table *t, uint16_t ofport)
{
	return __atomic_load_n(&t->ports[ofport].refused, __ATOMIC_RELAXED);
}

json_t *mac_table_to_json(const struct mac_table *t, uint32_t now_s)
{
	json_t *arr = json_array();
	const void *key;
	void *v;
	uint32_t iter = 0;

	while (rte_hash_iterate(t->h, &key, &v, &iter) >= 0) {
		uint64_t k = *(const uint64_t *)key;
		struct rte_ether_addr mac;
		char buf[RTE_ETHER_ADDR_FMT_SIZE];

		memcpy(mac.addr_bytes, &k, RTE_ETHER_ADDR_LEN);
		rte_ether_format_addr(buf, sizeof(buf), &mac);
		json_array_append_new(arr, json_pack("{s:s, s:i, s:i, s:i}", "mac", buf,
			"vlan", (int)(k >> 48), "port", (int)((uintptr_t)v >> 32),
			"age", (int)mac_age_of(now_s, (uint32_t)(uintptr_t)v)));
	}
	return arr;
}

uint64_t mac_table_learn_failures(const struct mac_table *t)
{
	return __atomic_load_n(&t->learn_failures, __ATOMIC_RELAXED);
}
