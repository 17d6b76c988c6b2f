/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Translation, the switch's slow path: run a packet key through a bridge's
 * flow tables (lookups, resubmits, register loads, ...) and reduce what
 * the rules say to a *datapath program*: the packet rewrites, outputs,
 * meters and `normal` steps to apply to every packet like it, plus the
 * megaflow wildcards (which key bits the outcome depended on) and the
 * rules to credit. The program reuses struct action with only these
 * types: ACT_SET_FIELD (packet fields only), ACT_PUSH_VLAN, ACT_POP_VLAN,
 * ACT_DEC_TTL, ACT_OUTPUT, ACT_NORMAL, ACT_METER, ACT_BUNDLE, and last
 * ACT_RECIRC when the pass ends before the actions do (switch/recirc.h:
 * the program then holds a reference to that state).
 *
 * Runs on workers (cache misses) and on the control thread (trace); reads
 * the bridge under the RCU rules of bridge.h and changes nothing in it but
 * its recirculation states.
 */
#ifndef XVIO_XLATE_H
#define XVIO_XLATE_H

#include <stdint.h>

#include "flow/flow_key.h"
#include "switch/bridge_types.h"
#include "switch/dp_program.h"

/*
 * Translate key (in_port set, the rest from pkt_parse) for bridge br.
 * wc receives the megaflow mask (it is zeroed first). trace: NULL but for
 * `trace`.
 */
void xlate(const struct bridge *br, const struct flow_key *key, struct dp_program *prog,
	   struct flow_key *wc, const struct xlate_trace *trace);
/* The same for a recirculated key (key->recirc_id == st->id): the pass
 * runs st's continuation. st NULL: the first pass, as xlate(). */
void xlate_resume(const struct bridge *br, const struct recirc_state *st,
		  const struct flow_key *key, struct dp_program *prog, struct flow_key *wc,
		  const struct xlate_trace *trace);

/* The recirculation state a program ends with, or NULL. */
static inline const struct recirc_state *dp_program_recirc(const struct action *ops,
							   unsigned int n_ops)
{
	return n_ops && ops[n_ops - 1].type == ACT_RECIRC ? ops[n_ops - 1].recirc.state : NULL;
}

#endif
