/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An action family's datapath half (switch/action_<family>.c): how each of
 * its types translates and how the datapath steps it emits execute. The
 * table of families is action_table.h.
 */
#ifndef XVIO_SWITCH_ACTION_DP_H
#define XVIO_SWITCH_ACTION_DP_H

#include <stdbool.h>

#include <rte_mbuf.h>

#include "flow/action.h"
#include "flow/flow_key.h"
#include "flow/pkt_parse.h"
#include "switch/bridge_types.h"

struct burst_ctx;
struct xlate_ctx;

/* Translate action a of rule r. */
typedef void action_xlate_fn(struct xlate_ctx *ctx, const struct rule *r,
			     const struct action *a);
/* Execute datapath step a on packet m (writable if the type says so):
 * BR_DROP__COUNT to go on, or the reason the packet is dropped. */
typedef enum bridge_drop action_exec_fn(struct burst_ctx *ctx, struct rte_mbuf *m,
					struct pkt_layers *l, const struct flow_key *key,
					const struct action *a);

struct action_type_dp {
	uint8_t type;                   /* enum action_type */
	action_xlate_fn *xlate;         /* NULL only for recirc: no rule has it */
	/* NULL: translation never emits it, or the fast path runs it itself. */
	action_exec_fn *exec;
	bool writes;                    /* exec changes the packet's bytes */
};

struct action_dp {
	const char *family;
	const struct action_type_dp *types;
	unsigned int n_types;
};

#endif
