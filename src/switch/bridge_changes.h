/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A bridge's change log: what the control thread changed, so that each
 * worker revalidates its cache (drops the megaflows a change can affect,
 * flow_cache_catch_up) instead of emptying it.
 *
 * bridge->gen is the sequence number of the latest change. Change `seq`
 * stays in slot seq % BRIDGE_CHANGE_LOG until that many later changes
 * overwrite it; a worker further behind empties its cache. A record is
 * either a rule (its table and match: the rule was added, removed or
 * given new actions), a retired recirculation id (every megaflow of that
 * recirc_id goes, whatever tables it saw: BRIDGE_CHANGE_ANY_TABLE), or
 * "everything" (a port came or went, or a change too wide to name by
 * rules).
 *
 * Writer: the control thread, under ctl_lock. Readers: workers, without
 * locks, as a seqlock: a record's seq is cleared while it is rewritten
 * and stored (release) once it is whole; gen is published after it.
 */
#ifndef XVIO_BRIDGE_CHANGES_H
#define XVIO_BRIDGE_CHANGES_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "flow/flow_key.h"
#include "switch/bridge_types.h"

#define BRIDGE_CHANGE_LOG 4096
/* table of a change that concerns megaflows whatever they looked up
 * (tables are 0..FLOW_TABLE_MAX). */
#define BRIDGE_CHANGE_ANY_TABLE 255

struct bridge_change {
	uint64_t seq;              /* 0 while being written */
	bool everything;
	uint8_t table;
	struct flow_match match;
};

/* The bridge's log, or -ENOMEM. Without one (NULL), every change
 * empties the caches. */
int bridge_changes_init(struct bridge *br);
void bridge_changes_fini(struct bridge *br);

/* Anything changed: workers empty their caches. */
void bridge_changed(struct bridge *br);
/* Rule r was added, removed or given new actions. */
void bridge_rule_changed(struct bridge *br, const struct rule *r);
/* Recirculation id `id` is being retired (recirc.h). */
void bridge_recirc_gone(struct bridge *br, uint32_t id);

/* Worker: change seq into *out; false if it is no longer (or not yet)
 * in the log. */
static inline bool bridge_change_read(const struct bridge *br, uint64_t seq,
				      struct bridge_change *out)
{
	const struct bridge_change *rec;

	if (br->changes == NULL)
		return false;
	rec = &br->changes[seq % BRIDGE_CHANGE_LOG];
	if (__atomic_load_n(&rec->seq, __ATOMIC_ACQUIRE) != seq)
		return false;
	memcpy(out, rec, sizeof(*out));
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return __atomic_load_n(&rec->seq, __ATOMIC_RELAXED) == seq;
}

#endif
