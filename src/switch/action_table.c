/* SPDX-License-Identifier: BSD-3-Clause */
/* The action families' datapath halves, listed once, indexed by type. */
#include "switch/action_table.h"

#include <stdio.h>
#include <stdlib.h>

static const struct action_dp *const families[] = {
	&action_output_dp,
	&action_vlan_dp,
	&action_set_dp,
	&action_ttl_dp,
	&action_resubmit_dp,
	&action_meter_dp,
	&action_note_dp,
	&action_bundle_dp,
	&action_recirc_dp,
};

const struct action_type_dp *action_dp_by_type[ACT__COUNT];

/* Every type claimed by exactly one family, and translated by it unless
 * only translation makes it (recirc): checked once, at start, before any
 * worker can translate. */
static void __attribute__((constructor)) index_types(void)
{
	for (unsigned int f = 0; f < sizeof(families) / sizeof(families[0]); f++)
		for (unsigned int i = 0; i < families[f]->n_types; i++) {
			const struct action_type_dp *t = &families[f]->types[i];

			if (t->type >= ACT__COUNT || action_dp_by_type[t->type] != NULL ||
			    (t->xlate == NULL && t->type != ACT_RECIRC)) {
				fprintf(stderr, "action family %s: type %u claimed twice or "
					"without a translation\n", families[f]->family, t->type);
				abort();
			}
			action_dp_by_type[t->type] = t;
		}
	for (unsigned int t = 0; t < ACT__COUNT; t++)
		if (action_dp_by_type[t] == NULL) {
			fprintf(stderr, "action type %u has no datapath family\n", t);
			abort();
		}
}
