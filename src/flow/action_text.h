/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * How actions are written: each action family has a text file here
 * (flow/action_<family>.c) that says which words start its actions, how
 * to parse them into struct action and how to print each of its types
 * back the way ovs-ofctl does. What an action does is the family's other
 * half, in the switch (switch/action_table.h); the flow language stands
 * on its own, so the parser, the printer and their tests and fuzzer need
 * no datapath.
 *
 * Adding an action: a type in action.h, the family's two files, and one
 * line in each table (flow/action_table.c, switch/action_table.c).
 * Private to src/flow.
 */
#ifndef XVIO_FLOW_ACTION_TEXT_H
#define XVIO_FLOW_ACTION_TEXT_H

#include <errno.h>

#include "flow/action.h"
#include "flow/format_ctx.h"
#include "flow/flow_parser.h"

/* Parse one action word into *a; arg is the entry's own (a type, a field). */
typedef int action_parse_fn(struct parser *p, const struct act_word *aw, uint8_t arg,
			    struct action *a);
typedef void action_format_fn(const struct action *a, struct format_ctx *fc);

struct action_word {
	const char *name;
	action_parse_fn *parse;
	uint8_t arg;
};

/* Where among a rule's actions one may stand. */
enum action_place { ACTION_ANYWHERE, ACTION_FIRST_ONLY, ACTION_LAST_ONLY };

struct action_type_text {
	uint8_t type;                   /* enum action_type */
	action_format_fn *format;
	uint8_t place;                  /* enum action_place */
};

struct action_text {
	const char *family;
	const struct action_word *words;
	unsigned int n_words;
	/* A word that names no action, without an argument (a bare port:
	 * "actions=1,vm2"): 0, an error, or 1 for "not mine". May be NULL. */
	int (*bare)(struct parser *p, const struct act_word *aw, struct action *a);
	const struct action_type_text *types;
	unsigned int n_types;
};

/* Helpers for the families' parsers. */
int action_need_arg(struct parser *p, const struct act_word *aw, const char *what);
/* A word with no argument that is its type alone ("normal", "dec_ttl"). */
action_parse_fn action_parse_plain;

#endif
