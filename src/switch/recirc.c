/* SPDX-License-Identifier: BSD-3-Clause */
/* The recirculation states of a bridge: the rules are in recirc.h. */
#include "switch/recirc.h"

#include <errno.h>
#include <stdlib.h>

#include <rte_hash_crc.h>
#include <rte_spinlock.h>

#include "switch/bridge_changes.h"
#include "switch/bridge_rcu.h"

#define RECIRC_BUCKETS 4096

struct recirc_table {
	rte_spinlock_t lock;
	unsigned int n_states;
	uint32_t next_id;               /* never handed out yet: next_id.. */
	unsigned int n_free;
	uint32_t *free_ids;             /* [RECIRC_MAX_STATES]: retired ids */
	struct recirc_state *buckets[RECIRC_BUCKETS];
};

int recirc_table_init(struct bridge *br)
{
	struct recirc_table *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return -ENOMEM;
	t->free_ids = malloc(RECIRC_MAX_STATES * sizeof(t->free_ids[0]));
	if (t->free_ids == NULL) {
		free(t);
		return -ENOMEM;
	}
	rte_spinlock_init(&t->lock);
	t->next_id = 1;                 /* 0: a packet as it was received */
	br->recirc = t;
	return 0;
}

void recirc_table_fini(struct bridge *br)
{
	struct recirc_table *t = br->recirc;

	if (t == NULL)
		return;
	bridge_sync();                  /* retired states give their ids back */
	for (unsigned int b = 0; b < RECIRC_BUCKETS; b++)
		for (struct recirc_state *st = t->buckets[b], *next; st != NULL; st = next) {
			next = st->next;
			free(st);
		}
	free(t->free_ids);
	free(t);
	br->recirc = NULL;
}

static uint32_t hash_state(const struct flow_key *meta, const struct action *acts,
			   unsigned int n)
{
	uint32_t h = rte_hash_crc(meta, sizeof(*meta), n);

	return rte_hash_crc(acts, n * sizeof(acts[0]), h);
}

static bool same_state(const struct recirc_state *st, const struct flow_key *meta,
		       const struct action *acts, unsigned int n)
{
	struct flow_key m = st->meta;

	m.recirc_id = 0;
	return st->n_acts == n && memcmp(&m, meta, sizeof(m)) == 0 &&
	       memcmp(st->acts, acts, n * sizeof(acts[0])) == 0;
}

/* Under the lock: a fresh id, or 0 if all are in use. */
static uint32_t take_id(struct recirc_table *t)
{
	if (t->n_free)
		return t->free_ids[--t->n_free];
	if (t->next_id <= RECIRC_MAX_STATES)
		return t->next_id++;
	return 0;
}

const struct recirc_state *recirc_intern(const struct bridge *br, const struct flow_key *key,
					 const struct action *acts, unsigned int n_acts)
{
	struct recirc_table *t = br->recirc;
	struct flow_key meta;
	struct recirc_state *st;
	uint32_t h, id;

	if (t == NULL)
		return NULL;
	memset(&meta, 0, sizeof(meta));
	recirc_meta_copy(&meta, key);
	meta.recirc_id = 0;
	h = hash_state(&meta, acts, n_acts);
	rte_spinlock_lock(&t->lock);
	for (st = t->buckets[h % RECIRC_BUCKETS]; st != NULL; st = st->next)
		if (st->hash == h && same_state(st, &meta, acts, n_acts)) {
			__atomic_add_fetch(&st->refs, 1, __ATOMIC_RELAXED);
			rte_spinlock_unlock(&t->lock);
			return st;
		}
	id = take_id(t);
	st = id ? malloc(sizeof(*st) + n_acts * sizeof(acts[0])) : NULL;
	if (st == NULL) {
		if (id)
			t->free_ids[t->n_free++] = id;
		rte_spinlock_unlock(&t->lock);
		return NULL;
	}
	st->table = t;
	st->id = id;
	st->hash = h;
	st->refs = 1;
	st->meta = meta;
	st->meta.recirc_id = rte_cpu_to_be_32(id);
	st->n_acts = (uint16_t)n_acts;
	memcpy(st->acts, acts, n_acts * sizeof(acts[0]));
	st->next = t->buckets[h % RECIRC_BUCKETS];
	t->buckets[h % RECIRC_BUCKETS] = st;
	t->n_states++;
	rte_spinlock_unlock(&t->lock);
	return st;
}

void recirc_release(const struct recirc_state *st)
{
	__atomic_sub_fetch(&((struct recirc_state *)st)->refs, 1, __ATOMIC_RELEASE);
}

/* A grace period after it left the table: no worker can be using it, and
 * every cache has dropped the megaflows of its id. */
static void free_retired(void *p)
{
	struct recirc_state *st = p;
	struct recirc_table *t = st->table;

	rte_spinlock_lock(&t->lock);
	t->free_ids[t->n_free++] = st->id;
	rte_spinlock_unlock(&t->lock);
	free(st);
}

void recirc_collect(struct bridge *br)
{
	struct recirc_table *t = br->recirc;
	struct recirc_state *retired = NULL;

	if (t == NULL)
		return;
	rte_spinlock_lock(&t->lock);
	for (unsigned int b = 0; b < RECIRC_BUCKETS; b++)
		for (struct recirc_state **pp = &t->buckets[b]; *pp != NULL;) {
			struct recirc_state *st = *pp;

			/* Under the lock nobody can take a new reference. */
			if (__atomic_load_n(&st->refs, __ATOMIC_ACQUIRE) != 0) {
				pp = &st->next;
				continue;
			}
			*pp = st->next;
			t->n_states--;
			st->next = retired;
			retired = st;
		}
	rte_spinlock_unlock(&t->lock);
	while (retired != NULL) {
		struct recirc_state *st = retired;

		retired = st->next;
		bridge_recirc_gone(br, st->id);
		bridge_defer_free(free_retired, st);
	}
}

unsigned int recirc_count(const struct bridge *br)
{
	return br->recirc ? __atomic_load_n(&br->recirc->n_states, __ATOMIC_RELAXED) : 0;
}
