/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Recirculation: a translation that cannot go on until the packet has
 * been parsed again (pop_vlan uncovering a second tag now; conntrack and
 * tunnel decapsulation later) ends its pass with the datapath step
 * recirc(id). The datapath then parses the packet again, gives the new
 * key the metadata the pass had reached (in_port, registers, conntrack
 * and tunnel fields) and recirc_id = id, and looks it up in the flow
 * cache again. Translating such a key runs the id's continuation: the
 * actions the first pass had still to run, innermost resubmit first.
 *
 * A state is interned: equal metadata with equal continuations share one
 * id, so their later passes share megaflows. Each cached program that
 * ends in recirc(id) holds a reference. Once the last is gone, the
 * control thread's tick (recirc_collect) takes the state out of the
 * table, logs a change that drops every megaflow of that id
 * (bridge_changes.h) and frees the state and its id a grace period
 * later. A worker catches up with the log before each burst, so an id is
 * used again only once no cache holds a megaflow of its old meaning.
 *
 * Threads: workers intern on a cache miss, under the bridge's recirc
 * lock (never taken on a hit); references are dropped with an atomic
 * decrement. recirc_collect and recirc_table_fini: the control thread.
 */
#ifndef XVIO_RECIRC_H
#define XVIO_RECIRC_H

#include <stdint.h>
#include <string.h>

#include "flow/action.h"
#include "flow/flow_key.h"
#include "switch/bridge_types.h"

#define RECIRC_MAX_STATES 65536     /* ids per bridge */
#define RECIRC_MAX_ACTIONS 256      /* in one continuation */
/* Passes one received packet may take; beyond, it is looping (each pass
 * must uncover something new) and is dropped as recirc_too_deep. */
#define RECIRC_MAX_PASSES 6

struct recirc_table;

struct recirc_state {
	struct recirc_state *next;      /* in its hash bucket */
	struct recirc_table *table;
	uint32_t id;
	uint32_t hash;
	uint32_t refs;
	struct flow_key meta;           /* only the metadata fields are set */
	uint16_t n_acts;
	struct action acts[];
};

/* -ENOMEM, or 0. */
int recirc_table_init(struct bridge *br);
/* Once no worker runs the bridge and its caches are gone. */
void recirc_table_fini(struct bridge *br);

/* The state for key's metadata and these continuation actions, with a
 * reference for the caller; NULL if the table is full or memory ran out. */
const struct recirc_state *recirc_intern(const struct bridge *br, const struct flow_key *key,
					 const struct action *acts, unsigned int n_acts);
void recirc_release(const struct recirc_state *st);

/* Control thread: retire the states nobody holds (see above). */
void recirc_collect(struct bridge *br);

/* States in the table now. */
unsigned int recirc_count(const struct bridge *br);

/* The metadata fields of a key: what survives a pass. */
static inline void recirc_meta_copy(struct flow_key *dst, const struct flow_key *src)
{
	dst->in_port = src->in_port;
	memcpy(dst->regs, src->regs, sizeof(dst->regs));
	dst->ct_zone = src->ct_zone;
	dst->ct_state = src->ct_state;
	dst->ct_mark = src->ct_mark;
	dst->tun_src = src->tun_src;
	dst->tun_dst = src->tun_dst;
	dst->tun_id = src->tun_id;
	dst->recirc_id = src->recirc_id;
}

/* A packet parsed again for the pass after st. */
static inline void recirc_apply(const struct recirc_state *st, struct flow_key *key)
{
	recirc_meta_copy(key, &st->meta);
}

#endif
