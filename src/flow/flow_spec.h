/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A flow rule as the operator writes it, in ovs-ofctl's syntax:
 *
 *   table=0,priority=100,cookie=0x1,idle_timeout=30,tcp,nw_dst=10.0.0.0/24,
 *       tp_dst=80,actions=mod_nw_dst:10.0.0.9,output:2
 *
 * flow_spec_parse() turns such text into a struct flow_spec and
 * flow_spec_format() turns one back into text that parses to the same
 * spec. Errors point at the word that is wrong (pos, len in the text).
 * Port names are resolved through callbacks, so the parser needs no
 * bridge.
 */
#ifndef XVIO_FLOW_SPEC_H
#define XVIO_FLOW_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow/action.h"
#include "flow/flow_key.h"

#define FLOW_PRIORITY_DEFAULT 32768
#define FLOW_MAX_ACTIONS 64

enum flow_parse_mode {
	FLOW_PARSE_ADD,     /* add-flow(s): match and actions= (required) */
	FLOW_PARSE_MODIFY,  /* mod-flows: match and actions= (required) */
	FLOW_PARSE_DELETE,  /* del-flows, dump-flows: match only, cookie may
			     * be cookie=V/MASK, no actions */
	FLOW_PARSE_PACKET,  /* trace: exact field values, no masks, no
			     * table/priority/cookie/timeouts/actions */
};

struct flow_spec {
	uint8_t table;          /* table=N, default 0 */
	bool has_table;         /* table= given (matters for del-flows) */
	uint16_t priority;      /* default FLOW_PRIORITY_DEFAULT */
	uint64_t cookie;
	uint64_t cookie_mask;   /* DELETE: cookie=V/M; ADD: all ones if given */
	uint16_t idle_timeout;  /* seconds, 0 = none */
	uint16_t hard_timeout;
	struct flow_match match;
	unsigned int n_actions;
	struct action actions[FLOW_MAX_ACTIONS];
};

struct flow_parse_error {
	int pos;                /* byte offset of the wrong word in the text */
	int len;                /* its length (0: at end of text) */
	char msg[160];          /* "unknown field 'nw_dest'" */
};

/* Port names: name -> ofport (1..OFPORT_MAX), or -1 if unknown. */
typedef int (*flow_port_lookup_fn)(const char *name, void *aux);
/* ofport -> name, or NULL to print the number. */
typedef const char *(*flow_port_name_fn)(uint16_t ofport, void *aux);

int flow_spec_parse(const char *text, enum flow_parse_mode mode,
		    flow_port_lookup_fn lookup, void *aux,
		    struct flow_spec *spec, struct flow_parse_error *err);

/*
 * Write the spec as ovs-ofctl text: the match (shorthands like "tcp" where
 * they apply, fields in a fixed order) then "actions=...". With
 * with_header, "table=,priority=,cookie=,timeouts" come first (defaults
 * left out). Returns the length it needed, like snprintf.
 */
int flow_spec_format(const struct flow_spec *spec, bool with_header,
		     flow_port_name_fn name, void *aux, char *buf, size_t len);

/* Only the match part ("tcp,nw_dst=10.0.0.0/24", "" for match-all). */
int flow_match_format(const struct flow_match *m, flow_port_name_fn name, void *aux,
		      char *buf, size_t len);

/* Only the actions ("output:2,mod_dl_src:..", "drop" for none). */
int flow_actions_format(const struct action *acts, unsigned int n,
			flow_port_name_fn name, void *aux, char *buf, size_t len);

#endif
