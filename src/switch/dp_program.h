/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What translation makes (xlate.h): the datapath program of a megaflow,
 * and the hooks `trace` gives it.
 */
#ifndef XVIO_DP_PROGRAM_H
#define XVIO_DP_PROGRAM_H

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
	struct flow_key key_out;  /* the key as the actions left it (trace) */
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

#endif
