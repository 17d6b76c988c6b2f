/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What actions do: each action family has a file here
 * (switch/action_<family>.c) that translates its action types (a rule's
 * action into datapath steps, at an upcall) and executes the datapath
 * steps it emits (per packet). How the family is written is its other
 * half, flow/action_<family>.c (flow/action_text.h).
 *
 * The fast path runs output and normal itself (switch_dp.c, switch_out.c,
 * switch_normal.c: they are what every packet does, and they batch per
 * port); every other datapath step goes through the table.
 *
 * Adding an action: a type in flow/action.h, the family's two files, and
 * one line in each table (this one's in action_table.c). The families'
 * interface is action_dp.h.
 */
#ifndef XVIO_SWITCH_ACTION_TABLE_H
#define XVIO_SWITCH_ACTION_TABLE_H

#include "switch/action_dp.h"

extern const struct action_dp action_output_dp, action_vlan_dp, action_set_dp, action_ttl_dp,
	action_resubmit_dp, action_meter_dp, action_note_dp, action_bundle_dp,
	action_recirc_dp;

extern const struct action_type_dp *action_dp_by_type[ACT__COUNT];

/* What type does; type is always a valid enum action_type here. */
static inline const struct action_type_dp *action_type_dp(uint8_t type)
{
	return action_dp_by_type[type];
}

#endif
