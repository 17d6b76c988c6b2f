/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to src/flow: what the flow parser (flow_parse.c) and printer
 * (flow_format.c) share beyond field.h: parsing field values from text
 * and the keyword tables (flow_text.c).
 */
#ifndef XVIO_FLOW_TEXT_H
#define XVIO_FLOW_TEXT_H

#include <stdbool.h>
#include <stdint.h>

#include "flow/bytes.h"
#include "flow/field.h"
#include "flow/flow_spec.h"

/* What the parser reads and where its errors go. */
struct text_ctx {
	const char *text;               /* the whole text: error positions */
	struct flow_parse_error *err;
	flow_port_lookup_fn lookup;     /* may be NULL: numbers only */
	void *aux;
};

/* Blame len bytes at `at` (inside t->text); returns -EINVAL. */
int text_fail(struct text_ctx *t, const char *at, int len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* "value/mask" split at the '/' (no mask: mask NULL). */
struct field_text {
	const char *value;
	int value_len;
	const char *mask;
	int mask_len;
};

void field_split_mask(const char *s, int len, struct field_text *ft);

/*
 * Parse the user form of f's value (and mask, all ones if none), right
 * aligned in f->n_bytes, ready for field_to_storage(). `what` names the
 * value in messages ("tp_dst", "mod_nw_tos"). Special forms: nw_tos is
 * the TOS byte (low 2 bits 0), ip_frag a keyword, tcp_flags "+syn-ack".
 */
int field_parse_value(const struct field *f, const char *what, const struct field_text *ft,
		      struct text_ctx *t, uint8_t *value, uint8_t *mask);

/* A port: 1..OFPORT_MAX or a name known to t->lookup. */
int text_parse_port(struct text_ctx *t, const char *s, int len, uint16_t *port);

/* A number in min..max; "what N is out of range min..max" otherwise. */
int text_parse_uint(struct text_ctx *t, const char *what, const char *s, int len,
		    uint64_t min, uint64_t max, uint64_t *out);


/* ip_frag=first and friends: the nw_frag value and mask. */
struct flow_frag_word {
	const char *name;
	uint8_t value, mask;
};

extern const struct flow_frag_word flow_frag_words[];
extern const unsigned int flow_n_frag_words;

/* tcp_flags=+syn-ack: flag names by bit, from bit 0 (fin). */
extern const char *const flow_tcp_flag_names[];
extern const unsigned int flow_n_tcp_flag_names;

/* Words that set dl_type (and nw_proto unless 0): "tcp" and friends. */
struct flow_shorthand {
	const char *name;
	uint16_t dl_type;
	uint8_t nw_proto;
};

extern const struct flow_shorthand flow_shorthands[];
extern const unsigned int flow_n_shorthands;

#endif
