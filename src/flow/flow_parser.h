/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the flow syntax parser's two halves share: the match and header
 * words (flow_parse.c) and the actions (flow_parse_actions.c). The
 * lookups are in flow_parser.c.
 * Private to src/flow.
 */
#ifndef XVIO_FLOW_PARSER_H
#define XVIO_FLOW_PARSER_H

#include <stdbool.h>
#include <string.h>

#include "flow/flow_spec.h"
#include "flow/flow_text.h"

struct span {
	const char *at;
	int len;
};

enum header_word { HDR_TABLE, HDR_PRIORITY, HDR_COOKIE, HDR_IDLE, HDR_HARD, HDR__COUNT };

/* A field as given in the match: for repeats and prerequisites. */
struct given {
	struct span word;
	int name_len;
	uint8_t value[FIELD_MAX_BYTES];  /* storage */
	uint8_t mask[FIELD_MAX_BYTES];
};

struct parser {
	struct text_ctx t;
	enum flow_parse_mode mode;
	struct flow_spec *spec;
	/* The word that first matched each key byte, to name contradictions. */
	struct span owner[sizeof(struct flow_key)];
	struct given given[FIELD__COUNT];
	bool hdr_given[HDR__COUNT];
	uint64_t hdr_value[HDR__COUNT];
};

/* One action: "name", "name:arg" or "name(arg)". */
struct act_word {
	struct span word;
	struct span name;
	struct span arg;        /* at == NULL: none */
	bool paren;
};

static inline bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static inline bool span_is(struct span s, const char *str)
{
	return (int)strlen(str) == s.len && strncmp(s.at, str, s.len) == 0;
}

/* Blame the span s. */
#define fail_at(p, s, ...) text_fail(&(p)->t, (s).at, (s).len, __VA_ARGS__)

/* The field a name gives (NULL: none), or an error blaming the name. */
const struct field *field_by_span(struct span name);
int field_named(struct parser *p, struct span name, const struct field **f);

/* How to say what a prerequisite asks for, and a word that gives it. */
const char *prereq_needs(enum field_prereq pr);
const char *prereq_example(enum field_prereq pr);

#endif
