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

#include "common/xvio_log.h"
#include "worker/worker.h"

struct mac_table {
	struct rte_hash *h;
	uint64_t learn_failures;
};

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
	struct rte_hash_parameters params = {
		.name = name,
		.entries = MAC_TABLE_SIZE,
		.key_len = sizeof(uint64_t),
		.hash_func = rte_hash_crc,
		.socket_id = (int)rte_socket_id(),
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			      RTE_HASH_EXTRA_FLAGS_MULTI_WRITER_ADD,
	};
	struct rte_hash_rcu_config rcu = {
		.v = worker_qsbr(),
		.mode = RTE_HASH_QSBR_MODE_DQ,
	};
	struct mac_table *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->h = rte_hash_create(&params);
	if (t->h == NULL || (rcu.v != NULL && rte_hash_rcu_qsbr_add(t->h, &rcu) != 0)) {
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

void mac_learn(struct mac_table *t, const struct rte_ether_addr *mac, uint16_t vlan,
	       uint16_t ofport, uint32_t now_s)
{
	uint64_t k = mac_key(mac, vlan);
	void *v;

	if (rte_hash_lookup_data(t->h, &k, &v) >= 0 &&
	    (uint16_t)((uintptr_t)v >> 32) == ofport &&
	    now_s - (uint32_t)(uintptr_t)v < MAC_REFRESH_S)
		return; /* known here and fresh: the common case, no write */
	if (rte_hash_add_key_data(t->h, &k, (void *)mac_value(ofport, now_s)) < 0)
		__atomic_fetch_add(&t->learn_failures, 1, __ATOMIC_RELAXED);
}

static unsigned int remove_if(struct mac_table *t, bool (*pred)(uintptr_t v, void *aux),
			      void *aux)
{
	uint64_t keys[256];
	unsigned int n = 0, removed = 0;
	const void *key;
	void *v;
	uint32_t iter = 0;

	/* Collect first: deleting while iterating skips entries. */
	do {
		n = 0;
		while (n < RTE_DIM(keys) && rte_hash_iterate(t->h, &key, &v, &iter) >= 0)
			if (pred((uintptr_t)v, aux))
				keys[n++] = *(const uint64_t *)key;
		for (unsigned int i = 0; i < n; i++)
			if (rte_hash_del_key(t->h, &keys[i]) >= 0)
				removed++;
	} while (n == RTE_DIM(keys));
	return removed;
}

struct age_arg {
	uint32_t now, age;
};

static bool is_old(uintptr_t v, void *aux)
{
	const struct age_arg *a = aux;

	return a->now - (uint32_t)v >= a->age;
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
	return remove_if(t, on_port, &ofport);
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
			"age", (int)(now_s - (uint32_t)(uintptr_t)v)));
	}
	return arr;
}

uint64_t mac_table_learn_failures(const struct mac_table *t)
{
	return __atomic_load_n(&t->learn_failures, __ATOMIC_RELAXED);
}
