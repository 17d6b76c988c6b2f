/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Translation, the switch's slow path: run a packet key through a bridge's
 * flow tables (lookups, resubmits, register loads, ...) and reduce what
 * the rules say to a *datapath program*: the packet rewrites, outputs,
 * meters and `normal` steps to apply to every packet like it, plus the
 * megaflow wildcards (which key bits the outcome depended on) and the
 * rules to credit. The program reuses struct action with only these
 * types: ACT_SET_FIELD (packet fields only), ACT_PUSH_VLAN, ACT_POP_VLAN,
 * ACT_DEC_TTL, ACT_OUTPUT, ACT_NORMAL, ACT_METER.
 *
 * Runs on workers (cache misses) and on the control thread (trace); reads
 * the bridge under the RCU rules of bridge.h and never changes it.
 */
#ifndef XVIO_XLATE_H
#define XVIO_XLATE_H

#include <stdint.h>

#include "flow/action.h"
#include "flow/flow_key.h"
#include "switch/bridge_types.h"

#define XLATE_MAX_DEPTH 32      /* nested resubmit/goto_table */
#define XLATE_MAX_RESUBMITS 4096 /* resubmit/goto_table in all, per packet */
/* Room for a flood of a full bridge several times over. A translation
 * that needs more is dropped (too_many_actions), never cut short. */
#define XLATE_MAX_OPS (2 * BRIDGE_MAX_PORTS)
/* Every lookup credits at most one rule, so every rule a packet went
 * through is credited: none stops counting (and expires by its
 * idle_timeout) while in use. */
#define XLATE_MAX_RULES (XLATE_MAX_RESUBMITS + 1)

/* About 50 KB: one on the stack of the thread that translates. */
struct dp_program {
	uint16_t n_ops;
	uint16_t n_rules;
	uint8_t drop;           /* enum bridge_drop if the program outputs nothing */
	/* Bit t % 64 for each table t looked up, and for each looked up with
	 * a key the actions had changed (its rule's match says nothing about
	 * the packet then): what a rule change must revalidate. */
	uint64_t tables_seen;
	uint64_t tables_rewritten;
	struct rule *rules[XLATE_MAX_RULES];
	struct action ops[XLATE_MAX_OPS];
};

/* trace (the control thread's `trace` command): line is called with one
 * line of explanation per step; normal, if not NULL, at each `normal`
 * step with the key as the actions so far made it, to say what the MAC
 * table would decide now (translation itself never looks at it). */
typedef void (*xlate_trace_fn)(void *aux, int depth, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

struct xlate_trace {
	xlate_trace_fn line;
	void (*normal)(void *aux, int depth, const struct flow_key *key);
	void *aux;
};

/*
 * Translate key (in_port set, the rest from pkt_parse) for bridge br.
 * wc receives the megaflow mask (it is zeroed first). trace: NULL but for
 * `trace`.
 */
void xlate(const struct bridge *br, const struct flow_key *key, struct dp_program *prog,
	   struct flow_key *wc, const struct xlate_trace *trace);

#endif
