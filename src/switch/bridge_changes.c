/* SPDX-License-Identifier: BSD-3-Clause */
#include "switch/bridge_changes.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>

int bridge_changes_init(struct bridge *br)
{
	br->changes = calloc(BRIDGE_CHANGE_LOG, sizeof(*br->changes));
	return br->changes ? 0 : -ENOMEM;
}

void bridge_changes_fini(struct bridge *br)
{
	free(br->changes);
	br->changes = NULL;
}

static void append(struct bridge *br, bool everything, uint8_t table,
		   const struct flow_match *match)
{
	uint64_t seq = br->gen + 1;
	struct bridge_change *rec;

	if (br->changes != NULL) {
		rec = &br->changes[seq % BRIDGE_CHANGE_LOG];
		__atomic_store_n(&rec->seq, 0, __ATOMIC_RELAXED);
		/* No reader may see the new body under the old seq. */
		__atomic_thread_fence(__ATOMIC_RELEASE);
		rec->everything = everything;
		if (match != NULL) {
			rec->table = table;
			rec->match = *match;
		}
		__atomic_store_n(&rec->seq, seq, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&br->gen, seq, __ATOMIC_RELEASE);
}

void bridge_changed(struct bridge *br)
{
	append(br, true, 0, NULL);
}

void bridge_rule_changed(struct bridge *br, const struct rule *r)
{
	append(br, false, r->table, &r->cr.match);
}

void bridge_recirc_gone(struct bridge *br, uint32_t id)
{
	struct flow_match m;

	memset(&m, 0, sizeof(m));
	m.key.recirc_id = rte_cpu_to_be_32(id);
	m.mask.recirc_id = UINT32_MAX;
	append(br, false, BRIDGE_CHANGE_ANY_TABLE, &m);
}
