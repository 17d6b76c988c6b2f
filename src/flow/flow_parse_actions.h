/* SPDX-License-Identifier: BSD-3-Clause */
/* The actions half of the flow parser. Private to src/flow. */
#ifndef XVIO_FLOW_PARSE_ACTIONS_H
#define XVIO_FLOW_PARSE_ACTIONS_H

#include "flow/flow_parser.h"

/* The text after "actions=" into spec->actions. */
int parse_actions(struct parser *p, const char *s);

#endif
