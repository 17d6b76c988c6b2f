/* SPDX-License-Identifier: BSD-3-Clause */
/* The action families' text halves, listed once, and lookups over them. */
#include "flow/action_table.h"

#include <stdio.h>
#include <stdlib.h>

static const struct action_text *const families[] = {
	&action_output_text,
	&action_vlan_text,
	&action_set_text,
	&action_ttl_text,
	&action_resubmit_text,
	&action_meter_text,
	&action_note_text,
	&action_bundle_text,
	&action_recirc_text,
};

#define N_FAMILIES (sizeof(families) / sizeof(families[0]))

static const struct action_type_text *by_type[ACT__COUNT];

/* Every type printed by exactly one family: checked once, at start. */
static void __attribute__((constructor)) index_types(void)
{
	for (unsigned int f = 0; f < N_FAMILIES; f++)
		for (unsigned int i = 0; i < families[f]->n_types; i++) {
			const struct action_type_text *t = &families[f]->types[i];

			if (t->type >= ACT__COUNT || by_type[t->type] != NULL) {
				fprintf(stderr, "action family %s: type %u claimed twice\n",
					families[f]->family, t->type);
				abort();
			}
			by_type[t->type] = t;
		}
	for (unsigned int t = 0; t < ACT__COUNT; t++)
		if (by_type[t] == NULL) {
			fprintf(stderr, "action type %u has no family\n", t);
			abort();
		}
}

const struct action_type_text *action_type_text(uint8_t type)
{
	return type < ACT__COUNT ? by_type[type] : NULL;
}

const struct action_word *action_word_find(struct span name)
{
	for (unsigned int f = 0; f < N_FAMILIES; f++) {
		const struct action_text *fam = families[f];

		for (unsigned int i = 0; i < fam->n_words; i++)
			if (span_is(name, fam->words[i].name))
				return &fam->words[i];
	}
	return NULL;
}

int action_parse_bare(struct parser *p, const struct act_word *aw, struct action *a)
{
	for (unsigned int f = 0; f < N_FAMILIES; f++) {
		int rc;

		if (families[f]->bare == NULL)
			continue;
		rc = families[f]->bare(p, aw, a);
		if (rc <= 0)
			return rc;
	}
	return 1;
}
