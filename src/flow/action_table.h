/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The action families' text halves (action_text.h), as the parser and the
 * printer find them. Private to src/flow.
 */
#ifndef XVIO_FLOW_ACTION_TABLE_H
#define XVIO_FLOW_ACTION_TABLE_H

#include "flow/action_text.h"

/* The families (action_table.c lists them). */
extern const struct action_text action_output_text, action_vlan_text, action_set_text,
	action_ttl_text, action_resubmit_text, action_meter_text, action_note_text,
	action_bundle_text, action_recirc_text;

/* The entry that parses word `name`, or NULL. */
const struct action_word *action_word_find(struct span name);
/* Try each family's bare-word parser: 0, an error, or 1 if none took it. */
int action_parse_bare(struct parser *p, const struct act_word *aw, struct action *a);
/* How type prints and where it may stand (NULL only for a bad type). */
const struct action_type_text *action_type_text(uint8_t type);

#endif
