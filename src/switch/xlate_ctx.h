/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A translation in progress (xlate.c), as the action families' translate
 * functions (switch/action_*.c) see it: the packet key as the actions so
 * far made it, the megaflow wildcards, the datapath program being built,
 * and the steps they may take.
 */
#ifndef XVIO_XLATE_CTX_H
#define XVIO_XLATE_CTX_H

#include <stdbool.h>

#include <rte_byteorder.h>

#include "flow/field.h"
#include "switch/dp_program.h"

/* An action list being run: where the translation goes on after the
 * current step, if it has to be frozen (xlate_freeze). */
struct xlate_frame {
	const struct action *acts;
	uint16_t n;
	uint16_t next;            /* the step after the current one */
	uint8_t table;            /* the rule's table: resubmit's "current" */
	rte_be16_t resume_in_port; /* in_port once the current resubmit returns */
};

struct xlate_ctx {
	const struct bridge *br;
	const struct flow_key *packet; /* as it came */
	struct flow_key key;      /* the packet as the actions so far made it */
	struct flow_key *wc;
	struct dp_program *prog;
	const struct xlate_trace *trace;
	int depth;
	unsigned int resubmits;   /* so far, against XLATE_MAX_RESUBMITS */
	bool stop;                /* dropped (prog->drop says why), or frozen */
	bool frozen;              /* ended the pass with recirc: not a drop */
	/* The actions changed the headers beyond what the key says (pop_vlan
	 * uncovering another tag): the packet must be parsed again before a
	 * step that reads them, so that step freezes the translation. */
	bool reparse;
	bool missed_table0;
	/* The table lookup of xlate.c, for resubmit and goto_table: reached
	 * through the context so that the action families do not depend on
	 * the translator that runs them. */
	void (*lookup)(struct xlate_ctx *ctx, unsigned int table);
	struct xlate_frame frames[XLATE_MAX_DEPTH + 1]; /* [0..depth] */
};

/* One line of `trace` output, at the current depth. */
#define TRACE(ctx, ...) do { \
	if ((ctx)->trace) \
		(ctx)->trace->line((ctx)->trace->aux, (ctx)->depth, __VA_ARGS__); \
} while (0)

/* Append a datapath step to the program (or drop the packet, counted as
 * too_many_actions, when the program is full). */
void xlate_emit(struct xlate_ctx *ctx, const struct action *a);
void xlate_emit_output(struct xlate_ctx *ctx, uint16_t ofport);
/* The outcome depends on these bits of field f (mask: storage bytes). */
void xlate_unwildcard(struct xlate_ctx *ctx, const struct field *f, const uint8_t *mask);
void xlate_unwildcard_all(struct xlate_ctx *ctx, enum field_id id);
/* Look table up again (resubmit, goto_table), within the bounds on depth
 * and on resubmits per packet, as port in_port (OFPORT_NONE: the same). */
void xlate_recurse(struct xlate_ctx *ctx, unsigned int table, uint16_t in_port);
/* End the pass here: the program recirculates, and the next pass goes on
 * with the rest of every action list being run (xlate_freeze.c). */
void xlate_freeze(struct xlate_ctx *ctx);
/* The packet is dropped, for reason why; nothing more happens. */
void xlate_drop(struct xlate_ctx *ctx, enum bridge_drop why);

#endif
