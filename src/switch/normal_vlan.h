/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VLAN rules of `normal` (docs/switch.md section 5): which VLAN a frame
 * arriving on a bridge port is in, and whether a port carries a VLAN. For
 * the datapath (switch_normal.c) and for `trace`, which must say the same.
 */
#ifndef XVIO_NORMAL_VLAN_H
#define XVIO_NORMAL_VLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "switch/bridge_types.h"

/* An access port carries its VLAN; a trunk all, or those of its list. */
static inline bool normal_vlan_allowed(const struct bridge_port *bp, uint16_t vlan)
{
	if (bp->tag)
		return bp->tag == vlan;
	if (bp->n_trunks == 0)
		return true;
	for (uint16_t i = 0; i < bp->n_trunks; i++)
		if (bp->trunks[i] == vlan)
			return true;
	return false;
}

/* The VLAN of a frame whose outer tag has VLAN ID vid (-1: untagged) on
 * port in, or -1 if the port refuses it. A priority tag (VID 0) counts as
 * untagged (IEEE 802.1Q). */
static inline int normal_input_vlan(const struct bridge_port *in, int vid)
{
	if (in->tag)
		return vid > 0 ? -1 : in->tag;
	if (vid < 0)
		vid = 0;
	return normal_vlan_allowed(in, (uint16_t)vid) ? vid : -1;
}

#endif
