/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to src/flow: what the flow parser (flow_parse.c) and printer
 * (flow_format.c) share beyond field.h: parsing field values from text,
 * numbers as big-endian bytes, and the keyword tables. In field.c.
 */
#ifndef XVIO_FLOW_TEXT_H
#define XVIO_FLOW_TEXT_H

#include <stdbool.h>
#include <stdint.h>

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

/* 0..15, or -1 if c is not a hex digit. */
int hex_digit(char c);
/* Decimal or 0x hex into n big-endian bytes: 0, -EINVAL, -ERANGE. */
int bytes_from_number(const char *s, int len, uint8_t *out, int n);
/* Shift n big-endian bytes as one number. */
void bytes_shl(uint8_t *b, int n, int bits);
void bytes_shr(uint8_t *b, int n, int bits);
uint64_t bytes_to_u64(const uint8_t *b, int n);
/* Does the number in b fit in `bits` bits? */
bool bytes_fit(const uint8_t *b, int n, int bits);
/* The field's width mask: n_bits ones, right aligned in n_bytes. */
void field_width_mask(const struct field *f, uint8_t *mask);

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

/* mod_dl_src:MAC and friends: actions that write one field. */
struct flow_mod_action {
	const char *name;
	enum field_id field;
};

extern const struct flow_mod_action flow_mod_actions[];
extern const unsigned int flow_n_mod_actions;

#endif
